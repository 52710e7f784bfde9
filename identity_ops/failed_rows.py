"""Write the rows that failed back out, in the input's own format, ready to be fixed and re-fed.

Each failed row keeps its original columns and gets the reason in the ``#error`` comment column,
which the importer ignores, so ``identity-ops users import users.failed.csv`` works as is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path

from identity_ops.redaction import scrub
from identity_ops.rows import ERROR_COLUMN, csv_header, read_rows


def default_failed_rows_path(source: Path) -> Path:
    """``users.csv`` -> ``users.failed.csv`` beside it."""
    return source.with_name(f"{source.stem}.failed{source.suffix}")


def write_failed_rows(
    source: Path, file_format: str, reasons: Mapping[int, str], target: Path
) -> int:
    """Copy the rows of ``source`` whose line is in ``reasons`` to ``target``; return the count."""
    if not reasons:
        if target.exists():
            target.unlink()
        return 0
    written = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
        if file_format == "csv":
            header = [name for name in csv_header(source) if name != ERROR_COLUMN] + [ERROR_COLUMN]
            writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
            writer.writeheader()
        for row in read_rows(source, file_format):
            reason = reasons.get(row.line)
            if reason is None:
                continue
            fields = {key: _clean(value) for key, value in row.fields.items()}
            fields[ERROR_COLUMN] = scrub(reason)
            if file_format == "csv":
                writer.writerow(fields)
            else:
                handle.write(json.dumps(fields, ensure_ascii=False) + "\n")
            written += 1
    return written


def _clean(value: str) -> str:
    # bad bytes were kept as surrogate escapes so the row could be named; write them as U+FFFD
    return value.encode("utf-8", "replace").decode("utf-8")
