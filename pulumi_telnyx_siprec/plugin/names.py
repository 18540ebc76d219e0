"""Property names as Pulumi packages spell them (camelCase: `callSid`, `from`) and as the schemas do (`call_sid`,
`from_`): the plugin translates between the two here and nowhere else.

Every wire name is derived from a schema name with the schema's own camelCase rule, so a field added to a schema
gets its wire name with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..validation import camel_case

_QUOTED_NAME = re.compile(r"`([a-z][a-z0-9_]*)`")


class PropertyNames:
    """A set of schema property names and their camelCase wire names, in both directions."""

    def __init__(self, names: Iterable[str]) -> None:
        self._wire: dict[str, str] = {}
        self._schema: dict[str, str] = {}
        for name in names:
            wire = camel_case(name)
            other = self._schema.setdefault(wire, name)
            if other != name:
                raise ValueError(f"properties `{other}` and `{name}` would both be `{wire}` on the Pulumi wire: "
                                 "rename one of them in its schema")
            self._wire[name] = wire

    def __contains__(self, name: object) -> bool:
        return name in self._wire

    def wire(self, name: str) -> str:
        """The wire name of a schema name; names outside the set are returned unchanged."""
        return self._wire.get(name, name)

    def schema(self, wire_name: str) -> str | None:
        """The schema name of a wire name, or None when the set has no such property."""
        return self._schema.get(wire_name)

    def to_wire(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """`props` keyed by wire names."""
        return {self.wire(name): value for name, value in props.items()}

    def from_wire(self, props: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(`props` with schema names, the props whose names are not wire names of this set, as given).

        A schema spelling such as `call_sid` is not a wire name: it lands in the second dict, like a typo would.
        """
        known: dict[str, Any] = {}
        strays: dict[str, Any] = {}
        for wire_name, value in props.items():
            name = self.schema(wire_name)
            if name is None:
                strays[wire_name] = value
            else:
                known[name] = value
        return known, strays

    def text(self, message: str) -> str:
        """`message` with every quoted schema name (`` `call_sid` ``) spelt as on the wire (`` `callSid` ``), so
        that messages written once, for the schema, name what a YAML or TypeScript user wrote."""
        return _QUOTED_NAME.sub(lambda m: f"`{self.wire(m.group(1))}`", message)
