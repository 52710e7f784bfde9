"""Custom-scheme and loopback redirects of native apps, on wire-form client properties."""

from __future__ import annotations

import pytest

from cognito_guard import native_redirects as nr
from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN
from tests.policies.harness import run_resource
from tests.policies.reference import SECURE_MOBILE_CLIENT, SECURE_SPA_CLIENT
from tests.policies.rules_table import Row, check_row

C = rt.USER_POOL_CLIENT
P = nr.NATIVE_REDIRECTS
MOBILE, SPA = SECURE_MOBILE_CLIENT, SECURE_SPA_CLIENT
LOOPBACK = {"allowLoopback": True}

ROWS = [
    Row(P, C, MOBILE, "callbackUrls", ["myapp://callback"], "custom scheme myapp://"),
    Row(P, C, MOBILE, "logoutUrls", ["exp://signed-out"], "`logoutUrls[0]`"),
    Row(P, C, MOBILE, "defaultRedirectUri", "fieldapp://cb", "`defaultRedirectUri`"),
    Row(P, C, MOBILE, "callbackUrls", ["com.example.field:/callback"], None),
    Row(P, C, MOBILE, "callbackUrls", ["com.Example.Field://callback"], None),
    Row(P, C, MOBILE, "callbackUrls", ["app.example://cb"], None),
    # not reverse DNS: one label, a numeric "TLD", an empty label
    Row(P, C, MOBILE, "callbackUrls", ["c0m.example://cb"], "custom scheme c0m.example://"),
    Row(P, C, MOBILE, "callbackUrls", ["com..example://cb"], "custom scheme com..example://"),
    Row(P, C, MOBILE, "callbackUrls", ["myapp://callback"], None, {"allowedSchemes": ["myapp"]}),
    Row(P, C, SPA, "callbackUrls", ["http://localhost:3000/callback"], "loopback redirect"),
    Row(P, C, SPA, "callbackUrls", ["http://127.0.0.1:8080/cb"], "`allowLoopback`"),
    Row(P, C, SPA, "logoutUrls", ["http://[::1]:8080/"], "loopback redirect"),
    Row(P, C, SPA, "callbackUrls", ["http://localhost:3000/callback"], None, LOOPBACK),
    Row(P, C, SPA, "callbackUrls", ["http://[::1]:8080/cb"], None, LOOPBACK),
    # https and plain-http web URLs belong to cognito-client-redirect-urls
    Row(P, C, SPA, "callbackUrls", ["https://localhost/cb"], None),
    Row(P, C, SPA, "callbackUrls", ["http://console.example.com/cb"], None),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_rule(row: Row) -> None:
    check_row(row)


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("com.example.app", True),
        ("io.github.someone.app", True),
        ("xn--bcher-kva.example.app", True),
        ("myapp", False),
        ("com", False),
        ("1com.example", False),
        ("com.-bad.app", False),
        ("com.example+app", False),
    ],
)
def test_reverse_dns(scheme: str, expected: bool) -> None:
    assert nr.is_reverse_dns(scheme) is expected


def test_every_offending_url_is_reported_with_its_position() -> None:
    props = {
        **MOBILE,
        "callbackUrls": ["com.example.field://callback", "myapp://a", "http://localhost/b"],
    }
    outcome = run_resource(P, C, props)
    assert [m.split(" ")[0] for m in outcome.messages] == ["`callbackUrls[1]`", "`callbackUrls[2]`"]


def test_unknown_urls_defer_to_up() -> None:
    outcome = run_resource(P, C, {**MOBILE, "callbackUrls": ["com.example.field://cb", UNKNOWN]})
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "`callbackUrls` is unknown" in outcome.not_applicable


def test_a_finding_is_reported_even_when_a_later_url_is_unknown() -> None:
    props = {**MOBILE, "callbackUrls": ["myapp://cb"], "defaultRedirectUri": UNKNOWN}
    outcome = run_resource(P, C, props)
    assert len(outcome.messages) == 1


def test_malformed_url_lists_are_reported() -> None:
    outcome = run_resource(P, C, {**MOBILE, "callbackUrls": "myapp://cb"})
    assert any("malformed" in m for m in outcome.messages), outcome.messages
