"""Runs a Pulumi program as `pulumi preview`, `up`, `refresh` and `destroy` would, without the Pulumi CLI.

The program itself runs for real, under `pulumi.runtime.set_mocks`. The mocks play the engine's part for dynamic
resources by driving the real provider server (`python -m pulumi.dynamic`, one process per operation, as the
engine starts one plugin per run) over gRPC: Configure with the stack config, then Check and Diff (preview);
Check, Diff and Create/Update/Delete (up); Read (refresh); Delete (destroy). Resource state is kept between
operations, as a stack's checkpoint is.
"""

from __future__ import annotations

import asyncio
import json
import runpy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.settings import SETTINGS, get_root_resource, set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from tests.support.provider_server import ProviderServer

DYNAMIC_PREFIX = "pulumi-python:dynamic"


class Unknown:
    """Stands for a stack output that preview could not know yet."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN_OUTPUT = Unknown()


class CheckFailedError(Exception):
    """The provider's Check reported failures; the message lists them as the engine prints them."""

    def __init__(self, urn: str, type_token: str, failures: list[tuple[str, str]], inputs: Mapping[str, Any]):
        name = urn.rsplit("::", 1)[-1]
        lines = [
            f"{type_token} resource '{name}'s property '{prop}' value {inputs.get(prop)!r} has a problem: {reason}"
            if prop else f"{type_token} resource '{name}' has a problem: {reason}"
            for prop, reason in failures
        ]
        super().__init__("\n".join(lines))
        self.failures = failures


@dataclass
class ResourceState:
    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class Operation:
    """What one operation did: engine steps per URN, the provider RPCs made, and the stack's outputs."""

    kind: str
    steps: list[tuple[str, str]] = field(default_factory=list)
    rpc_calls: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def step_kinds(self) -> list[str]:
        return [kind for kind, _ in self.steps]


def project_config(project_file: Path) -> tuple[str, dict[str, str]]:
    """The project's name and the config defaults its Pulumi.yaml declares (namespaced keys, as strings)."""
    project = yaml.safe_load(project_file.read_text())
    name = project["name"]
    defaults: dict[str, str] = {}
    for key, spec in (project.get("config") or {}).items():
        full_key = key if ":" in key else f"{name}:{key}"
        value = spec.get("value", spec.get("default")) if isinstance(spec, dict) else spec
        if value is not None:
            # As the CLI passes them: booleans as `true`/`false`, everything else as its text.
            defaults[full_key] = json.dumps(value) if isinstance(value, bool) else str(value)
    return name, defaults


class LocalStack:
    """A stack of one program: `preview()`, `up()`, `refresh()`, `destroy()` mirror the CLI commands."""

    def __init__(self, program: Path, project: str, config: Mapping[str, str], *, stack: str = "test",
                 secret_keys: tuple[str, ...] = ("telnyx:apiKey",), env: Mapping[str, str] | None = None) -> None:
        self.program = program
        self.project = project
        self.stack = stack
        self.config = dict(config)
        self.secret_keys = secret_keys
        self.env = dict(env or {})
        self.resources: dict[str, ResourceState] = {}
        self.last_server: ProviderServer | None = None

    @classmethod
    def from_project(cls, project_file: Path, program: Path, config: Mapping[str, str], **kwargs: Any) -> LocalStack:
        """A stack of a Pulumi.yaml project: its declared config defaults, overridden by `config`."""
        name, defaults = project_config(project_file)
        return cls(program, name, {**defaults, **config}, **kwargs)

    def urn(self, type_token: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{type_token}::{name}"

    @contextmanager
    def _server(self, operation: Operation) -> Iterator[ProviderServer]:
        server = ProviderServer(env=self.env, project=self.project)
        self.last_server = server
        try:
            server.configure(self.config, self.secret_keys)
            yield server
        finally:
            operation.rpc_calls = list(server.calls)
            server.close()

    # Operations

    def preview(self) -> Operation:
        operation = Operation("preview")
        with self._server(operation) as server:
            self._run_program(server, operation, preview=True)
        return operation

    def up(self) -> Operation:
        operation = Operation("up")
        with self._server(operation) as server:
            engine = self._run_program(server, operation, preview=False)
            # As the engine does: resources replaced create-before-delete go once everything else is done.
            for replaced in reversed(engine.replaced):
                server.delete(replaced.id, replaced.outputs, urn=replaced.urn)
            registered = engine.registered
            for urn in reversed([u for u in self.resources if u not in registered]):
                gone = self.resources.pop(urn)
                server.delete(gone.id, gone.outputs, urn=urn)
                operation.steps.append(("delete", urn))
        return operation

    def refresh(self) -> Operation:
        operation = Operation("refresh")
        with self._server(operation) as server:
            for urn, resource in list(self.resources.items()):
                id_, outputs, inputs = server.read(resource.id, resource.outputs, resource.inputs, urn=urn)
                if not id_:
                    del self.resources[urn]
                    operation.steps.append(("delete", urn))
                    continue
                resource.id, resource.outputs = id_, outputs
                resource.inputs = inputs or resource.inputs
                operation.steps.append(("refresh", urn))
        return operation

    def destroy(self) -> Operation:
        operation = Operation("destroy")
        with self._server(operation) as server:
            for urn in reversed(list(self.resources)):
                resource = self.resources[urn]
                server.delete(resource.id, resource.outputs, urn=urn)
                del self.resources[urn]
                operation.steps.append(("delete", urn))
        return operation

    # The program

    def _run_program(self, server: ProviderServer, operation: Operation, *, preview: bool) -> _EngineMocks:
        engine = _EngineMocks(self, server, operation, preview)
        with _fresh_event_loop():
            set_root_resource(None)  # type: ignore[arg-type] - a fresh root stack for every run
            pulumi.runtime.set_all_config(self.config, list(self.secret_keys))
            pulumi_mocks.set_mocks(engine, project=self.project, stack=self.stack, preview=preview)
            # As pulumi.runtime.test does: nothing pending from an earlier (failed) run is awaited in this one.
            SETTINGS.rpc_manager.clear()
            SETTINGS.outputs.clear()
            root = get_root_resource()
            program = str(self.program)
            _sync_await(run_pulumi_func(lambda: _run_path(program)))
            assert root is not None
            operation.outputs = {name: _resolve(output) for name, output in getattr(root, "outputs", {}).items()}
        return engine


@contextmanager
def _fresh_event_loop() -> Iterator[None]:
    """One event loop per program run: a failed run's leftover tasks must not leak into the next run. The
    thread's previous loop is put back afterwards (Pulumi's mocks expect the thread to have one)."""
    previous = asyncio.get_event_loop_policy().get_event_loop()
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_unretrieved_run_errors_are_reported)
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        leftovers = asyncio.all_tasks(loop)
        for task in leftovers:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(previous)


