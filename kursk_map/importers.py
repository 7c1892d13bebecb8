"""Build a gazetteer for any contested area from public point data (a loader: it reads files).

Two inputs are supported:

* GeoNames dump files (``RU.txt``, ``UA.txt``, ``allCountries.txt``: 19 tab-separated columns,
  https://download.geonames.org/export/dump/readme.txt), filtered by country, admin1 code,
  feature class and population. Every row keeps its GeoNames id as reference (CC BY 4.0).
* Point files (GeoJSON, GeoPackage or CSV with ``lat``/``lon`` columns) with a ``name`` column,
  for data such as an OpenStreetMap extract; every row cites the reference the user gives.

Both return rows in the gazetteer's columns (:data:`kursk_map.schemas.SETTLEMENT_COLUMNS`) and the
problems found, located as ``file:line: column: message``; :func:`write_gazetteer` writes them.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd

from . import schemas
from ._csvio import encoding_problem, read_table, regular_file_problem
from ._errors import DataError, Problem
from ._fs import check_out_file, write_atomic
from .gazetteer import LAYER_MAX_BYTES, gazetteer_rows_from_geonames

#: Columns of a GeoNames dump file, in order.
GEONAMES_COLUMNS = (
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "countrycode",
    "cc2",
    "admin1code",
    "admin2code",
    "admin3code",
    "admin4code",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification_date",
)
_COLUMNS = (*schemas.SETTLEMENT_COLUMNS, "note")


def read_geonames_dump(
    path: str | Path,
    *,
    admin1: Mapping[tuple[str, str], str],
    feature_class: str = "P",
    min_population: int = 0,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    r"""Read the populated places of a GeoNames dump file as gazetteer rows.

    Parameters
    ----------
    path : str or Path
        A GeoNames dump file (``RU.txt``, ``allCountries.txt``...), UTF-8, tab-separated, no header.
    admin1 : mapping
        ``(country, admin1 code) -> oblast name`` of the regions to keep, e.g. ``{("RU", "41"): "Kursk"}``.
    feature_class : str
        GeoNames feature class to keep (``P``: populated places).
    min_population : int
        Drop places with a smaller population (GeoNames gives 0 for most villages: keep the default).

    Returns
    -------
    rows, problems
        Rows sorted by id; a malformed line is reported and skipped, never silently dropped.

    Examples
    --------
    >>> import tempfile, os
    >>> line = "\t".join(["486816", "Sudzha", "Sudzha", "Sudja,Суджа", "51.19055", "35.27082", "P", "PPLA2",
    ...                    "RU", "", "41", "", "", "", "6940", "", "180", "Europe/Moscow", "2019-09-05"])
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
    ...     _ = f.write(line + "\n")
    >>> rows, problems = read_geonames_dump(f.name, admin1={("RU", "41"): "Kursk"})
    >>> rows[0]["name"], rows[0]["name_ru"], rows[0]["oblast"], problems
    ('Sudzha', 'Суджа', 'Kursk', [])
    >>> os.unlink(f.name)
    """
    keep = dict(admin1)
    p = Path(path)
    name = str(path)
    if (why := regular_file_problem(p, what="GeoNames dump such as RU.txt")) is not None:
        if why.startswith("file not found"):
            why = "file not found; give the path of a GeoNames dump such as RU.txt"
        return [], [Problem(name, 0, "", why)]
    with p.open("rb") as raw:
        if (why := encoding_problem(raw.read(400))) is not None:
            return [], [Problem(name, 1, "", why)]
    problems: list[Problem] = []
    places: list[dict[str, Any]] = []
    with p.open(encoding="utf-8", errors="strict", newline="") as f:
        try:
            for line_no, line in enumerate(f, 1):
                place = _geonames_line(name, line_no, line.rstrip("\r\n"), problems)
                if place is None:
                    continue
                if place["feature_class"] != feature_class or (place["countrycode"], place["admin1code"]) not in keep:
                    continue
                if place["population"] < min_population:
                    continue
                places.append(place)
        except UnicodeDecodeError as e:
            problems.append(Problem(name, 0, "", f"not UTF-8 ({e.reason}); GeoNames dumps are UTF-8, re-download it"))
    rows = gazetteer_rows_from_geonames(places, admin1=keep)
    return sorted(rows, key=lambda r: int(r["id"])), problems


def _geonames_line(file: str, line_no: int, line: str, problems: list[Problem]) -> dict[str, Any] | None:
    if not line.strip() or line.startswith("#"):
        return None
    cells = line.split("\t")
    if len(cells) != len(GEONAMES_COLUMNS):
        problems.append(
            Problem(
                file,
                line_no,
                "",
                f"{len(cells)} tab-separated fields, a GeoNames dump line has {len(GEONAMES_COLUMNS)}; "
                "is this the dump format (readme.txt), not a CSV?",
            )
        )
        return None
    rec: dict[str, Any] = dict(zip(GEONAMES_COLUMNS, cells, strict=True))
    try:
        lat, lon = float(rec["latitude"]), float(rec["longitude"])
    except ValueError:
        problems.append(Problem(file, line_no, "latitude", f"{rec['latitude']!r}/{rec['longitude']!r} is not a point"))
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not re.fullmatch(r"\d+", rec["geonameid"]):
        problems.append(Problem(file, line_no, "geonameid", f"bad id or point: {rec['geonameid']!r} ({lat}, {lon})"))
        return None
    rec["latitude"], rec["longitude"] = lat, lon
    rec["population"] = int(rec["population"]) if re.fullmatch(r"[0-9]+", rec["population"]) else 0
    rec["alternatenames"] = [a for a in rec["alternatenames"].split(",") if a]
    return rec


def read_point_file(
    path: str | Path,
    *,
    ref: str,
    country: str,
    oblast: str,
    precision_m: float = 1000.0,
    name_column: str = "name",
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read a point layer (GeoJSON/GeoPackage, or CSV with ``lat``/``lon``) as gazetteer rows.

    Every row cites ``ref`` (the page or dataset the file comes from: e.g. an OpenStreetMap extract's
    URL) and gets ``method=import``. Optional columns ``name_ru``, ``name_uk``, ``alt_names``,
    ``raion`` and ``population`` are kept when present; ids are ``kmap:<country>-<n>`` in file order.
    """
    if not re.match(r"^https?://\S+$", ref):
        raise DataError([Problem(str(path), 0, "ref", f"--ref {ref!r} must be the http(s) URL the points come from")])
    if country not in schemas.COUNTRIES:
        raise DataError([Problem(str(path), 0, "country", f"{country!r}: use one of {', '.join(schemas.COUNTRIES)}")])
    p = Path(path)
    if p.suffix.lower() == ".csv":
        return _points_from_csv(p, ref=ref, country=country, oblast=oblast, precision_m=precision_m, name=name_column)
    return _points_from_layer(p, ref=ref, country=country, oblast=oblast, precision_m=precision_m, name=name_column)


