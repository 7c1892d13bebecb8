"""Control areas (``<data>/areas/<source>/<date>.geojson``): read, validated, measured, located."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pyproj import Transformer

from kursk_map import DataError, check_dataset
from kursk_map.control_areas import areas_on, km2_by_controller, load_areas, read_areas

from .conftest import TODAY

SOURCES = ["ru-mod", "ua-gs"]
REF = "https://example.org/map-2024-08-15"
#: A square of 0.1 x 0.1 degrees near Sudzha, and one beside it.
SQUARE = [[[35.2, 51.1], [35.3, 51.1], [35.3, 51.2], [35.2, 51.2], [35.2, 51.1]]]
BESIDE = [[[35.3, 51.1], [35.4, 51.1], [35.4, 51.2], [35.3, 51.2], [35.3, 51.1]]]


def feature(coords: Any = SQUARE, kind: str = "Polygon", **props: Any) -> dict[str, Any]:
    props = {"controller": "UA", "ref": REF, **props}
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coords}}


def write(root: Path, source: str, name: str, *features: dict[str, Any], **top: Any) -> Path:
    path = root / "areas" / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", **top, "features": list(features)}), encoding="utf-8")
    return path


def messages(problems: list[Any]) -> list[str]:
    return sorted(str(p) for p in problems)


def test_a_valid_file_gives_its_polygons_with_date_source_and_area(tmp_path: Path) -> None:
    write(tmp_path, "ua-gs", "2024-08-15.geojson", feature(), feature(BESIDE, controller="contested"))
    gdf, problems = read_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)
    assert problems == []
    assert list(gdf["controller"]) == ["UA", "contested"]
    assert set(gdf["source"]) == {"ua-gs"} and set(gdf["date"].dt.date) == {dt.date(2024, 8, 15)}
    assert list(gdf["_feature"]) == [0, 1] and gdf.crs.to_string() == "EPSG:4326"
    # 0.1 degree of latitude is ~11.13 km; 0.1 degree of longitude at 51.15 N is ~6.99 km: ~77.8 km²
    assert gdf["area_km2"].iloc[0] == pytest.approx(11.13 * 6.99, rel=0.01)


def test_a_declared_crs_is_reprojected_and_areas_are_measured_equal_area(tmp_path: Path) -> None:
    # a 2 km x 3 km rectangle written in LAEA Europe (EPSG:3035) metres: 6 km² whatever the latitude
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True).transform(35.2, 51.1)
    rect = [[[x, y], [x + 2000, y], [x + 2000, y + 3000], [x, y + 3000], [x, y]]]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}}
    write(tmp_path, "ua-gs", "2024-08-15.geojson", feature(rect), crs=crs)
    gdf = load_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)
    assert gdf["area_km2"].iloc[0] == pytest.approx(6.0, abs=1e-3)
    lon, lat = gdf.geometry.iloc[0].exterior.coords[0]
    assert (round(lon, 5), round(lat, 5)) == (35.2, 51.1)


def test_every_problem_of_every_feature_is_located_as_file_and_feature(tmp_path: Path) -> None:
    bow_tie = [[[35.2, 51.1], [35.3, 51.2], [35.3, 51.1], [35.2, 51.2], [35.2, 51.1]]]
    path = write(
        tmp_path,
        "ua-gs",
        "2024-08-15.geojson",
        feature(),
        feature(BESIDE, controller="held"),
        feature(BESIDE, ref=""),
        feature(BESIDE, ref="deepstatemap.live"),
        feature(bow_tie),
        feature([35.2, 51.1], kind="Point"),
    )
    gdf, problems = read_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)
    assert len(gdf) == 1  # only the first feature is good
    assert messages(problems) == [
        f"{path}#1: controller: 'held' is not a controller; use one of UA, RU, contested",
        f"{path}#2: ref: no ref; give the http(s) address the polygon was taken from",
        f"{path}#3: ref: 'deepstatemap.live' is not an http(s) URL; give the http(s) address the polygon was taken from",
        f"{path}#4: geometry: invalid polygon: Self-intersection[35.25 51.15] (fix it in QGIS: Processing > "
        "Fix geometries; or import the file with `kursk-map import areas`, which repairs and reports)",
        f"{path}#5: geometry: a Point, not a polygon; an area is a Polygon or MultiPolygon",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("2024-02-30.geojson", "'2024-02-30' is not a real calendar date"),
        ("2026-06-01.geojson", "2026-06-01 is in the future (today is 2026-01-01); check the year"),
        ("1924-08-15.geojson", "1924-08-15 is before 2000-01-01; check the year"),
        ("15.08.2024.geojson", "not named <YYYY-MM-DD>.geojson; name each day's areas by their date"),
        ("2024-08-15.json", "not named <YYYY-MM-DD>.geojson"),
    ],
)
def test_the_date_comes_from_a_plausible_file_name(tmp_path: Path, name: str, message: str) -> None:
    path = write(tmp_path, "ua-gs", name, feature())
    with pytest.raises(DataError, match=re.escape(f"{path}: {message}")):
        load_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)


def test_unknown_source_folders_and_stray_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "ua-g", "2024-08-15.geojson", feature())
    (tmp_path / "areas" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "areas" / ".DS_Store").write_text("x", encoding="utf-8")
    gdf, problems = read_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)
    assert gdf.empty
    assert messages(problems) == [
        f"{tmp_path / 'areas' / 'notes.txt'}: areas/ holds one folder per source; move it into areas/<source>/",
        f"{tmp_path / 'areas' / 'ua-g'}: unknown source 'ua-g'; add it to sources.csv or use one of: ru-mod, ua-gs "
        "(did you mean 'ua-gs'?); or rename the folder",
    ]


def test_coordinates_that_are_not_degrees_need_a_declared_crs(tmp_path: Path) -> None:
    metres = [[[3950000, 3150000], [3952000, 3150000], [3952000, 3152000], [3950000, 3150000]]]
    path = write(tmp_path, "ua-gs", "2024-08-15.geojson", feature(metres))
    with pytest.raises(DataError, match=rf"{path.name}#0: geometry: coordinates 3\.95e\+06, 3\.15e\+06 .* are not"):
        load_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)
    bad_crs = {"type": "name", "properties": {"name": "EPSG:99999999"}}
    write(tmp_path, "ua-gs", "2024-08-15.geojson", feature(), crs=bad_crs)
    with pytest.raises(DataError, match=r"crs: unknown CRS 'EPSG:99999999'; name an EPSG code"):
        load_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)


def test_broken_json_is_located_by_line(tmp_path: Path) -> None:
    path = tmp_path / "areas" / "ua-gs" / "2024-08-15.geojson"
    path.parent.mkdir(parents=True)
    path.write_text('{"type": "FeatureCollection",\n "features": [,]}', encoding="utf-8")
    with pytest.raises(DataError, match=rf"{path.name}:2: not valid JSON: Expecting value"):
        load_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)


def test_a_named_pipe_is_refused_without_waiting_for_it(tmp_path: Path) -> None:
    import os

    path = tmp_path / "areas" / "ua-gs" / "2024-08-15.geojson"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)  # reading it would block for ever
    with pytest.raises(DataError, match=rf"{path.name}: is a named pipe \(FIFO\), not a regular file"):
        load_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)


def test_overlapping_polygons_of_different_controllers_are_refused(tmp_path: Path) -> None:
    half = [[[35.25, 51.1], [35.35, 51.1], [35.35, 51.2], [35.25, 51.2], [35.25, 51.1]]]
    path = write(tmp_path, "ua-gs", "2024-08-15.geojson", feature(), feature(half, controller="RU"))
    with pytest.raises(
        DataError, match=rf"{path.name}#1: geometry: overlaps feature #0 \(UA\) by 3[0-9]\.[0-9]{{2}} km²"
    ):
        load_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)
    # the same controller twice is only a redundant drawing, not a contradiction
    write(tmp_path, "ua-gs", "2024-08-15.geojson", feature(), feature(half))
    assert len(load_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)) == 2


def test_no_areas_folder_is_no_problem(tmp_path: Path) -> None:
    gdf, problems = read_areas(tmp_path / "areas", sources=SOURCES, today=TODAY)
    assert gdf.empty and problems == [] and "area_km2" in gdf.columns


def test_the_dataset_carries_the_areas_and_their_problems(data_dir: Path) -> None:
    write(data_dir, "ua-gs", "2024-08-15.geojson", feature())
    write(data_dir, "ua-gs", "2024-09-01.geojson", feature(BESIDE, controller="RU"))
    ds, problems = check_dataset(data_dir, today=TODAY)
    assert problems == [] and ds is not None
    assert list(ds.areas["date"].dt.date) == [dt.date(2024, 8, 15), dt.date(2024, 9, 1)]
    # the day's map is the latest file on or before the date
    assert list(areas_on(ds.areas, source="ua-gs", date=dt.date(2024, 8, 31))["controller"]) == ["UA"]
    assert areas_on(ds.areas, source="ua-gs", date=dt.date(2024, 8, 14)).empty
    assert km2_by_controller(areas_on(ds.areas, source="ua-gs", date=dt.date(2024, 9, 1)))["RU"] == pytest.approx(
        77.8, abs=0.5
    )
    write(data_dir, "ua-gs", "2024-09-02.geojson", feature(controller="UA?"))
    ds, problems = check_dataset(data_dir, today=TODAY)
    assert ds is not None and [p.column for p in problems] == ["controller"]
