"""Alarms that reach people: the real stacks' alarm topic, its key, its subscribers, and what the
alarms compute from Cognito's metrics, run under the Pulumi mock runtime."""

from __future__ import annotations

import ast
import copy
import json
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from components import exports
from settings import StackConfigError, load_stack_settings
from tests.infra.harness import ACCOUNT, ProgramRun, Registered, stack_document, to_raw

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
MONITORING = "enterprise-identity:monitoring"
Variant = Callable[[str, Callable[[dict[str, Any]], None]], ProgramRun]


def alarms(run: ProgramRun) -> dict[str, dict[str, Any]]:
    prefix = run.one("aws:cognito/userPool:UserPool").name.removesuffix("-pool") + "-"
    return {r.name.removeprefix(prefix): r.inputs for r in run.of_type(ALARM)}


# --- what the alarms compute -------------------------------------------------------------------

Traffic = Mapping[str, tuple[int, int]]
"""Per UserPoolClient dimension: (requests, successes) in one period."""

_STATISTICS: dict[str, Callable[[tuple[int, int]], float]] = {
    # Each request emits one data point: 1 on success, 0 otherwise (Cognito's metrics page).
    "Sum": lambda counts: counts[1],
    "SampleCount": lambda counts: counts[0],
    "Average": lambda counts: counts[1] / counts[0],
}
_OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def alarm_value(alarm: Mapping[str, Any], traffic: Traffic) -> float:
    """The value CloudWatch would compare with the threshold, for the metric-math functions the
    program could use: ``SUM(METRICS("id part"))``, ``SUM([ids])`` and ``AVG([ids])``."""
    values = {
        query["id"]: _STATISTICS[query["metric"]["stat"]](
            traffic[query["metric"]["dimensions"]["UserPoolClient"]]
        )
        for query in alarm["metricQueries"]
        if "metric" in query
    }
    (expression,) = [q["expression"] for q in alarm["metricQueries"] if q.get("returnData")]

    def series(match: re.Match[str]) -> str:
        if match["filter"] is not None:
            ids = [i for i in values if match["filter"] in i]
        else:
            ids = [i.strip() for i in match["ids"].split(",")]
        total = sum(values[i] for i in ids)
        return repr(total / len(ids) if match["function"] == "AVG" else total)

    arithmetic = re.sub(
        r'(?P<function>SUM|AVG)\((?:METRICS\("(?P<filter>\w+)"\)|\[(?P<ids>[\w, ]+)\])\)',
        series,
        expression,
    )
    return _evaluate(ast.parse(arithmetic, mode="eval").body)


