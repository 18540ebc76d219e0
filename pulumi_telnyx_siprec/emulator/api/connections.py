"""Connections that cannot hold the emulator: a deadline on every read, and a bound on how many are served at once.

http.server gives each connection a thread that waits as long as the client likes: 400 clients that promise a body
and never send it held 400 threads for ever. Here a client has `read_timeout` seconds to send each request (its
line and headers), and as long again for its body once the emulator reads it; a keep-alive connection idle that long
is closed. The deadline covers the whole request, not each read, so a client trickling a byte at a time is closed
too. At most `max_connections` are served at once; more wait, unaccepted, in the listen backlog until one closes,
which the deadline guarantees.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

DEFAULT_READ_TIMEOUT = 60.0
"""Seconds; as long as common servers give a client (nginx's `client_header_timeout` and `client_body_timeout`
are 60 s), so that a client that pauses as a real one might is never cut off."""
DEFAULT_MAX_CONNECTIONS = 512
"""Connections served at once: eight times the provider plugin's 64 concurrent operations. Each costs a thread and
its buffers: 400 connections waiting for a body added 13 MiB to the emulator's RSS (32 KiB each), so 512 stay
near 16 MiB."""


class DeadlineReader(io.RawIOBase):
    """A socket's reading side that fails with TimeoutError once its deadline has passed, however the client
    spreads its bytes. `restart()` sets a new deadline, `seconds` from now."""

    def __init__(self, connection: socket.socket, seconds: float) -> None:
        super().__init__()
        self._connection = connection
        self._seconds = seconds
        self._deadline = time.monotonic() + seconds

    def restart(self) -> None:
        self._deadline = time.monotonic() + self._seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"the client sent no complete request within {self._seconds:g} s")
        self._connection.settimeout(remaining)
        return self._connection.recv_into(buffer)


class ConnectionSlots:
    """Counts the connections being served and makes a new one wait while `limit` are."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = threading.Semaphore(limit)
        self._lock = threading.Lock()
        self._open = 0
        self.stopping = threading.Event()
        """Set when the server stops: a connection waiting for a slot then gives up."""

    def acquire(self) -> bool:
        """Waits for a free slot; False if the server stops first."""
        while not self._free.acquire(timeout=0.05):
            if self.stopping.is_set():
                return False
        with self._lock:
            self._open += 1
        return True

    def release(self) -> None:
        with self._lock:
            self._open -= 1
        self._free.release()

    @property
    def open(self) -> int:
        with self._lock:
            return self._open
