"""The provider plugin's adapter: Pulumi's resource provider requests, translated into a resource's operations.

It adds only what the plugin protocol needs: camelCase property names (`names.py`), `PropertyValue`s
(`values.py`), outputs not known until create in preview, and a worker pool so that the synchronous operations
never block the event loop. Rules, messages and wire mappings are the operations' own.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)
from pulumi.runtime.rpc import UNKNOWN

from ..client.errors import TelnyxError
from ..configuration.clients import PROCESS_CLIENTS
from ..resources.operations import InputError, Plan, ResourceOperations
from .config import PluginConfig
from .resources import ALL_NAMES, ResourceType, UnknownResourceTypeError, resource_type
from .values import is_unknown, plain_map, property_map

T = TypeVar("T")

SURFACED = (TelnyxError, InputError, UnknownResourceTypeError)
"""Errors whose message is meant for the user: they reach the engine as that message alone (see `server.py`)."""


class ReportedError(Exception):
    """An error to show the user as its message, with no traceback: the server turns it into the gRPC status."""


def type_of(urn: str) -> str:
    """The type token of a URN; a child resource's URN type is `parent$child`, and the last part is its own."""
    parts = urn.split("::")
    return parts[-2].split("$")[-1] if len(parts) > 2 else ""


SCHEMA_FILE = Path(__file__).with_name("schema.json")
"""The package schema, generated from the resource specs by `python -m tools.codegen --write`."""


class PluginProvider(Provider):
    """Serves every resource type of `telnyx-siprec` through its `ResourceOperations`."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ
        self._config: PluginConfig | None = None
        self._pool: ThreadPoolExecutor | None = None

    # Configuration

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:  # noqa: ARG002
        return GetSchemaResponse(SCHEMA_FILE.read_text(encoding="utf-8"))

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        """Reads `telnyx-siprec:*` provider config (TELNYX_* as fallbacks) and sizes the worker pool; no network."""
        with reported():
            config = PluginConfig.resolve(request.args, request.variables, self._environ)
        previous, self._pool, self._config = self._pool, None, config
        if previous is not None:
            previous.shutdown(wait=False)
        # The HTTP client (and requests) load now, while the engine is still registering resources, rather than
        # under the first create's clock with every other create waiting on the same import.
        self._workers().submit(load_client_module)
        # Secrets are not accepted: the engine then marks an output secret when the input of the same name was,
        # which is the rule this provider would apply. Resources and output values are not used either.
        return ConfigureResponse(accept_secrets=False, supports_preview=True, accept_resources=False,
                                 accept_outputs=False)

    def config(self) -> PluginConfig:
        """The configured settings, or the environment's when the engine has not configured the plugin."""
        if self._config is None:
            with reported():
                self._config = PluginConfig.resolve(environ=self._environ)
        return self._config

    def _ops(self, urn: str) -> tuple[ResourceType, ResourceOperations]:
        with reported():
            kind = resource_type(type_of(urn))
        settings = self.config().settings
        return kind, kind.spec.operations(settings, lambda: PROCESS_CLIENTS.get(settings))

    def _workers(self) -> ThreadPoolExecutor:
        """The worker pool, sized by `maxConcurrency`; built on first use after each Configure (or without one)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.config().max_concurrency, "telnyx-siprec")
        return self._pool

    async def _run(self, work: Callable[[], T]) -> T:
        """Runs a synchronous operation on the worker pool, its errors of ours reported as their message."""
        with reported():
            return await asyncio.get_running_loop().run_in_executor(self._workers(), work)

    # Inputs

    async def check(self, request: CheckRequest) -> CheckResponse:
        """Validates every input at once, without network or API key; unknowns pass through unchanged."""
        kind, ops = self._ops(request.urn)
        news, strays = kind.names.from_wire(plain_map(request.new_inputs))
        outcome = ops.check(news, is_unknown=is_unknown)
        inputs = kind.names.to_wire(outcome.inputs)
        failures = [CheckFailure(kind.names.wire(f.property), ALL_NAMES.text(f.reason)) for f in outcome.failures]
        # Not a wire name (a typo, or a schema spelling such as `call_sid`): unknown, as the schema reports it,
        # under the name as given; by name, since the engine's property order is not the program's.
        for name, value in sorted(strays.items()):
            failure = ops.unknown_property(name)
            failures.append(CheckFailure(failure.property, ALL_NAMES.text(failure.reason)))
            if failure.property:
                inputs[name] = value
        return CheckResponse(inputs=property_map(inputs), failures=failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        """Compares inputs only; replaces and their order come from the operations' plan."""
        kind, ops = self._ops(request.urn)
        olds, _ = kind.names.from_wire(plain_map(request.old_state))
        news, _ = kind.names.from_wire(plain_map(request.new_inputs))
        plan = ops.diff(olds, news, is_unknown)
        return DiffResponse(
            changes=bool(plan.changed),
            replaces=[kind.names.wire(name) for name in plan.replaces],
            delete_before_replace=plan.delete_before_replace,
            diffs=[kind.names.wire(name) for name in plan.changed],
            detailed_diff=detailed_diff(kind, plan, olds, news),
        )

    # Operations

    async def create(self, request: CreateRequest) -> CreateResponse:
        kind, ops = self._ops(request.urn)
        props, _ = kind.names.from_wire(plain_map(request.properties))
        if request.preview:
            return CreateResponse(None, property_map(kind.names.to_wire(preview_outputs(ops, props))))
        created = await self._run(functools.partial(ops.create, props))
        return CreateResponse(created.id, property_map(kind.names.to_wire(created.outputs)))

    async def read(self, request: ReadRequest) -> ReadResponse:
        """The resource as it is now; no id when it is gone (the engine then drops it from the state)."""
        kind, ops = self._ops(request.urn)
        props, _ = kind.names.from_wire(plain_map(request.properties))
        with reported():
            id_ = ops.resource_id(request.resource_id, "refreshed")
        found = await self._run(functools.partial(ops.read, id_, props))
        if found is None:
            return ReadResponse(None, {}, {})
        return ReadResponse(found.id, property_map(kind.names.to_wire(found.outputs)),
                            property_map(kind.names.to_wire(found.inputs)))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        kind, ops = self._ops(request.urn)
        olds, _ = kind.names.from_wire(plain_map(request.olds))
        news, _ = kind.names.from_wire(plain_map(request.news))
        if request.preview:
            kept = {name: olds[name] for name in ops.spec.unchanged_when_absent if name in olds and name not in news}
            return UpdateResponse(property_map(kind.names.to_wire(preview_outputs(ops, {**news, **kept}))))
        with reported():
            id_ = ops.resource_id(request.resource_id, "updated")
        outputs = await self._run(functools.partial(ops.update, id_, olds, news))
        return UpdateResponse(property_map(kind.names.to_wire(outputs)))

    async def delete(self, request: DeleteRequest) -> None:
        kind, ops = self._ops(request.urn)
        props, _ = kind.names.from_wire(plain_map(request.properties))
        with reported():
            id_ = ops.resource_id(request.resource_id, "deleted")
        await self._run(functools.partial(ops.delete, id_, props))


