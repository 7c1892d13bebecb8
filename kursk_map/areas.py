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

import geopandas as gpd
import shapely
from shapely.geometry import MultiPoint

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


def held_areas(state: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> dict[str, float]:
    """km² implied per controller (UA, RU, contested) by the settlements a state claims (not baselines)."""
    claimed = state[state["basis"] != "baseline"]
    area = cells["area_km2"].reindex(claimed.index).fillna(0.0)
    sums = area.groupby(claimed["controller"]).sum()
    return {k: round(float(sums.get(k, 0.0)), 1) for k in ("UA", "RU", "contested")}


def area_polygons(state: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The claimed area of each controller as one (multi)polygon, in EPSG:4326 for drawing."""
    claimed = state[state["basis"] != "baseline"]
    rows = []
    for ctrl in ("UA", "RU", "contested"):
        ids = claimed.index[claimed["controller"] == ctrl]
        geoms = cells.geometry.reindex(ids).dropna()
        if len(geoms):
            rows.append(
                {
                    "controller": ctrl,
                    "area_km2": round(float(cells["area_km2"].reindex(ids).sum()), 1),
                    "geometry": shapely.union_all(list(geoms)),
                }
            )
    if not rows:
        return gpd.GeoDataFrame({"controller": [], "area_km2": []}, geometry=[], crs=CRS)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=cells.crs).to_crs(CRS)
