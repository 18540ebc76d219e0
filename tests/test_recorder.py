"""The emulator's SIPREC client keeps the handles of the sessions alive only; an ended session's record keeps its
last outcome."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, cast

import pytest

from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient
from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.emulator.recorder import LiveHandles
from pulumi_telnyx_siprec.emulator.siprec import SessionHandle, SrcOutcome
from pulumi_telnyx_siprec.emulator.srs.local_srs import LocalSrs
from tests.support.samples import ACCOUNT_SID, API_KEY

ESTABLISHED = SrcOutcome(state="established", final_code=200, final_reason="OK", rtp_packets=(10, 10))


@dataclass
class StubHandle:
    """What LiveHandles reads of a SessionHandle: its outcome so far and its INVITE."""

    now: SrcOutcome
    invite: bytes = b"INVITE sip:srs@127.0.0.1 SIP/2.0\r\n\r\n"

    def outcome(self) -> SrcOutcome:
        return self.now

    def stop(self) -> None:
        self.now = replace(self.now, state="ended", ended_by="src")


def test_adding_a_handle_retires_those_of_sessions_that_are_over_with_their_last_outcome() -> None:
    retired: list[tuple[str, dict[str, Any]]] = []
    handles = LiveHandles(retire=lambda sid, facts: retired.append((sid, facts)))
    states = ("established", "failed", "timeout", "cancelled", "ended", "calling", "proceeding")
    stubs = {state: StubHandle(ESTABLISHED) for state in states}
    for state, stub in stubs.items():
        handles.add(state, cast(SessionHandle, stub))
    for state, stub in stubs.items():  # what became of each session since
        stub.now = replace(ESTABLISHED, state=state)
    assert len(handles) == len(states)
    handles.add("next", cast(SessionHandle, StubHandle(ESTABLISHED)))
    assert sorted(sid for sid, _ in retired) == ["cancelled", "ended", "failed", "timeout"]
    assert len(handles) == 4  # established, calling, proceeding, next
    last = dict(retired)["ended"]
    assert (last["state"], list(last["rtp_packets"])) == ("ended", [10, 10])
    assert last["invite"].startswith("INVITE ")
    assert handles.view("ended") == {}
    assert handles.get("ended") is None
    assert handles.view("established")["state"] == "established"


@pytest.mark.usefixtures("sipp")
def test_a_session_record_keeps_its_outcome_once_its_handle_is_retired() -> None:
    """Recordings one after the other leave one handle kept: the state still shows each one's SIP side."""
    calls = [f"v3:recorder-{n}" for n in range(3)]
    with LocalSrs("accept") as srs, Emulator(api_key=API_KEY, calls=calls) as emulator:
        client = TelnyxClient(API_KEY, emulator.base_url)
        client.create_connector({"name": "srs", "host": srs.host, "port": srs.port})
        ended: list[dict[str, Any]] = []
        for call in calls:
            started = client.start_siprec(ACCOUNT_SID, call, {"ConnectorName": "srs"})
            emulator.wait_until(lambda state: min(state["sessions"][-1]["sip"].get("rtp_packets") or [0]) >= 5)
            client.stop_siprec(ACCOUNT_SID, call, started.sid)
            seen = emulator.wait_until(lambda state: state["sessions"][-1]["sip"].get("bye_code") == 200)
            ended.append(seen["sessions"][-1]["sip"])
        assert emulator.sip_sessions_held == 1  # the last one's, whose session is over too
        kept = [session["sip"] for session in emulator.state()["sessions"]]
        client.close()
    for before, after in zip(ended, kept, strict=True):
        assert (after["state"], after["bye_code"], after["ended_by"]) == ("ended", 200, "src")
        assert after["rtp_packets"] == before["rtp_packets"]
        assert after["invite"] == before["invite"]
