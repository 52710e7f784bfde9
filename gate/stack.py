"""Loading a stack as the Pulumi CLI does: the project from `Pulumi.yaml`, the config from
`Pulumi.<stack>.yaml`, flattened into the `PULUMI_CONFIG` form the language host hands to a program.

The CLI passes every config value as a string (objects and lists as JSON), keyed by
`<namespace>:<key>`, and lists the keys that hold a `secure:` value anywhere inside them as secret.
Offline there is no secrets provider, so each `secure:` value is replaced by a placeholder that is
still delivered to the program as a secret. Files are read by `gate.source_map`, which resolves
scalars as the CLI's YAML library (Go yaml.v3) does and knows the line and column of every key.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from gate.config_keys import parse_config_key
from gate.errors import StackFileError, StackNotFoundError
from gate.source_map import SourceMap, YamlDocument, YamlError, read_document

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
    document = _read_mapping(stack_file)
    config = document.value.get("config") or {}
    if not isinstance(config, dict):
        raise StackFileError(f"{stack_file.name}: `config` must be a mapping of keys to values")
    values, secret_keys = wire_config(
        {**project.defaults, **_namespaced(config, project.name, stack_file.name)}
    )
    return StackConfig(
        project=project,
        stack=stack,
        stack_file=stack_file,
        values=values,
        secret_keys=secret_keys,
        source=document.source,
    )


def wire_config(config: Mapping[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Config as the language host hands it to the program: every value a string (objects as
    JSON), each `secure:` value replaced by a placeholder, and the keys that held one.

    The CLI decodes every value, top-level ones included, into yaml.v3's types and writes numbers
    back as Go's JSON encoder does (`size: 017` reaches the program as "15", `1e3` as "1000"):
    https://github.com/pulumi/pulumi/blob/master/sdk/go/common/resource/config/value.go
    (`UnmarshalYAML` -> `object.MarshalString`).
    """
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in config.items():
        plain, is_secret = _strip_secure(value)
        try:
            values[key] = _wire_string(plain)
        except ValueError as error:
            raise StackFileError(f"config key {key}: {error}") from None
        if is_secret:
            secret_keys.append(key)
    return values, tuple(sorted(secret_keys))


def available_stacks(project: Project) -> list[str]:
    """The stacks that have a settings file next to `Pulumi.yaml`."""
    return [
        path.name[len("Pulumi.") : -len(".yaml")] for path in project.root.glob("Pulumi.*.yaml")
    ]


def read_yaml(path: Path) -> dict[str, Any]:
    """A project or stack file as the CLI reads it (Go yaml.v3); errors name file:line:column."""
    value: dict[str, Any] = _read_mapping(path).value
    return value


def _read_mapping(path: Path) -> YamlDocument:
    """The file's document, which must be a mapping (an empty file is an empty one)."""
    try:
        document = read_document(path)
    except YamlError as error:
        raise StackFileError(str(error)) from None
    except OSError as error:
        raise StackFileError(f"{path.name}: cannot be read: {error}") from None
    if document.value is None:
        return YamlDocument({}, document.source)
    if not isinstance(document.value, dict):
        raise StackFileError(
            f"{path.name}: the document must be a mapping, not {_kind(document.value)}"
        )
    return document


def _namespaced(config: dict[Any, Any], project_name: str, file_name: str) -> dict[str, Any]:
    """The config keys as the Pulumi CLI reads them (`gate.config_keys`). Two spellings of one
    key are refused here: the CLI builds its map by iterating a Go map, so which of the two values
    a deployment gets is left to chance.
    """
    keys: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    for raw, value in config.items():
        key = _config_key(str(raw), project_name, file_name)
        if key in spelled:
            raise StackFileError(
                f"{file_name}: config keys `{spelled[key]}` and `{raw}` are the same key "
                f"({key}); the Pulumi CLI would keep one of the two at random: keep one"
            )
        spelled[key] = str(raw)
        keys[key] = value
    return keys


def _config_key(raw: str, project_name: str, file_name: str) -> str:
    key = parse_config_key(raw, project_name)
    if key is None:
        raise StackFileError(
            f"{file_name}: could not parse {raw} as a configuration key (configuration keys should "
            "be of the form `<namespace>:<name>`)"
        )
    return key


def _project_defaults(path: Path, document: dict[str, Any], project_name: str) -> dict[str, Any]:
    """Project-level `config:` entries: a plain value, or a declaration with a `default`/`value`."""
    declared = document.get("config") or {}
    if not isinstance(declared, dict):
        raise StackFileError(f"{path.name}: `config` must be a mapping")
    defaults: dict[str, Any] = {}
    for key, entry in _namespaced(declared, project_name, path.name).items():
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
        return _go_number(value)
    return _go_json(value)


def _go_json(value: Any) -> str:
    """Compact JSON as Go's encoding/json writes it: object keys sorted, Go's number format."""
    if isinstance(value, dict):
        items = (f"{json.dumps(str(key))}:{_go_json(value[key])}" for key in sorted(value))
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_go_json(item) for item in value) + "]"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _go_number(value)
    return json.dumps(value)


def _go_number(value: float) -> str:
    """Go's float64 JSON text: plain digits from 1e-6 up to 1e21 (`1e3` -> `1000`), else
    exponent form without padding (`1e-07` -> `1e-7`); NaN and infinities cannot be encoded."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"{value} cannot be handed to the program (JSON has no NaN or infinity)")
    if value == 0 or 1e-6 <= abs(value) < 1e21:
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, exponent = repr(value).split("e")
    return f"{mantissa}e{exponent[0]}{exponent[1:].lstrip('0')}"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else f"a {type(value).__name__}"
