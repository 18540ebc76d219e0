"""The emulator's HTTP side against hostile or careless clients (issue 23, point 5): credentials never echoed, deep
JSON refused, faults only for authenticated requests, idle and slow connections closed, memory bounded, and control
endpoints that a web page cannot drive."""

from __future__ import annotations

import contextlib
import json
import resource
import select
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.emulator.__main__ import parse_args
from tests.support.samples import ACCOUNT_SID, CALL_SID

KEY = "KEYhardening0123456789abcdefABCDEF"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=KEY, calls=[CALL_SID], sip=False) as running:
        yield running


def address(emulator: Emulator) -> tuple[str, int]:
    host, port = emulator.base_url.removeprefix("http://").removesuffix("/v2").rsplit(":", 1)
    return host, int(port)


def control_url(emulator: Emulator, path: str) -> str:
    return emulator.base_url.removesuffix("/v2") + "/_emulator/" + path


def start_url(emulator: Emulator, call_sid: str = CALL_SID) -> str:
    return f"{emulator.base_url}/texml/Accounts/{ACCOUNT_SID}/Calls/{call_sid}/Siprec.json"


def raw_exchange(emulator: Emulator, request: bytes, timeout: float = 10.0) -> bytes:
    """Sends `request` as it is on a fresh connection and reads until the server closes it (or `timeout`)."""
    with socket.create_connection(address(emulator), timeout=timeout) as connection:
        connection.sendall(request)
        received = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def request_bytes(method: str, path: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", *(f"{name}: {value}" for name, value in headers),
             f"Content-Length: {len(body)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


# 1. An Authorization value is never echoed, however it is formed


@pytest.mark.parametrize("header", [
    ("Authorization", KEY),
    ("Authorization", f"Bearer\t{KEY}"),
    ("Authorization", f"Bearer   {KEY}"),
    ("Authorization", f"bearer {KEY}"),
    ("Authorization", f"{KEY} trailing"),
    ("AUTHORIZATION", f"Token {KEY}"),
    ("Proxy-Authorization", f"Bearer {KEY}"),
])
def test_no_authorization_value_reaches_the_state(emulator: Emulator, header: tuple[str, str]) -> None:
    host, port = address(emulator)
    answer = raw_exchange(emulator, request_bytes("GET", "/v2/whoami", [("Host", f"{host}:{port}"), header]))
    assert answer.startswith(b"HTTP/1.1 "), answer
    [record] = emulator.state()["requests"]
    assert record["route"] == "whoami"
    assert KEY not in json.dumps(record)
    assert KEY not in requests.get(control_url(emulator, "state"), timeout=10).text


# 2. JSON nested too deep for the state to show is refused, in Telnyx's error envelope


def nested(depth: int) -> str:
    """A start body whose `Extra` nests arrays so that the whole body is `depth` levels deep."""
    return '{"ConnectorName": "srs", "Extra": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("depth", [33, 980, 30_000])
def test_json_nested_deeper_than_the_limit_is_a_400_and_the_state_still_answers(emulator: Emulator,
                                                                                 depth: int) -> None:
    response = requests.post(start_url(emulator), data=nested(depth), timeout=10,
                             headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"errors": [{
        "code": "10015", "title": "Bad request",
        "detail": "the JSON body nests arrays and objects deeper than 32 levels; the emulator keeps at most 32"}]}
    state = requests.get(control_url(emulator, "state"), timeout=10)
    assert state.status_code == 200
    assert state.json()["sessions"] == []


def test_json_at_the_limit_is_kept_and_shown_again(emulator: Emulator) -> None:
    body = nested(32)
    response = requests.post(start_url(emulator), data=body, timeout=10,
                             headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 200
    [session] = requests.get(control_url(emulator, "state"), timeout=10).json()["sessions"]
    assert session["params"] == json.loads(body)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(emulator: Emulator, constant: str) -> None:
    response = requests.post(start_url(emulator), data='{"ConnectorName": "srs", "X": ' + constant + "}",
                             headers={**AUTH, "Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == f"{constant} is not a JSON value; send a number or a string"
    assert emulator.state()["sessions"] == []


@pytest.mark.parametrize("endpoint", ["faults", "behaviour", "calls"])
def test_control_endpoints_refuse_deep_json_too(emulator: Emulator, endpoint: str) -> None:
    deep = {"route": "whoami", "kind": "status", "status": 500, "body": json.loads("[" * 40 + "]" * 40)}
    response = requests.post(control_url(emulator, endpoint), json=deep, timeout=10)
    assert response.status_code == 400
    assert "deeper than 32 levels" in response.json()["errors"][0]["detail"]
    assert requests.get(control_url(emulator, "state"), timeout=10).json()["faults"] == []


# 3. A request is authenticated before any fault is served


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 503}, {"kind": "drop"}, {"kind": "html"},
                                   {"kind": "delay", "seconds": 30, "process": False}])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}])
