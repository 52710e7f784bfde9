"""``users disable-inactive --days N``: disable users with no sign-in for N days.

Cognito keeps no "last sign-in" field (``UserLastModifiedDate`` changes on any admin update, so it
is *not* used). The signal is explicit:

- ``auth-events`` (default): the platform's sign-in stamp when the user has one (its
  post-authentication trigger writes it into the stack's ``functions.lastSignInAttribute``:
  ``custom:last_sign_in``, or the attribute ``--last-sign-in-attribute`` names; see
  ``last_sign_in.py`` and docs/tenants.md), otherwise the newest successful ``SignIn`` in
  AdminListUserAuthEvents. Cognito records these only when threat protection (advanced security)
  is on; otherwise the call fails with ``UserPoolAddOnNotEnabledException`` and the job stops and
  says so
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListUserAuthEvents.html);
- ``attribute:NAME``: a timestamp attribute (epoch seconds or ISO 8601) that a post-authentication
  Lambda trigger keeps up to date, e.g. ``attribute:custom:last_sign_in``; read from ListUsers, no
  extra calls.

A user who never signed in counts from their creation date. Users already disabled are left out
of the plan as "no change" (so a second run reports 0 disabled, not the first run's count), and
``apply`` re-reads the last sign-in: a user who signed in since the plan is refused. Each disable
is recorded (``disabled_at.py``) for ``users cleanup --disabled-for-days``.
A value that is not a timestamp is *not* "never signed in": the user is left alone, counted as
"last sign-in unknown" in the report and named in a warning.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console
from typing_extensions import override

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import AwsError, UsageError
from identity_ops.executor import error_code
from identity_ops.last_sign_in import DEFAULT_ATTRIBUTE, OPTION, checked_attribute, read_from
from identity_ops.outcomes import Outcome
from identity_ops.plan import PlanEntry, UserState
from identity_ops.pool import describe_pool
from identity_ops.reports import RunReport
from identity_ops.userstream import PoolUser, read_timestamp

from .apply import RunSettings, run_pool_scan
from .bulk import BulkSettings
from .disabled_at import DisabledAtRecord
from .lifecycle import disable_user
from .planning import (
    Candidate,
    Change,
    Decision,
    NoChange,
    Observer,
    Operation,
    OperationContext,
    PlanRequest,
    iso,
    register,
)

AUTH_EVENTS = "auth-events"
ATTRIBUTE_PREFIX = "attribute:"
MAX_EVENT_PAGES = 10
UNKNOWN = "last sign-in unknown"
MAX_WARNINGS = 20


@dataclass(frozen=True)
class InactiveOptions:
    days: int
    signal: str = AUTH_EVENTS
    list_filter: str | None = None
    dry_run: bool = False
    bulk: BulkSettings = field(default_factory=BulkSettings)
    plan: PlanRequest | None = None
    run: RunSettings = field(default_factory=RunSettings)
    last_sign_in_attribute: str | None = None  # the platform's stamp; None: the default


@dataclass(frozen=True)
class SignIn:
    """A user's last sign-in: a time, ``None`` (never), or why it is unknown."""

    when: datetime | None = None
    unreadable: str = ""  # "custom:last_sign_in 'yesterday' is not a timestamp"


def signal_description(signal: str, stamp: str) -> str:
    """What the signal reads; ``stamp`` is the platform's sign-in attribute (auth-events)."""
    if signal == AUTH_EVENTS:
        return (
            f"{read_from(stamp)} where the platform trigger stamped it, else the newest "
            "successful SignIn in AdminListUserAuthEvents (threat protection)"
        )
    return f"timestamp in attribute {signal.removeprefix(ATTRIBUTE_PREFIX)} (kept by a post-authentication trigger)"


