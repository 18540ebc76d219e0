"""SiprecSessionProvider called directly: diff, create, delete, read, update, configuration and pickling."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
import responses
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown

from pulumi_telnyx_siprec import SiprecSessionProvider
from pulumi_telnyx_siprec.client.errors import AuthenticationError, ConfigurationError, InvalidRequestError, TelnyxError
from pulumi_telnyx_siprec.resources.operations import InputError
from pulumi_telnyx_siprec.resources.siprec_session.operations import CallEndedError
from tests.support.samples import (
    ACCOUNT_SID,
    API_KEY,
    CALL_SID,
    SIPREC_PATH,
    SIPREC_SID,
    STOP_PATH,
    sent_form,
    sent_text,
    session_inputs,
    start_answer,
    stop_answer,
)

unknown: Callable[[], Unknown] = Unknown
"""`pulumi.output.Unknown()`, typed: its constructor has no annotations."""

BASE = "https://api.telnyx.test/v2"
START_URL = BASE + SIPREC_PATH.removeprefix("/v2")
STOP_URL = BASE + STOP_PATH.removeprefix("/v2")


def configured(**config: str) -> SiprecSessionProvider:
    provider = SiprecSessionProvider()
    raw = {"telnyx:apiKey": API_KEY, "telnyx:baseUrl": BASE, "telnyx:maxRetryWait": "0", **config}
    provider.configure(ConfigureRequest(Config({k: v for k, v in raw.items() if v}, "siprec-tests")))
    return provider


def checked(**overrides: Any) -> dict[str, Any]:
    result = SiprecSessionProvider().check({}, session_inputs(**overrides))
    assert result.failures == []
    return result.inputs


def state(**overrides: Any) -> dict[str, Any]:
    """What a created session's state holds: checked inputs plus outputs, numbers as the engine stores them."""
    outputs = {**checked(**overrides), "sid": SIPREC_SID, "status": "in-progress", "uri": "https://x/y",
               "start_time": "t", "date_created": "t", "date_updated": "t", "__provider": "serialized"}
    outputs["session_timeout_secs"] = float(outputs["session_timeout_secs"])
    return outputs


# diff


def test_no_change_is_no_change() -> None:
    result = SiprecSessionProvider().diff(SIPREC_SID, state(), checked())
    assert result.changes is False
    assert result.replaces == []


def test_provider_and_output_only_properties_are_not_compared() -> None:
    olds = {**state(), "__provider": "other", "status": "stopped", "sid": "other"}
    news = {**checked(), "__provider": "new"}
    assert SiprecSessionProvider().diff(SIPREC_SID, olds, news).changes is False


def test_a_default_missing_from_old_state_is_not_a_change() -> None:
    olds = state()  # as if written by a version that did not know `include_metadata_custom_headers` yet
    del olds["include_metadata_custom_headers"]
    assert SiprecSessionProvider().diff(SIPREC_SID, olds, checked()).changes is False


@pytest.mark.parametrize(
    ("prop", "value"),
    [("track", "both_tracks"), ("connector_name", "other-srs"), ("session_timeout_secs", 90),
     ("secure", False), ("name", "new-name"), ("status_callback", None)],
)
def test_every_input_change_replaces_starting_the_new_session_first(prop: str, value: Any) -> None:
    result = SiprecSessionProvider().diff(SIPREC_SID, state(), checked(**{prop: value}))
    assert result.changes is True
    assert result.replaces is not None
    assert prop in result.replaces
    assert result.delete_before_replace is False, "no gap in the recording: the old session stops last"


def test_moving_to_another_call_starts_the_new_session_first() -> None:
    result = SiprecSessionProvider().diff(SIPREC_SID, state(), checked(call_sid="v3:another-call"))
    assert result.replaces == ["call_sid"]
    assert result.delete_before_replace is False


def test_an_unknown_call_counts_as_a_change() -> None:
    news = {**checked(), "call_sid": unknown()}
    result = SiprecSessionProvider().diff(SIPREC_SID, state(), news)
    assert result.replaces == ["call_sid"]
    assert result.delete_before_replace is False


