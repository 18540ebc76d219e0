"""The dynamic-provider adapter: Pulumi's `ResourceProvider` calls, translated into a resource's operations.

What it adds is only what `pulumi.dynamic` needs: settings from `configure`, pickling by reference only (the
state's `__provider` is a class reference, never a key), `Unknown` values, and errors raised from the provider
method itself, so that the traceback the engine shows has no frame of ours below it and ends with our message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from ..client.errors import TelnyxError
from ..configuration.clients import PROCESS_CLIENTS
from ..configuration.settings import ProviderSettings
from ..resources.operations import InputError, ResourceOperations
from ..resources.spec import ResourceSpec

PROVIDER_KEY = "__provider"


def is_unknown(value: Any) -> bool:
    """True for values Pulumi does not know yet (preview)."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def _without_provider(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


# Errors of ours are raised again from the provider method with a fresh traceback: the engine shows the
# provider server's `traceback.format_exc()` (pulumi/dynamic/__main__.py), and the frames between the method and
# the HTTP layer say nothing to a user; our message, last, does. Other exceptions (bugs) keep every frame.
SURFACED = (TelnyxError, InputError)


class DynamicProvider(ResourceProvider):
    """Base of the package's dynamic providers; a subclass names its resource's `spec` and nothing else."""

    spec: ClassVar[ResourceSpec]
    # Nothing secret is ever pickled (see __reduce__), so `__provider` need not be encrypted in state.
    serialize_as_secret_always = False

    _settings: ProviderSettings | None = None

    def __reduce__(self) -> tuple[type[DynamicProvider], tuple[()]]:
        # Pickled by reference with no instance state: what `configure` stored (the API key) never leaves
        # the provider process, and `__provider` stays a ~100-byte class reference.
        return (type(self), ())

    def configure(self, req: ConfigureRequest) -> None:
        """Reads `telnyx:*` stack config (falling back to the environment); needs no network."""
        self._settings = ProviderSettings.resolve(req.config.get)

    def settings(self) -> ProviderSettings:
        """The configured settings, or the environment's at call time when `configure` was never called."""
        return self._settings if self._settings is not None else ProviderSettings.resolve()

    def ops(self) -> ResourceOperations:
        """The resource's operations with the current settings and the process's client."""
        settings = self.settings()
        return self.spec.operations(settings, lambda: PROCESS_CLIENTS.get(settings))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validates every input at once, without network or API key; unknowns pass through unchanged."""
        outcome = self.ops().check(news, is_unknown=is_unknown, ignore=(PROVIDER_KEY,))
        return CheckResult(outcome.inputs, [CheckFailure(f.property, f.reason) for f in outcome.failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compares inputs only (never `__provider` or outputs)."""
        plan = self.ops().diff(_without_provider(olds), _without_provider(news), is_unknown)
        return DiffResult(changes=bool(plan.changed), replaces=plan.replaces,
                          delete_before_replace=plan.delete_before_replace)

    def create(self, props: dict[str, Any]) -> CreateResult:
        try:
            created = self.ops().create(_without_provider(props))
        except SURFACED as err:
            raise err.with_traceback(None) from None
        return CreateResult(created.id, created.outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            ops = self.ops()
            found = ops.read(ops.resource_id(id_, "refreshed"), _without_provider(props))
        except SURFACED as err:
            raise err.with_traceback(None) from None
        if found is None:
            return ReadResult("", {})  # gone: the engine drops it from the state
        return ReadResult(found.id, found.outputs, found.inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        try:
            ops = self.ops()
            outputs = ops.update(ops.resource_id(id_, "updated"), _without_provider(olds), _without_provider(news))
        except SURFACED as err:
            raise err.with_traceback(None) from None
        return UpdateResult(outputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            ops = self.ops()
            ops.delete(ops.resource_id(id_, "deleted"), _without_provider(props))
        except SURFACED as err:
            raise err.with_traceback(None) from None
