"""End-to-end checks in headless Chromium (Debian chromium + playwright; no network, no downloads)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kursk_map.build import build_atlas

from .browser_support import browser_page, chromium_path
from .conftest import HEADER, TODAY, UA_CLAIMS, write_dataset

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make test installs it)"),
]

HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "${window.__pwned=2}",
    "`+(window.__pwned=3)+`",
    "</script><script>window.__pwned=4</script>",
    "\u202eevil",
]
HOSTILE_TEXT = " | ".join(HOSTILE).replace('"', "'")

# JavaScript run in the page: the settlement layers folium declared, with their feature counts.
LAYERS_JS = """() => {
  const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
  return Object.keys(window).filter(k => k.startsWith('geo_json_') && window[k] instanceof L.GeoJSON).sort().map(k => {
      const layer = window[k];
      return {name: k, n: layer.getLayers().length, shown: map.hasLayer(layer)};
  });
}"""


@pytest.fixture(scope="module")
def atlas(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    ru = HEADER + (
        "ru-1,2025-03-13,ru-mod,control,Sudzha,RU,,,,,Says Sudzha was retaken.,https://example.org/ru1,\n"
        f'ru-2,2025-03-15,ru-mod,control,Zaoleshenka,RU,,,,,"{HOSTILE_TEXT}",https://example.org/ru2,\n'
        "ru-3,2025-04-26,ru-mod,region,Kursk Oblast,RU,,,,,Declares the oblast retaken.,https://example.org/ru3,\n"
    )
    data = write_dataset(root / "data", ru=ru, ua=UA_CLAIMS)
    out = root / "atlas"
    build_atlas(data, out, today=TODAY)
    return out


def _open(page, path: Path) -> None:
    page.goto(path.as_uri())
    if path.name == "explore.html":
        page.wait_for_function("() => document.body.getAttribute('data-km-ready') === '1'")
        return
    page.wait_for_function("() => typeof L !== 'undefined' && Object.keys(window).some(k => k.startsWith('geo_json_'))")


def test_map_loads_without_errors_and_draws_every_settlement(atlas: Path) -> None:
    with browser_page() as (page, errors, blocked):
        _open(page, atlas / "ru-mod" / "2025-03-15.html")
        layers = page.evaluate(LAYERS_JS)
        # implied-area layer (the cells of RU-held Sudzha and Zaoleshenka), border (1 line) + 4 groups: those two,
        # 4 at baseline, none UA or contested
        assert sorted(x["n"] for x in layers) == [0, 0, 1, 2, 2, 4]
        assert all(x["shown"] for x in layers)
        assert page.locator(".km-panel").inner_text().startswith("Russian Ministry of Defence")
        assert errors == []
        assert blocked == []


def test_toggling_a_layer_hides_it(atlas: Path) -> None:
    with browser_page() as (page, errors, _):
        _open(page, atlas / "ru-mod" / "2025-03-15.html")
        page.locator(".leaflet-control-layers").hover()  # the layer list is a button until opened
        label = page.locator(".leaflet-control-layers-overlays label", has_text="Held by Russia")
        label.locator("input").click()
        hidden = [x for x in page.evaluate(LAYERS_JS) if not x["shown"]]
        assert [x["n"] for x in hidden] == [2]
        label.locator("input").click()
        assert all(x["shown"] for x in page.evaluate(LAYERS_JS))
        assert errors == []


def _click_settlement(page, lat: float, lon: float) -> None:
    point = page.evaluate(
        """([lat, lon]) => {
            const map = window.kmExplore ? window.kmExplore.map
              : Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
            map.setView([lat, lon], 12, {animate: false});
            const p = map.latLngToContainerPoint([lat, lon]);
            const r = map.getContainer().getBoundingClientRect();
            return [p.x + r.left, p.y + r.top];
        }""",
        [lat, lon],
    )
    page.wait_for_timeout(100)
    page.mouse.click(point[0], point[1])


def test_popup_opens_with_claim_link(atlas: Path) -> None:
    with browser_page() as (page, errors, _):
        _open(page, atlas / "ru-mod" / "2025-03-15.html")
        _click_settlement(page, 51.19055, 35.27082)  # Sudzha
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "Sudzha" in popup.inner_text()
        link = popup.locator("a[href='https://example.org/ru1']")
        assert link.count() == 1
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert errors == []


def test_hostile_summary_stays_inert_text(atlas: Path) -> None:
    with browser_page() as (page, errors, blocked):
        _open(page, atlas / "ru-mod" / "2025-03-15.html")
        _click_settlement(page, 51.2, 35.25)  # Zaoleshenka, whose claim summary is hostile
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        for attack in HOSTILE[:4]:
            assert attack.replace('"', "'") in text
        assert "[U+202E]evil" in text
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator(".leaflet-popup-content img").count() == 0
        assert errors == []
        assert [u for u in blocked if not u.startswith("https://example.org")] == []


def test_self_contained_page_needs_no_network(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    out = tmp_path / "atlas"
    build_atlas(data, out, today=TODAY, self_contained=True)
    page_path = out / "ru-mod" / "2025-04-26.html"
    html = page_path.read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net" not in html and "<script src=" not in html
    with browser_page(offline=True) as (page, errors, blocked):
        _open(page, page_path)
        # 5 Kursk settlements RU by the region claim and their 5 cells (in the page), Sumy at baseline, the border
        assert sorted(x["n"] for x in page.evaluate(LAYERS_JS)) == [0, 0, 1, 1, 5, 5]
        assert [u for u in blocked if "tile" not in u and "arcgisonline" not in u] == []
        assert [e for e in errors if "ERR_FAILED" not in e] == []


def test_timeline_slider_changes_the_drawn_state(atlas: Path) -> None:
    js = """() => {
      const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
      const out = [];
      map.eachLayer(l => { if (l instanceof L.CircleMarker) out.push([l.getLatLng().lat, l.options.fillColor, l.options.weight]); });
      return out;
    }"""
    with browser_page() as (page, errors, _):
        page.goto((atlas / "ru-mod" / "timeline.html").as_uri())
        page.wait_for_function("() => document.body.getAttribute('data-km-step') === '2'")
        last = page.evaluate(js)
        assert page.locator("#km-tl-date").inner_text() == "2025-04-26"
        page.locator("#km-slider").fill("0")
        page.wait_for_function("() => document.body.getAttribute('data-km-step') === '0'")
        first = page.evaluate(js)
        assert page.locator("#km-tl-date").inner_text() == "2025-03-13"
        ru = "#D55E00"
        assert sum(c == ru for _, c, _ in last) == 5  # region claim: all Kursk settlements
        assert sum(c == ru for _, c, _ in first) == 1  # only Sudzha on the first date
        page.locator("#km-slider").fill("1")
        page.wait_for_function("() => document.body.getAttribute('data-km-step') === '1'")
        assert "Zaoleshenka" in page.locator("#km-tl-changes").inner_text()
        assert [w for _, _, w in page.evaluate(js)].count(3) == 1  # one settlement marked as changed
        assert errors == []


def test_comparison_popup_lists_every_source(atlas: Path) -> None:
    with browser_page() as (page, errors, _):
        _open(page, atlas / "compare" / "2025-05-21.html")
        names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert any("Sources disagree (2)" in n for n in names)
        _click_settlement(page, 51.19055, 35.27082)  # Sudzha: RU per ru-mod, UA per ua-gs
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert "Russian Ministry of Defence" in text and "General Staff of Ukraine" in text
        assert popup.locator("a[href='https://example.org/ua1']").count() == 1
        assert errors == []


def test_side_by_side_panes_move_together(tmp_path: Path) -> None:
    from kursk_map.cli import main

    data = write_dataset(tmp_path / "data")
    out = tmp_path / "sbs.html"
    assert (
        main(
            [
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
                str(data),
            ]
        )
        == 0
    )
    js = "() => Object.keys(window).filter(k => k.startsWith('map_') && window[k] instanceof L.Map).map(k => [window[k].getCenter().lat, window[k].getZoom()])"
    with browser_page() as (page, errors, _):
        page.goto(out.as_uri())
        page.wait_for_function("() => typeof L !== 'undefined'")
        page.evaluate(
            "() => { const m = Object.keys(window).filter(k => k.startsWith('map_') && window[k] instanceof L.Map).map(k => window[k]); m[0].setView([51.3, 35.0], 11, {animate: false}); }"
        )
        (a_lat, a_zoom), (b_lat, b_zoom) = page.evaluate(js)
        assert (a_zoom, b_zoom) == (11, 11)
        assert abs(a_lat - b_lat) < 1e-6
        assert errors == []


@pytest.fixture(scope="module")
def hostile_atlas(tmp_path_factory) -> tuple[Path, str]:
    """A ledger full of attack strings: in a source's name, a settlement's name, summaries and URLs."""
    from .conftest import SETTLEMENTS, SOURCES

    root = tmp_path_factory.mktemp("hostile")
    attack = HOSTILE_TEXT.replace(",", ";")
    settlements = SETTLEMENTS + (
        f'kmap:hostile,"{attack}",,,,51.3,35.4,RU,Kursk,Sudzhansky,,https://example.org/h,500,page,\n'
    )
    sources = SOURCES.replace("ru-mod,Russian Ministry of Defence,", f'ru-mod,"Ministry {attack}",')
    ru = HEADER + (
        f'ru-1,2025-03-13,ru-mod,control,"{attack}",RU,,,,,"{HOSTILE_TEXT}",https://example.org/a?x=<b>&y="1",\n'
        f'ru-2,2025-03-15,ru-mod,control,Zaoleshenka,RU,,,,,"{HOSTILE_TEXT}",https://example.org/ru2,\n'
        "ru-3,2025-04-26,ru-mod,region,Kursk Oblast,RU,,,,,Declares the oblast retaken.,https://example.org/ru3,\n"
    )  # (javascript: URLs never get this far: the loader refuses them, see test_catalogue)
    data = write_dataset(root / "data", ru=ru, ua=UA_CLAIMS, settlements=settlements, sources=sources)
    out = root / "atlas"
    build_atlas(data, out, today=TODAY, images=False)
    return out, attack


@pytest.mark.parametrize(
    "page", ["ru-mod/2025-03-13.html", "ru-mod/timeline.html", "compare/2025-03-13.html", "explore.html"]
)
def test_attack_strings_stay_text_on_every_view(hostile_atlas: tuple[Path, str], page: str) -> None:
    out, attack = hostile_atlas
    with browser_page() as (p, errors, blocked):
        _open(p, out / page)
        if page.startswith("ru-mod/2025"):
            assert attack.split(" | ")[0] in p.locator(".km-panel").inner_text()  # the source's name, as text
        if page == "explore.html":
            assert attack.split(" | ")[0] in p.locator("#km-source").inner_text()  # in the source picker, as text
            p.locator("#km-search").fill("window")  # the settlement's name is searchable, and stays text
            p.locator("#km-results li[data-i]").first.wait_for()
            assert "window.__pwned=1" in p.locator("#km-results").inner_text()
        _click_settlement(p, 51.3, 35.4)  # the settlement whose name is an attack
        popup = p.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert "window.__pwned=1" in text and "${window.__pwned=2}" in text
        assert "[U+202E]evil" in text
        assert p.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0
        assert p.locator("a[href^='javascript']").count() == 0
        assert p.evaluate("() => window.__pwned") is None
        assert errors == []
        assert [u for u in blocked if not u.startswith("https://example.org")] == []


def test_a_popup_link_opens_the_settlement_page(atlas: Path) -> None:
    with browser_page() as (page, errors, blocked):
        _open(page, atlas / "ru-mod" / "2025-03-15.html")
        _click_settlement(page, 51.25, 35.30)  # Nikolayevka: no claim names it
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "No source has named this settlement in a claim." in popup.inner_text()
        assert popup.locator(".km-hist a").count() == 0
        _click_settlement(page, 51.19055, 35.27082)  # Sudzha
        line = page.locator(
            ".leaflet-popup-content .km-hist", has_text="Claim history"
        )  # the first popup may still fade
        history = line.locator("a")
        history.wait_for()
        assert "named in 3 claims by 2 sources" in line.inner_text()
        history.click()
        page.wait_for_url("**/settlements/486816.html")
        assert page.locator("h1").inner_text().startswith("Sudzha")
        rows = page.locator(".km-claims tbody tr").all_inner_texts()
        assert [r.split("\t")[0] for r in rows] == [
            "2024-08-14",
            "2025-02-06",
            "2025-03-13",
            "2025-04-26",
            "2025-04-26",
        ]
        page.locator(".km-axis a.km-mark").first.click()  # a mark leads to its row of the table
        assert page.evaluate("() => location.hash") == "#c1"
        assert errors == []
        assert blocked == []


def test_the_comparison_popup_links_the_settlement_page_above_its_table(atlas: Path) -> None:
    """The table of every source can be taller than the map: the page's link comes first, in view."""
    with browser_page(1280, 500) as (page, errors, blocked):
        _open(page, atlas / "compare" / "2025-03-15.html")
        _click_settlement(page, 51.19055, 35.27082)  # Sudzha
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert popup.locator(".km-hist + table.km-cmp").count() == 1
        link = popup.locator(".km-hist a")
        assert link.inner_text() == "Claim history across sources"
        box = link.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 500
        link.click()
        page.wait_for_url("**/settlements/486816.html")
        assert errors == []
        assert blocked == []


