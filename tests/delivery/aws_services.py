"""Which AWS service a pulumi-aws resource type talks to: its endpoint key and its IAM prefix.

`aws:cognito/userPool:UserPool` is served by Cognito user pools (`cognitoidp`, `cognito-idp`),
`aws:cognito/identityPool:IdentityPool` by Cognito identity pools; CloudWatch Logs resources
live in the `cloudwatch` module but are a service of their own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AwsService:
    endpoint: str
    """Key of the provider's `aws:endpoints` setting."""
    iam_prefix: str
    """Prefix of the service's IAM actions."""


COGNITO_IDP = AwsService("cognitoidp", "cognito-idp")
COGNITO_IDENTITY = AwsService("cognitoidentity", "cognito-identity")
LOGS = AwsService("logs", "logs")
SAME_NAME = ("acm", "cloudwatch", "iam", "kms", "lambda", "route53", "ses", "sns", "wafv2")


def service_of(resource_type: str) -> AwsService:
    """The service behind a pulumi-aws type token; unknown modules are an error to fix here."""
    provider, module_and_resource, _ = resource_type.split(":")
    assert provider == "aws", f"{resource_type} is not a pulumi-aws resource"
    module, resource = module_and_resource.split("/")
    if module == "cognito":
        return COGNITO_IDENTITY if resource.startswith("identityPool") else COGNITO_IDP
    if module == "cloudwatch" and resource.startswith("log"):
        return LOGS
    assert module in SAME_NAME, (
        f"{resource_type}: unknown pulumi-aws module {module!r}; "
        "add its endpoint key and IAM prefix to tests/delivery/aws_services.py"
    )
    return AwsService(module, module)


def aws_resource_types(types: set[str]) -> set[str]:
    """Only the pulumi-aws resources (not components, not providers)."""
    return {t for t in types if t.startswith("aws:") and not t.startswith("pulumi:providers:")}
