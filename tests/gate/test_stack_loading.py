"""Reading a stack the way the Pulumi CLI hands it to a program."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gate.errors import StackFileError, StackNotFoundError
from gate.source_map import read_document
from gate.stack import SECRET_PLACEHOLDER, find_project, load_stack, read_yaml
from tests.repo import ROOT

from .conftest import FIXTURE_PROJECT, run_python


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
        load_stack(find_project(ROOT), "staging")
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


def test_scalars_mean_what_the_pulumi_cli_yaml_v3_makes_of_them(tmp_path: Path) -> None:
    """Go yaml.v3 (https://github.com/go-yaml/yaml/blob/v3/resolve.go): no base-60 numbers, YAML
    1.1 octals still decoded, `1e3` a float, written back as Go's JSON encoder writes it."""
    root = _project(
        tmp_path,
        "config:\n  time: 12:30\n  mode: 017\n  big: 1e3\n  flag: on\n  day: 2024-01-02\n"
        "  pool: {time: 12:30, mode: 017, octal: 0o17, big: 1e3, size: 1_000, yes: yes, t: True}\n",
    )
    config = load_stack(find_project(root), "s")
    assert (config.values["demo:time"], config.values["demo:mode"]) == ("12:30", "15")
    assert (config.values["demo:big"], config.values["demo:flag"]) == ("1000", "on")
    assert config.values["demo:day"] == "2024-01-02 00:00:00 +0000 UTC"  # Go's time.Time.String()
    assert config.values["demo:pool"] == (
        '{"big":1000,"mode":15,"octal":15,"size":1000,"t":true,"time":"12:30","yes":"yes"}'
    )
    assert read_yaml(root / "Pulumi.s.yaml")["config"]["pool"]["big"] == 1000.0


def test_duplicate_keys_are_an_error_naming_both_positions(tmp_path: Path) -> None:
    root = _project(tmp_path, "config:\n  pool:\n    size: 1\n    name: a\n    size: 2\n")
    with pytest.raises(StackFileError) as error:
        load_stack(find_project(root), "s")
    assert error.value.message.startswith(
        "Pulumi.s.yaml:5:5: duplicate key 'size' (first at line 3, column 5)"
    )


def test_duplicate_top_level_keys_in_the_project_file_are_an_error(tmp_path: Path) -> None:
    root = _project(tmp_path, "config: {}\n", "name: demo\nruntime: python\nname: other\n")
    with pytest.raises(StackFileError, match=r"^Pulumi.yaml:3:1: duplicate key 'name'"):
        find_project(root)


def test_merge_keys_and_anchors_expand_with_explicit_keys_winning(tmp_path: Path) -> None:
    root = _project(tmp_path, "config:\n  base: &b {a: 1, b: 2}\n  pool:\n    <<: *b\n    b: 3\n")
    config = load_stack(find_project(root), "s")
    assert json.loads(config.values["demo:pool"]) == {"a": 1, "b": 3}


def test_source_map_knows_line_and_column_and_where_secure_values_are(tmp_path: Path) -> None:
    root = _project(tmp_path, "config:\n  idp:\n    name: x\n    secret: {secure: v1:def}\n")
    config = load_stack(find_project(root), "s")
    assert config.source.position_of(("config", "idp", "secret")) == (4, 5)
    assert config.source.secure == (("config", "idp", "secret"),)


def test_a_value_json_cannot_carry_is_a_stack_file_error(tmp_path: Path) -> None:
    root = _project(tmp_path, "config:\n  limit: .inf\n")
    with pytest.raises(StackFileError, match=r"^config key demo:limit: inf cannot be handed"):
        load_stack(find_project(root), "s")


def test_config_keys_are_parsed_as_the_pulumi_cli_parses_them(tmp_path: Path) -> None:
    """`ns:config:name` is the old spelling of `ns:name`; other keys with two colons are refused,
    with the CLI's own words (config.ParseKey)."""
    root = _project(tmp_path, "config:\n  demo:config:size: 3\n  aws:config:region: eu-west-1\n")
    assert load_stack(find_project(root), "s").values == {
        "demo:size": "3",
        "aws:region": "eu-west-1",
    }
    (root / "Pulumi.s.yaml").write_text("config:\n  demo:aws:region: eu-west-1\n", encoding="utf-8")
    with pytest.raises(StackFileError) as error:
        load_stack(find_project(root), "s")
    assert error.value.message == (
        "Pulumi.s.yaml: could not parse demo:aws:region as a configuration key (configuration "
        "keys should be of the form `<namespace>:<name>`)"
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [("size", "demo:size"), ("demo:size", "demo:config:size")],
)
def test_two_spellings_of_one_config_key_are_refused(
    tmp_path: Path, first: str, second: str
) -> None:
    """The CLI would keep either value, at random: the file must say which it means."""
    root = _project(tmp_path, f"config:\n  {first}: 1\n  {second}: 2\n")
    with pytest.raises(StackFileError) as error:
        load_stack(find_project(root), "s")
    assert error.value.message == (
        f"Pulumi.s.yaml: config keys `{first}` and `{second}` are the same key (demo:size); "
        "the Pulumi CLI would keep one of the two at random: keep one"
    )


WITHOUT_LIBYAML = """
import json, sys
import yaml
del yaml.CSafeLoader  # PyYAML built without libyaml has no C binding
from pathlib import Path
from gate.source_map import read_document
for name in sys.argv[1:]:
    document = read_document(Path(name))
    print(json.dumps([document.value, sorted(map(list, document.source.lines.items()))]))
"""


def test_without_libyaml_pythons_own_parser_reads_the_stack_files_alike() -> None:
    """The reader composes with libyaml through PyYAML's C binding; where PyYAML was built
    without it, its own Python parser (written to match libyaml) gives the same values and
    key positions for the real project and stack files."""
    files = [str(ROOT / name) for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml")]
    done = run_python(["-c", WITHOUT_LIBYAML, *files], dict(os.environ))
    assert done.returncode == 0, done.stderr
    for name, line in zip(files, done.stdout.splitlines(), strict=True):
        document = read_document(Path(name))
        expected = [document.value, sorted(map(list, document.source.lines.items()))]
        assert json.loads(line) == json.loads(json.dumps(expected))
