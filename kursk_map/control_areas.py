"""A source's published control areas, read and validated (a loader: it reads files).

Some sources publish areas, not lists of villages: DeepState draws the ground each side holds, every
day. A data directory keeps them as one GeoJSON file per source and date::

    <data>/areas/<source>/<YYYY-MM-DD>.geojson

Each feature is a polygon (or multipolygon) with two properties: ``controller`` (``UA``, ``RU`` or
``contested``) and ``ref`` (the http(s) address the polygon was taken from). The files are checked as
claims are: the folder names a source of ``sources.csv``, the file name is a real date that is not in
the future, the CRS is EPSG:4326 (or is declared in a ``crs`` member and reprojected), every geometry is
a valid polygon, polygons of different controllers do not overlap. Every problem of every file is
collected, located as ``file#feature: property: message`` (features counted from 0, as in the file's
``features`` array). Invalid geometry is refused here, with a way to fix it: ``kursk-map import areas``
repairs geometry and reports each repair.

Areas are measured in the theatre's equal-area CRS (:meth:`kursk_map.theatre.Theatre.equal_area`), never in degrees.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj
import shapely
from pyproj.exceptions import CRSError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from . import schemas
from ._csvio import MAX_BYTES, read_capped, regular_file_problem, url_problem
from ._errors import DataError, Problem
from .theatre import Theatre

#: Folder of a data directory that holds the areas, one sub-folder per source.
AREAS_DIR = "areas"
#: Dates before this are refused as implausible (a typo in the year).
EARLIEST_DATE = dt.date(2000, 1, 1)
#: Overlaps between polygons of different controllers smaller than this (km²) are drawing slivers, not problems.
OVERLAP_KM2 = 0.01

_DATE_FILE = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\.geojson$", re.ASCII)
_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Feature:
    """One feature of a GeoJSON file: its index in ``features``, geometry (EPSG:4326, 2-D) and properties."""

    index: int
    geometry: BaseGeometry | None
    properties: dict[str, Any] = field(default_factory=dict)


def empty_areas() -> gpd.GeoDataFrame:
    """An areas frame with no rows (the columns of :data:`kursk_map.schemas.AREA_COLUMNS`)."""
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in schemas.AREA_COLUMNS})
    df["date"] = _dates(df["date"])
    df["area_km2"] = df["area_km2"].astype(float)
    df["_feature"] = df["_feature"].astype(int)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=schemas.CRS), crs=schemas.CRS)


def equal_area_of(geoms: gpd.GeoSeries) -> str:
    """An equal-area CRS centred on some geometries (EPSG:4326): the default when no theatre gives one."""
    x0, y0, x1, y1 = (float(v) for v in geoms.total_bounds)
    return Theatre().equal_area((x0, y0, x1, y1) if len(geoms) else None)


def _dates(values: pd.Series) -> pd.Series:
    """Dates as the claims frame has them (parsed from ISO text, so the same dtype)."""
    return pd.to_datetime(values.map(lambda d: d.isoformat(), na_action="ignore"), format="%Y-%m-%d")


def where(file: str | Path, index: int | None = None) -> str:
    """How a problem names its place: ``file`` or ``file#index`` (a feature, counted from 0)."""
    return str(file) if index is None else f"{file}#{index}"


def read_features(path: str | Path) -> tuple[list[Feature], list[Problem]]:
    r"""Read the features of a GeoJSON file, reprojected to EPSG:4326 and flattened to 2-D.

    A ``crs`` member (the 2008 GeoJSON form, e.g. ``urn:ogc:def:crs:EPSG::3857``) is honoured; without
    one, coordinates must be longitude/latitude (RFC 7946). Features whose geometry cannot be built are
    reported and returned with ``geometry=None``. Nothing is raised.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.geojson"
    >>> ring = [[35.2, 51.1], [35.3, 51.1], [35.3, 51.2], [35.2, 51.1]]
    >>> _ = p.write_text(json.dumps({"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"controller": "UA"},
    ...      "geometry": {"type": "Polygon", "coordinates": [ring]}}]}), encoding="utf-8")
    >>> feats, problems = read_features(p)
    >>> feats[0].geometry.geom_type, feats[0].properties["controller"], problems
    ('Polygon', 'UA', [])
    """
    name = str(path)
    doc, problems = _read_json(Path(path))
    if doc is None:
        return [], problems
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return [], [Problem(name, 0, "", "not a GeoJSON FeatureCollection (a 'features' list is needed)")]
    to_wgs84, crs_problem = _transformer(doc.get("crs"))
    if crs_problem:
        return [], [Problem(name, 0, "crs", crs_problem)]
    out: list[Feature] = []
    for i, f in enumerate(doc["features"]):
        at = where(name, i)
        if not isinstance(f, dict) or f.get("type") != "Feature":
            problems.append(Problem(at, 0, "", "not a GeoJSON Feature"))
            continue
        props = f.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(Problem(at, 0, "properties", "properties must be an object"))
            props = {}
        geom, msg = _geometry(f.get("geometry"), to_wgs84)
        if msg:
            problems.append(Problem(at, 0, "geometry", msg))
        out.append(Feature(i, geom, props))
    return out, problems


