"""The Telnyx emulator, black-box over HTTP: routes, errors, callbacks, faults, limits, concurrency and its CLI."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_telnyx_siprec.emulator import Emulator, Limits
from pulumi_telnyx_siprec.emulator.termination import TerminationSignals
from tests.support.recording_server import Recorded, RecordingServer, Reply
from tests.support.samples import ACCOUNT_SID, CALL_SID, start_answer, stop_answer

KEY = "emulator-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
TELNYX_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=KEY, calls=[CALL_SID]) as running:
        yield running


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers.update(AUTH)
        yield session


def start_url(emulator: Emulator, call_sid: str = CALL_SID, account_sid: str = ACCOUNT_SID) -> str:
    return f"{emulator.base_url}/texml/Accounts/{account_sid}/Calls/{call_sid}/Siprec.json"


def stop_url(emulator: Emulator, sid: str, call_sid: str = CALL_SID) -> str:
    return f"{emulator.base_url}/texml/Accounts/{ACCOUNT_SID}/Calls/{call_sid}/Siprec/{sid}.json"


def start(http: requests.Session, emulator: Emulator, **form: str) -> requests.Response:
    return http.post(start_url(emulator), data=form or {"ConnectorName": "srs"}, timeout=10)


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and value types, not values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    return type(value).__name__


# Answers


def test_start_answers_with_the_documented_shape(emulator: Emulator, http: requests.Session) -> None:
    response = start(http, emulator, ConnectorName="srs", Track="inbound_track")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert shape(body) == shape(start_answer())
    assert str(uuid.UUID(body["sid"])) == body["sid"]
    assert (body["account_sid"], body["call_sid"]) == (ACCOUNT_SID, CALL_SID)
    assert body["status"] == "in-progress"
    assert body["track"] == "inbound_track"
    assert all(TELNYX_DATE.match(body[k]) for k in ("date_created", "date_updated", "start_time"))
    assert body["uri"] == f"{emulator.base_url}/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}/Siprec/{body['sid']}"


def test_stop_answers_with_the_documented_shape_and_a_second_stop_is_404(
    emulator: Emulator, http: requests.Session
) -> None:
    sid = start(http, emulator).json()["sid"]
    response = http.post(stop_url(emulator, sid), data={"Status": "stopped"}, timeout=10)
    assert response.status_code == 200
    assert shape(response.json()) == shape(stop_answer())
    assert response.json()["status"] == "stopped"
    again = http.post(stop_url(emulator, sid), data={"Status": "stopped"}, timeout=10)
    assert again.status_code == 404
    assert again.json() == {"errors": [{"detail": "Resource not found"}]}


def test_the_state_keeps_every_parameter_received(emulator: Emulator, http: requests.Session) -> None:
    form = {"ConnectorName": "srs", "Track": "outbound_track", "Secure": "true", "SessionTimeoutSecs": "90",
            "SipTransport": "tls", "Name": "rec-1", "Unknown": "kept"}
    sid = start(http, emulator, **form).json()["sid"]
    [session] = emulator.state()["sessions"]
    assert session["sid"] == sid
    assert session["params"] == form
    assert session["body_format"] == "form"
    assert session["status"] == "in-progress"


def test_json_bodies_with_the_same_keys_are_accepted(emulator: Emulator, http: requests.Session) -> None:
    body = {"ConnectorName": "srs", "Secure": True, "SessionTimeoutSecs": 0, "Track": "both_tracks"}
    response = http.post(start_url(emulator), json=body, timeout=10)
    assert response.status_code == 200
    [session] = emulator.state()["sessions"]
    assert session["params"] == body
    assert session["body_format"] == "json"


def test_a_seeded_call_answers_under_any_account(emulator: Emulator, http: requests.Session) -> None:
    response = http.post(start_url(emulator, account_sid="another-account"), data={"ConnectorName": "s"}, timeout=10)
    assert response.status_code == 200
    assert response.json()["account_sid"] == "another-account"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/texml/Accounts/a/Calls/v3:unknown/Siprec.json"),
        ("POST", f"/texml/Accounts/a/Calls/{CALL_SID}/Siprec/no-such-session.json"),
        ("GET", f"/texml/Accounts/a/Calls/{CALL_SID}/Siprec.json"),
        ("POST", "/texml/nothing-here"),
    ],
)
def test_unknown_calls_sessions_and_routes_are_404(emulator: Emulator, http: requests.Session, method: str,
                                                   path: str) -> None:
    response = http.request(method, emulator.base_url + path, data={"Status": "stopped"}, timeout=10)
    assert response.status_code == 404
    assert response.json() == {"errors": [{"detail": "Resource not found"}]}


def test_an_ended_call_takes_no_session_and_stops_its_sessions(emulator: Emulator, http: requests.Session) -> None:
    sid = start(http, emulator).json()["sid"]
    emulator.end_call(CALL_SID)
    assert emulator.state()["sessions"][0]["status"] == "stopped"
    assert start(http, emulator).status_code == 404
    assert http.post(stop_url(emulator, sid), data={"Status": "stopped"}, timeout=10).status_code == 404


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"}, {"Authorization": "Bearer"}]
)
def test_a_missing_or_wrong_key_is_401(emulator: Emulator, headers: dict[str, str]) -> None:
    response = requests.post(start_url(emulator), data={"ConnectorName": "s"}, headers=headers, timeout=10)
    assert response.status_code == 401
    [error] = response.json()["errors"]
    assert (error["code"], error["title"]) == ("10009", "Authentication failed")
    assert emulator.state()["sessions"] == []


def test_without_a_configured_key_any_bearer_key_is_accepted() -> None:
    with Emulator(calls=[CALL_SID]) as running:
        url = start_url(running)
        ok = requests.post(url, data={"ConnectorName": "s"}, headers={"Authorization": "Bearer any"}, timeout=10)
        missing = requests.post(url, data={"ConnectorName": "s"}, timeout=10)
    assert (ok.status_code, missing.status_code) == (200, 401)


# The codes of the spec's TeXML 422 examples (docs/telnyx-api.md section 9): 10032 for a value outside an
# enumeration, 10026 for a value of the wrong type (and, the nearest documented code, one out of range).
ENUM_422 = ("10032", "Invalid enumerated value")
TYPE_422 = ("10026", "Invalid parameter type")


@pytest.mark.parametrize(
    ("form", "pointer", "code", "detail"),
    [
        ({"Track": "both"}, "/Track", ENUM_422, "Track must be one of `both_tracks`, `inbound_track`, "
                                                "`outbound_track`, got 'both'; did you mean `both_tracks`?"),
        ({"SessionTimeoutSecs": "45"}, "/SessionTimeoutSecs", TYPE_422, "SessionTimeoutSecs must be 0 or between "
                                                                        "90 and 14440, got 45"),
        ({"SessionTimeoutSecs": "14441"}, "/SessionTimeoutSecs", TYPE_422, "SessionTimeoutSecs must be 0 or "
                                                                           "between 90 and 14440, got 14441"),
        ({"Secure": "yes"}, "/Secure", TYPE_422, "Secure must be true or false, got 'yes'"),
        ({"SipTransport": "sctp"}, "/SipTransport", ENUM_422, "SipTransport must be one of `udp`, `tcp`, `tls`, "
                                                              "got 'sctp'; did you mean `tcp`?"),
        ({"StatusCallback": "ftp://x/y"}, "/StatusCallback", TYPE_422, "StatusCallback must be an absolute "
                                                                       "http:// or https:// URL, got scheme `ftp`"),
        ({"StatusCallbackMethod": "PUT"}, "/StatusCallbackMethod", ENUM_422, "StatusCallbackMethod must be one of "
                                                                             "`GET`, `POST`, got 'PUT'"),
    ],
)
def test_documented_invalid_values_are_422_with_a_pointer(emulator: Emulator, http: requests.Session,
                                                          form: dict[str, str], pointer: str,
                                                          code: tuple[str, str], detail: str) -> None:
    response = start(http, emulator, ConnectorName="srs", **form)
    assert response.status_code == 422
    assert response.json() == {"errors": [{"code": code[0], "title": code[1], "detail": detail,
                                           "source": {"pointer": pointer}}]}
    assert emulator.state()["sessions"] == []


def test_a_stop_without_status_stopped_is_422(emulator: Emulator, http: requests.Session) -> None:
    sid = start(http, emulator).json()["sid"]
    response = http.post(stop_url(emulator, sid), data={"Status": "paused"}, timeout=10)
    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": "/Status"}


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", b"ConnectorName=x", 415),
        ("application/xml", b"<x/>", 415),
        ("application/json", b"{not json", 400),
        ("application/json", b"[1, 2]", 400),
        ("application/x-www-form-urlencoded", b"a=1&&b", 400),
        ("application/x-www-form-urlencoded", b"\xff\xfe=1", 400),
    ],
)
def test_bodies_the_api_cannot_take(emulator: Emulator, http: requests.Session, content_type: str, body: bytes,
                                    status: int) -> None:
    response = http.post(start_url(emulator), data=body, headers={"Content-Type": content_type}, timeout=10)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == "10015"
    assert emulator.state()["sessions"] == []


def test_an_oversized_body_is_413(emulator: Emulator, http: requests.Session) -> None:
    response = start(http, emulator, ConnectorName="x" * 70_000)
    assert response.status_code == 413


# Status callbacks


@pytest.fixture
def hook() -> Iterator[RecordingServer]:
    server = RecordingServer(lambda _r: Reply(200, {}))
    yield server
    server.close()


def test_callbacks_are_delivered_with_the_documented_fields(emulator: Emulator, http: requests.Session,
                                                             hook: RecordingServer) -> None:
    callback = hook.base_url.removesuffix("/v2") + "/siprec-events"
    sid = start(http, emulator, ConnectorName="srs", Name="rec-1", StatusCallback=callback).json()["sid"]
    http.post(stop_url(emulator, sid), data={"Status": "stopped"}, timeout=10)
    state = emulator.wait_until(lambda s: len(s["callbacks"]) == 2)
    assert [c["event"] for c in state["callbacks"]] == ["siprec-started", "siprec-stopped"]
    assert all(c["delivered"] and c["status"] == 200 for c in state["callbacks"])
    assert [r.method for r in hook.requests] == ["POST", "POST"]
    started = hook.requests[0].form
    assert set(started) == {"AccountSid", "CallSid", "SiprecSid", "SiprecName", "SiprecEvent", "Timestamp"}
    assert (started["AccountSid"], started["CallSid"], started["SiprecSid"]) == (ACCOUNT_SID, CALL_SID, sid)
    assert (started["SiprecName"], started["SiprecEvent"]) == ("rec-1", "siprec-started")
    assert hook.requests[0].path == "/siprec-events"


def test_get_callbacks_carry_the_fields_in_the_query(emulator: Emulator, http: requests.Session,
                                                     hook: RecordingServer) -> None:
    callback = hook.base_url.removesuffix("/v2") + "/events?tenant=7"
    start(http, emulator, ConnectorName="srs", StatusCallback=callback, StatusCallbackMethod="GET")
    emulator.wait_until(lambda s: len(s["callbacks"]) == 1)
    [request] = hook.requests
    assert request.method == "GET"
    assert request.path.startswith("/events?tenant=7&AccountSid=")
    assert "SiprecName" not in request.path


def test_a_hang_up_sends_the_stop_callback(emulator: Emulator, http: requests.Session, hook: RecordingServer) -> None:
    start(http, emulator, ConnectorName="srs", StatusCallback=hook.base_url.removesuffix("/v2") + "/e")
    emulator.end_call(CALL_SID)
    state = emulator.wait_until(lambda s: len(s["callbacks"]) == 2)
    assert [c["event"] for c in state["callbacks"]] == ["siprec-started", "siprec-stopped"]


def test_callbacks_to_other_hosts_are_recorded_but_not_delivered(emulator: Emulator, http: requests.Session) -> None:
    start(http, emulator, ConnectorName="srs", StatusCallback="https://hooks.example.com/siprec")
    [record] = emulator.wait_until(lambda s: len(s["callbacks"]) == 1)["callbacks"]
    assert record["delivered"] is False
    assert "not a loopback host" in record["error"]
    assert "--allow-any-callback-host" in record["error"]


def test_a_failing_callback_target_is_recorded(emulator: Emulator, http: requests.Session) -> None:
    failing = RecordingServer(lambda _r: Reply(500, {}))
    try:
        start(http, emulator, ConnectorName="srs", StatusCallback=failing.base_url.removesuffix("/v2") + "/e")
        [record] = emulator.wait_until(lambda s: len(s["callbacks"]) == 1)["callbacks"]
    finally:
        failing.close()
    assert (record["delivered"], record["status"], record["error"]) == (False, 500, "answered 500")


def test_a_slow_callback_never_delays_the_api_answer(emulator: Emulator, http: requests.Session) -> None:
    release = threading.Event()

    def slow(_request: Recorded) -> Reply:
        release.wait(10)
        return Reply(200, {})

    slow_hook = RecordingServer(slow)
    try:
        response = start(http, emulator, ConnectorName="srs",
                         StatusCallback=slow_hook.base_url.removesuffix("/v2") + "/e")
        assert response.status_code == 200
        assert emulator.state()["callbacks"] == [], "the answer came back while the delivery was still blocked"
        release.set()
        emulator.wait_until(lambda s: len(s["callbacks"]) == 1)
    finally:
        release.set()
        slow_hook.close()


# Faults


def inject(emulator: Emulator, http: requests.Session, spec: dict[str, Any]) -> requests.Response:
    return http.post(emulator.base_url.removesuffix("/v2") + "/_emulator/faults", json=spec, timeout=10)


def test_a_429_fault_carries_its_headers_then_normal_answers_resume(emulator: Emulator,
                                                                    http: requests.Session) -> None:
    queued = inject(emulator, http, {"route": "siprec.start", "kind": "status", "status": 429, "count": 2,
                                     "headers": {"Retry-After": "3", "x-ratelimit-reset": "7"}})
    assert queued.status_code == 201
    for _ in range(2):
        response = start(http, emulator)
        assert response.status_code == 429
        assert (response.headers["Retry-After"], response.headers["x-ratelimit-reset"]) == ("3", "7")
        assert response.json()["errors"][0]["code"] == "10011"
    assert start(http, emulator).status_code == 200
    assert len(emulator.state()["sessions"]) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_faults_do_not_start_a_session_unless_processed(emulator: Emulator, http: requests.Session,
                                                                     status: int) -> None:
    emulator.inject("siprec.start", "status", status=status)
    assert start(http, emulator).status_code == status
    assert emulator.state()["sessions"] == []
    emulator.inject("siprec.start", "status", status=status, process=True)
    assert start(http, emulator).status_code == status
    assert len(emulator.state()["sessions"]) == 1, "a processed fault is a start that did happen"


def test_a_delay_fault_answers_late(emulator: Emulator, http: requests.Session) -> None:
    emulator.inject("siprec.start", "delay", seconds=0.5)
    with pytest.raises(requests.ReadTimeout):
        http.post(start_url(emulator), data={"ConnectorName": "s"}, timeout=(5, 0.1))
    state = emulator.wait_until(lambda s: len(s["sessions"]) == 1)
    assert state["sessions"][0]["status"] == "in-progress"


def test_a_delay_fault_before_processing_answers_normally_late(emulator: Emulator, http: requests.Session) -> None:
    emulator.inject("siprec.start", "delay", seconds=0.3, process=False)
    with pytest.raises(requests.ReadTimeout):
        http.post(start_url(emulator), data={"ConnectorName": "s"}, timeout=(5, 0.1))
    state = emulator.wait_until_idle()
    assert [s["status"] for s in state["sessions"]] == ["in-progress"]
    assert state["requests"][-1]["status"] == 200


@pytest.mark.parametrize("process", [False, True])
def test_a_drop_fault_closes_the_connection_without_an_answer(emulator: Emulator, http: requests.Session,
                                                              process: bool) -> None:
    emulator.inject("siprec.start", "drop", process=process)
    with pytest.raises(requests.ConnectionError):
        start(http, emulator)
    assert len(emulator.state()["sessions"]) == (1 if process else 0)
    assert start(http, emulator).status_code == 200


def test_malformed_html_and_missing_sid_faults(emulator: Emulator, http: requests.Session) -> None:
    emulator.inject("siprec.start", "malformed")
    emulator.inject("siprec.start", "html", status=502)
    emulator.inject("siprec.start", "missing_sid")
    malformed = start(http, emulator)
    assert malformed.status_code == 200
    with pytest.raises(ValueError, match=r"Expecting|Unterminated"):
        malformed.json()
    html = start(http, emulator)
    assert (html.status_code, html.headers["Content-Type"]) == (502, "text/html; charset=utf-8")
    assert html.text.startswith("<html>")
    missing = start(http, emulator)
    assert missing.status_code == 200
    assert "sid" not in missing.json()
    assert missing.json()["status"] == "in-progress"
    assert len(emulator.state()["sessions"]) == 2, "malformed and missing_sid answers come after a real start"


def test_faults_apply_only_to_their_route(emulator: Emulator, http: requests.Session) -> None:
    sid = start(http, emulator).json()["sid"]
    emulator.inject("siprec.stop", "status", status=503)
    assert start(http, emulator).status_code == 200
    assert http.post(stop_url(emulator, sid), data={"Status": "stopped"}, timeout=10).status_code == 503
    assert http.post(stop_url(emulator, sid), data={"Status": "stopped"}, timeout=10).status_code == 200


def test_probabilistic_faults_are_reproducible(http: requests.Session) -> None:
    def statuses() -> list[int]:
        with Emulator(api_key=KEY, calls=[CALL_SID], seed=42) as running:
            running.inject("siprec.start", "status", status=429, count=1000, probability=0.3)
            return [start(http, running).status_code for _ in range(40)]

    first, second = statuses(), statuses()
    assert first == second
    assert 4 <= first.count(429) <= 24


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"route": "nowhere", "kind": "status", "status": 500}, "`route` must be one of"),
        ({"route": "siprec.start", "kind": "explode"}, "`kind` must be one of"),
        ({"route": "siprec.start", "kind": "status"}, "a `status` fault needs `status`"),
        ({"route": "siprec.start", "kind": "status", "status": 700}, "`status` must be an HTTP status"),
        ({"route": "siprec.start", "kind": "drop", "count": 0}, "`count` must be a whole number"),
        ({"route": "siprec.start", "kind": "drop", "probability": 2}, "`probability` must be a number"),
        ({"route": "siprec.start", "kind": "delay", "seconds": -1}, "`seconds` must be a number"),
        ({"route": "siprec.start", "kind": "drop", "headers": {"a": "b\r\nc"}}, "`headers` must map"),
        ({"route": "siprec.start", "kind": "drop", "colour": "red"}, "unknown fault field(s): colour"),
        ([1], "a fault must be a JSON object"),
    ],
)
def test_bad_fault_specs_are_refused_with_the_reason(emulator: Emulator, http: requests.Session, spec: Any,
                                                     message: str) -> None:
    response = inject(emulator, http, spec)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["detail"]


def test_control_endpoints(emulator: Emulator, http: requests.Session) -> None:
    control = emulator.base_url.removesuffix("/v2") + "/_emulator"
    assert http.post(control + "/calls", json={"call_sid": "v3:new"}, timeout=10).status_code == 201
    assert start(http, emulator).status_code == 200
    inject(emulator, http, {"route": "siprec.stop", "kind": "drop"})
    state = http.get(control + "/state", timeout=10).json()
    assert set(state["calls"]) == {CALL_SID, "v3:new"}
    assert len(state["faults"]) == 1
    assert state["requests"][-1]["route"] == "siprec.start"
    assert http.delete(control + "/faults", timeout=10).status_code == 204
    assert http.post(control + "/calls", json={"call_sid": "v3:new", "status": "completed"},
                     timeout=10).json()["status"] == "completed"
    assert http.post(control + "/reset", timeout=10).status_code == 204
    assert http.get(control + "/state", timeout=10).json()["sessions"] == []


# Concurrency and limits


def test_concurrent_starts_and_stops_are_consistent(emulator: Emulator) -> None:
    def start_then_stop(_: int) -> tuple[int, int]:
        with requests.Session() as http:
            http.headers.update(AUTH)
            response = start(http, emulator)
            stopped = http.post(stop_url(emulator, response.json()["sid"]), data={"Status": "stopped"}, timeout=10)
            return response.status_code, stopped.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(start_then_stop, range(200)))
    assert results == [(200, 200)] * 200
    state = emulator.state()
    assert len({s["sid"] for s in state["sessions"]}) == 200
    assert all(s["status"] == "stopped" for s in state["sessions"])
    assert state["counters"]["requests"] == 400


def test_every_store_is_bounded(http: requests.Session) -> None:
    limits = Limits(calls=2, sessions=3, kept_requests=5, kept_callbacks=5)
    with Emulator(api_key=KEY, calls=[CALL_SID], limits=limits) as running:
        statuses = [start(http, running).status_code for _ in range(4)]
        refused = start(http, running)
        running.add_call("v3:second")
        running.add_call("v3:third")
        state = running.state()
    assert statuses == [200, 200, 200, 429]
    assert "at most 3 SIPREC sessions" in refused.json()["errors"][0]["detail"]
    assert len(state["sessions"]) == 3
    assert set(state["calls"]) == {CALL_SID, "v3:second"}
    assert len(state["requests"]) == 5
    assert state["counters"]["requests"] == 5


# The command line


def run_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pulumi_telnyx_siprec.emulator", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextlib.contextmanager
def running_cli(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The emulator command, and the first line it printed (its base URL); killed at the end if still running."""
    process = run_cli(*args)
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline().strip()
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_cli_prints_its_base_url_serves_and_stops_cleanly(stop_signal: signal.Signals) -> None:
    with running_cli("--port", "0", "--api-key", KEY, "--call", CALL_SID, "v3:other") as (process, base_url):
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v2", base_url)
        response = requests.post(f"{base_url}/texml/Accounts/a/Calls/v3:other/Siprec.json",
                                 data={"ConnectorName": "s"}, headers=AUTH, timeout=10)
        assert response.status_code == 200
        process.send_signal(stop_signal)
        assert process.wait(timeout=10) == 0


