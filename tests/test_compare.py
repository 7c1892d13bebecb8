from __future__ import annotations

import datetime as dt
import typing
from dataclasses import replace

import folium
import pandas as pd
import pytest

from kursk_map import compute_state
from kursk_map.render import (
    CompareContext,
    deterministic_ids,
    disagreements,
    payload,
    render_compare,
    render_side_by_side,
)
from kursk_map.state import diff_states
from kursk_map.view import claim_records, map_context

from .browser_support import browser_page, chromium_path
from .conftest import HEADER, TODAY, UA_CLAIMS, write_dataset

D = dt.date(2025, 5, 21)


def _ctx(ds, day: dt.date = D) -> CompareContext:
    srcs = [ds.sources.loc[s].to_dict() for s in ("ru-mod", "ua-gs")]
    states = {s["slug"]: compute_state(ds.gazetteer, ds.ledger, source=s["slug"], date=day) for s in srcs}
    return CompareContext(date=day.isoformat(), sources=srcs, states=states, claims=claim_records(ds), border=ds.border)


def test_disagreements_between_sources(dataset) -> None:
    dis = disagreements(_ctx(dataset).states)
    # ru-mod: all Kursk RU (region claim); ua-gs: Sudzha UA, Gornal contested
    assert dis == {
        "486816": {"ru-mod": "RU", "ua-gs": "UA"},
        "kmap:gornal-sudzhansky": {"ru-mod": "RU", "ua-gs": "contested"},
    }


def test_disagreements_align_states_by_settlement_id() -> None:
    a = pd.DataFrame({"group": ["UA", "RU"]}, index=["x", "y"])
    b = pd.DataFrame({"group": ["UA", "RU", "baseline"]}, index=["y", "x", "z"])
    assert disagreements({"a": a, "b": b}) == {"x": {"a": "UA", "b": "RU"}, "y": {"a": "RU", "b": "UA"}}
    assert disagreements({"a": a}) == {} and disagreements({}) == {}


def test_compare_rejects_states_of_other_settlements(dataset) -> None:
    ctx = _ctx(dataset)
    short = dict(ctx.states, **{"ua-gs": ctx.states["ua-gs"].drop(index="692194")})
    with pytest.raises(ValueError, match=r"state of 'ua-gs' lacks 1 settlement\(s\) of the others, e.g. \['692194'\]"):
        render_compare(replace(ctx, states=short))


def test_compare_rejects_unknown_controller(dataset) -> None:
    ctx = _ctx(dataset)
    odd = ctx.states["ru-mod"].copy()
    odd.loc["486816", ["controller", "group"]] = "XX"
    with pytest.raises(ValueError, match=r"state of 'ru-mod' has unknown controller\(s\) \['XX'\]"):
        render_compare(replace(ctx, states=dict(ctx.states, **{"ru-mod": odd})))


def _data(m: folium.Map):
    """The page's script element that carries the payload (the one child with a ``payload``)."""
    (data,) = [c for c in m._children.values() if hasattr(c, "payload")]
    return data