class InactiveOperation(Operation):
    """Disable enabled users whose last sign-in (or creation) is older than the cut-off."""

    command = "users disable-inactive"
    done = "disabled"
    count_skipped = False

    def __init__(
        self,
        cognito: Any,
        events: Any,
        pool_id: str,
        record: DisabledAtRecord,
        days: int,
        signal: str,
        stamp: str = DEFAULT_ATTRIBUTE,
    ) -> None:
        self.cognito = cognito
        self.events = events
        self.pool_id = pool_id
        self.record = record
        self.days = days
        self.signal = signal
        self.stamp = stamp  # the platform's sign-in attribute, read first under auth-events
        self.cutoff = datetime.now(UTC) - timedelta(days=days)
        self.warnings: list[str] = []
        self._lock = threading.Lock()

    @override
    def observer(self) -> Observer:
        return Observer(
            self.cognito,
            self.pool_id,
            sign_in=self._recorded_sign_in,
        )

    def _recorded_sign_in(self, user: PoolUser) -> str:
        """The last sign-in as the plan records it: ISO 8601, ``never``, or ``unknown: why``."""
        events = self.events if self.signal == AUTH_EVENTS else None
        found = _last_sign_in(events, self.pool_id, user, self.attribute, self.cutoff)
        if found.unreadable:
            with self._lock:
                if len(self.warnings) < MAX_WARNINGS:
                    self.warnings.append(f"{user.username}: {found.unreadable}")
            return f"unknown: {found.unreadable}"
        return iso(found.when)

    @property
    def attribute(self) -> str:
        """The attribute read first: the signal's own, or the platform's stamp (auth-events)."""
        if self.signal.startswith(ATTRIBUTE_PREFIX):
            return self.signal.removeprefix(ATTRIBUTE_PREFIX)
        return self.stamp

    @override
    def options(self) -> dict[str, Any]:
        return {"days": self.days, "signal": self.signal, "last_sign_in_attribute": self.stamp}

    @override
    def decide(self, candidate: Candidate, state: UserState, user: PoolUser | None) -> Decision:
        if user is None:
            return NoChange("already absent")
        if not user.enabled:
            return NoChange("already disabled")
        if (state.last_sign_in or "").startswith("unknown"):
            return NoChange(UNKNOWN)
        last = parse_timestamp(state.last_sign_in or "")
        if last is None and user.created is not None:
            created = user.created if user.created.tzinfo else user.created.replace(tzinfo=UTC)
            if created >= self.cutoff:
                return NoChange("never signed in, created since the cut-off")
        if last is None and user.created is None:
            return NoChange("no sign-in and no creation date")
        if last is not None and last >= self.cutoff:
            return NoChange("active: signed in since the cut-off")
        return Change("disable", reason=f"last sign-in: {state.last_sign_in}")

    @override
    def act(self, entry: PlanEntry, uncertain: bool) -> Outcome:
        return disable_user(self.cognito, self.pool_id, self.record, entry.username)

    @override
    def after(self, entry: PlanEntry) -> Mapping[str, Any]:
        return {"enabled": False}

    @override
    def complete_on_resume(self) -> bool:
        return True  # AdminDisableUser is idempotent; records the disable time

    @override
    def notes(self) -> list[str]:
        return [
            f"signal: {signal_description(self.signal, self.stamp)}; inactive = no sign-in since "
            f"{self.cutoff:%Y-%m-%d} (never signed in: counted from the creation date)",
            f"disable times are recorded in {self.record.where}",
            *(f"warning: {UNKNOWN}, left alone: {warning}" for warning in self.warnings),
        ]


@register("users disable-inactive")
def _build(context: OperationContext, options: Mapping[str, Any]) -> Operation:
    record = context.resources.enter_context(
        DisabledAtRecord(context.cognito, context.pool_id, context.schema)
    )
    return InactiveOperation(
        context.cognito,
        context.cognito,
        context.pool_id,
        record,
        int(options["days"]),
        str(options["signal"]),
        str(options.get("last_sign_in_attribute") or DEFAULT_ATTRIBUTE),
    )


def run_disable_inactive(
    clients: AwsClients,
    pool_id: str,
    options: InactiveOptions,
    console: Console,
    events_client: Any = None,
) -> RunReport:
    """Plan (observe each user's last sign-in by the chosen signal), then disable the inactive."""
    if options.signal != AUTH_EVENTS and not options.signal.startswith(ATTRIBUTE_PREFIX):
        raise UsageError(f"--signal {options.signal!r}: expected auth-events or attribute:NAME")
    cognito = clients.cognito()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
    if options.signal.startswith(ATTRIBUTE_PREFIX):
        name = options.signal.removeprefix(ATTRIBUTE_PREFIX)
        if name not in schema.attributes:
            raise UsageError(f"--signal {options.signal}: the pool has no attribute {name!r}")
        if options.last_sign_in_attribute is not None:
            raise UsageError(
                f"{OPTION} is read under --signal auth-events; --signal {options.signal} "
                "already names the attribute"
            )
    stamp = checked_attribute(schema, options.last_sign_in_attribute)
    with DisabledAtRecord(cognito, pool_id, schema) as record:
        operation = InactiveOperation(
            cognito, events_client or cognito, pool_id, record, options.days, options.signal, stamp
        )
        return run_pool_scan(clients, pool_id, operation, options, console, schema.estimated_users)


def _last_sign_in(
    events: Any | None, pool_id: str, user: PoolUser, attribute: str, cutoff: datetime
) -> SignIn:
    """The time in ``attribute``; without one, the auth events (``events``: auth-events signal)."""
    if not user.enabled:
        return SignIn()
    raw = user.attributes.get(attribute, "")
    try:
        stamped = read_timestamp(raw)
    except ValueError:
        return SignIn(unreadable=f"{attribute} {raw!r} is not a timestamp")
    if stamped is not None or events is None:
        return SignIn(stamped)  # the platform stamp is rewritten at every sign-in: newest
    return SignIn(_last_sign_in_from_events(events, pool_id, user.username, cutoff))


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
    """Epoch seconds (or milliseconds) or ISO 8601; ``None`` if empty or unreadable.

    The job itself uses ``read_timestamp``, which tells unreadable apart from empty.
    """
    try:
        return read_timestamp(value)
    except ValueError:
        return None
