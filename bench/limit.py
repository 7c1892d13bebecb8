"""The limit: the same per-map settlement features, serialised with ``json.dumps`` and written, no folium.

Each map is one HTML file holding a GeoJSON FeatureCollection of every placed settlement with the
properties kursk_map gives it (``t``: tooltip, ``p``: popup with the verdict and up to six claims,
coordinates rounded to 5 decimals) and a fixed script that would draw it; nothing else. Texts that
do not change between maps (names, places, claim lines) are escaped once; the state advances
incrementally over the claims sorted by date (numpy arrays, one pass per source).
"""

from __future__ import annotations

import html
import json
import math
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .measure import Recorder

_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body><div id='map'></div>"
    "<script>const FC = {fc};</script></body></html>\n"
)
CODES = ("UA", "RU", "contested")


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True).replace("`", "&#96;").replace("$", "&#36;")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def run_limit(data: Path, out: Path, *, budget_s: float | None) -> dict[str, Any]:
    """Write every map's features as JSON in a page; returns the stages."""
    rec = Recorder()
    with rec.stage("load + validate") as st:
        gaz = _read(data / "settlements.csv")
        gaz = gaz[(gaz["method"] != "unplaced") & (gaz["lat"] != "")].reset_index(drop=True)
        sources = _read(data / "sources.csv").set_index("slug")
        claims = pd.concat([_read(p) for p in sorted((data / "claims").glob("*.csv"))], ignore_index=True)
        st.note = "pandas.read_csv, no checks"
    with rec.stage("name resolution"):
        index: dict[str, list[int]] = {}
        for i, (n, ru, uk, alt) in enumerate(
            zip(gaz["name"], gaz["name_ru"], gaz["name_uk"], gaz["alt_names"], strict=True)
        ):
            for s in {n, ru, uk, *alt.split("|")} - {""}:
                index.setdefault(s.lower(), []).append(i)
        raions = gaz["raion"].tolist()

        def resolve(written: str) -> int:
            raion = None
            if written.endswith(")") and " (" in written:
                written, raion = written[:-1].split(" (", 1)
            hits = index.get(written.lower(), [])
            if raion and len(hits) > 1:
                hits = [h for h in hits if raions[h] == raion]
            return hits[0] if len(hits) == 1 else -1

        placed_kind = claims["kind"].isin(("control", "presence"))
        uniq = {w: resolve(w) for w in claims.loc[placed_kind, "settlement"].unique()}
        claims["sidx"] = np.where(placed_kind, claims["settlement"].map(uniq).fillna(-1), -1).astype(int)

    n = len(gaz)
    lat = gaz["lat"].astype(float).round(5).tolist()
    lon = gaz["lon"].astype(float).round(5).tolist()
    oblast_members = {ob: np.flatnonzero(gaz["oblast"].to_numpy() == ob) for ob in gaz["oblast"].unique()}
    # Static texts, escaped once.
    heads, tips, tails = [], [], []
    for r in gaz.to_dict("records"):
        name = _esc(r["name"])
        cyr = " / ".join(dict.fromkeys(x for x in (r["name_ru"], r["name_uk"]) if x))
        tips.append(f"<b>{name}</b>" + (f" · {_esc(cyr)}" if cyr else ""))
        heads.append(
            f"<div class='km-pop'><b>{name}</b>{(' · ' + _esc(cyr)) if cyr else ''}<br>"
            f"<small>{_esc(r['raion'])} raion, {_esc(r['oblast'])} Oblast</small><br>"
        )
        tails.append(f"<small>position ±1.0 km ({_esc(r['ref'])})</small></div>")
    country = gaz["country"].tolist()

    maps = 0
    stride = 1  # serialise every stride-th date once the first map shows the budget cannot cover all
    nbytes = 0
    t_state = t_feat = t_write = 0.0
    tmp = Path(tempfile.mkdtemp(prefix="bench-limit-", dir=out))
    total_maps = int(claims.groupby("source")["date"].nunique().sum())
    for slug, mine in claims.sort_values(["date", "claim_id"], kind="stable").groupby("source", sort=True):
        t0 = time.perf_counter()
        src = _esc(sources.loc[slug, "name"])
        lines = {
            cid: f'<li><b>{_esc(d)}</b> · {_esc(c or k)} · {_esc(s)} [<a href="{_esc(u)}" target="_blank" '
            f'rel="noopener noreferrer">{src}</a>]</li>'
            for cid, d, c, k, s, u in zip(
                mine["claim_id"],
                mine["date"],
                mine["controller"],
                mine["kind"],
                mine["summary"],
                mine["url"],
                strict=True,
            )
        }
        ctrl = np.full(n, -1, dtype=np.int8)
        basis_region = np.zeros(n, dtype=bool)
        since = [""] * n
        history: list[list[str]] = [[] for _ in range(n)]
        events = mine[(mine["sidx"] >= 0) | ((mine["kind"] == "region") & mine["controller"].isin(CODES))]
        events = events.assign(_rank=np.where(events["kind"] == "region", 0, 1)).sort_values(
            ["date", "_rank", "claim_id"], kind="stable"
        )
        by_day = dict(iter(events.groupby("date", sort=True)))
        t_state += time.perf_counter() - t0
        for k, day in enumerate(sorted(mine["date"].unique())):
            t0 = time.perf_counter()
            g = by_day.get(day)
            if g is not None:
                for kind, sidx, c, cid, ob in zip(
                    g["kind"], g["sidx"], g["controller"], g["claim_id"], g["settlement"], strict=True
                ):
                    if kind == "region":
                        idx = oblast_members.get(ob.replace(" Oblast", ""), np.array([], dtype=int))
                        ctrl[idx] = CODES.index(c)
                        basis_region[idx] = True
                        for i in idx:
                            since[i] = day
                    else:
                        ctrl[sidx] = CODES.index(c)
                        basis_region[sidx] = False
                        since[sidx] = day
                        history[sidx].insert(0, cid)
            t1 = time.perf_counter()
            t_state += t1 - t0
            if k % stride:
                continue
            feats = []
            for i in range(n):
                code = int(ctrl[i])
                if code < 0:
                    verdict = f"No claim by {src} up to {day}; shown at its de jure country ({country[i]})."
                    lis = ""
                else:
                    how = "region-wide claim" if basis_region[i] else "claim"
                    verdict = f"<b>{CODES[code]}</b> according to {src} on {day} ({how} of {since[i]})."
                    lis = "<ul>" + "".join(lines[c] for c in history[i][:6]) + "</ul>" if history[i] else ""
                feats.append(
                    {
                        "type": "Feature",
                        "properties": {"t": tips[i], "p": heads[i] + verdict + lis + tails[i]},
                        "geometry": {"type": "Point", "coordinates": [lon[i], lat[i]]},
                    }
                )
            fc = json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, separators=(",", ":"))
            page = _PAGE.format(title=f"{src} {day}", fc=fc.replace("</", "<\\/")).encode("utf-8")
            t2 = time.perf_counter()
            p = tmp / slug / f"{day}.html"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(page)
            t3 = time.perf_counter()
            nbytes += len(page)
            maps += 1
            t_feat, t_write = t_feat + t2 - t1, t_write + t3 - t2
            if maps == 1 and budget_s is not None:
                stride = max(1, math.ceil((t3 - t1) * total_maps / budget_s))
    shutil.rmtree(tmp, ignore_errors=True)
    rec.add("state, every source and date", t_state, total=total_maps, done=total_maps, note="incremental, numpy")
    rec.add("features + json.dumps", t_feat, done=maps, total=total_maps)
    rec.add("writing", t_write, done=maps, total=total_maps)
    return {
        "stages": rec.as_list(),
        "maps": total_maps,
        "maps_rendered": maps,
        "settlements_placed": n,
        "claims": len(claims),
        "html_bytes_per_map": nbytes / max(maps, 1),
        "html_bytes_per_settlement_per_map": nbytes / max(maps, 1) / max(n, 1),
    }
