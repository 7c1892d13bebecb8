"""Import a source's published control areas into ``<data>/areas/<source>/<date>.geojson``.

A loader (it reads the user's files) and, through :func:`write_areas`, the one place that writes
areas files. Two kinds of input:

* any polygon layer (GeoJSON, KML, GeoPackage): the user names the field that gives each polygon's
  date and the one that gives its controller, and maps the field's values onto ``UA``, ``RU`` and
  ``contested`` (see :func:`read_area_layers`);
* the public archive of DeepState's daily map exports (``DanielRose2310/deepstatemaps-history`` on
  GitHub: one GeoJSON per export, named by its UTC Unix timestamp; see :func:`read_deepstate_archive`).

Each day becomes one file holding the day's polygons as the source drew them (a polygon drawn over
another is cut out of it, as a map shows it), clipped to the theatre when asked. Invalid geometry is
repaired and each repair reported; a feature that cannot be used is reported and skipped; nothing is
dropped without a line saying so.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from . import schemas
from ._csvio import regular_file_problem, url_problem
from ._errors import DataError, KurskMapError, Problem
from ._fs import write_atomic
from .claims import read_sources
from .control_areas import AREAS_DIR, OVERLAP_KM2, equal_area_of, read_features, unknown_source_message, where
from .theatre import load_theatre

#: The public archive of DeepState's exports, and how a file of it is cited (at a commit).
DEEPSTATE_ARCHIVE = "https://github.com/DanielRose2310/deepstatemaps-history"
#: Written into every file this module writes: a file without it is not replaced.
GENERATOR = "kursk-map import areas"
#: Values of a controller field that need no mapping.
_OURS = {c.lower(): c for c in schemas.CONTROLLERS}
#: Coordinates are written to 6 decimals (about 0.1 m).
_GRID = 1e-6

#: DeepState's legend: the fill colour of a polygon and what it means. Found in the archive's exports of
#: 2022-04 to 2025-08 (geodata/README.md gives the counts and the evidence): green, light blue and dark
#: blue are ground held or retaken by Ukraine (dark blue is the ground Ukraine held in Kursk Oblast,
#: from 2024-08-08); dark red is ground Russia occupied since 24 February 2022, crimson and red the
#: territories it occupied before (Crimea, ORDLO) and its other occupied territories; greys are
#: "unknown status" (contested).
DEEPSTATE_FILLS: Mapping[str, str] = {
    "#0f9d58": "UA",
    "#0288d1": "UA",
    "#01579b": "UA",
    "#0097a7": "UA",
    "#a52714": "RU",
    "#880e4f": "RU",
    "#ff5252": "RU",
    "#000000": "RU",
    "#bcaaa4": "contested",
    "#bdbdbd": "contested",
    "#757575": "contested",
}
#: Since 2024-03, polygon names end with a translation key that states the status as well.
DEEPSTATE_STATUS: Mapping[str, str] = {
    "geoJSON.status.dismissed": "UA",
    "geoJSON.status.dismissed_at": "UA",
    "geoJSON.status.occupied": "RU",
    "geoJSON.status.unknown": "contested",
    "geoJSON.territories": "RU",
}
_STATUS_KEY = re.compile(r"geoJSON\.(?:status\.[a-z_]+|territories)")
_EXPORT = re.compile(r"^(?P<ts>[0-9]{9,11})\.geojson$", re.ASCII)
_GIT_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass
class AreaImport:
    """What an import found: the areas of each day, and what it repaired, skipped or noted.

    ``days`` maps a date to a GeoDataFrame (EPSG:4326) with ``controller``, ``ref`` and a geometry,
    one row per polygon as the source drew it. ``repaired`` lists geometry that was fixed and kept,
    ``problems`` what was skipped, ``notes`` counts of what was left out on purpose.
    """

    days: dict[dt.date, gpd.GeoDataFrame] = field(default_factory=dict)
    repaired: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def deepstate_controller(name: str, fill: str) -> tuple[str | None, str | None]:
    """What a DeepState polygon shows: its controller by the legend colour, and a note if its name disagrees.

    The colour is what a reader of the map sees; the status key in the name (``geoJSON.status.*``,
    since 2024-03) is checked against it.

    Examples
    --------
    >>> deepstate_controller("Звільнено /// Liberated /// geoJSON.status.dismissed", "#01579b")
    ('UA', None)
    >>> deepstate_controller("Статус невідомий /// Unknown status /// geoJSON.status.unknown", "#BDBDBD")
    ('contested', None)
    >>> deepstate_controller("Звільнено /// Liberated /// geoJSON.status.dismissed", "#bcaaa4")
    ('contested', 'named UA (geoJSON.status.dismissed) but filled #bcaaa4, the legend colour of contested')
    >>> deepstate_controller("Багатокутник 54", "#fbc02d")
    (None, 'fill #fbc02d is not a colour of the legend')
    """
    colour = (fill or "").strip().lower()
    by_colour = DEEPSTATE_FILLS.get(colour)
    m = _STATUS_KEY.search(name or "")
    by_name = DEEPSTATE_STATUS.get(m[0]) if m else None
    if by_colour is None:
        return None, f"fill {colour or '(none)'} is not a colour of the legend"
    if m and by_name is not None and by_name != by_colour:
        return by_colour, f"named {by_name} ({m[0]}) but filled {colour}, the legend colour of {by_colour}"
    return by_colour, None


def read_deepstate_archive(
    folder: str | Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    crs: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    commit: str | None = None,
) -> AreaImport:
    """Read a clone of DeepState's export archive: the areas of each day, clipped to ``bbox``.

    ``bbox`` is the theatre's (``import_areas`` takes it from the data folder's ``theatre.toml``); the
    archive covers the whole war. Overlaps cut are measured in the equal-area ``crs`` (the theatre's).

    ``folder`` is the clone (with ``geojsons/``) or its ``geojsons`` folder. Each export is dated by its
    UTC timestamp; the last export of a day is that day's map. Polygons are classified by
    :func:`deepstate_controller`; points (unit and airfield markers) are left out and counted. Every
    polygon cites its file at ``commit`` (read from the clone's ``.git`` when not given).
    """
    base = Path(folder)
    root, exports = (base.parent, base) if base.name == "geojsons" else (base, base / "geojsons")
    out = AreaImport()
    sha = commit or _git_head(root)
    if not sha or not _GIT_SHA.match(sha):
        raise DataError(
            [
                Problem(
                    str(root),
                    0,
                    "",
                    f"cannot tell which commit of the archive this is ({sha or 'no .git'}); pass --commit with the "
                    f"40-digit id (git -C {root} rev-parse HEAD) so that every polygon cites its file",
                )
            ]
        )
    if not exports.is_dir():
        raise DataError([Problem(str(exports), 0, "", "no geojsons/ folder; give the clone of the archive")])
    latest: dict[dt.date, tuple[int, Path]] = {}
    stray = 0
    for p in sorted(exports.iterdir()):
        m = _EXPORT.match(p.name)
        if not m:
            stray += 1
            out.problems.append(Problem(str(p), 0, "", "not an export named by its Unix timestamp; skipped"))
            continue
        ts = int(m["ts"])
        day = dt.datetime.fromtimestamp(ts, tz=dt.UTC).date()
        if (since and day < since) or (until and day > until):
            continue
        if day not in latest or ts > latest[day][0]:
            latest[day] = (ts, p)
    n_exports = sum(1 for p in exports.iterdir() if _EXPORT.match(p.name))
    clip = box(*bbox) if bbox else None
    ignored: Counter[str] = Counter()
    for day, (_, path) in sorted(latest.items()):
        ref = f"{DEEPSTATE_ARCHIVE}/blob/{sha}/{path.parent.name}/{path.name}"
        feats, problems = read_features(path)
        out.problems.extend(problems)
        kept: list[_Row] = []
        for f in feats:
            poly = _polygonal(f.geometry)
            if poly is None:
                ignored[f.geometry.geom_type if f.geometry is not None else "no geometry"] += 1
                continue
            if clip is not None and not poly.intersects(clip):
                continue
            name, fill = str(f.properties.get("name", "")), str(f.properties.get("fill", ""))
            ctrl, note = deepstate_controller(name, fill)
            at = where(str(path), f.index)
            if ctrl is None:
                out.problems.append(Problem(at, 0, "fill", f"{note}; skipped (name {name[:60]!r})"))
                continue
            if note:
                out.repaired.append(Problem(at, 0, "fill", f"{note}; taken as {ctrl}, as the map showed it"))
            geom = _repaired(poly, at, out.repaired)
            if geom is not None:
                kept.append((ctrl, ref, geom, at))
        out.days[day] = _day_frame(kept, clip, out.repaired, crs=crs)
    skipped = len(latest)
    out.notes.append(
        f"{n_exports} exports in the archive; {skipped} day(s) read"
        + (f" from {min(latest)} to {max(latest)}" if latest else "")
        + " (the last export of each UTC day)"
        + (f"; {stray} other file(s) skipped" if stray else "")
    )
    if ignored:
        out.notes.append(
            "left out, not areas: " + ", ".join(f"{n} {kind} feature(s)" for kind, n in sorted(ignored.items()))
        )
    return out


def _git_head(root: Path) -> str | None:
    """The commit a clone's ``.git`` has checked out (``HEAD``, a branch file or ``packed-refs``)."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:].strip()
        branch = git / ref
        if branch.is_file():
            return branch.read_text(encoding="utf-8").strip()
        for line in (git / "packed-refs").read_text(encoding="utf-8").splitlines():
            sha, _, name = line.partition(" ")
            if name.strip() == ref:
                return sha
    except OSError:
        return None
    return None


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """The polygons of a geometry (a collection's polygonal members), or ``None`` when it has none."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
        if polys:
            return polys[0] if len(polys) == 1 else shapely.GeometryCollection(polys)
    return None


def _repaired(geom: BaseGeometry, at: str, repaired: list[Problem]) -> BaseGeometry | None:
    """A valid polygonal geometry: invalid ones are made valid (and the repair reported)."""
    if geom.geom_type == "GeometryCollection":
        parts = [_repaired(g, at, repaired) for g in getattr(geom, "geoms", [])]
        kept = [g for g in parts if g is not None]
        return shapely.union_all(kept) if kept else None
    if geom.is_valid:
        return geom
    why = explain_validity(geom)
    fixed = shapely.make_valid(geom)
    polys = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        repaired.append(Problem(at, 0, "geometry", f"invalid polygon ({why}) with no area left once repaired; skipped"))
        return None
    out = shapely.union_all(polys)
    repaired.append(Problem(at, 0, "geometry", f"invalid polygon ({why}) repaired"))
    return out


#: One polygon read for a day: controller, reference, geometry and where it was read (``file#feature``).
_Row = tuple[str, str, BaseGeometry, str]


def _on_top(rows: Sequence[_Row], repaired: list[Problem], *, crs: str | None) -> list[_Row]:
    """Cut each polygon out of the earlier ones of other controllers, as a map draws later features on top.

    A place then has one controller; each cut of ``OVERLAP_KM2`` or more is reported (km² in the
    equal-area ``crs``; by default one centred on the cut).
    """
    out: list[_Row] = []
    for ctrl, ref, geom, at in rows:
        for k, (c0, r0, g0, at0) in enumerate(out):
            if c0 == ctrl or not g0.intersects(geom):
                continue
            lost = g0.intersection(geom)
            cut = gpd.GeoSeries([lost], crs=schemas.CRS)
            km2 = float(cut.to_crs(crs or equal_area_of(cut)).area.iloc[0]) / 1e6
            out[k] = (c0, r0, g0.difference(geom), at0)
            if km2 >= OVERLAP_KM2:  # smaller ones are slivers along a shared edge
                repaired.append(
                    Problem(
                        at, 0, "geometry", f"drawn over {at0} ({c0}) by {km2:.2f} km²; {ctrl} there, as the map shows"
                    )
                )
        out.append((ctrl, ref, geom, at))
    return out


def _day_frame(
    rows: Sequence[_Row], clip: BaseGeometry | None, repaired: list[Problem], *, crs: str | None
) -> gpd.GeoDataFrame:
    """The day's polygons as drawn (in the source's order), each cut by those drawn over it and clipped."""
    records = []
    for ctrl, ref, geom, _ in _on_top(rows, repaired, crs=crs):
        piece = geom.intersection(clip) if clip is not None else geom
        piece = shapely.set_precision(piece, _GRID)
        polys = [g for g in getattr(piece, "geoms", [piece]) if g.geom_type in ("Polygon", "MultiPolygon")]
        if polys:
            records.append({"controller": ctrl, "ref": ref, "geometry": shapely.union_all(polys)})
    return gpd.GeoDataFrame(records, columns=["controller", "ref", "geometry"], geometry="geometry", crs=schemas.CRS)


def read_area_layers(
    paths: Iterable[str | Path],
    *,
    controller_field: str,
    values: Mapping[str, str] | None = None,
    date_field: str | None = None,
    date: dt.date | None = None,
    ref: str | None = None,
    ref_field: str | None = None,
    layer: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    crs: str | None = None,
) -> AreaImport:
    """Read polygon layers (GeoJSON, KML, GeoPackage) whose fields give each polygon's date and controller.

    Parameters
    ----------
    paths : iterable of str or Path
        The files; every layer of each is read unless ``layer`` names one.
    controller_field : str
        The field whose value says who holds the polygon.
    values : mapping, optional
        The field's values mapped onto ``UA``, ``RU``, ``contested`` or ``skip`` (left out on purpose);
        ``UA``, ``RU`` and ``contested`` themselves need no mapping (any case).
    date_field, date : str or date
        The field that dates each polygon (ISO dates, or date-times whose day is taken), or one date for all.
    ref, ref_field : str
        The http(s) address every polygon was taken from, or the field that gives it per polygon.
    layer : str, optional
        Read only this layer.
    bbox : tuple, optional
        Clip the areas to (west, south, east, north) degrees.
    crs : str, optional
        The equal-area CRS overlaps are measured in (the theatre's).
    """
    if (date_field is None) == (date is None):
        raise KurskMapError("give either --date-field (a field that dates each polygon) or --date (one date for all)")
    if (ref is None) == (ref_field is None):
        raise KurskMapError("give either --ref URL (where the areas come from) or --ref-field (a field with a URL)")
    if ref is not None and (msg := url_problem(ref, "give the address the areas were taken from")):
        raise KurskMapError(f"--ref: {msg}")
    mapping_ = {str(k): _target(str(k), str(v)) for k, v in (values or {}).items()}
    out = AreaImport()
    rows: dict[dt.date, list[_Row]] = defaultdict(list)
    unmapped: dict[tuple[str, Any], list[str]] = defaultdict(list)
    skipped = 0
    for gdf, label in _layers(paths, layer, out.problems):
        for col in (controller_field, date_field, ref_field):
            if col is not None and col not in gdf.columns:
                fields = ", ".join(map(str, gdf.columns.drop("geometry")))
                out.problems.append(Problem(label, 0, col, f"no field {col!r}; the layer has: {fields}"))
        if any(c is not None and c not in gdf.columns for c in (controller_field, date_field, ref_field)):
            continue
        for i, rec in enumerate(gdf.to_dict("records")):
            at = f"{label}#{i}"
            raw = rec[controller_field]
            key = "" if _missing(raw) else str(raw).strip()
            target = mapping_.get(key) or _OURS.get(key.lower())
            if target is None:
                unmapped[label, key].append(f"#{i}")
                continue
            if target == "skip":
                skipped += 1
                continue
            day = date or _day(rec[date_field] if date_field else None, at, date_field or "", out.problems)
            url = ref or _ref(rec.get(ref_field or ""), at, ref_field or "", out.problems)
            geom = rec["geometry"]
            if day is None or url is None:
                continue
            poly = _polygonal(shapely.force_2d(geom) if geom is not None else None)
            if poly is None:
                kind = "no geometry" if geom is None or geom.is_empty else f"a {geom.geom_type}"
                out.problems.append(Problem(at, 0, "geometry", f"{kind}, not a polygon; skipped"))
                continue
            fixed = _repaired(poly, at, out.repaired)
            if fixed is not None:
                rows[day].append((target, url, fixed, at))
    for (label, key), where_ in sorted(unmapped.items()):
        shown = ", ".join(where_[:5]) + (f" and {len(where_) - 5} more" if len(where_) > 5 else "")
        out.problems.append(
            Problem(
                label,
                0,
                controller_field,
                f"value {key!r} ({len(where_)} feature(s): {shown}) is not mapped; add --value '{key}=UA' "
                "(or RU, contested, skip)",
            )
        )
    if skipped:
        out.notes.append(f"{skipped} feature(s) left out as asked (--value ...=skip)")
    clip = box(*bbox) if bbox else None
    for day in sorted(rows):
        out.days[day] = _day_frame(rows[day], clip, out.repaired, crs=crs)
    return out


def _target(key: str, value: str) -> str:
    t = _OURS.get(value.strip().lower()) or ("skip" if value.strip().lower() == "skip" else None)
    if t is None:
        raise KurskMapError(f"--value {key}={value}: map onto UA, RU, contested or skip")
    return t


def _missing(v: Any) -> bool:
    return v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _layers(
    paths: Iterable[str | Path], layer: str | None, problems: list[Problem]
) -> Iterable[tuple[gpd.GeoDataFrame, str]]:
    for path in map(Path, paths):
        bad = regular_file_problem(path, what="GIS layer file")  # never a FIFO or a device: it would hang
        if bad:
            problems.append(Problem(str(path), 0, "", bad))
            continue
        try:
            names = [layer] if layer else [str(row[0]) for row in pyogrio.list_layers(path)]
        except (OSError, ValueError, RuntimeError, pyogrio.errors.DataSourceError) as exc:
            problems.append(Problem(str(path), 0, "", f"cannot read it as a GIS layer ({_reason(exc, path)})"))
            continue
        for name in names:
            label = str(path) if len(names) == 1 and not layer else f"{path}[{name}]"
            try:
                gdf = gpd.read_file(path, layer=name)
            except (OSError, ValueError, RuntimeError, pyogrio.errors.DataLayerError) as exc:
                problems.append(Problem(label, 0, "", f"cannot read this layer ({_reason(exc, path)})"))
                continue
            if gdf.crs is None:
                gdf = gdf.set_crs(schemas.CRS)
            yield gdf.to_crs(schemas.CRS), label


def _reason(exc: BaseException, path: Path) -> str:
    return str(exc).replace(str(path), "").strip(" '.:;") or type(exc).__name__


_ISO_DAY = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ][0-9:.+\-Z]*)?$", re.ASCII)


def _day(value: Any, at: str, col: str, problems: list[Problem]) -> dt.date | None:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date() if not pd.isna(value) else None
    if isinstance(value, dt.date):
        return value
    text = "" if _missing(value) else str(value).strip()
    m = _ISO_DAY.match(text)
    if m:
        try:
            return dt.date.fromisoformat(m[1])
        except ValueError:
            pass
    problems.append(Problem(at, 0, col, f"{text!r} is not an ISO date (YYYY-MM-DD); skipped"))
    return None


def _ref(value: Any, at: str, col: str, problems: list[Problem]) -> str | None:
    text = "" if _missing(value) else str(value).strip()
    if msg := url_problem(text, "give the address the polygon was taken from"):
        problems.append(Problem(at, 0, col, msg + "; skipped"))
        return None
    return text


def area_path(data: str | Path, source: str, day: dt.date) -> Path:
    """Where the areas of ``source`` on ``day`` live in a data directory."""
    return Path(data) / AREAS_DIR / source / f"{day.isoformat()}.geojson"


def areas_geojson(frame: gpd.GeoDataFrame) -> bytes:
    """One day's areas as the bytes of a GeoJSON file (byte-stable: fixed order, 6 decimals)."""
    feats = [
        {
            "type": "Feature",
            "properties": {"controller": r["controller"], "ref": r["ref"]},
            "geometry": mapping(shapely.set_precision(r["geometry"], _GRID)),
        }
        for r in frame.to_dict("records")
    ]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats]
    head = json.dumps({"type": "FeatureCollection", "generator": GENERATOR}, separators=(",", ":"))[:-1]
    return (head + ',"features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def write_areas(result: AreaImport, data: str | Path, source: str) -> list[Path]:
    """Write each day of ``result`` to ``<data>/areas/<source>/<date>.geojson``; return the paths.

    A file that exists and was not written by this command is never replaced: the whole import is
    refused first, with a one-line message.
    """
    targets = {day: area_path(data, source, day) for day in result.days}
    foreign = [p for p in targets.values() if p.exists() and not _ours(p)]
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise KurskMapError(
            f"refusing to replace {foreign[0]}{more}: not written by kursk-map; "
            "move it away or import into another --data"
        )
    written = []
    for day, path in sorted(targets.items()):
        write_atomic(path, areas_geojson(result.days[day]), parents=True)
        written.append(path)
    return written


def _ours(path: Path) -> bool:
    try:
        head = path.read_bytes()[:200]
    except OSError:
        return False
    return f'"generator":"{GENERATOR}"'.encode() in head


#: The formats ``kursk-map import areas`` reads, with the file endings each expects.
FORMATS: Mapping[str, tuple[str, ...]] = {
    "geojson": (".geojson", ".json"),
    "kml": (".kml", ".kmz"),
    "gpkg": (".gpkg",),
    "deepstate-archive": (),
}


def import_areas(
    data: str | Path,
    source: str,
    files: Sequence[str | Path],
    *,
    fmt: str,
    keep_going: bool = False,
    **options: Any,
) -> tuple[AreaImport, list[Path]]:
    """Read areas in ``fmt`` and write them into ``data`` for ``source``; return what was read and written.

    ``options`` go to :func:`read_deepstate_archive` (``fmt="deepstate-archive"``, one folder in
    ``files``) or to :func:`read_area_layers`. The data folder's theatre (``theatre.toml``) gives the
    equal-area CRS and, for the archive, the bbox when ``options`` give none. Nothing is written while
    any feature had to be skipped, unless ``keep_going``: the caller shows ``result.problems`` either way.
    """
    if fmt not in FORMATS:
        raise KurskMapError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    sources, problems = read_sources(Path(data) / "sources.csv")
    if problems:
        raise DataError(problems)
    if source not in set(sources["slug"]):
        raise KurskMapError(unknown_source_message(source, sources["slug"]))
    theatre = load_theatre(data)
    options = {**options, "crs": options.get("crs") or theatre.equal_area(options.get("bbox") or theatre.bbox)}
    if fmt == "deepstate-archive":
        if len(files) != 1:
            raise KurskMapError("--format deepstate-archive reads one folder: the clone of the archive")
        options["bbox"] = options.get("bbox") or theatre.bbox
        if options["bbox"] is None:
            raise KurskMapError(
                "the archive covers the whole war: give --bbox W,S,E,N, or a bbox in the data folder's theatre.toml"
            )
        result = read_deepstate_archive(files[0], **options)
    else:
        wrong = [Path(f) for f in files if Path(f).suffix.lower() not in FORMATS[fmt]]
        if wrong:
            raise KurskMapError(f"{wrong[0]} does not end in {' or '.join(FORMATS[fmt])}; check --format")
        result = read_area_layers(files, **options)
    if result.problems and not keep_going:
        return result, []
    return result, write_areas(result, data, source)