def test_the_cli_stops_on_signals_sent_back_to_back() -> None:
    """The handler takes no lock: one that set a threading.Event could deadlock when a second signal found the main
    thread inside Event.wait holding the event's lock (seen with two SIGTERMs a moment apart)."""
    with running_cli("--port", "0", "--api-key", KEY, "--no-sip") as (process, _base_url):
        for _ in range(3):
            process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_termination_signals_are_recorded_from_the_start_and_waited_for() -> None:
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        signals = TerminationSignals()
        os.kill(os.getpid(), signal.SIGINT)  # before anyone waits: recorded, not lost, not fatal
        assert signals.wait(poll=0.01) == signal.SIGINT
        later = TerminationSignals()
        sender = threading.Timer(0.05, lambda: os.kill(os.getpid(), signal.SIGTERM))
        sender.start()
        assert later.wait(poll=0.01) == signal.SIGTERM
        sender.join()
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


def test_latency_delays_every_api_answer_but_not_the_control_plane() -> None:
    # The latency is also the window in which the state must be read and checked: 2 s keeps that window wide on a
    # loaded machine (at 0.5 s, a poll delayed past it would see the request already answered).
    latency = 2.0
    with Emulator(api_key=KEY, calls=[CALL_SID], latency=latency) as running, requests.Session() as http:
        http.headers.update(AUTH)
        answered = threading.Event()

        def start_in_background() -> None:
            start(http, running)
            answered.set()

        started = time.monotonic()
        worker = threading.Thread(target=start_in_background)
        worker.start()
        # The state answers while the delayed API request is still in flight: the control plane is not delayed.
        state = running.wait_until(lambda s: s["counters"]["in_flight"] == 1)
        assert not answered.is_set()
        assert state["sessions"] == []
        worker.join()
        assert time.monotonic() - started >= latency
        assert len(running.state()["sessions"]) == 1


