"""The resources the plugin serves: each one's type token, operations and property names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..call_ops import CallOperations
from ..connector_ops import ConnectorOperations
from ..operations import ResourceOperations
from ..session_ops import SessionOperations
from .names import PropertyNames

PACKAGE = "telnyx-siprec"
"""The package name: type tokens, provider config keys (`telnyx-siprec:apiKey`) and the plugin executable
(`pulumi-resource-telnyx-siprec`) all derive from it."""

MODULE = "index"


@dataclass(frozen=True)
class ResourceType:
    """One resource type: its token, operations and property names (inputs and output-only)."""

    operations: type[ResourceOperations]

    @property
    def name(self) -> str:
        return self.operations.schema.resource

    @property
    def token(self) -> str:
        return f"{PACKAGE}:{MODULE}:{self.name}"

    @property
    def property_names(self) -> tuple[str, ...]:
        """Its inputs' schema names, then its output-only properties'."""
        return (*self.operations.schema.names, *self.operations.outputs)

    @cached_property
    def names(self) -> PropertyNames:
        return PropertyNames(self.property_names)


RESOURCE_TYPES: dict[str, ResourceType] = {
    t.token: t for t in map(ResourceType, (SessionOperations, ConnectorOperations, CallOperations))
}
"""By type token."""

ALL_NAMES = PropertyNames(sorted({name for t in RESOURCE_TYPES.values() for name in t.property_names}))
"""Every property name of the package: messages may name a property of another resource (a session's doc names
the call's `call_sid`)."""


class UnknownResourceTypeError(Exception):
    """The engine asked about a type this plugin does not serve (a newer program, an older plugin)."""


def resource_type(type_token: str) -> ResourceType:
    """The resource type of a token; UnknownResourceTypeError listing the tokens this plugin serves."""
    found = RESOURCE_TYPES.get(type_token)
    if found is None:
        served = ", ".join(sorted(RESOURCE_TYPES))
        raise UnknownResourceTypeError(
            f"the {PACKAGE} plugin has no resource type `{type_token}`; it serves {served}: check the type in "
            "the program, or install the version of pulumi-telnyx-siprec that has it")
    return found
