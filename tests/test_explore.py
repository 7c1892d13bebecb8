"""The entry page (explore.html): its data files, and the page itself in headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from kursk_map import compute_state, load_dataset, schemas
from kursk_map.build import build_atlas, explore_series
from kursk_map.names import spellings
from kursk_map.render import Assets, explore_data, render_explore, search_data, series_data
from kursk_map.state import iter_states, source_dates
from kursk_map.view import claim_records

from .browser_support import browser_page, bundled_atlas_of, check_result_list_keys, chromium_path
from .conftest import REPO, TODAY

GROUP = {"U": "UA", "u": "UA", "R": "RU", "r": "RU", "C": "contested", "c": "contested", "-": "baseline"}


def _replay(data: dict, k: int, n: int) -> list[str]:
    codes = ["-"] * n
    for day in data["ev"][: k + 1]:
        for i, code, _refs in day:
            codes[i] = code
    return codes


def _groups(state) -> list[str]:
    """What the map pages colour each settlement (the state's ``group``), in id order."""
    return state.sort_values("id")[schemas.GROUP_COLUMN].tolist()


def test_series_replays_to_the_state_of_every_date(dataset) -> None:
    """The changes per date, applied in order, give the state.py state of each date (incl. region claims)."""
    for slug in ("ru-mod", "ua-gs"):
        dates = source_dates(dataset.ledger, slug)
        states = [st for _, st in iter_states(dataset.gazetteer, dataset.ledger, source=slug, dates=dates)]
        data = series_data([d.isoformat() for d in dates], iter(states), claim_records(dataset))
        for k, day in enumerate(dates):
            expected = _groups(compute_state(dataset.gazetteer, dataset.ledger, source=slug, date=day))
            assert [GROUP[c] for c in _replay(data, k, len(expected))] == expected, (slug, day)
    # ru-mod's last date is the oblast-wide claim: five settlements decided by it, in lower case
    last = _replay(data_ru := series_data(["a", "b", "c"], iter(_ru_states(dataset)), claim_records(dataset)), 2, 6)
    assert "".join(sorted(last)) == "-rrrrr"
    assert data_ru["claims"][-1][2] == "Declares the whole oblast retaken."


def test_series_of_a_source_that_draws_areas_replays_to_what_its_maps_colour() -> None:
    """DeepState's rows read off its map decide settlements with basis ``area``: the explorer shows them
    as the map pages do (it once showed them as no claim: 0 held by Ukraine on 2024-11-22 where the map
    page shows 46)."""
    bundled = load_dataset(REPO / "geodata")
    dates = source_dates(bundled.ledger, "deepstate")
    states = [st for _, st in iter_states(bundled.gazetteer, bundled.ledger, source="deepstate", dates=dates)]
    assert any((st["basis"] == "area").any() for st in states)
    data = series_data([d.isoformat() for d in dates], iter(states), claim_records(bundled))
    for k, st in enumerate(states):
        expected = _groups(st)
        assert [GROUP[c] for c in _replay(data, k, len(expected))] == expected, dates[k]


def _ru_states(dataset) -> list:
    dates = source_dates(dataset.ledger, "ru-mod")
    return [st for _, st in iter_states(dataset.gazetteer, dataset.ledger, source="ru-mod", dates=dates)]


def test_series_lists_each_settlements_claims_deciding_first(dataset) -> None:
    data = series_data(["a", "b", "c"], iter(_ru_states(dataset)), claim_records(dataset))
    sudzha = 0  # id 486816 sorts first
    (_i, code, refs), *_ = [e for e in data["ev"][2] if e[0] == sudzha]
    assert code == "r"  # decided by the region claim of the last date, which outranks its own older claim
    assert [data["claims"][r][0] for r in refs] == ["2025-04-26", "2025-03-13"]
    assert data["claims"][refs[1]] == ["2025-03-13", "RU", "Says Sudzha was retaken.", "https://example.org/ru1"]


def test_series_lists_attacks_as_statements_not_control(dataset) -> None:
    attack = {
        "claim_id": "ru-9",
        "date": "2025-03-14",
        "settlement": "Gornal <b>",
        "settlement_id": "kmap:gornal-sudzhansky",
        "placed": True,
        "controller": "UA",
        "summary": "Says an attack towards Gornal was repelled.",
        "url": "https://example.org/ru9",
    }
    data = series_data(["a", "b", "c"], iter(_ru_states(dataset)), claim_records(dataset), attacks=[attack])
    (line,) = [html for day, html in data["figs"] if day == "2025-03-14"]
    assert "attack near Gornal &lt;b&gt;, not a claim of control" in line and "ru9" in line
    without = series_data(["a", "b", "c"], iter(_ru_states(dataset)), claim_records(dataset))
    assert data["ev"] == without["ev"] and data["claims"] == without["claims"]  # the state is untouched


def test_series_needs_one_state_per_date(dataset) -> None:
    with pytest.raises(ValueError, match="one state per date: 2 dates, 3 states"):
        series_data(["a", "b"], iter(_ru_states(dataset)), claim_records(dataset))


def test_search_index_has_every_spelling_the_resolver_knows(dataset) -> None:
    placed = dataset.gazetteer[dataset.gazetteer.geometry.notna()]
    data = search_data(placed, key="k")
    ids = sorted(placed["id"].astype(str))
    assert data["ids"] == ids
    found = {(s, ids[i]) for s, i in data["s"]}
    assert ("Sudscha", "486816") in found and ("Soudja", "486816") in found and ("Суджа", "486816") in found
    assert ("Sudja", "486816") in found  # a listed alternate
    for r in placed.to_dict("records"):  # the rest differ from an indexed one only in case, accents or marks
        for s in spellings(r["name"], r["name_ru"] or "", r["name_uk"] or ""):
            assert any(x == r["id"] and _letters(y) == _letters(s) for y, x in found), s
    assert data["country"] == "".join(c[0] for c in placed.sort_values("id")["country"])


def _letters(s: str) -> str:
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKD", s.lower())
        if ch.isdigit() or unicodedata.category(ch) in ("Ll", "Lo")
    )


