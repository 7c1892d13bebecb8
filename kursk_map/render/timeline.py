"""A source's claims over time on one page: a date slider redraws the state and marks what changed.

The page carries every state of the source as compact JSON (one character per settlement and
date) and a small script of our own (no TimestampedGeoJson) that restyles the markers when the
slider moves. All text in the JSON is escaped HTML; the JSON is made safe for a ``<script>``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element
from folium.template import Template

from .. import schemas
from .._memo import LastColumns
from ..state import Ageing
from ..theatre import DEFAULT_THEATRE, Theatre
from ._assets import INLINE, Assets, header_script, script
from ._folium import ScriptMacro, _add_border, _add_settlement_links, _base_map, add_chrome
from ._html import esc
from ._texts import claim_by
from .maps import DrawnAreas, _claim_line, _figure, _position, attack_rows, drawn_features
from .payload import GROUP_CODES
from .settlement import SettlementLinks
from .style import COLOURS


@dataclass(frozen=True)
class TimelineContext:
    """Everything a timeline page shows.

    Attributes
    ----------
    source : mapping
        ``slug``, ``name``, ``side``, ``kind``.
    dates : sequence of str
        ISO dates of the source's claims, ascending.
    states : iterable of GeoDataFrame
        The source's state on each date (same settlements, same order); read once, in order, so a
        generator will do (a build advances the states again rather than hold them all).
    claims : mapping
        claim_id -> claim record, for the popups.
    figures : sequence of mapping
        The source's figure and statement claims (all dates; the page shows those up to the slider).
    border : GeoDataFrame, optional
        Context lines.
    nav : mapping
        Optional links (relative URLs): ``index``.
    theatre : Theatre
        Labels, title and credits (see :mod:`kursk_map.theatre`).
    settlement_links : SettlementLinks, optional
        Which settlements have a page of their own: each popup then links it.
    ageing : Ageing
        When a claim turns stale, and its maximum age (the page computes both per date; the states
        are those without a maximum age).
    drawn : sequence of DrawnAreas
        The areas the source drew, one entry per day (ascending); each date of the slider shows its
        latest on or before it.
    attacks : sequence of mappings
        The source's attack claims up to the last date (see :func:`kursk_map.state.attacks`): each date
        of the slider marks those reported since the previous date, never as a controller.
    """

    source: Mapping[str, str]
    dates: Sequence[str]
    states: Iterable[gpd.GeoDataFrame]
    claims: Mapping[str, Mapping[str, Any]]
    figures: Sequence[Mapping[str, Any]] = ()
    border: gpd.GeoDataFrame | None = None
    nav: Mapping[str, str] = field(default_factory=dict)
    theatre: Theatre = DEFAULT_THEATRE
    settlement_links: SettlementLinks | None = None
    ageing: Ageing = field(default_factory=Ageing)
    drawn: Sequence[DrawnAreas] = ()
    attacks: Sequence[Mapping[str, Any]] = ()


def _payload(ctx: TimelineContext) -> tuple[dict[str, Any], gpd.GeoDataFrame]:
    """The page's data, and the last state (for the initial view)."""
    states_in = iter(ctx.states)  # read once, in order: a build may pass a generator
    first = next(states_in, None)
    if first is None or not ctx.dates:
        raise ValueError("a timeline needs one state per date, and at least one date")
    last = first
    ids = list(first.index)
    line_index: dict[Any, int] = {}
    lines: list[str] = []
    cdates: list[str] = []
    src = ctx.source["name"]
    labels = ctx.theatre.labels

    def cid_index(cid: str) -> int:
        if cid not in line_index:
            line_index[cid] = len(lines)
            lines.append(_claim_line(ctx.claims[cid], src))
            cdates.append(str(ctx.claims[cid]["date"]))
        return line_index[cid]

    def area_index(day: str, controller: str, edge: bool) -> int:
        """A line for a settlement decided by the source's drawn areas of ``day`` (no claim row)."""
        key = ("area", day, controller, edge)
        if key not in line_index:
            line_index[key] = len(lines)
            at_edge = " · at the edge" if edge else ""
            lines.append(
                f"<li><b>{esc(day)}</b> · {esc(controller)} · inside the areas drawn by {esc(src)} that day: "
                f"{esc(labels.get(controller, controller))}{at_edge}</li>"
            )
            cdates.append(day)
        return line_index[key]

    def refs(st: gpd.GeoDataFrame) -> list[int]:
        """Each settlement's line: its deciding claim's, or its drawn areas' where they decide; -1 without."""
        keys: list[Any] = [c[0] if c else None for c in st["claim_ids"].tolist()]
        since, ctrl, edge = (st[k].to_numpy() for k in ("since", "controller", "at_edge"))
        for i in np.flatnonzero(st["basis"].to_numpy() == "area").tolist():
            day = str(since[i])
            if keys[i] is None or ctx.claims.get(keys[i], {}).get("date") != day:
                keys[i] = (day, str(ctrl[i]), bool(edge[i]))  # the areas themselves decide (no claim row)
        # each key's line in the order the rows first name it, as a settlement after another would
        codes, uniques = pd.factorize(_objects(keys))
        at = [area_index(*k) if isinstance(k, tuple) else cid_index(k) for k in uniques.tolist()]
        line: list[int] = np.array([*at, -1])[codes].tolist()  # code -1: no claim
        return line

    states = []
    for state in itertools.chain([first], states_in):
        last = state
        st = state if state.index.equals(first.index) else state.loc[ids]  # the states of a build share the order
        codes = "".join(GROUP_CODES[g] for g in st[schemas.GROUP_COLUMN].tolist())
        states.append([codes, refs(st)])
    if len(states) != len(ctx.dates):
        raise ValueError(f"a timeline needs one state per date: {len(ctx.dates)} dates, {len(states)} states")
    payload = {
        "dates": list(ctx.dates),
        **_LAST_SETTLEMENTS.get(first, _settlement_columns),
        "claims": lines,
        "cdates": cdates,
        "states": states,
        "figs": [
            [
                str(f["date"]),
                f"<b>{esc(f['date'])}</b> · {'<i>drawn on its map</i> · ' if f.get('drawn') else ''}"
                f"{_figure(f, ctx.theatre)}{esc(f['summary'])} "
                f"[{claim_by(ctx.claims.get(str(f['claim_id']), f), src)}]",
            ]
            for f in sorted(ctx.figures, key=lambda f: (str(f["date"]), str(f["claim_id"])))
        ],
        "colours": COLOURS,
        "labels": {g: esc(label) for g, label in ctx.theatre.labels.items()},
        "ageing": {
            "presence": ctx.ageing.presence_days,
            "control": ctx.ageing.control_days,
            "max": ctx.ageing.max_age_days,
        },
        **_drawn_payload(ctx),
        "atk": _attack_payload(ctx, first),
    }
    return payload, last


