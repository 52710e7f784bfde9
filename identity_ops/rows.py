"""Row sources: read a CSV or JSONL file of users into raw rows with their line numbers.

This module only parses; ``validation`` decides whether a row is acceptable for a pool. Parsing is
streaming (the file is read once per pass, never held whole), and problems are attached to the row
they belong to so that one bad row never hides the others.

CSV: a header row, then one user per record; ``username`` is required, every other column is a
pool attribute by its Cognito name, ``groups`` lists group names separated by ``;``. Columns whose
name starts with ``#`` are comments (the failed-rows file puts the reason in ``#error``).
JSONL: one JSON object per line with the same keys; ``groups`` may also be a JSON list. An object
whose keys all start with ``#`` is a comment line (the failed-rows file puts one before each failed
line, which it copies byte for byte).

Formula-safe cells: a CSV written by ``users export`` neutralises cells a spreadsheet would run as
a formula (OWASP "CSV Injection": a leading ``=``, ``+``, ``-``, ``@``, tab or CR gets a ``'``
prefix) and says so with the comment column ``#cells:quoted``. Only in a file with that column does
the reader remove one leading ``'`` from every cell, and the writer prefixes every cell that already
starts with ``'`` too, so the round trip is exact and a hand-made file is never altered.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from identity_ops.errors import UsageError

USERNAME_COLUMN = "username"
GROUPS_COLUMN = "groups"
GROUP_SEPARATOR = ";"
COMMENT_PREFIX = "#"
ERROR_COLUMN = "#error"
#: Header marker of a CSV whose cells were neutralised (see the module docstring).
QUOTED_CELLS_COLUMN = "#cells:quoted"
#: https://owasp.org/www-community/attacks/CSV_Injection: cells starting with these run as formulas.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CELL_QUOTE = "'"

#: A field this long is certainly not a Cognito value (max 2048); larger ones stop the parse.
FIELD_SIZE_LIMIT = 1 << 20

FORMATS = ("csv", "jsonl")


@dataclass
class RawRow:
    """One record of the input file, before validation."""

    line: int  # 1-based line where the record starts
    fields: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)

    @property
    def username(self) -> str:
        return self.fields.get(USERNAME_COLUMN, "").strip()


def detect_format(path: Path, explicit: str | None = None) -> str:
    """``csv`` or ``jsonl`` from ``--input-format`` or the file extension."""
    if explicit:
        if explicit not in FORMATS:
            raise UsageError(f"--input-format {explicit!r}: expected one of {', '.join(FORMATS)}")
        return explicit
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    raise UsageError(
        f"{path}: cannot tell the format from '{suffix}'; use --input-format csv|jsonl"
    )


def file_sha256(path: Path) -> str:
    """Content hash that keys the journal: the same file resumes, an edited file starts fresh."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, expected a CSV or JSONL file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None
    return digest.hexdigest()


def _has_undecodable(text: str) -> bool:
    """True if the text holds bytes that were not UTF-8 (kept as surrogate escapes)."""
    return any("\udc80" <= char <= "\udcff" for char in text)


def is_formula_like(value: str) -> bool:
    """True if a spreadsheet would evaluate the cell."""
    return value.startswith(FORMULA_TRIGGERS)


def neutralise_cell(value: str, *, reversible: bool = True) -> str:
    """Prefix ``'`` to a cell a spreadsheet would evaluate.

    ``reversible`` (a file with the ``#cells:quoted`` marker) also prefixes a cell that already
    starts with ``'``, so ``restore_cell`` gives back exactly the original.
    """
    if is_formula_like(value) or (reversible and value.startswith(CELL_QUOTE)):
        return CELL_QUOTE + value
    return value


def restore_cell(value: str) -> str:
    """Undo ``neutralise_cell``: drop the one ``'`` it added."""
    return value[1:] if value.startswith(CELL_QUOTE) else value


def _open_text(path: Path) -> io.TextIOWrapper:
    # utf-8-sig drops a BOM; surrogateescape keeps bad bytes so the row they are in can be named.
    try:
        return path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None