def test_the_list_of_settlements_filters_by_any_spelling(atlas: Path) -> None:
    with browser_page(390, 844) as (page, errors, blocked):
        page.goto((atlas / "settlements" / "index.html").as_uri())
        rows = page.locator("#km-settlements tbody tr")
        assert rows.count() == 3
        visible = page.locator("#km-settlements tbody tr:visible")
        for typed, shown in (("судж", ["Sudzha"]), ("SUDJA", ["Sudzha"]), ("o", ["Gornal", "Zaoleshenka"]), ("", None)):
            page.locator("#km-q").fill(typed)
            names = [t.split(" ")[0] for t in visible.all_inner_texts()]
            assert names == (shown or ["Gornal", "Sudzha", "Zaoleshenka"]), typed
            assert page.locator("#km-n").inner_text() == str(len(names))
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        assert errors == []
        assert blocked == []


def test_attack_strings_stay_text_on_the_settlement_page(hostile_atlas: tuple[Path, str]) -> None:
    out, _attack = hostile_atlas
    with browser_page() as (p, errors, blocked):
        p.goto((out / "settlements" / "kmap.hostile.html").as_uri())
        text = p.locator("main").inner_text()
        assert "window.__pwned=1" in text and "${window.__pwned=2}" in text and "[U+202E]evil" in text
        assert p.locator("main img, main script, a[href^='javascript']").count() == 0
        p.locator(".km-axis a.km-mark").first.hover()
        assert p.evaluate("() => window.__pwned") is None
        assert errors == []
        assert blocked == []


