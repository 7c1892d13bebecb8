from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kursk_map import compute_state, iter_states, load_dataset, resolve_claims, schemas, source_dates
from kursk_map.state import figures, group_counts, relative_geometries

from .conftest import HEADER, RU_CLAIMS, SETTLEMENTS, TODAY, write_dataset

D = dt.date


def _ctrl(state, sid: str) -> tuple[str, str]:
    row = state.loc[sid]
    return row["controller"], row["basis"]


def test_baseline_before_any_claim(dataset) -> None:
    st = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=D(2025, 1, 1))
    assert set(st["basis"]) == {"baseline"}
    assert _ctrl(st, "692194") == ("UA", "baseline")  # Sumy: de jure Ukraine
    assert _ctrl(st, "486816") == ("RU", "baseline")


def test_latest_claim_wins_and_history_is_kept(dataset) -> None:
    st = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=D(2025, 3, 15))
    assert _ctrl(st, "486816") == ("RU", "claim")
    assert st.loc["486816", "claim_ids"] == ("ru-1",)
    assert st.loc["486816", "since"] == "2025-03-13"
    assert _ctrl(st, "kmap:zaoleshenka-sudzhansky") == ("RU", "claim")
    assert _ctrl(st, "kmap:gornal-sudzhansky") == ("RU", "baseline")


def test_region_claim_applies_to_the_oblast_only(dataset) -> None:
    st = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=D(2025, 4, 26))
    kursk = st[st["oblast"] == "Kursk"]
    assert set(kursk["basis"]) == {"region"}
    assert kursk.loc["486816", "claim_ids"] == ("ru-3", "ru-1")
    assert _ctrl(st, "692194") == ("UA", "baseline")


def test_later_settlement_claim_overrides_region(tmp_path) -> None:
    ru = (
        RU_CLAIMS
        + "ru-4,2025-05-01,ru-mod,presence,Gornal,contested,,,,,Admits fighting in Gornal.,https://example.org/ru4,\n"
    )
    ds = load_dataset(write_dataset(tmp_path, ru=ru), today=TODAY)
    st = compute_state(ds.gazetteer, ds.ledger, source="ru-mod", date=D(2025, 5, 1))
    assert _ctrl(st, "kmap:gornal-sudzhansky") == ("contested", "claim")
    assert _ctrl(st, "486816") == ("RU", "region")


def test_same_day_settlement_claim_beats_region(tmp_path) -> None:
    ru = (
        RU_CLAIMS
        + "ru-4,2025-04-26,ru-mod,presence,Gornal,contested,,,,,Fighting in Gornal.,https://example.org/ru4,\n"
    )
    ds = load_dataset(write_dataset(tmp_path, ru=ru), today=TODAY)
    st = compute_state(ds.gazetteer, ds.ledger, source="ru-mod", date=D(2025, 4, 26))
    assert _ctrl(st, "kmap:gornal-sudzhansky") == ("contested", "claim")


def test_sources_are_independent(dataset) -> None:
    ua = compute_state(dataset.gazetteer, dataset.ledger, source="ua-gs", date=D(2025, 5, 21))
    assert _ctrl(ua, "486816") == ("UA", "claim")  # ua-gs never said otherwise
    assert _ctrl(ua, "kmap:gornal-sudzhansky") == ("contested", "claim")


def test_iter_states_matches_compute_state(dataset) -> None:
    dates = source_dates(dataset.ledger, "ru-mod")
    assert dates == [D(2025, 3, 13), D(2025, 3, 15), D(2025, 4, 26)]
    for day, st in iter_states(dataset.gazetteer, dataset.ledger, source="ru-mod", dates=dates):
        one = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=day)
        pd.testing.assert_frame_equal(st, one)


