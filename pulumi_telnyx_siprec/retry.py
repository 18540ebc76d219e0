"""The one retry policy type: urllib3's `Retry`, taught Telnyx's rate-limit header and a total wait budget."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError
from urllib3.util.retry import Retry

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self
    from urllib3.connectionpool import ConnectionPool
    from urllib3.response import BaseHTTPResponse

_EPOCH_THRESHOLD = 1_000_000_000.0


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


class TelnyxRetry(Retry):
    """A `Retry` that waits as Telnyx asks and never waits longer than `max_total_wait` in all.

    - Waits `Retry-After` when present, else `x-ratelimit-reset`, else exponential backoff.
    - Retries only the statuses in `status_forcelist` (urllib3 would also retry a 503 carrying Retry-After).
    - Gives up, returning the last answer or raising the last error, once the next wait would take the total
      past `max_total_wait`.
    - Sleeps through `sleeper`, so tests can assert the waits without spending them.
    """

    def __init__(
        self,
        *args: Any,
        max_total_wait: float = 60.0,
        waited: float = 0.0,
        sleeper: Callable[[float], None] = time.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_total_wait = max_total_wait
        self.waited = waited
        """Seconds planned so far, across all previous attempts of this request."""
        self.sleeper = sleeper

    def new(self, **kw: Any) -> Self:
        kw.setdefault("max_total_wait", self.max_total_wait)
        kw.setdefault("waited", self.waited)
        kw.setdefault("sleeper", self.sleeper)
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

    def planned_wait(self, response: BaseHTTPResponse | None = None) -> float:
        """How long the next attempt waits: what the server asked for, else the backoff."""
        if response is not None and self.respect_retry_after_header:
            asked = self.get_retry_after(response)
            if asked is not None:
                return asked
        return self.get_backoff_time()

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
        wait = new_retry.planned_wait(response)
        if self.waited + wait > self.max_total_wait:
            reason = error or ResponseError(
                f"retry wait budget of {self.max_total_wait:g} s would be exceeded "
                f"(waited {self.waited:g} s, next wait {wait:g} s)"
            )
            raise MaxRetryError(_pool, url, reason) from reason  # type: ignore[arg-type]
        new_retry.waited = self.waited + wait
        return new_retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        wait = self.planned_wait(response)
        if wait > 0:
            self.sleeper(wait)


def retry_policy(
    *,
    retries: int,
    statuses: Collection[int],
    retry_after_send: bool,
    max_total_wait: float,
    backoff_factor: float,
    sleeper: Callable[[float], None],
) -> TelnyxRetry:
    """A policy for one kind of request.

    `retry_after_send=False` is for requests that must not be repeated once they may have reached the server
    (starting a session): only failures to connect and the listed statuses are retried.
    """
    return TelnyxRetry(
        total=retries,
        connect=retries,
        read=retries if retry_after_send else False,
        other=retries if retry_after_send else 0,
        status=retries,
        redirect=False,
        allowed_methods=frozenset({"GET", "POST", "PUT", "DELETE"}),
        status_forcelist=frozenset(statuses),
        backoff_factor=backoff_factor,
        backoff_max=8.0,
        raise_on_status=False,
        max_total_wait=max_total_wait,
        sleeper=sleeper,
    )
