"""Program-side helpers shared by the resource classes: Args documentation, keyword handling, property bags."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from .schema import Schema

ArgsT = TypeVar("ArgsT")


def documented_args(schema: Schema) -> Any:
    """Class decorator: writes every input's documentation, from `schema`, into an Args dataclass's docstring."""

    def decorate(cls: type[ArgsT]) -> type[ArgsT]:
        lines = [cls.__doc__ or "", ""]
        for spec in schema.fields:
            required = "required" if spec.required else "optional"
            default = f" Default: `{spec.default}`." if spec.default is not None else ""
            lines.append(f":param {spec.name}: ({required}) {spec.doc}{default}")
        cls.__doc__ = "\n".join(lines)
        return cls

    return decorate


def args_from(args_type: type[ArgsT], schema: Schema, args: ArgsT | None, kwargs: Mapping[str, Any]) -> ArgsT:
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
            hint = schema.suggest(name)
            raise TypeError(
                f"{args_type.__name__} has no input `{name}`" + (f"; did you mean `{hint}`?" if hint else "")
            )
    return args_type(**kwargs)


def property_bag(args: Any, output_names: tuple[str, ...]) -> dict[str, Any]:
    """The dynamic resource's properties: the inputs that were given, and a placeholder for every other
    input and output so that each becomes an `Output` attribute of the resource."""
    bag: dict[str, Any] = {f.name: getattr(args, f.name) for f in dataclasses.fields(args)}
    for name in output_names:
        bag.setdefault(name, None)
    return bag
