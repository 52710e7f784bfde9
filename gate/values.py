"""How property values look in reports: secrets stay hidden, unknowns say so, whole floats (the
wire has only doubles) print as integers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gate.analyzer import UNKNOWN, Secret

SECRET_TEXT = "[secret]"
UNKNOWN_TEXT = "[unknown]"


def to_json(value: Any) -> Any:
    """A JSON-safe copy with secrets as `[secret]` and unknowns as `[unknown]`."""
    if value is UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, Secret):
        return SECRET_TEXT
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def display(value: Any, limit: int = 60) -> str:
    """A short one-line rendering for tables."""
    shown = to_json(value)
    text = shown if isinstance(shown, str) else json.dumps(shown, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lookup(properties: Mapping[str, Any], dotted: str) -> Any:
    """`a.b.0.c` inside nested properties; None when any step is missing."""
    current: Any = properties
    for part in dotted.split("."):
        if isinstance(current, Secret):
            return current
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current
