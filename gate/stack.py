"""Loading a stack as the Pulumi CLI does: the project from `Pulumi.yaml`, the config from
`Pulumi.<stack>.yaml`, flattened into the `PULUMI_CONFIG` form the language host hands to a program.

The CLI passes every config value as a string (objects and lists as JSON), keyed by
`<namespace>:<key>`, and lists the keys that hold a `secure:` value anywhere inside them as secret.
Offline there is no secrets provider, so each `secure:` value is replaced by a placeholder that is
still delivered to the program as a secret.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gate.errors import StackFileError, StackNotFoundError
from gate.source_map import SourceMap


class _Yaml12Loader(yaml.SafeLoader):
    """YAML as the Pulumi CLI (Go, YAML 1.2) reads it: `on`, `yes`, `off`, `no` stay strings."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

SECRET_PLACEHOLDER = "offline-placeholder-secret"


@dataclass(frozen=True)
class Project:
    """The Pulumi project: its root folder, its name and its project-level config defaults."""

    root: Path
    name: str
    defaults: dict[str, Any]


@dataclass(frozen=True)
class StackConfig:
    """One stack's whole config, as the language host would pass it to the program."""

    project: Project
    stack: str
    stack_file: Path
    values: dict[str, str]
    secret_keys: tuple[str, ...]
    source: SourceMap

    @property
    def provider_config(self) -> dict[str, str]:
        """The `aws:*` keys, which configure the default AWS provider."""
        return {key: value for key, value in self.values.items() if key.startswith("aws:")}


def find_project(start: Path) -> Project:
    """Finds `Pulumi.yaml` in `start` or its parents, as the CLI does, and reads the project."""
    for folder in (start.resolve(), *start.resolve().parents):
        project_file = folder / "Pulumi.yaml"
        if project_file.is_file():
            document = read_yaml(project_file)
            name = document.get("name")
            if not isinstance(name, str) or not name:
                raise StackFileError(f"{project_file}: `name` must be a non-empty string")
            return Project(folder, name, _project_defaults(project_file, document, name))
    raise StackFileError(f"no Pulumi.yaml in {start.resolve()} or any parent folder")


def load_stack(project: Project, stack: str, config_file: Path | None = None) -> StackConfig:
    """Reads `Pulumi.<stack>.yaml` (or `config_file`) into the config the program receives."""
    stack_file = config_file or project.root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        known = ", ".join(sorted(available_stacks(project))) or "none"
        raise StackNotFoundError(
            f"unknown stack {stack!r}: {stack_file} does not exist (stacks here: {known})"
        )
    document = read_yaml(stack_file)
    config = document.get("config") or {}
    if not isinstance(config, dict):
        raise StackFileError(f"{stack_file.name}: `config` must be a mapping of keys to values")
    values, secret_keys = wire_config({**project.defaults, **_namespaced(config, project.name)})
    return StackConfig(
        project=project,
        stack=stack,
        stack_file=stack_file,
        values=values,
        secret_keys=secret_keys,
        source=SourceMap.from_file(stack_file),
    )


def wire_config(config: Mapping[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Config as the language host hands it to the program: every value a string (objects as
    JSON), each `secure:` value replaced by a placeholder, and the keys that held one."""
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in config.items():
        plain, is_secret = _strip_secure(value)
        values[key] = _wire_string(plain)
        if is_secret:
            secret_keys.append(key)
    return values, tuple(sorted(secret_keys))


def available_stacks(project: Project) -> list[str]:
    """The stacks that have a settings file next to `Pulumi.yaml`."""
    return [
        path.name[len("Pulumi.") : -len(".yaml")] for path in project.root.glob("Pulumi.*.yaml")
    ]


def read_yaml(path: Path) -> dict[str, Any]:
    """A project or stack file as the CLI reads it (YAML 1.2); errors name the file and line."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name
        raise StackFileError(f"{where}: not valid YAML: {error.problem or error}") from None
    except (OSError, yaml.YAMLError) as error:
        raise StackFileError(f"{path.name}: cannot be read: {error}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise StackFileError(f"{path.name}: the document must be a mapping, not {_kind(document)}")
    return document


def _namespaced(config: dict[Any, Any], project_name: str) -> dict[str, Any]:
    """Keys without a namespace belong to the project, as in `pulumi config set key value`."""
    return {
        (key if ":" in str(key) else f"{project_name}:{key}"): value
        for key, value in config.items()
    }


def _project_defaults(path: Path, document: dict[str, Any], project_name: str) -> dict[str, Any]:
    """Project-level `config:` entries: a plain value, or a declaration with a `default`/`value`."""
    declared = document.get("config") or {}
    if not isinstance(declared, dict):
        raise StackFileError(f"{path.name}: `config` must be a mapping")
    defaults: dict[str, Any] = {}
    for key, entry in _namespaced(declared, project_name).items():
        if isinstance(entry, dict) and ({"default", "value"} & entry.keys()):
            defaults[key] = entry.get("value", entry.get("default"))
        elif not isinstance(entry, dict):
            defaults[key] = entry
    return defaults


def _strip_secure(value: Any) -> tuple[Any, bool]:
    """Replaces every `{secure: ...}` inside `value` by the placeholder; says if there was one."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        found = False
        stripped: dict[str, Any] = {}
        for key, item in value.items():
            stripped[key], secret = _strip_secure(item)
            found = found or secret
        return stripped, found
    if isinstance(value, list):
        pairs = [_strip_secure(item) for item in value]
        return [item for item, _ in pairs], any(secret for _, secret in pairs)
    return value, False


def _wire_string(value: Any) -> str:
    """The string the CLI hands over: scalars as YAML spells them, objects and lists as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), default=str)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else f"a {type(value).__name__}"
