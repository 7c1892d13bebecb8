"""Tiny in-memory fixtures: three settlements, two sources, a handful of claims."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

SETTLEMENTS = """\
id,name,name_ru,name_uk,alt_names,lat,lon,country,oblast,raion,population,ref,precision_m,method,note
486816,Sudzha,Суджа,Суджа,Sudja,51.19055,35.27082,RU,Kursk,Sudzhansky,6940,https://www.geonames.org/486816,1000,geonames,
kmap:zaoleshenka-sudzhansky,Zaoleshenka,Заолешенка,,,51.2,35.25,RU,Kursk,Sudzhansky,,https://example.org/zaoleshenka,500,page,
kmap:gornal-sudzhansky,Gornal,Горналь,,,51.07,35.50,RU,Kursk,Sudzhansky,,https://example.org/gornal,2000,derived,test derivation
kmap:nikolayevka-a,Nikolayevka,Николаевка,,,51.25,35.30,RU,Kursk,Sudzhansky,,https://example.org/n1,500,page,
kmap:nikolayevka-b,Nikolayevka,Николаевка,,,51.45,34.70,RU,Kursk,Glushkovsky,,https://example.org/n2,500,page,
kmap:unknownpos-sudzhansky,Knownvillage,Известное,,,,,RU,Kursk,Sudzhansky,,https://example.org/k,1000,unplaced,
692194,Sumy,Суми,Суми,,50.91741,34.79906,UA,Sumy,Sumskyi,256474,https://www.geonames.org/692194,1000,geonames,
"""

SOURCES = """\
slug,name,side,kind,url
ru-mod,Russian Ministry of Defence,RU,official,https://mil.ru/
ua-gs,General Staff of Ukraine,UA,official,
"""

HEADER = "claim_id,date,source,kind,settlement,controller,value,unit,bearing_deg,denies,summary,url,note\n"
RU_CLAIMS = (
    HEADER
    + """\
ru-1,2025-03-13,ru-mod,control,Sudzha,RU,,,,,Says Sudzha was retaken.,https://example.org/ru1,
ru-2,2025-03-15,ru-mod,control,Zaoleshenka,RU,,,,,Says Zaoleshenka was taken.,https://example.org/ru2,
ru-3,2025-04-26,ru-mod,region,Kursk Oblast,RU,,,,,Declares the whole oblast retaken.,https://example.org/ru3,
"""
)
UA_CLAIMS = (
    HEADER
    + """\
ua-1,2024-08-14,ua-gs,control,Sudscha,UA,,,,,Says Sudzha is under Ukrainian control.,https://example.org/ua1,
ua-2,2024-08-14,ua-gs,area,,UA,1000,km2,,,Says about 1000 km2 are held.,https://example.org/ua2,
ua-3,2025-02-06,ua-gs,relative,Sudzha,UA,5,km,135,,Reports an advance south-east of Sudzha.,https://example.org/ua3,
ua-4,2025-04-26,ua-gs,denial,,,,,,ru-3,Rejects the claim that the oblast was retaken.,https://example.org/ua4,
ua-5,2025-05-21,ua-gs,presence,Gornal,contested,,,,,Says positions near Gornal are held.,https://example.org/ua5,
"""
)

#: One valid row of each table, as dicts: tests change a cell or two and write them back.
CLAIM_ROW = {
    "claim_id": "ru-4",
    "date": "2025-03-16",
    "source": "ru-mod",
    "kind": "control",
    "settlement": "Sudzha",
    "controller": "RU",
    "value": "",
    "unit": "",
    "bearing_deg": "",
    "denies": "",
    "summary": "Says Sudzha is held.",
    "url": "https://example.org/ru4",
    "note": "",
}
PLACE_ROW = {
    "id": "kmap:testovo-sudzhansky",
    "name": "Testovo",
    "name_ru": "Тестово",
    "name_uk": "",
    "alt_names": "",
    "lat": "51.3",
    "lon": "35.2",
    "country": "RU",
    "oblast": "Kursk",
    "raion": "Sudzhansky",
    "population": "",
    "ref": "https://example.org/testovo",
    "precision_m": "500",
    "method": "page",
    "note": "",
}

TODAY = dt.date(2026, 1, 1)
BORDER = (
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "border"}, '
    '"geometry": {"type": "LineString", "coordinates": [[34.5, 51.3], [35.2, 51.0], [35.6, 50.9]]}}]}'
)


def write_dataset(
    root: Path, *, ru: str = RU_CLAIMS, ua: str = UA_CLAIMS, settlements: str = SETTLEMENTS, sources: str = SOURCES
) -> Path:
    (root / "claims").mkdir(parents=True, exist_ok=True)
    (root / "settlements.csv").write_text(settlements, encoding="utf-8")
    (root / "sources.csv").write_text(sources, encoding="utf-8")
    (root / "claims" / "ru-mod.csv").write_text(ru, encoding="utf-8")
    (root / "claims" / "ua-gs.csv").write_text(ua, encoding="utf-8")
    (root / "border.geojson").write_text(BORDER, encoding="utf-8")
    return root


def write_areas(root: Path, source: str, day: str, *boxes: tuple[str, tuple[float, float, float, float]]) -> Path:
    """A source's drawn areas of one day, as the loader reads them: one rectangle per (controller, box)."""
    feats = []
    for controller, (x0, y0, x1, y1) in boxes:
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        feats.append(
            {
                "type": "Feature",
                "properties": {"controller": controller, "ref": f"https://example.org/{source}/{day}"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path = root / "areas" / source / f"{day}.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


#: Ukraine's General Staff's drawn areas in the tests (see test_state.py): on 1 March 2025 a Ukrainian-held
#: box over Sudzha (within 760 m of its west edge: Sudzha's precision is 1 km) and Nikolayevka, and a grey box
#: over Gornal; on 1 April the Ukrainian box has shrunk east of Sudzha.
UA_AREAS = {
    "2025-03-01": (("UA", (35.26, 51.15, 35.35, 51.30)), ("contested", (35.45, 51.0, 35.55, 51.1))),
    "2025-04-01": (("UA", (35.29, 51.20, 35.35, 51.30)),),
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "data")


@pytest.fixture
def dataset(data_dir: Path):
    from kursk_map import load_dataset

    return load_dataset(data_dir, today=TODAY)


@pytest.fixture
def with_areas(tmp_path: Path):
    """The test dataset with Ukraine's General Staff's drawn areas (:data:`UA_AREAS`)."""
    from kursk_map import load_dataset

    root = write_dataset(tmp_path / "data")
    for day, boxes in UA_AREAS.items():
        write_areas(root, "ua-gs", day, *boxes)
    return load_dataset(root, today=TODAY)


REPO = Path(__file__).resolve().parents[1]