def _unretrieved_run_errors_are_reported(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # When a resource fails, Pulumi sets the error on every output's future; run_pulumi_func re-raises it once,
    # and the futures nobody awaited would otherwise log it again each when garbage-collected.
    if context.get("message") != "Future exception was never retrieved":
        loop.default_exception_handler(context)


def _run_path(program: str) -> None:
    runpy.run_path(program, run_name="__main__")


def _resolve(output: pulumi.Output[Any]) -> Any:
    if not _sync_await(output.is_known()):
        return UNKNOWN_OUTPUT
    return _sync_await(output.future())


class _EngineMocks(pulumi.runtime.Mocks):
    """The engine's side of a deployment, for dynamic resources, done through the real provider server."""

    def __init__(self, stack: LocalStack, server: ProviderServer, operation: Operation, preview: bool) -> None:
        self.stack = stack
        self.server = server
        self.operation = operation
        self.preview = preview
        self.registered: set[str] = set()
        self.replaced: list[ResourceState] = []
        """Old resources of create-before-delete replacements, deleted after the program's run."""

    def call(self, _args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.typ.startswith(DYNAMIC_PREFIX):
            raise NotImplementedError(f"LocalStack drives dynamic resources only, not {args.typ}")
        urn = self.stack.urn(args.typ, args.name)
        self.registered.add(urn)
        prior = self.stack.resources.get(urn)
        inputs, failures = self.server.check(args.inputs, prior.inputs if prior else None, urn=urn)
        if failures:
            raise CheckFailedError(urn, args.typ, failures, args.inputs)
        step, id_, outputs = self._step(urn, args.typ, prior, inputs)
        self.operation.steps.append((step, urn))
        return id_, outputs

    def _step(self, urn: str, type_token: str, prior: ResourceState | None, inputs: dict[str, Any]
              ) -> tuple[str, str | None, dict[str, Any]]:
        server = self.server
        if prior is None:
            if self.preview:
                return "create", None, inputs
            id_, outputs = server.create(inputs, urn=urn)
            self._record(urn, type_token, id_, inputs, outputs)
            return "create", id_, outputs
        diff = server.diff(prior.id, prior.outputs, inputs, urn=urn)
        if not diff.changes:
            return "same", prior.id, prior.outputs
        step = "replace" if diff.replaces else "update"
        if self.preview:
            return step, prior.id if step == "update" else None, inputs
        if step == "update":
            outputs = server.update(prior.id, prior.outputs, inputs, urn=urn)
            self._record(urn, type_token, prior.id, inputs, outputs)
            return step, prior.id, outputs
        if diff.delete_before_replace:
            server.delete(prior.id, prior.outputs, urn=urn)
        else:
            self.replaced.append(prior)
        id_, outputs = server.create(inputs, urn=urn)
        self._record(urn, type_token, id_, inputs, outputs)
        return step, id_, outputs

    def _record(self, urn: str, type_token: str, id_: str, inputs: dict[str, Any], outputs: dict[str, Any]) -> None:
        self.stack.resources[urn] = ResourceState(urn, type_token, id_, inputs, outputs)
