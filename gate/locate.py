"""Points each resource at the line of `Pulumi.<stack>.yaml` that configures its component, so a
SARIF result (or a table row) lands on the YAML a reviewer would edit.

Components are named after what they build and the stack keys after what they configure, so the
match is by name: the top-level `<project>:<key>` whose key matches the type or name of one of
the resource's ancestors (`UserPool` ~ `userPool`, `AppClients` ~ `appClients`), then inside it,
as deep as possible, the list item or key whose name appears in an ancestor's name (tenant
`acme` ~ component `tenant-acme`). A resource that matches nothing points at the `config:` line.
"""

from __future__ import annotations

import re

from gate.plan import Plan, PlannedResource
from gate.result import SourceLocation
from gate.source_map import KeyPath, SourceMap
from gate.stack import StackConfig


def locate_resources(plan: Plan, config: StackConfig) -> dict[str, SourceLocation]:
    """A location for every resource of the plan."""
    source = config.source
    top_keys = [
        path for path in source.children(("config",)) if not str(path[1]).startswith("aws:")
    ]
    locations: dict[str, SourceLocation] = {}
    for resource in plan.resources:
        path = _best_path(list(plan.ancestors(resource.urn)), top_keys, source)
        line = source.line_of(path) if path else source.lines.get(("config",), 1)
        locations[resource.urn] = SourceLocation(config.stack_file, line, _dotted(path))
    return locations


def _best_path(
    chain: list[PlannedResource], top_keys: list[KeyPath], source: SourceMap
) -> KeyPath | None:
    words = [
        _norm(word)
        for resource in reversed(chain)
        for word in (_short_type(resource), resource.name)
    ]
    top = next(
        (
            key
            for word in words
            for key in top_keys
            if _similar(_norm(str(key[1]).split(":", 1)[-1]), word)
        ),
        None,
    )
    if top is None:
        return None
    names = [resource.name.lower() for resource in chain]
    return _descend(top, names, source)


def _descend(path: KeyPath, names: list[str], source: SourceMap) -> KeyPath:
    """Follows the children whose label or key appears in an ancestor's name, deepest first."""
    for child in source.children(path):
        label = source.labels.get(child) if isinstance(child[-1], int) else str(child[-1])
        if label and any(_contains_word(name, label.lower()) for name in names):
            return _descend(child, names, source)
    return path


def _contains_word(name: str, word: str) -> bool:
    return re.search(rf"(^|[^a-z0-9]){re.escape(word)}($|[^a-z0-9])", name) is not None


def _similar(key: str, word: str) -> bool:
    return bool(key) and bool(word) and (key == word or key.rstrip("s") == word.rstrip("s"))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _short_type(resource: PlannedResource) -> str:
    return resource.type.rsplit(":", 1)[-1]


def _dotted(path: KeyPath | None) -> str:
    if not path:
        return "config"
    parts = [str(path[1])] + [f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[2:]]
    return "".join(parts)
