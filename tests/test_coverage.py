"""Raion inventories: loading them, matching them to the gazetteer, and the coverage report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kursk_map.cli import main
from kursk_map.coverage import assign_raions, match_inventory, raion_coverage
from kursk_map.gazetteer import read_inventory, read_raion_counts

HEADER = "oblast,raion,unit,name_ru,name_uk,name_en,kind,ref\n"
URL = "https://example.org/list"


def _inv(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """Inventory rows as (raion, unit, name_ru, name_en), all in Kursk Oblast."""
    return pd.DataFrame(
        [
            {
                "oblast": "Kursk",
                "raion": r,
                "unit": u,
                "name_ru": ru,
                "name_uk": "",
                "name_en": en,
                "kind": "",
                "ref": URL,
            }
            for r, u, ru, en in rows
        ]
    )


def _gaz(*rows: tuple[str, str, str, str, str, float | None, float | None]) -> pd.DataFrame:
    """Gazetteer rows as (id, name, name_ru, raion, method, lat, lon), all in Kursk Oblast."""
    return pd.DataFrame(
        [
            {
                "id": i,
                "name": n,
                "name_ru": ru,
                "name_uk": "",
                "alt_names": "",
                "oblast": "Kursk",
                "raion": r,
                "method": m,
                "lat": lat,
                "lon": lon,
            }
            for i, n, ru, r, m, lat, lon in rows
        ]
    )


def test_inventory_rows_are_checked_with_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "inventory.csv"
    p.write_text(
        HEADER
        + f"Kursk,Sudzhansky,,Гуево,,Guyevo,selo,{URL}\n"
        + f"Kursk,,,Суджа,,,,{URL}\n"
        + f"Kursk,Sudzhansky,,,,,,{URL}\n"
        + "Kursk,Sudzhansky,,Плехово,,,,a helper's notes\n",
        encoding="utf-8",
    )
    frame, problems = read_inventory(p)
    assert list(frame["name_ru"]) == ["Гуево"]
    assert [(q.line, q.column) for q in problems] == [(3, "raion"), (4, "name_ru"), (5, "ref")]
    assert str(problems[2]).endswith('ref: "a helper\'s notes" is not an http(s) URL; cite the page that lists it')


def test_a_missing_inventory_is_empty_not_an_error(tmp_path: Path) -> None:
    frame, problems = read_inventory(tmp_path / "absent.csv")
    assert frame.empty and problems == []


def test_raion_counts_need_whole_numbers_and_urls(tmp_path: Path) -> None:
    p = tmp_path / "raion_counts.csv"
    p.write_text(
        "oblast,raion,unit,localities,ref\n"
        f"Kursk,Sudzhansky,,82,{URL}\n"
        f"Kursk,Korenevsky,,5.5,{URL}\n"
        "Kursk,Glushkovsky,,53,wiki\n",
        encoding="utf-8",
    )
    counts, problems = read_raion_counts(p)
    assert counts == {("Kursk", "Sudzhansky", ""): 82}
    assert [(q.line, q.column) for q in problems] == [(3, "localities"), (4, "ref")]


def test_matching_is_one_to_one_within_the_raion_and_spelling_tolerant() -> None:
    inv = _inv(
        ("Sudzhansky", "", "", "Olgovka"),  # Latin only in the list, Cyrillic only in the gazetteer
        ("Sudzhansky", "", "Михайловка", ""),
        ("Sudzhansky", "", "Михайловка", ""),  # two namesakes in one raion: two rows, not one twice
        ("Sudzhansky", "", "Гуево", ""),
    )
    gaz = _gaz(
        ("a", "Olgovka", "Ольговка", "Sudzhansky", "page", 51.0, 35.0),
        ("b", "Mikhaylovka", "Михайловка", "Sudzhansky", "page", 51.1, 35.1),
        ("c", "Mikhaylovka", "Михайловка", "Sudzhansky", "unplaced", None, None),
        ("d", "Guyevo", "Гуево", "Korenevsky", "page", 51.2, 35.2),  # same name, other raion
    )
    assert match_inventory(inv, gaz) == {0: "a", 1: "b", 2: "c"}


def test_a_raion_is_complete_only_when_its_official_count_is_listed_and_placed() -> None:
    inv = _inv(("Belovsky", "Belovsky selsoviet", "Белая", ""), ("Belovsky", "Belovsky selsoviet", "Подол", ""))
    gaz = _gaz(
        ("1", "Belaya", "Белая", "Belovsky", "geonames", 51.05, 35.71),
        ("2", "Podol", "Подол", "Belovsky", "derived", 50.98, 35.82),
        ("3", "Kommunar", "Коммунар", "Belovsky", "page", 51.0, 35.6),
    )
    counts = {("Kursk", "Belovsky", "Belovsky selsoviet"): 2, ("Kursk", "Belovsky", ""): 30}
    raion, unit = raion_coverage(inv, gaz, counts)
    assert (unit.unit, unit.official, unit.listed, unit.precise, unit.approximate, unit.complete) == (
        "Belovsky selsoviet",
        2,
        2,
        1,
        1,
        True,
    )
    # The raion as a whole has 30 localities and the list gives 2: not complete, however well placed.
    assert (raion.unit, raion.official, raion.complete, raion.extra) == ("", 30, False, ("Kommunar",))
    # One listed place unplaced: the unit is no longer complete.
    gaz.loc[1, ["method", "lat", "lon"]] = ["unplaced", None, None]
    unit = raion_coverage(inv, gaz, counts)[1]
    assert (unit.placed, unit.unplaced, unit.complete) == (1, ("Podol",), False)
    assert raion_coverage(inv, gaz)[1].complete is False  # no official count: never complete


def test_raions_are_assigned_only_when_unique_and_near() -> None:
    inv = _inv(
        ("Sudzhansky", "", "Гуево", ""),
        ("Sudzhansky", "", "Плехово", ""),
        ("Sudzhansky", "", "Михайловка", ""),
        ("Korenevsky", "", "Михайловка", ""),
    )
    known = [(f"s{i}", f"S{i}", "", "Sudzhansky", "page", 51.19 + i / 100, 35.27) for i in range(3)]
    known += [(f"k{i}", f"K{i}", "", "Korenevsky", "page", 51.41 + i / 100, 34.90) for i in range(3)]
    gaz = _gaz(
        *known,
        ("g", "Guyevo", "Гуево", "", "geonames", 51.09, 35.27),  # listed once, 12 km away: Sudzhansky
        ("p", "Plekhovo", "Плехово", "", "geonames", 52.40, 36.50),  # a namesake 150 km away: left alone
        ("m", "Mikhaylovka", "Михайловка", "", "geonames", 51.20, 35.27),  # listed in two raions: left alone
        ("u", "Unlisted", "Нигде", "", "geonames", 51.20, 35.27),
    )
    assert assign_raions(gaz, inv) == {"g": "Sudzhansky"}
    # Fewer than three rows that already carry the raion: no median to check against, no guess.
    assert assign_raions(gaz, inv, min_neighbours=4) == {}


def test_coverage_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settlements.csv").write_text(
        "id,name,name_ru,name_uk,alt_names,lat,lon,country,oblast,raion,population,ref,precision_m,method\n"
        "486816,Sudzha,Суджа,,,51.191,35.271,RU,Kursk,Sudzhansky,,https://www.geonames.org/486816,1000,geonames\n",
        encoding="utf-8",
    )
    (data / "inventory.csv").write_text(
        HEADER + f"Kursk,Sudzhansky,Sudzha urban settlement,Суджа,,Sudzha,town,{URL}\n"
        f"Kursk,Sudzhansky,,Гуево,,Guyevo,selo,{URL}\n",
        encoding="utf-8",
    )
    (data / "raion_counts.csv").write_text(
        f"oblast,raion,unit,localities,ref\nKursk,Sudzhansky,Sudzha urban settlement,1,{URL}\n", encoding="utf-8"
    )
    assert main(["gazetteer", "coverage", "--data", str(data)]) == 0
    out, err = capsys.readouterr()
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[1][:6] == ["Kursk", "Sudzhansky", "(all)", "", "2", "1"]
    assert lines[2][2:4] == ["Sudzha urban settlement", "1"] and lines[2][-1] == "yes"
    assert "not in the gazetteer (Sudzhansky): Гуево" in err
    assert main(["gazetteer", "coverage", "--data", str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report[0]["missing"] == ["Гуево"] and report[1]["complete"] is True
    assert main(["gazetteer", "coverage", "--data", str(tmp_path)]) == 1
    assert "no inventory" in capsys.readouterr().err
