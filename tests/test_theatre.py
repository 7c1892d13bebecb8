from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kursk_map import DataError, check_dataset, load_dataset, read_claims, read_gazetteer
from kursk_map.build import build_atlas
from kursk_map.theatre import THEATRE_FILE, Theatre, default_theatre, load_theatre, read_theatre

from .conftest import HEADER, SETTLEMENTS, TODAY, write_dataset

GOOD = """\
# a theatre
name = "Test front"
title = "The <test> front & its claims"
period = ["2024-08-01", "2025-06-30"]
equal_area_crs = "EPSG:3035"
bbox = [34.0, 50.5, 36.0, 51.6]
border = "border.geojson"
attribution = "Settlements: test gazetteer & friends"
namesake_km = 120

[country_names]
UA = "Ruritania"

[oblasts]
Kursk = "RU"
Sumy = "UA"
"""


def _toml(tmp_path: Path, text: str) -> Path:
    p = tmp_path / THEATRE_FILE
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_every_key(tmp_path: Path) -> None:
    t, problems = read_theatre(_toml(tmp_path, GOOD))
    assert problems == []
    assert t is not None
    assert (t.name, t.title) == ("Test front", "The <test> front & its claims")
    assert t.period == (dt.date(2024, 8, 1), dt.date(2025, 6, 30))
    assert (t.equal_area_crs, t.bbox, t.border, t.countries) == (
        "EPSG:3035",
        (34.0, 50.5, 36.0, 51.6),
        "border.geojson",
        "",
    )
    assert dict(t.country_names) == {"RU": "Russia", "UA": "Ruritania"}  # RU keeps its default name
    assert dict(t.oblasts) == {"Kursk": "RU", "Sumy": "UA"}
    assert t.labels["UA"] == "Held by Ruritania" and t.held_by("RU") == "held by Russia"
    assert t.border_label == "Ruritania–Russia border"  # alphabetical
    assert t.centre == (51.05, 35.0)
    assert t.region == (31.0, 47.5, 39.0, 54.6)
    assert t.namesake_km == 120.0 and Theatre().namesake_km == 50.0


def test_stale_days_default_and_may_be_set(tmp_path: Path) -> None:
    assert dict(Theatre().stale_days) == {"presence": 30, "control": 90}
    t = load_theatre(_toml(tmp_path, GOOD + "\n[stale_days]\ncontrol = 60\n").parent)
    assert dict(t.stale_days) == {"presence": 30, "control": 60}
    assert t.to_manifest()["stale_days"] == {"presence": 30, "control": 60}


def test_title_defaults_to_name_and_dates_may_be_toml_dates(tmp_path: Path) -> None:
    t, problems = read_theatre(_toml(tmp_path, 'name = "X"\nbbox = [1, 2, 3, 4]\nperiod = [2022-09-06, 2022-10-07]\n'))
    assert problems == [] and t is not None
    assert t.title == "X" and t.period == (dt.date(2022, 9, 6), dt.date(2022, 10, 7))


