"""How much ground a source's settlement claims imply, measured in an equal-area projection.

Method (also in README.md): every placed settlement gets its Voronoi cell (the ground closer to
it than to any other settlement of the gazetteer), clipped to its own country and to a disc of
``max_km`` around it, so that empty land far from any settlement is not counted. A source's
claimed area for a controller is the sum of the cells of the settlements it claims for that
controller on that date. Areas are computed in the theatre's equal-area CRS (``theatre.toml``;
by default a Lambert azimuthal equal-area projection centred on the settlements), never in degrees.
This is a yardstick for comparing a source's words with its own settlement claims, not a
reconstruction of a front line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint

from .control_areas import equal_area_of
from .schemas import CRS
from .theatre import Theatre

#: Default radius of the disc a settlement's cell is clipped to.
MAX_KM = 5.0


def settlement_cells(
    gazetteer: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame | None = None,
    *,
    max_km: float = MAX_KM,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Voronoi cell of every placed settlement, clipped to its country and to ``max_km`` around it.

    Returns a GeoDataFrame in the equal-area ``crs`` (default: one centred on the settlements, see
    :meth:`kursk_map.theatre.Theatre.equal_area`) indexed by settlement id with an ``area_km2`` column.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"country": ["RU", "RU"]}, index=["a", "b"],
    ...                      geometry=[Point(35.0, 51.0), Point(35.2, 51.0)], crs="EPSG:4326")
    >>> cells = settlement_cells(g, max_km=3)
    >>> float(round(cells.loc["a", "area_km2"], 1))  # a full 3 km disc (pi * 9): the neighbour is 14 km away
    28.2
    """
    if max_km <= 0:
        raise ValueError(f"max_km must be positive, got {max_km}")
    located = gazetteer[gazetteer.geometry.notna()]
    equal_area = crs or Theatre().equal_area(tuple(located.total_bounds) if len(located) else None)
    placed = located.to_crs(equal_area)
    if placed.empty:
        return gpd.GeoDataFrame({"area_km2": []}, geometry=[], crs=equal_area)
    pts = placed.geometry
    # Settlements drawn at the same point (e.g. "across the river from X", derived at X) share one
    # cell; each gets the shape and an equal share of its area.
    key = pts.apply(lambda p: (round(p.x, 1), round(p.y, 1)))
    first = ~key.duplicated()
    uniq = pts[first]
    envelope = MultiPoint(list(uniq)).envelope.buffer(max_km * 4000)
    if len(uniq) == 1:
        cells_geoms = [envelope]
    else:
        cells = shapely.voronoi_polygons(MultiPoint(list(uniq)), extend_to=envelope, ordered=True)
        cells_geoms = list(cells.geoms)
    clip_by_country = {}
    if countries is not None and not countries.empty:
        c = countries.to_crs(equal_area)
        clip_by_country = {str(k): g for k, g in zip(c["country"], c.geometry, strict=True)}
    cell_by_key = {}
    for k, pt, country, voronoi in zip(key[first], uniq, placed["country"][first], cells_geoms, strict=True):
        cell = voronoi.intersection(pt.buffer(max_km * 1000, quad_segs=16))
        if str(country) in clip_by_country:
            cell = cell.intersection(clip_by_country[str(country)])
        cell_by_key[k] = cell
    out = gpd.GeoDataFrame(index=placed.index, geometry=[cell_by_key[k] for k in key], crs=equal_area)
    out["area_km2"] = out.geometry.area / 1e6 / key.map(key.value_counts())
    return out


def held_areas(
    state: gpd.GeoDataFrame, cells: gpd.GeoDataFrame, *, where: np.ndarray | None = None
) -> dict[str, float]:
    """km² implied per controller (UA, RU, contested) by the settlements a state claims (not baselines).

    ``where`` (a boolean per row of ``state``) keeps only some settlements: those not expired, one oblast.
    """
    ctrl, area = _claimed(state, cells, where)
    return _sums(ctrl, area)


def held_areas_by(
    state: gpd.GeoDataFrame, cells: gpd.GeoDataFrame, column: str, *, where: np.ndarray | None = None
) -> dict[str, dict[str, float]]:
    """:func:`held_areas` for each value of ``column`` (e.g. per oblast), by its text."""
    ctrl, area = _claimed(state, cells, where)
    values = state[column].to_numpy(dtype=object)
    return {str(v): _sums(np.where(values == v, ctrl, ""), area) for v in sorted({str(v) for v in values if v})}


