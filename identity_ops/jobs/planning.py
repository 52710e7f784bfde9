"""The one path every user-changing command takes: observe, decide, write a plan, then apply it.

A command describes itself as an ``Operation``: how to read the state it decides on (an
``Observer``), how to decide per user (a change, or no change and why) and how to act on one plan
entry. ``run_planned`` then does the rest the same way for every command:

- ``--plan FILE``: write the plan and stop;
- ``--dry-run``: write the plan to a scratch file, which the CLI prints;
- otherwise: write the plan beside the journals, ask (naming the pool, the count and the first
  users), then apply it exactly as ``identity-ops apply`` would (``jobs/apply.py``).

Users that need no change are left out of the plan and counted per reason, so a re-run reports
"already disabled" users as no change, never as work done by this run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console

from identity_ops.executor import error_code
from identity_ops.journal import journal_dir
from identity_ops.outcomes import Outcome
from identity_ops.plan import Plan, PlanEntry, PlanHeader, PlanWriter, UserState
from identity_ops.pool import PoolSchema
from identity_ops.progress import JobProgress
from identity_ops.userstream import PoolUser, find_user, groups_of_user

CHUNK = 200  # users observed in parallel at a time

#: How a plan was asked for: write it only, print it only, or apply it now.
MODES = ("plan", "dry-run", "run")


@dataclass(frozen=True)
class Candidate:
    """A user a command considers; ``user`` is known when it came from a listing."""

    item: str
    username: str
    user: PoolUser | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """The user needs ``action`` with ``params``."""

    action: str
    params: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""
    state: UserState | None = None  # the decided-on state, when it holds more than was observed


@dataclass(frozen=True)
class NoChange:
    """The user is left out of the plan, for ``reason``."""

    reason: str
    not_found: bool = False


Decision = Change | NoChange

NOT_FOUND = "no such user (UserNotFoundException)"


def iso(moment: datetime | None) -> str:
    """A timestamp as the plan records it."""
    return moment.isoformat(timespec="seconds") if moment is not None else "never"


@dataclass
class Observer:
    """Reads the state an operation decides on; ``apply`` reads the same fields again."""

    cognito: Any
    pool_id: str
    group_scope: tuple[str, ...] | None = None  # read memberships in these groups (() = all)
    sign_in: Callable[[PoolUser], str] | None = None  # the last sign-in as recorded
    recheck_sign_in: bool = True  # False: a plan made moments ago in this run
    disabled_at: Callable[[PoolUser], str | None] | None = None

    def observe(self, candidate: Candidate, *, fresh: bool = False) -> PoolUser | None:
        """The user as ListUsers shows it now (``fresh``: look it up even if listed)."""
        if candidate.user is not None and not fresh:
            return candidate.user
        return find_user(self.cognito, self.pool_id, candidate.username)

    def state(
        self, user: PoolUser | None, *, recheck: bool = False, attributes: Iterable[str] = ()
    ) -> UserState:
        if user is None:
            return UserState(exists=False)
        groups = None
        if self.group_scope is not None:
            groups = self._groups(user.username)
        last = None
        if self.sign_in is not None and (not recheck or self.recheck_sign_in):
            last = self.sign_in(user)
        names = tuple(attributes)
        return UserState(
            exists=True,
            status=user.status,
            enabled=user.enabled,
            groups=groups,
            last_sign_in=last,
            disabled_at=self.disabled_at(user) if self.disabled_at is not None else None,
            attributes={name: user.attributes.get(name, "") for name in names} if names else None,
        )

    def _groups(self, username: str) -> tuple[str, ...]:
        try:
            groups = groups_of_user(self.cognito, self.pool_id, username)
        except ClientError as error:
            if error_code(error) == "UserNotFoundException":
                return ()
            raise
        if not self.group_scope:
            return groups
        return tuple(g for g in groups if g in self.group_scope)


class Operation(ABC):
    """One user-changing command: what it reads, how it decides, how it acts."""

    #: the command as the plan header names it, e.g. ``users disable``
    command: str = ""
    #: outcome word of a finished action, e.g. ``disabled``
    done: str = ""
    #: ``True``: skipped users named by the operator (names, file) are counted in the report;
    #: ``False``: a scan of the pool, where the skipped are summarised in notes
    count_skipped: bool = True

    @abstractmethod
    def observer(self) -> Observer:
        """How the state this operation decides on is read."""

    @abstractmethod
    def decide(self, candidate: Candidate, state: UserState, user: PoolUser | None) -> Decision:
        """The change this user needs, or why none."""

    @abstractmethod
    def act(self, entry: PlanEntry, uncertain: bool) -> Outcome:
        """Carry out one plan entry (the state was checked just before)."""

    def options(self) -> dict[str, Any]:
        """What ``apply`` needs to rebuild this operation from the plan header."""
        return {}

    def after(self, _entry: PlanEntry) -> Mapping[str, Any]:
        """The state fields an entry's action leaves behind: an interrupted run that already
        acted leaves the user in this state, which the resumed apply accepts."""
        return {}

    def complete_on_resume(self) -> bool:
        """Re-run ``act`` for an entry an interrupted run already carried out (idempotent
        follow-ups such as recording the disable time, adding groups after a create)."""
        return False

    def notes(self) -> list[str]:
        return []

    def would(self, _action: str) -> str:
        """How a dry run counts a planned action."""
        return f"would be {self.done}"


@dataclass(frozen=True)
class PlanRequest:
    """Where the plan goes and what happens after it is written."""

    path: Path
    mode: str = "run"  # one of MODES
    selection: str = ""
    concurrency: int = 8


def write_plan(
    operation: Operation,
    pool_id: str,
    candidates: Iterable[Candidate],
    request: PlanRequest,
    console: Console,
    estimated: int | None = None,
) -> Plan:
    """Observe and decide for every candidate (in parallel chunks), streaming entries to the plan;
    the plan's digest is computed as it is written, so it is never read back to be hashed."""
    header = PlanHeader(operation.command, pool_id, request.selection, operation.options())
    observer = operation.observer()
    with (
        PlanWriter(request.path, header) as writer,
        ThreadPoolExecutor(max(1, request.concurrency)) as pool,
        JobProgress(console, f"plan {operation.command}", estimated or None) as progress,
    ):
        for chunk in _chunks(iter(candidates)):
            decided = pool.map(lambda c: _decide(operation, observer, c), chunk)
            for candidate, decision, state in decided:
                progress.advance()
                if isinstance(decision, NoChange):
                    writer.skip(
                        candidate.item,
                        candidate.username,
                        decision.reason,
                        not_found=decision.not_found,
                    )
                    continue
                writer.add(
                    PlanEntry(
                        candidate.item,
                        candidate.username,
                        decision.action,
                        decision.state or state,
                        decision.params,
                        decision.reason,
                    )
                )
    return Plan(request.path, header, writer.summary, writer.sha256)


