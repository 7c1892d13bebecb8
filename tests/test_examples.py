"""The second theatre in examples/ builds with the command, with no code of its own, and reads as its own atlas."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pytest

from kursk_map.cli import main

from .browser_support import browser_page, chromium_path
from .conftest import REPO

EXAMPLE = REPO / "examples" / "kharkiv-2022"
#: GeoNames' postal-code file for Ukraine, beside the repository (the example's registry rows cite its lines).
POSTAL = REPO.parent / "shared" / "data" / "geonames-postal" / "UA.txt"
#: The place name, not the tool's own name (kursk_map, kursk-map) in credits and generator lines.
KURSK = re.compile(r"kursk(?![_-]map)", re.IGNORECASE)
#: JavaScript run in the page: each overlay of the layer control, its label and the features it drew.
OVERLAYS_JS = """() => Object.keys(window).filter(k => /^layer_control_.*_layers$/.test(k))
  .flatMap(k => Object.entries(window[k].overlays).map(([name, layer]) => [name, layer.getLayers().length]))"""


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kharkiv") / "atlas"
    assert main(["build", "--data", str(EXAMPLE), "--out", str(out), "--no-images"]) == 0
    return out


def _placed_settlements() -> list[dict[str, str]]:
    with (EXAMPLE / "settlements.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["lat"]]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_example_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data", str(EXAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert err == ""  # no warning: its namesake_km fits the front, and every claim is placed
    assert re.search(r"^ok: \d+ settlements, \d+ sources, \d+ claims \(2022-09-\d\d to 2022-10-\d\d\), 0 unplaced", out)
    assert f"theatre: Kharkiv 2022 ({EXAMPLE / 'theatre.toml'})" in out


def test_every_registry_point_is_the_point_of_its_reference() -> None:
    """Each point is the cited line of the postal file or the cited record of the committed Who's On First excerpt."""
    wof = {
        r["ref"]: (float(r["lat"]), float(r["lon"]))
        for r in _rows(EXAMPLE / "upstream" / "wof-admin-ua-Kharkivska.csv")
    }
    postal: dict[str, list[tuple[float, float]]] = {}  # the code's search page -> the points of its lines
    for line in POSTAL.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if cells[3] == "Kharkivska" and cells[11] == "4":
            ref = f"https://www.geonames.org/postalcode-search.html?q={cells[1]}&country=UA"
            postal.setdefault(ref, []).append((float(cells[9]), float(cells[10])))
    rows = [r for r in _rows(EXAMPLE / "settlements.csv") if r["method"] == "registry"]
    assert len(rows) > 700
    for r in rows:
        point = (float(r["lat"]), float(r["lon"]))
        assert point in [pytest.approx(p, abs=1e-5) for p in postal.get(r["ref"], [wof.get(r["ref"])])], r["id"]
        assert r["id"].startswith("katotth:UA63") and r["oblast"] == "Kharkiv"  # a KATOTTH locality of the oblast
    placed = [(r["lat"], r["lon"]) for r in _rows(EXAMPLE / "settlements.csv") if r["lat"]]
    assert len(placed) == len(set(placed))  # one point, one place


def test_curated_rows_are_kept_with_their_page_and_point() -> None:
    curated = _rows(EXAMPLE / "curated_settlements.csv")
    assert {r["name"] for r in curated} == {"Balakliia", "Kupiansk", "Lyman", "Shevchenkove", "Verbivka"}
    gazetteer = {r["id"]: r for r in _rows(EXAMPLE / "settlements.csv")}
    for c in curated:
        row = gazetteer[c["id"]]
        assert (row["name"], row["lat"], row["lon"], row["ref"], row["method"]) == (
            c["name"],
            c["lat"],
            c["lon"],
            c["ref"],
            "page",
        )
    # the registry's own row of a curated place is not listed twice
    names = [(r["name"], r["raion"]) for r in gazetteer.values()]
    assert all(names.count((c["name"], c["raion"])) == 1 for c in curated)


