"""The terminal report (rich): the plan as a tree with key settings, counts by type, violations by
severity with remediation, AWS pages and controls, and the verdict. Colour only when writing to a
terminal."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from gate.graph import render_graph
from gate.key_settings import key_settings
from gate.plan import PlannedResource
from gate.reports.common import (
    declared,
    level_label,
    policy_title,
    remediation_of,
    resource_label,
    where,
)
from gate.result import GateResult
from gate.values import display

_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
WIDTH = 120


def render_table(result: GateResult, graph: str | None = None, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=WIDTH,
        highlight=False,
        markup=False,  # names and messages are text: `[...]` and `:name:` stay as written
        emoji=False,
    )
    console.print(_header(result))
    console.print(_plan_tree(result))
    console.print(_counts(result))
    console.print(_violations(result))
    if result.analysis.deferred:
        console.print(_deferred(result))
    if result.analysis.autofixes:
        console.print(_autofixes(result))
    if result.not_judged:
        console.print(_not_judged(result))
    if graph:
        console.print(Text(render_graph(result.plan, graph)))
    style = "bold green" if result.passed else "bold red"
    console.print(Text(result.verdict(), style=style), soft_wrap=True)
    return buffer.getvalue()


def _header(result: GateResult) -> Text:
    config = result.policy_config_file.name if result.policy_config_file else "pack defaults"
    return Text.assemble(
        ("Live " if result.mode == "audit" else "Offline ", "bold"),
        (result.mode, "bold magenta"),
        (f" of {result.plan.project}/{result.plan.stack}", "bold"),
        f"  policy pack {result.info.name} {result.info.version} ({len(result.info.policies)} policies, {config})\n",
    )


def _plan_tree(result: GateResult) -> Tree:
    plan = result.plan
    root = plan.root
    tree = Tree(Text(f"{root.type}  {root.name}" if root else plan.stack, style="bold"))

    def visit(parent: str | None, branch: Tree) -> None:
        for child in plan.children_of(parent):
            if child.kind in ("stack", "provider"):
                continue
            visit(child.urn, branch.add(_node(result, child)))

    visit(root.urn if root else None, tree)
    return tree


def _node(result: GateResult, resource: PlannedResource) -> RenderableType:
    title = Text.assemble(
        ("+ ", "green"),
        (resource.type, "dim" if resource.kind == "component" else ""),
        "  ",
        (resource.name, "bold"),
    )
    if resource.options.protect:
        title.append("  [protected]", style="yellow")
    if resource.kind == "component":
        place = where(result, resource.urn) or declared(result, resource.urn)
        if place:
            title.append(f"  {place}", style="dim")
    settings = key_settings(resource)
    if not settings:
        return title
    detail = Text(
        ", ".join(f"{key}={display(value, 48)}" for key, value in settings.items()), style="dim"
    )
    return Group(title, Text("    ").append(detail))


def _counts(result: GateResult) -> Table:
    table = Table(title="Resources to create, by type", title_justify="left", show_edge=False)
    table.add_column("Type")
    table.add_column("Count", justify="right")
    counts = result.plan.counts_by_type()
    for type_, count in sorted(counts.items()):
        table.add_row(type_, str(count))
    table.add_row(Text("total", style="bold"), Text(str(sum(counts.values())), style="bold"))
    return table


def _violations(result: GateResult) -> RenderableType:
    groups = result.findings_by_severity()
    if not groups:
        return Text("\nNo policy violations.\n", style="green")
    parts: list[RenderableType] = [Text("\nPolicy violations", style="bold")]
    for severity, findings in groups:
        parts.append(Text(f"\n{severity.upper()}", style=_SEVERITY_STYLE.get(severity, "bold")))
        for finding in findings:
            level = level_label(finding)
            parts.append(
                Text.assemble(
                    (
                        "  ✖ " if finding.mandatory else "  ! ",
                        "red" if finding.mandatory else "yellow",
                    ),
                    (f"{level:<9} ", "bold"),
                    (finding.policy_name, "bold"),
                    f"  {policy_title(result, finding)}"
                    if policy_title(result, finding) != finding.policy_name
                    else "",
                    (
                        f"  [{'blocks' if finding.mandatory else 'reported'} at {finding.blocks_at}]",
                        "magenta",
                    ),
                )
            )
            parts.append(Text(f"      resource: {resource_label(result, finding.urn)}"))
            program = declared(result, finding.urn)
            if program:
                parts.append(Text(f"      declared at: {program}"))
            place = where(result, finding.urn)
            if place:
                parts.append(Text(f"      configured in: {place}"))
            for line in finding.message.strip().splitlines():
                parts.append(Text(f"      {line}"))
            remediation = remediation_of(result, finding)
            if remediation:
                parts.append(Text(f"      remediation: {remediation}", style="green"))
            pages = result.aws_documentation(finding)
            if pages:  # one URL a line: at the report's width a URL rarely fits beside a label
                parts.append(Text("      aws docs:", style="dim"))
                parts.extend(Text(f"        {page}", style="dim") for page in pages)
            controls = result.controls(finding)
            if controls:
                parts.append(Text(f"      controls: {', '.join(controls)}", style="dim"))
    parts.append(Text(""))
    return Group(*parts)


def _deferred(result: GateResult) -> Text:
    lines = [
        f"{len(result.analysis.deferred)} checks could not run during preview (values unknown "
        "until up; run with --mode up to judge them):"
    ]
    lines += [
        f"  - {d.policy_name} on {resource_label(result, d.urn)}" for d in result.analysis.deferred
    ]
    return Text("\n".join(lines) + "\n", style="yellow")


def _autofixes(result: GateResult) -> Text:
    lines = ["Automatic remediations the pack would apply:"]
    lines += [
        f"  - {a.policy_name} on {resource_label(result, a.urn)}: {', '.join(a.changed_keys) or 'no change'}"
        for a in result.analysis.autofixes
    ]
    return Text("\n".join(lines) + "\n", style="cyan")


def _not_judged(result: GateResult) -> Text:
    """Live reads that failed: listed, never counted as passing."""
    lines = [f"{len(result.not_judged)} reads not judged (nothing here passed):"]
    for entry in result.not_judged:
        need = "required" if entry.required else "optional"
        lines.append(f"  - {entry.api} on {entry.resource} ({need}): {entry.reason}")
        if entry.policies:
            lines.append(f"      policies not judged: {', '.join(entry.policies)}")
    return Text("\n".join(lines) + "\n", style="yellow")
