"""Pulumi.yaml against Pulumi's own project schema, and the stack files' conventions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.infra.harness import ROOT

# A copy of ../shared/schemas/pulumi-project.schema.json (pulumi/pulumi sdk/go/common/workspace/project.json).
SCHEMA = Path(__file__).parent / "data" / "pulumi-project.schema.json"


def test_project_file_validates_against_pulumi_schema() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(project, schema)
    assert project["name"] == "enterprise-identity"
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": "venv"},
    }


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
