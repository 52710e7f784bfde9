"""``users cleanup --disabled-for-days N``: delete users identity-ops disabled more than N days ago.

Always through a plan: the disabled users are listed (ListUsers filter ``status = "Disabled"``,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html),
each one's disable time is read from identity-ops' own record (``disabled_at.py``: Cognito keeps
none), and only users disabled before the cut-off are planned for deletion. A user disabled by
something else has no record and is left alone (counted, with the reason); so is a user enabled
again since the plan, or re-disabled later (``apply`` refuses them: their state changed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from typing_extensions import override

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.outcomes import Outcome
from identity_ops.plan import PlanEntry, UserState
from identity_ops.pool import describe_pool
from identity_ops.reports import RunReport
from identity_ops.userstream import PoolUser

from .apply import RunSettings, run_pool_scan
from .bulk import BulkSettings
from .disabled_at import DisabledAtRecord
from .inactive import parse_timestamp
from .lifecycle import delete_user
from .planning import (
    Candidate,
    Change,
    Decision,
    NoChange,
    Observer,
    Operation,
    OperationContext,
    PlanRequest,
    register,
)

DISABLED_FILTER = 'status = "Disabled"'


class CleanupOperation(Operation):
    """Delete users whose recorded disable time is older than the cut-off."""

    command = "users cleanup"
    done = "deleted"
    count_skipped = False

    def __init__(self, cognito: Any, pool_id: str, record: DisabledAtRecord, days: int) -> None:
        self.cognito = cognito
        self.pool_id = pool_id
        self.record = record
        self.days = days
        self.cutoff = datetime.now(UTC) - timedelta(days=days)

    @override
    def observer(self) -> Observer:
        return Observer(self.cognito, self.pool_id, disabled_at=self.record.read)

    @override
    def options(self) -> dict[str, Any]:
        return {"disabled_for_days": self.days}

    @override
    def decide(self, candidate: Candidate, state: UserState, user: PoolUser | None) -> Decision:
        if user is None:
            return NoChange("already absent")
        if user.enabled:
            return NoChange("enabled")
        disabled_at = parse_timestamp(state.disabled_at or "")
        if disabled_at is None:
            return NoChange("no disable time recorded (disabled outside identity-ops)")
        if disabled_at >= self.cutoff:
            return NoChange(f"disabled for less than {self.days} days")
        return Change("delete", reason=f"disabled since {state.disabled_at}")

    @override
    def act(self, entry: PlanEntry, uncertain: bool) -> Outcome:
        # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteUser.html
        return delete_user(self.cognito, self.pool_id, self.record, entry.username)

    @override
    def after(self, entry: PlanEntry) -> Mapping[str, Any]:
        return {"exists": False}

    @override
    def notes(self) -> list[str]:
        return [
            f"disabled more than {self.days} days ago = before {self.cutoff:%Y-%m-%d %H:%M} UTC; "
            f"disable times from {self.record.where}"
        ]


@register("users cleanup")
def _build(context: OperationContext, options: Mapping[str, Any]) -> Operation:
    record = context.resources.enter_context(
        DisabledAtRecord(context.cognito, context.pool_id, context.schema)
    )
    return CleanupOperation(
        context.cognito, context.pool_id, record, int(options["disabled_for_days"])
    )


@dataclass(frozen=True)
class CleanupOptions:
    disabled_for_days: int
    dry_run: bool = False
    bulk: BulkSettings = field(default_factory=BulkSettings)
    plan: PlanRequest | None = None
    run: RunSettings = field(default_factory=RunSettings)

    @property
    def list_filter(self) -> str:
        """Clean-up scans the disabled users only."""
        return DISABLED_FILTER


def run_cleanup(
    clients: AwsClients, pool_id: str, options: CleanupOptions, console: Console
) -> RunReport:
    if options.disabled_for_days < 1:
        raise UsageError("--disabled-for-days must be at least 1")
    cognito = clients.cognito()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
    with DisabledAtRecord(cognito, pool_id, schema) as record:
        operation = CleanupOperation(cognito, pool_id, record, options.disabled_for_days)
        return run_pool_scan(clients, pool_id, operation, options, console)
