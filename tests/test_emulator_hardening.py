"""The emulator's HTTP side against hostile or careless clients (issue 23, point 5): credentials never echoed, deep
JSON refused, faults only for authenticated requests, idle and slow connections closed, memory bounded, and control
endpoints that a web page cannot drive."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from pulumi_telnyx_siprec.emulator import Emulator
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