def test_no_file_is_no_theatre_and_the_default_is_named_after_the_folder(tmp_path: Path) -> None:
    assert read_theatre(tmp_path / THEATRE_FILE) == (None, [])
    folder = tmp_path / "my-front"
    folder.mkdir()
    t = load_theatre(folder)
    assert t == default_theatre(folder)
    assert (t.name, t.period, t.oblasts, t.path) == ("my-front", None, {}, "")
    assert "my-front" in t.title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "X"\nbbox = [1, 2, 3, 4]\ntitel = "Y"\n', ":3: titel: unknown key 'titel'; did you mean 'title'?"),
        ("bbox = [1, 2, 3, 4]\n", ": name: no name; add a first line such as name = "),
        ('name = "X"\n', ": bbox: no bbox; add e.g. bbox = "),
        ('name = "X"\nbbox = [1, 2, 3]\n', ":2: bbox: [1, 2, 3] is not four numbers"),
        (
            'name = "X"\nbbox = [51, 35, 50, 36]\n',
            ":2: bbox: [51, 35, 50, 36] is not lon_min, lat_min, lon_max, lat_max",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\nperiod = ["2022-10-07", "2022-09-06"]\n',
            ":3: period: starts (2022-10-07) after it ends",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\nperiod = ["6.9.2022", "2022-10-07"]\n',
            ":3: period: '6.9.2022' is not an ISO date",
        ),
        ('name = "X"\nbbox = [1, 2, 3, 4]\nperiod = "2022"\n', ":3: period: '2022' is not a first and a last day"),
        ("name = 7\nbbox = [1, 2, 3, 4]\n", ":1: name: 7 is not a text"),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\nborder = "../../etc/b.geojson"\n',
            ":3: border: '../../etc/b.geojson' must be a file name inside",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[country_names]\nXX = "Narnia"\n',
            ":4: country_names.XX: unknown country code 'XX'",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n\n[oblasts]\nKursk = "RUS"\n',
            ":5: oblasts.Kursk: unknown country 'RUS' for oblast 'Kursk'",
        ),
        ('name = "X"\nbbox = [1, 2, 3, 4]\noblasts = "Kursk"\n', ":3: oblasts: must be a table [oblasts]"),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[stale_days]\npresence = 0\n',
            ":4: stale_days.presence: 0 is not a positive number of days; write e.g. presence = 30",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[stale_days]\nattack = 10\n',
            ":4: stale_days.attack: unknown kind 'attack'; [stale_days] takes presence and control",
        ),
        (
            'name = "X"\nbbox = [35, 50, 37, 51]\nequal_area_crs = "EPSG:4326"\n',
            ":3: equal_area_crs: 'EPSG:4326' is not a projected CRS",
        ),
        (
            'name = "X"\nbbox = [35, 50, 37, 51]\nequal_area_crs = "EPSG:99999999"\n',
            ":3: equal_area_crs: 'EPSG:99999999' is not a CRS",
        ),
        (
            'name = "X"\nbbox = [35, 50, 37, 51]\nequal_area_crs = "EPSG:3857"\n',
            ":3: equal_area_crs: 'EPSG:3857' is not equal-area in the theatre: near 50.00 N 35.00 E it measures "
            "areas 2.42 times too large; use an equal-area CRS, e.g. '+proj=laea +lat_0=50.5 +lon_0=36.0",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\nnamesake_km = 0\n',
            ":3: namesake_km: 0 is not a distance; write a positive",
        ),
        ('name = "X"\nbbox = [1, 2, 3, 4]\nnamesake_km = "80"\n', ":3: namesake_km: '80' is not a distance"),
        ('name = "X"\nbbox = [1, 2, 3, 4]\nnamesake_km = inf\n', ":3: namesake_km: inf is not a distance"),
        ('name = "X"\nbbox = [1, 2, 3, 4]\nnamesake_km = true\n', ":3: namesake_km: True is not a distance"),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[claimants.ua-x]\nside = "UA"\npatterns = ["gov("]\n',
            ":5: claimants.ua-x.patterns: 'gov(' is not a regular expression: missing ), unterminated subpattern",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[claimants.ua-x]\nside = "UA"\npatterns = []\n',
            ":5: claimants.ua-x.patterns: no pattern; list how articles write them",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[claimants.ua-x]\nside = "Ukraine"\npatterns = ["x"]\n',
            ":4: claimants.ua-x.side: 'Ukraine' is not a side; use one of UA, RU, independent",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[claimants.ua-x]\nside = "UA"\nkind = "state"\npatterns = ["x"]\n',
            ":5: claimants.ua-x.kind: 'state' is not a kind of claimant; use one of org, person",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[claimants.ua-x]\nside = "UA"\npatterns = ["x"]\nreplace = ["y"]\n',
            ":6: claimants.ua-x.replace: unknown key 'replace'; known keys: side, label, kind, patterns, replaces",
        ),
        (
            'name = "X"\nbbox = [1, 2, 3, 4]\n[claimants.UA_X]\nside = "UA"\npatterns = ["x"]\n',
            ":3: claimants.UA_X: 'UA_X' is not a source slug",
        ),
        ('name = "X"\nbbox = [1, 2, 3, 4]\ntitle = \n', ":3: not valid TOML: Invalid value; see geodata/README.md"),
        ('name = "X"\nbbox = [1, 2, 3, 4\n', ":2: not valid TOML: Unclosed array"),
    ],
)
def test_each_mistake_is_reported_at_its_line(tmp_path: Path, text: str, expected: str) -> None:
    path = _toml(tmp_path, text)
    t, problems = read_theatre(path)
    assert t is None
    assert any(str(p).startswith(str(path) + expected) for p in problems), [str(p) for p in problems]
    with pytest.raises(DataError, match=re.escape(expected)):
        load_theatre(tmp_path)