def test_the_cli_refuses_a_bad_port() -> None:
    process = run_cli("--port", "70000")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "--port must be from 0 to 65535, got 70000" in err


def test_the_cli_refuses_a_bad_control_host() -> None:
    process = run_cli("--control-host", "http://emulator:8787")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "--control-host: expected HOST or HOST:PORT (e.g. emulator or localhost:18080), got " \
           "'http://emulator:8787'" in err


def test_the_cli_says_when_the_port_is_taken() -> None:
    with Emulator() as running:
        port = running.base_url.rsplit(":", 1)[1].removesuffix("/v2")
        process = run_cli("--port", port)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert f"cannot bind 127.0.0.1:{port}" in err
    assert "try --port 0" in err


def test_the_emulator_imports_neither_pulumi_nor_requests() -> None:
    code = "import sys, pulumi_telnyx_siprec.emulator; print(sorted({'pulumi', 'requests'} & set(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


# The documented examples


SHARED_DOC = Path(__file__).resolve().parents[2] / "shared" / "telnyx-api.md"


@pytest.mark.skipif(not SHARED_DOC.exists(), reason="the team's shared API notes are not beside this checkout")
def test_the_samples_are_the_shared_notes_examples() -> None:
    text = SHARED_DOC.read_text()
    documented = json.loads(re.search(r"```json\n(.*?)\n```", text, re.DOTALL).group(1))  # type: ignore[union-attr]
    assert shape(documented) == shape(start_answer())
    assert documented == {**start_answer(), "uri": documented["uri"]}


