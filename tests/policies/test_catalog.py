"""The README's generated tables (rule catalog, peer-check coverage) and the references behind them:
every policy cites AWS documentation, every peer check of the research catalog is covered."""

from __future__ import annotations

import re

import pytest

from cognito_guard import catalog
from cognito_guard.pack import all_policies
from cognito_guard.references import (
    CATALOGS,
    PEER_CHECKS,
    REFERENCES,
    PeerCheck,
    References,
    covering,
)
from tests.repo import ROOT

RESEARCH_NOTES = ROOT.parent / "shared" / "research" / "policy-anchors.md"


def _rows(table: str) -> list[str]:
    return table.splitlines()[2:]


def test_readme_tables_match_the_pack_and_its_references() -> None:
    current = catalog.README.read_text(encoding="utf-8")
    assert catalog.render_readme(current) == current, (
        "policies/README.md is stale: run `python -m cognito_guard.catalog --write` in policies/"
    )


def test_catalog_row_shows_the_aws_pages_peer_checks_and_standards_the_pack_sends() -> None:
    rows = _rows(catalog.catalog_table())
    assert len(rows) == len(all_policies())
    (mfa_row,) = [r for r in rows if r.startswith("| `cognito-user-pool-mfa-required`")]
    cells = [c.strip() for c in mfa_row.strip("|").split(" | ")]
    docs, peers, standards = cells[6], cells[7], cells[8]
    assert (
        "[user-pool-settings-mfa](https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html)"
        in docs
    )
    assert peers.split("<br>")[:3] == [
        "securityhub:Cognito.5",
        "prowler:cognito_user_pool_mfa_enabled",
        "cdk-nag:AwsSolutions-COG2",
    ]
    assert "pci-dss-4.0.1:8.4.2" in standards
    assert "securityhub" not in standards
    assert "aws-doc" not in standards
    assert "`allowOptional`: `false`" in mfa_row


def test_every_policy_has_references_with_an_aws_page() -> None:
    names = {policy.name for policy in all_policies()}
    missing = sorted(names - set(REFERENCES))
    assert not missing, f"add these policies to policies/cognito_guard/references.py: {missing}"
    without_page = sorted(name for name in names if not REFERENCES[name].aws)
    assert not without_page, f"these policies cite no AWS page in references.py: {without_page}"


def test_references_name_only_existing_policies() -> None:
    unknown = sorted(set(REFERENCES) - {policy.name for policy in all_policies()})
    assert not unknown, f"references.py names policies the pack does not have: {unknown}"


def _peers_of(name: str) -> tuple[PeerCheck, ...]:
    references = REFERENCES.get(name)
    return references.peers if references else ()


def test_every_peer_tag_a_policy_sends_comes_from_its_references() -> None:
    """A `Controls` peer check the entry lacks would travel as a second, unreviewed spelling."""
    strays = {
        policy.name: stray
        for policy in all_policies()
        if (
            stray := [
                tag
                for tag in policy.tags or []
                if tag.split(":", 1)[0] in CATALOGS
                and tag not in {peer.tag for peer in _peers_of(policy.name)}
            ]
        )
    }
    assert not strays, f"name these peer checks in references.py: {strays}"


def test_every_peer_check_of_the_research_catalog_is_covered() -> None:
    uncovered = [peer.tag for peer in PEER_CHECKS if not covering(peer)]
    assert not uncovered, f"no policy covers {uncovered}"
    coverage = _rows(catalog.coverage_table())
    assert len(coverage) >= len(PEER_CHECKS)
    assert all(row.split(" | ")[2].strip() for row in coverage), "a coverage row has no policy"


