"""Keeps the IAM policy in `docs/audit.md` equal to the one derived from `AUDIT_CALLS`.

python -m gate.live.docs            # print the policy block
python -m gate.live.docs --write    # refresh it in docs/audit.md
python -m gate.live.docs --check    # exit 1 when docs/audit.md has drifted
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Final

from gate.live.calls import AUDIT_CALLS, iam_policy

DOC: Final = Path(__file__).resolve().parents[2] / "docs" / "audit.md"
START: Final = "<!-- audit-iam-policy:start -->"
END: Final = "<!-- audit-iam-policy:end -->"


def policy_block() -> str:
    """The policy as a JSON code block, then the calls it comes from with their API pages."""
    calls = "\n".join(
        f"| `{call.iam_action}` | {'yes' if call.required else 'no'} | {call.documentation} |"
        for call in AUDIT_CALLS
    )
    return (
        "```json\n"
        + json.dumps(iam_policy(), indent=2)
        + "\n```\n\n"
        + "| Call | Required | AWS API reference |\n| --- | --- | --- |\n"
        + calls
    )


def refreshed(text: str) -> str:
    """`text` with the block between the markers replaced by the current policy."""
    if START not in text or END not in text:
        raise ValueError(f"{DOC}: the markers {START} / {END} are missing")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{policy_block()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gate.live.docs", description=__doc__)
    parser.add_argument("--write", action="store_true", help="refresh docs/audit.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/audit.md drifted")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        print(policy_block())
        return 0
    text = DOC.read_text(encoding="utf-8")
    wanted = refreshed(text)
    if args.check:
        if wanted != text:
            print(f"{DOC} is out of date: run python -m gate.live.docs --write", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
