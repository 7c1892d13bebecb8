"""A catalogue of malformed inputs: each names the exact message users see, or the documented repair.

Every data case starts from the tiny dataset of ``conftest.py`` (3 claims in ``claims/ru-mod.csv``,
so an appended claim is on line 5; 7 settlements, so an appended settlement is on line 9; 2 sources,
so an appended source is on line 4), changes one or two files, and is checked four ways:

- the loader of the file alone (``read_gazetteer``, ``read_sources``, ``read_claims``, and their
  ``load_*`` counterparts, which must raise :class:`DataError` with the message);
- :func:`kursk_map.dataset.check_dataset`, which must report each expected line exactly once and
  nothing else (no cascade of consequences);
- ``kursk-map validate``, whose exit code and ``stderr`` lines are checked.

Expected lines are written relative to the data directory, as ``file:line: column: message``;
``{root}`` stands for the data directory and ``{today}`` for the date the run takes as today.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod

from kursk_map import __version__, _csvio, schemas
from kursk_map._errors import DataError, Problem
from kursk_map.claims import load_claims, load_sources, read_claims, read_sources
from kursk_map.cli import main
from kursk_map.dataset import Dataset, check_dataset, claim_files
from kursk_map.gazetteer import load_gazetteer, read_gazetteer

from .conftest import CLAIM_ROW, HEADER, PLACE_ROW, RU_CLAIMS, SETTLEMENTS, SOURCES, TODAY, UA_CLAIMS, write_dataset

# --------------------------------------------------------------------------------------------- rows

CLAIM = CLAIM_ROW
PLACE = PLACE_ROW
SOURCE = {
    "slug": "isw",
    "name": "Institute for the Study of War",
    "side": "independent",
    "kind": "analyst",
    "url": "https://www.understandingwar.org/",
}
GAZ_HEADER = SETTLEMENTS.splitlines(keepends=True)[0]


def _csv_row(d: dict[str, str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(d.values())
    return buf.getvalue()


def ru(**changes: str) -> str:
    """The ru-mod claims file with one more claim (line 5), properly quoted."""
    return RU_CLAIMS + _csv_row({**CLAIM, **changes})


def ru_raw(line: str) -> str:
    """The ru-mod claims file with one more line written as is."""
    return RU_CLAIMS + line + "\n"


def gaz(**changes: str) -> str:
    """The gazetteer with one more settlement (line 9)."""
    return SETTLEMENTS + _csv_row({**PLACE, **changes})


def src(**changes: str) -> str:
    """The sources table with one more source (line 4)."""
    return SOURCES + _csv_row({**SOURCE, **changes})


def _claim(ds: Dataset, cid: str) -> pd.Series:
    c = ds.ledger.claims
    return c[c["claim_id"] == cid].iloc[0]


# ------------------------------------------------------------------------------------------- cases

CLAIMS_F = "claims/ru-mod.csv"
GAZ_F = "settlements.csv"
SRC_F = "sources.csv"
ISO_HINT = "; write it as ISO, e.g. "
NOT_UTF8 = (
    "not valid UTF-8 (byte 0x{b}); re-save the file as UTF-8 "
    "(a Windows-1251 export can be converted with: iconv -f cp1251 -t utf-8)"
)
UTF16 = (
    "file is UTF-16 (it starts with a UTF-16 byte-order mark); re-save it as UTF-8 "
    "(in Excel: 'CSV UTF-8 (Comma delimited)'; or: iconv -f utf-16 -t utf-8)"
)
SEMICOLON = "columns are separated by ';'; kursk_map reads comma-separated files"
CLAIM_REQ = "claim_id,date,source,kind,settlement,controller,summary,url"
CLAIM_KNOWN = (
    "claim_id,date,source,kind,settlement,controller,value,unit,bearing_deg,denies,summary,url,note,primary_url,"
    "status,confidence,evidence"
)
GAZ_REQ = "id,name,name_ru,name_uk,alt_names,lat,lon,country,oblast,raion,population,ref,precision_m,method"
NOT_FOUND = "file not found; check the path (relative paths start at the current directory)"
NO_URL = "is not an http(s) URL; give the address of the page the claim comes from"
AREA_UNITS = "km2, sq mi, ha"
BEARING = "is not a compass bearing in degrees (0-359, N=0, E=90)"


@dataclass(frozen=True)
class Fifo:
    """A named pipe in place of a file: reading it would wait forever."""


@dataclass(frozen=True)
class Link:
    """A symbolic link to ``target`` in place of a file."""

    target: str


@dataclass(frozen=True)
class Folder:
    """An empty folder."""


Content = str | bytes | None | Fifo | Link | Folder


@dataclass(frozen=True)
class Case:
    """One malformed (or repairable) input and what the user must see."""

    id: str
    files: dict[str, Content]  # relative path -> new content; None deletes the file
    expected: tuple[str, ...]  # every problem, as `file:line: column: message` relative to the data dir
    code: int  # exit code of `kursk-map validate`
    loader: str | None = None  # "gazetteer", "sources" or "claims": the loader that finds the problem alone
    check: Callable[[Dataset], None] | None = None  # the documented repair, for code 0
    cascade: bool = False  # the gazetteer cannot be read: check_dataset stops there (test_unreadable_gazetteer_alone)
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())
    warnings: tuple[str, ...] = ()  # what validate reports as odd but not wrong, in the same form


def _check_bom_claims(ds: Dataset) -> None:
    assert list(ds.ledger.claims.columns[:2]) == ["claim_id", "date"]
    assert {"ru-1", "ru-2", "ru-3"} <= set(ds.ledger.claims["claim_id"])


def _check_bom_gazetteer(ds: Dataset) -> None:
    assert ds.gazetteer.loc["486816", "name"] == "Sudzha"
    assert "\ufeffid" not in ds.gazetteer.columns


def _check_bom_sources(ds: Dataset) -> None:
    assert ds.sources.loc["ru-mod", "name"] == "Russian Ministry of Defence"


def _check_crlf(ds: Dataset) -> None:
    assert _claim(ds, "ru-1")["summary"] == "Says Sudzha was retaken."
    assert _claim(ds, "ru-3")["_line"] == 4


def _check_quoted_newline(ds: Dataset) -> None:
    r = _claim(ds, "ru-4")
    assert r["summary"] == "Line one,\nline two." and r["_line"] == 5
    assert _claim(ds, "ru-5")["_line"] == 7


def _check_sq_mi(ds: Dataset) -> None:
    r = _claim(ds, "ru-4")
    assert (r["value"], r["unit"]) == (100.0, "sq mi")  # the original is kept
    assert r["value_std"] == pytest.approx(258.9988, abs=1e-3)  # and converted to km2


def _check_ha(ds: Dataset) -> None:
    r = _claim(ds, "ru-4")
    assert (r["value"], r["unit"], r["value_std"]) == (250.0, "ha", pytest.approx(2.5))


def _check_thousands(ds: Dataset) -> None:
    assert _claim(ds, "ru-4")["value_std"] == 1000.0


def _check_blank_lines(ds: Dataset) -> None:
    assert _claim(ds, "ru-4")["_line"] == 7


def _check_blanks_stripped(ds: Dataset) -> None:
    r = _claim(ds, "ru-4")
    assert (r["claim_id"], r["date"], r["settlement_id"]) == ("ru-4", pd.Timestamp("2025-03-16"), "486816")


def _check_optional_absent(ds: Dataset) -> None:
    r = _claim(ds, "ru-2")
    assert r["note"] == "" and pd.isna(r["value"])


def _check_reordered(ds: Dataset) -> None:
    r = _claim(ds, "ru-2")
    assert (r["settlement_id"], r["controller"]) == ("kmap:zaoleshenka-sudzhansky", "RU")


def _check_no_ua_claims(ds: Dataset) -> None:
    assert set(ds.ledger.claims["source"]) == {"ru-mod"}


def _check_cyrillic(ds: Dataset) -> None:
    assert _claim(ds, "ru-4")["settlement_id"] == "486816"


def _check_raion(ds: Dataset) -> None:
    assert _claim(ds, "ru-4")["settlement_id"] == "kmap:nikolayevka-b"


def _check_text_kept(ds: Dataset) -> None:
    assert _claim(ds, "ru-4")["summary"] == "<script>alert(1)</script> ${x} `y` \u202eevil"


def _check_unplaced(ds: Dataset) -> None:
    assert list(ds.ledger.unplaced["claim_id"]) == ["ru-4"]


def _check_gazetteer_row(ds: Dataset) -> None:
    assert ds.gazetteer.loc["kmap:testovo-sudzhansky", "population"] == 120


RU_ROWS = RU_CLAIMS.splitlines()[1:]
REORDERED = "\n".join(
    ",".join(cells[i] for i in (12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0))
    for cells in (line.split(",") for line in [HEADER.strip(), *RU_ROWS])
)

CASES: list[Case] = [
    # --- encodings -------------------------------------------------------------------------------
    Case("bom-claims", {CLAIMS_F: b"\xef\xbb\xbf" + RU_CLAIMS.encode()}, (), 0, "claims", _check_bom_claims),
    Case("bom-gazetteer", {GAZ_F: b"\xef\xbb\xbf" + SETTLEMENTS.encode()}, (), 0, "gazetteer", _check_bom_gazetteer),
    Case("bom-sources", {SRC_F: b"\xef\xbb\xbf" + SOURCES.encode()}, (), 0, "sources", _check_bom_sources),
    Case(
        "cp1251-claims",
        {CLAIMS_F: ru(settlement="Суджа", summary="Взяли Суджу.").encode("cp1251")},
        (f"{CLAIMS_F}:5: " + NOT_UTF8.format(b="d1"),),
        1,
        "claims",
    ),
    Case(
        "cp1251-gazetteer",
        {GAZ_F: SETTLEMENTS.encode("cp1251")},
        (f"{GAZ_F}:2: " + NOT_UTF8.format(b="d1"),),
        1,
        "gazetteer",
        cascade=True,
    ),
    Case(
        "latin1-sources",
        {SRC_F: src(name="Ministère de la Défense").encode("latin-1")},
        (f"{SRC_F}:4: " + NOT_UTF8.format(b="e8"),),
        1,
        "sources",
    ),
    Case("utf16-claims", {CLAIMS_F: RU_CLAIMS.encode("utf-16")}, (f"{CLAIMS_F}:1: {UTF16}",), 1, "claims"),
    Case("utf16-sources", {SRC_F: SOURCES.encode("utf-16")}, (f"{SRC_F}:1: {UTF16}",), 1, "sources"),
    # --- separators and columns ------------------------------------------------------------------
    Case("semicolon-claims", {CLAIMS_F: RU_CLAIMS.replace(",", ";")}, (f"{CLAIMS_F}:1: {SEMICOLON}",), 1, "claims"),
    Case(
        "semicolon-gazetteer",
        {GAZ_F: SETTLEMENTS.replace(",", ";")},
        (f"{GAZ_F}:1: {SEMICOLON}",),
        1,
        "gazetteer",
        cascade=True,
    ),
    Case("semicolon-sources", {SRC_F: SOURCES.replace(",", ";")}, (f"{SRC_F}:1: {SEMICOLON}",), 1, "sources"),
    Case(
        "tab-separated-claims",
        {CLAIMS_F: RU_CLAIMS.replace(",", "\t")},
        (f"{CLAIMS_F}:1: columns are separated by tabs; kursk_map reads comma-separated files",),
        1,
        "claims",
    ),
    Case(
        "missing-column-claims",
        {CLAIMS_F: "\n".join(",".join(x.split(",")[:1] + x.split(",")[2:]) for x in RU_CLAIMS.splitlines())},
        (f"{CLAIMS_F}:1: missing column(s) date; the header must include: {CLAIM_REQ}",),
        1,
        "claims",
    ),
    Case(
        "missing-column-gazetteer",
        {GAZ_F: SETTLEMENTS.replace(",lat,lon,", ",latitude,longitude,")},
        (f"{GAZ_F}:1: missing column(s) lat, lon; the header must include: {GAZ_REQ}",),
        1,
        "gazetteer",
        cascade=True,
    ),
    Case(
        "missing-column-sources",
        {SRC_F: "slug,name,kind\nru-mod,MoD,official\nua-gs,GS,official\n"},
        (f"{SRC_F}:1: missing column(s) side; the header must include: slug,name,side,kind",),
        1,
        "sources",
    ),
    Case(
        "extra-column-claims",
        {CLAIMS_F: "\n".join(x + (",extra" if i == 0 else ",x") for i, x in enumerate(RU_CLAIMS.splitlines()))},
        (f"{CLAIMS_F}:1: unknown column(s) 'extra'; known columns are: {CLAIM_KNOWN}",),
        1,
        "claims",
    ),
    Case(
        "extra-column-gazetteer",
        {GAZ_F: "\n".join(x + (",elevation" if i == 0 else ",150") for i, x in enumerate(SETTLEMENTS.splitlines()))},
        (f"{GAZ_F}:1: unknown column(s) 'elevation'; known columns are: {GAZ_REQ},note",),
        1,
        "gazetteer",
    ),
    Case(
        "trailing-comma-header",
        {CLAIMS_F: "\n".join(x + "," for x in RU_CLAIMS.splitlines())},
        (
            f"{CLAIMS_F}:1: unknown column(s) '' (an unnamed column: a trailing comma?); "
            f"known columns are: {CLAIM_KNOWN}",
        ),
        1,
        "claims",
    ),
    Case(
        "duplicate-column",
        {CLAIMS_F: RU_CLAIMS.replace(",note\n", ",url\n", 1)},
        (f"{CLAIMS_F}:1: column(s) 'url' appear twice; keep one",),
        1,
        "claims",
    ),
    Case(
        "optional-columns-absent",
        {CLAIMS_F: "\n".join(",".join(x.split(",")[:6] + x.split(",")[10:12]) for x in RU_CLAIMS.splitlines())},
        (),
        0,
        "claims",
        _check_optional_absent,
    ),
    Case("columns-reordered", {CLAIMS_F: REORDERED + "\n"}, (), 0, "claims", _check_reordered),
    Case(
        "too-few-cells",
        {CLAIMS_F: ru_raw("ru-4,2025-03-16,ru-mod,control,Sudzha,RU,,,,x,https://e.org/x,")},
        (f"{CLAIMS_F}:5: 12 cells but the header has 13 columns; check for an unquoted comma or a missing cell",),
        1,
        "claims",
    ),
    Case(
        "unquoted-comma-in-summary",
        {CLAIMS_F: ru_raw("ru-4,2025-03-16,ru-mod,control,Sudzha,RU,,,,,Took it, says MoD.,https://e.org/x,")},
        (f"{CLAIMS_F}:5: 14 cells but the header has 13 columns; check for an unquoted comma or a missing cell",),
        1,
        "claims",
    ),
    Case(
        "ragged-gazetteer-row",
        {GAZ_F: SETTLEMENTS + "kmap:x,Xx,,,,51.3,35.2,RU,Kursk\n"},
        (f"{GAZ_F}:9: 9 cells but the header has 15 columns; check for an unquoted comma or a missing cell",),
        1,
        "gazetteer",
    ),
    # --- empty files -----------------------------------------------------------------------------
    Case(
        "empty-claims",
        {CLAIMS_F: ""},
        (f"{CLAIMS_F}: file is empty; a header row is needed: {CLAIM_REQ}",),
        1,
        "claims",
    ),
    Case(
        "blank-gazetteer",
        {GAZ_F: "\n \n\n"},
        (f"{GAZ_F}: file is empty; a header row is needed: {GAZ_REQ}",),
        1,
        "gazetteer",
    ),
    Case(
        "empty-sources",
        {SRC_F: ""},
        (f"{SRC_F}: file is empty; a header row is needed: slug,name,side,kind",),
        1,
        "sources",
    ),
    Case("header-only-claims", {"claims/ua-gs.csv": HEADER}, (), 0, "claims", _check_no_ua_claims),
    Case(
        "header-only-gazetteer",
        {GAZ_F: GAZ_HEADER},
        (f"{GAZ_F}: lists no settlements; add one row per settlement below the header",),
        1,
        "gazetteer",
    ),
    Case(
        "header-only-sources",
        {SRC_F: "slug,name,side,kind,url\n"},
        (f"{SRC_F}: lists no sources; add one row per source below the header",),
        1,
        "sources",
    ),
    # --- quoting and line ends -------------------------------------------------------------------
    Case(
        "quoted-newline-summary",
        {CLAIMS_F: ru(summary="Line one,\nline two.") + _csv_row({**CLAIM, "claim_id": "ru-5"})},
        (),
        0,
        "claims",
        _check_quoted_newline,
    ),
    Case(
        "quoted-newline-then-bad-row",
        {CLAIMS_F: ru(summary="Line one,\nline two.") + _csv_row({**CLAIM, "claim_id": "ru-5", "date": "2025-33-17"})},
        (f"{CLAIMS_F}:7: date: '2025-33-17' is not a real calendar date",),
        1,
        "claims",
    ),
    Case(
        "unterminated-quote",
        {CLAIMS_F: ru_raw('ru-4,2025-03-16,ru-mod,control,"Sudzha,RU,,,,,x,https://e.org/x,')},
        (f"{CLAIMS_F}:5: cannot parse CSV: unexpected end of data; check the quotes on this line",),
        1,
        "claims",
    ),
    Case("crlf-line-ends", {CLAIMS_F: RU_CLAIMS.replace("\n", "\r\n")}, (), 0, "claims", _check_crlf),
    Case(
        "blank-lines-between-rows",
        {CLAIMS_F: RU_CLAIMS + "\n,,,,,,,,,,,,\n" + _csv_row(CLAIM)},
        (),
        0,
        "claims",
        _check_blank_lines,
    ),
    Case(
        "blank-lines-keep-line-numbers",
        {CLAIMS_F: RU_CLAIMS + "\n\n" + _csv_row({**CLAIM, "date": "2025-02-30"})},
        (f"{CLAIMS_F}:7: date: '2025-02-30' is not a real calendar date",),
        1,
        "claims",
    ),
    Case(
        "blanks-around-cells",
        {CLAIMS_F: ru_raw(" ru-4 , 2025-03-16 ,ru-mod , control,  Sudzha ,RU,,,,, Says so. , https://e.org/x ,")},
        (),
        0,
        "claims",
        _check_blanks_stripped,
    ),
    Case(
        "nul-byte",
        {CLAIMS_F: ru(settlement="Sud\x00zha")},
        (f"{CLAIMS_F}:5: settlement: control character U+0000 in the cell; delete it and re-save",),
        1,
        "claims",
    ),
    Case(
        "hostile-text-kept-as-written",
        {CLAIMS_F: ru(summary="<script>alert(1)</script> ${x} `y` \u202eevil")},
        (),
        0,
        "claims",
        _check_text_kept,
    ),
    # --- dates -----------------------------------------------------------------------------------
    Case(
        "date-day-first",
        {CLAIMS_F: ru(date="13/03/2025")},
        (f"{CLAIMS_F}:5: date: '13/03/2025' is not an ISO date (YYYY-MM-DD){ISO_HINT}2025-03-13 if day first",),
        1,
        "claims",
    ),
    Case(
        "date-month-first",
        {CLAIMS_F: ru(date="03/13/2025")},
        (f"{CLAIMS_F}:5: date: '03/13/2025' is not an ISO date (YYYY-MM-DD){ISO_HINT}2025-03-13 if month first",),
        1,
        "claims",
    ),
    Case(
        "date-either-way",
        {CLAIMS_F: ru(date="05.03.2025")},
        (
            f"{CLAIMS_F}:5: date: '05.03.2025' is not an ISO date (YYYY-MM-DD)"
            f"{ISO_HINT}2025-03-05 if day first or 2025-05-03 if month first",
        ),
        1,
        "claims",
    ),
    Case(
        "date-feb-30",
        {CLAIMS_F: ru(date="2025-02-30")},
        (f"{CLAIMS_F}:5: date: '2025-02-30' is not a real calendar date",),
        1,
        "claims",
    ),
    Case(
        "date-future",
        {CLAIMS_F: ru(date="2999-01-01")},
        (f"{CLAIMS_F}:5: date: 2999-01-01 is in the future (today is {{today}}); check the year",),
        1,
        "claims",
    ),
    Case(
        "date-empty",
        {CLAIMS_F: ru(date="")},
        (f"{CLAIMS_F}:5: date: '' is not an ISO date (YYYY-MM-DD)",),
        1,
        "claims",
    ),
    Case(
        "date-with-time",
        {CLAIMS_F: ru(date="2025-03-16T10:00")},
        (f"{CLAIMS_F}:5: date: '2025-03-16T10:00' is not an ISO date (YYYY-MM-DD)",),
        1,
        "claims",
    ),
    Case(
        "date-fullwidth-digits",
        {CLAIMS_F: ru(date="２０２５-03-16")},
        (f"{CLAIMS_F}:5: date: '２０２５-03-16' is not an ISO date (YYYY-MM-DD)",),
        1,
        "claims",
    ),
    # --- gazetteer rows ----------------------------------------------------------------------------
    Case(
        "swapped-lat-lon",
        {GAZ_F: gaz(lat="35.2", lon="51.3")},
        (
            f"{GAZ_F}:9: lat: lat=35.2 lon=51.3 is outside the region covered (44-53 N, 22-41 E) "
            "(lat and lon look swapped)",
        ),
        1,
        "gazetteer",
    ),
    Case(
        "lat-out-of-range",
        {GAZ_F: gaz(lat="95.3")},
        (f"{GAZ_F}:9: lat: coordinates out of range: lat=95.3 lon=35.2; lat is -90..90, lon -180..180",),
        1,
        "gazetteer",
    ),
    Case(
        "lon-out-of-range",
        {GAZ_F: gaz(lon="200")},
        (f"{GAZ_F}:9: lon: coordinates out of range: lat=51.3 lon=200.0; lat is -90..90, lon -180..180",),
        1,
        "gazetteer",
    ),
    Case(
        "lat-sign-lost",
        {GAZ_F: gaz(lat="-51.3")},
        (f"{GAZ_F}:9: lat: lat=-51.3 lon=35.2 is outside the region covered (44-53 N, 22-41 E)",),
        1,
        "gazetteer",
    ),
    Case(
        "lat-nan",
        {GAZ_F: gaz(lat="NaN")},
        (f"{GAZ_F}:9: lat: not a number: lat='NaN' lon='35.2'; give decimal degrees or set method=unplaced",),
        1,
        "gazetteer",
    ),
    Case(
        "lat-decimal-comma",
        {GAZ_F: gaz(lat="51,3")},
        (f"{GAZ_F}:9: lat: not a number: lat='51,3' lon='35.2'; give decimal degrees or set method=unplaced",),
        1,
        "gazetteer",
    ),
    Case(
        "lat-underscore",
        {GAZ_F: gaz(lat="5_1.3")},
        (f"{GAZ_F}:9: lat: not a number: lat='5_1.3' lon='35.2'; give decimal degrees or set method=unplaced",),
        1,
        "gazetteer",
    ),
    Case(
        "lon-missing",
        {GAZ_F: gaz(lon="")},
        (f"{GAZ_F}:9: lon: not a number: lat='51.3' lon=''; give decimal degrees or set method=unplaced",),
        1,
        "gazetteer",
    ),
    Case(
        "unplaced-with-coordinates",
        {GAZ_F: gaz(method="unplaced")},
        (f"{GAZ_F}:9: lat: an unplaced settlement has no coordinates; set method to page/derived or empty lat/lon",),
        1,
        "gazetteer",
    ),
    Case(
        "duplicate-id",
        {GAZ_F: gaz(id="486816")},
        (f"{GAZ_F}:9: id: duplicate id '486816' (first on line 2)",),
        1,
        "gazetteer",
    ),
    Case(
        "unknown-country",
        {GAZ_F: gaz(country="Russia")},
        (f"{GAZ_F}:9: country: unknown country 'Russia'; use one of RU, UA",),
        1,
        "gazetteer",
    ),
    Case(
        "country-oblast-mismatch",
        {
            GAZ_F: gaz(country="UA"),
            "theatre.toml": 'name = "t"\nbbox = [34, 50.5, 36, 51.6]\n[oblasts]\nKursk = "RU"\nSumy = "UA"\n',
        },
        (f"{GAZ_F}:9: country: 'UA' but oblast 'Kursk' is in RU",),
        1,  # found with the theatre's [oblasts], so not by the gazetteer loader alone
    ),
    Case(
        "population-fraction",
        {GAZ_F: gaz(population="12.5")},
        (f"{GAZ_F}:9: population: '12.5' is not a non-negative number of inhabitants (a whole number)",),
        1,
        "gazetteer",
    ),
    Case("population-as-float", {GAZ_F: gaz(population="120.0")}, (), 0, "gazetteer", _check_gazetteer_row),
    Case(
        "precision-negative",
        {GAZ_F: gaz(precision_m="-5")},
        (f"{GAZ_F}:9: precision_m: '-5' is not a positive number of metres",),
        1,
        "gazetteer",
    ),
    Case(
        "unknown-method",
        {GAZ_F: gaz(method="guess")},
        (f"{GAZ_F}:9: method: unknown method 'guess'; use one of {', '.join(schemas.METHODS)}",),
        1,
        "gazetteer",
    ),
    Case(
        "empty-ref",
        {GAZ_F: gaz(ref="")},
        (f"{GAZ_F}:9: ref: empty reference; give the GeoNames id or the URL of the page with the coordinates",),
        1,
        "gazetteer",
    ),
    # --- sources -----------------------------------------------------------------------------------
    Case(
        "duplicate-slug",
        {SRC_F: src(slug="ru-mod")},
        (f"{SRC_F}:4: slug: duplicate slug 'ru-mod' (first on line 2)",),
        1,
        "sources",
    ),
    Case(
        "javascript-url-source",
        {SRC_F: src(url="javascript:alert(1)")},
        (f"{SRC_F}:4: url: 'javascript:alert(1)' {NO_URL}",),
        1,
        "sources",
    ),
    Case(
        "unknown-side",
        {SRC_F: src(side="neutral")},
        (f"{SRC_F}:4: side: unknown side 'neutral'; use one of UA, RU, independent",),
        1,
        "sources",
    ),
    Case(
        "bad-slug",
        {SRC_F: src(slug="ISW Team")},
        (f"{SRC_F}:4: slug: 'ISW Team' is not a slug; use lower-case letters, digits and '-'",),
        1,
        "sources",
    ),
    # --- claims: ids, sources, settlements ------------------------------------------------------------
    Case(
        "duplicate-claim-id",
        {CLAIMS_F: ru(claim_id="ru-1")},
        (f"{CLAIMS_F}:5: claim_id: duplicate claim_id 'ru-1' (first at {{root}}/{CLAIMS_F}:2)",),
        1,
        "claims",
    ),
    Case(
        "duplicate-claim-id-across-files",
        {CLAIMS_F: ru(claim_id="ua-1")},  # ru-mod.csv is read before ua-gs.csv
        (f"claims/ua-gs.csv:2: claim_id: duplicate claim_id 'ua-1' (first at {{root}}/{CLAIMS_F}:5)",),
        1,
        "claims",
    ),
    Case(
        "bad-claim-id",
        {CLAIMS_F: ru(claim_id="ru 4")},
        (f"{CLAIMS_F}:5: claim_id: 'ru 4' is not a usable id; use e.g. 'ru-mod-20250315-01'",),
        1,
        "claims",
    ),
    Case(
        "unknown-source",
        {CLAIMS_F: ru(source="ru-mdo")},
        (
            f"{CLAIMS_F}:5: source: unknown source 'ru-mdo'; add it to sources.csv or use one of: "
            "ru-mod, ua-gs (did you mean 'ru-mod'?)",
        ),
        1,
        "claims",
    ),
    Case(
        "unknown-settlement",
        {CLAIMS_F: ru(settlement="Sudzhaa")},
        (f"{CLAIMS_F}:5: settlement: unknown settlement 'Sudzhaa' — did you mean 'Sudzha' (Суджа, Sudzhansky)?",),
        1,
    ),
    Case(
        "unknown-settlement-no-suggestion",
        {CLAIMS_F: ru(settlement="Atlantis")},
        (f"{CLAIMS_F}:5: settlement: unknown settlement 'Atlantis'; add it to the gazetteer (see geodata/README.md)",),
        1,
    ),
    Case(
        "ambiguous-settlement",
        {CLAIMS_F: ru(settlement="Nikolayevka")},
        (
            f"{CLAIMS_F}:5: settlement: ambiguous settlement 'Nikolayevka': could be "
            "'Nikolayevka' (Николаевка, Sudzhansky) [kmap:nikolayevka-a]; "
            "'Nikolayevka' (Николаевка, Glushkovsky) [kmap:nikolayevka-b]; give the raion or a nearby settlement",
        ),
        1,
    ),
    Case("settlement-with-raion", {CLAIMS_F: ru(settlement="Nikolayevka (Glushkovsky)")}, (), 0, None, _check_raion),
    Case("settlement-in-cyrillic", {CLAIMS_F: ru(settlement="Суджа")}, (), 0, None, _check_cyrillic),
    Case("settlement-known-unplaced", {CLAIMS_F: ru(settlement="Knownvillage")}, (), 0, None, _check_unplaced),
    Case(
        "unknown-oblast",
        {CLAIMS_F: ru(kind="region", settlement="Narnia Oblast")},
        (f"{CLAIMS_F}:5: settlement: unknown oblast 'Narnia Oblast'; use one of: 'Kursk Oblast', 'Sumy Oblast'",),
        1,
    ),
    # --- claims: kinds, controllers, figures ---------------------------------------------------------
    Case(
        "unknown-kind",
        {CLAIMS_F: ru(kind="capture")},
        (
            f"{CLAIMS_F}:5: kind: unknown kind 'capture'; "
            "use one of control, presence, attack, area, count, region, relative, denial",
        ),
        1,
        "claims",
    ),
    Case(
        "unknown-controller",
        {CLAIMS_F: ru(controller="Ukraine")},
        (f"{CLAIMS_F}:5: controller: unknown controller 'Ukraine'; use one of UA, RU, contested",),
        1,
        "claims",
    ),
    Case(
        "control-without-controller",
        {CLAIMS_F: ru(controller="")},
        (f"{CLAIMS_F}:5: controller: a control claim needs controller UA or RU, got ''",),
        1,
        "claims",
    ),
    Case(
        "area-in-sq-mi",
        {CLAIMS_F: ru(kind="area", settlement="", value="100", unit="sq mi")},
        (),
        0,
        "claims",
        _check_sq_mi,
    ),
    Case(
        "area-in-hectares",
        {CLAIMS_F: ru(kind="area", settlement="", value="250", unit="ha")},
        (),
        0,
        "claims",
        _check_ha,
    ),
    Case(
        "thousands-separator",
        {CLAIMS_F: ru(kind="area", settlement="", value="1,000", unit="km2")},
        (),
        0,
        "claims",
        _check_thousands,
    ),
    Case(
        "unknown-unit",
        {CLAIMS_F: ru(kind="area", settlement="", value="100", unit="acres")},
        (f"{CLAIMS_F}:5: unit: unit 'acres' is not known for an area claim; use one of: {AREA_UNITS}",),
        1,
        "claims",
    ),
    Case(
        "figure-without-unit",
        {CLAIMS_F: ru(kind="area", settlement="", value="100")},
        (f"{CLAIMS_F}:5: unit: a figure needs its unit; use one of: {AREA_UNITS}",),
        1,
        "claims",
    ),
    Case(
        "negative-figure",
        {CLAIMS_F: ru(kind="area", settlement="", value="-100", unit="km2")},
        (f"{CLAIMS_F}:5: value: -100 must be positive",),
        1,
        "claims",
    ),
    Case(
        "decimal-comma-figure",
        {CLAIMS_F: ru(kind="relative", value="1,5", unit="km", bearing_deg="90")},
        (
            f"{CLAIMS_F}:5: value: '1,5' is not a number; "
            "use '.' for decimals (2.5) and ',' only between thousands (1,000)",
        ),
        1,
        "claims",
    ),
    Case(
        "nan-figure",
        {CLAIMS_F: ru(kind="count", settlement="", value="nan", unit="settlements")},
        (f"{CLAIMS_F}:5: value: 'nan' is not a number",),
        1,
        "claims",
    ),
    Case(
        "count-without-figure",
        {CLAIMS_F: ru(kind="count", settlement="", unit="settlements")},
        (f"{CLAIMS_F}:5: value: a count claim needs a figure in 'value'",),
        1,
        "claims",
    ),
    Case(
        "relative-without-bearing",
        {CLAIMS_F: ru(kind="relative", value="5", unit="km")},
        (f"{CLAIMS_F}:5: bearing_deg: a relative claim needs a compass bearing in degrees (0-359, N=0, E=90)",),
        1,
        "claims",
    ),
    Case(
        "bearing-360",
        {CLAIMS_F: ru(kind="relative", value="5", unit="km", bearing_deg="360")},
        (f"{CLAIMS_F}:5: bearing_deg: '360' {BEARING}",),
        1,
        "claims",
    ),
    # --- denials, summaries, URLs --------------------------------------------------------------------
    Case(
        "denial-of-missing-claim",
        {CLAIMS_F: ru(kind="denial", settlement="", controller="", denies="ua-99")},
        (f"{CLAIMS_F}:5: denies: denies 'ua-99', which is not a claim_id in the ledger",),
        1,
        "claims",
    ),
    Case(
        "denial-of-claim-in-missing-file",
        {CLAIMS_F: None},  # ua-gs.csv denies ru-3
        ("claims/ua-gs.csv:5: denies: denies 'ru-3', which is not a claim_id in the ledger",),
        1,
        "claims",
    ),
    Case(
        "denial-of-itself",
        {CLAIMS_F: ru(kind="denial", settlement="", controller="", denies="ru-4")},
        (f"{CLAIMS_F}:5: denies: claim 'ru-4' denies itself; name the claim_id it rejects",),
        1,
        "claims",
    ),
    Case(
        "denial-without-target",
        {CLAIMS_F: ru(kind="denial", settlement="", controller="")},
        (f"{CLAIMS_F}:5: denies: a denial names the claim_id it rejects in 'denies'",),
        1,
        "claims",
    ),
    Case(
        "empty-summary",
        {CLAIMS_F: ru(summary="")},
        (f"{CLAIMS_F}:5: summary: empty summary; describe the claim in a sentence of your own",),
        1,
        "claims",
    ),
    Case(
        "javascript-url",
        {CLAIMS_F: ru(url="javascript:alert(1)")},
        (f"{CLAIMS_F}:5: url: 'javascript:alert(1)' {NO_URL}",),
        1,
        "claims",
    ),
    Case(
        "javascript-url-mixed-case",
        {CLAIMS_F: ru(url="JaVaScRiPt:alert(document.cookie)")},
        (f"{CLAIMS_F}:5: url: 'JaVaScRiPt:alert(document.cookie)' {NO_URL}",),
        1,
        "claims",
    ),
    Case(
        "data-url",
        {CLAIMS_F: ru(url="data:text/html,<script>alert(1)</script>")},
        (f"{CLAIMS_F}:5: url: 'data:text/html,<script>alert(1)</script>' {NO_URL}",),
        1,
        "claims",
    ),
    Case(
        "url-with-space",
        {CLAIMS_F: ru(url="https://exa mple.org/a")},
        (f"{CLAIMS_F}:5: url: 'https://exa mple.org/a' is not a well-formed URL",),
        1,
        "claims",
    ),
    # --- files and directories -----------------------------------------------------------------------
    Case("gazetteer-missing", {GAZ_F: None}, (f"{GAZ_F}: {NOT_FOUND}",), 1, "gazetteer"),
    Case("sources-missing", {SRC_F: None}, (f"{SRC_F}: {NOT_FOUND}",), 1, "sources"),
    Case(
        "claims-dir-missing",
        {CLAIMS_F: None, "claims/ua-gs.csv": None},
        ("claims: no claims: add claims/<source>.csv files (or one claims.csv); see geodata/README.md",),
        1,
        None,  # read_claims alone is given the files; the missing folder is the dataset's problem
    ),
    Case(
        "gazetteer-is-a-directory",
        {GAZ_F: None, f"{GAZ_F}/x": ""},
        (f"{GAZ_F}: is a directory, expected a CSV file",),
        1,
        "gazetteer",
    ),
    Case(
        "broken-border-geojson",
        {"border.geojson": "{ not json"},
        (
            "border.geojson: cannot read this layer (not recognized as being in a supported file format); "
            "give a GeoJSON file or delete it",
        ),
        1,
    ),
]


# ------------------------------------------------------------------- issue 12: every file accounted for


RESAVE = "re-save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)'; or: iconv -f {enc} -t utf-8)"
INVISIBLE = "shows nothing once invisible characters (zero-width spaces, bidi marks, blanks) are removed"
RESERVED = "is reserved (a page or folder of the atlas, or a device name on Windows); choose another slug, e.g. "
NOT_CSV = "not a .csv file, so not read; "
WORKBOOK = "save it as 'CSV UTF-8' named claims/<source>.csv"
REF_HINT = "cite the page with the coordinates, or the GeoNames record as https://www.geonames.org/<id>"
BORDER_F = "border.geojson"
COUNTRIES_F = "countries.geojson"
# One Russian polygon around the test settlements (34-36.5 E, 50.5-52 N).
RU_RING = [[34.0, 50.5], [36.5, 50.5], [36.5, 52.0], [34.0, 52.0], [34.0, 50.5]]


def _layer(*features: tuple[dict[str, object], dict[str, object] | None]) -> str:
    feats = [{"type": "Feature", "properties": props, "geometry": geom} for props, geom in features]
    return json.dumps({"type": "FeatureCollection", "features": feats})


COUNTRIES = _layer(({"country": "RU"}, {"type": "Polygon", "coordinates": [RU_RING]}))


#: A theatre.toml with a period (the Kursk incursion).
THEATRE = 'name = "Kursk"\nperiod = ["2024-08-06", "2025-05-31"]\nbbox = [33.0, 50.0, 37.5, 52.5]\n'
_GEOD = Geod(ellps="WGS84")
#: The polygon's area and the width of its bounds on the ellipsoid (pyproj, not the code under test).
RU_KM2 = abs(_GEOD.polygon_area_perimeter([x for x, _ in RU_RING], [y for _, y in RU_RING])[0]) / 1e6
ACROSS_KM = _GEOD.inv(34.0, 50.5, 36.5, 52.0)[2] / 1000


def _check_ua_read(ds: Dataset) -> None:
    assert {"ua-1", "ua-5"} <= set(ds.ledger.claims["claim_id"])


def _check_cr_only(ds: Dataset) -> None:
    assert _claim(ds, "ru-3")["_line"] == 4 and _claim(ds, "ru-4")["_line"] == 5


def _check_repaired(ds: Dataset) -> None:
    assert ds.cells["area_km2"].gt(0).any()


CASES += [
    # --- encodings: named right, with or without a byte-order mark --------------------------------
    Case(
        "utf32-bom-claims",
        {CLAIMS_F: RU_CLAIMS.encode("utf-32")},
        (f"{CLAIMS_F}:1: file is UTF-32 (it starts with a UTF-32 byte-order mark); " + RESAVE.format(enc="utf-32"),),
        1,
        "claims",
    ),
    Case(
        "utf32-be-bom-sources",
        {SRC_F: b"\x00\x00\xfe\xff" + SOURCES.encode("utf-32-be")},
        (f"{SRC_F}:1: file is UTF-32 (it starts with a UTF-32 byte-order mark); " + RESAVE.format(enc="utf-32"),),
        1,
        "sources",
    ),
    Case(
        "utf16le-no-bom-claims",
        {CLAIMS_F: RU_CLAIMS.encode("utf-16-le")},
        (f"{CLAIMS_F}:1: file is UTF-16 little-endian, without a byte-order mark; " + RESAVE.format(enc="utf-16le"),),
        1,
        "claims",
    ),
    Case(
        "utf16be-no-bom-gazetteer",
        {GAZ_F: SETTLEMENTS.encode("utf-16-be")},
        (f"{GAZ_F}:1: file is UTF-16 big-endian, without a byte-order mark; " + RESAVE.format(enc="utf-16be"),),
        1,
        "gazetteer",
        cascade=True,
    ),
    Case(
        "utf32le-no-bom-sources",
        {SRC_F: SOURCES.encode("utf-32-le")},
        (f"{SRC_F}:1: file is UTF-32 little-endian, without a byte-order mark; " + RESAVE.format(enc="utf-32le"),),
        1,
        "sources",
    ),
    Case(
        "utf32be-no-bom-claims",
        {CLAIMS_F: RU_CLAIMS.encode("utf-32-be")},
        (f"{CLAIMS_F}:1: file is UTF-32 big-endian, without a byte-order mark; " + RESAVE.format(enc="utf-32be"),),
        1,
        "claims",
    ),
    Case(
        "workbook-named-csv",
        {CLAIMS_F: b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40},
        (
            f"{CLAIMS_F}:1: file is a zip archive (an Excel .xlsx or .ods workbook?), not CSV; "
            "save it as 'CSV UTF-8 (Comma delimited)'",
        ),
        1,
        "claims",
    ),
    Case(
        "old-excel-named-csv",
        {SRC_F: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40},
        (f"{SRC_F}:1: file is an old Excel .xls workbook, not CSV; save it as 'CSV UTF-8 (Comma delimited)'",),
        1,
        "sources",
    ),
    # --- CR-only line ends (classic Mac): line numbers stay right ---------------------------------
    Case(
        "cr-only-line-ends",
        {CLAIMS_F: ru().replace("\n", "\r")},
        (),
        0,
        "claims",
        _check_cr_only,
    ),
    Case(
        "cr-only-bad-row",
        {CLAIMS_F: ru(date="2025-02-30").replace("\n", "\r")},
        (f"{CLAIMS_F}:5: date: '2025-02-30' is not a real calendar date",),
        1,
        "claims",
    ),
    Case(
        "cr-only-cp1251",
        {CLAIMS_F: ru(summary="Взяли Суджу.").replace("\n", "\r").encode("cp1251")},
        (f"{CLAIMS_F}:5: " + NOT_UTF8.format(b="c2"),),
        1,
        "claims",
    ),
    # --- every entry of claims/ read or reported ---------------------------------------------------
    Case(
        "claims-upper-case-ending",
        {"claims/ua-gs.csv": None, "claims/UA-GS.CSV": UA_CLAIMS},
        (),
        0,
        "claims",
        _check_ua_read,
    ),
    Case(
        "claims-subfolder",
        {"claims/2024/ua-gs.csv": UA_CLAIMS},
        (
            "claims/2024: a folder inside claims/ is not read; move its <source>.csv files into claims/ "
            "or the folder out of the data folder",
        ),
        1,
    ),
    Case("claims-workbook", {"claims/isw.xlsx": b"PK\x03\x04"}, (f"claims/isw.xlsx: {NOT_CSV}{WORKBOOK}",), 1),
    Case("claims-tsv", {"claims/isw.tsv": HEADER.replace(",", "\t")}, (f"claims/isw.tsv: {NOT_CSV}{WORKBOOK}",), 1),
    Case(
        "claims-without-ending",
        {"claims/ua-gs": UA_CLAIMS},
        (f"claims/ua-gs: {NOT_CSV}only claims/<source>.csv files are read; convert it or move it out of claims/",),
        1,
    ),
    Case(
        "claims-json",
        {"claims/ua-gs.json": "[]"},
        (f"claims/ua-gs.json: {NOT_CSV}only claims/<source>.csv files are read; convert it or move it out of claims/",),
        1,
    ),
    Case(
        "claims-hidden-file",
        {"claims/.ua-gs.csv": UA_CLAIMS},
        ("claims/.ua-gs.csv: a hidden file in claims/ is not read; rename it <source>.csv or delete it",),
        1,
    ),
    Case(
        "claims-editor-backup",
        {"claims/ru-mod.csv~": RU_CLAIMS, "claims/.~lock.ru-mod.csv#": "x", "claims/.DS_Store": b"\x00\x01"},
        (),
        0,
        warnings=(
            "claims/.DS_Store: warning: not read (left by an editor or the system); delete it",
            "claims/.~lock.ru-mod.csv#: warning: not read (left by an editor or the system); delete it",
            "claims/ru-mod.csv~: warning: not read (left by an editor or the system); delete it",
        ),
    ),
    Case(
        "stray-claims-csv-beside-folder",
        {"claims.csv": UA_CLAIMS},
        (
            "claims.csv: not read: the claims/ folder is used; move its rows into claims/<source>.csv files, "
            "then delete it",
        ),
        1,
    ),
    Case(
        "claims-is-a-file",
        {CLAIMS_F: None, "claims/ua-gs.csv": None, "claims": RU_CLAIMS},
        ("claims: is a file; claims/ is a folder of <source>.csv files",),
        1,
    ),
    Case(
        "claims-folder-capitalised",
        {CLAIMS_F: None, "claims/ua-gs.csv": None, "Claims/ru-mod.csv": RU_CLAIMS},
        (
            "claims: no claims (found 'Claims': names are case-sensitive): add claims/<source>.csv files "
            "(or one claims.csv); see geodata/README.md",
        ),
        1,
    ),
    Case(
        "claims-fifo",
        {"claims/isw.csv": Fifo()},
        ("claims/isw.csv: is a named pipe (FIFO), not a regular file; give a CSV file",),
        1,
        "claims",
    ),
    Case(
        "claims-link-to-dev-zero",
        {"claims/isw.csv": Link("/dev/zero")},
        ("claims/isw.csv: is a symbolic link to /dev/zero, a device, not a regular file; give a CSV file",),
        1,
        "claims",
    ),
    Case(
        "claims-link-to-a-file",
        {"ua.csv": UA_CLAIMS, "claims/ua-gs.csv": Link("../ua.csv")},
        (),
        0,
        "claims",
        _check_ua_read,
    ),
    Case(
        "gazetteer-dangling-link",
        {GAZ_F: Link("nowhere.csv")},
        (f"{GAZ_F}: is a symbolic link to nowhere.csv, which does not exist",),
        1,
        "gazetteer",
    ),
    Case(
        "sources-fifo",
        {SRC_F: Fifo()},
        (f"{SRC_F}: is a named pipe (FIFO), not a regular file; give a CSV file",),
        1,
        "sources",
    ),
    Case(
        "gazetteer-link-to-dev-urandom",
        {GAZ_F: Link("/dev/urandom")},
        (f"{GAZ_F}: is a symbolic link to /dev/urandom, a device, not a regular file; give a CSV file",),
        1,
        "gazetteer",
    ),
    # --- one source per claims file ----------------------------------------------------------------
    Case(
        "row-of-another-source",
        {CLAIMS_F: ru(source="ua-gs")},
        (
            f"{CLAIMS_F}:5: source: 'ua-gs' in a claims file of 'ru-mod'; a file holds the claims of its own "
            "source: move this row to claims/ua-gs.csv",
        ),
        1,
    ),
    Case(
        "claims-split-in-parts",
        {"claims/ua-gs.csv": None, "claims/ua-gs-2024.csv": UA_CLAIMS},
        (),
        0,
        "claims",
        _check_ua_read,
    ),
    Case(
        "part-of-another-source",
        {"claims/ua-gs-2024.csv": HEADER + _csv_row({**CLAIM, "claim_id": "ru-9"})},
        (
            "claims/ua-gs-2024.csv:2: source: 'ru-mod' in a claims file of 'ua-gs'; a file holds the claims of its "
            "own source: move this row to claims/ru-mod.csv",
        ),
        1,
    ),
    Case(
        "file-named-after-no-source",
        {"claims/ua-gs.csv": None, "claims/ukraine.csv": UA_CLAIMS},
        (
            "claims/ukraine.csv:1: the file is named after no source of sources.csv ('ukraine'); name a claims "
            "file after the source of its rows: claims/<slug>.csv or claims/<slug>-<part>.csv, e.g. claims/ua-gs.csv",
        ),
        1,
    ),
    # --- slugs the atlas or Windows reserves ---------------------------------------------------------
    *(
        Case(
            f"reserved-slug-{slug}",
            {SRC_F: src(slug=slug)},
            (f"{SRC_F}:4: slug: '{slug}' {RESERVED}'{slug}-src'",),
            1,
            "sources",
        )
        for slug in (
            "compare",
            "index",
            "settlements",
            "manifest",
            "assets",
            "con",
            "nul",
            "aux",
            "prn",
            "com1",
            "lpt9",
        )
    ),
    Case(
        "slug-too-long",
        {SRC_F: src(slug="a" * 65)},
        (f"{SRC_F}:4: slug: slug of 65 characters; keep it to 64 (it names a folder of the atlas)",),
        1,
        "sources",
    ),
    # --- names that show nothing -------------------------------------------------------------------------
    Case(
        "summary-zero-width-only",
        {CLAIMS_F: ru(summary="\u200b\u200b")},
        (f"{CLAIMS_F}:5: summary: summary '\\u200b\\u200b' {INVISIBLE}; describe the claim in a sentence of your own",),
        1,
        "claims",
    ),
    Case(
        "settlement-bidi-marks-only",
        {CLAIMS_F: ru(settlement="\u202e\u200f")},
        (f"{CLAIMS_F}:5: settlement: '\\u202e\\u200f' {INVISIBLE}; type the name",),
        1,
        "claims",
    ),
    Case(
        "gazetteer-name-invisible",
        {GAZ_F: gaz(name="\u00a0\u2060\u00a0")},  # the blanks are stripped, the word joiner stays
        (f"{GAZ_F}:9: name: '\\u2060' {INVISIBLE}; type the name",),
        1,
        "gazetteer",
    ),
    Case(
        "gazetteer-name-ru-hangul-filler",
        {GAZ_F: gaz(name_ru="\u3164")},
        (f"{GAZ_F}:9: name_ru: " + repr("\u3164") + f" {INVISIBLE}; type the name",),
        1,
        "gazetteer",
    ),
    Case(
        "gazetteer-alt-name-invisible",
        {GAZ_F: gaz(alt_names="Testowo|\u200b")},
        (f"{GAZ_F}:9: alt_names: 'Testowo|\\u200b' has a spelling that {INVISIBLE}; separate spellings with one '|'",),
        1,
        "gazetteer",
    ),
    Case(
        "source-name-invisible",
        {SRC_F: src(name="\u200d")},
        (f"{SRC_F}:4: name: '\\u200d' {INVISIBLE}; type the name",),
        1,
        "sources",
    ),
    # --- a gazetteer reference is a link ------------------------------------------------------------------
    Case(
        "gazetteer-ref-not-a-url",
        {GAZ_F: gaz(ref="geonames:486816")},
        (),
        0,
        "gazetteer",
        warnings=(
            f"{GAZ_F}:9: ref: warning: 'geonames:486816' is not an http(s) URL, so readers cannot follow it; {REF_HINT}",
        ),
    ),
    Case(
        "gazetteer-refs-not-urls-summed-up",
        {
            GAZ_F: SETTLEMENTS
            + "".join(_csv_row({**PLACE, "id": f"kmap:t{i}", "ref": f"registry.csv:id={i}"}) for i in range(6))
        },
        (),
        0,
        "gazetteer",
        warnings=(
            *(
                f"{GAZ_F}:{9 + i}: ref: warning: 'registry.csv:id={i}' is not an http(s) URL, so readers cannot follow it; {REF_HINT}"
                for i in range(3)
            ),
            f"{GAZ_F}:12: ref: warning: 'registry.csv:id=3' and 2 more refs are not http(s) URLs either",
        ),
    ),
    Case(
        "gazetteer-ref-data-url",
        {GAZ_F: gaz(ref="data:text/html,<script>alert(1)</script>")},
        (f"{GAZ_F}:9: ref: 'data:text/html,<script>alert(1)</script>' is not an http(s) URL; {REF_HINT}",),
        1,
        "gazetteer",
    ),
    Case(
        "gazetteer-ref-malformed-https",
        {GAZ_F: gaz(ref="https://exa mple.org/x")},
        (f"{GAZ_F}:9: ref: 'https://exa mple.org/x' is not a well-formed URL",),
        1,
        "gazetteer",
    ),
    Case(
        "gazetteer-ref-javascript",
        {GAZ_F: gaz(ref="javascript:alert(1)")},
        (f"{GAZ_F}:9: ref: 'javascript:alert(1)' is not an http(s) URL; {REF_HINT}",),
        1,
        "gazetteer",
    ),
    # --- layers ---------------------------------------------------------------------------------------
    Case(
        "border-of-points",
        {BORDER_F: _layer(({"name": "b"}, {"type": "Point", "coordinates": [35.0, 51.0]}))},
        (f"{BORDER_F}: feature 1: is a Point; a border layer holds LineString or MultiLineString",),
        1,
    ),
    Case(
        "border-feature-without-geometry",
        {BORDER_F: _layer(({"name": "b"}, None))},
        (f"{BORDER_F}: feature 1: has no geometry; delete the feature or give its shape",),
        1,
    ),
    Case(
        "border-in-metres",
        {BORDER_F: _layer(({"name": "b"}, {"type": "LineString", "coordinates": [[5e6, 3e6], [5.1e6, 3.1e6]]}))},
        (
            f"{BORDER_F}: feature 1: coordinates beyond longitude -180..180 / latitude -90..90; "
            "is the layer in another CRS without saying so?",
        ),
        1,
    ),
    Case(
        "border-is-a-fifo",
        {BORDER_F: Fifo()},
        (f"{BORDER_F}: is a named pipe (FIFO), not a regular file; give a GeoJSON file",),
        1,
    ),
    Case(
        "border-is-a-folder",
        {BORDER_F: None, f"{BORDER_F}/x": ""},
        (f"{BORDER_F}: is a directory, expected a GeoJSON file",),
        1,
    ),
    Case(
        "countries-without-country",
        {COUNTRIES_F: _layer(({"name": "Russia"}, {"type": "Polygon", "coordinates": [RU_RING]}))},
        (f"{COUNTRIES_F}: missing property 'country'; every feature of a countries layer needs country",),
        1,
    ),
    Case(
        "countries-empty-country",
        {COUNTRIES_F: _layer(({"country": " "}, {"type": "Polygon", "coordinates": [RU_RING]}))},
        (f"{COUNTRIES_F}: feature 1: empty property 'country'; every feature needs one",),
        1,
    ),
    Case(
        "countries-numeric-country",
        {COUNTRIES_F: _layer(({"country": 643}, {"type": "Polygon", "coordinates": [RU_RING]}))},
        (f"{COUNTRIES_F}: feature 1: property 'country' is 643, not text; give a code such as RU",),
        1,
    ),
    Case(
        "countries-of-lines",
        {COUNTRIES_F: _layer(({"country": "RU"}, {"type": "LineString", "coordinates": RU_RING}))},
        (f"{COUNTRIES_F}: feature 1: is a LineString; a countries layer holds Polygon or MultiPolygon",),
        1,
    ),
    Case(
        "countries-bow-tie-repaired",
        {
            COUNTRIES_F: _layer(
                (
                    {"country": "RU"},
                    {"type": "Polygon", "coordinates": [[[34, 50.5], [36.5, 52], [36.5, 50.5], [34, 52], [34, 50.5]]]},
                )
            )
        },
        (),
        0,
        None,
        _check_repaired,
        warnings=(
            f"{COUNTRIES_F}: feature 1: warning: invalid geometry (Self-intersection[35.25 51.25]) repaired with "
            "make_valid; fix it at the source",
        ),
    ),
    # --- plausibility ---------------------------------------------------------------------------------
    Case(
        "date-before-the-theatres-period",
        {"theatre.toml": THEATRE, CLAIMS_F: ru(date="2015-03-16")},
        (
            f"{CLAIMS_F}:5: date: 2015-03-16 is before the theatre's period (2024-08-06 to 2025-05-31, "
            "{root}/theatre.toml); check the year, or widen 'period' in theatre.toml",
        ),
        1,
    ),
    Case(
        "count-above-the-gazetteer",
        {CLAIMS_F: ru(kind="count", settlement="", value="12", unit="settlements")},
        (),
        0,
        warnings=(
            f"{CLAIMS_F}:5: value: warning: 12 settlements is more than the gazetteer's 7; "
            "check the figure, or complete the gazetteer",
        ),
    ),
    Case(
        "area-above-the-country",
        {COUNTRIES_F: COUNTRIES, CLAIMS_F: ru(kind="area", settlement="", value="90,000", unit="km2")},
        (
            f"{CLAIMS_F}:5: value: 90000 km2 is more than the whole of RU on the map ({RU_KM2:,.0f} km2); "
            "check the figure and its unit",
        ),
        1,
    ),
    Case(
        "area-in-sq-mi-above-the-country",
        {COUNTRIES_F: COUNTRIES, CLAIMS_F: ru(kind="area", settlement="", value="20000", unit="sq mi")},
        (
            f"{CLAIMS_F}:5: value: 20000 sq mi is more than the whole of RU on the map ({RU_KM2:,.0f} km2); "
            "check the figure and its unit",
        ),
        1,
    ),
    Case(
        "distance-beyond-the-map",
        {COUNTRIES_F: COUNTRIES, CLAIMS_F: ru(kind="relative", value="900", unit="km", bearing_deg="90")},
        (
            f"{CLAIMS_F}:5: value: 900 km is farther than the map reaches ({ACROSS_KM:,.0f} km across); "
            "check the figure and its unit",
        ),
        1,
    ),
    Case(
        "area-within-the-country",
        {COUNTRIES_F: COUNTRIES, CLAIMS_F: ru(kind="area", settlement="", value="900", unit="km2")},
        (),
        0,
    ),
]


def _put(p: Path, content: Content) -> None:
    """Make ``p`` hold ``content``: text, bytes, a FIFO, a symbolic link; ``None`` deletes it."""
    if content is None:
        p.unlink()
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.is_dir() and not p.is_symlink():
        p.rmdir()
    elif p.exists() or p.is_symlink():
        p.unlink()
    if isinstance(content, Fifo):
        os.mkfifo(p)
    elif isinstance(content, Folder):
        p.mkdir()
    elif isinstance(content, Link):
        p.symlink_to(content.target)
    elif isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8", newline="")


def _write(root: Path, files: dict[str, Content]) -> Path:
    write_dataset(root)
    for rel, content in files.items():
        _put(root / rel, content)
    if (root / "claims").is_dir() and not any((root / "claims").glob("*")):
        (root / "claims").rmdir()
    return root


def _lines(expected: tuple[str, ...], root: Path, today: dt.date) -> list[str]:
    return [f"{root}/" + e.replace("{root}", str(root)).replace("{today}", today.isoformat()) for e in expected]


def _params(cases: list[Case]) -> list[object]:
    return [pytest.param(c, id=c.id, marks=c.marks) for c in cases]


def test_catalogue_is_large_and_unique() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    for c in CASES:
        assert (c.code == 0) == (not c.expected), c.id
        assert c.code == 0 or c.check is None, c.id


def _check(root: Path) -> tuple[Dataset | None, list[Problem]]:
    try:
        return check_dataset(root, today=TODAY)
    except DataError as exc:  # a broken context layer is raised, not returned
        return None, exc.problems


@pytest.mark.parametrize("case", _params(CASES))
def test_check_dataset(case: Case, tmp_path: Path) -> None:
    root = _write(tmp_path / "data", case.files)
    ds, problems = _check(root)
    got = [str(p) for p in problems]
    want = _lines(case.expected, root, TODAY)
    for line in want:
        assert got.count(line) == 1, f"expected exactly once:\n{line}\ngot:\n" + "\n".join(got)
    if not case.cascade:
        assert sorted(got) == sorted(want)
    if case.code == 0:
        assert ds is not None
    if ds is not None:
        assert sorted(map(str, ds.warnings)) == sorted(_lines(case.warnings, root, TODAY))
    if case.check is not None:
        assert ds is not None
        case.check(ds)


@pytest.mark.parametrize("case", _params(CASES))
def test_cli_validate(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path / "data", case.files)
    code = main(["validate", "--data", str(root)])
    out, err = capsys.readouterr()
    assert code == case.code, err
    assert "Traceback" not in out + err
    lines = err.splitlines()
    for line in _lines(case.expected, root, dt.date.today()):
        assert lines.count(line) == 1, f"expected exactly once:\n{line}\ngot:\n{err}"
    warned = _lines(case.warnings, root, dt.date.today())
    assert sorted(lines[: len(warned)]) == sorted(warned)  # warnings first, each once
    if case.code == 0:
        assert out.startswith("ok: ") and sorted(lines) == sorted(warned)
    else:
        n = len(case.expected)
        if not case.cascade:
            assert lines[len(warned)] == f"{n} problem{'s' if n != 1 else ''} in the input data:"


def _load(loader: str, root: Path) -> tuple[list[Problem], Callable[[], object]]:
    if loader == "gazetteer":
        p = root / "settlements.csv"
        return read_gazetteer(p)[1], lambda: load_gazetteer(p)
    if loader == "sources":
        p = root / "sources.csv"
        return read_sources(p)[1], lambda: load_sources(p)
    files = claim_files(root)
    return (
        read_claims(files, sources=["ru-mod", "ua-gs"], today=TODAY)[1],
        lambda: load_claims(files, sources=["ru-mod", "ua-gs"], today=TODAY),
    )


@pytest.mark.parametrize("case", _params([c for c in CASES if c.loader]))
def test_loader_alone(case: Case, tmp_path: Path) -> None:
    assert case.loader is not None
    root = _write(tmp_path / "data", case.files)
    problems, load = _load(case.loader, root)
    want = _lines(case.expected, root, TODAY)
    assert sorted(map(str, problems)) == sorted(want)
    if not want:
        load()
        return
    with pytest.raises(DataError) as exc:
        load()
    for line in want:
        assert str(exc.value).splitlines().count(line) == 1


CASCADING = [c for c in CASES if c.cascade]


@pytest.mark.parametrize("case", _params(CASCADING))
def test_unreadable_gazetteer_alone(case: Case, tmp_path: Path) -> None:
    root = _write(tmp_path / "data", case.files)
    _, problems = _check(root)
    assert sorted(map(str, problems)) == sorted(_lines(case.expected, root, TODAY))


# ------------------------------------------------------------------------- files that cannot be read


def test_file_over_the_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_dataset(tmp_path / "data")
    big = root / CLAIMS_F
    size = _csvio.MAX_BYTES + 2**20
    assert size > 50_000_000
    with big.open("r+b") as f:  # a sparse file: no 65 MB written to disk
        f.truncate(size)
    want = (
        f"{big}: file is {size // 2**20} MiB, over the {_csvio.MAX_BYTES // 2**20} MiB limit; "
        "check that this is the right file, or split it"
    )
    _, problems = read_claims([big], sources=["ru-mod"], today=TODAY)
    assert list(map(str, problems)) == [want]
    assert main(["validate", "--data", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == ["1 problem in the input data:", want]


PERMISSION = "cannot read: Permission denied; check the permissions of the file and of its directories"


def test_file_without_read_permission(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_dataset(tmp_path / "data")
    p = root / "settlements.csv"
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):
            pytest.skip("running as root: chmod does not stop reading")
        assert main(["validate", "--data", str(root)]) == 1
        assert capsys.readouterr().err.splitlines() == ["1 problem in the input data:", f"{p}: {PERMISSION}"]
    finally:
        p.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_directory_without_permission(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_dataset(tmp_path / "data")
    root.chmod(0)
    try:
        if os.access(root, os.R_OK | os.X_OK):
            pytest.skip("running as root: chmod does not stop reading")
        assert main(["validate", "--data", str(root)]) == 1
        err = capsys.readouterr().err
        assert f"{root}/settlements.csv: {PERMISSION}" in err.splitlines()
        assert "Traceback" not in err
    finally:
        root.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("method", ["stat", "open"])
def test_permission_error_is_a_problem(
    method: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same as above, simulated, so that it also runs as root: when stat fails, and when open does."""
    root = write_dataset(tmp_path / "data")
    target = root / "sources.csv"
    if method == "stat":
        real = Path.stat

        def deny(self: Path, *a: object, **k: object) -> object:
            if self == target:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *a, **k)

        monkeypatch.setattr(Path, "stat", deny)
    else:
        real_open = os.open

        def deny_open(path: object, *a: object, **k: object) -> int:
            if Path(str(path)) == target:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *a, **k)  # type: ignore[arg-type]

        monkeypatch.setattr(_csvio.os, "open", deny_open)
    assert list(map(str, read_sources(target)[1])) == [f"{target}: {PERMISSION}"]
    assert main(["validate", "--data", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == ["1 problem in the input data:", f"{target}: {PERMISSION}"]


# ---------------------------------------------------------------------------------------- CLI cases


@dataclass(frozen=True)
class CliCase:
    """A command line and what it must print (a substring of stdout + stderr, or a whole line) and return.

    It runs in a temporary folder holding the data (``data/``) and a user's files (:data:`USER`,
    ``around``); a command that fails leaves every file there as it was.
    """

    id: str
    argv: tuple[str, ...]  # {data}, {out} and {tmp} are replaced
    code: int
    expected: str
    files: dict[str, Content] = field(default_factory=dict)  # changes to the data folder
    around: dict[str, Content] = field(default_factory=dict)  # files beside it, relative to the temporary folder
    exact: bool = False  # expected is a whole line of the output
    cwd: str = ""  # the current folder, relative to the temporary folder
    check: Callable[[Path], None] | None = None  # given the temporary folder, after a successful run


CLI_CASES = [
    CliCase(
        "data-dir-does-not-exist",
        ("validate", "--data", "{data}/nope"),
        1,
        "{data}/nope: data folder does not exist; give the folder with settlements.csv, sources.csv and "
        "claims/ (the bundled one is geodata/)",
    ),
    CliCase(
        "state-date-day-first",
        ("state", "--source", "ru-mod", "--date", "13/03/2025", "--data", "{data}"),
        2,
        "argument --date: '13/03/2025' is not an ISO date (YYYY-MM-DD)",
    ),
    CliCase(
        "state-unknown-source",
        ("state", "--source", "nobody", "--date", "2025-03-15", "--data", "{data}"),
        1,
        "error: unknown source 'nobody'; known: ru-mod, ua-gs",
    ),
    CliCase(
        "resolve-unknown",
        ("resolve", "Sudzhaa", "--data", "{data}"),
        1,
        "unknown settlement 'Sudzhaa' — did you mean 'Sudzha' (Суджа, Sudzhansky)?",
    ),
    CliCase("resolve-ambiguous", ("resolve", "Nikolayevka", "--data", "{data}"), 2, "ambiguous settlement"),
    CliCase(
        "resolve-empty-name",
        ("resolve", "", "--data", "{data}"),
        1,
        "unknown settlement ''; add it to the gazetteer (see geodata/README.md)",
    ),
    CliCase(
        "resolve-bidi-control",
        ("resolve", "\u202eahzduS", "--data", "{data}"),
        1,
        "unknown settlement '\\u202eahzduS'",  # escaped: the control is visible, not obeyed
    ),
    CliCase(
        "resolve-cp1251-gazetteer",
        ("resolve", "Sudzha", "--data", "{data}"),
        1,
        "{data}/settlements.csv:2: " + NOT_UTF8.format(b="d1"),
        {GAZ_F: SETTLEMENTS.encode("cp1251")},
    ),
    CliCase(
        "build-bad-date",
        ("build", "--data", "{data}", "--out", "{out}"),
        1,
        f"{{data}}/{CLAIMS_F}:5: date: '13/03/2025' is not an ISO date (YYYY-MM-DD){ISO_HINT}2025-03-13 if day first",
        {CLAIMS_F: ru(date="13/03/2025")},
    ),
    CliCase(
        "build-strict-unplaced",
        ("build", "--data", "{data}", "--out", "{out}", "--keep-going", "--strict"),
        1,
        f"{{data}}/{CLAIMS_F}:5: settlement: claim is unplaced: ",
        {CLAIMS_F: ru(settlement="Atlantis")},
    ),
    CliCase(
        "claims-broken-border",
        ("claims", "--data", "{data}"),
        1,
        "{data}/border.geojson: cannot read this layer",
        {"border.geojson": ""},
    ),
    CliCase("unknown-command", ("frobnicate",), 2, "invalid choice: 'frobnicate'"),
    CliCase("validate-missing-argument", ("validate", "--data"), 2, "argument --data: expected one argument"),
]


# ------------------------------------------------------------------- issue 12: output paths and the CLI

HINT = "give a new or empty folder, e.g. --out atlas"
FOREIGN = (
    "--out is a folder that is not empty and holds no atlas written by kursk-map (no manifest.json naming it); "
    "refusing to replace it: give a new or empty folder, or move its files away yourself"
)
REPLACE = "refusing to replace it: choose another --out, or add --force to replace it"
NOT_OURS = f"the file was not written by kursk-map; {REPLACE}"
BUILD = ("build", "--data", "data", "--no-images", "--out")
EXPORT = ("export", "--data", "data", "--source", "ru-mod", "--date", "2025-03-15", "--out")
COMPARE = ("compare", "--data", "data", "--left", "ru-mod", "--right", "ua-gs", "--date", "2025-03-15", "--out")
POINTS = "name,lat,lon\nTestovo,51.3,35.2\n"
GAZ_BUILD = ("gazetteer", "build", "--points", "points.csv", "--ref", "https://example.org/pts", "--out")
#: What every command line case finds beside the data: a user's documents, notes and home folder.
USER: dict[str, Content] = {
    "docs/report.md": "mine",
    "docs/sub/x.txt": "mine",
    "notes.txt": "mine",
    "home/.profile": "x",
}
KNOWN = "known: ru-mod, ua-gs"
COMMANDS = (
    "'build', 'validate', 'resolve', 'gazetteer', 'state', 'diff', 'compare', 'figures', 'export', 'extract', "
    "'import', 'claims'"
)


def _atlas(root: Path) -> None:
    assert (root / "manifest.json").is_file() and (root / "index.html").is_file()


def _link_kept(root: Path) -> None:
    assert (root / "link").is_symlink() and (root / "link").readlink() == Path("real")
    _atlas(root / "real")


def _svg_literal(root: Path) -> None:
    texts = "".join(ET.parse(root / "m.svg").getroot().itertext())
    assert "Rybar $x^2$ _y_ \\alpha: claimed control of settlements, 2025-03-15" in texts


def _rebuilt(root: Path) -> None:
    _atlas(root / "old")
    assert not (root / "old" / "stale.html").exists()  # the previous atlas was replaced whole


CLI_CASES += [
    # --- build --out: never the data, the current folder, the root, a file, a folder it did not write ---
    CliCase(
        "build-out-is-data",
        (*BUILD, "data"),
        2,
        f"error: data: --out is the data folder (--data); the atlas would replace your data; {HINT}",
        exact=True,
    ),
    CliCase(
        "build-out-is-data-spelt-otherwise",
        ("build", "--data", "data/", "--out", "./data/../data"),
        2,
        f"error: data/../data: --out is the data folder (--data); the atlas would replace your data; {HINT}",
        exact=True,
    ),
    CliCase(
        "build-out-is-data-absolute",
        ("build", "--data", "{data}", "--out", "data"),
        2,
        f"error: data: --out is the data folder (--data); the atlas would replace your data; {HINT}",
        exact=True,
    ),
    CliCase(
        "build-out-in-data",
        (*BUILD, "data/claims"),
        2,
        f"error: data/claims: --out lies inside the data folder data; {HINT}",
        exact=True,
    ),
    CliCase(
        "build-out-new-in-data",
        (*BUILD, "data/atlas"),
        2,
        f"error: data/atlas: --out lies inside the data folder data; {HINT}",
        exact=True,
    ),
    CliCase(
        "build-out-is-a-data-file",
        (*BUILD, "data/settlements.csv"),
        2,
        f"error: data/settlements.csv: --out lies inside the data folder data; {HINT}",
        exact=True,
    ),
    CliCase(
        "build-out-holds-data",
        (*BUILD, "."),
        2,
        f"error: .: --out holds the data folder data; the atlas would replace your data; {HINT}",
        exact=True,
    ),
    CliCase(
        "build-out-is-cwd",
        ("build", "--data", "{data}", "--no-images", "--out", "."),
        2,
        f"error: .: --out is the current folder; {HINT}",
        exact=True,
        cwd="docs",
    ),
    CliCase(
        "build-out-holds-cwd",
        ("build", "--data", "{data}", "--no-images", "--out", "../.."),
        2,
        f"error: ../..: --out holds the data folder {{data}}; the atlas would replace your data; {HINT}",
        exact=True,
        cwd="docs/sub",
        around={"docs/sub/x.txt": "mine"},
    ),
    CliCase(
        "build-out-parent-of-cwd",
        ("build", "--data", "{data}", "--no-images", "--out", ".."),
        2,
        f"error: ..: --out holds the current folder; {HINT}",
        exact=True,
        cwd="docs/sub",
        around={"docs/sub/x.txt": "mine"},
    ),
    CliCase(
        "build-out-is-root", (*BUILD, "/"), 2, f"error: /: --out is the root of the filesystem; {HINT}", exact=True
    ),
    CliCase(
        "build-out-is-home",
        (*BUILD, "{tmp}/home"),
        2,
        f"error: {{tmp}}/home: --out is your home folder; {HINT}",
        exact=True,
    ),
    CliCase(
        "build-out-is-a-file",
        (*BUILD, "notes.txt"),
        2,
        f"error: notes.txt: --out is a file, not a folder; {HINT}",
        exact=True,
    ),
    CliCase("build-out-is-a-docs-folder", (*BUILD, "docs"), 2, f"error: docs: {FOREIGN}", exact=True),
    CliCase(
        "build-out-foreign-manifest",
        (*BUILD, "site"),
        2,
        f"error: site: {FOREIGN}",
        exact=True,
        around={"site/manifest.json": '{"generator": "mkdocs"}', "site/index.html": "<p>mine</p>"},
    ),
    CliCase(
        "build-out-broken-manifest",
        (*BUILD, "site"),
        2,
        f"error: site: {FOREIGN}",
        exact=True,
        around={"site/manifest.json": "{ not json"},
    ),
    CliCase(
        "build-out-missing-parent",
        (*BUILD, "nope/atlas"),
        2,
        "error: nope/atlas: the folder {tmp}/nope does not exist; create it first (mkdir -p {tmp}/nope)",
        exact=True,
    ),
    CliCase(
        "build-out-under-a-file",
        (*BUILD, "notes.txt/atlas"),
        2,
        "error: notes.txt/atlas: {tmp}/notes.txt is not a folder; give a folder in an existing folder",
        exact=True,
    ),
    CliCase(
        "build-out-dangling-link",
        (*BUILD, "gone"),
        2,
        "error: gone: --out is a symbolic link to {tmp}/nowhere, which does not exist",
        exact=True,
        around={"gone": Link("{tmp}/nowhere")},
    ),
    CliCase(
        "build-out-link-to-data",
        (*BUILD, "to-data"),
        2,
        f"error: to-data: --out is the data folder (--data); the atlas would replace your data; {HINT}",
        exact=True,
        around={"to-data": Link("data")},
    ),
    CliCase(
        "build-out-link-to-docs",
        (*BUILD, "to-docs"),
        2,
        f"error: to-docs: {FOREIGN}",
        exact=True,
        around={"to-docs": Link("docs")},
    ),
    CliCase(
        "build-out-fifo",
        (*BUILD, "pipe"),
        2,
        "error: pipe: --out is a named pipe (FIFO), not a folder; give a new or empty folder",
        exact=True,
        around={"pipe": Fifo()},
    ),
    CliCase("build-out-empty-string", (*BUILD, ""), 2, f"error: --out is empty; {HINT}", exact=True),
    CliCase(
        "build-out-empty-folder",
        (*BUILD, "empty"),
        0,
        "built 7 maps from 8 claims",
        exact=True,
        around={"empty": Folder()},
        check=lambda r: _atlas(r / "empty"),
    ),
    CliCase(
        "build-out-previous-atlas",
        (*BUILD, "old"),
        0,
        "built 7 maps from 8 claims",
        exact=True,
        around={"old/manifest.json": '{"generator": "kursk_map 0.0.1"}', "old/stale.html": "x"},
        check=_rebuilt,
    ),
    CliCase(
        "build-out-linked-folder",
        (*BUILD, "link"),
        0,
        "built 7 maps from 8 claims",
        exact=True,
        around={"real": Folder(), "link": Link("real")},
        check=_link_kept,
    ),
    CliCase(
        "build-data-missing",
        ("build", "--data", "nodata", "--out", "atlas"),
        1,
        "nodata: data folder does not exist; give the folder with settlements.csv, sources.csv and claims/ (the bundled one is geodata/)",
        exact=True,
    ),
    # --- export --out ---------------------------------------------------------------------------------
    CliCase(
        "export-suffix-disagrees",
        (*EXPORT, "x.svg", "--format", "png"),
        2,
        "error: x.svg: the name ends in .svg but --format is png; make them agree, e.g. x.png",
        exact=True,
    ),
    CliCase(
        "export-suffix-jpg",
        (*EXPORT, "x.jpg", "--format", "png"),
        2,
        "error: x.jpg: the name ends in .jpg but --format is png; make them agree, e.g. x.png",
        exact=True,
    ),
    CliCase(
        "export-unknown-suffix",
        (*EXPORT, "x.tiff"),
        2,
        "error: cannot tell the export format from the file name 'x.tiff'; name the format (--format) as one of png, svg, geojson, gpkg, html",
        exact=True,
    ),
    CliCase(
        "export-into-data",
        (*EXPORT, "data/x.geojson"),
        2,
        "error: data/x.geojson: --out lies inside the data folder data; write outputs elsewhere, not among your data",
        exact=True,
    ),
    CliCase(
        "export-over-a-data-file",
        (*EXPORT, "data/border.geojson", "--force"),
        2,
        "error: data/border.geojson: --out lies inside the data folder data; write outputs elsewhere, not among your data",
        exact=True,
    ),
    CliCase(
        "export-over-a-user-file",
        (*EXPORT, "notes.png"),
        2,
        f"error: notes.png: {NOT_OURS}",
        exact=True,
        around={"notes.png": b"\x89PNG my own picture"},
    ),
    CliCase(
        "export-over-a-user-file-forced",
        (*EXPORT, "notes.png", "--force"),
        0,
        "wrote {tmp}/notes.png",
        exact=True,
        around={"notes.png": b"\x89PNG my own picture"},
    ),
    CliCase(
        "export-over-its-own-file",
        (*EXPORT, "mine.geojson"),
        0,
        "wrote {tmp}/mine.geojson",
        exact=True,
        around={"mine.geojson": '{"type": "FeatureCollection", "generator": "kursk_map"}'},
    ),
    CliCase(
        "export-to-a-folder",
        (*EXPORT, "docs"),
        2,
        "error: docs: --out is a folder, not a file; give a file name, e.g. docs/map.png",
        exact=True,
    ),
    CliCase("export-out-empty", (*EXPORT, ""), 2, "error: --out is empty; give a file name", exact=True),
    CliCase("compare-out-empty", (*COMPARE, ""), 2, "error: --out is empty; give a file name", exact=True),
    CliCase(
        "export-out-ends-in-slash",
        (*EXPORT, "maps/"),
        2,
        "error: maps/: --out ends in '/', a folder; give a file name, e.g. maps/map.png",
        exact=True,
    ),
    CliCase(  # a FIFO in the temporary folder, not /dev/null: a regression must not break the machine
        "export-to-a-fifo",
        (*EXPORT, "pipe", "--format", "geojson", "--force"),
        2,
        "error: pipe: --out is a named pipe (FIFO); give the name of a regular file",
        exact=True,
        around={"pipe": Fifo()},
    ),
    CliCase(
        "export-missing-folder",
        (*EXPORT, "nope/x.png"),
        2,
        "error: nope/x.png: the folder {tmp}/nope does not exist; create it first (mkdir -p {tmp}/nope)",
        exact=True,
    ),
    CliCase(
        "export-unknown-source",
        ("export", "--data", "data", "--source", "ru_mod", "--date", "2025-03-15", "--out", "x.png"),
        1,
        f"error: unknown source 'ru_mod' (did you mean 'ru-mod'?); {KNOWN}",
        exact=True,
    ),
    CliCase(
        "export-maths-in-a-name",
        (*EXPORT, "m.svg"),
        0,
        "wrote {tmp}/m.svg",
        exact=True,
        files={SRC_F: SOURCES.replace("Russian Ministry of Defence", r"Rybar $x^2$ _y_ \alpha")},
        check=_svg_literal,
    ),
    # --- compare --out ---------------------------------------------------------------------------------
    CliCase(
        "compare-not-html",
        (*COMPARE, "c.png"),
        2,
        "error: c.png: a comparison is an HTML page; give --out a name ending in .html",
        exact=True,
    ),
    CliCase(
        "compare-over-a-user-page",
        (*COMPARE, "index.html"),
        2,
        f"error: index.html: {NOT_OURS}",
        exact=True,
        around={"index.html": "<h1>my site</h1>"},
    ),
    CliCase(
        "compare-into-data",
        (*COMPARE, "data/c.html"),
        2,
        "error: data/c.html: --out lies inside the data folder data; write outputs elsewhere, not among your data",
        exact=True,
    ),
    CliCase(
        "compare-unknown-source",
        (
            "compare",
            "--data",
            "data",
            "--left",
            "ru-mod",
            "--right",
            "ua_gs",
            "--date",
            "2025-03-15",
            "--out",
            "c.html",
        ),
        1,
        f"error: unknown source 'ua_gs' (did you mean 'ua-gs'?); {KNOWN}",
        exact=True,
    ),
    CliCase(
        "compare-to-a-folder",
        (*COMPARE, "docs.html"),
        2,
        "error: docs.html: --out is a folder, not a file; give a file name, e.g. docs.html/compare.html",
        exact=True,
        around={"docs.html/x": "mine"},
    ),
    # --- gazetteer build --out ------------------------------------------------------------------------
    CliCase(
        "gazetteer-build-existing",
        (*GAZ_BUILD, "existing.csv"),
        2,
        f"error: existing.csv: the file exists; {REPLACE}",
        exact=True,
        around={"points.csv": POINTS, "existing.csv": "mine"},
    ),
    CliCase(
        "gazetteer-build-its-own-input",
        (*GAZ_BUILD, "points.csv", "--force"),
        2,
        "error: points.csv: --out is an input of this command (points.csv); write to another file",
        exact=True,
        around={"points.csv": POINTS},
    ),
    CliCase(
        "gazetteer-build-input-via-link",
        (*GAZ_BUILD, "alias.csv", "--force"),
        2,
        "error: alias.csv: --out is an input of this command (points.csv); write to another file",
        exact=True,
        around={"points.csv": POINTS, "alias.csv": Link("points.csv")},
    ),
    CliCase(
        "gazetteer-build-to-a-folder",
        (*GAZ_BUILD, "docs"),
        2,
        "error: docs: --out is a folder, not a file; give a file name, e.g. docs/settlements.csv",
        exact=True,
        around={"points.csv": POINTS, "docs/notes.md": "mine"},
    ),
    CliCase(
        "gazetteer-build-missing-folder",
        (*GAZ_BUILD, "nope/g.csv"),
        2,
        "error: nope/g.csv: the folder {tmp}/nope does not exist; create it first (mkdir -p {tmp}/nope)",
        exact=True,
        around={"points.csv": POINTS},
    ),
    CliCase(
        "gazetteer-build-forced",
        (*GAZ_BUILD, "existing.csv", "--force"),
        0,
        "wrote 1 settlements to existing.csv",
        exact=True,
        around={"points.csv": POINTS, "existing.csv": SETTLEMENTS},
    ),
    CliCase(
        "gazetteer-build-forced-over-claims",
        (*GAZ_BUILD, "data/claims/ru-mod.csv", "--force"),
        2,
        "error: data/claims/ru-mod.csv: it is not a gazetteer CSV (its first line does not name the gazetteer's "
        "columns); refusing to replace it: choose another --out",
        exact=True,
        around={"points.csv": POINTS},
    ),
    CliCase(
        "gazetteer-build-fifo-input",
        ("gazetteer", "build", "--geonames", "pipe", "--admin1", "41", "--out", "g.csv"),
        1,
        "skipped: pipe: is a named pipe (FIFO), not a regular file; give a GeoNames dump such as RU.txt",
        exact=True,
        around={"pipe": Fifo()},
    ),
    CliCase(
        "gazetteer-build-registry-fifo",
        ("gazetteer", "build", "--registry", "ru", "--region", "Kursk", "--registry-file", "pipe", "--out", "g.csv"),
        1,
        "pipe: is a named pipe (FIFO), not a regular file; give a registry file",
        exact=True,
        around={"pipe": Fifo()},
    ),
    CliCase(
        "gazetteer-build-utf16-dump",
        ("gazetteer", "build", "--geonames", "RU.txt", "--admin1", "41", "--out", "g.csv"),
        1,
        "skipped: RU.txt:1: file is UTF-16 (it starts with a UTF-16 byte-order mark); " + RESAVE.format(enc="utf-16"),
        exact=True,
        around={"RU.txt": "486816\tSudzha\n".encode("utf-16")},
    ),
    # --- extract: articles are read only if they are regular files; --out never an article -------------
    CliCase(
        "extract-article-fifo",
        ("extract", "--data", "data", "pipe", "--published", "2025-03-16"),
        1,
        "skipped pipe: is a named pipe (FIFO), not a regular file; give a text, Markdown or HTML file",
        exact=True,
        around={"pipe": Fifo()},
    ),
    CliCase(
        "extract-article-link-to-dev-zero",
        ("extract", "--data", "data", "zero.txt", "--published", "2025-03-16"),
        1,
        "skipped zero.txt: is a symbolic link to /dev/zero, a device, not a regular file; give a text, Markdown or "
        "HTML file",
        exact=True,
        around={"zero.txt": Link("/dev/zero")},
    ),
    CliCase(
        "extract-out-is-its-article",
        ("extract", "--data", "data", "a.txt", "--published", "2025-03-16", "--out", "a.txt"),
        2,
        "error: a.txt: --out is an input of this command (a.txt); write to another file",
        exact=True,
        around={"a.txt": "Russia's defence ministry said on Saturday that its forces had taken Zaoleshenka.\n"},
    ),
    CliCase(
        "extract-out-over-notes",
        ("extract", "--data", "data", "a.txt", "--published", "2025-03-16", "--out", "notes.txt"),
        2,
        "error: notes.txt: exists and was not written by kursk-map extract; refusing to replace it: "
        "choose another --out",
        exact=True,
        around={"a.txt": "Russia's defence ministry said on Saturday that its forces had taken Zaoleshenka.\n"},
    ),
    # --- the command line itself ---------------------------------------------------------------------
    CliCase("version", ("--version",), 0, f"kursk-map {__version__}", exact=True),
    CliCase(
        "mistyped-command",
        ("biuld",),
        2,
        f"kursk-map: error: argument command: invalid choice: 'biuld' (choose from {COMMANDS}); did you mean 'build'? (see: kursk-map --help)",
        exact=True,
    ),
    CliCase(
        "mistyped-subcommand",
        ("gazetteer", "buidl"),
        2,
        "kursk-map gazetteer: error: argument gazetteer_command: invalid choice: 'buidl' (choose from 'build', 'coverage'); did you mean 'build'? (see: kursk-map gazetteer --help)",
        exact=True,
    ),
    CliCase(
        "mistyped-option",
        ("build", "--data", "data", "--selfcontained"),
        2,
        "kursk-map: error: unrecognized arguments: --selfcontained; did you mean '--self-contained'? (see: kursk-map --help)",
        exact=True,
    ),
    CliCase(
        "mistyped-format",
        (*EXPORT, "x.png", "--format", "pgn"),
        2,
        "kursk-map export: error: argument --format: invalid choice: 'pgn' (choose from 'png', 'svg', 'geojson', 'gpkg', 'html'); did you mean 'png'? (see: kursk-map export --help)",
        exact=True,
    ),
    CliCase(
        "claims-unknown-source",
        ("claims", "--data", "data", "--source", "ru_mod"),
        1,
        f"error: unknown source 'ru_mod' (did you mean 'ru-mod'?); {KNOWN}",
        exact=True,
    ),
    CliCase(
        "claims-empty-source",
        ("claims", "--data", "data", "--source", ""),
        1,
        f"error: unknown source ''; {KNOWN}",
        exact=True,
    ),
    CliCase(
        "claims-source-without-claims",
        ("claims", "--data", "data", "--source", "isw"),
        0,
        "isw has no claims in the ledger (add them to claims/isw.csv)",
        exact=True,
        files={SRC_F: src()},
    ),
    CliCase(
        "state-source-in-capitals",
        ("state", "--data", "data", "--source", "RU-MOD", "--date", "2025-03-15"),
        1,
        f"error: unknown source 'RU-MOD' (did you mean 'ru-mod'?); {KNOWN}",
        exact=True,
    ),
    CliCase(
        "diff-unknown-source",
        ("diff", "--data", "data", "--source", "ua-gss", "--from", "2025-03-13", "--to", "2025-04-26"),
        1,
        f"error: unknown source 'ua-gss' (did you mean 'ua-gs'?); {KNOWN}",
        exact=True,
    ),
    CliCase(
        "figures-unknown-source",
        ("figures", "--data", "data", "--source", "ru mod"),
        1,
        f"error: unknown source 'ru mod' (did you mean 'ru-mod'?); {KNOWN}",
        exact=True,
    ),
    CliCase(
        "debug-after-the-command",
        ("validate", "--data", "data", "--debug"),
        0,
        "ok: 7 settlements, 2 sources, 8 claims (2024-08-14 to 2025-05-21), 0 unplaced",
        exact=True,
    ),
]


def _tree(root: Path) -> dict[str, str]:
    """Every entry under ``root``: file digests, link targets, folders (links not followed)."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            if p.is_symlink():
                out[str(p)] = "-> " + str(p.readlink())
            elif p.is_dir():
                out[str(p)] = "folder"
            elif p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[str(p)] = "special"
    return out


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CLI_CASES])
def test_cli(
    case: CliCase, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _write(tmp_path / "data", case.files)
    for rel, content in {**USER, **case.around}.items():
        link = isinstance(content, Link)
        _put(tmp_path / rel, Link(content.target.replace("{tmp}", str(tmp_path))) if link else content)  # type: ignore[union-attr]
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / case.cwd)
    out_dir = tmp_path / "atlas"

    def fill(text: str) -> str:
        return text.replace("{data}", str(data)).replace("{out}", str(out_dir)).replace("{tmp}", str(tmp_path))

    before = _tree(tmp_path)
    try:
        code = main([fill(a) for a in case.argv])
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert code == case.code, out + err
    if case.exact:
        assert fill(case.expected) in (out + err).splitlines(), out + err
    else:
        assert fill(case.expected) in out + err
    assert "Traceback" not in out + err
    if code != 0:
        assert not out_dir.exists()  # nothing half-written
        assert _tree(tmp_path) == before  # nothing touched at all
    else:
        assert {k: v for k, v in _tree(tmp_path).items() if k.startswith(str(data))} == {
            k: v for k, v in before.items() if k.startswith(str(data))
        }
    if code == 2:
        assert len(err.splitlines()) == 1, err  # a refusal is one line
    if case.check is not None:
        case.check(tmp_path)


@pytest.mark.subprocess
def test_console_script_validate(tmp_path: Path) -> None:
    """The installed command, in a subprocess: exit status 1, the exact line, no traceback."""
    exe = Path(sys.executable).with_name("kursk-map")
    if not exe.exists():
        pytest.skip("kursk-map is not installed next to this Python")
    data = write_dataset(tmp_path / "data", ru=ru(date="2025-02-30"), ua=UA_CLAIMS)
    r = subprocess.run([str(exe), "validate", "--data", str(data)], capture_output=True, text=True, check=False)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "1 problem in the input data:",
        f"{data}/{CLAIMS_F}:5: date: '2025-02-30' is not a real calendar date",
    ]


# ------------------------------------------------------------------ failures of the machine, not the data


def _digest_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """A data folder and an atlas built from it (in the current folder), with the atlas's digests."""
    monkeypatch.chdir(tmp_path)
    write_dataset(tmp_path / "data")
    assert main(["build", "--data", "data", "--out", "atlas", "--no-images"]) == 0
    return tmp_path, _digest_tree(tmp_path / "atlas")


def test_full_disk_during_a_build_keeps_the_previous_atlas(
    built: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, before = built
    capsys.readouterr()
    real = os.open

    def full(path: object, flags: int, *a: object, **k: object) -> int:  # the pages of ua-gs no longer fit
        if flags & os.O_CREAT and "/.atlas.tmp-" in str(path) and "/ua-gs/" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, flags, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", full)  # inherited by the forked page workers
    (root / "data" / "claims" / "ua-gs.csv").write_text(UA_CLAIMS.replace("Says", "Said"), encoding="utf-8")
    assert main(["build", "--data", "data", "--out", "atlas", "--no-images"]) == 2
    err = capsys.readouterr().err
    assert re.fullmatch(
        rf"error: cannot write the atlas: {re.escape(str(root))}/atlas/ua-gs/[^/]+: No space left on device; "
        r"the disk is full; free some space and run it again; the previous atlas, if any, is unchanged\n",
        err,
    ), err
    assert _digest_tree(root / "atlas") == before
    assert sorted(p.name for p in root.iterdir()) == ["atlas", "data"]  # no temporary folder left


def test_full_disk_during_an_export_keeps_the_previous_file(
    built: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = built
    args = ["export", "--data", "data", "--source", "ru-mod", "--date", "2025-03-15", "--out", "m.geojson"]
    assert main(args) == 0
    previous = (root / "m.geojson").read_bytes()
    capsys.readouterr()

    def full(fd: int) -> None:  # the data reach the disk at fsync, and do not fit
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main([*args[:6], "2025-04-26", *args[7:]]) == 2
    assert capsys.readouterr().err == (
        f"error: {root}/m.geojson: No space left on device; the disk is full; free some space and run it again; "
        "nothing was replaced\n"
    )
    assert (root / "m.geojson").read_bytes() == previous
    assert sorted(p.name for p in root.iterdir()) == ["atlas", "data", "m.geojson"]


def test_a_folder_that_cannot_be_written_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_dataset(tmp_path / "data")
    (tmp_path / "locked").mkdir()

    def denied(*a: object, **k: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "locked" / ".atlas.tmp-1-x"))

    monkeypatch.setattr("tempfile.mkdtemp", denied)
    assert main(["build", "--data", "data", "--out", "locked/atlas", "--no-images"]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path}/locked/atlas: cannot write in {tmp_path}/locked: Permission denied; "
        "check the permissions of the file and of its folders\n"
    )
    assert list((tmp_path / "locked").iterdir()) == []


def test_an_unexpected_error_is_one_line_and_debug_shows_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kursk_map.dataset

    def bug(*a: object, **k: object) -> None:
        raise ZeroDivisionError("division by zero\nin a place nobody expected")

    monkeypatch.setattr(kursk_map.dataset, "check_dataset", bug)
    assert main(["validate", "--data", str(data_dir)]) == 1
    assert capsys.readouterr().err == (
        "error: unexpected ZeroDivisionError: division by zero in a place nobody expected; "
        "run with --debug for the traceback, and please report it\n"
    )
    for argv in (["--debug", "validate", "--data", str(data_dir)], ["validate", "--debug", "--data", str(data_dir)]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("Traceback (most recent call last):") and "ZeroDivisionError: division by zero" in err


def test_an_os_error_anywhere_is_one_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kursk_map.dataset

    def busy(*a: object, **k: object) -> None:
        raise OSError(errno.EBUSY, "Device or resource busy", "/mnt/usb/geodata")

    monkeypatch.setattr(kursk_map.dataset, "check_dataset", busy)
    assert main(["validate", "--data", str(data_dir)]) == 2
    assert capsys.readouterr().err == (
        "error: /mnt/usb/geodata: Device or resource busy; it is in use by another program; close it and run it "
        "again; nothing was replaced\n"
    )


def test_an_interrupted_build_keeps_the_previous_atlas(
    built: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, before = built
    capsys.readouterr()
    import kursk_map.build.kinds

    def ctrl_c(*a: object, **k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(kursk_map.build.kinds, "render_index", ctrl_c)  # the last page drawn
    (root / "data" / "claims" / "ua-gs.csv").write_text(UA_CLAIMS.replace("Says", "Said"), encoding="utf-8")
    assert main(["build", "--data", "data", "--out", "atlas", "--no-images"]) == 130
    assert capsys.readouterr().err == "interrupted; the previous atlas, if any, is unchanged\n"
    assert _digest_tree(root / "atlas") == before
    assert sorted(p.name for p in root.iterdir()) == ["atlas", "data"]


def test_the_data_folder_as_out_from_a_copy_of_geodata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case that opened issue 12: the bundled data copied, then built into itself."""
    import shutil

    from .conftest import REPO

    shutil.copytree(REPO / "geodata", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    before = _digest_tree(tmp_path / "data")
    exe = Path(sys.executable).with_name("kursk-map")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kursk_map"]
    r = subprocess.run(
        [*cmd, "build", "--data", "data", "--out", "data", "--no-images"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == (
        "error: data: --out is the data folder (--data); the atlas would replace your data; "
        "give a new or empty folder, e.g. --out atlas\n"
    )
    assert _digest_tree(tmp_path / "data") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
