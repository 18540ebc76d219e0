"""What the generated resource classes share on the program side: taking an Args object or keyword arguments, and
the property bag a dynamic resource registers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from ..resources.spec import ResourceSpec

ArgsT = TypeVar("ArgsT")


def args_from(args_type: type[ArgsT], spec: ResourceSpec, args: ArgsT | None, kwargs: Mapping[str, Any]) -> ArgsT:
    """The Args object from either an Args instance or keyword arguments, as generated Pulumi SDKs accept."""
    if args is not None:
        if kwargs:
            raise TypeError(f"pass either a {args_type.__name__} or keyword arguments, not both")
        if not isinstance(args, args_type):
            raise TypeError(f"args must be a {args_type.__name__}, got {type(args).__name__}")
        return args
    known = {f.name for f in dataclasses.fields(args_type)}  # type: ignore[arg-type]
    for name in kwargs:
        if name not in known:
            hint = spec.inputs.suggest(name)
            raise TypeError(
                f"{args_type.__name__} has no input `{name}`" + (f"; did you mean `{hint}`?" if hint else "")
            )
    return args_type(**kwargs)


def property_bag(spec: ResourceSpec, args: Any) -> dict[str, Any]:
    """The dynamic resource's properties: the inputs that were given, and a placeholder for every other
    input and output so that each becomes an `Output` attribute of the resource."""
    bag: dict[str, Any] = {f.name: getattr(args, f.name) for f in dataclasses.fields(args)}
    for name in spec.output_names:
        bag.setdefault(name, None)
    return bag
