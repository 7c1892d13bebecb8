"""The map pages' and comparison pages' chrome in headless Chromium (assets/map.js, map.css).

Layout at three screen sizes (bounding boxes), embed mode inside an iframe, search in every spelling,
the URL hash, labels, dots of one place spread apart, and the comparison's source picker.
Built from the bundled data (three sources) with the network blocked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kursk_map import compute_state, load_dataset
from kursk_map.names import spellings
from kursk_map.render import disagreements

from .browser_support import browser_page, bundled_atlas_of, check_result_list_keys, chromium_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make test installs it)"),
]
SOURCES = ("deepstate", "ru-mod", "ua-general-staff", "us-president")  # the last two deny each other's claims
SUDZHA = "486816"  # GeoNames id of Sudzha, the gazetteer's id
SIZES = [(1366, 768), (720, 600), (390, 844)]
TILES_REFUSED = "Failed to load resource: net::ERR_FAILED"  # map tiles, refused offline


@pytest.fixture(scope="module")
def atlas(tmp_path_factory) -> Path:
    return bundled_atlas_of(tmp_path_factory.mktemp("chrome"), SOURCES)


def _last(atlas: Path, folder: str) -> Path:
    return sorted((atlas / folder).glob("2*.html"))[-1]


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => window.kmMap !== undefined && window.kmMap.ready", timeout=15_000)


def _no_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if e != TILES_REFUSED]


BOXES_JS = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const one = s => { const el = document.querySelector(s); return el && el.getBoundingClientRect().width ? box(el) : null; };
  return {panel: one('.km-panel'), legend: one('.km-legend'), layers: one('.leaflet-control-layers'),
          zoom: one('.leaflet-control-zoom'), scale: one('.leaflet-control-scale'),
          credits: one('.leaflet-control-attribution'), view: [0, 0, window.innerWidth, window.innerHeight],
          scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
          folded: document.querySelector('.km-panel').classList.contains('km-folded')};
}"""


def _overlap(a: list[float], c: list[float]) -> bool:
    return a[0] < c[2] - 0.5 and c[0] < a[2] - 0.5 and a[1] < c[3] - 0.5 and c[1] < a[3] - 0.5


def _inside(a: list[float], c: list[float]) -> bool:
    return a[0] >= c[0] - 0.5 and a[1] >= c[1] - 0.5 and a[2] <= c[2] + 0.5 and a[3] <= c[3] + 0.5


def _check_layout(b: dict[str, Any], width: int, height: int) -> None:
    controls = {k: b[k] for k in ("panel", "layers", "zoom", "scale", "credits")}
    assert all(controls.values()), controls  # every control is on the screen
    for name, rect in controls.items():
        assert _inside(rect, b["view"]), (name, rect, b["view"])
    names = list(controls)
    clashes = [(a, c) for j, a in enumerate(names) for c in names[j + 1 :] if _overlap(controls[a], controls[c])]
    assert clashes == [], (clashes, controls)
    assert b["legend"] is not None
    assert _inside(b["legend"], b["panel"])  # the legend shows, in the panel
    assert b["scroll"] == [width, height]  # the page never scrolls: nothing leaves the viewport


def _page(atlas: Path, kind: str) -> Path:
    return (
        atlas / "ru-mod" / "timeline.html" if kind == "timeline" else _last(atlas, "ru-mod" if kind == "map" else kind)
    )


