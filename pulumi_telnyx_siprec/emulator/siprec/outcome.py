"""What a session reports: `SrcOutcome` snapshots (with the SRS's `AnsweredMedia`), and the `Listener` told of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AnsweredMedia:
    """One m-line of the SRS's SDP answer (RFC 3264: in the order of the offer)."""

    label: str | None
    address: str | None
    port: int
    """0 when the SRS rejected the stream."""
    direction: str


@dataclass(frozen=True)
class SrcOutcome:
    """What happened to one session so far (a snapshot)."""

    state: str
    """`calling` (INVITE out, no answer), `proceeding` (1xx), `established` (2xx, ACKed, RTP flowing), `failed`
    (3xx-6xx, or a transport error: `final_code` None), `timeout` (no final answer within Timer B), `cancelled`
    (stopped before any final answer) or `ended` (after a 2xx, by BYE either way)."""
    final_code: int | None
    final_reason: str | None
    """The SRS's reason phrase; `timeout` for Timer B; the error for a transport failure."""
    provisional_codes: tuple[int, ...] = ()
    answered_media: tuple[AnsweredMedia, ...] = ()
    rtp_packets: tuple[int, ...] = ()
    """RTP packets sent, per forwarded stream in m-line order."""
    bye_sent: bool = False
    bye_code: int | None = None
    """The final answer to our BYE (None: none yet, or none in time)."""
    ended_by: str | None = None
    """`src` (stop()) or `srs` (its BYE, or a failed session refresh/transport) once ended."""
    setup_seconds: float | None = None
    """From sending the INVITE to receiving its final answer."""
    refreshes: int = 0
    """Session refresh re-INVITEs answered 2xx (RFC 4028)."""
    notes: tuple[str, ...] = ()
    """Things worth knowing that are not failures: media not sent and why, a refused answered address."""

    @property
    def established(self) -> bool:
        """The SRS accepted the session (it may have ended since)."""
        return self.final_code is not None and 200 <= self.final_code < 300


Listener = Callable[[str, SrcOutcome], None]
"""Told `established`, `failed`, `timeout`, `cancelled` and `ended` as they happen, from a user agent thread (so it
must be quick)."""
