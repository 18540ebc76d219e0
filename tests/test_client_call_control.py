"""TelnyxClient's Call Control endpoints: exact wire requests (JSON bodies, `data` envelope), the call-state 422s as
their own errors, and a lost Dial answer looked up among the connection's active calls, page by page."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from responses import matchers

from pulumi_telnyx_siprec.client.errors import (
    CallControlSessionMayExistError,
    CallGoneError,
    CallMayExistError,
    CallNotAnsweredYetError,
    InvalidRequestError,
)
from pulumi_telnyx_siprec.client.retry import RetrySettings
from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient
from tests.support.samples import API_KEY, sent_json

BASE = "https://api.telnyx.test/v2"
CALL = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"
IDS = {"call_control_id": CALL, "call_leg_id": "2dc6fc34-f9e0-11ea-b68e-02420a0f7768",
       "call_session_id": "2dc1b3c8-f9e0-11ea-bc5a-02420a0f7768"}
DIAL = {"connection_id": "7267", "to": "+15550100002", "from": "+15550100001", "client_state": "bWFya2Vy"}
OK = {"data": {"result": "ok"}}


def error(code: str, pointer: str | None = None) -> dict[str, object]:
    item: dict[str, object] = {"code": code, "title": "t", "detail": "d"}
    if pointer:
        item["source"] = {"pointer": pointer}
    return {"errors": [item]}


@pytest.fixture
def client() -> TelnyxClient:
    return TelnyxClient(API_KEY, BASE, retry=RetrySettings(attempts=2, sleeper=lambda _s: None))


@responses.activate
def test_dial_posts_json_and_reads_the_call_from_data(client: TelnyxClient) -> None:
    responses.post(f"{BASE}/calls", json={"data": {**IDS, "is_alive": False, "record_type": "call"}})
    call, found = client.dial(DIAL)
    assert (call.call_control_id, call.call_leg_id, call.is_alive, found) == (CALL, IDS["call_leg_id"], False, False)
    [sent] = responses.calls
    assert sent.request.headers["Content-Type"] == "application/json"
    assert sent_json(sent) == DIAL


@responses.activate
def test_a_lost_dial_answer_finds_the_call_by_its_client_state_on_a_later_page(client: TelnyxClient) -> None:
    responses.post(f"{BASE}/calls", status=502)
    first = f"{BASE}/connections/7267/active_calls"
    responses.get(first, match=[matchers.query_param_matcher({"page[size]": "250"})], json={
        "data": [{**IDS, "call_control_id": "v3:other", "client_state": "b3RoZXI="}],
        "meta": {"next": "/v2/connections/7267/active_calls?page[after]=abc", "total_items": 2}})
    responses.get(first, match=[matchers.query_param_matcher({"page[after]": "abc"})],
                  json={"data": [{**IDS, "client_state": "bWFya2Vy"}], "meta": {"total_items": 2}})
    call, found = client.dial(DIAL)
    assert (call.call_control_id, found) == (CALL, True)
    assert [c.request.method for c in responses.calls] == ["POST", "GET", "GET"], "the dial was not sent again"


@responses.activate
def test_a_lost_dial_answer_with_no_such_call_fails_naming_its_client_state(client: TelnyxClient) -> None:
    responses.post(f"{BASE}/calls", body=requests.ConnectionError("reset"))
    responses.get(f"{BASE}/connections/7267/active_calls", json={"data": [], "meta": {}})
    with pytest.raises(CallMayExistError) as lost:
        client.dial(DIAL)
    assert "it is not among the connection's active calls (yet)" in str(lost.value)
    assert "It carries client_state 'bWFya2Vy'" in str(lost.value)
    assert sum(c.request.method == "POST" for c in responses.calls) == 1


@responses.activate
def test_siprec_start_sends_the_json_body_once_and_reads_the_result(client: TelnyxClient) -> None:
    url = f"{BASE}/calls/{CALL}/actions/siprec_start"
    responses.post(url, json=OK)
    assert client.start_call_siprec(CALL, {"connector_name": "srs", "siprec_track": "both_tracks"}) == "ok"
    assert sent_json(responses.calls[0]) == {"connector_name": "srs", "siprec_track": "both_tracks"}
    responses.post(url, status=503)
    with pytest.raises(CallControlSessionMayExistError, match="it was not retried, to avoid forking the call twice"):
        client.start_call_siprec(CALL, {})
    assert len(responses.calls) == 2, "a start that may have reached Telnyx is never repeated"


@pytest.mark.parametrize(("code", "raised"), [("90018", CallGoneError), ("90015", CallGoneError),
                                              ("90034", CallNotAnsweredYetError), ("10032", InvalidRequestError)])
@responses.activate
def test_the_call_state_422s_are_their_own_errors(client: TelnyxClient, code: str, raised: type[Exception]) -> None:
    responses.post(f"{BASE}/calls/{CALL}/actions/siprec_start", status=422, json=error(code))
    responses.post(f"{BASE}/calls/{CALL}/actions/siprec_stop", status=422, json=error(code))
    responses.get(f"{BASE}/calls/{CALL}", status=422, json=error(code, "/call_control_id"))
    for attempt in (lambda: client.start_call_siprec(CALL, {}), lambda: client.stop_call_siprec(CALL, "c-1"),
                    lambda: client.call_status(CALL)):
        with pytest.raises(raised):
            attempt()


@responses.activate
def test_stop_and_hang_up_repeat_a_lost_answer_with_the_same_command_id(client: TelnyxClient) -> None:
    for action in ("siprec_stop", "hangup"):
        url = f"{BASE}/calls/{CALL}/actions/{action}"
        responses.post(url, status=500)
        responses.post(url, json=OK)
    client.stop_call_siprec(CALL, "stop-1")
    client.hang_up_call(CALL, "hangup-1")
    assert [json.loads(c.request.body or b"{}") for c in responses.calls] == [
        {"command_id": "stop-1"}, {"command_id": "stop-1"}, {"command_id": "hangup-1"}, {"command_id": "hangup-1"}]


@responses.activate
def test_status_reads_the_call_object(client: TelnyxClient) -> None:
    responses.get(f"{BASE}/calls/{CALL}", json={"data": {**IDS, "is_alive": False, "record_type": "call",
                                                         "end_time": "2019-01-23T18:11:52.574Z"}})
    call = client.call_status(CALL)
    assert (call.answered, call.ended) == (False, True)
