"""Declarative input schemas: each resource's property names, wire keys, rules and defaults in one place.

Pure standard library, with no HTTP and no Pulumi: the providers use a `Schema` to check and encode inputs, and
the emulator uses the same `Schema` to decode and validate what it receives.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import urlsplit


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
    """Filled in by `Schema.check` when the property is absent (None: no default)."""
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


def never_unknown(_value: Any) -> bool:
    """Default unknown-value test: outside a Pulumi preview every value is known."""
    return False


# Patterns are compiled on first use (re caches them): a Pulumi program imports this module and never needs them.
_CREDENTIAL_NAME = r"(?i)(api|access|auth|secret|private)[_-]?key|token|secret|passw(or)?d|bearer|authori[sz]ation"


def looks_like_credential(name: str) -> bool:
    """True for property names that suggest someone passed a credential as an input."""
    return bool(re.search(_CREDENTIAL_NAME, name))


def camel_case(name: str) -> str:
    """A property's camelCase name, as Pulumi schemas spell it: `call_sid` is `callSid`, `from_` is `from`."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class Schema:
    """A resource's inputs: checks property bags and encodes/decodes them for the wire."""

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
        close = _close_matches(name, self.names, cutoff=0.6)
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


# Rules: small, composable, each raising `InvalidValueError` with a reason that says how to fix the value.


def _close_matches(word: str, candidates: Iterable[str], cutoff: float) -> list[str]:
    import difflib  # only an error message needs it; keep it out of a program's import time

    return difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)


def non_empty(value: str) -> None:
    if not value:
        raise InvalidValueError("must not be empty")


def one_of(*choices: str) -> Rule:
    """The value must be exactly one of `choices`; suggests the closest one."""

    def rule(value: str) -> None:
        if value in choices:
            return
        listing = ", ".join(f"`{c}`" for c in choices)
        close = _close_matches(value.lower(), choices, cutoff=0.5)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise InvalidValueError(f"must be one of {listing}, got {describe(value)}{hint}", Problem.CHOICE)

    return rule


def whole_number_in(*allowed: int | tuple[int, int]) -> Rule:
    """The integer must equal one of the single values or fall in one of the inclusive ranges."""
    parts = [str(a) if isinstance(a, int) else f"between {a[0]} and {a[1]}" for a in allowed]
    wording = " or ".join(parts)

    def rule(value: int) -> None:
        for a in allowed:
            if (value == a) if isinstance(a, int) else (a[0] <= value <= a[1]):
                return
        raise InvalidValueError(f"must be {wording}, got {value}")

    return rule


def _bad_character(value: str, extra: str = "") -> tuple[int, str] | None:
    for index, char in enumerate(value):
        # Cs: a lone surrogate is not text at all; it cannot be encoded into a request.
        if char in extra or char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return index, char
    return None


def _name_char(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return f"`{char}`"
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'control character').lower()})"


def path_segment(value: str) -> None:
    """An id that goes into a URL path as one segment: it must not be able to change the path."""
    non_empty(value)
    if value in (".", ".."):
        raise InvalidValueError(f"must be an id, not {describe(value)} (it would change the request path)")
    found = _bad_character(value, extra="/?#")
    if found:
        index, char = found
        raise InvalidValueError(
            f"must not contain {_name_char(char)} (found at position {index}); "
            "ids have no `/`, `?`, `#`, whitespace or control characters"
        )


def http_url(value: str) -> None:
    """An absolute http:// or https:// URL with a host. The URL itself is not echoed: it may hold a token."""
    non_empty(value)
    found = _bad_character(value)
    if found:
        index, char = found
        raise InvalidValueError(f"must be a URL without whitespace or control characters, found {_name_char(char)} "
                      f"at position {index}")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as err:
        raise InvalidValueError(f"must be a valid URL ({err})") from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"`{parts.scheme}`" if parts.scheme else "none"
        raise InvalidValueError(f"must be an absolute http:// or https:// URL, got scheme {shown}")
    if not parts.hostname:
        raise InvalidValueError("must be an absolute http:// or https:// URL with a host, e.g. https://hooks.example.com/x")


def upper_case(value: str) -> str:
    return value.upper()


_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_IPV4_LIKE = r"[0-9]+(?:\.[0-9]+){3}"


def host_name(value: str) -> None:
    """A DNS host name or a dotted IPv4 address: no scheme, port, path or IPv6."""
    non_empty(value)
    if "://" in value or value.lower().startswith(("sip:", "sips:")):
        raise InvalidValueError("must be a host name or IPv4 address, not a URI: drop the scheme (`sip:`, `https://`)")
    if value.count(":") > 1:
        raise InvalidValueError("must be a host name or IPv4 address; Telnyx documents no IPv6 here")
    if ":" in value or "/" in value:
        raise InvalidValueError("must be a host name or IPv4 address alone: put the port in `port`, and no path")
    if re.fullmatch(_IPV4_LIKE, value):
        if not all(0 <= int(part) <= 255 for part in value.split(".")):
            raise InvalidValueError(f"must be a valid IPv4 address (each part 0-255), got {describe(value)}")
        return
    labels = value.removesuffix(".").split(".")
    if len(value) > 253 or not all(re.fullmatch(_HOST_LABEL, label) for label in labels):
        raise InvalidValueError(
            f"must be a host name (letters, digits and inner hyphens, dot-separated labels of up to 63 "
            f"characters) or an IPv4 address, got {describe(value)}"
        )


_E164 = r"\+[1-9][0-9]{6,14}"


def phone_or_sip_uri(value: str) -> None:
    """An E.164 number (`+15551230001`) or a SIP URI (`sip:alice@example.com`), as TeXML calls take them."""
    non_empty(value)
    if re.fullmatch(_E164, value):
        return
    if value.lower().startswith(("sip:", "sips:")):
        found = _bad_character(value)
        if found:
            index, char = found
            raise InvalidValueError(f"must be a SIP URI without whitespace or control characters, found "
                                    f"{_name_char(char)} at position {index}")
        return
    raise InvalidValueError(f"must be an E.164 number such as `+15551230001` or a SIP URI such as "
                            f"`sip:srs-test@example.com`, got {describe(value)}")


def max_length(limit: int) -> Rule:
    """The string has at most `limit` characters."""

    def rule(value: str) -> None:
        if len(value) > limit:
            raise InvalidValueError(f"must be at most {limit} characters, got {len(value)}")

    return rule


def space_separated(*choices: str) -> Rule:
    """One or more of `choices`, separated by spaces (e.g. TeXML's `StatusCallbackEvent`)."""
    single = one_of(*choices)

    def rule(value: str) -> None:
        words = value.split(" ")
        if not value or "" in words:
            raise InvalidValueError(f"must be one or more of {', '.join(f'`{c}`' for c in choices)}, separated by "
                                    "single spaces", Problem.CHOICE)
        for word in words:
            single(word)

    return rule


_HEADER_NAME = r"[A-Za-z0-9!%'*+.^_`|~-]+"


def header_map(value: dict[str, str]) -> None:
    """Header names are tokens, values have no line breaks or other control characters (no header injection)."""
    for name, item in value.items():
        if not re.fullmatch(_HEADER_NAME, name):
            raise InvalidValueError(f"header name {describe(name)} must be letters, digits and `-` (a SIP token)")
        found = _bad_character(item.replace(" ", ""))
        if found:
            raise InvalidValueError(f"header {name!r} has a control character in its value ({_name_char(found[1])})")
