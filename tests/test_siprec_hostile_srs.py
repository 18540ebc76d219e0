"""The SIPREC client against SRSs that answer badly (issue 23, point 2), through real sockets on 127.0.0.1: every
thread of the user agent survives what they send, every session ends in a defined state that says why, what a
session keeps of their answers is bounded, and the next session works.

Each test names the finding it pins. Nothing asserts on durations: waits are conditions with generous limits.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from pulumi_telnyx_siprec.emulator.sip.message import (
    MAX_MESSAGE_BYTES,
    MalformedMessageError,
    SipMessage,
    header_parameter,
    parse_message,
    render,
    uri_of,
)
from pulumi_telnyx_siprec.emulator.siprec import SiprecUserAgent, SrcOutcome
from pulumi_telnyx_siprec.emulator.siprec.outcome import (
    MAX_ANSWERED_MEDIA,
    MAX_NOTES,
    MAX_PROVISIONAL_KEPT,
    MAX_TEXT_CHARS,
)
from pulumi_telnyx_siprec.emulator.siprec.progress import SessionProgress
from pulumi_telnyx_siprec.emulator.srs.rtp_counter import RtpCounter
from tests.support.hostile_srs import (
    SRS_TAG,
    HostileSrs,
    Peer,
    answer,
    answer_with_session_timer,
    in_dialog_request,
    offered_ports,
    sdp_answer,
    well_behaved,
)
from tests.support.sipp import WAIT, recording_request, wait_until

DROPPED = "dropped a malformed message from the SRS: "


@pytest.fixture(autouse=True)
def thread_failures(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[threading.ExceptHookArgs]]:
    """Every exception that escapes a thread during the test; the test fails if there is one."""
    failures: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    yield failures
    assert [(f.exc_type, f.exc_value, f.thread.name if f.thread else None) for f in failures] == []


def established_then_stopped(agent: SiprecUserAgent, srs: HostileSrs, **changes: object) -> SrcOutcome:
    """A session to `srs` that must be established, then stopped: its outcome at the end."""
    handle = agent.start(recording_request(srs.port, transport=srs.transport, **changes))
    outcome = handle.wait_established(WAIT)
    assert outcome.state == "established", outcome
    return handle.stop()


def session_threads(session_sid: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"siprec-src-{session_sid[:12]}" and t.is_alive()]


# Finding 1: a CSeq that is no number killed the shared UDP receive thread


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("number", ["9" * 5000, "\u00b2", "\u0661"], ids=["5000-digits", "superscript", "arabic"])
def test_a_provisional_answer_whose_cseq_is_no_number_is_dropped_and_noted(agent: SiprecUserAgent, transport: str,
                                                                           number: str) -> None:
    def script(srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "INVITE" and len(srs.requests("INVITE")) == 1:
            ringing = answer(message, "180 Ringing").replace(b"CSeq: 1 INVITE", f"CSeq: {number} INVITE".encode())
            peer.send(ringing)
        well_behaved(srs, message, peer)

    with HostileSrs(transport, script) as srs:
        handle = agent.start(recording_request(srs.port, transport=transport))
        outcome = handle.wait_established(WAIT)
        stopped = handle.stop()
        # The receive thread still serves every session: the next one is established too.
        assert established_then_stopped(agent, srs).bye_code == 200

    assert (outcome.state, outcome.final_code, outcome.provisional_codes) == ("established", 200, ())
    [note] = [n for n in outcome.notes if n.startswith(DROPPED)]
    assert note.startswith(f"{DROPPED}CSeq is not a number below 2**31 and a method: ")
    assert len(note) <= MAX_TEXT_CHARS
    assert (stopped.state, stopped.bye_code) == ("ended", 200)


# Finding 2: `SIP/2.0 200OK` killed the session's control thread


@pytest.mark.parametrize("status_line", ["SIP/2.0 200OK", "SIP/2.0 \u00b200 OK", "SIP/2.0 2000 OK", "SIP/2.0 099 x"])
def test_a_malformed_status_line_is_dropped_and_the_real_answer_is_taken(agent: SiprecUserAgent,
                                                                         status_line: str) -> None:
    def script(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "INVITE":
            extra, body = sdp_answer(message)
            peer.send(answer(message, "200 OK", extra, body).replace(b"SIP/2.0 200 OK", status_line.encode(), 1))
            peer.send(answer(message, "486 Busy Here"))

    with HostileSrs("udp", script) as srs:
        outcome = agent.start(recording_request(srs.port)).wait_established(WAIT)
        assert wait_until(lambda: len(srs.requests("ACK")) == 1)
        [ack] = srs.requests("ACK")
        [invite] = srs.requests("INVITE")[:1]

    assert (outcome.state, outcome.final_code, outcome.final_reason) == ("failed", 486, "Busy Here")
    assert [n for n in outcome.notes if n.startswith(DROPPED)] == [
        f"{DROPPED}not a SIP status line: {status_line!r}"]
    assert (ack.branch, ack.cseq) == (invite.branch, (1, "ACK"))


# Finding 3: an SDP answer port of 99999 killed the RTP threads


@pytest.mark.parametrize("port", ["99999", "\u0669\u0669", "1" * 5000, "-1"])
def test_an_sdp_answer_port_that_is_no_port_gets_no_rtp_and_a_note(agent: SiprecUserAgent, port: str) -> None:
    def script(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "INVITE":
            extra, body = sdp_answer(message, port=7)
            peer.send(answer(message, "200 OK", extra, body.replace(b"m=audio 7 ", f"m=audio {port} ".encode())))
        elif not message.is_response and message.method == "BYE":
            peer.send(answer(message, "200 OK"))

    with HostileSrs("udp", script) as srs:
        handle = agent.start(recording_request(srs.port, track="inbound_track"))
        outcome = handle.wait_established(WAIT)
        assert wait_until(lambda: len(srs.requests("ACK")) == 1)
        stopped = handle.stop()

    assert (outcome.state, outcome.answered_media, outcome.rtp_packets) == ("established", (), (0,))
    [note] = [n for n in outcome.notes if n.startswith("unreadable SDP answer")]
    assert note.startswith("unreadable SDP answer (malformed m-line: 'm=audio ")
    assert note.endswith("): no RTP sent")
    assert len(note) < 200
    assert (stopped.state, stopped.bye_code, stopped.rtp_packets) == ("ended", 200, (0,))


# Finding 4: a huge Session-Expires killed the refresh thread


@pytest.mark.parametrize(("value", "note"), [
    (str(10**30), f"the SRS's Session-Expires {10**30} is over 2**32-1 s: taken as 4294967295 s"),
    ("9" * 5000, f"the SRS's Session-Expires {'9' * 40}\u2026 is over 2**32-1 s: taken as 4294967295 s"),
    ("\u0661\u0662", "the SRS's Session-Expires '\u0661\u0662' is not a number of seconds: no session refresh"),
], ids=["10**30", "5000-digits", "arabic"])
def test_a_session_expires_of_any_size_leaves_the_session_up_and_stoppable(agent: SiprecUserAgent, value: str,
                                                                           note: str) -> None:
    def script(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "INVITE":
            extra, body = sdp_answer(message)
            peer.send(answer(message, "200 OK", [*extra, ("Session-Expires", f"{value};refresher=uac")], body))
        elif not message.is_response and message.method == "BYE":
            peer.send(answer(message, "200 OK"))

    with HostileSrs("udp", script) as srs:
        request = recording_request(srs.port, track="inbound_track")
        handle = agent.start(request)
        outcome = handle.wait_established(WAIT)
        stopped = handle.stop()
        assert wait_until(lambda: session_threads(request.session_sid) == [])

    assert outcome.state == "established"
    assert note in outcome.notes
    assert (stopped.state, stopped.bye_code, stopped.refreshes) == ("ended", 200, 0)
    assert len(srs.requests("INVITE")) == 1


# Finding 5: everything a session keeps of the SRS's answers is bounded


def test_a_flood_of_provisional_answers_keeps_a_bounded_record(agent: SiprecUserAgent) -> None:
    flood = 5000

    def script(srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "INVITE":
            peer.send(answer(message, "180 Ringing") * flood)
        well_behaved(srs, message, peer)

    with HostileSrs("tcp", script) as srs:
        outcome = established_then_stopped(agent, srs, track="inbound_track")

    assert outcome.provisional_codes == (180,) * MAX_PROVISIONAL_KEPT
    assert outcome.provisional_heard == flood
    assert outcome.final_code == 200


def test_an_oversized_answer_keeps_bounded_text_and_media(agent: SiprecUserAgent) -> None:
    reason = "R" * 20_000
    label = "L" * 3_000

    def script(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if message.is_response or message.method == "ACK":
            return
        if message.method == "INVITE":
            body = "v=0\r\no=srs 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + "".join(
                f"m=audio 0 RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\na=label:{label}\r\na=recvonly\r\n" for _ in range(10))
            extra = [("Contact", "<sip:srs@127.0.0.1>"), ("Content-Type", "application/sdp")]
            peer.send(answer(message, f"200 {reason}", extra, body.encode()))
            # Then a flood of notes: in-dialog requests the client cannot answer are each noted.
            for cseq in range(2, 2 + 3 * MAX_NOTES):
                peer.send(in_dialog_request("OPTIONS", message, cseq).replace(b"CSeq: ", b"CSeq: x"))
        else:
            peer.send(answer(message, "200 OK"))

    with HostileSrs("tcp", script) as srs:
        handle = agent.start(recording_request(srs.port, transport="tcp"))
        outcome = handle.wait_established(WAIT)
        assert wait_until(lambda: handle.outcome().notes[-1].endswith("notes were not kept"))
        stopped = handle.stop()

    assert outcome.final_code == 200
    assert outcome.final_reason == reason[:MAX_TEXT_CHARS - 1] + "\u2026"
    assert len(outcome.answered_media) == MAX_ANSWERED_MEDIA
    assert {m.label for m in outcome.answered_media} == {label[:MAX_TEXT_CHARS - 1] + "\u2026"}
    notes = stopped.notes
    assert len(notes) == MAX_NOTES + 1
    assert all(len(note) <= MAX_TEXT_CHARS for note in notes)
    assert notes[-1].endswith(" later notes were not kept")


# (a) The SRS closing the TCP/TLS connection of an established session


@pytest.mark.parametrize("transport", ["tcp", "tls"])
def test_the_srs_closing_an_established_connection_releases_the_session(agent: SiprecUserAgent,
                                                                        transport: str) -> None:
    ports: list[int] = []

    def script(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if message.is_response:
            return
        if message.method == "INVITE":
            extra, body = sdp_answer(message, port=counter.ports[0])
            ports.extend(offered_ports(message))
            peer.send(answer(message, "200 OK", [*extra, ("Session-Expires", "1800;refresher=uac")], body))
        elif message.method == "ACK":
            if transport == "tcp":
                peer.half_close()
            else:
                peer.abort()

    with RtpCounter(1) as counter, HostileSrs(transport, script) as srs:
        request = recording_request(srs.port, transport=transport, track="inbound_track")
        handle = agent.start(request)
        ended = handle.wait_ended(WAIT)
        if transport == "tcp":
            # The client closed its side as well: its socket is not left open.
            assert srs.peer is not None
            assert srs.peer.client_closed.wait(WAIT)
        # The control thread, which kept the session timer, is gone, and the RTP sockets are closed.
        assert wait_until(lambda: session_threads(request.session_sid) == [])

    assert (ended.state, ended.ended_by) == ("ended", "srs")
    assert "the SRS closed the SIP connection" in ended.notes
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", port))


def test_a_finished_sessions_connection_is_closed_after_the_linger_and_close_waits_for_it() -> None:
    with HostileSrs("tcp", well_behaved) as srs:
        agent = SiprecUserAgent(invite_timeout=5.0, connection_linger=0.3)
        try:
            stopped = established_then_stopped(agent, srs, track="inbound_track")
        finally:
            agent.close()
        # close() waited for the lingering connection: no thread of the user agent is left, the SRS sees the close.
        assert [t.name for t in threading.enumerate() if t.name.startswith("siprec-")] == []
        assert srs.peer is not None
        assert srs.peer.client_closed.wait(WAIT)

    assert (stopped.state, stopped.bye_code) == ("ended", 200)


def test_a_bye_before_the_final_answer_gets_481_and_leaves_the_session_to_its_answer(agent: SiprecUserAgent) -> None:
    def script(srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "INVITE" and len(srs.requests("INVITE")) == 1:
            peer.send(answer(message, "180 Ringing"))
            peer.send(in_dialog_request("BYE", message, 1))
        elif message.is_response and message.cseq[1] == "BYE":
            # Only once the BYE is answered does the SRS take the session.
            extra, body = sdp_answer(srs.requests("INVITE")[0])
            peer.send(answer(srs.requests("INVITE")[0], "200 OK", extra, body))
        elif not message.is_response and message.method == "BYE":
            peer.send(answer(message, "200 OK"))

    with HostileSrs("udp", script) as srs:
        handle = agent.start(recording_request(srs.port, track="inbound_track"))
        outcome = handle.wait_established(WAIT)
        stopped = handle.stop()
        [bye_answer] = srs.responses("BYE")

    # RFC 3261 section 15.1.2: no confirmed dialog before the 2xx is ACKed, so the BYE matches none.
    assert bye_answer.status == 481
    assert (outcome.state, outcome.final_code) == ("established", 200)
    assert (stopped.state, stopped.ended_by, stopped.bye_code) == ("ended", "src", 200)


# (b) CANCEL of a refresh re-INVITE


def test_a_refresh_that_timer_b_gives_up_is_cancelled_with_its_own_identifiers() -> None:
    def script(srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if message.is_response or message.method == "ACK":
            return
        if message.method == "INVITE" and message.cseq[0] == 1:
            peer.send(answer_with_session_timer(message))
        elif message.method == "INVITE":
            peer.send(answer(message, "180 Ringing"))
        elif message.method == "CANCEL":
            peer.send(answer(message, "200 OK"))
            peer.send(answer(srs.requests("INVITE")[-1], "487 Request Terminated"))
        else:
            peer.send(answer(message, "200 OK"))

    with SiprecUserAgent(invite_timeout=2.0) as agent, HostileSrs("udp", script) as srs:
        handle = agent.start(recording_request(srs.port, track="inbound_track", session_timeout_secs=2))
        ended = handle.wait_ended(3 * WAIT)
        assert wait_until(lambda: len(srs.requests("ACK")) == 2)

    first, refresh = srs.requests("INVITE")[:2]
    [cancel] = srs.requests("CANCEL")
    # RFC 3261 section 9.1: the CANCEL's Request-URI, Call-ID, To, CSeq number and top Via are the INVITE's.
    assert cancel.first_line == refresh.first_line.replace("INVITE", "CANCEL", 1)
    assert cancel.first_line != first.first_line.replace("INVITE", "CANCEL", 1)
    assert (cancel.cseq, cancel.branch, cancel.call_id) == ((2, "CANCEL"), refresh.branch, refresh.call_id)
    assert cancel.get("to") == refresh.get("to")
    assert (cancel.get("to") or "").endswith(f";tag={SRS_TAG}")
    # The 487 to the refresh is ACKed in the refresh's transaction.
    ack = srs.requests("ACK")[-1]
    assert (ack.cseq, ack.branch) == ((2, "ACK"), refresh.branch)
    assert (ended.state, ended.ended_by) == ("ended", "srs")
    assert ended.notes[-1] == "session refresh failed (timeout): session ended"


# (c) A non-2xx ACK for each INVITE transaction


def test_a_retransmitted_non_2xx_gets_the_ack_of_its_own_invite(agent: SiprecUserAgent) -> None:
    def script(srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if message.is_response:
            return
        invites = srs.requests("INVITE")
        if message.method == "INVITE" and message.cseq[0] == 1:
            peer.send(answer_with_session_timer(message))
        elif message.method == "INVITE":
            peer.send(answer(message, "500 Server Internal Error"))
        elif message.method == "ACK" and message.cseq[0] == 3:
            # The 500 to the first refresh again, as if the ACK of it had been lost.
            peer.send(answer(invites[1], "500 Server Internal Error"))
        elif message.method == "BYE":
            peer.send(answer(message, "200 OK"))

    with HostileSrs("udp", script) as srs:
        handle = agent.start(recording_request(srs.port, track="inbound_track", session_timeout_secs=2))
        assert handle.wait_established(WAIT).final_code == 200
        assert wait_until(lambda: len(srs.requests("ACK")) >= 4)
        handle.stop()

    invites = srs.requests("INVITE")
    acks = srs.requests("ACK")[:4]
    assert [(ack.cseq[0], ack.branch) for ack in acks[1:]] == [
        (2, invites[1].branch), (3, invites[2].branch), (2, invites[1].branch)]
    assert acks[3].first_line == acks[1].first_line


@pytest.mark.parametrize(("late", "bye_status"), [("486 Busy Here", "200 OK"), ("200 OK", "200 OK"),
                                                  ("200 OK", None)], ids=["486", "2xx", "2xx-bye-unanswered"])
def test_a_late_answer_to_an_abandoned_refresh_is_acked_in_that_refresh(agent: SiprecUserAgent, late: str,
                                                                         bye_status: str | None) -> None:
    """(c) a late >=300 got the first INVITE's ACK; (d) a late 2xx was neither ACKed nor ended."""
    refreshed = threading.Event()

    def script(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if message.is_response or message.method == "ACK":
            return
        if message.method == "INVITE" and message.cseq[0] == 1:
            peer.send(answer_with_session_timer(message))
        elif message.method == "INVITE":
            refreshed.set()
        elif message.method == "BYE" and bye_status is not None:
            peer.send(answer(message, bye_status))

    with HostileSrs("udp", script) as srs:
        request = recording_request(srs.port, track="inbound_track", session_timeout_secs=2)
        handle = agent.start(request)
        assert handle.wait_established(WAIT).final_code == 200
        assert refreshed.wait(WAIT)
        stopped = handle.stop(wait=0.5 if bye_status is None else WAIT)
        # The refresh is abandoned once the control thread is gone; only then does its answer come.
        assert wait_until(lambda: session_threads(request.session_sid) == [])
        refresh = srs.requests("INVITE")[1]
        extra, body = sdp_answer(refresh) if late.startswith("2") else ([], b"")
        srs.send(answer(refresh, late, extra, body))
        assert wait_until(lambda: len(srs.requests("ACK")) == 2)
        bye_cseqs = [(3, "BYE"), (4, "BYE")] if late.startswith("2") and bye_status is None else [(3, "BYE")]
        assert wait_until(lambda: sorted({bye.cseq for bye in srs.requests("BYE")}) == bye_cseqs)
        late_notes = handle.outcome().notes

    [_, ack] = srs.requests("ACK")
    assert ack.cseq == (2, "ACK")
    assert ack.call_id == refresh.call_id
    assert (ack.get("to") or "").endswith(f";tag={SRS_TAG}")
    assert ack.first_line == "ACK sip:srs@127.0.0.1 SIP/2.0"
    if late.startswith("2"):
        # A 2xx ACK is a transaction of its own (RFC 3261 section 13.2.2.4).
        assert ack.branch != refresh.branch
        bye_note = " and BYE sent" if bye_status is None else ""
        assert late_notes[-1] == f"a 200 to an abandoned session refresh arrived: ACKed{bye_note}"
    else:
        assert ack.branch == refresh.branch
    assert stopped.state == "ended"


def test_a_cancel_from_the_srs_gets_481_and_the_session_goes_on(agent: SiprecUserAgent) -> None:
    def script(srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "ACK" and len(srs.requests("ACK")) == 1:
            peer.send(in_dialog_request("CANCEL", srs.requests("INVITE")[0], 2))
        else:
            well_behaved(srs, message, peer)

    with HostileSrs("udp", script) as srs:
        handle = agent.start(recording_request(srs.port, track="inbound_track"))
        assert handle.wait_established(WAIT).final_code == 200
        assert wait_until(lambda: srs.responses("CANCEL") != [])
        [cancel_answer] = srs.responses("CANCEL")
        stopped = handle.stop()

    # RFC 3261 section 9.2: the CANCEL matches no pending transaction of the SRS's (there is none to cancel).
    assert cancel_answer.status == 481
    assert (stopped.state, stopped.ended_by, stopped.bye_code) == ("ended", "src", 200)


# (e) An exception in a message handler (a reply that cannot be sent)


@pytest.mark.parametrize("in_dialog", [True, False], ids=["in-dialog", "unknown-dialog"])
def test_a_reply_that_cannot_be_sent_leaves_the_receive_thread_alive(agent: SiprecUserAgent,
                                                                     in_dialog: bool) -> None:
    def oversized(request: bytes) -> bytes:
        # A request whose answer, which echoes its Via, is over the largest UDP datagram (65507 octets over IPv4).
        padding = 65_507 - len(request) - len(";x=")
        return request.replace(b";branch=", b";x=" + b"p" * padding + b";branch=", 1)

    def script(srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "ACK" and len(srs.requests("ACK")) == 1:
            invite = srs.requests("INVITE")[0]
            probe = in_dialog_request("OPTIONS", invite, 2)
            if not in_dialog:
                probe = probe.replace(invite.call_id.encode(), b"no-such-call")
            peer.send(oversized(probe))
            peer.send(in_dialog_request("OPTIONS", invite, 3))
        else:
            well_behaved(srs, message, peer)

    with HostileSrs("udp", script) as srs:
        handle = agent.start(recording_request(srs.port, track="inbound_track"))
        assert handle.wait_established(WAIT).final_code == 200
        # The receive thread answered the next request, and serves the next session.
        assert wait_until(lambda: [m.cseq for m in srs.responses("OPTIONS")] == [(3, "OPTIONS")])
        assert established_then_stopped(agent, srs).bye_code == 200
        outcome = handle.stop()

    if in_dialog:
        [note] = [n for n in outcome.notes if "OPTIONS" in n]
        assert note.startswith("could not answer the SRS's OPTIONS: OSError: ")


# (f) An oversize message on a stream


@pytest.mark.parametrize("flood", [
    b"SIP/2.0 200 OK\r\nX-Pad: " + b"a" * (MAX_MESSAGE_BYTES + 1),
    b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 1000000\r\n\r\n",
    b"OPTIONS sip:a SIP/2.0\r\nContent-Length: " + b"1" * 5000 + b"\r\n\r\n",
], ids=["headers", "content-length", "content-length-digits"])
def test_an_oversize_stream_message_closes_the_connection_and_ends_the_session(agent: SiprecUserAgent,
                                                                               flood: bytes) -> None:
    def script(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "INVITE":
            extra, body = sdp_answer(message)
            peer.send(answer(message, "200 OK", extra, body))
        elif not message.is_response and message.method == "ACK":
            peer.send(flood)

    with HostileSrs("tcp", script) as srs:
        handle = agent.start(recording_request(srs.port, transport="tcp", track="inbound_track"))
        ended = handle.wait_ended(WAIT)
        assert srs.peer is not None
        assert srs.peer.client_closed.wait(WAIT)

    assert (ended.state, ended.ended_by) == ("ended", "srs")
    assert f"the SRS sent a SIP message over {MAX_MESSAGE_BYTES} bytes: connection closed" in ended.notes


# (g) Quoting in header values


@pytest.mark.parametrize(("value", "tag"), [
    ('<sip:srs@h>;x="a;tag=evil";tag=real', "real"),
    ('"a;tag=evil" <sip:srs@h>;tag=real', "real"),
    ('"a>b;tag=evil" <sip:srs@h;tag=uri>;tag=real', "real"),
    ('<sip:srs@h>;x="a\\";tag=evil";tag=real', "real"),
    ("sip:srs@h;tag=real", "real"),
    ('<sip:srs@h>;x="unterminated;tag=evil', None),
    ("<sip:srs@h>;TAG = real ", "real"),
])
def test_header_parameters_skip_quoted_text(value: str, tag: str | None) -> None:
    assert header_parameter(value, "tag") == tag


@pytest.mark.parametrize(("value", "uri"), [
    ('"SRS > recorder" <sip:srs@127.0.0.1:5070>;tag=1', "sip:srs@127.0.0.1:5070"),
    ('"a<b>" <sip:srs@h>', "sip:srs@h"),
    ("<sip:srs@h>", "sip:srs@h"),
    ("sip:srs@h;transport=tcp", "sip:srs@h"),
    ("a > b <sip:srs@h>", "sip:srs@h"),
])
def test_uris_are_found_after_quoted_display_names(value: str, uri: str) -> None:
    assert uri_of(value) == uri


def test_quoted_contact_and_to_parameters_route_the_ack_and_bye(agent: SiprecUserAgent) -> None:
    def script(srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if not message.is_response and message.method == "INVITE":
            extra, body = sdp_answer(message, contact=f'"SRS > recorder" <sip:srs@127.0.0.1:{srs.port}>')
            ok = answer(message, "200 OK", extra, body)
            to = (message.get("to") or "").encode()
            peer.send(ok.replace(to + f";tag={SRS_TAG}".encode(), to + b';x="a;tag=evil";tag=real'))
        else:
            well_behaved(srs, message, peer)

    with HostileSrs("udp", script) as srs:
        handle = agent.start(recording_request(srs.port, track="inbound_track"))
        assert handle.wait_established(WAIT).final_code == 200
        assert handle.stop().bye_code == 200

    [ack] = srs.requests("ACK")
    [bye] = srs.requests("BYE")
    assert ack.first_line == bye.first_line.replace("BYE", "ACK") == f"ACK sip:srs@127.0.0.1:{srs.port} SIP/2.0"
    assert header_parameter(bye.get("to") or "", "tag") == "real"


# What stays as it was: well-formed messages parse as before


IDENTIFIERS = [("From", "<sip:a@h>;tag=1"), ("To", "<sip:b@h>"), ("Call-ID", "c1")]


def test_well_formed_messages_still_parse() -> None:
    raw = render("SIP/2.0 180 Ringing", [("Via", "SIP/2.0/UDP h;branch=z9hG4bKx"), *IDENTIFIERS,
                                         ("CSeq", "2147483647 INVITE")])
    message = parse_message(raw)
    assert (message.status, message.reason, message.cseq, message.branch) == (
        180, "Ringing", (2147483647, "INVITE"), "z9hG4bKx")
    assert parse_message(raw.replace(b"180 Ringing", b"200 ")).reason == ""


@pytest.mark.parametrize(("change", "reason"), [
    ((b"2147483647 INVITE", b"2147483648 INVITE"), "CSeq is not a number below 2**31 and a method: "),
    ((b"Call-ID: c1\r\n", b""), "no call-id"),
    ((b"Call-ID: c1", b"Call-ID: "), "no call-id"),
    ((b"CSeq: 2147483647 INVITE\r\n", b""), "no cseq"),
    ((b"Content-Length: 0", b"Content-Length: \xd9\xa3"), "Content-Length is not a number: "),
    ((b"Content-Length: 0", b"Content-Length: 1"), "body shorter than Content-Length"),
    ((b"Call-ID: c1", b"Call ID: c1"), "malformed header line: "),
    ((b"CSeq: 2147483647 INVITE", b"CSeq: 2147483647 INVITE\rX-Injected: 1"), "a CR inside a header line: "),
])
def test_malformed_messages_are_refused_with_their_reason_and_call_id(change: tuple[bytes, bytes],
                                                                        reason: str) -> None:
    raw = render("SIP/2.0 180 Ringing", [("Via", "SIP/2.0/UDP h;branch=z9hG4bKx"), *IDENTIFIERS,
                                         ("CSeq", "2147483647 INVITE")])
    with pytest.raises(MalformedMessageError) as refused:
        parse_message(raw.replace(*change))
    assert str(refused.value).startswith(reason)
    assert refused.value.call_id == (None if b"Call-ID: c1" in change[0] else "c1")


# Found by the fuzzer: a 2xx read before the connection closed, acted on after


def test_a_2xx_handled_after_the_session_failed_leaves_it_failed() -> None:
    """The reader queued a 200, then closed the connection (a message over the limit) and failed the session; the
    control thread then took the queued 200. It made the failed session `established` again, for good."""
    progress = SessionProgress(None, lambda: ())
    progress.heard_provisional(183)
    assert progress.fail(None, "transport error: the SRS closed the SIP connection")

    assert progress.accept(200, "OK", []) == "given_up"
    outcome = progress.snapshot()
    assert (outcome.state, outcome.final_code, outcome.final_reason) == (
        "failed", None, "transport error: the SRS closed the SIP connection")


def test_a_2xx_after_stop_gave_up_is_recorded_on_the_cancelled_session() -> None:
    progress = SessionProgress(None, lambda: ())
    progress.request_stop()
    assert progress.cancel_unanswered() == (False, True)
    progress.finish("cancelled")

    assert progress.accept(200, "OK", []) == "given_up"
    assert (progress.snapshot().state, progress.snapshot().final_code) == ("cancelled", 200)
