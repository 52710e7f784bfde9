"""``mfa enforce``, ``report analytics`` and ``health publish|check`` on moto (CloudWatch too)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3

from tests.ops.conftest import REGION, invoke


def _user(cognito: Any, pool_id: str, name: str, **attributes: str) -> None:
    attrs = [{"Name": "email", "Value": f"{name}@example.com"}] + [
        {"Name": k, "Value": v} for k, v in attributes.items()
    ]
    cognito.admin_create_user(
        UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS", UserAttributes=attrs
    )


def test_mfa_enforce_prefers_sms_for_verified_phones_and_reports_the_rest(
    cognito: Any, pool_id: str
) -> None:
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        SmsMfaConfiguration={
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sns"}
        },
        MfaConfiguration="OPTIONAL",
    )
    _user(cognito, pool_id, "phone", phone_number="+14155550100", phone_number_verified="true")
    _user(cognito, pool_id, "nophone")
    result = invoke("mfa", "enforce", "--pool-id", pool_id, "--yes", "-o", "json")
    assert result.exit_code == 1  # one user cannot be enrolled
    report = json.loads(result.stdout)
    assert report["counts"] == {"sms": 1, "failed": 1}
    failure = report["failures"][0]
    assert failure["username"] == "nophone"
    assert "no verified TOTP device" in failure["reason"]
    assert "no verified phone number" in failure["reason"]
    detail = cognito.admin_get_user(UserPoolId=pool_id, Username="phone")
    assert detail["PreferredMfaSetting"] == "SMS_MFA"


def test_analytics_table_json_and_self_contained_html(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    for name in ("a", "b", "c"):
        _user(cognito, pool_id, name)
    cognito.admin_disable_user(UserPoolId=pool_id, Username="c")
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="a", GroupName="admins")
    page = tmp_path / "report.html"
    result = invoke(
        "report",
        "analytics",
        "--pool-id",
        pool_id,
        "--html",
        str(page),
        "--mfa-detail",
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["total_users"] == 3
    assert stats["disabled"] == 1
    assert stats["by_status"] == {"FORCE_CHANGE_PASSWORD": 3}
    assert stats["recent_signups"] == 3
    assert stats["group_sizes"] == {"admins": 1, "staff": 0}
    assert stats["mfa"]["measured"] is True
    assert stats["mfa"]["adoption"] == 0.0
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") >= 4
    assert not re.search(
        r"(src|href)\s*=|<script|<link|@import|url\(", html
    )  # nothing fetched from outside
    table = invoke("report", "analytics", "--pool-id", pool_id)
    assert "confirmation rate" in table.output
    assert "not measured" in table.output


def test_health_publish_and_check(aws_env: str, cognito: Any, pool_id: str) -> None:
    _user(cognito, pool_id, "a")
    published = invoke(
        "health", "publish", "--pool-id", pool_id, "--namespace", "Test/Identity", "-o", "json"
    )
    assert published.exit_code == 0, published.output
    cloudwatch = boto3.client("cloudwatch", region_name=REGION, endpoint_url=aws_env)
    metrics = cloudwatch.list_metrics(Namespace="Test/Identity")["Metrics"]
    names = {m["MetricName"] for m in metrics}
    assert {"TotalUsers", "UnconfirmedUsers", "DisabledUsers", "ConfirmationRate"} <= names
    assert all(m["Dimensions"] == [{"Name": "UserPool", "Value": pool_id}] for m in metrics)
    reserved = invoke("health", "publish", "--pool-id", pool_id, "--namespace", "AWS/Cognito")
    assert reserved.exit_code == 2

    none = invoke("health", "check", "--pool-id", pool_id)
    assert none.exit_code == 4
    assert "no CloudWatch alarms" in none.output
    cloudwatch.put_metric_alarm(
        AlarmName="identity-throttles",
        Namespace="AWS/Cognito",
        MetricName="ThrottleCount",
        Dimensions=[{"Name": "UserPool", "Value": pool_id}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    assert invoke("health", "check", "--pool-id", pool_id).exit_code == 0
    cloudwatch.set_alarm_state(
        AlarmName="identity-throttles", StateValue="ALARM", StateReason="throttled"
    )
    alarm = invoke("health", "check", "--pool-id", pool_id, "-o", "json")
    assert alarm.exit_code == 4
    assert json.loads(alarm.stdout)["alarms"][0]["state"] == "ALARM"
