"""The README's generated tables: the rule catalog (from the pack's own policy metadata, as the
engine sees it) and the coverage of peer checks (from `references.py`).

    python -m cognito_guard.catalog            # print both tables
    python -m cognito_guard.catalog --write    # refresh them in policies/README.md
    python -m cognito_guard.catalog --check    # exit 1 when the README has drifted

(run from `policies/`, or with `policies` on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pulumi_policy import Policy, ResourceValidationPolicy

from cognito_guard.framework import JUDGED_TYPES
from cognito_guard.pack import all_policies
from cognito_guard.references import (
    AWS_DOC_TAG,
    CATALOGS,
    PEER_CHECKS,
    REFERENCES,
    PeerCheck,
    covering,
)

README: Final = Path(__file__).resolve().parents[1] / "README.md"


@dataclass(frozen=True)
class Block:
    """A generated region of the README, between two HTML comments."""

    start: str
    end: str

    def replace(self, text: str, body: str) -> str:
        """`text` with the region's content replaced by `body`."""
        if self.start not in text or self.end not in text:
            raise ValueError(f"{README}: the markers {self.start} / {self.end} are missing")
        head, rest = text.split(self.start, 1)
        _, tail = rest.split(self.end, 1)
        return f"{head}{self.start}\n{body}\n{self.end}{tail}"


CATALOG: Final = Block("<!-- catalog:start -->", "<!-- catalog:end -->")
COVERAGE: Final = Block("<!-- coverage:start -->", "<!-- coverage:end -->")

HEADER: Final = (
    "| Policy | Area | Severity | Default level | Judges | Rule | AWS documentation "
    "| Peer checks | Standards | Config (default) |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)
COVERAGE_HEADER: Final = "| Catalog | Check | Covered by | Note |\n| --- | --- | --- | --- |"


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


def _page_link(url: str) -> str:
    """`[user-pool-settings-mfa](https://...)`: the page name is what a reviewer recognises."""
    name = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    return f"[{name}]({url})"


def _prefix(tag: str) -> str:
    return tag.split(":", 1)[0]


def _row(policy: Policy) -> str:
    tags = list(policy.tags or [])
    area = next((t.split(":", 1)[1] for t in tags if _prefix(t) == "area"), "")
    docs = [t.split(":", 1)[1] for t in tags if _prefix(t) == AWS_DOC_TAG]
    peers = [t for t in tags if _prefix(t) in CATALOGS]
    standards = [t for t in tags if _prefix(t) not in {"area", AWS_DOC_TAG, *CATALOGS}]
    level = policy.enforcement_level.value if policy.enforcement_level else "advisory"
    severity = policy.severity.value if policy.severity else ""
    cells = [
        f"`{policy.name}`",
        area,
        severity,
        level,
        _judges(policy),
        policy.description,
        "<br>".join(_page_link(url) for url in docs),
        "<br>".join(peers),
        "<br>".join(standards),
        _config(policy),
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def catalog_table(policies: Sequence[Policy] | None = None) -> str:
    """The rule catalog, one row per policy in pack order, from the metadata the engine gets."""
    rows = [_row(p) for p in (policies if policies is not None else all_policies())]
    return "\n".join([HEADER, *rows])


def _all_peer_checks() -> list[PeerCheck]:
    """The research catalog's peer checks, then any other check a policy names, deduplicated."""
    seen: dict[str, PeerCheck] = {}
    extras = sorted(
        (peer for refs in REFERENCES.values() for peer in refs.peers),
        key=lambda peer: (peer.catalog, peer.id),
    )
    for peer in [*PEER_CHECKS, *extras]:
        seen.setdefault(peer.tag, peer)
    return list(seen.values())


def _notes(peer: PeerCheck) -> Iterable[str]:
    """How each covering policy differs from the peer check, where its entry says so."""
    for name in covering(peer):
        for mapped in REFERENCES[name].peers:
            if mapped.tag == peer.tag and mapped.note:
                yield f"`{name}`: {mapped.note}"


def coverage_table() -> str:
    """Every peer check and the policies that cover it (an empty cell means not covered)."""
    rows = [
        "| "
        + " | ".join(
            _cell(c)
            for c in (
                CATALOGS[peer.catalog],
                f"`{peer.id}`",
                "<br>".join(f"`{name}`" for name in covering(peer)),
                "; ".join(_notes(peer)),
            )
        )
        + " |"
        for peer in _all_peer_checks()
    ]
    return "\n".join([COVERAGE_HEADER, *rows])


def render_readme(text: str) -> str:
    """`text` with both generated tables refreshed."""
    return COVERAGE.replace(CATALOG.replace(text, catalog_table()), coverage_table())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Print or refresh the cognito-guard rule catalog and peer-check coverage."
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"refresh the tables in {README}")
    mode.add_argument("--check", action="store_true", help="exit 1 if the README tables are stale")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        print(catalog_table(), coverage_table(), sep="\n\n")
        return 0
    current = README.read_text(encoding="utf-8")
    updated = render_readme(current)
    if args.check:
        if updated != current:
            print(
                f"{README}: the generated tables are stale; "
                "run `python -m cognito_guard.catalog --write`"
            )
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
