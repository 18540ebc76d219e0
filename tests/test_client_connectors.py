"""TelnyxClient's call and connector endpoints: exact wire requests, error paths, and lost-answer recovery."""

from __future__ import annotations

import pytest
import requests
import responses

from pulumi_telnyx_siprec.client.errors import (
    ConflictError,
    ConnectorMayExistError,
    InvalidRequestError,
    NotFoundError,
    TelnyxError,
    TelnyxTransportError,
)
from pulumi_telnyx_siprec.client.retry import RetrySettings
from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient
from tests.support.samples import ACCOUNT_SID, API_KEY, CALL_SID, CONNECTOR_DATA, CONNECTOR_INPUTS, sent_json

BASE = "https://api.telnyx.test/v2"
CONNECTORS = f"{BASE}/siprec_connectors"
SRS = f"{CONNECTORS}/test-srs"
BODY = CONNECTOR_INPUTS
DATA = CONNECTOR_DATA
NOT_FOUND = {"errors": [{"code": "10005", "title": "Resource not found", "detail": "no such connector"}]}


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(waits: list[float]) -> TelnyxClient:
    return TelnyxClient(API_KEY, BASE, retry=RetrySettings(attempts=2, sleeper=waits.append))


@responses.activate
def test_create_posts_the_json_fields_and_reads_the_data_envelope(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, status=201, json={"data": DATA})
    info = client.create_connector(BODY)
    [call] = responses.calls
    assert call.request.method == "POST"
    assert call.request.headers["Content-Type"] == "application/json"
    assert call.request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert call.request.headers["Accept"] == "application/json"
    assert sent_json(call) == BODY
    assert (info.name, info.host, info.port, info.record_type) == ("test-srs", "srs.example.com", 5060,
                                                                   "siprec_connector")
    assert info.created_at == "2026-11-23T10:00:00.000000Z"


@responses.activate
def test_a_taken_name_is_a_conflict_that_says_what_to_do(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, status=422, json={"errors": [{"code": "10012", "title": "Already exists",
                                                             "source": {"pointer": "/name"}}]})
    responses.get(SRS, json={"data": {**DATA, "port": 5080}})
    with pytest.raises(ConflictError) as caught:
        client.create_connector(BODY)
    assert str(caught.value) == (
        "create SIPREC connector failed: POST /siprec_connectors answered 422: [10012] Already exists (at /name); "
        "a connector named 'test-srs' already exists with other settings (host 'srs.example.com', port 5080): "
        "choose another `name`, or delete that connector if nothing uses it"
    )
    assert [c.request.method for c in responses.calls] == ["POST", "GET"]


@responses.activate
def test_a_taken_name_in_the_connector_endpoints_documented_422_shape_is_a_conflict(client: TelnyxClient) -> None:
    # The spec's 422 for connectors: an integer code and no specific one for a taken name (docs/telnyx-api.md 6).
    responses.post(CONNECTORS, status=422, json={"errors": [{
        "code": 422, "title": "Unprocessable Entity", "detail": "name has already been taken",
        "source": {"pointer": "/name"}}]})
    responses.get(SRS, json={"data": {**DATA, "app_subdomain": "other"}})
    with pytest.raises(ConflictError, match=r"answered 422: \[422\] Unprocessable Entity: name has already been "
                                            r"taken \(at /name\); a connector named 'test-srs' already exists"):
        client.create_connector(BODY)


@responses.activate
def test_a_422_on_a_name_nobody_has_is_the_invalid_input_it_says(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, status=422, json={"errors": [{
        "code": 422, "title": "Unprocessable Entity", "detail": "name is invalid", "source": {"pointer": "/name"}}]})
    responses.get(SRS, status=404, json=NOT_FOUND)
    with pytest.raises(InvalidRequestError, match=r"\[422\] Unprocessable Entity: name is invalid \(at /name\)$"):
        client.create_connector(BODY)


@responses.activate
def test_a_lost_create_answer_is_resolved_by_reading_the_connector_back(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, status=502, body="<html>bad gateway</html>", content_type="text/html")
    responses.get(SRS, json={"data": DATA})
    info = client.create_connector(BODY)
    assert info.name == "test-srs"
    assert [c.request.method for c in responses.calls] == ["POST", "GET"], "no second create"


@responses.activate
def test_a_lost_create_that_did_not_happen_is_sent_again(client: TelnyxClient, waits: list[float]) -> None:
    responses.post(CONNECTORS, status=500, json={"errors": [{"code": "10007"}]})
    responses.post(CONNECTORS, status=201, json={"data": DATA})
    responses.get(SRS, status=404, json=NOT_FOUND)
    assert client.create_connector(BODY).name == "test-srs"
    assert [c.request.method for c in responses.calls] == ["POST", "GET", "POST"]
    assert waits == [], "the first retry of an operation is immediate (urllib3's backoff formula)"


@responses.activate
def test_a_duplicate_after_a_lost_answer_is_our_own_connector(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, body=requests.ConnectionError("connection reset"))
    responses.get(SRS, status=404, json=NOT_FOUND)
    responses.post(CONNECTORS, status=422, json={"errors": [{"code": "10012"}]})
    responses.get(SRS, json={"data": DATA})
    assert client.create_connector(BODY).port == 5060


@responses.activate
def test_a_taken_name_with_exactly_these_settings_is_adopted(client: TelnyxClient) -> None:
    """An earlier `up` whose create answer was lost, and whose read-back failed, left this connector behind."""
    responses.post(CONNECTORS, status=422, json={"errors": [{"code": "10012", "source": {"pointer": "/name"}}]})
    responses.get(SRS, json={"data": {**DATA, "host": "SRS.example.com"}})
    assert client.create_connector(BODY).name == "test-srs"
    assert [c.request.method for c in responses.calls] == ["POST", "GET"]


