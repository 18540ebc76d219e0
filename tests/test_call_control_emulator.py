"""The emulator's Call Control API: driven by the official telnyx Python SDK (what it cannot parse is an emulator
bug), its webhooks verified with the SDK's own Ed25519 check, and its answers where a call is ringing, ended,
unknown, or already recorded, as docs/telnyx-api.md section 10 records Telnyx's."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import telnyx
from telnyx.lib.webhook_verification import WebhookVerificationError, verify_webhook_signature
from telnyx.types import (
    CallAnsweredWebhookEvent,
    CallHangupWebhookEvent,
    CallInitiatedWebhookEvent,
    CallSiprecStartedWebhookEvent,
    CallSiprecStoppedWebhookEvent,
)

from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.emulator.srs.local_srs import LocalSrs
from tests.support.recording_server import RecordingServer, Reply
from tests.support.samples import API_KEY
from tests.support.sipp import require_sipp

CONNECTION = "1773070540731319842"
CLIENT_STATE = base64.b64encode(b"run-42").decode()
SDK_EVENTS = (CallInitiatedWebhookEvent, CallAnsweredWebhookEvent, CallSiprecStartedWebhookEvent,
              CallSiprecStoppedWebhookEvent, CallHangupWebhookEvent)
"""The SDK's types of the webhooks the test expects: each delivered body must parse into one of them."""


@pytest.fixture
def receiver() -> Iterator[RecordingServer]:
    server = RecordingServer(lambda _request: Reply(200))
    try:
        yield server
    finally:
        server.close()


def webhooks(server: RecordingServer) -> list[dict[str, Any]]:
    return [json.loads(r.body)["data"] for r in server.requests]


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.02)


class Api:
    """Plain requests, to see answers exactly."""

    def __init__(self, emulator: Emulator) -> None:
        self.base = emulator.base_url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {API_KEY}"

    def dial(self, **extra: Any) -> str:
        body = {"connection_id": CONNECTION, "to": "+15550100002", "from": "+15550100001", **extra}
        answer = self.http.post(f"{self.base}/calls", json=body, timeout=10)
        assert answer.status_code == 200, answer.text
        call_control_id: str = answer.json()["data"]["call_control_id"]
        return call_control_id

    def command(self, call_control_id: str, action: str, **body: Any) -> requests.Response:
        return self.http.post(f"{self.base}/calls/{call_control_id}/actions/{action}", json=body, timeout=10)

    def status(self, call_control_id: str) -> requests.Response:
        return self.http.get(f"{self.base}/calls/{call_control_id}", timeout=10)


def errors(answer: requests.Response) -> list[tuple[str, str | None]]:
    return [(e["code"], (e.get("source") or {}).get("pointer")) for e in answer.json()["errors"]]


