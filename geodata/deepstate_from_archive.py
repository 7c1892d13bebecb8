"""Regenerate the ledger rows derived from the public archive of DeepState's map.

Usage (with the package installed, e.g. ``make venv``)::

    git clone https://github.com/DanielRose2310/deepstatemaps-history /tmp/deepstate-archive
    .venv/bin/python geodata/deepstate_from_archive.py /tmp/deepstate-archive

The archive states no licence, so its polygons are not shipped; what is shipped are facts read off
them, each citing the archive file at its commit. For every archived day from August 2024 to the
theatre's last day (``period`` in ``theatre.toml``; the last export of each UTC day) and every
placed settlement of ``settlements.csv`` in the theatre's box, the controller DeepState's map showed
there: inside an area, that area's (UA, RU, contested: see
``kursk_map.area_import.DEEPSTATE_FILLS``); outside every area, the settlement's own country (the
map leaves each side's undisputed ground undrawn). A ``control``/``presence`` row is
written for a settlement on the days where

* the map changed for it since the previous archived day, or
* the ledger would otherwise show something else: a hand-written DeepState claim of an earlier day
  that the map did not show (the claim keeps its own day),

so the ledger stays small. For each day where the drawn areas changed by 1 km² or more, an ``area``
row gives the km² drawn as held by Ukraine in each Russian oblast (with the grey "unknown status"
km² in the summary), and the km² drawn as occupied in Ukraine; a figure that falls to nothing is a
``region`` statement (a figure must be positive). Pieces already drawn across the border before the
campaign (on the last archived day before 6 August 2024) are left out: they are where DeepState's
border line and Natural Earth's differ. Areas are measured in the theatre's equal-area CRS
(``theatre.toml``: EPSG:3035), and the theatre's bbox is the box; a
polygon counts in the country holding most of it (``kursk_map.areas.drawn_parts``), a part in
Russia in the oblast of the nearest settlement of the gazetteer.

Generated rows have claim ids starting ``deepstate-map-`` and a note naming this script: running it
again replaces them and keeps every other row of ``claims/deepstate.csv`` byte for byte. Run it again
after the gazetteer changes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import kursk_map as km  # noqa: E402
from kursk_map._fs import write_atomic  # noqa: E402
from kursk_map.area_import import read_deepstate_archive  # noqa: E402
from kursk_map.areas import drawn_parts, shown_by_day  # noqa: E402
from kursk_map.gazetteer import load_layer  # noqa: E402
from kursk_map.names import Resolver  # noqa: E402
from kursk_map.resolution import ResolvedLedger  # noqa: E402
from kursk_map.state import iter_states  # noqa: E402

SOURCE = "deepstate"
PREFIX = "deepstate-map-"
SCRIPT = "geodata/deepstate_from_archive.py"
#: The first archived day read (before the campaign, see ``BEFORE``); the last is the theatre's last day.
SINCE = dt.date(2024, 8, 1)
#: The campaign began on 6 August 2024: ground drawn across the border on the last archived day before it
#: is where DeepState's border line and this project's differ, and is left out of the area figures.
BEFORE = dt.date(2024, 8, 5)
#: An area row is written when a figure moved by at least this much (km²) since the last one.
AREA_STEP = 1.0

_WHERE = {
    "UA": "inside the area it marks as held by Ukraine",
    "contested": "inside an area it marks as of unknown status (grey)",
    "RU": "inside the area it marks as occupied by Russia",
}
_UNDRAWN = {
    "RU": "outside its Ukrainian-held and grey areas, on ground the map leaves to Russia",
    "UA": "outside its occupied and grey areas, on ground the map leaves to Ukraine",
}


def split_ledger(text: str) -> tuple[str, list[str], int]:
    """The header line, the raw text of every hand-written row, and how many generated rows there were."""
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    start = reader.line_num
    kept: list[str] = []
    generated = 0
    for record in reader:
        end = reader.line_num
        raw = "".join(lines[start:end])
        start = end
        if not any(cell.strip() for cell in record):
            continue
        if record[header.index("claim_id")].startswith(PREFIX):
            generated += 1
        else:
            kept.append(raw if raw.endswith("\n") else raw + "\n")
    return lines[0], kept, generated


def written_form(resolver: Resolver, row: pd.Series) -> str | None:
    """A way of writing the settlement's name that resolves to it alone (its raion or oblast added if needed)."""
    for form, ctx in ((row["name"], None), (row["name"], row["raion"]), (row["name"], row["oblast"])):
        if ctx is not None and not ctx:
            continue
        res = resolver.resolve(form, raion=ctx)
        if res.status == "match" and res.best is not None and res.best.id == row.name:
            return f"{form} ({ctx})" if ctx else str(form)
    return None