def test_group_is_the_controller_or_baseline(dataset) -> None:
    st = compute_state(dataset.gazetteer, dataset.ledger, source="ua-gs", date=D(2025, 5, 21))
    assert dict(st["group"]) == {
        "486816": "UA",  # Sudzha: claimed
        "kmap:gornal-sudzhansky": "contested",  # Gornal: claimed
        "kmap:zaoleshenka-sudzhansky": "baseline",
        "kmap:nikolayevka-a": "baseline",
        "kmap:nikolayevka-b": "baseline",
        "692194": "baseline",  # Sumy: de jure UA, but no claim by ua-gs
    }
    region = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=D(2025, 4, 26))
    assert set(region.loc[region["oblast"] == "Kursk", "group"]) == {"RU"}  # a region claim sets it too
    assert group_counts(region) == {"UA": 0, "RU": 5, "contested": 0, "baseline": 1}
    for _, state in iter_states(
        dataset.gazetteer, dataset.ledger, source="ru-mod", dates=[D(2025, 1, 1), D(2025, 3, 15)]
    ):
        assert list(state.columns) == [*schemas.STATE_COLUMNS, "geometry"]


def test_state_has_only_placed_settlements(dataset) -> None:
    st = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=D(2025, 4, 26))
    assert "kmap:unknownpos-sudzhansky" not in st.index
    assert len(st) == 6
    assert st.crs.to_epsg() == 4326


def test_figures_and_denials(dataset) -> None:
    f = figures(dataset.ledger, source="ua-gs", date=D(2025, 4, 26))
    assert [x["claim_id"] for x in f] == ["ua-4", "ua-2"]
    assert f[1]["value_std"] == 1000 and f[1]["unit_std"] == "km2"
    assert f[0]["denies"] == "ru-3"


def test_relative_geometry(dataset) -> None:
    (g,) = relative_geometries(dataset.ledger, dataset.gazetteer, source="ua-gs", date=D(2025, 2, 6))
    (alat, alon), (blat, blon) = g["anchor_latlon"], g["end_latlon"]
    assert blat < alat and blon > alon  # south-east
    assert g["radius_m"] > 1000
    assert relative_geometries(dataset.ledger, dataset.gazetteer, source="ua-gs", date=D(2025, 2, 5)) == []


def test_unknown_names_are_problems_or_unplaced(dataset) -> None:
    claims = dataset.ledger.claims.copy()
    claims.loc[0, "settlement"] = "Sudzhanka"
    res = resolve_claims(claims, dataset.gazetteer)
    assert [p.column for p in res.problems] == ["settlement"]
    assert "did you mean 'Sudzha'" in res.problems[0].message
    kept = resolve_claims(claims, dataset.gazetteer, keep_going=True)
    assert kept.problems == []
    assert list(kept.unplaced["settlement"]) == ["Sudzhanka"]


def test_known_but_unplaced_is_listed(tmp_path) -> None:
    ru = RU_CLAIMS + "ru-4,2025-03-20,ru-mod,control,Knownvillage,RU,,,,,Taken.,https://example.org/ru4,\n"
    ds = load_dataset(write_dataset(tmp_path, ru=ru), today=TODAY)
    (reason,) = ds.ledger.unplaced["unplaced_reason"]
    assert reason == "Knownvillage is in the gazetteer without coordinates"


@pytest.mark.parametrize(
    ("written", "sid"),
    [("Nikolayevka (Glushkovsky raion)", "kmap:nikolayevka-b"), ("Nikolaevka (Sudzhansky)", "kmap:nikolayevka-a")],
)
def test_raion_in_parentheses(tmp_path, written: str, sid: str) -> None:
    ru = RU_CLAIMS + f"r1,2025-03-20,ru-mod,control,{written},RU,,,,,Taken.,https://example.org/r1,\n"
    ds = load_dataset(write_dataset(tmp_path, ru=ru), today=TODAY)
    claims = ds.ledger.claims.set_index("claim_id")
    assert claims.loc["r1", "settlement_id"] == sid


def test_same_day_group_decides_namesake(tmp_path) -> None:
    ru = RU_CLAIMS + (
        "r1,2025-03-20,ru-mod,control,Nikolayevka,RU,,,,,Taken.,https://example.org/r1,\n"
        "r2,2025-03-20,ru-mod,control,Sudzha,RU,,,,,Taken.,https://example.org/r1,\n"
    )
    ds = load_dataset(write_dataset(tmp_path, ru=ru), today=TODAY)
    got = dict(zip(ds.ledger.claims["claim_id"], ds.ledger.claims["settlement_id"], strict=True))
    assert got["r1"] == "kmap:nikolayevka-a"


