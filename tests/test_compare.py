from __future__ import annotations

import datetime as dt

import folium

from kursk_map import compute_state
from kursk_map.build import _claim_records, map_context
from kursk_map.render import CompareContext, disagreements, render_compare, render_side_by_side
from kursk_map.render.maps import deterministic_ids
from kursk_map.state import diff_states

D = dt.date(2025, 5, 21)


def _ctx(ds, day: dt.date = D) -> CompareContext:
    srcs = [ds.sources.loc[s].to_dict() for s in ("ru-mod", "ua-gs")]
    states = {s["slug"]: compute_state(ds.gazetteer, ds.ledger, source=s["slug"], date=day) for s in srcs}
    return CompareContext(
        date=day.isoformat(), sources=srcs, states=states, claims=_claim_records(ds), border=ds.border
    )


def test_disagreements_between_sources(dataset) -> None:
    dis = disagreements(_ctx(dataset).states)
    # ru-mod: all Kursk RU (region claim); ua-gs: Sudzha UA, Gornal contested
    assert dis == {
        "486816": {"ru-mod": "RU", "ua-gs": "UA"},
        "kmap:gornal-sudzhansky": {"ru-mod": "RU", "ua-gs": "contested"},
    }


def test_compare_layers_per_source_and_disagreement(dataset) -> None:
    m = render_compare(_ctx(dataset))
    names = [c.layer_name for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert "Sources disagree (2)" in names
    assert any(n.startswith("Russian Ministry of Defence: Held by Russia (5)") for n in names)
    assert any(n.startswith("General Staff of Ukraine: Held by Ukraine (1)") for n in names)
    assert any(n.startswith("General Staff of Ukraine: Contested / fighting reported (1)") for n in names)
    (popups,) = [c for c in m._children.values() if type(c).__name__ == "_Popups"]
    table = popups.popups["486816"]
    assert "Russian Ministry of Defence" in table and "General Staff of Ukraine" in table
    assert "https://example.org/ru3" in table and "https://example.org/ua1" in table


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
