"""The media of a SIPREC session: 20 ms G.711 mu-law tone frames, and a thread that sends them as RTP.

Standard library only.

Sources: RFC 3550 section 5.1 (RTP header; random initial sequence number and timestamp) and 8.1 (random SSRC),
RFC 3551 (PCMU: payload type 0, 8000 Hz; 20 ms = 160 samples), ITU-T G.711 (mu-law).
"""

from __future__ import annotations

import math
import secrets
import socket
import struct
import threading
import time
from collections.abc import Callable

from .unexpected import report_unexpected

PTIME = 0.020
SAMPLES_PER_PACKET = 160
"""20 ms of 8000 Hz audio (RFC 3551 section 4.5.14: PCMU, one octet per sample)."""
CATCH_UP_PACKETS = 5
"""An RTP sender late by more than this many packets (a stalled machine) skips ahead instead of bursting."""


def _linear_to_ulaw(sample: int) -> int:
    """One 16-bit linear sample as G.711 mu-law (ITU-T G.711: bias 0x84, clip at 32635, bits inverted)."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = 7
    while exponent > 0 and not magnitude & (0x80 << exponent):
        exponent -= 1
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def tone_frames(frequency: int, amplitude: int = 8000) -> tuple[bytes, ...]:
    """20 ms PCMU payloads of a sine tone, as many as it takes for the tone to repeat seamlessly (1 for 1 kHz)."""
    if not 0 < frequency < 4000:
        raise ValueError("the tone must lie between 0 and 4000 Hz (8000 Hz sampling)")
    period = 8000 // math.gcd(8000, frequency)
    samples = period * SAMPLES_PER_PACKET // math.gcd(period, SAMPLES_PER_PACKET)
    table = bytes(_linear_to_ulaw(round(amplitude * math.sin(2 * math.pi * frequency * n / 8000)))
                  for n in range(samples))
    return tuple(table[i:i + SAMPLES_PER_PACKET] for i in range(0, samples, SAMPLES_PER_PACKET))


TONE_HZ = {"inbound": 440, "outbound": 1000}
"""The tone of each track: the caller's stream (inbound) 440 Hz, the callee's (outbound) 1 kHz, so that a listener
(the local SRS's report, say) can tell them apart, and tell that the media was decrypted right."""
TONES = {track: tone_frames(hz) for track, hz in TONE_HZ.items()}
"""Each track's tone, as 20 ms PCMU payloads."""


Protector = Callable[[bytes], bytes]
"""Turns an RTP packet into what goes on the wire: a secure session's SRTP protector (RFC 3711, `..srtp`)."""


class RtpSender:
    """Sends one stream's 20 ms PCMU packets from its own thread until stopped; each packet goes through `protect`
    (none: plain RTP) on its way out."""

    def __init__(self, sock: socket.socket, destination: tuple[str, int], frames: tuple[bytes, ...],
                 stop: threading.Event, protect: Protector | None = None) -> None:
        if not 0 < destination[1] < 65536:
            raise ValueError(f"RTP destination port must be 1..65535, not {destination[1]}")
        self.packets = 0
        """Sent so far; written by the sender thread only (an int store is atomic under the GIL)."""
        self.errors = 0
        self._sock = sock
        self._destination = destination
        self._frames = frames
        self._stop = stop
        self._protect = protect
        # RFC 3550 sections 5.1 and 8.1: random initial sequence number, timestamp and SSRC per stream.
        self.ssrc = secrets.randbits(32)
        self._sequence = secrets.randbits(16)
        self._timestamp = secrets.randbits(32)
        self._thread = threading.Thread(target=self._run, name="siprec-rtp", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._send_until_stopped()
        except Exception:  # a bug: the stream stops, the session goes on
            report_unexpected()

    def _send_until_stopped(self) -> None:
        started = time.monotonic()
        slot = 0
        while not self._stop.is_set():
            # The marker bit flags the first packet of a talkspurt (RFC 3551 section 4.1); PT 0 is PCMU.
            header = struct.pack("!BBHII", 0x80, (0x80 if slot == 0 else 0x00),
                                 (self._sequence + self.packets) & 0xFFFF,
                                 (self._timestamp + slot * SAMPLES_PER_PACKET) & 0xFFFFFFFF, self.ssrc)
            packet = header + self._frames[slot % len(self._frames)]
            if self._protect is not None:
                packet = self._protect(packet)
            try:
                self._sock.sendto(packet, self._destination)
                self.packets += 1
            except OSError:
                self.errors += 1
            slot += 1
            delay = started + slot * PTIME - time.monotonic()
            if delay < -CATCH_UP_PACKETS * PTIME:
                # Fell far behind (the process was stalled): the timestamp follows the clock, the sequence does not.
                slot = int((time.monotonic() - started) / PTIME)
            elif delay > 0 and self._stop.wait(delay):
                return

    def join(self) -> None:
        self._thread.join()
