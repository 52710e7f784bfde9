"""Pulumi.yaml against Pulumi's own project schema, and the stack files' conventions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.repo import ROOT

# A copy of ../shared/schemas/pulumi-project.schema.json (pulumi/pulumi sdk/go/common/workspace/project.json).
SCHEMA = Path(__file__).parent / "data" / "pulumi-project.schema.json"


def test_project_file_validates_against_pulumi_schema() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(project, schema)
    assert project["name"] == "enterprise-identity"
    # The CLI's environment is the repository's: uv on the same .venv and lock as make setup.
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "uv", "virtualenv": ".venv"},
    }


def test_one_source_of_dependencies_and_the_exports_are_current() -> None:
    """pyproject.toml + uv.lock is the only source; the pack's and the bootstrap's hashed
    requirement files are exports of the lock that `make lock` writes, never edited by hand."""
    assert not (ROOT / "requirements.txt").exists()
    assert not (ROOT / "constraints.txt").exists()
    uv = Path(sys.executable).parent / "uv"
    for group, path in (
        ("policy-pack", ROOT / "policies" / "requirements.txt"),
        ("bootstrap", ROOT / "requirements-bootstrap.txt"),
    ):
        exported = subprocess.run(
            [str(uv), "export", "--frozen", "--quiet", "--no-emit-project", "--only-group",
             group, "--format", "requirements-txt", "--no-header"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        committed = path.read_text(encoding="utf-8")
        body = "\n".join(line for line in committed.splitlines() if not line.startswith("#"))
        assert body.strip() == exported.strip(), f"{path.name} is stale: run `make lock`"
        assert "--hash=sha256:" in committed
    pack = (ROOT / "policies" / "requirements.txt").read_text(encoding="utf-8")
    assert "pulumi-policy==1.21.0" in pack
    assert "pulumi==3.272.0" in pack


def test_schema_rejects_a_broken_project_file() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "enterprise-identity", "runtime": 42}, schema)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_top_level_stack_key_has_a_comment(stack: str) -> None:
    lines = Path(ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^  [a-z-]+:[A-Za-z]+:", line):
            assert lines[index - 1].strip().startswith("#"), (
                f"{stack}: {line.strip()} has no comment"
            )
