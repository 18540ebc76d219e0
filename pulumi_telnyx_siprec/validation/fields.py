"""What an input is: its JSON kind, how it is coerced from what the engine sends and encoded for the wire, and the
failures a value can have. Standard library only."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Problem(Enum):
    """What kind of mistake a failure is (an API maps each to its own error code)."""

    MISSING = "missing"
    """A required property is absent."""
    TYPE = "type"
    """The value has the wrong JSON type."""
    CHOICE = "choice"
    """The value is not one of the allowed values."""
    VALUE = "value"
    """The value breaks another rule (a range, a format)."""
    UNKNOWN_PROPERTY = "unknown-property"
    """No such property."""


class InvalidValueError(Exception):
    """A value broke a rule; `reason` says how, in words meant for the user."""

    def __init__(self, reason: str, problem: Problem = Problem.VALUE) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem = problem


@dataclass(frozen=True)
class Failure:
    """One property that failed a check. `property` is empty for resource-level failures."""

    property: str
    reason: str
    problem: Problem = Problem.VALUE

    def __str__(self) -> str:
        return f"property `{self.property}`: {self.reason}" if self.property else self.reason


@dataclass(frozen=True)
class CheckOutcome:
    """The normalised inputs (defaults filled in, unknowns kept) and every failure found."""

    inputs: dict[str, Any]
    failures: list[Failure]

    @property
    def ok(self) -> bool:
        return not self.failures


class Kind(Enum):
    """The JSON type a property holds once checked."""

    STRING = "string"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    STRING_MAP = "map of strings"
    """An object of string values (e.g. header name to value); on the JSON wire a list of {name, value}."""


Rule = Callable[[Any], None]
"""Raises `InvalidValueError` when a value of the right kind breaks the rule."""


def describe(value: Any, limit: int = 40) -> str:
    """A short, safe rendering of a value for an error message."""
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= limit else repr(value[: limit - 5]) + "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a value of type {type(value).__name__}"


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {describe(value)}"
    if isinstance(value, bool):
        return f"the boolean {describe(value)}"
    if isinstance(value, (int, float)):
        return f"the number {describe(value)}"
    return describe(value)


def _coerce(kind: Kind, value: Any) -> Any:
    if kind is Kind.STRING:
        if not isinstance(value, str):
            raise InvalidValueError(f"must be a string, got {_type_name(value)}", Problem.TYPE)
        return value
    if kind is Kind.BOOLEAN:
        if not isinstance(value, bool):
            raise InvalidValueError(f"must be true or false, got {_type_name(value)}", Problem.TYPE)
        return value
    if kind is Kind.STRING_MAP:
        if not isinstance(value, Mapping):
            raise InvalidValueError(f"must be an object of strings, got {_type_name(value)}", Problem.TYPE)
        for key, item in value.items():
            if not isinstance(key, str) or not isinstance(item, str):
                raise InvalidValueError(f"must map names to strings; {describe(key)} maps to {_type_name(item)}",
                                        Problem.TYPE)
        return dict(value)
    # Integers cross the Pulumi wire as doubles: 1800.0 is 1800, but 1800.5, True and "1800" are mistakes.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValueError(f"must be a whole number, got {_type_name(value)}", Problem.TYPE)
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise InvalidValueError(f"must be a whole number, got {describe(value)}", Problem.TYPE)
    return int(value)


def _decode_wire(kind: Kind, raw: Any) -> Any:
    """Turns a form-encoded string into the kind's value; JSON values pass through to `_coerce`."""
    if kind is Kind.STRING_MAP and isinstance(raw, list):
        pairs = [(item.get("name"), item.get("value")) for item in raw if isinstance(item, Mapping)]
        if len(pairs) != len(raw) or not all(isinstance(n, str) and isinstance(v, str) for n, v in pairs):
            raise InvalidValueError("must be a list of objects with string `name` and `value`", Problem.TYPE)
        return dict(pairs)
    if not isinstance(raw, str) or kind is Kind.STRING:
        return raw
    if kind is Kind.BOOLEAN:
        lowered = raw.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise InvalidValueError(f"must be true or false, got {describe(raw)}", Problem.TYPE)
    if re.fullmatch(r"[+-]?[0-9]{1,18}", raw.strip()):
        return int(raw.strip())
    raise InvalidValueError(f"must be a whole number, got {describe(raw)}", Problem.TYPE)


def _encode_wire(kind: Kind, value: Any) -> str:
    if kind is Kind.BOOLEAN:
        return "true" if value else "false"
    if kind is Kind.INTEGER:
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Field:
    """One input property: its name, JSON kind, wire key, rules, default and documentation."""

    name: str
    kind: Kind
    doc: str
    wire_key: str | None = None
    """Key in the request body; None for values that travel in the URL path."""
    required: bool = False
    default: Any = None
    """Filled in by `FieldSet.check` when the property is absent (None: no default)."""
    default_when: str | None = None
    """Name of another property that must be present for the default to apply (None: always applies)."""
    rules: tuple[Rule, ...] = ()
    normalise: Callable[[Any], Any] | None = None
    """Applied after the kind is checked and before the rules (e.g. upper-casing a method)."""
    choices: tuple[str, ...] = ()
    """The allowed values, for documentation and hints; enforce them with a `one_of` rule."""
    requires: str | None = None
    """Name of another property without which this one has no effect (setting it alone is a mistake)."""
    excludes: str | None = None
    """Name of another property that must not be set together with this one."""

    @property
    def is_enum(self) -> bool:
        """True when `choices` are the only values the field takes. They may instead be the words a value is made
        of (a TeXML `StatusCallbackEvent` is `initiated answered`), which the field's own rules then accept."""
        if self.kind is not Kind.STRING or not self.choices:
            return False
        try:
            self.validate(" ".join(self.choices[:2]))
        except InvalidValueError:
            return True
        return len(self.choices) == 1

    def validate(self, value: Any) -> Any:
        """The normalised value, or `InvalidValueError` with the reason."""
        value = _coerce(self.kind, value)
        if self.normalise is not None:
            value = self.normalise(value)
        for rule in self.rules:
            rule(value)
        return value

    def decode(self, raw: Any) -> Any:
        """Validates a value as received on the wire (form string or JSON value)."""
        return self.validate(_decode_wire(self.kind, raw))

    def encode(self, value: Any) -> str:
        """The form-encoded text of a validated value (booleans `true`/`false`, integers as digits)."""
        return _encode_wire(self.kind, value)

    def json_value(self, value: Any) -> Any:
        """The JSON wire form of a validated value: itself, but a map becomes a list of {name, value}."""
        if self.kind is Kind.STRING_MAP:
            return [{"name": name, "value": item} for name, item in value.items()]
        return value

