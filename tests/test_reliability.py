"""Reliability and security, in figures: every fault on every operation, through the real provider server.

Each case resets the emulator, injects one fault on one route, runs one operation over gRPC exactly as the engine
would, and asserts the outcome (recovered, or failed with a message that says what happened and what to do), the
emulator's sessions per call (a retry never forks a call twice), and that the API key appears nowhere the engine,
the logs or the emulator's records could show it. docs/reliability.md's table quotes these figures.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_telnyx_siprec import (
    CallControlCallProvider,
    CallControlSiprecSessionProvider,
    SiprecConnectorProvider,
    SiprecSessionProvider,
    TexmlCallProvider,
)
from pulumi_telnyx_siprec.emulator import Behaviour, Emulator
from pulumi_telnyx_siprec.emulator.api.server import redacted_authorization
from tests.support.faults import FAULTS, READ_TIMEOUT
from tests.support.provider_server import ProviderCallError, ProviderServer
from tests.support.samples import ACCOUNT_SID, API_KEY, CONNECTOR_INPUTS, session_inputs

CALL = "v3:reliability-call"
SESSION_TYPE = "pulumi-python:dynamic/telnyx:SiprecSession"
CONNECTOR_PROVIDER = serialize_provider(SiprecConnectorProvider())
CALL_PROVIDER = serialize_provider(TexmlCallProvider())
CALL_INPUTS = {"connection_id": "1773070540731319841", "account_sid": ACCOUNT_SID, "to": "+15550100002",
               "from_": "+15550100001", "wait_until_answered": False, "__provider": CALL_PROVIDER}
CC_CALL = "v3:reliability-cc-call"
CC_CONNECTION = "1773070540731319842"
CC_SESSION_PROVIDER = serialize_provider(CallControlSiprecSessionProvider())
CC_CALL_PROVIDER = serialize_provider(CallControlCallProvider())
CC_SESSION_INPUTS = {"call_control_id": CC_CALL, "connector_name": "srs", "__provider": CC_SESSION_PROVIDER}
CC_CALL_INPUTS = {"connection_id": CC_CONNECTION, "to": "+15550100002", "from_": "+15550100001",
                  "wait_until_answered": False, "__provider": CC_CALL_PROVIDER}
MAX_RETRIES = 3
MAX_RETRY_WAIT = 5.0
SETTINGS = {
    "telnyx:apiKey": API_KEY,
    "telnyx:readTimeout": str(READ_TIMEOUT),
    "telnyx:connectTimeout": "2",
    "telnyx:maxRetries": str(MAX_RETRIES),
    "telnyx:maxRetryWait": str(MAX_RETRY_WAIT),
}

WAIT_PER_429 = {"429 with Retry-After": 1.0, "429 with only x-ratelimit-reset": 0.2}


@dataclass(frozen=True)
class StartFails:
    """A create that may have reached Telnyx: it fails, saying so, and is never retried."""

    cause: str
    sessions: int
    """How many sessions (or calls) exist afterwards (1 when the emulator carried the request out)."""


START_FAILS = {
    "500": StartFails("answered 500: [10007] Unexpected error: injected fault: 500", 0),
    "502": StartFails("answered 502: [10007] Unexpected error: injected fault: 502", 0),
    "503": StartFails("answered 503: [10007] Unexpected error: injected fault: 503", 0),
    "slow answer past the read timeout": StartFails(f"got no answer (no answer within the {READ_TIMEOUT:g} s read "
                                                    "timeout)", 1),
    "dropped before the request was read": StartFails("got no answer (connection dropped before the answer", 0),
    "dropped after the request was carried out": StartFails("got no answer (connection dropped before the answer",
                                                            1),
    "malformed JSON body": StartFails("answered 200 with a non-JSON body (application/json)", 1),
    "HTML body with a 200": StartFails("answered 200 with a non-JSON body (text/html)", 0),
    "200 without sid": StartFails("answered 200 with a JSON object without a session `sid`", 1),
}
PLACE_FAILS = {**START_FAILS, "200 without sid": StartFails("answered 200 with a JSON object without `call_sid`", 1)}
"""A call create is as unsafe to repeat as a start: a second one would place a second call."""
CC_START_FAILS = {**START_FAILS, "200 without sid": StartFails("answered 200 with a JSON object without `data.result`",
                                                                1)}
"""A Call Control `siprec_start` has no `command_id`: as unsafe to repeat as the TeXML start."""
DIAL_FAILS = {fault: failure for fault, failure in START_FAILS.items() if failure.sessions == 0}
"""The Dial faults that leave no call: `up` fails, saying a call may have been placed. When the dial was carried out
(the others), the call is found among the connection's active calls by its `client_state`, and kept."""


