"""RFC 3261 client transactions: a request sent (and resent over UDP) until its final answer or its timer runs out.

Sources: RFC 3261 section 17.1.1 (INVITE client transaction: Timer A retransmits from T1 = 500 ms, doubling, over
UDP only; Timer B = 64*T1 = 32 s), 17.1.2 (non-INVITE: Timer E doubles up to T2 = 4 s, Timer F = 64*T1), 9.1 (CANCEL
only after a provisional answer).
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from ..sip.message import SipMessage
from .transport import POLL, Link

T1 = 0.5
"""RFC 3261 section 17.1.1.1: round-trip estimate; the first retransmission interval."""
T2 = 4.0
"""RFC 3261 section 17.1.2.2: the cap of non-INVITE retransmission intervals."""
TIMER_B = 64 * T1
"""RFC 3261 section 17.1.1.2: how long an INVITE waits for a final answer (32 s)."""
TRANSACTION_MEMORY = 64 * T1
"""How long a finished transaction still absorbs retransmitted answers (RFC 3261 Timer D is 32 s over UDP)."""

Handler = Callable[[SipMessage], None]
StopStep = Literal["wait", "cancel", "abandon"]
"""What an INVITE transaction does about a stop: nothing (`wait`), keep waiting for the final answer but CANCEL once
the SRS is proceeding (`cancel`), or stop waiting at once (`abandon`)."""


class TransactionLayer(Protocol):
    """Where answers are routed to their transaction, and the timers (the user agent)."""

    t1: float
    invite_timeout: float

    def _register_transaction(self, branch: str, method: str, handler: Handler) -> None: ...


@dataclass(frozen=True)
class InviteResult:
    """How an INVITE transaction ended."""

    answer: SipMessage | None
    """The final answer; None when Timer B fired (`timed_out`), the first send failed (`send_error`), or it was
    abandoned."""
    seconds: float
    """From sending the INVITE to its final answer (or to the end of waiting)."""
    timed_out: bool = False
    send_error: OSError | None = None


def invite_transaction(layer: TransactionLayer, link: Link, invite: bytes, branch: str, *,
                       send: Callable[[bytes], None], stop_step: Callable[[], StopStep],
                       on_provisional: Callable[[int], None], cancel: Callable[[], None],
                       late_answer: Handler) -> InviteResult:
    """Runs one INVITE client transaction (RFC 3261 section 17.1.1) to its final answer. Answers that arrive after it
    ends go to `late_answer` (retransmitted finals must be ACKed again); the caller ACKs the final answer returned."""
    inbox: queue.Queue[SipMessage] = queue.Queue()
    layer._register_transaction(branch, "INVITE", inbox.put)
    layer._register_transaction(branch, "CANCEL", lambda _answer: None)
    sent_at = time.monotonic()
    deadline = sent_at + layer.invite_timeout
    interval = layer.t1
    retransmit_at = sent_at + interval
    proceeding = False
    try:
        link.send(invite)
    except OSError as err:
        return InviteResult(None, 0.0, send_error=err)
    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        wake = deadline
        if not link.reliable and not proceeding:
            wake = min(wake, retransmit_at)
        step = stop_step()
        if step == "abandon":
            layer._register_transaction(branch, "INVITE", late_answer)
            return InviteResult(None, time.monotonic() - sent_at)
        if step == "cancel":
            wake = min(wake, now + POLL)
            if proceeding:
                cancel()
        try:
            answer = inbox.get(timeout=max(0.0, min(wake - now, POLL * 5)))
        except queue.Empty:
            if not link.reliable and not proceeding and time.monotonic() >= retransmit_at:
                # Timer A (RFC 3261 section 17.1.1.2): doubles each time, no T2 cap for INVITE.
                send(invite)
                interval *= 2
                retransmit_at = time.monotonic() + interval
            continue
        if answer.status < 200:
            proceeding = True
            on_provisional(answer.status)
            continue
        layer._register_transaction(branch, "INVITE", late_answer)
        return InviteResult(answer, time.monotonic() - sent_at)
    # Timer B fired. A CANCEL is only allowed once the SRS has answered provisionally (RFC 3261 section 9.1).
    layer._register_transaction(branch, "INVITE", late_answer)
    if proceeding:
        cancel()
    return InviteResult(None, time.monotonic() - sent_at, timed_out=True)


def non_invite_transaction(layer: TransactionLayer, link: Link | None, message: bytes, branch: str, method: str,
                           deadline: float, send: Callable[[bytes], None]) -> SipMessage | None:
    """RFC 3261 section 17.1.2: Timer E retransmits over UDP (T1 doubling to T2); waits until `deadline` at most
    (and Timer F). The final answer, or None (also without a link: nothing is sent then)."""
    inbox: queue.Queue[SipMessage] = queue.Queue()
    layer._register_transaction(branch, method, inbox.put)
    if link is None:
        return None
    send(message)
    interval = layer.t1
    retransmit_at = time.monotonic() + interval
    deadline = min(deadline, time.monotonic() + 64 * layer.t1)
    while (now := time.monotonic()) < deadline:
        wake = deadline if link.reliable else min(deadline, retransmit_at)
        try:
            answer = inbox.get(timeout=max(0.0, wake - now))
        except queue.Empty:
            if not link.reliable and time.monotonic() >= retransmit_at and time.monotonic() < deadline:
                send(message)
                interval = min(interval * 2, T2)
                retransmit_at = time.monotonic() + interval
            continue
        if answer.status >= 200:
            return answer
        interval = T2
    return None
