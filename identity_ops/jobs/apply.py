"""Apply a plan: exactly its entries, each only if the user is still as the plan recorded.

``identity-ops apply PLAN`` and every direct run (which plans first, then applies) come here:

- the plan's digest is checked first: an edited plan is refused and nothing is sent;
- each entry's user is re-read (ListUsers; groups and last sign-in too if the plan recorded them)
  just before its request; a user whose recorded state changed is refused and listed, the others
  are applied;
- the journal is keyed by the plan's digest, so an interrupted apply resumes where it stopped:
  finished entries are not sent again, and an entry that was in flight is accepted if the user is
  now in the state the action leaves behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.journal import journal_path
from identity_ops.outcomes import Outcome, Tally
from identity_ops.plan import Plan, PlanEntry, PlanSummary, read_plan
from identity_ops.pool import describe_pool
from identity_ops.reports import RunReport
from identity_ops.userstream import iter_users

from .bulk import BulkSettings, run_bulk
from .planning import (
    Candidate,
    Observer,
    Operation,
    OperationContext,
    PlanRequest,
    known_commands,
    operation_for,
    plans_dir,
    write_plan,
)

REFUSED = "refused"
STATE_CHANGED = "StateChanged"
MAX_REFUSALS_LISTED = 50

Confirm = Callable[[PlanSummary], None]


def _no_confirmation(_summary: PlanSummary) -> None:
    return None


@dataclass(frozen=True)
class RunSettings:
    """How a planned command runs after planning."""

    bulk: BulkSettings = field(default_factory=BulkSettings)
    confirm: Confirm = _no_confirmation


def run_apply(
    clients: AwsClients,
    pool_id: str,
    plan_path: Path,
    bulk: BulkSettings,
    console: Console,
    confirm: Confirm = _no_confirmation,
) -> RunReport:
    """``identity-ops apply PLAN``: verify, rebuild the command, confirm, apply."""
    _load_operations()
    plan = read_plan(plan_path)
    if plan.header.pool_id != pool_id:
        raise UsageError(
            f"plan {plan_path} was made for pool {plan.header.pool_id}, not {pool_id}: "
            "nothing was changed"
        )
    cognito = clients.cognito()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
    with ExitStack() as resources:
        context = OperationContext(cognito, pool_id, schema, resources)
        operation = operation_for(plan.header.command, context, plan.header.options)
        if operation is None:
            raise UsageError(
                f"plan {plan_path}: unknown command {plan.header.command!r} "
                f"(known: {', '.join(known_commands())})"
            )
        if plan.summary.entries:
            confirm(plan.summary)
        return apply_plan(clients, plan, operation, bulk, console)


def _load_operations() -> None:
    """Import every module that registers an operation, so any plan's command is known."""
    from identity_ops.jobs import (  # noqa: F401
        cleanup,
        groups,
        import_users,
        inactive,
        lifecycle,
        mfa_enforce,
    )


def apply_plan(
    clients: AwsClients,
    plan: Plan,
    operation: Operation,
    bulk: BulkSettings,
    console: Console,
    *,
    recheck_sign_in: bool = True,
) -> RunReport:
    """Run every entry of a verified plan through the journal and the executor."""
    observer = operation.observer()
    observer.recheck_sign_in = recheck_sign_in
    path = bulk.journal_path or journal_path("apply", plan.header.pool_id, plan.sha256)
    command = plan.header.command
    with aws_errors():
        result = run_bulk(
            console=console,
            description=f"apply {command}",
            journal_path=path,
            journal_header={
                "command": f"apply {command}",
                "plan": str(plan.path),
                "sha256": plan.sha256,
            },
            items=plan.entries(),
            total=plan.summary.entries,
            action=lambda entry, uncertain: _checked(operation, observer, entry, uncertain),
            settings=bulk,
            limiter=clients.limiter,
        )
    refused = [e for e in result.journal.finished() if e.outcome == REFUSED]
    notes = [f"plan: {plan.path} (sha256 {plan.sha256[:16]}...)"]
    if refused:
        notes.append(
            f"{len(refused)} user(s) refused: their state changed since the plan was made "
            "(make a new plan for them)"
        )
        notes.extend(f"refused {e.username}: {e.reason}" for e in refused[:MAX_REFUSALS_LISTED])
    return RunReport(
        command,
        plan.header.pool_id,
        result.tally,
        result.duration_seconds,
        interrupted=result.interrupted,
        source=plan.header.selection,
        journal=str(path),
        notes=[*notes, *operation.notes()],
    )


def _checked(
    operation: Operation, observer: Observer, entry: PlanEntry, uncertain: bool
) -> Outcome:
    """Act on one entry if its user is as recorded; accept the finished work of an interrupted
    run; refuse (and say what changed) otherwise."""
    user = observer.observe(Candidate(entry.item, entry.username), fresh=True)
    now = observer.state(user, recheck=True, attributes=entry.state.attributes or ())
    if not observer.recheck_sign_in:
        now = now.updated({"last_sign_in": entry.state.last_sign_in})
    changes = entry.state.differences(now)
    if not changes:
        return operation.act(entry, uncertain)
    if uncertain and not entry.state.updated(operation.after(entry)).differences(now):
        if operation.complete_on_resume():
            return operation.act(entry, True)
        return Outcome(operation.done, "carried out by the interrupted run")
    return Outcome(REFUSED, "state changed since the plan: " + "; ".join(changes), STATE_CHANGED)


