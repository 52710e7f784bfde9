"""The contents of a web ACL in front of a user pool, on the reference stack at up and preview."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from cognito_guard import resource_types as rt
from cognito_guard import waf
from gate.analyzer import UNKNOWN
from tests.policies.harness import Spec, changed, replace_spec, run_stack, urn_of
from tests.policies.reference import SECURE_WEB_ACL, secure_stack

P = waf.WEB_ACL_CONTENTS
ACL_URN = urn_of(rt.WEB_ACL, "web-acl")
RATE, REPUTATION = 0, 1
PREVIEW = pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])


def _stack(acl: dict[str, Any], *, preview: bool) -> list[Spec]:
    specs = secure_stack(preview=preview)
    (current,) = [s for s in specs if s.name == "web-acl"]
    arn = {} if preview else {"arn": current.props["arn"]}
    return replace_spec(specs, "web-acl", props={**acl, **arn})


def _messages(acl: dict[str, Any], *, preview: bool = False) -> list[str]:
    outcome = run_stack(P, _stack(acl, preview=preview))
    assert set(outcome.urns) <= {ACL_URN}
    return outcome.messages


@PREVIEW
def test_reference_web_acl_passes(preview: bool) -> None:
    assert _messages(SECURE_WEB_ACL, preview=preview) == []


@PREVIEW
@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (f"rules.{RATE}.action", {"count": {}}, "rule rate-limit-per-ip (count)"),
        (f"rules.{RATE}.action", {"captcha": {}}, "does not block requests over the rate limit"),
        (f"rules.{RATE}.action", None, "(no action)"),
        (f"rules.{REPUTATION}.overrideAction", {"count": {}}, "overrideAction count"),
        (f"rules.{REPUTATION}.overrideAction", None, "overrideAction not set"),
        (
            f"rules.{REPUTATION}.statement.managedRuleGroupStatement.name",
            "AWSManagedRulesAnonymousIpList",
            "does not use the AWS managed rule group AWSManagedRulesAmazonIpReputationList",
        ),
        (
            f"rules.{REPUTATION}.statement.managedRuleGroupStatement.vendorName",
            "SomeVendor",
            "does not use the AWS managed rule group",
        ),
        (
            f"rules.{REPUTATION}.statement.managedRuleGroupStatement.ruleActionOverrides",
            [{"name": "AWSManagedIPReputationList", "actionToUse": {"count": {}}}],
            "sets AWSManagedIPReputationList of AWSManagedRulesAmazonIpReputationList",
        ),
    ],
)
def test_count_only_or_missing_protection_is_reported(
    preview: bool, path: str, value: object, expected: str
) -> None:
    messages = _messages(changed(SECURE_WEB_ACL, path, value), preview=preview)
    assert any(expected in m for m in messages), messages
    assert all(m.startswith("Web ACL web-acl in front of user pool pool ") for m in messages)


def test_missing_rate_based_rule_is_reported() -> None:
    acl = {**SECURE_WEB_ACL, "rules": [SECURE_WEB_ACL["rules"][REPUTATION]]}
    (message,) = _messages(acl)
    assert "has no rate-based rule" in message


def test_an_empty_web_acl_fails_both_requirements() -> None:
    messages = _messages({**SECURE_WEB_ACL, "rules": []})
    assert len(messages) == 2


def test_account_takeover_prevention_cannot_protect_a_user_pool() -> None:
    atp = copy.deepcopy(SECURE_WEB_ACL["rules"][REPUTATION])
    atp["statement"]["managedRuleGroupStatement"]["name"] = "AWSManagedRulesATPRuleSet"
    (message,) = _messages({**SECURE_WEB_ACL, "rules": [*SECURE_WEB_ACL["rules"], atp]})
    assert "AWSManagedRulesATPRuleSet" in message


def test_rules_in_rule_json_are_read_in_the_api_spelling() -> None:
    api_rules = [
        {
            "Name": "rate",
            "Priority": 0,
            "Action": {"Block": {}},
            "Statement": {"RateBasedStatement": {"Limit": 300, "AggregateKeyType": "IP"}},
        },
        {
            "Name": "reputation",
            "Priority": 1,
            "OverrideAction": {"Count": {}},
            "Statement": {
                "ManagedRuleGroupStatement": {
                    "VendorName": "AWS",
                    "Name": "AWSManagedRulesAmazonIpReputationList",
                }
            },
        },
    ]
    acl = {key: v for key, v in SECURE_WEB_ACL.items() if key != "rules"}
    (message,) = _messages({**acl, "ruleJson": json.dumps(api_rules)})
    assert "overrideAction count" in message


def test_malformed_rule_json_is_reported() -> None:
    (message,) = _messages({**SECURE_WEB_ACL, "ruleJson": "{not json"})
    assert "`ruleJson` has the malformed value" in message


def test_malformed_rule_parts_are_reported() -> None:
    (message,) = _messages(changed(SECURE_WEB_ACL, f"rules.{RATE}.action", "block"))
    assert "malformed" in message
    assert "action" in message


@PREVIEW
def test_rules_added_by_separate_web_acl_rule_resources_count(preview: bool) -> None:
    acl = {**SECURE_WEB_ACL, "rules": [SECURE_WEB_ACL["rules"][REPUTATION]]}
    rate_rule = {
        **SECURE_WEB_ACL["rules"][RATE],
        "webAclArn": UNKNOWN
        if preview
        else "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/identity/abc",
    }
    specs = [
        *_stack(acl, preview=preview),
        Spec(rt.WEB_ACL_RULE, "rate-rule", rate_rule, {"webAclArn": ["web-acl"]}),
    ]
    assert run_stack(P, specs).messages == []


def test_web_acls_not_in_front_of_a_user_pool_are_not_judged() -> None:
    specs = [s for s in _stack({**SECURE_WEB_ACL, "rules": []}, preview=False) if s.name != "waf"]
    assert run_stack(P, specs).messages == []


def test_unknown_rules_defer_only_that_web_acl() -> None:
    outcome = run_stack(P, _stack({**SECURE_WEB_ACL, "rules": UNKNOWN}, preview=True))
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "`rules` is unknown" in outcome.not_applicable


def test_unknown_association_target_defers() -> None:
    specs = replace_spec(
        _stack({**SECURE_WEB_ACL, "rules": []}, preview=True),
        "waf",
        props={"resourceArn": UNKNOWN, "webAclArn": UNKNOWN},
        deps={},
    )
    outcome = run_stack(P, specs)
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "unknown during preview" in outcome.not_applicable
