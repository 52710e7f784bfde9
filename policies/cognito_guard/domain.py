"""The user pool domain that serves managed login: its certificate and its managed-login version.

A prefix domain (`acme` -> acme.auth.<region>.amazoncognito.com) uses AWS's certificate; a custom
domain (`auth.example.com`) serves managed login through CloudFront and needs "an Certificate
Manager certificate in the us-east-1 Region" (CreateUserPoolDomain CustomDomainConfig). A
`managedLoginVersion` of 1 is the classic hosted UI, 2 is managed login (not on the Lite tier).

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html
("When you choose a custom domain, you must provide an SSL certificate in the US East (N. Virginia)
Region"; "Set the branding version to 1 for hosted UI (classic) or 2 for managed login")
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from cognito_guard import resource_types as rt
from cognito_guard.framework import (
    Area,
    Config,
    Finding,
    Resource,
    Stack,
    integer,
    policy_meta,
    resource_policy,
    stack_policy,
)
from cognito_guard.props import Deferred, is_unknown

CERTIFICATE_REGION: Final = "us-east-1"
ACM_TYPES: Final = (rt.ACM_CERTIFICATE, rt.ACM_CERTIFICATE_VALIDATION)


def is_custom_domain(domain: str) -> bool:
    """A custom domain is a fully qualified name; a prefix has no dots (CreateUserPoolDomain)."""
    return "." in domain


def _certificate_problem(arn: str) -> str | None:
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "acm":
        return (
            f"has the `certificateArn` {arn!r}, which is not an ACM certificate ARN; use an ACM "
            f"certificate in {CERTIFICATE_REGION}"
        )
    if parts[3] != CERTIFICATE_REGION:
        return (
            f"has an ACM certificate in {parts[3] or 'no region'} (`certificateArn`), but custom "
            f"domains need one in {CERTIFICATE_REGION} (CloudFront's region)"
        )
    return None


def _certificate_region(stack: Stack, domain: Resource) -> str:
    """At preview the ARN is unknown: the region of the ACM resource it comes from.

    pulumi-aws v7 sets a resource's region per resource (`region`); without it the provider's
    region applies, which a policy cannot see, so the verdict waits for `pulumi up`.
    """
    for urn in domain.property_dependencies.get("certificateArn", ()):
        source = stack.by_urn(urn)
        if source is not None and source.type in ACM_TYPES:
            region = source.props.text("region")
            if region is not None:
                return region
    raise Deferred(("certificateArn",))


def _custom_domain_problem(stack: Stack, domain: Resource) -> str | None:
    if domain.props.get("certificateArn") is None:
        return (
            f"has no `certificateArn`: Cognito serves it over CloudFront only with an ACM "
            f"certificate in {CERTIFICATE_REGION}; request one there and set it"
        )
    if is_unknown(domain.props.get("certificateArn")):
        region = _certificate_region(stack, domain)
        if region == CERTIFICATE_REGION:
            return None
        return (
            f"takes its certificate from an ACM resource in {region}, but custom domains need "
            f"one in {CERTIFICATE_REGION} (CloudFront's region)"
        )
    return _certificate_problem(domain.props.text("certificateArn") or "")


def check_custom_domain_certificate(stack: Stack, _config: Config) -> Iterator[Finding]:
    def rule(domain: Resource) -> Iterator[str]:
        name = domain.props.text("domain", default="") or ""
        if not is_custom_domain(name):
            return
        problem = _custom_domain_problem(stack, domain)
        if problem:
            yield f"Custom domain {name} {problem}."

    yield from stack.judge_each(stack.of_type(rt.USER_POOL_DOMAIN), rule)


VERSION_NAMES: Final[Mapping[float, str]] = {1: "the classic hosted UI", 2: "managed login"}


def check_managed_login_version(domain: Resource, config: Config) -> Iterator[str]:
    expected = int(config["requiredVersion"])  # an integer setting (framework.effective_config)
    wanted = f"{expected:g} ({VERSION_NAMES.get(expected, 'unknown version')})"
    version = domain.props.number("managedLoginVersion")
    if version is None:
        yield (
            "`managedLoginVersion` is not set, so the domain's sign-in pages are whatever AWS "
            f"defaults to instead of the reviewed version {wanted}. Set it to {expected:g}."
        )
    elif version != expected:
        shown = f"{version:g} ({VERSION_NAMES.get(version, 'unknown version')})"
        yield f"`managedLoginVersion` is {shown}; this profile expects {wanted}."


CUSTOM_DOMAIN_CERTIFICATE = stack_policy(
    policy_meta(
        Area.USER_POOL,
        "cognito-domain-custom-certificate",
        "Custom domain certificate",
        "A custom user pool domain must use an ACM certificate in us-east-1.",
        "high",
        "Request (and validate) an ACM certificate for the domain in us-east-1 and set it as "
        "`certificateArn` of the `aws.cognito.UserPoolDomain`.",
    ),
    check_custom_domain_certificate,
)

MANAGED_LOGIN_VERSION = resource_policy(
    policy_meta(
        Area.USER_POOL,
        "cognito-domain-managed-login-version",
        "Managed login version",
        "The user pool domain must pin the expected managed-login version.",
        "low",
        "Set `managedLoginVersion` on the `aws.cognito.UserPoolDomain` to the configured version "
        "(2, managed login, needs the Essentials or Plus tier; 1 is the classic hosted UI).",
        config={
            "requiredVersion": integer(
                2,
                "Managed-login version domains must use (1 classic hosted UI, 2 managed login).",
                minimum=1,
                maximum=2,
            )
        },
    ),
    [rt.USER_POOL_DOMAIN],
    check_managed_login_version,
)

POLICIES = [CUSTOM_DOMAIN_CERTIFICATE, MANAGED_LOGIN_VERSION]
