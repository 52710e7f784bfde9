"""The README's rule catalog is generated from the pack's metadata and must not drift."""

from __future__ import annotations

from cognito_guard import catalog
from cognito_guard.pack import all_policies


def test_readme_catalog_matches_the_pack_metadata() -> None:
    current = catalog.README.read_text(encoding="utf-8")
    assert catalog.render_readme(current, catalog.catalog_table()) == current, (
        "policies/README.md is stale: run `python -m cognito_guard.catalog --write` in policies/"
    )


def test_catalog_has_one_row_per_policy_with_its_controls() -> None:
    table = catalog.catalog_table()
    rows = table.splitlines()[2:]
    assert len(rows) == len(all_policies())
    (mfa_row,) = [r for r in rows if r.startswith("| `cognito-user-pool-mfa-required`")]
    assert "securityhub:Cognito.5" in mfa_row
    assert "pci-dss-4.0.1:8.4.2" in mfa_row
    assert "`allowOptional`: `false`" in mfa_row


def test_check_mode_reports_drift(monkeypatch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "README.md"
    stale.write_text(f"intro\n{catalog.START}\n| old |\n{catalog.END}\n")
    monkeypatch.setattr(catalog, "README", stale)
    assert catalog.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert catalog.main(["--write"]) == 0
    assert catalog.main(["--check"]) == 0
