"""The peer a user would otherwise write: plain folium, one ``CircleMarker`` with a popup per settlement.

For every (source, date) map it walks the whole ledger in a Python loop to find each settlement's
latest claim by that source up to that date (region claims apply to their oblast, and the
settlement's own claim wins on the same day), then draws every settlement of the gazetteer as a
``folium.CircleMarker`` with a tooltip and a ``folium.Popup`` (name, Cyrillic, the claimed controller,
up to six claims of this source about it with date, summary and link) and saves the map with
``Map.save``. Names are looked up in a dict of the gazetteer's spellings (name, Russian, Ukrainian,
listed alternates), with ``"Name (Raion)"`` deciding between namesakes.

Relative advances, figures, area polygons and the panel are left out: this peer draws less than
kursk_map does, which favours it.
"""

from __future__ import annotations

import csv
import html
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import folium

from .measure import Budget, Recorder, spread

COLOURS = {"UA": "#0072B2", "RU": "#D55E00", "contested": "#CC79A7", "baseline": "#8c8c8c"}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _lookup(settlements: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    names: dict[str, list[dict[str, str]]] = {}
    for s in settlements:
        spellings = {s["name"], s["name_ru"], s["name_uk"], *s["alt_names"].split("|")} - {""}
        for n in spellings:
            names.setdefault(n.lower(), []).append(s)
    return names


def _resolve(written: str, names: dict[str, list[dict[str, str]]]) -> str | None:
    raion = None
    if written.endswith(")") and " (" in written:
        written, raion = written[:-1].split(" (", 1)
    hits = names.get(written.lower(), [])
    if raion and len(hits) > 1:
        hits = [h for h in hits if h["raion"] == raion]
    return hits[0]["id"] if len(hits) == 1 else None


def _state(claims: list[dict[str, Any]], source: str, date: str, members: dict[str, list[str]]) -> dict[str, Any]:
    """Settlement id -> (controller, basis, since, [claims newest first]), by a loop over every claim."""
    latest: dict[str, tuple[str, int, dict[str, Any]]] = {}
    history: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        if c["source"] != source or c["date"] > date:
            continue
        if c["kind"] in ("control", "presence") and c["sid"]:
            key = (c["date"], 1, c["claim_id"])
            sid = c["sid"]
            history.setdefault(sid, []).append(c)
            if sid not in latest or key > latest[sid][2]["_key"]:
                latest[sid] = (c["controller"], 1, {**c, "_key": key})
        elif c["kind"] == "region" and c["controller"]:
            key = (c["date"], 0, c["claim_id"])
            for sid in members.get(c["oblast"], []):
                if sid not in latest or key > latest[sid][2]["_key"]:
                    latest[sid] = (c["controller"], 0, {**c, "_key": key})
    return {
        sid: (ctrl, "claim" if rank else "region", c["date"], sorted(history.get(sid, []), key=_newest))
        for sid, (ctrl, rank, c) in latest.items()
    }


def _newest(c: dict[str, Any]) -> tuple[str, str]:
    return (_inv(c["date"]), c["claim_id"])


def _inv(date: str) -> str:
    return "".join(chr(ord("9") - ord(ch) + ord("0")) if ch.isdigit() else ch for ch in date)


def _map(settlements: list[dict[str, str]], state: dict[str, Any], source_name: str, date: str) -> folium.Map:
    m = folium.Map(location=[49.0, 37.0], zoom_start=8)
    for s in settlements:
        if s["method"] == "unplaced":
            continue
        e = html.escape
        if s["id"] in state:
            ctrl, basis, since, hist = state[s["id"]]
            verdict = f"<b>{e(ctrl)}</b> according to {e(source_name)} on {e(date)} ({basis} of {e(since)})."
            group = ctrl
        else:
            hist = []
            verdict = f"No claim by {e(source_name)} up to {e(date)}; de jure {e(s['country'])}."
            group = "baseline"
        lines = "".join(
            f"<li><b>{e(c['date'])}</b> · {e(c['controller'])} · {e(c['summary'])} "
            f'[<a href="{e(c["url"])}" target="_blank">{e(source_name)}</a>]</li>'
            for c in hist[:6]
        )
        text = (
            f"<b>{e(s['name'])}</b> · {e(s['name_ru'])}<br><small>{e(s['raion'])} raion, {e(s['oblast'])} Oblast"
            f"</small><br>{verdict}<ul>{lines}</ul><small>position ±1 km ({e(s['ref'])})</small>"
        )
        folium.CircleMarker(
            location=[float(s["lat"]), float(s["lon"])],
            radius=3.5 if group == "baseline" else 6,
            color="#222222",
            weight=1,
            fill=True,
            fill_color=COLOURS[group],
            fill_opacity=0.9,
            tooltip=f"{s['name']} · {s['name_ru']}",
            popup=folium.Popup(text, max_width=380),
        ).add_to(m)
    return m


def run_naive(data: Path, out: Path, *, budget_s: float | None) -> dict[str, Any]:
    """Build the naive maps (a sample spread over sources and dates when over budget)."""
    rec = Recorder()
    with rec.stage("load + validate") as st:
        settlements = _read(data / "settlements.csv")
        sources = {s["slug"]: s for s in _read(data / "sources.csv")}
        claims: list[dict[str, Any]] = []
        for p in sorted((data / "claims").glob("*.csv")):
            claims.extend(_read(p))
        st.note = "csv.DictReader, no checks"
    with rec.stage("name resolution") as st:
        names = _lookup(settlements)
        for c in claims:
            c["sid"] = _resolve(c["settlement"], names) if c["kind"] in ("control", "presence") else None
            c["oblast"] = c["settlement"].replace(" Oblast", "") if c["kind"] == "region" else ""
        st.note = f"{sum(1 for c in claims if c['sid'])} placed"
    members: dict[str, list[str]] = {}
    for s in settlements:
        members.setdefault(s["oblast"], []).append(s["id"])
    maps = sorted({(c["source"], c["date"]) for c in claims})
    order = spread(maps)
    budget = Budget(budget_s)
    t_state = t_build = t_render = t_write = 0.0
    nbytes = 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-naive-", dir=out))
    done = 0
    for slug, date in order:
        t0 = time.perf_counter()
        state = _state(claims, slug, date, members)
        t1 = time.perf_counter()
        m = _map(settlements, state, sources[slug]["name"], date)
        t2 = time.perf_counter()
        path = tmp / slug / f"{date}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        page = m.get_root().render()  # what Map.save does: render, then write
        t3 = time.perf_counter()
        path.write_text(page, encoding="utf-8")
        t4 = time.perf_counter()
        nbytes += path.stat().st_size
        t_state, t_build = t_state + t1 - t0, t_build + t2 - t1
        t_render, t_write = t_render + t3 - t2, t_write + t4 - t3
        done += 1
        if budget.exhausted():
            break
    shutil.rmtree(tmp, ignore_errors=True)
    n = len(maps)
    rec.add("state, every source and date", t_state, done=done, total=n, note="loop over every claim per map")
    rec.add("folium objects (CircleMarker + Popup)", t_build, done=done, total=n)
    rec.add("folium render to HTML", t_render, done=done, total=n)
    rec.add("writing", t_write, done=done, total=n)
    placed = sum(1 for s in settlements if s["method"] != "unplaced")
    return {
        "stages": rec.as_list(),
        "maps": n,
        "maps_rendered": done,
        "settlements_placed": placed,
        "claims": len(claims),
        "html_bytes_per_map": nbytes / max(done, 1),
        "html_bytes_per_settlement_per_map": nbytes / max(done, 1) / max(placed, 1),
    }
