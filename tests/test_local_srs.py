"""The package's local SRS (SIPp + an RTP counter), as a command and as `LocalSrs`, fed by the emulator's client.

Nothing asserts on durations: waits are conditions with generous limits.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_telnyx_siprec.emulator.siprec import RecordingRequest, SiprecUserAgent
from pulumi_telnyx_siprec.emulator.srs.local_srs import LocalSrs, SrsReport
from pulumi_telnyx_siprec.emulator.srs.sipp import SippNotFoundError
from tests.support.processes import piped_process, stopped
from tests.support.sipp import WAIT, recording_request, wait_until

COMMAND = [sys.executable, "-m", "pulumi_telnyx_siprec.emulator.srs"]
FORMER_COMMAND = [sys.executable, "-m", "pulumi_telnyx_siprec.emulator.local_srs"]
"""The command's name before the harness moved to `emulator/srs/`: scripts may still use it."""


def request(port: int, **changes: object) -> RecordingRequest:
    return recording_request(port, **{"session_sid": "3f1c2d4e-0000-4000-8000-000000000002",
                                      "call_sid": "v3:local-srs", **changes})


def first_line(process: subprocess.Popen[str]) -> str:
    """The command's first stdout line, or a failure with its stderr if it does not come."""
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], WAIT)
    line = process.stdout.readline() if readable else ""
    if not line:
        process.kill()
        _out, err = process.communicate()
        pytest.fail(f"local_srs printed no address: {err[-2000:]}")
    return line


@pytest.mark.usefixtures("sipp")
@pytest.mark.parametrize(("command", "transport", "stop_signal"),
                         [(COMMAND, "udp", signal.SIGTERM), (COMMAND, "tcp", signal.SIGINT),
                          (FORMER_COMMAND, "udp", signal.SIGTERM)],
                         ids=["udp-SIGTERM", "tcp-SIGINT", "former-local_srs-udp-SIGTERM"])
def test_the_command_receives_a_session_counts_its_rtp_and_reports_on_a_signal(
        agent: SiprecUserAgent, tmp_path: Path, command: list[str], transport: str, stop_signal: signal.Signals
) -> None:
    report_file = tmp_path / "report.json"
    with piped_process([*command, "--transport", transport, "--report-file", str(report_file)],
                       cwd=tmp_path) as process:
        host, port = first_line(process).split()
        handle = agent.start(request(int(port), srs_host=host, transport=transport,
                                     include_metadata_custom_headers=True, custom_headers=(("X-Ticket", "42"),)))
        assert handle.wait_established(WAIT).final_code == 200
        assert wait_until(lambda: min(handle.outcome().rtp_packets) >= 10)
        sent = handle.stop().rtp_packets
        out, err = stopped(process, stop_signal)

    assert process.returncode == 0, err
    assert host == "127.0.0.1"
    report = json.loads(report_file.read_text())
    assert report["sipp_exit_status"] == 0
    assert (report["scenario"], report["transport"], report["port"]) == ("accept", transport, int(port))
    (session,) = report["sessions"]
    assert session["answers_sent"] >= 1
    assert report["received"] == {"INVITE": 1, "ACK": session["answers_sent"], "BYE": 1}
    assert (session["answer"], session["acked"], session["bye"]) == (200, True, True)
    assert session["extension_parameters"] == [["X-Ticket", "42"]]
    assert session["custom_headers"] == []
    assert [(p["aor"], p["sends"], p["receives"]) for p in session["participants"]] == [
        ("sip:+15551230001@127.0.0.1", ["1"], ["2"]), ("sip:+15551230002@127.0.0.1", ["2"], ["1"])]
    streams = session["streams"]
    assert [(s["label"], s["direction"], s["protocol"], s["sent_by"]) for s in streams] == [
        ("1", "sendonly", "RTP/AVP", ["sip:+15551230001@127.0.0.1"]),
        ("2", "sendonly", "RTP/AVP", ["sip:+15551230002@127.0.0.1"])]
    assert all(stream["stream_id"] for stream in streams)
    for stream, sent_packets in zip(streams, sent, strict=True):
        assert 10 <= stream["rtp_packets"] <= sent_packets
        assert report["rtp_packets"][str(stream["answered_port"])] == stream["rtp_packets"]
    # After the address line (read above), the printed report says the same for people.
    assert out.startswith(f"SRS report: scenario accept, {transport} {host}:{port}, sipp exit status 0\n")
    assert f"received: 1 INVITE, {session['answers_sent']} ACK, 1 BYE" in out
    assert f"answered port {streams[0]['answered_port']}: {streams[0]['rtp_packets']} RTP packets" in out
    assert "metadata extension parameters: X-Ticket=42" in out


@pytest.mark.usefixtures("sipp")
@pytest.mark.parametrize("recorded", [True, False], ids=["recorded", "nothing-recorded"])
def test_expect_recordings_makes_the_command_fail_unless_every_session_was_recorded_in_full(
        agent: SiprecUserAgent, tmp_path: Path, recorded: bool) -> None:
    with piped_process([*COMMAND, "--expect-recordings", "1"], cwd=tmp_path) as process:
        host, port = first_line(process).split()
        if recorded:
            handle = agent.start(request(int(port), srs_host=host))
            assert handle.wait_established(WAIT).final_code == 200
            assert wait_until(lambda: min(handle.outcome().rtp_packets) >= 1)
            handle.stop()
        _out, err = stopped(process)
    if recorded:
        assert (process.returncode, err) == (0, "")
    else:
        assert process.returncode == 1
        assert err == "local_srs: not recorded: expected 1 recording session(s), received 0\n"


