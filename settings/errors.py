"""Turning bad stack configuration into messages people can act on.

Every problem names the stack file (``file:line:column`` when the key's position is known), the
full config key path, the offending value and what is allowed, one problem per line, so a real
``pulumi up`` prints them without a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pydantic import ValidationError

PROJECT = "enterprise-identity"

# Values of pydantic discriminators that appear in error locations but are not config keys.
_UNION_TAGS = frozenset(
    {"SAML", "OIDC", "Google", "Facebook", "SignInWithApple", "LoginWithAmazon"}
)

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column
_PLAIN_KEY = re.compile(r"[\w:.-]+")


def _nowhere(_path: KeyPath) -> Position | None:
    return None


@dataclass(frozen=True)
class ConfigSource:
    """The stack file the messages name, and where each config key path sits in it.

    ``locate`` takes a problem's key path (relative to the project namespace, or starting with a
    full ``namespace:key``) and answers the line and column of the longest part of it found in the
    file. ``note`` is said once, after the problems, when the file is an assumption.
    """

    name: str
    locate: Callable[[KeyPath], Position | None] = _nowhere
    secure_paths: Callable[[], tuple[KeyPath, ...]] = tuple
    """The config key paths that hold a `secure:` value (read from the file only when asked)."""
    note: str = ""


class StackConfigError(pulumi.RunError):
    """The stack's configuration is invalid; the message lists every problem, one per line."""

    def __init__(self, problems: Sequence[str], note: str) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join([*self.problems, *([f"note: {note}"] if note else [])]))


@dataclass(frozen=True)
class ConfigProblem:
    """One invalid value: where it is (relative to the project namespace), what it is, why it is wrong."""

    path: KeyPath
    message: str
    value: Any = None
    has_value: bool = True


_MISSING = object()


def describe_value(value: Any) -> str:
    """Render a config value compactly, the way it would appear in the YAML (config values are
    JSON: the Pulumi CLI hands them over as JSON text)."""
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def format_path(path: KeyPath, *, namespace: str = PROJECT) -> str:
    """``("userPool", "mfa", 0)`` -> ``enterprise-identity:userPool.mfa[0]``; a path that starts
    with a full key (``aws:region``, ``enterprise-identiy:userPool``) keeps its own namespace."""
    if path and ":" in str(path[0]):
        namespace, first = str(path[0]).split(":", 1)
        path = (first, *path[1:])
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = part if _PLAIN_KEY.fullmatch(part) else json.dumps(part)
            text += f".{key}" if text else key
    return f"{namespace}:{text}" if text else namespace


def format_problem(source: ConfigSource, problem: ConfigProblem) -> str:
    """``file:line:column: key.path: value message`` (``file: ...`` when the key is not found)."""
    position = source.locate(problem.path)
    where = f"{source.name}:{position[0]}:{position[1]}" if position else source.name
    prefix = f"{where}: {format_path(problem.path)}:"
    if problem.has_value:
        return f"{prefix} {describe_value(problem.value)} {problem.message}"
    return f"{prefix} {problem.message}"


def _allowed(ctx: dict[str, Any], key: str = "expected") -> str:
    """pydantic's list of allowed values, quoted as the messages quote values (`"SAML"`)."""
    return str(ctx.get(key, "")).replace("'", '"')


def problem_from_pydantic(error: Any, base: KeyPath) -> ConfigProblem:
    """Translate one pydantic error (a dict from ``ValidationError.errors()``) into a problem."""
    loc: KeyPath = tuple(
        part for part in error["loc"] if not (isinstance(part, str) and part in _UNION_TAGS)
    )
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    kind: str = error["type"]
    value = error.get("input", _MISSING)
    path = base + loc
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        path = (*path, str(ctx.get("discriminator", "type")).strip("'"))
        value = ctx.get("tag", _MISSING)
    messages = {
        "missing": "is required",
        "extra_forbidden": "is not a known setting here; check the spelling against the README config reference",
        "literal_error": f"is not allowed; allowed: {_allowed(ctx)}",
        "greater_than_equal": f"is below the minimum {ctx.get('ge')}",
        "less_than_equal": f"is above the maximum {ctx.get('le')}",
        "string_too_short": f"is too short; it needs at least {ctx.get('min_length')} characters",
        "string_too_long": f"is too long; at most {ctx.get('max_length')} characters are allowed",
        "too_short": f"has too few items; at least {ctx.get('min_length')} are required",
        "too_long": f"has too many items; at most {ctx.get('max_length')} are allowed",
        "string_pattern_mismatch": f"does not match the allowed pattern {ctx.get('pattern')}",
        "union_tag_invalid": f"is not a known type; allowed: {_allowed(ctx, 'expected_tags')}",
        "union_tag_not_found": "is required (it selects the kind of entry)",
    }
    if kind in messages:
        message = messages[kind]
    elif kind.startswith("aws_"):
        message = error["msg"]
    else:
        message = error["msg"][0].lower() + error["msg"][1:] if error["msg"] else kind
        message = message.removeprefix("value error, ")
    if kind == "missing" or kind == "union_tag_not_found" or value is _MISSING:
        return ConfigProblem(path, message, has_value=False)
    return ConfigProblem(path, message, value)


def problems_from_validation_error(exc: ValidationError, base: KeyPath) -> list[ConfigProblem]:
    return [problem_from_pydantic(error, base) for error in exc.errors(include_url=False)]


def raise_if_problems(source: ConfigSource, problems: Iterable[ConfigProblem]) -> None:
    """Raises ``StackConfigError`` with one line per problem (and the source's note, if any)."""
    lines = [format_problem(source, problem) for problem in problems]
    if lines:
        raise StackConfigError(lines, source.note)
