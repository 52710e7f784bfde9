"""Run one action per item with bounded concurrency, journaled, retried, interruptible.

Errors are sorted three ways, because they mean different things:
- throttling (``TooManyRequestsException``): the account's quota is shared with other callers.
  botocore's retries absorb most of it; what still surfaces goes back in the queue with backoff and
  a slower limiter. The row is never dropped;
- per-item failures (``LimitExceededException`` = the daily email cap or a per-user limit,
  ``InvalidParameterException``, ...): recorded as failed with the reason, never retried in a loop;
- transient faults (5xx, connection errors) that outlast botocore's retries: retried a few more
  times at the row level, then recorded as failed.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from botocore.exceptions import (
    ClientError,
    HTTPClientError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from identity_ops.journal import Journal
from identity_ops.outcomes import Outcome, Tally
from identity_ops.progress import JobProgress
from identity_ops.ratelimit import RateLimiter

THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded"}
)
#: Cognito's LimitExceededException is not a rate limit: the daily email cap, a per-user limit.
PER_ITEM_LIMIT_CODES = frozenset({"LimitExceededException"})


class JobInterruptedError(Exception):
    """Ctrl-C: in-flight items were finished and journaled, the rest left for a re-run."""

    def __init__(self, tally: Tally) -> None:
        super().__init__("interrupted")
        self.tally = tally


class _RetryAbandonedError(Exception):
    """Ctrl-C came while an item waited to retry: it stays "started" (uncertain) for the re-run."""


class WorkItem(Protocol):
    @property
    def item(self) -> str: ...

    @property
    def username(self) -> str: ...


ItemT = TypeVar("ItemT", bound=WorkItem)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", "")) or error_code(error)


def http_status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


@dataclass
class RetryPolicy:
    """Row-level retries on top of botocore's own attempts."""

    throttle_retries: int = 20
    transient_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 20.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


class Executor(Generic[ItemT]):
    """Bounded-concurrency runner of ``action`` over items, with journal and progress."""

    def __init__(
        self,
        action: Callable[[ItemT, bool], Outcome],
        journal: Journal,
        *,
        concurrency: int,
        limiter: RateLimiter | None = None,
        progress: JobProgress | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.action = action
        self.journal = journal
        self.concurrency = max(1, concurrency)
        self.limiter = limiter
        self.progress = progress
        self.retry = retry or RetryPolicy()
        self._stop = threading.Event()

    def run(self, items: Iterable[ItemT]) -> Tally:
        """Run every item not yet done in the journal; raise ``JobInterruptedError`` on Ctrl-C.

        Items are taken in batches (one journal fsync per batch) whenever the number in flight
        falls to half the window, so memory stays bounded whatever the input size.
        """
        tally = Tally()
        window = max(32, self.concurrency * 4)
        pending: dict[Future[Outcome], ItemT] = {}
        iterator = iter(items)
        exhausted = False
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="identity-ops") as pool:
            try:
                while not exhausted or pending:
                    if not exhausted and len(pending) <= window // 2:
                        batch, exhausted = self._next_batch(iterator, window - len(pending), tally)
                        self.journal.started((item.item, item.username) for item, _ in batch)
                        for item, uncertain in batch:
                            pending[pool.submit(self._attempt, item, uncertain)] = item
                    if pending:
                        finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                        for future in finished:
                            self._record(tally, pending.pop(future), future.result())
            except KeyboardInterrupt:
                self._stop.set()
                self._drain(pending, tally)
                raise JobInterruptedError(tally) from None
        return tally

    def _next_batch(
        self, iterator: Iterator[ItemT], size: int, tally: Tally
    ) -> tuple[list[tuple[ItemT, bool]], bool]:
        """Up to ``size`` items not done yet, each with its "uncertain" flag; and whether the input ended."""
        batch: list[tuple[ItemT, bool]] = []
        while len(batch) < size:
            item = next(iterator, None)
            if item is None:
                return batch, True
            if self.journal.is_done(item.item):
                tally.resumed += 1
                self._advance()
                continue
            batch.append((item, self.journal.is_uncertain(item.item)))
        return batch, False

    def _drain(self, pending: dict[Future[Outcome], ItemT], tally: Tally) -> None:
        """After Ctrl-C: drop queued items, journal the ones already running."""
        for future in list(pending):
            if future.cancel():
                pending.pop(future)  # never started: stays "started" = uncertain, safe to redo
        for future, item in list(pending.items()):
            try:
                self._record(tally, item, future.result())
            except Exception:  # e.g. _RetryAbandonedError: not journaled, stays uncertain
                continue

    def _record(self, tally: Tally, item: ItemT, result: Outcome) -> None:
        self.journal.done(item.item, item.username, result.outcome, result.reason, result.code)
        tally.add(item.item, item.username, result)
        self._advance()

    def _advance(self) -> None:
        if self.progress is not None:
            self.progress.advance()

    def _attempt(self, item: ItemT, uncertain: bool) -> Outcome:
        """Run the action for one item, retrying throttles and transient faults.

        Each attempt reports to the limiter how it ended, so a throttle slows its quota category
        and an attempt that went through lets the categories it used recover.
        """
        throttles = transients = 0
        while True:
            self._begin_attempt()
            try:
                outcome = self.action(item, uncertain)
            except ClientError as error:
                code = error_code(error)
                if code in THROTTLING_CODES:
                    self._end_attempt(str(error.operation_name or ""))
                    if throttles < self.retry.throttle_retries:
                        throttles += 1
                        self._back_off(throttles)
                        continue
                # AWS: retry 5xx and throttling errors, not other 4xx (they need a changed request),
                # https://docs.aws.amazon.com/general/latest/gr/api-retries.html
                if http_status(error) >= 500 and transients < self.retry.transient_retries:
                    transients += 1
                    self._back_off(transients)
                    continue
                return Outcome("failed", _reason(error), code)
            except (BotoConnectionError, HTTPClientError) as error:
                if transients < self.retry.transient_retries:
                    transients += 1
                    self._back_off(transients)
                    continue
                return Outcome("failed", f"connection error: {error}", "ConnectionError")
            else:
                self._end_attempt()
                return outcome
            finally:
                uncertain = True  # a retried action may have partly succeeded already

    def _back_off(self, retry: int) -> None:
        """Wait before retry number ``retry``; after Ctrl-C, leave the item to the re-run instead.

        Retrying at once would send the rest of the item's retries without any backoff and then
        journal it as failed (a plain re-run skips failed items). Raising leaves it uncertain, so
        the next run sends it again, in the way that accepts an earlier partial effect.
        """
        self._sleep(self.retry.delay(retry))
        if self._stop.is_set():
            raise _RetryAbandonedError

    def _begin_attempt(self) -> None:
        if self.limiter is not None:
            self.limiter.begin_attempt()

    def _end_attempt(self, throttled_operation: str | None = None) -> None:
        if self.limiter is not None:
            self.limiter.end_attempt(throttled_operation)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))


def _reason(error: ClientError) -> str:
    code = error_code(error)
    message = error_message(error)
    if code in PER_ITEM_LIMIT_CODES:
        return f"{code}: {message} (a per-user or daily limit, not retried)"
    return f"{code}: {message}"