def _decide(
    operation: Operation, observer: Observer, candidate: Candidate
) -> tuple[Candidate, Decision, UserState]:
    user = observer.observe(candidate)
    state = observer.state(user)
    return candidate, operation.decide(candidate, state, user), state


def _chunks(candidates: Iterator[Candidate]) -> Iterator[list[Candidate]]:
    while chunk := list(islice(candidates, CHUNK)):
        yield chunk


def plans_dir() -> Path:
    """Where plans of direct runs are kept (for the audit trail): beside the journals."""
    return journal_dir().parent / "plans"


@dataclass(frozen=True)
class OperationContext:
    """What an operation needs to be rebuilt from a plan header by ``apply``; what it opens for
    the run (the disable-time ledger) goes into ``resources``, closed when the apply ends."""

    cognito: Any
    pool_id: str
    schema: PoolSchema
    resources: ExitStack


OperationFactory = Callable[[OperationContext, Mapping[str, Any]], Operation]
_FACTORIES: dict[str, OperationFactory] = {}


def register(command: str) -> Callable[[OperationFactory], OperationFactory]:
    """Make ``apply`` able to rebuild the operation of plans whose header names ``command``."""

    def decorate(factory: OperationFactory) -> OperationFactory:
        _FACTORIES[command] = factory
        return factory

    return decorate


def operation_for(
    command: str, context: OperationContext, options: Mapping[str, Any]
) -> Operation | None:
    factory = _FACTORIES.get(command)
    return factory(context, options) if factory is not None else None


def known_commands() -> list[str]:
    return sorted(_FACTORIES)
