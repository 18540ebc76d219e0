"""The session timer (RFC 4028) with the SRC as refresher: `Session-Expires` asked for in the INVITE, the interval
the SRS's 2xx grants, and a refresh re-INVITE at every half of it for as long as the session lives.

Sources: RFC 4028 (`Session-Expires: N;refresher=uac` + `Supported: timer`; section 4: its value is delta-seconds;
section 7.2: no Session-Expires in the 2xx, no session timer; section 10: refresh at half the interval, 408 or 481
end the session). RFC 3261 section 25.1: delta-seconds is 1*DIGIT, of any length; like Expires (section 20.19),
values over 2**32-1 are taken as 2**32-1 (`MAX_INTERVAL`). A value that is not a number leaves no session timer.
Telnyx: `session_timeout_secs` sets Session-Expires and re-INVITEs every half of it; 0 disables.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..sip.message import SipMessage, decimal, header_parameter, quoted, shorten
from .dialog import Dialog
from .progress import SessionProgress
from .transactions import StopStep

MAX_INTERVAL = 2**32 - 1
"""The longest session interval kept, in seconds (136 years: far below `threading.TIMEOUT_MAX`)."""


def negotiated_interval(answer: SipMessage, requested_seconds: int,
                        note: Callable[[str], None] = lambda _text: None) -> int | None:
    """The refresh interval a 2xx grants us, or None when there is no session timer for us to keep; `note` is told
    of a value that is not a number, or over `MAX_INTERVAL`."""
    # RFC 4028 section 7.2: no Session-Expires in the 2xx means no session timer; we refresh when we are refresher.
    value = answer.get("session-expires")
    if not value or requested_seconds <= 0:
        return None
    text = value.split(";", 1)[0].strip()
    seconds = decimal(text, MAX_INTERVAL + 1)
    if seconds is None:
        note(f"the SRS's Session-Expires {quoted(text)} is not a number of seconds: no session refresh")
        return None
    refresher = header_parameter(value, "refresher") or "uac"
    if seconds <= 0 or refresher.lower() != "uac":
        return None
    if seconds > MAX_INTERVAL:
        note(f"the SRS's Session-Expires {shorten(text.lstrip('0'), 40)} is over 2**32-1 s: taken as {MAX_INTERVAL} s")
        return MAX_INTERVAL
    return seconds


class SessionRefresher:
    """Keeps one session's timer: re-INVITEs on its dialog until `stop_requested`, or until a refresh says the session
    is gone (then `run`'s `on_gone` ends it)."""

    def __init__(self, requested_seconds: int, dialog: Dialog, progress: SessionProgress,
                 stop_requested: threading.Event) -> None:
        self._requested_seconds = requested_seconds
        self._dialog = dialog
        self._progress = progress
        self._stop_requested = stop_requested
        self._interval: int | None = None

    def headers(self) -> list[tuple[str, str]]:
        """The session-timer headers of an INVITE (none when `requested_seconds` is 0)."""
        seconds = self._requested_seconds
        if seconds <= 0:
            return []
        # RFC 4028: Supported (not Require) so an SRS without session timers still accepts; Min-SE is Telnyx's 90.
        return [("Supported", "timer"), ("Session-Expires", f"{seconds};refresher=uac"),
                ("Min-SE", str(min(90, seconds)))]

    def negotiate(self, answer: SipMessage) -> None:
        """Takes the interval from a 2xx (to the INVITE or to a refresh)."""
        self._interval = negotiated_interval(answer, self._requested_seconds, self._progress.note)

    def run(self, sdp: str, on_gone: Callable[[], None]) -> None:
        """Refreshes with the offer `sdp` at every half interval; returns once the session stops or is gone."""
        while self._interval and not self._stop_requested.wait(self._interval / 2):
            if not self._refresh(sdp, on_gone):
                return

    def _refresh(self, sdp: str, on_gone: Callable[[], None]) -> bool:
        """One session refresh re-INVITE (RFC 4028 section 10); False when the session is over."""
        if self._progress.state != "established":
            return False
        sent = self._dialog.re_invite(sdp, self.headers())
        result = self._dialog.invite_transaction(sent, stop_step=self._stop_step, on_provisional=lambda _code: None)
        answer = result.answer
        if answer is not None:
            if 200 <= answer.status < 300:
                self.negotiate(answer)
            self._dialog.ack(answer, sent)
        if self._stop_requested.is_set():
            return False
        if answer is not None and 200 <= answer.status < 300:
            self._progress.refreshed()
            return True
        if answer is None or answer.status in (408, 481):
            # RFC 4028 section 10: the session is gone; say so with a BYE.
            self._progress.note(f"session refresh failed ({answer.status if answer else 'timeout'}): session ended")
            on_gone()
            return False
        self._progress.note(f"session refresh answered {answer.status} {shorten(answer.reason)}; session continues")
        return True

    def _stop_step(self) -> StopStep:
        # A refresh is moot once the session stops: its answer, if any, goes to the late handler.
        return "abandon" if self._stop_requested.is_set() else "wait"