# The operations, each through the provider server: `prepare` sets up what the operation acts on, directly on the
# emulator; `run` makes the RPC; `verify` checks the emulator afterwards.


class Harness:
    def __init__(self, emulator: Emulator, server: ProviderServer) -> None:
        self.emulator = emulator
        self.server = server
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {API_KEY}"
        self.seen: list[Any] = []
        """Everything the engine saw: returned properties, ids, diffs, error texts."""
        self.extra_logs: list[str] = []
        """Log output of provider servers started for one case."""

    def reset(self) -> None:
        self.http.post(self.emulator.base_url.removesuffix("/v2") + "/_emulator/reset", timeout=10)
        self.emulator.add_call(CALL)

    def start_directly(self) -> str:
        url = f"{self.emulator.base_url}/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL}/Siprec.json"
        sid: str = self.http.post(url, data={"ConnectorName": "srs"}, timeout=10).json()["sid"]
        return sid

    def place_call_directly(self) -> str:
        url = f"{self.emulator.base_url}/texml/calls/1773070540731319841"
        call_sid: str = self.http.post(url, json={"To": "+15550100002", "From": "+15550100001"}, timeout=10
                                       ).json()["call_sid"]
        return call_sid

    def placed_calls(self) -> list[dict[str, Any]]:
        return [c for c in self.emulator.state()["calls"].values() if c["connection_id"]]

    def call_state(self, call_sid: str) -> dict[str, Any]:
        return {**self.checked(CALL_INPUTS), "call_sid": call_sid, "status": "queued"}

    def add_cc_call(self) -> None:
        self.emulator.add_call_control_call(CC_CALL)

    def start_cc_directly(self) -> None:
        self.add_cc_call()
        answer = self.http.post(f"{self.emulator.base_url}/calls/{CC_CALL}/actions/siprec_start",
                                json={"connector_name": "srs"}, timeout=10)
        assert answer.status_code == 200, answer.text

    def dial_directly(self) -> str:
        answer = self.http.post(f"{self.emulator.base_url}/calls", timeout=10, json={
            "connection_id": CC_CONNECTION, "to": "+15550100002", "from": "+15550100001"})
        call_control_id: str = answer.json()["data"]["call_control_id"]
        return call_control_id

    def cc_calls(self) -> dict[str, dict[str, Any]]:
        calls: dict[str, dict[str, Any]] = self.emulator.state()["call_control_calls"]
        return calls

    def dialed(self) -> list[dict[str, Any]]:
        return [c for c in self.cc_calls().values() if c["connection_id"] == CC_CONNECTION]

    def cc_sessions(self) -> list[dict[str, Any]]:
        call = self.cc_calls().get(CC_CALL)
        return list(call["sessions"]) if call else []

    def cc_session_state(self) -> dict[str, Any]:
        return {**self.checked(CC_SESSION_INPUTS), "result": "ok"}

    def cc_call_state(self, call_control_id: str) -> dict[str, Any]:
        return {**self.checked(CC_CALL_INPUTS), "call_control_id": call_control_id, "is_alive": False,
                "client_state": "cHVsdW1p", "placed_at": "Fri, 04 Dec 2026 16:00:00 +0000"}

    def create_connector_directly(self) -> None:
        self.http.post(self.emulator.base_url + "/siprec_connectors", json=CONNECTOR_INPUTS, timeout=10)

    def sessions(self) -> list[dict[str, Any]]:
        return [s for s in self.emulator.state()["sessions"] if s["call_sid"] == CALL]

    def checked(self, news: dict[str, Any]) -> dict[str, Any]:
        """Check through the server, as the engine does first; what it returns is scanned for the key too."""
        inputs, failures = self.server.check(news)
        self.seen.append((inputs, failures))
        assert failures == []
        return inputs

    def session_state(self, sid: str) -> dict[str, Any]:
        return {**self.checked(session_inputs(call_sid=CALL)), "sid": sid, "status": "in-progress"}

    def connector_state(self) -> dict[str, Any]:
        return {**CONNECTOR_INPUTS, "record_type": "siprec_connector", "__provider": CONNECTOR_PROVIDER}


@dataclass(frozen=True)
class Operation:
    route: str
    run: Callable[[Harness, Any], Any]
    prepare: Callable[[Harness], Any] = lambda _h: None
    verify: Callable[[Harness, Any, Any], None] = lambda _h, _prepared, _result: None


