"""Reading CSV files with line numbers, for the loaders (the only modules that read files)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ._errors import Problem

#: Files larger than this are refused rather than read into memory.
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based line number in the file and its cells by column name."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """A CSV file read as text: header, rows, and the problems met while reading."""

    path: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]


def read_table(path: str | Path, *, required: tuple[str, ...], known: tuple[str, ...]) -> Table:
    """Read a UTF-8 CSV file, checking its header against the required and known columns.

    A UTF-8 byte-order mark is stripped. Cells are stripped of surrounding blanks.
    Problems (missing file, wrong encoding, missing columns, ragged rows) are returned,
    never raised, so that a caller can report every problem of every file at once.
    """
    name = str(path)
    p = Path(path)
    problems: list[Problem] = []

    def fail(message: str, line: int = 0) -> Table:
        problems.append(Problem(name, line, "", message))
        return Table(name, (), (), tuple(problems))

    if not p.exists():
        return fail("file not found; check the path (relative paths start at the current directory)")
    if p.is_dir():
        return fail("is a directory, expected a CSV file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            return fail(f"file is {size / 2**20:.0f} MiB, over the {MAX_BYTES // 2**20} MiB limit; split it")
        raw = p.read_bytes()
    except OSError as exc:
        return fail(f"cannot read: {exc.strerror}; check the file's permissions")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return fail(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8 "
            "(a Windows-1251 export can be converted with: iconv -f cp1251 -t utf-8)",
            line,
        )
    if not text.strip():
        return fail("file is empty; a header row is needed: " + ",".join(required))

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = tuple(h.strip() for h in next(reader))
    except csv.Error as exc:
        return fail(f"cannot parse the header: {exc}", 1)
    if len(header) == 1 and ";" in header[0]:
        return fail("columns are separated by ';'; kursk_map reads comma-separated files", 1)
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(
            Problem(
                name, 1, "", f"missing column(s) {', '.join(missing)}; the header must include: " + ",".join(required)
            )
        )
        return Table(name, header, (), tuple(problems))
    unknown = [c for c in header if c not in known]
    if unknown:
        problems.append(
            Problem(
                name, 1, "", f"unknown column(s) {', '.join(map(repr, unknown))}; known columns are: " + ",".join(known)
            )
        )
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        problems.append(Problem(name, 1, "", f"column(s) {', '.join(dupes)} appear twice; keep one"))
        return Table(name, header, (), tuple(problems))

    rows: list[Row] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            start = line
            line = reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(
                    Problem(
                        name,
                        start,
                        "",
                        f"{len(record)} cells but the header has {len(header)} columns; "
                        "check for an unquoted comma or a missing cell",
                    )
                )
                continue
            rows.append(Row(start, {h: c.strip() for h, c in zip(header, record, strict=True)}))
    except csv.Error as exc:
        problems.append(Problem(name, line, "", f"cannot parse CSV: {exc}; check the quotes on this line"))
    return Table(name, header, tuple(rows), tuple(problems))
