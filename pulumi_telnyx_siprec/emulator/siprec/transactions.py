"""RFC 3261 client transactions: a request sent (and resent over UDP) until its final answer or its timer runs out.

Answers reach a transaction from a receive thread: provisional ones are handled as they come (so a flood of them
costs no memory), final ones wait for the transaction in a queue of at most `MAX_PENDING_FINALS` (more are
retransmissions or junk, and UDP retransmits what matters).

Sources: RFC 3261 section 17.1.1 (INVITE client transaction: Timer A retransmits from T1 = 500 ms, doubling, over
UDP only; Timer B = 64*T1 = 32 s), 17.1.2 (non-INVITE: Timer E doubles up to T2 = 4 s, Timer F = 64*T1), 9.1 (CANCEL
only after a provisional answer).
"""

from __future__ import annotations

import contextlib
import queue
import threading
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

MAX_PENDING_FINALS = 4
"""Final answers a transaction holds before it reads them."""

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


class _Answers:
    """A transaction's inbox, fed by a receive thread: provisional answers set `proceeding` (and go to
    `on_provisional` at once), final ones queue, at most `MAX_PENDING_FINALS`."""

    def __init__(self, on_provisional: Callable[[int], None] = lambda _code: None) -> None:
        self.proceeding = threading.Event()
        self._on_provisional = on_provisional
        self._finals: queue.Queue[SipMessage] = queue.Queue(maxsize=MAX_PENDING_FINALS)

    def put(self, answer: SipMessage) -> None:
        if answer.status < 200:
            self.proceeding.set()
            self._on_provisional(answer.status)
            return
        with contextlib.suppress(queue.Full):
            self._finals.put_nowait(answer)

    def final(self, timeout: float) -> SipMessage | None:
        """The next final answer, or None after `timeout` seconds."""
        try:
            return self._finals.get(timeout=timeout)
        except queue.Empty:
            return None


def invite_transaction(layer: TransactionLayer, link: Link, invite: bytes, branch: str, *,
                       send: Callable[[bytes], None], stop_step: Callable[[], StopStep],
                       on_provisional: Callable[[int], None], cancel: Callable[[], None],
                       late_answer: Handler) -> InviteResult:
    """Runs one INVITE client transaction (RFC 3261 section 17.1.1) to its final answer. `on_provisional` is told of
    each provisional answer (from the receive thread); `cancel` is called once at most, once the SRS is proceeding and
    a stop asks for it or Timer B fires. Answers that arrive after it ends go to `late_answer` (retransmitted finals
    must be ACKed again); the caller ACKs the final answer returned."""
    answers = _Answers(on_provisional)
    layer._register_transaction(branch, "INVITE", answers.put)
    layer._register_transaction(branch, "CANCEL", lambda _answer: None)
    sent_at = time.monotonic()
    deadline = sent_at + layer.invite_timeout
    interval = layer.t1
    retransmit_at = sent_at + interval
    cancelled = False

    def cancel_once() -> None:
        nonlocal cancelled
        if not cancelled:
            cancelled = True
            cancel()

    try:
        link.send(invite)
    except OSError as err:
        return InviteResult(None, 0.0, send_error=err)
    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        proceeding = answers.proceeding.is_set()
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
                cancel_once()
        # Woken every POLL at least: a stop is seen within that.
        answer = answers.final(max(0.0, min(wake - now, POLL)))
        if answer is None:
            if not link.reliable and not answers.proceeding.is_set() and time.monotonic() >= retransmit_at:
                # Timer A (RFC 3261 section 17.1.1.2): doubles each time, no T2 cap for INVITE.
                send(invite)
                interval *= 2
                retransmit_at = time.monotonic() + interval
            continue
        layer._register_transaction(branch, "INVITE", late_answer)
        return InviteResult(answer, time.monotonic() - sent_at)
    # Timer B fired. A CANCEL is only allowed once the SRS has answered provisionally (RFC 3261 section 9.1).
    layer._register_transaction(branch, "INVITE", late_answer)
    if answers.proceeding.is_set():
        cancel_once()
    return InviteResult(None, time.monotonic() - sent_at, timed_out=True)


def non_invite_transaction(layer: TransactionLayer, link: Link | None, message: bytes, branch: str, method: str,
                           deadline: float, send: Callable[[bytes], None]) -> SipMessage | None:
    """RFC 3261 section 17.1.2: Timer E retransmits over UDP (T1 doubling to T2, T2 once proceeding); waits until
    `deadline` at most (and Timer F). The final answer, or None (also without a link: nothing is sent then)."""
    answers = _Answers()
    layer._register_transaction(branch, method, answers.put)
    if link is None:
        return None
    send(message)
    interval = layer.t1
    retransmit_at = time.monotonic() + interval
    deadline = min(deadline, time.monotonic() + 64 * layer.t1)
    while (now := time.monotonic()) < deadline:
        wake = deadline if link.reliable else min(deadline, retransmit_at)
        answer = answers.final(max(0.0, wake - now))
        if answer is not None:
            return answer
        if not link.reliable and time.monotonic() >= retransmit_at and time.monotonic() < deadline:
            send(message)
            interval = T2 if answers.proceeding.is_set() else min(interval * 2, T2)
            retransmit_at = time.monotonic() + interval
    return None
