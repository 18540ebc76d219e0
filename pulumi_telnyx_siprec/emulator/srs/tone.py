"""What a stream sounds like: G.711 mu-law decoding, and the frequency of a tone by its zero crossings.

The SIPREC client sends a pure tone per stream (440 Hz on the caller's, 1 kHz on the callee's: `siprec.rtp.TONES`);
hearing the right one on each stream shows that the media was decrypted with the right key and routed to the right
stream, not merely that packets arrived.

The estimate: positive-going zero crossings, each placed between its two samples by linear interpolation; the
frequency is the number of periods between the first and the last crossing over the time between them. For a clean
tone of at least `MIN_PERIODS` periods it is within `TOLERANCE_HZ` (8000 Hz sampling, mu-law's quantisation near zero
is finer than a hundredth of the amplitude); noise or several tones make it meaningless, which is what the report
must show then.

Sources: ITU-T G.711 (mu-law: bits inverted, sign, 3-bit exponent, 4-bit mantissa, bias 0x84), RFC 3551 section
4.5.14 (PCMU, 8000 Hz).
"""

from __future__ import annotations

from collections.abc import Sequence

SAMPLE_RATE = 8000
TOLERANCE_HZ = 2.0
"""How far the estimate of a clean tone may be from its frequency (stated in the report)."""
MIN_PERIODS = 20
"""Fewer positive-going crossings than this (20 ms of 1 kHz, 45 ms of 440 Hz) and no frequency is given."""


def _decode(byte: int) -> int:
    inverted = ~byte & 0xFF
    exponent = (inverted >> 4) & 0x07
    magnitude = ((((inverted & 0x0F) << 3) + 0x84) << exponent) - 0x84
    return -magnitude if inverted & 0x80 else magnitude


ULAW_TO_LINEAR = tuple(_decode(byte) for byte in range(256))
"""G.711 mu-law octet -> 16-bit linear sample."""


def decode_ulaw(payload: bytes) -> list[int]:
    """PCMU payload octets as linear samples."""
    return [ULAW_TO_LINEAR[byte] for byte in payload]


def tone_frequency(samples: Sequence[int], sample_rate: int = SAMPLE_RATE) -> float | None:
    """The frequency of the tone in `samples`, in Hz, from its zero crossings; None when there are too few of them
    (silence, or too short)."""
    crossings: list[float] = []
    for index in range(1, len(samples)):
        before, after = samples[index - 1], samples[index]
        if before < 0 <= after:
            crossings.append(index - 1 + (-before) / (after - before))
    if len(crossings) < MIN_PERIODS:
        return None
    return (len(crossings) - 1) * sample_rate / (crossings[-1] - crossings[0])
