"""The local TLS SRS's media side: one UDP port per answered stream, each checked as SRTP (authenticated and decrypted
with the key of the crypto line the SRS took, RFC 3711) or read as plain RTP, and what each heard.

    with MediaReceiver("127.0.0.1") as media:
        stream = media.open(verifier)      # an SrtpVerifier, or None for plain RTP
        ...                                # answer with stream.port
        media.close_stream(stream)         # at BYE: the port closes, the counts stay
        stream.stats()                     # packets accepted, rejected, the tone heard

Every datagram counts once: `accepted` (RTP version 2, and for SRTP authenticated and not a replay) or `rejected`
(anything else: a failed authentication tag, a replay, not RTP at all). What a stream keeps is bounded: the last
`TONE_WINDOW` PCMU samples, whatever arrives. One thread reads every port; `close_stream` reads what is left of one
from the caller's thread, never at the same time as the reading thread (a stream's datagrams are read and taken under
its own lock), so an SRTP session (libsrtp's, not thread-safe) is only ever used by one thread at a time.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from .tone import ULAW_TO_LINEAR, tone_frequency

RTP_HEADER_BYTES = 12
PCMU = 0
TONE_WINDOW = 8000
"""PCMU samples kept per stream for the tone (the last second of it)."""
POLL = 0.05


class Verifier(Protocol):
    """What checks an SRTP packet (`..srtp.SrtpVerifier`): the RTP inside it, or a ValueError."""

    def verify(self, packet: bytes) -> bytes: ...


@dataclass(frozen=True)
class StreamStats:
    """What one answered stream received."""

    port: int
    srtp: bool
    accepted: int
    """RTP packets taken: for SRTP, those that passed authentication and the replay check."""
    rejected: int
    """Datagrams refused: SRTP authentication or replay failures, and anything that is not RTP."""
    tone_hz: float | None
    """The frequency of the PCMU tone heard (`tone.tone_frequency`); None when too little was heard."""
    last_rejection: str | None
    """Why the last datagram refused was refused."""


class ReceivedStream:
    """One answered stream's port and counts. Thread-safe."""

    def __init__(self, sock: socket.socket, verifier: Verifier | None) -> None:
        self.sock = sock
        self.port: int = sock.getsockname()[1]
        self._verifier = verifier
        self._reading = threading.Lock()
        """Held while datagrams are read from `sock` and taken: by one reader at a time."""
        self._lock = threading.Lock()
        self._accepted = 0
        self._rejected = 0
        self._last_rejection: str | None = None
        self._samples: deque[int] = deque(maxlen=TONE_WINDOW)

    def read(self, limit: int | None = None) -> None:
        """Reads and takes the datagrams waiting on the port (at most `limit`), until none is left or it is closed.
        A second reader waits until the first is done: once `read()` returns, what it received is counted."""
        with self._reading:
            self._read(limit)

    def close(self) -> None:
        """Reads what is left on the port (waiting for a reader under way), then closes it; the counts stay."""
        with self._reading:
            self._read(None)
            self.sock.close()

    def _read(self, limit: int | None) -> None:
        taken = 0
        while limit is None or taken < limit:
            try:
                datagram = self.sock.recv(65535)
            except OSError:  # nothing more now (non-blocking), or closed
                return
            self.take(datagram)
            taken += 1

    def take(self, datagram: bytes) -> None:
        """Counts one datagram (and keeps its PCMU samples)."""
        with self._lock:
            # Under the lock: the verifier's SRTP session (its replay window, cipher and authentication state) is
            # libsrtp's, which is not thread-safe, and pylibsrtp releases the GIL while libsrtp runs.
            packet = datagram
            problem = None
            if self._verifier is not None:
                try:
                    packet = self._verifier.verify(datagram)
                except ValueError as err:
                    problem = f"SRTP check failed: {err}"
            if problem is None and (len(packet) < RTP_HEADER_BYTES or packet[0] >> 6 != 2):
                problem = "not an RTP packet"
            if problem is not None:
                self._rejected += 1
                self._last_rejection = problem
                return
            self._accepted += 1
            if packet[1] & 0x7F == PCMU:
                self._samples.extend(ULAW_TO_LINEAR[byte] for byte in packet[_payload_start(packet):])

    def stats(self) -> StreamStats:
        with self._lock:
            samples = list(self._samples)
            accepted, rejected, last = self._accepted, self._rejected, self._last_rejection
        return StreamStats(self.port, self._verifier is not None, accepted, rejected, tone_frequency(samples), last)


def _payload_start(packet: bytes) -> int:
    """Where an RTP packet's payload starts: after the fixed header, the CSRCs and any header extension (RFC 3550
    section 5.1 and 5.3.1)."""
    start = RTP_HEADER_BYTES + 4 * (packet[0] & 0x0F)
    if packet[0] & 0x10 and len(packet) >= start + 4:
        (words,) = struct.unpack("!H", packet[start + 2:start + 4])
        start += 4 + 4 * words
    return min(start, len(packet))


class MediaReceiver:
    """Opens stream ports on `host` and reads them all from one thread until closed."""

    def __init__(self, host: str) -> None:
        self._host = host
        self._family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="srs-media", daemon=True)
        self._thread.start()

    def open(self, verifier: Verifier | None) -> ReceivedStream:
        """A new stream on a free port (SRTP checked by `verifier`, or plain RTP when None)."""
        sock = socket.socket(self._family, socket.SOCK_DGRAM)
        try:
            sock.bind((self._host, 0))
            sock.setblocking(False)
            stream = ReceivedStream(sock, verifier)
            with self._lock:
                self._selector.register(sock, selectors.EVENT_READ, stream)
        except BaseException:
            sock.close()
            raise
        return stream

    def close_stream(self, stream: ReceivedStream) -> None:
        """Stops receiving on a stream's port (its counts stay), once what it has received is read: a packet the
        client sent before its BYE is counted, whoever reads it."""
        with self._lock, contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(stream.sock)
        # Waits for the reading thread if it is reading this stream (it may have been told the port was ready just
        # before the unregister): after this, every datagram received before is counted, and none is read after.
        stream.close()

    def _run(self) -> None:
        while not self._closed.is_set():
            # Ports open and close while this waits: the selector (epoll, kqueue, select) tolerates it, and a port
            # closed meanwhile just reads nothing.
            try:
                ready = self._selector.select(timeout=POLL) if self._selector.get_map() else []
            except (OSError, ValueError, KeyError):
                ready = []
            if not ready:
                if not self._selector.get_map():
                    self._closed.wait(POLL)
                continue
            for key, _events in ready:
                stream: ReceivedStream = key.data
                stream.read(limit=64)  # a burst on one port does not starve the others

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
        with self._lock:
            socks = [key.fileobj for key in self._selector.get_map().values()]
            self._selector.close()
        for sock in socks:
            if isinstance(sock, socket.socket):
                sock.close()

    def __enter__(self) -> MediaReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
