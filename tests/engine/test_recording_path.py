"""The recording path end to end (issue 14): `pulumi up` of the test-call stack makes a real SRS (SIPp) receive a
SIPREC INVITE and RTP from the emulator; `pulumi destroy` makes it receive BYE; a refusing SRS fails `pulumi up`. With
`secure` (issue 23), the local TLS SRS on port 5061 receives the session over TLS and its media as SRTP."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.emulator.siprec.rtp import TONE_HZ
from pulumi_telnyx_siprec.emulator.srs.local_srs import LocalSrs
from pulumi_telnyx_siprec.emulator.srs.tone import TOLERANCE_HZ
from tests.support.engine import (
    CALL_CONTROL_APP,
    CONNECTION,
    KEY,
    EngineStack,
    call_control_example_project,
    call_example_project,
)
from tests.support.sipp import require_sipp


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=KEY) as running:
        yield running


def recorded_stack(tmp_path: Path, cli: Path, emulator: Emulator, srs: LocalSrs, **config: str) -> EngineStack:
    stack = EngineStack(call_example_project(tmp_path / "project"), tmp_path, cli=cli)
    stack.set_config({"telnyx:baseUrl": emulator.base_url, "connectionId": CONNECTION, "srsHost": srs.host,
                      "srsPort": str(srs.port), "testRun": "run-42", **config}, {"telnyx:apiKey": KEY})
    return stack


@pytest.mark.parametrize(("track", "metadata", "streams"), [("both_tracks", "true", 2), ("inbound_track", "false", 1)])
def test_up_sends_the_srs_one_siprec_invite_and_rtp_and_destroy_sends_bye(
        tmp_path: Path, cli: Path, emulator: Emulator, track: str, metadata: str, streams: int) -> None:
    require_sipp()
    with LocalSrs("accept", transport="udp") as srs:
        stack = recorded_stack(tmp_path, cli, emulator, srs, track=track, metadataHeaders=metadata)
        stack.up()
        emulator.wait_until(lambda state: all(n > 10 for n in state["sessions"][0]["sip"]["rtp_packets"]))
        stack.destroy()
        emulator.wait_until(lambda state: state["sessions"][0]["sip"]["bye_code"] == 200)
        report = srs.stop()
    assert report.problems == ()
    [received] = report.sessions
    assert received.problems == ()
    assert (len(report.invites), len(report.acks), len(report.byes)) == (1, received.answers_sent, 1)
    assert received.answers_sent >= 1
    assert (received.answer, received.acked, received.bye) == (200, True, True)
    invite = received.invite
    assert "siprec" in (invite.get("require") or "")
    assert "+sip.src" in (invite.get("contact") or "")
    assert (invite.get("session-expires") or "").startswith("1800")
    assert [s.label for s in received.streams] == [str(n) for n in range(1, streams + 1)]
    assert all(s.direction == "sendonly" and s.formats[0] == "0" for s in received.streams), "PCMU, sendonly"
    assert all(s.rtp_packets > 10 for s in received.streams), "RTP reached every answered port"
    sip = emulator.state()["sessions"][0]["sip"]
    assert (sip["final_code"], sip["bye_code"], len(sip["rtp_packets"])) == (200, 200, streams)
    # The call's custom header goes to the SRS as metadata only when asked, else as a SIP header.
    if metadata == "true":
        assert (received.extension_parameters, received.custom_headers) == ((("X-Test-Run", "run-42"),), ())
    else:
        assert received.extension_parameters == ()
        assert [(name.lower(), value) for name, value in received.custom_headers] == [("x-test-run", "run-42")]


def test_an_srs_that_refuses_fails_up_naming_the_sip_answer_and_the_connector(tmp_path: Path, cli: Path,
                                                                              emulator: Emulator) -> None:
    require_sipp()
    with LocalSrs("busy", transport="udp") as srs:
        stack = recorded_stack(tmp_path, cli, emulator, srs)
        text = stack.failing(stack.up)
        report = srs.stop()
    assert "pulumi_telnyx_siprec.resources.siprec_session.operations.SessionFailedError: start SIPREC session" in text
    assert ("Telnyx reports it `failed` (error_code `486`, the SRS's SIP answer when it is a SIP status code): the "
            "Session Recording Server behind connector `test-call-srs` refused the recording or did not answer") in text
    [session] = emulator.state()["sessions"]
    assert session["status"] == "failed"
    assert session["sip"]["final_code"] == 486
    assert [s.answer for s in report.sessions] == [486]
    # The stack keeps what was made (connector, call) and no session: destroy cleans up.
    stack.destroy()
    assert emulator.state()["connectors"] == {}


def test_a_call_control_session_records_to_the_srs_and_ends_when_its_call_does(tmp_path: Path, cli: Path,
                                                                               emulator: Emulator) -> None:
    require_sipp()
    with LocalSrs("accept", transport="udp") as srs:
        stack = EngineStack(call_control_example_project(tmp_path / "project"), tmp_path, cli=cli)
        stack.set_config({"telnyx:baseUrl": emulator.base_url, "connectionId": CALL_CONTROL_APP,
                          "srsHost": srs.host, "srsPort": str(srs.port), "testRun": "run-42"}, {"telnyx:apiKey": KEY})
        stack.up()

        def session(state: dict[str, Any]) -> dict[str, Any]:
            [call] = state["call_control_calls"].values()
            found: dict[str, Any] = call["sessions"][-1]
            return found

        emulator.wait_until(lambda state: all(n > 10 for n in session(state)["sip"].get("rtp_packets", [0])))
        emulator.set_call_duration(0.1)  # the far end hangs up: the session ends because its call did
        emulator.wait_until(lambda state: session(state)["sip"].get("bye_code") == 200)
        stack.refresh()
        assert [r["type"] for r in stack.resources("dynamic/telnyx:")] == [
            "pulumi-python:dynamic/telnyx:SiprecConnector"], "the call and its session left the state"
        stack.destroy()
        report = srs.stop()
    assert report.problems == ()
    [received] = report.sessions
    assert (received.answer, received.acked, received.bye) == (200, True, True)
    assert (len(report.invites), len(report.byes)) == (1, 1)
    assert "siprec" in (received.invite.get("require") or "")
    assert [s.label for s in received.streams] == ["1", "2"]
    assert all(s.rtp_packets > 10 for s in received.streams)
    assert (received.extension_parameters, received.custom_headers) == ((("X-Test-Run", "run-42"),), ())
    [call] = emulator.state()["call_control_calls"].values()
    assert ([s["status"] for s in call["sessions"]], call["hangup_cause"]) == (["stopped"], "normal_clearing")


def tls_srs_on_5061() -> LocalSrs:
    """The TLS SRS on port 5061 (a secure session's connector must have it) of 127.0.0.1, or of another loopback
    address when that one is taken (Linux routes all of 127.0.0.0/8 here)."""
    hosts = ["127.0.0.1", *(f"127.{random.randint(1, 250)}.{random.randint(1, 250)}.{random.randint(1, 250)}"  # noqa: S311
                            for _ in range(5))]
    for host in hosts:
        srs = LocalSrs("accept", transport="tls", host=host, port=5061)
        try:
            return srs.start()
        except OSError:
            continue
    pytest.skip("port 5061 is taken on every loopback address tried")


def test_a_secure_session_records_over_tls_and_srtp_to_the_srs_on_port_5061(tmp_path: Path, cli: Path,
                                                                           emulator: Emulator) -> None:
    pytest.importorskip("pylibsrtp")
    srs = tls_srs_on_5061()
    try:
        stack = recorded_stack(tmp_path, cli, emulator, srs, secure="true", sipTransport="tls")
        stack.up()
        emulator.wait_until(lambda state: all(n > 50 for n in state["sessions"][0]["sip"]["rtp_packets"]))
        stack.destroy()
        emulator.wait_until(lambda state: state["sessions"][0]["sip"]["bye_code"] == 200)
        report = srs.stop()
    finally:
        srs.close()
    sip = emulator.state()["sessions"][0]["sip"]
    assert (sip["transport"], [m["srtp_suite"] for m in sip["answered_media"]]) == (
        "tls", ["AES_CM_128_HMAC_SHA1_80"] * 2)
    assert report.recording_problems(1) == []
    [received] = report.sessions
    assert [s.protocol for s in received.streams] == ["RTP/SAVP"] * 2
    # Every packet the emulator sent passed the SRS's SRTP authentication, and each stream carried its own tone.
    assert [(s.rtp_packets, s.rejected_packets) for s in received.streams] == [(n, 0) for n in sip["rtp_packets"]]
    for stream, track in zip(received.streams, ("inbound", "outbound"), strict=True):
        assert stream.tone_hz is not None
        assert abs(stream.tone_hz - TONE_HZ[track]) <= TOLERANCE_HZ
