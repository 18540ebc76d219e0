"""What a resource does, as client calls, independent of how Pulumi asks for it.

Each resource's `operations.py` subclasses `ResourceOperations` and names its spec; the adapters (the dynamic
providers and the provider plugin) translate Pulumi's requests into these calls and their results into Pulumi's,
and add nothing else. So a rule, a message or a wire mapping lives in one place whichever adapter runs it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..client.errors import (
    AuthenticationError,
    EndpointNotFoundError,
    InvalidRequestError,
    NotFoundError,
    TelnyxAPIError,
    TelnyxError,
    TelnyxTransportError,
)
from ..configuration.settings import API_KEY, BASE_URL, ProviderSettings
from ..validation import CheckOutcome, Failure, FieldSet, InvalidValueError, describe, never_unknown
from ..validation.rules import url_path_id

if TYPE_CHECKING:
    from ..client.telnyx_client import TelnyxClient
    from .spec import ResourceSpec

IsUnknown = Callable[[Any], bool]
T = TypeVar("T")


class InputError(ValueError):
    """Inputs that break their rules reached an operation that needs valid ones (called without `check`)."""


def same_value(old: Any, new: Any) -> bool:
    """Equality as the engine's values mean it: 1800 == 1800.0, but True is not 1."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    return bool(old == new)


@dataclass(frozen=True)
class Plan:
    """What a change of inputs needs: which inputs changed, which of them replace, and in which order."""

    changed: list[str]
    replaces: list[str]
    delete_before_replace: bool = False


@dataclass(frozen=True)
class Created:
    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class Found:
    """A resource read back: its id, outputs and inputs (for the next diff)."""

    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any]


