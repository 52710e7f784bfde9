"""Points each resource at the line of `Pulumi.<stack>.yaml` that configures its component, so a
SARIF result (or a table row) lands on the YAML a reviewer would edit.

Components are named after what they build and stack keys after what they configure, so the
match is by name, in two steps:
1. the section: the config key (not inside a list) named like the nearest ancestor's type
   (`UserPool` ~ `userPool`, `UserGroups` ~ `groups`, `AuthMonitoring` ~ `monitoring`,
   `RoleMappings` ~ `identityPool.roleMappings`);
   or, failing that, the config key whose own name appears as a whole word in the resource's or
   an ancestor's name (`gate-fixture:pool` ~ `directory-pool`);
2. the entry: the list item or object whose `name`/`id` appears, as whole words, in the
   resource's name (tenant `contoso` ~ `ei-prod-contoso-group`), preferring entries inside the
   section and the longest name.
A resource that matches neither points at the `config:` line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

from gate.config_keys import config_name
from gate.plan import Plan, PlannedResource, ProgramLine
from gate.program_host import project_file
from gate.result import SourceLocation
from gate.source_map import KeyPath, SourceMap
from gate.stack import StackConfig

_MIN_SUFFIX = 5  # `monitoring` may end `AuthMonitoring`; a 3-letter key may not end anything


def locate_resources(plan: Plan, config: StackConfig) -> dict[str, SourceLocation]:
    """A location for every resource of the plan."""
    source = config.source
    sections = _Sections(source)
    locations: dict[str, SourceLocation] = {}
    root = config.project.root.resolve()
    own_file = functools.cache(lambda file: project_file(str(file), root) is not None)
    for resource in plan.resources:
        chain = list(plan.ancestors(resource.urn))
        if resource.kind == "provider":
            path = _provider_key(resource, source)
        else:
            path = _entry(chain, _section(chain, sections), source) if chain else None
        line = source.line_of(path) if path else source.lines.get(("config",), 1)
        locations[resource.urn] = SourceLocation(
            config.stack_file,
            line,
            _dotted(path),
            declared_at=_declarations(chain, own_file),
            from_config=path is not None,
        )
    return locations


def _declarations(
    chain: list[PlannedResource], own_file: Callable[[Path], bool]
) -> tuple[ProgramLine, ...]:
    """The project's own lines that declared the resource and each component around it.

    The SDK sends each registration's `sourcePosition`: the first frame above the resource
    classes' constructors, i.e. the line of user code that created it. Lines in the SDK, the
    provider or a venv are not the project's and are left out; a line repeated by nesting is
    kept once.
    """
    lines: list[ProgramLine] = []
    for resource in chain:
        declared = resource.declared_at
        if declared is None or not own_file(declared.file):
            continue
        if not lines or lines[-1] != declared:
            lines.append(declared)
    return tuple(lines)


def _provider_key(provider: PlannedResource, source: SourceMap) -> KeyPath | None:
    """A default provider is configured by its package's keys (`aws:region`, ...)."""
    package = provider.type.rsplit(":", 1)[-1]
    keys = [p for p in source.children(("config",)) if str(p[1]).startswith(f"{package}:")]
    return keys[0] if keys else None


def _section(chain: list[PlannedResource], sections: _Sections) -> KeyPath | None:
    for resource in chain:
        found = sections.named_like(resource.type, resource.kind == "component")
        if found is not None:
            return found
    return _section_named_in(chain, sections)


class _Sections:
    """The config keys outside lists, and which of them each resource type is named like (a
    stack has a few dozen resource types and hundreds of resources, so each type is matched
    against the keys once)."""

    def __init__(self, source: SourceMap) -> None:
        keys = [
            path
            for path in source.lines
            if len(path) >= 2
            and path[0] == "config"
            and not str(path[1]).startswith("aws:")
            and all(isinstance(part, str) for part in path)
        ]
        self.paths = [(path, _norm(config_name(str(path[-1])))) for path in keys]
        """Config keys outside lists (`enterprise-identity:userPool`,
        `...:identityPool.roleMappings`), each with its last key as `named_like` compares it
        (no namespace, letters and digits only)."""
        self.words = [
            (path, word) for path in keys if len(word := config_name(str(path[-1])).lower()) >= 3
        ]
        """Each key with its own name as a resource name would contain it (3 letters or more)."""
        self._named_like: dict[tuple[str, bool], KeyPath | None] = {}

    def named_like(self, resource_type: str, component: bool) -> KeyPath | None:
        """The key named like the type (`UserPool` ~ `userPool`; only a component's type may
        merely end with the key: a LogGroup is no `groups` entry); the exact match, then the
        shortest path, first."""
        key = (resource_type, component)
        if key not in self._named_like:
            word = _norm(resource_type.rsplit(":", 1)[-1])
            ranked = sorted(
                (rank, len(path), path)
                for path, name in self.paths
                if (rank := _match_rank(name, word)) is not None and (rank == 0 or component)
            )
            self._named_like[key] = ranked[0][2] if ranked else None
        return self._named_like[key]


def _section_named_in(chain: list[PlannedResource], sections: _Sections) -> KeyPath | None:
    """The outermost config key whose name is a word of the nearest resource name that has one."""
    for resource in chain:
        name = resource.name.lower()
        named = [path for path, word in sections.words if _contains_words(name, word)]
        if named:
            return min(named, key=len)
    return None


def _match_rank(key: str, word: str) -> int | None:
    """0 for the same word (plurals aside), 1 when the type ends with the key, else no match."""
    key, word = key.rstrip("s"), word.rstrip("s")
    if not key or not word:
        return None
    if key == word:
        return 0
    if len(key) >= _MIN_SUFFIX and word.endswith(key):
        return 1
    return None


def _entry(
    chain: list[PlannedResource], section: KeyPath | None, source: SourceMap
) -> KeyPath | None:
    name = chain[0].name.lower()
    labeled = [
        (len(label), len(path), path)
        for path, label in source.labels.items()
        if path[0] == "config" and len(label) >= 3 and _contains_words(name, label.lower())
    ]
    inside = [entry for entry in labeled if section and entry[2][: len(section)] == section]
    candidates = inside or labeled
    if candidates:
        return max(candidates)[2]
    return section


_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _contains_words(name: str, words: str) -> bool:
    """`words` occurs in `name` between non-alphanumerics (or the ends): `contoso` is in
    `ei-prod-contoso-group`, `con` is not. Plain `str.find`, not a regex per label: a 200-tenant
    stack asks this for every label of every resource, hundreds of thousands of times, and one
    distinct pattern per label overflows `re`'s cache so each search compiled its pattern again."""
    start = name.find(words)
    while start != -1:
        end = start + len(words)
        before_ok = start == 0 or name[start - 1] not in _WORD_CHARACTERS
        after_ok = end == len(name) or name[end] not in _WORD_CHARACTERS
        if before_ok and after_ok:
            return True
        start = name.find(words, start + 1)
    return False


@functools.cache
def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _dotted(path: KeyPath | None) -> str:
    if not path:
        return "config"
    parts = [str(path[1])] + [f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[2:]]
    return "".join(parts)
