"""TelnyxClient: the exact wire requests, each error path, retries and timeouts."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import responses

from pulumi_telnyx_siprec.client.errors import (
    ConfigurationError,
    NotFoundError,
    RateLimitError,
    ServerError,
    SessionMayExistError,
    TelnyxTransportError,
)
from pulumi_telnyx_siprec.client.http import HttpTransport, Request, Timeouts
from pulumi_telnyx_siprec.client.retry import RetrySettings
from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient, encode_segment
from tests.support.recording_server import Recorded, RecordingServer, Reply
from tests.support.samples import (
    ACCOUNT_SID,
    API_KEY,
    CALL_SID,
    SIPREC_PATH,
    SIPREC_SID,
    STOP_PATH,
    sent_form,
    start_answer,
    stop_answer,
)

BASE = "https://api.telnyx.test/v2"
START_URL = BASE + SIPREC_PATH.removeprefix("/v2")
STOP_URL = BASE + STOP_PATH.removeprefix("/v2")
FORM = {"ConnectorName": "my-srs", "Track": "inbound_track", "Secure": "true", "SessionTimeoutSecs": "1800"}


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(waits: list[float]) -> TelnyxClient:
    return TelnyxClient(API_KEY, BASE, retry=RetrySettings(sleeper=waits.append))


@responses.activate
def test_start_sends_the_documented_form_request(client: TelnyxClient) -> None:
    responses.post(START_URL, json=start_answer("inbound_track"))
    info = client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    [call] = responses.calls
    assert call.request.method == "POST"
    assert call.request.url == START_URL
    assert call.request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert call.request.headers["Accept"] == "application/json"
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent_form(call) == FORM
    assert info.sid == SIPREC_SID
    assert info.status == "in-progress"
    assert info.start_time == "Fri, 11 Aug 2023 19:12:11 +0000"
    assert info.error_code is None


@responses.activate
def test_stop_posts_status_stopped(client: TelnyxClient) -> None:
    responses.post(STOP_URL, json=stop_answer())
    info = client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    [call] = responses.calls
    assert call.request.url == STOP_URL
    assert sent_form(call) == {"Status": "stopped"}
    assert call.request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert info is not None
    assert info.status == "stopped"


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("v3:abc", "v3:abc"),
        ("a/b", "a%2Fb"),
        ("%2F", "%252F"),
        ("a?b#c", "a%3Fb%23c"),
        ("a b\nc", "a%20b%0Ac"),
        ("../x", "..%2Fx"),
        ("ü", "%C3%BC"),
    ],
)
def test_ids_are_encoded_as_exactly_one_path_segment(raw: str, encoded: str) -> None:
    assert encode_segment(raw) == encoded


@pytest.mark.parametrize("raw", ["", ".", ".."])
def test_ids_that_would_change_the_path_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="not usable as an id"):
        encode_segment(raw)


@responses.activate
def test_a_hostile_call_sid_cannot_change_the_request_path(client: TelnyxClient) -> None:
    hostile = "../../../siprec_connectors?x=1#"
    expected = f"{BASE}/texml/Accounts/{ACCOUNT_SID}/Calls/..%2F..%2F..%2Fsiprec_connectors%3Fx%3D1%23/Siprec.json"
    responses.post(expected, json=start_answer())
    client.start_siprec(ACCOUNT_SID, hostile, FORM)
    assert responses.calls[0].request.url == expected


@responses.activate
def test_429_then_200_on_start_is_retried(client: TelnyxClient) -> None:
    responses.post(START_URL, status=429, headers={"Retry-After": "1"}, json={"errors": [{"code": "10011"}]})
    responses.post(START_URL, json=start_answer())
    assert client.start_siprec(ACCOUNT_SID, CALL_SID, FORM).sid == SIPREC_SID
    assert len(responses.calls) == 2


@responses.activate
def test_429_asking_for_more_than_the_wait_budget_fails_with_advice(client: TelnyxClient) -> None:
    responses.post(START_URL, status=429, headers={"Retry-After": "3600"},
                   json={"errors": [{"code": "10011", "title": "Too many requests"}]})
    with pytest.raises(RateLimitError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert len(responses.calls) == 1
    assert "answered 429: [10011] Too many requests; still rate limited" in str(caught.value)
    assert "wait and try again" in str(caught.value)


@responses.activate
def test_500_on_start_is_not_retried_and_says_a_session_may_exist(client: TelnyxClient) -> None:
    responses.post(START_URL, status=500, json={"errors": [{"code": "10007", "title": "Unexpected error"}]})
    with pytest.raises(SessionMayExistError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert len(responses.calls) == 1
    message = str(caught.value)
    assert message.startswith("start SIPREC session failed: POST")
    assert "answered 500: [10007] Unexpected error" in message
    assert f"a SIPREC session may now be running on call '{CALL_SID}'" in message
    assert "it was not retried, to avoid forking the call twice" in message
    assert f"POST Status=stopped to {BASE}/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}/Siprec/{{sid}}.json" in message
    assert isinstance(caught.value.__cause__, ServerError)


@responses.activate
def test_503_with_retry_after_on_start_is_not_retried(client: TelnyxClient) -> None:
    responses.post(START_URL, status=503, headers={"Retry-After": "1"}, body="")
    with pytest.raises(SessionMayExistError):
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert len(responses.calls) == 1


@responses.activate
def test_500_on_stop_is_retried(client: TelnyxClient) -> None:
    responses.post(STOP_URL, status=500, body="<html>oops</html>", content_type="text/html")
    responses.post(STOP_URL, status=502, body="")
    responses.post(STOP_URL, json=stop_answer())
    info = client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    assert info is not None
    assert info.status == "stopped"
    assert len(responses.calls) == 3


@responses.activate
def test_stop_that_keeps_failing_reports_the_last_answer() -> None:
    client = TelnyxClient(API_KEY, BASE, retry=RetrySettings(attempts=2, sleeper=lambda _s: None))
    responses.post(STOP_URL, status=503, body="<html>down</html>", content_type="text/html")
    with pytest.raises(ServerError, match=r"answered 503: Service Unavailable, with a non-JSON body \(text/html\)$"):
        client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    assert len(responses.calls) == 3


@responses.activate
def test_404_on_stop_is_not_found(client: TelnyxClient) -> None:
    responses.post(STOP_URL, status=404, json={"errors": [{"detail": "Resource not found"}]})
    with pytest.raises(NotFoundError):
        client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)


@responses.activate
def test_read_timeout_on_start_says_a_session_may_exist(client: TelnyxClient) -> None:
    responses.post(START_URL, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(SessionMayExistError, match=r"got no answer \(no answer within the 30 s read timeout\)"):
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)


@responses.activate
def test_connect_timeout_on_start_says_nothing_was_sent(client: TelnyxClient) -> None:
    responses.post(START_URL, body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(TelnyxTransportError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert not isinstance(caught.value, SessionMayExistError)
    assert caught.value.request_sent is False
    assert str(caught.value).endswith(
        "(connection timed out after 5 s); nothing was sent: check that the API server is up and reachable (the "
        "emulator, or your network) and that the base URL is right")


@pytest.mark.parametrize(
    ("body", "content_type", "what"),
    [
        ("<html>ok</html>", "text/html", "a non-JSON body (text/html)"),
        ('{"status": "in-progress"}', "application/json", "a JSON object without a session `sid`"),
        ("[]", "application/json", "a JSON body that is not an object"),
        ("", "application/json", "an empty body"),
    ],
)
@responses.activate
def test_a_200_without_a_sid_says_a_session_may_exist(client: TelnyxClient, body: str, content_type: str,
                                                      what: str) -> None:
    responses.post(START_URL, body=body, content_type=content_type)
    expected = re.escape(f"answered 200 with {what}. The request may have reached")
    with pytest.raises(SessionMayExistError, match=expected):
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)


def test_the_client_refuses_to_be_pickled_and_hides_the_key() -> None:
    import pickle

    client = TelnyxClient(API_KEY, BASE)
    with pytest.raises(TypeError, match="must not be pickled"):
        pickle.dumps(client)
    assert API_KEY not in repr(client)
    assert API_KEY not in repr(client._transport)
    assert API_KEY not in repr(Request("GET", BASE, client._headers))


@pytest.mark.parametrize("base_url", ["api.telnyx.com/v2", "ftp://x/v2", "https:///v2", "https://h/v2?x=1"])
def test_a_bad_base_url_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="must be an absolute http\\(s\\) URL"):
        TelnyxClient(API_KEY, base_url)


# Against a real local server, so that urllib3's own retry loop (and its sleeps) runs.


@pytest.fixture
def server_answers() -> list[Reply]:
    return []


@pytest.fixture
def server(server_answers: list[Reply]) -> Iterator[RecordingServer]:
    def answer(_request: Recorded) -> Reply:
        return server_answers.pop(0) if server_answers else Reply(200, start_answer())

    recorder = RecordingServer(answer)
    yield recorder
    recorder.close()


def test_429s_wait_what_telnyx_asks_through_the_sleeper(server: RecordingServer, server_answers: list[Reply]) -> None:
    waits: list[float] = []
    client = TelnyxClient(API_KEY, server.base_url, retry=RetrySettings(sleeper=waits.append))
    server_answers.extend([
        Reply(429, {"errors": [{"code": "10011"}]}, {"Retry-After": "2"}),
        Reply(429, {"errors": [{"code": "10011"}]}, {"x-ratelimit-reset": "3"}),
    ])
    assert client.start_siprec(ACCOUNT_SID, CALL_SID, FORM).sid == SIPREC_SID
    assert waits == [2.0, 3.0]
    assert [r.path for r in server.requests] == [SIPREC_PATH] * 3


def test_rate_limit_error_reports_attempts_and_waiting(server: RecordingServer, server_answers: list[Reply]) -> None:
    client = TelnyxClient(API_KEY, server.base_url, retry=RetrySettings(max_total_wait=5, sleeper=lambda _s: None))
    server_answers.extend([Reply(429, {"errors": [{"code": "10011"}]}, {"Retry-After": "2"})] * 4)
    with pytest.raises(RateLimitError, match=r"still rate limited after 3 attempt\(s\) and 4 s of waiting "
                                             r"\(Telnyx asks to wait 2 s more\)"):
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert len(server.requests) == 3


def test_a_real_read_timeout_on_start_is_not_retried(server: RecordingServer, server_answers: list[Reply]) -> None:
    client = TelnyxClient(API_KEY, server.base_url, transport=HttpTransport(Timeouts(read=0.2)),
                          retry=RetrySettings(sleeper=lambda _s: None))
    server_answers.append(Reply(200, start_answer(), delay=0.6))
    with pytest.raises(SessionMayExistError, match=r"no answer within the 0.2 s read timeout"):
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    # A retry would have been recorded on arrival, before its own read timeout ended the call.
    assert len(server.requests) == 1


def test_nothing_listening_is_a_connection_failure_that_sent_nothing() -> None:
    client = TelnyxClient(API_KEY, "http://127.0.0.1:9/v2", retry=RetrySettings(attempts=1, sleeper=lambda _s: None))
    with pytest.raises(TelnyxTransportError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert caught.value.request_sent is False
    assert "could not reach http://127.0.0.1:9/v2" in str(caught.value)
    assert "nothing was sent" in str(caught.value)


@responses.activate
def test_a_429_asking_for_hours_fails_its_operation_at_once_and_holds_back_no_other() -> None:
    waits: list[float] = []
    client = TelnyxClient(API_KEY, BASE, retry=RetrySettings(sleeper=waits.append))
    responses.post(STOP_URL, status=429, json={"errors": [{"code": "10011"}]}, headers={"Retry-After": "3600"})
    responses.post(STOP_URL, json=stop_answer())
    with pytest.raises(RateLimitError):
        client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    assert len(responses.calls) == 2
    assert waits == [], "neither the limited operation nor the next one waited for an hour it could not have"


def test_a_success_ends_the_pause_a_429_started(server: RecordingServer, server_answers: list[Reply]) -> None:
    waits: list[float] = []  # a sleeper that does not sleep: without the success, the pause would still be on
    client = TelnyxClient(API_KEY, server.base_url, retry=RetrySettings(sleeper=waits.append))
    server_answers.extend([Reply(429, {"errors": [{"code": "10011"}]}, {"Retry-After": "2"}),
                           Reply(200, stop_answer()), Reply(200, stop_answer())])
    client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    assert waits == [2.0], "the retry waited what Telnyx asked; the next operation found the limit lifted"
    assert len(server.requests) == 3


def test_concurrent_operations_needing_the_account_id_share_one_lookup_and_its_failure(
        server: RecordingServer, server_answers: list[Reply]) -> None:
    client = TelnyxClient(API_KEY, server.base_url, retry=RetrySettings(attempts=2, sleeper=lambda _s: None))
    started = threading.Barrier(8)
    release = threading.Event()
    server_answers.extend([Reply(503, {"errors": [{"code": "10007"}]}, delay=0.2)] * 3)
    failures: list[str] = []

    def lookup() -> None:
        started.wait()
        try:
            client.account_sid()
        except ServerError as err:
            failures.append(str(err))
        release.set()

    threads = [threading.Thread(target=lookup) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(failures) == 8
    assert len(set(failures)) == 1, "one lookup, one message"
    assert failures[0].startswith("find the account id failed: GET /whoami answered 503")
    assert len(server.requests) == 3, "the first attempt and its 2 retries, not 8 lookups one after another"
    server_answers.append(Reply(200, {"data": {"organization_id": ACCOUNT_SID}}))
    assert client.account_sid() == ACCOUNT_SID, "a later operation asks again"


def test_one_client_serves_many_threads(server: RecordingServer) -> None:
    client = TelnyxClient(API_KEY, server.base_url)
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                results.append(client.start_siprec(ACCOUNT_SID, CALL_SID, FORM).sid)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 80
    assert all(r.headers["Authorization"] == f"Bearer {API_KEY}" for r in server.requests)
    assert all(r.form == FORM for r in server.requests)


# The environment: read once per client, by requests' own rules


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The machine's own proxy variables removed (a lowercase one would win over the test's)."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_requests_go_through_the_proxy_the_environment_names(server: RecordingServer,
                                                             no_proxy_settings: pytest.MonkeyPatch) -> None:
    no_proxy_settings.setenv("HTTP_PROXY", server.base_url.removesuffix("/v2"))
    client = TelnyxClient(API_KEY, "http://api.telnyx.test/v2")
    assert client.start_siprec(ACCOUNT_SID, CALL_SID, FORM).sid == SIPREC_SID
    # A proxy is sent the absolute URL: the request went to it, for the API's host.
    [sent] = server.requests
    assert (sent.method, sent.path) == ("POST", "http://api.telnyx.test" + SIPREC_PATH)
    assert sent.form == FORM


def test_no_proxy_sends_requests_for_its_hosts_directly(server: RecordingServer,
                                                        no_proxy_settings: pytest.MonkeyPatch) -> None:
    no_proxy_settings.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    no_proxy_settings.setenv("NO_PROXY", "127.0.0.1")
    client = TelnyxClient(API_KEY, server.base_url)
    assert client.start_siprec(ACCOUNT_SID, CALL_SID, FORM).sid == SIPREC_SID
    assert [r.path for r in server.requests] == [SIPREC_PATH]


@responses.activate
@pytest.mark.parametrize(("variables", "chosen"), [
    ((), None),
    (("CURL_CA_BUNDLE",), "CURL_CA_BUNDLE"),
    (("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"), "REQUESTS_CA_BUNDLE"),
])
def test_the_ca_bundle_variables_choose_the_certificates_each_request_verifies_with(
        variables: tuple[str, ...], chosen: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    for name in variables:
        (tmp_path / name).write_text("")
        monkeypatch.setenv(name, str(tmp_path / name))
    client = TelnyxClient(API_KEY, BASE)
    responses.post(START_URL, json=start_answer())
    client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    verify = str(tmp_path / chosen) if chosen else True
    assert [call.request.req_kwargs["verify"] for call in responses.calls] == [verify, verify]  # type: ignore[attr-defined]


def test_a_ca_bundle_variable_naming_no_file_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/corp-ca.pem")
    with pytest.raises(ConfigurationError) as caught:
        TelnyxClient(API_KEY, BASE)
    assert str(caught.value) == (
        "REQUESTS_CA_BUNDLE is '/nonexistent/corp-ca.pem', which does not exist: point it at your CA certificates "
        "(a PEM file or a folder of them) or unset it")
