"""Where SIP messages travel: a UDP endpoint shared by a user agent's sessions, and TCP or TLS links to an SRS.

Each receives on its own thread and hands every parsed message to its sink with the link to answer on; a message
that does not parse goes to the sink's `on_malformed` instead. Nothing a peer sends ends a receive thread: a handler's
exception is reported (`unexpected`) and the next message is read. A stream link that stops reading (the SRS closed
it, or sent a message over `MAX_MESSAGE_BYTES`, whose framing cannot be trusted) closes its socket and says why.
Standard library only.
"""

from __future__ import annotations

import contextlib
import errno
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..sip.message import (
    MAX_MESSAGE_BYTES,
    MalformedMessageError,
    OversizeMessageError,
    SipMessage,
    parse_message,
    take_message,
)
from .unexpected import report_unexpected

POLL = 0.1
"""How often blocked socket reads look up to see whether they should stop (bounds close() time)."""
SEND_LIMIT = 5.0
"""Seconds a stream send waits for an SRS that does not read its connection."""
CONNECTION_LINGER = 0.2
"""Seconds a session's TCP or TLS connection stays open once the session is over (see `StreamLink`)."""
CLOSED_BY_SRS = "the SRS closed the SIP connection"
OVERSIZE = f"the SRS sent a SIP message over {MAX_MESSAGE_BYTES} bytes: connection closed"


class Link(Protocol):
    """Where answers and in-dialog requests go: a datagram destination, or a stream connection."""

    reliable: bool

    def send(self, data: bytes) -> None: ...


class MessageSink(Protocol):
    """Who receives what a transport reads (the user agent)."""

    def _on_message(self, message: SipMessage, link: Link) -> None: ...

    def _on_malformed(self, error: MalformedMessageError, _link: Link) -> None: ...


def deliver(sink: MessageSink, data: bytes, link: Link) -> None:
    """Parses one message and hands it to `sink`; never raises (a handler's bug is reported, not fatal)."""
    try:
        try:
            message = parse_message(data)
        except MalformedMessageError as err:
            sink._on_malformed(err, link)
            return
        sink._on_message(message, link)
    except Exception:  # a bug in a handler must not end the thread every session shares
        report_unexpected()


class UdpEndpoint:
    """One UDP socket per address family shared by every session of a user agent, and its receiving thread."""

    def __init__(self, family: socket.AddressFamily, bind_host: str, sink: MessageSink,
                 source_allowed: Callable[[str], bool]) -> None:
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((bind_host, 0))
        self.sock.settimeout(POLL)
        self.port: int = self.sock.getsockname()[1]
        self._sink = sink
        self._source_allowed = source_allowed
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"siprec-udp-{self.port}", daemon=True)
        self._thread.start()

    def link(self, address: tuple[str, int]) -> UdpLink:
        return UdpLink(self, address)

    def is_alive(self) -> bool:
        """Whether the receiving thread still runs (until `close()`)."""
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                data, source = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                if self._closed.is_set() or self.sock.fileno() < 0:
                    return
                # An error queued on the socket (an ICMP report, say) is not the end of it; no busy loop either.
                self._closed.wait(POLL)
                continue
            if self._source_allowed(source[0]):
                deliver(self._sink, data, UdpLink(self, (source[0], source[1])))

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
        self.sock.close()


@dataclass
class UdpLink:
    """One destination, reached through an endpoint's socket (answers go where the request came from)."""

    endpoint: UdpEndpoint
    address: tuple[str, int]
    reliable: bool = False

    def send(self, data: bytes) -> None:
        self.endpoint.sock.sendto(data, self.address)


