"""Safe reading of resource properties as the engine delivers them to a policy.

The engine sends camelCase pulumi-aws inputs with every number as a float, secrets already unwrapped
by the SDK and, during preview, some values unknown. The SDK wraps the properties in a proxy that
raises `UnknownValueError` when an unknown value is read; unit tests may also pass plain dicts that
hold the raw unknown sentinel strings. `Props` turns all of that into three outcomes a rule can act
on: a known value, `None` for an absent property (the AWS/provider default applies), or `Deferred`
when the deciding value is unknown, so the rule is skipped at preview and judged at `pulumi up`,
when the engine sends known values. A value of the wrong shape raises `Malformed`, which the
framework reports as a violation instead of crashing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy import Secret
from pulumi_policy.proxy import UnknownValueError

__all__ = ["UNKNOWN", "Deferred", "Malformed", "Props", "is_unknown", "materialize"]

_UNKNOWN_SENTINELS: Final = frozenset(
    {
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string (the engine sends this one for every type)
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)


class _Unknown:
    """Marks a value that is unknown during preview."""

    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _Unknown()

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """`passwordPolicy.minimumLength`, `callbackUrls[2]`: a property path as a reviewer reads it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class Deferred(Exception):  # noqa: N818 - an outcome, not a failure
    """The deciding value is unknown during preview; the rule is judged when it is known."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reason = (
            f"`{dotted(path)}` is unknown during preview; the policy judges it at `pulumi up`, "
            "when the engine sends the known value"
        )
        super().__init__(self.reason)


class Malformed(Exception):  # noqa: N818 - an outcome the framework reports as a violation
    """A property has a value of the wrong shape, so the setting cannot be verified."""

    def __init__(self, path: Path, value: object, expected: str) -> None:
        self.path = path
        self.message = (
            f"`{dotted(path)}` has the malformed value {value!r} (expected {expected}), so this "
            "setting cannot be verified; fix the value."
        )
        super().__init__(self.message)


def is_unknown(value: object) -> bool:
    """True for the unknown marker or a raw unknown sentinel string."""
    return value is UNKNOWN or (isinstance(value, str) and value in _UNKNOWN_SENTINELS)


def _unwrap(value: object) -> object:
    if isinstance(value, Secret):
        value = value.value
    return UNKNOWN if is_unknown(value) else value


def _child(container: object, key: str | int) -> object:
    """One step down; `None` when absent, `UNKNOWN` when unknown."""
    container = _unwrap(container)
    if container is UNKNOWN:
        return UNKNOWN
    try:
        if isinstance(key, str) and isinstance(container, Mapping):
            return _unwrap(container[key]) if key in container else None
        if (
            isinstance(key, int)
            and isinstance(container, Sequence)
            and not isinstance(container, str)
        ):
            return _unwrap(container[key]) if -len(container) <= key < len(container) else None
    except UnknownValueError:
        return UNKNOWN
    return None


def materialize(value: object) -> Any:
    """A plain copy of a (proxied) value; nested unknowns become `UNKNOWN`, secrets their value."""
    value = _unwrap(value)
    if isinstance(value, Mapping):
        return {str(k): materialize(_child(value, str(k))) for k in list(value.keys())}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [materialize(_child(value, i)) for i in range(len(value))]
    return value


_TRUE_STRINGS: Final = frozenset({"true", "True"})
_FALSE_STRINGS: Final = frozenset({"false", "False"})


class Props:
    """Read-only, unknown-aware view of one resource's properties."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @property
    def raw(self) -> Mapping[str, Any]:
        """The properties as the SDK handed them over (needed to remediate in place)."""
        return self._raw

    def get(self, *path: str | int) -> Any:
        """The value at `path`: plain data, `None` if absent, `UNKNOWN` if unknown anywhere."""
        current: object = self._raw
        for key in path:
            current = _child(current, key)
            if current is None or current is UNKNOWN:
                return current
        return materialize(current)

    def known(self, *path: str | int) -> Any:
        """Like `get`, but an unknown value defers the rule; nested unknowns also defer."""
        value = self.get(*path)
        if _contains_unknown(value):
            raise Deferred(path)
        return value

    def flag(self, *path: str | int, default: bool) -> bool:
        """A boolean property; absent means `default` (the AWS/provider default)."""
        value = self.known(*path)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in _TRUE_STRINGS | _FALSE_STRINGS:
            return value in _TRUE_STRINGS
        raise Malformed(path, value, "true or false")

    def number(self, *path: str | int, default: float | None = None) -> float | None:
        """A numeric property (the engine sends floats); absent means `default`."""
        value = self.known(*path)
        if value is None:
            return default
        if isinstance(value, bool):
            raise Malformed(path, value, "a number")
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise Malformed(path, value, "a number")

    def text(self, *path: str | int, default: str | None = None) -> str | None:
        """A string property; absent means `default`."""
        value = self.known(*path)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        raise Malformed(path, value, "a string")

    def strings(self, *path: str | int) -> list[str] | None:
        """A list of strings; `None` when absent. Any unknown element defers the rule."""
        value = self.known(*path)
        if value is None:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        raise Malformed(path, value, "a list of strings")

    def records(self, *path: str | int) -> list[dict[str, Any]]:
        """A list of objects (nested blocks); empty when absent. Unknown elements stay `UNKNOWN`."""
        value = self.get(*path)
        if value is None:
            return []
        if value is UNKNOWN:
            raise Deferred(path)
        if isinstance(value, dict):  # a single block given without its list
            return [value]
        if isinstance(value, list) and all(isinstance(v, dict) or v is UNKNOWN for v in value):
            return [v for v in value if isinstance(v, dict)]
        raise Malformed(path, value, "a list of objects")

    def has(self, *path: str | int) -> bool:
        """True when the property is set (known or unknown)."""
        return self.get(*path) is not None


def _contains_unknown(value: object) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return False