def test_the_official_sdk_drives_the_emulator_and_verifies_its_webhooks(receiver: RecordingServer) -> None:
    with Emulator(api_key=API_KEY, webhook_url=receiver.base_url + "/hooks") as emulator:
        key = emulator.callback_public_key
        assert key is not None
        client = telnyx.Telnyx(api_key=API_KEY, base_url=emulator.base_url, public_key=key, max_retries=0)
        dialed = client.calls.dial(connection_id=CONNECTION, to="+15550100002", from_="+15550100001",
                                   client_state=CLIENT_STATE, custom_headers=[{"name": "X-Test-Run", "value": "7"}])
        assert dialed.data is not None
        call_control_id = dialed.data.call_control_id
        assert (dialed.data.is_alive, dialed.data.record_type, dialed.data.client_state) == (False, "call",
                                                                                             CLIENT_STATE)
        wait_for(lambda: (client.calls.retrieve_status(call_control_id).data or dialed.data).is_alive)
        started = client.calls.actions.start_siprec(call_control_id, connector_name="my-srs",
                                                    siprec_track="inbound_track", session_timeout_secs=900)
        assert started.data is not None
        assert started.data.result == "ok"
        stopped = client.calls.actions.stop_siprec(call_control_id, command_id="stop-1")
        assert stopped.data is not None
        assert stopped.data.result == "ok"
        hung_up = client.calls.actions.hangup(call_control_id)
        assert hung_up.data is not None
        assert hung_up.data.result == "ok"
        status = client.calls.retrieve_status(call_control_id).data
        assert status is not None
        assert (status.is_alive, status.end_time is not None, status.call_leg_id) == (
            False, True, dialed.data.call_leg_id)
        with pytest.raises(telnyx.UnprocessableEntityError) as ended:
            client.calls.actions.hangup(call_control_id)
        assert ended.value.body == {"errors": [{
            "code": "90018", "title": "Call has already ended",
            "detail": "This call is no longer active and can't receive commands."}]}
        wait_for(lambda: len(receiver.requests) == 5)

    kinds = [(w["event_type"], w["payload"].get("hangup_cause")) for w in webhooks(receiver)]
    assert kinds == [("call.initiated", None), ("call.answered", None), ("siprec.started", None),
                     ("siprec.stopped", "normal_clearing"), ("call.hangup", "normal_clearing")]
    for request in receiver.requests:
        assert request.headers["Content-Type"] == "application/json"
        verify_webhook_signature(request.body, request.headers, key)  # the SDK's own check; raises if it fails
        event = client.webhooks.unwrap(request.body.decode(), headers=request.headers)  # Ed25519 since 4.90
        assert isinstance(event, SDK_EVENTS), f"the SDK read {type(event).__name__}"
        assert event.data is not None
        assert event.data.payload is not None
        assert (event.data.payload.call_control_id, event.data.payload.client_state) == (
            call_control_id, CLIENT_STATE)
        assert event.data.record_type == "event"
    first = receiver.requests[0]
    with pytest.raises(WebhookVerificationError, match="signature does not match"):
        verify_webhook_signature(first.body.replace(b"call.initiated", b"call.answered"), first.headers, key)


def test_commands_on_unknown_ringing_and_ended_calls_answer_as_telnyx_documents() -> None:
    with Emulator(api_key=API_KEY) as emulator:
        api = Api(emulator)
        unknown = api.command("v3:no-such-call", "siprec_start")
        assert (unknown.status_code, errors(unknown)) == (422, [("90015", "/call_control_id")])
        assert errors(api.status("v3:no-such-call")) == [("90015", "/call_control_id")]
        emulator.configure(call_answer_delay=60)
        ringing = api.dial()
        assert errors(api.command(ringing, "siprec_start")) == [("90034", None)]
        assert api.command(ringing, "hangup").json() == {"data": {"result": "ok"}}
        assert errors(api.command(ringing, "siprec_start")) == [("90018", None)]
        assert errors(api.command(ringing, "siprec_stop")) == [("90018", None)]
        [hangup] = [c for c in emulator.state()["call_control_calls"].values()]
        assert hangup["hangup_cause"] == "originator_cancel", "hung up while ringing"


def test_one_session_per_call_a_stop_with_nothing_to_stop_and_repeated_commands() -> None:
    with Emulator(api_key=API_KEY) as emulator:
        emulator.configure(call_answer_delay=0)
        api = Api(emulator)
        call = api.dial()
        refused = api.command(call, "siprec_stop")
        assert (refused.status_code, errors(refused)) == (422, [("10015", None)])
        assert api.command(call, "siprec_start", connector_name="srs").status_code == 200
        second = api.command(call, "siprec_start", connector_name="srs")
        assert (second.status_code, second.json()["errors"][0]["title"]) == (422, "SIPREC session already active")
        assert api.command(call, "siprec_stop", command_id="c-1").status_code == 200
        assert api.command(call, "siprec_stop", command_id="c-1").json() == {"data": {"result": "ok"}}, \
            "a command_id seen before is ignored, and answered ok"
        assert api.command(call, "siprec_start", connector_name="srs").status_code == 200, "one at a time"
        [state] = emulator.state()["call_control_calls"].values()
        assert [s["status"] for s in state["sessions"]] == ["stopped", "in-progress"]


