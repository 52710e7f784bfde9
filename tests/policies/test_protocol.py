"""The pack over its real protocol: started as Pulumi starts it, driven as the engine drives it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cognito_guard import resource_types as rt
from cognito_guard.pack import all_policies
from cognito_guard.references import REFERENCES
from gate.analyzer import UNKNOWN, AnalyzerClient, AnalyzerInfo, AnalyzerResource, Secret
from gate.policy_config import PolicyConfigError, load_policy_config
from tests.policies.corpus import CORPUS, CorpusCase
from tests.policies.harness import analyzer_resources, replace_spec, urn_of
from tests.policies.reference import SECURE_POOL, SECURE_WEB_ACL, SECURE_WEB_CLIENT, secure_stack
from tests.repo import ROOT

pytestmark = pytest.mark.slow

PACK_DIR = ROOT / "policies"
CONFIGS = sorted((PACK_DIR / "config").glob("*.json"))
PROD = PACK_DIR / "config" / "prod.json"


@pytest.fixture(scope="module")
def pack() -> Iterator[AnalyzerClient]:
    with AnalyzerClient.start(PACK_DIR, project="enterprise-identity", stack="test") as client:
        yield client


@pytest.fixture(scope="module")
def info(pack: AnalyzerClient) -> AnalyzerInfo:
    return pack.info()


def _resource(type_token: str, name: str, props: dict[str, object]) -> AnalyzerResource:
    return AnalyzerResource(
        urn=urn_of(type_token, name), type=type_token, name=name, properties=props
    )


def test_analyzer_info_lists_every_policy_with_its_metadata(info: AnalyzerInfo) -> None:
    assert info.name == "cognito-guard"
    assert info.version == "1.0.0"  # from PulumiPolicy.yaml, as the engine reports it
    assert info.supports_config
    assert [p.name for p in info.policies] == sorted(p.name for p in all_policies())
    for meta in info.policies:
        assert meta.description
        assert meta.display_name
        assert meta.remediation_steps
        assert meta.severity in ("low", "medium", "high", "critical")
        assert meta.enforcement_level in ("advisory", "mandatory")
        assert meta.policy_type in ("resource", "stack")
        assert any(tag.startswith("area:") for tag in meta.tags)
    schema = info.policy("cognito-password-min-length").config_schema
    assert schema is not None
    assert schema["properties"]["minimumLength"]["default"] == 14
    assert info.policy("cognito-user-pool-mfa-required").framework == {
        "name": "AWS Security Hub FSBP",
        "version": "1.0.0",
        "reference": "Cognito.5",
        "specification": "",
    }


def test_analyzer_info_carries_each_policys_aws_pages_and_peer_checks(info: AnalyzerInfo) -> None:
    """References travel in fields the engine transmits: `url` (primary page) and tags."""
    mfa = info.policy("cognito-user-pool-mfa-required")
    mfa_page = (
        "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html"
    )
    assert mfa.url == mfa_page
    assert f"aws-doc:{mfa_page}" in mfa.tags
    assert {"securityhub:Cognito.5", "prowler:cognito_user_pool_mfa_enabled"} <= set(
        mfa.peer_checks
    )
    for meta in info.policies:
        references = REFERENCES.get(meta.name)
        if references is None:  # tests/policies/test_catalog.py reports the missing entry
            continue
        assert meta.url == references.primary, meta.name
        assert meta.aws_documentation == references.aws, meta.name
        assert sorted(meta.peer_checks) == sorted(peer.tag for peer in references.peers), meta.name


@pytest.mark.parametrize("config_file", CONFIGS, ids=[c.name for c in CONFIGS])
def test_each_shipped_config_is_accepted_and_sets_the_levels(
    pack: AnalyzerClient, info: AnalyzerInfo, config_file: Path
) -> None:
    config = load_policy_config(config_file, info)
    pack.configure(config)
    insecure_pool = _resource(
        rt.USER_POOL, "insecure", {"name": "insecure", "mfaConfiguration": "OFF"}
    )
    violations = pack.analyze(insecure_pool)
    assert violations, "an MFA-less pool with AWS defaults must trip rules under every profile"
    for violation in violations:
        assert violation.enforcement_level == config[violation.policy_name]["enforcementLevel"]
        assert violation.policy_pack_name == "cognito-guard"
        assert violation.urn in (None, insecure_pool.urn)


def test_thresholds_from_config_change_the_verdict(
    pack: AnalyzerClient, info: AnalyzerInfo
) -> None:
    pool = _resource(
        rt.USER_POOL,
        "pool",
        {**SECURE_POOL, "passwordPolicy": {**SECURE_POOL["passwordPolicy"], "minimumLength": 12}},
    )
    pack.configure(load_policy_config(PROD, info))
    assert "cognito-password-min-length" in {v.policy_name for v in pack.analyze(pool)}
    pack.configure(load_policy_config(PACK_DIR / "config" / "dev.json", info))
    assert "cognito-password-min-length" not in {v.policy_name for v in pack.analyze(pool)}


def test_analyze_reports_readable_messages_and_defers_unknowns(
    pack: AnalyzerClient, info: AnalyzerInfo
) -> None:
    pack.configure(load_policy_config(PROD, info))
    secure = _resource(rt.USER_POOL, "pool", SECURE_POOL)
    assert pack.analyze(secure) == []
    unknown = _resource(rt.USER_POOL, "pool", {**SECURE_POOL, "mfaConfiguration": UNKNOWN})
    result = pack.analyze_full(unknown)
    assert not [v for v in result.violations if v.policy_name == "cognito-user-pool-mfa-required"]
    deferred = {n.policy_name: n.reason for n in result.not_applicable}
    assert "unknown during preview" in deferred["cognito-user-pool-mfa-required"]
    broken = _resource(
        rt.USER_POOL_CLIENT, "portal", {**SECURE_WEB_CLIENT, "allowedOauthFlows": ["implicit"]}
    )
    (violation,) = [
        v for v in pack.analyze(broken) if v.policy_name == "cognito-client-no-implicit-grant"
    ]
    assert violation.enforcement_level == "mandatory"
    assert violation.severity == "high"
    assert "`allowedOauthFlows` includes implicit" in violation.message


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_analyze_stack_passes_the_reference_and_blames_the_resource(
    pack: AnalyzerClient, info: AnalyzerInfo, preview: bool
) -> None:
    pack.configure(load_policy_config(PROD, info))
    specs = secure_stack(preview=preview)
    assert pack.analyze_stack(analyzer_resources(specs)) == []
    without_waf = [s for s in specs if s.name != "waf"]
    violations = pack.analyze_stack(analyzer_resources(without_waf))
    pool_urn = urn_of(rt.USER_POOL, "pool")
    assert {(v.policy_name, v.urn, v.enforcement_level) for v in violations} == {
        ("cognito-user-pool-waf-associated", pool_urn, "mandatory"),
        ("cognito-lockout-compensating-controls", pool_urn, "advisory"),
    }


def test_remediate_fixes_safe_settings_and_keeps_secrets(
    pack: AnalyzerClient, info: AnalyzerInfo
) -> None:
    pack.configure(load_policy_config(PROD, info))
    props = {
        **SECURE_WEB_CLIENT,
        "preventUserExistenceErrors": "LEGACY",
        "enableTokenRevocation": False,
        "clientSecret": Secret("s3cr3t"),
    }
    remediations = pack.remediate(_resource(rt.USER_POOL_CLIENT, "portal", props))
    by_policy = {r.policy_name: r.properties for r in remediations}
    assert set(by_policy) == {
        "cognito-client-prevent-user-existence-errors",
        "cognito-client-token-revocation",
    }
    final = remediations[-1].properties
    assert final is not None
    assert final["preventUserExistenceErrors"] == "ENABLED"
    assert final["enableTokenRevocation"] is True
    assert final["clientSecret"] == Secret("s3cr3t")
    assert pack.remediate(_resource(rt.USER_POOL_CLIENT, "portal", SECURE_WEB_CLIENT)) == []


def _violated(pack: AnalyzerClient, case: CorpusCase) -> set[str]:
    resources = analyzer_resources(case.resources)
    names = {v.policy_name for r in resources for v in pack.analyze(r)}
    return names | {v.policy_name for v in pack.analyze_stack(resources)}


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_corpus_case_trips_its_rules(
    pack: AnalyzerClient, info: AnalyzerInfo, case: CorpusCase
) -> None:
    pack.configure(load_policy_config(PROD, info))
    missing = case.must_trip - _violated(pack, case)
    assert not missing, f"{case.name} ({case.source}) did not trip {sorted(missing)}"


def test_secure_reference_has_no_violation_under_prod(
    pack: AnalyzerClient, info: AnalyzerInfo
) -> None:
    pack.configure(load_policy_config(PROD, info))
    reference = CorpusCase(
        "reference", "tests/policies/reference.py", tuple(secure_stack()), frozenset()
    )
    assert _violated(pack, reference) == set()


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"all": "strict"}, "all.enforcementLevel: 'strict' is not a valid enforcement level"),
        (
            {"cognito-password-min-length": {"minimumLength": "fourteen"}},
            "cognito-password-min-length.minimumLength",
        ),
        ({"cognito-password-min-length": {"minimumLength": 3}}, "3 is less than the minimum of 6"),
        (
            {"cognito-pasword-min-length": "mandatory"},
            "cognito-pasword-min-length: the pack 'cognito-guard' has no such policy",
        ),
        (
            {"cognito-mfa-factors": {"allowedFactors": ["VOICE"]}},
            "cognito-mfa-factors.allowedFactors.0",
        ),
        (
            {"cognito-user-pool-alarms": 5},
            "is not a valid value; must be an enforcement level string or an object",
        ),
        (["not", "an", "object"], "the top level must be a JSON object"),
    ],
    ids=[
        "bad-level",
        "wrong-type",
        "below-minimum",
        "misspelt-policy",
        "bad-enum",
        "bad-value",
        "not-object",
    ],
)
def test_bad_config_files_name_file_policy_and_key(
    info: AnalyzerInfo, tmp_path: Path, document: object, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(PolicyConfigError) as error:
        load_policy_config(path, info)
    assert str(error.value).startswith(str(path))
    assert expected in str(error.value)


def test_config_reconciliation_applies_defaults_all_then_policy(
    info: AnalyzerInfo, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps(
            {
                "all": "advisory",
                "cognito-password-min-length": {
                    "enforcementLevel": "mandatory",
                    "minimumLength": 16,
                },
            }
        )
    )
    config = load_policy_config(path, info)
    assert config["cognito-password-min-length"] == {
        "enforcementLevel": "mandatory",
        "minimumLength": 16,
        "minimumLengthWithoutMfa": 15,
    }
    assert config["cognito-user-pool-mfa-required"] == {
        "enforcementLevel": "advisory",
        "allowOptional": False,
    }
    assert config["all"] == {"enforcementLevel": "advisory"}
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert load_policy_config(empty, info)["cognito-client-no-implicit-grant"] == {
        "enforcementLevel": "mandatory"
    }


def test_issue_10_checks_run_over_the_protocol_with_profile_levels(
    pack: AnalyzerClient, info: AnalyzerInfo
) -> None:
    """The new checks as the engine runs them: prod blocks, dev advises, unknowns are deferred."""
    mine = {
        "cognito-user-pool-email-via-ses",
        "cognito-user-pool-case-insensitive-usernames",
        "cognito-client-native-app-redirects",
        "cognito-user-pool-waf-rules",
    }
    pool = _resource(
        rt.USER_POOL,
        "pool",
        {
            **SECURE_POOL,
            "emailConfiguration": {"emailSendingAccount": "COGNITO_DEFAULT"},
            "usernameConfiguration": {"caseSensitive": True},
        },
    )
    loopback = _resource(
        rt.USER_POOL_CLIENT,
        "console",
        {**SECURE_WEB_CLIENT, "generateSecret": False, "callbackUrls": ["http://localhost:3000/"]},
    )
    specs = secure_stack(preview=True)
    (acl,) = [s for s in specs if s.type == rt.WEB_ACL]
    counting = [{**r, "overrideAction": {"count": {}}} for r in SECURE_WEB_ACL["rules"]]
    counting_acl = replace_spec(specs, acl.name, props={**acl.props, "rules": counting})

    def levels(config: Path) -> dict[str, str]:
        pack.configure(load_policy_config(config, info))
        found = [*pack.analyze(pool), *pack.analyze(loopback)]
        found += pack.analyze_stack(analyzer_resources(counting_acl))
        return {v.policy_name: v.enforcement_level for v in found if v.policy_name in mine}

    assert levels(PROD) == dict.fromkeys(mine, "mandatory")
    assert levels(PACK_DIR / "config" / "dev.json") == {
        "cognito-user-pool-email-via-ses": "advisory",
        "cognito-user-pool-case-insensitive-usernames": "advisory",
        "cognito-user-pool-waf-rules": "advisory",
    }  # dev allows loopback redirects
    unknown = _resource(rt.USER_POOL, "pool", {**SECURE_POOL, "emailConfiguration": UNKNOWN})
    deferred = {n.policy_name: n.reason for n in pack.analyze_full(unknown).not_applicable}
    assert "unknown during preview" in deferred["cognito-user-pool-email-via-ses"]