def test_a_dataset_with_a_broken_theatre_reports_it_alone(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    (data / THEATRE_FILE).write_text('name = "X"\nbbox = [1, 2, 3]\n', encoding="utf-8")
    ds, problems = check_dataset(data, today=TODAY)
    assert ds is None
    assert [str(p) for p in problems] == [
        f"{data / THEATRE_FILE}:2: bbox: [1, 2, 3] is not four numbers; "
        "write e.g. bbox = [36.0, 49.0, 38.5, 50.5]  # lon_min, lat_min, lon_max, lat_max"
    ]


# ---- the theatre drives the checks ------------------------------------------------------------

THEATRE = Theatre(bbox=(34.0, 50.5, 36.0, 51.6), oblasts={"Kursk": "RU", "Sumy": "UA"})


def test_gazetteer_oblasts_and_their_countries_come_from_the_theatre(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    head = SETTLEMENTS.splitlines()[0]
    p.write_text(
        head
        + "\n1,A,,,,51.2,35.2,UA,Kursk,,,ref,500,page,\n"
        + "2,B,,,,51.2,35.2,RU,Belgorod,,,ref,500,page,\n"
        + "3,C,,,,50.9,34.8,UA,Sumy,,,ref,500,page,\n",
        encoding="utf-8",
    )
    _, problems = read_gazetteer(p, theatre=THEATRE)
    assert [str(x) for x in problems] == [
        f"{p}:2: country: 'UA' but oblast 'Kursk' is in RU",
        f"{p}:3: oblast: oblast 'Belgorod' is not one of the theatre's (Kursk, Sumy); fix the name, "
        "or add it with its country to [oblasts] in theatre.toml",
    ]
    assert read_gazetteer(p)[1] == []  # without a theatre, no oblast list: nothing to check against


def test_settlements_must_lie_near_the_theatre(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    head = SETTLEMENTS.splitlines()[0]
    p.write_text(
        head + "\n1,A,,,,46.7,32.6,UA,Sumy,,,ref,500,page,\n2,B,,,,48.0,33.0,UA,Sumy,,,ref,500,page,\n",
        encoding="utf-8",
    )
    _, problems = read_gazetteer(p, theatre=THEATRE)
    assert [str(x) for x in problems] == [
        f"{p}:2: lat: lat=46.7 lon=32.6 is outside the region covered "
        "(47.5-54.6 N, 31-39 E: the theatre's bbox and 3° around it)"
    ]


def test_claims_outside_the_period_are_problems(tmp_path: Path) -> None:
    theatre = Theatre(period=(dt.date(2024, 8, 6), dt.date(2025, 5, 21)), path="t/theatre.toml")
    p = tmp_path / "ru-mod.csv"
    p.write_text(
        HEADER
        + "a,2023-08-14,ru-mod,control,Sudzha,RU,,,,,x,https://example.org/a,\n"
        + "b,2024-08-06,ru-mod,control,Sudzha,RU,,,,,x,https://example.org/b,\n"
        + "c,2025-05-21,ru-mod,control,Sudzha,RU,,,,,x,https://example.org/c,\n"
        + "d,2025-05-22,ru-mod,control,Sudzha,RU,,,,,x,https://example.org/d,\n",
        encoding="utf-8",
    )
    df, problems = read_claims([p], sources=["ru-mod"], today=TODAY, theatre=theatre)
    assert list(df["claim_id"]) == ["b", "c"]  # the first and the last day are in the period
    assert [str(x) for x in problems] == [
        f"{p}:2: date: 2023-08-14 is before the theatre's period (2024-08-06 to 2025-05-21, t/theatre.toml); "
        "check the year, or widen 'period' in theatre.toml",
        f"{p}:5: date: 2025-05-22 is after the theatre's period (2024-08-06 to 2025-05-21, t/theatre.toml); "
        "check the year, or widen 'period' in theatre.toml",
    ]


def test_region_claim_hint_names_an_oblast_of_the_theatre(tmp_path: Path) -> None:
    p = tmp_path / "ru-mod.csv"
    p.write_text(HEADER + "a,2025-01-01,ru-mod,region,,RU,,,,,x,https://example.org/a,\n", encoding="utf-8")
    _, problems = read_claims([p], sources=["ru-mod"], today=TODAY, theatre=Theatre(oblasts={"Kharkiv": "UA"}))
    assert str(problems[0]).endswith(
        "settlement: a region claim names its oblast in 'settlement', e.g. 'Kharkiv Oblast'"
    )


def test_the_dataset_carries_the_theatre_and_measures_areas_in_its_crs(tmp_path: Path) -> None:
    plain = load_dataset(write_dataset(tmp_path / "plain"), today=TODAY)
    assert plain.theatre.name == "plain" and plain.theatre.path == ""
    assert plain.cells.crs.srs.startswith("+proj=laea +lat_0=51.0 +lon_0=35.0")  # centred on the settlements
    data = write_dataset(tmp_path / "data")
    (data / THEATRE_FILE).write_text(GOOD, encoding="utf-8")
    ds = load_dataset(data, today=TODAY)
    assert ds.theatre.name == "Test front" and ds.theatre.path == str(data / THEATRE_FILE)
    assert ds.cells.crs.to_epsg() == 3035
    # the same ground in two equal-area projections (cells and 5 km discs are drawn in the plane: shapes differ a bit)
    assert ds.cells["area_km2"].sum() == pytest.approx(plain.cells["area_km2"].sum(), rel=0.01)
    assert ds.cells["area_km2"].sum() != plain.cells["area_km2"].sum()


def test_a_layer_named_by_the_theatre_must_exist(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    (data / THEATRE_FILE).write_text(
        GOOD.replace('border = "border.geojson"', 'border = "frontier.geojson"'), encoding="utf-8"
    )
    ds, problems = check_dataset(data, today=TODAY)
    assert ds is None
    assert [str(p) for p in problems] == [
        f"{data / THEATRE_FILE}: border: names 'frontier.geojson', which is not a file in {data}; add it or fix the name"
    ]


# ---- the theatre drives the pages ---------------------------------------------------------------


def test_pages_show_the_theatre(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    (data / THEATRE_FILE).write_text(GOOD, encoding="utf-8")
    out = tmp_path / "atlas"
    manifest = build_atlas(data, out, today=TODAY, images=False)
    assert manifest["theatre"]["name"] == "Test front"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>The &lt;test&gt; front &amp; its claims</title>" in index
    assert "<h1>The &lt;test&gt; front &amp; its claims</h1>" in index
    assert "equal-area projection (EPSG:3035)" in index
    assert "credits: Settlements: test gazetteer &amp; friends" in index  # the theatre's, escaped
    page = (out / "ru-mod" / "2025-03-13.html").read_text(encoding="utf-8")
    assert "<title>Russian Ministry of Defence — 2025-03-13 — Test front</title>" in page
    assert "Held by Ruritania" in page and "Held by Ukraine" not in page
    assert "Settlements: test gazetteer \\u0026amp; friends" in page  # the theatre's credits, escaped (in JSON)
    assert '"Ruritania\\u2013Russia border" : geo_json_' in page  # the border layer, named by the theatre (in JSON)
    assert "Natural Earth" not in page  # the layer says whose border, not where a bundled file came from
    compare = next((out / "compare").glob("*.html")).read_text(encoding="utf-8")
    assert re.search(r"<title>All sources — [0-9-]+ — Test front</title>", compare)
    timeline = (out / "ru-mod" / "timeline.html").read_text(encoding="utf-8")
    assert "— timeline — Test front</title>" in timeline and "Held by Ruritania" in timeline


def test_a_map_without_settlement_claims_opens_on_the_theatre(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    (data / THEATRE_FILE).write_text(GOOD, encoding="utf-8")
    build_atlas(data, tmp_path / "atlas", today=TODAY, images=False)
    # on 2025-04-26 only the whole-oblast claim decides: no claimed settlement to fit, so the bbox
    page = (tmp_path / "atlas" / "ru-mod" / "2025-04-26.html").read_text(encoding="utf-8")
    assert "center: [51.05, 35.0]," in page
    assert "fitBounds([[50.5, 34.0], [51.6, 36.0]], {animate: false});" in page
