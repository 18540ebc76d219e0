"""A scripted SRS for the SIPREC client's hostile-peer tests: on 127.0.0.1 over UDP, TCP or TLS, it hands every
message the client sends to a script, which answers with any bytes at all (well-formed or not), closes the
connection, or keeps quiet. The client's own messages are read with the package's wire format: they are not what
these tests put under test.
"""

from __future__ import annotations

import contextlib
import functools
import select
import socket
import ssl
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pulumi_telnyx_siprec.emulator.sip.message import (
    OversizeMessageError,
    SipMessage,
    parse_message,
    render,
    take_message,
)
from pulumi_telnyx_siprec.emulator.sip.recording_body import parse_multipart, parse_sdp
from pulumi_telnyx_siprec.emulator.srs.serving import ServingThreads, accepted_connections, received_datagrams

SRS_TAG = "hostile-srs"
POLL = 0.05
SEND_LIMIT = 10.0
"""Seconds a send to the client waits for it to read (it never should, on loopback, unless it is stuck)."""


class Peer:
    """The client as the SRS sees it: where its last datagram came from (UDP)."""

    def __init__(self, send: Callable[[bytes], object]) -> None:
        self._send = send
        self.client_closed = threading.Event()
        """Set when the client closed the connection (EOF or reset), for a stream."""

    def send(self, data: bytes) -> None:
        self._send(data)

    def half_close(self) -> None:
        raise TypeError("a UDP peer has no connection")

    def abort(self) -> None:
        raise TypeError("a UDP peer has no connection")


class StreamPeer(Peer):
    """One TCP or TLS connection of the client. The socket is non-blocking and each read or write happens under one
    lock (an SSL object must not be used by two threads at once), as the client's own links do; a send waits for
    the client to read, up to `SEND_LIMIT` seconds (TimeoutError, an OSError)."""

    def __init__(self, stream: socket.socket) -> None:
        super().__init__(lambda _data: None)
        self.stream = stream
        self._lock = threading.Lock()
        stream.setblocking(False)

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + SEND_LIMIT
        while view:
            with self._lock:
                try:
                    sent = self.stream.send(view)
                except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                    sent = 0
                except ValueError as err:  # closed meanwhile
                    raise ConnectionError(str(err)) from None
            view = view[sent:]
            if view:
                if time.monotonic() > deadline:
                    raise TimeoutError("the client does not read its SIP connection")
                try:
                    select.select([], [self.stream], [], POLL)
                except ValueError:
                    raise ConnectionError("closed") from None

    def receive(self) -> bytes | None:
        """What the client sent next: None when there is nothing yet, b"" once the connection is over."""
        if not (isinstance(self.stream, ssl.SSLSocket) and self.stream.pending()):
            try:
                readable, _, _ = select.select([self.stream], [], [], POLL)
            except (OSError, ValueError):
                return b""
            if not readable:
                return None
        with self._lock:
            try:
                return self.stream.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return None
            except (OSError, ValueError):
                return b""

    def half_close(self) -> None:
        """Sends FIN and keeps reading, so that the client closing its side can be seen (`client_closed`)."""
        with self._lock, contextlib.suppress(OSError):
            self.stream.shutdown(socket.SHUT_WR)

    def abort(self) -> None:
        """Closes the connection with a reset (SO_LINGER 0)."""
        with self._lock:
            with contextlib.suppress(OSError):
                self.stream.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.stream.close()


Script = Callable[["HostileSrs", SipMessage, Peer], None]


class ReceivedMessages:
    """What a scripted SRS has received (`received`, guarded by `_lock`), as tests read it."""

    received: list[SipMessage]
    _lock: threading.Lock

    def requests(self, method: str) -> list[SipMessage]:
        with self._lock:
            return [m for m in self.received if not m.is_response and m.method == method]

    def responses(self, method: str) -> list[SipMessage]:
        with self._lock:
            return [m for m in self.received if m.is_response and m.cseq[1] == method]


