"""Markdown for pull-request comments and job summaries, written whether the gate passes or
fails (the official GitHub action posts nothing when a preview fails). The heading follows
pulumi/actions' comment heading so existing comment-updating steps keep finding it."""

from __future__ import annotations

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

_ICONS = {"critical": "🟥", "high": "🟧", "medium": "🟨", "low": "🟦", "unspecified": "⬜"}


def render_markdown(result: GateResult, graph: str | None = None) -> str:
    lines = [
        f"#### :tropical_drink: `{result.mode}` on {result.plan.project}/{result.plan.stack}"
        f" — {'✅ passed' if result.passed else '❌ blocked'}",
        "",
        f"> {_cell(result.verdict())}",
        "",
        *_summary(result),
        *_violations(result),
        *_deferred(result),
        *_not_judged(result),
        *_plan(result),
    ]
    if graph:
        lines += [
            "<details><summary>Resource graph</summary>",
            "",
            f"```{graph}",
            render_graph(result.plan, graph).rstrip(),
            "```",
            "",
            "</details>",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _summary(result: GateResult) -> list[str]:
    counts = result.counts()
    config = result.policy_config_file.name if result.policy_config_file else "pack defaults"
    return [
        "| Resources | Mandatory | Advisory | Blocking at preview | Blocking only at up | Policies |",
        "| ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {counts['resources']} | {counts['mandatory']} | {counts['advisory']} | "
        f"{counts['blockingAtPreview']} | {counts['blockingOnlyAtUp']} | "
        f"{counts['policies']} of `{result.info.name}` {result.info.version} ({_cell(config)}) |",
        "",
    ]


def _violations(result: GateResult) -> list[str]:
    groups = result.findings_by_severity()
    if not groups:
        return ["No policy violations.", ""]
    lines = [
        "**Violations**",
        "",
        "| Severity | Level | Policy | Resource | Blocks at | Declared at / configured in |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for severity, findings in groups:
        for finding in findings:
            lines.append(
                f"| {_ICONS.get(severity, '')} {severity} | {level_label(finding)} | "
                f"`{finding.policy_name}` | {_cell(resource_label(result, finding.urn))} | "
                f"{finding.blocks_at} | {_cell(_origin(result, finding.urn))} |"
            )
    lines += [
        "",
        "<details><summary>Messages, remediation, AWS documentation and controls</summary>",
        "",
    ]
    for _, findings in groups:
        for finding in findings:
            lines.append(f"- **{_cell(policy_title(result, finding))}** on `{finding.urn}`  ")
            lines.append(f"  {_cell(finding.message)}  ")
            remediation = remediation_of(result, finding)
            if remediation:
                lines.append(f"  _Remediation:_ {_cell(remediation)}  ")
            pages = result.aws_documentation(finding)
            if pages:
                lines.append(f"  _AWS documentation:_ {', '.join(map(_page_link, pages))}  ")
            controls = result.controls(finding)
            if controls:
                lines.append(f"  _Controls:_ {', '.join(controls)}")
    lines += ["", "</details>", ""]
    return lines


def _deferred(result: GateResult) -> list[str]:
    deferred = result.analysis.deferred
    if not deferred:
        return []
    lines = [
        f"<details><summary>{len(deferred)} checks could not run during preview "
        "(values unknown until up; run with <code>MODE=up</code>)</summary>",
        "",
    ]
    lines += [f"- `{d.policy_name}` on {_cell(resource_label(result, d.urn))}" for d in deferred]
    return [*lines, "", "</details>", ""]


def _not_judged(result: GateResult) -> list[str]:
    """Live reads that failed (`gate audit`): listed, never counted as passing."""
    if not result.not_judged:
        return []
    lines = [
        f"**{len(result.not_judged)} reads not judged**",
        "",
        "| API | Resource | Required | Reason | Policies not judged |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{entry.api}` | {_cell(entry.resource)} | {'yes' if entry.required else 'no'} | "
        f"{_cell(entry.reason)} | {_cell(', '.join(entry.policies))} |"
        for entry in result.not_judged
    ]
    return [*lines, ""]


def _plan(result: GateResult) -> list[str]:
    plan = result.plan
    counts = plan.counts_by_type()
    lines = [
        f"<details><summary>Plan: {sum(counts.values())} to create</summary>",
        "",
        "| Type | Count |",
        "| --- | ---: |",
        *[f"| `{type_}` | {count} |" for type_, count in sorted(counts.items())],
        "",
    ]

    def visit(parent: str | None, depth: int) -> None:
        for child in plan.children_of(parent):
            if child.kind == "stack":
                visit(child.urn, depth)
                continue
            if child.kind == "provider":
                continue
            lines.append(f"{'  ' * depth}- {_tree_entry(child)}")
            visit(child.urn, depth + 1)

    visit(None, 0)
    return [*lines, "", "</details>", ""]


def _tree_entry(resource: PlannedResource) -> str:
    settings = ", ".join(
        f"{key}={display(value, 40)}" for key, value in key_settings(resource).items()
    )
    protect = " 🔒" if resource.options.protect else ""
    text = f"`{resource.name}` ({resource.type}){protect}"
    return f"{text}: {_cell(settings)}" if settings else text


def _page_link(url: str) -> str:
    """`[user-pool-settings-mfa](https://...)`: the page name, linked."""
    name = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    return f"[{_cell(name)}]({url})"


def _cell(text: str) -> str:
    """Text safe inside a table cell or list item: no pipes, no newlines."""
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _origin(result: GateResult, urn: str) -> str:
    """The program line(s) that declared the resource and the stack line that configures it."""
    return "<br>".join(part for part in (declared(result, urn), where(result, urn)) if part)
