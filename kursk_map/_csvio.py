"""Reading CSV files with line numbers, for the loaders (the only modules that read files)."""

from __future__ import annotations

import csv
import io
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
    #: False when some rows could not be read (bad encoding, header, quotes, ragged or garbled rows).
    complete: bool = True


#: C0 control characters (and DEL) other than tab, CR and LF: never typed, left by broken exports.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _os_problem(exc: OSError | ValueError) -> str:
    if isinstance(exc, PermissionError):
        return f"cannot read: {exc.strerror}; check the permissions of the file and of its directories"
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return f"cannot read: not a usable file name ({exc})"


def read_table(path: str | Path, *, required: tuple[str, ...], known: tuple[str, ...] | None) -> Table:
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
        return Table(name, (), (), tuple(problems), complete=False)

    try:  # stat itself fails (PermissionError) when a parent directory is not searchable
        st = p.stat()
    except FileNotFoundError:
        return fail("file not found; check the path (relative paths start at the current directory)")
    except (OSError, ValueError) as exc:
        return fail(_os_problem(exc))
    if stat.S_ISDIR(st.st_mode):
        return fail("is a directory, expected a CSV file")
    try:
        size = st.st_size
        if size > MAX_BYTES:
            return fail(
                f"file is {size / 2**20:.0f} MiB, over the {MAX_BYTES // 2**20} MiB limit; "
                "check that this is the right file, or split it"
            )
        raw = p.read_bytes()
    except OSError as exc:
        return fail(_os_problem(exc))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail(
            "file is UTF-16 (it starts with a UTF-16 byte-order mark); re-save it as UTF-8 "
            "(in Excel: 'CSV UTF-8 (Comma delimited)'; or: iconv -f utf-16 -t utf-8)",
            1,
        )
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
    if len(header) == 1 and "\t" in header[0]:
        return fail("columns are separated by tabs; kursk_map reads comma-separated files", 1)
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(
            Problem(
                name, 1, "", f"missing column(s) {', '.join(missing)}; the header must include: " + ",".join(required)
            )
        )
        return Table(name, header, (), tuple(problems), complete=False)
    unknown = [] if known is None else [c for c in header if c not in known]
    if unknown:
        shown = ", ".join(repr(c) if c else "'' (an unnamed column: a trailing comma?)" for c in unknown)
        problems.append(Problem(name, 1, "", f"unknown column(s) {shown}; known columns are: " + ",".join(known or ())))
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        problems.append(Problem(name, 1, "", f"column(s) {', '.join(map(repr, dupes))} appear twice; keep one"))
        return Table(name, header, (), tuple(problems), complete=False)

    rows: list[Row] = []
    complete = True
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
                complete = False
                continue
            garbled = [(h, m[0]) for h, c in zip(header, record, strict=True) if (m := _CONTROL.search(c))]
            if garbled:
                problems.extend(
                    Problem(name, start, h, f"control character U+{ord(ch):04X} in the cell; delete it and re-save")
                    for h, ch in garbled
                )
                complete = False
                continue
            rows.append(Row(start, {h: c.strip() for h, c in zip(header, record, strict=True)}))
    except csv.Error as exc:
        problems.append(Problem(name, line, "", f"cannot parse CSV: {exc}; check the quotes on this line"))
        complete = False
    return Table(name, header, tuple(rows), tuple(problems), complete=complete)


def url_problem(url: str, hint: str) -> str | None:
    """What is wrong with a cited address (``None`` if it is a well-formed http(s) URL); ``hint`` says what to give."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"{url!r} is not an http(s) URL; {hint}"
    if not parts.netloc or "." not in parts.netloc or any(ch.isspace() for ch in url):
        return f"{url!r} is not a well-formed URL"
    return None