# Connectors and calls


def connectors_url(emulator: Emulator, name: str | None = None) -> str:
    return f"{emulator.base_url}/siprec_connectors" + (f"/{name}" if name else "")


CONNECTOR = {"name": "test-srs", "host": "srs.example.com", "port": 5060}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def test_connector_crud_with_the_data_envelope(emulator: Emulator, http: requests.Session) -> None:
    created = http.post(connectors_url(emulator), json=CONNECTOR, timeout=10)
    assert created.status_code == 201
    data = created.json()["data"]
    assert data["record_type"] == "siprec_connector"
    assert {k: data[k] for k in CONNECTOR} == CONNECTOR
    assert data["app_subdomain"] is None
    assert ISO_DATE.match(data["created_at"])
    assert ISO_DATE.match(data["updated_at"])
    assert http.get(connectors_url(emulator, "test-srs"), timeout=10).json() == {"data": data}
    updated = http.put(connectors_url(emulator, "test-srs"),
                       json={"name": "test-srs", "host": "10.0.0.9", "port": 5061, "app_subdomain": "rec"}, timeout=10)
    assert updated.status_code == 200
    assert {k: updated.json()["data"][k] for k in ("name", "host", "port", "app_subdomain")} == {
        "name": "test-srs", "host": "10.0.0.9", "port": 5061, "app_subdomain": "rec"}
    deleted = http.delete(connectors_url(emulator, "test-srs"), timeout=10)
    assert (deleted.status_code, deleted.content) == (204, b"")
    gone = http.get(connectors_url(emulator, "test-srs"), timeout=10)
    assert gone.status_code == 404
    # The spec's example, integer code included (docs/telnyx-api.md section 6).
    assert gone.json() == {"errors": [{"code": 404, "title": "Not Found",
                                       "detail": "The requested resource does not exist"}]}
    assert http.delete(connectors_url(emulator, "test-srs"), timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("body", "pointer", "detail"),
    [
        ({"host": "h", "port": 5060}, "/name", "name is required"),
        ({"name": "n", "port": 5060}, "/host", "host is required"),
        ({"name": "n", "host": "h"}, "/port", "port is required"),
        ({"name": "n", "host": "h", "port": 0}, "/port", "port must be between 1 and 65535, got 0"),
        ({"name": "n", "host": "sip:h", "port": 5060}, "/host",
         "host must be a host name or IPv4 address, not a URI: drop the scheme (`sip:`, `https://`)"),
    ],
)
def test_connector_validation_is_422_with_a_pointer(emulator: Emulator, http: requests.Session,
                                                    body: dict[str, Any], pointer: str, detail: str) -> None:
    response = http.post(connectors_url(emulator), json=body, timeout=10)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["source"]["pointer"], error["detail"]) == (pointer, detail)


