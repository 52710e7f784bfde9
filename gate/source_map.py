"""Project and stack files read the way the Pulumi CLI reads them, with the position of every key.

The CLI is written in Go and reads these files with gopkg.in/yaml.v3, so a plain scalar means
what yaml.v3's resolver makes of it, not what a YAML 1.1 reader (PyYAML) or a strict YAML 1.2
core-schema reader would:
https://github.com/go-yaml/yaml/blob/v3/resolve.go
- `true`/`True`/`TRUE` and `false`/... are booleans; `yes`, `no`, `on`, `off` stay strings;
- `12:30` stays a string (yaml.v3 "purposefully" drops YAML 1.1 base-60 numbers);
- `1e3` is the float 1000 (JSON `1000` once the CLI hands it over);
- `017` is the integer 15: yaml.v3 parses integers with Go's `strconv.ParseInt(s, 0, 64)` and
  keeps YAML 1.1 octals "for compatibility", next to `0o17`, `0x1F` and `0b101`; `_` is ignored;
- `2024-01-02` is a timestamp, which the CLI hands over as Go's `time.Time.String()`
  ("2024-01-02 00:00:00 +0000 UTC"; pulumi sdk/go/common/resource/config/object.go);
- a duplicate key is an error ("mapping key ... already defined"), never "last one wins".
libyaml parses the text, through PyYAML's C binding (`yaml.CSafeLoader`; PyYAML's own Python
parser, written to match it, where the binding is missing): yaml.v3 is a Go port of libyaml
(https://github.com/go-yaml/yaml/blob/v3/README.md), so what one parser accepts the other does,
and libyaml composes the stack file in a tenth of the time a Python parser takes, on the way to
the program's start. Only the composer runs, which keeps every node's position; this module
resolves plain scalars as yaml.v3 does and checks duplicate keys itself, so that every error
names file:line:column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from yaml import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

_PLAIN = "tag:enterprise-identity,plain"  # a plain scalar without an explicit tag
_CORE = "tag:yaml.org,2002:"
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
# Go's strconv.ParseInt(s, 0, 64): 0x/0b/0o prefixes, and a leading 0 means octal.
_GO_INT = re.compile(
    r"([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]([0-7]+)|0([0-7]+)|(0|[1-9][0-9]*))"
)
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# yaml.v3's timestamp layouts: 2006-1-2T15:4:5.999999999Z07:00 (T or t), "2006-1-2 15:4:5.999999999"
# and 2006-1-2.
_TIMESTAMP = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
    r"(?:(?P<sep>[Tt ])(?P<h>[0-9]{1,2}):(?P<m>[0-9]{1,2}):(?P<s>[0-9]{1,2})(?:\.(?P<f>[0-9]{1,9}))?"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
_INT64 = (-(2**63), 2**64 - 1)  # ParseInt, then ParseUint


class YamlError(Exception):
    """The file is not YAML the CLI accepts; the message starts with `file:line:column`."""


class _Composer(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's composer; plain scalars are marked instead of resolved, so that yaml.v3's
    rules can be applied."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


def resolve_plain(text: str) -> Any:
    """What yaml.v3 decodes a plain (unquoted, untagged) scalar into."""
    if text in _WORDS:
        return _WORDS[text]
    if text[0] == ".":
        return _float_or(text, text)
    if text[0] not in "+-0123456789":
        return text
    if text[:4].isdigit() and text[4:5] == "-":  # yaml.v3 tries timestamps first
        timestamp = go_time_text(text)
        if timestamp is not None:
            return timestamp
    plain = text.replace("_", "")
    number = _go_int(plain)
    if number is not None:
        return number
    if _YAML_FLOAT.fullmatch(plain):
        return _float_or(plain, text)
    return text


def go_time_text(text: str) -> str | None:
    """A yaml.v3 timestamp as Go's `time.Time.String()` prints it, or None if it is not one."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None or (match["sep"] is not None and match["sep"] != " " and not match["zone"]):
        return None  # a T-separated time needs a zone (Z07:00 in the layout)
    if match["sep"] == " " and match["zone"]:
        return None
    try:
        date = datetime.strptime(match["date"], "%Y-%m-%d")
    except ValueError:
        return None
    hour, minute, second = (int(match[part] or 0) for part in ("h", "m", "s"))
    if hour > 23 or minute > 59 or second > 59:
        return None
    fraction = (match["f"] or "").rstrip("0")
    zone = match["zone"] or "Z"
    offset = (
        "+0000 UTC"
        if zone in ("Z", "+00:00")
        else f"{zone.replace(':', '')} {zone.replace(':', '')}"
    )
    return (
        f"{date:%Y-%m-%d} {hour:02}:{minute:02}:{second:02}"
        f"{'.' + fraction if fraction else ''} {offset}"
    )


