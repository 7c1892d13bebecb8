"""Load the sources table and the claims ledger into validated frames.

Structural checks happen here (columns, enums, dates, figures, URLs, ids, denials);
settlement names are checked later by :mod:`kursk_map.state`, with the resolver.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from . import schemas
from ._csvio import read_table, url_problem, visible
from ._errors import DataError, Problem
from .theatre import Theatre

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_DMY = re.compile(r"([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})", re.ASCII)
#: A figure: ASCII digits, optional sign, point and exponent; commas only as thousands separators.
_FIGURE = re.compile(
    r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CLAIM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def read_sources(path: str | Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Read ``sources.csv`` (slug, name, side, kind, url), returning valid rows and problems."""
    table = read_table(path, required=schemas.SOURCE_COLUMNS[:4], known=schemas.SOURCE_COLUMNS)
    problems = list(table.problems)
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        c = {k: row.cells.get(k, "") for k in schemas.SOURCE_COLUMNS}
        errs = []
        if not _SLUG.match(c["slug"]):
            errs.append(
                Problem(
                    table.path, row.line, "slug", f"{c['slug']!r} is not a slug; use lower-case letters, digits and '-'"
                )
            )
        elif c["slug"] in schemas.RESERVED_SLUGS:
            errs.append(
                Problem(
                    table.path,
                    row.line,
                    "slug",
                    f"{c['slug']!r} is reserved (a page or folder of the atlas, or a device name on Windows); "
                    f"choose another slug, e.g. {c['slug'] + '-src'!r}",
                )
            )
        elif len(c["slug"]) > schemas.SLUG_MAX:
            errs.append(
                Problem(
                    table.path,
                    row.line,
                    "slug",
                    f"slug of {len(c['slug'])} characters; keep it to {schemas.SLUG_MAX} "
                    "(it names a folder of the atlas)",
                )
            )
        elif c["slug"] in seen:
            errs.append(
                Problem(table.path, row.line, "slug", f"duplicate slug {c['slug']!r} (first on line {seen[c['slug']]})")
            )
        if c["side"] not in schemas.SIDES:
            errs.append(
                Problem(
                    table.path, row.line, "side", f"unknown side {c['side']!r}; use one of {', '.join(schemas.SIDES)}"
                )
            )
        if c["kind"] not in schemas.SOURCE_KINDS:
            errs.append(
                Problem(
                    table.path,
                    row.line,
                    "kind",
                    f"unknown kind {c['kind']!r}; use one of {', '.join(schemas.SOURCE_KINDS)}",
                )
            )
        if not c["name"]:
            errs.append(Problem(table.path, row.line, "name", "empty name"))
        elif not visible(c["name"]):
            errs.append(Problem(table.path, row.line, "name", f"{c['name']!r} {_INVISIBLE}; type the name"))
        if c["url"] and (msg := url_problem(c["url"], _URL_HINT)):
            errs.append(Problem(table.path, row.line, "url", msg))
        problems.extend(errs)
        if not errs:
            seen[c["slug"]] = row.line
            records.append(c)
    if table.complete and not table.rows and not problems:
        problems.append(Problem(table.path, 0, "", "lists no sources; add one row per source below the header"))
    df = pd.DataFrame.from_records(records, columns=list(schemas.SOURCE_COLUMNS))
    return df.set_index("slug", drop=False).rename_axis(None), problems


def load_sources(path: str | Path) -> pd.DataFrame:
    """Load and validate ``sources.csv``; raise :class:`DataError` with every problem."""
    df, problems = read_sources(path)
    if problems:
        raise DataError(problems)
    return df


#: What a claim's or a source's ``url`` must be.
_URL_HINT = "give the address of the page the claim comes from"
#: What a claim's optional ``primary_url`` must be.
_PRIMARY_HINT = "give the address of the claimant's own publication, or leave it empty"
_INVISIBLE = "shows nothing once invisible characters (zero-width spaces, bidi marks, blanks) are removed"


def _number(value: str) -> float | None:
    """Parse a figure (``1000``, ``1,000``, ``2.5``); ``None`` for anything else, e.g. ``1,5`` or ``nan``."""
    if not _FIGURE.fullmatch(value):
        return None
    f = float(value.replace(",", ""))
    return f if math.isfinite(f) else None


