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
import io
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from kursk_map import _csvio, schemas
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
class Case:
    """One malformed (or repairable) input and what the user must see."""

    id: str
    files: dict[str, str | bytes | None]  # relative path -> new content; None deletes the file
    expected: tuple[str, ...]  # every problem, as `file:line: column: message` relative to the data dir
    code: int  # exit code of `kursk-map validate`
    loader: str | None = None  # "gazetteer", "sources" or "claims": the loader that finds the problem alone
    check: Callable[[Dataset], None] | None = None  # the documented repair, for code 0
    cascade: bool = False  # the gazetteer cannot be read: check_dataset stops there (test_unreadable_gazetteer_alone)
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())


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


def _write(root: Path, files: dict[str, str | bytes | None]) -> Path:
    write_dataset(root)
    for rel, content in files.items():
        p = root / rel
        if content is None:
            p.unlink()
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8", newline="")
    if not any((root / "claims").glob("*")):
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
    if case.code == 0:
        assert out.startswith("ok: ") and err == ""
    else:
        n = len(case.expected)
        if not case.cascade:
            assert lines[0] == f"{n} problem{'s' if n != 1 else ''} in the input data:"


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
    """A command line and what it must print (a substring of stdout + stderr) and return."""

    id: str
    argv: tuple[str, ...]  # {data} and {out} are replaced
    code: int
    expected: str
    files: dict[str, str | bytes | None] = field(default_factory=dict)


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


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CLI_CASES])
def test_cli(case: CliCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write(tmp_path / "data", case.files)
    out_dir = tmp_path / "atlas"
    argv = [a.replace("{data}", str(data)).replace("{out}", str(out_dir)) for a in case.argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert code == case.code, out + err
    assert case.expected.replace("{data}", str(data)) in out + err
    assert "Traceback" not in out + err
    assert not out_dir.exists()  # nothing half-written


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
