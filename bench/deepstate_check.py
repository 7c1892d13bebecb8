"""The atlas against DeepState's archived map: ``python -m bench.deepstate_check ARCHIVE``.

ARCHIVE is a clone of https://github.com/DanielRose2310/deepstatemaps-history (one GeoJSON per export of
DeepState's map). For every archived day of the campaign (August 2024 to the theatre's last day, the
last export of each UTC day) and every placed settlement of the gazetteer in the theatre's box, the map's controller is
the area the settlement lies in (UA, RU, contested), or, outside every area, its own country's (the map
leaves Russia undrawn). Against that, for a data directory (``--data``, and ``--before`` for another):

* **DeepState agreement**: settlement-dates on which the atlas's DeepState map shows a claim (not the
  baseline); the share on which it shows what the archived map showed (target ≥ 90 %). Also given: the
  same with the settlements within their ``precision_m`` of an edge counted as agreeing, and over the
  settlement-dates where either the atlas or the archive shows something else than the baseline;
* **DeepState named**: settlements of Russia inside the UA-held area on each day, and the share the
  atlas's DeepState map names that day, i.e. shows by a claim, not at its baseline (target ≥ 90 %);
  also the share it names as UA;
* **RU MoD**: each placed control/presence claim of the Russian MoD against the map on its day (target
  ≥ 85 %), the rest sorted into edge / lag / namesake / other; and the lag between its "taken" claims
  and the day DeepState's map showed the settlement outside Ukrainian-held and grey areas;
* **areas**: DeepState's daily drawn area (UA-held ground in Russia, grey ground in Russia, occupied
  ground in Ukraine, km² in the theatre's equal-area CRS; each polygon in the country holding most of it, pieces already
  drawn across the border before 6 August 2024 left out) beside the figures DeepState announced (the
  ledger's hand-written area claims), and what the atlas's named settlements imply (Voronoi cells, as
  the maps' panel does).

Writes ``bench/results/deepstate.json`` (``--out``) and prints a summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

import kursk_map as km
from kursk_map.area_import import DEEPSTATE_ARCHIVE, read_deepstate_archive
from kursk_map.areas import drawn_parts, held_areas, shown_by_day
from kursk_map.gazetteer import load_layer
from kursk_map.names import skeleton
from kursk_map.state import iter_states

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
#: The first archived day read; the last is the theatre's last day (``period`` in theatre.toml), else UNTIL.
SINCE, UNTIL = dt.date(2024, 8, 1), dt.date(2025, 5, 31)
#: The campaign began on 6 August 2024 (see geodata/deepstate_from_archive.py).
BEFORE = dt.date(2024, 8, 5)
#: Claims by the generator are told apart from hand-written ones by this claim_id prefix.
GENERATED = "deepstate-map-"
#: How many days after a claim the map may take to agree before the disagreement is called "lag".
LAG_DAYS = 30


def archive_map(archive: Path, ds: km.Dataset) -> tuple[dict[dt.date, gpd.GeoDataFrame], pd.DataFrame]:
    """The archive's days, and per day and settlement of the theatre: controller shown, metres to an edge."""
    bbox, crs = _bbox(ds), ds.equal_area_crs
    days = read_deepstate_archive(archive, since=SINCE, until=_until(ds), bbox=bbox, crs=crs).days
    w, s, e, n = bbox
    placed = ds.gazetteer[ds.gazetteer.geometry.notna()]
    theatre = placed[placed["lon"].between(w, e) & placed["lat"].between(s, n)]
    table = shown_by_day(theatre, days, undrawn=theatre["country"], crs=crs).rename(columns={"controller": "shown"})
    table = table.join(theatre[["country", "precision_m", "name"]], on="id")
    return days, table


def _bbox(ds: km.Dataset) -> tuple[float, float, float, float]:
    if ds.theatre.bbox is None:
        raise SystemExit(f"{ds.root}: theatre.toml gives no bbox; the archive covers the whole war")
    return ds.theatre.bbox