def _date_hint(text: str) -> str:
    """How to write a day/month/year date as ISO, for the interpretations that are real dates."""
    m = _DMY.fullmatch(text)
    if not m:
        return ""
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    readings: list[str] = []
    for label, day, month in (("day first", a, b), ("month first", b, a)):
        try:
            iso = dt.date(year, month, day).isoformat()
        except ValueError:
            continue
        if not any(r.startswith(iso) for r in readings):
            readings.append(f"{iso} if {label}")
    return f"; write it as ISO, e.g. {' or '.join(readings)}" if readings else ""


def _a(word: str) -> str:
    """The indefinite article for ``word`` ("an area claim", "a control claim")."""
    return "an" if word[:1] in "aeiou" else "a"


def _check_claim(
    file: str, line: int, c: dict[str, str], sources: set[str], today: dt.date, *, theatre: Theatre
) -> list[Problem]:
    out: list[Problem] = []

    def bad(col: str, msg: str) -> None:
        out.append(Problem(file, line, col, msg))

    if not _CLAIM_ID.match(c["claim_id"]):
        bad("claim_id", f"{c['claim_id']!r} is not a usable id; use e.g. 'ru-mod-20250315-01'")
    if not _ISO.fullmatch(c["date"]):
        bad("date", f"{c['date']!r} is not an ISO date (YYYY-MM-DD){_date_hint(c['date'])}")
    else:
        try:
            d = dt.date.fromisoformat(c["date"])
        except ValueError:
            bad("date", f"{c['date']!r} is not a real calendar date")
        else:
            if d > today:
                bad("date", f"{c['date']} is in the future (today is {today.isoformat()}); check the year")
            elif theatre.period and not theatre.period[0] <= d <= theatre.period[1]:
                first, last = (p.isoformat() for p in theatre.period)
                where = "before" if d < theatre.period[0] else "after"
                bad(
                    "date",
                    f"{c['date']} is {where} the theatre's period ({first} to {last}, "
                    f"{theatre.path or 'theatre.toml'}); check the year, or widen 'period' in theatre.toml",
                )
    # With no known sources at all, sources.csv itself is broken and reported: do not repeat it per claim.
    if sources and c["source"] not in sources:
        known = ", ".join(sorted(sources))
        close = difflib.get_close_matches(c["source"], sorted(sources), n=1, cutoff=0.6)
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        bad("source", f"unknown source {c['source']!r}; add it to sources.csv or use one of: {known}{guess}")
    kind = c["kind"]
    if kind not in schemas.CLAIM_KINDS:
        bad("kind", f"unknown kind {kind!r}; use one of {', '.join(schemas.CLAIM_KINDS)}")
        return out
    ctrl = c["controller"]
    if ctrl and ctrl not in schemas.CONTROLLERS:
        bad("controller", f"unknown controller {ctrl!r}; use one of {', '.join(schemas.CONTROLLERS)}")
    elif kind in ("control", "area", "count", "relative") and ctrl not in ("UA", "RU"):
        bad("controller", f"{_a(kind)} {kind} claim needs controller UA or RU, got {ctrl!r}")
    if kind == "presence" and ctrl and ctrl != "contested":
        bad("controller", f"a presence claim is 'contested', got {ctrl!r}; use kind=control for {ctrl}")
    if kind == "attack" and ctrl not in ("UA", "RU"):
        bad("controller", f"an attack claim names the side that attacked, UA or RU, got {ctrl!r}")
    if c["settlement"] and not visible(c["settlement"]):
        bad("settlement", f"{c['settlement']!r} {_INVISIBLE}; type the name")
    elif kind in schemas.PLACED_KINDS and not c["settlement"]:
        bad("settlement", f"{_a(kind)} {kind} claim needs the settlement it is about")
    if kind == "region" and not c["settlement"]:
        example = f", e.g. '{next(iter(theatre.oblasts))} Oblast'" if theatre.oblasts else ""
        bad("settlement", f"a region claim names its oblast in 'settlement'{example}")
    value = _number(c["value"])
    if c["value"] and value is None:
        comma = "; use '.' for decimals (2.5) and ',' only between thousands (1,000)" if "," in c["value"] else ""
        bad("value", f"{c['value']!r} is not a number{comma}")
    elif value is not None and value <= 0:
        bad("value", f"{c['value']} must be positive")
    units = schemas.UNITS.get(kind, {})
    if kind in ("area", "count", "relative") and value is None and not c["value"]:
        bad("value", f"{_a(kind)} {kind} claim needs a figure in 'value'")
    if c["unit"] and c["unit"] not in units:
        allowed = ", ".join(units) or "none"
        bad("unit", f"unit {c['unit']!r} is not known for {_a(kind)} {kind} claim; use one of: {allowed}")
    elif c["value"] and not c["unit"] and units:
        bad("unit", f"a figure needs its unit; use one of: {', '.join(units)}")
    if kind == "relative":
        b = _number(c["bearing_deg"])
        if not c["bearing_deg"]:
            bad("bearing_deg", "a relative claim needs a compass bearing in degrees (0-359, N=0, E=90)")
        elif b is None or not 0 <= b < 360:
            bad("bearing_deg", f"{c['bearing_deg']!r} is not a compass bearing in degrees (0-359, N=0, E=90)")
    if kind == "denial" and not c["denies"]:
        bad("denies", "a denial names the claim_id it rejects in 'denies'")
    elif kind == "denial" and c["denies"] == c["claim_id"]:
        bad("denies", f"claim {c['claim_id']!r} denies itself; name the claim_id it rejects")
    if not visible(c["summary"]):
        empty = "empty summary" if not c["summary"] else f"summary {c['summary']!r} {_INVISIBLE}"
        bad("summary", f"{empty}; describe the claim in a sentence of your own")
    if msg := url_problem(c["url"], _URL_HINT):
        bad("url", msg)
    if c["primary_url"] and (msg := url_problem(c["primary_url"], _PRIMARY_HINT)):
        bad("primary_url", msg)
    if msg := _review_problem(c.get("status", "")):
        bad("status", msg)
    return out


