"""The atlas's entry page: what did source S claim on date D, with search and a permalink.

``explore.html`` is a small page (no folium) that loads Leaflet and ``explore.js`` from the atlas's
assets, the settlements from the shared ``settlements.js``, and then, lazily, one compact script
per source (``explore/<source>.js``, made by :func:`series_script`) when that source is picked, and
the spelling index (``explore/search.js``, :func:`search_script`). The URL hash holds the source,
the date, the view and the selected settlement (``#source=ru-mod&date=2025-03-15&zoom=10&...``).

A source's series stores, for each of its claim dates, only the settlements whose state changed
that day: ``[index, code, [claim, ...]]``, where ``index`` is the settlement's position in
``settlements.js`` (id order), ``code`` is ``U``/``R``/``C`` (claimed UA, RU, contested), the same
in lower case when decided by a region-wide claim, ``-`` for baseline; claims are indices into the
series' own table of escaped claim texts (deciding claim first, at most six). The page replays the
changes up to the chosen date, so a source costs about as many bytes as it has claims, whatever
the number of dates.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schemas
from ..names import spellings
from ._assets import Assets, own_text
from ._html import esc, link, safe_url, script_json
from .index import _theatre
from .style import COLOURS, KIND_LABELS, side_label

#: Settlements' state codes in a series: claimed, decided by a region-wide claim, baseline.
CLAIM_CODES = {"UA": "U", "RU": "R", "contested": "C"}
REGION_CODES = {"UA": "u", "RU": "r", "contested": "c"}
BASELINE = "-"
#: Claims listed per settlement in a popup (the deciding claim first), as on the map pages.
MAX_CLAIMS = 6


_CODE_OF = {
    **{("claim", c): code for c, code in CLAIM_CODES.items()},
    **{("area", c): code for c, code in CLAIM_CODES.items()},
    **{("region", c): code for c, code in REGION_CODES.items()},
}


def series_data(
    dates: Sequence[str],
    states: Iterable[gpd.GeoDataFrame],
    claims: Mapping[str, Mapping[str, Any]],
    figures: Sequence[Mapping[str, Any]] = (),
    attacks: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A source's states on its ``dates`` as changes per date (see the module docstring).

    ``states`` holds one state per date (same settlements), read once in order; ``claims`` maps
    claim ids to records (date, controller or kind, summary, url); ``figures`` are the source's
    statements and ``attacks`` its reported attacks near settlements (all dates, never part of the
    state), listed in the panel up to the chosen date.

    Examples
    --------
    >>> import pandas as pd
    >>> def st(ctrl, basis, ids):
    ...     return pd.DataFrame({"id": ["a", "b"], "controller": ctrl, "basis": basis, "claim_ids": ids,
    ...                          "lat": [51.2, 51.3], "lon": [35.1, 35.2]})
    >>> claims = {"c1": {"date": "2025-01-01", "controller": "RU", "summary": "<took> a", "url": ""}}
    >>> d = series_data(["2025-01-01", "2025-01-02"],
    ...                 [st(["RU", "UA"], ["claim", "baseline"], [("c1",), ()]),
    ...                  st(["RU", "UA"], ["claim", "baseline"], [("c1",), ()])], claims)
    >>> d["ev"], d["claims"], d["bbox"]
    ([[[0, 'R', [0]]], []], [['2025-01-01', 'RU', '&lt;took&gt; a', None]], [[51.2, 35.1], [51.2, 35.1]])
    """
    table: dict[str, int] = {}
    entries: list[list[Any]] = []

    def ref(cid: str) -> int:
        if cid not in table:
            c = claims[cid]
            table[cid] = len(entries)
            what = c.get("controller") or c.get("kind")
            entries.append([esc(c["date"]), esc(what), esc(c["summary"]), safe_url(c.get("url"))])
        return table[cid]

    events: list[list[list[Any]]] = []
    order: np.ndarray | None = None
    prev: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    lat = lon = None
    n = 0
    for state in states:  # arrays in id order (the order is that of the first state's ids)
        if order is None:
            order = np.argsort(state["id"].to_numpy(dtype=str), kind="stable")
            lat = state["lat"].to_numpy(dtype=float)[order]
            lon = state["lon"].to_numpy(dtype=float)[order]
        now = tuple(state[k].to_numpy(dtype=object)[order] for k in ("basis", "controller", "claim_ids"))
        basis, ctrl, ids = now
        if schemas.GROUP_COLUMN in state:  # what the map pages colour: an expired claim is not coloured
            group = state[schemas.GROUP_COLUMN].to_numpy(dtype=object)[order]
            ctrl = np.where(group == "baseline", None, ctrl)
            now = (basis, ctrl, ids)
        if prev is None:
            changed = np.flatnonzero(basis != "baseline")
        else:
            changed = np.flatnonzero((basis != prev[0]) | (ctrl != prev[1]) | (ids != prev[2]))
        events.append(
            [
                [
                    int(i),
                    _CODE_OF.get((basis[i], ctrl[i]), BASELINE),
                    [ref(c) for c in ids[i][:MAX_CLAIMS] if c in claims],
                ]
                for i in changed.tolist()
            ]
        )
        prev = (basis, ctrl, ids)
        n += 1
    if n != len(dates):
        raise ValueError(f"a series needs one state per date: {len(dates)} dates, {n} states")
    bbox = None  # where the settlements it claims on its last date lie: the first view
    if prev is not None and lat is not None and lon is not None and (prev[0] != "baseline").any():
        held = prev[0] != "baseline"
        bbox = [
            [round(float(lat[held].min()), 4), round(float(lon[held].min()), 4)],
            [round(float(lat[held].max()), 4), round(float(lon[held].max()), 4)],
        ]
    return {
        "dates": list(dates),
        "bbox": bbox,
        "ev": events,
        "claims": entries,
        "figs": [
            [str(f["date"]), f"<b>{esc(f['date'])}</b> · {_about(f)}{esc(f['summary'])} [{link(f['url'], 'link')}]"]
            for f in sorted([*figures, *attacks], key=lambda f: (str(f["date"]), str(f["claim_id"])))
        ],
    }


