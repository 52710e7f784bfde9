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
import pulumi_aws as aws

from components.base import child
from settings.user_pool import Waf

IP_REPUTATION_GROUP = "AWSManagedRulesAmazonIpReputationList"


def protect_with_waf(
    parent: pulumi.Resource,
    name: str,
    pool_arn: pulumi.Input[str],
    waf: Waf,
    tags: Mapping[str, str],
) -> aws.wafv2.WebAclAssociation | None:
    """Associates the configured web ACL (created here when `managed`) with the pool."""
    if waf.mode == "off":
        return None
    web_acl_arn: pulumi.Input[str]
    if waf.mode == "existing":
        assert waf.web_acl_arn is not None  # settings guarantee it
        web_acl_arn = waf.web_acl_arn
    else:
        web_acl_arn = _managed_web_acl(parent, name, waf, tags).arn
    return aws.wafv2.WebAclAssociation(
        f"{name}-waf",
        resource_arn=pool_arn,
        web_acl_arn=web_acl_arn,
        opts=child(parent),
    )


def _managed_web_acl(
    parent: pulumi.Resource, name: str, waf: Waf, tags: Mapping[str, str]
) -> aws.wafv2.WebAcl:
    """Allow by default; block an IP over the rate limit and IPs on AWS's reputation list."""
    rules: list[dict[str, Any]] = [
        {
            "name": "rate-limit-per-ip",
            "priority": 0,
            "action": {"block": {}},
            "statement": {
                "rate_based_statement": {
                    "aggregate_key_type": "IP",
                    "limit": waf.rate_limit,
                    "evaluation_window_sec": waf.rate_window_seconds,
                }
            },
            "visibility_config": _visibility(f"{name}-rate-limit"),
        }
    ]
    if waf.ip_reputation:
        rules.append(
            {
                "name": "aws-ip-reputation",
                "priority": 1,
                "override_action": {"none": {}},
                "statement": {
                    "managed_rule_group_statement": {
                        "name": IP_REPUTATION_GROUP,
                        "vendor_name": "AWS",
                    }
                },
                "visibility_config": _visibility(f"{name}-ip-reputation"),
            }
        )
    return aws.wafv2.WebAcl(
        f"{name}-web-acl",
        name=f"{name}-sign-in",
        description=f"Rate limit and IP reputation in front of the {name} user pool",
        scope="REGIONAL",
        default_action={"allow": {}},
        rules=rules,
        visibility_config=_visibility(f"{name}-web-acl"),
        tags=dict(tags),
        opts=child(parent),
    )


def _visibility(metric_name: str) -> dict[str, Any]:
    return {
        "cloudwatch_metrics_enabled": True,
        "metric_name": metric_name,
        "sampled_requests_enabled": True,
    }