def _review_problem(status: str) -> str | None:
    """Rows proposed by ``kursk-map extract`` load once a person has set ``status`` to ``accepted``."""
    if status in ("", "accepted"):
        return None
    if status == "proposed":
        return "still 'proposed': check it against the article, then set status to 'accepted' (or delete the row)"
    if status == "rejected":
        return "'rejected' in review: delete the row from the claims file"
    return f"unknown status {status!r}; use 'accepted' (or leave it empty)"


def file_source(path: str | Path, sources: Iterable[str]) -> str | None:
    """The source a claims file is named after: ``<slug>.csv`` or ``<slug>-<part>.csv`` (longest slug wins).

    Examples
    --------
    >>> file_source("claims/ru-mod.csv", ["ru-mod", "ua-gs"]), file_source("claims/RU-MOD-2024.CSV", ["ru-mod"])
    ('ru-mod', 'ru-mod')
    >>> file_source("claims/ru-mod-extra.csv", ["ru-mod", "ru-mod-extra"]), file_source("claims/x.csv", ["ru-mod"])
    ('ru-mod-extra', None)
    """
    stem = Path(path).stem.lower()
    fits = [s for s in sources if stem == s or stem.startswith(s + "-")]
    return max(fits, key=len) if fits else None


def read_claims(
    paths: Iterable[str | Path],
    *,
    sources: Iterable[str],
    today: dt.date | None = None,
    theatre: Theatre | None = None,
    one_source_per_file: bool = False,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read claims CSV files, returning the structurally valid claims and every problem.

    A claim dated outside the ``theatre``'s period, if it has one, is a problem.

    The frame has the columns of :data:`kursk_map.schemas.CLAIM_COLUMNS`, with ``date``
    as ``datetime64``, ``value_std`` (figure in the canonical unit), ``drawn`` and ``at_edge``
    (see :func:`drawn_flags`) and ``_file``/``_line``.
    With ``one_source_per_file`` (the files of a ``claims/`` folder), each file is named after its
    source (``claims/<slug>.csv``, or ``claims/<slug>-<part>.csv`` for a ledger split in parts) and a
    row naming another source is a problem.
    """
    known_sources = set(sources)
    today = today or dt.date.today()
    theatre = theatre or Theatre()
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    first: dict[str, tuple[str, int]] = {}
    complete = True
    for path in paths:
        table = read_table(
            path, required=schemas.CLAIM_REQUIRED, known=(*schemas.CLAIM_COLUMNS, *schemas.REVIEW_COLUMNS)
        )
        problems.extend(table.problems)
        complete = complete and table.complete
        owner = file_source(path, known_sources) if one_source_per_file and known_sources else None
        if one_source_per_file and known_sources and owner is None and table.rows:
            theirs = sorted({r.cells.get("source", "") for r in table.rows} & known_sources)
            problems.append(
                Problem(
                    table.path,
                    1,
                    "",
                    f"the file is named after no source of sources.csv ({Path(path).stem!r}); name a claims file "
                    "after the source of its rows: claims/<slug>.csv or claims/<slug>-<part>.csv"
                    + (f", e.g. claims/{theirs[0]}.csv" if theirs else ""),
                )
            )
        for row in table.rows:
            c = {k: row.cells.get(k, "") for k in schemas.CLAIM_COLUMNS}
            errs = _check_claim(
                table.path,
                row.line,
                {**c, "status": row.cells.get("status", "")},
                known_sources,
                today,
                theatre=theatre,
            )
            if owner is not None and c["source"] != owner and c["source"] in known_sources:
                errs.append(
                    Problem(
                        table.path,
                        row.line,
                        "source",
                        f"{c['source']!r} in a claims file of {owner!r}; a file holds the claims of its own "
                        f"source: move this row to claims/{c['source']}.csv",
                    )
                )
            cid = c["claim_id"]
            if cid in first:
                f, ln = first[cid]
                errs.append(
                    Problem(table.path, row.line, "claim_id", f"duplicate claim_id {cid!r} (first at {f}:{ln})")
                )
            else:
                first[cid] = (table.path, row.line)
            problems.extend(errs)
            if errs:
                continue
            value = _number(c["value"])
            factor = schemas.UNITS.get(c["kind"], {}).get(c["unit"], 1.0)
            records.append(
                {
                    **c,
                    "value": value,
                    "value_std": value * factor if value is not None else None,
                    "bearing_deg": _number(c["bearing_deg"]),
                    "_file": table.path,
                    "_line": row.line,
                }
            )
    kept = []
    for r in records:
        if r["kind"] == "denial" and r["denies"] not in first:
            if not complete:  # the claim may be on a row that could not be read, which is reported
                continue
            problems.append(
                Problem(
                    r["_file"], r["_line"], "denies", f"denies {r['denies']!r}, which is not a claim_id in the ledger"
                )
            )
            continue
        kept.append(r)
    cols = [*schemas.CLAIM_COLUMNS, "value_std", "_file", "_line"]
    df = pd.DataFrame.from_records(kept, columns=cols)
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    df["value"] = df["value"].astype(float)
    df["value_std"] = df["value_std"].astype(float)
    df["bearing_deg"] = df["bearing_deg"].astype(float)
    df["drawn"], df["at_edge"] = drawn_flags(df)
    df = df.sort_values(["date", "source", "claim_id"], kind="stable").reset_index(drop=True)
    return df, problems


def drawn_flags(claims: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Which claims were read off their source's own map, and which of those lie at a drawn edge.

    See :data:`kursk_map.schemas.DRAWN_MARK`: the claim id is ``<source>-map-...``; the note of such a
    row says :data:`kursk_map.schemas.AT_EDGE_NOTE` when the point is within its precision of an edge.

    Examples
    --------
    >>> c = pd.DataFrame({"claim_id": ["deepstate-map-20241120-1", "deepstate-20241120-01", "isw-map-x"],
    ...                   "source": ["deepstate", "deepstate", "deepstate"],
    ...                   "note": ["derived ...; at the edge: 300 m from a drawn boundary", "at the edge", ""]})
    >>> [list(s) for s in drawn_flags(c)]
    [[True, False, False], [True, False, False]]
    """
    ids = claims["claim_id"].astype(str)
    prefix = claims["source"].astype(str) + schemas.DRAWN_MARK
    drawn = pd.Series([i.startswith(p) for i, p in zip(ids, prefix, strict=True)], index=claims.index, dtype=bool)
    at_edge = drawn & claims["note"].astype(str).str.contains(schemas.AT_EDGE_NOTE, regex=False)
    return drawn, at_edge.astype(bool)


def load_claims(
    paths: Iterable[str | Path],
    *,
    sources: Iterable[str],
    today: dt.date | None = None,
    theatre: Theatre | None = None,
) -> pd.DataFrame:
    r"""Load and validate claims files; raise :class:`DataError` listing every problem.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ru-mod.csv"
    >>> _ = p.write_text(
    ...     "claim_id,date,source,kind,settlement,controller,value,unit,summary,url\n"
    ...     "c1,2025-03-13,ru-mod,control,Sudzha,RU,,,Says it retook Sudzha.,https://example.org/a\n"
    ...     "c2,13/03/2025,ru-mod,control,Sudzha,RU,,,Same.,https://example.org/a\n", encoding="utf-8")
    >>> load_claims([p], sources=["ru-mod"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kursk_map._errors.DataError: 1 problem in the input data:
    ...ru-mod.csv:3: date: '13/03/2025' is not an ISO date (YYYY-MM-DD); write it as ISO, e.g. 2025-03-13 if day first
    """
    df, problems = read_claims(paths, sources=sources, today=today, theatre=theatre)
    if problems:
        raise DataError(problems)
    return df
