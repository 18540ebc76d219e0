"""The SIPREC client's session paths that the SIPp scenarios do not reach, against a scripted SRS written here: the
three verdicts of a session refresh, a CANCEL after a provisional answer, a 2xx after Timer B, and the requests the SRS
sends within the dialog.

Nothing asserts on durations: waits are conditions with generous limits.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from pulumi_telnyx_siprec.emulator.sip.message import SipMessage, parse_message, render
from pulumi_telnyx_siprec.emulator.siprec import SiprecUserAgent, SrcOutcome
from pulumi_telnyx_siprec.emulator.srs.serving import received_datagrams
from tests.support.hostile_srs import SRS_TAG, ReceivedMessages, answer
from tests.support.sipp import WAIT, recording_request, wait_until

Reply = Callable[[bytes], object]
Script = Callable[["ScriptedSrs", SipMessage, Reply], None]


def sdp_answer(port: int = 0) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of an SDP answer with one m-line (port 0: the stream is rejected, so no RTP is sent)."""
    body = f"v=0\r\no=srs 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio {port} RTP/AVP 0\r\n" \
           "c=IN IP4 127.0.0.1\r\na=recvonly\r\n"
    return [("Contact", "<sip:srs@127.0.0.1>"), ("Content-Type", "application/sdp")], body.encode()