def test_compare_layers_per_source_and_disagreement(dataset) -> None:
    m = render_compare(_ctx(dataset))
    names = [c.layer_name for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert "Sources disagree (2)" in names
    assert "No claim by any source (de jure country) (1)" in names  # Sumy
    assert any(n.startswith("Russian Ministry of Defence: Held by Russia (5)") for n in names)
    assert any(n.startswith("General Staff of Ukraine: Held by Ukraine (1)") for n in names)
    assert any(n.startswith("General Staff of Ukraine: Contested / fighting reported (1)") for n in names)
    assert not any("Russian Ministry of Defence: Held by Ukraine" in n for n in names)  # no empty layers
    # the layers are filled in the browser: folium only declares them
    settlement_layers = [
        c for c in m._children.values() if isinstance(c, folium.GeoJson) and c.layer_name != "Russia–Ukraine border"
    ]
    assert len(settlement_layers) == 5 and all(c.data["features"] == [] for c in settlement_layers)


def test_compare_payload_holds_every_source_once(dataset) -> None:
    d = _data(render_compare(_ctx(dataset))).payload
    # settlements by id: 486816 (Sudzha), 692194 (Sumy), Gornal, Nikolayevka a and b, Zaoleshenka
    assert [n.split("</b>")[0] for n in d["n"]] == [
        "<b>Sudzha",
        "<b>Sumy",
        "<b>Gornal",
        "<b>Nikolayevka",
        "<b>Nikolayevka",
        "<b>Zaoleshenka",
    ]
    assert (d["lat"][0], d["lon"][0]) == (51.1906, 35.2708)  # 4 decimals, about 10 m
    (ru_name, ru_codes, ru_refs, ru_ages), (ua_name, ua_codes, ua_refs, ua_ages) = d["src"]
    assert (ru_name, ru_codes, ua_name, ua_codes) == (
        "Russian Ministry of Defence",
        "R-RRRR",
        "General Staff of Ukraine",
        "U-c---",
    )
    # Ukraine's Sudzha claim of 2024-08-14 is 280 days old on 2025-05-21: stale (over 90 days); Gornal's is new
    assert (ru_ages, ua_ages) == ("000000", "100000")
    # one claim line per settlement a source claims; the region-wide claim is stored once
    assert len(ru_refs) == 5 and len(set(ru_refs)) == 1 and len(ua_refs) == 2
    ru_line, ua_sudzha = d["lines"][ru_refs[0]], d["lines"][ua_refs[0]]
    assert ru_line.startswith("2025-04-26 (25 days old): ") and ru_line.endswith("<i>(region-wide)</i>")
    assert 'href="https://example.org/ru3"' in ru_line
    assert ua_sudzha.startswith("2024-08-14 (280 days old): ") and 'href="https://example.org/ua1"' in ua_sudzha
    assert ">General Staff of Ukraine, as reported by example.org</a>" in ua_sudzha
    assert d["dis"] == [0, 2]  # Sudzha and Gornal
    assert d["date"] == "2025-05-21"
    assert set(d) == set(typing.get_type_hints(payload.ComparePayload))  # every key is documented


HOSTILE = "<img src=x onerror='window.__pwned=1'> ${window.__pwned=2} `+(window.__pwned=3)+` </script><script>window.__pwned=4</script>"


def _hostile_ctx(tmp_path) -> CompareContext:
    from kursk_map import load_dataset

    ru = HEADER + (
        "ru-1,2025-03-13,ru-mod,control,Sudzha,RU,,,,,Says Sudzha was retaken.,https://example.org/ru1,\n"
        f'ru-2,2025-03-15,ru-mod,control,Zaoleshenka,RU,,,,,"{HOSTILE}",https://example.org/ru2,\n'
        "ru-3,2025-04-26,ru-mod,region,Kursk Oblast,RU,,,,,Declares the oblast retaken.,https://example.org/ru3,\n"
    )
    ds = load_dataset(write_dataset(tmp_path / "data", ru=ru, ua=UA_CLAIMS), today=TODAY)
    return _ctx(ds, dt.date(2025, 3, 15))


def test_compare_escapes_every_text(tmp_path) -> None:
    ctx = _hostile_ctx(tmp_path)
    m = render_compare(ctx)
    d = _data(m).payload
    texts = [d["date"], *d["n"], *d["lines"], *(s[0] for s in d["src"])]
    assert any("&lt;img src=x" in t and "&#36;&#123;window" in t and "&#96;" in t for t in texts)
    assert not any(ch in t for t in texts for ch in "`$") and not any("<img" in t or "<script" in t for t in texts)
    with deterministic_ids():
        html = m.get_root().render()
    assert "<img src=x" not in html and "window.__pwned=4</script>" not in html


def test_compare_is_deterministic(dataset) -> None:
    with deterministic_ids():
        a = render_compare(_ctx(dataset)).get_root().render()
    with deterministic_ids():
        b = render_compare(_ctx(dataset)).get_root().render()
    assert a == b


def test_side_by_side_has_two_synced_maps(dataset) -> None:
    left = map_context(dataset, "ru-mod", D)
    right = map_context(dataset, "ua-gs", D)
    with deterministic_ids():
        html = render_side_by_side(left, right).render()
    assert html.count("L.map(") == 2
    assert "dst.setView(src.getCenter(), src.getZoom()" in html


def test_diff_gained_and_lost(dataset) -> None:
    before = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=dt.date(2025, 3, 13))
    after = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=dt.date(2025, 3, 15))
    d = diff_states(before, after)
    assert d["changes"] == [
        {"id": "kmap:zaoleshenka-sudzhansky", "name": "Zaoleshenka", "from": "baseline", "to": "RU"}
    ]
    assert d["gained"] == {"RU": ["Zaoleshenka"]} and d["lost"] == {"baseline": ["Zaoleshenka"]}
    assert d["counts"]["after"]["RU"] == 2


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make test installs it)")
def test_compare_page_in_browser_fills_layers_and_keeps_text_inert(tmp_path) -> None:
    page_path = tmp_path / "compare.html"
    with deterministic_ids():
        page_path.write_text(render_compare(_hostile_ctx(tmp_path)).get_root().render(), encoding="utf-8")
    layers_js = """() => Object.keys(window).filter(k => k.startsWith('geo_json_') && window[k] instanceof L.GeoJSON)
        .sort().map(k => window[k].getLayers().length)"""
    with browser_page() as (page, errors, blocked):
        page.goto(page_path.as_uri())
        page.wait_for_function("() => typeof L !== 'undefined' && window.__kmCmp")
        # border; no claim (Sumy, Gornal, Nikolayevka x2); ru-mod RU (Sudzha, Zaoleshenka); ua-gs UA (Sudzha);
        # disagreement (Sudzha)
        assert page.evaluate(layers_js) == [1, 4, 2, 1, 1]
        point = page.evaluate(
            """() => {
                const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
                map.setView([51.2, 35.25], 12, {animate: false});
                const p = map.latLngToContainerPoint([51.2, 35.25]), r = map.getContainer().getBoundingClientRect();
                return [p.x + r.left, p.y + r.top];
            }"""
        )
        page.wait_for_timeout(100)
        page.mouse.click(point[0], point[1])  # Zaoleshenka: RU per ru-mod (hostile summary), no claim per ua-gs
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert "Zaoleshenka" in text and "What each source claims as of 2025-03-15" in text
        assert "No claim: General Staff of Ukraine" in text  # the sources that said nothing, in one line
        assert HOSTILE in text
        assert popup.locator("a[href='https://example.org/ru2']").count() == 1
        assert popup.locator("img").count() == 0
        assert page.evaluate("() => window.__pwned") is None
        assert errors == []
        assert [u for u in blocked if not u.startswith("https://example.org")] == []


