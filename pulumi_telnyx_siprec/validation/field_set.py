"""A resource's set of input fields: checks property bags all at once, fills in defaults, suggests what a misspelt
name meant, and encodes or decodes the inputs for Telnyx's wire (form or JSON). Standard library only: the
resource operations use it to check and encode inputs, and the emulator to decode and validate what it receives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .fields import CheckOutcome, Failure, Field, InvalidValueError, Problem
from .names import camel_case, close_matches, looks_like_credential


def never_unknown(_value: Any) -> bool:
    """Default unknown-value test: outside a Pulumi preview every value is known."""
    return False


@dataclass(frozen=True)
class FieldSet:
    """A resource's input fields: checks property bags and encodes/decodes them for the wire."""

    resource: str
    fields: tuple[Field, ...]
    credential_hint: str = "pass credentials through provider configuration, not as resource inputs"
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False)
    _by_wire: dict[str, Field] = field(init=False, repr=False, compare=False)
    _aliases: dict[str, str] = field(init=False, repr=False, compare=False)
    _position: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {f.name: f for f in self.fields}
        by_wire = {f.wire_key: f for f in self.fields if f.wire_key}
        # Users coming from the REST docs or from camelCase SDKs type `ConnectorName` or `connectorName`.
        aliases: dict[str, str] = {}
        for f in self.fields:
            for alias in (f.wire_key, camel_case(f.name), f.name.replace("_", "")):
                if alias and alias != f.name:
                    aliases[alias.lower()] = f.name
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_wire", by_wire)
        object.__setattr__(self, "_aliases", aliases)
        object.__setattr__(self, "_position", {f.name: index for index, f in enumerate(self.fields)})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def spec(self, name: str) -> Field:
        """The field called `name`."""
        return self._by_name[name]

    def property_for_pointer(self, pointer: str) -> str | None:
        """Maps a JSON pointer from an API error (`/Track`, `/name`, `/CallSid`) to the property it concerns."""
        key = pointer.strip("/").split("/")[0] if pointer else ""
        match = self._by_wire.get(key) or self._by_name.get(key)
        if match is None and key.lower() in self._aliases:
            match = self._by_name[self._aliases[key.lower()]]
        return match.name if match else None

    def suggest(self, name: str) -> str | None:
        """The property a misspelt or differently-cased name most likely meant."""
        if name.lower() in self._aliases:
            return self._aliases[name.lower()]
        close = close_matches(name, self.names, cutoff=0.6)
        return close[0] if close else None

    def unknown_property(self, name: str, credential_hint: str | None = None) -> Failure:
        """The failure for a property this schema does not have (`credential_hint` says where a credential goes)."""
        if looks_like_credential(name):
            # Reported against the resource, not the property: the engine prints a failing property's value,
            # and this value is probably a secret.
            where = credential_hint or self.credential_hint
            return Failure("", f"`{name}`: not an input of {self.resource}; {where}", Problem.UNKNOWN_PROPERTY)
        meant = self.suggest(name)
        reason = "unknown property" + (f"; did you mean `{meant}`?" if meant else f"; valid: {self._listing()}")
        if not name:
            return Failure("", f"`` (a property with an empty name): {reason}", Problem.UNKNOWN_PROPERTY)
        return Failure(name, reason, Problem.UNKNOWN_PROPERTY)

    def _listing(self) -> str:
        return ", ".join(f"`{n}`" for n in self.names)

    def check(
        self,
        news: Mapping[Any, Any],
        *,
        is_unknown: Callable[[Any], bool] = never_unknown,
        ignore: Iterable[str] = (),
        credential_hint: str | None = None,
    ) -> CheckOutcome:
        """Validates every property at once; returns normalised inputs with defaults and all failures.

        Unknown values (see `is_unknown`) are never failed and are returned unchanged. A value that fails is
        returned as given, so nothing the user wrote is lost.
        """
        skipped = set(ignore)
        inputs: dict[str, Any] = {}
        failures: list[Failure] = []
        for raw_key, value in news.items():
            key = raw_key if isinstance(raw_key, str) else str(raw_key)
            if key in skipped:
                continue
            spec = self._by_name.get(key)
            if spec is None:
                failure = self.unknown_property(key, credential_hint)
                failures.append(failure)
                if failure.property:
                    inputs[key] = value
                continue
            if value is None:
                continue
            if is_unknown(value) or (isinstance(value, Mapping) and any(map(is_unknown, value.values()))):
                inputs[key] = value  # checked once known: at `up`, before anything is sent
                continue
            try:
                inputs[key] = spec.validate(value)
            except InvalidValueError as err:
                failures.append(Failure(key, err.reason, err.problem))
                inputs[key] = value
        failures.extend(Failure(f.name, "is required but was not set", Problem.MISSING) for f in self.fields
                        if f.required and f.name not in inputs)
        failures.extend(self._across_properties(inputs))
        # In declaration order, whatever order the engine sent the properties in; unknown names last.
        failures.sort(key=lambda f: self._position.get(f.property, len(self._position)))
        return CheckOutcome(self._fill_defaults(inputs), failures)

    def _across_properties(self, inputs: Mapping[str, Any]) -> list[Failure]:
        """Failures of the rules between properties: one that needs another, one that excludes another."""
        failures = [
            Failure(f.name, f"has no effect without `{f.requires}`: set `{f.requires}` too, or remove `{f.name}`")
            for f in self.fields
            if f.requires and f.name in inputs and f.requires not in inputs
        ]
        failures += [
            Failure(f.name, f"cannot be set together with `{f.excludes}`: keep one of them")
            for f in self.fields
            if f.excludes and f.name in inputs and f.excludes in inputs
        ]
        return failures

    def with_defaults(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The input-named subset of `props` with absent defaults filled in, without validating."""
        return self._fill_defaults({k: v for k, v in props.items() if k in self._by_name})

    def _fill_defaults(self, inputs: dict[str, Any]) -> dict[str, Any]:
        for spec in self.fields:
            applies = spec.default is not None and (spec.default_when is None or spec.default_when in inputs)
            if spec.name not in inputs and applies:
                inputs[spec.name] = spec.default
        return inputs

    def to_form(self, inputs: Mapping[str, Any]) -> dict[str, str]:
        """The request body for checked inputs: every present wire-keyed property, encoded."""
        return {f.wire_key: f.encode(inputs[f.name]) for f in self.fields if f.wire_key and f.name in inputs}

    def to_json(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The JSON body for checked inputs: every present wire-keyed property, as is."""
        return {f.wire_key: f.json_value(inputs[f.name]) for f in self.fields if f.wire_key and f.name in inputs}

    def from_wire(self, body: Mapping[str, Any], required: Iterable[str] = ()) -> CheckOutcome:
        """Validates a request body keyed by wire keys (as a server receives it); failures name wire keys.

        `required` lists the wire keys this API operation needs (an API may require fewer than the resource).
        """
        values: dict[str, Any] = {}
        failures = [Failure(key, "is required", Problem.MISSING) for key in required if body.get(key) is None]
        for key, raw in body.items():
            spec = self._by_wire.get(key)
            if spec is None or raw is None:
                continue  # like the real API, ignore keys it does not know
            try:
                values[spec.name] = spec.decode(raw)
            except InvalidValueError as err:
                failures.append(Failure(key, err.reason, err.problem))
        return CheckOutcome(values, failures)