class ResourceOperations:
    """Check, diff, create, read, update and delete one kind of resource. Built per request, cheaply: it holds
    the resolved settings and a way to get the process's client, nothing else."""

    spec: ClassVar[ResourceSpec]

    def __init__(self, settings: ProviderSettings, client: Callable[[], TelnyxClient]) -> None:
        self.settings = settings
        self._client = client

    def client(self) -> TelnyxClient:
        return self._client()

    @property
    def inputs(self) -> FieldSet:
        """The resource's input fields."""
        return self.spec.inputs

    # Inputs

    def check(self, news: Mapping[str, Any], *, is_unknown: IsUnknown = never_unknown,
              ignore: tuple[str, ...] = ()) -> CheckOutcome:
        """Validates every input at once, without network or API key; unknowns pass through unchanged."""
        outcome = self.inputs.check(news, is_unknown=is_unknown, ignore=ignore, credential_hint=self._credential_hint())
        holding = self._inputs_holding_key(outcome.inputs)
        # A failure of an input that holds the key may quote its value, and the engine prints a failing property's
        # value: such inputs get the one resource-level failure below instead.
        failures = [f for f in outcome.failures if f.property not in holding]
        return CheckOutcome(outcome.inputs, failures + [self._key_in_input(name) for name in holding])

    def unknown_property(self, name: str) -> Failure:
        """The failure for an input this resource does not have."""
        return self.inputs.unknown_property(name, self._credential_hint())

    def _credential_hint(self) -> str:
        return (f"set the Telnyx API key with `pulumi config set --secret {self.settings.config_key(API_KEY)} <key>` "
                "instead")

    def checked(self, props: Mapping[str, Any], ignore: tuple[str, ...] = ()) -> dict[str, Any]:
        """Normalised inputs for an operation; InputError listing every failure if they are invalid."""
        outcome = self.inputs.check(props, ignore=(*ignore, *self.spec.output_names))
        if outcome.failures:
            listing = "; ".join(str(f) for f in outcome.failures)
            raise InputError(f"{self.spec.name} inputs are invalid: {listing}")
        return outcome.inputs

    def _inputs_holding_key(self, inputs: Mapping[str, Any]) -> list[str]:
        """The inputs whose value holds the configured API key anywhere: in a string, or in a map's or a list's."""
        api_key = self.settings.api_key  # None unless long enough to be a real key: shorter strings are words
        if not api_key:
            return []
        return [name for name, value in inputs.items() if _holds(value, api_key)]

    def _key_in_input(self, name: str) -> Failure:
        # Reported against the resource, not the property: the engine prints a failing property's value.
        return Failure("", f"property `{name}` holds your Telnyx API key; inputs are stored in plain text in the "
                           f"state. Set the key with `pulumi config set --secret {self.settings.config_key(API_KEY)} "
                           "<key>` instead, and take it out of the program")

    def resource_id(self, id_: Any, action: str) -> str:
        """The resource id the engine gave, checked before it goes into a request path; InputError when the state
        holds one that cannot name a resource (empty, `..`, or with `/`)."""
        if not isinstance(id_, str) or not id_:
            raise InputError(f"the state of this {self.spec.name} has no id, so it cannot be {action}; if it is "
                             "already gone, remove it from the state with `pulumi state delete <urn>`")
        return _usable_id(id_, "the id", self.spec.name, action)

    def changed_inputs(self, olds: Mapping[str, Any], news: Mapping[str, Any], is_unknown: IsUnknown) -> list[str]:
        """The inputs whose new value differs from the state's, or is not known yet (state from an older
        version without a defaulted input counts as having the default)."""
        old_inputs = self.inputs.with_defaults(olds)
        changed = []
        for name in self.inputs.names:
            if name not in news:
                if name in old_inputs and name not in self.spec.unchanged_when_absent:
                    changed.append(name)
            elif name not in old_inputs or is_unknown(news[name]) or not same_value(old_inputs[name], news[name]):
                changed.append(name)
        return changed

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any], is_unknown: IsUnknown = never_unknown) -> Plan:
        """Compares inputs only; the inputs in `replaced_on` replace (the new resource first), the rest update."""
        changed = self.changed_inputs(olds, news, is_unknown)
        return Plan(changed, [n for n in changed if self.spec.replaces_on(n)])

    def stored_state(self, props: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(outputs, inputs) as the state holds them."""
        outs = dict(props)
        return outs, {k: v for k, v in outs.items() if k in self.inputs.names}

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

    def read_unless_gone(self, read: Callable[[TelnyxClient], T]) -> T | None:
        """What `read` reads with the client, its errors explained; None when Telnyx does not know the resource."""
        try:
            with self.explained_errors():
                return read(self.client())
        except NotFoundError:
            return None

    def unchanged_outputs(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """What an unreachable `update` (every change replaces) returns: the outputs as they are, once the new inputs
        are checked."""
        self.checked(news)
        return dict(olds)

    # The operations, for subclasses

    def create(self, props: Mapping[str, Any]) -> Created:
        raise NotImplementedError

    def read(self, id_: str, props: Mapping[str, Any]) -> Found | None:
        """The resource as it is now, or None when it is gone."""
        raise NotImplementedError

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        raise NotImplementedError

    # Errors

    @contextmanager
    def explained_errors(self) -> Iterator[None]:
        """Adds what to do to errors: which setting fixes a rejected key or a wrong URL, which property Telnyx
        refused."""
        try:
            yield
        except AuthenticationError as err:
            raise reworded(err, f"{err}; {self.settings.how_to_set(API_KEY, 'a valid key')}") from None
        except EndpointNotFoundError as err:
            raise reworded(err, f"{err}; the base URL comes from {self.settings.source(BASE_URL)}") from None
        except TelnyxTransportError as err:
            if err.request_sent:
                raise
            raise TelnyxTransportError(f"{err}; the base URL comes from {self.settings.source(BASE_URL)}",
                                       request_sent=False) from None
        except InvalidRequestError as err:
            named = self.properties_named(err)
            if not named:
                raise
            listing = ", ".join(f"`{n}`" for n in named)
            raise reworded(err, f"{err}; check input {listing}") from None

    def properties_named(self, err: TelnyxAPIError) -> list[str]:
        """The properties an API error's `source.pointer`s point at."""
        return sorted({self.inputs.property_for_pointer(d.pointer) or "" for d in err.details if d.pointer} - {""})


class PollingOperations(ResourceOperations):
    """Operations that wait for Telnyx by polling; their sleep and clock can be replaced, so tests need not wait."""

    def __init__(self, settings: ProviderSettings, client: Callable[[], TelnyxClient],
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(settings, client)
        self._sleep = sleep
        self._clock = clock


def _holds(value: Any, text: str, depth: int = 0) -> bool:
    """Whether `text` is in a string, or in the keys or values of maps and lists nested in `value`."""
    if isinstance(value, str):
        return text in value
    if depth > 32:  # inputs come from a program; a cycle or absurd nesting is not a place a key hides
        return False
    if isinstance(value, Mapping):
        return any(_holds(k, text, depth + 1) or _holds(v, text, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds(item, text, depth + 1) for item in value)
    return False


def reworded(err: TelnyxAPIError, message: str) -> TelnyxAPIError:
    """The same API error (same class, status and details) with a new message."""
    return type(err)(message, status=err.status, details=err.details)


def required_from_state(props: Mapping[str, Any], key: str, resource: str, action: str) -> str:
    """An id an operation needs from the state; InputError saying how to recover when it is missing or cannot
    name anything (it goes into a request path)."""
    value = props.get(key)
    if not isinstance(value, str) or not value:
        raise InputError(
            f"the state of this {resource} has no `{key}`, so it cannot be {action}; "
            "if it is already gone, remove it from the state with `pulumi state delete <urn>`"
        )
    return _usable_id(value, f"`{key}`", resource, action)


def _usable_id(value: str, what: str, resource: str, action: str) -> str:
    try:
        url_path_id(value)
    except InvalidValueError as err:
        raise InputError(
            f"the state of this {resource} has {what} {describe(value)}, which {err.reason.removeprefix('must ')}"
            f"... it cannot name one, so it cannot be {action}; if it is already gone, remove it from the state "
            "with `pulumi state delete <urn>`") from None
    return value


__all__ = [
    "Created",
    "Found",
    "InputError",
    "Plan",
    "ResourceOperations",
    "TelnyxError",
    "required_from_state",
    "reworded",
    "same_value",
]
