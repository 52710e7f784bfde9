"""Keep secrets (temporary passwords, client secrets, tokens, sessions) out of every output.

Two layers, because either alone leaks:
- by key: ``redact`` replaces the value of any mapping key that names a secret, so a boto3 request
  or response can be logged or reported safely;
- by value: secrets the process learns at run time (a client secret read from the pool, a token
  returned by sign-in, a password read from the environment) are registered with ``remember`` and
  scrubbed from every byte written to stdout, stderr, reports and logs by ``ScrubbingStream``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import IO, Any

MASK = "***"

#: Mapping keys whose values are secrets (boto3 parameter names and our own field names).
SECRET_KEY = re.compile(
    r"password|secret|token|session|srp_a|srp_b|signature|otp|totp_code|authorization",
    re.IGNORECASE,
)

_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


class _SecretRegistry:
    """Process-wide set of secret values seen at run time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: frozenset[str] = frozenset()

    def add(self, value: str) -> None:
        if len(value) < _MIN_SECRET_LENGTH:
            return
        with self._lock:
            self._values = self._values | {value}

    def scrub(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, MASK)
        return text

    def clear(self) -> None:
        with self._lock:
            self._values = frozenset()


_REGISTRY = _SecretRegistry()


def remember(*values: str | None) -> None:
    """Register secret values so they are masked wherever they would be written."""
    for value in values:
        if value:
            _REGISTRY.add(value)


def scrub(text: str) -> str:
    """Mask every registered secret value in ``text``."""
    return _REGISTRY.scrub(text)


def forget_all() -> None:
    """Drop registered secrets (tests run many commands in one process)."""
    _REGISTRY.clear()


def is_secret_key(key: str) -> bool:
    """True if a mapping key names a secret."""
    return bool(SECRET_KEY.search(key))


def redact(value: Any) -> Any:
    """Deep copy of ``value`` with the text values of secret-named keys masked.

    Only text can be a secret: a count under a secret-sounding key (the user status
    ``FORCE_CHANGE_PASSWORD: 3``, ``tokenValidityMinutes: 60``) is left as it is, and containers
    under such keys are redacted item by item.
    """
    if isinstance(value, Mapping):
        return {
            key: (
                MASK
                if isinstance(key, str) and is_secret_key(key) and isinstance(item, str | bytes)
                else redact(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return scrub(value)
    return value


class ScrubbingStream:
    """A text stream wrapper that masks registered secrets in everything written through it."""

    def __init__(self, inner: IO[str]) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(scrub(text))
        return len(text)

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._inner, "encoding", "utf-8") or "utf-8"