class StreamLink:
    """A TCP or TLS connection to the SRS (one per session) and its reading thread.

    The socket is non-blocking and every read and write happens under one lock: an SSL object must not be read and
    written by two threads at once. The reader waits in select() without the lock. When it stops reading, it closes
    the socket and tells `on_closed` why (unless `close()` came first). `close(linger)` returns at once and leaves
    the reader to close the connection `linger` seconds later (sooner if the SRS closes it): an SRS may still be
    finishing its last transaction (SIPp counts a call whose connection closes right after its last answer as
    failed); `join()` waits for that.
    """

    reliable = True

    def __init__(self, sock: socket.socket, sink: MessageSink, on_closed: Callable[[str], None]) -> None:
        self.sock = sock
        self.sock.setblocking(False)
        self._lock = threading.Lock()
        self._sink = sink
        self._on_closed = on_closed
        self._closed = threading.Event()
        self._close_at = float("inf")
        self._shut = False
        # close() writes to this pair to wake the reader from select() at once, leaving the socket as it is.
        self._wake_reader, self._waker = socket.socketpair()
        self._thread = threading.Thread(target=self._run, name="siprec-stream", daemon=True)
        self._thread.start()

    def send(self, data: bytes) -> None:
        """Sends all of `data`; OSError when the connection is closed, the SRS does not read it in time, or it is
        over `MAX_MESSAGE_BYTES` (what the client does not accept it does not send: an answer echoing a request of
        nearly that size, say)."""
        if len(data) > MAX_MESSAGE_BYTES:
            raise OSError(errno.EMSGSIZE, f"a SIP message of {len(data)} bytes, over {MAX_MESSAGE_BYTES}: not sent")
        view = memoryview(data)
        deadline = time.monotonic() + SEND_LIMIT
        while view:
            with self._lock:
                if self._shut:
                    raise ConnectionError("the SIP connection is closed")
                try:
                    sent = self.sock.send(view)
                except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                    sent = 0
            view = view[sent:]
            if view:
                if time.monotonic() > deadline:
                    raise TimeoutError("the SRS does not read its SIP connection")
                try:
                    select.select([], [self.sock], [], POLL)
                except ValueError:  # closed meanwhile: the next turn says so
                    continue

    def close(self, linger: float = 0.0) -> None:
        """Ends the link: no more `on_closed`; the reader closes the socket after `linger` seconds (at once for 0,
        and then this waits for it, unless called from the reader)."""
        with self._lock:
            self._close_at = min(self._close_at, time.monotonic() + linger)
        self._closed.set()
        with contextlib.suppress(OSError):
            self._waker.send(b"x")
        if linger <= 0:
            self.join()

    def is_alive(self) -> bool:
        """Whether the reader still runs (the connection is open, or lingering)."""
        return self._thread.is_alive()

    def is_open(self) -> bool:
        """Whether messages can still be sent (neither closed nor closing)."""
        with self._lock:
            return not self._shut and not self._closed.is_set()

    def join(self) -> None:
        """Waits until the reader has closed the connection (unless called from the reader)."""
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def _run(self) -> None:
        reason = CLOSED_BY_SRS
        try:
            reason = self._read()
        except Exception:  # a bug here must still close the link and end its session
            report_unexpected()
            reason = "internal error while reading the SIP connection: connection closed"
        finally:
            with self._lock:
                self._shut = True
                with contextlib.suppress(OSError):
                    self.sock.close()
            self._waker.close()
            self._wake_reader.close()
        if not self._closed.is_set():
            self._on_closed(reason)

    def _read(self) -> str:
        """Reads and delivers messages until the connection ends or the link's close time; why it ended."""
        buffer = bytearray()
        while True:
            with self._lock:
                left = self._close_at - time.monotonic()
            if left <= 0:
                return "closed by the client"
            pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
            if not pending:
                try:
                    readable, _, _ = select.select([self.sock, self._wake_reader], [], [], min(POLL, left))
                except (OSError, ValueError):
                    return CLOSED_BY_SRS
                if self._wake_reader in readable:
                    with contextlib.suppress(OSError):
                        self._wake_reader.recv(64)
                if self.sock not in readable:
                    continue
            with self._lock:
                try:
                    data = self.sock.recv(65536)
                except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    continue
                except (OSError, ValueError):
                    data = b""
            if not data:
                return CLOSED_BY_SRS
            buffer += data
            try:
                while (raw := take_message(buffer)) is not None:
                    deliver(self._sink, raw, self)
            except OversizeMessageError:
                return OVERSIZE
