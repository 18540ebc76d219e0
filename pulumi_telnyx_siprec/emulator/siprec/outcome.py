"""What a session reports: `SrcOutcome` snapshots (with the SRS's `AnsweredMedia`), and the `Listener` told of them.

What an outcome keeps of what the SRS sent is bounded, whatever the SRS sends: `MAX_PROVISIONAL_KEPT` provisional
codes (all are counted), `MAX_NOTES` notes, `MAX_ANSWERED_MEDIA` m-lines, and `MAX_TEXT_CHARS` characters of any text
(a reason phrase, a note, a label or an address), cut with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_PROVISIONAL_KEPT = 32
"""Provisional codes kept per session (the first ones); `SrcOutcome.provisional_heard` counts them all."""
MAX_NOTES = 32
"""Notes kept per session (the first ones); a last note then says how many more were not kept."""
MAX_ANSWERED_MEDIA = 8
"""M-lines of the SRS's SDP answer kept (the first ones; a recording session offers one or two)."""
MAX_TEXT_CHARS = 500
"""Characters kept of any text in an outcome."""


def clip(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`text` cut to `limit` characters, the last being an ellipsis, when longer."""
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


@dataclass(frozen=True)
class AnsweredMedia:
    """One m-line of the SRS's SDP answer (RFC 3264: in the order of the offer)."""

    label: str | None
    address: str | None
    port: int
    """0 when the SRS rejected the stream."""
    direction: str
    srtp_suite: str | None = None
    """A secure session's stream: the SRTP suite of the offered crypto line the SRS answered (its key protects the
    stream's RTP); None otherwise."""


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
    """The codes of the first `MAX_PROVISIONAL_KEPT` provisional answers to the INVITE."""
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
    """Things worth knowing that are not failures: media not sent and why, a refused answered address, a malformed
    message of the SRS that was dropped (the first `MAX_NOTES`, then how many more there were)."""
    provisional_heard: int = 0
    """Provisional answers to the INVITE, all of them (`provisional_codes` keeps the first few)."""

    @property
    def established(self) -> bool:
        """The SRS accepted the session (it may have ended since)."""
        return self.final_code is not None and 200 <= self.final_code < 300

    @property
    def over(self) -> bool:
        """Nothing more will happen to the session: it failed, timed out, was cancelled or ended."""
        return self.state in ("failed", "timeout", "cancelled", "ended")


Listener = Callable[[str, SrcOutcome], None]
"""Told `established`, `failed`, `timeout`, `cancelled` and `ended` as they happen, from a user agent thread (so it
must be quick)."""