@responses.activate
def test_a_lost_create_whose_read_back_fails_says_the_connector_may_exist(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, status=502, json={"errors": [{"code": "10007", "title": "Bad gateway"}]})
    responses.get(SRS, status=503, json={"errors": [{"code": "10007", "title": "Unavailable"}]})
    with pytest.raises(ConnectorMayExistError) as caught:
        client.create_connector(BODY)
    assert str(caught.value) == (
        "create SIPREC connector failed: POST /siprec_connectors answered 502: [10007] Bad gateway (tried once); "
        "reading the connector back failed too (read SIPREC connector failed: GET /siprec_connectors/test-srs "
        "answered 503: [10007] Unavailable), so connector 'test-srs' may have been created. Repeating the create "
        "takes a connector with this name and these settings as its own; or delete it "
        f"({CONNECTORS}/test-srs) if nothing uses it")
    assert [c.request.method for c in responses.calls] == ["POST", "GET", "GET", "GET"], (
        "no second create; the read-back retried within the budget")


@responses.activate
def test_a_connector_found_with_other_settings_is_a_conflict(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, status=503, json={})
    responses.get(SRS, json={"data": {**DATA, "host": "other.example.com"}})
    with pytest.raises(ConflictError, match=r"exists with other settings \(host 'other.example.com', port 5060\)"):
        client.create_connector(BODY)


@responses.activate
def test_a_create_that_keeps_failing_gives_up_saying_nothing_was_left(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, status=500, json={"errors": [{"code": "10007", "title": "Unexpected error"}]})
    responses.get(SRS, status=404, json=NOT_FOUND)
    with pytest.raises(TelnyxError) as caught:
        client.create_connector(BODY)
    assert str(caught.value).endswith(
        "answered 500: [10007] Unexpected error; tried 3 times within the retry budget, and reading the connector "
        "back shows it was not created; try again later"
    )
    assert [c.request.method for c in responses.calls] == ["POST", "GET"] * 3


@responses.activate
def test_a_create_that_never_left_is_not_read_back(client: TelnyxClient) -> None:
    responses.post(CONNECTORS, body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(TelnyxTransportError, match="nothing was sent"):
        client.create_connector(BODY)
    assert len(responses.calls) == 1


@responses.activate
def test_read_update_delete(client: TelnyxClient) -> None:
    responses.get(SRS, json={"data": DATA})
    responses.put(SRS, json={"data": {**DATA, "port": 5061}})
    responses.delete(SRS, status=204)
    assert client.get_connector("test-srs").host == "srs.example.com"
    assert client.update_connector("test-srs", {"host": "srs.example.com", "port": 5061,
                                                "app_subdomain": None}).port == 5061
    client.delete_connector("test-srs")
    _get, put, delete = responses.calls
    assert (put.request.method, put.request.url) == ("PUT", SRS)
    assert sent_json(put) == {"host": "srs.example.com", "port": 5061, "app_subdomain": None}
    assert (delete.request.method, delete.request.url) == ("DELETE", SRS)


@responses.activate
def test_a_missing_connector_is_not_found(client: TelnyxClient) -> None:
    responses.get(SRS, status=404, json=NOT_FOUND)
    responses.delete(SRS, status=404, json=NOT_FOUND)
    with pytest.raises(NotFoundError, match=r"read SIPREC connector failed: GET /siprec_connectors/test-srs "
                                            r"answered 404: \[10005\] Resource not found: no such connector"):
        client.get_connector("test-srs")
    with pytest.raises(NotFoundError):
        client.delete_connector("test-srs")


@responses.activate
def test_an_answer_without_the_data_envelope_is_unexpected_after_one_repeat(client: TelnyxClient) -> None:
    responses.get(SRS, json=DATA)
    with pytest.raises(TelnyxError) as caught:
        client.get_connector("test-srs")
    assert str(caught.value) == (
        "read SIPREC connector failed: GET /siprec_connectors/test-srs answered 200 twice with a JSON object "
        "without the documented fields; the request is safe to repeat: run the command again"
    )
    assert len(responses.calls) == 2


@responses.activate
def test_an_unreadable_stop_answer_is_repeated_and_a_404_then_means_stopped(client: TelnyxClient) -> None:
    stop = f"{BASE}/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}/Siprec/s-1.json"
    responses.post(stop, body="<html>portal</html>", content_type="text/html")
    responses.post(stop, status=404, json={"errors": [{"detail": "Resource not found"}]})
    with pytest.raises(NotFoundError):
        client.stop_siprec(ACCOUNT_SID, CALL_SID, "s-1")
    assert len(responses.calls) == 2


@responses.activate
def test_an_unreadable_delete_answer_is_repeated(client: TelnyxClient) -> None:
    responses.delete(SRS, body="<html>portal</html>", content_type="text/html")
    responses.delete(SRS, status=204)
    client.delete_connector("test-srs")
    assert len(responses.calls) == 2


@responses.activate
def test_get_call(client: TelnyxClient) -> None:
    url = f"{BASE}/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}"
    responses.get(url, json={"sid": CALL_SID, "status": "completed", "end_time": "Fri, 11 Aug 2023 19:20:00 +0000"})
    call = client.get_call(ACCOUNT_SID, CALL_SID)
    assert (call.sid, call.status) == (CALL_SID, "completed")
    assert responses.calls[0].request.method == "GET"
