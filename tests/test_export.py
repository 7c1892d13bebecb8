from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from kursk_map import KurskMapError, compute_state, load_dataset
from kursk_map.cli import main
from kursk_map.export import FIELDS, export_frame, export_state, geojson_bytes, geojson_head, geojson_text
from kursk_map.render.style import COLOURS, LABELS
from kursk_map.state import Ageing
from kursk_map.view import SourceExports, export_context, map_dates, source_states

from .conftest import TODAY, write_dataset

SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOSTILE_SOURCES = """\
slug,name,side,kind,url
ru-mod,Ministry <of> Defence & "Co",RU,official,https://mil.ru/
ua-gs,General Staff of Ukraine,UA,official,
"""


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    assert data[12:16] == b"IHDR"
    w, h = struct.unpack(">II", data[16:24])
    return w, h


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()  # raises if the SVG is not well-formed XML
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


# ---- data exports -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "day"), [("ru-mod", "2025-03-15"), ("ua-gs", "2025-05-21"), ("ru-mod", "2025-04-26")]
)
def test_geojson_is_the_state(dataset, tmp_path: Path, source: str, day: str) -> None:
    out = export_state(dataset, source, day, tmp_path / "s.geojson")
    doc = json.loads(out.read_text(encoding="utf-8"))
    state = compute_state(dataset.gazetteer, dataset.ledger, source=source, date=dt.date.fromisoformat(day))
    assert doc["type"] == "FeatureCollection"
    feats = doc["features"]
    assert len(feats) == len(state) == 6  # the seven gazetteer rows less the unplaced one
    by_id = {f["properties"]["id"]: f for f in feats}
    assert set(by_id) == set(state["id"])
    for r in state.to_dict("records"):
        props = by_id[r["id"]]["properties"]
        # a settlement the source never claimed is baseline, with no controller: it is not a claim
        assert props["controller"] == (None if r["basis"] == "baseline" else r["controller"])
        assert props["basis"] == r["basis"]
        assert props["claim_ids"] == (";".join(r["claim_ids"]) or None)
        assert props["method"] == r["method"]
        assert props["source"] == source
        assert props["as_of"] == day
        lon, lat = by_id[r["id"]]["geometry"]["coordinates"]
        assert (lon, lat) == (round(r["lon"], 5), round(r["lat"], 5))
    assert [f["id"] for f in feats] == sorted(by_id)


def test_geojson_values_for_known_claims(dataset) -> None:
    doc = json.loads(geojson_text(export_context(dataset, "ru-mod", dt.date(2025, 3, 15))))
    props = {f["id"]: f["properties"] for f in doc["features"]}
    sudzha = props["486816"]
    assert (sudzha["controller"], sudzha["basis"], sudzha["since"], sudzha["claim_ids"]) == (
        "RU",
        "claim",
        "2025-03-13",
        "ru-1",
    )
    assert sudzha["colour"] == COLOURS["RU"] and sudzha["label"] == LABELS["RU"]
    gornal = props["kmap:gornal-sudzhansky"]
    assert (gornal["basis"], gornal["controller"], gornal["label"]) == ("baseline", None, LABELS["baseline"])
    assert gornal["country"] == "RU"
    assert gornal["method"] == "derived"
    assert "Knownvillage" not in {p["name"] for p in props.values()}