def _ref(areas: gpd.GeoDataFrame) -> str:
    return str(areas["ref"].iloc[0])


def _export(ref: str) -> str:
    stamp = int(ref.rsplit("/", 1)[-1].split(".", maxsplit=1)[0])
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def theatre_bbox(ds: km.Dataset) -> tuple[float, float, float, float]:
    """The box of the data folder's theatre (theatre.toml): the archive covers the whole war."""
    if ds.theatre.bbox is None:
        raise SystemExit(f"{ds.root}: theatre.toml gives no bbox; the archive covers the whole war")
    return ds.theatre.bbox


def _hand_states(ds: km.Dataset, days: list[dt.date], ids: pd.Index) -> dict[dt.date, pd.DataFrame]:
    c = ds.ledger.claims
    hand = ResolvedLedger(c[~c["claim_id"].str.startswith(PREFIX)], [])
    return {
        d: st.loc[ids, ["controller", "basis", "since"]]
        for d, st in iter_states(ds.gazetteer, hand, source=SOURCE, dates=days)
    }


def settlement_rows(ds: km.Dataset, days: dict[dt.date, gpd.GeoDataFrame]) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per settlement and day where the ledger needs one to show what the map showed."""
    w, s, e, n = theatre_bbox(ds)
    g = ds.gazetteer[ds.gazetteer.geometry.notna()]
    theatre = g[g["lon"].between(w, e) & g["lat"].between(s, n)]
    table = shown_by_day(theatre, days, undrawn=theatre["country"], crs=ds.equal_area_crs)
    shown = table.pivot(index="id", columns="day", values="controller")
    edge = table.pivot(index="id", columns="day", values="edge_m")
    order = sorted(days)
    hand = _hand_states(ds, order, theatre.index)
    resolver = Resolver(ds.gazetteer)
    rows: list[dict[str, Any]] = []
    unwritable: list[str] = []
    for sid, place in theatre.iterrows():
        previous, current, current_day = place["country"], place["country"], None  # the ledger's state
        form: str | None = None
        for day in order:
            m = shown.at[sid, day]
            h = hand[day].loc[sid]
            if h["basis"] != "baseline" and (current_day is None or h["since"] > current_day.isoformat()):
                current, current_day = h["controller"], dt.date.fromisoformat(h["since"])
            changed, claimed_today = m != previous, h["basis"] != "baseline" and h["since"] == day.isoformat()
            previous = m
            if m == current or (claimed_today and not changed):
                continue
            form = form or written_form(resolver, place)
            if form is None:
                unwritable.append(f"{place['name']} ({sid}): no spelling resolves to it alone; give it a raion")
                break
            rows.append(
                _settlement_row(day, sid, place, form=form, shown=m, edge_m=edge.at[sid, day], ref=_ref(days[day]))
            )
            current, current_day = m, day
    return rows, unwritable


def _settlement_row(
    day: dt.date, sid: str, place: pd.Series, *, form: str, shown: str, edge_m: float, ref: str
) -> dict[str, Any]:
    where = _WHERE[shown] if shown != place["country"] else _UNDRAWN[shown]
    note = f"derived from DeepState's archived map of {day} (export of {_export(ref)}); {SCRIPT} generated this row"
    if edge_m <= float(place["precision_m"]):
        note += f"; at the edge: {edge_m:.0f} m from a drawn boundary, within the point's {place['precision_m']:.0f} m"
    return {
        "claim_id": f"{PREFIX}{day:%Y%m%d}-{sid.replace(':', '.')}",
        "date": day.isoformat(),
        "source": SOURCE,
        "kind": "presence" if shown == "contested" else "control",
        "settlement": form,
        "controller": shown,
        "summary": f"DeepState's map of {day} showed {place['name']} {where}.",
        "url": ref,
        "note": note,
    }


def area_rows(
    ds: km.Dataset, days: dict[dt.date, gpd.GeoDataFrame], countries: gpd.GeoDataFrame
) -> list[dict[str, Any]]:
    """For each day where a drawn figure moved by ``AREA_STEP`` km² or more: the km² per side and region.

    Pieces of ground already drawn across the border before the campaign (see ``BEFORE``) are left out.
    """
    crs = ds.equal_area_crs
    g = ds.gazetteer[ds.gazetteer.geometry.notna()].to_crs(crs)
    before = {p.wkb for p in border_mismatch(days, countries, crs=crs).geometry}
    rows: list[dict[str, Any]] = []
    last: dict[tuple[str, str], tuple[float, float]] = {}
    for day, areas in sorted(days.items()):
        parts = drawn_parts(areas, countries, crs=crs)
        figures = _regions(parts[[p.wkb not in before for p in parts.geometry]], g)
        for (side, region), (held, grey) in sorted(figures.items()):
            was = last.get((side, region), (0.0, 0.0))
            if abs(held - was[0]) < AREA_STEP and abs(grey - was[1]) < AREA_STEP:
                continue
            last[side, region] = (held, grey)
            rows.append(_area_row(day, side, region, held, grey, ref=_ref(areas), crs=crs))
    return rows


def border_mismatch(
    days: dict[dt.date, gpd.GeoDataFrame], countries: gpd.GeoDataFrame, *, crs: str
) -> gpd.GeoDataFrame:
    """The pieces drawn across the border on the last archived day before the campaign (none if no such day)."""
    prior = [d for d in days if d <= BEFORE]
    day = days[max(prior)] if prior else days[min(days)].iloc[0:0]
    return drawn_parts(day, countries, crs=crs)


def _regions(parts: gpd.GeoDataFrame, gazetteer: gpd.GeoDataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    """(side, region) -> (km² drawn as held by that side, km² grey), on the ground of the other country."""
    out: dict[tuple[str, str], list[float]] = {}
    for r in parts.to_dict("records"):
        side = {"RU": "UA", "UA": "RU"}[r["country"]]  # who may hold ground in this country that is not its own
        if r["controller"] not in (side, "contested"):
            continue
        same = gazetteer[gazetteer["country"] == r["country"]]
        region = str(same.loc[same.distance(r["geometry"].representative_point()).idxmin(), "oblast"]) + " Oblast"
        fig = out.setdefault((side, region), [0.0, 0.0])
        fig[0 if r["controller"] == side else 1] += r["km2"]
    return {k: (round(v[0], 1), round(v[1], 1)) for k, v in out.items()}


def _area_row(day: dt.date, side: str, region: str, held: float, grey: float, *, ref: str, crs: str) -> dict[str, Any]:
    """An ``area`` row; with nothing held, a ``region`` statement (a figure must be positive)."""
    what = "held by Ukraine" if side == "UA" else "occupied by Russia"
    grey_text = f"; {grey:g} km² more it marked as of unknown status" if grey else ""
    if held:
        summary = f"DeepState's map of {day} drew {held:g} km² of {region} as {what}{grey_text}."
    else:
        summary = f"DeepState's map of {day} drew no ground of {region} as {what}{grey_text}."
    return {
        "claim_id": f"{PREFIX}{day:%Y%m%d}-area-{side.lower()}-{region.split(maxsplit=1)[0].lower()}",
        "date": day.isoformat(),
        "source": SOURCE,
        "kind": "area" if held else "region",
        "settlement": region,
        "controller": side if held else "",
        "value": f"{held:g}" if held else "",
        "unit": "km2" if held else "",
        "summary": summary,
        "url": ref,
        "note": (
            f"derived from DeepState's archived map of {day} (export of {_export(ref)}); {SCRIPT} generated this "
            f"row; km² measured in {crs}, each polygon in the country holding most of it, its region that of "
            "the nearest settlement of the gazetteer"
        ),
    }


#: The columns generated rows fill: the ledger file's header must have them (its other columns stay empty).
FILLED = ("claim_id", "date", "source", "kind", "settlement", "controller", "value", "unit", "summary", "url", "note")


def _csv_rows(rows: list[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    for r in rows:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([r.get(c, "") for c in columns])
        yield buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Read the archive, work out the rows, rewrite ``claims/deepstate.csv`` and check it loads."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("archive", type=Path, help="a clone of DanielRose2310/deepstatemaps-history")
    p.add_argument("--data", type=Path, default=HERE)
    p.add_argument("--commit", help="the clone's commit, if it has no .git (see kursk-map import areas)")
    a = p.parse_args(argv)
    path = a.data / "claims" / f"{SOURCE}.csv"
    header, hand_rows, old = split_ledger(path.read_text(encoding="utf-8"))
    columns = next(csv.reader([header]))
    if missing := [c for c in FILLED if c not in columns]:
        raise SystemExit(f"{path}: the header lacks {', '.join(missing)}; generated rows fill {', '.join(FILLED)}")
    ds = _hand_dataset(a.data, path, header + "".join(hand_rows))
    bbox, crs = theatre_bbox(ds), ds.equal_area_crs
    until = ds.theatre.period[1] if ds.theatre.period else None
    result = read_deepstate_archive(a.archive, since=SINCE, until=until, bbox=bbox, crs=crs, commit=a.commit)
    days = result.days
    rows, unwritable = settlement_rows(ds, days)
    rows += area_rows(ds, days, load_layer(a.data / (ds.theatre.countries or "countries.geojson")))
    rows.sort(key=lambda r: (r["date"], r["claim_id"]))
    write_atomic(path, (header + "".join(hand_rows) + "".join(_csv_rows(rows, columns))).encode("utf-8"))
    kinds = pd.Series([r["kind"] for r in rows]).value_counts().to_dict()
    print(f"{path}: {len(hand_rows)} hand-written rows kept, {old} generated rows replaced by {len(rows)} {kinds}")
    print(f"  from {len(days)} archived days ({min(days)} to {max(days)}); {'; '.join(result.notes)}")
    for line in unwritable:
        print(f"  not written: {line}", file=sys.stderr)
    return _check(a.data, rows)


def _hand_dataset(data: Path, path: Path, hand: str) -> km.Dataset:
    """The data folder as it would load without the generated rows (which the run replaces)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / data.name
        shutil.copytree(data, copy, ignore=shutil.ignore_patterns("upstream", "*.py"))
        (copy / path.relative_to(data)).write_text(hand, encoding="utf-8")
        return km.load_dataset(copy, keep_going=True)


def _check(data: Path, rows: list[dict[str, Any]]) -> int:
    """The rewritten ledger loads, and every generated row names the settlement it was written for."""
    ds, problems = km.check_dataset(data)
    if problems or ds is None:
        print(str(km.DataError(problems)), file=sys.stderr)
        return 1
    c = ds.ledger.claims.set_index("claim_id")
    wrong = [
        r["claim_id"]
        for r in rows
        if r["kind"] in ("control", "presence")
        and c.at[r["claim_id"], "settlement_id"].replace(":", ".") != r["claim_id"].split("-", 3)[3]
    ]
    for cid in wrong:
        print(f"  {cid}: resolves to {c.at[cid, 'settlement_id']}", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
