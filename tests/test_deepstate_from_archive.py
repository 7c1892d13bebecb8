"""geodata/deepstate_from_archive.py on the synthetic archive: which rows it writes, and what it keeps."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from kursk_map import load_dataset

from .conftest import HEADER, REPO, TODAY, write_dataset

ARCHIVE = Path(__file__).parent / "data" / "deepstate_archive"
SHA = "0123456789abcdef0123456789abcdef01234567"
BLOB = f"https://github.com/DanielRose2310/deepstatemaps-history/blob/{SHA}/geojsons"

# The synthetic archive (tests/data/deepstate_archive) draws on 2024-08-14 a grey zone 35.10-35.20 E and a
# Ukrainian-held square 35.20-35.30 E (both 51.10-51.20 N), on 2024-08-15 the Ukrainian square only
# (35.20-35.32 E) and a grey square 35.00-35.05 E, 51.00-51.05 N.
SETTLEMENTS = """\
id,name,name_ru,name_uk,alt_names,lat,lon,country,oblast,raion,population,ref,precision_m,method,note
kmap:a-sudzhansky,Alpha,Альфа,,,51.15,35.25,RU,Kursk,Sudzhansky,,https://example.org/a,500,page,
kmap:b-sudzhansky,Bravo,Браво,,,51.15,35.15,RU,Kursk,Sudzhansky,,https://example.org/b,500,page,
kmap:c-sudzhansky,Charlie,Чарли,,,51.07,35.60,RU,Kursk,Sudzhansky,,https://example.org/c,500,page,
kmap:d-sudzhansky,Delta,Дельта,,,51.025,35.025,RU,Kursk,Sudzhansky,,https://example.org/d,500,page,
kmap:d-glushkovsky,Delta,Дельта,,,51.45,34.70,RU,Kursk,Glushkovsky,,https://example.org/d2,500,page,
kmap:e-sumy,Echo,Эхо,,,50.80,34.20,UA,Sumy,Sumskyi,,https://example.org/e,500,page,
"""
SOURCES = "slug,name,side,kind,url\nru-mod,Russian MoD,RU,official,\ndeepstate,DeepState,independent,osint-map,\n"
HAND = (
    HEADER
    + "deepstate-20240813-01,2024-08-13,deepstate,presence,Charlie,contested,,,,,Says Charlie is contested.,"
    + "https://example.org/ds1,\n"
    + 'deepstate-20240815-01,2024-08-15,deepstate,control,Alpha,RU,,,,,"Says Alpha, oddly, is Russian.",'
    + "https://example.org/ds2,a note\n"
)
COUNTRIES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"country": country},
            "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
        }
        for country, (w, s, e, n) in {"RU": (34.8, 50.95, 36.5, 52.0), "UA": (33.0, 50.0, 34.8, 52.0)}.items()
    ],
}


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "deepstate_from_archive", REPO / "geodata" / "deepstate_from_archive.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = write_dataset(tmp_path / "data", settlements=SETTLEMENTS, sources=SOURCES, ua=HEADER)
    (root / "claims" / "ua-gs.csv").unlink()
    (root / "claims" / "ru-mod.csv").write_text(HEADER, encoding="utf-8")
    (root / "claims" / "deepstate.csv").write_text(HAND, encoding="utf-8")
    (root / "countries.geojson").write_text(json.dumps(COUNTRIES), encoding="utf-8")
    # the theatre's box and equal-area CRS, as in geodata/theatre.toml
    theatre = 'name = "Kursk"\nbbox = [33.9, 50.45, 36.3, 51.75]\nequal_area_crs = "EPSG:3035"\n'
    (root / "theatre.toml").write_text(theatre, encoding="utf-8")
    return root


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_rows_where_the_map_changed_or_the_ledger_would_differ(script: ModuleType, data: Path) -> None:
    assert script.main([str(ARCHIVE), "--data", str(data), "--commit", SHA]) == 0
    made = {
        r["claim_id"]: r for r in rows(data / "claims" / "deepstate.csv") if r["claim_id"].startswith("deepstate-map-")
    }
    settled = {
        (cid[14:22], r["settlement"], r["kind"], r["controller"]) for cid, r in made.items() if r["kind"] != "area"
    }
    assert settled == {
        ("20240814", "Alpha", "control", "UA"),  # the map drew it held by Ukraine
        ("20240814", "Bravo", "presence", "contested"),  # grey
        ("20240814", "Charlie", "control", "RU"),  # not drawn: the hand-written claim of the 13th is answered
        ("20240815", "Bravo", "control", "RU"),  # the grey zone is gone
        ("20240815", "Delta (Sudzhansky)", "presence", "contested"),  # a namesake: written with its raion
    }
    # Alpha's hand-written claim of the 15th keeps its day: the map did not change for Alpha that day
    assert not any(k[0] == "20240815" and k[1] == "Alpha" for k in settled)
    alpha = made["deepstate-map-20240814-kmap.a-sudzhansky"]
    assert alpha["url"] == f"{BLOB}/1723665600.geojson"
    assert alpha["summary"] == "DeepState's map of 2024-08-14 showed Alpha inside the area it marks as held by Ukraine."
    assert alpha["note"].startswith(
        "derived from DeepState's archived map of 2024-08-14 (export of 2024-08-14 20:00 UTC)"
    )
    area = made["deepstate-map-20240814-area-ua-kursk"]
    assert (area["kind"], area["settlement"], area["controller"], area["unit"]) == ("area", "Kursk Oblast", "UA", "km2")
    # the Ukrainian-held square, 0.1 x 0.1 degrees at 51.15 N: 11.13 km x 6.99 km; the grey zone as much
    assert float(area["value"]) == pytest.approx(77.8, abs=0.3)
    grey = re.fullmatch(
        r"DeepState's map of 2024-08-14 drew [0-9.]+ km² of Kursk Oblast as held by Ukraine; "
        r"([0-9.]+) km² more it marked as of unknown status\.",
        area["summary"],
    )
    assert grey and float(grey[1]) == pytest.approx(77.8, abs=0.3)
    # the occupied square in Ukraine, 0.1 x 0.05 degrees at 51.025 N
    occupied = made["deepstate-map-20240814-area-ru-sumy"]
    assert (occupied["controller"], float(occupied["value"])) == ("RU", pytest.approx(39.0, abs=0.3))
    ds = load_dataset(data, today=TODAY)
    c = ds.ledger.claims.set_index("claim_id")
    assert c.at["deepstate-map-20240815-kmap.d-sudzhansky", "settlement_id"] == "kmap:d-sudzhansky"


def test_hand_written_rows_are_kept_byte_for_byte_and_a_rerun_changes_nothing(script: ModuleType, data: Path) -> None:
    path = data / "claims" / "deepstate.csv"
    assert script.main([str(ARCHIVE), "--data", str(data), "--commit", SHA]) == 0
    first = path.read_text(encoding="utf-8")
    assert first.startswith(HAND)
    assert script.main([str(ARCHIVE), "--data", str(data), "--commit", SHA]) == 0
    assert path.read_text(encoding="utf-8") == first
    header, kept, generated = script.split_ledger(first)
    assert header + "".join(kept) == HAND and generated == len(first.splitlines()) - 3
