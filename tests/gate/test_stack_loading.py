"""Reading a stack the way the Pulumi CLI hands it to a program."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.errors import StackFileError, StackNotFoundError
from gate.stack import SECRET_PLACEHOLDER, find_project, load_stack

from .conftest import FIXTURE_PROJECT, REPO


def _project(
    tmp_path: Path, stack_text: str, project_text: str = "name: demo\nruntime: python\n"
) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(project_text, encoding="utf-8")
    (tmp_path / "Pulumi.s.yaml").write_text(stack_text, encoding="utf-8")
    return tmp_path


def test_values_are_strings_objects_json_and_bare_keys_namespaced(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        "config:\n  aws:region: eu-west-1\n  size: 3\n  on: true\n  pool: {a: 1, b: [x]}\n",
    )
    config = load_stack(find_project(root), "s")
    assert config.values["aws:region"] == "eu-west-1"
    assert config.values["demo:size"] == "3"
    assert config.values["demo:on"] == "true"
    assert json.loads(config.values["demo:pool"]) == {"a": 1, "b": ["x"]}
    assert config.provider_config == {"aws:region": "eu-west-1"}


def test_secure_values_become_placeholder_secrets_even_nested(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        "config:\n  token:\n    secure: v1:abc\n  idp:\n    name: x\n    secret: {secure: v1:def}\n  plain: 1\n",
    )
    config = load_stack(find_project(root), "s")
    assert config.values["demo:token"] == SECRET_PLACEHOLDER
    assert json.loads(config.values["demo:idp"])["secret"] == SECRET_PLACEHOLDER
    assert config.secret_keys == ("demo:idp", "demo:token")


def test_project_config_defaults_apply_unless_the_stack_overrides(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        "config:\n  b: stack\n",
        "name: demo\nruntime: python\nconfig:\n  a: {type: string, default: dflt}\n  b: {default: project}\n",
    )
    config = load_stack(find_project(root), "s")
    assert config.values["demo:a"] == "dflt"
    assert config.values["demo:b"] == "stack"


def test_unknown_stack_names_the_file_and_the_stacks_there() -> None:
    with pytest.raises(StackNotFoundError) as error:
        load_stack(find_project(REPO), "staging")
    assert "Pulumi.staging.yaml does not exist" in error.value.message
    assert "dev" in error.value.message
    assert "prod" in error.value.message


def test_bad_yaml_names_file_line_and_column() -> None:
    with pytest.raises(StackFileError) as error:
        load_stack(find_project(FIXTURE_PROJECT), "badyaml")
    assert error.value.message.startswith("Pulumi.badyaml.yaml:4:")
    assert "not valid YAML" in error.value.message


def test_config_must_be_a_mapping(tmp_path: Path) -> None:
    root = _project(tmp_path, "config: [a, b]\n")
    with pytest.raises(StackFileError, match="`config` must be a mapping"):
        load_stack(find_project(root), "s")


def test_source_map_knows_the_line_of_each_key() -> None:
    config = load_stack(find_project(FIXTURE_PROJECT), "ok")
    lines = (FIXTURE_PROJECT / "Pulumi.ok.yaml").read_text(encoding="utf-8").splitlines()
    line = config.source.line_of(("config", "gate-fixture:pool", "minimumLength"))
    assert lines[line - 1].strip() == "minimumLength: 14"
