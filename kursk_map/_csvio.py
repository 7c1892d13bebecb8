"""Reading CSV files with line numbers, for the loaders (the only modules that read files)."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import unicodedata
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


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_big(size: int, limit: int) -> str:
    return (
        f"file is {size / 2**20:.0f} MiB, over the {limit // 2**20} MiB limit; "
        "check that this is the right file, or split it"
    )


def regular_file_problem(path: str | Path, *, what: str = "file", max_bytes: int | None = None) -> str | None:
    """Why ``path`` cannot be read as a data file (``None`` if it is a regular file under the size cap).

    Only regular files are read: a folder, a FIFO (reading it would wait forever), a device (a link
    to ``/dev/zero`` never ends) or a socket is refused before it is opened.
    """
    p = Path(path)
    try:  # stat itself fails (PermissionError) when a parent directory is not searchable
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            return f"is a symbolic link to {p.readlink()}, which does not exist"
        return "file not found; check the path (relative paths start at the current directory)"
    except (OSError, ValueError) as exc:
        return _os_problem(exc)
    if stat.S_ISDIR(st.st_mode):
        return f"is a directory, expected a {what}"
    if not stat.S_ISREG(st.st_mode):
        link = f"a symbolic link to {p.readlink()}, " if p.is_symlink() else ""
        return f"is {link}{_kind(st.st_mode)}, not a regular file; give a {what}"
    if max_bytes is not None and st.st_size > max_bytes:
        return _too_big(st.st_size, max_bytes)
    return None


def read_capped(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, never more than ``max_bytes`` (call :func:`regular_file_problem` first).

    Opened without blocking and checked again once open, so a file swapped for a FIFO or a device
    in between cannot make the read hang or run without end.

    Raises
    ------
    OSError
        When it cannot be read, or is no longer a regular file under the cap (``EFBIG``, ``EINVAL``).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(22, f"{_kind(st.st_mode)}, not a regular file", str(path))
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(27, _too_big(len(data), max_bytes), str(path))
    return data


#: Byte-order marks, longest first (a UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32", "utf-32"),
    (b"\x00\x00\xfe\xff", "UTF-32", "utf-32"),
    (b"\xff\xfe", "UTF-16", "utf-16"),
    (b"\xfe\xff", "UTF-16", "utf-16"),
)
_RESAVE = "re-save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)'; or: iconv -f {enc} -t utf-8)"


def encoding_problem(raw: bytes) -> str | None:
    r"""What is wrong with the encoding of ``raw`` if it is not UTF-8 text at all (UTF-16/32, a workbook).

    UTF-16 and UTF-32 are told apart with or without a byte-order mark (the header row is ASCII,
    so every other byte, or three of four, is zero).

    Examples
    --------
    >>> print(encoding_problem("id,name\n".encode("utf-32")))  # doctest: +ELLIPSIS
    file is UTF-32 (it starts with a UTF-32 byte-order mark); re-save it as UTF-8 (...; or: iconv -f utf-32 -t utf-8)
    >>> print(encoding_problem("id,name\n".encode("utf-16-be")))  # doctest: +ELLIPSIS
    file is UTF-16 big-endian, without a byte-order mark; re-save it as UTF-8 (...; or: iconv -f utf-16be -t utf-8)
    >>> encoding_problem(b"id,name\n") is None
    True
    """
    for bom, name, enc in _BOMS:
        if raw.startswith(bom):
            return f"file is {name} (it starts with a {name} byte-order mark); " + _RESAVE.format(enc=enc)
    if raw.startswith(b"PK\x03\x04"):
        return (
            "file is a zip archive (an Excel .xlsx or .ods workbook?), not CSV; "
            "save it as 'CSV UTF-8 (Comma delimited)'"
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "file is an old Excel .xls workbook, not CSV; save it as 'CSV UTF-8 (Comma delimited)'"
    head = raw[:400]
    if b"\x00" not in head or len(head) < 8:
        return None
    n = len(head) - len(head) % 4
    zero = [sum(head[i] == 0 for i in range(k, n, 4)) / (n // 4) for k in range(4)]
    guess = {
        (False, True, True, True): ("UTF-32 little-endian", "utf-32le"),
        (True, True, True, False): ("UTF-32 big-endian", "utf-32be"),
        (False, True, False, True): ("UTF-16 little-endian", "utf-16le"),
        (True, False, True, False): ("UTF-16 big-endian", "utf-16be"),
    }.get(tuple(z > 0.6 for z in zero))  # type: ignore[arg-type]
    if guess is None:
        return None
    return f"file is {guess[0]}, without a byte-order mark; " + _RESAVE.format(enc=guess[1])


def line_of(raw: bytes, offset: int) -> int:
    r"""1-based line number of byte ``offset``, counting ``\r\n``, ``\r`` and ``\n`` as line ends.

    Examples
    --------
    >>> line_of(b"a\rb\rc\xff", 5), line_of(b"a\r\nb\n\xff", 5)
    (3, 3)
    """
    return len(re.findall(rb"\r\n|\r|\n", raw[:offset])) + 1


#: Characters that show nothing: format controls (zero-width space, joiners, bidi marks, BOM),
#: blanks, and fillers that fonts draw empty.
_INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def visible(text: str) -> bool:
    r"""True if ``text`` has at least one character that shows (not only blanks and invisible marks).

    Examples
    --------
    >>> visible("Sudzha"), visible("\u200b\u00a0 \u2060"), visible("\u202e"), visible("")
    (True, False, False, False)
    """
    return any(
        unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cn", "Co", "Cs")
        and ch not in _INVISIBLE_EXTRA
        for ch in text
    )


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

    if (why := regular_file_problem(p, what="CSV file", max_bytes=MAX_BYTES)) is not None:
        return fail(why)
    try:
        raw = read_capped(p)
    except OSError as exc:
        return fail(exc.strerror if exc.errno in (22, 27) and exc.strerror else _os_problem(exc))
    if (why := encoding_problem(raw)) is not None:
        return fail(why, 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = line_of(raw, exc.start)
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