def _start(h: Harness, _prepared: Any) -> Any:
    return h.server.create(h.checked(session_inputs(call_sid=CALL)))


def _verify_started(h: Harness, _prepared: Any, result: Any) -> None:
    [session] = h.sessions()
    assert result[0] == session["sid"]


def _start_looking_up_the_account(h: Harness, _prepared: Any) -> Any:
    # A provider process asks for the account once: a fresh one, so that the lookup meets the fault.
    with ProviderServer(SiprecSessionProvider(), SESSION_TYPE, log_level="DEBUG") as server:
        server.configure({**SETTINGS, "telnyx:baseUrl": h.emulator.base_url})
        inputs, failures = server.check({k: v for k, v in session_inputs(call_sid=CALL).items() if k != "account_sid"})
        h.seen.append((inputs, failures))
        try:
            return server.create(inputs)
        finally:
            h.extra_logs.append(server.stderr_text())


def _verify_placed(h: Harness, _prepared: Any, result: Any) -> None:
    [call] = h.placed_calls()
    assert result[0] == call["sid"]


def _verify_stopped(h: Harness, _sid: Any, _result: Any) -> None:
    assert [s["status"] for s in h.sessions()] == ["stopped"]


def _verify_connector(port: int) -> Callable[[Harness, Any, Any], None]:
    def verify(h: Harness, _prepared: Any, _result: Any) -> None:
        connectors = h.emulator.state()["connectors"]
        assert list(connectors) == ["test-srs"]
        assert connectors["test-srs"]["port"] == port

    return verify


OPERATIONS: dict[str, Operation] = {
    "session start": Operation("siprec.start", _start, verify=_verify_started),
    "session stop": Operation(
        "siprec.stop", lambda h, sid: h.server.delete(sid, h.session_state(sid)),
        prepare=Harness.start_directly, verify=_verify_stopped),
    "session refresh": Operation(
        "call.fetch", lambda h, sid: h.server.read(sid, h.session_state(sid)), prepare=Harness.start_directly,
        verify=lambda _h, sid, result: _equal(result[0], sid)),
    "session start, account looked up": Operation("whoami", _start_looking_up_the_account,
                                                  verify=_verify_started),
    "call create": Operation(
        "call.create", lambda h, _p: h.server.create(h.checked(CALL_INPUTS)), verify=_verify_placed),
    "call refresh": Operation(
        "call.fetch", lambda h, sid: h.server.read(sid, h.call_state(sid)), prepare=Harness.place_call_directly,
        verify=lambda _h, sid, result: _equal(result[0], sid)),
    "call hang-up": Operation(
        "call.update", lambda h, sid: h.server.delete(sid, h.call_state(sid)), prepare=Harness.place_call_directly,
        verify=lambda h, _sid, _result: _equal([c["status"] for c in h.placed_calls()], ["completed"])),
    "connector create": Operation(
        "connector.create",
        lambda h, _p: h.server.create(h.checked({**CONNECTOR_INPUTS, "__provider": CONNECTOR_PROVIDER})),
        verify=_verify_connector(5060)),
    "connector read": Operation(
        "connector.read", lambda h, _p: h.server.read("test-srs", h.connector_state()),
        prepare=Harness.create_connector_directly, verify=lambda _h, _p, result: _equal(result[0], "test-srs")),
    "connector update": Operation(
        "connector.update",
        lambda h, _p: h.server.update("test-srs", h.connector_state(), {**h.connector_state(), "port": 5061}),
        prepare=Harness.create_connector_directly, verify=_verify_connector(5061)),
    "connector delete": Operation(
        "connector.delete", lambda h, _p: h.server.delete("test-srs", h.connector_state()),
        prepare=Harness.create_connector_directly,
        verify=lambda h, _p, _r: _equal(h.emulator.state()["connectors"], {})),
    "cc session start": Operation(
        "call_control.siprec_start", lambda h, _p: h.server.create(h.checked(CC_SESSION_INPUTS)),
        prepare=Harness.add_cc_call,
        verify=lambda h, _p, result: _equal((result[0], [s["status"] for s in h.cc_sessions()]),
                                            (CC_CALL, ["in-progress"]))),
    "cc session stop": Operation(
        "call_control.siprec_stop", lambda h, _p: h.server.delete(CC_CALL, h.cc_session_state()),
        prepare=Harness.start_cc_directly,
        verify=lambda h, _p, _r: _equal([s["status"] for s in h.cc_sessions()], ["stopped"])),
    "cc session refresh": Operation(
        "call_control.status", lambda h, _p: h.server.read(CC_CALL, h.cc_session_state()),
        prepare=Harness.start_cc_directly, verify=lambda _h, _p, result: _equal(result[0], CC_CALL)),
    "cc call dial": Operation(
        "call_control.dial", lambda h, _p: h.server.create(h.checked(CC_CALL_INPUTS)),
        verify=lambda h, _p, result: _equal([c["call_control_id"] for c in h.dialed()], [result[0]])),
    "cc call refresh": Operation(
        "call_control.status", lambda h, cid: h.server.read(cid, h.cc_call_state(cid)),
        prepare=Harness.dial_directly, verify=lambda _h, cid, result: _equal(result[0], cid)),
    "cc call hang-up": Operation(
        "call_control.hangup", lambda h, cid: h.server.delete(cid, h.cc_call_state(cid)),
        prepare=Harness.dial_directly,
        verify=lambda h, _cid, _r: _equal([c["state"] for c in h.dialed()], ["ended"])),
}
CASES = [(op, fault) for op in OPERATIONS for fault in FAULTS
         if fault != "200 without sid" or op in ("session start", "session stop", "call create", "cc session start",
                                                 "cc session stop", "cc call dial")]
