"""CloudWatch alarms, who they notify, and the dashboard.

The alarms publish to one SNS topic: a KMS-encrypted topic the stack creates, with the configured
``subscribers``, or an existing topic (``alarmTopicArn``) whose subscriptions are managed where
that topic lives.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from settings.base import HttpsUrl, SettingsModel, aws_pattern, aws_range, duplicates, problem
from settings.errors import ConfigProblem

# PutMetricAlarm takes at most 10 MetricStat queries per alarm; a success rate needs two per
# (pool, client) series: the Sum of successes and the SampleCount of requests.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html
MAX_METRICS_PER_ALARM = 10
MAX_RATE_SERIES = MAX_METRICS_PER_ALARM // 2

# Subscribe: the `email` protocol's endpoint is an email address, the `https` protocol's a URL
# beginning with https://. https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html
EmailAddress = Annotated[
    str, aws_pattern(r"[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", "email address", 254)
]
# CreateTopic: a topic name is 1-256 letters, digits, hyphens and underscores (.fifo for FIFO
# topics, which CloudWatch alarm actions cannot publish to).
# https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
SnsTopicArn = Annotated[
    str,
    aws_pattern(
        r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}", "SNS topic ARN", 2048
    ),
]


class Thresholds(SettingsModel):
    sign_in_success_percent: Annotated[float, Field(ge=0, le=100)] = 95.0
    sign_up_success_percent: Annotated[float, Field(ge=0, le=100)] = 90.0
    token_refresh_success_percent: Annotated[float, Field(ge=0, le=100)] = 95.0
    federation_success_percent: Annotated[float, Field(ge=0, le=100)] = 90.0
    throttles: Annotated[int, Field(ge=0)] = 0
    compromised_credentials: Annotated[int, Field(ge=0)] = 0
    account_takeover_per_hour: Annotated[int, Field(ge=0)] = 5


class Subscribers(SettingsModel):
    """Who the topic the stack creates notifies. Each address and endpoint must confirm its
    subscription (a link SNS sends it) before it receives anything."""

    emails: tuple[EmailAddress, ...] = ()
    https_endpoints: tuple[HttpsUrl, ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.emails or self.https_endpoints)

    def cross_checks(self) -> Iterator[ConfigProblem]:
        for key, values in (("emails", self.emails), ("httpsEndpoints", self.https_endpoints)):
            for repeated in sorted(duplicates(values)):
                yield problem(key, repeated, "is listed more than once")


class MonitoringSettings(SettingsModel):
    """Success-rate alarms watch up to 5 (pool, client) series each: two CloudWatch metrics per
    series, at most 10 per alarm."""

    enabled: bool = True
    alarm_topic_arn: SnsTopicArn | None = None
    subscribers: Subscribers = Subscribers()
    clients: Annotated[tuple[str, ...], Field(max_length=MAX_RATE_SERIES)] | None = None
    thresholds: Thresholds = Thresholds()
    period_seconds: Literal[60, 300, 900, 3600] = 300
    evaluation_periods: Annotated[int, aws_range(1, 100)] = 3
    dashboard: bool = True

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.alarm_topic_arn is not None and self.subscribers.configured:
            yield problem(
                "subscribers",
                None,
                "applies only to the topic the stack creates; subscribe to the existing "
                "alarmTopicArn where that topic is managed, or remove alarmTopicArn",
            )
