"""Reading a stack's config, as Pulumi delivers it, into validated settings.

``load_stack_settings`` is pure (the gate and tests call it with a plain mapping); the
``*_from_pulumi`` functions are the thin layer that reads the running Pulumi program's config.
Messages name the stack file with the line and column of the key (``config_source``).
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Collection, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import ValidationError

from gate.config_keys import parse_config_key
from gate.host_process import CONFIG_FILE_VARIABLE
from settings.base import problem
from settings.errors import (
    PROJECT,
    ConfigProblem,
    ConfigSource,
    KeyPath,
    Position,
    problems_from_validation_error,
    raise_if_problems,
)
from settings.stack import StackSettings

if TYPE_CHECKING:
    from gate.source_map import SourceMap

# CONFIG_FILE_VARIABLE is set by the offline gate (`identity-gate`, gate/host_process.py) and by
# anyone who runs the program on a file they chose: the config file the values come from. The
# Pulumi CLI does not tell a program which file it read (`pulumi up --config-file F` with the
# variable set to F names F).

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


def _secret_problems(
    settings: StackSettings, others: Mapping[str, str], secret_keys: Collection[str] | None
) -> list[ConfigProblem]:
    """Each referenced secret must be set, and set as a `secure:` value (never plain text)."""
    references = secret_references(settings)
    command = "`pulumi config set --secret {key} <value> --stack " + settings.stack + "`"
    found = [
        problem(
            path,
            key,
            f"names config key {PROJECT}:{key}, which is not set; set it with "
            + command.format(key=key),
        )
        for key, path in references.items()
        if key not in others
    ]
    if secret_keys is not None:
        found += [
            problem(
                path,
                key,
                f"names config key {PROJECT}:{key}, which is plain text in the stack file; a "
                "secret must be a `secure:` value - remove it and set it with "
                + command.format(key=key),
            )
            for key, path in references.items()
            if key in others and f"{PROJECT}:{key}" not in secret_keys
        ]
    sections = ", ".join(sorted(_SECTIONS))
    found += [
        ConfigProblem(
            (name,),
            f"is not a known setting; sections are {sections}, and other top-level "
            "keys must be secure: values referenced by a *Key setting",
            has_value=False,
        )
        # (no name has a colon: the Pulumi CLI refuses `enterprise-identity:aws:region` before
        # the program runs, config.ParseKey; so does the gate, gate.stack._config_key)
        for name in sorted(others)
        if name not in references
    ]
    return found


def _namespace_problems(raw: Mapping[str, str]) -> list[ConfigProblem]:
    """Keys under a misspelt project namespace are never read; say which key was meant."""
    found = []
    for key in sorted(raw):
        namespace, _, name = key.partition(":")
        if name and namespace != PROJECT and _near(namespace, PROJECT):
            found.append(
                ConfigProblem(
                    (key,),
                    f"is not read: {namespace} is not this project's namespace; did you mean "
                    f"`{PROJECT}:{name}`?",
                    has_value=False,
                )
            )
    return found


def _near(word: str, target: str) -> bool:
    return difflib.SequenceMatcher(None, word.lower(), target).ratio() >= 0.8


def _nested_secret_problems(
    sections: Collection[str], secret_keys: Collection[str] | None, source: ConfigSource
) -> list[ConfigProblem]:
    """A `secure:` value inside a settings section would reach the program as plain text."""
    if not secret_keys:
        return []
    found = []
    for name in sorted(sections):
        if f"{PROJECT}:{name}" not in secret_keys:
            continue
        paths = [path for path in source.secure_paths() if path[:1] == (name,)] or [(name,)]
        found += [
            ConfigProblem(
                path,
                "holds a `secure:` value, but this setting is not a secret, so the program would "
                "use the value as plain text; put the secret in its own top-level `secure:` key "
                "and name that key in a *Key setting (for example clientSecretKey)",
                has_value=False,
            )
            for path in paths
        ]
    return found


def load_stack_settings(
    stack: str,
    raw: Mapping[str, str],
    secret_keys: Collection[str] | None = None,
    source: ConfigSource | None = None,
) -> StackSettings:
    """Validate a stack's config (``enterprise-identity:<key>`` and ``aws:region``) into settings.

    ``secret_keys`` are the config keys Pulumi marks secret (None: unknown, so plain-text secrets
    cannot be told apart and are not reported); ``source`` names the file and the positions of its
    keys (default: ``Pulumi.<stack>.yaml``, no positions). Raises ``StackConfigError`` listing
    every problem, before any resource is registered.
    """
    source = source or ConfigSource(stack_file_name(stack))
    sections, others = _split(raw)
    early = _namespace_problems(raw) + _nested_secret_problems(sections, secret_keys, source)
    document: dict[str, object] = {**sections, ":stack": stack}
    if "aws:region" in raw:
        document["aws:region"] = raw["aws:region"]
    try:
        settings = StackSettings.model_validate_json(json.dumps(document))
    except ValidationError as exc:
        raise_if_problems(source, early + problems_from_validation_error(exc, ()))
        raise  # pragma: no cover - a ValidationError always carries at least one error
    problems = early + list(settings.problems()) + _secret_problems(settings, others, secret_keys)
    raise_if_problems(source, problems)
    return settings


def config_source(stack: str, config_file: Path | None = None) -> ConfigSource:
    """The file to name in messages, with the position of every key when it can be read.

    ``config_file`` is the file the values came from; without it, ``Pulumi.<stack>.yaml`` in the
    working directory (the project folder under ``pulumi up``) is assumed, and the messages say so.
    The file is parsed for positions only when a message needs one: a valid stack never pays for
    the second read (every ``pulumi preview``, ``pulumi up`` and gate run).
    """
    path = config_file or Path(stack_file_name(stack))
    note = (
        ""
        if config_file
        else f"the Pulumi CLI does not tell a program which config file it read; {path.name} is "
        "assumed (with --config-file, the positions shown may point elsewhere)"
    )
    positions = _StackFilePositions(path)
    return ConfigSource(_shown(path), positions.locate, positions.secure_paths, note)


class _StackFilePositions:
    """Key positions and `secure:` values of a stack file, read on first use."""

    def __init__(self, path: Path) -> None:
        self._path = path

    @cached_property
    def _source(self) -> SourceMap:
        from gate.source_map import SourceMap  # the YAML reader the gate uses, as the CLI reads

        return SourceMap.from_file(self._path)

    def locate(self, key_path: KeyPath) -> Position | None:
        return _locate(self._source.lines, self._source.columns, key_path)

    def secure_paths(self) -> tuple[KeyPath, ...]:
        return tuple(
            _config_path(file_path[1:]) for file_path in self._source.secure if len(file_path) > 2
        )


def _shown(path: Path) -> str:
    """The path as a user would type it from the project folder."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _config_path(file_path: KeyPath) -> KeyPath:
    """``("enterprise-identity:userPool", "mfa")`` -> ``("userPool", "mfa")``, however the file
    spells the key (`gate.config_keys`); other namespaces stay."""
    first = str(file_path[0])
    key = parse_config_key(first, PROJECT) or first
    return (key.removeprefix(f"{PROJECT}:"), *file_path[1:])


