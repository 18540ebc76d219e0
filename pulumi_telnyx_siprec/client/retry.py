"""The one retry policy: urllib3's `Retry`, taught Telnyx's rate-limit header, drawing on one budget per operation.

A `RetryBudget` is what one logical operation (start a session, read a call...) may spend on retries: a number of
retries and seconds of waiting, shared by every request the operation sends. urllib3 retries a request through
`TelnyxRetry`, which asks the budget before each retry; the client asks the same budget before it repeats a request
itself (an unreadable answer, a create whose answer was lost, a call not visible yet). So the documented
`telnyx:maxRetries` and `telnyx:maxRetryWait` bound the whole operation, and nothing waits after the last attempt.

A `RateLimitPause` is what every operation of one client shares: Telnyx's rate limit counts an account's requests,
not an operation's, so once one request is answered 429 with a time to wait, every request of every operation waits
until then before it is sent, rather than spending an attempt on another 429. That wait is drawn from the waiting
operation's budget like any other.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError
from urllib3.util.retry import Retry

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self
    from urllib3.connectionpool import ConnectionPool
    from urllib3.response import BaseHTTPResponse

log = logging.getLogger("pulumi_telnyx_siprec.client")

_EPOCH_THRESHOLD = 1_000_000_000.0
BACKOFF_MAX = 8.0


def seconds_until_reset(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from an `x-ratelimit-reset` header (documented as seconds; an epoch time also works)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    if seconds >= _EPOCH_THRESHOLD:
        seconds -= now()
    return max(seconds, 0.0)


@dataclass(frozen=True)
class RetrySettings:
    """How hard one operation tries before giving up; `sleeper` is injectable so tests need not wait."""

    attempts: int = 5
    """Retries after the first attempt, at most."""
    max_total_wait: float = 60.0
    """Seconds spent waiting between attempts, at most, whatever the server asks for."""
    backoff_factor: float = 0.5
    sleeper: Callable[[float], None] = time.sleep


DEFAULT_RETRY = RetrySettings()


class RateLimitPause:
    """Until when Telnyx asked this client to hold its requests; shared by every thread of the client."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._started_at = float("-inf")

    def now(self) -> float:
        """The pause's clock, to stamp when a request was sent."""
        return self._clock()

    def extend(self, wait: float) -> None:
        """Telnyx asked to wait `wait` seconds from now (a later time an earlier 429 asked for stands)."""
        with self._lock:
            now = self._clock()
            extended = now + wait > self._resume_at
            if extended:
                self._resume_at = now + wait
                self._started_at = now
        if extended:  # once the pause holds: what a request sent after this line waits for
            log.debug("rate limited (429): every request of this client waits %g s", wait)

    def lifted(self, sent_at: float) -> None:
        """A request sent at `sent_at` was answered with a success: if it was sent once the pause had begun, the
        limit no longer holds, and the pause ends for everyone."""
        with self._lock:
            if sent_at >= self._started_at:
                self._resume_at = 0.0

    def remaining(self) -> float:
        """Seconds left until requests may be sent again; 0 when there is no pause."""
        with self._lock:
            return max(self._resume_at - self._clock(), 0.0)


