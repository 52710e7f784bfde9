"""``report analytics`` (and the numbers behind ``health publish``): one streaming pass over users.

Everything comes from ListUsers and ListUsersInGroup, which do not make users billed monthly
active users. Per-user MFA settings are only in AdminGetUser, which *does*; MFA adoption is
therefore measured only with ``--mfa-detail`` (one AdminGetUser per enabled user, at the UserRead
rate) and otherwise reported as not measured.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.pool import describe_pool, list_group_names
from identity_ops.progress import JobProgress
from identity_ops.userstream import PoolUser, group_members, iter_users


@dataclass
class Analytics:
    """The numbers of one pool at one moment."""

    pool_id: str
    pool_name: str
    generated_at: datetime
    recent_days: int
    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    enabled: int = 0
    disabled: int = 0
    recent_signups: int = 0
    signups_by_day: Counter[str] = field(default_factory=Counter)
    group_sizes: dict[str, int] = field(default_factory=dict)
    mfa_measured: bool = False
    mfa_enabled: int = 0
    mfa_by_method: Counter[str] = field(default_factory=Counter)

    @property
    def confirmation_rate(self) -> float:
        return self.by_status.get("CONFIRMED", 0) / self.total if self.total else 0.0

    @property
    def mfa_adoption(self) -> float | None:
        if not self.mfa_measured:
            return None
        return self.mfa_enabled / self.enabled if self.enabled else 0.0

    @classmethod
    def combined(cls, pools: list[Analytics]) -> Analytics:
        """The totals of several pools (``report analytics --stack a --stack b``).

        Counts are summed; rates are recomputed from the sums, so a small pool does not weigh as
        much as a large one; MFA adoption is measured only if it was measured in every pool.
        """
        total = cls(
            pool_id=", ".join(stats.pool_id for stats in pools),
            pool_name=f"{len(pools)} pools",
            generated_at=max(stats.generated_at for stats in pools),
            recent_days=pools[0].recent_days,
            mfa_measured=all(stats.mfa_measured for stats in pools),
        )
        for stats in pools:
            total.total += stats.total
            total.by_status.update(stats.by_status)
            total.enabled += stats.enabled
            total.disabled += stats.disabled
            total.recent_signups += stats.recent_signups
            total.signups_by_day.update(stats.signups_by_day)
            total.mfa_enabled += stats.mfa_enabled
            total.mfa_by_method.update(stats.mfa_by_method)
            for name, size in stats.group_sizes.items():
                total.group_sizes[name] = total.group_sizes.get(name, 0) + size
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "pool_id": self.pool_id,
            "pool_name": self.pool_name,
            "generated_at": self.generated_at.isoformat(),
            "total_users": self.total,
            "by_status": dict(sorted(self.by_status.items())),
            "enabled": self.enabled,
            "disabled": self.disabled,
            "confirmation_rate": round(self.confirmation_rate, 4),
            "recent_days": self.recent_days,
            "recent_signups": self.recent_signups,
            "signups_by_day": dict(sorted(self.signups_by_day.items())),
            "group_sizes": dict(sorted(self.group_sizes.items())),
            "mfa": {
                "measured": self.mfa_measured,
                "enabled_users_with_mfa": self.mfa_enabled if self.mfa_measured else None,
                "adoption": None if self.mfa_adoption is None else round(self.mfa_adoption, 4),
                "by_method": dict(sorted(self.mfa_by_method.items())),
                "note": None
                if self.mfa_measured
                else "not measured: pass --mfa-detail (one AdminGetUser per user; each becomes a billed MAU)",
            },
        }


def collect_analytics(
    clients: AwsClients,
    pool_id: str,
    console: Console,
    *,
    recent_days: int = 30,
    mfa_detail: bool = False,
    include_groups: bool = True,
) -> Analytics:
    """Stream the pool once and count."""
    cognito = clients.cognito()
    now = datetime.now(UTC)
    cutoff = now - timedelta(days=recent_days)
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
        stats = Analytics(pool_id, schema.name, now, recent_days)
        with JobProgress(console, "analytics", schema.estimated_users or None) as progress:
            for user in iter_users(cognito, pool_id):
                _count(stats, user, cutoff)
                if mfa_detail and user.enabled:
                    _count_mfa(stats, cognito, pool_id, user)
                progress.advance()
        stats.mfa_measured = mfa_detail
        if include_groups:
            stats.group_sizes = {
                name: _group_size(cognito, pool_id, name)
                for name in list_group_names(cognito, pool_id)
            }
    return stats


def _count(stats: Analytics, user: PoolUser, cutoff: datetime) -> None:
    stats.total += 1
    stats.by_status[user.status] += 1
    if user.enabled:
        stats.enabled += 1
    else:
        stats.disabled += 1
    created = user.created
    if created is not None:
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        if created >= cutoff:
            stats.recent_signups += 1
            stats.signups_by_day[created.date().isoformat()] += 1


def _count_mfa(stats: Analytics, cognito: Any, pool_id: str, user: PoolUser) -> None:
    detail = cognito.admin_get_user(UserPoolId=pool_id, Username=user.username)
    methods = detail.get("UserMFASettingList") or []
    if methods:
        stats.mfa_enabled += 1
        stats.mfa_by_method[str(detail.get("PreferredMfaSetting") or methods[0])] += 1


def _group_size(cognito: Any, pool_id: str, group: str) -> int:
    return sum(1 for _ in group_members(cognito, pool_id, group))
