"""What every Telnyx dynamic provider shares: settings from `configure`, one lazily built client per process,
pickling by reference only, input checking, and errors reworded to say how to fix them."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from .errors import AuthenticationError, ConfigurationError, InvalidRequestError, TelnyxAPIError
from .schema import Failure, Schema
from .settings import API_KEY, BASE_URL, ProviderSettings

if TYPE_CHECKING:
    from .client import TelnyxClient

PROVIDER_KEY = "__provider"

# One lock per process, not per instance: a provider instance must stay free of unpicklable state.
_CLIENT_LOCK = threading.Lock()


def is_unknown(value: Any) -> bool:
    """True for values Pulumi does not know yet (preview)."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def same_value(old: Any, new: Any) -> bool:
    """Equality as the engine's values mean it: 1800 == 1800.0, but True is not 1."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    return bool(old == new)


class InputError(ValueError):
    """Inputs that fail their schema reached an operation that needs valid ones (called without `check`)."""


def build_client(settings: ProviderSettings) -> TelnyxClient:
    """A client from resolved settings; ConfigurationError naming the setting when one is wrong."""
    from .client import RetrySettings, TelnyxClient, Timeouts  # requests is imported only when needed

    options = settings.client_options()
    api_key = settings.require_api_key()
    try:
        return TelnyxClient(
            api_key,
            settings.base_url,
            timeouts=Timeouts(**options["timeouts"]),
            retry=RetrySettings(**options["retry"]),  # type: ignore[arg-type]
        )
    except ValueError as err:
        raise ConfigurationError(f"config `{BASE_URL.config_key}` (or {BASE_URL.env_var}): {err}") from None


class TelnyxProvider(ResourceProvider):
    """Base of the package's dynamic providers; subclasses set `schema` and `outputs`, and implement the
    operations."""

    schema: Schema
    outputs: Mapping[str, str]
    """Output-only property names (state holds them next to the inputs) and what each holds."""
    # Nothing secret is ever pickled (see __reduce__), so `__provider` need not be encrypted in state.
    serialize_as_secret_always = False

    _settings: ProviderSettings | None = None
    _cached_client: tuple[ProviderSettings, TelnyxClient] | None = None

    def __reduce__(self) -> tuple[type[TelnyxProvider], tuple[()]]:
        # Pickled by reference with no instance state: what `configure` stored (the API key) never leaves
        # the provider process, and `__provider` stays a ~100-byte class reference.
        return (type(self), ())

    def configure(self, req: ConfigureRequest) -> None:
        """Reads `telnyx:*` stack config (falling back to the environment); needs no network."""
        self._settings = ProviderSettings.resolve(req.config.get)

    def settings(self) -> ProviderSettings:
        """The configured settings, or the environment's at call time when `configure` was never called."""
        return self._settings if self._settings is not None else ProviderSettings.resolve()

    def client(self) -> TelnyxClient:
        """The process-wide client for the current settings, built on first use."""
        settings = self.settings()
        with _CLIENT_LOCK:
            if self._cached_client is None or self._cached_client[0] != settings:
                self._cached_client = (settings, build_client(settings))
            return self._cached_client[1]

    # Inputs

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validates every input at once, without network or API key; unknowns pass through unchanged."""
        outcome = self.schema.check(news, is_unknown=is_unknown, ignore=(PROVIDER_KEY,))
        failures = outcome.failures + self._api_key_in_inputs(outcome.inputs)
        return CheckResult(outcome.inputs, [CheckFailure(f.property, f.reason) for f in failures])

    def checked(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Normalised inputs for an operation; InputError listing every failure if they are invalid."""
        outcome = self.schema.check(props, ignore=(PROVIDER_KEY, *self.outputs))
        if outcome.failures:
            listing = "; ".join(str(f) for f in outcome.failures)
            raise InputError(f"{self.schema.resource} inputs are invalid: {listing}")
        return outcome.inputs

    def changed_inputs(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """The inputs whose new value differs from the state's, or is not known yet (state from an older
        version without a defaulted input counts as having the default)."""
        old_inputs = self.schema.with_defaults(olds)
        return [
            name
            for name in self.schema.names
            if (name in news) != (name in old_inputs)
            or (name in news and (is_unknown(news[name]) or not same_value(old_inputs[name], news[name])))
        ]

    def stored_state(self, props: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(outputs, inputs) as the state holds them, without `__provider`."""
        outs = {k: v for k, v in props.items() if k != PROVIDER_KEY}
        return outs, {k: v for k, v in outs.items() if k in self.schema.names}

    @staticmethod
    def outputs_of(inputs: Mapping[str, Any], returned: Mapping[str, Any]) -> dict[str, Any]:
        """The checked inputs plus the output-only values an answer carried.

        A returned value never overwrites an input-named output: Telnyx may echo a value normalised, and the
        state would then differ from the program on every later diff.
        """
        outputs = dict(inputs)
        for name, value in returned.items():
            if name not in outputs and value is not None:
                outputs[name] = value
        return outputs

    def _api_key_in_inputs(self, inputs: Mapping[str, Any]) -> list[Failure]:
        api_key = self.settings().api_key
        if not api_key:
            return []
        return [
            # Reported against the resource, not the property: the engine prints a failing property's value.
            Failure("", f"property `{name}` holds your Telnyx API key; inputs are stored in plain text in the "
                        f"state. {API_KEY.doc}")
            for name, value in inputs.items()
            if isinstance(value, str) and api_key in value
        ]

    # Errors

    @contextmanager
    def explained_errors(self) -> Iterator[None]:
        """Adds what to do to API errors: which config fixes a rejected key, which property Telnyx refused."""
        try:
            yield
        except AuthenticationError as err:
            note = f"; set a valid key with `pulumi config set --secret {API_KEY.config_key} <key>`"
            raise _reworded(err, str(err) + note) from None
        except InvalidRequestError as err:
            named = sorted(
                {self.schema.property_for_pointer(d.pointer) or "" for d in err.details if d.pointer} - {""}
            )
            if not named:
                raise
            listing = ", ".join(f"`{n}`" for n in named)
            raise _reworded(err, f"{err}; check input {listing}") from None


def _reworded(err: TelnyxAPIError, message: str) -> TelnyxAPIError:
    return type(err)(message, status=err.status, details=err.details)
