"""``report analytics`` and ``health check`` over several pools; the HTML report's layout."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3

from tests.ops.conftest import REGION, invoke, make_pool

#: Helvetica advance widths (Adobe AFM, 1/1000 em) of the glyphs in the status labels; a
#: label's box at 12 px is the sum * 12 / 1000. Arial has the same metrics.
HELVETICA = {
    **dict.fromkeys("ABEKPSVXY", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("FTZ", 611),
    "I": 278,
    "J": 500,
    "L": 556,
    "M": 833,
    "W": 944,
    "_": 556,
}


def _helvetica_width(label: str, size: float = 12) -> float:
    return sum(HELVETICA.get(char, 556) for char in label) * size / 1000


def _users(cognito: Any, pool_id: str, names: list[str]) -> None:
    for name in names:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}],
        )


def _stacks(tmp_path: Path, **pools: str) -> None:
    directory = tmp_path / "stacks"
    directory.mkdir(exist_ok=True)
    for stack, pool_id in pools.items():
        (directory / f"{stack}.json").write_text(
            json.dumps({"userPoolId": pool_id, "region": REGION}), encoding="utf-8"
        )


def test_analytics_over_several_stacks_has_sections_and_totals(
    cognito: Any, tmp_path: Path
) -> None:
    dev, prod = make_pool(cognito, PoolName="dev"), make_pool(cognito, PoolName="prod")
    _users(cognito, dev, ["a", "b"])
    _users(cognito, prod, ["c", "d", "e"])
    cognito.admin_disable_user(UserPoolId=prod, Username="e")
    cognito.admin_add_user_to_group(UserPoolId=dev, Username="a", GroupName="admins")
    cognito.admin_add_user_to_group(UserPoolId=prod, Username="c", GroupName="admins")
    _stacks(tmp_path, dev=dev, prod=prod)
    page = tmp_path / "all.html"
    result = invoke(
        "report",
        "analytics",
        "--stack",
        "dev",
        "--stack",
        "prod",
        "--html",
        str(page),
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(p["stack"], p["pool_id"], p["total_users"]) for p in report["pools"]] == [
        ("dev", dev, 2),
        ("prod", prod, 3),
    ]
    totals = report["totals"]
    assert totals["pools"] == 2
    assert totals["total_users"] == 5
    assert totals["disabled"] == 1
    assert totals["by_status"] == {"FORCE_CHANGE_PASSWORD": 5}
    assert totals["group_sizes"] == {"admins": 2, "staff": 0}
    html = page.read_text(encoding="utf-8")
    assert dev in html
    assert prod in html
    assert "All pools" in html

    everything = invoke("report", "analytics", "--all-stacks", "-o", "json")
    assert json.loads(everything.stdout)["totals"]["total_users"] == 5
    table = invoke("report", "analytics", "--all-stacks")
    shown = " ".join(table.output.split())  # titles wrap in a narrow terminal
    assert f"users of {dev} (stack dev)" in shown
    assert f"users of {prod} (stack prod)" in shown
    assert "all 2 pools" in shown
    single = invoke("report", "analytics", "--stack", "prod", "-o", "json")
    assert json.loads(single.stdout)["pool_id"] == prod  # one pool: the one-pool report
    both = invoke("report", "analytics", "--stack", "dev", "--all-stacks")
    assert both.exit_code == 2


def test_health_check_over_several_stacks_fails_if_one_pool_fails(
    aws_env: str, cognito: Any, tmp_path: Path
) -> None:
    dev, prod = make_pool(cognito, PoolName="dev"), make_pool(cognito, PoolName="prod")
    _stacks(tmp_path, dev=dev, prod=prod)
    cloudwatch = boto3.client("cloudwatch", region_name=REGION, endpoint_url=aws_env)
    cloudwatch.put_metric_alarm(
        AlarmName="prod-throttles",
        Namespace="AWS/Cognito",
        MetricName="ThrottleCount",
        Dimensions=[{"Name": "UserPool", "Value": prod}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    result = invoke("health", "check", "--all-stacks", "-o", "json")
    assert result.exit_code == 4
    report = json.loads(result.stdout)
    assert [(p["stack"], p["ok"]) for p in report["pools"]] == [("dev", False), ("prod", True)]
    assert report["totals"] == {
        "pools": 2,
        "ok": False,
        "alarms": 1,
        "failing_alarms": 0,
        "pools_failing": ["dev"],
    }
    assert "1 of 2 pools failed: dev: no CloudWatch alarms" in json.loads(result.stderr)["error"]
    assert invoke("health", "check", "--stack", "prod").exit_code == 0


def test_html_status_labels_do_not_run_into_their_bars(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _users(cognito, pool_id, ["a"])
    page = tmp_path / "report.html"
    assert invoke("report", "analytics", "--pool-id", pool_id, "--html", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    bars = re.findall(
        r"<text x='([\d.]+)' y='[\d.]+'( text-anchor='end')?>(?:<title>[^<]*</title>)?"
        r"([^<]*)</text><rect x='([\d.]+)'",
        html,
    )
    labels = {label: (float(x), bool(end), float(bar)) for x, end, label, bar in bars}
    assert "FORCE_CHANGE_PASSWORD" in labels
    for label, (x, end_anchored, bar_x) in labels.items():
        width = _helvetica_width(label)
        start, finish = (x - width, x) if end_anchored else (x, x + width)
        assert start >= 0, label  # not cut off at the left edge
        assert finish < bar_x, label  # ends before its bar begins
