"""The resources the plugin serves, by type token: each one's spec and its property names on the Pulumi wire."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..resources.registry import SPECS
from ..resources.spec import PACKAGE, ResourceSpec
from .names import PropertyNames


@dataclass(frozen=True)
class ResourceType:
    """One resource type as the plugin serves it: its spec, and the camelCase names of its properties."""

    spec: ResourceSpec

    @cached_property
    def names(self) -> PropertyNames:
        return PropertyNames(prop.name for prop in self.spec.properties)


RESOURCE_TYPES: dict[str, ResourceType] = {spec.token: ResourceType(spec) for spec in SPECS}
"""By type token."""

ALL_NAMES = PropertyNames(sorted({prop.name for spec in SPECS for prop in spec.properties}))
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