def _research_peer_tags(text: str) -> set[str]:
    """The peer checks of the research notes' summary table (§1), as `<catalog>:<id>` tags."""
    catalogs = {
        "Prowler": "prowler",
        "Security Hub": "securityhub",
        "Checkov": "checkov",
        "KICS": "kics",
        "cdk-nag": "cdk-nag",
    }
    section = text.split("## 1.", 1)[1].split("\n## ", 1)[0]
    tags = set()
    for line in section.splitlines():
        match = re.match(r"\| ([^|(]+?)\s*(?:\([^|]*\))?\s*\| `([^`]+)`", line)
        if match and match.group(1) in catalogs:
            tags.add(f"{catalogs[match.group(1)]}:{match.group(2)}")
    return tags


def test_research_notes_peer_checks_are_all_listed() -> None:
    if not RESEARCH_NOTES.is_file():
        pytest.skip(f"{RESEARCH_NOTES} is not checked out next to this repository")
    research = _research_peer_tags(RESEARCH_NOTES.read_text(encoding="utf-8"))
    assert len(research) >= 30, "the research table's format changed; update _research_peer_tags"
    listed = {peer.tag for peer in PEER_CHECKS}
    assert research - listed == set(), "add these to PEER_CHECKS in references.py"


def test_check_mode_reports_drift(monkeypatch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "README.md"
    blocks = [catalog.CATALOG, catalog.COVERAGE]
    stale.write_text("intro\n" + "".join(f"{b.start}\n| old |\n{b.end}\n" for b in blocks))
    monkeypatch.setattr(catalog, "README", stale)
    assert catalog.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert catalog.main(["--write"]) == 0
    assert catalog.main(["--check"]) == 0
    written = stale.read_text()
    assert "| old |" not in written
    assert "`AwsSolutions-COG2` | `cognito-user-pool-mfa-required`" in written


@pytest.mark.parametrize(
    ("policy", "page", "config"),
    [
        ("cognito-user-pool-case-insensitive-usernames", "API_UsernameConfigurationType", ""),
        ("cognito-user-pool-email-via-ses", "API_EmailConfigurationType", ""),
        ("cognito-domain-custom-certificate", "API_CreateUserPoolDomain", ""),
        (
            "cognito-domain-managed-login-version",
            "API_CreateUserPoolDomain",
            "`requiredVersion`: `2`",
        ),
        ("cognito-client-no-admin-scope-on-public-client", "using-the-access-token", ""),
        ("cognito-client-explicit-read-attributes", "API_UserPoolClientType", ""),
        (
            "cognito-client-native-app-redirects",
            "API_CreateUserPoolClient",
            "`allowLoopback`: `false`",
        ),
        (
            "cognito-client-user-auth-plaintext-password",
            "API_SignInPolicyType",
            "`allowConfidentialClients`: `false`",
        ),
        (
            "cognito-user-pool-waf-rules",
            "aws-managed-rule-groups-ip-rep",
            "AWSManagedRulesAmazonIpReputationList",
        ),
    ],
)
def test_new_checks_have_catalog_rows_with_their_aws_page(
    policy: str, page: str, config: str
) -> None:
    (row,) = [r for r in _rows(catalog.catalog_table()) if r.startswith(f"| `{policy}`")]
    assert page in row
    config_cell = row.rstrip().removesuffix("|").rsplit("|", 1)[-1].strip()
    if config:
        assert config in config_cell
    else:  # a policy without settings shows an empty config cell, not someone else's defaults
        assert config_cell == ""


def test_a_misspelt_reference_is_refused_with_what_is_allowed() -> None:
    with pytest.raises(
        ValueError, match=r"references.py: unknown peer catalog 'prowlr'.*'prowler'"
    ):
        PeerCheck("prowlr", "cognito_user_pool_mfa_enabled")
    with pytest.raises(ValueError, match="not an AWS documentation page"):
        References(("https://example.com/cognito.html",))


def test_the_gate_reads_peer_checks_of_every_catalog_the_pack_sends() -> None:
    """The gate cannot import the pack (it speaks to it over gRPC), so it keeps its own list of
    peer-check tag prefixes: a catalog the pack adds but the gate lacks would vanish from SARIF."""
    from gate.analyzer import PEER_CATALOGS

    assert set(CATALOGS) == set(PEER_CATALOGS)
