"""The bulk executor's rules a user notices, without a server (mutation-tested).

Requests go through a real boto3 ``cognito-idp`` client built as the CLI builds it
(``AwsClients``: one attempt per call, so what AWS answers reaches the executor at once), and a
``before-send`` handler answers them in Cognito's wire form (``bench.ops_support``): botocore
parses every error as it would parse AWS's. What AWS says about the answers:

- ``TooManyRequestsException`` (Cognito) and ``ThrottlingException`` (every AWS API, 400) mean the
  request rate was too high: retry with backoff
  (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html,
  https://docs.aws.amazon.com/emr/latest/APIReference/CommonErrors.html);
- retry 5xx (``InternalErrorException`` is Cognito's 500) and throttling errors, but a 4xx needs a
  changed request (https://docs.aws.amazon.com/general/latest/gr/api-retries.html), with
  exponential backoff, jitter and a cap on retries
  (https://docs.aws.amazon.com/wellarchitected/latest/framework/rel05-bp03.html);
- Cognito's ``LimitExceededException`` is a limit on a resource (the daily email cap, a per-user
  limit), not a rate: waiting does not fix it
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html).
"""

from __future__ import annotations

import io
import json
import signal
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from rich.console import Console

from bench.ops_support import error_response, json_response
from identity_ops import executor as executor_module
from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.executor import Executor, JobInterruptedError, RetryPolicy
from identity_ops.journal import Entry, Journal
from identity_ops.outcomes import Failure, Outcome, Tally
from identity_ops.progress import JobProgress
from identity_ops.ratelimit import RateLimiter
from tests.ops.fake_clock import FakeClock

REGION = "eu-west-1"
POOL_ID = "eu-west-1_Executor1"
#: No server listens here: every request is answered by the ``Cognito`` handler below.
ENDPOINT = "http://127.0.0.1:9"
THROTTLED = ("error", 400, "TooManyRequestsException", "Rate exceeded")
INTERNAL_ERROR = ("error", 500, "InternalErrorException", "Internal server error")
DAILY_EMAIL_CAP = (
    "error",
    400,
    "LimitExceededException",
    "Exceeded daily email limit for the operation or the account.",
)
REFUSED = ("refuse",)
OK = ("ok",)

Answer = tuple[Any, ...]


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@dataclass(frozen=True)
class Row:
    item: str
    username: str


class Cognito:
    """Answers each user's requests from a script, in Cognito's wire form; records every send.

    ``script[username]`` lists the answers to that user's requests in order, the last one
    repeating; a user without a script is answered with success.
    """

    def __init__(self, script: dict[str, list[Answer]] | None = None) -> None:
        self.script = {user: list(answers) for user, answers in (script or {}).items()}
        self.sends: Counter[str] = Counter()
        self._answered: dict[str, threading.Event] = defaultdict(threading.Event)
        self._lock = threading.Lock()

    def answered(self, username: str) -> threading.Event:
        """Set once the first request for ``username`` has been answered."""
        with self._lock:
            return self._answered[username]

    def before_send(self, request: Any, **_: Any) -> AWSResponse:
        username = str(json.loads(request.body)["Username"])
        with self._lock:
            self.sends[username] += 1
            answers = self.script.get(username, [])
            answer = answers.pop(0) if len(answers) > 1 else (answers[0] if answers else OK)
            self._answered[username].set()
        if answer[0] == "refuse":
            raise EndpointConnectionError(endpoint_url=request.url)
        if answer[0] == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        if answer[0] == "ok":
            return json_response(request.url, 200, {})
        _, status, code, message = answer
        return error_response(request.url, status, code, message)


