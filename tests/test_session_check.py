"""SiprecSessionProvider.check: every input rule, default and failure message, in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_telnyx_siprec import SiprecSessionProvider
from tests.support import checks
from tests.support.samples import ACCOUNT_SID, API_KEY, CALL_SID, session_inputs

unknown: Callable[[], Unknown] = Unknown
"""`pulumi.output.Unknown()`, typed: its constructor has no annotations."""

REQUIRED = {"account_sid": ACCOUNT_SID, "call_sid": CALL_SID, "connector_name": "my-srs"}
HOOK = "https://hooks.example.com/siprec"


def base_for(prop: str) -> dict[str, Any]:
    """REQUIRED, plus `status_callback` for the property that needs it."""
    return {**REQUIRED, "status_callback": HOOK} if prop == "status_callback_method" else REQUIRED


def check(news: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    return checks.check(SiprecSessionProvider(), news)


def test_defaults_are_filled_in() -> None:
    inputs, failures = check(dict(REQUIRED))
    assert failures == {}
    assert inputs == {
        **REQUIRED,
        "track": "both_tracks",
        "include_metadata_custom_headers": False,
        "secure": False,
        "session_timeout_secs": 1800,
        "sip_transport": "udp",
    }
    assert "name" not in inputs
    assert "status_callback" not in inputs
    assert "status_callback_method" not in inputs


def test_the_issue_example_is_valid_and_gets_post_as_callback_method() -> None:
    inputs, failures = check(session_inputs())
    assert failures == {}
    assert inputs["status_callback_method"] == "POST"
    assert inputs["track"] == "inbound_track"
    assert inputs["secure"] is True


@pytest.mark.parametrize(
    ("prop", "value", "expected"),
    [
        ("track", "both_tracks", "both_tracks"),
        ("track", "inbound_track", "inbound_track"),
        ("track", "outbound_track", "outbound_track"),
        ("sip_transport", "udp", "udp"),
        ("sip_transport", "tcp", "tcp"),
        ("sip_transport", "tls", "tls"),
        ("session_timeout_secs", 0, 0),
        ("session_timeout_secs", 90, 90),
        ("session_timeout_secs", 14440, 14440),
        ("session_timeout_secs", 1800.0, 1800),
        ("session_timeout_secs", 0.0, 0),
        ("include_metadata_custom_headers", True, True),
        ("secure", False, False),
        ("name", "recording-1", "recording-1"),
        ("status_callback_method", "get", "GET"),
        ("status_callback_method", "Post", "POST"),
        ("status_callback", "http://hooks.example.com:8080/a?b=c", "http://hooks.example.com:8080/a?b=c"),
        ("call_sid", "v3:abc-DEF_123", "v3:abc-DEF_123"),
        ("account_sid", "ac%20", "ac%20"),
        ("call_sid", "v3:a\\b", "v3:a\\b"),
    ],
)
def test_accepted_values(prop: str, value: Any, expected: Any) -> None:
    checks.assert_accepted(SiprecSessionProvider(), base_for(prop), prop, value, expected)


@pytest.mark.parametrize(
    ("prop", "value", "reason"),
    [
        ("session_timeout_secs", 45, "must be 0 or between 90 and 14440, got 45"),
        ("session_timeout_secs", 14441, "must be 0 or between 90 and 14440, got 14441"),
        ("session_timeout_secs", -1, "must be 0 or between 90 and 14440, got -1"),
        ("session_timeout_secs", 1800.5, "must be a whole number, got 1800.5"),
        ("session_timeout_secs", True, "must be a whole number, got the boolean true"),
        ("session_timeout_secs", "1800", "must be a whole number, got the string '1800'"),
        ("session_timeout_secs", float("nan"), "must be a whole number, got nan"),
        ("session_timeout_secs", float("inf"), "must be a whole number, got inf"),
        ("track", "both", "must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'both'; "
                          "did you mean `both_tracks`?"),
        ("track", "INBOUND_TRACK", "must be one of `both_tracks`, `inbound_track`, `outbound_track`, "
                                   "got 'INBOUND_TRACK'; did you mean `inbound_track`?"),
        ("sip_transport", "sctp", "must be one of `udp`, `tcp`, `tls`, got 'sctp'; did you mean `tcp`?"),
        ("secure", "true", "must be true or false, got the string 'true'"),
        ("include_metadata_custom_headers", 1, "must be true or false, got the number 1"),
        ("status_callback_method", "PUT", "must be one of `GET`, `POST`, got 'PUT'"),
        ("status_callback", "ftp://hooks.example.com/x",
         "must be an absolute http:// or https:// URL, got scheme `ftp`"),
        ("status_callback", "/relative/path", "must be an absolute http:// or https:// URL, got scheme none"),
        ("status_callback", "https:///no-host", "must be an absolute http:// or https:// URL with a host, "
                                                "e.g. https://hooks.example.com/x"),
        ("status_callback", "https://hooks.example.com/a b", "must be a URL without whitespace or control "
                                                             "characters, found U+0020 (space) at position 27"),
        ("status_callback", "https://host:99999/", "must be a valid URL (Port out of range 0-65535)"),
        ("connector_name", "", "must not be empty"),
        ("connector_name", 7, "must be a string, got the number 7"),
        ("name", "", "must not be empty"),
        ("account_sid", "a/b", "must not contain `/` (found at position 1); ids have no `/`, `?`, `#`, "
                               "whitespace or control characters"),
        ("call_sid", "v3:a?b", "must not contain `?` (found at position 4); ids have no `/`, `?`, `#`, "
                               "whitespace or control characters"),
        ("call_sid", "v3#", "must not contain `#` (found at position 2); ids have no `/`, `?`, `#`, "
                            "whitespace or control characters"),
        ("call_sid", "v3 x", "must not contain U+0020 (space) (found at position 2); ids have no `/`, `?`, `#`, "
                             "whitespace or control characters"),
        ("call_sid", "v3\nx", "must not contain U+000A (control character) (found at position 2); ids have no "
                              "`/`, `?`, `#`, whitespace or control characters"),
        ("call_sid", "..", "must be an id, not '..' (it would change the request path)"),
        ("call_sid", "v3:\ud800", "must not contain U+D800 (control character) (found at position 3); ids have no "
                                   "`/`, `?`, `#`, whitespace or control characters"),
        ("account_sid", "", "must not be empty"),
        ("account_sid", ["a"], "must be a string, got a list"),
        ("account_sid", {"a": 1}, "must be a string, got an object"),
    ],
)
def test_rejected_values_name_the_property_and_say_why(prop: str, value: Any, reason: str) -> None:
    inputs = checks.assert_rejected(SiprecSessionProvider(), base_for(prop), prop, value, reason)
    assert inputs[prop] == value or value != value, "a rejected value is returned as given, not lost"


def test_every_failure_is_reported_at_once() -> None:
    _, failures = check({"call_sid": "a/b", "track": "both", "session_timeout_secs": 45, "trak": "x",
                         "status_callback_method": "GET"})
    assert set(failures) == {"connector_name", "call_sid", "track", "session_timeout_secs",
                             "status_callback_method", "trak"}
    assert failures["connector_name"] == "is required but was not set"


def test_account_sid_is_optional_and_gets_no_default() -> None:
    inputs, failures = check({"call_sid": CALL_SID, "connector_name": "my-srs"})
    assert failures == {}
    assert "account_sid" not in inputs, "looked up at create, from GET /whoami"


@pytest.mark.parametrize("method", ["GET", "post"])
def test_a_callback_method_without_a_callback_is_refused(method: str) -> None:
    inputs = checks.assert_rejected(
        SiprecSessionProvider(), REQUIRED, "status_callback_method", method,
        "has no effect without `status_callback`: set `status_callback` too, or remove `status_callback_method`")
    assert inputs["status_callback_method"] == method.upper()


def test_a_callback_method_whose_callback_is_not_known_yet_passes_preview() -> None:
    _, failures = check({**REQUIRED, "status_callback": unknown(), "status_callback_method": "GET"})
    assert failures == {}


@pytest.mark.parametrize(
    ("typo", "hint"),
    [
        ("trak", "track"),
        ("session_timeout", "session_timeout_secs"),
        ("ConnectorName", "connector_name"),
        ("connectorName", "connector_name"),
        ("SessionTimeoutSecs", "session_timeout_secs"),
        ("statusCallbackMethod", "status_callback_method"),
    ],
)
def test_unknown_property_gets_a_close_match_hint(typo: str, hint: str) -> None:
    inputs, failures = check({**REQUIRED, typo: "x"})
    assert failures == {typo: f"unknown property; did you mean `{hint}`?"}
    assert inputs[typo] == "x"


def test_unknown_property_without_a_close_match_lists_the_valid_ones() -> None:
    _, failures = check({**REQUIRED, "zzz": 1})
    assert failures["zzz"].startswith("unknown property; valid: `account_sid`, `call_sid`, `connector_name`")


@pytest.mark.parametrize("name", ["api_key", "apiKey", "telnyx_api_key", "token", "password", "Authorization"])
def test_a_credential_passed_as_input_is_refused_without_echoing_it(name: str) -> None:
    result = SiprecSessionProvider().check({}, {**REQUIRED, name: API_KEY})
    [failure] = result.failures
    # Reported against the resource: the engine prints a failing property's value next to its name.
    assert failure.property == ""
    assert failure.reason == (
        f"`{name}`: not an input of SiprecSession; set the Telnyx API key with "
        "`pulumi config set --secret telnyx:apiKey <key>` instead"
    )
    assert API_KEY not in repr(result.inputs)


def test_the_configured_api_key_in_any_input_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", API_KEY)
    result = SiprecSessionProvider().check({}, {**REQUIRED, "name": API_KEY})
    [failure] = result.failures
    assert failure.property == ""
    assert failure.reason.startswith("property `name` holds your Telnyx API key; inputs are stored in plain text")
    assert API_KEY not in failure.reason


def test_unknowns_are_never_failed_and_are_returned_unchanged() -> None:
    unknown_call, unknown_timeout, unknown_callback = unknown(), unknown(), unknown()
    inputs, failures = check(
        {
            "account_sid": ACCOUNT_SID,
            "call_sid": unknown_call,
            "connector_name": "my-srs",
            "session_timeout_secs": unknown_timeout,
            "status_callback": unknown_callback,
        }
    )
    assert failures == {}
    assert inputs["call_sid"] is unknown_call
    assert inputs["session_timeout_secs"] is unknown_timeout
    assert inputs["status_callback"] is unknown_callback
    assert inputs["status_callback_method"] == "POST"


def test_an_absent_required_property_fails_even_in_preview() -> None:
    _, failures = check({"account_sid": unknown(), "connector_name": unknown()})
    assert failures == {"call_sid": "is required but was not set"}


def test_none_counts_as_absent() -> None:
    inputs, failures = check({**REQUIRED, "name": None, "track": None})
    assert failures == {}
    assert "name" not in inputs
    assert inputs["track"] == "both_tracks"


def test_provider_key_is_not_an_input() -> None:
    inputs, failures = check({**REQUIRED, "__provider": "serialized"})
    assert failures == {}
    assert "__provider" not in inputs


def test_check_needs_neither_network_nor_api_key() -> None:
    provider = SiprecSessionProvider()
    assert provider.settings().api_key is None
    result = provider.check({}, session_inputs())
    assert result.failures == []