def _locate(
    lines: Mapping[KeyPath, int], columns: Mapping[KeyPath, int], key_path: KeyPath
) -> Position | None:
    """The position of the longest part of ``key_path`` found under ``config:``, under whichever
    spelling of its first key the stack file uses (with or without the project's namespace, or
    the old ``namespace:config:name``)."""
    if not key_path:
        return None
    wanted = parse_config_key(str(key_path[0]), PROJECT) or str(key_path[0])
    spellings = [
        path[1]
        for path in lines
        if len(path) == 2
        and path[0] == "config"
        and parse_config_key(str(path[1]), PROJECT) == wanted
    ] or [wanted]  # a key the file lacks: its nearest written part is `config:`
    found = [
        (length, path[:length])
        for spelling in spellings
        for path in [("config", spelling, *key_path[1:])]
        for length in range(len(path), 0, -1)
        if path[:length] in lines
    ]
    if not found:
        return None
    _, best = max(found, key=lambda item: item[0])
    return lines[best], columns.get(best, 1)


def raw_config_from_pulumi() -> dict[str, str]:
    """The running program's whole config, in the form Pulumi delivers it (PULUMI_CONFIG)."""
    # The engine passes config in PULUMI_CONFIG; the mock runtime (tests, the offline gate)
    # sets it with set_all_config. Explicitly set values win, as in pulumi.Config.
    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


def secret_keys_from_pulumi(raw: Mapping[str, str]) -> set[str]:
    """The config keys Pulumi marks secret (PULUMI_CONFIG_SECRET_KEYS, or set by the mock runtime)."""
    return set(runtime_config.get_config_secret_keys_env()) | {
        key for key in raw if runtime_config.is_config_secret(key)
    }


def load_settings_from_pulumi() -> StackSettings:
    """The thin layer used by ``__main__.py``: read the stack's config and validate it."""
    stack = pulumi.get_stack()
    raw = raw_config_from_pulumi()
    config_file = os.environ.get(CONFIG_FILE_VARIABLE)
    source = config_source(stack, Path(config_file) if config_file else None)
    return load_stack_settings(stack, raw, secret_keys_from_pulumi(raw), source)


def read_secrets(settings: StackSettings) -> dict[str, pulumi.Output[str]]:
    """Every referenced ``secure:`` value as a Pulumi secret Output (never plain text)."""
    config = pulumi.Config(PROJECT)
    return {key: config.require_secret(key) for key in secret_references(settings)}