# Circle markers drawn on every Leaflet map of the page (folium's map_* globals, or the explorer's map).
DOTS_JS = """() => {
  const maps = Object.keys(window).filter(k => k.startsWith('map_') && window[k] instanceof L.Map).map(k => window[k]);
  if (window.kmExplore) { maps.push(window.kmExplore.map); }
  let n = 0;
  maps.forEach(m => m.eachLayer(l => { if (l instanceof L.CircleMarker) { n += 1; } }));
  return n;
}"""
TILE_HOSTS = ("tile.openstreetmap.org", "arcgisonline.com")


@pytest.mark.parametrize(
    "page", ["index.html", "explore.html", "ru-mod/2025-03-15.html", "ru-mod/timeline.html", "compare/2025-03-15.html"]
)
def test_a_copied_atlas_works_offline(atlas: Path, tmp_path: Path, page: str) -> None:
    """Only file:// answers: every script and style comes from the atlas folder itself."""
    import shutil

    copy = tmp_path / "usb-stick" / "atlas"
    shutil.copytree(atlas, copy)
    with browser_page(offline=True) as (p, errors, blocked):
        p.goto((copy / page).as_uri(), wait_until="load")
        if page != "index.html":
            p.wait_for_function(f"() => typeof L !== 'undefined' && ({DOTS_JS})() >= 6", timeout=10_000)
        assert [u for u in blocked if not any(h in u for h in TILE_HOSTS)] == []
        # the only errors are the base-map tiles that could not load (one per tile)
        assert [e for e in errors if e != "Failed to load resource: net::ERR_FAILED"] == []
        assert len(errors) <= len(blocked)


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (720, 600), (390, 844)])
def test_index_fits_the_screen_and_opens_on_the_explorer(atlas: Path, width: int, height: int) -> None:
    with browser_page(width, height) as (page, errors, _):
        page.goto((atlas / "index.html").as_uri())
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # no 2,670-px table
        first = page.locator("a").first
        assert first.get_attribute("href") == "explore.html" and first.is_visible()
        assert first.bounding_box()["y"] + 40 < height  # above the fold
        assert errors == []