AMBIGUOUS = {"session start": START_FAILS, "call create": PLACE_FAILS, "cc session start": CC_START_FAILS,
             "cc call dial": DIAL_FAILS}
"""The creates that are never repeated once they may have reached Telnyx, and the faults that leave them unsure."""


def _equal(actual: Any, expected: Any) -> None:
    assert actual == expected


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    # Placed calls are answered at once, so that a hang-up always meets a call in progress.
    with Emulator(api_key=API_KEY, behaviour=Behaviour(call_answer_delay=0), sip=False) as emulator, ProviderServer(
        SiprecSessionProvider(), SESSION_TYPE, log_level="DEBUG"
    ) as server:
        server.configure({**SETTINGS, "telnyx:baseUrl": emulator.base_url})
        yield Harness(emulator, server)


def assert_no_key_anywhere(h: Harness) -> None:
    """The key is nowhere but in the Authorization headers the emulator received."""
    state = h.emulator.state()
    for request in state["requests"]:
        # The emulator keeps a fingerprint of the key it received, never the key.
        assert request["headers"].pop("Authorization") == redacted_authorization(f"Bearer {API_KEY}")
    for text, where in [
        (json.dumps(h.seen, default=repr), "what the engine saw (properties, ids, error texts)"),
        (h.server.stderr_text() + "".join(h.extra_logs), "the provider servers' log output"),
        (json.dumps(state), "the emulator's records (besides the auth header)"),
        (base64.b64decode(h.server.serialized_provider or "").decode("latin-1"), "the pickled provider"),
        (base64.b64decode(CONNECTOR_PROVIDER).decode("latin-1"), "the pickled connector provider"),
    ]:
        assert API_KEY not in text, f"the API key leaked into {where}"


