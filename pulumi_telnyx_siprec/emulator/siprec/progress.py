"""One session's state machine and the record of what happened to it, kept under one lock, told to its listener.

States: `calling` -> `proceeding` (1xx) -> `established` (2xx) -> `ended`; or, before a final answer, `failed`,
`timeout` or `cancelled`. The transitions that read one fact and write another (the stop that meets a 2xx, say)
happen under the lock, so that two threads cannot both act on the same state. What it keeps is bounded (see
`outcome`): a flood of provisional answers or of dropped messages costs a counter, not memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Literal

from .outcome import (
    MAX_ANSWERED_MEDIA,
    MAX_NOTES,
    MAX_PROVISIONAL_KEPT,
    AnsweredMedia,
    Listener,
    SrcOutcome,
    clip,
)

Acceptance = Literal["established", "stopping", "given_up"]
"""What a 2xx to the first INVITE meets: a live session, a stop() waiting for that answer, or a stop() that gave up
waiting."""


class SessionProgress:
    """What has happened to one session so far; `final` is set at the SRS's final answer, `ended` once it is over."""

    def __init__(self, listener: Listener | None, rtp_packets: Callable[[], tuple[int, ...]]) -> None:
        self._listener = listener
        self._rtp_packets = rtp_packets
        self._lock = threading.Lock()
        self._state = "calling"
        self._final_code: int | None = None
        self._final_reason: str | None = None
        self._provisional: list[int] = []
        self._provisional_heard = 0
        self._answered: list[AnsweredMedia] = []
        self._bye_sent = False
        self._bye_code: int | None = None
        self._ended_by: str | None = None
        self._setup_seconds: float | None = None
        self._refreshes = 0
        self._notes: list[str] = []
        self._notes_dropped = 0
        self._stopped = False
        self._ended_at = 0.0
        self.final = threading.Event()
        self.ended = threading.Event()

    def snapshot(self) -> SrcOutcome:
        """The outcome so far."""
        # Counted outside the lock: the media's own lock is never taken inside this one.
        packets = self._rtp_packets()
        with self._lock:
            notes = tuple(self._notes)
            if self._notes_dropped:
                notes += (f"{self._notes_dropped} later notes were not kept",)
            return SrcOutcome(
                state=self._state, final_code=self._final_code, final_reason=self._final_reason,
                provisional_codes=tuple(self._provisional), answered_media=tuple(self._answered),
                rtp_packets=packets, bye_sent=self._bye_sent, bye_code=self._bye_code, ended_by=self._ended_by,
                setup_seconds=self._setup_seconds, refreshes=self._refreshes, notes=notes,
                provisional_heard=self._provisional_heard,
            )

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    @property
    def stopped(self) -> bool:
        """Whether the session is stopping or over (no more media, no more refreshes)."""
        with self._lock:
            return self._stopped

    @property
    def ended_by(self) -> str | None:
        return self._ended_by

    def ended_longer_than(self, seconds: float, now: float) -> bool:
        """Over, and for more than `seconds` at `now` (a monotonic time)."""
        return self.ended.is_set() and now - self._ended_at > seconds

    def note(self, text: str) -> None:
        """Records a note (the first `MAX_NOTES`, each cut to `MAX_TEXT_CHARS`; the others are counted)."""
        with self._lock:
            if len(self._notes) < MAX_NOTES:
                self._notes.append(clip(text))
            else:
                self._notes_dropped += 1

    def request_stop(self) -> bool:
        """Marks the session stopping; True for the first request only."""
        with self._lock:
            first = not self._stopped
            self._stopped = True
        return first

    def mark_stopped(self) -> str:
        """Marks the session stopping, whoever asks; the state it was in."""
        with self._lock:
            state = self._state
            self._stopped = True
        return state

    def heard_provisional(self, code: int) -> None:
        with self._lock:
            self._provisional_heard += 1
            if len(self._provisional) < MAX_PROVISIONAL_KEPT:
                self._provisional.append(code)
            if self._state == "calling":
                self._state = "proceeding"

    def took(self, seconds: float) -> None:
        """The first INVITE's final answer came `seconds` after it was sent."""
        self._setup_seconds = seconds

    def accept(self, code: int, reason: str, media: Sequence[AnsweredMedia]) -> Acceptance:
        """Records the 2xx to the first INVITE; `established` unless a stop() came first, `given_up` when the session
        is over already (a stop() that gave up waiting: the 2xx is recorded; a failure, such as the connection closing
        while the 2xx waited to be read: it stays as it is)."""
        with self._lock:
            if self._state != "cancelled" and self.ended.is_set():
                return "given_up"
            self._answered = list(media[:MAX_ANSWERED_MEDIA])
            self._final_code, self._final_reason = code, clip(reason)
            if self._state == "cancelled":
                return "given_up"
            self._state = "established"
            return "stopping" if self._stopped else "established"

    def cancel_unanswered(self) -> tuple[bool, bool]:
        """For a stop() done waiting for the final answer: (established, cancelled now because none came)."""
        with self._lock:
            established = self._state == "established"
            if self._state in ("calling", "proceeding"):
                self._state = "cancelled"
                self._final_reason = self._final_reason or "stopped before the SRS answered"
                return established, True
        return established, False

    def gave_up(self) -> bool:
        """Whether the session stopped waiting for a final answer (so a late 2xx must be ended at once)."""
        with self._lock:
            return self._state in ("timeout", "cancelled", "failed")

    def fail(self, code: int | None, reason: str, state: str = "failed") -> bool:
        """Ends a session that has no final answer yet with this one; False if it had one already."""
        with self._lock:
            if self.final.is_set():
                return False
            self._state = state
            self._final_code, self._final_reason = code, clip(reason)
            self._stopped = True
        self.final.set()
        self.finish(state)
        return True

    def finish(self, state: str, ended_by: str | None = None) -> None:
        """Marks the session over (once) and tells the listener."""
        with self._lock:
            if self.ended.is_set():
                return
            self._state = state
            self._ended_by = ended_by
            self._ended_at = time.monotonic()
        self.ended.set()
        self.notify(state)

    def notify(self, event: str) -> None:
        if self._listener is None:
            return
        try:
            self._listener(event, self.snapshot())
        except Exception as err:  # a listener's bug must not take down a SIP thread
            self.note(f"listener failed on {event}: {type(err).__name__}: {err}")

    def sent_bye(self) -> None:
        with self._lock:
            self._bye_sent = True

    def bye_answered(self, code: int | None) -> None:
        with self._lock:
            self._bye_code = code

    def refreshed(self) -> None:
        with self._lock:
            self._refreshes += 1
