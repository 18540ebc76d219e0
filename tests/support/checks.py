"""The shared steps of the input-rule table tests: check a property bag, expect it accepted or rejected."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_telnyx_siprec.dynamic.provider import DynamicProvider


def check(provider: DynamicProvider, news: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The checked inputs, and the failures by property."""
    result = provider.check({}, dict(news))
    return result.inputs, {f.property: f.reason for f in result.failures}


def assert_accepted(provider: DynamicProvider, base: Mapping[str, Any], prop: str, value: Any, expected: Any) -> None:
    """`value` for `prop` passes and is normalised to `expected`, of the same type."""
    inputs, failures = check(provider, {**base, prop: value})
    assert failures == {}
    assert inputs[prop] == expected
    assert type(inputs[prop]) is type(expected)


def assert_rejected(provider: DynamicProvider, base: Mapping[str, Any], prop: str, value: Any, reason: str
                    ) -> dict[str, Any]:
    """`value` for `prop` fails with exactly `reason`, and nothing else fails; returns the checked inputs."""
    inputs, failures = check(provider, {**base, prop: value})
    assert failures == {prop: reason}
    return inputs