@dataclass
class Job:
    """A bulk job as the CLI runs one: AdminAddUserToGroup per row, journaled."""

    tmp_path: Path
    cognito: Cognito = field(default_factory=Cognito)
    limiter: RateLimiter | None = None
    concurrency: int = 1
    calls: list[tuple[str, bool]] = field(default_factory=list)
    before_request: Callable[[Row], None] | None = None

    def __post_init__(self) -> None:
        settings = AwsSettings(
            region=REGION, endpoint_url=ENDPOINT, max_attempts=1, concurrency=self.concurrency
        )
        self.clients = AwsClients(settings, self.limiter)
        # botocore's stubs type handlers as returning None; an answer short-circuits the send
        events: Any = self.clients.cognito().meta.events
        events.register_first("before-send.cognito-identity-provider", self.cognito.before_send)

    def action(self, row: Row, uncertain: bool) -> Outcome:
        self.calls.append((row.item, uncertain))
        if self.before_request is not None:
            self.before_request(row)
        self.clients.cognito().admin_add_user_to_group(
            UserPoolId=POOL_ID, Username=row.username, GroupName="staff"
        )
        return Outcome("added")

    def journal(self) -> Journal:
        return Journal.open(self.tmp_path / "journal.jsonl", {"job": "add-to-group"})

    def run(
        self,
        rows: Any,
        retry: RetryPolicy | None = None,
        progress: JobProgress | None = None,
    ) -> tuple[Tally, dict[str, Entry]]:
        journal = self.journal()
        try:
            executor: Executor[Row] = Executor(
                self.action,
                journal,
                concurrency=self.concurrency,
                limiter=self.limiter,
                progress=progress,
                retry=retry or Backoff(),
            )
            tally = executor.run(rows)
        finally:
            journal.close()
        return tally, dict(journal.entries)


@dataclass
class Backoff(RetryPolicy):
    """AWS-style retry limits with a fixed wait; records which retry each wait was for."""

    seconds: float = 0.0
    asked: list[int] = field(default_factory=list)

    def delay(self, attempt: int) -> float:
        self.asked.append(attempt)
        return self.seconds


def _rows(*usernames: str) -> list[Row]:
    return [Row(str(index), name) for index, name in enumerate(usernames, start=1)]


def _done(username: str, outcome: str, reason: str = "", code: str = "", item: str = "1") -> Entry:
    return Entry(item, username, "done", outcome, reason, code)


def _started(item: str, username: str) -> Entry:
    return Entry(item, username, "started")


def _progress() -> JobProgress:
    """The real progress bar, on a console that is not a terminal (it counts but draws nothing)."""
    return JobProgress(Console(file=io.StringIO()), "add-to-group", None)


# --- throttling: back off, retry, slow the limiter; never give up early -------------------------


@pytest.mark.parametrize("code", ["TooManyRequestsException", "ThrottlingException"])
def test_a_throttled_row_is_retried_with_backoff_until_it_goes_through(
    tmp_path: Path, code: str
) -> None:
    throttled = ("error", 400, code, "Rate exceeded")
    job = Job(tmp_path, Cognito({"alice": [throttled, throttled, throttled, OK]}))
    retry = Backoff()

    tally, journal = job.run(_rows("alice"), retry)

    assert tally.counts == Counter({"added": 1})
    assert journal == {"1": _done("alice", "added")}
    assert job.cognito.sends == Counter({"alice": 4})
    assert retry.asked == [1, 2, 3]  # the backoff grows with each retry of the row
    # a retried action may have partly succeeded already: it is told so
    assert job.calls == [("1", False), ("1", True), ("1", True), ("1", True)]


def test_a_row_throttled_past_its_retries_fails_with_the_throttle_as_reason(
    tmp_path: Path,
) -> None:
    job = Job(tmp_path, Cognito({"alice": [THROTTLED]}))
    retry = Backoff(throttle_retries=4)

    tally, journal = job.run(_rows("alice"), retry)

    reason = "TooManyRequestsException: Rate exceeded"
    assert job.cognito.sends == Counter({"alice": 5})  # the first attempt and four retries
    assert retry.asked == [1, 2, 3, 4]
    assert journal == {"1": _done("alice", "failed", reason, "TooManyRequestsException")}
    assert tally.failures == [Failure("1", "alice", reason, "TooManyRequestsException")]


