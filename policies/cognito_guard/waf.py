"""What the AWS WAF web ACL in front of a user pool must contain, when that web ACL is in the stack.

`cognito-user-pool-waf-associated` checks that a pool has a web ACL; an empty or count-only web ACL
passes it while stopping nothing. This policy reads the web ACL's rules wherever the program puts
them (the `rules` list, the raw `ruleJson`, or separate `aws.wafv2.WebAclRule` resources) and asks
for what AWS's Cognito WAF guidance relies on: a per-IP rate-based rule that blocks, and AWS's
managed IP-reputation rule group left to block (`overrideAction: {none: {}}`, not `{count: {}}`).

AWS pages:
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html (web ACLs on user
pools; the ATP rule group AWSManagedRulesATPRuleSet cannot be associated with a user pool)
https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html
(VendorName AWS, Name AWSManagedRulesAmazonIpReputationList)
https://docs.aws.amazon.com/waf/latest/APIReference/API_OverrideAction.html ("Set the override
action to none to leave the result of the rule group alone. Set it to count to override the result
to count only"; per-rule Count through the rule action overrides)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

from cognito_guard import resource_types as rt
from cognito_guard.framework import (
    Area,
    Config,
    Controls,
    Finding,
    Resource,
    Stack,
    policy_meta,
    stack_policy,
    string_list,
)
from cognito_guard.graph import sources_for, target_of
from cognito_guard.props import Malformed

AWS_VENDOR: Final = "AWS"
IP_REPUTATION: Final = "AWSManagedRulesAmazonIpReputationList"
ACCOUNT_TAKEOVER_PREVENTION: Final = "AWSManagedRulesATPRuleSet"
RULE_KEYS: Final = ("name", "action", "overrideAction", "statement")

Rule = dict[str, Any]


def _camel(value: Any) -> Any:
    """`ruleJson` is the WAF API's PascalCase JSON; the provider's inputs are camelCase."""
    if isinstance(value, dict):
        return {(k[:1].lower() + k[1:]): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _as_rules(value: object, path: tuple[str | int, ...]) -> list[Rule]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(r, dict) for r in value):
        return list(value)
    raise Malformed(path, value, "a list of web ACL rules")


def _inline_rules(acl: Resource) -> list[Rule]:
    rules = _as_rules(acl.props.known("rules"), ("rules",))
    raw = acl.props.text("ruleJson")
    if raw is None:
        return rules
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        raise Malformed(("ruleJson",), raw, "a JSON array of WAF rules") from None
    return rules + _as_rules(_camel(parsed), ("ruleJson",))


def _separate_rules(stack: Stack, acl: Resource) -> list[Rule]:
    """`aws.wafv2.WebAclRule` resources that add a rule to this web ACL."""
    return [
        {key: rule.props.known(key) for key in RULE_KEYS}
        for rule in sources_for(stack, acl, [rt.WEB_ACL_RULE], "webAclArn")
    ]


def _part(rule: Rule, *path: str) -> dict[str, Any]:
    """A nested object of a rule (`statement`, `action`, ...); absent means empty."""
    value: Any = rule
    for depth, key in enumerate(path):
        value = value.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            where = ("rules", str(rule.get("name")), *path[: depth + 1])
            raise Malformed(where, value, "an object")
    return dict(value)


def _managed_group(rule: Rule) -> tuple[str, str] | None:
    group = _part(rule, "statement", "managedRuleGroupStatement")
    if not group:
        return None
    return str(group.get("vendorName")), str(group.get("name"))


def _label(rule: Rule) -> str:
    return f"rule {rule.get('name') or '(unnamed)'}"


def _rate_limit_problems(rules: list[Rule]) -> Iterator[str]:
    rate_based = [r for r in rules if "rateBasedStatement" in _part(r, "statement")]
    if not rate_based:
        yield (
            "has no rate-based rule, so one address can try passwords and flood the sign-in "
            "endpoints without limit; add a rateBasedStatement (aggregateKeyType IP) with action "
            "block"
        )
    elif not any("block" in _part(r, "action") for r in rate_based):
        shown = ", ".join(f"{_label(r)} ({_action(r)})" for r in rate_based)
        yield (
            f"does not block requests over the rate limit ({shown}); give the rate-based rule "
            "the action block"
        )


def _action(rule: Rule) -> str:
    """`count`, `captcha`, ... or `no action`: what the rule does instead of blocking."""
    return ", ".join(_part(rule, "action")) or "no action"


def _group_problems(rules: list[Rule], group: str) -> Iterator[str]:
    using = [r for r in rules if _managed_group(r) == (AWS_VENDOR, group)]
    if not using:
        yield (
            f"does not use the AWS managed rule group {group}; add a managedRuleGroupStatement "
            f"(vendorName AWS, name {group}) with overrideAction none"
        )
        return
    for rule in using:
        override = _part(rule, "overrideAction")
        if "none" not in override:
            shown = "count" if "count" in override else "not set"
            yield (
                f"overrides {group} ({_label(rule)}) with overrideAction {shown}, so its matches "
                "are only counted; set overrideAction to {none: {}}"
            )
        overrides = _part(rule, "statement", "managedRuleGroupStatement").get("ruleActionOverrides")
        counted = [
            str(o.get("name"))
            for o in (overrides if isinstance(overrides, list) else [])
            if isinstance(o, dict) and "count" in _part(o, "actionToUse")
        ]
        if counted:
            yield (
                f"sets {', '.join(counted)} of {group} ({_label(rule)}) to count in "
                "`ruleActionOverrides`, so those addresses are not blocked; remove the overrides"
            )


def _unassociable(rules: list[Rule]) -> Iterator[str]:
    if any(_managed_group(r) == (AWS_VENDOR, ACCOUNT_TAKEOVER_PREVENTION) for r in rules):
        yield (
            f"uses {ACCOUNT_TAKEOVER_PREVENTION}, which AWS does not allow in a web ACL "
            "associated with a user pool (the association fails); remove it and rely on "
            "Cognito threat protection"
        )


def _protected_pools(stack: Stack, acl: Resource) -> list[Resource]:
    """The user pools of the stack that this web ACL is associated with."""
    pools = []
    for association in sources_for(stack, acl, [rt.WAF_ASSOCIATION], "webAclArn"):
        pool = target_of(
            stack,
            association,
            "resourceArn",
            [rt.USER_POOL],
            association.props.get("resourceArn"),
        )
        if pool is not None and pool not in pools:
            pools.append(pool)
    return pools


def check_web_acl_contents(stack: Stack, config: Config) -> Iterator[Finding]:
    def rule(acl: Resource) -> Iterator[str]:
        pools = _protected_pools(stack, acl)
        if not pools:
            return
        rules = _inline_rules(acl) + _separate_rules(stack, acl)
        problems = [
            *_rate_limit_problems(rules),
            *(
                p
                for group in config["requiredManagedRuleGroups"]
                for p in _group_problems(rules, group)
            ),
            *_unassociable(rules),
        ]
        names = ", ".join(pool.name for pool in pools)
        for problem in problems:
            yield f"Web ACL {acl.name} in front of user pool {names} {problem}."

    yield from stack.judge_each(stack.of_type(rt.WEB_ACL), rule)


WEB_ACL_CONTENTS = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-user-pool-waf-rules",
        "WAF rules that block",
        "A web ACL in front of a user pool must block by rate and by AWS IP reputation.",
        "medium",
        "In the web ACL associated with the pool, add a rate-based rule (aggregateKeyType IP) "
        "with action block and the AWS managed rule group AWSManagedRulesAmazonIpReputationList "
        "with overrideAction none (no count overrides).",
        controls=Controls(pci_dss="8.3.4 (compensating control)"),
        config={
            "requiredManagedRuleGroups": string_list(
                [IP_REPUTATION],
                "AWS managed rule groups (vendor AWS) the web ACL must use without count "
                "overrides.",
            )
        },
    ),
    check_web_acl_contents,
)

POLICIES = [WEB_ACL_CONTENTS]