class RetryBudget:
    """The retries and seconds of waiting one operation may spend, across every request it sends.

    Not thread-safe: an operation and its budget live on one thread. The `pause` is the client's, shared.
    """

    def __init__(
        self,
        retries: int,
        max_total_wait: float,
        *,
        backoff_factor: float = 0.5,
        sleeper: Callable[[float], None] = time.sleep,
        pause: RateLimitPause | None = None,
    ) -> None:
        self.retries = retries
        self.max_total_wait = max_total_wait
        self.backoff_factor = backoff_factor
        self.sleeper = sleeper
        self.pause = pause if pause is not None else RateLimitPause()
        self.used = 0
        """Retries granted so far."""
        self.waited = 0.0
        """Seconds of waiting granted so far."""
        self.last_retry_at: float | None = None
        """When the latest retry was sent, on the pause's clock (None before any)."""

    @property
    def retries_left(self) -> int:
        return max(self.retries - self.used, 0)

    def backoff(self) -> float:
        """The wait before the next retry when the server asks for none: urllib3's exponential formula over the
        whole operation (the first retry is immediate, then factor x 2, x 4 ...), capped."""
        retry_number = self.used + 1
        if retry_number <= 1:
            return 0.0
        return float(min(BACKOFF_MAX, self.backoff_factor * 2 ** (retry_number - 1)))

    def exceeded_by(self, wait: float) -> str | None:
        """Why one more retry after `wait` seconds is not allowed, or None if it is."""
        if self.used >= self.retries:
            return f"all {self.retries} retries are spent"
        if self.waited + wait > self.max_total_wait:
            return (f"retry wait budget of {self.max_total_wait:g} s would be exceeded "
                    f"(waited {self.waited:g} s, next wait {wait:g} s)")
        return None

    def grant(self, wait: float) -> None:
        self.used += 1
        self.waited += wait

    def repeat(self) -> bool:
        """For a request the client repeats itself: waits the backoff and returns True, or returns False at once
        when the budget has no room left (the caller then reports its last failure)."""
        wait = self.backoff()
        if self.exceeded_by(wait) is not None:
            return False
        self.grant(wait)
        if wait > 0:
            self.sleeper(wait)
        return True

    def wait_out_pause(self) -> float:
        """Before a request is sent: waits until the client's rate-limit pause ends, when this budget's waiting
        allows that much. A pause longer than that is not waited at all: the request goes at once and meets its own
        429 if the limit still holds, rather than spending the operation's whole budget first. Counts as waiting,
        not as a retry; returns the seconds waited."""
        wait = self.pause.remaining()
        if wait <= 0 or self.waited + wait > self.max_total_wait:
            return 0.0
        self.waited += wait
        self.sleeper(wait)
        return wait

    def policy(self, statuses: Collection[int], *, retry_after_send: bool) -> TelnyxRetry:
        """The urllib3 policy for one request of this operation.

        `retry_after_send=False` is for requests that must not be repeated once they may have reached the server
        (starting a session): only failures to connect and the listed statuses are retried.
        """
        retries = self.retries_left
        return TelnyxRetry(
            total=retries,
            connect=retries,
            read=retries if retry_after_send else False,
            other=retries if retry_after_send else 0,
            status=retries,
            redirect=False,
            allowed_methods=frozenset({"GET", "POST", "PUT", "DELETE"}),
            status_forcelist=frozenset(statuses),
            raise_on_status=False,
            budget=self,
        )


class TelnyxRetry(Retry):
    """A `Retry` that waits as Telnyx asks and spends from a `RetryBudget`.

    - Waits `Retry-After` when present, else `x-ratelimit-reset`, else the budget's backoff.
    - Retries only the statuses in `status_forcelist` (urllib3 would also retry a 503 carrying Retry-After).
    - Gives up, returning the last answer or raising the last error, once the budget has no room for the next
      wait; then nothing sleeps.
    """

    def __init__(self, *args: Any, budget: RetryBudget | None = None, granted_wait: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = budget if budget is not None else RetryBudget(0, 0.0)
        self.granted_wait = granted_wait
        """The wait the budget granted for the retry this object stands for; what `sleep` waits."""

    @property
    def waited(self) -> float:
        return self.budget.waited

    def new(self, **kw: Any) -> Self:
        kw.setdefault("budget", self.budget)
        kw.setdefault("granted_wait", self.granted_wait)
        return super().new(**kw)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:  # noqa: ARG002
        return self._is_method_retryable(method) and status_code in self.status_forcelist

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        try:
            seconds = super().get_retry_after(response)
        except InvalidHeader:
            seconds = None
        if seconds is None:
            seconds = seconds_until_reset(response.headers.get("x-ratelimit-reset"))
        return seconds

    def get_backoff_time(self) -> float:
        return self.budget.backoff()

    def asked_wait(self, response: BaseHTTPResponse | None) -> float | None:
        """What the server asked to wait before the next attempt, if it did (and this policy honours it)."""
        if response is None or not self.respect_retry_after_header:
            return None
        return self.get_retry_after(response)

    def planned_wait(self, response: BaseHTTPResponse | None = None) -> float:
        """How long the next attempt would wait: what the server asked for, else the backoff."""
        asked = self.asked_wait(response)
        return asked if asked is not None else self.get_backoff_time()

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        new_retry = super().increment(method, url, response, error, _pool, _stacktrace)
        pause = self.budget.pause
        asked = self.asked_wait(response)
        if asked is not None and response is not None and response.status == 429 and (
                asked <= self.budget.max_total_wait):
            # For every operation of the client, whether or not this one retries. A wait longer than any operation
            # may spend fails this one (below) and holds back none of the others.
            pause.extend(asked)
        # A retry of this request waits out a pause another operation's 429 started, too.
        wait = max(asked if asked is not None else self.get_backoff_time(), pause.remaining())
        refused = self.budget.exceeded_by(wait)
        if refused is not None:
            reason = error or ResponseError(refused)
            raise MaxRetryError(_pool, url, reason) from reason  # type: ignore[arg-type]
        self.budget.grant(wait)
        new_retry.granted_wait = wait
        return new_retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:  # noqa: ARG002
        if self.granted_wait > 0:
            self.budget.sleeper(self.granted_wait)
        self.budget.last_retry_at = self.budget.pause.now()  # urllib3 sends the retry next