@pytest.mark.parametrize("kind", ["map", "compare", "timeline"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_controls_never_overlap_folded_or_open(atlas: Path, kind: str, width: int, height: int) -> None:
    page_path = _page(atlas, kind)
    with browser_page(width, height, offline=True) as (page, errors, blocked):
        _open(page, page_path.as_uri())
        first = page.evaluate(BOXES_JS)
        page.locator(".km-fold").click()
        second = page.evaluate(BOXES_JS)
        page.locator(".leaflet-control-layers").hover()  # the layer list opens within the screen
        page.wait_for_function("() => document.querySelector('.leaflet-control-layers-expanded') !== null")
        opened = page.evaluate(BOXES_JS)
        assert _no_errors(errors) == []
        assert [u for u in blocked if "tile.openstreetmap.org" not in u] == []
    small = width < 800 or height < 640
    assert first["folded"] is small  # a small screen starts with the panel folded, a laptop's open
    assert second["folded"] is not small
    _check_layout(first, width, height)
    _check_layout(second, width, height)
    assert _inside(opened["layers"], opened["view"])
    if small:  # folded, the panel leaves most of the map free
        p = first["panel"]
        assert (p[2] - p[0]) * (p[3] - p[1]) < 0.3 * width * height


@pytest.mark.parametrize("kind", ["map", "compare"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_popup_fits_the_screen_clear_of_the_controls(atlas: Path, kind: str, width: int, height: int) -> None:
    url = _page(atlas, kind).as_uri() + f"#zoom=12&center=51.1910,35.2710&place={SUDZHA}"
    js = """() => { const box = s => { const el = document.querySelector(s); if (!el) { return null; }
                     const r = el.getBoundingClientRect(); return r.width ? [r.left, r.top, r.right, r.bottom] : null; };
                   return {popup: box('.leaflet-popup-content-wrapper'), panel: box('.km-panel'),
                           zoom: box('.leaflet-control-zoom'), layers: box('.leaflet-control-layers'),
                           credits: box('.leaflet-control-attribution'), view: [0, 0, innerWidth, innerHeight]}; }"""
    with browser_page(width, height, offline=True) as (page, errors, _):
        _open(page, url)
        page.locator(".leaflet-popup-content").wait_for()
        assert "Sudzha" in page.locator(".leaflet-popup-content").inner_text()  # the hash's settlement
        page.wait_for_timeout(400)  # the popup pans the map to fit
        b = page.evaluate(js)
        page.locator(".leaflet-popup-close-button").click()
        page.wait_for_timeout(400)  # it fades out
        after = page.evaluate(js)
        assert _no_errors(errors) == []
    assert _inside(b["popup"], b["view"]), b
    assert not any(_overlap(b["popup"], b[k]) for k in ("zoom", "layers", "credits", "panel") if b[k]), b
    small = width < 800 or height < 640
    assert (b["panel"] is None) is small  # on a small screen the panel steps aside while the popup is open
    assert after["panel"] is not None and after["popup"] is None


def test_embed_mode_inside_an_iframe(atlas: Path) -> None:
    target = _last(atlas, "ru-mod")
    host = atlas / "host.html"
    rel = target.relative_to(atlas).as_posix()
    host.write_text(
        "<!doctype html><title>An article</title><p>Our report.</p>"
        f'<iframe id="a" src="{rel}#embed" width="720" height="600"></iframe>'
        f'<iframe id="b" src="{rel}?embed=1" width="390" height="500"></iframe>',
        encoding="utf-8",
    )
    js = """() => {
      const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
      const vis = s => Array.from(document.querySelectorAll(s)).some(el => el.getBoundingClientRect().height > 0);
      return {embedded: document.documentElement.classList.contains('km-embedded'),
              fold: vis('.km-fold'), search: vis('.km-find'), nav: vis('.km-nav'), sub: vis('.km-sub'),
              legend: vis('.km-legend'), full: document.querySelector('.km-full').href,
              panel: box(document.querySelector('.km-panel')), view: [0, 0, innerWidth, innerHeight],
              dots: Object.values(window.__km)[0].lat.length};
    }"""
    with browser_page(1280, 1200, offline=True) as (page, errors, _blocked):
        page.goto(host.as_uri())
        got = {}
        for name in ("a", "b"):
            frame = page.frame_locator(f"#{name}").locator("html")
            frame.locator(".km-panel").wait_for()
            page.wait_for_timeout(200)
            got[name] = frame.evaluate(js.replace("() =>", "(_el) =>"))
        assert _no_errors(errors) == []
    for name, g in got.items():
        assert g["embedded"], name
        assert not (g["fold"] or g["search"] or g["nav"] or g["sub"]), g  # no panel chrome
        assert g["legend"] and g["dots"] > 1000
        assert g["full"].endswith(target.name) and "embed" not in g["full"]  # a link to the full page
        assert _inside(g["panel"], g["view"])
        assert (g["panel"][3] - g["panel"][1]) < 0.45 * g["view"][3]


def test_search_finds_the_gazetteers_spellings_on_a_map_page(atlas: Path) -> None:
    gaz = load_dataset(atlas.parent / "data").gazetteer
    placed = gaz[gaz.geometry.notna()]
    wanted = []
    for r in placed.to_dict("records"):
        names = spellings(r["name"], r["name_ru"] or "", r["name_uk"] or "")
        names |= {a for a in str(r["alt_names"] or "").split("|") if a}
        wanted += [(s, str(r["id"])) for s in sorted(names)]
    assert len(wanted) > 5 * len(placed) > 1000
    with browser_page(offline=True) as (page, errors, _):
        _open(page, _last(atlas, "ru-mod").as_uri())
        got = page.evaluate(
            """async (qs) => { const out = [];
                 for (const q of qs) { out.push((await kmMap.search(q, 20)).map(i => window.__kmSearch.ids[i])); }
                 return out; }""",
            [s for s, _ in wanted],
        )
        assert _no_errors(errors) == []
    missed = [(s, sid) for (s, sid), ids in zip(wanted, got, strict=True) if sid not in ids]
    assert len(missed) <= 0.01 * len(wanted), missed[:20]


def test_search_list_keys_and_clicks(atlas: Path) -> None:
    with browser_page(720, 600, offline=True) as (page, errors, _):
        _open(page, _last(atlas, "ru-mod").as_uri())
        check_result_list_keys(page, page.locator(".km-search"), ".km-results", "ka")
        assert _no_errors(errors) == []


@pytest.mark.parametrize("kind", ["map", "compare"])
def test_search_flies_to_a_settlement_and_the_hash_restores_it(atlas: Path, kind: str) -> None:
    url = _last(atlas, "ru-mod" if kind == "map" else "compare").as_uri()
    with browser_page(720, 600, offline=True) as (page, errors, _):
        _open(page, url)
        box = page.locator(".km-search")
        box.fill("soudja")  # a French spelling, as a reader types it
        page.locator(".km-results li[role=option]").first.wait_for()
        assert page.locator(".km-results li[role=option]").first.inner_text().startswith("Sudzha")
        box.press("Enter")
        page.locator(".leaflet-popup-content").wait_for()
        page.wait_for_function(f"() => location.hash.includes('place={SUDZHA}')")
        assert "Sudzha" in page.locator(".leaflet-popup-content").inner_text()
        view_js = "() => { const c = kmMap.map.getCenter(); return [kmMap.map.getZoom(), c.lat, c.lng]; }"
        page.wait_for_timeout(600)  # the popup pans the map to fit in it
        before = page.evaluate(view_js)
        assert before[0] >= 12
        page.reload()
        page.wait_for_function("() => window.kmMap !== undefined && window.kmMap.ready")
        page.locator(".leaflet-popup-content").wait_for()
        assert "Sudzha" in page.locator(".leaflet-popup-content").inner_text()
        assert f"place={SUDZHA}" in page.evaluate("() => location.hash")
        assert page.evaluate(view_js) == pytest.approx(before, abs=1e-3)  # the same view, to a pixel or so
        # a view without a selection round-trips too
        page.evaluate("() => { kmMap.map.closePopup(); kmMap.map.setView([51.3, 35.1], 10, {animate: false}); }")
        page.wait_for_function("() => location.hash === '#zoom=10&center=51.3000,35.1000'")
        page.reload()
        page.wait_for_function("() => window.kmMap !== undefined && window.kmMap.ready")
        view = page.evaluate("() => { const c = kmMap.map.getCenter(); return [kmMap.map.getZoom(), c.lat, c.lng]; }")
        assert view == pytest.approx([10, 51.3, 35.1], abs=1e-3)  # within a pixel or two (~100 m) at zoom 10
        assert _no_errors(errors) == []


LABELS_JS = """() => Array.from(document.querySelectorAll('.km-label')).map(el => {
  const r = el.getBoundingClientRect(); return {t: el.textContent, b: [r.left, r.top, r.right, r.bottom],
  claim: el.classList.contains('km-label-claim')}; })"""


def test_labels_at_higher_zoom_claimed_first_never_overlapping(atlas: Path) -> None:
    with browser_page(1366, 768, offline=True) as (page, errors, _):
        _open(page, (atlas / "ru-mod" / "2025-03-15.html").as_uri())  # Sudzha claimed, its neighbours not all
        page.evaluate("() => { kmMap.map.setView([51.2, 35.3], 8, {animate: false}); }")
        page.wait_for_timeout(100)
        assert page.evaluate(LABELS_JS) == []  # none at the oblast's scale
        dots_js = """() => { const out = []; kmMap.map.eachLayer(l => { if (l._kmHome && l._map) {
                 const p = kmMap.map.latLngToContainerPoint(l.getLatLng()), r = l.options.radius;
                 if (r > 4) { out.push([p.x - r, p.y - r, p.x + r, p.y + r]); } } }); return out; }"""
        seen = []
        for zoom in (11, 13):
            page.evaluate(f"() => {{ kmMap.map.setView([51.19, 35.27], {zoom}, {{animate: false}}); }}")
            page.wait_for_timeout(100)
            seen.append((page.evaluate(LABELS_JS), page.evaluate(dots_js)))
        assert _no_errors(errors) == []
        under_dots = page.evaluate(
            "() => Number(kmMap.map.getPane('km-labels').style.zIndex) < Number(getComputedStyle("
            "kmMap.map.getPane('overlayPane')).zIndex)"
        )
    (at11, dots11), (at13, dots13) = seen
    assert at11 and all(x["claim"] for x in at11)  # below 12 only the settlements the source claims
    assert "Sudzha" in [x["t"] for x in at11]  # the most talked-about settlement first
    assert any(not x["claim"] for x in at13)  # closer in, the others too
    for labels, dots in ((at11, dots11), (at13, dots13)):
        boxes = [x["b"] for x in labels]
        assert not any(_overlap(a, c) for j, a in enumerate(boxes) for c in boxes[j + 1 :])
        # no name touches a claimed dot (its own sits beside it); names lie under the dots, grey ones included
        assert not any(_overlap(a, d) for a in boxes for d in dots)
    assert under_dots


def _compare_truth(atlas: Path, day: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    ds = load_dataset(atlas.parent / "data")
    when = dt.date.fromisoformat(day)
    states = {s: compute_state(ds.gazetteer, ds.ledger, source=s, date=when) for s in SOURCES}
    return disagreements(states), sorted(states["ru-mod"].index.astype(str))


def test_comparison_picks_sources_and_jumps_to_their_disagreements(atlas: Path) -> None:
    path = _last(atlas, "compare")
    day = path.stem
    truth, ids = _compare_truth(atlas, day)
    with browser_page(1366, 768, offline=True) as (page, errors, _):
        _open(page, path.as_uri())
        names = page.evaluate("() => Object.values(window.__kmCmp)[0].src.map(s => s[0])")
        assert len(names) >= 3
        at = {n: j for j, n in enumerate(names)}
        # it opens on the disagreements: every one of them is in view
        inview = page.evaluate(
            """() => { const D = Object.values(window.__kmCmp)[0], b = kmMap.map.getBounds();
                 return D.dis.map(i => b.contains([D.lat[i], D.lon[i]])); }"""
        )
        assert inview and all(inview)
        everyone = page.evaluate("() => kmMap.disagreements()")
        assert sorted(ids[i] for i in everyone) == sorted(truth)
        pairs = [("Russian Ministry", "DeepState"), ("DeepState", "Ukraine")]
        for a_name, b_name in pairs:
            a = next(j for n, j in at.items() if a_name in n)
            b = next(j for n, j in at.items() if b_name in n)
            got = page.evaluate(f"() => kmMap.show({a}, {b})")
            shown = page.evaluate(
                """() => { const CL = Object.values(window.__kmCmpLayers)[0];
                     return CL.src.map(g => Object.values(g).some(l => kmMap.map.hasLayer(l))); }"""
            )
            assert [j for j, on in enumerate(shown) if on] == sorted({a, b})
            src_slug = {j: _slug_of(names[j]) for j in (a, b)}
            want = sorted(
                sid
                for sid, by in truth.items()
                if src_slug[a] in by and src_slug[b] in by and by[src_slug[a]] != by[src_slug[b]]
            )
            assert sorted(ids[i] for i in got) == want
        # every source again: all disagreements
        assert sorted(ids[i] for i in page.evaluate("() => kmMap.show()")) == sorted(truth)
        # the button goes to the first disagreement and opens its popup, earliest claim first
        first = page.evaluate("() => kmMap.disagreements()[0]")
        page.locator(".km-next").click()
        page.locator(".leaflet-popup-content").wait_for()
        page.wait_for_function(f"() => decodeURIComponent(location.hash).includes('place={ids[first]}')")
        rows = page.locator(".leaflet-popup-content .km-cmp tr").all_inner_texts()
        dates = [r.split("\t")[2][:10] for r in rows if r.count("\t") >= 2 and r.split("\t")[2][:4].isdigit()]
        assert len(dates) >= 2 and dates == sorted(dates)
        assert _no_errors(errors) == []


def _slug_of(name: str) -> str:
    for slug, words in (("ru-mod", "Russian Ministry"), ("deepstate", "DeepState"), ("ua-general-staff", "Ukraine")):
        if words in name:
            return slug
    raise AssertionError(name)


def test_dots_of_one_place_spread_apart_and_come_back(atlas: Path) -> None:
    with browser_page(1366, 768, offline=True) as (page, errors, _):
        _open(page, _last(atlas, "compare").as_uri())
        page.evaluate("() => { kmMap.map.setView([51.19, 35.27], 12, {animate: false}); kmMap.spread(); }")
        stacks = page.evaluate(
            """() => { const by = {}; kmMap.map.eachLayer(l => {
                 const p = l.feature && l.feature.properties;
                 if (p && l._kmHome && l._map) { (by[p.i] = by[p.i] || []).push(kmMap.map.latLngToContainerPoint(l.getLatLng())); } });
               return Object.values(by).filter(v => v.length > 1).map(v => v.map(q => [q.x, q.y])); }"""
        )
        assert stacks  # several sources claim some places
        for pts in stacks:  # no dot hides another: centres at least a dot's diameter apart
            for j, (x1, y1) in enumerate(pts):
                for x2, y2 in pts[j + 1 :]:
                    assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 11.5
        page.evaluate("() => kmMap.show(0)")  # one source: each dot back on its place
        moved = page.evaluate(
            """() => { let n = 0; kmMap.map.eachLayer(l => { if (l._kmHome && l._map && !l.getLatLng().equals(l._kmHome)) { n++; } });
               return n; }"""
        )
        assert moved == 0
        assert _no_errors(errors) == []


def test_an_approximate_position_keeps_its_controllers_colour(atlas: Path) -> None:
    with browser_page(offline=True) as (page, errors, _):
        _open(page, _last(atlas, "ru-mod").as_uri())
        styles = page.evaluate(
            """() => { const out = []; kmMap.map.eachLayer(l => {
                 const p = l.feature && l.feature.properties;
                 if (l._kmHome && window.__km[p.k].a[p.i] === '1') {
                   out.push([l.options.color, l.options.fillColor, l.options.fillOpacity, l.options.dashArray]); } });
               return out; }"""
        )
        assert _no_errors(errors) == []
    assert styles  # the bundled gazetteer has a derived position
    for colour, fill, opacity, dash in styles:
        assert colour == fill and opacity >= 0.4 and dash  # its colour, seen; the dashed ring says approximate
