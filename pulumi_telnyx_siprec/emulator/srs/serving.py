"""What a server of the SRS harness (and a test's scripted SRS) needs to serve on threads: the threads themselves,
and what its sockets take in (connections, a stream's chunks, datagrams) until the server closes. Its sockets have a
timeout, so that every loop sees the server's closed flag soon."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator


class ServingThreads:
    """A server's daemon threads (its listener, one per connection); the ended ones are dropped as new ones start,
    so a long run does not keep them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def join(self) -> None:
        """Waits for every thread started: the server must have told them to end (its closed flag)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join()


def received_chunks(stream: socket.socket, closed: threading.Event) -> Iterator[bytes]:
    """What a stream with a timeout (TCP or TLS) receives, chunk by chunk, until `closed` is set, the peer closes,
    or the connection fails. A timeout only lets `closed` be checked again."""
    while not closed.is_set():
        try:
            chunk = stream.recv(65536)
        except (TimeoutError, ssl.SSLWantReadError):
            continue
        except OSError:
            return
        if not chunk:
            return
        yield chunk


def accepted_connections(listener: socket.socket, closed: threading.Event) -> Iterator[socket.socket]:
    """The connections a listening socket with a timeout accepts, until `closed` is set or the listener fails (it
    was closed under it)."""
    while not closed.is_set():
        try:
            raw, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        yield raw


def received_datagrams(sock: socket.socket, closed: threading.Event) -> Iterator[tuple[bytes, tuple[str, int]]]:
    """The datagrams a UDP socket with a timeout receives, each with where it came from, until `closed` is set or
    the socket fails (it was closed under it)."""
    while not closed.is_set():
        try:
            data, source = sock.recvfrom(65535)
        except TimeoutError:
            continue
        except OSError:
            return
        yield data, source