def test_a_duplicate_connector_name_is_a_422_on_name(emulator: Emulator, http: requests.Session) -> None:
    assert http.post(connectors_url(emulator), json=CONNECTOR, timeout=10).status_code == 201
    response = http.post(connectors_url(emulator), json=CONNECTOR, timeout=10)
    assert response.status_code == 422
    assert response.json() == {"errors": [{"code": 422, "title": "Unprocessable Entity",
                                           "detail": "name has already been taken", "source": {"pointer": "/name"}}]}


@pytest.mark.parametrize("body", [{"host": "h", "port": 1}, {"name": "test-srs", "port": 1},
                                  {"name": "test-srs", "host": "h"}])
def test_a_connector_update_needs_name_host_and_port_as_create_does(emulator: Emulator, http: requests.Session,
                                                                   body: dict[str, Any]) -> None:
    http.post(connectors_url(emulator), json=CONNECTOR, timeout=10)
    response = http.put(connectors_url(emulator, "test-srs"), json=body, timeout=10)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["code"] == 422
    assert error["source"]["pointer"] == "/" + ({"name", "host", "port"} - set(body)).pop()


def test_connectors_take_json_only(emulator: Emulator, http: requests.Session) -> None:
    response = http.post(connectors_url(emulator), data=CONNECTOR, timeout=10)
    assert response.status_code == 415