def _point_row(
    n: int, cells: Mapping[str, Any], lat: float, lon: float, *, ref: str, country: str, oblast: str, prec: float
) -> dict[str, Any]:
    def cell(k: str) -> str:
        v = cells.get(k)
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()

    return {
        "id": f"kmap:{country.lower()}-{n}",
        "name": cell("name"),
        "name_ru": cell("name_ru"),
        "name_uk": cell("name_uk"),
        "alt_names": cell("alt_names"),
        "lat": round(lat, 5),
        "lon": round(lon, 5),
        "country": country,
        "oblast": cell("oblast") or oblast,
        "raion": cell("raion"),
        "population": cell("population"),
        "ref": ref,
        "precision_m": prec,
        "method": "import",
        "note": "",
    }


def _points_from_csv(
    p: Path, *, ref: str, country: str, oblast: str, precision_m: float, name: str
) -> tuple[list[dict[str, Any]], list[Problem]]:
    table = read_table(p, required=(name, "lat", "lon"), known=None)
    problems = list(table.problems)
    rows: list[dict[str, Any]] = []
    for row in table.rows:
        cells = dict(row.cells)
        cells["name"] = cells.get(name, "")
        try:
            lat, lon = float(cells["lat"]), float(cells["lon"])
        except ValueError:
            problems.append(Problem(table.path, row.line, "lat", f"{cells['lat']!r}/{cells['lon']!r} is not a point"))
            continue
        if not cells["name"]:
            problems.append(Problem(table.path, row.line, name, "empty name; every point needs one"))
            continue
        rows.append(
            _point_row(len(rows) + 1, cells, lat, lon, ref=ref, country=country, oblast=oblast, prec=precision_m)
        )
    return rows, problems


