"""What the generated dynamic resource classes share on the program side: taking an Args object or keyword arguments
(`resources/arguments.py`, shared with the native classes), and the properties a dynamic resource registers.

A generated class registers through `pulumi.CustomResource.__init__` itself rather than through
`pulumi.dynamic.Resource.__init__`, doing what the latter does (the serialized provider under `__provider`, the type
token `pulumi-python:dynamic/telnyx:<Name>`). The SDK records the stack of the program at each registration, and
takes as the program's frames those below the third constructor (`Resource`, `CustomResource`, then the concrete
class: `_get_stack_trace` in `pulumi/runtime/resource.py`). Through `pulumi.dynamic.Resource.__init__` the third is
that one, so the state would name the generated class's constructor, not the program's line, as where each resource
was declared, and keep its frame in every resource's stack trace.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

from ..resources.arguments import args_from
from ..resources.spec import ResourceSpec
from .provider import PROVIDER_KEY

__all__ = ["args_from", "dynamic_properties", "property_bag"]


def property_bag(spec: ResourceSpec, args: Any) -> dict[str, Any]:
    """The dynamic resource's properties: the inputs that were given, and a placeholder for every other
    input and output so that each becomes an `Output` attribute of the resource."""
    bag: dict[str, Any] = {f.name: getattr(args, f.name) for f in dataclasses.fields(args)}
    for name in spec.output_names:
        bag.setdefault(name, None)
    return bag


_SERIALIZED: dict[type[ResourceProvider], str] = {}


def serialized(provider_type: type[ResourceProvider]) -> str:
    """The provider as `pulumi.dynamic.Resource` serializes it: a class reference (no secret can be captured in it,
    see `DynamicProvider.__reduce__`), the same for every resource of the class, so made once."""
    found = _SERIALIZED.get(provider_type)
    if found is None:
        found = _SERIALIZED[provider_type] = str(serialize_provider(provider_type()))
    return found


def dynamic_properties(provider_type: type[ResourceProvider], spec: ResourceSpec, args: Any) -> dict[str, Any]:
    """The properties a dynamic resource registers: its property bag and its serialized provider."""
    return {**property_bag(spec, args), PROVIDER_KEY: serialized(provider_type)}