def _about(f: Mapping[str, Any]) -> str:
    """What an attack is near, before its summary (it is no claim of control)."""
    if "settlement_id" not in f:
        return ""
    return f"<i>attack near {esc(f['settlement'])}, not a claim of control</i> · "


def series_script(slug: str, data: Mapping[str, Any]) -> str:
    """The lazily loaded script of one source: ``window.__kmSeries[slug] = data``."""
    return (
        "window.__kmSeries = window.__kmSeries || {};\n"
        f"window.__kmSeries[{script_json(slug)}] = {script_json(data)};\n"
    )


def search_data(gazetteer: pd.DataFrame, *, key: str) -> dict[str, Any]:
    """The spelling index of the placed settlements, in the order of ``settlements.js`` (by id).

    Every spelling the resolver knows (:func:`kursk_map.names.spellings`: the name, the Cyrillic
    and its transliterations) and the listed alternates, once per settlement. ``ids`` and
    ``country`` (the de jure country, one letter) are per settlement; ``s`` pairs a spelling with
    the settlement's position. The page matches what is typed against them, ignoring case,
    ё/е, quotes, dashes and accents.

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"id": ["2", "1"], "name": ["Sudzha", "Kursk"], "name_ru": ["Суджа", ""],
    ...                   "name_uk": ["", ""], "alt_names": ["Sudja", ""], "country": ["RU", "RU"],
    ...                   "lat": [51.19, 51.73], "lon": [35.27, 36.19]})
    >>> d = search_data(g, key="k")
    >>> d["ids"], [s for s, i in d["s"] if i == 1]
    (['1', '2'], ['Soudja', 'Sudja', 'Sudscha', 'Sudzha', 'Sudža', 'Суджа'])
    """
    placed = gazetteer[pd.to_numeric(gazetteer["lat"], errors="coerce").notna()]
    placed = placed.sort_values("id", kind="stable")
    pairs: list[list[Any]] = []
    for i, r in enumerate(placed.to_dict("records")):
        names = spellings(_text(r.get("name")), _text(r.get("name_ru")), _text(r.get("name_uk")))
        names |= {a for a in _text(r.get("alt_names")).split("|") if a}
        seen: set[str] = set()
        for s in sorted(names):
            k = _key(s)
            if k and k not in seen:
                seen.add(k)
                pairs.append([s, i])
    return {
        "sk": key,
        "ids": [str(x) for x in placed["id"].tolist()],
        "country": "".join(_text(c)[:1] or "?" for c in placed["country"].tolist()),
        "s": pairs,
    }


def search_script(data: Mapping[str, Any]) -> str:
    """The spelling index as a script: ``window.__kmSearch = data``."""
    return f"window.__kmSearch = {script_json(data)};\n"


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


_QUOTES = str.maketrans("", "", "\u2019\u2018'`\u02b9\u02ba\u02bc\"\u00ab\u00bb")


def _key(s: str) -> str:
    """What two spellings must share to match (``fold`` in ``explore.js`` does the same).

    Examples
    --------
    >>> _key("Novy Put’"), _key("Сёмёновка"), _key("Sudža-2")
    ('novy put', 'семеновка', 'sudza 2')
    """
    s = unicodedata.normalize("NFKD", s.lower().translate(_QUOTES))
    s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("M"))  # accents, vowel signs
    return " ".join("".join(ch if ch.isalnum() else " " for ch in s).split())