def test_an_account_sid_looked_up_at_create_is_not_a_change_when_the_program_gives_none() -> None:
    news = {k: v for k, v in checked().items() if k != "account_sid"}
    assert SiprecSessionProvider().diff(SIPREC_SID, state(), news).changes is False
    other = {**checked(), "account_sid": "another-account"}
    assert SiprecSessionProvider().diff(SIPREC_SID, state(), other).replaces == ["account_sid"]


def test_a_boolean_is_not_equal_to_a_number() -> None:
    olds = {**state(), "secure": 1.0}
    assert SiprecSessionProvider().diff(SIPREC_SID, olds, checked()).replaces == ["secure"]


# create


@responses.activate
def test_create_posts_every_checked_input_and_returns_complete_outputs() -> None:
    responses.post(START_URL, json=start_answer(track="both_tracks"))
    inputs = checked()
    result = configured().create({**inputs, "__provider": "serialized"})
    [call] = responses.calls
    assert call.request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert sent_form(call) == {
        "ConnectorName": "my-srs",
        "Track": "inbound_track",
        "IncludeMetadataCustomHeaders": "false",
        "Secure": "true",
        "SessionTimeoutSecs": "1800",
        "SipTransport": "tls",
        "StatusCallback": "https://hooks.example.com/siprec",
        "StatusCallbackMethod": "POST",
    }
    assert result.id == SIPREC_SID
    assert result.outs == {
        **inputs,
        "sid": SIPREC_SID,
        "status": "in-progress",
        "start_time": "Fri, 11 Aug 2023 19:12:11 +0000",
        "date_created": "Fri, 11 Aug 2023 19:12:11 +0000",
        "date_updated": "Fri, 11 Aug 2023 19:12:11 +0000",
        "uri": start_answer()["uri"],
    }
    assert result.outs["track"] == "inbound_track", "a response value never overwrites an input"


@responses.activate
def test_create_accepts_numbers_as_the_engine_sends_them() -> None:
    responses.post(START_URL, json=start_answer())
    result = configured().create({**checked(), "session_timeout_secs": 1800.0})
    assert "SessionTimeoutSecs=1800&" in sent_text(responses.calls[0])
    assert result.outs is not None
    assert result.outs["session_timeout_secs"] == 1800


def test_create_with_invalid_inputs_lists_every_failure_and_sends_nothing() -> None:
    with pytest.raises(InputError) as caught:
        configured().create({**checked(), "track": "both", "session_timeout_secs": 45})
    assert str(caught.value) == (
        "SiprecSession inputs are invalid: property `track`: must be one of `both_tracks`, `inbound_track`, "
        "`outbound_track`, got 'both'; did you mean `both_tracks`?; property `session_timeout_secs`: "
        "must be 0 or between 90 and 14440, got 45"
    )


def test_create_without_an_api_key_says_how_to_set_one() -> None:
    provider = configured(**{"telnyx:apiKey": ""})
    with pytest.raises(ConfigurationError) as caught:
        provider.create(checked())
    assert str(caught.value) == (
        "no Telnyx API key is configured: run `pulumi config set --secret telnyx:apiKey <your key>` "
        "(or export TELNYX_API_KEY) and try again"
    )


def test_delete_without_an_api_key_says_how_to_set_one() -> None:
    with pytest.raises(ConfigurationError, match="pulumi config set --secret telnyx:apiKey"):
        SiprecSessionProvider().delete(SIPREC_SID, state())


@responses.activate
def test_a_rejected_key_says_which_config_fixes_it() -> None:
    responses.post(START_URL, status=401, json={"errors": [{"code": "10009", "title": "Authentication failed"}]})
    with pytest.raises(AuthenticationError) as caught:
        configured().create(checked())
    assert str(caught.value).endswith("; set a valid key with `pulumi config set --secret telnyx:apiKey <key>`")
    assert API_KEY not in str(caught.value)


@responses.activate
def test_a_422_pointer_is_named_as_the_property() -> None:
    error = {"code": "10015", "title": "Bad Request", "detail": "Invalid value", "source": {"pointer": "/Track"}}
    responses.post(START_URL, status=422, json={"errors": [error]})
    with pytest.raises(InvalidRequestError, match=r"check input `track`$"):
        configured().create(checked())


# delete


@responses.activate
def test_delete_stops_the_session() -> None:
    responses.post(STOP_URL, json=stop_answer())
    configured().delete(SIPREC_SID, state())
    [call] = responses.calls
    assert call.request.url == STOP_URL
    assert call.request.body in ("Status=stopped", b"Status=stopped")