def _go_int(text: str) -> int | None:
    match = _GO_INT.fullmatch(text)
    if match is None:
        return None
    sign, hexa, binary, octal, old_octal, decimal = match.groups()
    digits, base = next(
        (d, b)
        for d, b in ((hexa, 16), (binary, 2), (octal, 8), (old_octal, 8), (decimal, 10))
        if d is not None
    )
    value = int(digits, base) * (-1 if sign == "-" else 1)
    return value if _INT64[0] <= value <= _INT64[1] else None


def _float_or(text: str, fallback: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return fallback


@dataclass(frozen=True)
class SourceMap:
    """Where each key path of a YAML document starts, list-item labels, and `secure:` values."""

    path: Path
    lines: dict[KeyPath, int] = field(default_factory=dict)
    labels: dict[KeyPath, str] = field(default_factory=dict)  # a node's `name`/`id` value
    columns: dict[KeyPath, int] = field(default_factory=dict)
    secure: tuple[KeyPath, ...] = ()  # where a `{secure: ...}` value sits

    @classmethod
    def from_file(cls, path: Path) -> SourceMap:
        """Indexes `path`; an unreadable or invalid file gives an empty map (the reader reports it)."""
        try:
            return read_document(path).source
        except (OSError, YamlError):
            return cls(path)

    def position_of(self, key_path: KeyPath) -> Position | None:
        """Line and column of the longest known prefix of `key_path`; None when nothing matches."""
        for length in range(len(key_path), 0, -1):
            prefix = key_path[:length]
            if prefix in self.lines:
                return self.lines[prefix], self.columns.get(prefix, 1)
        return None

    def line_of(self, key_path: KeyPath) -> int:
        """The line of the longest known prefix of `key_path` (1 when nothing matches)."""
        position = self.position_of(key_path)
        return position[0] if position else 1

    def children(self, key_path: KeyPath) -> list[KeyPath]:
        """The direct children of `key_path` (mapping keys and list items), in file order."""
        depth = len(key_path) + 1
        found = [path for path in self.lines if len(path) == depth and path[:-1] == key_path]
        return sorted(found, key=lambda path: (self.lines[path], self.columns.get(path, 1)))


@dataclass(frozen=True)
class YamlDocument:
    """A file's content as the CLI sees it, and where each part of it is."""

    value: Any
    source: SourceMap


def read_document(path: Path) -> YamlDocument:
    """Reads `path` as the CLI does. Raises `YamlError` (file:line:column) or `OSError`."""
    text = path.read_text(encoding="utf-8")
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except MarkedYAMLError as error:
        raise YamlError(
            f"{_where(path, error.problem_mark)}: not valid YAML: {error.problem or error}"
        ) from None
    except YAMLError as error:
        raise YamlError(f"{path.name}: not valid YAML: {error}") from None
    finally:
        composer.dispose()
    builder = _Builder(path)
    value = builder.build(root, ()) if root is not None else None
    source = SourceMap(path, builder.lines, builder.labels, builder.columns, tuple(builder.secure))
    return YamlDocument(value, source)


def _where(path: Path, mark: Any) -> str:
    return f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path.name


class _Builder:
    """Turns composed nodes into Python values, recording positions and rejecting duplicates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[KeyPath, int] = {}
        self.columns: dict[KeyPath, int] = {}
        self.labels: dict[KeyPath, str] = {}
        self.secure: list[KeyPath] = []

    def build(self, node: Node, key_path: KeyPath) -> Any:
        if isinstance(node, MappingNode):
            return self._mapping(node, key_path)
        if isinstance(node, SequenceNode):
            return self._sequence(node, key_path)
        assert isinstance(node, ScalarNode)  # the composer makes only these three kinds
        return _scalar(node)

    def _note(self, key_path: KeyPath, node: Node) -> None:
        self.lines[key_path] = node.start_mark.line + 1
        self.columns[key_path] = node.start_mark.column + 1

    def _mapping(self, node: MappingNode, key_path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in self._entries(node):
            key = (
                _key_text(_scalar(key_node))
                if isinstance(key_node, ScalarNode)
                else str(key_node.value)
            )
            if key in first_seen:
                seen = first_seen[key].start_mark
                raise YamlError(
                    f"{_where(self.path, key_node.start_mark)}: duplicate key {key!r} (first at line "
                    f"{seen.line + 1}, column {seen.column + 1}); the Pulumi CLI rejects a mapping "
                    "key defined twice - keep one"
                )
            first_seen[key] = key_node
            child = (*key_path, key)
            self._note(child, key_node)
            result[key] = self.build(value_node, child)
        label = _item_label(node)
        if key_path and label:
            self.labels[key_path] = label
        if set(result) == {"secure"} and isinstance(result["secure"], str):
            self.secure.append(key_path)
        return result

    def _entries(self, node: MappingNode) -> Iterator[tuple[Node, Node]]:
        """Key/value pairs, with `<<` merge keys expanded (explicit keys win, as in yaml.v3)."""
        explicit = [(k, v) for k, v in node.value if not _is_merge(k)]
        own = {str(k.value) for k, _ in explicit}
        yield from explicit
        for key_node, value_node in node.value:
            if not _is_merge(key_node):
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise YamlError(
                        f"{_where(self.path, source.start_mark)}: a `<<` merge needs a mapping"
                    )
                for merged_key, merged_value in self._entries(source):
                    if str(merged_key.value) not in own:
                        own.add(str(merged_key.value))
                        yield merged_key, merged_value

    def _sequence(self, node: SequenceNode, key_path: KeyPath) -> list[Any]:
        items: list[Any] = []
        for index, item in enumerate(node.value):
            child = (*key_path, index)
            self._note(child, item)
            label = _item_label(item)
            if label:
                self.labels[child] = label
            items.append(self.build(item, child))
        return items


def _is_merge(key_node: Node) -> bool:
    return isinstance(key_node, ScalarNode) and key_node.value == "<<" and _tag(key_node) == _PLAIN


def _tag(node: Node) -> str:
    return str(node.tag)


def _scalar(node: ScalarNode) -> Any:
    """A scalar's value: plain ones resolved as yaml.v3 does, quoted and block ones are text."""
    tag = _tag(node)
    text = str(node.value)
    if tag == _PLAIN:
        return resolve_plain(text)
    if tag in (f"{_CORE}int", f"{_CORE}float", f"{_CORE}bool", f"{_CORE}null"):
        return resolve_plain(text) if text else None
    return text


def _key_text(key: Any) -> str:
    """A mapping key as the CLI turns it into a string (Go's `fmt.Sprintf("%v", key)`)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "<nil>"
    return str(key)


def _item_label(node: Node) -> str | None:
    """A list item's identity: its `name` or `id` field, or the item itself when it is a string."""
    if isinstance(node, ScalarNode):
        return str(node.value)
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value in ("name", "id", "key") and isinstance(value_node, ScalarNode):
                return str(value_node.value)
    return None
