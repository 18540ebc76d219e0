"""TelnyxRetry and RetryBudget: which answers are retried, how long each wait is, and the bounds on retries and on
the total wait, shared by every request of one operation; and the rate-limit pause every operation shares."""

from __future__ import annotations

import pytest
from urllib3.exceptions import MaxRetryError
from urllib3.response import HTTPResponse

from pulumi_telnyx_siprec.client.retry import RateLimitPause, RetryBudget, TelnyxRetry, seconds_until_reset


def answer(status: int, **headers: str) -> HTTPResponse:
    return HTTPResponse(body=b"", status=status, headers={k.replace("_", "-"): v for k, v in headers.items()})


def budget(waits: list[float] | None = None, *, max_total_wait: float = 60.0, retries: int = 5) -> RetryBudget:
    return RetryBudget(retries, max_total_wait, backoff_factor=0.5,
                       sleeper=(waits.append if waits is not None else lambda _s: None))


def policy(waits: list[float] | None = None, *, retry_after_send: bool = False, max_total_wait: float = 60.0,
           statuses: tuple[int, ...] = (429,), retries: int = 5) -> TelnyxRetry:
    return budget(waits, max_total_wait=max_total_wait, retries=retries).policy(
        statuses, retry_after_send=retry_after_send)


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), (" 2.5 ", 2.5), ("0", 0.0), ("-4", 0.0), ("soon", None), ("nan", None), ("inf", None), (None, None)],
)
def test_seconds_until_reset(header: str | None, expected: float | None) -> None:
    assert seconds_until_reset(header) == expected


def test_an_epoch_reset_is_turned_into_a_delay() -> None:
    assert seconds_until_reset("1700000010", now=lambda: 1_700_000_000.0) == 10.0


def test_retry_after_wins_over_ratelimit_reset() -> None:
    retry = policy()
    assert retry.get_retry_after(answer(429, Retry_After="7", x_ratelimit_reset="30")) == 7.0


def test_ratelimit_reset_is_used_without_retry_after() -> None:
    assert policy().get_retry_after(answer(429, x_ratelimit_reset="4")) == 4.0


def test_a_malformed_retry_after_falls_back_to_ratelimit_reset() -> None:
    assert policy().get_retry_after(answer(429, Retry_After="whenever", x_ratelimit_reset="2")) == 2.0


def test_only_listed_statuses_are_retried_even_with_retry_after() -> None:
    start = policy(statuses=(429,))
    assert start.is_retry("POST", 429)
    # urllib3 alone would retry a 503 that carries Retry-After; a start must never be retried on a 5xx.
    assert not start.is_retry("POST", 503, has_retry_after=True)
    assert not start.is_retry("POST", 500)


def test_waits_are_what_the_server_asked_for_and_go_through_the_sleeper() -> None:
    waits: list[float] = []
    retry = policy(waits)
    first = answer(429, Retry_After="2")
    retry = retry.increment("POST", "/x", response=first)
    retry.sleep(first)
    second = answer(429, x_ratelimit_reset="3")
    retry = retry.increment("POST", "/x", response=second)
    retry.sleep(second)
    assert waits == [2.0, 3.0]
    assert retry.waited == 5.0


def test_the_total_wait_is_bounded() -> None:
    retry = policy(max_total_wait=10.0)
    retry = retry.increment("POST", "/x", response=answer(429, Retry_After="6"))
    assert retry.waited == 6.0
    with pytest.raises(MaxRetryError, match="retry wait budget of 10 s would be exceeded"):
        retry.increment("POST", "/x", response=answer(429, Retry_After="6"))


def test_a_single_wait_longer_than_the_budget_is_not_attempted() -> None:
    with pytest.raises(MaxRetryError):
        policy(max_total_wait=10.0).increment("POST", "/x", response=answer(429, Retry_After="3600"))


def test_the_retry_count_is_bounded() -> None:
    retry = policy(retries=2)
    retry = retry.increment("POST", "/x", response=answer(429))
    retry = retry.increment("POST", "/x", response=answer(429))
    with pytest.raises(MaxRetryError):
        retry.increment("POST", "/x", response=answer(429))


def test_backoff_grows_without_retry_after() -> None:
    waits: list[float] = []
    retry = policy(waits, statuses=(500,), retry_after_send=True)
    for _ in range(4):
        retry = retry.increment("POST", "/x", response=answer(500))
        retry.sleep(answer(500))
    assert waits == [1.0, 2.0, 4.0]  # the first retry is immediate (urllib3's backoff formula)


def test_the_budget_is_shared_by_every_request_of_an_operation() -> None:
    shared = budget(max_total_wait=10.0, retries=3)
    first = shared.policy((429,), retry_after_send=False)
    first.increment("POST", "/x", response=answer(429, Retry_After="4"))
    second = shared.policy((429,), retry_after_send=False)
    assert second.total == 2, "the second request starts with the retries the first left"
    second = second.increment("POST", "/x", response=answer(429, Retry_After="4"))
    assert (shared.used, shared.waited) == (2, 8.0)
    with pytest.raises(MaxRetryError, match=r"retry wait budget of 10 s would be exceeded \(waited 8 s"):
        second.increment("POST", "/x", response=answer(429, Retry_After="4"))