def test_call_fetch_and_hang_up(emulator: Emulator, http: requests.Session, hook: RecordingServer) -> None:
    call_url = f"{emulator.base_url}/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}"
    live = http.get(call_url, timeout=10).json()
    assert (live["sid"], live["account_sid"], live["status"], live["end_time"]) == (
        CALL_SID, ACCOUNT_SID, "in-progress", None)
    assert TELNYX_DATE.match(live["start_time"])
    callback = hook.base_url.removesuffix("/v2") + "/e"
    sid = start(http, emulator, ConnectorName="srs", StatusCallback=callback).json()["sid"]
    assert http.post(call_url, data={"Status": "busy"}, timeout=10).status_code == 422
    hung_up = http.post(call_url, data={"Status": "completed"}, timeout=10)
    assert hung_up.status_code == 200
    assert hung_up.json()["status"] == "completed"
    assert http.get(call_url, timeout=10).json()["status"] == "completed"
    state = emulator.wait_until(lambda s: len(s["callbacks"]) == 2)
    assert [c["event"] for c in state["callbacks"]] == ["siprec-started", "siprec-stopped"]
    assert state["sessions"][0]["sid"] == sid
    assert state["sessions"][0]["status"] == "stopped"
    assert http.get(f"{emulator.base_url}/texml/Accounts/a/Calls/v3:nope", timeout=10).status_code == 404