def test_a_retry_waits_out_its_backoff_first(tmp_path: Path) -> None:
    job = Job(tmp_path, Cognito({"alice": [THROTTLED, OK]}))

    started = time.monotonic()
    tally, _ = job.run(_rows("alice"), Backoff(seconds=0.3))

    assert time.monotonic() - started >= 0.3
    assert tally.counts == Counter({"added": 1})


def test_each_throttle_slows_its_quota_category_and_the_success_restores_it(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    limiter = RateLimiter({"UserUpdate": 10}, clock=clock, sleep=clock.sleep)
    job = Job(tmp_path, Cognito({"alice": [THROTTLED, THROTTLED, OK]}), limiter=limiter)

    job.run(_rows("alice"))

    # AdminAddUserToGroup is a UserUpdate operation: 10 -> 8 -> 6.4 RPS, then one success
    assert limiter.current_rates()["UserUpdate"] == pytest.approx(6.4 * 1.01 + 0.01)


def test_the_backoff_is_exponential_with_full_jitter_and_a_cap() -> None:
    policy = RetryPolicy()  # 0.5 s doubled per retry, at most 20 s
    for retry, cap in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 16.0), (6, 20.0), (9, 20.0)]:
        waits = [policy.delay(retry) for _ in range(2000)]
        assert all(0 <= wait <= cap for wait in waits), retry
        assert max(waits) > 0.9 * cap, retry  # the whole range is used ...
        assert min(waits) < 0.1 * cap, retry  # ... from (almost) no wait at all


# --- server errors and lost connections: a few retries, then failed -----------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_retried_a_few_times(tmp_path: Path, status: int) -> None:
    error = ("error", status, "InternalErrorException", "Internal server error")
    job = Job(tmp_path, Cognito({"alice": [error, error, OK]}))
    retry = Backoff()

    tally, _ = job.run(_rows("alice"), retry)

    assert tally.counts == Counter({"added": 1})
    assert job.cognito.sends == Counter({"alice": 3})
    assert retry.asked == [1, 2]


def test_a_lasting_server_error_fails_the_row_after_its_retries(tmp_path: Path) -> None:
    job = Job(tmp_path, Cognito({"alice": [INTERNAL_ERROR], "bob": [THROTTLED, INTERNAL_ERROR]}))
    retry = Backoff(transient_retries=3)

    tally, journal = job.run(_rows("alice", "bob"), retry)

    reason = "InternalErrorException: Internal server error"
    # the row's first attempt and three retries; throttles do not use up those retries
    assert job.cognito.sends == Counter({"alice": 4, "bob": 5})
    assert journal["1"] == _done("alice", "failed", reason, "InternalErrorException")
    assert tally.counts == Counter({"failed": 2})
    # results are recorded as they arrive, so two rows may finish in either order
    assert set(tally.failures) == {
        Failure("1", "alice", reason, "InternalErrorException"),
        Failure("2", "bob", reason, "InternalErrorException"),
    }


@pytest.mark.parametrize("fault", ["refuse", "timeout"])
def test_a_lost_connection_is_retried_a_few_times(tmp_path: Path, fault: str) -> None:
    job = Job(tmp_path, Cognito({"alice": [(fault,), (fault,), OK]}))

    tally, _ = job.run(_rows("alice"))

    assert tally.counts == Counter({"added": 1})
    assert job.cognito.sends == Counter({"alice": 3})


def test_a_lasting_connection_failure_fails_the_row_with_the_error(tmp_path: Path) -> None:
    job = Job(tmp_path, Cognito({"alice": [REFUSED]}))
    retry = Backoff(transient_retries=2)

    tally, journal = job.run(_rows("alice"), retry)

    reason = f'connection error: Could not connect to the endpoint URL: "{ENDPOINT}/"'
    assert job.cognito.sends == Counter({"alice": 3})
    assert retry.asked == [1, 2]
    assert journal == {"1": _done("alice", "failed", reason, "ConnectionError")}
    assert tally.failures == [Failure("1", "alice", reason, "ConnectionError")]


