from __future__ import annotations

import json
import re
import typing

import pytest

from kursk_map import iter_states, source_dates
from kursk_map.build import build_atlas
from kursk_map.render import TimelineContext, deterministic_ids, payload, render_timeline
from kursk_map.render.timeline import timeline_json
from kursk_map.state import figures
from kursk_map.view import claim_records

from .conftest import TODAY


def _ctx(ds, source: str = "ru-mod") -> TimelineContext:
    dates = source_dates(ds.ledger, source)
    states = [st for _, st in iter_states(ds.gazetteer, ds.ledger, source=source, dates=dates)]
    return TimelineContext(
        source=ds.sources.loc[source].to_dict(),
        dates=[d.isoformat() for d in dates],
        states=states,
        claims=claim_records(ds),
        figures=figures(ds.ledger, source=source, date=dates[-1]),
        border=ds.border,
    )


def test_payload_encodes_each_state(dataset) -> None:
    data = json.loads(timeline_json(_ctx(dataset)))
    assert data["dates"] == ["2025-03-13", "2025-03-15", "2025-04-26"]
    ids = list(_ctx(dataset).states[0].index)
    sudzha = ids.index("486816")
    zao = ids.index("kmap:zaoleshenka-sudzhansky")
    codes = [s[0] for s in data["states"]]
    assert [c[sudzha] for c in codes] == ["R", "R", "R"]
    assert [c[zao] for c in codes] == ["-", "R", "R"]
    assert codes[2][ids.index("692194")] == "-"  # Sumy stays at baseline
    refs = data["states"][1][1]
    assert "Zaoleshenka was taken" in data["claims"][refs[zao]]


def test_timeline_needs_states() -> None:
    with pytest.raises(ValueError, match="one state per date"):
        render_timeline(TimelineContext(source={"name": "x"}, dates=["2025-01-01"], states=[], claims={}))


def test_timeline_escapes_and_is_deterministic(dataset) -> None:
    ctx = _ctx(dataset)
    claims = {k: {**v, "summary": "</script><script>alert(1)</script>"} for k, v in ctx.claims.items()}
    ctx = TimelineContext(source=ctx.source, dates=ctx.dates, states=ctx.states, claims=claims)
    with deterministic_ids():
        a = render_timeline(ctx).get_root().render()
    with deterministic_ids():
        b = render_timeline(ctx).get_root().render()
    assert a == b
    assert "<script>alert(1)" not in a
    (panel,) = [c for c in render_timeline(ctx)._children.values() if type(c).__name__ == "_Panel"]
    assert 'id="km-slider"' in panel.html and 'max="2"' in panel.html


def test_atlas_timeline_has_every_claim_date_of_its_source(data_dir, tmp_path) -> None:
    """The built timeline page steps through the dates of the source's claims (those of conftest's ledger)."""
    build_atlas(data_dir, tmp_path / "atlas", today=TODAY, images=False)
    for source, dates in (
        ("ru-mod", ["2025-03-13", "2025-03-15", "2025-04-26"]),
        ("ua-gs", ["2024-08-14", "2025-02-06", "2025-04-26", "2025-05-21"]),
    ):
        page = (tmp_path / "atlas" / source / "timeline.html").read_text(encoding="utf-8")
        payload = json.loads(re.search(r"const D = (\{.*?\});\n", page).group(1))
        assert payload["dates"] == dates
        assert len(payload["states"]) == len(dates)
        panel = json.loads(re.search(r"div\.innerHTML = (\".*?\");\n", page).group(1))
        assert f'max="{len(dates) - 1}"' in panel  # the slider has a step per date
        assert f"<span>{dates[0]}</span><span>{dates[-1]}</span>" in panel
        assert '<a href="../index.html">all maps</a>' in panel


def test_every_payload_key_is_documented(dataset) -> None:
    assert set(json.loads(timeline_json(_ctx(dataset)))) == set(typing.get_type_hints(payload.TimelinePayload))