def _until(ds: km.Dataset) -> dt.date:
    return ds.theatre.period[1] if ds.theatre.period else UNTIL


def _atlas(ds: km.Dataset, source: str, days: list[dt.date]) -> pd.DataFrame:
    rows = []
    for day, st in iter_states(ds.gazetteer, ds.ledger, source=source, dates=days):
        rows.append(pd.DataFrame({"day": day, "id": st.index, "atlas": st["controller"], "basis": st["basis"]}))
    return pd.concat(rows, ignore_index=True)


def deepstate_agreement(ds: km.Dataset, table: pd.DataFrame) -> dict[str, Any]:
    """Agreement on settlement-dates, and how many of the settlements inside the UA-held area are named."""
    days = sorted(set(table["day"]))
    t = table.merge(_atlas(ds, "deepstate", days), on=["day", "id"], how="left")
    claimed = t["basis"] != "baseline"
    drawn = t["shown"] != t["country"]
    edge = t["edge_m"] <= t["precision_m"]
    same = t["atlas"] == t["shown"]
    mine, either = claimed, claimed | drawn
    ua = (t["shown"] == "UA") & (t["country"] == "RU")
    per_day = t[ua].assign(named=claimed[ua]).groupby("day")["named"].agg(["sum", "count"])
    wrong = t[mine & ~same]
    return {
        "settlement_dates": int(mine.sum()),
        "agree": int((mine & same).sum()),
        "agreement": _share(same[mine]),
        "agreement_edge_tolerant": _share((same | edge)[mine]),
        "disagreeing_settlements": wrong.groupby("name").size().sort_values(ascending=False).head(15).to_dict(),
        "either_settlement_dates": int(either.sum()),
        "agreement_either": _share(same[either]),
        "ua_area_settlement_days": int(ua.sum()),
        "named": int((ua & claimed).sum()),
        "named_share": _share(claimed[ua]),
        "named_as_ua_share": _share((claimed & same)[ua]),
        "named_per_day": {
            "inside_min": int(per_day["count"].min()),
            "inside_median": float(per_day["count"].median()),
            "inside_max": int(per_day["count"].max()),
            "named_median": float(per_day["sum"].median()),
            "days_with_90pct_named": int((per_day["sum"] >= 0.9 * per_day["count"]).sum()),
            "days": len(per_day),
        },
    }


def _share(flags: pd.Series) -> float | None:
    return round(float(flags.mean()), 4) if len(flags) else None


def _namesakes(gazetteer: gpd.GeoDataFrame) -> set[str]:
    keys = gazetteer["name"].map(skeleton)
    counts = keys.value_counts()
    return set(gazetteer.index[keys.map(counts) > 1])


def ru_mod(ds: km.Dataset, table: pd.DataFrame) -> dict[str, Any]:
    """Each placed control/presence claim of the RU MoD against the map on its day; the lag of its claims."""
    days = sorted(set(table["day"]))
    shown = table.set_index(["id", "day"])["shown"]
    edge = table.set_index(["id", "day"])["edge_m"]
    by_id: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for sid, day, ctrl in zip(table["id"], table["day"], table["shown"], strict=True):
        by_id[sid].append((day, ctrl))
    namesakes = _namesakes(ds.gazetteer)
    c = ds.ledger.claims
    mine = c[(c["source"] == "ru-mod") & c["kind"].isin(("control", "presence")) & c["placed"]]
    mine = mine[(mine["date"].dt.date >= days[0]) & (mine["date"].dt.date <= days[-1])]
    rows, lags, never = [], [], 0
    for r in mine.to_dict("records"):
        sid, when = r["settlement_id"], r["date"].date()
        day = max(d for d in days if d <= when)
        rec = {
            "claim_id": r["claim_id"],
            "date": when.isoformat(),
            "settlement": r["settlement"],
            "said": r["controller"],
        }
        if (sid, day) not in shown.index:
            rows.append({**rec, "map": None, "verdict": "outside the theatre"})
            continue
        on_map = shown[sid, day]
        verdict = (
            "agree"
            if on_map == r["controller"]
            else _why(r, sid=sid, day=day, edge_m=edge[sid, day], history=by_id[sid], namesakes=namesakes, ds=ds)
        )
        rows.append({**rec, "map": on_map, "verdict": verdict})
        if r["controller"] == "RU":
            lag = _lag(by_id[sid], when)
            if lag is None:
                never += 1
            else:
                lags.append(lag)
    verdicts = pd.Series([r["verdict"] for r in rows]).value_counts().to_dict() if rows else {}
    judged = [r for r in rows if r["verdict"] != "outside the theatre"]
    agree = sum(r["verdict"] == "agree" for r in judged)
    return {
        "claims": len(rows),
        "in_theatre": len(judged),
        "agree": agree,
        "agreement": round(agree / len(judged), 4) if judged else None,
        "verdicts": {str(k): int(v) for k, v in verdicts.items()},
        "disagreements": [r for r in judged if r["verdict"] != "agree"],
        "lag_days": _spread(lags) | {"never_shown_ukrainian": never},
    }


