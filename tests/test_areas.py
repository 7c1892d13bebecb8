from __future__ import annotations

import datetime as dt
import math

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from kursk_map import compute_state
from kursk_map.areas import (
    area_polygons,
    drawn_km2,
    drawn_parts,
    held_areas,
    inside_areas,
    settlement_cells,
    shown_by_day,
)


def _pts(coords, countries=None):
    return gpd.GeoDataFrame(
        {"country": countries or ["RU"] * len(coords)},
        index=[f"s{i}" for i in range(len(coords))],
        geometry=[Point(x, y) for x, y in coords],
        crs="EPSG:4326",
    )


def test_isolated_settlement_gets_a_full_disc() -> None:
    cells = settlement_cells(_pts([(35.0, 51.0)]), max_km=2)
    assert cells.loc["s0", "area_km2"] == pytest.approx(math.pi * 4, rel=0.01)


def test_neighbours_split_the_ground() -> None:
    # two points 2 km apart: each cell is cut by the bisector, so each is well under a full disc
    cells = settlement_cells(_pts([(35.0, 51.0), (35.0286, 51.0)]), max_km=5)
    full = math.pi * 25
    assert cells["area_km2"].sum() < 2 * full * 0.7
    assert cells.loc["s0", "area_km2"] == pytest.approx(cells.loc["s1", "area_km2"], rel=0.01)


def test_cells_are_clipped_to_the_country() -> None:
    countries = gpd.GeoDataFrame(
        {"country": ["RU"]}, geometry=[box(35.0, 50.0, 36.0, 52.0).segmentize(0.01)], crs="EPSG:4326"
    )
    cells = settlement_cells(_pts([(35.0, 51.0)]), countries, max_km=3)
    assert cells.loc["s0", "area_km2"] == pytest.approx(math.pi * 9 / 2, rel=0.02)  # half the disc is abroad


def test_settlements_at_one_point_share_its_cell() -> None:
    cells = settlement_cells(_pts([(35.0, 51.0), (35.0, 51.0), (35.3, 51.0)]), max_km=2)
    disc = math.pi * 2**2  # the third point is 21 km away: each cell is a full 2 km disc
    assert cells.loc["s0", "area_km2"] == pytest.approx(disc / 2, rel=0.01)
    assert cells.loc["s1", "area_km2"] == pytest.approx(disc / 2, rel=0.01)
    assert cells.loc["s2", "area_km2"] == pytest.approx(disc, rel=0.01)
    assert cells.loc["s0", "geometry"].equals(cells.loc["s1", "geometry"])


def test_max_km_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_km must be positive"):
        settlement_cells(_pts([(35.0, 51.0)]), max_km=0)


def test_areas_of_a_state(dataset) -> None:
    import datetime as dt

    st = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=dt.date(2025, 3, 15))
    areas = held_areas(st, dataset.cells)
    expected = dataset.cells.loc[["486816", "kmap:zaoleshenka-sudzhansky"], "area_km2"].sum()
    assert areas["RU"] == pytest.approx(expected, abs=0.1)
    assert areas["UA"] == 0 and areas["contested"] == 0
    shapes = area_polygons(st, dataset.cells)
    assert list(shapes["controller"]) == ["RU"] and shapes.crs.to_epsg() == 4326
    assert shapes.to_crs(3035).area.iloc[0] / 1e6 == pytest.approx(expected, rel=0.01)


def _day(*pairs):
    return gpd.GeoDataFrame({"controller": [c for c, _ in pairs]}, geometry=[g for _, g in pairs], crs="EPSG:4326")


def test_points_take_the_controller_of_the_area_they_lie_in_and_their_distance_to_an_edge() -> None:
    pts = _pts([(35.25, 51.15), (35.3, 51.15), (35.35, 51.15), (36.0, 51.15)])
    day = _day(("UA", box(35.2, 51.1, 35.3, 51.2)), ("contested", box(35.3, 51.1, 35.4, 51.2)))
    got = inside_areas(pts, day)
    # the second point lies on the shared edge (either side's, after reprojection); the last in no area
    assert [got.loc[k, "controller"] for k in ("s0", "s2", "s3")] == ["UA", "contested", ""]
    assert got.loc["s1", "controller"] in ("UA", "contested") and got.loc["s1", "edge_m"] < 50
    # 0.05 degrees of longitude at 51.15 N is 3.49 km on the sphere
    assert got.loc["s0", "edge_m"] == pytest.approx(3490, rel=0.01)
    assert inside_areas(pts, _day()).equals(inside_areas(pts, day.iloc[0:0]))


def test_undrawn_ground_can_default_to_the_settlements_own_country() -> None:
    pts = _pts([(35.25, 51.15), (36.0, 51.15), (34.5, 50.9)], countries=["RU", "RU", "UA"])
    days = {
        dt.date(2024, 8, 15): _day(("UA", box(35.2, 51.1, 35.3, 51.2))),
        dt.date(2024, 8, 16): _day(("RU", box(34.4, 50.8, 34.6, 51.0))),
    }
    got = shown_by_day(pts, days, undrawn=pts["country"])
    assert list(got["controller"]) == ["UA", "RU", "UA", "RU", "RU", "RU"]
    assert list(shown_by_day(pts, days)["controller"])[:3] == ["UA", "", ""]


def test_a_polygon_counts_in_the_country_that_holds_most_of_it() -> None:
    countries = gpd.GeoDataFrame(
        {"country": ["RU", "UA"]}, geometry=[box(35.0, 51.0, 36.0, 52.0), box(34.0, 51.0, 35.0, 52.0)], crs="EPSG:4326"
    )
    # mostly in Russia with a sliver over the line; and a polygon wholly in Ukraine
    day = _day(("UA", box(34.99, 51.1, 35.2, 51.2)), ("RU", box(34.5, 51.1, 34.6, 51.2)))
    parts = drawn_parts(day, countries)
    assert list(zip(parts["controller"], parts["country"], strict=True)) == [("UA", "RU"), ("RU", "UA")]
    ru_only = gpd.GeoSeries([box(35.0, 51.1, 35.2, 51.2)], crs="EPSG:4326").to_crs("EPSG:3035").area.iloc[0] / 1e6
    # within 0.5 %: the two boxes' edges along 35 E become different chords of the meridian in EPSG:3035
    assert drawn_km2(day, countries)[("UA", "RU")] == pytest.approx(ru_only, rel=0.005)
    assert ("UA", "UA") not in drawn_km2(day, countries)