def test_exported_html_page_works_offline_from_its_folder(tmp_path: Path) -> None:
    from kursk_map import load_dataset
    from kursk_map.export import export_state

    ds = load_dataset(write_dataset(tmp_path / "data"), today=TODAY)
    page = export_state(ds, "ua-gs", "2025-05-21", tmp_path / "cms", fmt="html")
    with browser_page(720, 600, offline=True) as (p, errors, blocked):
        p.goto(page.as_uri())
        p.wait_for_function(f"() => typeof L !== 'undefined' && ({DOTS_JS})() >= 6", timeout=10_000)
        assert [u for u in blocked if not any(h in u for h in TILE_HOSTS)] == []
        assert [e for e in errors if e != "Failed to load resource: net::ERR_FAILED"] == []


def test_timeline_fades_claims_as_they_age(atlas: Path) -> None:
    """ua-gs's Sudzha claim (2024-08-14) is fresh on its day and stale (over 90 days) on 2025-05-21."""
    js = """() => {
      const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
      let out = null;
      map.eachLayer(l => {
        if (l instanceof L.CircleMarker && Math.abs(l.getLatLng().lat - 51.19055) < 1e-4) { out = l.options.fillOpacity; }
      });
      return out;
    }"""
    with browser_page() as (page, errors, _):
        page.goto((atlas / "ua-gs" / "timeline.html").as_uri())
        page.wait_for_function("() => document.body.getAttribute('data-km-step') === '3'")
        assert page.evaluate(js) == 0.3
        assert "(1 stale)" in page.locator("#km-tl-counts").inner_text()
        page.locator("#km-slider").fill("0")
        page.wait_for_function("() => document.body.getAttribute('data-km-step') === '0'")
        assert page.evaluate(js) == 0.9
        assert "stale" not in page.locator("#km-tl-counts").inner_text()
        assert errors == []


