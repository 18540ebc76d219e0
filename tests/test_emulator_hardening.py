"""The emulator's HTTP side against hostile or careless clients (issue 23, point 5): credentials never echoed, deep
JSON refused, faults only for authenticated requests, idle and slow connections closed, memory bounded, and control
endpoints that a web page cannot drive."""

from __future__ import annotations

import contextlib
import json
import resource
import select
import socket
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from pulumi_telnyx_siprec.emulator import Emulator, Limits
from pulumi_telnyx_siprec.emulator.__main__ import parse_args
from pulumi_telnyx_siprec.emulator.api.json_body import nesting_depth
from pulumi_telnyx_siprec.emulator.api.kept_values import value_bytes
from pulumi_telnyx_siprec.emulator.api.state import EmulatorState
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


def test_json_at_the_limit_is_accepted_and_shown_again(emulator: Emulator) -> None:
    response = requests.post(start_url(emulator), data=nested(32), timeout=10,
                             headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 200
    envelope = json.loads('{"errors": [{"detail": "deep", "meta": ' + "[" * 28 + "]" * 28 + "}]}")
    fault = {"route": "whoami", "kind": "status", "status": 500, "body": envelope}  # 32 levels in all
    assert requests.post(control_url(emulator, "faults"), json=fault, timeout=10).status_code == 201
    state = requests.get(control_url(emulator, "state"), timeout=10).json()
    assert state["faults"][0]["body"] == envelope
    assert state["sessions"][0]["dropped_params"]["count"] == 1, "31 nested lists take more than 1 KiB"
    assert requests.get(f"{emulator.base_url}/whoami", headers=AUTH, timeout=10).json() == envelope


@pytest.mark.parametrize(("text", "depth"), [
    ('{"a": "[[[[\\"[[[", "b": [[1]]}', 3),
    ('[[["a\\\\"], "]"]]', 3),
    ('["\\\\\\"[[[["]', 1),
    ("[" * 40 + "]" * 40, 33),
    ('"' + '\\"' * 20_000, 0),
])
def test_nesting_is_counted_outside_strings_escapes_included(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_a_body_of_escaped_quotes_is_answered_at_once(emulator: Emulator) -> None:
    """A regular expression for JSON strings took ~25 s on this 60 KB body (it backtracks from every quote)."""
    body = '{"ConnectorName": "' + '\\"' * 30_000
    response = requests.post(start_url(emulator), data=body, headers={**AUTH, "Content-Type": "application/json"},
                             timeout=10)
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"].startswith("the body is not valid JSON: Unterminated string")


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


# 5. Memory follows the counts, not what clients choose to send


def test_undocumented_parameters_past_the_budget_are_dropped_and_counted(emulator: Emulator) -> None:
    form = {"ConnectorName": "srs", "A": "x" * 500, "B": "y" * 600, "C": "z", "Name": "n" * 5_000}
    response = requests.post(start_url(emulator), data=form, headers=AUTH, timeout=10)
    assert response.status_code == 200
    [session] = emulator.state()["sessions"]
    assert session["params"] == {"ConnectorName": "srs", "A": "x" * 500, "C": "z", "Name": "n" * 5_000}, \
        "documented parameters are kept whatever their size; undocumented ones while they fit in 1,024 bytes"
    assert session["dropped_params"] == {"count": 1, "bytes": sys.getsizeof("B") + sys.getsizeof("y" * 600)}


def test_a_body_padded_to_64_kib_keeps_what_a_plain_one_does(emulator: Emulator) -> None:
    padding = {f"Pad{n}": "p" * 6_000 for n in range(10)}
    sizes = []
    for form in ({"ConnectorName": "srs"}, {"ConnectorName": "srs", **padding}):
        before = emulator.state()["counters"]["client_value_bytes"]
        assert requests.post(start_url(emulator), data=form, headers=AUTH, timeout=10).status_code == 200
        sizes.append(emulator.state()["counters"]["client_value_bytes"] - before)
    plain, padded = emulator.state()["sessions"]
    assert padded["params"] == plain["params"] == {"ConnectorName": "srs"}
    assert (plain["dropped_params"], padded["dropped_params"]["count"]) == (None, 10)
    assert sizes[0] == sizes[1] < 1_024


def test_the_values_clients_send_have_one_budget(emulator: Emulator) -> None:
    form = {"ConnectorName": "srs", "Name": "n" * 900}
    assert requests.post(start_url(emulator), data=form, headers=AUTH, timeout=10).status_code == 200
    session_size = emulator.state()["counters"]["client_value_bytes"] - value_bytes(CALL_SID)
    budget = value_bytes(CALL_SID) + 3 * session_size + session_size // 2  # three such sessions, not four
    with Emulator(api_key=KEY, calls=[CALL_SID], sip=False, limits=Limits(client_value_bytes=budget)) as running:
        statuses = [requests.post(start_url(running), data=form, headers=AUTH, timeout=10).status_code
                    for _ in range(4)]
        refused = requests.post(start_url(running), data=form, headers=AUTH, timeout=10)
        connector = requests.post(f"{running.base_url}/siprec_connectors", headers=AUTH, timeout=10,
                                  json={"name": "c" * session_size, "host": "127.0.0.1", "port": 5060})
        state = running.state()
        assert requests.post(control_url(running, "reset"), timeout=10).status_code == 204
        assert running.state()["counters"]["client_value_bytes"] == 0
        running.add_call(CALL_SID)
        after_reset = requests.post(start_url(running), data=form, headers=AUTH, timeout=10)
    assert statuses == [200, 200, 200, 429]
    assert refused.json() == {"errors": [{
        "code": "10011", "title": "Too much data",
        "detail": f"emulator limit: calls, sessions and connectors may keep at most {budget} bytes of the values "
                  "clients sent, and this would pass it; POST /_emulator/reset"}]}
    assert connector.status_code == 429
    assert connector.json()["errors"][0]["code"] == 429
    assert len(state["sessions"]) == 3
    assert state["counters"]["client_value_bytes"] <= budget
    assert after_reset.status_code == 200


def test_a_deleted_connector_gives_its_bytes_back(emulator: Emulator) -> None:
    url = f"{emulator.base_url}/siprec_connectors"
    before = emulator.state()["counters"]["client_value_bytes"]
    created = requests.post(url, json={"name": "srs-1", "host": "127.0.0.1", "port": 5060}, headers=AUTH, timeout=10)
    assert created.status_code == 201
    assert emulator.state()["counters"]["client_value_bytes"] > before
    assert requests.delete(f"{url}/srs-1", headers=AUTH, timeout=10).status_code == 204
    assert emulator.state()["counters"]["client_value_bytes"] == before


def test_a_request_record_is_cut_to_a_fixed_size(emulator: Emulator) -> None:
    host, port = address(emulator)
    headers = [("Host", f"{host}:{port}"), ("Authorization", f"Bearer {KEY}"),
               *((f"X-Pad-{n}", "h" * 8_000) for n in range(90))]
    raw_exchange(emulator, request_bytes("GET", "/v2/whoami?" + "q" * 30_000, headers))
    [record] = emulator.state()["requests"]
    assert record["status"] == 200
    assert len(record["headers"]) == 33
    assert record["headers"]["[not kept]"] == "62 more headers"
    assert record["headers"]["X-Pad-0"] == "h" * 256 + "...[7744 more characters]"
    assert len(record["path"]) < 2_100
    assert len(json.dumps(record)) < 16_000


def test_a_fault_holds_at_most_64_kib(emulator: Emulator) -> None:
    many_lists: list[list[int]] = [[] for _ in range(2_000)]  # 12 KB of JSON, 120 KB in memory
    response = requests.post(control_url(emulator, "faults"), timeout=10,
                             json={"route": "whoami", "kind": "status", "status": 500, "body": many_lists})
    assert response.status_code == 400
    detail = response.json()["errors"][0]["detail"]
    assert detail.startswith("`headers` and `body` take ")
    assert detail.endswith(" bytes in memory, more than the 65536 a fault may hold; an error envelope takes well "
                           "under 1 KiB")
    assert emulator.state()["faults"] == []


def test_what_the_siprec_client_notes_on_a_session_counts_against_the_budget() -> None:
    """The SIPREC client's notes (the INVITE as sent, or why none was) are kept with the session and counted, as
    the values they were made from are."""
    name = "n" * 5_000
    counted: dict[bool, int] = {}
    note = ""
    for sip in (False, True):
        with Emulator(api_key=KEY, calls=[CALL_SID], sip=sip) as running:
            before = running.state()["counters"]["client_value_bytes"]
            assert requests.post(start_url(running), data={"ConnectorName": name}, headers=AUTH,
                                 timeout=10).status_code == 200
            state = running.state()
            counted[sip] = state["counters"]["client_value_bytes"] - before
            note = state["sessions"][0]["sip"].get("skipped", "")
    assert note == f"no SIP sent: the emulator holds no connector named {name!r}"
    assert counted[True] - counted[False] >= sys.getsizeof(note)


def test_note_sip_counts_and_the_next_start_is_refused_past_the_budget() -> None:
    def account(limits: Limits | None = None) -> EmulatorState:
        state = EmulatorState(lambda: "http://127.0.0.1:1/v2", limits or Limits())
        state.add_call(CALL_SID)
        return state

    measured = account()
    measured.start_siprec(ACCOUNT_SID, CALL_SID, {"ConnectorName": "srs"})
    state = account(Limits(client_value_bytes=measured.client_value_bytes + 6_000))
    answer, _ = state.start_siprec(ACCOUNT_SID, CALL_SID, {"ConnectorName": "srs"})
    state.note_sip(answer.body["sid"], {"invite": "i" * 6_000})
    refused, _ = state.start_siprec(ACCOUNT_SID, CALL_SID, {"ConnectorName": "srs"})
    assert state.snapshot()["sessions"][0]["sip"]["invite"] == "i" * 6_000
    assert (refused.status, refused.body["errors"][0]["title"]) == (429, "Too much data")


# 6. Control endpoints answer programs on this machine, never a web page


def control_exchange(emulator: Emulator, method: str, path: str, headers: list[tuple[str, str]],
                     body: bytes = b"") -> tuple[int, Any]:
    answer = raw_exchange(emulator, request_bytes(method, "/_emulator/" + path, headers, body))
    head, _, payload = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(payload) if payload else None


def where(port: int) -> str:
    return f"send it to http://127.0.0.1:{port}/_emulator/... from a program on this machine"


OR_CONTROL_HOST = ", or start the emulator with --control-host naming the Host your requests carry"


@pytest.mark.parametrize(("headers", "detail"), [
    ([("Host", "attacker.example:{port}")],
     "control endpoints answer only requests whose Host names this machine and port (127.0.0.1:{port}, "
     "localhost:{port} or [::1]:{port}), got 'attacker.example:{port}': {where}{or_control_host}"),
    ([("Host", "127.0.0.1:1")],
     "control endpoints answer only requests whose Host names this machine and port (127.0.0.1:{port}, "
     "localhost:{port} or [::1]:{port}), got '127.0.0.1:1': {where}{or_control_host}"),
    ([("Host", "me@127.0.0.1:{port}")],
     "control endpoints answer only requests whose Host names this machine and port (127.0.0.1:{port}, "
     "localhost:{port} or [::1]:{port}), got 'me@127.0.0.1:{port}': {where}{or_control_host}"),
    ([],
     "control endpoints answer only requests whose Host names this machine and port (127.0.0.1:{port}, "
     "localhost:{port} or [::1]:{port}), got '': {where}{or_control_host}"),
    ([("Host", "127.0.0.1:{port}"), ("Origin", "http://attacker.example")],
     "control endpoints refuse requests made by web pages (Origin 'http://attacker.example'): {where}"),
    ([("Host", "127.0.0.1:{port}"), ("Origin", "null")],
     "control endpoints refuse requests made by web pages (Origin 'null'): {where}"),
    ([("Host", "localhost:{port}"), ("Origin", "http://localhost:3000")],
     "control endpoints refuse requests made by web pages (Origin 'http://localhost:3000'): {where}"),
    ([("Host", "127.0.0.1:{port}"), ("Sec-Fetch-Site", "cross-site")],
     "control endpoints refuse requests made by web pages (Sec-Fetch-Site 'cross-site'): {where}"),
])
@pytest.mark.parametrize(("method", "path"), [("GET", "state"), ("POST", "reset"), ("DELETE", "faults")])
def test_control_requests_a_web_page_could_make_are_403(emulator: Emulator, headers: list[tuple[str, str]],
                                                        detail: str, method: str, path: str) -> None:
    _, port = address(emulator)
    emulator.inject("whoami", "status", status=503)
    sent = [(name, value.format(port=port)) for name, value in headers]
    status, body = control_exchange(emulator, method, path, sent)
    expected = detail.format(port=port, where=where(port), or_control_host=OR_CONTROL_HOST)
    assert (status, body) == (403, {"errors": [{"detail": expected}]})
    assert len(emulator.state()["faults"]) == 1, "nothing was reset or cleared"


@pytest.mark.parametrize(("content_type", "body"), [
    ("text/plain", b'{"route": "whoami", "kind": "drop"}'),
    ("application/x-www-form-urlencoded", b"route=whoami&kind=drop"),
    ("", b'{"route": "whoami", "kind": "drop"}'),
])
def test_control_bodies_other_than_json_are_415(emulator: Emulator, content_type: str, body: bytes) -> None:
    host, port = address(emulator)
    headers = [("Host", f"{host}:{port}"), *([("Content-Type", content_type)] if content_type else [])]
    status, answer = control_exchange(emulator, "POST", "faults", headers, body)
    assert status == 415
    assert answer == {"errors": [{"detail": "control endpoints take JSON bodies: send Content-Type "
                                            f"application/json (got {content_type or 'none'!r})"}]}
    assert emulator.state()["faults"] == []


@pytest.mark.parametrize("headers", [
    [("Host", "127.0.0.1:{port}")],
    [("Host", "localhost:{port}")],
    [("Host", "LOCALHOST:{port}")],
    [("Host", "[::1]:{port}")],
    [("Host", "127.0.0.2:{port}")],
    [("Host", "127.0.0.1:{port}"), ("Origin", "http://127.0.0.1:{port}"), ("Sec-Fetch-Site", "same-origin")],
    [("Host", "127.0.0.1:{port}"), ("Sec-Fetch-Site", "none")],
])
def test_control_requests_from_programs_on_this_machine_are_served(emulator: Emulator,
                                                                   headers: list[tuple[str, str]]) -> None:
    _, port = address(emulator)
    sent = [(name, value.format(port=port)) for name, value in headers]
    fault = json.dumps({"route": "whoami", "kind": "drop"}).encode()
    assert control_exchange(emulator, "POST", "faults", [*sent, ("Content-Type", "application/json; charset=utf-8")],
                            fault)[0] == 201
    assert control_exchange(emulator, "GET", "state", sent)[1]["faults"][0]["kind"] == "drop"
    assert control_exchange(emulator, "DELETE", "faults", sent)[0] == 204
    assert control_exchange(emulator, "POST", "reset", sent)[0] == 204


@pytest.mark.parametrize(("control_hosts", "host", "served"), [
    ((), "emulator:{port}", False),
    (("emulator",), "emulator:{port}", True),  # a container's name, the port the emulator's own
    (("Emulator",), "EMULATOR:{port}", True),
    (("emulator",), "emulator:18080", False),
    (("localhost:18080",), "localhost:18080", True),  # a published port (docker run -p 18080:<port>)
    (("localhost:18080",), "localhost:18081", False),
    (("emulator:18080",), "attacker.example:18080", False),
])
def test_control_hosts_named_at_start_are_served_and_only_those(control_hosts: tuple[str, ...], host: str,
                                                               served: bool) -> None:
    with Emulator(api_key=KEY, sip=False, control_hosts=control_hosts) as running:
        _, port = address(running)
        status, body = control_exchange(running, "GET", "state", [("Host", host.format(port=port))])
    assert status == (200 if served else 403)
    assert ("faults" in body) is served


@pytest.mark.parametrize("bad", ["http://emulator", "emulator:0", "emulator:70000", "em ulator", ""])
def test_a_control_host_that_is_not_a_host_or_host_and_port_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="expected HOST or HOST:PORT"):
        Emulator(sip=False, control_hosts=[bad])


def test_an_emulator_on_ipv6_loopback_serves_its_control_endpoints() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        running = Emulator(host="::1", sip=False).start()
    except OSError as err:
        pytest.skip(f"cannot bind [::1]: {err}")
    try:
        assert running.base_url.startswith("http://[::1]:")
        state = requests.get(running.base_url.removesuffix("/v2") + "/_emulator/state", timeout=10)
        assert state.status_code == 200
    finally:
        running.stop()


# 7. A session with a given sid, as state written elsewhere refers to


SEEDED = "8ba038ff-91a6-4991-858d-e9ef281ff43a"


def stop_url(emulator: Emulator, sid: str, call_sid: str = CALL_SID) -> str:
    return f"{emulator.base_url}/texml/Accounts/{ACCOUNT_SID}/Calls/{call_sid}/Siprec/{sid}.json"


def test_a_session_added_with_its_sid_stops_like_any_other(emulator: Emulator) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as hook:
        hook.bind(("127.0.0.1", 0))
        callback = f"http://127.0.0.1:{hook.getsockname()[1]}/hook"
        added = requests.post(control_url(emulator, "sessions"), timeout=10, json={
            "sid": SEEDED, "call_sid": CALL_SID, "account_sid": ACCOUNT_SID,
            "params": {"ConnectorName": "my-srs", "StatusCallback": callback}})
        assert added.status_code == 201
        assert (added.json()["sid"], added.json()["status"], added.json()["params"]) == (
            SEEDED, "in-progress", {"ConnectorName": "my-srs", "StatusCallback": callback})
        assert emulator.state()["callbacks"] == [], "added, not started: no siprec-started"
        stopped = requests.post(stop_url(emulator, SEEDED), data={"Status": "stopped"}, headers=AUTH, timeout=10)
        assert stopped.status_code == 200
        assert (stopped.json()["sid"], stopped.json()["status"]) == (SEEDED, "stopped")
        [session] = emulator.state()["sessions"]
        assert (session["sid"], session["status"]) == (SEEDED, "stopped")
        state = emulator.wait_until(lambda s: len(s["callbacks"]) == 1)
        assert state["callbacks"][0]["event"] == "siprec-stopped"


def test_the_emulator_class_adds_a_session_with_its_sid() -> None:
    with Emulator(api_key=KEY, calls=[CALL_SID], sip=False) as running:
        session = running.add_session(SEEDED, CALL_SID, params={"ConnectorName": "my-srs"})
        assert (session["sid"], session["account_sid"], session["call_sid"]) == (
            SEEDED, running.behaviour.organization_id, CALL_SID)
        with pytest.raises(KeyError, match="no call 'v3:unknown': add it first with POST /_emulator/calls"):
            running.add_session("other", "v3:unknown")
        with pytest.raises(ValueError, match=f"a session with sid '{SEEDED}' exists already"):
            running.add_session(SEEDED, CALL_SID)
        running.end_call(CALL_SID)
        assert running.state()["sessions"][0]["status"] == "stopped", "its call ended: it stopped"
        with pytest.raises(ValueError, match=f"call '{CALL_SID}' is completed: a session in progress needs a live "
                                             "call"):
            running.add_session("another", CALL_SID)


@pytest.mark.parametrize(("spec", "status", "detail"), [
    ({"sid": SEEDED, "call_sid": "v3:unknown"}, 404, "no call 'v3:unknown': add it first with POST /_emulator/calls"),
    ({"sid": "a/b", "call_sid": CALL_SID}, 422,
     "sid must not contain `/` (found at position 1); ids have no `/`, `?`, `#`, whitespace or control characters"),
    ({"sid": SEEDED, "call_sid": CALL_SID, "params": {"Track": "sideways"}}, 422,
     "Track must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'sideways'"),
    ({"sid": SEEDED}, 400,
     '`sid`, `call_sid` and `account_sid` must be strings; send {"sid": "...", "call_sid": "...", "account_sid": '
     '"..." (optional), "params": {"ConnectorName": "..."} (optional)}'),
    ({"sid": SEEDED, "call_sid": CALL_SID, "status": "stopped"}, 400,
     'unknown field(s): status; send {"sid": "...", "call_sid": "...", "account_sid": "..." (optional), '
     '"params": {"ConnectorName": "..."} (optional)}'),
])
def test_a_session_that_cannot_be_added_is_refused_with_the_reason(emulator: Emulator, spec: dict[str, Any],
                                                                   status: int, detail: str) -> None:
    response = requests.post(control_url(emulator, "sessions"), json=spec, timeout=10)
    assert response.status_code == status
    assert response.json()["errors"][0]["detail"] == detail
    assert emulator.state()["sessions"] == []
