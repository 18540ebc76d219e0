"""SiprecConnectorProvider.check: every input rule and message, in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_telnyx_siprec import SiprecConnectorProvider
from tests.support import checks

unknown: Callable[[], Unknown] = Unknown
"""`pulumi.output.Unknown()`, typed: its constructor has no annotations."""

REQUIRED = {"name": "test-srs", "host": "srs.example.com", "port": 5060}


def check(news: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    return checks.check(SiprecConnectorProvider(), news)


@pytest.mark.parametrize(
    ("prop", "value", "expected"),
    [
        ("host", "10.1.2.3", "10.1.2.3"),
        ("host", "srs-1.eu.example.com.", "srs-1.eu.example.com."),
        ("host", "localhost", "localhost"),
        ("port", 1, 1),
        ("port", 65535, 65535),
        ("port", 5061.0, 5061),
        ("app_subdomain", "recorder", "recorder"),
        ("name", "srs:eu-1", "srs:eu-1"),
    ],
)
def test_accepted_values(prop: str, value: Any, expected: Any) -> None:
    checks.assert_accepted(SiprecConnectorProvider(), REQUIRED, prop, value, expected)


@pytest.mark.parametrize(
    ("prop", "value", "reason"),
    [
        ("port", 0, "must be between 1 and 65535, got 0"),
        ("port", 70000, "must be between 1 and 65535, got 70000"),
        ("port", 5061.5, "must be a whole number, got 5061.5"),
        ("port", "5061", "must be a whole number, got the string '5061'"),
        ("host", "sip:srs.example.com", "must be a host name or IPv4 address, not a URI: drop the scheme (`sip:`, "
                                        "`https://`)"),
        ("host", "https://srs.example.com", "must be a host name or IPv4 address, not a URI: drop the scheme "
                                            "(`sip:`, `https://`)"),
        ("host", "srs.example.com:5061", "must be a host name or IPv4 address alone: put the port in `port`, and "
                                         "no path"),
        ("host", "256.1.1.1", "must be a valid IPv4 address (each part 0-255), got '256.1.1.1'"),
        ("host", "2001:db8::1", "must be a host name or IPv4 address; Telnyx documents no IPv6 here"),
        ("host", "srs_1.example.com", "must be a host name (letters, digits and inner hyphens, dot-separated labels "
                                      "of up to 63 characters) or an IPv4 address, got 'srs_1.example.com'"),
        ("host", "", "must not be empty"),
        ("name", "a/b", "must not contain `/` (found at position 1); ids have no `/`, `?`, `#`, whitespace or "
                        "control characters"),
        ("name", "", "must not be empty"),
        ("app_subdomain", "", "must not be empty"),
    ],
)
def test_rejected_values_name_the_property_and_say_why(prop: str, value: Any, reason: str) -> None:
    checks.assert_rejected(SiprecConnectorProvider(), REQUIRED, prop, value, reason)


def test_required_inputs_and_typos_are_all_reported() -> None:
    _, failures = check({"hots": "srs.example.com"})
    assert failures == {
        "name": "is required but was not set",
        "host": "is required but was not set",
        "port": "is required but was not set",
        "hots": "unknown property; did you mean `host`?",
    }


def test_unknowns_pass_through_in_preview() -> None:
    unknown_host = unknown()
    inputs, failures = check({**REQUIRED, "host": unknown_host})
    assert failures == {}
    assert inputs["host"] is unknown_host
