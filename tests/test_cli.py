from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from kursk_map import load_dataset
from kursk_map.cli import main

from .conftest import RU_CLAIMS, write_dataset


def test_validate_ok(data_dir: Path, capsys) -> None:
    assert main(["validate", "--data", str(data_dir)]) == 0
    assert capsys.readouterr().out.startswith("ok: 7 settlements, 2 sources, 8 claims")


def test_validate_reports_all_problems(tmp_path: Path, capsys) -> None:
    bad = RU_CLAIMS + (
        "x1,2025-03-20,ru-mod,control,Sudzhaa Town,RU,,,,,x,https://e.org/x,\n"
        "x2,20.03.2025,ru-mod,control,Sudzha,RU,,,,,x,https://e.org/x,\n"
    )
    data = write_dataset(tmp_path, ru=bad)
    assert main(["validate", "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert "2 problems in the input data:" in err
    assert "ru-mod.csv:5: settlement: unknown settlement 'Sudzhaa Town'" in err
    assert "ru-mod.csv:6: date: '20.03.2025' is not an ISO date" in err


def test_build_prints_index_path(data_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "atlas"
    assert main(["build", "--data", str(data_dir), "--out", str(out), "--no-images"]) == 0
    printed = capsys.readouterr().out
    assert str(out / "index.html") in printed
    assert (out / "index.html").exists()


@pytest.mark.parametrize(
    ("name", "code", "expect"),
    [
        ("Soudja", 0, "486816\tSudzha\tСуджа"),
        ("Nikolayevka", 2, "ambiguous"),
        ("Sudzhanka", 1, "did you mean 'Sudzha'"),
    ],
)
def test_resolve_exit_codes(data_dir: Path, capsys, name: str, code: int, expect: str) -> None:
    assert main(["resolve", name, "--data", str(data_dir)]) == code
    captured = capsys.readouterr()
    assert expect in captured.out + captured.err


def test_resolve_json(data_dir: Path, capsys) -> None:
    assert main(["resolve", "Суджа", "--json", "--data", str(data_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "match"
    assert {k: out["match"][k] for k in ("id", "name", "name_ru", "raion", "country")} == {
        "id": "486816",
        "name": "Sudzha",
        "name_ru": "Суджа",
        "raion": "Sudzhansky",
        "country": "RU",
    }
    assert out["match"]["lat"] == pytest.approx(51.19055)


def test_state_json(data_dir: Path, capsys) -> None:
    assert main(["state", "--source", "ru-mod", "--date", "2025-03-15", "--json", "--data", str(data_dir)]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["Sudzha"]["controller"] == "RU" and rows["Sudzha"]["basis"] == "claim"
    assert rows["Sudzha"]["claim_ids"] == ["ru-1"]
    assert rows["Gornal"]["basis"] == "baseline"
    assert set(rows["Sudzha"]) >= {"id", "name", "lat", "lon", "controller", "basis", "claim_ids"}
    assert (rows["Sudzha"]["age_days"], rows["Sudzha"]["stale"], rows["Gornal"]["age_days"]) == (2, False, None)


def test_state_text_shows_the_age(data_dir: Path, capsys) -> None:
    assert main(["state", "--source", "ua-gs", "--date", "2025-05-21", "--data", str(data_dir)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert " 280 d stale  ua-1" in lines["Sudzha"] and "   0 d        ua-5" in lines["Gornal"]


def test_build_takes_the_ageing_options(data_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "atlas"
    args = ["build", "--data", str(data_dir), "--out", str(out), "--no-images"]
    assert main([*args, "--stale-control", "200", "--max-age", "250"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ageing"] == {"stale_presence_days": 30, "stale_control_days": 200, "max_age_days": 250}
    last = next(m for m in manifest["maps"] if (m["source"], m["date"]) == ("ua-gs", "2025-05-21"))
    assert (last["expired"], last["stale"], last["counts"]["UA"]) == (1, 0, 0)  # Sudzha's claim: 280 days old
    capsys.readouterr()
    with pytest.raises(SystemExit, match="2"):
        main([*args, "--max-age", "0"])
    assert "argument --max-age: 0 is not a positive number of days, e.g. 30" in capsys.readouterr().err


def test_state_text_has_a_header(data_dir: Path, capsys) -> None:
    assert main(["state", "--source", "ru-mod", "--date", "2025-03-15", "--data", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "ru-mod: claimed control on 2025-03-15, latest claim about each settlement on or before it"
    assert lines[1].split() == ["settlement", "controller", "basis", "since", "age", "claims", "(deciding", "first)"]
    assert lines[2].split() == ["Sudzha", "RU", "claim", "2025-03-13", "2", "d", "ru-1"]
    assert lines[1].index("claims") == lines[2].index("ru-1")  # the header sits over its columns
    assert lines[-1] == "(4 other settlements: no claim by ru-mod, shown at baseline)"


def test_state_csv_lists_every_settlement(data_dir: Path, capsys) -> None:
    assert main(["state", "--source", "ru-mod", "--date", "2025-03-15", "--csv", "--data", str(data_dir)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6  # the placed settlements of the fixture
    by_name = {r["name"]: r for r in rows if r["name"] != "Nikolayevka"}
    assert (by_name["Sudzha"]["controller"], by_name["Sudzha"]["basis"], by_name["Sudzha"]["claim_ids"]) == (
        "RU",
        "claim",
        "ru-1",
    )
    # a settlement the source never named is baseline: no controller, its de jure country
    assert (by_name["Gornal"]["controller"], by_name["Gornal"]["basis"], by_name["Gornal"]["country"]) == (
        "",
        "baseline",
        "RU",
    )


def test_state_json_and_csv_exclude_each_other(data_dir: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["state", "--source", "ru-mod", "--date", "2025-03-15", "--csv", "--json", "--data", str(data_dir)])
    assert "not allowed with argument" in capsys.readouterr().err


def test_state_unknown_source(data_dir: Path, capsys) -> None:
    assert main(["state", "--source", "nobody", "--date", "2025-03-15", "--data", str(data_dir)]) == 1
    assert "unknown source 'nobody'" in capsys.readouterr().err


def test_state_bad_date(data_dir: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["state", "--source", "ru-mod", "--date", "15/03/2025", "--data", str(data_dir)])
    assert exc.value.code == 2
    assert "'15/03/2025' is not an ISO date" in capsys.readouterr().err


def test_claims_json_and_filter(data_dir: Path, capsys) -> None:
    assert main(["claims", "--json", "--source", "ua-gs", "--data", str(data_dir)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["claim_id"] for r in rows] == ["ua-1", "ua-2", "ua-3", "ua-4", "ua-5"]
    assert rows[0]["date"] == "2024-08-14" and rows[0]["settlement_id"] == "486816"


def test_claims_text(data_dir: Path, capsys) -> None:
    assert main(["claims", "--data", str(data_dir)]) == 0
    assert "1000 km2" in capsys.readouterr().out


def test_missing_data_dir(tmp_path: Path, capsys) -> None:
    assert main(["validate", "--data", str(tmp_path / "nope")]) == 1
    assert "nope: data folder does not exist" in capsys.readouterr().err


def test_diff_json(data_dir: Path, capsys) -> None:
    args = [
        "diff",
        "--source",
        "ru-mod",
        "--from",
        "2025-03-13",
        "--to",
        "2025-04-26",
        "--json",
        "--data",
        str(data_dir),
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"] == "ru-mod" and out["from"] == "2025-03-13"
    assert sorted(out["gained"]["RU"]) == ["Gornal", "Nikolayevka", "Nikolayevka", "Zaoleshenka"]
    area = out["area_km2"]
    assert area["before"]["UA"] == area["after"]["UA"] == 0.0
    assert area["after"]["RU"] > area["before"]["RU"] > 0  # from Sudzha alone to every Kursk settlement
    assert area["change"]["RU"] == pytest.approx(area["after"]["RU"] - area["before"]["RU"], abs=0.05)


def test_diff_text(data_dir: Path, capsys) -> None:
    assert (
        main(["diff", "--source", "ru-mod", "--from", "2025-03-13", "--to", "2025-03-15", "--data", str(data_dir)]) == 0
    )
    out = capsys.readouterr().out
    assert "ru-mod: 1 settlement changed from 2025-03-13 to 2025-03-15" in out
    assert re.search(r"Zaoleshenka +baseline -> RU", out)
    # the area change: Zaoleshenka's cell moves from nothing to RU
    ds = load_dataset(data_dir)
    cell = float(ds.cells.loc["kmap:zaoleshenka-sudzhansky", "area_km2"])
    (ru,) = [line for line in out.splitlines() if line.strip().startswith("RU ")]
    before, after, change = (float(x) for x in re.findall(r"[-+]?\d+\.\d", ru))
    assert change == pytest.approx(cell, abs=0.1) and after - before == pytest.approx(cell, abs=0.1)


def test_compare_writes_two_pane_page(data_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "sbs.html"
    args = [
        "compare",
        "--left",
        "ru-mod",
        "--right",
        "ua-gs",
        "--date",
        "2025-05-21",
        "--out",
        str(out),
        "--data",
        str(data_dir),
    ]
    assert main(args) == 0
    assert out.read_text(encoding="utf-8").count("L.map(") == 2
    assert out.stat().st_mode & 0o777 == 0o644  # readable like any page (it used to be written 0600)
    again = tmp_path / "again.html"
    assert main([*args[:-3], str(again), *args[-2:]]) == 0
    assert again.read_bytes() == out.read_bytes()  # the same input gives the same bytes (ids were random)


def test_compare_unknown_source(data_dir: Path, tmp_path: Path, capsys) -> None:
    args = [
        "compare",
        "--left",
        "ru-mod",
        "--right",
        "nobody",
        "--date",
        "2025-05-21",
        "--out",
        str(tmp_path / "x.html"),
        "--data",
        str(data_dir),
    ]
    assert main(args) == 1
    assert "unknown source 'nobody'" in capsys.readouterr().err


def test_figures_json(data_dir: Path, capsys) -> None:
    assert main(["figures", "--source", "ua-gs", "--json", "--data", str(data_dir)]) == 0
    series = json.loads(capsys.readouterr().out)
    first = series[0]
    assert first["date"] == "2024-08-14"
    assert first["announced"][0]["value_std"] == 1000
    assert first["named_settlements"]["UA"] == 1 and first["implied_km2"]["UA"] > 0


def test_figures_text(data_dir: Path, capsys) -> None:
    assert main(["figures", "--source", "ua-gs", "--data", str(data_dir)]) == 0
    assert "1000 km2 UA" in capsys.readouterr().out


def test_figures_keep_what_the_source_drew_apart_from_what_it_announced(tmp_path: Path, capsys) -> None:
    from .conftest import UA_CLAIMS, write_dataset

    drawn = (
        "ua-gs-map-20240814-area-ua-kursk,2024-08-14,ua-gs,area,Kursk Oblast,UA,120.5,km2,,,"
        "The map of 2024-08-14 drew 120.5 km2 of Kursk Oblast as held by Ukraine.,https://example.org/map,derived\n"
    )
    data = write_dataset(tmp_path / "data", ua=UA_CLAIMS + drawn)
    assert main(["figures", "--source", "ua-gs", "--json", "--data", str(data)]) == 0
    first = json.loads(capsys.readouterr().out)[0]
    assert [f["claim_id"] for f in first["announced"]] == ["ua-2"]
    assert [f["claim_id"] for f in first["drawn"]] == ["ua-gs-map-20240814-area-ua-kursk"]
    assert main(["figures", "--source", "ua-gs", "--data", str(data)]) == 0
    header, line = capsys.readouterr().out.splitlines()[:2]
    assert header.startswith("date        announced") and "drawn on its map" in header
    assert line.startswith("2024-08-14  1000 km2 UA") and "120.5 km2 UA" in line


@pytest.mark.parametrize(
    ("near", "expect_id"), [("Sudzha", "kmap:nikolayevka-a"), ("Zaoleshenka", "kmap:nikolayevka-a")]
)
def test_resolve_near_decides_between_namesakes(data_dir: Path, capsys, near: str, expect_id: str) -> None:
    assert main(["resolve", "Nikolayevka", "--data", str(data_dir)]) == 2  # ambiguous alone
    capsys.readouterr()
    assert main(["resolve", "Nikolayevka", "--near", near, "--json", "--data", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["match"]["id"] == expect_id


def test_resolve_near_unknown_anchor(data_dir: Path, capsys) -> None:
    assert main(["resolve", "Nikolayevka", "--near", "Atlantis", "--data", str(data_dir)]) == 1
    assert "--near:" in capsys.readouterr().err


def test_validate_reports_a_source_contradicting_itself(tmp_path: Path, capsys) -> None:
    from .conftest import RU_CLAIMS, write_dataset

    extra = "ru-4,2025-03-15,ru-mod,presence,Zaoleshenka,contested,,,,,Says fighting goes on there.,https://example.org/r4,\n"
    root = write_dataset(tmp_path / "d", ru=RU_CLAIMS + extra)
    assert main(["validate", "--data", str(root)]) == 0  # reported, not rejected
    err = capsys.readouterr().err
    assert "ru-mod.csv:3: settlement: warning: ru-mod says RU and contested about 'Zaoleshenka' on 2025-03-15" in err
    assert "(ru-2, ru-4)" in err


def test_validate_flags_a_name_far_from_the_rest_of_its_list(tmp_path: Path, capsys) -> None:
    from .conftest import HEADER, SETTLEMENTS, write_dataset

    far = "526968,Mikhaylovka,Михайловка,,,52.2317,35.3767,RU,Kursk,,3012,https://www.geonames.org/526968,1000,geonames,\n"
    day = "2025-03-11,ru-mod,control"
    ru = HEADER + "".join(
        f"ru-{i},{day},{name},RU,,,,,Lists {name}.,https://example.org/r{i},\n"
        for i, name in enumerate(["Sudzha", "Zaoleshenka", "Gornal", "Mikhaylovka"], 1)
    )
    root = write_dataset(tmp_path / "d", ru=ru, settlements=SETTLEMENTS + far)
    assert main(["validate", "--data", str(root)]) == 0
    err = capsys.readouterr().err
    assert "ru-mod.csv:5: settlement: warning: 'Mikhaylovka' resolved to 526968, 116 km" in err
    assert "a namesake? the gazetteer has no other place of that name: if another is meant, add it" in err
    assert "raise namesake_km in theatre.toml (now 50)" in err
    assert err.count("warning:") == 1


@pytest.mark.parametrize(("km", "warnings"), [(50, 1), (100, 1), (120, 0)])
def test_the_namesake_radius_is_the_theatres(tmp_path: Path, capsys, km: float, warnings: int) -> None:
    """Mikhaylovka lies 116 km from the rest of the day's list: flagged within 100 km, not within 120."""
    from .conftest import HEADER, SETTLEMENTS, write_dataset

    far = "526968,Mikhaylovka,Михайловка,,,52.2317,35.3767,RU,Kursk,,3012,https://www.geonames.org/526968,1000,geonames,\n"
    ru = HEADER + "".join(
        f"ru-{i},2025-03-11,ru-mod,control,{name},RU,,,,,Lists {name}.,https://example.org/r{i},\n"
        for i, name in enumerate(["Sudzha", "Zaoleshenka", "Gornal", "Mikhaylovka"], 1)
    )
    root = write_dataset(tmp_path / "d", ru=ru, settlements=SETTLEMENTS + far)
    (root / "theatre.toml").write_text(f'name = "T"\nbbox = [34.5, 50.9, 35.9, 52.5]\nnamesake_km = {km}\n', "utf-8")
    assert main(["validate", "--data", str(root)]) == 0
    err = capsys.readouterr().err
    assert err.count("warning:") == warnings, err
    assert ("'Mikhaylovka' resolved to 526968" in err) == bool(warnings)
    if warnings:
        assert f"raise namesake_km in theatre.toml (now {km:g})" in err


def test_validate_suggests_the_raions_of_the_namesakes_not_the_one_written(tmp_path: Path, capsys) -> None:
    from .conftest import HEADER, SETTLEMENTS, write_dataset

    both = (
        "kmap:m-far,Mikhaylovka,Михайловка,,,52.2317,35.3767,RU,Kursk,Zheleznogorsky,,https://example.org/m1,1000,page,\n"
        "kmap:m-near,Mikhailovka,Михайловка,,,51.22,35.30,RU,Kursk,Sudzhansky,,https://example.org/m2,1000,page,\n"
    )
    day = "2025-03-11,ru-mod,control"
    ru = HEADER + "".join(
        f"ru-{i},{day},{name},RU,,,,,Lists them.,https://example.org/r{i},\n"
        for i, name in enumerate(["Sudzha", "Zaoleshenka", "Gornal", "Mikhaylovka (Zheleznogorsky)"], 1)
    )
    root = write_dataset(tmp_path / "d", ru=ru, settlements=SETTLEMENTS + both)
    assert main(["validate", "--data", str(root)]) == 0
    err = capsys.readouterr().err
    assert "'Mikhaylovka (Zheleznogorsky)' resolved to kmap:m-far" in err
    assert "a namesake? if so, name the raion of the one meant, e.g. 'Mikhaylovka (Sudzhansky)'" in err