def explore_data(
    manifest: Mapping[str, Any],
    *,
    settlements_key: str,
    border: gpd.GeoDataFrame | None = None,
    default: str | None = None,
) -> dict[str, Any]:
    """What ``explore.html`` embeds: the sources with their dates and pages, colours, the border.

    ``manifest`` is the atlas's (``sources``, ``maps``, ``timelines``, ``compare``, ``theatre``: its
    name and country names); ``default`` is the source shown first (else the one with the most dates).
    """
    theatre = _theatre(manifest)  # its country names, in the labels
    maps: Sequence[Mapping[str, Any]] = manifest["maps"]
    by_source: dict[str, list[str]] = {}
    for m in maps:
        by_source.setdefault(str(m["source"]), []).append(str(m["date"]))
    claims_of: dict[str, int] = {}
    for m in maps:
        claims_of[str(m["source"])] = max(claims_of.get(str(m["source"]), 0), int(m.get("claims_to_date", 0)))
    timelines: Mapping[str, str] = manifest.get("timelines", {})
    sources: list[dict[str, Any]] = [
        {
            "slug": str(s["slug"]),
            "name": esc(s["name"]),
            "side": esc(s["side"]),
            "kind": esc(s["kind"]),
            "what": esc(f"{side_label(str(s['side']), theatre)}, {KIND_LABELS.get(str(s['kind']), s['kind'])}"),
            "url": safe_url(s.get("url")),
            "dates": sorted(by_source[str(s["slug"])]),
            "claims": claims_of.get(str(s["slug"]), 0),
            "timeline": timelines.get(str(s["slug"])),
        }
        for s in manifest["sources"]
        if str(s["slug"]) in by_source
    ]
    if not sources:
        raise ValueError("the atlas has no map: nothing to explore")
    first = default if default in by_source else max(sources, key=lambda s: (len(s["dates"]), s["slug"]))["slug"]
    all_dates = sorted({d for s in sources for d in s["dates"]})
    lines: list[list[list[float]]] = []
    if border is not None and len(border):
        for geom in border.geometry:
            parts = getattr(geom, "geoms", [geom])
            lines += [[[round(y, 4), round(x, 4)] for x, y, *_ in part.coords] for part in parts]
    return {
        "sk": settlements_key,
        "sources": sources,
        "default": first,
        "first": all_dates[0],
        "last": all_dates[-1],
        "compare": {str(c["date"]): str(c["path"]) for c in manifest.get("compare", [])},
        "colours": dict(COLOURS),
        "labels": {k: esc(v) for k, v in theatre.labels.items()},  # HTML, as every text the page shows
        "border_label": esc(theatre.border_label),
        "name": theatre.name,
        "border": lines,
    }


def render_explore(
    data: Mapping[str, Any],
    *,
    assets: Assets,
    settlements_url: str = "settlements.js",
    series_url: str = "explore/",
    title: str | None = None,
) -> str:
    """The HTML of ``explore.html`` for :func:`explore_data` (Leaflet and our script from ``assets``).

    The head carries the data and a small inlined script (``explore-boot.js``) that starts loading
    the series to show first while Leaflet, ``settlements.js`` and ``explore.js`` still load. The
    page is titled after the theatre (``data["name"]``) unless ``title`` is given.
    """
    title = title or f"{data.get('name') or 'kursk_map'}: who claimed what, where and when"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{assets.own_tags("explore.css")}
<script type="application/json" id="km-explore-data">{script_json(data)}</script>
<script>window.__kmExplore = {{series: {script_json(series_url)}}};
{own_text("explore-boot.js")}</script>
{assets.leaflet_tags()}
</head><body class="km-x">
<div id="km-app" class="km-app">
<aside id="km-side" class="km-side" aria-label="What a source claimed on a date">
  <header class="km-head">
    <button type="button" id="km-fold" class="km-fold" aria-expanded="true" aria-controls="km-body"
            title="Hide or show the panel">&#9776;</button>
    <h1>Who claimed what, where and when</h1>
  </header>
  <div id="km-body" class="km-body">
    <label class="km-field"><span>Source</span><select id="km-source"></select></label>
    <div id="km-who" class="km-who"></div>
    <div class="km-field"><span>Date</span>
      <div class="km-daterow">
        <button type="button" id="km-prev" title="previous claim date of this source">&#9664;</button>
        <input type="date" id="km-date" aria-label="date">
        <button type="button" id="km-next" title="next claim date of this source">&#9654;</button>
      </div>
      <input type="range" id="km-slider" min="0" max="0" value="0" step="1" aria-label="claim dates of this source">
      <div class="km-ticks"><span id="km-t0"></span><span id="km-t1"></span></div>
    </div>
    <label class="km-field"><span>Find a settlement</span>
      <input type="search" id="km-search" autocomplete="off" spellcheck="false"
             placeholder="a name, in any spelling or script" aria-controls="km-results"></label>
    <ul id="km-results" class="km-results" role="listbox" hidden></ul>
    <div id="km-verdict" class="km-verdict" aria-live="polite"></div>
    <ul id="km-legend" class="km-legend"></ul>
    <details id="km-changes-box"><summary>Changed on this date</summary><ul id="km-changes" class="km-list"></ul>
    </details>
    <details><summary>Figures, statements and attacks up to this date</summary>
    <ul id="km-figs" class="km-list"></ul></details>
    <nav id="km-links" class="km-links"></nav>
    <p class="km-note">Each dot is coloured by this source's latest claim about it on or before the date.
    Claims, not assessments of fact. <a href="index.html">Catalogue, method and sources</a>.</p>
  </div>
</aside>
<main id="km-map" class="km-map" aria-label="map"></main>
</div>
<script src="{esc(settlements_url)}"></script>
{assets.own_tags("listbox.js")}
{assets.own_tags("explore.js")}
</body></html>
"""