def test_a_repeat_by_the_client_draws_on_the_same_budget_and_never_sleeps_past_it() -> None:
    waits: list[float] = []
    shared = budget(waits, max_total_wait=2.5, retries=5)
    shared.policy((429,), retry_after_send=False).increment("POST", "/x", response=answer(429, Retry_After="2"))
    assert shared.repeat() is False, "the next backoff (1 s) would take the total to 3 s, past the 2.5 s budget"
    assert waits == []
    assert (shared.used, shared.waited) == (1, 2.0)


def test_a_repeat_is_refused_once_retries_or_time_run_out() -> None:
    waits: list[float] = []
    out_of_retries = budget(waits, retries=1)
    assert out_of_retries.repeat() is True
    assert out_of_retries.repeat() is False
    out_of_time = budget(waits, max_total_wait=0.5, retries=5)
    assert out_of_time.repeat() is True, "the first retry is immediate"
    assert out_of_time.repeat() is False, "the second would wait 1 s, past the 0.5 s budget"
    assert waits == [], "nothing slept: the only granted waits were 0"


# One pause for every operation of a client


class Clock:
    """A clock that moves only when a sleeper sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def operation(clock: Clock, pause: RateLimitPause, *, max_total_wait: float = 60.0) -> RetryBudget:
    return RetryBudget(5, max_total_wait, backoff_factor=0.5, sleeper=clock.sleep, pause=pause)


def test_a_429_to_one_operation_holds_back_the_next_request_of_another() -> None:
    clock = Clock()
    pause = RateLimitPause(clock)
    limited, other = operation(clock, pause), operation(clock, pause)
    limited.policy((429,), retry_after_send=False).increment("POST", "/x", response=answer(429, Retry_After="3"))
    assert pause.remaining() == 3.0
    assert other.wait_out_pause() == 3.0
    assert clock.slept == [3.0]
    assert (other.used, other.waited) == (0, 3.0), "waiting out the pause is waiting, not a retry"
    assert other.wait_out_pause() == 0.0, "the pause is over"


def test_x_ratelimit_reset_pauses_the_client_too() -> None:
    clock = Clock()
    pause = RateLimitPause(clock)
    operation(clock, pause).policy((429,), retry_after_send=False).increment(
        "POST", "/x", response=answer(429, x_ratelimit_reset="2"))
    assert pause.remaining() == 2.0


def test_a_429_that_names_no_time_does_not_pause_the_client() -> None:
    clock = Clock()
    pause = RateLimitPause(clock)
    operation(clock, pause).policy((429,), retry_after_send=False).increment("POST", "/x", response=answer(429))
    assert pause.remaining() == 0.0


def test_a_later_resume_time_stands_against_an_earlier_one() -> None:
    clock = Clock()
    pause = RateLimitPause(clock)
    pause.extend(5.0)
    pause.extend(1.0)
    assert pause.remaining() == 5.0


def test_a_pause_longer_than_the_operation_may_wait_is_not_waited_at_all() -> None:
    clock = Clock()
    pause = RateLimitPause(clock)
    pause.extend(30.0)
    patient_for_four = operation(clock, pause, max_total_wait=4.0)
    assert patient_for_four.wait_out_pause() == 0.0, "the request goes at once and meets its own 429"
    assert (clock.slept, patient_for_four.waited) == ([], 0.0), "no budget spent on a wait that could not end"


def test_a_429_asking_for_more_than_any_operation_may_wait_pauses_no_one() -> None:
    clock = Clock()
    pause = RateLimitPause(clock)
    limited = operation(clock, pause, max_total_wait=60.0)
    with pytest.raises(MaxRetryError):
        limited.policy((429,), retry_after_send=False).increment(
            "POST", "/x", response=answer(429, Retry_After="3600"))
    assert pause.remaining() == 0.0
    assert (clock.slept, limited.waited) == ([], 0.0)


def test_a_success_sent_during_a_pause_ends_it_and_an_earlier_one_does_not() -> None:
    clock = Clock()
    pause = RateLimitPause(clock)
    sent_before = pause.now()
    clock.now += 1
    pause.extend(10.0)
    pause.lifted(sent_before)
    assert pause.remaining() == 10.0, "a request sent before the 429 says nothing about the limit now"
    clock.now += 1
    pause.lifted(pause.now())
    assert pause.remaining() == 0.0


def test_a_retry_waits_out_a_longer_pause_another_operation_started() -> None:
    clock = Clock()
    pause = RateLimitPause(clock)
    pause.extend(6.0)
    retry = operation(clock, pause).policy((429,), retry_after_send=False)
    retry = retry.increment("POST", "/x", response=answer(429, Retry_After="1"))
    retry.sleep()
    assert clock.slept == [6.0]
    assert retry.waited == 6.0