@pytest.mark.usefixtures("sipp")
def test_a_refused_session_is_not_a_recording(agent: SiprecUserAgent) -> None:
    with LocalSrs("busy", calls=1) as srs:
        handle = agent.start(request(srs.port))
        assert handle.wait_established(WAIT).final_code == 486
        report = srs.wait(WAIT)
    [session] = report.sessions
    problems = report.recording_problems(1)
    assert f"session 1 (Call-ID {session.call_id}): the SRS answered 486, not 200" in problems
    assert f"session 1 (Call-ID {session.call_id}): no BYE" in problems
    assert any(p.startswith("session 1") and "no RTP on stream" in p for p in problems)


@pytest.mark.usefixtures("sipp")
def test_a_busy_srs_reports_the_invite_its_486_and_the_ack(agent: SiprecUserAgent) -> None:
    # SIPp ends its one call once the ACK has come and its scenario's wait is over: stopping it as soon as the 486
    # reached us could cut SIPp off before it read the ACK.
    with LocalSrs("busy", calls=1) as srs:
        handle = agent.start(request(srs.port, track="inbound_track", custom_headers=(("X-Ticket", "42"),)))
        assert handle.wait_established(WAIT).final_code == 486
        report = srs.wait(WAIT)

    assert report.returncode == 0
    (session,) = report.sessions
    # An ACK for every copy of the 486: SIPp resends it when the first ACK is slow to reach it (a loaded machine).
    assert (len(report.invites), len(report.acks), len(report.byes)) == (1, session.answers_sent, 0)
    assert session.answers_sent >= 1
    assert (session.answer, session.acked, session.bye) == (486, True, False)
    assert session.custom_headers == (("x-ticket", "42"),)
    assert session.extension_parameters == ()
    assert [(s.label, s.answered_port, s.rtp_packets) for s in report.streams] == [("1", None, 0)]
    assert report.rtp_packets == {}
    assert "answered 486" in report.text()


@pytest.mark.usefixtures("sipp")
def test_a_silent_srs_reports_the_retransmitted_invite_and_no_answer() -> None:
    with SiprecUserAgent(invite_timeout=1.2) as agent, LocalSrs("silent") as srs:
        outcome = agent.start(request(srs.port)).wait_established(WAIT)
        report = srs.stop()

    assert outcome.state == "timeout"
    # Over UDP, Timer A retransmitted the INVITE: one session all the same.
    assert len(report.invites) >= 2
    (session,) = report.sessions
    assert (session.answer, session.acked, session.bye) == (None, False, False)
    assert [s.label for s in session.streams] == ["1", "2"]
    assert all(s.answered_port is None for s in session.streams)
    assert report.rtp_packets == {}
    assert "no final answer" in report.text()


@pytest.mark.usefixtures("sipp")
def test_wait_returns_once_sipp_has_taken_its_calls(agent: SiprecUserAgent) -> None:
    with LocalSrs("accept", transport="tcp", calls=1, timeout=30) as srs:
        handle = agent.start(request(srs.port, transport="tcp", track="outbound_track"))
        assert handle.wait_established(WAIT).final_code == 200
        assert wait_until(lambda: handle.outcome().rtp_packets[0] >= 5)
        handle.stop()
        report = srs.wait(WAIT)
        assert srs.stop() is report

    assert report.returncode == 0
    assert [(s.label, s.sent_by) for s in report.streams] == [("1", ("sip:+15551230002@127.0.0.1",))]
    assert report.streams[0].rtp_packets >= 5


@pytest.mark.usefixtures("sipp")
def test_an_invite_that_is_not_siprec_is_reported_as_a_problem() -> None:
    with LocalSrs("busy") as srs, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        local = sock.getsockname()[1]
        invite = (f"INVITE sip:srs@127.0.0.1:{srs.port} SIP/2.0\r\n"
                  f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bKplain\r\n"
                  f"From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:srs@127.0.0.1>\r\nCall-ID: plain-call\r\n"
                  f"CSeq: 1 INVITE\r\nContact: <sip:a@127.0.0.1:{local}>\r\nMax-Forwards: 70\r\n"
                  "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n")
        sock.sendto(invite.encode(), ("127.0.0.1", srs.port))
        sock.settimeout(WAIT)
        assert sock.recv(65535).startswith(b"SIP/2.0 486 ")
        report = srs.stop()

    (session,) = report.sessions
    assert session.call_id == "plain-call"
    assert session.streams == ()
    assert any("not a SIPREC multipart" in problem for problem in session.problems)
    assert "problem: the INVITE's body is not a SIPREC multipart" in report.text()


@pytest.mark.parametrize("command", [COMMAND, FORMER_COMMAND], ids=["srs", "former-local_srs"])
def test_without_sipp_the_command_says_how_to_install_it(command: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}
    done = subprocess.run([*command, "--scenario", "busy"], capture_output=True, text=True, env=env, timeout=WAIT,
                          check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "sipp is not installed" in done.stderr
    assert "apt-get install -y sip-tester" in done.stderr


def test_without_sipp_local_srs_raises_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SippNotFoundError, match="apt-get install -y sip-tester"):
        LocalSrs().start()


@pytest.mark.parametrize(("scenario", "transport"), [("refuse", "udp"), ("accept", "sctp")])
def test_unknown_scenarios_and_transports_are_refused(scenario: str, transport: str) -> None:
    with pytest.raises(ValueError, match="must be one of"):
        LocalSrs(scenario, transport=transport)


def test_report_of_nothing_received() -> None:
    report = SrsReport(scenario="accept", transport="udp", host="127.0.0.1", port=5060, returncode=0, invites=(),
                       acks=(), byes=(), sessions=(), rtp_packets={})
    assert report.as_json()["received"] == {"INVITE": 0, "ACK": 0, "BYE": 0}
    assert report.text().splitlines()[-1] == "RTP packets per answered port: none answered"