def test_unknown_oblast(tmp_path) -> None:
    ru = HEADER + "r1,2025-03-20,ru-mod,region,Narnia Oblast,RU,,,,,All of it.,https://example.org/r1,\n"
    with pytest.raises(ValueError, match=r"ru-mod\.csv:2: settlement: unknown oblast 'Narnia Oblast'; use one of: "):
        load_dataset(write_dataset(tmp_path, ru=ru), today=TODAY)


def test_states_stay_as_yielded(dataset) -> None:
    dates = [D(2025, 1, 1), *source_dates(dataset.ledger, "ru-mod")]
    states = list(iter_states(dataset.gazetteer, dataset.ledger, source="ru-mod", dates=dates))
    states[0][1].loc["486816", "controller"] = "UA"  # a caller's edit stays in its own frame
    for day, st in states[1:]:
        pd.testing.assert_frame_equal(st, compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=day))
    first = compute_state(dataset.gazetteer, dataset.ledger, source="ru-mod", date=D(2025, 1, 1))
    assert first.loc["486816", "controller"] == "RU"
    assert [tuple(st.loc["486816", "claim_ids"]) for _, st in states] == [(), ("ru-1",), ("ru-1",), ("ru-3", "ru-1")]


def test_unsorted_and_repeated_dates(dataset) -> None:
    dates = [D(2025, 4, 26), D(2025, 3, 13), D(2025, 4, 26)]
    got = [
        (day, st.loc["486816", "basis"])
        for day, st in iter_states(dataset.gazetteer, dataset.ledger, source="ru-mod", dates=dates)
    ]
    assert got == [(D(2025, 3, 13), "claim"), (D(2025, 4, 26), "region"), (D(2025, 4, 26), "region")]


GLUSHKOVO = "kmap:glushkovo,Glushkovo,Глушково,,,51.34,34.63,RU,Kursk,Glushkovsky,,https://example.org/g,500,page,\n"


def test_one_name_resolves_near_each_days_group(tmp_path) -> None:
    ru = RU_CLAIMS + (
        "r1,2025-03-20,ru-mod,control,Nikolayevka,RU,,,,,Taken.,https://example.org/r1,\n"
        "r2,2025-03-20,ru-mod,control,Sudzha,RU,,,,,Taken.,https://example.org/r2,\n"
        "r3,2025-03-21,ru-mod,control,Glushkovo,RU,,,,,Taken.,https://example.org/r3,\n"
        "r4,2025-03-21,ru-mod,control,Nikolaevka,RU,,,,,Taken.,https://example.org/r4,\n"
        "r5,2025-03-22,ru-mod,control,Nikolayevka,RU,,,,,Taken.,https://example.org/r5,\n"
    )
    ds = load_dataset(write_dataset(tmp_path, ru=ru, settlements=SETTLEMENTS + GLUSHKOVO), today=TODAY, keep_going=True)
    c = ds.ledger.claims.set_index("claim_id")
    assert c.loc["r1", "settlement_id"] == "kmap:nikolayevka-a"
    assert c.loc["r4", "settlement_id"] == "kmap:nikolayevka-b"
    assert (c.loc["r5", "settlement_id"], bool(c.loc["r5", "placed"])) == ("", False)
    assert c.loc["r5", "unplaced_reason"].startswith("ambiguous settlement 'Nikolayevka'")
    assert c["placed"].dtype == bool and c["settlement_id"].dtype == c["settlement"].dtype


def _ledger(rows: list[tuple[str, str, str, str]]):
    """Claims (claim_id, source, settlement_id, controller), all placed ``control`` claims of one day."""
    from kursk_map.resolution import ResolvedLedger

    c = pd.DataFrame(rows, columns=["claim_id", "source", "settlement_id", "controller"])
    c["kind"] = "control"
    c["settlement"] = c["settlement_id"].str.upper()
    c["date"] = pd.Timestamp("2025-01-01")
    c["placed"] = True
    c["_file"] = "f.csv"
    c["_line"] = range(2, len(c) + 2)
    return ResolvedLedger(c, [])


