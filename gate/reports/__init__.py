"""Report formats. Each module turns a `GateResult` into one document; `render` picks one."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from gate.result import GateResult

FORMATS = ("table", "json", "sarif", "markdown")
_WRITERS = {
    "table": "gate.reports.table",
    "json": "gate.reports.json_report",
    "sarif": "gate.reports.sarif",
    "markdown": "gate.reports.markdown",
}
"""Each format's writer, imported only when it is used (the table's, with rich, ~25 ms)."""


def load_writers(formats: Iterable[str]) -> None:
    """Imports the writers of `formats` ahead of `render` (the gate does it while the program
    runs, so that the report is not waiting on the import at the end)."""
    for report_format in formats:
        importlib.import_module(_WRITERS[report_format])


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