def test_gpkg_reads_back(dataset, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()  # a missing folder is an error, not created (test_catalogue)
    out = export_state(dataset, "ua-gs", "2025-05-21", tmp_path / "sub" / "s.gpkg")
    assert [name for name, _kind in pyogrio.list_layers(out)] == ["settlements", "claims", "areas", "relative"]
    back = gpd.read_file(out, layer="settlements")
    state = compute_state(dataset.gazetteer, dataset.ledger, source="ua-gs", date=dt.date(2025, 5, 21))
    assert back.crs.to_epsg() == 4326
    assert len(back) == len(state)
    claimed = state[state["basis"] != "baseline"]
    assert dict(zip(back["id"], back["state"], strict=True)) == {
        **dict.fromkeys(state["id"], "baseline"),
        **dict(zip(claimed["id"], claimed["controller"], strict=True)),
    }
    assert back.loc[back["state"] == "baseline", "controller"].isna().all()  # baseline rows claim nothing
    gornal = back[back["name"] == "Gornal"].iloc[0]
    assert (gornal["controller"], gornal["basis"], gornal["claim_ids"]) == ("contested", "claim", "ua-5")
    assert gornal["summary"] == "Says positions near Gornal are held." and gornal["url"] == "https://example.org/ua5"
    assert gornal["age_days"] == 0 and gornal["precision_m"] == 2000 and gornal["method"] == "derived"
    sudzha = back[back["name"] == "Sudzha"].iloc[0]
    assert (sudzha["since"], sudzha["age_days"]) == ("2024-08-14", (dt.date(2025, 5, 21) - dt.date(2024, 8, 14)).days)
    assert gornal.geometry.x == pytest.approx(35.5) and gornal.geometry.y == pytest.approx(51.07)


def test_gpkg_claims_areas_and_relative_layers(dataset, tmp_path: Path) -> None:
    out = export_state(dataset, "ua-gs", "2025-05-21", tmp_path / "s.gpkg")
    claims = gpd.read_file(out, layer="claims")
    assert list(claims["claim_id"]) == ["ua-1", "ua-2", "ua-3", "ua-4", "ua-5"]  # every row of the ledger to date
    row = claims.set_index("claim_id").loc["ua-2"]
    assert (row["kind"], row["value"], row["unit"], row["geometry"]) == ("area", 1000, "km2", None)
    placed = claims.set_index("claim_id").loc["ua-1"]
    assert (placed["settlement"], placed["settlement_id"], bool(placed["placed"])) == ("Sudscha", "486816", True)
    assert placed.geometry.x == pytest.approx(35.27082)
    areas = gpd.read_file(out, layer="areas")
    assert sorted(areas["controller"]) == ["UA", "contested"] and set(areas["kind"]) == {"implied"}
    assert "not a front line" in areas["note"].iloc[0] and (areas["area_km2"] > 0).all()
    rel = gpd.read_file(out, layer="relative")
    assert list(rel["claim_id"]) == ["ua-3"] and rel.geometry.iloc[0].geom_type == "LineString"
    (x0, y0), (x1, y1) = rel.geometry.iloc[0].coords
    assert (x0, y0) == pytest.approx((35.27082, 51.19055)) and x1 > x0 and y1 < y0  # 5 km south-east


def test_gpkg_of_a_day_without_advances_has_an_empty_relative_layer(dataset, tmp_path: Path) -> None:
    out = export_state(dataset, "ru-mod", "2025-03-15", tmp_path / "r.gpkg")
    assert len(gpd.read_file(out, layer="relative")) == 0
    assert len(gpd.read_file(out, layer="settlements")) == 6


# ---- images -------------------------------------------------------------------------------


# A4 landscape is 297 x 210 mm: 2338.6 x 1653.5 pixels at 200 dpi, truncated by matplotlib
@pytest.mark.parametrize(("size", "pixels"), [("a4", (2338, 1653)), ("16x9", (1920, 1080))])
def test_png_has_the_page_size(dataset, tmp_path: Path, size: str, pixels: tuple[int, int]) -> None:
    out = export_state(dataset, "ru-mod", "2025-03-15", tmp_path / "m.png", size=size)
    assert _png_size(out.read_bytes()) == pixels


def test_svg_has_title_legend_counts_and_attribution(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", sources=HOSTILE_SOURCES)
    (data / "theatre.toml").write_text(
        'name = "Test"\nbbox = [34.0, 50.5, 36.0, 51.6]\n'
        'attribution = "Settlements: GeoNames (CC BY 4.0) · Border: Natural Earth"\n',
        encoding="utf-8",
    )
    ds = load_dataset(data, today=TODAY)
    out = export_state(ds, "ru-mod", "2025-03-15", tmp_path / "m.svg")
    raw = out.read_text(encoding="utf-8")
    assert "Ministry &lt;of&gt; Defence &amp;" in raw  # escaped in the file ...
    texts = _svg_texts(out)
    joined = "\n".join(texts)
    name = 'Ministry <of> Defence & "Co"'
    assert any(t.startswith(f"{name}: claimed control of settlements, 2025-03-15") for t in texts)  # ... intact in XML
    assert f"Claimed by {name}".replace(" ", "") in joined.replace("\n", "").replace(" ", "")
    # counts per controller on 2025-03-15: Sudzha and Zaoleshenka claimed RU, four others without a claim
    assert f"{LABELS['RU']}: 2" in texts
    assert f"{LABELS['UA']}: 0" in texts
    assert f"{LABELS['contested']}: 0" in texts
    assert f"{LABELS['baseline']}: 4" in texts
    assert "Sudzha" in texts and "Zaoleshenka" in texts  # named settlements are labelled
    assert any(t.endswith(" km") for t in texts)  # scale bar
    assert "Settlements: GeoNames (CC BY 4.0) · Border: Natural Earth · No basemap tiles" in joined  # theatre.toml
    assert f"fill: {COLOURS['RU'].lower()}" in raw


def test_svg_draws_derived_positions_hollow(dataset, tmp_path: Path) -> None:
    out = export_state(dataset, "ua-gs", "2025-05-21", tmp_path / "m.svg")
    raw = out.read_text(encoding="utf-8")
    # Gornal (method 'derived') is claimed contested: a ring, no filled dot of that colour on the map
    assert f"fill: none; stroke: {COLOURS['contested'].lower()}" in raw
    assert f"{LABELS['contested']}: 1" in _svg_texts(out)
    assert f"{LABELS['UA']}: 1" in _svg_texts(out)


def test_geojson_carries_the_age_and_what_the_drawn_areas_show(tmp_path: Path) -> None:
    from .conftest import UA_AREAS, write_areas

    root = write_dataset(tmp_path / "data")
    plain = export_state(load_dataset(root, today=TODAY), "ua-gs", "2025-05-21", tmp_path / "plain.geojson")
    for day, boxes in UA_AREAS.items():
        write_areas(root, "ua-gs", day, *boxes)
    drawn = export_state(load_dataset(root, today=TODAY), "ua-gs", "2025-05-21", tmp_path / "drawn.geojson")
    before, after = ({f["id"]: f["properties"] for f in json.loads(p.read_text())["features"]} for p in (plain, drawn))
    keys = ("basis", "since", "age_days", "stale", "expired", "area_controller", "area_date", "at_edge")
    # without areas: Sudzha by its named claim of 2024-08-14, 280 days old, stale
    assert tuple(before["486816"][k] for k in keys) == ("claim", "2024-08-14", 280, True, False, None, None, False)
    # with them: the areas of 1 April leave Sudzha to Russia (50 days old); Gornal's named claim of the day wins
    assert tuple(after["486816"][k] for k in keys) == (
        "area",
        "2025-04-01",
        50,
        False,
        False,
        "RU",
        "2025-04-01",
        False,
    )
    gornal = after["kmap:gornal-sudzhansky"]
    assert (gornal["basis"], gornal["area_controller"], gornal["area_date"]) == ("claim", "RU", "2025-04-01")


def test_svg_fades_stale_claims_and_counts_them(dataset, tmp_path: Path) -> None:
    out = export_state(dataset, "ua-gs", "2025-05-21", tmp_path / "m.svg")
    raw, texts = out.read_text(encoding="utf-8"), _svg_texts(out)
    # Sudzha: held by Ukraine since 2024-08-14, 280 days before: stale (over 90); Gornal: claimed that day
    assert "Faded: stale claim (1), older" in texts and "than 90 days (30 if contested)" in texts
    assert f"fill: {COLOURS['UA'].lower()}; fill-opacity: 0.35; stroke: #8c8c8c" in raw
    fresh = export_state(dataset, "ru-mod", "2025-03-15", tmp_path / "f.svg")
    assert not any(t.startswith("Faded") for t in _svg_texts(fresh))  # claims of 2 days before: none stale


@pytest.mark.parametrize("fmt", ["png", "svg", "geojson", "gpkg"])
def test_exports_are_deterministic(data_dir: Path, tmp_path: Path, fmt: str) -> None:
    first = export_state(load_dataset(data_dir, today=TODAY), "ru-mod", "2025-03-15", tmp_path / f"a.{fmt}")
    second = export_state(load_dataset(data_dir, today=TODAY), "ru-mod", "2025-03-15", tmp_path / f"b.{fmt}")
    other = export_state(load_dataset(data_dir, today=TODAY), "ru-mod", "2025-04-26", tmp_path / f"c.{fmt}")
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()  # a different state gives a different file


def test_format_follows_the_file_name(dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert export_state(dataset, "ru-mod", "2025-03-15", tmp_path / "x.svg").read_bytes().startswith(b"<?xml")
    monkeypatch.chdir(tmp_path)
    out = export_state(dataset, "ru-mod", dt.date(2025, 3, 15), fmt="geojson")
    assert out == Path("ru-mod-2025-03-15.geojson")
    assert (tmp_path / out).exists()


# ---- a web page for a CMS -----------------------------------------------------------------


def test_html_export_is_one_page_and_the_files_it_loads(dataset, tmp_path: Path) -> None:
    page = export_state(dataset, "ru-mod", "2025-03-15", tmp_path / "cms", fmt="html")
    assert page == tmp_path / "cms" / "ru-mod-2025-03-15.html"
    written = sorted(str(p.relative_to(tmp_path / "cms")) for p in (tmp_path / "cms").rglob("*") if p.is_file())
    assert written == [
        "assets/leaflet-1.9.3/LICENSE",
        "assets/leaflet-1.9.3/images/layers-2x.png",
        "assets/leaflet-1.9.3/images/layers.png",
        "assets/leaflet-1.9.3/leaflet.css",
        "assets/leaflet-1.9.3/leaflet.js",
        "assets/listbox.js",
        "assets/map.css",
        "assets/map.js",
        "ru-mod-2025-03-15.html",
    ]
    html = page.read_text(encoding="utf-8")
    loads = re.findall(r'<(?:script[^>]* src|link[^>]* href)="([^"]+)"', html)
    assert sorted(loads) == [
        "assets/leaflet-1.9.3/leaflet.css",
        "assets/leaflet-1.9.3/leaflet.js",
        "assets/listbox.js",
        "assets/map.css",
        "assets/map.js",
    ]
    assert "Says Zaoleshenka was taken." in html  # the claim texts are inside the page (no claims.js)
    # again into the same folder: the same files, the page written again
    assert export_state(dataset, "ua-gs", "2025-05-21", tmp_path / "cms", fmt="html").name == "ua-gs-2025-05-21.html"
    assert export_state(dataset, "ru-mod", "2025-03-15", page, fmt="html") == page  # a path ending .html is the page


def test_html_export_refuses_to_replace_a_file_it_did_not_write(dataset, tmp_path: Path) -> None:
    theirs = tmp_path / "cms" / "assets" / "leaflet-1.9.3" / "leaflet.js"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("// someone's own Leaflet build", encoding="utf-8")
    with pytest.raises(KurskMapError, match=r"leaflet.js exists and is not the file kursk_map would write there"):
        export_state(dataset, "ru-mod", "2025-03-15", tmp_path / "cms", fmt="html")
    assert theirs.read_text(encoding="utf-8") == "// someone's own Leaflet build"
    assert not (tmp_path / "cms" / "ru-mod-2025-03-15.html").exists()


def test_cli_exports_html_into_a_folder(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["export", "--data", str(data_dir), "--source", "ua-gs", "--date", "2025-05-21", "--format", "html"]
    assert main([*args, "--out", str(tmp_path / "site")]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {(tmp_path / 'site' / 'ua-gs-2025-05-21.html').absolute()}"


# ---- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"source": "nope", "date": "2025-03-15"}, r"unknown source 'nope'; known: ru-mod, ua-gs"),
        (
            {"source": "ru-mod", "date": "2025-03-01"},
            r"'ru-mod' made no claim on or before 2025-03-01: its claims run from 2025-03-13 to 2025-04-26",
        ),
        ({"source": "ru-mod", "date": "15.03.2025"}, r"'15.03.2025' is not an ISO date"),
        ({"source": "ru-mod", "date": "2025-03-15", "fmt": "pdf"}, r"unknown export format 'pdf'; choose one of png"),
        ({"source": "ru-mod", "date": "2025-03-15", "size": "a3"}, r"unknown size 'a3'; choose one of a4, 16x9"),
        ({"source": "ru-mod", "date": "2025-03-15", "path": "m.txt"}, r"cannot tell the export format .* 'm.txt'"),
    ],
)
def test_errors_say_what_to_do(dataset, kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(KurskMapError, match=match):
        export_state(dataset, **kwargs)  # type: ignore[arg-type]


def test_source_without_claims(tmp_path: Path) -> None:
    sources = HOSTILE_SOURCES + "isw,Institute for the Study of War,independent,analyst,https://example.org/\n"
    ds = load_dataset(write_dataset(tmp_path / "data", sources=sources), today=TODAY)
    with pytest.raises(KurskMapError, match=r"source 'isw' has no claims in the ledger"):
        export_state(ds, "isw", "2025-03-15", tmp_path / "m.png")


def test_missing_matplotlib_gives_install_hint(dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(KurskMapError, match=r"needs matplotlib.*pip install matplotlib"):
        export_state(dataset, "ru-mod", "2025-03-15", tmp_path / "m.png")
    assert not (tmp_path / "m.png").exists()
    assert export_state(dataset, "ru-mod", "2025-03-15", tmp_path / "m.geojson").exists()  # data needs no matplotlib


# ---- command line -------------------------------------------------------------------------


def test_cli_export_writes_the_file(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.png"
    args = ["export", "--data", str(data_dir), "--source", "ru-mod", "--date", "2025-03-15", "--out", str(out)]
    assert main([*args, "--size", "16x9"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out.absolute()}"
    assert _png_size(out.read_bytes()) == (1920, 1080)
    assert main([*args[:-1], str(tmp_path / "m.dat"), "--format", "geojson"]) == 0
    assert json.loads((tmp_path / "m.dat").read_text(encoding="utf-8"))["type"] == "FeatureCollection"


@pytest.mark.parametrize(
    "case",
    [
        ("nope", "2025-03-15", "error: unknown source 'nope'"),
        ("ua-gs", "2024-01-01", "error: 'ua-gs' made no claim on or before 2024-01-01"),
    ],
)
def test_cli_export_errors_exit_1(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: tuple[str, str, str]
) -> None:
    source, day, message = case
    out = tmp_path / "m.png"
    assert main(["export", "--data", str(data_dir), "--source", source, "--date", day, "--out", str(out)]) == 1
    assert capsys.readouterr().err.startswith(message)
    assert not out.exists()


def test_cli_export_rejects_a_bad_date(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", "--data", str(data_dir), "--source", "ru-mod", "--date", "15.03.2025"])
    assert exc.value.code == 2
    assert "is not an ISO date" in capsys.readouterr().err


def _geojson_reference(ctx) -> str:
    """The GeoJSON text written the plain way: one ``json.dumps`` per feature of ``export_frame``."""
    frame = export_frame(ctx)
    head = geojson_head(ctx)
    lines = []
    for r in frame[list(FIELDS)].to_dict("records"):
        props = {
            k: (None if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else v) for k, v in r.items()
        }
        feat = {
            "type": "Feature",
            "id": r["id"],
            "properties": props,
            "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
        }
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    return json.dumps(head, ensure_ascii=False)[:-1] + ',\n"features":[\n' + ",\n".join(lines) + "\n]}\n"


@pytest.mark.parametrize(
    ("source", "day"), [("ru-mod", "2025-03-15"), ("ru-mod", "2025-04-27"), ("ua-gs", "2025-02-06")]
)
def test_geojson_text_matches_plain_serialisation(dataset, source: str, day: str) -> None:
    # geojson_text assembles cached fragments for speed; it must write what json.dumps writes.
    ctx = export_context(dataset, source, day)
    assert geojson_text(ctx) == _geojson_reference(ctx)


def test_geojson_text_matches_plain_serialisation_on_awkward_values(dataset) -> None:
    ctx = export_context(dataset, "ru-mod", "2025-03-15")
    st = ctx.state.copy()
    first = st.index[0]
    st.loc[first, "name"] = 'Quote " back\\slash </script> Суджа \u2028'
    st.loc[first, "raion"] = ""
    st.loc[first, "precision_m"] = float("nan")
    awkward = dataclasses.replace(ctx, state=st)
    text = geojson_text(awkward)
    assert text == _geojson_reference(awkward)
    assert json.loads(text)["features"]


# ---- the GeoJSON writer: fixed parts once per gazetteer, the state's columns once per value ----------


def _null(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else v


def _feature_by_feature(ctx) -> str:
    """The GeoJSON of ``ctx`` written row by row from the state, by the rules export_frame documents."""
    lines = []
    for r in ctx.state.sort_values("id", kind="stable").to_dict("records"):
        group = r["group"]
        lat, lon = round(float(r["lat"]), 5), round(float(r["lon"]), 5)
        props = {k: _null(r[k]) for k in ("id", "name", "name_ru", "name_uk", "raion", "oblast", "country")}
        props |= {
            "controller": None if group == "baseline" else _null(r["controller"]),
            "label": ctx.theatre.labels[group],
            "colour": COLOURS[group],
            "basis": _null(r["basis"]),
            "since": _null(r["since"]),
            "age_days": int(r["age_days"]) if r["age_days"] >= 0 else None,
            "stale": bool(r["stale"]),
            "expired": bool(r["expired"]),
            "area_controller": str(r["area_controller"]) or None,
            "area_date": str(r["area_date"]) or None,
            "at_edge": bool(r["at_edge"]),
            "claim_ids": ";".join(r["claim_ids"]) or None,
            "lat": lat,
            "lon": lon,
            "precision_m": _null(float(r["precision_m"])),
            "method": _null(r["method"]),
            "ref": _null(r["ref"]),
            "source": ctx.source["slug"],
            "as_of": ctx.date.isoformat(),
        }
        assert tuple(props) == FIELDS
        feat = {"type": "Feature", "id": str(r["id"]), "properties": props}
        feat["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    head = json.dumps(geojson_head(ctx), ensure_ascii=False)[:-1] + ',\n"features":[\n'
    return head + ",\n".join(lines) + "\n]}\n"


def _drawn_dataset(root: Path):
    from .conftest import UA_AREAS, write_areas

    write_dataset(root)
    for day, boxes in UA_AREAS.items():
        write_areas(root, "ua-gs", day, *boxes)
    return load_dataset(root, today=TODAY)


@pytest.mark.parametrize("ageing", [None, Ageing(presence_days=3, control_days=20, max_age_days=40)])
def test_geojson_equals_the_feature_by_feature_text_on_every_date(tmp_path: Path, ageing: Ageing | None) -> None:
    # every map date of both sources, one after the other as an atlas writes them (the fixed parts are reused)
    ds = _drawn_dataset(tmp_path / "data")
    seen: dict[str, set] = {k: set() for k in ("basis", "stale", "expired", "at_edge", "area_controller", "group")}
    for source in ("ru-mod", "ua-gs"):
        days = map_dates(ds, source)
        for day, state in source_states(ds, source, days, ageing=ageing):
            ctx = export_context(ds, source, day, state=state, ageing=ageing)
            assert geojson_text(ctx) == _feature_by_feature(ctx), (source, day)
            assert geojson_bytes(ctx) == _feature_by_feature(ctx).encode("utf-8")
            for k, values in seen.items():
                values.update(state[k].tolist())
    # the dates cover every basis, stale and fresh claims, drawn areas with settlements at their edge
    assert seen["basis"] == {"claim", "region", "area", "baseline"}
    assert seen["stale"] == seen["at_edge"] == {True, False}
    assert {"", "UA", "RU"} <= seen["area_controller"]
    # and, with a maximum age, expired claims (their group the baseline's)
    assert seen["expired"] == ({True, False} if ageing else {False})


def test_geojson_follows_a_change_of_the_fixed_columns(dataset) -> None:
    # the fixed parts are kept from the last state: a state of other names or places must not reuse them
    ctx = export_context(dataset, "ru-mod", "2025-03-15")
    first = geojson_text(ctx)
    changes = {
        "name": "Renamed",
        "lat": 51.5,
        "lon": -0.0,
        "precision_m": 25.0,
        "method": "page",
        "ref": "https://x.org/",
    }
    for col, value in changes.items():
        st = ctx.state.copy()
        st.loc[st.index[0], col] = value
        other = dataclasses.replace(ctx, state=st)
        assert geojson_text(other) == _feature_by_feature(other) != first, col
    lon_zero = ctx.state.assign(lon=0.0)
    minus_zero = ctx.state.assign(lon=-0.0)  # equal as numbers, written "0.0" and "-0.0"
    for st in (lon_zero, minus_zero):
        other = dataclasses.replace(ctx, state=st)
        assert geojson_text(other) == _feature_by_feature(other)
    assert '"coordinates":[-0.0,' in geojson_text(dataclasses.replace(ctx, state=minus_zero))
    reordered = dataclasses.replace(ctx, state=ctx.state.iloc[::-1])  # same rows in another order: same text
    assert geojson_text(reordered) == first
    assert geojson_text(ctx) == first


def test_geojson_writes_odd_state_values_one_by_one(dataset) -> None:
    # values the state never holds but a caller may pass: lists of ids, NaN and None among texts, float ages
    ctx = export_context(dataset, "ru-mod", "2025-04-26")
    st = ctx.state.copy()
    st["claim_ids"] = [list(ids) for ids in st["claim_ids"]]
    st["since"] = st["since"].astype(object)
    st.loc[st.index[0], "since"] = None
    st.loc[st.index[1], "since"], st.loc[st.index[2], "since"] = -0.0, 0.0  # equal numbers, two texts
    st["basis"] = st["basis"].astype(object)
    st.loc[st.index[1], "basis"] = float("nan")
    st["age_days"] = st["age_days"].astype(float)
    st.loc[st.index[2], "age_days"] = float("nan")
    st["area_date"] = st["area_date"].astype(object)
    st.loc[st.index[3], "area_date"] = None  # equal to NaN for pandas, written apart by str(): "None" and "nan"
    st.loc[st.index[4], "area_date"] = float("nan")
    st.loc[st.index[5], "area_controller"] = float("nan")  # missing from a column of texts: "nan"
    assert isinstance(st["area_controller"].dtype, pd.StringDtype)
    odd = dataclasses.replace(ctx, state=st)
    assert geojson_text(odd) == _feature_by_feature(odd)
    props = [f["properties"] for f in json.loads(geojson_text(odd))["features"]]
    assert sum(p["since"] is None for p in props) > sum(p["basis"] == "baseline" for p in props)


def test_export_context_counts_the_claims_and_unplaced_claims_made_up_to_its_date(tmp_path: Path) -> None:
    from .conftest import RU_CLAIMS

    unplaced = "ru-9,2025-03-14,ru-mod,control,Atlantis,RU,,,,,x,https://e.org/x,\n"
    ds = load_dataset(write_dataset(tmp_path / "d", ru=RU_CLAIMS + unplaced), keep_going=True, today=TODAY)
    # ru-mod: ru-1 on 13 March, Atlantis (unplaced) on the 14th, ru-2 on the 15th, ru-3 on 26 April
    expected = {"2025-03-13": (1, 0), "2025-03-14": (2, 1), "2025-03-15": (3, 1), "2025-04-25": (3, 1)}
    expected["2025-04-26"] = (4, 1)
    exports = SourceExports(ds, "ru-mod")
    for day, counts in expected.items():
        for ctx in (export_context(ds, "ru-mod", day), exports.context(day)):
            assert (ctx.claims_to_date, ctx.unplaced) == counts, day
            assert ctx.source["slug"] == "ru-mod" and ctx.date.isoformat() == day
    with pytest.raises(KurskMapError, match=r"'ru-mod' made no claim on or before 2025-03-12: its claims run from"):
        exports.context("2025-03-12")
    with pytest.raises(KurskMapError, match="unknown source 'ru-md'"):
        SourceExports(ds, "ru-md")
