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
