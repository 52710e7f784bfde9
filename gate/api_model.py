"""The AWS API models botocore ships (no network; `gate.api_shapes` reads them), and a validator
of a request against them.

AWS validates every request against the operation's input shape before it acts on it: required
members, types, enums, string lengths, numeric ranges, list and map sizes, patterns. A value that
breaks one of these is refused with a `ValidationException` / `InvalidParameterException` naming
the member and the constraint (each operation's page lists its members' constraints and that
error, e.g. https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html),
so `pulumi up` fails where `pulumi preview` passed. botocore ships the models the SDKs and those
pages are generated from; botocore itself checks only required members, types and minimums before
sending, so maximums, enums and patterns are checked here.

This module knows nothing of Pulumi: it validates API-shaped parameters (`PoolName`,
`Policies.PasswordPolicy.MinimumLength`, ...). `gate.api_mapping` builds those from a resource's
inputs.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from gate.analyzer import UNKNOWN
from gate.api_shapes import (
    ListShape,
    MapShape,
    ServiceModel,
    Shape,
    StringShape,
    StructureShape,
    load_service_model,
)

# Java's `\w`, `\d` and `\s` (the AWS front end validates with Java regular expressions) are ASCII
# only; Python's are Unicode. Pool and client names, for instance, take "uppercase and lowercase
# letters (a-z, A-Z), numbers (0-9), and the following special characters + = , . @ and -":
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-name.html
_JAVA_CLASSES = {"w": "A-Za-z0-9_", "d": "0-9", "s": " \\t\\n\\x0B\\f\\r"}


@dataclass(frozen=True)
class UnknownKey:
    """A map key known only at deployment (e.g. a provider name from another resource's output)."""

    index: int


PathPart = str | int | UnknownKey
ApiPath = tuple[PathPart, ...]


@dataclass(frozen=True)
class ModelViolation:
    """One constraint of the API model a request breaks.

    `observed` and `allowed` complete "`<input>` {observed}; the <Operation> API {allowed}";
    `quotes_value` says `observed` shows the value itself (hidden for secrets)."""

    path: ApiPath
    observed: str
    allowed: str
    quotes_value: bool = False


def api_path_text(path: ApiPath) -> str:
    """`Policies.PasswordPolicy.MinimumLength`, `CallbackURLs[3]`, `RoleMappings[<key>].Type`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif isinstance(part, UnknownKey):
            text += "[<key>]"
        else:
            text += f".{part}" if text else part
    return text


_LOADING = threading.Lock()


def service_model(service: str) -> ServiceModel:
    """The service's newest API model, loaded once per run and only when first needed; a caller
    that comes while another thread loads it waits for that load."""
    with _LOADING:
        return _loaded_model(service)


@functools.cache
def _loaded_model(service: str) -> ServiceModel:
    return load_service_model(service)


def compile_patterns(service: str) -> None:
    """Compiles every string pattern of the service's model ahead of the checks that use them
    (the gate does it on a thread while the program runs)."""
    model = service_model(service)
    for name in model.shape_names:
        pattern = model.shape_for(name).metadata.get("pattern")
        if pattern:
            _compiled(pattern)


def input_shape(service: str, operation: str) -> StructureShape:
    shape = service_model(service).input_shape(operation)
    assert isinstance(shape, StructureShape), f"{service} {operation} takes no input"
    return shape


def validate_request(
    service: str, operation: str, params: Mapping[str, Any], supplied: frozenset[str]
) -> list[ModelViolation]:
    """Every constraint `params` breaks; required members in `supplied` are filled elsewhere."""
    shape = input_shape(service, operation)
    violations = [
        _missing((name,))
        for name in shape.required_members
        if name not in supplied and params.get(name) is None
    ]
    for name, value in params.items():
        member = shape.members.get(name)
        if member is not None:
            violations += validate(member, value, (name,))
    return violations


def validate(shape: Shape, value: Any, path: ApiPath) -> list[ModelViolation]:
    """The constraints of `shape` that `value` breaks; unknown values are skipped, never judged."""
    if value is None or value is UNKNOWN or shape.metadata.get("document"):
        return []
    check = _CHECKS.get(shape.type_name)
    return check(shape, value, path) if check else []


def _structure(shape: Shape, value: Any, path: ApiPath) -> list[ModelViolation]:
    assert isinstance(shape, StructureShape)
    if not isinstance(value, Mapping):
        return [_wrong_type(path, value, "an object")]
    violations = [
        _missing((*path, name)) for name in shape.required_members if value.get(name) is None
    ]
    present = [name for name in shape.members if value.get(name) is not None]
    if shape.metadata.get("union") and len(present) > 1:
        violations.append(
            ModelViolation(path, f"sets {', '.join(present)}", "allows only one of them")
        )
    for name in present:
        violations += validate(shape.members[name], value[name], (*path, name))
    return violations


def _list(shape: Shape, value: Any, path: ApiPath) -> list[ModelViolation]:
    assert isinstance(shape, ListShape)
    if not isinstance(value, Sequence) or isinstance(value, str):
        return [_wrong_type(path, value, "a list")]
    violations = _size(shape, len(value), path, "items")
    for index, item in enumerate(value):
        violations += validate(shape.member, item, (*path, index))
    return violations


def _map(shape: Shape, value: Any, path: ApiPath) -> list[ModelViolation]:
    assert isinstance(shape, MapShape)
    if not isinstance(value, Mapping):
        return [_wrong_type(path, value, "an object")]
    violations = _size(shape, len(value), path, "entries")
    for key, item in value.items():
        if isinstance(key, str):
            violations += [
                ModelViolation(
                    path, f"has the key {_quoted(key)}, which {v.observed}", v.allowed, True
                )
                for v in _string(shape.key, key, path)
            ]
        violations += validate(shape.value, item, (*path, key))
    return violations


def _string(shape: Shape, value: Any, path: ApiPath) -> list[ModelViolation]:
    if not isinstance(value, str):
        return [_wrong_type(path, value, "a string")]
    enum = shape.enum if isinstance(shape, StringShape) else []
    if enum and value not in enum:
        return [ModelViolation(path, f"is {_quoted(value)}", f"allows {', '.join(enum)}", True)]
    violations = _size(shape, len(value), path, "characters", observed_as="is {n} characters long")
    pattern = shape.metadata.get("pattern")
    compiled = _compiled(pattern) if pattern else None
    if compiled is not None and compiled.fullmatch(value) is None:
        # Fully matched: 'test-with-identity-pool' is refused by `[\w ]+`, though it contains
        # matches (https://github.com/getmoto/moto/issues/1979, from a real AWS response).
        violations.append(
            ModelViolation(path, f"is {_quoted(value)}", f"requires the pattern {pattern}", True)
        )
    return violations


def _integer(shape: Shape, value: Any, path: ApiPath) -> list[ModelViolation]:
    if not _is_number(value) or float(value) != int(value):
        return [_wrong_type(path, value, "a whole number")]
    return _range(shape, int(value), path)


def _double(shape: Shape, value: Any, path: ApiPath) -> list[ModelViolation]:
    if not _is_number(value):
        return [_wrong_type(path, value, "a number")]
    return _range(shape, value, path)


def _boolean(_shape: Shape, value: Any, path: ApiPath) -> list[ModelViolation]:
    return [] if isinstance(value, bool) else [_wrong_type(path, value, "true or false")]


def _range(shape: Shape, number: float, path: ApiPath) -> list[ModelViolation]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if (low is None or number >= low) and (high is None or number <= high):
        return []
    return [ModelViolation(path, f"is {_number_text(number)}", f"allows {_bounds(low, high)}")]


def _size(
    shape: Shape, size: int, path: ApiPath, unit: str, observed_as: str = "has {n} {unit}"
) -> list[ModelViolation]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if (low is None or size >= low) and (high is None or size <= high):
        return []
    return [
        ModelViolation(
            path, observed_as.format(n=size, unit=unit), f"allows {_bounds(low, high)} {unit}"
        )
    ]


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{_number_text(low)} to {_number_text(high)}"
    if low is not None:
        return f"{_number_text(low)} or more"
    return f"at most {_number_text(high or 0)}"


def _quoted(text: str) -> str:
    """The value as the user wrote it, in double quotes (non-ASCII characters as they are)."""
    return json.dumps(text, ensure_ascii=False)


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _missing(path: ApiPath) -> ModelViolation:
    return ModelViolation(path, "is not set", f"requires {path[-1]}")


def _wrong_type(path: ApiPath, value: Any, expected: str) -> ModelViolation:
    return ModelViolation(path, f"is {_kind(value)}", f"expects {expected}")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if _is_number(value):
        return f"the number {_number_text(value)}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    return "a list" if isinstance(value, Sequence) else type(value).__name__


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The model's (Java) pattern as a Python one; None when it does not translate (then it is
    not checked)."""
    engine = _regex_engine()
    try:
        compiled: re.Pattern[str] = engine.compile(java_pattern(pattern))
    except engine.error:
        return None
    return compiled


@functools.cache
def _regex_engine() -> ModuleType:
    """`regex`, which has Java's Unicode classes (`\\p{L}`, ...), when installed; else `re`, which
    cannot compile patterns that use them."""
    try:
        return importlib.import_module("regex")
    except ModuleNotFoundError:
        return re


def java_pattern(pattern: str) -> str:
    """`pattern` with Java's ASCII `\\w`, `\\d`, `\\s` spelled out (inside classes too)."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped in _JAVA_CLASSES:
                body = _JAVA_CLASSES[escaped]
                out.append(body if in_class else f"[{body}]")
            else:
                out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


_CHECKS: dict[str, Callable[[Shape, Any, ApiPath], list[ModelViolation]]] = {
    "structure": _structure,
    "list": _list,
    "map": _map,
    "string": _string,
    "integer": _integer,
    "long": _integer,
    "double": _double,
    "float": _double,
    "boolean": _boolean,
}
