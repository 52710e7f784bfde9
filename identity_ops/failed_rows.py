"""Write the rows that failed back out, in the input's own format, ready to be fixed and re-fed.

Nothing of the input is lost:

- CSV: each failed record keeps its columns and gets the reason in the ``#error`` comment column,
  which the importer ignores. Bytes that were not UTF-8 (a Latin-1 ``José``) are written back as
  the same bytes (read and written with Python's ``surrogateescape`` handler), not as ``?``; a file
  whose cells the export neutralised (``#cells:quoted``) keeps that layout.
- JSONL: each failed line is copied byte for byte, preceded by a comment line
  ``{"#error": "...", "#line": N}`` that the importer skips, so even a line that is not JSON is
  kept as it was.

Every run writes its own file (``users.import-20261201T101500Z.failed.csv`` beside the input), so
one run, or a clean run of another command, never deletes or overwrites another run's failed rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from identity_ops.errors import UsageError
from identity_ops.redaction import scrub
from identity_ops.rows import (
    ERROR_COLUMN,
    QUOTED_CELLS_COLUMN,
    csv_header,
    jsonl_lines,
    neutralise_cell,
    read_rows,
)

#: Writes undecodable input bytes (kept as surrogate escapes when read) back unchanged.
BYTE_PRESERVING = "surrogateescape"


def default_failed_rows_path(source: Path, command: str = "", now: datetime | None = None) -> Path:
    """``users.csv`` -> ``users.import-20261201T101500Z.failed.csv`` beside it, never an existing file."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    label = f"{command.replace(' ', '-')}-{stamp}" if command else stamp
    candidate = source.with_name(f"{source.stem}.{label}.failed{source.suffix}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = source.with_name(f"{source.stem}.{label}-{counter}.failed{source.suffix}")
    return candidate


def write_failed_rows(
    source: Path, file_format: str, reasons: Mapping[int, str], target: Path
) -> int:
    """Copy the rows of ``source`` whose line is in ``reasons`` to ``target``; return the count.

    With no failed row nothing is written, and nothing is deleted either.
    """
    if not reasons:
        return 0
    if file_format == "csv":
        with _open(target, binary=False) as text:
            return _write_csv(source, reasons, text)
    with _open(target, binary=True) as raw:
        return _write_jsonl(source, reasons, raw)


def _open(target: Path, *, binary: bool) -> IO[Any]:
    try:
        if binary:
            return target.open("wb")
        return target.open("w", encoding="utf-8", errors=BYTE_PRESERVING, newline="")
    except OSError as error:
        raise UsageError(f"{target}: cannot write the failed rows ({error.strerror})") from None


def _write_csv(source: Path, reasons: Mapping[int, str], handle: IO[str]) -> int:
    header = [name for name in csv_header(source) if name != ERROR_COLUMN] + [ERROR_COLUMN]
    quoted = QUOTED_CELLS_COLUMN in header
    writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    written = 0
    for row in read_rows(source, "csv"):
        reason = reasons.get(row.line)
        if reason is None:
            continue
        fields = {k: neutralise_cell(v) if quoted else v for k, v in row.fields.items()}
        fields[ERROR_COLUMN] = scrub(reason)
        writer.writerow(fields)
        written += 1
    return written


def _write_jsonl(source: Path, reasons: Mapping[int, str], handle: IO[bytes]) -> int:
    written = 0
    for number, raw in jsonl_lines(source):
        reason = reasons.get(number)
        if reason is None:
            continue
        comment = {ERROR_COLUMN: scrub(reason), "#line": number}
        handle.write(json.dumps(comment, ensure_ascii=False).encode("utf-8", BYTE_PRESERVING))
        handle.write(b"\n" + (raw if raw.endswith(b"\n") else raw + b"\n"))
        written += 1
    return written
