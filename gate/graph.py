"""The resource graph, drawn as Mermaid (renders in GitHub comments) or Graphviz DOT: each
component is a group holding its children; arrows point from a resource to what it depends on."""

from __future__ import annotations

import re
from collections.abc import Callable

from gate.plan import Plan, PlannedResource

GRAPH_FORMATS = ("mermaid", "dot")


def render_graph(plan: Plan, graph_format: str) -> str:
    """The plan's graph in `graph_format` (`mermaid` or `dot`)."""
    if graph_format == "mermaid":
        return _mermaid(plan)
    if graph_format == "dot":
        return _dot(plan)
    raise ValueError(f"unknown graph format {graph_format!r}; use one of {GRAPH_FORMATS}")


def _node_ids(plan: Plan) -> dict[str, str]:
    return {resource.urn: f"r{index}" for index, resource in enumerate(plan.resources)}


def _label(resource: PlannedResource) -> str:
    short_type = resource.type.rsplit(":", 1)[-1]
    return f"{resource.name}<br/><i>{short_type}</i>"


def _edges(plan: Plan) -> list[tuple[str, str]]:
    """(dependent, dependency) pairs between drawn resources, from declared and property deps."""
    drawn = {r.urn for r in plan.resources if r.kind in ("resource", "component")}
    edges: set[tuple[str, str]] = set()
    for resource in plan.resources:
        if resource.urn not in drawn:
            continue
        targets = set(resource.dependencies)
        for urns in resource.property_dependencies.values():
            targets.update(urns)
        edges.update((resource.urn, t) for t in targets if t in drawn and t != resource.parent)
    return sorted(edges)


def _walk(
    plan: Plan,
    open_group: Callable[[PlannedResource, str], str],
    node: Callable[[PlannedResource, str], str],
    close_group: str,
) -> list[str]:
    """The component tree as lines: a group per component around its children."""
    lines: list[str] = []

    def visit(parent_urn: str | None, indent: str) -> None:
        for child in plan.children_of(parent_urn):
            if child.kind == "stack":
                visit(child.urn, indent)
            elif child.kind == "component":
                lines.append(indent + open_group(child, indent))
                visit(child.urn, indent + "  ")
                lines.append(indent + close_group)
            elif child.kind == "resource":
                lines.append(indent + node(child, indent))

    visit(None, "  ")
    return lines


def _mermaid(plan: Plan) -> str:
    ids = _node_ids(plan)
    lines = [
        "flowchart LR",
        *_walk(
            plan,
            lambda c, _: f'subgraph {ids[c.urn]}["{_mermaid_text(c)}"]',
            lambda r, _: f'{ids[r.urn]}["{_mermaid_text(r)}"]',
            "end",
        ),
        *(f"  {ids[src]} --> {ids[dst]}" for src, dst in _edges(plan)),
    ]
    return "\n".join(lines) + "\n"


def _mermaid_text(resource: PlannedResource) -> str:
    return _label(resource).replace('"', "#quot;")


def _dot(plan: Plan) -> str:
    ids = _node_ids(plan)

    def cluster(component: PlannedResource, indent: str) -> str:
        label = _dot_string(f"{component.name} ({_short(component)})")
        return f"subgraph cluster_{ids[component.urn]} {{\n{indent}  label={label};"

    lines = [
        f"digraph {_dot_id(plan.project + '_' + plan.stack)} {{",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        *_walk(
            plan,
            cluster,
            lambda r, _: f"{ids[r.urn]} [label={_dot_string(r.name + chr(10) + _short(r))}];",
            "}",
        ),
        *(f"  {ids[src]} -> {ids[dst]};" for src, dst in _edges(plan)),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _short(resource: PlannedResource) -> str:
    return resource.type.rsplit(":", 1)[-1]


def _dot_string(text: str) -> str:
    """A DOT string literal; newlines become DOT's centred line breaks."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def _dot_id(text: str) -> str:
    return re.sub(r"\W", "_", text)
