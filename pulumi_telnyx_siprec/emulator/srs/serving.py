"""What a server of the SRS harness (and a test's scripted SRS) needs to serve connections on threads: the threads
themselves, and the chunks a stream receives until the server closes."""

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
