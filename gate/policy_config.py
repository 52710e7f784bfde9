"""Policy-pack configuration, read and reconciled the way the Pulumi engine does it.

`pulumi preview --policy-pack DIR --policy-pack-config FILE` parses FILE with
`pkg/resource/analyzer/config.go`: every top-level key is a policy name (or `"all"`), its value is
either an enforcement level string or an object with an optional `enforcementLevel` plus that
policy's properties. The engine then reconciles it with the pack (`ReconcilePolicyPackConfig`):
start from each policy's own enforcement level and its schema defaults, apply the pack's initial
config, then the file (`"all"` first, then each policy), validate each policy's properties against
its `config_schema`, and send the result to the pack's `Configure`.

Unlike the engine, a key that names no policy of the pack is an error here: a misspelt policy name
would otherwise be silently ignored and its threshold never applied.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import jsonschema

from gate.analyzer import ENFORCEMENT_LEVELS, AnalyzerInfo, PolicyMeta

__all__ = ["ALL_POLICIES", "PolicyConfigError", "load_policy_config", "reconcile_policy_config"]

ALL_POLICIES: Final = "all"
ENFORCEMENT_KEY: Final = "enforcementLevel"

PolicyConfig = dict[str, dict[str, object]]


class PolicyConfigError(Exception):
    """A policy-pack config file is unreadable or invalid; the message names file, policy, key."""


def _parse_level(source: str, policy: str, value: object) -> str:
    if not isinstance(value, str) or value not in ENFORCEMENT_LEVELS:
        raise PolicyConfigError(
            f"{source}: {policy}.{ENFORCEMENT_KEY}: {value!r} is not a valid enforcement level "
            f"(allowed: {', '.join(ENFORCEMENT_LEVELS)})"
        )
    return value


def _parse_entries(source: str, document: object) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """The file's entries as (enforcement level or None, properties), empty ones dropped."""
    if not isinstance(document, dict):
        raise PolicyConfigError(
            f'{source}: the top level must be a JSON object keyed by policy name or "all"'
        )
    entries: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for policy, value in document.items():
        if isinstance(value, str):
            entries[policy] = (_parse_level(source, policy, value), {})
        elif isinstance(value, dict):
            properties = dict(value)
            level = None
            if ENFORCEMENT_KEY in properties:
                level = _parse_level(source, policy, properties.pop(ENFORCEMENT_KEY))
            if level is not None or properties:
                entries[policy] = (level, properties)
        else:
            raise PolicyConfigError(
                f"{source}: {policy}: {value!r} is not a valid value; must be an enforcement level "
                "string or an object"
            )
    return entries


def _defaults(policy: PolicyMeta) -> dict[str, object]:
    properties = (policy.config_schema or {}).get("properties") or {}
    return {
        key: schema["default"]
        for key, schema in properties.items()
        if isinstance(schema, Mapping) and "default" in schema
    }


def _apply(
    result: dict[str, tuple[str, dict[str, object]]],
    entries: Mapping[str, tuple[str | None, dict[str, Any]]],
) -> None:
    """`applyConfig`: the pack-wide level first, then each policy's level and properties."""
    everything = entries.get(ALL_POLICIES)
    if everything is not None and everything[0] is not None:
        for name, (_, properties) in result.items():
            result[name] = (everything[0], properties)
    for name, (level, properties) in entries.items():
        current_level, current_properties = result.get(name, ("", {}))
        result[name] = (level or current_level, {**current_properties, **properties})


def _validate(source: str, policy: PolicyMeta, properties: Mapping[str, object]) -> None:
    schema = policy.config_schema
    if not schema:
        return
    document_schema: dict[str, Any] = {"type": "object"}
    if schema.get("properties"):
        document_schema["properties"] = schema["properties"]
    if schema.get("required"):
        document_schema["required"] = list(schema["required"])
    validator = jsonschema.Draft7Validator(document_schema)
    errors = sorted(validator.iter_errors(dict(properties)), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        key = ".".join(str(part) for part in error.absolute_path)
        where = f"{policy.name}.{key}" if key else policy.name
        allowed = ", ".join(sorted((schema.get("properties") or {}).keys()))
        raise PolicyConfigError(
            f"{source}: {where}: {error.message}"
            + (f" (settable keys: {allowed})" if allowed else "")
        )


def reconcile_policy_config(
    document: object, info: AnalyzerInfo, *, source: str = "<policy config>"
) -> PolicyConfig:
    """The `Configure` payload for `info`'s pack given a parsed config document."""
    entries = _parse_entries(source, document)
    known = {policy.name for policy in info.policies}
    for name in entries:
        if name != ALL_POLICIES and name not in known:
            raise PolicyConfigError(
                f"{source}: {name}: the pack {info.name!r} has no such policy "
                f"(known policies: {', '.join(sorted(known))})"
            )
    result: dict[str, tuple[str, dict[str, object]]] = {
        policy.name: (policy.enforcement_level, _defaults(policy)) for policy in info.policies
    }
    if info.initial_config:
        initial = {
            name: (
                str(value[ENFORCEMENT_KEY]) if ENFORCEMENT_KEY in value else None,
                {k: v for k, v in value.items() if k != ENFORCEMENT_KEY},
            )
            for name, value in info.initial_config.items()
        }
        _apply(result, initial)
    _apply(result, entries)
    for policy in info.policies:
        _validate(source, policy, result[policy.name][1])
    return {name: {ENFORCEMENT_KEY: level, **props} for name, (level, props) in result.items()}


def load_policy_config(path: Path, info: AnalyzerInfo) -> PolicyConfig:
    """Read a `--policy-pack-config` file and return what the engine would send to `Configure`."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyConfigError(f"{source}: cannot read the policy config: {exc.strerror}") from exc
    if not text.strip():
        return reconcile_policy_config({}, info, source=source)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyConfigError(
            f"{source}: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"
        ) from exc
    return reconcile_policy_config(document, info, source=source)
