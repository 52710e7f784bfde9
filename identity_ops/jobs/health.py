"""``health publish`` and ``health check``: the pool's numbers into CloudWatch, alarms out of it.

Metrics go under a custom namespace (``AWS/`` is reserved) with the pool id as the ``UserPool``
dimension, the same dimension name Cognito's own metrics use, so dashboards can put them side by
side. ``health check`` reads the state of the alarms that watch the pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from identity_ops.errors import UsageError
from identity_ops.jobs.analytics import Analytics

DEFAULT_NAMESPACE = "EnterpriseIdentity/Cognito"
DIMENSION = "UserPool"


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str


def metrics_from(stats: Analytics) -> list[Metric]:
    """The published metrics; MFA adoption only when it was measured."""
    metrics = [
        Metric("TotalUsers", stats.total, "Count"),
        Metric("UnconfirmedUsers", stats.by_status.get("UNCONFIRMED", 0), "Count"),
        Metric("DisabledUsers", stats.disabled, "Count"),
        Metric("ConfirmationRate", round(stats.confirmation_rate * 100, 2), "Percent"),
    ]
    if stats.mfa_adoption is not None:
        metrics.append(Metric("MfaAdoption", round(stats.mfa_adoption * 100, 2), "Percent"))
    return metrics


def check_namespace(namespace: str) -> None:
    if not namespace or namespace.startswith("AWS/") or len(namespace) > 255:
        raise UsageError(
            f"--namespace {namespace!r}: use a custom namespace (1-255 characters, not AWS/...)"
        )


def publish(cloudwatch: Any, pool_id: str, namespace: str, metrics: list[Metric]) -> None:
    """One PutMetricData call (well under the 1,000-datum limit)."""
    check_namespace(namespace)
    cloudwatch.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": metric.name,
                "Value": float(metric.value),
                "Unit": metric.unit,
                "Dimensions": [{"Name": DIMENSION, "Value": pool_id}],
            }
            for metric in metrics
        ],
    )


@dataclass(frozen=True)
class AlarmState:
    name: str
    state: str
    reason: str
    metric: str


def named_alarms(cloudwatch: Any, names: list[str]) -> list[AlarmState]:
    """The alarms the stack exported (``alarmArns``); one that no longer exists is reported MISSING."""
    found: dict[str, AlarmState] = {}
    for start in range(0, len(names), 100):
        pages = cloudwatch.get_paginator("describe_alarms").paginate(
            AlarmNames=names[start : start + 100]
        )
        for page in pages:
            for alarm in [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]:
                found[alarm["AlarmName"]] = _state(alarm)
    return [
        found.get(name) or AlarmState(name, "MISSING", "exported by the stack but not found", "")
        for name in names
    ]


def _state(alarm: dict[str, Any]) -> AlarmState:
    return AlarmState(
        name=str(alarm["AlarmName"]),
        state=str(alarm.get("StateValue", "")),
        reason=str(alarm.get("StateReason", "")),
        metric=f"{alarm.get('Namespace', '')}/{alarm.get('MetricName', '')}".strip("/"),
    )


def pool_alarms(cloudwatch: Any, pool_id: str, name_prefix: str | None) -> list[AlarmState]:
    """Metric alarms whose dimensions name the pool (or whose name starts with ``name_prefix``)."""
    request: dict[str, Any] = {"AlarmTypes": ["MetricAlarm"]}
    if name_prefix:
        request["AlarmNamePrefix"] = name_prefix
    alarms = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(**request):
        for alarm in page.get("MetricAlarms", []):
            if name_prefix or _watches_pool(alarm, pool_id):
                alarms.append(
                    AlarmState(
                        name=str(alarm["AlarmName"]),
                        state=str(alarm.get("StateValue", "")),
                        reason=str(alarm.get("StateReason", "")),
                        metric=f"{alarm.get('Namespace', '')}/{alarm.get('MetricName', '')}".strip(
                            "/"
                        ),
                    )
                )
    return sorted(alarms, key=lambda a: a.name)


def _watches_pool(alarm: dict[str, Any], pool_id: str) -> bool:
    dimensions = list(alarm.get("Dimensions", []))
    for query in alarm.get("Metrics", []) or []:
        dimensions.extend(
            ((query.get("MetricStat") or {}).get("Metric") or {}).get("Dimensions", [])
        )
    return any(d.get("Value") == pool_id for d in dimensions)


@dataclass(frozen=True)
class PoolHealth:
    """The alarms of one pool and what ``health check`` makes of them."""

    pool_id: str
    stack: str | None
    alarms: list[AlarmState]
    bad_states: frozenset[str]

    @property
    def failing(self) -> list[AlarmState]:
        return [alarm for alarm in self.alarms if alarm.state in self.bad_states]

    @property
    def ok(self) -> bool:
        return bool(self.alarms) and not self.failing

    @property
    def problem(self) -> str:
        """Why the check fails for this pool, or ``""``."""
        if not self.alarms:
            return "no CloudWatch alarms watch this pool (deploy the stack's monitoring, or give --alarm-prefix)"
        if self.failing:
            states = "/".join(sorted(self.bad_states))
            return f"{len(self.failing)} alarm(s) in {states}: {', '.join(a.name for a in self.failing)}"
        return ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "pool_id": self.pool_id,
            "ok": self.ok,
            "alarms": [a.__dict__ for a in self.alarms],
        }
        if self.stack:
            data = {"stack": self.stack, **data}
        return data


def bad_states(strict: bool) -> frozenset[str]:
    """Alarm states that fail the check (``--strict``: INSUFFICIENT_DATA too)."""
    states = {"ALARM", "MISSING"}
    return frozenset(states | {"INSUFFICIENT_DATA"}) if strict else frozenset(states)


def check_pool(
    cloudwatch: Any,
    pool_id: str,
    *,
    stack: str | None,
    exported: list[str],
    alarm_prefix: str | None,
    strict: bool,
) -> PoolHealth:
    """The stack's exported alarms if any, else the alarms on the pool (or with the prefix)."""
    alarms = (
        named_alarms(cloudwatch, exported)
        if exported
        else pool_alarms(cloudwatch, pool_id, alarm_prefix)
    )
    return PoolHealth(pool_id, stack, alarms, bad_states(strict))


def several_pools_health(pools: list[PoolHealth]) -> dict[str, Any]:
    """``health check`` over several pools: per-pool sections and the totals."""
    return {
        "pools": [pool.to_dict() for pool in pools],
        "totals": {
            "pools": len(pools),
            "ok": all(pool.ok for pool in pools),
            "alarms": sum(len(pool.alarms) for pool in pools),
            "failing_alarms": sum(len(pool.failing) for pool in pools),
            "pools_failing": [pool.stack or pool.pool_id for pool in pools if not pool.ok],
        },
    }
