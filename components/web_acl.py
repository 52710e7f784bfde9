"""The AWS WAF web ACL in front of a user pool's sign-in endpoints.

Cognito's lockout is fixed and per user, so credential stuffing spread over many users and plain
request floods get through it; a regional web ACL with a per-IP rate limit (and AWS's
IP-reputation list) is the compensating control that PCI DSS 8.3.4 reviews and the pack's
`cognito-user-pool-waf-associated` policy ask for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi_aws import _utilities as aws_sdk

from components.base import child
from settings.user_pool import Waf

IP_REPUTATION_GROUP = "AWSManagedRulesAmazonIpReputationList"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"


class WafResource(pulumi.CustomResource):
    """A pulumi-aws WAFv2 resource registered by its type token, with inputs in wire form.

    `import pulumi_aws.wafv2` builds every WAFv2 input class (the provider SDK's largest module:
    a 2.8 MB `_inputs.py` of nested rule-statement types), which costs each `pulumi preview`,
    `pulumi up` and gate run more CPU than the rest of the provider SDK together, for two resources
    whose arguments are a few plain dictionaries. Registered like this, the engine receives exactly
    what `aws.wafv2.WebAcl` / `aws.wafv2.WebAclAssociation` would send (same type, inputs, default
    provider version): `tests/infra/test_web_acl.py` registers both ways and compares them.
    """

    arn: pulumi.Output[str]

    def __init__(
        self,
        type_: str,
        resource_name: str,
        inputs: Mapping[str, Any],
        opts: pulumi.ResourceOptions,
    ) -> None:
        super().__init__(
            type_,
            resource_name,
            {**inputs, "arn": None},  # None: an output the provider fills in
            pulumi.ResourceOptions.merge(aws_sdk.get_resource_opts_defaults(), opts),
        )


def protect_with_waf(
    parent: pulumi.Resource,
    name: str,
    pool_arn: pulumi.Input[str],
    waf: Waf,
    tags: Mapping[str, str],
) -> WafResource | None:
    """Associates the configured web ACL (created here when `managed`) with the pool."""
    if waf.mode == "off":
        return None
    web_acl_arn: pulumi.Input[str]
    if waf.mode == "existing":
        assert waf.web_acl_arn is not None  # settings guarantee it
        web_acl_arn = waf.web_acl_arn
    else:
        web_acl_arn = _managed_web_acl(parent, name, waf, tags).arn
    return WafResource(
        WEB_ACL_ASSOCIATION,
        f"{name}-waf",
        {"resourceArn": pool_arn, "webAclArn": web_acl_arn},
        child(parent),
    )


def _managed_web_acl(
    parent: pulumi.Resource, name: str, waf: Waf, tags: Mapping[str, str]
) -> WafResource:
    """Allow by default; block an IP over the rate limit and IPs on AWS's reputation list."""
    rules: list[dict[str, Any]] = [
        {
            "name": "rate-limit-per-ip",
            "priority": 0,
            "action": {"block": {}},
            "statement": {
                "rateBasedStatement": {
                    "aggregateKeyType": "IP",
                    "limit": waf.rate_limit,
                    "evaluationWindowSec": waf.rate_window_seconds,
                }
            },
            "visibilityConfig": _visibility(f"{name}-rate-limit"),
        }
    ]
    if waf.ip_reputation:
        rules.append(
            {
                "name": "aws-ip-reputation",
                "priority": 1,
                "overrideAction": {"none": {}},
                "statement": {
                    "managedRuleGroupStatement": {
                        "name": IP_REPUTATION_GROUP,
                        "vendorName": "AWS",
                    }
                },
                "visibilityConfig": _visibility(f"{name}-ip-reputation"),
            }
        )
    return WafResource(
        WEB_ACL,
        f"{name}-web-acl",
        {
            "name": f"{name}-sign-in",
            "description": f"Rate limit and IP reputation in front of the {name} user pool",
            "scope": "REGIONAL",
            "defaultAction": {"allow": {}},
            "rules": rules,
            "visibilityConfig": _visibility(f"{name}-web-acl"),
            "tags": dict(tags),
        },
        child(parent),
    )


def _visibility(metric_name: str) -> dict[str, Any]:
    return {
        "cloudwatchMetricsEnabled": True,
        "metricName": metric_name,
        "sampledRequestsEnabled": True,
    }