def _points_from_layer(
    p: Path, *, ref: str, country: str, oblast: str, precision_m: float, name: str
) -> tuple[list[dict[str, Any]], list[Problem]]:
    if (why := regular_file_problem(p, what="GeoJSON or GeoPackage file", max_bytes=LAYER_MAX_BYTES)) is not None:
        return [], [Problem(str(p), 0, "", why)]
    try:
        gdf = gpd.read_file(p)
    except Exception as e:  # pyogrio raises its own error types for unreadable files
        return [], [Problem(str(p), 0, "", f"cannot read it as a GIS layer ({type(e).__name__}: {e})")]
    if name not in gdf.columns:
        return [], [Problem(str(p), 0, name, f"no {name!r} property; the layer has {', '.join(map(str, gdf.columns))}")]
    gdf = gdf.to_crs(schemas.CRS) if gdf.crs else gdf.set_crs(schemas.CRS)
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    for i, rec in enumerate(gdf.to_dict("records"), 1):
        geom = rec.get("geometry")
        if geom is None or geom.is_empty or geom.geom_type != "Point":
            problems.append(Problem(str(p), i, "geometry", "not a point feature; only points can be settlements"))
            continue
        cells = {**rec, "name": rec.get(name)}
        if not cells["name"] or (isinstance(cells["name"], float) and math.isnan(cells["name"])):
            problems.append(Problem(str(p), i, name, "empty name; every point needs one"))
            continue
        rows.append(
            _point_row(len(rows) + 1, cells, geom.y, geom.x, ref=ref, country=country, oblast=oblast, prec=precision_m)
        )
    return rows, problems


def not_a_gazetteer(path: str | Path) -> str | None:
    """Why ``path`` is not a gazetteer file that ``--force`` may replace (``None`` if it is one).

    Its first line must name the gazetteer's columns: ``--force`` regenerates a gazetteer, it never
    turns a claims file, the sources table or a document into one.
    """
    table = read_table(path, required=schemas.SETTLEMENT_COLUMNS, known=None)
    if table.header and not any(p.line == 1 and "missing column" in p.message for p in table.problems):
        return None
    return "it is not a gazetteer CSV (its first line does not name the gazetteer's columns)"


def write_gazetteer(
    rows: Iterable[Mapping[str, Any]],
    path: str | Path,
    *,
    force: bool = False,
    inputs: Iterable[str | Path | None] = (),
) -> int:
    """Write gazetteer rows as a CSV in the bundled format (byte-stable: fixed columns, LF line endings).

    The file is written atomically. An existing ``path`` is replaced only with ``force``, and never
    when it is one of ``inputs`` (the file the rows were read from).

    Raises
    ------
    OutputError
        When ``path`` exists (without ``force``; with it, when it is not a gazetteer), is an input,
        a folder, or its folder is missing.
    """
    target = check_out_file(
        path,
        inputs=[p for p in inputs if p],
        force=force,
        ours=False,
        replaceable=not_a_gazetteer,
        example="settlements.csv",
    )
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    n = 0
    for r in rows:
        w.writerow({c: r.get(c, "") for c in _COLUMNS})
        n += 1
    write_atomic(target, buf.getvalue())
    return n
