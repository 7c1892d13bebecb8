"""The data shipped in geodata/: valid, traceable, and the seed articles' claims on their maps."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pandas as pd
import pytest

from kursk_map import check_dataset, compute_state
from kursk_map.state import figures

from .conftest import REPO

D = dt.date
GEODATA = REPO / "geodata"


@pytest.fixture(scope="module")
def bundled():
    ds, problems = check_dataset(GEODATA)
    assert [str(p) for p in problems] == []
    assert ds is not None
    return ds


def _state(ds, source: str, day: D) -> dict[str, tuple[str, str]]:
    st = compute_state(ds.gazetteer, ds.ledger, source=source, date=day)
    return {r["name"]: (r["controller"], r["basis"]) for r in st.to_dict("records")}


def test_every_settlement_cites_its_reference(bundled) -> None:
    g = bundled.gazetteer
    assert g["ref"].str.len().gt(0).all()
    geonames = g[g["method"] == "geonames"]
    assert (geonames["ref"] == "https://www.geonames.org/" + geonames["id"]).all()
    pages = g[g["method"].isin(["page", "derived", "unplaced"])]
    assert pages["ref"].str.match(r"^https?://").all()


def test_coordinates_fall_in_their_country(bundled) -> None:
    """A point on the wrong side of the border (or far outside the zone) is a data error.

    The bundled country outlines (Natural Earth 1:10m) are off by up to about 2 km along this
    border, so a settlement may lie that far inside its neighbour's outline, not more.
    """
    from shapely.geometry import box

    from kursk_map.gazetteer import load_layer

    g = bundled.gazetteer[bundled.gazetteer.geometry.notna()]
    zone = box(33.0, 49.5, 39.5, 52.5)
    assert g.geometry.within(zone).all(), g.loc[~g.geometry.within(zone), ["name", "lat", "lon"]]
    outline = load_layer(GEODATA / "countries.geojson").to_crs(3035).set_index("country").geometry
    pts = g.to_crs(3035)
    assert set(pts["country"]) == set(outline.index) == {"RU", "UA"}
    wrong_side = []
    for country, other in (("RU", "UA"), ("UA", "RU")):
        mine = pts[(pts["country"] == country) & pts.geometry.within(outline[other])]
        depth = mine.geometry.distance(outline[country])
        wrong_side += [(name, country, round(d)) for name, d in zip(mine["name"], depth, strict=True) if d > 3_000]
    assert wrong_side == []


def test_every_ledger_settlement_is_known(bundled) -> None:
    """Every name resolves to a gazetteer row; a claim is unplaced only when no reference gives a position."""
    c = bundled.ledger.claims
    named = c[c["kind"].isin(["control", "presence", "attack", "relative"])]
    unplaced = named[~named["placed"]]
    known_without_point = unplaced["unplaced_reason"].str.contains("without coordinates")
    assert known_without_point.all(), unplaced.loc[~known_without_point, ["claim_id", "settlement", "unplaced_reason"]]


@pytest.mark.parametrize("name", ["Sudzha", "Zaoleshenka", "Rubanshchina", "Gornal", "Oleshnya", "Goncharovka"])
def test_seed_settlements_are_placed(bundled, name: str) -> None:
    g = bundled.gazetteer
    rows = g[(g["name"] == name) & (g["oblast"] == "Kursk")]
    assert len(rows) == 1 and rows.geometry.notna().all(), name


def test_claims_cite_http_urls(bundled) -> None:
    c = bundled.ledger.claims
    assert c["url"].str.match(r"^https?://[^\s]+$").all()
    assert (c["summary"].str.len() <= 300).all()


SEEDS = REPO.parent / "shared" / "seeds"
RUN = 9  # words: facts carry over from the seed articles, sentences do not


def _words(text: str) -> list[str]:
    """Lower-case words, as the before-stop hook of the project reads them."""
    return re.findall(r"[a-z0-9']+", text.lower())


def _runs(text: str) -> set[str]:
    w = _words(text)
    return {" ".join(w[i : i + RUN]) for i in range(len(w) - RUN + 1)}


@pytest.fixture(scope="module")
def seed_runs() -> set[str]:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip(f"no seed articles in {SEEDS}: CI has ../shared beside the clone")
    return set().union(*(_runs(f.read_text(encoding="utf-8", errors="ignore")) for f in files))


def test_own_words_check_catches_a_copied_sentence(seed_runs: set[str]) -> None:
    """The check below can fail: nine words of a seed article, inside a summary of our own, are caught."""
    seed = sorted(SEEDS.glob("*.txt"))[0]
    copied = " ".join(_words(seed.read_text(encoding="utf-8", errors="ignore"))[40 : 40 + RUN])
    assert _runs(f"The ministry said that {copied}, according to the report.") & seed_runs
    assert not _runs("The ministry says its troops took the village after three days of fighting.") & seed_runs


def test_data_is_in_our_own_words(seed_runs: set[str]) -> None:
    """No file of geodata/ (claim summaries and notes, READMEs) repeats nine words of a seed article."""
    copied = {}
    for path in sorted(GEODATA.rglob("*")):
        if path.suffix in (".csv", ".md", ".txt"):
            runs = _runs(path.read_text(encoding="utf-8")) & seed_runs
            if runs:
                copied[str(path.relative_to(REPO))] = sorted(runs)[:3]
    assert copied == {}


def test_sources_from_the_brief_exist(bundled) -> None:
    assert {
        "ru-mod",
        "ua-general-staff",
        "ua-president",
        "isw",
        "deepstate",
        "kursk-authorities",
        "ru-military-bloggers",
        "reuters",
    } <= set(bundled.sources["slug"])


def test_ru_mod_on_15_march_2025(bundled) -> None:
    st = _state(bundled, "ru-mod", D(2025, 3, 15))
    for name in ("Zaoleshenka", "Rubanshchina", "Sudzha"):
        assert st[name] == ("RU", "claim"), name


def test_deepstate_on_21_may_2025(bundled) -> None:
    st = _state(bundled, "deepstate", D(2025, 5, 21))
    for name in ("Gornal", "Oleshnya"):
        assert st[name][0] in ("contested", "UA") and st[name][1] == "claim", name


def test_ru_mod_full_control_declaration(bundled) -> None:
    st = _state(bundled, "ru-mod", D(2025, 4, 26))
    kursk = [v for k, v in st.items() if k in ("Korenevo", "Glushkovo", "Sudzha")]
    assert kursk and all(ctrl == "RU" for ctrl, _ in kursk)


@pytest.mark.parametrize(
    ("source", "day", "kind", "value"),
    [
        ("ua-president", D(2024, 8, 13), "count", 74),
        ("kursk-authorities", D(2024, 8, 12), "count", 28),
        ("ua-general-staff", D(2024, 8, 12), "area", 1000),
        ("reuters", D(2025, 3, 16), "area", 110),
    ],
)
def test_seed_figures_reach_the_panel(bundled, source: str, day: D, kind: str, value: float) -> None:
    figs = [f for f in figures(bundled.ledger, source=source, date=day) if f["kind"] == kind]
    assert value in [f["value"] for f in figs]


def test_denial_of_full_control(bundled) -> None:
    c = bundled.ledger.claims.set_index("claim_id")
    denials = c[(c["kind"] == "denial") & (c["source"] == "ua-general-staff")]
    targets = c.loc[denials["denies"]]
    assert ((targets["source"] == "ru-mod") & (targets["kind"] == "region")).any()


def test_curated_rows_cite_pages() -> None:
    path = GEODATA / "curated_settlements.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for r in rows:
        assert re.match(r"^https?://", r["ref"]), r["id"]
        assert r["method"] in ("page", "derived", "unplaced"), r["id"]
        if r["method"] == "derived":
            assert r["anchor"] and float(r["distance_km"]) >= 0 and 0 <= float(r["bearing_deg"]) < 360
            assert not r["lat"] and not r["lon"], "derived rows get their point from build_geodata.py"


# The public record, phase by phase: what each source's map must say, and which claim says it.
PHASES = [
    # August 2024 advance
    ("ua-general-staff", D(2024, 8, 15), "Sudzha", "UA", "ua-general-staff-20240815-03"),
    ("ru-mod", D(2024, 8, 15), "Martynovka", "RU", "ru-mod-20240815-01"),
    ("ru-mod", D(2024, 8, 14), "Sudzha", "contested", "ru-mod-20240814-03"),
    ("deepstate", D(2024, 8, 9), "Sudzha", "contested", "deepstate-20240809-05"),
    # September 2024 Russian counter-attack
    ("ru-mod", D(2024, 9, 12), "Snagost", "RU", "ru-mod-20240912-09"),
    ("isw", D(2024, 9, 14), "Cherkasskoye Porechnoye", "contested", "isw-20240914-01"),
    # October-December 2024
    ("ru-mod", D(2024, 10, 9), "Novaya Sorochina", "RU", "ru-mod-20241009-01"),
    ("ru-mod", D(2024, 12, 11), "Plekhovo", "RU", "ru-mod-20241211-02"),
    # January-February 2025
    ("isw", D(2025, 1, 6), "Russkoye Porechnoye", "contested", "isw-20250106-02"),
    ("ru-mod", D(2025, 2, 6), "Cherkasskoye Porechnoye", "RU", "ru-mod-20250206-03"),
    ("deepstate", D(2025, 2, 6), "Cherkasskoye Porechnoye", "contested", "deepstate-20250206-03"),
    # March 2025 collapse
    ("ru-mod", D(2025, 3, 13), "Sudzha", "RU", "ru-mod-20250313-01"),
    ("ua-general-staff", D(2025, 3, 16), "Sudzha", "RU", "ua-general-staff-20250316-01"),
    ("deepstate", D(2025, 3, 16), "Zaoleshenka", "RU", "deepstate-20250316-02"),
    # April 2025: the declaration and the independent map of the same day
    ("ru-mod", D(2025, 4, 26), "Gornal", "RU", "ru-mod-20250426-02"),
    ("deepstate", D(2025, 4, 26), "Gornal", "UA", "deepstate-20250426-01"),
    # May 2025
    ("deepstate", D(2025, 5, 21), "Oleshnya", "contested", "deepstate-20250521-02"),
]


@pytest.mark.parametrize(("source", "day", "name", "controller", "claim_id"), PHASES)
def test_state_matches_the_public_record(  # noqa: PLR0917 (one parameter per column of PHASES)
    bundled, source: str, day: D, name: str, controller: str, claim_id: str
) -> None:
    st = compute_state(bundled.gazetteer, bundled.ledger, source=source, date=day)
    row = st[(st["name"] == name) & (st["oblast"] == "Kursk")]
    assert len(row) == 1, name
    r = row.iloc[0]
    assert (r["controller"], r["basis"]) == (controller, "claim")
    assert claim_id in r["claim_ids"]


def test_ledger_size_and_span(bundled) -> None:
    c = bundled.ledger.claims
    assert len(c) >= 300 and c["source"].nunique() >= 10
    assert c["date"].min() == pd.Timestamp("2024-08-06") and c["date"].max() >= pd.Timestamp("2025-05-21")


def test_settlements_lie_near_their_raion(bundled) -> None:
    """A point far from the other settlements of its raion is a misplaced row (or a wrong raion)."""
    from pyproj import Geod

    placed = bundled.gazetteer[bundled.gazetteer.geometry.notna()]
    g = placed[placed["raion"] != ""]
    geod = Geod(ellps="WGS84")
    checked = 0
    for raion, grp in g.groupby("raion"):
        if len(grp) < 3:
            continue
        for sid in grp.index:
            others = grp.drop(index=sid)
            lon, lat = grp.at[sid, "lon"], grp.at[sid, "lat"]
            _, _, to_median = geod.inv(others["lon"].median(), others["lat"].median(), lon, lat)
            # Russian raions of the zone are at most ~70 km across, Ukraine's raions since 2020 (Sumy
            # raion) up to ~110 km; a namesake from elsewhere lands 100 km or more away
            limit = 80_000 if grp.at[sid, "country"] == "UA" else 50_000
            assert to_median < limit, (raion, grp.at[sid, "name"], round(to_median / 1000))
            # and a real village has a placed neighbour in its own oblast within 25 km
            near = placed[(placed["oblast"] == grp.at[sid, "oblast"]) & (placed.index != sid)]
            _, _, to_each = geod.inv(
                near["lon"].to_numpy(), near["lat"].to_numpy(), [lon] * len(near), [lat] * len(near)
            )
            assert min(to_each) < 25_000, (raion, grp.at[sid, "name"], round(min(to_each) / 1000))
            checked += 1
    assert checked >= 80


def test_ukrainian_registry_points_lie_in_their_hromada(bundled) -> None:
    """Every KATOTTH locality placed in a border hromada lies inside (or within 1 km of) the hromada's
    OpenStreetMap boundary: a namesake from another hromada, or a point across the border, would not."""
    from kursk_map.gazetteer import load_layer

    inventory = pd.read_csv(GEODATA / "inventory.csv", dtype=str, keep_default_na=False)
    unit_of = {
        "katotth:" + ref.rsplit(":", 1)[-1]: unit
        for ref, unit in zip(inventory["ref"], inventory["unit"], strict=True)
        if "#kodifikator.xlsx:" in ref
    }
    outline = load_layer(GEODATA / "upstream" / "osm-hromadas-Sumska.geojson").to_crs(3035).set_index("hromada")
    g = bundled.gazetteer
    # A locality placed from a cited page keeps its kmap: id; its note names the KATOTTH code the page
    # was matched by.
    for sid, note in g.loc[g["method"] == "page", "note"].items():
        codes = [c for c in re.findall(r"KATOTTH (UA\d{17})", note) if "katotth:" + c in unit_of]
        if codes:
            unit_of[sid] = unit_of["katotth:" + codes[0]]
    assert {"kmap:kamianka-shostka", "kmap:sorochyne-shostka"} <= set(unit_of)
    pts = g[g.index.isin(list(unit_of)) & g.geometry.notna()].to_crs(3035)
    assert len(pts) > 150
    far = [
        (
            sid,
            pts.at[sid, "name"],
            unit_of[sid],
            round(pts.at[sid, "geometry"].distance(outline.at[unit_of[sid], "geometry"])),
        )
        for sid in pts.index
        if pts.at[sid, "geometry"].distance(outline.at[unit_of[sid], "geometry"]) > 1_000
    ]
    assert far == []


def test_every_inventory_locality_is_in_the_gazetteer(bundled) -> None:
    """settlements.csv is regenerated from inventory.csv: every listed locality has a row, placed or not."""
    from kursk_map.coverage import raion_coverage
    from kursk_map.gazetteer import read_inventory, read_raion_counts

    inventory, problems = read_inventory(GEODATA / "inventory.csv")
    counts, count_problems = read_raion_counts(GEODATA / "raion_counts.csv")
    assert [str(p) for p in problems + count_problems] == []
    assert len(inventory) > 150 and len(counts) > 10
    report = raion_coverage(inventory, bundled.gazetteer, counts)
    # Missing: only a second locality of one name in one raion (it gets no row: every claim about the
    # name would become undecidable); the registry gave it a point that a filter dropped, with the reason.
    from kursk_map.names import skeleton

    dropped = pd.read_csv(GEODATA / "registry_dropped.csv", dtype=str, keep_default_na=False)
    g = bundled.gazetteer
    for r in report:
        for name in r.missing:
            assert ((dropped["raion"] == r.raion) & dropped[["name_ru", "name_uk"]].eq(name).any(axis=1)).any(), name
            here = g[g["raion"] == r.raion]
            assert (here[["name", "name_ru", "name_uk"]].map(skeleton) == skeleton(name)).any(axis=None), name
    # Units whose whole official list is placed.
    complete = {(r.raion, r.unit) for r in report if r.complete}
    assert {("Grayvoronsky", ""), ("Krasnoyaruzhsky", ""), ("Kurchatovsky", ""), ("Sumy", "Myropillia")} <= complete
    # Every Russian border raion: at least 95 % of the registry's localities placed.
    share = {r.raion: r.placed / r.official for r in report if not r.unit and r.official and r.oblast != "Sumy"}
    assert len(share) == 11 and min(share.values()) >= 0.95, share
    # Every Sumy border hromada: 95 % of its KATOTTH localities placed. Seredyna-Buda has 33 of 34, two
    # of them from cited pages; Khotin's Новокостянтинівка is GeoNames' Перше Травня (curated row).
    hromadas = {r.unit: r.placed / r.official for r in report if r.oblast == "Sumy" and r.unit}
    assert len(hromadas) == 8 and min(hromadas.values()) >= 0.95, hromadas
    assert ("Sumy", "Khotin") in complete
    # A GeoNames row gets its raion from the inventory (Guyevo is listed for Sudzhansky).
    assert bundled.gazetteer.loc["557731", "raion"] == "Sudzhansky"