@pytest.mark.parametrize(("operation", "fault"), CASES)
def test_fault_matrix(harness: Harness, operation: str, fault: str) -> None:
    op = OPERATIONS[operation]
    harness.reset()
    prepared = op.prepare(harness)
    harness.emulator.inject(op.route, **FAULTS[fault])
    outcome: Any
    try:
        outcome = op.run(harness, prepared)
    except ProviderCallError as err:
        outcome = err
        harness.seen.append(err.details)
    else:
        harness.seen.append(outcome)
    state = harness.emulator.wait_until_idle()  # a late answer lands in this case, never in the next one
    assert state["faults"] == [], "the fault was injected and consumed: the case exercised it"
    assert FAULTS[fault]["kind"] in [r["fault"] for r in state["requests"] if r["route"] == op.route]

    fails = AMBIGUOUS.get(operation, {})
    if fault in fails:
        expected = fails[fault]
        assert isinstance(outcome, ProviderCallError), f"expected a failure, got {outcome!r}"
        if operation == "session start":
            assert outcome.last_line.startswith(
                "pulumi_telnyx_siprec.client.errors.SessionMayExistError: start SIPREC session failed: POST "
                f"/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL}/Siprec.json")
            assert f"a SIPREC session may now be running on call '{CALL}'; it was not retried" in outcome.last_line
            assert (f"POST Status=stopped to {harness.emulator.base_url}/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL}/"
                    "Siprec/{sid}.json") in outcome.last_line
            assert len(harness.sessions()) == expected.sessions
        elif operation == "call create":
            assert outcome.last_line.startswith(
                "pulumi_telnyx_siprec.client.errors.CallMayExistError: place TeXML call failed: POST "
                "/texml/calls/1773070540731319841")
            assert ("so a call from '+15550100001' to '+15550100002' may have been placed; it was not retried, to "
                    "avoid placing a second call") in outcome.last_line
            assert len(harness.placed_calls()) == expected.sessions
        elif operation == "cc session start":
            assert outcome.last_line.startswith(
                "pulumi_telnyx_siprec.client.errors.CallControlSessionMayExistError: start SIPREC session failed: "
                f"POST /calls/{CC_CALL}/actions/siprec_start")
            assert (f"a SIPREC session may now be running on call '{CC_CALL}'; it was not retried, to avoid forking "
                    f"the call twice. To stop it, POST to {harness.emulator.base_url}/calls/{CC_CALL}/actions/"
                    "siprec_stop") in outcome.last_line
            assert len(harness.cc_sessions()) == expected.sessions
        else:
            assert outcome.last_line.startswith(
                "pulumi_telnyx_siprec.client.errors.CallMayExistError: dial Call Control call failed: POST /calls")
            assert ("it is not among the connection's active calls (yet). The dial may have reached Telnyx, so a call "
                    "from '+15550100001' to '+15550100002' may have been placed; it was not retried, to avoid placing "
                    "a second call. It carries client_state 'cHVsdW1pLXRlbG55eC1zaXByZWM6") in outcome.last_line
            assert harness.dialed() == []
        assert expected.cause in outcome.last_line
        creates = [r for r in harness.emulator.state()["requests"] if r["route"] == op.route]
        assert len(creates) == 1, "an ambiguous create is never sent again"
    else:
        assert not isinstance(outcome, ProviderCallError), outcome.last_line
        op.verify(harness, prepared, outcome)
    assert len(harness.sessions()) <= 1, "no retry ever started a second session on the call"
    assert len(harness.placed_calls()) <= 1, "no retry ever placed a second call"
    assert len(harness.cc_sessions()) <= 1, "no retry ever started a second Call Control session"
    assert len(harness.dialed()) <= 1, "no retry ever dialed a second call"
    if operation == "cc call dial" and fault not in DIAL_FAILS and FAULTS[fault]["kind"] != "status":
        made = [r["route"] for r in harness.emulator.state()["requests"]]
        assert made.count("call_control.active_calls") == 1, "the call whose dial answer was lost was looked up"
    if fault in WAIT_PER_429:
        faulted = [r for r in harness.emulator.state()["requests"] if r["fault"] == "status"]
        assert len(faulted) * WAIT_PER_429[fault] <= MAX_RETRY_WAIT
    assert_no_key_anywhere(harness)


def test_the_matrix_covers_every_fault_on_every_operation() -> None:
    assert len(FAULTS) == 11
    assert len(OPERATIONS) == 17
    assert len(CASES) == 113 + 6 * 10 + 3
    assert len(START_FAILS) == len(PLACE_FAILS) == len(CC_START_FAILS) == 9, \
        "every create fault but the two 429s leaves the outcome unknown"
    assert len(DIAL_FAILS) == 5, "a dial carried out is found again"


def test_the_log_output_that_was_scanned_is_not_empty(harness: Harness) -> None:
    harness.reset()
    _start(harness, None)
    assert "urllib3.connectionpool" in harness.server.stderr_text(), "the scan must cover real log output"


# The bounds on retrying, read off the emulator's records (the Retry-After it sent, the attempts it saw).


def _starts(h: Harness) -> list[dict[str, Any]]:
    return [r for r in h.emulator.state()["requests"] if r["route"] == "siprec.start"]


def test_the_total_wait_is_bounded_by_max_retry_wait(harness: Harness) -> None:
    harness.reset()
    harness.emulator.inject("siprec.start", "status", status=429, headers={"Retry-After": "3"}, count=5)
    with pytest.raises(ProviderCallError) as caught:
        _start(harness, None)
    harness.seen.append(caught.value.details)
    # One wait of 3 s fits the 5 s budget; a second would not, so the client stops after two attempts.
    assert len(_starts(harness)) == 2
    assert "still rate limited after 2 attempt(s) and 3 s of waiting (Telnyx asks to wait 3 s more)" in \
        caught.value.last_line
    assert caught.value.last_line.endswith("; wait and try again, or lower the parallelism (`pulumi up --parallel 1`)")
    assert harness.sessions() == []
    assert_no_key_anywhere(harness)
    # The provider process holds back every request until the 3 s Telnyx last asked for have passed (the pause
    # is the client's, not the operation's); the tests after this one share the process and start after it.
    time.sleep(3)