def test_the_payload_carries_claim_dates_drawn_areas_and_ageing(tmp_path) -> None:
    """The page computes each claim's age per date from the dates of its claim lines, and shows the areas of the date."""
    import datetime as dt

    from kursk_map import load_dataset
    from kursk_map.view import drawn_areas, map_dates, source_states

    from .conftest import UA_AREAS, write_areas, write_dataset

    root = write_dataset(tmp_path / "data")
    for day, boxes in UA_AREAS.items():
        write_areas(root, "ua-gs", day, *boxes)
    ds = load_dataset(root, today=TODAY)
    days = map_dates(ds, "ua-gs")
    assert [d.isoformat() for d in days] == [
        "2024-08-14",
        "2025-02-06",
        "2025-03-01",
        "2025-04-01",
        "2025-04-26",
        "2025-05-21",
    ]  # its claims' days and those of its areas
    ctx = TimelineContext(
        source=ds.sources.loc["ua-gs"].to_dict(),
        dates=[d.isoformat() for d in days],
        states=[st for _, st in source_states(ds, "ua-gs", days)],
        claims=claim_records(ds),
        drawn=[d for a in (dt.date(2025, 3, 1), dt.date(2025, 4, 1)) if (d := drawn_areas(ds, "ua-gs", a))],
    )
    data = json.loads(timeline_json(ctx))
    sudzha = list(ctx.states[0].index).index("486816")
    refs = [s[1][sudzha] for s in data["states"]]
    assert [data["cdates"][r] for r in refs] == [
        "2024-08-14",
        "2024-08-14",
        "2025-03-01",
        "2025-04-01",
        "2025-04-01",
        "2025-04-01",
    ]
    assert "ua-1" not in data["claims"][refs[2]]
    assert data["claims"][refs[2]] == (
        "<li><b>2025-03-01</b> · UA · inside the areas drawn by General Staff of Ukraine that day: "
        "Held by Ukraine · at the edge</li>"
    )
    assert data["drawnAt"] == [-1, -1, 0, 1, 1, 1]
    assert data["drawnLabel"][2] == "Areas drawn by General Staff of Ukraine on 2025-03-01 (its own drawing)"
    assert data["drawnLabel"][5] == (
        "Areas drawn by General Staff of Ukraine on 2025-04-01 (its own drawing, 50 days before this date)"
    )
    assert [len(fc["features"]) for fc in data["drawn"]] == [2, 1]
    assert data["ageing"] == {"presence": 30, "control": 90, "max": None}


def test_each_date_marks_the_attacks_reported_since_the_previous_date(tmp_path) -> None:
    from kursk_map import load_dataset
    from kursk_map.state import attacks

    from .conftest import RU_CLAIMS, write_dataset

    ru = RU_CLAIMS + (
        "ru-5,2025-03-14,ru-mod,attack,Gornal,UA,,,,,Says a Ukrainian attack towards Gornal was repelled.,"
        "https://tass.com/x,\n"
    )
    ds = load_dataset(write_dataset(tmp_path / "data", ru=ru), today=TODAY)
    ctx = _ctx(ds)
    ctx = TimelineContext(**{**ctx.__dict__, "attacks": attacks(ds.ledger, source="ru-mod", date=TODAY)})
    data = json.loads(timeline_json(ctx))
    at = dict(zip(data["dates"], data["atk"], strict=True))
    assert at["2025-03-13"] == [] and at["2025-03-15"] == [] and at["2025-04-26"] == []
    ((lat, lon, tip, popup),) = at["2025-03-14"]
    assert (lat, lon) == (51.07, 35.5)  # Gornal
    assert tip == "Attack or strike reported near Gornal (1); not a claim of control"
    assert "They do not say who holds it." in popup and "as reported by TASS" in popup
    # Gornal's colour on that date is untouched by the attack
    ids = list(ctx.states[0].index)
    assert data["states"][data["dates"].index("2025-03-14")][0][ids.index("kmap:gornal-sudzhansky")] == "-"
    html = render_timeline(ctx).get_root().render()
    assert "Attack or strike reported near (since the previous date)" in html
    assert "window.__kmAttacks(attackLayer, D.atk[k])" in html


