"""Retries that classify: transient warehouse errors are retried, permanent ones are not.

Built on tenacity: exponential backoff with jitter, at most ``attempts`` tries, and the
total time spent waiting between them never above ``total_wait_seconds``. Which errors
are transient is the warehouse's call (``Warehouse.is_transient``: exception types and
reason codes, never message text).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, TypeVar

import tenacity

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a transient error.

    Attributes:
        attempts: tries in all, the first included (1 = never retry).
        initial_seconds: the first wait; each next one doubles, plus up to ``jitter``.
        max_seconds: the longest single wait.
        total_wait_seconds: the most time spent waiting across all retries of one chunk.
        jitter: seconds of random jitter added to each wait.
    """

    attempts: int = 3
    initial_seconds: float = 0.5
    max_seconds: float = 30.0
    total_wait_seconds: float = 120.0
    jitter: float = 0.5

    @classmethod
    def from_settings(cls, retries=None, attempts: int | None = None,
                      initial_seconds: float | None = None) -> RetryPolicy:
        """The project's ``[retries]`` settings, with explicit overrides (flags) on top."""
        if retries is None:
            from nbkit import settings

            retries = settings.current().retries
        base = cls(attempts=retries.attempts, initial_seconds=retries.initial_seconds,
                   max_seconds=retries.max_seconds,
                   total_wait_seconds=retries.total_wait_seconds, jitter=retries.jitter)
        return cls(attempts if attempts is not None else base.attempts,
                   initial_seconds if initial_seconds is not None else base.initial_seconds,
                   base.max_seconds, base.total_wait_seconds, base.jitter)


def call(fn: Callable[[], T], is_transient: Callable[[BaseException], bool],
         policy: RetryPolicy,
         on_retry: Callable[[int, BaseException, float], None] | None = None) -> tuple[T, int]:
    """Run ``fn``; retry it while it raises transient errors. Return (value, attempts used).

    Args:
        fn: the work (one chunk's statements: each is atomic, so a retry starts clean).
        is_transient: classifies an exception (Warehouse.is_transient).
        policy: attempts, backoff and the bound on total waiting.
        on_retry: called as ``on_retry(attempt_that_failed, error, seconds_to_wait)``.

    Raises:
        The last error, unchanged, when it is permanent or the policy is exhausted; its
        ``nbkit_attempts`` attribute says how many attempts were made.
    """
    backoff = tenacity.wait_exponential_jitter(multiplier=policy.initial_seconds,
                                               max=policy.max_seconds, jitter=policy.jitter)

    def wait(state: tenacity.RetryCallState) -> float:
        return max(0.0, min(backoff(state), policy.total_wait_seconds - state.idle_for))

    def out_of_budget(state: tenacity.RetryCallState) -> bool:
        return state.idle_for >= policy.total_wait_seconds

    def before_sleep(state: tenacity.RetryCallState) -> None:
        err = state.outcome.exception()
        delay = state.next_action.sleep if state.next_action else 0.0
        log.warning("transient error on attempt %d, retrying in %.1f s: %s",
                    state.attempt_number, delay, _first_line(err))
        if on_retry is not None:
            on_retry(state.attempt_number, err, delay)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(1, policy.attempts)) | out_of_budget,
        wait=wait, retry=tenacity.retry_if_exception(is_transient),
        before_sleep=before_sleep, reraise=True)
    attempts = 0
    try:
        for attempt in retrying:
            with attempt:
                attempts = attempt.retry_state.attempt_number
                value = fn()
    except BaseException as err:
        try:
            err.nbkit_attempts = attempts  # type: ignore[attr-defined]
        except AttributeError:
            pass
        raise
    return value, attempts


def _first_line(err: BaseException | None) -> str:
    return str(err).splitlines()[0][:200] if err is not None and str(err) else repr(err)