@pytest.mark.parametrize("route", ["connector.create", "connector.read", "connector.update", "connector.delete",
                                   "call.fetch", "call.update"])
def test_faults_reach_every_route(emulator: Emulator, http: requests.Session, route: str) -> None:
    http.post(connectors_url(emulator), json=CONNECTOR, timeout=10)
    emulator.inject(route, "status", status=503)
    requests_by_route: dict[str, tuple[str, str, dict[str, Any]]] = {
        "connector.create": ("POST", connectors_url(emulator), {"json": {**CONNECTOR, "name": "b"}}),
        "connector.read": ("GET", connectors_url(emulator, "test-srs"), {}),
        "connector.update": ("PUT", connectors_url(emulator, "test-srs"),
                             {"json": {"name": "test-srs", "host": "h", "port": 1}}),
        "connector.delete": ("DELETE", connectors_url(emulator, "test-srs"), {}),
        "call.fetch": ("GET", f"{emulator.base_url}/texml/Accounts/a/Calls/{CALL_SID}", {}),
        "call.update": ("POST", f"{emulator.base_url}/texml/Accounts/a/Calls/{CALL_SID}",
                        {"data": {"Status": "completed"}}),
    }
    method, url, kwargs = requests_by_route[route]
    assert http.request(method, url, timeout=10, **kwargs).status_code == 503
    assert http.request(method, url, timeout=10, **kwargs).status_code in (200, 201, 204)