@responses.activate
def test_delete_of_a_session_already_gone_succeeds() -> None:
    responses.post(STOP_URL, status=404, json={"errors": [{"detail": "Resource not found"}]})
    configured().delete(SIPREC_SID, state())
    assert len(responses.calls) == 1


def test_delete_with_a_damaged_state_says_how_to_recover() -> None:
    olds = state()
    del olds["call_sid"]
    with pytest.raises(InputError, match=r"has no `call_sid`.*pulumi state delete <urn>"):
        configured().delete(SIPREC_SID, olds)


# read and update


CALL_URL = f"{BASE}/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}"


@responses.activate
def test_read_keeps_the_stored_state_while_the_call_is_live() -> None:
    responses.get(CALL_URL, json={"sid": CALL_SID, "status": "in-progress"})
    olds = state()
    result = configured().read(SIPREC_SID, olds)
    assert result.id == SIPREC_SID
    assert result.outs == {k: v for k, v in olds.items() if k != "__provider"}
    assert result.inputs == {k: v for k, v in olds.items() if k in checked() or k == "name"}
    [call] = responses.calls
    assert (call.request.method, call.request.url) == ("GET", CALL_URL)
    assert call.request.headers["Authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize("status", ["completed", "canceled", "failed", "busy", "no-answer"])
@responses.activate
def test_read_drops_the_session_once_its_call_has_ended(status: str) -> None:
    responses.get(CALL_URL, json={"sid": CALL_SID, "status": status})
    result = configured().read(SIPREC_SID, state())
    assert (result.id, result.outs) == ("", {})


@responses.activate
def test_read_drops_the_session_when_its_call_is_gone() -> None:
    responses.get(CALL_URL, status=404, json={"errors": [{"detail": "Resource not found"}]})
    assert configured().read(SIPREC_SID, state()).id == ""


@responses.activate
def test_a_refresh_that_cannot_reach_the_call_fails_clearly() -> None:
    responses.get(CALL_URL, status=503, json={"errors": [{"code": "10007", "title": "Unexpected error"}]})
    with pytest.raises(TelnyxError) as caught:
        configured(**{"telnyx:maxRetries": "1"}).read(SIPREC_SID, state())
    assert str(caught.value).startswith(
        f"refresh of SIPREC session {SIPREC_SID} could not tell whether call '{CALL_SID}' is still live: fetch call "
        "failed: GET"
    )
    assert "answered 503: [10007] Unexpected error" in str(caught.value)


def test_read_without_a_key_says_how_to_set_one() -> None:
    with pytest.raises(ConfigurationError, match="pulumi config set --secret telnyx:apiKey"):
        SiprecSessionProvider().read(SIPREC_SID, state())


@pytest.mark.parametrize(
    ("call_answer", "message"),
    [
        ({"json": {"sid": CALL_SID, "status": "completed"}},
         f"; call '{CALL_SID}' has ended (status `completed`): a SIPREC session needs a call in progress; place a "
         "new call and set `call_sid` to it"),
        ({"status": 404, "json": {"errors": [{"detail": "Resource not found"}]}},
         f"; call '{CALL_SID}' was not found in account '{ACCOUNT_SID}': check `call_sid` and `account_sid` (a "
         "SIPREC session needs a live call)"),
    ],
)
@responses.activate
def test_a_start_on_an_ended_or_unknown_call_says_which(call_answer: dict[str, Any], message: str) -> None:
    responses.post(START_URL, status=404, json={"errors": [{"detail": "Resource not found"}]})
    responses.get(CALL_URL, **call_answer)
    with pytest.raises(CallEndedError) as caught:
        configured().create(checked())
    assert str(caught.value).endswith(message)
    assert "answered 404: Resource not found" in str(caught.value)


def test_update_returns_complete_outputs() -> None:
    olds = state()
    result = SiprecSessionProvider().update(SIPREC_SID, olds, checked())
    assert result.outs == {k: v for k, v in olds.items() if k != "__provider"}


def test_update_with_a_change_keeps_the_true_outputs_so_the_next_diff_replaces(caplog: pytest.LogCaptureFixture
                                                                               ) -> None:
    olds = state()
    provider = SiprecSessionProvider()
    result = provider.update(SIPREC_SID, olds, checked(track="both_tracks"))
    assert result.outs == {k: v for k, v in olds.items() if k != "__provider"}
    assert result.outs["track"] == "inbound_track"
    assert "cannot change track in place" in caplog.text
    assert provider.diff(SIPREC_SID, {**result.outs}, checked(track="both_tracks")).replaces == ["track"]


# configuration


@responses.activate
def test_stack_config_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", "env-key")
    monkeypatch.setenv("TELNYX_BASE_URL", "https://env.example/v2")
    responses.post(START_URL, json=start_answer())
    configured().create(checked())
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {API_KEY}"


@responses.activate
def test_without_configure_the_environment_applies_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = SiprecSessionProvider()
    monkeypatch.setenv("TELNYX_API_KEY", "KEYfirst-key-0000000000")
    monkeypatch.setenv("TELNYX_BASE_URL", BASE)
    responses.post(START_URL, json=start_answer())
    provider.create(checked())
    monkeypatch.setenv("TELNYX_API_KEY", "KEYsecond-key-000000000")
    provider.create(checked())
    assert [c.request.headers["Authorization"] for c in responses.calls] == [
        "Bearer KEYfirst-key-0000000000", "Bearer KEYsecond-key-000000000"]


@responses.activate
def test_the_default_base_url_is_telnyx() -> None:
    responses.post("https://api.telnyx.com/v2" + SIPREC_PATH.removeprefix("/v2"), json=start_answer())
    configured(**{"telnyx:baseUrl": ""}).create(checked())
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("telnyx:readTimeout", "soon",
         "config `telnyx:readTimeout` must be a number between 0.001 and 3600, got 'soon'"),
        ("telnyx:maxRetries", "2.5", "config `telnyx:maxRetries` must be a whole number between 0 and 100, got '2.5'"),
        ("telnyx:baseUrl", "api.telnyx.com", "config `telnyx:baseUrl`: the Telnyx base URL must be an absolute "
                                             "http(s) URL (the API root), got 'api.telnyx.com'"),
    ],
)
def test_bad_settings_fail_at_use_naming_the_setting(key: str, value: str, message: str) -> None:
    provider = configured(**{key: value})
    assert provider.check({}, session_inputs()).failures == [], "preview never fails on settings"
    with pytest.raises(ConfigurationError) as caught:
        provider.create(checked())
    assert str(caught.value) == message


