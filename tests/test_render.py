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
        "<b>RU</b> according to Russian Ministry of Defence on 2025-04-26 (region-wide claim of 2025-04-26)."
    )
    lines = [p["claims"][k] for k in p["c"][i]]
    assert lines == [
        ["2025-04-26", "RU", "Declares the whole oblast retaken.", "https://example.org/ru3"],
        ["2025-03-13", "RU", "Says Sudzha was retaken.", "https://example.org/ru1"],
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


def test_only_leaflet_is_loaded(dataset) -> None:
    html = _html(_ctx(dataset))
    urls = sorted(set(re.findall(r'<(?:script src|link rel="stylesheet" href)="(https?://[^"]+)"', html)))
    assert urls == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
    ]


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
            }
        ],
    }
    before = copy.deepcopy(manifest)
    html = render_index(manifest)
    assert "<A>" not in html and "&lt;A&gt;" in html
    assert "href='a/2025-01-01.html'" in html
    assert "UA 3" in html and "c 1" in html and "+1?" in html
    assert manifest == before  # the index reads the manifest, never changes it


def test_index_links_timelines_and_comparisons() -> None:
    manifest = {
        "claims": 1,
        "sources": [{"slug": "a", "name": "A", "side": "UA", "kind": "official", "url": ""}],
        "maps": [{"source": "a", "date": "2025-01-01", "path": "a/2025-01-01.html", "counts": {}, "unplaced": []}],
        "timelines": {"a": "a/timeline.html"},
        "compare": [{"date": "2025-01-01", "path": "compare/2025-01-01.html", "disagreements": ["x", "y"]}],
    }
    html = render_index(manifest)
    assert "href='a/timeline.html'" in html
    assert "href='compare/2025-01-01.html'" in html and "2 disagree" in html


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
