"""Reading a stack's config, as Pulumi delivers it, into validated settings.

``load_stack_settings`` is pure (the gate and tests call it with a plain mapping); the
``*_from_pulumi`` functions are the thin layer that reads the running Pulumi program's config.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import ValidationError

from settings.base import problem
from settings.errors import (
    PROJECT,
    ConfigProblem,
    problems_from_validation_error,
    raise_if_problems,
)
from settings.stack import StackSettings

_SECTIONS = frozenset(
    field.alias or name
    for name, field in StackSettings.model_fields.items()
    if not (field.alias or "").startswith((":", "aws:"))
)


def stack_file_name(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


def _parse(value: str) -> object:
    """Pulumi hands structured values over as JSON text and plain strings as they are."""
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


def _split(raw: Mapping[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """Project keys -> (known sections, other top-level keys such as secure: values)."""
    sections: dict[str, object] = {}
    others: dict[str, str] = {}
    prefix = f"{PROJECT}:"
    for key, value in raw.items():
        if not key.startswith(prefix):
            continue
        name = key[len(prefix) :]
        if name in _SECTIONS:
            sections[name] = _parse(value)
        else:
            others[name] = value
    return sections, others


def secret_references(settings: StackSettings) -> dict[str, tuple[str | int, ...]]:
    """Every ``secure:`` config key the settings refer to -> the key path that names it."""
    references: dict[str, tuple[str | int, ...]] = {}
    for index, provider in enumerate(settings.identity_providers):
        for field, key in provider.secret_keys().items():
            references.setdefault(key, ("identityProviders", index, field))
    for index, tenant in enumerate(settings.tenants):
        if tenant.sso is not None:
            for field, key in tenant.sso.secret_keys().items():
                references.setdefault(key, ("tenants", index, "sso", field))
    return references


def _secret_problems(settings: StackSettings, others: Mapping[str, str]) -> list[ConfigProblem]:
    references = secret_references(settings)
    found = [
        problem(
            path,
            key,
            f"names config key {PROJECT}:{key}, which is not set; set it with "
            f"`pulumi config set --secret {key} <value> --stack {settings.stack}`",
        )
        for key, path in references.items()
        if key not in others
    ]
    sections = ", ".join(sorted(_SECTIONS))
    found += [
        ConfigProblem(
            (name,),
            f"is not a known setting; sections are {sections}, and other top-level "
            "keys must be secure: values referenced by a *Key setting",
            has_value=False,
        )
        if not name.startswith("aws:")
        else ConfigProblem((name,), "is not a known setting", has_value=False)
        for name in sorted(others)
        if name not in references
    ]
    return found


def load_stack_settings(stack: str, raw: Mapping[str, str]) -> StackSettings:
    """Validate a stack's config (``enterprise-identity:<key>`` and ``aws:region``) into settings.

    Raises ``StackConfigError`` listing every problem, before any resource is registered.
    """
    stack_file = stack_file_name(stack)
    sections, others = _split(raw)
    document: dict[str, object] = {**sections, ":stack": stack}
    if "aws:region" in raw:
        document["aws:region"] = raw["aws:region"]
    try:
        settings = StackSettings.model_validate_json(json.dumps(document))
    except ValidationError as exc:
        raise_if_problems(stack_file, problems_from_validation_error(exc, ()))
        raise  # pragma: no cover - a ValidationError always carries at least one error
    problems = list(settings.problems()) + _secret_problems(settings, others)
    raise_if_problems(stack_file, problems)
    return settings


def raw_config_from_pulumi() -> dict[str, str]:
    """The running program's whole config, in the form Pulumi delivers it (PULUMI_CONFIG)."""
    # The engine passes config in PULUMI_CONFIG; the mock runtime (tests, the offline gate)
    # sets it with set_all_config. Explicitly set values win, as in pulumi.Config.
    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


def load_settings_from_pulumi() -> StackSettings:
    """The thin layer used by ``__main__.py``: read the stack's config and validate it."""
    return load_stack_settings(pulumi.get_stack(), raw_config_from_pulumi())


def read_secrets(settings: StackSettings) -> dict[str, pulumi.Output[str]]:
    """Every referenced ``secure:`` value as a Pulumi secret Output (never plain text)."""
    config = pulumi.Config(PROJECT)
    return {key: config.require_secret(key) for key in secret_references(settings)}