# pickling


def test_the_pickled_provider_is_a_small_reference_without_secrets() -> None:
    provider = configured()
    provider.ops().client()  # a configured provider with a live client must still pickle to nothing but its class
    blob = serialize_provider(provider)
    raw = base64.b64decode(blob)
    assert len(blob) < 300
    assert b"pulumi_telnyx_siprec.dynamic.siprec_session" in raw
    assert b"SiprecSessionProvider" in raw
    assert API_KEY.encode() not in raw
    assert b"api.telnyx.test" not in raw
    assert blob == serialize_provider(SiprecSessionProvider())


def test_nothing_is_stored_on_a_new_provider() -> None:
    assert vars(SiprecSessionProvider()) == {}


@pytest.mark.parametrize(("key", "value", "message"), [
    ("telnyx:readTimeout", "1e300", "config `telnyx:readTimeout` must be a number between 0.001 and 3600, got '1e300'"),
    ("telnyx:connectTimeout", "86400", "config `telnyx:connectTimeout` must be a number between 0.001 and 3600, got "
                                       "'86400'"),
    ("telnyx:maxRetries", "1e9", "config `telnyx:maxRetries` must be a whole number between 0 and 100, got '1e9'"),
    ("telnyx:maxRetryWait", "inf", "config `telnyx:maxRetryWait` must be a number between 0 and 86400, got 'inf'"),
])
def test_numeric_settings_past_their_range_fail_naming_the_key_not_with_a_bare_overflow(
        key: str, value: str, message: str) -> None:
    provider = SiprecSessionProvider()
    provider.configure(ConfigureRequest(Config({"telnyx:apiKey": API_KEY, key: value}, "t")))
    with pytest.raises(ConfigurationError) as caught:
        provider.create(provider.check({}, session_inputs()).inputs)
    assert str(caught.value) == message