@pytest.fixture(scope="module")
def areas_atlas(tmp_path_factory) -> Path:
    from .conftest import RU_CLAIMS, UA_AREAS, write_areas

    root = tmp_path_factory.mktemp("browser-areas")
    attack = (
        "ru-5,2025-03-20,ru-mod,attack,Gornal,UA,,,,,The ministry said it repelled an attack towards Gornal.,"
        "https://tass.com/x,\n"
    )
    data = write_dataset(root / "data", ru=RU_CLAIMS + attack, ua=UA_CLAIMS)
    for day, boxes in UA_AREAS.items():
        write_areas(data, "ua-gs", day, *boxes)
    out = root / "atlas"
    build_atlas(data, out, today=TODAY, images=False)
    return out


def test_attacks_are_small_markers_of_their_own(areas_atlas: Path) -> None:
    with browser_page() as (page, errors, _):
        _open(page, areas_atlas / "ru-mod" / "2025-03-20.html")
        marker = page.locator(".leaflet-marker-pane .km-attack")
        assert marker.count() == 1
        marker.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "repelled an attack towards Gornal" in popup.inner_text()
        assert "as reported by TASS" in popup.inner_text()
        names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert any("Attack or strike reported near (1 settlements)" in n for n in names)
        assert errors == []


def test_drawn_areas_show_on_the_map_and_in_the_popup(areas_atlas: Path) -> None:
    with browser_page() as (page, errors, _):
        _open(page, areas_atlas / "ua-gs" / "2025-05-21.html")
        names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert any("Areas drawn by General Staff of Ukraine on 2025-04-01" in n for n in names)
        # the drawing is hatched (an SVG pattern in the controller's colour), not a plain translucent fill
        fills = page.evaluate("() => [...document.querySelectorAll('svg path')].map(p => p.getAttribute('fill'))")
        assert "url(#km-hatch-0072B2)" in fills
        assert page.locator("#km-hatch-0072B2 rect").count() == 2
        _click_settlement(page, 51.07, 35.50)  # Gornal: a named claim later than the areas
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert "contested according to General Staff of Ukraine" in text
        assert "Areas drawn by General Staff of Ukraine on 2025-04-01: Held by Russia" in text
        assert errors == []
