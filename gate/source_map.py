"""Line numbers of every key in a stack file, so that a finding can point at the YAML that
configures the resource it is about (SARIF locations, table and markdown hints)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceMap:
    """Where each key path of a YAML document starts (1-based lines), plus list-item labels."""

    path: Path
    lines: dict[KeyPath, int] = field(default_factory=dict)
    labels: dict[KeyPath, str] = field(default_factory=dict)  # a node's `name`/`id` value

    @classmethod
    def from_file(cls, path: Path) -> SourceMap:
        """Indexes `path`; an unparsable file gives an empty map (the loader reports the error)."""
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            return cls(path)
        source = cls(path)
        if root is not None:
            source._index(root, ())
        return source

    def line_of(self, key_path: KeyPath) -> int:
        """The line of the longest known prefix of `key_path` (1 when nothing matches)."""
        for length in range(len(key_path), 0, -1):
            line = self.lines.get(key_path[:length])
            if line is not None:
                return line
        return 1

    def children(self, key_path: KeyPath) -> list[KeyPath]:
        """The direct children of `key_path` (mapping keys and list items), in file order."""
        depth = len(key_path) + 1
        found = [path for path in self.lines if len(path) == depth and path[:-1] == key_path]
        return sorted(found, key=lambda path: self.lines[path])

    def _index(self, node: yaml.Node, key_path: KeyPath) -> None:
        if isinstance(node, yaml.MappingNode):
            label = _item_label(node)
            if key_path and label:
                self.labels[key_path] = label
            for key_node, value_node in node.value:
                child = (*key_path, str(key_node.value))
                self.lines[child] = key_node.start_mark.line + 1
                self._index(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*key_path, index)
                self.lines[child] = item.start_mark.line + 1
                label = _item_label(item)
                if label:
                    self.labels[child] = label
                self._index(item, child)


def _item_label(node: yaml.Node) -> str | None:
    """A list item's identity: its `name` or `id` field, or the item itself when it is a string."""
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value in ("name", "id", "key") and isinstance(value_node, yaml.ScalarNode):
                return str(value_node.value)
    return None