# --- per-row failures: recorded with AWS's reason, never retried --------------------------------


def test_a_per_row_limit_fails_at_once_and_says_it_is_not_retried(tmp_path: Path) -> None:
    job = Job(tmp_path, Cognito({"bob": [DAILY_EMAIL_CAP]}))

    tally, journal = job.run(_rows("alice", "bob"))

    reason = (
        "LimitExceededException: Exceeded daily email limit for the operation or the account."
        " (a per-user or daily limit, not retried)"
    )
    assert job.cognito.sends == Counter({"alice": 1, "bob": 1})
    assert tally.counts == Counter({"added": 1, "failed": 1})
    assert journal["2"] == _done("bob", "failed", reason, "LimitExceededException", item="2")
    assert tally.failures == [Failure("2", "bob", reason, "LimitExceededException")]


def test_a_client_error_fails_at_once_with_aws_message_or_else_its_code(tmp_path: Path) -> None:
    invalid = ("error", 400, "InvalidParameterException", "Username should be an email.")
    no_message = ("error", 400, "NotAuthorizedException", "")
    job = Job(tmp_path, Cognito({"alice": [invalid], "bob": [no_message]}))

    tally, _ = job.run(_rows("alice", "bob"))

    assert job.cognito.sends == Counter({"alice": 1, "bob": 1})
    assert tally.counts == Counter({"failed": 2})
    assert set(tally.failures) == {
        Failure(
            "1",
            "alice",
            "InvalidParameterException: Username should be an email.",
            "InvalidParameterException",
        ),
        Failure(
            "2", "bob", "NotAuthorizedException: NotAuthorizedException", "NotAuthorizedException"
        ),
    }


# --- resuming, progress, concurrency ------------------------------------------------------------


def test_a_rerun_skips_finished_rows_and_resends_uncertain_ones_as_uncertain(
    tmp_path: Path,
) -> None:
    job = Job(tmp_path)
    earlier = job.journal()
    earlier.started([("1", "ann"), ("2", "ben"), ("3", "cy"), ("5", "eve")])
    earlier.done("1", "ann", "added")
    earlier.done("3", "cy", "added")
    earlier.close()
    progress = _progress()

    tally, journal = job.run(_rows("ann", "ben", "cy", "dan", "eve"), progress=progress)

    assert job.calls == [("2", True), ("4", False), ("5", True)]
    assert tally.resumed == 2
    assert tally.counts == Counter({"added": 3})
    assert progress.task.completed == 5
    assert progress.resumed == 2
    assert journal["4"] == _done("dan", "added", item="4")


@pytest.mark.parametrize("concurrency", [1, 3])
def test_no_more_requests_are_in_flight_than_the_concurrency(
    tmp_path: Path, concurrency: int
) -> None:
    lock = threading.Lock()
    running: list[int] = [0, 0]  # now, peak
    together = threading.Barrier(concurrency, timeout=10)

    def count_in_flight(row: Row) -> None:
        with lock:
            running[0] += 1
            running[1] = max(running)
        if int(row.item) <= concurrency:
            together.wait()  # the first ones run at the same time ...
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    job = Job(tmp_path, concurrency=concurrency, before_request=count_in_flight)
    tally, _ = job.run(_rows(*(f"user{i}" for i in range(8))))

    assert tally.counts == Counter({"added": 8})
    assert running[1] == concurrency  # ... and never more than that


def test_a_result_is_journaled_as_soon_as_it_arrives(tmp_path: Path) -> None:
    progress = _progress()

    def ben_waits_for_ann(row: Row) -> None:
        if row.username == "ben":
            deadline = time.monotonic() + 0.4
            while progress.task.completed < 1:
                assert time.monotonic() < deadline, "ann's result was not journaled while ben ran"
                time.sleep(0.005)

    job = Job(tmp_path, concurrency=2, before_request=ben_waits_for_ann)
    tally, journal = job.run(_rows("ann", "ben"), progress=progress)

    assert tally.counts == Counter({"added": 2})
    assert journal["1"] == _done("ann", "added")