def _line_cases(ds, source: str, *, reorder: bool = False) -> set[str]:
    """Check each settlement's code and line on every date of ``source`` against the rule, row by row.

    A settlement decided by the source's drawn areas shows the areas' line, unless its deciding claim was read
    off that day's map; otherwise its deciding claim's line; with no claim, none (-1). Lines are numbered in the
    order the dates and rows first name them. Returns which of these cases occurred.
    """
    from kursk_map.view import map_dates, source_states

    days = map_dates(ds, source)
    states = [st for _, st in source_states(ds, source, days)]
    given = [st.iloc[::-1] if reorder and k % 2 else st for k, st in enumerate(states)]  # rows in another order
    claims = claim_records(ds)
    ctx = TimelineContext(
        source=ds.sources.loc[source].to_dict(), dates=[d.isoformat() for d in days], states=given, claims=claims
    )
    data = json.loads(timeline_json(ctx))
    ids, name = list(states[0].index), ds.sources.loc[source, "name"]
    assert data["ids"] == ids
    numbered: list[int] = []
    cases = set()
    group_code = {"UA": "U", "RU": "R", "contested": "c", "baseline": "-"}
    for st, (codes, refs) in zip(states, data["states"], strict=True):
        for i, r in enumerate(st.loc[ids].to_dict("records")):
            assert codes[i] == group_code[r["group"]]
            cids, ref = r["claim_ids"], refs[i]
            if r["basis"] == "area" and not (cids and claims[cids[0]]["date"] == r["since"]):
                edge = " · at the edge" if r["at_edge"] else ""
                label = ctx.theatre.labels[r["controller"]]
                assert data["claims"][ref] == (
                    f"<li><b>{r['since']}</b> · {r['controller']} · inside the areas drawn by {name} that day: "
                    f"{label}{edge}</li>"
                )
                assert data["cdates"][ref] == r["since"]
                cases.add("areas")
            elif cids:
                assert claims[cids[0]]["summary"] in data["claims"][ref]
                assert data["cdates"][ref] == claims[cids[0]]["date"]
                cases.add("claim read off the map" if r["basis"] == "area" else r["basis"])
            else:
                assert ref == -1
                cases.add("none")
            if ref >= 0 and ref not in numbered:
                assert ref == len(numbered)  # the next line
                numbered.append(ref)
    assert len(numbered) == len(data["claims"]) == len(set(data["claims"]))
    return cases


@pytest.mark.parametrize("reorder", [False, True])
def test_each_settlement_shows_its_deciding_claim_or_the_areas_that_decide(tmp_path, reorder: bool) -> None:
    from kursk_map import load_dataset

    from .conftest import UA_AREAS, UA_CLAIMS, write_areas, write_dataset
    from .test_state import DRAWN

    root = write_dataset(tmp_path / "data", ua=UA_CLAIMS + DRAWN)
    for day, boxes in UA_AREAS.items():
        write_areas(root, "ua-gs", day, *boxes)
    ds = load_dataset(root, today=TODAY)
    cases = _line_cases(ds, "ua-gs", reorder=reorder) | _line_cases(ds, "ru-mod", reorder=reorder)
    assert cases == {"areas", "claim read off the map", "claim", "region", "none"}


def test_the_settlement_list_follows_the_gazetteer(tmp_path) -> None:
    # each timeline's settlement columns are kept from the last one while the gazetteer's columns are the same
    from kursk_map import load_dataset

    from .conftest import SETTLEMENTS, write_dataset

    renamed = SETTLEMENTS.replace("Zaoleshenka,Заолешенка,", "Zaoleshenka,Заолешенка-2,")
    moved = SETTLEMENTS.replace("51.2,35.25", "51.21,35.26")
    names = []
    for k, table in enumerate((SETTLEMENTS, renamed, SETTLEMENTS, moved)):
        ds = load_dataset(write_dataset(tmp_path / str(k), settlements=table), today=TODAY)
        data = json.loads(timeline_json(_ctx(ds)))
        zao = data["ids"].index("kmap:zaoleshenka-sudzhansky")
        names.append((data["latin"][zao], data["names"][zao], data["pos"][zao]))
    assert names == [
        ("Zaoleshenka", "Zaoleshenka · Заолешенка", [51.2, 35.25]),
        ("Zaoleshenka", "Zaoleshenka · Заолешенка-2", [51.2, 35.25]),
        ("Zaoleshenka", "Zaoleshenka · Заолешенка", [51.2, 35.25]),
        ("Zaoleshenka", "Zaoleshenka · Заолешенка", [51.21, 35.26]),
    ]