#: The settlement columns of the last timeline's first state: those of every timeline of an atlas.
_LAST_SETTLEMENTS: LastColumns[dict[str, list[Any]]] = LastColumns(
    ("id", "name", "name_ru", "raion", "oblast", "country", "lat", "lon", "precision_m", "method", "ref")
)


def _settlement_columns(first: gpd.GeoDataFrame) -> dict[str, list[Any]]:
    """The payload's columns no claim changes (ids, positions, names, places, de jure country), in row order."""
    rows = first.to_dict("records")
    return {
        "ids": [esc(r["id"]) for r in rows],
        "pos": [[round(float(r["lat"]), 5), round(float(r["lon"]), 5)] for r in rows],
        "names": [esc(r["name"]) + (f" · {esc(r['name_ru'])}" if r["name_ru"] else "") for r in rows],
        "latin": [esc(r["name"]) for r in rows],
        "info": [f"<small>{esc(r['raion'] or r['oblast'])} · {_position(r)}</small>" for r in rows],
        "base": [r["country"] for r in rows],
        "approx": [1 if r["method"] == "derived" else 0 for r in rows],
    }


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _attack_payload(ctx: TimelineContext, st: gpd.GeoDataFrame) -> list[list[list[Any]]]:
    """Per date, the markers of the attacks reported since the previous date (``[lat, lon, tip, popup]``)."""
    out = []
    for k, day in enumerate(ctx.dates):
        after = ctx.dates[k - 1] if k else ""
        mine = [a for a in ctx.attacks if after < str(a["date"]) <= day]
        out.append(attack_rows(st, mine, ctx.claims, ctx.source["name"]))
    return out