def _evaluate(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    raise AssertionError(f"unexpected metric math: {ast.dump(node)}")


def client_ids(run: ProgramRun) -> dict[str, str]:
    ids: dict[str, str] = run.outputs[exports.CLIENT_IDS]
    return ids


def test_a_busy_clients_failures_are_not_hidden_by_idle_clients(
    stack_runs: dict[str, ProgramRun],
) -> None:
    """Portal fails 10 % of 1000 sign-ins while two idle clients succeed: the pool's rate is
    92 %, under the 95 % threshold. An average of per-client rates (97 %) would stay silent."""
    run = stack_runs["prod"]
    ids = client_ids(run)
    traffic = {
        ids["portal"]: (1000, 900),
        ids["console"]: (10, 10),
        ids["field-app"]: (10, 10),
    }
    alarm = alarms(run)["sign-in-success"]
    assert alarm_value(alarm, traffic) == pytest.approx(100 * 920 / 1020)
    assert alarm_value(alarm, traffic) < alarm["threshold"] == 95


def test_the_rate_is_the_pools_overall_rate_whatever_the_split(
    stack_runs: dict[str, ProgramRun],
) -> None:
    run = stack_runs["dev"]
    ids = client_ids(run)
    alarm = alarms(run)["token-refresh-success"]
    even = {ids["portal"]: (50, 45), ids["console"]: (50, 45), ids["field-app"]: (50, 45)}
    skewed = {ids["portal"]: (148, 133), ids["console"]: (1, 1), ids["field-app"]: (1, 1)}
    assert alarm_value(alarm, even) == pytest.approx(90)
    assert alarm_value(alarm, skewed) == pytest.approx(90)


def test_risk_alarms_use_the_dimensions_cognito_publishes(
    stack_runs: dict[str, ProgramRun],
) -> None:
    """Threat-protection metrics carry UserPoolId, Operation and RiskLevel; compromised
    credentials are reported at RiskLevel high. A query missing a dimension matches no metric."""
    run = stack_runs["prod"]
    pool_id = run.outputs[exports.USER_POOL_ID]
    by_alarm = {
        key: [q["metric"]["dimensions"] for q in alarm["metricQueries"] if "metric" in q]
        for key, alarm in alarms(run).items()
    }
    assert sorted(
        (d["Operation"], d["RiskLevel"]) for d in by_alarm["compromised-credentials"]
    ) == [("PasswordChange", "high"), ("SignIn", "high"), ("SignUp", "high")]
    assert sorted(d["RiskLevel"] for d in by_alarm["account-takeover"]) == [
        "high",
        "low",
        "medium",
    ]
    for key in ("compromised-credentials", "account-takeover"):
        assert all(set(d) == {"UserPoolId", "Operation", "RiskLevel"} for d in by_alarm[key])
        assert all(d["UserPoolId"] == pool_id for d in by_alarm[key])


def test_reordering_clients_in_the_stack_file_changes_no_alarm(
    stack_runs: dict[str, ProgramRun], run_variant: Variant
) -> None:
    def reverse_clients(document: dict[str, Any]) -> None:
        document["enterprise-identity:appClients"].reverse()

    reordered = alarms(run_variant("prod", reverse_clients))
    assert reordered == alarms(stack_runs["prod"])


# --- who the alarms reach ----------------------------------------------------------------------


def topic_of(run: ProgramRun) -> Registered:
    return run.one(TOPIC)


def test_alarms_notify_a_topic_encrypted_with_a_key_cloudwatch_may_use(run: ProgramRun) -> None:
    """Not alias/aws/sns: CloudWatch cannot publish to a topic under the AWS managed key."""
    key = run.one(KEY)
    topic = topic_of(run)
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    for name, alarm in alarms(run).items():
        assert alarm["alarmActions"] == alarm["okActions"] == [topic.outputs["arn"]], name
    assert key.inputs["enableKeyRotation"] is True
    statements = json.loads(key.inputs["policy"])["Statement"]
    cloudwatch = [
        s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert cloudwatch == [
        {
            "Sid": "CloudWatchAlarmsPublishToTheTopic",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ]
    (admin,) = [s for s in statements if s is not cloudwatch[0]]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


def test_prod_alarms_reach_the_on_call_mailbox(stack_runs: dict[str, ProgramRun]) -> None:
    run = stack_runs["prod"]
    (subscription,) = run.of_type(SUBSCRIPTION)
    assert subscription.inputs["protocol"] == "email"
    assert subscription.inputs["endpoint"] == "identity-oncall@example.com"
    assert subscription.inputs["topic"] == run.outputs[exports.ALARM_TOPIC_ARN]


def test_email_and_https_subscribers_are_subscribed(run_variant: Variant) -> None:
    webhook = "https://hooks.example.com/services/T000/B000/s3cr3t-token"

    def subscribe(document: dict[str, Any]) -> None:
        document[MONITORING]["subscribers"] = {
            "emails": ["sre@example.com", "security@example.com"],
            "httpsEndpoints": [webhook],
        }

    run = run_variant("dev", subscribe)
    subscribed = {(s.inputs["protocol"], s.inputs["endpoint"]) for s in run.of_type(SUBSCRIPTION)}
    assert subscribed == {
        ("email", "sre@example.com"),
        ("email", "security@example.com"),
        ("https", webhook),
    }
    assert all(
        s.inputs["topic"] == run.outputs[exports.ALARM_TOPIC_ARN] for s in run.of_type(SUBSCRIPTION)
    )
    # A webhook URL often carries its credential; it never appears in a URN (state, logs, CI output).
    assert not any("s3cr3t" in s.urn for s in run.of_type(SUBSCRIPTION))


# --- settings errors ---------------------------------------------------------------------------


def config_error(edit: Callable[[dict[str, Any]], None]) -> str:
    document = copy.deepcopy(stack_document("prod"))
    edit(document)
    with pytest.raises(StackConfigError) as caught:
        load_stack_settings("prod", to_raw(document)[0])
    return str(caught.value)


def monitoring(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda document: document[MONITORING].update(values)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            monitoring(subscribers={"emails": ["on-call at example.com"]}),
            'enterprise-identity:monitoring.subscribers.emails[0]: "on-call at example.com" is not a valid email address',
        ),
        (
            monitoring(subscribers={"httpsEndpoints": ["http://hooks.example.com/x"]}),
            'enterprise-identity:monitoring.subscribers.httpsEndpoints[0]: "http://hooks.example.com/x" is not an https:// URL',
        ),
        (
            monitoring(subscribers={"emails": ["a@example.com", "a@example.com"]}),
            'enterprise-identity:monitoring.subscribers.emails: "a@example.com" is listed more than once',
        ),
        (
            monitoring(alarmTopicArn=f"arn:aws:sns:eu-west-1:{ACCOUNT}:identity-alarms"),
            "enterprise-identity:monitoring.subscribers: applies only to the topic the stack creates",
        ),
        (
            monitoring(alarmTopicArn=f"arn:aws:sqs:eu-west-1:{ACCOUNT}:identity-alarms"),
            f'enterprise-identity:monitoring.alarmTopicArn: "arn:aws:sqs:eu-west-1:{ACCOUNT}:identity-alarms" is not a valid SNS topic ARN',
        ),
        (
            monitoring(
                clients=["portal", "console", "field-app", "reporting-job", "portal", "console"]
            ),
            "enterprise-identity:monitoring.clients:",
        ),
    ],
    ids=["email", "http", "duplicate", "subscribers-with-existing-topic", "not-a-topic", "clients"],
)
def test_subscriber_mistakes_name_the_key(
    edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    message = config_error(edit)
    assert f"Pulumi.prod.yaml: {expected}" in message