@pytest.mark.parametrize(("body", "expected"), [
    ({"to": None}, [("10004", "/to")]),
    ({"to": "alice"}, [("10016", "/to")]),
    ({"timeout_secs": 3}, [("10033", "/timeout_secs")]),
    ({"connection_id": "a/b"}, [("10015", "/connection_id")]),
    ({"client_state": "not base64!"}, [("10015", "/client_state")]),
])
def test_a_bad_dial_names_the_field(body: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    with Emulator(api_key=API_KEY) as emulator:
        api = Api(emulator)
        sent = {"connection_id": CONNECTION, "to": "+15550100002", "from": "+15550100001", **body}
        answer = api.http.post(f"{api.base}/calls", json={k: v for k, v in sent.items() if v is not None}, timeout=10)
        assert (answer.status_code, errors(answer)) == (422, expected)
        bad_track = api.command("v3:any", "siprec_start", siprec_track="sideways")
        assert errors(bad_track) == [("10032", "/siprec_track")]


def test_a_call_ends_by_itself_after_call_duration_and_its_session_with_it(receiver: RecordingServer) -> None:
    with Emulator(api_key=API_KEY, call_duration=3600, webhook_url=receiver.base_url) as emulator:
        emulator.configure(call_answer_delay=0)
        api = Api(emulator)
        call = api.dial(client_state=CLIENT_STATE)
        wait_for(lambda: api.status(call).json()["data"]["is_alive"])
        assert api.command(call, "siprec_start", connector_name="srs", client_state="c2Vzc2lvbg==").status_code == 200
        emulator.set_call_duration(0.1)  # the far end hangs up now (the call was answered longer ago)
        wait_for(lambda: any(w["event_type"] == "call.hangup" for w in webhooks(receiver)))
        assert api.status(call).json()["data"]["is_alive"] is False
        assert errors(api.command(call, "siprec_stop")) == [("90018", None)]
    by_type = {w["event_type"]: w["payload"] for w in webhooks(receiver)}
    assert by_type["siprec.stopped"]["client_state"] == "c2Vzc2lvbg==", "the session's own client_state"
    assert (by_type["call.hangup"]["hangup_cause"], by_type["call.hangup"]["hangup_source"]) == (
        "normal_clearing", "callee")


def test_active_calls_list_the_connection_s_live_calls_with_their_client_state() -> None:
    with Emulator(api_key=API_KEY) as emulator:
        api = Api(emulator)
        first, second = api.dial(client_state=CLIENT_STATE), api.dial(connection_id="other-app")
        listed = api.http.get(f"{api.base}/connections/{CONNECTION}/active_calls", timeout=10).json()
        assert [(c["call_control_id"], c["client_state"]) for c in listed["data"]] == [(first, CLIENT_STATE)]
        assert listed["meta"]["total_items"] == 1
        api.command(first, "hangup")
        assert api.http.get(f"{api.base}/connections/{CONNECTION}/active_calls", timeout=10).json()["data"] == []
        assert second


def test_an_srs_that_refuses_sends_siprec_failed_with_the_cause(receiver: RecordingServer) -> None:
    require_sipp()
    with LocalSrs("busy", transport="udp") as srs, Emulator(api_key=API_KEY, webhook_url=receiver.base_url) as emulator:
        emulator.configure(call_answer_delay=0)
        api = Api(emulator)
        api.http.post(f"{api.base}/siprec_connectors", json={"name": "srs", "host": srs.host, "port": srs.port},
                      timeout=10)
        call = api.dial()
        wait_for(lambda: api.status(call).json()["data"]["is_alive"])
        assert api.command(call, "siprec_start", connector_name="srs").json() == {"data": {"result": "ok"}}, \
            "Telnyx answers the start before the SRS does"
        wait_for(lambda: any(w["event_type"] == "siprec.failed" for w in webhooks(receiver)))
        srs.stop()
    [failed] = [w for w in webhooks(receiver) if w["event_type"] == "siprec.failed"]
    assert failed["payload"]["failure_cause"] == "user_busy"
    assert not any(w["event_type"] == "siprec.started" for w in webhooks(receiver))
