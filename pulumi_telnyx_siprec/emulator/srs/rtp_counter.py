"""Counts the RTP packets that reach some UDP ports: what an SRS's answered media ports received.

    with RtpCounter(2) as counter:          # two free ports on 127.0.0.1
        ...                                 # answer with counter.ports
        counter.wait_for(5)                 # every port has had 5 RTP packets (False if not in time)
        counter.counts()                    # {port: packets}

Standard library only.
"""

from __future__ import annotations

import selectors
import socket
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class PortStats:
    """What one port received. Only RTP version 2 packets of 12 bytes or more count as packets."""

    packets: int = 0
    other: int = 0
    """Datagrams that are not RTP."""
    ssrcs: set[int] = field(default_factory=set)
    payload_types: set[int] = field(default_factory=set)
    payload_bytes: int = 0


class RtpCounter:
    """Binds one UDP socket per port (0 picks a free one) on `host`, and counts in a background thread."""

    def __init__(self, ports: int | Sequence[int] = 1, host: str = "127.0.0.1") -> None:
        wanted = [0] * ports if isinstance(ports, int) else list(ports)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sockets: list[socket.socket] = []
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._stats: dict[int, PortStats] = {}
        try:
            for port in wanted:
                sock = socket.socket(family, socket.SOCK_DGRAM)
                self._sockets.append(sock)
                sock.bind((host, port))
                sock.setblocking(False)
                self._selector.register(sock, selectors.EVENT_READ)
                self._stats[sock.getsockname()[1]] = PortStats()
        except OSError:
            self._close_sockets()
            raise
        self.ports: tuple[int, ...] = tuple(s.getsockname()[1] for s in self._sockets)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rtp-counter", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._closed.is_set():
            for key, _events in self._selector.select(timeout=0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                while True:
                    try:
                        data = sock.recv(65535)
                    except (BlockingIOError, OSError):
                        break
                    self._count(sock.getsockname()[1], data)

    def _count(self, port: int, data: bytes) -> None:
        with self._lock:
            stats = self._stats[port]
            # RFC 3550 section 5.1: version 2 in the top two bits, 12-byte fixed header.
            if len(data) < 12 or data[0] >> 6 != 2:
                stats.other += 1
                return
            _flags, marker_type, _sequence, _timestamp, ssrc = struct.unpack("!BBHII", data[:12])
            stats.packets += 1
            stats.ssrcs.add(ssrc)
            stats.payload_types.add(marker_type & 0x7F)
            stats.payload_bytes += len(data) - 12

    def counts(self) -> dict[int, int]:
        """RTP packets received so far, by port."""
        with self._lock:
            return {port: stats.packets for port, stats in self._stats.items()}

    def stats(self) -> dict[int, PortStats]:
        """A copy of everything counted, by port."""
        with self._lock:
            return {port: PortStats(s.packets, s.other, set(s.ssrcs), set(s.payload_types), s.payload_bytes)
                    for port, s in self._stats.items()}

    def wait_for(self, minimum: int, timeout: float = 10.0, ports: Sequence[int] | None = None) -> bool:
        """Waits until each of `ports` (default: all) has received `minimum` RTP packets; False if not in time."""
        deadline = time.monotonic() + timeout
        watched = self.ports if ports is None else tuple(ports)
        while True:
            counts = self.counts()
            if all(counts[port] >= minimum for port in watched):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
        self._close_sockets()

    def _close_sockets(self) -> None:
        self._selector.close()
        for sock in self._sockets:
            sock.close()

    def __enter__(self) -> RtpCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
