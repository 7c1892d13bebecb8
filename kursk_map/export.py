"""Static exports of one source's state on one date: an image for reports, data for QGIS.

Same pipeline as the maps (:func:`kursk_map.state.compute_state`), other outputs:

* ``png`` / ``svg``: a map drawn with matplotlib, no browser and no tiles: title, legend in the
  colours and labels of :mod:`kursk_map.render.style`, the border, settlement dots per controller
  (hollow where the position is derived from a description), scale bar, counts and attribution.
  Sized for A4 landscape or 16:9; the same input gives byte-identical files.
* ``geojson``: the state as points with flat attributes (``claim_ids`` joined by ``;``); a
  settlement without a claim by the source has ``basis`` ``baseline`` and no ``controller`` (its
  de jure ``country`` is there), so a baseline row never reads as a claim;
* ``gpkg``: a GeoPackage for QGIS with four layers (:func:`gpkg_layers`): ``settlements`` (the state,
  with the deciding claim's summary, link and age), ``claims`` (the source's ledger rows up to the
  date), ``areas`` (the areas its settlement claims imply, marked as implied) and ``relative``
  (claimed advances as lines);
* ``html``: the interactive map page with just the files it loads, for a CMS (:func:`_export_html`).

Images are drawn by :mod:`kursk_map.render.image` (the only module that imports matplotlib, and
only when an image is asked for); this module computes what an export shows and writes the data.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pandas.api.types import infer_dtype

from . import schemas
from ._errors import KurskMapError, OutputError
from ._fs import GENERATOR, check_out_file, make_dirs, write_atomic
from ._memo import LastColumns
from .dataset import Dataset
from .render import Assets, ExportContext, deterministic_ids, map_page_files, render_image, render_map
from .render.image import SIZES
from .render.style import COLOURS
from .view import export_context, map_context

#: Output formats, by file suffix.
FORMATS: Final = ("png", "svg", "geojson", "gpkg", "html")
# The columns in three parts, as the GeoJSON writer fills them: what never changes, the claim, the position.
_STATIC: Final = ("id", "name", "name_ru", "name_uk", "raion", "oblast", "country")
_CLAIMED: Final = (
    "controller",
    "label",
    "colour",
    "basis",
    "since",
    "age_days",
    "stale",
    "expired",
    "area_controller",
    "area_date",
    "at_edge",
    "claim_ids",
)
_PLACE: Final = ("lat", "lon", "precision_m", "method", "ref")
#: Attribute columns of the data exports, in this order.
FIELDS: Final = (*_STATIC, *_CLAIMED, *_PLACE, "source", "as_of")
_DECIMALS: Final = 5  # about 1 m; the gazetteer is no more precise than that


def export_state(
    ds: Dataset,
    source: str,
    date: dt.date | str,
    path: str | Path | None = None,
    *,
    fmt: str | None = None,
    size: str = "a4",
    force: bool = False,
) -> Path:
    """Write the state of ``source`` on ``date`` as an image (png, svg) or as data (geojson, gpkg).

    Parameters
    ----------
    ds : Dataset
        A loaded data directory.
    source : str
        Slug of the source.
    date : datetime.date or str
        The day of the state.
    path : path, optional
        Output file; defaults to ``<source>-<date>.<fmt>`` in the current directory. It is
        written atomically (a temporary file beside it, then renamed).
    fmt : {"png", "svg", "geojson", "gpkg", "html"}, optional
        Defaults to the suffix of ``path``, else ``png``. ``html`` writes the interactive map page
        with just the files it loads, for a CMS (see :func:`_export_html`): ``path`` is then a folder
        (default ``<source>-<date>/``) or the page's own ``.html`` path.
    size : {"a4", "16x9"}
        Page size of images: A4 landscape or 16:9 (1920 x 1080 pixels for PNG).
    force : bool
        Replace ``path`` even if it is a file kursk_map did not write (never a folder, a device or a
        file inside the data folder).

    Returns
    -------
    pathlib.Path
        The file written (with ``html``, the page).

    Examples
    --------
    >>> from kursk_map.dataset import load_dataset
    >>> export_state(load_dataset("geodata"), "ru-mod", "2025-03-15", "ru.svg")  # doctest: +SKIP
    PosixPath('ru.svg')
    """
    fmt = _check_format(fmt, path)
    if size not in SIZES:
        raise KurskMapError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    ctx = export_context(ds, source, date)
    if fmt == "html":
        return _export_html(ds, ctx, None if path is None else Path(path), force=force)
    target = Path(path) if path is not None else Path(f"{source}-{ctx.date.isoformat()}.{fmt}")
    check_out_file(path if path is not None else target, data=ds.root, force=force)  # before the work, and again
    if fmt == "geojson":
        data: bytes | Any = geojson_bytes(ctx)
    elif fmt == "gpkg":
        data = functools.partial(_write_gpkg, gpkg_layers(ds, ctx))
    else:
        data = render_image(ctx, fmt=fmt, size=size)
    write_atomic(check_out_file(target, data=ds.root, force=force), data)
    return target


# ---------------------------------------------------------------------------------------------
# checks


#: File name endings that name each format.
_SUFFIXES: Final = {
    "png": ("png",),
    "svg": ("svg",),
    "geojson": ("geojson", "json"),
    "gpkg": ("gpkg",),
    "html": ("html", "htm"),
}
#: Endings that name a file type: a file so named must hold that type (``.dat`` or no ending names none).
_KNOWN_SUFFIXES: Final = {
    *(x for xs in _SUFFIXES.values() for x in xs),
    *("jpg", "jpeg", "gif", "webp", "pdf", "eps", "ps", "tif", "tiff", "bmp", "html", "htm"),
    *("csv", "tsv", "txt", "md", "shp", "kml", "kmz", "gml", "xlsx", "xls", "ods", "zip"),
}


def _check_format(fmt: str | None, path: str | Path | None) -> str:
    """The format to write: ``fmt``, else the one ``path`` ends in, else png; they must agree.

    Examples
    --------
    >>> _check_format(None, "m.json"), _check_format("svg", "m.svg"), _check_format("png", "map.dat")
    ('geojson', 'svg', 'png')
    >>> _check_format("png", "m.svg")
    Traceback (most recent call last):
    ...
    kursk_map._errors.OutputError: m.svg: the name ends in .svg but --format is png; make them agree, e.g. m.png
    """
    suffix = Path(path).suffix.lstrip(".").lower() if path is not None else ""
    if fmt is None:
        fmt = {"json": "geojson"}.get(suffix, suffix) if suffix else "png"
        if fmt not in FORMATS:
            raise OutputError(
                f"cannot tell the export format from the file name {str(path)!r}; "
                f"name the format (--format) as one of {', '.join(FORMATS)}"
            )
    if fmt not in FORMATS:
        raise KurskMapError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if path is not None and suffix in _KNOWN_SUFFIXES and suffix not in _SUFFIXES[fmt]:
        fixed = Path(path).with_suffix(f".{fmt}")
        raise OutputError(f"{path}: the name ends in .{suffix} but --format is {fmt}; make them agree, e.g. {fixed}")
    return fmt


# ---------------------------------------------------------------------------------------------
# data: GeoJSON and GeoPackage


def _clean(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
        return None
    return v


def export_frame(ctx: ExportContext) -> gpd.GeoDataFrame:
    """The state as a flat GeoDataFrame (EPSG:4326), one point per settlement, sorted by id.

    Columns are :data:`FIELDS`; ``claim_ids`` is a ``;``-separated string (deciding claim
    first), ``label`` and ``colour`` are those of the legend, ``as_of`` is the date of the state,
    ``age_days`` the deciding claim's age on that date (none at the baseline), ``stale`` whether
    it is older than its kind's threshold, ``expired`` whether it is older than the build's maximum
    age (then ``label`` and ``colour`` are the baseline's), ``area_controller`` and ``area_date``
    what the source's drawn areas showed there and on which day (none without), ``at_edge`` whether
    the settlement lies within its ``precision_m`` of a drawn boundary (geodata/README.md, M1-M12).
    ``controller`` is empty where the source made no claim (``basis`` is ``baseline``).
    """
    st = ctx.state.sort_values("id", kind="stable")
    group = st[schemas.GROUP_COLUMN].tolist()
    out = pd.DataFrame(
        {
            "id": st["id"].astype(str).to_numpy(),
            "name": st["name"].to_numpy(),
            "name_ru": st["name_ru"].to_numpy(),
            "name_uk": st["name_uk"].to_numpy(),
            "raion": st["raion"].to_numpy(),
            "oblast": st["oblast"].to_numpy(),
            "country": st["country"].to_numpy(),
            "controller": [None if g == "baseline" else g for g in group],
            "label": [ctx.theatre.labels[g] for g in group],
            "colour": [COLOURS[g] for g in group],
            "basis": st["basis"].to_numpy(),
            "since": st["since"].to_numpy(),
            "age_days": pd.array([_age(a) for a in st["age_days"]], dtype=object),
            "stale": [bool(s) for s in st["stale"]],
            "expired": [bool(s) for s in st["expired"]],
            "area_controller": [_area(a) for a in st["area_controller"]],
            "area_date": [_area(a) for a in st["area_date"]],
            "at_edge": [bool(s) for s in st["at_edge"]],
            "claim_ids": [";".join(ids) for ids in st["claim_ids"]],
            "lat": [round(float(x), _DECIMALS) for x in st["lat"]],
            "lon": [round(float(x), _DECIMALS) for x in st["lon"]],
            "precision_m": [float(x) for x in st["precision_m"]],
            "method": st["method"].to_numpy(),
            "ref": st["ref"].to_numpy(),
            "source": ctx.source["slug"],
            "as_of": ctx.date.isoformat(),
        }
    )
    for col in ("name_ru", "name_uk", "raion", "oblast", "since", "claim_ids", "ref"):
        out[col] = [_clean(v) for v in out[col]]
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(out["lon"], out["lat"]), crs=schemas.CRS)


def _fragment(keys: tuple[str, ...], values: tuple[Any, ...]) -> str:
    """``"k1":v1,"k2":v2`` exactly as ``json.dumps`` writes them."""
    return ",".join(
        f"{json.dumps(k)}:{json.dumps(_clean(v), ensure_ascii=False, allow_nan=False)}"
        for k, v in zip(keys, values, strict=True)
    )


def _column(st: pd.DataFrame, name: str) -> list[Any]:
    return [None if isinstance(v, float) and math.isnan(v) else v for v in st[name].tolist()]


def geojson_head(ctx: ExportContext) -> dict[str, str]:
    """The FeatureCollection's members before ``features``: type, generator, name and a one-line description."""
    return {
        "type": "FeatureCollection",
        "generator": GENERATOR,
        "name": f"{ctx.source['slug']} {ctx.date.isoformat()}",
        "description": (
            f"Settlement control claimed by {ctx.source['name']}, latest claim on or before "
            f"{ctx.date.isoformat()}. Claims, not assessments."
        ),
    }


def geojson_text(ctx: ExportContext) -> str:
    """The state as RFC 7946 GeoJSON text (:func:`geojson_bytes`, decoded)."""
    return geojson_bytes(ctx).decode("utf-8")


def geojson_bytes(ctx: ExportContext) -> bytes:
    """The state as RFC 7946 GeoJSON (UTF-8): features sorted by id, coordinates to 5 decimals.

    One feature per line, keys in a fixed order (:data:`FIELDS`), so the same state gives the same
    bytes and two dates diff line by line. The properties are those of :func:`export_frame`.

    An atlas writes the same settlements on every map: what never changes between its dates (the
    order, the names, the place and the point) is written once per gazetteer (:func:`_fixed_parts`);
    each state's columns are written once per distinct value (:func:`_claimed_parts`), and the
    pieces are joined row by row.
    """
    st = ctx.state
    fixed = _fixed_parts(st)
    claimed = _claimed_parts(st, fixed.order, ctx.theatre.labels)
    grid = np.empty((len(fixed.order), 4 + len(claimed)), dtype=object)
    grid[:, 0] = fixed.opening
    for j, column in enumerate(claimed, start=1):
        grid[:, j] = column
    grid[:, -3] = fixed.place
    grid[:, -2] = ("," + _fragment(("source", "as_of"), (ctx.source["slug"], ctx.date.isoformat()))).encode()
    grid[:, -1] = fixed.point
    opening = json.dumps(geojson_head(ctx), ensure_ascii=False)[:-1] + ',\n"features":[\n'
    return b"".join([opening.encode(), *grid.ravel().tolist(), b"\n]}\n"])


@dataclass(frozen=True)
class _FixedParts:
    r"""What a feature's line holds that no claim changes, by row of the state sorted by id.

    ``order`` sorts the state's rows by id; ``opening`` is a feature's text up to its first claimed
    property (``,\\n`` first, but on the first line), ``place`` the position's properties, ``point`` the
    geometry and the closing braces.
    """

    order: np.ndarray
    opening: np.ndarray
    place: np.ndarray
    point: np.ndarray


#: The fixed parts of the last state: an atlas's states all share them.
_LAST_FIXED: LastColumns[_FixedParts] = LastColumns((*_STATIC, "lat", "lon", "precision_m", "method", "ref"))


def _fixed_parts(st: pd.DataFrame) -> _FixedParts:
    """The :class:`_FixedParts` of ``st`` (those of the last state when its columns hold the same values)."""
    return _LAST_FIXED.get(st, _fixed_parts_of)


def _fixed_parts_of(st: pd.DataFrame) -> _FixedParts:
    order = st["id"].reset_index(drop=True).sort_values(kind="stable").index.to_numpy()  # as sort_values("id")
    st = st.iloc[order]
    ids = [str(v) for v in st["id"].tolist()]
    static = zip(ids, *(_column(st, c) for c in _STATIC[1:]), strict=True)
    lats = [round(float(x), _DECIMALS) for x in st["lat"].tolist()]
    lons = [round(float(x), _DECIMALS) for x in st["lon"].tolist()]
    place = zip(
        lats,
        lons,
        (float(x) for x in st["precision_m"].tolist()),
        _column(st, "method"),
        _column(st, "ref"),
        strict=True,
    )
    opening, places, points = [], [], []
    for k, (sid, s_vals, p_vals) in enumerate(zip(ids, static, place, strict=True)):
        opening.append(
            f'{_FEATURE_SEP if k else ""}{{"type":"Feature","id":{json.dumps(sid, ensure_ascii=False)},"properties":{{'
            f"{_fragment(_STATIC, s_vals)},"
        )
        places.append(f",{_fragment(_PLACE, p_vals)}")
        points.append(f'}},"geometry":{{"type":"Point","coordinates":[{p_vals[1]!r},{p_vals[0]!r}]}}}}')
    return _FixedParts(order, _utf8(opening), _utf8(places), _utf8(points))


_FEATURE_SEP: Final = ",\n"


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _utf8(texts: list[str]) -> np.ndarray:
    return _objects([t.encode("utf-8") for t in texts])


def _age(days: Any) -> int | None:
    return int(days) if days >= 0 else None  # -1 at the baseline


def _area(value: Any) -> str | None:
    return str(value) or None  # "" without drawn areas


#: The claimed columns written as they are or through one function, in :data:`_CLAIMED` order.
_CLAIMED_VALUES: Final[tuple[tuple[str, Callable[[Any], Any] | None], ...]] = (
    ("basis", None),
    ("since", None),
    ("age_days", _age),
    ("stale", bool),
    ("expired", bool),
    ("area_controller", _area),
    ("area_date", _area),
    ("at_edge", bool),
)


def _claimed_parts(st: pd.DataFrame, order: np.ndarray, labels: Mapping[str, str]) -> list[np.ndarray]:
    """The claimed properties (:data:`_CLAIMED`) of the rows of ``st`` in ``order``, as :func:`export_frame` has them.

    Arrays of UTF-8 texts (``"key":value``, a comma before all but the first), each distinct value
    written once.
    """
    codes, groups = _distinct(st[schemas.GROUP_COLUMN], order)
    controller = _encoded(st["controller"], order, '"controller":')
    controller[np.isin(codes, [k for k, g in enumerate(groups) if g == "baseline"])] = b'"controller":null'
    legend = _objects([_piece(',"label":', labels[g]) + _piece(',"colour":', COLOURS[g]) for g in groups])[codes]
    return [
        controller,
        legend,
        *(_encoded(st[name], order, f",{json.dumps(name)}:", convert) for name, convert in _CLAIMED_VALUES),
        _encoded_ids(st["claim_ids"].to_numpy()[order]),
    ]


def _encoded_ids(values: np.ndarray) -> np.ndarray:
    """The ``claim_ids`` property of each row: its claims (a tuple or list of ids) joined by ``;``."""
    try:  # tuples: once per distinct tuple
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
        uniques = distinct.tolist()
    except TypeError:  # lists
        codes, uniques = np.arange(len(values)), values.tolist()
    out: np.ndarray = _objects([_piece(',"claim_ids":', _clean(";".join(ids))) for ids in uniques])[codes]
    return out


def _json(v: Any) -> str:
    return json.dumps(_clean(v), ensure_ascii=False, allow_nan=False)


def _piece(key: str, value: Any) -> bytes:
    """``key`` and the JSON of ``value`` in UTF-8; texts, numbers and flags cached (they repeat from map to map)."""
    if isinstance(value, float):  # -0.0 and 0.0 are one key of a cache, and two texts
        return (key + _json(value)).encode("utf-8")
    try:
        return _cached_piece(key, value)
    except TypeError:  # not hashable
        return (key + _json(value)).encode("utf-8")


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _cached_piece(key: str, value: Any) -> bytes:
    return (key + _json(value)).encode("utf-8")


_TEXTS: Final = ("string", "empty")  # what pandas.api.types.infer_dtype calls an object column of texts only


def _distinct(column: pd.Series, order: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes of the values of ``column`` in ``order``, and its distinct values (texts, numbers, flags: by value).

    Floats (-0.0 equals 0.0) and an object column holding anything but texts (NaN or numbers among
    texts, lists) have one code per row.
    """
    if isinstance(column.dtype, pd.StringDtype):  # texts (and the missing value), told apart by pandas
        codes, distinct = column.array.factorize(use_na_sentinel=False)
        return codes[order], distinct.tolist()
    values = column.to_numpy()[order]
    if values.dtype == bool:
        return values.astype(np.intp), [False, True]
    if values.dtype.kind == "f" or (values.dtype == object and infer_dtype(values, skipna=False) not in _TEXTS):
        return np.arange(len(values)), values.tolist()
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, uniques.tolist()


def _encoded(column: pd.Series, order: np.ndarray, key: str, convert: Callable[[Any], Any] | None = None) -> np.ndarray:
    """``key`` and the JSON of ``convert(v)`` (UTF-8) for the values of ``column`` in ``order``, each written once."""
    codes, uniques = _distinct(column, order)
    out: np.ndarray = _objects([_piece(key, _clean(u if convert is None else convert(u))) for u in uniques])[codes]
    return out


@contextmanager
def _gdal_options(options: dict[str, str]) -> Iterator[None]:
    before = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


#: The layers of a GeoPackage export, in this order.
GPKG_LAYERS: Final = ("settlements", "claims", "areas", "relative")
#: Columns of the ``claims`` layer: the ledger row, how it was placed, and the canonical figure.
CLAIM_FIELDS: Final = (
    *schemas.CLAIM_COLUMNS,
    "settlement_id",
    "placed",
    "unplaced_reason",
    "value_std",
)


def _settlements_layer(ctx: ExportContext, claims: pd.DataFrame) -> gpd.GeoDataFrame:
    """:func:`export_frame` plus ``state`` and the deciding claim's ``summary``, ``url`` and ``age_days``."""
    frame = export_frame(ctx)
    by_id = claims.set_index("claim_id")
    first = [ids.split(";")[0] if isinstance(ids, str) and ids else None for ids in frame["claim_ids"]]
    frame.insert(
        frame.columns.get_loc("basis"), "state", [c if isinstance(c, str) else "baseline" for c in frame["controller"]]
    )
    frame["summary"] = [None if c is None else str(by_id.at[c, "summary"]) for c in first]
    frame["url"] = [None if c is None else str(by_id.at[c, "url"]) for c in first]
    frame["age_days"] = frame["age_days"].astype("Int64")  # export_frame's: an integer field, empty at the baseline
    return frame.set_geometry("geometry")


def _claims_layer(ds: Dataset, ctx: ExportContext, claims: pd.DataFrame) -> gpd.GeoDataFrame:
    """The source's ledger rows up to the date, at their settlement where placed (else no geometry)."""
    c = claims.sort_values(["date", "claim_id"], kind="stable")
    gaz = ds.gazetteer
    points = [
        gaz.geometry.get(sid) if placed and isinstance(sid, str) and sid in gaz.index else None
        for sid, placed in zip(c["settlement_id"], c["placed"], strict=True)
    ]
    out = pd.DataFrame({k: c[k].to_numpy() if k in c else None for k in CLAIM_FIELDS})
    out["date"] = c["date"].dt.strftime("%Y-%m-%d").to_numpy()
    out["placed"] = c["placed"].astype(bool).to_numpy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = pd.Series([_clean(v) for v in out[col]], dtype=object)
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(points, crs=schemas.CRS), crs=schemas.CRS)


def _areas_layer(ds: Dataset, ctx: ExportContext) -> gpd.GeoDataFrame:
    """The areas the source's settlement claims imply (one polygon per controller), marked as implied."""
    from .areas import area_polygons  # noqa: PLC0415 - only a GeoPackage needs them

    shapes = area_polygons(ctx.state, ds.cells)
    n = len(shapes)
    return gpd.GeoDataFrame(
        {
            "kind": ["implied"] * n,
            "controller": shapes["controller"].to_numpy(),
            "area_km2": shapes["area_km2"].astype(float).to_numpy(),
            "note": ["implied by the settlements this source named (Voronoi cells clipped to 5 km), not a front line"]
            * n,
            "source": [ctx.source["slug"]] * n,
            "as_of": [ctx.date.isoformat()] * n,
        },
        geometry=gpd.GeoSeries(list(shapes.geometry), crs=schemas.CRS),
        crs=schemas.CRS,
    )


def _relative_layer(ds: Dataset, ctx: ExportContext) -> gpd.GeoDataFrame:
    """Claimed advances ("up to 5 km south-east of Sudzha") as lines from the anchor to the end point."""
    from shapely.geometry import LineString  # noqa: PLC0415

    from .state import relative_geometries  # noqa: PLC0415

    rel = relative_geometries(ds.ledger, ds.gazetteer, source=ctx.source["slug"], date=ctx.date)
    cols = ("claim_id", "date", "anchor", "distance_km", "bearing_deg", "radius_m", "controller", "summary", "url")
    out = pd.DataFrame({k: [r[k] for r in rel] for k in cols})
    lines = [
        LineString([(r["anchor_latlon"][1], r["anchor_latlon"][0]), (r["end_latlon"][1], r["end_latlon"][0])])  # type: ignore[index]
        for r in rel
    ]
    for col in ("distance_km", "bearing_deg", "radius_m"):
        out[col] = out[col].astype(float)
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(lines, crs=schemas.CRS), crs=schemas.CRS)


