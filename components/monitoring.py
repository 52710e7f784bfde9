"""CloudWatch alarms on sign-in, sign-up, token-refresh and federation health, the four
throttle metrics, and threat-protection risk; their SNS topic; and a dashboard of all of them.

Success rates use metric math on the Average of the ``*Successes`` metrics (each request emits 1
or 0, so the Average is the success ratio). Cognito publishes them per (pool, client) pair; an
alarm combines up to 10 such series, the CloudWatch limit for metric-math alarms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from settings.monitoring import MonitoringSettings

NAMESPACE = "AWS/Cognito"
ADMIN_CLIENT = "Admin"  # the UserPoolClient dimension of admin-created users (AdminCreateUser)
RISK_OPERATIONS = ("SignIn", "SignUp", "PasswordChange")
RISK_LEVELS = ("low", "medium", "high")

Dimensions = Mapping[str, pulumi.Input[str]]


@dataclass(frozen=True)
class AuthMonitoringArgs:
    settings: MonitoringSettings
    region: str
    user_pool_id: pulumi.Input[str]
    client_ids: Mapping[str, pulumi.Input[str]]
    """The clients to watch, by name (at most 10)."""
    federations: tuple[tuple[str, str], ...] = ()
    """(client name, identity provider name) pairs to watch for federation."""
    admin_only_sign_up: bool = True
    threat_protection: bool = False
    dashboard_name: str = "identity"
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm: a metric-math expression over metrics sharing a name and statistic."""

    key: str
    description: str
    metric: str
    stat: str
    dimensions: tuple[Dimensions, ...]
    expression: str
    comparison: str
    threshold: float
    period: int


def _queries(spec: AlarmSpec) -> list[dict[str, Any]]:
    metrics = [
        {
            "id": f"m{index}",
            "return_data": False,
            "metric": {
                "namespace": NAMESPACE,
                "metric_name": spec.metric,
                "stat": spec.stat,
                "period": spec.period,
                "dimensions": dict(dimensions),
            },
        }
        for index, dimensions in enumerate(spec.dimensions, start=1)
    ]
    series = ", ".join(f"m{index}" for index in range(1, len(spec.dimensions) + 1))
    expression = {
        "id": "e1",
        "expression": spec.expression.format(series=series),
        "label": spec.description,
        "return_data": True,
    }
    return [expression, *metrics]


def alarm_specs(args: AuthMonitoringArgs) -> list[AlarmSpec]:
    """Every alarm the stack should have; empty metric sets produce no alarm."""
    settings = args.settings
    limits = settings.thresholds
    period = settings.period_seconds
    pool = args.user_pool_id
    clients: tuple[Dimensions, ...] = tuple(
        {"UserPool": pool, "UserPoolClient": client_id} for client_id in args.client_ids.values()
    )
    sign_up: tuple[Dimensions, ...] = (
        ({"UserPool": pool, "UserPoolClient": ADMIN_CLIENT},)
        if args.admin_only_sign_up
        else clients
    )
    federations: tuple[Dimensions, ...] = tuple(
        {"UserPool": pool, "UserPoolClient": args.client_ids[client], "IdentityProvider": provider}
        for client, provider in args.federations
    )
    rate = "100 * AVG([{series}])"
    total = "SUM([{series}])"
    specs = [
        AlarmSpec("sign-in-success", "Sign-in success rate (%)", "SignInSuccesses", "Average", clients, rate, "LessThanThreshold", limits.sign_in_success_percent, period),
        AlarmSpec("sign-up-success", "Sign-up success rate (%)", "SignUpSuccesses", "Average", sign_up, rate, "LessThanThreshold", limits.sign_up_success_percent, period),
        AlarmSpec("token-refresh-success", "Token refresh success rate (%)", "TokenRefreshSuccesses", "Average", clients, rate, "LessThanThreshold", limits.token_refresh_success_percent, period),
        AlarmSpec("federation-success", "Federation success rate (%)", "FederationSuccesses", "Average", federations, rate, "LessThanThreshold", limits.federation_success_percent, period),
        AlarmSpec("sign-in-throttles", "Throttled sign-ins", "SignInThrottles", "Sum", clients, total, "GreaterThanThreshold", limits.throttles, period),
        AlarmSpec("sign-up-throttles", "Throttled sign-ups", "SignUpThrottles", "Sum", sign_up, total, "GreaterThanThreshold", limits.throttles, period),
        AlarmSpec("token-refresh-throttles", "Throttled token refreshes", "TokenRefreshThrottles", "Sum", clients, total, "GreaterThanThreshold", limits.throttles, period),
        AlarmSpec("federation-throttles", "Throttled federation requests", "FederationThrottles", "Sum", federations, total, "GreaterThanThreshold", limits.throttles, period),
    ]  # fmt: skip
    if args.threat_protection:
        compromised = tuple({"UserPoolId": pool, "Operation": op} for op in RISK_OPERATIONS)
        takeover = tuple(
            {"UserPoolId": pool, "Operation": "SignIn", "RiskLevel": level} for level in RISK_LEVELS
        )
        specs += [
            AlarmSpec("compromised-credentials", "Compromised-credential detections", "CompromisedCredentialRisk", "Sum", compromised, total, "GreaterThanThreshold", limits.compromised_credentials, period),
            AlarmSpec("account-takeover", "Account-takeover risks per hour", "AccountTakeoverRisk", "Sum", takeover, total, "GreaterThanThreshold", limits.account_takeover_per_hour, 3600),
        ]  # fmt: skip
    return [spec for spec in specs if spec.dimensions]