def test_conflicts_in_order_of_source_and_settlement() -> None:
    from kursk_map.diagnostics import conflicts

    ledger = _ledger(
        [("a", "t", "y", "RU"), ("b", "s", "y", "RU"), ("c", "t", "y", "UA"), ("d", "s", "x", "RU"),
         ("e", "s", "y", "contested"), ("f", "s", "x", "RU")]
    )  # fmt: skip
    got = [(k["source"], k["settlement_id"], k["claim_ids"], k["controllers"], k["where"]) for k in conflicts(ledger)]
    assert got == [
        ("s", "y", ["b", "e"], ["RU", "contested"], "f.csv:3"),
        ("t", "y", ["a", "c"], ["RU", "UA"], "f.csv:2"),
    ]


GAZ = pd.DataFrame(
    {"lat": [51.0, 51.05, 51.1, 52.0, 51.02], "lon": [35.0, 35.05, 35.1, 36.0, 35.0]}, index=["a", "b", "c", "far", "d"]
)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("1", "s", "a", "RU"), ("2", "s", "b", "RU"), ("3", "s", "c", "RU"), ("4", "s", "far", "RU")], [("4", 125)]),
        ([("1", "s", "a", "RU"), ("2", "s", "b", "RU"), ("3", "s", "far", "RU")], [("1", 69), ("2", 59), ("3", 128)]),
        ([("1", "s", "a", "RU"), ("2", "s", "far", "RU"), ("3", "s", "far", "UA")], []),  # two places only
        (  # the median of the others: a namesake twice is one place, not two
            [("1", "s", "a", "RU"), ("2", "s", "far", "RU"), ("3", "s", "b", "RU"), ("4", "s", "far", "RU"),
             ("5", "s", "c", "RU"), ("6", "s", "d", "RU"), ("7", "t", "far", "RU")],
            [("2", 127), ("4", 127)],
        ),
    ],
)  # fmt: skip
def test_far_from_group(rows: list[tuple[str, str, str, str]], expected: list[tuple[str, int]]) -> None:
    from kursk_map.diagnostics import far_from_group

    got = far_from_group(_ledger(rows), GAZ)
    assert [(k["claim_id"], k["km"]) for k in got] == expected
    assert all(k["where"] == f"f.csv:{int(k['claim_id']) + 1}" and k["date"] == "2025-01-01" for k in got)


def test_far_from_group_unknown_id_is_a_key_error() -> None:
    from kursk_map.diagnostics import far_from_group

    with pytest.raises(KeyError, match="nowhere"):
        far_from_group(_ledger([("1", "s", "a", "RU"), ("2", "s", "b", "RU"), ("3", "s", "nowhere", "RU")]), GAZ)


def test_namesake_without_a_position_keeps_the_claim_unplaced(tmp_path) -> None:
    """ru-mod-20240912-04: a Viktorovka named with Snagost must not be drawn at the only placed Viktorovka."""
    settlements = (
        SETTLEMENTS
        + "kmap:nikolayevka-c,Nikolayevka,Николаевка,,,,,RU,Kursk,Korenevsky,,https://example.org/n3,,unplaced,\n"
    )
    ru = RU_CLAIMS + (
        "r1,2025-03-20,ru-mod,control,Nikolayevka,RU,,,,,Taken.,https://example.org/r1,\n"
        "r2,2025-03-20,ru-mod,control,Sudzha,RU,,,,,Taken.,https://example.org/r1,\n"
    )
    ds = load_dataset(write_dataset(tmp_path, ru=ru, settlements=settlements), today=TODAY, keep_going=True)
    c = ds.ledger.claims.set_index("claim_id")
    assert (c.loc["r1", "settlement_id"], bool(c.loc["r1", "placed"])) == ("", False)
    reason = c.loc["r1", "unplaced_reason"]
    assert reason.startswith("ambiguous settlement 'Nikolayevka'")
    assert "[kmap:nikolayevka-a]" in reason and "[kmap:nikolayevka-c]" in reason


# ---------------------------------------------------------------------------------------------
# drawn areas: the source's polygons, or the claims read off its map; the age of claims

SUDZHA, NIK, ZAO, GORNAL, SUMY = (
    "486816",
    "kmap:nikolayevka-a",
    "kmap:zaoleshenka-sudzhansky",
    "kmap:gornal-sudzhansky",
    "692194",
)


def _area_cols(st, sid: str) -> tuple[object, ...]:
    r = st.loc[sid]
    return r["controller"], r["basis"], r["since"], r["area_controller"], r["area_date"], bool(r["at_edge"])