def _drawn_payload(ctx: TimelineContext) -> dict[str, Any]:
    """The source's drawn areas: each distinct drawing once, and which one each date shows."""
    drawn: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    days: list[tuple[DrawnAreas, int]] = []
    for d in sorted(ctx.drawn, key=lambda d: d.date):
        feats = drawn_features(d, ctx.source["name"], ctx.theatre)
        key = json.dumps([f["geometry"] for f in feats], sort_keys=True)
        if key not in seen:  # the same drawing on many days is stored once (tooltips name its first day)
            seen[key] = len(drawn)
            drawn.append({"type": "FeatureCollection", "features": feats})
        days.append((d, seen[key]))
    at, label = [], []
    for day in ctx.dates:
        prior = [(d, k) for d, k in days if d.date <= day]
        at.append(prior[-1][1] if prior else -1)
        label.append(esc(f"{prior[-1][0].label(ctx.source['name'])} {prior[-1][0].note(day)}") if prior else "")
    return {"drawn": drawn, "drawnAt": at, "drawnLabel": label}


class _TimelineScript(ScriptMacro):
    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  {{ this.scripts }}
  const D = {{ this.payload|tojson }};
  const map = {{ this._parent.get_name() }};
  const CTRL = {U: "UA", R: "RU", c: "contested"};
  const markers = D.pos.map(function (p, i) {
    return L.circleMarker(p, {radius: 6, weight: 1, color: "#222", fillOpacity: 0.9})
      .bindTooltip(D.names[i]).addTo(map);
  });
  const slider = document.getElementById("km-slider");
  const out = {
    date: document.getElementById("km-tl-date"), counts: document.getElementById("km-tl-counts"),
    changes: document.getElementById("km-tl-changes"), figs: document.getElementById("km-tl-figs"),
    drawn: document.getElementById("km-tl-drawn"), attacks: document.getElementById("km-tl-attacks")
  };
  const drawnLayer = {{ this.drawn_layer }}, attackLayer = {{ this.attack_layer }};
  let drawnShown = -2;
  const drawnSvg = L.svg({padding: 0.5});  // the hatch of the drawn areas is an SVG pattern
  function group(code, i) { return code === "-" ? "baseline" : CTRL[code]; }
  function show(k) {
    const codes = D.states[k][0], refs = D.states[k][1];
    const prev = k > 0 ? D.states[k - 1][0] : null;
    const counts = {UA: 0, RU: 0, contested: 0, baseline: 0};
    const stale = {UA: 0, RU: 0, contested: 0, baseline: 0};
    let expired = 0;
    const changed = {UA: [], RU: [], contested: [], baseline: []};
    markers.forEach(function (m, i) {
      const age = window.__kmAgeAt(D, D.dates[k], refs[i], codes[i]);
      const claimed = group(codes[i], i), g = age[1] === "2" ? "baseline" : claimed;
      counts[g] += 1;
      if (age[1] === "1") { stale[g] += 1; }
      if (age[1] === "2") { expired += 1; }
      const moved = prev !== null && prev[i] !== codes[i];
      if (moved) { changed[claimed].push(D.latin[i]); }
      const style = {
        fillColor: D.colours[g], radius: g === "baseline" ? 3.5 : (moved ? 8 : 6),
        color: moved ? "#000" : (g === "baseline" ? D.colours.baseline : "#222"), weight: moved ? 3 : 1,
        fillOpacity: g === "baseline" ? 0.55 : 0.9, dashArray: null
      };
      const look = window.__kmDot(D.approx[i] === 1, age[1], D.colours[g]);
      Object.keys(look).forEach(function (key) {
        if (!(moved && (key === "color" || key === "weight"))) { style[key] = look[key]; }  // the ring stays
      });
      m.setStyle(style);
      const old = age[0] < 0 ? "" : age[0] === 0 ? "; made that day" : "; " + age[0] + " days old" +
        (age[1] === "1" ? ": stale" : "");
      const verdict = claimed === "baseline"
        ? "No claim by this source up to " + D.dates[k] + "; de jure " + D.base[i] + "."
        : age[1] === "2"
        ? "Its latest claim, <b>" + CTRL[codes[i]] + "</b>, is older than " + D.ageing.max + " days (" + age[0] +
          "): not coloured; de jure " + D.base[i] + "."
        : "<b>" + CTRL[codes[i]] + "</b> according to this source on " + D.dates[k] + old + ".";
      const line = refs[i] >= 0 ? "<ul>" + D.claims[refs[i]] + "</ul>" : "";
      const history = window.__kmSettlementLink ? window.__kmSettlementLink(D.ids[i]) : "";
      m.bindPopup("<div class='km-pop'><b>" + D.names[i] + "</b><br>" + verdict + line + D.info[i] + history +
                  "</div>", {maxWidth: 380});
    });
    out.date.textContent = D.dates[k];
    out.counts.innerHTML = ["UA", "RU", "contested", "baseline"].map(function (g) {
      return "<li><span class='km-dot' style='background:" + D.colours[g] + "'></span>" + D.labels[g] +
             ": <b>" + counts[g] + "</b>" +
             (stale[g] ? " <span class='km-old'>(" + stale[g] + " stale)</span>" : "") + "</li>";
    }).join("") +
      (expired ? "<li>older than " + D.ageing.max + " days, not coloured: <b>" + expired + "</b></li>" : "");
    if (D.drawnAt[k] !== drawnShown) {
      drawnShown = D.drawnAt[k];
      drawnLayer.clearLayers();
      if (drawnShown >= 0) {
        L.geoJSON(D.drawn[drawnShown], {onEachFeature: window.__kmDrawnStyle, renderer: drawnSvg}).addTo(drawnLayer);
      }
    }
    if (out.drawn) {
      out.drawn.innerHTML = D.drawnLabel[k] || "no drawn areas yet";
    }
    attackLayer.clearLayers();
    if (D.atk[k].length) { window.__kmAttacks(attackLayer, D.atk[k]); }  // attacks.js is there when any is
    if (out.attacks) { out.attacks.textContent = String(D.atk[k].length); }
    const moves = ["UA", "RU", "contested", "baseline"].filter(function (g) { return changed[g].length; })
      .map(function (g) {
        const names = changed[g].slice().sort(), more = names.length - 30;
        return "<li>&rarr; " + D.labels[g] + " (" + names.length + "): " + names.slice(0, 30).join(", ") +
               (more > 0 ? " and " + more + " more" : "") + "</li>";
      });
    out.changes.innerHTML = k === 0 ? "<li>first date of this source</li>"
      : (moves.length ? moves.join("") : "<li>no settlement changed since " + D.dates[k - 1] + "</li>");
    const figs = D.figs.filter(function (f) { return f[0] <= D.dates[k]; }).reverse();
    out.figs.innerHTML = figs.length ? figs.map(function (f) { return "<li>" + f[1] + "</li>"; }).join("")
                                     : "<li>none up to this date</li>";
    document.body.setAttribute("data-km-step", String(k));
  }
  slider.addEventListener("input", function (e) { show(Number(e.target.value)); });
  show(D.dates.length - 1);
})();
{% endmacro %}"""
    )

    def __init__(self, payload: dict[str, Any], drawn_layer: str, attack_layer: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmTimeline"
        self.payload = payload
        self.drawn_layer = drawn_layer
        self.attack_layer = attack_layer
        self.scripts = script("dots.js", indent=2) + "\n  " + script("ageing.js", indent=2)


def _panel(ctx: TimelineContext) -> str:
    n = len(ctx.dates)
    src = ctx.source
    nav = f'<a href="{esc(ctx.nav["index"])}">all maps</a>' if ctx.nav.get("index") else ""
    drawn = "\n  <div><span class='km-drawn-swatch'></span><span id='km-tl-drawn'></span></div>" if ctx.drawn else ""
    if ctx.attacks:
        drawn += (
            "\n  <div><span class='km-attack-swatch'></span>attacks or strikes reported near a settlement since the "
            "previous date, not control: <b id='km-tl-attacks'></b></div>"
        )
    return f"""