def test_a_sources_drawn_areas_are_a_layer_and_old_claims_are_listed_not_coloured(tmp_path) -> None:
    from kursk_map import load_dataset
    from kursk_map.state import Ageing
    from kursk_map.view import drawn_areas, source_state

    from .conftest import UA_AREAS, write_areas

    root = write_dataset(tmp_path / "data")
    for day, boxes in UA_AREAS.items():
        write_areas(root, "ua-gs", day, *boxes)
    ds = load_dataset(root, today=TODAY)
    ageing = Ageing(max_age_days=40)
    srcs = [ds.sources.loc[s].to_dict() for s in ("ru-mod", "ua-gs")]
    ctx = CompareContext(
        date=D.isoformat(),
        sources=srcs,
        states={s["slug"]: source_state(ds, s["slug"], D, ageing=ageing) for s in srcs},
        claims=claim_records(ds),
        ageing=ageing,
        drawn={"ua-gs": drawn_areas(ds, "ua-gs", D)},
    )
    m = render_compare(ctx)
    names = [c.layer_name for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert "Areas drawn by General Staff of Ukraine on 2025-04-01" in names
    d = _data(m).payload
    _name, codes, refs, ages = d["src"][1]
    nik = [n.split("</b>")[0] for n in d["n"]].index("<b>Nikolayevka")
    # Nikolayevka: decided by the areas of 2025-04-01, 50 days before: over the maximum age of 40
    assert (codes[nik], ages[nik]) == ("-", "2")
    listed = [i for i in range(len(codes)) if codes[i] != "-" or ages[i] == "2"]
    line = d["lines"][refs[listed.index(nik)]]
    assert (
        line == "2025-04-01 (50 days old): inside the areas drawn by General Staff of Ukraine that day: Held by Ukraine"
    )
    assert d["maxAge"] == 40
    html = m.get_root().render()
    assert "claims older than 40 days are not coloured (listed in the popup)" in html
    assert "Areas drawn by General Staff of Ukraine on 2025-04-01 (its own drawing, 50 days before this date)" in html