def _states(ds, *days: D, **kw):
    return dict(iter_states(ds.gazetteer, ds.ledger, source="ua-gs", dates=list(days), areas=ds.areas, **kw))


def test_a_settlement_inside_drawn_areas_takes_their_controller(with_areas) -> None:
    before, first = (_states(with_areas, D(2025, 2, 28), D(2025, 3, 1))[d] for d in (D(2025, 2, 28), D(2025, 3, 1)))
    # before any areas: Sudzha by its named claim of 2024-08-14, nothing drawn
    assert _area_cols(before, SUDZHA) == ("UA", "claim", "2024-08-14", "", "", False)
    # inside the Ukrainian box, 760 m from its west edge (Sudzha's position is good to 1 km): at the edge
    assert _area_cols(first, SUDZHA) == ("UA", "area", "2025-03-01", "UA", "2025-03-01", True)
    assert first.loc[SUDZHA, "claim_ids"] == ("ua-1",)  # the named claim is still listed
    assert _area_cols(first, NIK) == ("UA", "area", "2025-03-01", "UA", "2025-03-01", False)
    assert _area_cols(first, GORNAL) == ("contested", "area", "2025-03-01", "contested", "2025-03-01", False)
    # outside every box, never claimed: still the baseline; the map leaves it undrawn (its own country)
    assert _area_cols(first, ZAO) == ("RU", "baseline", "", "RU", "2025-03-01", False)
    assert first.loc[ZAO, "group"] == "baseline" and first.loc[SUMY, "group"] == "baseline"


def test_areas_redrawn_without_a_settlement_overrule_its_older_claims(with_areas) -> None:
    st = _states(with_areas, D(2025, 4, 1))[D(2025, 4, 1)]
    # the box of 1 April no longer covers Sudzha: the source's map leaves it to Russia, over its claim of 2024
    assert _area_cols(st, SUDZHA) == ("RU", "area", "2025-04-01", "RU", "2025-04-01", False)
    assert st.loc[SUDZHA, "group"] == "RU"
    # Gornal is outside every area now, and was decided by the areas of 1 March: undrawn, Russia's
    assert _area_cols(st, GORNAL)[:3] == ("RU", "area", "2025-04-01")
    assert _area_cols(st, NIK) == ("UA", "area", "2025-04-01", "UA", "2025-04-01", False)


def test_a_named_claim_after_the_areas_wins_and_the_areas_stay_beside_it(with_areas) -> None:
    st = _states(with_areas, D(2025, 5, 21))[D(2025, 5, 21)]
    # ua-5 (2025-05-21, contested Gornal) is later than the areas of 1 April
    assert _area_cols(st, GORNAL) == ("contested", "claim", "2025-05-21", "RU", "2025-04-01", False)
    assert st.loc[GORNAL, "claim_ids"][0] == "ua-5"


def test_without_areas_the_state_is_that_of_the_claims(with_areas) -> None:
    plain = compute_state(with_areas.gazetteer, with_areas.ledger, source="ua-gs", date=D(2025, 4, 1))
    assert _area_cols(plain, SUDZHA) == ("UA", "claim", "2024-08-14", "", "", False)
    other = _states(with_areas, D(2025, 4, 1))  # areas of another source do not apply
    ru = dict(
        iter_states(
            with_areas.gazetteer, with_areas.ledger, source="ru-mod", dates=[D(2025, 4, 1)], areas=with_areas.areas
        )
    )[D(2025, 4, 1)]
    assert other[D(2025, 4, 1)].loc[SUDZHA, "basis"] == "area" and ru.loc[SUDZHA, "basis"] == "claim"


DRAWN = (
    "ua-gs-map-20250301-486816,2025-03-01,ua-gs,control,Sudzha,UA,,,,,The map showed Sudzha held.,"
    "https://example.org/map1,derived from the map; at the edge: 700 m from a drawn boundary\n"
    "ua-gs-map-20250301-gornal,2025-03-01,ua-gs,presence,Gornal,contested,,,,,The map showed Gornal grey.,"
    "https://example.org/map1,derived from the map\n"
    "ua-6,2025-03-05,ua-gs,presence,Sudzha,contested,,,,,Says fighting in Sudzha.,https://example.org/ua6,\n"
)