def _why(
    r: dict[str, Any],
    *,
    sid: str,
    day: dt.date,
    edge_m: float,
    history: list[tuple[dt.date, str]],
    namesakes: set[str],
    ds: km.Dataset,
) -> str:
    if edge_m <= float(ds.gazetteer.at[sid, "precision_m"]):
        return "edge"
    said, when = r["controller"], r["date"].date()
    if any(when < d <= when + dt.timedelta(days=LAG_DAYS) and ctrl == said for d, ctrl in history):
        return f"lag (the map shows it within {LAG_DAYS} days)"
    if sid in namesakes:
        return "namesake?"
    return "other"


def _lag(history: list[tuple[dt.date, str]], when: dt.date) -> int | None:
    """Days from a claim to the nearest day the map turned the settlement RU (None: never shown otherwise)."""
    turns = [d for (_, before), (d, ctrl) in itertools.pairwise(history) if ctrl == "RU" and before != "RU"]
    if not turns:
        return None
    best = min(turns, key=lambda d: (abs((d - when).days), d))
    return (best - when).days


def _spread(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p25": q[0],
        "p75": q[2],
        "min": min(values),
        "max": max(values),
        "within_7_days": sum(abs(v) <= 7 for v in values),
    }


def area_series(ds: km.Dataset, days: dict[dt.date, gpd.GeoDataFrame], countries: gpd.GeoDataFrame) -> dict[str, Any]:
    """DeepState's drawn km² per day, its announced figures beside them, and what the atlas's claims imply."""
    series = []
    # ground drawn across the border before the campaign is where DeepState's border line and ours differ
    prior = [d for d in days if d <= BEFORE]
    crs = ds.equal_area_crs
    before = {p.wkb for p in drawn_parts(days[max(prior)], countries, crs=crs).geometry} if prior else set()
    for day, areas in sorted(days.items()):
        parts = drawn_parts(areas, countries, crs=crs)
        parts = parts[[p.wkb not in before for p in parts.geometry]]
        km2 = parts.groupby(["controller", "country"])["km2"].sum().to_dict()
        series.append(
            {
                "date": day.isoformat(),
                "ua_in_russia": round(km2.get(("UA", "RU"), 0.0), 1),
                "contested_in_russia": round(km2.get(("contested", "RU"), 0.0), 1),
                "ru_in_ukraine": round(km2.get(("RU", "UA"), 0.0), 1),
                "contested_in_ukraine": round(km2.get(("contested", "UA"), 0.0), 1),
            }
        )
    drawn = {e["date"]: e for e in series}
    c = ds.ledger.claims
    said = c[(c["source"] == "deepstate") & (c["kind"] == "area") & ~c["claim_id"].str.startswith(GENERATED)]
    when = sorted(days)
    states = dict(iter_states(ds.gazetteer, ds.ledger, source="deepstate", dates=[d.date() for d in said["date"]]))
    announced = []
    for r in said.to_dict("records"):
        d = r["date"].date()
        prior = [x for x in when if x <= d]
        if not prior:
            continue
        near = drawn[prior[-1].isoformat()]
        implied = held_areas(states[d], ds.cells)
        announced.append(
            {
                "date": d.isoformat(),
                "announced_km2": r["value_std"],
                "controller": r["controller"],
                "drawn_day": near["date"],
                "drawn_ua_in_russia": near["ua_in_russia"],
                "drawn_contested_in_russia": near["contested_in_russia"],
                "implied_by_named_settlements_km2": implied.get(str(r["controller"])),
                "claim_id": r["claim_id"],
            }
        )
    return {"daily": series, "announced": announced}


