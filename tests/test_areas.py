from __future__ import annotations

import math

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from kursk_map import compute_state
from kursk_map.areas import area_polygons, held_areas, settlement_cells


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
