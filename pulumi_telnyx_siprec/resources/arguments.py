"""How a generated resource class takes its inputs: an Args object, or the same keyword arguments, as generated
Pulumi SDKs accept. Shared by both Python families (`dynamic/`, `native/`); pure, it knows only the names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from ..validation.names import close_matches
from .spec import ResourceSpec

ArgsT = TypeVar("ArgsT")


def args_from(args_type: type[ArgsT], inputs: ResourceSpec | Sequence[str], args: ArgsT | None,
              kwargs: Mapping[str, Any]) -> ArgsT:
    """The Args object from either an Args instance or keyword arguments; a keyword that is not one of `inputs`
    (a resource's, or the names given) fails with a TypeError naming it, and the input it most looks like."""
    if args is not None:
        if kwargs:
            raise TypeError(f"pass either a {args_type.__name__} or keyword arguments, not both")
        if not isinstance(args, args_type):
            raise TypeError(f"args must be a {args_type.__name__}, got {type(args).__name__}")
        return args
    known = inputs.inputs.names if isinstance(inputs, ResourceSpec) else tuple(inputs)
    for name in kwargs:
        if name not in known:
            if isinstance(inputs, ResourceSpec):
                hint = inputs.inputs.suggest(name)
            else:
                hint = next(iter(close_matches(name, known, cutoff=0.6)), None)
            raise TypeError(
                f"{args_type.__name__} has no input `{name}`" + (f"; did you mean `{hint}`?" if hint else "")
            )
    return args_type(**kwargs)