def test_claims_read_off_the_sources_map_stand_for_its_areas(tmp_path) -> None:
    from .conftest import UA_CLAIMS

    ds = load_dataset(write_dataset(tmp_path, ua=UA_CLAIMS + DRAWN), today=TODAY)
    c = ds.ledger.claims.set_index("claim_id")
    assert list(c.loc[["ua-gs-map-20250301-486816", "ua-gs-map-20250301-gornal", "ua-6"], "drawn"]) == [
        True,
        True,
        False,
    ]
    states = dict(iter_states(ds.gazetteer, ds.ledger, source="ua-gs", dates=[D(2025, 3, 1), D(2025, 3, 5)]))
    first, later = states[D(2025, 3, 1)], states[D(2025, 3, 5)]
    assert _area_cols(first, SUDZHA) == ("UA", "area", "2025-03-01", "UA", "2025-03-01", True)
    assert _area_cols(first, GORNAL) == ("contested", "area", "2025-03-01", "contested", "2025-03-01", False)
    # a named claim of a later day wins; what the map showed stays beside it
    assert _area_cols(later, SUDZHA) == ("contested", "claim", "2025-03-05", "UA", "2025-03-01", True)
    assert later.loc[SUDZHA, "claim_ids"] == ("ua-6", "ua-gs-map-20250301-486816", "ua-1")


def test_every_claim_has_an_age_and_turns_stale_by_its_kind(dataset) -> None:
    from kursk_map.state import Ageing

    st = compute_state(dataset.gazetteer, dataset.ledger, source="ua-gs", date=D(2025, 5, 21))
    # Sudzha: UA since 2024-08-14 (280 days, over 90); Gornal: contested that very day
    assert (st.loc[SUDZHA, "age_days"], bool(st.loc[SUDZHA, "stale"])) == (280, True)
    assert (st.loc[GORNAL, "age_days"], bool(st.loc[GORNAL, "stale"])) == (0, False)
    assert (st.loc[ZAO, "age_days"], bool(st.loc[ZAO, "stale"])) == (-1, False)  # baseline: no claim, no age
    later = compute_state(dataset.gazetteer, dataset.ledger, source="ua-gs", date=D(2025, 6, 21))
    assert (later.loc[GORNAL, "age_days"], bool(later.loc[GORNAL, "stale"])) == (31, True)  # contested: 30 days
    kind = compute_state(
        dataset.gazetteer, dataset.ledger, source="ua-gs", date=D(2025, 6, 21), ageing=Ageing(presence_days=31)
    )
    assert not kind.loc[GORNAL, "stale"] and kind.loc[SUDZHA, "stale"]
    assert not st["expired"].any()


def test_max_age_takes_old_claims_out_of_the_colouring_but_keeps_them(dataset) -> None:
    from kursk_map.state import Ageing

    st = compute_state(
        dataset.gazetteer, dataset.ledger, source="ua-gs", date=D(2025, 5, 21), ageing=Ageing(max_age_days=100)
    )
    sudzha = st.loc[SUDZHA]
    assert (sudzha["group"], sudzha["controller"], sudzha["basis"], bool(sudzha["expired"])) == (
        "baseline",
        "UA",
        "claim",
        True,
    )
    assert sudzha["claim_ids"] == ("ua-1",)
    assert st.loc[GORNAL, "group"] == "contested" and not st.loc[GORNAL, "expired"]
    assert group_counts(st) == {"UA": 0, "RU": 0, "contested": 1, "baseline": 5}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"presence_days": 0}, "presence_days must be a positive number of days, got 0"),
        ({"control_days": 1.5}, "control_days must be a positive number of days, got 1.5"),
        ({"max_age_days": -3}, "max_age_days must be a positive number of days, got -3"),
    ],
)
def test_ageing_refuses_what_is_not_a_number_of_days(options, message: str) -> None:
    from kursk_map.state import Ageing

    with pytest.raises(ValueError, match=message):
        Ageing(**options)


def test_ageing_of_a_theatre_with_options() -> None:
    from kursk_map.state import Ageing

    a = Ageing.of({"presence": 14, "control": 60}, presence_days=None, control_days=45, max_age_days=200)
    assert (a.presence_days, a.control_days, a.max_age_days) == (14, 45, 200)
    assert Ageing.of({}) == Ageing(presence_days=30, control_days=90, max_age_days=None)