def test_the_number_of_retries_is_bounded_by_max_retries(harness: Harness) -> None:
    harness.reset()
    harness.emulator.inject("siprec.start", "status", status=429, headers={"Retry-After": "0"}, count=10)
    with pytest.raises(ProviderCallError) as caught:
        _start(harness, None)
    assert len(_starts(harness)) == 1 + MAX_RETRIES
    assert f"still rate limited after {1 + MAX_RETRIES} attempt(s) and 0 s of waiting" in caught.value.last_line


# Concurrency: the provider server's 4 workers share one provider and one HTTP client.

CONCURRENT_OPERATIONS = 200
REJECTED_SHARE = 0.3


def test_concurrent_creates_and_deletes_with_rate_limiting() -> None:
    calls = [f"v3:concurrent-{i}" for i in range(CONCURRENT_OPERATIONS)]
    with Emulator(api_key=API_KEY, calls=calls, seed=7) as emulator, ProviderServer(
        SiprecSessionProvider(), SESSION_TYPE
    ) as server:
        # Enough retries that a run of 429s (30% each) never exhausts them: 0.3^11 per operation.
        server.configure({**SETTINGS, "telnyx:maxRetries": "10", "telnyx:baseUrl": emulator.base_url})
        for route in ("siprec.start", "siprec.stop"):
            emulator.inject(route, "status", status=429, headers={"Retry-After": "0"}, count=100_000,
                            probability=REJECTED_SHARE)
        inputs = {call: server.check(session_inputs(call_sid=call))[0] for call in calls}
        with ThreadPoolExecutor(max_workers=4) as pool:
            created = list(pool.map(lambda call: server.create(inputs[call]), calls))
            state = emulator.state()
            sessions = {s["sid"]: s for s in state["sessions"]}
            assert len(sessions) == CONCURRENT_OPERATIONS
            assert sorted(s["call_sid"] for s in sessions.values()) == sorted(calls), "one session per call"
            for call, (sid, outs) in zip(calls, created, strict=True):
                # Each answer went back to the request that asked: the shared client never crossed them.
                assert (outs["sid"], outs["call_sid"], sessions[sid]["call_sid"]) == (sid, call, call)
            list(pool.map(lambda made: server.delete(made[0], made[1]), created))
        state = emulator.state()
        assert all(s["status"] == "stopped" for s in state["sessions"])
        rejected = [r for r in state["requests"] if r["fault"] == "status"]
        answered = [r for r in state["requests"] if r["fault"] is None]
        assert len(answered) == 2 * CONCURRENT_OPERATIONS
        assert 0.2 < len(rejected) / len(state["requests"]) < 0.4
        assert server.calls.count("Create") == server.calls.count("Delete") == CONCURRENT_OPERATIONS


# Destroy is safe to repeat.


def test_a_second_delete_of_a_session_succeeds(harness: Harness) -> None:
    harness.reset()
    sid = harness.start_directly()
    harness.server.delete(sid, harness.session_state(sid))
    harness.server.delete(sid, harness.session_state(sid))
    stops = [r["status"] for r in harness.emulator.state()["requests"] if r["route"] == "siprec.stop"]
    assert stops == [200, 404]


def test_deleting_a_session_whose_call_ended_succeeds(harness: Harness) -> None:
    harness.reset()
    sid = harness.start_directly()
    harness.emulator.end_call(CALL)
    harness.server.delete(sid, harness.session_state(sid))


def test_refresh_then_destroy(harness: Harness) -> None:
    harness.reset()
    sid = harness.start_directly()
    read_id, outs, _ = harness.server.read(sid, harness.session_state(sid))
    assert read_id == sid
    harness.server.delete(read_id, outs)
    assert [s["status"] for s in harness.sessions()] == ["stopped"]
    harness.emulator.end_call(CALL)
    assert harness.server.read(sid, harness.session_state(sid))[0] == "", "an ended call's session leaves the state"


def test_a_second_delete_of_a_connector_succeeds(harness: Harness) -> None:
    harness.reset()
    harness.create_connector_directly()
    harness.server.delete("test-srs", harness.connector_state())
    harness.server.delete("test-srs", harness.connector_state())
    assert harness.emulator.state()["connectors"] == {}
