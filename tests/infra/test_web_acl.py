"""The WAF resources are registered by type token (`components.web_acl.WafResource`) to spare every
run the import of `pulumi_aws.wafv2`; the engine must not be able to tell. One program registers
the web ACL and its association both ways, with the typed `aws.wafv2` classes written the way
their documentation shows, and the test compares what the engine would receive."""

from __future__ import annotations

from typing import Any

import pytest

from components.web_acl import WEB_ACL, WEB_ACL_ASSOCIATION
from tests.program_host import run_program_host

POOL_ARN = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_example"

PROGRAM = f"""
import pulumi
import pulumi_aws as aws

from components.web_acl import protect_with_waf
from settings.user_pool import Waf

TAGS = {{"stack": "test", "owner": "platform-identity"}}


def visibility(metric):
    return {{"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}}


class Typed(pulumi.ComponentResource):
    def __init__(self):
        super().__init__("test:index:Typed", "ei-test")
        acl = aws.wafv2.WebAcl(
            "ei-test-web-acl",
            name="ei-test-sign-in",
            description="Rate limit and IP reputation in front of the ei-test user pool",
            scope="REGIONAL",
            default_action={{"allow": {{}}}},
            rules=[
                {{
                    "name": "rate-limit-per-ip",
                    "priority": 0,
                    "action": {{"block": {{}}}},
                    "statement": {{
                        "rate_based_statement": {{
                            "aggregate_key_type": "IP",
                            "limit": 300,
                            "evaluation_window_sec": 300,
                        }}
                    }},
                    "visibility_config": visibility("ei-test-rate-limit"),
                }},
                {{
                    "name": "aws-ip-reputation",
                    "priority": 1,
                    "override_action": {{"none": {{}}}},
                    "statement": {{
                        "managed_rule_group_statement": {{
                            "name": "AWSManagedRulesAmazonIpReputationList",
                            "vendor_name": "AWS",
                        }}
                    }},
                    "visibility_config": visibility("ei-test-ip-reputation"),
                }},
            ],
            visibility_config=visibility("ei-test-web-acl"),
            tags=TAGS,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.wafv2.WebAclAssociation(
            "ei-test-waf",
            resource_arn="{POOL_ARN}",
            web_acl_arn=acl.arn,
            opts=pulumi.ResourceOptions(parent=self),
        )


class Ours(pulumi.ComponentResource):
    def __init__(self):
        super().__init__("test:index:Ours", "ei-test")
        protect_with_waf(self, "ei-test", "{POOL_ARN}", Waf(), TAGS)


Typed()
Ours()
"""


@pytest.fixture(scope="module")
def registrations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Registrations by `<component type>/<resource type>`, from one run in `up` mode."""
    folder = tmp_path_factory.mktemp("waf-program")
    (folder / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    result = run_program_host(
        folder / "__main__.py", preview=False, config={"aws:region": "eu-west-1"}
    )
    by_key: dict[str, dict[str, Any]] = {}
    for record in result["registrations"]:
        if record["parent"] and record["type"] in (WEB_ACL, WEB_ACL_ASSOCIATION):
            component = record["parent"].split("::")[-2].rsplit("$", 1)[-1]
            by_key[f"{component}/{record['type']}"] = record
    return by_key


def _engine_view(record: dict[str, Any]) -> dict[str, Any]:
    """What the engine keys a registration on, minus the parent's own type in the URNs."""
    return {
        "type": record["type"],
        "name": record["name"],
        "custom": record["custom"],
        "version": record["version"],
        "provider": record["provider"],
        "options": record["options"],
        "inputs": record["inputs"],
        "propertyDependencies": sorted(record["propertyDependencies"]),
        "dependencies": sorted(urn.rsplit("$", 1)[-1] for urn in record["dependencies"]),
    }


@pytest.mark.parametrize("type_token", [WEB_ACL, WEB_ACL_ASSOCIATION])
def test_registered_exactly_as_the_typed_pulumi_aws_class(
    registrations: dict[str, dict[str, Any]], type_token: str
) -> None:
    typed = registrations[f"test:index:Typed/{type_token}"]
    ours = registrations[f"test:index:Ours/{type_token}"]
    assert _engine_view(ours) == _engine_view(typed)
    assert ours["version"], "the default provider's version must be pinned like the typed class"


def test_the_association_takes_the_web_acl_arn_output(
    registrations: dict[str, dict[str, Any]],
) -> None:
    acl = registrations[f"test:index:Ours/{WEB_ACL}"]
    association = registrations[f"test:index:Ours/{WEB_ACL_ASSOCIATION}"]
    assert association["inputs"]["webAclArn"] == acl["outputs"]["arn"]
    assert association["inputs"]["resourceArn"] == POOL_ARN
