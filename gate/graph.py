"""The resource graph, drawn as Mermaid (renders in GitHub comments) or Graphviz DOT: each
component is a group holding its children; arrows point from a resource to what it depends on."""

from __future__ import annotations

import re

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


def _mermaid(plan: Plan) -> str:
    ids = _node_ids(plan)
    lines = ["flowchart LR"]

    def emit(parent_urn: str | None, indent: str) -> None:
        for child in plan.children_of(parent_urn):
            if child.kind == "stack":
                emit(child.urn, indent)
            elif child.kind == "component":
                lines.append(f'{indent}subgraph {ids[child.urn]}["{_mermaid_text(child)}"]')
                emit(child.urn, indent + "  ")
                lines.append(f"{indent}end")
            elif child.kind == "resource":
                lines.append(f'{indent}{ids[child.urn]}["{_mermaid_text(child)}"]')

    emit(None, "  ")
    lines.extend(f"  {ids[src]} --> {ids[dst]}" for src, dst in _edges(plan))
    return "\n".join(lines) + "\n"


def _mermaid_text(resource: PlannedResource) -> str:
    return _label(resource).replace('"', "#quot;")


def _dot(plan: Plan) -> str:
    ids = _node_ids(plan)
    lines = [
        f"digraph {_dot_id(plan.project + '_' + plan.stack)} {{",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
    ]

    def emit(parent_urn: str | None, indent: str) -> None:
        for child in plan.children_of(parent_urn):
            if child.kind == "stack":
                emit(child.urn, indent)
            elif child.kind == "component":
                lines.append(f"{indent}subgraph cluster_{ids[child.urn]} {{")
                lines.append(
                    f"{indent}  label={_dot_string(child.name + ' (' + _short(child) + ')')};"
                )
                emit(child.urn, indent + "  ")
                lines.append(f"{indent}}}")
            elif child.kind == "resource":
                text = f"{child.name}\\n{_short(child)}"
                lines.append(f"{indent}{ids[child.urn]} [label={_dot_string(text, escaped=True)}];")

    emit(None, "  ")
    lines.extend(f"  {ids[src]} -> {ids[dst]};" for src, dst in _edges(plan))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _short(resource: PlannedResource) -> str:
    return resource.type.rsplit(":", 1)[-1]


def _dot_string(text: str, escaped: bool = False) -> str:
    body = text.replace('"', '\\"') if escaped else text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{body}"'


def _dot_id(text: str) -> str:
    return re.sub(r"\W", "_", text)
