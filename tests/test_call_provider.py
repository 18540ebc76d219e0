"""TexmlCall: input rules, the exact call-create request, waiting for an answer, refresh and hang-up; in-process
against the emulator, and through the real provider server over gRPC."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from pulumi_telnyx_siprec import TexmlCallProvider
from pulumi_telnyx_siprec.configuration.clients import build_client
from pulumi_telnyx_siprec.configuration.settings import ProviderSettings
from pulumi_telnyx_siprec.emulator import Behaviour, Emulator
from pulumi_telnyx_siprec.resources.texml_call.operations import (
    CallNotAnsweredError,
    CallOperations,
    CallUnconfirmedError,
)
from tests.support import checks
from tests.support.provider_server import ProviderServer
from tests.support.samples import ACCOUNT_SID, API_KEY

unknown: Callable[[], Unknown] = Unknown
"""`pulumi.output.Unknown()`, typed: its constructor has no annotations."""

CONNECTION = "1773070540731319841"
REQUIRED = {"connection_id": CONNECTION, "to": "+15550100002", "from_": "+15550100001"}
CALL_TYPE = "pulumi-python:dynamic/telnyx:TexmlCall"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY, sip=False, behaviour=Behaviour(call_answer_delay=0)) as running:
        yield running


def configured(base_url: str) -> TexmlCallProvider:
    provider = TexmlCallProvider()
    provider.configure(ConfigureRequest(Config({"telnyx:apiKey": API_KEY, "telnyx:baseUrl": base_url}, "t")))
    return provider


# check

@pytest.mark.parametrize(("prop", "value", "expected"), [
    ("to", "sip:srs-test@example.com", "sip:srs-test@example.com"),
    ("url_method", "get", "GET"),
    ("custom_headers", {"X-Test-Run": "42", "X-Agent": "a b"}, {"X-Test-Run": "42", "X-Agent": "a b"}),
    ("timeout", 5.0, 5),
    ("time_limit", 14400, 14400),
    ("status_callback_event", "initiated answered completed", "initiated answered completed"),
    ("caller_id", "Test Caller", "Test Caller"),
])
def test_accepted_values(prop: str, value: Any, expected: Any) -> None:
    base = {**REQUIRED, "url": "https://texml.example.com/answer"} if prop == "url_method" else REQUIRED
    base = {**base, "status_callback": "https://h.example.com/cb"} if prop == "status_callback_event" else base
    checks.assert_accepted(TexmlCallProvider(), base, prop, value, expected)


@pytest.mark.parametrize(("prop", "value", "reason"), [
    ("to", "15550100002", "must be an E.164 number such as `+15551230001` or a SIP URI such as "
                          "`sip:srs-test@example.com`, got '15550100002'"),
    ("from_", "+1 555", "must be an E.164 number such as `+15551230001` or a SIP URI such as "
                        "`sip:srs-test@example.com`, got '+1 555'"),
    ("timeout", 4, "must be between 5 and 120, got 4"),
    ("time_limit", 14401, "must be between 30 and 14400, got 14401"),
    ("custom_headers", {"X Bad": "1"}, "header name 'X Bad' must be letters, digits and `-` (a SIP token)"),
    ("custom_headers", {"X-Inject": "a\r\nVia: evil"}, "header 'X-Inject' has a control character in its value "
                                                       "(U+000D (control character))"),
    ("custom_headers", {"X-N": 1}, "must map names to strings; 'X-N' maps to the number 1"),
    ("caller_id", "x" * 129, "must be at most 128 characters, got 129"),
    ("connection_id", "a/b", "must not contain `/` (found at position 1); ids have no `/`, `?`, `#`, whitespace "
                             "or control characters"),
])
def test_rejected_values_name_the_property_and_say_why(prop: str, value: Any, reason: str) -> None:
    checks.assert_rejected(TexmlCallProvider(), REQUIRED, prop, value, reason)


def test_rules_between_properties() -> None:
    _, failures = checks.check(TexmlCallProvider(), {**REQUIRED, "url": "https://t.example.com/a", "texml": "<R/>",
                                                     "url_method": "GET", "status_callback_method": "GET"})
    assert failures == {
        "url": "cannot be set together with `texml`: keep one of them",
        "status_callback_method": "has no effect without `status_callback`: set `status_callback` too, or remove "
                                  "`status_callback_method`",
    }
    _, failures = checks.check(TexmlCallProvider(), {**REQUIRED, "url_method": "GET"})
    assert failures == {"url_method": "has no effect without `url`: set `url` too, or remove `url_method`"}


def test_custom_headers_not_known_yet_pass_preview() -> None:
    inputs, failures = checks.check(TexmlCallProvider(), {**REQUIRED, "custom_headers": {"X-Run": unknown()}})
    assert failures == {}
    assert isinstance(inputs["custom_headers"]["X-Run"], Unknown)


def test_every_change_replaces() -> None:
    provider = TexmlCallProvider()
    olds = {**provider.check({}, REQUIRED).inputs, "call_sid": "v3:x", "account_sid": ACCOUNT_SID}
    news = provider.check({}, {**REQUIRED, "to": "+15550100003"}).inputs
    diff = provider.diff("v3:x", olds, news)
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == (True, ["to"], False)
    assert provider.diff("v3:x", olds, provider.check({}, REQUIRED).inputs).changes is False, \
        "an account id looked up at create is not a change"


# create, read, delete

def test_create_posts_the_documented_json_waits_for_the_answer_and_returns_complete_outputs(
        emulator: Emulator) -> None:
    provider = configured(emulator.base_url)
    news = {**REQUIRED, "texml": "<Response><Pause length=\"60\"/></Response>", "custom_headers": {"X-Run": "7"},
            "timeout": 20, "time_limit": 600, "status_callback": "https://hooks.example.com/calls",
            "status_callback_event": "answered completed"}
    created = provider.create(provider.check({}, news).inputs)
    assert created.outs is not None
    [create] = [r for r in emulator.state()["requests"] if r["route"] == "call.create"]
    assert (create["method"], create["path"], create["headers"]["Content-Type"]) == (
        "POST", f"/v2/texml/calls/{CONNECTION}", "application/json")
    assert json.loads(create["body"]) == {
        "To": "+15550100002", "From": "+15550100001", "Texml": "<Response><Pause length=\"60\"/></Response>",
        "CustomHeaders": [{"name": "X-Run", "value": "7"}], "Timeout": 20, "TimeLimit": 600,
        "StatusCallback": "https://hooks.example.com/calls", "StatusCallbackEvent": "answered completed",
    }
    [call] = emulator.state()["calls"].values()
    assert created.id == call["sid"]
    assert created.outs["call_sid"] == call["sid"]
    assert created.outs["status"] == "in-progress", "up waited until the call was answered"
    assert created.outs["account_sid"] == emulator.behaviour.organization_id, "looked up: GET /whoami"
    assert created.outs["custom_headers"] == {"X-Run": "7"}
    assert {"placed_at", "start_time"} <= set(created.outs)


@pytest.mark.parametrize("outcome", ["busy", "no-answer", "failed"])
def test_a_call_that_is_not_answered_fails_create(emulator: Emulator, outcome: str) -> None:
    emulator.configure(call_outcome=outcome)
    provider = configured(emulator.base_url)
    with pytest.raises(CallNotAnsweredError) as caught:
        provider.create(provider.check({}, REQUIRED).inputs)
    assert str(caught.value).endswith(f"ended without being answered: status `{outcome}`; check that `to` answers "
                                      "(or set `wait_until_answered` to false to keep a call that is not answered "
                                      "yet)")


def test_a_call_that_rings_too_long_is_hung_up_and_fails_create(emulator: Emulator) -> None:
    emulator.configure(call_answer_delay=3600)
    clock = [0.0]
    settings = ProviderSettings.resolve(lambda key: {"telnyx:apiKey": API_KEY,
                                                     "telnyx:baseUrl": emulator.base_url}.get(key))
    client = build_client(settings)
    ops = CallOperations(settings, lambda: client, sleep=lambda s: clock.__setitem__(0, clock[0] + s),
                         clock=lambda: clock[0])
    with pytest.raises(CallNotAnsweredError, match=r"was still `queued` after 5 s of ringing and 15 s more; it "
                                                   r"was hung up"):
        ops.create(ops.checked({**REQUIRED, "timeout": 5}))
    [call] = emulator.state()["calls"].values()
    assert call["status"] == "canceled"


def _ops_with_a_fake_clock(emulator: Emulator, *, max_retry_wait: str = "0") -> CallOperations:
    settings = ProviderSettings.resolve(lambda key: {"telnyx:apiKey": API_KEY, "telnyx:baseUrl": emulator.base_url,
                                                     "telnyx:maxRetryWait": max_retry_wait}.get(key))
    client = build_client(settings)
    clock = [0.0]
    return CallOperations(settings, lambda: client, sleep=lambda s: clock.__setitem__(0, clock[0] + s),
                          clock=lambda: clock[0])


def test_a_call_whose_answer_cannot_be_read_is_hung_up_and_the_error_names_it(emulator: Emulator) -> None:
    emulator.inject("call.fetch", "status", status=503, count=100)
    ops = _ops_with_a_fake_clock(emulator)
    with pytest.raises(CallUnconfirmedError) as caught:
        ops.create(ops.checked(REQUIRED))
    [(call_sid, call)] = emulator.state()["calls"].items()
    assert str(caught.value).startswith(f"the call from '+15550100001' to '+15550100002' ({call_sid}) was placed, "
                                        "but whether it was answered could not be read: fetch call failed: GET ")
    assert str(caught.value).endswith("answered 503: [10007] Unexpected error: injected fault: 503; it was hung up")
    assert call["status"] in ("canceled", "completed"), "nothing left ringing that the state does not know"


def test_a_call_that_cannot_be_read_nor_hung_up_is_named_with_how_to_end_it(emulator: Emulator) -> None:
    emulator.inject("call.fetch", "status", status=503, count=100)
    emulator.inject("call.update", "status", status=503, count=100)
    ops = _ops_with_a_fake_clock(emulator)
    with pytest.raises(CallUnconfirmedError) as caught:
        ops.create(ops.checked(REQUIRED))
    [call_sid] = emulator.state()["calls"]
    message = str(caught.value)
    assert f"({call_sid}) was placed, but whether it was answered could not be read" in message
    assert message.endswith(
        f"so it may still be up, and the state does not hold it: end it with POST Status=completed to "
        f"{emulator.base_url}/texml/Accounts/{ACCOUNT_SID}/Calls/{call_sid}, or in the Mission "
        "Control portal")


def test_without_waiting_create_returns_the_queued_call(emulator: Emulator) -> None:
    emulator.configure(call_answer_delay=3600)
    provider = configured(emulator.base_url)
    created = provider.create(provider.check({}, {**REQUIRED, "wait_until_answered": False}).inputs)
    assert created.outs is not None
    assert created.outs["status"] == "queued"
    assert [r["route"] for r in emulator.state()["requests"]] == ["whoami", "call.create"]


def test_read_keeps_a_live_call_and_drops_an_ended_one_and_delete_hangs_up(emulator: Emulator) -> None:
    provider = configured(emulator.base_url)
    created = provider.create(provider.check({}, REQUIRED).inputs)
    assert created.outs is not None
    assert provider.read(created.id, created.outs).id == created.id
    provider.delete(created.id, created.outs)
    [call] = emulator.state()["calls"].values()
    assert call["status"] == "completed"
    assert provider.read(created.id, created.outs).id == "", "an ended call leaves the state"
    provider.delete(created.id, created.outs)  # hanging up an ended call is fine


def test_through_the_provider_server(emulator: Emulator) -> None:
    with ProviderServer(TexmlCallProvider(), CALL_TYPE) as server:
        server.configure({"telnyx:apiKey": API_KEY, "telnyx:baseUrl": emulator.base_url})
        inputs, failures = server.check({**REQUIRED, "timeout": 30.0})
        assert failures == []
        preview, _ = server.check({**REQUIRED, "to": unknown()})
        assert isinstance(preview["to"], Unknown), "not known yet: kept for preview"
        call_sid, outs = server.create(inputs)
        assert (outs["call_sid"], outs["status"], outs["timeout"]) == (call_sid, "in-progress", 30)
        assert server.read(call_sid, outs)[0] == call_sid
        server.delete(call_sid, outs)
    assert API_KEY not in server.stderr_text()
    assert [c["status"] for c in emulator.state()["calls"].values()] == ["completed"]