@pytest.mark.parametrize(("concurrency", "window"), [(1, 32), (10, 40)])
def test_input_is_read_at_most_a_window_ahead_of_the_results(
    tmp_path: Path, concurrency: int, window: int, main_loop_waiting: threading.Event
) -> None:
    """Rows are read (and journaled "started") in batches: never more than ``window`` (the larger
    of 32 and 4 x concurrency) beyond the finished ones, topped up when half of them are done. That
    bounds memory on any input size and the rows a crash leaves uncertain."""
    total = 50
    read = [0]
    progress = _progress()
    read_when_row_ran: list[int] = []

    def rows() -> Iterator[Row]:
        for index in range(total):
            read[0] += 1
            yield Row(str(index), f"user{index}")

    def one_at_a_time(row: Row) -> None:
        _wait_until(lambda: progress.task.completed == int(row.item))
        _wait_until(main_loop_waiting.is_set)
        read_when_row_ran.append(read[0])

    job = Job(tmp_path, concurrency=concurrency, before_request=one_at_a_time)
    tally, _ = job.run(rows(), progress=progress)

    half = window // 2
    expected = [min(total, window + half * (index // half)) for index in range(total)]
    assert read_when_row_ran == expected
    assert tally.counts == Counter({"added": total})


# --- Ctrl-C -------------------------------------------------------------------------------------


def test_ctrl_c_finishes_running_rows_and_leaves_the_rest_to_the_rerun(
    tmp_path: Path, main_loop_waiting: threading.Event
) -> None:
    """Ctrl-C while one row waits out a throttling backoff and another is being sent."""
    cognito = Cognito({"bob": [THROTTLED]})  # throttled until the job stops
    pressed: list[float] = []

    def press_ctrl_c_while_bob_backs_off(row: Row) -> None:
        if row.username == "alice":
            assert cognito.answered("bob").wait(10)
            time.sleep(0.05)  # bob has its throttle and now waits out the backoff
            _wait_until(main_loop_waiting.is_set)
            pressed.append(time.monotonic())
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            time.sleep(0.1)  # alice's request is still on its way when the job stops

    job = Job(tmp_path, cognito, concurrency=2, before_request=press_ctrl_c_while_bob_backs_off)
    rows = _rows("bob", "alice", "cy", "dan")

    with pytest.raises(JobInterruptedError) as interrupted:
        job.run(rows, Backoff(seconds=30))
    stopped_after = time.monotonic() - pressed[0]

    assert stopped_after < 0.7  # bob's 30 s backoff does not hold the job up
    assert interrupted.value.tally.counts == Counter({"added": 1})
    assert job.cognito.sends == Counter({"bob": 1, "alice": 1})  # no retry without backoff
    journal = job.journal()
    journal.close()
    assert journal.entries == {
        "1": _started("1", "bob"),  # uncertain: not "failed", so a plain re-run sends it again
        "2": _done("alice", "added", item="2"),
        "3": _started("3", "cy"),
        "4": _started("4", "dan"),
    }

    job.before_request = None
    job.calls.clear()
    cognito.script["bob"] = [OK]
    tally, _ = job.run(rows)
    assert sorted(job.calls) == [("1", True), ("3", True), ("4", True)]
    assert (tally.resumed, tally.counts) == (1, Counter({"added": 3}))


def _wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


@pytest.fixture
def main_loop_waiting(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set while the executor's loop is blocked in ``concurrent.futures.wait`` (after it has read
    and submitted what it will read for now). A flag set around the call, not a look at the main
    thread's frames: ``sys._current_frames()`` polled from worker threads could stall the run
    behind the interpreter's thread-list lock on a busy machine."""
    waiting = threading.Event()

    def watched_wait(*args: Any, **kwargs: Any) -> Any:
        waiting.set()
        try:
            return futures.wait(*args, **kwargs)
        finally:
            waiting.clear()

    monkeypatch.setattr(executor_module, "wait", watched_wait)
    return waiting
