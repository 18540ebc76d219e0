"""Where SIP messages travel: a UDP endpoint shared by a user agent's sessions, and TCP or TLS links to an SRS.

Each receives on its own thread and hands every parsed message to a callback with the link to answer on. Standard
library only.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..sip.message import SipMessage, parse_message, take_message

POLL = 0.1
"""How often blocked socket reads look up to see whether they should stop (bounds close() time)."""


class Link(Protocol):
    """Where answers and in-dialog requests go: a datagram destination, or a stream connection."""

    reliable: bool

    def send(self, data: bytes) -> None: ...


class UdpEndpoint:
    """One UDP socket per address family shared by every session of a user agent, and its receiving thread."""

    def __init__(self, family: socket.AddressFamily, bind_host: str,
                 on_message: Callable[[SipMessage, Link], None], source_allowed: Callable[[str], bool]) -> None:
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((bind_host, 0))
        self.sock.settimeout(POLL)
        self.port: int = self.sock.getsockname()[1]
        self._on_message = on_message
        self._source_allowed = source_allowed
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"siprec-udp-{self.port}", daemon=True)
        self._thread.start()

    def link(self, address: tuple[str, int]) -> UdpLink:
        return UdpLink(self, address)

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                data, source = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._source_allowed(source[0]):
                continue
            try:
                message = parse_message(data)
            except ValueError:
                continue
            self._on_message(message, UdpLink(self, (source[0], source[1])))

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
    written by two threads at once. The reader waits in select() without the lock.
    """

    reliable = True

    def __init__(self, sock: socket.socket, on_message: Callable[[SipMessage, Link], None],
                 on_closed: Callable[[], None]) -> None:
        self.sock = sock
        self.sock.setblocking(False)
        self._lock = threading.Lock()
        self._on_message = on_message
        self._on_closed = on_closed
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="siprec-stream", daemon=True)
        self._thread.start()

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + 5.0
        while view:
            with self._lock:
                try:
                    sent = self.sock.send(view)
                except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                    sent = 0
            view = view[sent:]
            if view:
                if time.monotonic() > deadline:
                    raise TimeoutError("the SRS does not read its SIP connection")
                select.select([], [self.sock], [], POLL)

    def _run(self) -> None:
        buffer = bytearray()
        while not self._closed.is_set():
            pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
            if not pending:
                try:
                    readable, _, _ = select.select([self.sock], [], [], POLL)
                except (OSError, ValueError):
                    break
                if not readable:
                    continue
            with self._lock:
                try:
                    data = self.sock.recv(65536)
                except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    continue
                except OSError:
                    data = b""
            if not data:
                break
            buffer += data
            try:
                while (raw := take_message(buffer)) is not None:
                    try:
                        message = parse_message(raw)
                    except ValueError:
                        continue
                    self._on_message(message, self)
            except ValueError:
                break
        if not self._closed.is_set():
            self._on_closed()

    def close(self) -> None:
        self._closed.set()
        if threading.current_thread() is not self._thread:
            self._thread.join()
        with contextlib.suppress(OSError):
            self.sock.close()
