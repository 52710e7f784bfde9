"""Custom-domain certificates and the managed-login version, on wire-form domain properties."""

from __future__ import annotations

from typing import Any, Final

import pytest

from cognito_guard import domain
from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN
from tests.policies.harness import Spec, run_resource, run_stack, urn_of
from tests.policies.rules_table import REMOVE, Row, check_row

D = rt.USER_POOL_DOMAIN
CERT, VERSION = domain.CUSTOM_DOMAIN_CERTIFICATE, domain.MANAGED_LOGIN_VERSION
CERT_ARN: Final = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d"
PREFIX: Final[dict[str, Any]] = {
    "domain": "acme-workforce",
    "userPoolId": "eu-west-1_AbCdEf123",
    "managedLoginVersion": 2,
}
CUSTOM: Final[dict[str, Any]] = {**PREFIX, "domain": "auth.example.com", "certificateArn": CERT_ARN}

VERSION_ROWS = [
    Row(VERSION, D, PREFIX, "managedLoginVersion", 1, "the classic hosted UI"),
    Row(VERSION, D, PREFIX, "managedLoginVersion", REMOVE, "is not set"),
    Row(VERSION, D, PREFIX, "managedLoginVersion", 2, None),
    Row(VERSION, D, PREFIX, "managedLoginVersion", 1, None, {"requiredVersion": 1}),
    Row(VERSION, D, PREFIX, "managedLoginVersion", "two", "malformed"),
]


@pytest.mark.parametrize("row", VERSION_ROWS, ids=[r.id for r in VERSION_ROWS])
def test_managed_login_version(row: Row) -> None:
    check_row(row)


def test_unknown_version_defers_to_up() -> None:
    outcome = run_resource(VERSION, D, {**PREFIX, "managedLoginVersion": UNKNOWN})
    assert outcome.messages == []
    assert outcome.not_applicable


def _domain(props: dict[str, Any], deps: dict[str, list[str]] | None = None) -> Spec:
    return Spec(D, "domain", props, deps or {})


def _certificate(type_: str, region: object) -> Spec:
    props: dict[str, Any] = {"domainName": "auth.example.com"}
    if region is not None:
        props["region"] = region
    return Spec(type_, "certificate", props)


@pytest.mark.parametrize(
    ("certificate_arn", "expected"),
    [
        (REMOVE, "has no `certificateArn`"),
        (CERT_ARN.replace("us-east-1", "eu-west-1"), "has an ACM certificate in eu-west-1"),
        ("arn:aws:iam::123456789012:server-certificate/x", "is not an ACM certificate ARN"),
        ("not-an-arn", "is not an ACM certificate ARN"),
        (CERT_ARN, None),
    ],
)
def test_known_certificates_of_custom_domains(
    certificate_arn: object, expected: str | None
) -> None:
    props = {k: v for k, v in CUSTOM.items() if k != "certificateArn"}
    if certificate_arn is not REMOVE:
        props["certificateArn"] = certificate_arn
    outcome = run_stack(CERT, [_domain(props)])
    if expected is None:
        assert outcome.messages == []
    else:
        (message,) = outcome.messages
        assert message.startswith("Custom domain auth.example.com ")
        assert expected in message
        assert outcome.urns == [urn_of(D, "domain")]


def test_prefix_domains_need_no_certificate() -> None:
    assert run_stack(CERT, [_domain(PREFIX)]).messages == []


@pytest.mark.parametrize(
    "source", [rt.ACM_CERTIFICATE, rt.ACM_CERTIFICATE_VALIDATION], ids=["certificate", "validation"]
)
@pytest.mark.parametrize(
    ("region", "expected"),
    [("us-east-1", None), ("eu-west-1", "from an ACM resource in eu-west-1")],
)
def test_at_preview_the_certificates_region_decides(
    source: str, region: str, expected: str | None
) -> None:
    specs = [
        _certificate(source, region),
        _domain({**CUSTOM, "certificateArn": UNKNOWN}, {"certificateArn": ["certificate"]}),
    ]
    outcome = run_stack(CERT, specs)
    if expected is None:
        assert outcome.messages == []
        assert outcome.not_applicable is None
    else:
        (message,) = outcome.messages
        assert expected in message


@pytest.mark.parametrize("region", [None, UNKNOWN], ids=["provider-region", "unknown-region"])
def test_at_preview_an_unknowable_region_defers_to_up(region: object) -> None:
    specs = [
        _certificate(rt.ACM_CERTIFICATE, region),
        _domain({**CUSTOM, "certificateArn": UNKNOWN}, {"certificateArn": ["certificate"]}),
    ]
    outcome = run_stack(CERT, specs)
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "unknown during preview" in outcome.not_applicable


def test_malformed_certificate_arn_is_reported() -> None:
    (message,) = run_stack(CERT, [_domain({**CUSTOM, "certificateArn": ["x"]})]).messages
    assert "malformed" in message


@pytest.mark.parametrize(
    ("name", "custom"), [("auth.example.com", True), ("acme-workforce", False)]
)
def test_custom_domains_are_fully_qualified(name: str, custom: bool) -> None:
    assert domain.is_custom_domain(name) is custom
