"""Property values between the SDK's `PropertyValue` and the plain Python values the operations take.

Unknown values (preview) cross the wire as the string `pulumi.runtime.rpc.UNKNOWN`, which `PropertyValue` keeps as
a string: they stay that string here, `is_unknown` recognises them, and they go back out unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue, ResourceReference
from pulumi.runtime.rpc import UNKNOWN


def is_unknown(value: Any) -> bool:
    """True for a value Pulumi does not know yet."""
    return isinstance(value, str) and value == UNKNOWN


def plain(value: PropertyValue) -> Any:
    """The Python value inside a `PropertyValue` (secretness dropped: the engine restores it on the way back)."""
    inner = value.value
    if isinstance(inner, Mapping):
        return {key: plain(item) for key, item in inner.items()}
    if isinstance(inner, tuple):
        return [plain(item) for item in inner]
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, ResourceReference):
        # Not sent to a plugin that does not accept resources; should one arrive, its id is what a property means.
        return plain(inner.resource_id) if inner.resource_id is not None else inner.urn
    return inner


def plain_map(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    return {key: plain(value) for key, value in props.items()}


def property_value(value: Any) -> PropertyValue:
    """A `PropertyValue` for a plain value; integers become numbers (floats), as on the wire."""
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
        return PropertyValue(value)
    if isinstance(value, int):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(key): property_value(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return PropertyValue([property_value(item) for item in value])
    raise TypeError(f"cannot send a {type(value).__name__} as a Pulumi property value")


def property_map(props: Mapping[str, Any]) -> dict[str, PropertyValue]:
    return {key: property_value(value) for key, value in props.items()}
