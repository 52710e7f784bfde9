"""``users disable-inactive --days N``: disable users with no sign-in for N days.

Cognito keeps no "last sign-in" field (``UserLastModifiedDate`` changes on any admin update, so it
is *not* used). The signal is explicit:

- ``auth-events`` (default): the newest successful ``SignIn`` in AdminListUserAuthEvents. Cognito
  records these only when threat protection (advanced security) is on; otherwise the call fails
  with ``UserPoolAddOnNotEnabledException`` and the job stops and says so;
- ``attribute:NAME``: a timestamp attribute (epoch seconds or ISO 8601) that a post-authentication
  Lambda trigger keeps up to date, e.g. ``attribute:custom:last_sign_in``; read from ListUsers, no
  extra calls.

A user who never signed in counts from their creation date. Users already disabled are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import AwsError, UsageError
from identity_ops.executor import error_code
from identity_ops.journal import journal_path
from identity_ops.outcomes import Outcome, Tally
from identity_ops.pool import describe_pool
from identity_ops.progress import JobProgress
from identity_ops.reports import RunReport
from identity_ops.userstream import PoolUser, iter_users

from .bulk import BulkSettings, run_bulk

AUTH_EVENTS = "auth-events"
ATTRIBUTE_PREFIX = "attribute:"
MAX_EVENT_PAGES = 10
CHUNK = 200


@dataclass(frozen=True)
class InactiveOptions:
    days: int
    signal: str = AUTH_EVENTS
    list_filter: str | None = None
    dry_run: bool = False
    bulk: BulkSettings = field(default_factory=BulkSettings)


@dataclass(frozen=True)
class Candidate:
    item: str
    username: str
    last_sign_in: datetime | None
    created: datetime | None


def signal_description(signal: str) -> str:
    if signal == AUTH_EVENTS:
        return "newest successful SignIn in AdminListUserAuthEvents (threat protection)"
    return f"timestamp in attribute {signal.removeprefix(ATTRIBUTE_PREFIX)} (kept by a post-authentication trigger)"


def run_disable_inactive(
    clients: AwsClients,
    pool_id: str,
    options: InactiveOptions,
    console: Console,
    events_client: Any = None,
) -> RunReport:
    """Find inactive users by the chosen signal, then (unless dry-run) disable them."""
    if options.signal != AUTH_EVENTS and not options.signal.startswith(ATTRIBUTE_PREFIX):
        raise UsageError(f"--signal {options.signal!r}: expected auth-events or attribute:NAME")
    cognito = clients.cognito()
    events = events_client or cognito
    cutoff = datetime.now(UTC) - timedelta(days=options.days)
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
        if options.signal.startswith(ATTRIBUTE_PREFIX):
            name = options.signal.removeprefix(ATTRIBUTE_PREFIX)
            if name not in schema.attributes:
                raise UsageError(f"--signal {options.signal}: the pool has no attribute {name!r}")
        candidates, scanned = _scan(
            cognito, events, pool_id, options, cutoff, console, schema.estimated_users
        )
    notes = [
        f"signal: {signal_description(options.signal)}; inactive = no sign-in since {cutoff:%Y-%m-%d} "
        "(never signed in: counted from the creation date)",
        f"{scanned.counts.get('active', 0)} active, {scanned.counts.get('already disabled', 0)} already disabled",
    ]
    if options.dry_run:
        tally = Tally()
        for candidate in candidates:
            when = candidate.last_sign_in.date().isoformat() if candidate.last_sign_in else "never"
            tally.add(
                candidate.item,
                candidate.username,
                Outcome("would be disabled", f"last sign-in: {when}"),
            )
        report = RunReport("users disable-inactive", pool_id, tally, 0.0, dry_run=True, notes=notes)
        report.notes.extend(_listing(candidates))
        return report
    path = options.bulk.journal_path or journal_path(
        "users-disable-inactive",
        pool_id,
        options.signal,
        str(options.days),
        options.list_filter or "",
        cutoff.date().isoformat(),
    )
    with aws_errors():
        result = run_bulk(
            console=console,
            description="disable inactive",
            journal_path=path,
            journal_header={"command": "users disable-inactive", "pool_id": pool_id},
            items=iter(candidates),
            total=len(candidates),
            action=lambda c, _u: _disable(cognito, pool_id, c),
            settings=options.bulk,
            limiter=clients.limiter,
        )
    return RunReport(
        "users disable-inactive",
        pool_id,
        result.tally,
        result.duration_seconds,
        interrupted=result.interrupted,
        journal=str(path),
        notes=notes,
    )


def _listing(candidates: list[Candidate]) -> list[str]:
    shown = [
        f"{c.username}: last sign-in {c.last_sign_in.isoformat() if c.last_sign_in else 'never'}"
        for c in candidates[:20]
    ]
    if len(candidates) > 20:
        shown.append(f"... and {len(candidates) - 20} more (see --output json)")
    return shown


def _disable(cognito: Any, pool_id: str, candidate: Candidate) -> Outcome:
    cognito.admin_disable_user(UserPoolId=pool_id, Username=candidate.username)
    return Outcome("disabled")


def _scan(
    cognito: Any,
    events: Any,
    pool_id: str,
    options: InactiveOptions,
    cutoff: datetime,
    console: Console,
    estimated: int,
) -> tuple[list[Candidate], Tally]:
    """Stream users, look up each one's last sign-in (in parallel chunks), keep the inactive."""
    candidates: list[Candidate] = []
    scanned = Tally()
    users = iter_users(cognito, pool_id, options.list_filter)
    with (
        ThreadPoolExecutor(max(1, options.bulk.concurrency)) as pool,
        JobProgress(console, "scan sign-ins", estimated or None) as progress,
    ):
        for chunk in _chunks(users):
            lookups = pool.map(
                lambda u: _last_sign_in(events, pool_id, u, options.signal, cutoff), chunk
            )
            for user, last in zip(chunk, lookups, strict=True):
                progress.advance()
                verdict = _verdict(user, last, cutoff)
                scanned.counts[verdict] += 1
                if verdict == "inactive":
                    candidates.append(Candidate(user.username, user.username, last, user.created))
    return candidates, scanned


