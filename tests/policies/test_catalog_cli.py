"""`python -m cognito_guard.catalog`: what a maintainer sees when printing, checking or refreshing
the README tables, and how a row shows a policy that lacks optional metadata.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi_policy import ResourceValidationPolicy

from cognito_guard import catalog

COMMITTED = catalog.README.read_text(encoding="utf-8")


def _readme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalog, "README", path)
    return path


def test_without_a_mode_both_tables_are_printed_one_blank_line_apart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert catalog.main([]) == 0
    assert capsys.readouterr().out == f"{catalog.catalog_table()}\n\n{catalog.coverage_table()}\n"


def test_check_passes_on_the_committed_readme_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _readme(tmp_path, monkeypatch, COMMITTED)
    assert catalog.main(["--check"]) == 0
    assert capsys.readouterr().out == ""
    assert path.read_text(encoding="utf-8") == COMMITTED


def test_check_names_the_file_and_the_command_that_refreshes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = COMMITTED.replace("| `cognito-password-history` |", "| `cognito-password-hist` |", 1)
    path = _readme(tmp_path, monkeypatch, stale)
    assert catalog.main(["--check"]) == 1
    assert capsys.readouterr().out == (
        f"{path}: the generated tables are stale; run `python -m cognito_guard.catalog --write`\n"
    )
    assert catalog.main(["--write"]) == 0
    assert path.read_text(encoding="utf-8") == COMMITTED


def test_help_describes_the_command_and_both_modes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        catalog.main(["--help"])
    assert exit_info.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert " Print or refresh the cognito-guard rule catalog and peer-check coverage. " in shown
    assert f"--write refresh the tables in {catalog.README}" in shown
    assert "--check exit 1 if the README tables are stale" in shown


def test_a_readme_without_the_markers_is_refused_with_their_names() -> None:
    with pytest.raises(
        ValueError, match="the markers <!-- catalog:start --> / <!-- catalog:end -->"
    ):
        catalog.CATALOG.replace("no tables here", "| row |")
    with pytest.raises(ValueError, match="catalog:end"):
        catalog.CATALOG.replace("<!-- catalog:start -->\n| old |\n", "| row |")


def test_a_row_escapes_pipes_and_newlines_and_shows_missing_metadata_as_empty() -> None:
    bare = ResourceValidationPolicy(
        name="cognito-example",
        description="Splits | cells\nacross lines.",
        validate=lambda _args, _report: None,
        tags=["aws-doc:https://docs.aws.amazon.com/cognito/latest/developerguide/"],
    )
    row = catalog.catalog_table([bare]).splitlines()[-1]
    assert row == (
        "| `cognito-example` |  |  | advisory |  | Splits \\| cells across lines. | "
        "[developerguide](https://docs.aws.amazon.com/cognito/latest/developerguide/) |  |  |  |"
    )
