"""What the generated dynamic resource classes share on the program side: taking an Args object or keyword arguments
(`resources/arguments.py`, shared with the native classes), and the property bag a dynamic resource registers."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..resources.arguments import args_from
from ..resources.spec import ResourceSpec

__all__ = ["args_from", "property_bag"]


def property_bag(spec: ResourceSpec, args: Any) -> dict[str, Any]:
    """The dynamic resource's properties: the inputs that were given, and a placeholder for every other
    input and output so that each becomes an `Output` attribute of the resource."""
    bag: dict[str, Any] = {f.name: getattr(args, f.name) for f in dataclasses.fields(args)}
    for name in spec.output_names:
        bag.setdefault(name, None)
    return bag