def test_explore_data_and_page_are_escaped(dataset, tmp_path: Path) -> None:
    manifest = {
        "sources": [
            {"slug": "x", "name": "</script><b>X</b>", "side": "RU", "kind": "official", "url": "javascript:1"}
        ],
        "maps": [{"source": "x", "date": "2025-01-02", "claims_to_date": 3}],
        "compare": [],
    }
    data = explore_data(manifest, settlements_key="k")
    assert data["sources"][0]["name"] == "&lt;/script&gt;&lt;b&gt;X&lt;/b&gt;" and data["sources"][0]["url"] is None
    assert data["default"] == "x" and (data["first"], data["last"]) == ("2025-01-02", "2025-01-02")
    html = render_explore(data, assets=Assets("local", "assets/"))
    # Leaflet, data, settlements, config, ours (the search list's and the explorer's)
    assert html.count("<script") == html.count("</script>") == 6
    assert 'src="assets/leaflet-1.9.3/leaflet.js"' in html and 'src="assets/explore.js"' in html
    assert html.index('src="assets/listbox.js"') < html.index('src="assets/explore.js"')
    with pytest.raises(ValueError, match="no map"):
        explore_data({**manifest, "maps": []}, settlements_key="k")


def test_series_is_what_the_build_writes(tmp_path: Path, data_dir: Path) -> None:
    build_atlas(data_dir, tmp_path / "atlas", today=TODAY, images=False)
    ds = load_dataset(data_dir, today=TODAY)
    dates = source_dates(ds.ledger, "ru-mod")
    written = (tmp_path / "atlas" / "explore" / "ru-mod.js").read_text(encoding="utf-8")
    assert written == explore_series(ds, claim_records(ds), "ru-mod", dates)
    assert (tmp_path / "atlas" / "explore.html").is_file() and (tmp_path / "atlas" / "explore" / "search.js").is_file()


# ---------------------------------------------------------------------------------------------
# in Chromium, on the bundled gazetteer (three sources of the bundled ledger, to keep it quick)

browser = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make test installs it)")
SOURCES = ("deepstate", "kursk-authorities", "cit")


@pytest.fixture(scope="module")
def bundled_atlas(tmp_path_factory) -> Path:
    return bundled_atlas_of(tmp_path_factory.mktemp("explore"), SOURCES)


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => document.body.getAttribute('data-km-ready') === '1'", timeout=10_000)