def test_a_request_with_a_wrong_key_is_401_and_leaves_the_fault_queued(
        emulator: Emulator, fault: dict[str, object], headers: dict[str, str]) -> None:
    emulator.inject("siprec.start", **fault)  # type: ignore[arg-type]
    refused = requests.post(start_url(emulator), data={"ConnectorName": "srs"}, headers=headers, timeout=10)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["code"] == "10009"
    [pending] = emulator.state()["faults"]
    assert (pending["kind"], pending["count"]) == (fault["kind"], 1)
    assert [r["status"] for r in emulator.state()["requests"]] == [401]


# 4. Idle and slow clients are let go; the emulator keeps answering the others


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        time.sleep(0.01)


def open_connections(emulator: Emulator, count: int, first_bytes: bytes) -> list[socket.socket]:
    opened = []
    for _ in range(count):
        connection = socket.create_connection(address(emulator), timeout=10)
        if first_bytes:
            connection.sendall(first_bytes)
        opened.append(connection)
    return opened


def until_closed(connection: socket.socket, timeout: float = 30.0) -> bytes:
    """What the server sent before closing the connection; AssertionError if it is still open after `timeout`."""
    received = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not select.select([connection], [], [], 0.05)[0]:
            continue
        try:
            chunk = connection.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"the emulator kept the connection open for {timeout:g} s")


def promise_a_body(host: str, port: int) -> bytes:
    """A start request whose headers promise 10 bytes of body, with 3 of them."""
    return request_bytes("POST", f"/v2/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}/Siprec.json",
                         [("Host", f"{host}:{port}"), ("Authorization", f"Bearer {KEY}"),
                          ("Content-Type", "application/x-www-form-urlencoded")], b"Con").replace(
        b"Content-Length: 3", b"Content-Length: 10")


def start_on_a_connection_of_its_own(emulator: Emulator) -> tuple[int, Any]:
    """Starts a session; the connection is closed on return (a response left alive would hold it open)."""
    with requests.Session() as http:
        response = http.post(start_url(emulator), data={"ConnectorName": "srs"}, headers=AUTH, timeout=10)
        return response.status_code, response.json()


@pytest.fixture
def enough_file_descriptors() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2_048 <= hard or (soft < 2_048 and hard == resource.RLIM_INFINITY):
        resource.setrlimit(resource.RLIMIT_NOFILE, (2_048, hard))
    elif soft < 2_048:
        pytest.skip(f"needs 2,048 open files; this process may open {soft}")


@pytest.mark.usefixtures("enough_file_descriptors")
def test_a_well_behaved_client_is_answered_while_400_idle_connections_are_open(emulator: Emulator) -> None:
    host, port = address(emulator)
    idle = open_connections(emulator, 300, promise_a_body(host, port)) + open_connections(emulator, 100, b"")
    try:
        wait_for(lambda: emulator.state()["connections"]["open"] == 400, what="400 connections served")
        status, body = start_on_a_connection_of_its_own(emulator)
        assert status == 200
        assert [s["sid"] for s in emulator.state()["sessions"]] == [body["sid"]]
    finally:
        for connection in idle:
            connection.close()
    wait_for(lambda: emulator.state()["connections"]["open"] == 0, what="every connection closed")