def _claimed(state: pd.DataFrame, cells: gpd.GeoDataFrame, where: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's claimed controller (``""``: a baseline, or left out by ``where``) and its cell's km²."""
    keep = state["basis"].to_numpy(dtype=object) != "baseline"
    if where is not None:
        keep = keep & where
    ctrl = np.where(keep, state["controller"].to_numpy(dtype=object), "")
    area = cells["area_km2"].reindex(state.index).fillna(0.0).to_numpy(dtype=float)
    return ctrl, area


def _sums(ctrl: np.ndarray, area: np.ndarray) -> dict[str, float]:
    return {k: round(float(area[ctrl == k].sum()), 1) for k in ("UA", "RU", "contested")}


def area_change(
    before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, cells: gpd.GeoDataFrame
) -> dict[str, dict[str, float]]:
    """km² implied per controller by two states of one source, and the change (``after - before``).

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"area_km2": [10.0, 5.0]}, index=["a", "b"])
    >>> b = pd.DataFrame({"controller": ["UA", "RU"], "basis": ["claim", "baseline"]}, index=["a", "b"])
    >>> a = pd.DataFrame({"controller": ["RU", "RU"], "basis": ["claim", "claim"]}, index=["a", "b"])
    >>> area_change(b, a, cells)["change"]
    {'UA': -10.0, 'RU': 15.0, 'contested': 0.0}
    """
    b, a = held_areas(before, cells), held_areas(after, cells)
    return {"before": b, "after": a, "change": {k: round(a[k] - b[k], 1) for k in b}}


def area_polygons(state: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The claimed area of each controller as one (multi)polygon, in EPSG:4326 (the GeoPackage export's layer).

    Maps draw the cells one by one instead (:func:`cell_outlines`): uniting them is work for one export.
    """
    ctrl, area = _claimed(state, cells, None)
    rows = []
    for c in ("UA", "RU", "contested"):
        geoms = cells.geometry.reindex(state.index[ctrl == c]).dropna()
        if len(geoms):
            union = gpd.GeoSeries([shapely.union_all(list(geoms))], crs=cells.crs).to_crs(CRS).iloc[0]
            rows.append({"controller": c, "area_km2": round(float(area[ctrl == c].sum()), 1), "geometry": union})
    if not rows:
        return gpd.GeoDataFrame({"controller": [], "area_km2": []}, geometry=[], crs=CRS)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def cell_outlines(cells: gpd.GeoDataFrame, *, tolerance: float = 0.0001) -> dict[str, list[Any]]:
    """Each settlement's cell as GeoJSON MultiPolygon coordinates in EPSG:4326, by settlement id.

    What a map draws of the area a source's claims imply: the cells of the settlements it claims,
    each on its own (their km² are summed by :func:`held_areas`). Simplified to ``tolerance`` degrees
    (about 10 m) and rounded to 5 decimals (about 1 m). Computed once per cells frame.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> cells = gpd.GeoDataFrame({"area_km2": [1.0]}, index=["a"], geometry=[box(35, 51, 35.01, 51.01)],
    ...                          crs="EPSG:4326")
    >>> cell_outlines(cells)["a"]
    [[[[35.01, 51.0], [35.01, 51.01], [35.0, 51.01], [35.0, 51.0], [35.01, 51.0]]]]
    """
    hit = _OUTLINES.get(id(cells))
    if hit is not None and hit[0] is cells:
        return hit[1]
    geoms = shapely.simplify(cells.to_crs(CRS).geometry.to_numpy(), tolerance)
    out: dict[str, list[Any]] = {}
    for sid, geom in zip(cells.index, geoms, strict=True):
        parts = (
            [] if geom is None else [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
        )
        if parts:
            out[str(sid)] = [
                [np.round(shapely.get_coordinates(ring), 5).tolist() for ring in (p.exterior, *p.interiors)]
                for p in parts
            ]
    _OUTLINES.clear()  # one gazetteer per build
    _OUTLINES[id(cells)] = (cells, out)
    return out


_OUTLINES: dict[int, tuple[gpd.GeoDataFrame, dict[str, list[Any]]]] = {}


def inside_areas(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, crs: str | None = None) -> pd.DataFrame:
    """Which of one day's control areas each point lies in, and how far it is from the nearest edge.

    Returns a frame indexed like ``points`` with ``controller`` (``""`` outside every area) and ``edge_m``
    (metres to the nearest boundary of any area, inside or out; infinite without areas), measured in
    the equal-area ``crs`` (the theatre's; default: one centred on the points, see
    :func:`kursk_map.control_areas.equal_area_of`). A point exactly on an edge counts as inside.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> pts = gpd.GeoDataFrame(index=["in", "out"], geometry=[Point(35.25, 51.15), Point(35.5, 51.15)], crs="EPSG:4326")
    >>> day = gpd.GeoDataFrame({"controller": ["UA"]}, geometry=[box(35.2, 51.1, 35.3, 51.2)], crs="EPSG:4326")
    >>> r = inside_areas(pts, day)
    >>> list(r["controller"]), [int(m // 1000) for m in r["edge_m"]]  # whole km to the nearest edge
    (['UA', ''], [3, 13])
    """
    crs = crs or equal_area_of(points.geometry.to_crs(CRS))
    xy = points.geometry.to_crs(crs).to_numpy()
    controller = np.full(len(xy), "", dtype=object)
    edge = np.full(len(xy), np.inf)
    if len(areas) and len(xy):
        polys = areas.geometry.to_crs(crs).to_numpy()
        for ctrl, poly in zip(areas["controller"], polys, strict=True):
            shapely.prepare(poly)
            hit = shapely.intersects(poly, xy) & (controller == "")
            controller[hit] = ctrl
        edges = shapely.union_all(shapely.boundary(polys))
        edge = shapely.distance(xy, edges)
    return pd.DataFrame({"controller": controller, "edge_m": edge}, index=points.index)


def drawn_parts(areas: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, *, crs: str | None = None) -> gpd.GeoDataFrame:
    """The polygons of one day's areas, each cut to the country that holds most of it, with its km².

    Each polygon counts in the country that holds most of it: the thin strips by which a polygon drawn
    along the border crosses this project's border line (Natural Earth's, not the source's) are not
    ground taken across it. Returns ``controller``, ``country``, ``km2`` and the geometry in the
    equal-area ``crs`` (default: one centred on the areas).
    """
    rows = []
    crs = crs or equal_area_of(areas.geometry.to_crs(CRS))
    a = areas.to_crs(crs)
    lands = list(zip(countries["country"], countries.to_crs(crs).geometry, strict=True))
    for ctrl, geom in zip(a["controller"], a.geometry, strict=True):
        for part in getattr(geom, "geoms", [geom]):
            pieces = [(part.intersection(land), str(country)) for country, land in lands]
            piece, country = max(pieces, key=lambda pc: pc[0].area, default=(part, ""))
            if country and piece.area > 0:
                rows.append({"controller": str(ctrl), "country": country, "km2": piece.area / 1e6, "geometry": piece})
    return gpd.GeoDataFrame(rows, columns=["controller", "country", "km2", "geometry"], geometry="geometry", crs=crs)


def drawn_km2(
    areas: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, *, crs: str | None = None
) -> dict[tuple[str, str], float]:
    """km² of one day's areas per (controller, country the ground lies in), to 0.01 km² (see :func:`drawn_parts`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> ru = gpd.GeoDataFrame({"country": ["RU"]}, geometry=[box(35.0, 51.0, 36.0, 52.0)], crs="EPSG:4326")
    >>> day = gpd.GeoDataFrame({"controller": ["UA"]}, geometry=[box(34.99, 51.1, 35.2, 51.2)], crs="EPSG:4326")
    >>> {k: round(v) for k, v in drawn_km2(day, ru).items()}  # 0.2 x 0.1 degrees: 13.96 km x 11.13 km
    {('UA', 'RU'): 156}
    """
    if areas.empty:
        return {}
    parts = drawn_parts(areas, countries, crs=crs)
    sums = parts.groupby(["controller", "country"])["km2"].sum()
    return {(str(c), str(k)): round(float(v), 2) for (c, k), v in sums.items()}


def shown_by_day(
    points: gpd.GeoDataFrame,
    days: Mapping[dt.date, gpd.GeoDataFrame],
    *,
    undrawn: pd.Series | None = None,
    crs: str | None = None,
) -> pd.DataFrame:
    """For each day's control areas and each point: the controller shown there and the metres to an edge.

    ``undrawn`` gives, per point, the controller of ground no area covers (e.g. its own country, for a map
    such as DeepState's that leaves each side's undisputed ground undrawn); without it such points get
    ``""``. Returns one row per day and point: ``day``, ``id`` (the index of ``points``), ``controller``
    and ``edge_m`` (see :func:`inside_areas`), ordered by day.
    """
    parts = []
    for day, areas in sorted(days.items()):
        inside = inside_areas(points, areas, crs=crs)
        ctrl = inside["controller"]
        if undrawn is not None:
            ctrl = ctrl.where(ctrl != "", undrawn.reindex(points.index))
        parts.append(
            pd.DataFrame(
                {"day": day, "id": points.index, "controller": ctrl.to_numpy(), "edge_m": inside["edge_m"].to_numpy()}
            )
        )
    if not parts:
        return pd.DataFrame({"day": [], "id": [], "controller": [], "edge_m": []})
    return pd.concat(parts, ignore_index=True)
