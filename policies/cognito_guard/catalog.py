"""The rule catalog as a Markdown table, generated from the pack's own policy metadata.

    python -m cognito_guard.catalog            # print the table
    python -m cognito_guard.catalog --write    # refresh it in policies/README.md
    python -m cognito_guard.catalog --check    # exit 1 when the README has drifted

(run from `policies/`, or with `policies` on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from pulumi_policy import Policy, ResourceValidationPolicy

from cognito_guard.framework import JUDGED_TYPES
from cognito_guard.pack import all_policies

README: Final = Path(__file__).resolve().parents[1] / "README.md"
START: Final = "<!-- catalog:start -->"
END: Final = "<!-- catalog:end -->"
HEADER: Final = (
    "| Policy | Area | Severity | Default level | Judges | Rule | Controls | Config (default) |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |"
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _judges(policy: Policy) -> str:
    if not isinstance(policy, ResourceValidationPolicy):
        return "stack"
    return ", ".join(sorted(t.split(":")[-1] for t in JUDGED_TYPES.get(policy.name, ())))


def _config(policy: Policy) -> str:
    schema = policy.config_schema
    if schema is None:
        return ""
    properties: dict[str, Any] = schema.properties
    return "<br>".join(
        f"`{key}`: `{json.dumps(prop.get('default'))}`" for key, prop in properties.items()
    )


def _row(policy: Policy) -> str:
    tags = list(policy.tags or [])
    area = next((t.split(":", 1)[1] for t in tags if t.startswith("area:")), "")
    controls = "<br>".join(t for t in tags if not t.startswith("area:"))
    level = policy.enforcement_level.value if policy.enforcement_level else "advisory"
    severity = policy.severity.value if policy.severity else ""
    cells = [
        f"`{policy.name}`",
        area,
        severity,
        level,
        _judges(policy),
        policy.description,
        controls,
        _config(policy),
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def catalog_table(policies: Sequence[Policy] | None = None) -> str:
    """The Markdown table, one row per policy in pack order."""
    rows = [_row(p) for p in (policies if policies is not None else all_policies())]
    return "\n".join([HEADER, *rows])


def render_readme(text: str, table: str) -> str:
    """`text` with the block between the catalog markers replaced by `table`."""
    if START not in text or END not in text:
        raise ValueError(f"{README}: the catalog markers {START} / {END} are missing")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print or refresh the cognito-guard rule catalog.")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"refresh the table in {README}")
    mode.add_argument("--check", action="store_true", help="exit 1 if the README table is stale")
    args = parser.parse_args(argv)
    table = catalog_table()
    if not (args.write or args.check):
        print(table)
        return 0
    current = README.read_text(encoding="utf-8")
    updated = render_readme(current, table)
    if args.check:
        if updated != current:
            print(
                f"{README}: the rule catalog is stale; run `python -m cognito_guard.catalog --write`"
            )
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
