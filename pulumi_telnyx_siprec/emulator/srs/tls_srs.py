"""A local SIPREC recording server over TLS, in Python, for what SIPp's scenarios cannot do: SRTP. It answers the
recording-session INVITE itself, takes an SDES crypto line per stream, authenticates and decrypts the SRTP it is sent
(pylibsrtp), and reports per stream the packets authenticated, the packets rejected and the tone it heard.

    with TlsSrs("accept") as srs:                 # a fresh self-signed certificate, a free 127.0.0.1 port
        ...                                        # point the SIPREC client at srs.host, srs.port (transport tls)
        report = srs.stop()                        # an SrsReport, as the SIPp SRS gives

What it does, as an SRS (RFC 7866) answering a SIPREC client (scenario `accept`):
- a recording-session INVITE: 200 with one `recvonly` PCMU m-line per offered m-line (RFC 3264), each on a UDP port
  of its own. An `RTP/SAVP` m-line is answered with one crypto line: the tag and suite of the first offered line it
  can use (`srtp_suites` sets a preference), and a random key of its own (RFC 4568 section 5.1); the offered key is
  what it checks the stream's SRTP with. An m-line it cannot use (no usable crypto line, another transport) is
  rejected (port 0). `Session-Expires` is echoed with the client as refresher (RFC 4028), as the SIPp scenario does;
- a re-INVITE in the dialog: 200 with the same answer (the same ports and keys); ACK: noted; BYE: 200, and the
  session's ports close; CANCEL of an INVITE not answered yet: 200, and 487 to the INVITE; OPTIONS, UPDATE, INFO: 200.
Scenario `busy` answers 486 Busy Here to every recording-session INVITE, `silent` never answers. Past `calls` sessions
(0: any number) a new INVITE gets 503.

Bounds: `MAX_CONNECTIONS` connections at once (more are closed at once), a SIP message of `MAX_MESSAGE_BYTES`,
`MAX_SESSIONS` sessions and `MAX_MESSAGES` messages kept for the report (more are counted as a problem), and per
stream the last second of samples. It is a test harness on loopback, not a server for the internet.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..sip.message import (
    MalformedMessageError,
    OversizeMessageError,
    SipMessage,
    host_in_uri,
    parse_message,
    response_to,
    take_message,
)
from ..sip.recording_body import PCMU_PAYLOAD_TYPE, SdpMedia, parse_multipart, parse_sdp
from ..sip.sdes import SUITES, CryptoAttribute, check_suites, parse_crypto
from ..srtp import SrtpUnavailableError, SrtpVerifier, srtp_problem
from .certificate import ServerCertificate, self_signed
from .media_receiver import MediaReceiver, ReceivedStream
from .report import SrsReport, StreamMedia, report_from_messages
from .serving import ServingThreads, accepted_connections, received_chunks

SCENARIOS = ("accept", "busy", "silent")
SERVER = "pulumi-telnyx-siprec-local-srs"
MAX_CONNECTIONS = 64
MAX_SESSIONS = 1000
MAX_MESSAGES = 20_000
HANDSHAKE_TIMEOUT = 10.0
POLL = 0.05
SAVP = "RTP/SAVP"
AVP = "RTP/AVP"


@dataclass
class _Session:
    """One recording session (Call-ID): what the SRS answered, and its streams' ports."""

    call_id: str
    tag: str
    invite: SipMessage
    answer_sdp: str = ""
    final: int | None = None
    streams: dict[int, tuple[ReceivedStream, str | None]] = field(default_factory=dict)
    """Answered port -> its stream, and its SRTP suite (None: plain RTP)."""
    over: bool = False