<div class="km-panel-body">
  <div class="km-title">{esc(src["name"])} <span class="km-date" id="km-tl-date">{esc(ctx.dates[-1])}</span></div>
  <div class="km-sub">Claims of <b>{esc(src["name"])}</b> over time ({n} dates). Move the slider; settlements
  whose claimed controller changed since the previous date are drawn larger with a black ring; a faded dot's
  claim is stale on that date (older than {ctx.ageing.control_days} days, {ctx.ageing.presence_days} for
  contested). Claims, not assessments of fact.</div>
  <input id="km-slider" class="km-keep" type="range" min="0" max="{n - 1}" value="{n - 1}" step="1"
         style="width:100%" aria-label="date">
  <div class="km-ticks km-keep"><span>{esc(ctx.dates[0])}</span><span>{esc(ctx.dates[-1])}</span></div>
  <ul class="km-legend" id="km-tl-counts"></ul>{drawn}
  <details open><summary>Changed since the previous date</summary><ul class="km-list" id="km-tl-changes"></ul>
  </details>
  <details><summary>Figures and statements up to this date</summary><ul class="km-list" id="km-tl-figs"></ul>
  </details>
  <div class="km-nav">{nav}</div>
</div>"""


def render_timeline(ctx: TimelineContext, *, assets: Assets = INLINE) -> folium.Map:
    """Draw a source's claims over time with a date slider; return the map."""
    payload, st = _payload(ctx)
    claimed = st[st["basis"] != "baseline"]
    pts = claimed if len(claimed) else st
    bounds = [
        [float(pts["lat"].min()) - 0.25, float(pts["lon"].min()) - 0.25],
        [float(pts["lat"].max()) + 0.25, float(pts["lon"].max()) + 0.25],
    ]
    title = f"{ctx.source['name']} — timeline — {ctx.theatre.name}"
    m = _base_map(bounds, title, _panel(ctx), theatre=ctx.theatre, assets=assets)
    root: Any = m.get_root()
    root.header.add_child(Element("<style>.km-ticks{display:flex;justify-content:space-between;color:#555}</style>"))
    _add_border(m, ctx.border, ctx.theatre)
    _add_settlement_links(m, ctx.settlement_links)
    drawn = folium.FeatureGroup(
        name=f"Areas drawn by {esc(ctx.source['name'])} (on or before the date shown)", show=True
    )
    if ctx.drawn:
        header_script(m, "areas.js", assets)
        drawn.add_to(m)
    attacks = folium.FeatureGroup(name="Attack or strike reported near (since the previous date)", show=True)
    if ctx.attacks:
        header_script(m, "attacks.js", assets)
        attacks.add_to(m)
    m.add_child(
        _TimelineScript(
            payload,
            drawn.get_name() if ctx.drawn else "L.layerGroup()",
            attacks.get_name() if ctx.attacks else "L.layerGroup()",
        )
    )
    folium.LayerControl(collapsed=True).add_to(m)
    add_chrome(m, kind="timeline")  # the panel folds and fits; the URL hash holds the view
    return m


def timeline_json(ctx: TimelineContext) -> str:
    """The timeline's data as JSON text (what the page embeds), for tests and other front ends."""
    return json.dumps(_payload(ctx)[0], ensure_ascii=False, sort_keys=True)
