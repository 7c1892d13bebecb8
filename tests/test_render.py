from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import re
import typing

import folium
import pytest

from kursk_map import compute_state
from kursk_map.render import (
    CDN,
    INLINE,
    LOCAL_SUBFOLDER,
    MapContext,
    claims_file,
    deterministic_ids,
    esc,
    link,
    payload,
    render_index,
    render_map,
    safe_url,
    settlements_file,
)
from kursk_map.state import figures, relative_geometries
from kursk_map.view import claim_records

ATTACKS = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`backtick` ${x}",
    "</script><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "\u202eevil",
]


def _ctx(dataset, source="ru-mod", date=dt.date(2025, 4, 26), claims=None, **kw) -> MapContext:
    st = compute_state(dataset.gazetteer, dataset.ledger, source=source, date=date)
    src = dataset.sources.loc[source].to_dict()
    return MapContext(
        source=src,
        date=date.isoformat(),
        state=st,
        claims=claims if claims is not None else claim_records(dataset),
        border=dataset.border,
        figures=figures(dataset.ledger, source=source, date=date),
        relative=relative_geometries(dataset.ledger, dataset.gazetteer, source=source, date=date),
        **kw,
    )


def _html(ctx: MapContext) -> str:
    with deterministic_ids():
        return render_map(ctx).get_root().render()


@pytest.mark.parametrize("text", ATTACKS)
def test_esc_neutralises(text: str) -> None:
    out = esc(text)
    assert "<" not in out and "`" not in out and "$" not in out and '"' not in out and "\u202e" not in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "  JAVASCRIPT:alert(1)", "//evil.org", ""])
def test_unsafe_urls_are_not_links(url: str) -> None:
    assert safe_url(url) is None
    assert "<a " not in link(url, "x")


def test_map_has_one_geojson_layer_per_group(dataset) -> None:
    m = render_map(_ctx(dataset))
    layers = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    names = [layer.layer_name for layer in layers]
    assert len(layers) == 5  # border + 4 groups (no relative claims for ru-mod)
    assert any(n.startswith("Held by Russia (5)") for n in names)
    tiles = [c.layer_name for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert tiles == ["OpenStreetMap", "Satellite (Esri World Imagery)"]


def test_relative_layer(dataset) -> None:
    m = render_map(_ctx(dataset, source="ua-gs", date=dt.date(2025, 2, 6)))
    rel = [c for c in m._children.values() if isinstance(c, folium.GeoJson) and "advances" in c.layer_name]
    assert len(rel) == 1
    kinds = [f["geometry"]["type"] for f in rel[0].data["features"]]
    assert kinds == ["LineString", "Point"]


def test_popup_lists_claims_with_links(dataset) -> None:
    """Sudzha's popup data: its verdict, and its claims newest first, each with its link."""
    p = _payload(_html(_ctx(dataset, date=dt.date(2025, 4, 26))))
    i = next(k for k, n in enumerate(p["n"]) if n.startswith("<b>Sudzha</b>"))
    assert p["verdicts"][p["v"][i]] == (
        "<b>RU</b> according to Russian Ministry of Defence on 2025-04-26 (region-wide claim of 2025-04-26; "
        "made that day)."
    )
    lines = [p["claims"][k] for k in p["c"][i]]
    by = "Russian Ministry of Defence, as reported by example.org"
    assert lines == [
        ["2025-04-26", "RU", "Declares the whole oblast retaken.", "https://example.org/ru3", by, None],
        ["2025-03-13", "RU", "Says Sudzha was retaken.", "https://example.org/ru1", by, None],
    ]
    assert p["g"][i] == "R"


def _panel(m: folium.Map) -> str:
    (panel,) = [c for c in m._children.values() if type(c).__name__ == "_Panel"]
    return panel.html


def test_panel_counts_and_figures(dataset) -> None:
    html = _panel(render_map(_ctx(dataset, source="ua-gs", date=dt.date(2025, 5, 21))))
    assert "Held by Ukraine: <b>1</b>" in html
    assert "Contested / fighting reported: <b>1</b>" in html
    assert "1,000 km2" in html


def test_hostile_text_is_escaped_everywhere(dataset) -> None:
    claims = claim_records(dataset)
    for c in claims.values():
        c["summary"] = " | ".join(ATTACKS)
        c["url"] = "javascript:alert(1)"
    src = dataset.sources.loc["ru-mod"].to_dict()
    src["name"] = ATTACKS[0]
    st = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=dt.date(2025, 4, 26))
    st.loc[st.index[0], "name"] = ATTACKS[3]
    html = _html(MapContext(source=src, date="2025-04-26", state=st, claims=claims))
    for attack in ATTACKS:
        assert attack not in html
    assert "javascript:alert" not in html
    assert "onerror=alert(1)>" not in html
    # Exactly the scripts we emit: no user text opened a script element.
    assert html.count("<script") == html.count("</script>")