def test_idle_slow_and_silent_connections_are_closed_after_the_read_timeout() -> None:
    with Emulator(api_key=KEY, calls=[CALL_SID], sip=False, read_timeout=0.5) as running:
        host, port = address(running)
        promised = open_connections(running, 10, promise_a_body(host, port))
        silent = open_connections(running, 5, b"")
        half_line = open_connections(running, 5, b"GET /v2/who")
        [trickler] = open_connections(running, 1, f"GET /v2/whoami HTTP/1.1\r\nHost: {host}:{port}\r\n".encode())
        try:
            deadline = time.monotonic() + 30
            answered = False
            while not answered and time.monotonic() < deadline:  # a byte every 50 ms: the request never ends
                answered = bool(select.select([trickler], [], [], 0.05)[0])
                with contextlib.suppress(OSError):
                    trickler.send(b"x")
            assert answered, "a client sending a byte every 50 ms was kept for 30 s"
            assert until_closed(trickler) == b""
            for connection in promised:
                answer = until_closed(connection)
                assert answer.startswith(b"HTTP/1.1 408 "), answer
                assert b"Connection: close" in answer
                assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"errors": [{
                    "code": "10008", "title": "Request timeout",
                    "detail": "the body did not arrive within 0.5 s (the emulator's read timeout, --read-timeout)"}]}
            for connection in silent + half_line:
                assert until_closed(connection) == b""
            wait_for(lambda: running.state()["connections"]["open"] == 0, what="every connection closed")
            assert [r["status"] for r in running.state()["requests"]] == [408] * 10
            assert running.state()["sessions"] == []
        finally:
            for connection in [*promised, *silent, *half_line, trickler]:
                connection.close()


def test_a_body_cut_short_is_a_400_not_a_shorter_body(emulator: Emulator) -> None:
    host, port = address(emulator)
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(promise_a_body(host, port))
        connection.shutdown(socket.SHUT_WR)
        answer = until_closed(connection)
    assert answer.startswith(b"HTTP/1.1 400 "), answer
    assert b"the body ended after 3 of its 10 bytes (Content-Length)" in answer
    assert emulator.state()["sessions"] == []


def test_past_max_connections_a_client_waits_until_one_closes() -> None:
    with Emulator(api_key=KEY, calls=[CALL_SID], sip=False, max_connections=4) as running:
        host, port = address(running)
        idle = open_connections(running, 4, b"")
        try:
            wait_for(lambda: running.state()["connections"] == {"open": 4, "max": 4, "read_timeout": 60.0},
                     what="4 connections served")
            with socket.create_connection((host, port), timeout=10) as waiting:
                waiting.sendall(request_bytes("GET", "/v2/whoami", [("Host", f"{host}:{port}"), *AUTH.items()]))
                assert select.select([waiting], [], [], 0.5)[0] == [], "answered while 4 connections were served"
                idle.pop().close()
                assert until_closed(waiting).startswith(b"HTTP/1.1 200 ")
        finally:
            for connection in idle:
                connection.close()


@pytest.mark.parametrize(("argv", "message"), [
    (["--read-timeout", "0"], "--read-timeout must be above 0 and at most 3600 seconds, got 0"),
    (["--max-connections", "0"], "--max-connections must be from 1 to 10000, got 0"),
])
def test_the_cli_refuses_a_bad_timeout_or_connection_bound(argv: list[str], message: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert message in capsys.readouterr().err


def test_the_cli_takes_the_read_timeout_and_connection_bound() -> None:
    args = parse_args(["--read-timeout", "2.5", "--max-connections", "16"])
    assert (args.read_timeout, args.max_connections) == (2.5, 16)
    assert (parse_args([]).read_timeout, parse_args([]).max_connections) == (60.0, 512)