def run_planned(
    clients: AwsClients,
    pool_id: str,
    operation: Operation,
    candidates: Iterable[Candidate],
    request: PlanRequest,
    console: Console,
    settings: RunSettings,
    estimated: int | None = None,
) -> RunReport:
    """Plan, then (by mode) stop, or confirm and apply: the path every user-changing command takes."""
    with aws_errors():
        plan = write_plan(operation, pool_id, candidates, request, console, estimated)
    summary = plan.summary
    if request.mode != "run":
        return planned_report(operation, plan, request)
    if summary.entries:
        settings.confirm(summary)
        report = apply_plan(clients, plan, operation, settings.bulk, console, recheck_sign_in=False)
    else:
        report = RunReport(plan.header.command, pool_id, Tally(), 0.0, source=request.selection)
        report.notes.append(f"plan: {request.path}")
        report.notes.extend(operation.notes())
    _add_left_out(report, operation, summary)
    return report


def planned_report(operation: Operation, plan: Plan, request: PlanRequest) -> RunReport:
    """The report of ``--dry-run`` / ``--plan``: what would happen, nothing sent. It carries the
    plan, so showing it reads the file once."""
    tally = Tally()
    for action, count in plan.summary.actions.items():
        tally.counts[operation.would(action)] += count
    report = RunReport(
        operation.command,
        plan.header.pool_id,
        tally,
        0.0,
        dry_run=True,
        source=request.selection,
        notes=[f"plan: {request.path}" if request.mode == "plan" else "dry run: nothing was sent"],
        plan=plan,
    )
    report.notes.extend(operation.notes())
    _add_left_out(report, operation, plan.summary, dry_run=True)
    return report


def _add_left_out(
    report: RunReport, operation: Operation, summary: PlanSummary, *, dry_run: bool = False
) -> None:
    """Users left out of the plan: counted (named selections) or noted (scans); unknown names fail."""
    missing = len(summary.not_found)
    for reason, count in sorted(summary.skipped.items()):
        examples = ", ".join(summary.skipped_examples.get(reason, []))
        report.notes.append(f"no change for {count:,}: {reason} (e.g. {examples})")
    if operation.count_skipped and summary.skipped_total > missing:
        report.tally.counts["skipped"] += summary.skipped_total - missing
    for user in summary.not_found:
        if dry_run:
            report.tally.counts["not found"] += 1
        else:
            report.tally.add(
                user["item"],
                user["username"],
                Outcome("failed", "UserNotFoundException: no such user", "UserNotFoundException"),
            )


def plan_request(
    command: str,
    pool_id: str,
    *,
    dry_run: bool = False,
    plan_file: Path | None = None,
    concurrency: int = 8,
) -> PlanRequest:
    """Where a command's plan goes: ``--plan FILE``, or a dated file under the plans directory
    (dry runs and direct runs keep theirs too: the audit trail of what was decided and why)."""
    if plan_file is not None:
        return PlanRequest(plan_file, "plan", concurrency=concurrency)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    suffix = "-dry-run" if dry_run else ""
    name = f"{command.replace(' ', '-')}-{pool_id}-{stamp}{suffix}.plan.jsonl"
    return PlanRequest(plans_dir() / name, "dry-run" if dry_run else "run", concurrency=concurrency)


class PoolScanOptions(Protocol):
    """What a command that scans the whole pool (or a ListUsers filter) is asked to do."""

    @property
    def list_filter(self) -> str | None: ...
    @property
    def dry_run(self) -> bool: ...
    @property
    def bulk(self) -> BulkSettings: ...
    @property
    def plan(self) -> PlanRequest | None: ...
    @property
    def run(self) -> RunSettings: ...


@dataclass(frozen=True)
class PoolScan:
    """A whole-pool command's plan request, candidates (every user the filter selects, streamed)
    and run settings: the same for disable-inactive, mfa enforce and cleanup (which scans the
    ListUsers filter of disabled users)."""

    request: PlanRequest
    candidates: Iterator[Candidate]
    settings: RunSettings


def pool_scan(command: str, cognito: Any, pool_id: str, options: PoolScanOptions) -> PoolScan:
    request = options.plan or plan_request(
        command, pool_id, dry_run=options.dry_run, concurrency=options.bulk.concurrency
    )
    selection = f"filter {options.list_filter}" if options.list_filter else "all users"
    candidates = (
        Candidate(user.username, user.username, user)
        for user in iter_users(cognito, pool_id, options.list_filter)
    )
    return PoolScan(
        replace(request, selection=selection), candidates, replace(options.run, bulk=options.bulk)
    )


def run_pool_scan(
    clients: AwsClients,
    pool_id: str,
    operation: Operation,
    options: PoolScanOptions,
    console: Console,
    estimated: int | None = None,
) -> RunReport:
    """Plan and run a whole-pool command (disable-inactive, mfa enforce, cleanup): every user the
    options' filter selects is a candidate (`pool_scan`), then the path every user-changing
    command takes (`run_planned`)."""
    scan = pool_scan(operation.command, clients.cognito(), pool_id, options)
    return run_planned(
        clients,
        pool_id,
        operation,
        scan.candidates,
        scan.request,
        console,
        scan.settings,
        estimated,
    )