class HostileSrs(ReceivedMessages):
    """An SRS on 127.0.0.1 (`transport` udp, tcp or tls) that gives every message it receives to `script`.

    Everything received is kept (`received`) unless `keep` is False; `peer` is where the latest message came from.
    An exception in the script, or a message from the client that does not parse, is kept (`errors`) and raised
    again by `close()`, so that the test fails.
    """

    def __init__(self, transport: str, script: Script, *, keep: bool = True) -> None:
        self.transport = transport
        self.script = script
        self.keep = keep
        self.received: list[SipMessage] = []
        self.peer: Peer | None = None
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._threads = ServingThreads()
        self._streams: list[socket.socket] = []
        if transport == "udp":
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._sock.bind(("127.0.0.1", 0))
            target: Callable[[], None] = self._serve_udp
        else:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._sock.bind(("127.0.0.1", 0))
            self._sock.listen(16)
            target = self._serve_stream
        self._sock.settimeout(POLL)
        self.port: int = self._sock.getsockname()[1]
        self._threads.start(target, "hostile-srs")

    # What tests send

    def send(self, data: bytes) -> None:
        """Sends to the client on its latest link."""
        assert self.peer is not None
        self.peer.send(data)

    def close(self) -> None:
        self._closed.set()
        self._threads.join()
        with self._lock:
            streams, self._streams = self._streams, []
        for stream in streams:
            stream.close()
        self._sock.close()
        if self.errors:
            raise self.errors[0]

    def __enter__(self) -> HostileSrs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Serving

    def _serve_udp(self) -> None:
        for data, source in received_datagrams(self._sock, self._closed):

            def send(out: bytes, to: tuple[str, int] = source) -> None:
                self._sock.sendto(out, to)

            self._take(data, Peer(send))

    def _serve_stream(self) -> None:
        for raw in accepted_connections(self._sock, self._closed):
            with self._lock:
                self._streams.append(raw)
            self._threads.start(lambda raw=raw: self._serve_connection(raw), "hostile-srs")  # type: ignore[misc]

    def _serve_connection(self, raw: socket.socket) -> None:
        stream = raw
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if self.transport == "tls":
                raw.settimeout(SEND_LIMIT)
                try:
                    stream = tls_server_context().wrap_socket(raw, server_side=True)
                except (OSError, ssl.SSLError):
                    return
                with self._lock:
                    self._streams.append(stream)
            self._read_connection(StreamPeer(stream))
        finally:
            with self._lock:
                self._streams = [s for s in self._streams if s is not raw and s is not stream]
            raw.close()
            stream.close()

    def _read_connection(self, peer: StreamPeer) -> None:
        buffer = bytearray()
        while not self._closed.is_set():
            chunk = peer.receive()
            if chunk is None:
                continue
            if not chunk:
                peer.client_closed.set()
                return
            buffer += chunk
            try:
                while (data := take_message(buffer)) is not None:
                    self._take(data, peer)
            except OversizeMessageError as err:  # the client sent what it would not accept itself
                self.errors.append(AssertionError(f"the client sent a message over the limit: {err}"))
                return

    def _take(self, data: bytes, peer: Peer) -> None:
        try:
            message = parse_message(data)
        except ValueError as err:  # the client sent what is not SIP: a failure of the test
            self.errors.append(AssertionError(f"the client sent a malformed message ({err}): {data[:300]!r}"))
            return
        with self._lock:
            if self.keep:
                self.received.append(message)
            self.peer = peer
        try:
            self.script(self, message, peer)
        except Exception as err:  # kept for close(): the test fails on its script's bug
            self.errors.append(err)


def well_behaved(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
    """What a well-behaved SRS does: 200 with an SDP answer (port 0: no RTP) to an INVITE, 200 to BYE, CANCEL and the
    rest, nothing to ACK and responses."""
    if message.is_response or message.method == "ACK":
        return
    if message.method == "INVITE":
        extra, body = sdp_answer(message)
        peer.send(answer(message, "200 OK", extra, body))
    else:
        peer.send(answer(message, "200 OK"))


# Building answers


def answer(request: SipMessage, status: str, extra: Sequence[tuple[str, str]] = (), body: bytes = b"") -> bytes:
    """A well-formed response to `request` (the To of an INVITE answer gets the SRS's tag)."""
    to = request.get("to") or ""
    if request.method == "INVITE" and ";tag=" not in to:
        to = f"{to};tag={SRS_TAG}"
    headers = [*(("Via", via) for via in request.values("via")), ("From", request.get("from") or ""), ("To", to),
               ("Call-ID", request.call_id), ("CSeq", request.get("cseq") or ""), *extra]
    return render(f"SIP/2.0 {status}", headers, body)


def offered_ports(invite: SipMessage) -> list[int]:
    """The RTP ports of the SDP offer of a recording-session INVITE (multipart), or of a refresh (SDP alone)."""
    if invite.get("content-type") == "application/sdp":
        return [m.port for m in parse_sdp(invite.body.decode())]
    for part in parse_multipart(invite.get("content-type") or "", invite.body):
        if part.headers.get("content-type") == "application/sdp":
            return [m.port for m in parse_sdp(part.content.decode())]
    raise AssertionError("no SDP offer in the INVITE")


def sdp_answer(invite: SipMessage, port: int = 0, contact: str = "<sip:srs@127.0.0.1>"
               ) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of a 200's SDP answer: one recvonly m-line per offered stream, all on `port` (0: rejected, so
    that no RTP is sent)."""
    lines = "".join(f"m=audio {port} RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\na=recvonly\r\n"
                    for _ in offered_ports(invite))
    body = f"v=0\r\no=srs 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n{lines}"
    return [("Contact", contact), ("Content-Type", "application/sdp")], body.encode()


def answer_with_session_timer(invite: SipMessage, session_expires: str = "2;refresher=uac") -> bytes:
    """A 200 with an SDP answer (no RTP) to `invite` that sets its session timer: by default the client refreshes
    the session every 2 s, so that a test soon sees a refresh."""
    extra, body = sdp_answer(invite)
    return answer(invite, "200 OK", [*extra, ("Session-Expires", session_expires)], body)


def in_dialog_request(method: str, invite: SipMessage, cseq: int, extra: Sequence[tuple[str, str]] = ()) -> bytes:
    """A request of the SRS within the dialog (or early dialog) `invite` started."""
    contact = (invite.get("contact") or "").split("<", 1)[1].split(">", 1)[0]
    via = (invite.get("via") or "").split(";", 1)[0].replace("SIP/2.0/", "")
    return render(f"{method} {contact} SIP/2.0", [
        ("Via", f"SIP/2.0/{via.split()[0]} 127.0.0.1:5060;branch=z9hG4bKsrs{method.lower()}{cseq}"),
        ("Max-Forwards", "70"), ("From", f"{invite.get('to')};tag={SRS_TAG}"), ("To", invite.get("from") or ""),
        ("Call-ID", invite.call_id), ("CSeq", f"{cseq} {method}"), *extra])


# TLS


@functools.cache
def tls_server_context() -> ssl.SSLContext:
    """A server context with a self-signed P-256 certificate for 127.0.0.1, made once per process."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hostile-srs.test")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
                   .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:
        cert_path, key_path = Path(folder) / "srs.pem", Path(folder) / "srs.key"
        cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        context.load_cert_chain(str(cert_path), str(key_path))
    return context