@browser
@pytest.mark.browser
def test_search_finds_the_gazetteers_spellings(bundled_atlas: Path) -> None:
    gaz = load_dataset(bundled_atlas.parent / "data").gazetteer
    placed = gaz[gaz.geometry.notna()]
    wanted = []  # (spelling, id): every spelling the resolver indexes, and every listed alternate
    for r in placed.to_dict("records"):
        names = spellings(r["name"], r["name_ru"] or "", r["name_uk"] or "")
        names |= {a for a in str(r["alt_names"] or "").split("|") if a}
        wanted += [(s, str(r["id"])) for s in sorted(names)]
    assert len(wanted) > 5 * len(placed) > 1000
    with browser_page() as (page, errors, _):
        _open(page, (bundled_atlas / "explore.html").as_uri())
        page.wait_for_function("() => window.__kmSearch !== undefined")
        got = page.evaluate(
            "(qs) => qs.map(q => window.kmExplore.search(q, 20).map(i => window.__kmSearch.ids[i]))",
            [s for s, _ in wanted],
        )
        assert errors == []
    missed = [(s, sid) for (s, sid), ids in zip(wanted, got, strict=True) if sid not in ids]
    assert len(missed) <= 0.01 * len(wanted), missed[:20]
    # and typed as people type: lower case, without accents, a prefix
    assert "486816" in page_search(bundled_atlas, ["sudz", "СУДЖ", "soudja", "Sudza"])


def page_search(atlas: Path, queries: list[str]) -> set[str]:
    with browser_page() as (page, errors, _):
        _open(page, (atlas / "explore.html").as_uri())
        page.wait_for_function("() => window.__kmSearch !== undefined")
        ids = page.evaluate(
            "(qs) => qs.map(q => window.kmExplore.search(q, 5).map(i => window.__kmSearch.ids[i]))", queries
        )
        assert errors == []
    return set.intersection(*(set(x) for x in ids))


@browser
@pytest.mark.browser
def test_typing_a_name_flies_to_it_and_opens_its_popup(bundled_atlas: Path) -> None:
    with browser_page() as (page, errors, _):
        _open(page, (bundled_atlas / "explore.html").as_uri() + "#source=deepstate&date=2025-05-21")
        box = page.locator("#km-search")
        box.click()
        box.fill("Суджа")
        page.locator("#km-results li[data-i]").first.wait_for()
        box.press("Enter")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert popup.inner_text().startswith("Sudzha · Суджа")
        assert "according to DeepState" in popup.inner_text()
        assert "place=486816" in page.url and "zoom=12" in page.url
        # Sudzha (51.191, 35.271) is well inside the view, though the map pans to show the whole popup above it
        center = page.evaluate("() => window.kmExplore.map.getCenter()")
        assert abs(center["lng"] - 35.27) < 0.03 and page.evaluate("() => window.kmExplore.map.getZoom()") == 12
        assert page.evaluate("() => window.kmExplore.map.getBounds().pad(-0.1).contains([51.191, 35.271])")
        assert errors == []


@browser
@pytest.mark.browser
def test_the_search_list_takes_the_same_keys_and_clicks_as_on_a_map(bundled_atlas: Path) -> None:
    with browser_page() as (page, errors, _):
        _open(page, (bundled_atlas / "explore.html").as_uri() + "#source=deepstate&date=2025-05-21")
        box = page.locator("#km-search")
        box.click()
        page.wait_for_function("() => window.__kmSearch !== undefined")
        check_result_list_keys(page, box, "#km-results", "ka")
        assert errors == []


@browser
@pytest.mark.browser
def test_two_clicks_answer_what_a_source_claimed_on_a_date(bundled_atlas: Path) -> None:
    ds = load_dataset(bundled_atlas.parent / "data")
    day = source_dates(ds.ledger, "kursk-authorities")[1]
    expected = _groups(compute_state(ds.gazetteer, ds.ledger, source="kursk-authorities", date=day))
    with browser_page() as (page, errors, _):
        _open(page, (bundled_atlas / "explore.html").as_uri())
        page.locator("#km-source").select_option("kursk-authorities")  # click 1
        page.wait_for_function("() => window.kmExplore.state().slug === 'kursk-authorities'")
        page.locator("#km-slider").fill("1")  # click 2: the second of its dates
        page.wait_for_function(f"() => window.kmExplore.state().date === '{day.isoformat()}'")
        codes = page.evaluate("() => window.kmExplore.state().codes")
        assert [GROUP[c] for c in codes] == expected
        legend = page.locator("#km-legend").inner_text()
        for group, label in (("RU", "Held by Russia"), ("baseline", "No claim by this source")):
            assert re.search(rf"{label}[^:]*: {expected.count(group):,}\b", legend), legend  # 1,066
        assert f"#source=kursk-authorities&date={day.isoformat()}&" in page.url
        assert errors == []