def _check_encoding(row: RawRow) -> None:
    for column, value in row.fields.items():
        if _has_undecodable(value) or _has_undecodable(column):
            row.problems.append((column, "not valid UTF-8 (save the file as UTF-8)"))


def read_csv(path: Path) -> Iterator[RawRow]:
    """Stream the records of a CSV file; structural problems become row problems."""
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    with _open_text(path) as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise UsageError(
                f"{path}: the file is empty; expected a header row with 'username'"
            ) from None
        except csv.Error as error:
            raise UsageError(f"{path}:1: the header row is not valid CSV ({error})") from None
        header = [name.strip() for name in header]
        _check_header(path, header)
        quoted = QUOTED_CELLS_COLUMN in header
        line = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise UsageError(
                    f"{path}:{line}: not valid CSV ({error}); nothing was sent, fix the file and re-run"
                ) from None
            start, line = line, reader.line_num + 1
            if not record or all(not value.strip() for value in record):
                continue
            if quoted:
                record = [restore_cell(value) for value in record]
            yield _csv_row(start, header, record)


def _check_header(path: Path, header: list[str]) -> None:
    if USERNAME_COLUMN not in header:
        found = ", ".join(header) or "nothing"
        raise UsageError(f"{path}:1: the header has no 'username' column (found: {found})")
    seen: set[str] = set()
    for name in header:
        if not name:
            raise UsageError(f"{path}:1: the header has an empty column name")
        if name in seen:
            raise UsageError(f"{path}:1: the header names column {name!r} twice")
        seen.add(name)
    if any(_has_undecodable(name) for name in header):
        raise UsageError(f"{path}:1: the header is not valid UTF-8 (save the file as UTF-8)")


def _csv_row(line: int, header: list[str], record: list[str]) -> RawRow:
    row = RawRow(line=line, fields=dict(zip(header, record, strict=False)))
    if len(record) != len(header):
        row.problems.append(
            ("", f"has {len(record)} fields but the header has {len(header)} columns")
        )
    _check_encoding(row)
    return row


def jsonl_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) of a JSONL file; lines end at ``\\n`` only, as JSON Lines says."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        yield from enumerate(handle, start=1)


def read_jsonl(path: Path) -> Iterator[RawRow]:
    """Stream the objects of a JSONL file; a line that is not an object is a row problem."""
    for number, raw in jsonl_lines(path):
        text = raw.decode("utf-8", "surrogateescape")
        if number == 1:
            text = text.removeprefix("\ufeff")  # a BOM
        if not text.strip():
            continue
        row = _jsonl_row(number, text)
        if row is not None:
            yield row


def _jsonl_row(number: int, text: str) -> RawRow | None:
    """The row of one JSONL line; ``None`` for a comment line (every key starts with ``#``)."""
    row = RawRow(line=number, fields={})
    if _has_undecodable(text):
        row.problems.append(("", "not valid UTF-8 (save the file as UTF-8)"))
        return row
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        row.problems.append(("", f"not valid JSON ({error.msg} at column {error.colno})"))
        return row
    if not isinstance(value, dict):
        row.problems.append(("", f"expected a JSON object, got {type(value).__name__}"))
        return row
    if value and all(str(key).startswith(COMMENT_PREFIX) for key in value):
        return None
    row.fields = _jsonl_fields(value, row)
    return row


def _jsonl_fields(value: Mapping[str, Any], row: RawRow) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, item in value.items():
        if item is None:
            continue
        if key == GROUPS_COLUMN and isinstance(item, list):
            fields[key] = GROUP_SEPARATOR.join(str(group) for group in item)
        elif isinstance(item, bool):
            fields[key] = "true" if item else "false"
        elif isinstance(item, str | int | float):
            fields[key] = str(item)
        else:
            row.problems.append(
                (key, f"expected a string, number or boolean, got {type(item).__name__}")
            )
    return fields


def read_rows(path: Path, file_format: str) -> Iterator[RawRow]:
    """Stream the rows of ``path`` in ``file_format`` (``csv`` or ``jsonl``)."""
    return read_csv(path) if file_format == "csv" else read_jsonl(path)


def csv_header(path: Path) -> list[str]:
    """The header of a CSV file (for writing failed rows in the same layout)."""
    with _open_text(path) as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]