class TlsSrs:
    """The TLS SRS (see the module). `host` and `port` (0: a free one) are where it listens; `srtp_suites`, when given,
    is the order in which it prefers offered suites (by default, the offer's own order). RuntimeError from start()
    when pylibsrtp or cryptography is missing, saying how to install it; OSError when the address cannot be bound."""

    def __init__(self, scenario: str = "accept", *, host: str = "127.0.0.1", port: int = 0, calls: int = 0,
                 srtp_suites: Sequence[str] | None = None) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}, not {scenario!r}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0 to 65535, not {port}")
        self.scenario = scenario
        self.host = host
        self.port = port
        self.calls = calls
        self.srtp_suites = check_suites(srtp_suites) if srtp_suites is not None else None
        self.certificate: ServerCertificate | None = None
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._sessions: dict[str, _Session] = {}
        self._received: list[SipMessage] = []
        self._sent: list[SipMessage] = []
        self._problems: list[str] = []
        self._dropped_messages = 0
        self._connections: list[socket.socket] = []
        self._threads = ServingThreads()
        self._listener: socket.socket | None = None
        self._media: MediaReceiver | None = None
        self._report: SrsReport | None = None
        self._ended = threading.Condition(self._lock)

    # Life

    def start(self) -> TlsSrs:
        """Makes the certificate, binds, and listens; returns once connections are taken."""
        problem = srtp_problem()
        if problem is not None:
            raise RuntimeError(f"the TLS SRS checks SRTP: {problem}")
        self.certificate = self_signed(self.host)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self.port))
            listener.listen(16)
            listener.settimeout(POLL)
        except BaseException:
            listener.close()
            raise
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._media = MediaReceiver(self.host)
        self._threads.start(self._accept, "srs-tls-accept")
        return self

    def wait(self, timeout: float = 30.0) -> SrsReport:
        """Waits until `calls` sessions are over (BYE, or a final refusal), at most `timeout` seconds; stops; the
        report."""
        deadline = time.monotonic() + timeout
        with self._ended:
            while self.calls and self._over_count() < self.calls:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._ended.wait(left)
        return self.stop()

    def stop(self) -> SrsReport:
        """Stops taking connections and media; the report. Idempotent."""
        if self._report is not None:
            return self._report
        self._closed.set()
        self._threads.join()
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        if self._listener is not None:
            self._listener.close()
        media = self._media
        self._report = self._build_report()
        if media is not None:
            media.close()
        return self._report

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> TlsSrs:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Connections

    def _accept(self) -> None:
        assert self._listener is not None
        for raw in accepted_connections(self._listener, self._closed):
            with self._lock:
                full = len(self._connections) >= MAX_CONNECTIONS
                if not full:
                    self._connections.append(raw)
            if full:
                raw.close()
                self._problem(f"a connection over {MAX_CONNECTIONS} at once was closed")
                continue
            self._threads.start(lambda raw=raw: self._serve(raw), "srs-tls-connection")  # type: ignore[misc]

    def _serve(self, raw: socket.socket) -> None:
        assert self.certificate is not None
        stream: socket.socket = raw
        try:
            raw.settimeout(HANDSHAKE_TIMEOUT)
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                stream = self.certificate.context.wrap_socket(raw, server_side=True)
            except (OSError, ssl.SSLError) as err:
                self._problem(f"a TLS handshake failed: {err}")
                return
            stream.settimeout(POLL)
            self._read(stream)
        finally:
            with self._lock:
                self._connections = [c for c in self._connections if c is not raw]
            stream.close()
            raw.close()

    def _read(self, stream: socket.socket) -> None:
        buffer = bytearray()
        for chunk in received_chunks(stream, self._closed):
            buffer += chunk
            try:
                while (data := take_message(buffer)) is not None:
                    self._take(data, stream.sendall)
            except OversizeMessageError as err:
                self._problem(f"the client sent a message over the size limit ({err}): connection closed")
                return
            except OSError:
                return

    def _take(self, data: bytes, send: Callable[[bytes], object]) -> None:
        try:
            message = parse_message(data)
        except MalformedMessageError as err:
            self._problem(f"the client sent a malformed message: {err}")
            return
        self._keep(self._received, message)
        if message.is_response:
            return
        reply = self._answer(message)
        for out in reply:
            self._keep(self._sent, parse_message(out))
            send(out)

    # SIP

    def _answer(self, request: SipMessage) -> list[bytes]:
        """What the SRS sends for `request` (nothing, one answer, or two: a CANCEL's 200 and the INVITE's 487)."""
        method = request.method
        with self._lock:
            session = self._sessions.get(request.call_id)
        if method == "ACK":
            return []
        if method == "INVITE":
            if session is None:
                return self._first_invite(request)
            if session.invite.branch == request.branch:
                return []  # a retransmission: over TLS there are none, but a client may still send one
            if session.final is None or session.over:
                return [self._response(request, session, 481, "Call/Transaction Does Not Exist")]
            return [self._response(request, session, 200, "OK", sdp=session.answer_sdp)]
        if session is None:
            return [self._response(request, None, 481, "Call/Transaction Does Not Exist")]
        if method == "BYE":
            self._end(session)
            return [self._response(request, session, 200, "OK")]
        if method == "CANCEL":
            if session.final is not None:
                return [self._response(request, session, 481, "Call/Transaction Does Not Exist")]
            session.final = 487
            self._end(session)
            return [self._response(request, session, 200, "OK"),
                    self._response(session.invite, session, 487, "Request Terminated")]
        if method in ("OPTIONS", "UPDATE", "INFO"):
            return [self._response(request, session, 200, "OK")]
        return [self._response(request, session, 405, "Method Not Allowed")]

    def _first_invite(self, invite: SipMessage) -> list[bytes]:
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                self._problems.append(f"an INVITE over {MAX_SESSIONS} sessions was refused (503)")
                refused = True
            else:
                refused = bool(self.calls) and len(self._sessions) >= self.calls
            session = _Session(invite.call_id, secrets.token_hex(8), invite)
            if not refused:
                self._sessions[invite.call_id] = session
        if refused:
            return [self._response(invite, session, 503, "Service Unavailable")]
        if self.scenario == "silent":
            return []
        if self.scenario == "busy":
            session.final = 486
            self._end(session)
            return [self._response(invite, session, 486, "Busy Here")]
        offer = _offer(invite)
        if offer is None:
            session.final = 488
            self._end(session)
            return [self._response(invite, session, 488, "Not Acceptable Here")]
        session.answer_sdp = self._answer_sdp(session, offer)
        session.final = 200
        return [self._response(invite, session, 200, "OK", sdp=session.answer_sdp)]

    def _answer_sdp(self, session: _Session, offer: list[SdpMedia]) -> str:
        """The SDP answer to `offer`, opening a port per stream it takes."""
        family = "IP6" if ":" in self.host else "IP4"
        lines = ["v=0", f"o=srs {secrets.randbelow(2**31)} 1 IN {family} {self.host}", "s=SIPREC SRS",
                 f"c=IN {family} {self.host}", "t=0 0"]
        for media in offer:
            protocol = media.protocol.upper()
            chosen = self._choose_crypto(media.crypto) if protocol == SAVP else None
            usable = media.media == "audio" and (protocol == AVP or (protocol == SAVP and chosen is not None))
            if not usable:
                lines += [f"m={media.media} 0 {media.protocol} {' '.join(media.formats) or PCMU_PAYLOAD_TYPE}"]
                continue
            stream = self._open_stream(chosen)
            if stream is None:
                lines += [f"m=audio 0 {media.protocol} {PCMU_PAYLOAD_TYPE}"]
                continue
            with self._lock:
                session.streams[stream.port] = (stream, chosen.suite if chosen is not None else None)
            lines += [f"m=audio {stream.port} {media.protocol} {PCMU_PAYLOAD_TYPE}",
                      f"a=rtpmap:{PCMU_PAYLOAD_TYPE} PCMU/8000", "a=recvonly"]
            if media.label is not None:
                lines.append(f"a=label:{media.label}")
            if chosen is not None:
                # RFC 4568 section 5.1: the offered line's tag and suite, with a key of the SRS's own.
                key = secrets.token_bytes(SUITES[chosen.suite].key_salt_bytes)
                lines.append(f"a=crypto:{CryptoAttribute(chosen.tag, chosen.suite, key).render()}")
        return "\r\n".join(lines) + "\r\n"

    def _choose_crypto(self, offered: Sequence[str]) -> CryptoAttribute | None:
        """The offered crypto line the SRS takes: the first it can read, in the order of `srtp_suites` if given."""
        readable = []
        for value in offered:
            with contextlib.suppress(ValueError):
                readable.append(parse_crypto(value))
        readable = [line for line in readable if not line.session_parameters]
        if self.srtp_suites is not None:
            order = {name: rank for rank, name in enumerate(self.srtp_suites)}
            readable = sorted((line for line in readable if line.suite in order), key=lambda line: order[line.suite])
        return readable[0] if readable else None

    def _open_stream(self, chosen: CryptoAttribute | None) -> ReceivedStream | None:
        assert self._media is not None
        try:
            verifier = SrtpVerifier(chosen.suite, chosen.key) if chosen is not None else None
            return self._media.open(verifier)
        except (SrtpUnavailableError, ValueError, OSError) as err:
            self._problem(f"a stream could not be opened: {err}")
            return None

    def _response(self, request: SipMessage, session: _Session | None, code: int, reason: str,
                  sdp: str = "") -> bytes:
        extra: list[tuple[str, str]] = [("Server", SERVER)]
        if request.method == "INVITE" and 200 <= code < 300:
            extra.append(("Contact", f"<sip:srs@{host_in_uri(self.host)}:{self.port};transport=tls>"))
            expires = (request.get("session-expires") or "").split(";", 1)[0].strip()
            if expires.isascii() and expires.isdigit():
                extra.append(("Session-Expires", f"{expires};refresher=uac"))
            extra.append(("Content-Type", "application/sdp"))
        # The SRS's tag on the final answers of its session (RFC 3261 section 8.2.6.2: it makes the dialog).
        tag = session.tag if session is not None and request.method == "INVITE" and code >= 200 else None
        return response_to(request, code, reason, extra, sdp.encode(), to_tag=tag)

    def _end(self, session: _Session) -> None:
        media = self._media
        with self._ended:
            if session.over:
                return
            session.over = True
            streams = [stream for stream, _suite in session.streams.values()]
            self._ended.notify_all()
        if media is not None:
            for stream in streams:
                media.close_stream(stream)

    def _over_count(self) -> int:
        return sum(1 for session in self._sessions.values() if session.over)

    # The record

    def _keep(self, messages: list[SipMessage], message: SipMessage) -> None:
        with self._lock:
            if len(self._received) + len(self._sent) < MAX_MESSAGES:
                messages.append(message)
            else:
                self._dropped_messages += 1

    def _problem(self, text: str) -> None:
        with self._lock:
            if len(self._problems) < 100:
                self._problems.append(text)

    def _build_report(self) -> SrsReport:
        with self._lock:
            received, sent = list(self._received), list(self._sent)
            problems = list(self._problems)
            if self._dropped_messages:
                problems.append(f"{self._dropped_messages} SIP messages over {MAX_MESSAGES} were not kept")
            sessions = dict(self._sessions)

        def media_of(call_id: str, port: int) -> StreamMedia:
            session = sessions.get(call_id)
            entry = session.streams.get(port) if session is not None else None
            if entry is None:
                return StreamMedia(0)
            stats = entry[0].stats()
            return StreamMedia(stats.accepted, entry[1], stats.rejected, stats.tone_hz)

        return report_from_messages(received, sent, media_of, scenario=self.scenario, transport="tls",
                                    host=self.host, port=self.port, returncode=None, problems=problems,
                                    server="python")


def _offer(invite: SipMessage) -> list[SdpMedia] | None:
    """The SDP offer of a recording-session INVITE (multipart, RFC 7866 section 9.1) or of a plain one; None when it
    has none that reads."""
    content_type = invite.get("content-type") or ""
    try:
        if content_type.lower().startswith("application/sdp"):
            return parse_sdp(invite.body.decode("utf-8", "replace"))
        for part in parse_multipart(content_type, invite.body):
            if part.headers.get("content-type", "").split(";")[0].strip().lower() == "application/sdp":
                return parse_sdp(part.content.decode("utf-8", "replace"))
    except ValueError:
        return None
    return None

