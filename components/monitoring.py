"""CloudWatch alarms on sign-in, sign-up, token-refresh and federation health, the four throttle
metrics and threat-protection risk; the KMS-encrypted SNS topic they notify and its subscribers;
and a dashboard of all of them.

Success rates are ``SUM(successes) / SUM(requests)`` over every watched (pool, client) series:
each request emits one ``*Successes`` data point, 1 on success and 0 otherwise, so per series the
``Sum`` statistic counts successes and ``SampleCount`` counts requests. Adding those across
clients weights each client by its traffic; an average of per-client ratios would let one idle
client's 100 % hide a busy client's outage.
https://docs.aws.amazon.com/cognito/latest/developerguide/metrics-for-cognito-user-pools.html
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from components.base import AwsScope, child, document, type_token
from settings.monitoring import MAX_METRICS_PER_ALARM, MonitoringSettings, Subscribers

NAMESPACE = "AWS/Cognito"
ADMIN_CLIENT = "Admin"  # the UserPoolClient dimension of admin-created users (AdminCreateUser)
# Threat-protection metrics carry UserPoolId, Operation and RiskLevel; compromised credentials are
# reported at RiskLevel "high".
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-viewing-advanced-security-metrics.html
RISK_OPERATIONS = ("SignIn", "SignUp", "PasswordChange")
RISK_LEVELS = ("low", "medium", "high")
COMPROMISED_RISK_LEVEL = "high"
# CloudWatch alarms cannot use the AWS managed key alias/aws/sns (its policy cannot be changed to
# let them encrypt); a customer managed key must grant cloudwatch.amazonaws.com kms:Decrypt and
# kms:GenerateDataKey*. https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
CLOUDWATCH_SERVICE = "cloudwatch.amazonaws.com"

Dimensions = Mapping[str, pulumi.Input[str]]
Kind = Literal["rate", "count"]


@dataclass(frozen=True)
class AuthMonitoringArgs:
    settings: MonitoringSettings
    region: str
    user_pool_id: pulumi.Input[str]
    user_pool_arn: pulumi.Input[str]
    """Gives the account and partition the alarm topic's key policy names."""
    client_ids: Mapping[str, pulumi.Input[str]]
    """The clients to watch, by name (at most 5 for the success rates)."""
    federations: tuple[tuple[str, str], ...] = ()
    """(client name, identity provider name) pairs to watch for federation."""
    admin_only_sign_up: bool = True
    threat_protection: bool = False
    dashboard_name: str = "identity"
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm over one metric across several series (pool/client or pool/operation/level).

    ``rate``: 100 * SUM(Sum) / SUM(SampleCount), a success percentage weighted by traffic.
    ``count``: SUM(Sum), events across all series.
    """

    key: str
    description: str
    metric: str
    kind: Kind
    series: tuple[Dimensions, ...]
    comparison: str
    threshold: float
    period: int


# Query ids by role; METRICS("successes") picks every query whose id contains "successes".
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
_STATS: dict[Kind, tuple[tuple[str, str], ...]] = {
    "rate": (("successes", "Sum"), ("requests", "SampleCount")),
    "count": (("events", "Sum"),),
}
_EXPRESSIONS: dict[Kind, str] = {
    "rate": '100 * SUM(METRICS("successes")) / SUM(METRICS("requests"))',
    "count": 'SUM(METRICS("events"))',
}


def metric_queries(spec: AlarmSpec) -> list[dict[str, Any]]:
    """The alarm's ``metric_queries``: one metric query per (series, statistic) and the single
    expression the alarm evaluates (PutMetricAlarm allows 10 metric queries per alarm)."""
    stats = _STATS[spec.kind]
    if len(spec.series) * len(stats) > MAX_METRICS_PER_ALARM:
        raise ValueError(
            f"monitoring: the {spec.key} alarm would watch {len(spec.series)} series, more than "
            f"CloudWatch allows ({MAX_METRICS_PER_ALARM // len(stats)}); list fewer clients in "
            "enterprise-identity:monitoring.clients"
        )
    metrics = [
        {
            "id": f"{role}{number}",
            "return_data": False,
            "metric": {
                "namespace": NAMESPACE,
                "metric_name": spec.metric,
                "stat": stat,
                "period": spec.period,
                "dimensions": dict(dimensions),
            },
        }
        for number, dimensions in enumerate(spec.series, start=1)
        for role, stat in stats
    ]
    expression = {
        "id": "e1",
        "expression": _EXPRESSIONS[spec.kind],
        "label": spec.description,
        "return_data": True,
    }
    return [expression, *metrics]


def alarm_specs(args: AuthMonitoringArgs) -> list[AlarmSpec]:
    """Every alarm the stack should have; empty metric sets produce no alarm. Series are sorted
    by client and provider name, so the order of lists in the stack file changes nothing."""
    settings = args.settings
    limits = settings.thresholds
    period = settings.period_seconds
    pool = args.user_pool_id
    clients: tuple[Dimensions, ...] = tuple(
        {"UserPool": pool, "UserPoolClient": args.client_ids[name]}
        for name in sorted(args.client_ids)
    )
    sign_up: tuple[Dimensions, ...] = (
        ({"UserPool": pool, "UserPoolClient": ADMIN_CLIENT},)
        if args.admin_only_sign_up
        else clients
    )
    federations: tuple[Dimensions, ...] = tuple(
        {"UserPool": pool, "UserPoolClient": args.client_ids[client], "IdentityProvider": provider}
        for client, provider in sorted(args.federations)
    )
    specs = [
        AlarmSpec("sign-in-success", "Sign-in success rate (%)", "SignInSuccesses", "rate", clients, "LessThanThreshold", limits.sign_in_success_percent, period),
        AlarmSpec("sign-up-success", "Sign-up success rate (%)", "SignUpSuccesses", "rate", sign_up, "LessThanThreshold", limits.sign_up_success_percent, period),
        AlarmSpec("token-refresh-success", "Token refresh success rate (%)", "TokenRefreshSuccesses", "rate", clients, "LessThanThreshold", limits.token_refresh_success_percent, period),
        AlarmSpec("federation-success", "Federation success rate (%)", "FederationSuccesses", "rate", federations, "LessThanThreshold", limits.federation_success_percent, period),
        AlarmSpec("sign-in-throttles", "Throttled sign-ins", "SignInThrottles", "count", clients, "GreaterThanThreshold", limits.throttles, period),
        AlarmSpec("sign-up-throttles", "Throttled sign-ups", "SignUpThrottles", "count", sign_up, "GreaterThanThreshold", limits.throttles, period),
        AlarmSpec("token-refresh-throttles", "Throttled token refreshes", "TokenRefreshThrottles", "count", clients, "GreaterThanThreshold", limits.throttles, period),
        AlarmSpec("federation-throttles", "Throttled federation requests", "FederationThrottles", "count", federations, "GreaterThanThreshold", limits.throttles, period),
    ]  # fmt: skip
    if args.threat_protection:
        compromised = tuple(
            {"UserPoolId": pool, "Operation": op, "RiskLevel": COMPROMISED_RISK_LEVEL}
            for op in RISK_OPERATIONS
        )
        takeover = tuple(
            {"UserPoolId": pool, "Operation": "SignIn", "RiskLevel": level} for level in RISK_LEVELS
        )
        specs += [
            AlarmSpec("compromised-credentials", "Compromised-credential detections", "CompromisedCredentialRisk", "count", compromised, "GreaterThanThreshold", limits.compromised_credentials, period),
            AlarmSpec("account-takeover", "Account-takeover risks per hour", "AccountTakeoverRisk", "count", takeover, "GreaterThanThreshold", limits.account_takeover_per_hour, 3600),
        ]  # fmt: skip
    return [spec for spec in specs if spec.series]


def alarm_key_policy(scope: AwsScope) -> str:
    """The alarm topic key's policy: the account administers it through IAM (the default key
    policy), and CloudWatch alarms of this account may encrypt what they publish to the topic."""
    return document(
        [
            {
                "Sid": "AccountAdministersTheKey",
                "Effect": "Allow",
                "Principal": {"AWS": scope.arn("iam", "root", regional=False)},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchAlarmsPublishToTheTopic",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDWATCH_SERVICE},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": scope.account}},
            },
        ]
    )


def subscription_name(topic_name: str, protocol: str, endpoint: str) -> str:
    """A logical name from the endpoint itself (never its list position). Email addresses are
    kept readable; HTTPS endpoints go by a digest, since their URLs often carry a token."""
    if protocol == "email":
        return f"{topic_name}-email-{endpoint}"
    return f"{topic_name}-https-{hashlib.sha256(endpoint.encode()).hexdigest()[:12]}"


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
    for position, (title, arn) in enumerate(alarms):  # layout only, not resource names
        widgets.append(
            {
                "type": "metric",
                "x": (position % 3) * 8,
                "y": 3 + (position // 3) * 6,
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
            self.topic_arn = self._encrypted_topic(f"{name}-alarms", args)
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
                metric_queries=metric_queries(spec),
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

    def _encrypted_topic(self, topic_name: str, args: AuthMonitoringArgs) -> pulumi.Output[str]:
        """The alarm topic, encrypted with a customer managed key CloudWatch may use, and its
        subscribers. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"""
        key = aws.kms.Key(
            f"{topic_name}-key",
            description=f"Encrypts the {topic_name} alarm topic; CloudWatch alarms may use it",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.from_input(args.user_pool_arn).apply(
                lambda arn: alarm_key_policy(AwsScope.of_pool(arn))
            ),
            tags=dict(args.tags),
            opts=child(self),
        )
        topic = aws.sns.Topic(
            topic_name, kms_master_key_id=key.arn, tags=dict(args.tags), opts=child(self)
        )
        self._subscribe(topic_name, topic, args.settings.subscribers)
        arn: pulumi.Output[str] = topic.arn
        return arn

    def _subscribe(self, topic_name: str, topic: aws.sns.Topic, subscribers: Subscribers) -> None:
        """One subscription per address and endpoint; each stays pending until its owner follows
        the confirmation link SNS sends. https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"""
        endpoints = [("email", address) for address in subscribers.emails]
        endpoints += [("https", url) for url in subscribers.https_endpoints]
        for protocol, endpoint in endpoints:
            aws.sns.TopicSubscription(
                subscription_name(topic_name, protocol, endpoint),
                topic=topic.arn,
                protocol=protocol,
                endpoint=endpoint,
                opts=child(self),
            )