@pytest.mark.parametrize(
    ("assets", "expected"),
    [
        (INLINE, []),
        (
            LOCAL_SUBFOLDER,
            [
                "../assets/leaflet-1.9.3/leaflet.css",
                "../assets/leaflet-1.9.3/leaflet.js",
                "../assets/listbox.js",
                "../assets/map.css",
                "../assets/map.js",
            ],
        ),
        (
            CDN,  # our own chrome is inlined: no CDN has it
            [
                "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
                "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
            ],
        ),
    ],
)
def test_only_leaflet_is_loaded(dataset, assets, expected) -> None:
    with deterministic_ids():
        html = render_map(_ctx(dataset), assets=assets).get_root().render()
    urls = sorted(set(re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', html)))
    assert urls == expected
    assert ("L.map(" in html) and (("Leaflet 1.9.3" in html) == (assets is INLINE))


def test_attribution_prefix_is_neutral(dataset) -> None:
    html = _html(_ctx(dataset))
    assert "setPrefix(" in html and "kursk_map" in html


def test_rendering_is_deterministic(dataset) -> None:
    assert _html(_ctx(dataset)) == _html(_ctx(dataset))


def test_render_rejects_wrong_argument() -> None:
    with pytest.raises(TypeError, match="expects a MapContext"):
        render_map({"source": "x"})  # type: ignore[arg-type]


def test_existing_map_is_reused(dataset) -> None:
    m = folium.Map()
    assert render_map(_ctx(dataset), m=m) is m


def test_index_escapes_and_links() -> None:
    manifest = {
        "claims": 2,
        "sources": [{"slug": "a", "name": "<A>", "side": "UA", "kind": "official", "url": ""}],
        "maps": [
            {
                "source": "a",
                "date": "2025-01-01",
                "path": "a/2025-01-01.html",
                "counts": {"UA": 3, "RU": 0, "contested": 1},
                "unplaced": ["x"],
                "claims_to_date": 2,
            }
        ],
    }
    before = copy.deepcopy(manifest)
    html = render_index(manifest)
    assert "<A>" not in html and "&lt;A&gt;" in html
    assert "href='a/2025-01-01.html'" in html
    # counts in words, not codes
    assert "3 held by Ukraine" in html and "1 contested" in html and "1 unplaced claim<" in html
    assert "Ukraine&#x27;s side · official statements · 2 claims · 1 map, 2025-01-01" in html
    assert manifest == before  # the index reads the manifest, never changes it


def test_index_links_timelines_comparisons_and_the_explorer() -> None:
    manifest = {
        "claims": 1,
        "sources": [{"slug": "a", "name": "A", "side": "UA", "kind": "official", "url": ""}],
        "maps": [{"source": "a", "date": "2025-01-01", "path": "a/2025-01-01.html", "counts": {}, "unplaced": []}],
        "timelines": {"a": "a/timeline.html"},
        "compare": [{"date": "2025-01-01", "path": "compare/2025-01-01.html", "disagreements": ["x", "y"]}],
        "explore": "explore.html",
    }
    html = render_index(manifest)
    assert re.search(r"<a [^>]*href='([^']*)'", html).group(1) == "explore.html"  # the first link of the page
    assert "href='a/timeline.html'" in html
    assert "explore.html#source=a&amp;date=2025-01-01" in html
    assert "href='compare/2025-01-01.html' title='2025-01-01: sources disagree about 2 settlements' class=dis" in html


@pytest.mark.parametrize("n", [1, 2])
def test_index_counts_read_as_english(n: int) -> None:
    dates = [f"2025-01-0{d + 1}" for d in range(n)]
    manifest = {
        "claims": n,
        "sources": [{"slug": "a", "name": "A", "side": "RU", "kind": "media", "url": ""}],
        "maps": [
            {
                "source": "a",
                "date": d,
                "path": f"a/{d}.html",
                "counts": {"RU": n},
                "unplaced": ["u"] * n,
                "claims_to_date": n,
            }
            for d in dates
        ],
    }
    text = re.sub(r"<[^>]+>", "", render_index(manifest))
    assert "from 1 source," in text
    one, many = ("claim", "map", "unplaced claim"), ("claims", "maps", "unplaced claims")
    for word_1, word_n in zip(one, many, strict=True):
        assert f"{n} {word_1 if n == 1 else word_n}" in text
        assert f"{n} {word_n if n == 1 else word_1}" not in text.replace(f"{n} {word_1 if n == 1 else word_n}", "")
    assert "UA 1" not in text and "+1?" not in text and "<table" not in text


def test_index_states_the_builds_ageing() -> None:
    manifest = {
        "claims": 1,
        "sources": [{"slug": "a", "name": "A", "side": "UA", "kind": "official", "url": ""}],
        "maps": [{"source": "a", "date": "2025-01-01", "path": "a/2025-01-01.html", "counts": {}, "unplaced": []}],
        "ageing": {"stale_presence_days": 14, "stale_control_days": 60, "max_age_days": 120},
    }
    html = " ".join(render_index(manifest).split())
    assert 'one older than 60 days (14 for "contested") is drawn faded' in html
    assert "Claims older than 120 days are listed but not coloured." in html
    del manifest["ageing"]
    assert "listed but not coloured" not in render_index(manifest)


def _payload(html: str) -> dict:
    m = re.search(r"const D = (\{.*?\});\n", html)
    assert m, "no settlement payload in the page"
    return json.loads(m.group(1))


def test_settlement_names_follow_the_state_not_a_cached_copy(dataset) -> None:
    # the static payload columns are cached per gazetteer; a state with other names must not reuse them
    ctx = _ctx(dataset)
    before = _payload(_html(ctx))
    st = ctx.state.copy()
    st.loc[st["name"] == "Sudzha", "name"] = "Renamed-Sudzha"
    after = _payload(_html(dataclasses.replace(ctx, state=st)))
    assert any("Sudzha" in n for n in before["n"]) and not any("Renamed-Sudzha" in n for n in before["n"])
    assert any("Renamed-Sudzha" in n for n in after["n"])
    assert _payload(_html(ctx)) == before  # and back again


def test_shared_claims_file_moves_the_texts_out_of_the_page(dataset) -> None:
    claims = claim_records(dataset)
    shared = claims_file(claims, "ru-mod")
    inline = _html(_ctx(dataset, claims=claims))
    page = _html(_ctx(dataset, claims=claims, claims_file=shared))
    summary = esc(claims["ru-1"]["summary"])
    assert summary in inline and summary not in page and summary in shared.text
    assert '<script src="claims.js"></script>' in page
    p = _payload(page)
    assert p["cs"] == "ru-mod" and "claims" not in p
    table = json.loads(shared.text.split(" = ", 2)[-1].rstrip(";\n"))
    # every index the page uses points at a claim of this source, in (date, id) order
    ordered = sorted((c["date"], cid) for cid, c in claims.items() if c["source"] == "ru-mod")
    assert [row[0] for row in table] == [d for d, _ in ordered]
    used = {i for refs in p["c"] for i in refs}
    assert used and max(used) < len(table)


def test_shared_settlements_file_is_used_only_for_its_own_gazetteer(dataset) -> None:
    ctx = _ctx(dataset)
    common = settlements_file(ctx.state)
    page = _html(dataclasses.replace(ctx, settlements_file=common))
    p = _payload(page)
    assert p["sk"] == common.key and "n" not in p and "lat" not in p
    assert '<script src="../settlements.js"></script>' in page and "Sudzha" not in page.split("const D = ")[1]
    shared = json.loads(common.text.split(" = ", 2)[-1].rstrip(";\n"))
    assert len(shared["lat"]) == len(p["g"])  # one code per shared settlement, in the same order
    # a file made from another gazetteer is not trusted: the page embeds its own columns
    st = ctx.state.copy()
    st.loc[st["name"] == "Sudzha", "name"] = "Sudzha-2"
    page2 = _html(dataclasses.replace(ctx, state=st, settlements_file=common))
    p2 = _payload(page2)
    assert "sk" not in p2 and any("Sudzha-2" in n for n in p2["n"])
    assert '<script src="../settlements.js">' not in page2


def test_claims_script_of_another_source_is_refused(dataset) -> None:
    # an index into the wrong file would show another claim's text in the popup: refuse instead
    claims = claim_records(dataset)
    with pytest.raises(ValueError, match="not in the claims script of 'ua-gs'"):
        _html(_ctx(dataset, claims=claims, claims_file=claims_file(claims, "ua-gs")))


def _documented(typed_dict: type) -> set[str]:
    return set(typing.get_type_hints(typed_dict))


def test_every_payload_key_is_documented(dataset) -> None:
    """The keys the pages carry are those render/payload.py explains (and no undocumented one)."""
    claims = claim_records(dataset)
    alone = _payload(_html(_ctx(dataset)))
    shared = settlements_file(_ctx(dataset).state)
    linked = _payload(_html(_ctx(dataset, claims_file=claims_file(claims, "ru-mod"), settlements_file=shared)))
    assert set(alone) | set(linked) == _documented(payload.MapPayload)
    assert set(alone) - set(linked) == _documented(payload.SettlementColumns) | {"claims"}
    assert set(json.loads(shared.text.split(" = ", 2)[-1].rstrip(";\n"))) == _documented(payload.SettlementColumns)
    relative = _html(_ctx(dataset, source="ua-gs", date=dt.date(2025, 2, 6)))
    props = {k for m in re.finditer(r'"properties": (\{[^{}]*\})', relative) for k in json.loads(m.group(1))}
    assert props and props <= _documented(payload.FeatureProperties)


# ---------------------------------------------------------------------------------------------
# what a map says beyond colours: age, drawn areas, attacks, who said it and where it was reported


def test_stale_claims_are_marked_and_counted(dataset) -> None:
    ctx = _ctx(dataset, source="ua-gs", date=dt.date(2025, 5, 21))
    p = _payload(_html(ctx))
    i = next(k for k, n in enumerate(p["n"]) if n.startswith("<b>Sudzha</b>"))
    j = next(k for k, n in enumerate(p["n"]) if n.startswith("<b>Gornal</b>"))
    # Sudzha: UA since 2024-08-14, 280 days on 2025-05-21 (over 90); Gornal: contested that day
    assert (p["s"][i], p["s"][j]) == ("1", "0")
    assert p["verdicts"][p["v"][i]].endswith("(claim of 2024-08-14; 280 days old: stale (older than 90 days)).")
    html = _panel(render_map(ctx))
    assert "Held by Ukraine: <b>1</b> <span class='km-old'>(1 stale)</span>" in html
    assert "older than 90 days (30 for contested) on this date: <b>1</b>" in html


def test_max_age_leaves_old_claims_grey_and_says_so(dataset) -> None:
    from kursk_map.state import Ageing

    ageing = Ageing(max_age_days=100)
    st = compute_state(dataset.gazetteer, dataset.ledger, source="ua-gs", date=dt.date(2025, 5, 21), ageing=ageing)
    ctx = dataclasses.replace(_ctx(dataset, source="ua-gs", date=dt.date(2025, 5, 21)), state=st, ageing=ageing)
    p = _payload(_html(ctx))
    i = next(k for k, n in enumerate(p["n"]) if n.startswith("<b>Sudzha</b>"))
    assert (p["g"][i], p["s"][i]) == ("-", "2")
    assert p["verdicts"][p["v"][i]] == (
        "No recent claim by General Staff of Ukraine on 2025-05-21: its latest, <b>UA</b> (claim of 2024-08-14; "
        "280 days old: older than 100 days, not coloured); shown at its de jure country (RU)."
    )
    assert len(p["c"][i]) == 1  # the claim stays listed in the popup
    assert "claims older than 100 days are not coloured (shown grey, listed in their popup): <b>1</b>" in _panel(
        render_map(ctx)
    )


def test_the_popup_names_the_claimant_and_where_it_was_reported(dataset) -> None:
    claims = claim_records(dataset)
    claims["ru-1"] |= {"url": "https://tass.com/politics/1", "primary_url": "https://mil.ru/news/1"}
    from kursk_map.attribution import attribution

    claims["ru-1"]["attribution"] = attribution(
        "Russian Ministry of Defence", "https://tass.com/politics/1", primary_url="https://mil.ru/news/1"
    )
    p = _payload(_html(_ctx(dataset, date=dt.date(2025, 3, 15), claims=claims)))
    i = next(k for k, n in enumerate(p["n"]) if n.startswith("<b>Sudzha</b>"))
    (line,) = [p["claims"][k] for k in p["c"][i]]
    assert line[3:] == [
        "https://tass.com/politics/1",
        "Russian Ministry of Defence, as reported by TASS",
        "https://mil.ru/news/1",
    ]


ATTACK_ROW = (
    "ru-5,2025-03-20,ru-mod,attack,Gornal,UA,,,,,The ministry said it repelled an attack towards Gornal.,"
    "https://tass.com/x,\n"
)


def test_attacks_are_their_own_markers_and_never_colour_a_settlement(tmp_path) -> None:
    from kursk_map import load_dataset
    from kursk_map.render import attack_markers
    from kursk_map.view import map_context

    from .conftest import RU_CLAIMS, TODAY, write_dataset

    ds = load_dataset(write_dataset(tmp_path, ru=RU_CLAIMS + ATTACK_ROW), today=TODAY)
    ctx = map_context(ds, "ru-mod", dt.date(2025, 3, 20))
    assert ctx.state.loc["kmap:gornal-sudzhansky", "group"] == "baseline"  # an attack near it is not control
    ((lat, lon, tip, popup),) = attack_markers(ctx)
    assert (lat, lon) == (51.07, 35.5)
    assert tip == "Attack or strike reported near Gornal (1); not a claim of control"
    assert "repelled an attack towards Gornal" in popup and "Russian Ministry of Defence, as reported by TASS" in popup
    html = _html(ctx)
    assert "window.__kmAttacks(" in html and "Attack or strike reported near (1 settlements)" in html
    assert "attack or strike reported near (not control)" in _panel(render_map(ctx))
    assert attack_markers(map_context(ds, "ru-mod", dt.date(2025, 3, 15))) == []  # not yet made


def test_the_sources_drawn_areas_are_a_layer_and_the_popup_shows_them_beside_a_claim(with_areas) -> None:
    from kursk_map.view import map_context

    ctx = map_context(with_areas, "ua-gs", dt.date(2025, 5, 21))
    assert ctx.drawn is not None and ctx.drawn.date == "2025-04-01"
    m = render_map(ctx)
    (layer,) = [c for c in m._children.values() if getattr(c, "layer_name", "").startswith("Areas drawn by")]
    assert layer.layer_name == esc("Areas drawn by General Staff of Ukraine on 2025-04-01")  # the layer list is HTML
    (feature,) = layer.data["features"]
    # 0.06° x 0.10° at 51.25° N: 4.18 km x 11.12 km
    tip = re.fullmatch(
        r"Areas drawn by General Staff of Ukraine on 2025-04-01 \(its own drawing\): Held by Ukraine, ([0-9.]+) km²",
        feature["properties"]["t"],
    )
    assert tip and float(tip[1]) == pytest.approx(46.5, abs=0.2)
    p = _payload(_html(ctx))
    names = [n.split("</b>")[0][3:] for n in p["n"]]
    gornal, sudzha = names.index("Gornal"), names.index("Sudzha")
    # Gornal: a named claim of 2025-05-21, later than the areas; the areas' view of it stays beside it
    assert p["verdicts"][p["v"][gornal]].startswith("<b>contested</b> according to General Staff of Ukraine")
    drawing = (
        ' [<a href="https://example.org/ua-gs/2025-04-01" target="_blank" rel="noopener noreferrer">the drawing</a>]'
    )
    assert p["areas"][p["ar"][gornal]] == (
        "Areas drawn by General Staff of Ukraine on 2025-04-01: <b>Held by Russia</b>" + drawing
    )
    # Sudzha: decided by the areas (outside them now: the map leaves it to Russia); its named claim listed
    assert p["verdicts"][p["v"][sudzha]].startswith(
        "<b>RU</b> according to General Staff of Ukraine on 2025-05-21 (its drawn areas of 2025-04-01; 50 days old)"
    )
    # ... and the popup links the drawing that decides it (no claim row says so)
    assert p["areas"][p["ar"][sudzha]] == (
        "Areas drawn by General Staff of Ukraine on 2025-04-01: <b>Held by Russia</b>" + drawing
    )
    assert len(p["c"][sudzha]) == 1
    panel = _panel(m)
    # the areas shown are those of 1 April, 50 days before the map's date, and the legend says so
    assert esc("Areas drawn by General Staff of Ukraine on 2025-04-01") + " (its own drawing, 50 days before" in panel
    assert "or by its own drawn map" in panel
    drawn = re.search(r"drawn on its map of 2025-04-01: held by Ukraine ([0-9.]+) km²", panel)
    assert drawn and float(drawn[1]) == pytest.approx(46.5, abs=0.2)
    # the source's own drawing is the picture: the yardstick of implied areas starts hidden (one click away)
    (implied,) = [c for c in m._children.values() if getattr(c, "layer_name", "") == "Area implied by the claims (km²)"]
    assert implied.show is False


def test_without_drawn_areas_the_map_says_nothing_of_them_and_shows_the_implied_areas(dataset) -> None:
    from kursk_map.view import map_context

    ctx = map_context(dataset, "ua-gs", dt.date(2025, 5, 21))
    assert ctx.drawn is None
    m = render_map(ctx)
    panel = _panel(m)
    assert "drawn map" not in panel and "Areas drawn by" not in panel
    (implied,) = [c for c in m._children.values() if getattr(c, "layer_name", "") == "Area implied by the claims (km²)"]
    assert implied.show is True


DRAWN_AREA = (
    "ua-gs-map-20250301-area-ua-kursk,2025-03-01,ua-gs,area,Kursk Oblast,UA,120.5,km2,,,"
    "The map of 2025-03-01 drew 120.5 km2 of Kursk Oblast as held by Ukraine.,https://example.org/map,derived\n"
)


def test_the_panel_keeps_announced_figures_apart_from_those_drawn_on_its_map(tmp_path) -> None:
    from kursk_map import load_dataset
    from kursk_map.view import map_context

    from .conftest import TODAY, UA_CLAIMS, write_dataset

    ds = load_dataset(write_dataset(tmp_path, ua=UA_CLAIMS + DRAWN_AREA), today=TODAY)
    html = _panel(render_map(map_context(ds, "ua-gs", dt.date(2025, 3, 1))))
    assert "Figures and statements it announced (1)" in html  # ua-2, 1,000 km2
    assert "Drawn on its map: km² read off its drawn areas (1)" in html
    assert "announced 1,000 km² held by UA (2024-08-14)" in html
    assert "drawn on its map of 2025-03-01: 120.5 km² of Kursk Oblast held by Ukraine" in html


def test_an_announced_figure_about_one_oblast_is_set_beside_the_settlements_of_that_oblast(tmp_path) -> None:
    from kursk_map import load_dataset
    from kursk_map.view import map_context

    from .conftest import TODAY, UA_CLAIMS, write_dataset

    extra = (
        "ua-7,2025-03-01,ua-gs,control,Sumy,UA,,,,,Says Sumy is held.,https://example.org/ua7,\n"
        "ua-8,2025-03-01,ua-gs,area,Kursk Oblast,UA,300,km2,,,Says 300 km2 of Kursk Oblast are held.,"
        "https://example.org/ua8,\n"
    )
    ds = load_dataset(write_dataset(tmp_path, ua=UA_CLAIMS + extra), today=TODAY)
    ctx = map_context(ds, "ua-gs", dt.date(2025, 3, 1))
    cells = ds.cells["area_km2"]
    # Sudzha (Kursk Oblast) and Sumy (Sumy Oblast, in Ukraine) are both claimed for Ukraine
    assert cells["486816"] > 0 and cells["692194"] > 0
    html = _panel(render_map(ctx))
    line = re.search(
        r"announced 300 km² held by UA \(2025-03-01\); its named settlements in Kursk Oblast imply ≈([0-9.,]+)", html
    )
    assert line, html
    assert float(line[1].replace(",", "")) == pytest.approx(cells["486816"], abs=0.1)  # Sumy's cell left out


def test_the_panel_gives_the_newer_of_the_drawn_polygons_and_the_km2_read_off_the_map(tmp_path) -> None:
    from kursk_map import load_dataset
    from kursk_map.view import map_context

    from .conftest import TODAY, UA_AREAS, UA_CLAIMS, write_areas, write_dataset

    later = DRAWN_AREA.replace("20250301", "20250415").replace("2025-03-01", "2025-04-15").replace("120.5", "80")
    root = write_dataset(tmp_path, ua=UA_CLAIMS + later)
    for day, boxes in UA_AREAS.items():
        write_areas(root, "ua-gs", day, *boxes)
    ds = load_dataset(root, today=TODAY)
    on_areas = _panel(render_map(map_context(ds, "ua-gs", dt.date(2025, 4, 1))))
    assert "drawn on its map of 2025-04-01: held by Ukraine" in on_areas  # the polygons of that day
    after = _panel(render_map(map_context(ds, "ua-gs", dt.date(2025, 4, 20))))
    assert "drawn on its map of 2025-04-15: 80 km² of Kursk Oblast held by Ukraine" in after
    assert "drawn on its map of 2025-04-01" not in after


def test_claims_older_than_the_maximum_age_imply_no_area(dataset) -> None:
    from kursk_map.state import Ageing
    from kursk_map.view import map_context

    day = dt.date(2025, 5, 21)
    every = map_context(dataset, "ua-gs", day)
    recent = map_context(dataset, "ua-gs", day, ageing=Ageing(max_age_days=100))
    # Sudzha's UA claim is 280 days old: coloured (and its cell counted) only without a maximum age
    assert every.areas["UA"] > 0 and recent.areas["UA"] == 0
    assert recent.areas["contested"] == every.areas["contested"] > 0  # Gornal's claim is of that day
    # the map draws the cells of the coloured settlements only: Gornal's (contested), not Sudzha's
    p = _payload(_html(recent))
    names = [n.split("</b>")[0][3:] for n in p["n"]]
    assert sorted(names[int(i)] for i in p["cells"]) == ["Gornal"]
    assert p["g"][names.index("Gornal")] == "c" and "≈" in p["at"]["c"]
    assert sorted(names[int(i)] for i in _payload(_html(every))["cells"]) == ["Gornal", "Sudzha"]


def test_the_claimed_settlements_cells_are_drawn_from_the_shared_cells_script(dataset) -> None:
    """A map draws the cells (see areas.cell_outlines) of the settlements it colours, from cells.js when it has one."""
    from kursk_map.areas import cell_outlines
    from kursk_map.render import cells_file
    from kursk_map.view import map_context

    day = dt.date(2025, 3, 15)
    ctx = map_context(dataset, "ru-mod", day)
    outlines = cell_outlines(dataset.cells)
    alone = _payload(_html(ctx))  # no shared script: the page carries the cells it draws
    names = [n.split("</b>")[0][3:] for n in alone["n"]]
    claimed = sorted(names[i] for i, g in enumerate(alone["g"]) if g != "-")
    assert claimed == ["Sudzha", "Zaoleshenka"]
    assert sorted(names[int(i)] for i in alone["cells"]) == claimed
    sudzha = dataset.gazetteer.index[dataset.gazetteer["name"] == "Sudzha"][0]
    assert alone["cells"][str(names.index("Sudzha"))] == outlines[str(sudzha)]
    # EPSG:4326 around Sudzha (35.27 E, 51.19 N), within the 5 km disc the cell is clipped to
    lon, lat = zip(*outlines[str(sudzha)][0][0], strict=True)
    assert 35.19 < min(lon) < max(lon) < 35.35 and 51.14 < min(lat) < max(lat) < 51.24
    # with the atlas's cells.js: the page names the script and carries no cell; the script is in the payload's order
    shared = cells_file(ctx.state, outlines)
    page = _html(dataclasses.replace(ctx, cells_file=shared))
    p = _payload(page)
    assert p["ck"] == shared.key and "cells" not in p
    assert '<script src="../cells.js"></script>' in page
    column = json.loads(shared.text.split(" = ", 2)[-1].rstrip(";\n"))
    assert column[names.index("Sudzha")] == outlines[str(sudzha)] and len(column) == len(names)
    # a cells script of other cells is not used: the page carries its own again
    other = cells_file(ctx.state, {k: v for k, v in outlines.items() if k != str(sudzha)})
    assert "cells" in _payload(_html(dataclasses.replace(ctx, cells_file=other)))
    # no settlement claimed yet: no implied-area layer and no cells
    before = map_context(dataset, "ru-mod", dt.date(2025, 3, 12))
    assert "at" not in _payload(_html(before)) and "Area implied by the claims" not in _html(before)


def test_tile_layers_are_those_folium_makes_from_their_urls(dataset) -> None:
    # the base map gives folium a provider holding the URL (sparing its search of xyzservices' names);
    # a layer is its URL and options (folium's template writes L.tileLayer(tiles, options))
    m = render_map(_ctx(dataset))
    made = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert [(t.tiles, t.layer_name, t.options["max_zoom"], t.show) for t in made] == [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "OpenStreetMap", 19, True),
        (
            "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
            "Satellite (Esri World Imagery)",
            18,
            False,
        ),
    ]
    for t in made:
        own = folium.TileLayer(
            t.tiles, attr=t.options["attribution"], name=t.layer_name, max_zoom=t.options["max_zoom"], show=t.show
        )
        assert (own.tiles, own.options, own.tile_name, own.overlay, own.control) == (
            t.tiles,
            t.options,
            t.tile_name,
            t.overlay,
            t.control,
        )
