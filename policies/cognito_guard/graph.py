"""Following references between resources in a stack policy.

At `pulumi up` the engine gives stack policies each resource's final outputs, so ids and ARNs are
known and compared. During preview they are unknown; the engine's property dependencies still
tell which resource an input came from. When neither decides, the verdict is deferred rather than
guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cognito_guard.framework import Resource, Stack, points_to
from cognito_guard.props import UNKNOWN, Deferred, is_unknown


def _flatten(value: object) -> list[object]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _flatten(item)]
    if isinstance(value, list):
        return [v for item in value for v in _flatten(item)]
    return [value]


def values_at(resource: Resource, prop: str) -> list[object]:
    """Every scalar inside a property (nested maps and lists flattened; unknowns kept)."""
    return _flatten(resource.props.get(prop))


def sources_for(
    stack: Stack,
    target: Resource,
    source_types: Iterable[str],
    prop: str,
    *,
    values: Callable[[Resource], list[object]] | None = None,
) -> list[Resource]:
    """Resources of `source_types` whose `prop` references `target`.

    Raises `Deferred` when nothing references `target` but some candidate's reference is still
    unknown and carries no dependency information.
    """
    read = values or (lambda r: values_at(r, prop))
    found, unresolved = [], False
    for source in stack.of_type(*source_types):
        raw = read(source)
        if points_to(source, target, [prop], raw):
            found.append(source)
        elif any(
            is_unknown(v) or v is UNKNOWN for v in raw
        ) and not source.property_dependencies.get(prop):
            unresolved = True
    if not found and unresolved:
        raise Deferred((prop,))
    return found


def target_of(
    stack: Stack, source: Resource, prop: str, target_types: Iterable[str], value: object
) -> Resource | None:
    """The resource of `target_types` that `source.prop` (whose value is `value`) refers to."""
    candidates = stack.of_type(*target_types)
    matches = [t for t in candidates if points_to(source, t, [prop], [value])]
    if len(matches) == 1:
        return matches[0]
    if matches:
        return None
    if is_unknown(value) or value is UNKNOWN:
        raise Deferred((prop,))
    return None