def _read_json(p: Path) -> tuple[Any, list[Problem]]:
    name = str(p)
    # only regular files are read: a FIFO would wait forever, a device (a link to /dev/zero) never end
    bad = regular_file_problem(p, what="GeoJSON file", max_bytes=MAX_BYTES)
    if bad:
        return None, [Problem(name, 0, "", bad)]
    try:
        raw = read_capped(p, MAX_BYTES)
    except OSError as exc:
        return None, [Problem(name, 0, "", f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); GeoJSON is UTF-8")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [Problem(name, exc.lineno, "", f"not valid JSON: {exc.msg} (column {exc.colno})")]


def _transformer(crs: Any) -> tuple[pyproj.Transformer | None, str | None]:
    """A transformer to EPSG:4326 for a GeoJSON ``crs`` member (``None`` when none is needed)."""
    if crs is None:
        return None, None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        return None, "a 'crs' member must be {'type': 'name', 'properties': {'name': 'EPSG:...'}}; or drop it for WGS84"
    try:
        source = pyproj.CRS.from_user_input(name)
    except CRSError:
        return None, f"unknown CRS {name!r}; name an EPSG code (e.g. 'EPSG:3857') or reproject to EPSG:4326"
    target = pyproj.CRS.from_user_input(schemas.CRS)
    if source.equals(target, ignore_axis_order=True):
        return None, None
    return pyproj.Transformer.from_crs(source, target, always_xy=True), None


def _geometry(raw: Any, to_wgs84: pyproj.Transformer | None) -> tuple[BaseGeometry | None, str | None]:
    if raw is None:
        return None, "no geometry; every area is a polygon"
    try:
        geom = shapely.force_2d(shape(raw))
    except (AttributeError, KeyError, TypeError, ValueError, IndexError, shapely.errors.ShapelyError) as exc:
        kind = raw.get("type") if isinstance(raw, dict) else type(raw).__name__
        return None, f"cannot build a {kind!r} geometry from it ({exc})"
    if to_wgs84 is not None and not geom.is_empty:
        geom = shapely.transform(geom, lambda xy: _project(to_wgs84, xy))
    if geom.is_empty:
        return geom, None
    minx, miny, maxx, maxy = geom.bounds
    if not all(math.isfinite(v) for v in geom.bounds) or minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return None, (
            f"coordinates {minx:.6g}, {miny:.6g} ... {maxx:.6g}, {maxy:.6g} are not longitude/latitude; "
            "declare the file's CRS in a 'crs' member or reproject it to EPSG:4326"
        )
    return geom, None


def _project(t: pyproj.Transformer, xy: Any) -> Any:
    x, y = t.transform(xy[:, 0], xy[:, 1])
    xy[:, 0], xy[:, 1] = x, y
    return xy


def polygon_problem(geom: BaseGeometry | None) -> str | None:
    """Why a geometry cannot be an area (``None`` when it is a valid, non-empty (multi)polygon).

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> polygon_problem(Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]))  # a bow tie
    'invalid polygon: Self-intersection[0.5 0.5]'
    """
    if geom is None:
        return "no geometry"
    if geom.geom_type not in _POLYGONAL:
        return f"a {geom.geom_type}, not a polygon; an area is a Polygon or MultiPolygon"
    if geom.is_empty:
        return "empty polygon"
    if not geom.is_valid:
        return f"invalid polygon: {explain_validity(geom)}"
    return None


def unknown_source_message(slug: str, sources: Iterable[str]) -> str:
    """The message for a source slug that ``sources.csv`` does not list, with the closest one."""
    known = sorted(sources)
    close = difflib.get_close_matches(slug, known, n=1, cutoff=0.6)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown source {slug!r}; add it to sources.csv or use one of: {', '.join(known)}{guess}"


def file_date(path: Path, *, today: dt.date) -> tuple[dt.date | None, str | None]:
    """The date a file name gives (``YYYY-MM-DD.geojson``), or why it gives none.

    Examples
    --------
    >>> from pathlib import Path
    >>> file_date(Path("2024-08-15.geojson"), today=dt.date(2025, 1, 1))
    (datetime.date(2024, 8, 15), None)
    >>> file_date(Path("2024-02-30.geojson"), today=dt.date(2025, 1, 1))[1]
    "'2024-02-30' is not a real calendar date"
    """
    m = _DATE_FILE.match(path.name)
    if not m:
        return None, "not named <YYYY-MM-DD>.geojson; name each day's areas by their date, e.g. 2024-08-15.geojson"
    try:
        day = dt.date.fromisoformat(m["date"])
    except ValueError:
        return None, f"{m['date']!r} is not a real calendar date"
    if day > today:
        return None, f"{day} is in the future (today is {today.isoformat()}); check the year"
    if day < EARLIEST_DATE:
        return None, f"{day} is before {EARLIEST_DATE}; check the year"
    return day, None


def area_files(
    folder: str | Path, *, sources: Iterable[str], today: dt.date
) -> tuple[list[tuple[str, dt.date, Path]], list[Problem]]:
    """The ``(source, date, path)`` of every areas file under ``folder`` (``<data>/areas``), and the problems.

    Folders of unknown sources, stray files and badly named files are problems; names starting with
    ``.`` (``.DS_Store``, editor backups) are ignored.
    """
    base = Path(folder)
    known = set(sources)
    found: list[tuple[str, dt.date, Path]] = []
    problems: list[Problem] = []
    for entry in _listing(base, problems):
        if not entry.is_dir():
            problems.append(
                Problem(
                    str(entry), 0, "", f"{AREAS_DIR}/ holds one folder per source; move it into {AREAS_DIR}/<source>/"
                )
            )
            continue
        if known and entry.name not in known:
            problems.append(
                Problem(str(entry), 0, "", unknown_source_message(entry.name, known) + "; or rename the folder")
            )
            continue
        for path in _listing(entry, problems):
            day, msg = file_date(path, today=today)
            if msg or day is None:
                problems.append(Problem(str(path), 0, "", msg or "no date"))
                continue
            found.append((entry.name, day, path))
    return found, problems


def _listing(folder: Path, problems: list[Problem]) -> Iterator[Path]:
    try:
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        problems.append(Problem(str(folder), 0, "", f"cannot list this folder: {exc.strerror or exc}"))
        return
    yield from entries


def read_area_file(
    path: str | Path, *, source: str, date: dt.date, crs: str | None = None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The valid features of one areas file as records (columns of ``AREA_COLUMNS``), and every problem.

    Overlaps are measured in the equal-area ``crs`` (default: one centred on the file's polygons).
    """
    name = str(path)
    feats, problems = read_features(path)
    records: list[dict[str, Any]] = []
    for f in feats:
        at = where(name, f.index)
        errs: list[Problem] = []
        if f.geometry is not None and (msg := polygon_problem(f.geometry)):
            fix = (
                " (fix it in QGIS: Processing > Fix geometries; or import the file with"
                " `kursk-map import areas`, which repairs and reports)"
            )
            errs.append(Problem(at, 0, "geometry", msg + (fix if "invalid" in msg else "")))
        ctrl = f.properties.get("controller")
        if ctrl not in schemas.CONTROLLERS:
            errs.append(
                Problem(
                    at, 0, "controller", f"{ctrl!r} is not a controller; use one of {', '.join(schemas.CONTROLLERS)}"
                )
            )
        ref = f.properties.get("ref")
        if not isinstance(ref, str) or not ref:
            errs.append(Problem(at, 0, "ref", "no ref; give the http(s) address the polygon was taken from"))
        elif msg := url_problem(ref, "give the http(s) address the polygon was taken from"):
            errs.append(Problem(at, 0, "ref", msg))
        problems.extend(errs)
        if errs or f.geometry is None:
            continue
        records.append(
            {
                "source": source,
                "date": date,
                "controller": ctrl,
                "ref": ref,
                "_file": name,
                "_feature": f.index,
                "geometry": f.geometry,
            }
        )
    if not feats and not problems:
        problems.append(Problem(name, 0, "", "no features; delete the file or add the day's polygons"))
    problems.extend(_overlaps(name, records, crs=crs))
    return records, problems


def _overlaps(name: str, records: list[dict[str, Any]], *, crs: str | None) -> list[Problem]:
    """Polygons of different controllers that overlap: a place cannot be held by both."""
    if len(records) < 2:
        return []
    wgs84 = gpd.GeoSeries([r["geometry"] for r in records], crs=schemas.CRS)
    geoms = wgs84.to_crs(crs or equal_area_of(wgs84))
    tree = shapely.STRtree(list(geoms))
    left, right = tree.query(list(geoms), predicate="intersects")
    out: list[Problem] = []
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a >= b or records[a]["controller"] == records[b]["controller"]:
            continue
        km2 = geoms.iloc[a].intersection(geoms.iloc[b]).area / 1e6
        if km2 >= OVERLAP_KM2:
            ra, rb = records[a], records[b]
            out.append(
                Problem(
                    where(name, rb["_feature"]),
                    0,
                    "geometry",
                    f"overlaps feature #{ra['_feature']} ({ra['controller']}) by {km2:.2f} km² but says "
                    f"{rb['controller']}; a place has one controller: cut one polygon out of the other",
                )
            )
    return out


def read_areas(
    folder: str | Path, *, sources: Iterable[str], today: dt.date | None = None, crs: str | None = None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read every areas file under ``folder`` (``<data>/areas``): the valid polygons and every problem.

    Returns a GeoDataFrame in EPSG:4326 with the columns of :data:`kursk_map.schemas.AREA_COLUMNS`
    (``date`` as ``datetime64``, ``area_km2`` measured in the equal-area ``crs``: the theatre's, see
    :meth:`kursk_map.theatre.Theatre.equal_area`; by default one centred on the polygons), sorted by
    source, date and feature. A missing folder is no problem: most sources publish no areas.
    """
    base = Path(folder)
    if not base.exists():
        return empty_areas(), []
    if not base.is_dir():
        return empty_areas(), [
            Problem(str(base), 0, "", f"{AREAS_DIR} must be a folder with one sub-folder per source")
        ]
    files, problems = area_files(base, sources=sources, today=today or dt.date.today())
    records: list[dict[str, Any]] = []
    for source, day, path in files:
        recs, p = read_area_file(path, source=source, date=day, crs=crs)
        records.extend(recs)
        problems.extend(p)
    if not records:
        return empty_areas(), problems
    gdf = gpd.GeoDataFrame(records, geometry="geometry", crs=schemas.CRS)
    gdf["date"] = _dates(gdf["date"])
    gdf["area_km2"] = gdf.geometry.to_crs(crs or equal_area_of(gdf.geometry)).area / 1e6
    gdf = gdf.sort_values(["source", "date", "_feature"], kind="stable").reset_index(drop=True)
    return gdf[[*schemas.AREA_COLUMNS, "geometry"]], problems


def load_areas(
    folder: str | Path, *, sources: Iterable[str], today: dt.date | None = None, crs: str | None = None
) -> gpd.GeoDataFrame:
    """Read every areas file under ``folder``; raise :class:`DataError` with every problem found."""
    gdf, problems = read_areas(folder, sources=sources, today=today, crs=crs)
    if problems:
        raise DataError(problems)
    return gdf


def areas_on(areas: gpd.GeoDataFrame, *, source: str, date: dt.date) -> gpd.GeoDataFrame:
    """The areas ``source`` published most recently on or before ``date`` (one day's file), or none."""
    mine = areas[(areas["source"] == source) & (areas["date"] <= pd.Timestamp(date))]
    if mine.empty:
        return mine
    return mine[mine["date"] == mine["date"].max()]


def km2_by_controller(areas: gpd.GeoDataFrame) -> dict[str, float]:
    """Total km² per controller (UA, RU, contested) of some areas, to 0.1 km²."""
    sums = areas.groupby("controller")["area_km2"].sum() if len(areas) else pd.Series(dtype=float)
    return {k: round(float(sums.get(k, 0.0)), 1) for k in schemas.CONTROLLERS}