def gpkg_layers(ds: Dataset, ctx: ExportContext) -> dict[str, gpd.GeoDataFrame]:
    """The layers of a GeoPackage export of ``ctx`` (see :data:`GPKG_LAYERS`), all in EPSG:4326.

    ``settlements``: :func:`export_frame` plus ``state`` (UA, RU, contested or baseline), and the
    deciding claim's ``summary``, ``url`` and ``age_days`` (days from its date to ``as_of``);
    baseline rows have no ``controller`` and no claim. ``claims``: the source's ledger rows up to the
    date, at their settlement where one is placed. ``areas``: the areas its settlement claims imply
    (``kind`` = ``implied``). ``relative``: its claimed advances as lines, with their uncertainty radius.
    """
    c = ds.ledger.claims
    mine = c[(c["source"] == ctx.source["slug"]) & (c["date"] <= pd.Timestamp(ctx.date))]
    return {
        "settlements": _settlements_layer(ctx, mine),
        "claims": _claims_layer(ds, ctx, mine),
        "areas": _areas_layer(ds, ctx),
        "relative": _relative_layer(ds, ctx),
    }


def _write_gpkg(layers: dict[str, gpd.GeoDataFrame], target: Path) -> None:
    """Write the layers into the GeoPackage ``target`` (:func:`write_atomic` gives its temporary path)."""
    kinds = {"settlements": "Point", "claims": "Point", "areas": "MultiPolygon", "relative": "LineString"}
    # a fixed "last change" stamp: the same state gives the same tables; the description marks it as ours
    with _gdal_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"}):
        for layer, frame in layers.items():
            pyogrio.write_dataframe(
                frame,
                target,
                layer=layer,
                driver="GPKG",
                geometry_type=kinds.get(layer, "Unknown"),
                promote_to_multi=layer == "areas",
                layer_options={"DESCRIPTION": f"{GENERATOR}: {layer}"},
            )


