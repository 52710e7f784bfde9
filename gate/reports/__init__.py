"""Report formats. Each module turns a `GateResult` into one document; `render` picks one."""

from __future__ import annotations

from collections.abc import Callable

from gate.result import GateResult

FORMATS = ("table", "json", "sarif", "markdown")


def render(
    result: GateResult, report_format: str, graph: str | None = None, color: bool = False
) -> str:
    """The report in `report_format`, with the resource graph when `graph` is set."""
    renderers: dict[str, Callable[[], str]] = {
        "table": lambda: _table(result, graph, color),
        "json": lambda: _json(result, graph),
        "sarif": lambda: _sarif(result),
        "markdown": lambda: _markdown(result, graph),
    }
    if report_format not in renderers:
        raise ValueError(f"unknown format {report_format!r}; use one of {', '.join(FORMATS)}")
    return renderers[report_format]()


def _table(result: GateResult, graph: str | None, color: bool) -> str:
    from gate.reports.table import render_table

    return render_table(result, graph, color)


def _json(result: GateResult, graph: str | None) -> str:
    from gate.reports.json_report import render_json

    return render_json(result, graph)


def _sarif(result: GateResult) -> str:
    from gate.reports.sarif import render_sarif

    return render_sarif(result)


def _markdown(result: GateResult, graph: str | None) -> str:
    from gate.reports.markdown import render_markdown

    return render_markdown(result, graph)