class ScriptedSrs(ReceivedMessages):
    """A UDP SRS on 127.0.0.1 that hands every message it receives to `script`, and keeps them."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.received: list[SipMessage] = []
        self.peer: tuple[str, int] | None = None
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        for data, peer in received_datagrams(self._sock, self._closed):
            self.peer = peer

            def reply(out: bytes, to: tuple[str, int] = peer) -> None:
                self._sock.sendto(out, to)

            self._take(parse_message(data), reply)

    def _take(self, message: SipMessage, reply: Reply) -> None:
        with self._lock:
            self.received.append(message)
        self.script(self, message, reply)

    def send(self, data: bytes) -> None:
        """Sends to the client, where its last datagram came from."""
        assert self.peer is not None
        self._sock.sendto(data, self.peer)

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
        self._sock.close()


def in_dialog_request(method: str, invite: SipMessage, cseq: int, srs_port: int) -> bytes:
    """A request of the SRS within the dialog `invite` set up."""
    contact = (invite.get("contact") or "").split("<", 1)[1].split(">", 1)[0]
    return render(f"{method} {contact} SIP/2.0", [
        ("Via", f"SIP/2.0/UDP 127.0.0.1:{srs_port};branch=z9hG4bKsrs{method.lower()}{cseq}"),
        ("Max-Forwards", "70"), ("From", f"{invite.get('to')};tag={SRS_TAG}"), ("To", invite.get("from") or ""),
        ("Call-ID", invite.call_id), ("CSeq", f"{cseq} {method}")])


@pytest.fixture
def agent() -> Iterator[SiprecUserAgent]:
    with SiprecUserAgent(invite_timeout=5.0) as running:
        yield running


def test_refreshes_count_a_2xx_keep_the_session_on_a_500_and_end_it_on_a_481(agent: SiprecUserAgent) -> None:
    refresh_answers = iter(["200 OK", "500 Server Internal Error", "481 Call/Transaction Does Not Exist"])

    def script(_srs: ScriptedSrs, message: SipMessage, reply: Reply) -> None:
        if message.is_response or message.method == "ACK":
            return
        if message.method == "BYE":
            reply(answer(message, "200 OK"))
            return
        first = message.cseq[0] == 1
        status = "200 OK" if first else next(refresh_answers)
        extra, body = sdp_answer() if first or status.startswith("200") else ([], b"")
        # The 2xx grants a 2 s session timer: a refresh every second.
        reply(answer(message, status, [*extra, ("Session-Expires", "2;refresher=uac")], body))

    events: list[tuple[str, SrcOutcome]] = []
    srs = ScriptedSrs(script)
    try:
        handle = agent.start(recording_request(srs.port, track="inbound_track", session_timeout_secs=2),
                             listener=lambda event, outcome: events.append((event, outcome)))
        assert handle.wait_established(WAIT).final_code == 200
        ended = handle.wait_ended(WAIT)
        assert wait_until(lambda: len(srs.requests("BYE")) == 1)
    finally:
        srs.close()

    assert (ended.state, ended.ended_by, ended.refreshes) == ("ended", "srs", 1)
    assert (ended.bye_sent, ended.bye_code) == (True, 200)
    # (The notes before these say that the answer's one m-line, port 0, gets no RTP.)
    assert ended.notes[-2:] == ("session refresh answered 500 Server Internal Error; session continues",
                                "session refresh failed (481): session ended")
    assert [event for event, _ in events] == ["established", "ended"]
    invites = srs.requests("INVITE")
    assert [invite.cseq[0] for invite in invites] == [1, 2, 3, 4]
    assert all((invite.get("to") or "").endswith(f";tag={SRS_TAG}") for invite in invites[1:])
    acks = srs.requests("ACK")
    # The 2xx ACKs are transactions of their own; those of the 500 and the 481 share their re-INVITE's branch.
    assert [ack.cseq for ack in acks] == [(1, "ACK"), (2, "ACK"), (3, "ACK"), (4, "ACK")]
    assert [ack.branch for ack in acks[2:]] == [invites[2].branch, invites[3].branch]
    assert all(ack.branch not in {invite.branch for invite in invites} for ack in acks[:2])
    [bye] = srs.requests("BYE")
    assert bye.cseq == (5, "BYE")


def test_stop_after_a_provisional_answer_cancels_the_invite_and_acks_its_487(agent: SiprecUserAgent) -> None:
    def script(srs: ScriptedSrs, message: SipMessage, reply: Reply) -> None:
        if message.is_response or message.method == "ACK":
            return
        if message.method == "INVITE" and not srs.requests("CANCEL"):
            reply(answer(message, "180 Ringing"))
        elif message.method == "CANCEL":
            reply(answer(message, "200 OK"))
            [invite] = srs.requests("INVITE")[:1]
            reply(answer(invite, "487 Request Terminated"))

    srs = ScriptedSrs(script)
    try:
        handle = agent.start(recording_request(srs.port))
        assert wait_until(lambda: handle.outcome().state == "proceeding")
        outcome = handle.stop(wait=WAIT)
        assert wait_until(lambda: len(srs.requests("ACK")) >= 1)
    finally:
        srs.close()

    assert (outcome.state, outcome.final_code, outcome.provisional_codes) == ("failed", 487, (180,))
    assert not outcome.bye_sent
    invite = srs.requests("INVITE")[0]
    [cancel] = srs.requests("CANCEL")
    assert (cancel.branch, cancel.cseq, cancel.call_id) == (invite.branch, (1, "CANCEL"), invite.call_id)
    assert cancel.first_line == invite.first_line.replace("INVITE", "CANCEL", 1)
    ack = srs.requests("ACK")[0]
    assert (ack.branch, ack.cseq) == (invite.branch, (1, "ACK"))
    assert (ack.get("to") or "").endswith(f";tag={SRS_TAG}")


def test_a_2xx_after_timer_b_is_acked_and_ended_with_a_bye() -> None:
    def script(_srs: ScriptedSrs, message: SipMessage, reply: Reply) -> None:
        if not message.is_response and message.method == "BYE":
            reply(answer(message, "200 OK"))

    srs = ScriptedSrs(script)
    try:
        with SiprecUserAgent(invite_timeout=1.0) as agent:
            handle = agent.start(recording_request(srs.port, track="inbound_track"))
            timed_out = handle.wait_ended(WAIT)
            invite = srs.requests("INVITE")[0]
            extra, body = sdp_answer()
            srs.send(answer(invite, "200 OK", extra, body))
            assert wait_until(lambda: len(srs.requests("BYE")) == 1)
            assert wait_until(lambda: len(handle.outcome().notes) == 1)
            late = handle.outcome()
    finally:
        srs.close()

    assert (timed_out.state, timed_out.final_code, timed_out.final_reason) == ("timeout", None, "timeout")
    assert late.state == "timeout"
    assert late.notes == ("a 200 arrived after the session was given up: ACKed and BYE sent",)
    [ack] = srs.requests("ACK")
    [bye] = srs.requests("BYE")
    assert (ack.cseq, bye.cseq) == ((1, "ACK"), (2, "BYE"))
    assert ack.call_id == bye.call_id == invite.call_id
    assert ack.first_line == "ACK sip:srs@127.0.0.1 SIP/2.0"


def test_requests_the_srs_sends_within_the_dialog_are_answered(agent: SiprecUserAgent) -> None:
    def script(_srs: ScriptedSrs, message: SipMessage, reply: Reply) -> None:
        if message.is_response or message.method == "ACK":
            return
        extra, body = sdp_answer() if message.method == "INVITE" else ([], b"")
        reply(answer(message, "200 OK", extra, body))

    srs = ScriptedSrs(script)
    try:
        handle = agent.start(recording_request(srs.port, track="inbound_track", session_timeout_secs=0))
        assert handle.wait_established(WAIT).final_code == 200
        assert wait_until(lambda: len(srs.requests("ACK")) == 1)
        invite = srs.requests("INVITE")[0]
        for cseq, method in enumerate(["OPTIONS", "UPDATE", "INFO", "INVITE", "MESSAGE", "ACK"], start=1):
            srs.send(in_dialog_request(method, invite, cseq, srs.port))
        assert wait_until(lambda: len(srs.responses("MESSAGE")) == 1)
        during = handle.outcome()
        handle.stop()
    finally:
        srs.close()

    assert during.state == "established"
    answers = {m.cseq[1]: m for m in srs.received if m.is_response}
    assert {method: answers[method].status for method in ("OPTIONS", "UPDATE", "INFO", "INVITE", "MESSAGE")} == {
        "OPTIONS": 200, "UPDATE": 200, "INFO": 200, "INVITE": 200, "MESSAGE": 405}
    for method in ("OPTIONS", "UPDATE", "INFO", "MESSAGE"):
        assert answers[method].values("allow") == ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "UPDATE"], method
    reinvite_answer = answers["INVITE"]
    assert reinvite_answer.get("content-type") == "application/sdp"
    assert (reinvite_answer.get("contact") or "").endswith(";+sip.src")
    assert b"m=audio " in reinvite_answer.body
    assert b"a=sendonly" in reinvite_answer.body
    assert "ACK" not in answers