@browser
@pytest.mark.browser
def test_the_hash_round_trips(bundled_atlas: Path) -> None:
    url = (bundled_atlas / "explore.html").as_uri()
    given = "#source=cit&date=2024-10-01&zoom=11&center=51.2100,35.2500&place=486816"
    with browser_page() as (page, errors, _):
        _open(page, url + given)
        page.wait_for_function("() => window.kmExplore.state().sel !== null")
        assert page.evaluate("() => location.hash") == given
        state = page.evaluate("() => window.kmExplore.state()")
        assert (state["slug"], state["date"]) == ("cit", "2024-10-01")
        assert page.evaluate("() => window.kmExplore.map.getZoom()") == 11
        assert page.locator(".leaflet-popup-content").inner_text().startswith("Sudzha")
        # move on: another source, another date, another view; the hash follows
        page.locator("#km-source").select_option("deepstate")
        page.wait_for_function("() => window.kmExplore.state().slug === 'deepstate'")
        page.locator("#km-date").fill("2025-01-15")
        page.locator("#km-date").dispatch_event("change")
        page.evaluate("() => { window.kmExplore.map.setView([51.3, 35.1], 10, {animate: false}); }")
        page.wait_for_function("() => location.hash.includes('zoom=10')")
        moved = page.evaluate("() => location.hash")
        codes = page.evaluate("() => window.kmExplore.state().codes")
        assert "source=deepstate&date=2025-01-15&zoom=10&center=51.3000,35.1000&place=486816" in moved
        assert errors == []
    with browser_page() as (page, errors, _):  # a fresh browser opening the permalink sees the same
        _open(page, url + moved)
        page.wait_for_function("() => window.kmExplore.state().sel !== null")
        assert page.evaluate("() => location.hash") == moved
        assert page.evaluate("() => window.kmExplore.state().codes") == codes
        assert errors == []


@browser
@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1366, 768), (720, 600), (390, 844)])
def test_layout_has_no_overlaps_and_works_offline(bundled_atlas: Path, tmp_path: Path, width: int, height: int) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(bundled_atlas, copy)
    boxes_js = """() => {
      const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
      const q = s => Array.from(document.querySelectorAll(s)).map(box);
      return {side: q('#km-side'), map: q('#km-map'), controls: q('.leaflet-control'),
              view: [0, 0, window.innerWidth, window.innerHeight],
              scroll: document.documentElement.scrollWidth};
    }"""
    with browser_page(width, height, offline=True) as (page, errors, blocked):
        _open(page, (copy / "explore.html").as_uri())
        b = page.evaluate(boxes_js)
        assert [u for u in blocked if "tile.openstreetmap.org" not in u] == []
        assert [e for e in errors if e != "Failed to load resource: net::ERR_FAILED"] == []
        assert page.evaluate("() => window.kmExplore.map.getPanes().overlayPane.querySelector('canvas') !== null")
    (side,), (mp,) = b["side"], b["map"]

    def overlap(a, c) -> bool:
        return a[0] < c[2] - 0.5 and c[0] < a[2] - 0.5 and a[1] < c[3] - 0.5 and c[1] < a[3] - 0.5

    assert not overlap(side, mp)  # the panel sits beside (or below) the map, never over it
    assert b["scroll"] <= width  # nothing wider than the screen
    assert all(overlap(c, mp) and not overlap(c, side) for c in b["controls"])
    assert not any(overlap(a, c) for j, a in enumerate(b["controls"]) for c in b["controls"][j + 1 :])
    assert (mp[2] - mp[0]) * (mp[3] - mp[1]) >= 0.4 * width * height  # the map keeps most of the screen


def test_bundled_explore_data_round_trips_json(bundled_atlas: Path) -> None:
    html = (bundled_atlas / "explore.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="km-explore-data">(.*?)</script>', html, re.S).group(1))
    assert sorted(s["slug"] for s in data["sources"]) == sorted(SOURCES)
    assert data["default"] == "deepstate"
    assert all(s["dates"] == sorted(s["dates"]) for s in data["sources"])
    assert data["first"] == min(d for s in data["sources"] for d in s["dates"])
    assert dt.date.fromisoformat(data["last"]) == dt.date(2025, 5, 21)
