"""CloudWatch alarms, their SNS topic and the dashboard."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from settings.base import AnyArn, SettingsModel, aws_range


class Thresholds(SettingsModel):
    sign_in_success_percent: Annotated[float, Field(ge=0, le=100)] = 95.0
    sign_up_success_percent: Annotated[float, Field(ge=0, le=100)] = 90.0
    token_refresh_success_percent: Annotated[float, Field(ge=0, le=100)] = 95.0
    federation_success_percent: Annotated[float, Field(ge=0, le=100)] = 90.0
    throttles: Annotated[int, Field(ge=0)] = 0
    compromised_credentials: Annotated[int, Field(ge=0)] = 0
    account_takeover_per_hour: Annotated[int, Field(ge=0)] = 5


class MonitoringSettings(SettingsModel):
    """Alarms watch up to 10 app clients each (a CloudWatch metric-math limit)."""

    enabled: bool = True
    alarm_topic_arn: AnyArn | None = None
    clients: Annotated[tuple[str, ...], Field(max_length=10)] | None = None
    thresholds: Thresholds = Thresholds()
    period_seconds: Literal[60, 300, 900, 3600] = 300
    evaluation_periods: Annotated[int, aws_range(1, 100)] = 3
    dashboard: bool = True