def measure(data: Path, archive: Path, label: str) -> dict[str, Any]:
    """Every measure for one data directory."""
    t0 = time.perf_counter()
    ds = km.load_dataset(data, keep_going=True)
    days, table = archive_map(archive, ds)
    countries = load_layer(data / (ds.theatre.countries or "countries.geojson"))
    out = {
        "label": label,
        "data": _relative(data),
        "commit": _commit(data),
        "theatre_bbox": list(_bbox(ds)),
        "equal_area_crs": ds.equal_area_crs,
        "window": [SINCE.isoformat(), _until(ds).isoformat()],
        "settlements_in_theatre": int(table["id"].nunique()),
        "deepstate": deepstate_agreement(ds, table),
        "ru_mod": ru_mod(ds, table),
        "areas": area_series(ds, days, countries),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    out["archive_days"] = len(days)
    return out


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return path.name


def _commit(path: Path) -> str | None:
    proc = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    return proc.stdout.strip() or None


def _print(r: dict[str, Any]) -> None:
    d, m = r["deepstate"], r["ru_mod"]
    per = d["named_per_day"]
    print(f"{r['label']}: {r['settlements_in_theatre']} settlements in the theatre, {r['archive_days']} archived days")
    print(
        f"  DeepState agreement: {d['agree']} of {d['settlement_dates']} settlement-dates = {d['agreement']:.0%} "
        f"({d['agreement_edge_tolerant']:.0%} with the edge; {d['agreement_either']:.0%} of "
        f"{d['either_settlement_dates']} where either shows more than the baseline)"
    )
    print(
        f"  DeepState named: {d['named']} of {d['ua_area_settlement_days']} settlement-days inside its UA-held area "
        f"= {d['named_share']:.0%}, {d['named_as_ua_share']:.0%} as UA (per day: {per['named_median']:g} of "
        f"{per['inside_min']}-{per['inside_max']} "
        f"named, median; {per['days_with_90pct_named']} of {per['days']} days at 90 %)"
    )
    print(f"  RU MoD: {m['agree']} of {m['in_theatre']} claims agree with the map on their day = {m['agreement']:.0%}")
    print(f"    verdicts: {m['verdicts']}; lag (days): {m['lag_days']}")


def main(argv: list[str] | None = None) -> int:
    """Measure ``--data`` (and ``--before``) against the archive; write the results file."""
    p = argparse.ArgumentParser(prog="python -m bench.deepstate_check", description=__doc__.split("\n")[0])
    p.add_argument("archive", type=Path, help="clone of DanielRose2310/deepstatemaps-history")
    p.add_argument("--data", type=Path, default=REPO / "geodata")
    p.add_argument("--before", type=Path, help="another data directory, measured as 'before'")
    p.add_argument("--before-label", default="before", help="what --before is, e.g. 'main at 3d472d8'")
    p.add_argument("--out", type=Path, default=HERE / "results" / "deepstate.json")
    a = p.parse_args(argv)
    results: dict[str, Any] = {"archive": {"repository": DEEPSTATE_ARCHIVE, "commit": _commit(a.archive)}}
    if a.before:
        results["before"] = measure(a.before, a.archive, a.before_label)
        _print(results["before"])
    results["after"] = measure(a.data, a.archive, "after")
    _print(results["after"])
    a.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