def test_claims_come_from_both_sides_with_a_link_each() -> None:
    with (EXAMPLE / "sources.csv").open(encoding="utf-8", newline="") as f:
        side = {r["slug"]: r["side"] for r in csv.DictReader(f)}
    rows = []
    for path in sorted((EXAMPLE / "claims").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows += list(csv.DictReader(f))
    assert len(rows) >= 40
    by_side = {s: sum(side[r["source"]] == s for r in rows) for s in ("UA", "RU", "independent")}
    assert min(by_side.values()) >= 5, by_side
    assert all(r["url"].startswith(("https://", "http://")) and r["summary"] for r in rows)


def test_index_carries_the_theatres_title_and_every_source(atlas: Path) -> None:
    theatre = tomllib.loads((EXAMPLE / "theatre.toml").read_text(encoding="utf-8"))
    index = (atlas / "index.html").read_text(encoding="utf-8")
    title = theatre["title"].replace("'", "&#x27;")
    assert f"<title>{title}</title>" in index and f"<h1>{title}</h1>" in index
    manifest = json.loads((atlas / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["theatre"]["name"] == theatre["name"] == "Kharkiv 2022"
    with (EXAMPLE / "sources.csv").open(encoding="utf-8", newline="") as f:
        slugs = {r["slug"] for r in csv.DictReader(f)}
    assert {m["source"] for m in manifest["maps"]} == slugs  # every source has at least one map
    assert manifest["settlements_placed"] == len(_placed_settlements())


def test_every_placed_settlement_is_in_the_shared_settlements_script(atlas: Path) -> None:
    text = (atlas / "settlements.js").read_text(encoding="utf-8")
    columns = json.loads(text.split(" = ", 2)[2].rstrip().rstrip(";"))
    placed = _placed_settlements()
    assert len(columns["lat"]) == len(placed)
    # positions are written to about 10 m
    assert sorted(columns["lat"]) == pytest.approx(sorted(float(r["lat"]) for r in placed), abs=1e-4)
    assert sorted(columns["lon"]) == pytest.approx(sorted(float(r["lon"]) for r in placed), abs=1e-4)


def test_no_page_mentions_kursk_unless_the_data_does(atlas: Path) -> None:
    data = [p for p in EXAMPLE.rglob("*") if p.suffix in (".csv", ".toml", ".geojson")]
    # so no page may (theatre.toml's claimants name the extractor lexicon's slug they replace: no page shows it)
    texts = [re.sub(r"(?m)^replaces = .*$", "", p.read_text(encoding="utf-8")) for p in data]
    assert not any(KURSK.search(t) for t in texts)
    pages = [p for p in atlas.rglob("*") if p.suffix in (".html", ".js", ".json", ".geojson")]
    assert len(pages) > 40
    offending = {str(p.relative_to(atlas)): KURSK.findall(p.read_text(encoding="utf-8")) for p in pages}
    assert {k: v for k, v in offending.items() if v} == {}


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make test installs it)")
def test_a_map_draws_every_settlement_and_opens_on_kharkiv(atlas: Path) -> None:
    theatre = tomllib.loads((EXAMPLE / "theatre.toml").read_text(encoding="utf-8"))
    x0, y0, x1, y1 = theatre["bbox"]
    with browser_page() as (page, errors, blocked):
        page.goto((atlas / "ru-mod" / "2022-09-11.html").as_uri())
        page.wait_for_function("() => typeof L !== 'undefined' && Object.keys(window).some(k => k.startsWith('map_'))")
        overlays = dict(page.evaluate(OVERLAYS_JS))
        centre = page.evaluate(
            "() => { const m = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];"
            " const c = m.getCenter(); return [c.lat, c.lng]; }"
        )
        panel = page.locator(".km-panel").inner_text()
    groups = {name: n for name, n in overlays.items() if name.startswith(("Held by", "Contested", "No claim"))}
    assert len(groups) == 4, overlays
    assert sum(groups.values()) == len(_placed_settlements())  # every placed settlement, once
    assert all(name.endswith(f"({n})") for name, n in groups.items())  # as many dots as the label says
    assert (
        groups["Held by Russia (1)"] == 1 and groups["Held by Ukraine (3)"] == 3
    )  # Borova; Balakliia, Izium, Vovchansk
    assert y0 <= centre[0] <= y1 and x0 <= centre[1] <= x1, centre
    assert panel.startswith("Russian Ministry of Defence")
    assert errors == [] and blocked == []


def test_extract_knows_the_examples_own_claimants(tmp_path: Path) -> None:
    """theatre.toml names its regional authorities: "the governor" is theirs, not the Kursk governor of the lexicon."""
    pytest.importorskip("pymorphy3", reason="the extract extra is not installed: pip install 'kursk_map[extract]'")
    from kursk_map.extract import extract_files  # the optional extra, checked above

    article = tmp_path / "article.txt"
    article.write_text(
        "Kharkiv governor Oleh Syniehubov said on Sunday that Ukrainian forces had liberated Balakliia. "
        "The governor added that fighting continued near Kupiansk.\n\n"
        "Vitaly Ganchev, head of the Russian-installed administration, said Russian troops still held Izium.",
        encoding="utf-8",
    )
    results, skipped = extract_files([str(article)], data=EXAMPLE, published=dt.date(2022, 9, 12))
    assert skipped == []
    rows = [(r["source"], r["settlement"], r["controller"]) for r in results[0].rows]
    assert rows == [
        ("ua-kharkiv-authorities", "Balakliia", "UA"),
        ("ua-kharkiv-authorities", "Kupiansk", "contested"),
        ("ru-kharkiv-administration", "Izium", "RU"),
    ]
    assert not any("new source slug" in r["note"] for r in results[0].rows)  # both are in sources.csv
