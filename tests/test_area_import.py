"""Importing control areas: DeepState's export archive and any polygon layer, written as areas files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from kursk_map import DataError, KurskMapError
from kursk_map.area_import import (
    DEEPSTATE_ARCHIVE,
    read_area_layers,
    read_deepstate_archive,
    write_areas,
)
from kursk_map.cli import main
from kursk_map.control_areas import read_areas

from .conftest import TODAY

ARCHIVE = Path(__file__).parent / "data" / "deepstate_archive"
SHA = "0123456789abcdef0123456789abcdef01234567"
AUG14, AUG15 = dt.date(2024, 8, 14), dt.date(2024, 8, 15)
#: The Kursk theatre's box (geodata/theatre.toml); the synthetic archive has a polygon outside it.
BBOX = (33.9, 50.45, 36.3, 51.75)


def km2(geom: object) -> float:
    return float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs("EPSG:6933").area.iloc[0]) / 1e6


def by_controller(frame: gpd.GeoDataFrame) -> dict[str, object]:
    return {c: g.union_all() for c, g in frame.groupby("controller").geometry}


def test_archive_days_are_the_last_export_of_each_utc_day_clipped_to_the_theatre() -> None:
    result = read_deepstate_archive(ARCHIVE, commit=SHA, bbox=BBOX)
    assert sorted(result.days) == [AUG14, AUG15]
    day = result.days[AUG14]
    # the polygons as drawn, in the file's order (the green square near Kyiv is outside the theatre)
    assert list(day["controller"]) == ["contested", "UA", "UA", "RU"]
    assert set(day["ref"]) == {f"{DEEPSTATE_ARCHIVE}/blob/{SHA}/geojsons/1723665600.geojson"}
    geoms = by_controller(day)
    # UA: the blue square and the green one in Sumy Oblast; the green square near Kyiv is outside the theatre
    assert km2(geoms["UA"]) == pytest.approx(
        km2(box(35.2, 51.1, 35.3, 51.2)) + km2(box(34.0, 50.6, 34.5, 50.9)), rel=1e-4
    )
    # the grey zone was drawn first: the blue drawn over its east edge (35.20-35.22) holds that strip
    assert km2(geoms["contested"]) == pytest.approx(km2(box(35.1, 51.1, 35.2, 51.2)), rel=1e-4)
    assert geoms["RU"].geom_type in ("Polygon", "MultiPolygon") and geoms["RU"].bounds == (34.6, 51.0, 34.7, 51.05)
    assert any("drawn over" in p.message and "#0 (contested) by 15." in p.message for p in result.repaired)
    assert result.notes == [
        "3 exports in the archive; 2 day(s) read from 2024-08-14 to 2024-08-15 (the last export of each UTC day)",
        "left out, not areas: 1 Point feature(s)",
    ]


def test_archive_polygons_are_read_by_their_legend_colour_and_every_oddity_is_reported() -> None:
    result = read_deepstate_archive(ARCHIVE, commit=SHA, bbox=BBOX)
    f = str(ARCHIVE / "geojsons" / "1723752000.geojson")
    assert [str(p) for p in result.problems] == [
        f"{f}#2: fill: fill #fbc02d is not a colour of the legend; skipped (name 'Багатокутник 54')"
    ]
    repaired = [str(p) for p in result.repaired if p.file.startswith(f)]
    assert repaired == [
        f"{f}#1: fill: named UA (geoJSON.status.dismissed) but filled #bcaaa4, the legend colour of contested; "
        "taken as contested, as the map showed it",
        f"{f}#3: geometry: invalid polygon (Self-intersection[35.45 51.35]) repaired",
    ]
    geoms = by_controller(result.days[AUG15])
    # the grey-filled square and the two squares of the geometry collection are contested
    expected = km2(box(35.0, 51.0, 35.05, 51.05)) + 2 * km2(box(35.6, 51.3, 35.65, 51.35))
    assert km2(geoms["contested"]) == pytest.approx(expected, rel=1e-4)
    assert (
        geoms["UA"].covers(Point(35.31, 51.15))
        and geoms["UA"].covers(Point(35.42, 51.35))
        and geoms["UA"].covers(Point(35.48, 51.35))
    )


def test_archive_dates_can_be_limited() -> None:
    assert sorted(read_deepstate_archive(ARCHIVE / "geojsons", commit=SHA, since=AUG15, bbox=BBOX).days) == [AUG15]
    assert sorted(read_deepstate_archive(ARCHIVE, commit=SHA, until=AUG14, bbox=None).days) == [AUG14]


def test_archive_commit_comes_from_the_clone_or_is_asked_for(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    (clone / "geojsons").mkdir(parents=True)
    (clone / "geojsons" / "1723665600.geojson").write_bytes((ARCHIVE / "geojsons" / "1723665600.geojson").read_bytes())
    with pytest.raises(DataError, match=r"cannot tell which commit of the archive this is \(no \.git\); pass --commit"):
        read_deepstate_archive(clone)
    (clone / ".git" / "refs" / "heads").mkdir(parents=True)
    (clone / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (clone / ".git" / "packed-refs").write_text(f"# pack-refs\n{SHA} refs/heads/main\n", encoding="utf-8")
    assert SHA in read_deepstate_archive(clone).days[AUG14]["ref"].iloc[0]
    other = "f" * 40
    (clone / ".git" / "refs" / "heads" / "main").write_text(other + "\n", encoding="utf-8")
    assert other in read_deepstate_archive(clone).days[AUG14]["ref"].iloc[0]


def test_written_files_load_cleanly_are_byte_stable_and_foreign_files_are_kept(tmp_path: Path) -> None:
    result = read_deepstate_archive(ARCHIVE, commit=SHA, bbox=BBOX)
    paths = write_areas(result, tmp_path, "deepstate")
    assert [p.name for p in paths] == ["2024-08-14.geojson", "2024-08-15.geojson"]
    first = [p.read_bytes() for p in paths]
    gdf, problems = read_areas(tmp_path / "areas", sources=["deepstate"], today=TODAY)
    assert problems == [] and len(gdf) == 8 and oct(paths[0].stat().st_mode & 0o777) == "0o644"
    write_areas(result, tmp_path, "deepstate")
    assert [p.read_bytes() for p in paths] == first
    paths[1].write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(KurskMapError, match=r"refusing to replace .*2024-08-15\.geojson: not written by kursk-map"):
        write_areas(result, tmp_path, "deepstate")
    assert paths[1].read_text(encoding="utf-8").startswith('{"type": "FeatureCollection", "features": []}')


@pytest.fixture
def layer() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "status": ["Liberated", "Grey", "Marker", "Liberated", "Lost", "Lost"],
            "day": ["2024-08-15", "2024-08-15T21:00:00", "2024-08-15", "15.08.2024", "2024-08-16", "2024-08-16"],
        },
        geometry=[
            box(35.2, 51.1, 35.3, 51.2),
            box(35.1, 51.1, 35.2, 51.2),
            box(35.4, 51.1, 35.5, 51.2),
            box(35.6, 51.1, 35.7, 51.2),
            box(35.2, 51.2, 35.3, 51.3),
            box(35.3, 51.2, 35.4, 51.3),
        ],
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("ext", ["geojson", "gpkg", "kml"])
def test_any_polygon_layer_with_the_users_fields_and_values(tmp_path: Path, layer: gpd.GeoDataFrame, ext: str) -> None:
    path = tmp_path / f"areas.{ext}"
    layer.to_file(path, driver={"geojson": "GeoJSON", "gpkg": "GPKG", "kml": "KML"}[ext])
    values = {"Liberated": "UA", "Grey": "contested", "Marker": "skip"}
    result = read_area_layers(
        [path], controller_field="status", values=values, date_field="day", ref="https://example.org/maps"
    )
    assert sorted(result.days) == [AUG15]
    assert list(result.days[AUG15]["controller"]) == ["UA", "contested"]
    assert result.notes == ["1 feature(s) left out as asked (--value ...=skip)"]
    assert sorted(str(p) for p in result.problems) == [
        f"{path}#3: day: '15.08.2024' is not an ISO date (YYYY-MM-DD); skipped",
        f"{path}: status: value 'Lost' (2 feature(s): #4, #5) is not mapped; add --value 'Lost=UA' "
        "(or RU, contested, skip)",
    ]


def test_layer_fields_must_exist_and_options_must_be_complete(tmp_path: Path, layer: gpd.GeoDataFrame) -> None:
    path = tmp_path / "areas.geojson"
    layer.to_file(path)
    result = read_area_layers([path], controller_field="owner", date_field="day", ref="https://example.org/m")
    assert [str(p) for p in result.problems] == [f"{path}: owner: no field 'owner'; the layer has: status, day"]
    with pytest.raises(KurskMapError, match="give either --date-field"):
        read_area_layers([path], controller_field="status", ref="https://example.org/m")
    with pytest.raises(KurskMapError, match=r"--value Lost=gone: map onto UA, RU, contested or skip"):
        read_area_layers([path], controller_field="status", values={"Lost": "gone"}, date=AUG15, ref="https://e.org/m")


def test_cli_imports_a_layer_only_when_nothing_was_skipped_unless_asked(
    data_dir: Path, layer: gpd.GeoDataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_dir.parent / "areas.geojson"
    layer.to_file(path)
    args = ["import", "areas", "--data", str(data_dir), "--source", "ua-gs", "--format", "geojson"]
    args += ["--controller-field", "status", "--date-field", "day", "--ref", "https://example.org/maps"]
    args += ["--value", "Liberated=UA", "--value", "Grey=contested", "--value", "Marker=skip", str(path)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "skipped: " in err and "nothing written: 2 problem(s) listed above" in err
    assert not (data_dir / "areas").exists()
    assert main([*args, "--keep-going"]) == 0
    assert "wrote 1 day(s) of areas (2024-08-15 to 2024-08-15)" in capsys.readouterr().out
    assert (data_dir / "areas" / "ua-gs" / "2024-08-15.geojson").is_file()
    assert main(["validate", "--data", str(data_dir)]) == 0


def test_cli_imports_the_archive_and_checks_the_source(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["import", "areas", "--data", str(data_dir), "--format", "deepstate-archive", "--commit", SHA]
    assert main([*base, "--source", "ua-g", str(ARCHIVE)]) == 1
    assert "unknown source 'ua-g'; add it to sources.csv or use one of: ru-mod, ua-gs (did you mean 'ua-gs'?)" in (
        capsys.readouterr().err
    )
    # the archive covers the whole war: the box is the theatre's, or --bbox
    assert main([*base, "--source", "ua-gs", "--keep-going", str(ARCHIVE)]) == 1
    assert "the archive covers the whole war: give --bbox W,S,E,N, or a bbox in the data folder's theatre.toml" in (
        capsys.readouterr().err
    )
    (data_dir / "theatre.toml").write_text('name = "Kursk"\nbbox = [33.9, 50.45, 36.3, 51.75]\n', encoding="utf-8")
    assert main([*base, "--source", "ua-gs", "--keep-going", str(ARCHIVE)]) == 0
    assert sorted(p.name for p in (data_dir / "areas" / "ua-gs").iterdir()) == [
        "2024-08-14.geojson",
        "2024-08-15.geojson",
    ]
    day = read_areas(data_dir / "areas", sources=["ua-gs"], today=TODAY)[0]
    assert day.geometry.total_bounds[0] >= 33.9  # the square near Kyiv (30.5 E) is outside the theatre
    with pytest.raises(SystemExit, match="2"):
        main([*base, "--source", "ua-gs", "--bbox", "36,50,35,52", str(ARCHIVE)])
    assert "need west < east" in capsys.readouterr().err
