"""Gazetteers for any area: GeoNames dump files and point files, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kursk_map.cli import main
from kursk_map.gazetteer import read_gazetteer
from kursk_map.importers import read_geonames_dump, read_point_file

DATA = Path(__file__).parent / "data"
DUMP = DATA / "geonames_RU_sample.txt"


def test_dump_keeps_populated_places_of_the_asked_regions() -> None:
    rows, problems = read_geonames_dump(DUMP, admin1={("RU", "41"): "Kursk"})
    assert [r["name"] for r in rows] == ["Sudzha", "Korenevo", "Guyevo"]
    sudzha = rows[0]
    assert (sudzha["id"], sudzha["name_ru"], sudzha["oblast"], sudzha["ref"]) == (
        "486816",
        "Суджа",
        "Kursk",
        "https://www.geonames.org/486816",
    )
    assert "Sudscha" in sudzha["alt_names"].split("|")
    # the river (feature class H) and the Moscow and Belgorod rows are filtered, the short line reported
    assert [(p.line, p.column) for p in problems] == [(4, "")]
    assert "3 tab-separated fields" in problems[0].message


def test_dump_population_filter_and_other_region() -> None:
    rows, _ = read_geonames_dump(DUMP, admin1={("RU", "41"): "Kursk"}, min_population=5000)
    assert [r["name"] for r in rows] == ["Sudzha", "Korenevo"]
    rows, _ = read_geonames_dump(DUMP, admin1={("RU", "09"): "Belgorod"})
    assert [(r["name"], r["oblast"]) for r in rows] == [("Belgorod", "Belgorod")]


def test_missing_dump_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    rows, problems = read_geonames_dump(tmp_path / "RU.txt", admin1={("RU", "41"): "Kursk"})
    assert rows == [] and "file not found" in str(problems[0])


def test_point_csv_cites_its_reference_and_reports_bad_rows() -> None:
    rows, problems = read_point_file(
        DATA / "points_sample.csv", ref="https://example.org/extract", country="RU", oblast="Kursk"
    )
    assert [(r["name"], r["raion"], r["method"], r["ref"]) for r in rows] == [
        ("Zaoleshenka", "Sudzhansky", "import", "https://example.org/extract")
    ]
    assert sorted(p.line for p in problems) == [3, 4]


def test_point_geojson(tmp_path: Path) -> None:
    path = tmp_path / "pts.geojson"
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Gornal"},
                "geometry": {"type": "Point", "coordinates": [35.23, 51.07]},
            },
            {
                "type": "Feature",
                "properties": {"name": "Line"},
                "geometry": {"type": "LineString", "coordinates": [[35, 51], [35.1, 51.1]]},
            },
        ],
    }
    path.write_text(json.dumps(fc), encoding="utf-8")
    rows, problems = read_point_file(path, ref="https://example.org/x", country="RU", oblast="Kursk")
    assert [(r["name"], r["lat"], r["lon"]) for r in rows] == [("Gornal", 51.07, 35.23)]
    assert [p.line for p in problems] == [2]


def test_cli_builds_a_gazetteer_the_loader_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kursk.csv"
    code = main(
        ["gazetteer", "build", "--geonames", str(DUMP), "--admin1", "41", "--oblast", "Kursk", "--out", str(out)]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "wrote 3 settlements" in captured.out and "skipped:" in captured.err
    gdf, problems = read_gazetteer(out)
    assert problems == [] and list(gdf["name"]) == ["Sudzha", "Korenevo", "Guyevo"]
    # the new gazetteer resolves press spellings like the bundled one
    data = tmp_path / "data"
    data.mkdir()
    out.rename(data / "settlements.csv")
    assert main(["resolve", "Sudscha", "--data", str(data)]) == 0
    assert capsys.readouterr().out.startswith("486816\tSudzha")


def test_cli_gazetteer_usage_errors(tmp_path: Path) -> None:
    assert main(["gazetteer", "build", "--geonames", str(DUMP), "--out", str(tmp_path / "x.csv")]) == 2
    assert (
        main(["gazetteer", "build", "--points", str(DATA / "points_sample.csv"), "--out", str(tmp_path / "x.csv")]) == 2
    )
    assert (
        main(["gazetteer", "build", "--geonames", str(DUMP), "--admin1", "77", "--out", str(tmp_path / "x.csv")]) == 1
    )
