"""Monitoring rules: every user pool has working alarms and exports its authentication events.

Cognito publishes `AWS/Cognito` metrics per pool and client (`UserPool` dimension) and threat-
protection metrics per pool (`UserPoolId`). An alarm counts when it watches one of those metrics
(directly or inside `metricQueries` metric math) for the pool and notifies someone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from cognito_guard import resource_types as rt
from cognito_guard.framework import (
    Area,
    Config,
    Controls,
    Finding,
    Resource,
    Stack,
    boolean,
    policy_meta,
    stack_policy,
    string_list,
)
from cognito_guard.graph import sources_for
from cognito_guard.props import UNKNOWN, Deferred
from cognito_guard.threat_protection import security_mode

NAMESPACE: Final = "AWS/Cognito"
USAGE_METRICS: Final = (
    "SignInSuccesses",
    "SignInThrottles",
    "SignUpSuccesses",
    "SignUpThrottles",
    "TokenRefreshSuccesses",
    "TokenRefreshThrottles",
    "FederationSuccesses",
    "FederationThrottles",
)
THREAT_METRICS: Final = {
    # The Cognito guide and the CloudWatch metric list spell these two differently.
    "CompromisedCredentialRisk": ("CompromisedCredentialRisk", "CompromisedCredentialsRisk"),
    "AccountTakeoverRisk": ("AccountTakeoverRisk", "AccountTakeOverRisk"),
}
EVENT_SOURCES: Final = ("userAuthEvents", "userNotification")


def _pool_alarms(stack: Stack, pool: Resource) -> list[Resource]:
    """Alarms whose dimensions (plain or in metric math) point at the pool."""
    found: dict[str, Resource] = {}
    deferred: Deferred | None = None
    for prop in ("dimensions", "metricQueries"):
        try:
            found.update((a.urn, a) for a in sources_for(stack, pool, [rt.METRIC_ALARM], prop))
        except Deferred as exc:
            deferred = exc
    if not found and deferred is not None:
        raise deferred
    return list(found.values())


def watched_metrics(alarm: Resource) -> set[str]:
    """The AWS/Cognito metric names an alarm evaluates."""
    names = set()
    if alarm.props.get("namespace") == NAMESPACE and isinstance(alarm.props.get("metricName"), str):
        names.add(alarm.props.get("metricName"))
    for query in alarm.props.records("metricQueries"):
        metric = query.get("metric")
        if isinstance(metric, dict) and metric.get("namespace") == NAMESPACE:
            name = metric.get("metricName")
            if isinstance(name, str):
                names.add(name)
    return names


def notifies(alarm: Resource) -> bool:
    """True when the alarm has actions and they are not switched off.

    A list of actions that is itself unknown at preview (an output of another resource) may name
    topics or not, so the verdict waits for `pulumi up` instead of calling the alarm silent
    (PutMetricAlarm AlarmActions:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
    """
    actions = alarm.props.get("alarmActions")
    if actions is UNKNOWN:
        raise Deferred(("alarmActions",))
    enabled = alarm.props.get("actionsEnabled")
    return bool(actions) and enabled is not False


def check_alarms(stack: Stack, config: Config) -> Iterator[Finding]:
    def rule(pool: Resource) -> Iterator[str]:
        alarms = _pool_alarms(stack, pool)
        watched = set().union(*(watched_metrics(a) for a in alarms if notifies(a)))
        missing = [m for m in config["requiredMetrics"] if m not in watched]
        if config["requireThreatMetrics"] and security_mode(pool) != "OFF":
            missing += [m for m, names in THREAT_METRICS.items() if not watched & set(names)]
        silent = [a.name for a in alarms if not notifies(a)]
        if missing:
            yield (
                f"User pool {pool.name} has no notifying CloudWatch alarm on "
                f"{', '.join(missing)}: outages, credential stuffing and throttling go unnoticed."
                + (f" (alarms without actions: {', '.join(silent)})" if silent else "")
            )

    yield from stack.judge_each(stack.of_type(rt.USER_POOL), rule)


def check_auth_event_logging(stack: Stack, config: Config) -> Iterator[Finding]:
    def rule(pool: Resource) -> Iterator[str]:
        deliveries = sources_for(stack, pool, [rt.LOG_DELIVERY], "userPoolId")
        exported = {
            entry.get("eventSource")
            for delivery in deliveries
            for entry in delivery.props.records("logConfigurations")
        }
        missing = [s for s in config["requiredEventSources"] if s not in exported]
        if missing:
            tier = pool.props.text("userPoolTier", default="ESSENTIALS")
            plus = "" if tier == "PLUS" else " (userAuthEvents needs the Plus tier)"
            yield (
                f"User pool {pool.name} does not export {', '.join(missing)} logs: there is no "
                "audit trail of sign-ins and takeover attempts. Add an "
                f"`aws.cognito.LogDeliveryConfiguration`{plus}."
            )

    yield from stack.judge_each(stack.of_type(rt.USER_POOL), rule)


ALARMS = stack_policy(
    policy_meta(
        Area.MONITORING,
        "cognito-user-pool-alarms",
        "User pool alarms",
        "Each user pool must have CloudWatch alarms, with actions, on its key metrics.",
        "medium",
        "Create `aws.cloudwatch.MetricAlarm`s in namespace AWS/Cognito for each required metric "
        "(metric math over the pool's clients is fine) with `alarmActions` to an SNS topic; add "
        "CompromisedCredentialRisk and AccountTakeoverRisk alarms when threat protection is on.",
        controls=Controls(pci_dss="10.7.2"),
        config={
            "requiredMetrics": string_list(
                ["SignInSuccesses", "SignInThrottles", "TokenRefreshThrottles"],
                "AWS/Cognito metrics each pool must alarm on.",
                allowed=USAGE_METRICS,
            ),
            "requireThreatMetrics": boolean(
                True, "Also require threat-protection risk alarms when threat protection is on."
            ),
        },
    ),
    check_alarms,
)

AUTH_EVENT_LOGGING = stack_policy(
    policy_meta(
        Area.MONITORING,
        "cognito-user-pool-auth-event-logging",
        "Auth-event log export",
        "Each user pool must export its authentication events to a log destination.",
        "medium",
        "Add an `aws.cognito.LogDeliveryConfiguration` for the pool with a `logConfigurations` "
        "entry `eventSource: userAuthEvents`, `logLevel: INFO` to CloudWatch Logs, Firehose or "
        "S3 (Plus tier).",
        controls=Controls(pci_dss="10.2.1", asvs="16.3.1"),
        config={
            "requiredEventSources": string_list(
                ["userAuthEvents"], "Event sources each pool must export.", allowed=EVENT_SOURCES
            )
        },
    ),
    check_auth_event_logging,
)

POLICIES = [ALARMS, AUTH_EVENT_LOGGING]