def load_client_module() -> None:
    """Imports the HTTP client; building one needs the settings, importing it needs nothing."""
    importlib.import_module("..client.telnyx_client", __package__)


def preview_outputs(ops: ResourceOperations, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs a create or update will have, as far as preview knows them: the inputs, and unknown for every
    output-only property and every absent input the resource fills in or keeps."""
    outputs = dict(inputs)
    for name in (*ops.spec.output_names, *sorted(ops.spec.unchanged_when_absent)):
        outputs.setdefault(name, UNKNOWN)
    return outputs


def detailed_diff(kind: ResourceType, plan: Plan, olds: Mapping[str, Any], news: Mapping[str, Any]
                  ) -> dict[str, PropertyDiff]:
    """Per changed input: added, deleted or updated, and whether it replaces (what `pulumi preview` shows)."""
    shown = {}
    for name in plan.changed:
        replaces = name in plan.replaces
        if name not in olds:
            diff_kind = PropertyDiffKind.ADD_REPLACE if replaces else PropertyDiffKind.ADD
        elif name not in news:
            diff_kind = PropertyDiffKind.DELETE_REPLACE if replaces else PropertyDiffKind.DELETE
        else:
            diff_kind = PropertyDiffKind.UPDATE_REPLACE if replaces else PropertyDiffKind.UPDATE
        shown[kind.names.wire(name)] = PropertyDiff(diff_kind, input_diff=True)
    return shown


@contextmanager
def reported() -> Iterator[None]:
    """Turns an error of ours into a `ReportedError` whose message names properties as the user wrote them."""
    try:
        yield
    except SURFACED as err:
        raise ReportedError(ALL_NAMES.text(str(err))) from None