def _chunks(users: Iterator[PoolUser]) -> Iterator[list[PoolUser]]:
    while chunk := list(islice(users, CHUNK)):
        yield chunk


def _verdict(user: PoolUser, last: datetime | None, cutoff: datetime) -> str:
    if not user.enabled:
        return "already disabled"
    reference = last or user.created
    if reference is not None and reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    if reference is None or reference >= cutoff:
        return "active"
    return "inactive"


def _last_sign_in(
    events: Any, pool_id: str, user: PoolUser, signal: str, cutoff: datetime
) -> datetime | None:
    if not user.enabled:
        return None
    if signal.startswith(ATTRIBUTE_PREFIX):
        return parse_timestamp(user.attributes.get(signal.removeprefix(ATTRIBUTE_PREFIX), ""))
    return _last_sign_in_from_events(events, pool_id, user.username, cutoff)


def _last_sign_in_from_events(
    events: Any, pool_id: str, username: str, cutoff: datetime
) -> datetime | None:
    """Newest successful SignIn; events come newest first, so stop once a page is older than the cutoff."""
    request: dict[str, Any] = {"UserPoolId": pool_id, "Username": username, "MaxResults": 60}
    newest: datetime | None = None
    for _ in range(MAX_EVENT_PAGES):
        try:
            page = events.admin_list_user_auth_events(**request)
        except ClientError as error:
            if error_code(error) == "UserPoolAddOnNotEnabledException":
                raise AwsError(
                    "AdminListUserAuthEvents needs threat protection (advanced security) on the pool, "
                    "which this pool does not have. Use --signal attribute:NAME with a timestamp "
                    "attribute maintained by a post-authentication trigger."
                ) from None
            raise
        page_events = page.get("AuthEvents", [])
        for event in page_events:
            if event.get("EventType") == "SignIn" and event.get("EventResponse") == "Pass":
                when = event.get("CreationDate")
                if isinstance(when, datetime) and (newest is None or when > newest):
                    newest = when
        dates = [
            e["CreationDate"] for e in page_events if isinstance(e.get("CreationDate"), datetime)
        ]
        token = page.get("NextToken")
        if newest is not None or not token or (dates and min(dates) < cutoff):
            break
        request["NextToken"] = token
    return newest


def parse_timestamp(value: str) -> datetime | None:
    """Epoch seconds (or milliseconds) or ISO 8601; empty or unreadable -> None (never signed in)."""
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if number > 1e11:  # milliseconds
        number /= 1000
    return datetime.fromtimestamp(number, tz=UTC)
