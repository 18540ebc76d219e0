"""The emulator's SIPREC client against real SIPp SRS scenarios (emulator/srs/scenarios) over UDP and TCP on 127.0.0.1.

A few cases SIPp scenarios do not cover (a BYE from the SRS, a non-loopback media address, TLS) use `FakeSrs`, a
small SRS written here. Nothing asserts on durations: waits are conditions with generous limits.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import ssl
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_telnyx_siprec import telnyx_api
from pulumi_telnyx_siprec.emulator.sip.message import SipMessage, parse_message, take_message
from pulumi_telnyx_siprec.emulator.sip.recording_body import (
    EXTENSION_NAMESPACE,
    RECORDING_NAMESPACE,
    TRACKS,
    parse_multipart,
    parse_sdp,
)
from pulumi_telnyx_siprec.emulator.siprec import (
    SIP_TRANSPORTS,
    HostNotAllowedError,
    RecordingRequest,
    SessionHandle,
    SiprecUserAgent,
    SrcOutcome,
    resolve_host,
)
from pulumi_telnyx_siprec.emulator.siprec.rtp import tone_frames
from pulumi_telnyx_siprec.emulator.srs.rtp_counter import RtpCounter
from pulumi_telnyx_siprec.emulator.srs.serving import accepted_connections, received_chunks, received_datagrams
from pulumi_telnyx_siprec.emulator.srs.sipp import Sipp, SippResult
from tests.support.sipp import WAIT, recording_request, wait_until

NS = {"r": RECORDING_NAMESPACE, "x": EXTENSION_NAMESPACE}
def request(port: int, **changes: object) -> RecordingRequest:
    return recording_request(port, **{"custom_headers": (("X-Ticket", "42"),), **changes})


def invite_body(invite: SipMessage) -> tuple[str, ET.Element]:
    """The SDP and the parsed metadata of an INVITE."""
    parts = parse_multipart(invite.get("content-type") or "", invite.body)
    by_type = {part.headers["content-type"]: part for part in parts}
    assert by_type["application/rs-metadata+xml"].headers["content-disposition"] == "recording-session"
    return (by_type["application/sdp"].content.decode(),
            ET.fromstring(by_type["application/rs-metadata+xml"].content))  # noqa: S314 - the emulator's own


def only_invite_transaction(result: SippResult) -> SipMessage:
    """The one INVITE transaction sipp received (UDP retransmissions of it share its branch)."""
    invites = result.received("INVITE")
    assert len({invite.branch for invite in invites}) == 1, [i.first_line for i in invites]
    return invites[0]


# Against SIPp


@pytest.mark.usefixtures("sipp")
@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_both_tracks_session_sends_invite_rtp_and_bye(agent: SiprecUserAgent, transport: str) -> None:
    with RtpCounter(2) as counter, Sipp("siprec-uas.xml", transport=transport,
                                        keys={"rtp_port_1": counter.ports[0], "rtp_port_2": counter.ports[1]}) as srs:
        handle = agent.start(request(srs.port, transport=transport))
        outcome = handle.wait_established(WAIT)
        assert (outcome.state, outcome.final_code, outcome.final_reason) == ("established", 200, "OK")
        assert [(m.label, m.port, m.direction) for m in outcome.answered_media] == [
            ("1", counter.ports[0], "recvonly"), ("2", counter.ports[1], "recvonly")]
        assert counter.wait_for(10), counter.counts()
        stopped = handle.stop()
        result = srs.wait(WAIT)

    assert result.returncode == 0, result.output[-2000:]
    assert (stopped.state, stopped.ended_by, stopped.bye_sent, stopped.bye_code) == ("ended", "src", True, 200)
    assert len(result.received("BYE")) >= 1
    invite = only_invite_transaction(result)
    assert invite.get("require") == "siprec"
    assert (invite.get("contact") or "").endswith(";+sip.src")
    assert (invite.get("via") or "").startswith(f"SIP/2.0/{transport.upper()} 127.0.0.1:")
    assert "rport" in (invite.get("via") or "")
    assert invite.get("session-expires") == "1800;refresher=uac"
    assert "timer" in invite.values("supported")
    assert invite.get("x-ticket") == "42"
    sdp, metadata = invite_body(invite)
    media = parse_sdp(sdp)
    assert [(m.label, m.direction) for m in media] == [("1", "sendonly"), ("2", "sendonly")]
    assert sorted(s.findtext("r:label", namespaces=NS) or "" for s in metadata.findall("r:stream", NS)) == ["1", "2"]
    assert metadata.find("r:session/x:ExtensionParameters", NS) is None
    # Every packet counted was PCMU, one SSRC per stream, and no more were counted than were sent.
    stats = counter.stats()
    for port, sent in zip(counter.ports, stopped.rtp_packets, strict=True):
        assert stats[port].payload_types == {0}
        assert len(stats[port].ssrcs) == 1
        assert 10 <= stats[port].packets <= sent


@pytest.mark.usefixtures("sipp")
def test_inbound_track_sends_one_stream_and_custom_headers_only_in_metadata(agent: SiprecUserAgent) -> None:
    with RtpCounter(2) as counter, Sipp("siprec-uas.xml", keys={"rtp_port_1": counter.ports[0],
                                                                "rtp_port_2": counter.ports[1]}) as srs:
        handle = agent.start(request(srs.port, track="inbound_track", include_metadata_custom_headers=True,
                                     custom_headers=(("X-Ticket", "42"), ("X-Queue", "sales & support")),
                                     session_timeout_secs=0))
        assert handle.wait_established(WAIT).final_code == 200
        assert counter.wait_for(5, ports=counter.ports[:1]), counter.counts()
        stopped = handle.stop()
        result = srs.wait(WAIT)

    assert result.returncode == 0, result.output[-2000:]
    assert len(stopped.rtp_packets) == 1
    assert counter.counts()[counter.ports[1]] == 0
    invite = only_invite_transaction(result)
    assert invite.get("x-ticket") is None
    assert invite.get("x-queue") is None
    assert invite.get("session-expires") is None
    sdp, metadata = invite_body(invite)
    assert [(m.label, m.direction) for m in parse_sdp(sdp)] == [("1", "sendonly")]
    assert [s.findtext("r:label", namespaces=NS) for s in metadata.findall("r:stream", NS)] == ["1"]
    parameters = metadata.findall("r:session/x:ExtensionParameters/x:parameter", NS)
    assert [(p.get("name"), p.text) for p in parameters] == [("X-Ticket", "42"), ("X-Queue", "sales & support")]


@pytest.mark.usefixtures("sipp")
@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_busy_srs_gives_a_486_failure_and_gets_its_ack(agent: SiprecUserAgent, transport: str) -> None:
    events: list[str] = []
    with Sipp("siprec-uas-486.xml", transport=transport) as srs:
        handle = agent.start(request(srs.port, transport=transport), listener=lambda event, _o: events.append(event))
        outcome = handle.wait_established(WAIT)
        result = srs.wait(WAIT)

    assert (outcome.state, outcome.final_code, outcome.final_reason) == ("failed", 486, "Busy Here")
    assert not outcome.established
    assert outcome.rtp_packets == ()
    assert events == ["failed"]
    # sipp only succeeds once the ACK came, in the INVITE's transaction (same branch, RFC 3261 17.1.1.3).
    assert result.returncode == 0, result.output[-2000:]
    invite = only_invite_transaction(result)
    (ack,) = {a.branch: a for a in result.received("ACK")}.values()
    assert ack.branch == invite.branch
    assert ack.cseq == (invite.cseq[0], "ACK")
    assert handle.stop().state == "failed"


@pytest.mark.usefixtures("sipp")
def test_silent_srs_gives_timeout_after_timer_b() -> None:
    with SiprecUserAgent(invite_timeout=1.2) as agent, Sipp("siprec-uas-silent.xml", extra=["-d", "30000"]) as srs:
        handle = agent.start(request(srs.port))
        outcome = handle.wait_established(WAIT)
        result = srs.stop()

    assert (outcome.state, outcome.final_code, outcome.final_reason) == ("timeout", None, "timeout")
    invites = result.received("INVITE")
    # Over UDP, Timer A retransmitted the INVITE (same transaction) before Timer B gave up.
    assert len(invites) >= 2
    assert len({invite.branch for invite in invites}) == 1
    assert result.received("CANCEL") == []


@pytest.mark.usefixtures("sipp")
def test_session_timer_refreshes_with_reinvites(agent: SiprecUserAgent) -> None:
    with RtpCounter(2) as counter, Sipp("siprec-uas.xml", keys={"rtp_port_1": counter.ports[0],
                                                                "rtp_port_2": counter.ports[1]}) as srs:
        # Far below Telnyx's minimum of 90 s, so that a refresh (at half the interval) comes quickly.
        handle = agent.start(request(srs.port, session_timeout_secs=1))
        assert handle.wait_established(WAIT).final_code == 200
        assert wait_until(lambda: handle.outcome().refreshes >= 1)
        stopped = handle.stop()
        result = srs.wait(WAIT)

    assert result.returncode == 0, result.output[-2000:]
    assert stopped.bye_code == 200
    invites = result.received("INVITE")
    assert len({invite.branch for invite in invites}) >= 2
    refresh = invites[-1]
    assert refresh.get("session-expires") == "1;refresher=uac"
    assert (refresh.get("to") or "").count(";tag=") == 1
    assert refresh.cseq[0] > invites[0].cseq[0]


@pytest.mark.usefixtures("sipp")
def test_stop_before_the_final_answer_cancels_nothing_and_reports_cancelled() -> None:
    with SiprecUserAgent(invite_timeout=20.0) as agent, Sipp("siprec-uas-silent.xml", extra=["-d", "30000"]) as srs:
        handle = agent.start(request(srs.port))
        assert wait_until(lambda: handle.invite != b"")
        outcome = handle.stop(wait=0.2)
        result = srs.stop()
    assert outcome.state == "cancelled"
    assert outcome.final_code is None
    # No provisional answer came, so RFC 3261 section 9.1 forbids a CANCEL.
    assert result.received("CANCEL") == []


# Network rule


REFUSED_HOSTS = ["192.0.2.10", "10.0.0.1", "0.0.0.0", "::", "2001:db8::1", "srs.example.com",  # noqa: S104
                 "localhost.example.com", "127.0.0.1.nip.io", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_non_loopback_srs_is_refused_before_anything_is_sent(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("no socket and no DNS lookup may be made for a refused host")

    with SiprecUserAgent() as agent:
        monkeypatch.setattr(socket, "getaddrinfo", forbidden)
        monkeypatch.setattr(socket, "socket", forbidden)
        monkeypatch.setattr(socket, "create_connection", forbidden)
        with pytest.raises(HostNotAllowedError, match="loopback"):
            agent.start(request(5060, srs_host=host))
        monkeypatch.undo()


@pytest.mark.parametrize(("host", "address"), [("127.0.0.1", "127.0.0.1"), ("127.8.9.10", "127.8.9.10"),
                                               ("::1", "::1"), ("[::1]", "::1"), ("localhost", "127.0.0.1"),
                                               ("LOCALHOST.", "127.0.0.1")])
def test_loopback_hosts_are_allowed(host: str, address: str) -> None:
    assert resolve_host(host) == address


def test_any_host_is_allowed_only_when_asked() -> None:
    assert resolve_host("192.0.2.10", allow_any_host=True) == "192.0.2.10"
    with pytest.raises(HostNotAllowedError):
        resolve_host("192.0.2.10")


# Requests


@pytest.mark.parametrize("changes", [{"track": "both"}, {"transport": "sctp"}, {"srs_port": 0},
                                     {"session_timeout_secs": -1}, {"custom_headers": (("Bad Name", "x"),)},
                                     {"custom_headers": (("X-A", "a\r\nVia: x"),)}, {"session_sid": ""}])
def test_invalid_requests_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"."):
        request(5060, **changes)


def test_tracks_and_transports_are_the_session_schemas() -> None:
    assert TRACKS == telnyx_api.TRACKS
    assert SIP_TRANSPORTS == telnyx_api.SIP_TRANSPORTS


def test_tone_frames_repeat_seamlessly() -> None:
    assert len(tone_frames(1000)) == 1
    assert len(tone_frames(440)) == 5
    assert {len(frame) for frame in tone_frames(440)} == {160}
    # mu-law silence is 0xFF; a tone is not silence.
    assert set(tone_frames(1000)[0]) != {0xFF}
    with pytest.raises(ValueError, match="4000"):
        tone_frames(4000)


# Against a small SRS written here


class FakeSrs:
    """Answers one recording-session INVITE with 200 OK (an SDP with `media_address`); records what it receives.

    UDP, or TLS with a certificate and key. `send_bye()` ends the session from the SRS side.
    """

    def __init__(self, media_port: int, media_address: str = "127.0.0.1", tls: tuple[Path, Path] | None = None
                 ) -> None:
        self.media_port = media_port
        self.media_address = media_address
        self.received: list[SipMessage] = []
        self.acked = threading.Event()
        self.bye_answer: SipMessage | None = None
        self._bye_answered = threading.Event()
        self._invite: SipMessage | None = None
        self._peer: tuple[str, int] | None = None
        self._closed = threading.Event()
        self._stream: ssl.SSLSocket | None = None
        if tls is None:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._sock.bind(("127.0.0.1", 0))
            self._sock.settimeout(0.05)
            target: Callable[[], None] = self._serve_udp
        else:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._context = context
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._sock.bind(("127.0.0.1", 0))
            self._sock.listen(1)
            self._sock.settimeout(0.05)
            target = self._serve_tls
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=target, daemon=True)
        self._thread.start()

    def _serve_udp(self) -> None:
        for data, peer in received_datagrams(self._sock, self._closed):
            self._peer = peer

            def reply(out: bytes, peer: tuple[str, int] = peer) -> None:
                self._sock.sendto(out, peer)

            self._handle(parse_message(data), reply)

    def _serve_tls(self) -> None:
        for raw in accepted_connections(self._sock, self._closed):
            self._stream = self._context.wrap_socket(raw, server_side=True)
            self._stream.settimeout(0.05)
            buffer = bytearray()
            for chunk in received_chunks(self._stream, self._closed):
                buffer += chunk
                while (message := take_message(buffer)) is not None:
                    self._handle(parse_message(message), self._stream.sendall)
            return

    def _handle(self, message: SipMessage, reply: Callable[[bytes], object]) -> None:
        self.received.append(message)
        self._reply = reply
        if message.is_response:
            if message.cseq[1] == "BYE":
                self.bye_answer = message
                self._bye_answered.set()
            return
        if message.method == "INVITE":
            self._invite = message
            offered = parse_sdp(self._offer(message))
            sdp = "v=0\r\no=srs 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + "".join(
                f"m=audio {self.media_port} {m.protocol} 0\r\nc=IN IP4 {self.media_address}\r\na=recvonly\r\n"
                + "".join(self._crypto_answer(m.crypto[0]) for _ in m.crypto[:1])
                for m in offered)
            reply(self._response(message, "200 OK", [("Contact", f"<sip:srs@127.0.0.1:{self.port}>"),
                                                     ("Content-Type", "application/sdp")], sdp.encode()))
        elif message.method == "ACK":
            self.acked.set()
        elif message.method == "BYE":
            reply(self._response(message, "200 OK"))

    @staticmethod
    def _crypto_answer(offered: str) -> str:
        """RFC 4568 section 5.1: the offered line's tag and suite, with a key of the SRS's own."""
        tag, suite, _key = offered.split(" ", 2)
        return f"a=crypto:{tag} {suite} inline:{base64.b64encode(os.urandom(30)).decode()}\r\n"

    @staticmethod
    def _offer(invite: SipMessage) -> str:
        for part in parse_multipart(invite.get("content-type") or "", invite.body):
            if part.headers["content-type"] == "application/sdp":
                return part.content.decode()
        raise AssertionError("no SDP offer")

    @staticmethod
    def _response(request: SipMessage, status: str, extra: list[tuple[str, str]] | None = None,
                  body: bytes = b"") -> bytes:
        to = request.get("to") or ""
        if request.method == "INVITE" and ";tag=" not in to:
            to += ";tag=srs1"
        lines = [f"SIP/2.0 {status}", *(f"Via: {via}" for via in request.values("via")),
                 f"From: {request.get('from')}", f"To: {to}", f"Call-ID: {request.call_id}",
                 f"CSeq: {request.get('cseq')}", *(f"{n}: {v}" for n, v in extra or []),
                 f"Content-Length: {len(body)}", "", ""]
        return "\r\n".join(lines).encode() + body

    def send_bye(self) -> None:
        invite = self._invite
        assert invite is not None
        contact = (invite.get("contact") or "").split("<", 1)[1].split(">", 1)[0]
        lines = [f"BYE {contact} SIP/2.0", f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bKsrsbye",
                 "Max-Forwards: 70", f"From: {invite.get('to')};tag=srs1", f"To: {invite.get('from')}",
                 f"Call-ID: {invite.call_id}", "CSeq: 1 BYE", "Content-Length: 0", "", ""]
        self._reply("\r\n".join(lines).encode())

    def wait_bye_answer(self) -> SipMessage | None:
        self._bye_answered.wait(WAIT)
        return self.bye_answer

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
        if self._stream is not None:
            self._stream.close()
        self._sock.close()

    def __enter__(self) -> FakeSrs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_bye_from_the_srs_is_answered_and_stops_the_rtp(agent: SiprecUserAgent) -> None:
    events: list[tuple[str, SrcOutcome]] = []
    with RtpCounter(1) as counter, FakeSrs(counter.ports[0]) as srs:
        handle = agent.start(request(srs.port, track="outbound_track"),
                             listener=lambda event, outcome: events.append((event, outcome)))
        assert handle.wait_established(WAIT).final_code == 200
        assert counter.wait_for(3)
        srs.send_bye()
        answer = srs.wait_bye_answer()
        ended = handle.wait_ended(WAIT)
        sent = ended.rtp_packets[0]
        # Nothing more is sent once the session has ended: wait for any packet in flight, then compare.
        assert wait_until(lambda: counter.counts()[counter.ports[0]] == sent)
        assert handle.outcome().rtp_packets == (sent,)
        stopped = handle.stop()

    assert answer is not None
    assert (answer.status, answer.cseq) == (200, (1, "BYE"))
    assert (ended.state, ended.ended_by) == ("ended", "srs")
    assert not stopped.bye_sent
    assert [event for event, _ in events] == ["established", "ended"]


def test_a_non_loopback_media_address_in_the_answer_gets_no_rtp(agent: SiprecUserAgent) -> None:
    with FakeSrs(40000, media_address="192.0.2.10") as srs:
        handle = agent.start(request(srs.port, track="inbound_track"))
        outcome = handle.wait_established(WAIT)
        assert srs.acked.wait(WAIT)
        handle.stop()
    assert outcome.final_code == 200
    assert outcome.rtp_packets == (0,)
    assert any("192.0.2.10" in note and "refused" in note for note in outcome.notes)


def test_an_in_dialog_request_for_an_unknown_call_gets_481(agent: SiprecUserAgent) -> None:
    with FakeSrs(40000) as srs:
        handle = agent.start(request(srs.port, track="inbound_track"))
        assert handle.wait_established(WAIT).final_code == 200
        handle.stop()
        # The dialog is gone now: a BYE for it is answered 481 (RFC 3261 section 15.1.2).
        srs.send_bye()
        answer = srs.wait_bye_answer()
    assert answer is not None
    assert answer.status == 481


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a self-signed certificate for the TLS SRS")
    cert, key = tmp_path / "srs.pem", tmp_path / "srs.key"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=srs.lab.test"], check=True, capture_output=True)
    return cert, key


def test_secure_session_signals_over_tls_and_offers_srtp(agent: SiprecUserAgent,
                                                         certificate: tuple[Path, Path]) -> None:
    with RtpCounter(1) as counter, FakeSrs(counter.ports[0], tls=certificate) as srs:
        handle: SessionHandle = agent.start(request(srs.port, secure=True, transport="udp"))
        outcome = handle.wait_established(WAIT)
        assert srs.acked.wait(WAIT)
        assert counter.wait_for(10), counter.counts()
        stopped = handle.stop()
        invite = srs.received[0]

    assert outcome.final_code == 200
    assert invite.first_line.endswith(";transport=tls SIP/2.0")
    assert (invite.get("via") or "").startswith("SIP/2.0/TLS ")
    sdp, _metadata = invite_body(invite)
    assert {m.protocol for m in parse_sdp(sdp)} == {"RTP/SAVP"}
    assert all(len(m.crypto) == 1 for m in parse_sdp(sdp))
    # SRTP goes out (tests/test_siprec_srtp.py decrypts it): each packet is a 160-byte PCMU payload, encrypted, with
    # AES_CM_128_HMAC_SHA1_80's 10-byte authentication tag after it.
    assert [m.srtp_suite for m in outcome.answered_media] == ["AES_CM_128_HMAC_SHA1_80"] * 2
    stats = counter.stats()[counter.ports[0]]
    assert stats.payload_bytes == stats.packets * (160 + 10)
    assert stopped.bye_code == 200


def test_close_ends_every_session_and_leaves_no_thread_behind() -> None:
    # Bound but not listening, for the whole test: connections are refused, and no other socket can take the port
    # (a port closed again could be anyone's, even the connecting socket's own, which then connects to itself).
    refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    refused.bind(("127.0.0.1", 0))
    closed_port = refused.getsockname()[1]
    with refused, RtpCounter(1) as counter, FakeSrs(counter.ports[0]) as srs:
        agent = SiprecUserAgent(invite_timeout=5.0)
        live = agent.start(request(srs.port, track="inbound_track"))
        failed = agent.start(request(closed_port, transport="tcp"))
        assert live.wait_established(WAIT).final_code == 200
        assert counter.wait_for(2)
        outcome = failed.wait_established(WAIT)
        agent.close()
        # close() ended the live session with a BYE.
        assert [m.method for m in srs.received if not m.is_response][-1] == "BYE"

    assert (outcome.state, outcome.final_code) == ("failed", None)
    assert "ConnectionRefusedError" in (outcome.final_reason or "")
    assert live.outcome().state == "ended"
    assert [t.name for t in threading.enumerate() if t.name.startswith("siprec-")] == []
    with pytest.raises(RuntimeError, match="closed"):
        agent.start(request(srs.port))