def dashboard_body(region: str, alarms: Sequence[tuple[str, str | None]]) -> str:
    """One graph per alarm (its metric math and threshold) plus an alarm-status overview."""
    arns = [arn for _, arn in alarms if arn]
    widgets: list[dict[str, Any]] = [
        {
            "type": "alarm",
            "x": 0,
            "y": 0,
            "width": 24,
            "height": 3,
            "properties": {"title": "Identity alarms", "alarms": arns},
        }
    ]
    for index, (title, arn) in enumerate(alarms):
        widgets.append(
            {
                "type": "metric",
                "x": (index % 3) * 8,
                "y": 3 + (index // 3) * 6,
                "width": 8,
                "height": 6,
                "properties": {
                    "title": title,
                    "region": region,
                    "view": "timeSeries",
                    "annotations": {"alarms": [arn] if arn else []},
                },
            }
        )
    return json.dumps({"widgets": widgets}, sort_keys=True)


class AuthMonitoring(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    alarm_arns: pulumi.Output[dict[str, str]]
    dashboard_name: pulumi.Output[str | None]
    """None when the dashboard is turned off."""

    def __init__(
        self, name: str, args: AuthMonitoringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("AuthMonitoring"), name, None, opts)
        settings = args.settings
        if settings.alarm_topic_arn is not None:
            self.topic_arn = pulumi.Output.from_input(settings.alarm_topic_arn)
        else:
            topic = aws.sns.Topic(f"{name}-alarms", tags=dict(args.tags), opts=child(self))
            self.topic_arn = topic.arn
        self.alarms = {}
        specs = alarm_specs(args)
        for spec in specs:
            self.alarms[spec.key] = aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.key}",
                alarm_description=f"{spec.description}: {spec.comparison} {spec.threshold:g}",
                comparison_operator=spec.comparison,
                threshold=spec.threshold,
                evaluation_periods=settings.evaluation_periods,
                datapoints_to_alarm=settings.evaluation_periods,
                treat_missing_data="notBreaching",
                metric_queries=_queries(spec),
                alarm_actions=[self.topic_arn],
                ok_actions=[self.topic_arn],
                tags=dict(args.tags),
                opts=child(self),
            )
        keys = list(self.alarms)
        self.alarm_arns = pulumi.Output.all(*(alarm.arn for alarm in self.alarms.values())).apply(
            lambda arns: dict(zip(keys, arns, strict=True))
        )
        self.dashboard_name = pulumi.Output.from_input(None)
        if settings.dashboard:
            titles = [spec.description for spec in specs]
            dashboard = aws.cloudwatch.Dashboard(
                f"{name}-dashboard",
                dashboard_name=args.dashboard_name,
                dashboard_body=self.alarm_arns.apply(
                    lambda arns: dashboard_body(
                        args.region, list(zip(titles, [arns.get(k) for k in keys], strict=True))
                    )
                ),
                opts=child(self),
            )
            self.dashboard_name = dashboard.dashboard_name
        self.register_outputs(
            {
                "topicArn": self.topic_arn,
                "alarmArns": self.alarm_arns,
                "dashboardName": self.dashboard_name,
            }
        )