def _export_html(ds: Dataset, ctx: ExportContext, path: Path | None, *, force: bool = False) -> Path:
    """One interactive map page and the files it loads: ``<folder>/<source>-<date>.html`` + ``assets/``.

    The page embeds its settlements and claim texts and loads Leaflet from ``assets/`` beside it, so
    the folder works as it is from a disk, a USB stick or a CMS (no CDN). An asset already in the
    folder is kept when it is the same file, and refused when it differs (it is not ours).
    """
    name = f"{ctx.source['slug']}-{ctx.date.isoformat()}.html"
    if path is None:
        page = Path(name.removesuffix(".html")) / name
    elif path.suffix.lower() in (".html", ".htm"):
        page = path
    else:
        page = path / name
    if page.parent.is_dir():  # before the work, and again; a folder --out names is created
        check_out_file(page, data=ds.root, force=force)
    mctx = map_context(ds, ctx.source["slug"], ctx.date, state=ctx.state)
    with deterministic_ids():
        html = render_map(mctx, assets=Assets("local", "assets/")).get_root().render()
    files = {f"assets/{rel}": data for rel, data in map_page_files(html).items()}  # those the page loads
    clash = [
        rel for rel, data in files.items() if (page.parent / rel).exists() and (page.parent / rel).read_bytes() != data
    ]
    if clash:
        raise KurskMapError(
            f"{page.parent / clash[0]} exists and is not the file kursk_map would write there; "
            "export into another folder (--out)"
        )
    make_dirs(page.parent)
    target = check_out_file(page, data=ds.root, force=force)
    for rel, data in files.items():
        if not (page.parent / rel).exists():
            write_atomic(page.parent / rel, data, parents=True)
    write_atomic(target, html.encode("utf-8"))
    return page
