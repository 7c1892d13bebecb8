"""Sources compared: every source on one date as its own layer, plus where they disagree.

Also the two-pane view: two sources' maps side by side, panning and zooming together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from ._html import esc, link
from .maps import MapContext, _add_border, _base_map, _bounds, _panel_html, render_map
from .style import COLOURS, LABELS

DISAGREE_COLOUR = "#000000"


@dataclass(frozen=True)
class CompareContext:
    """What every source claims on one date.

    Attributes
    ----------
    date : str
        ISO date.
    sources : sequence of mapping
        The sources with at least one claim up to ``date`` (slug, name, side, kind), in layer order.
    states : mapping
        slug -> that source's state on ``date`` (same settlements in every state).
    claims : mapping
        claim_id -> claim record.
    """

    date: str
    sources: Sequence[Mapping[str, str]]
    states: Mapping[str, gpd.GeoDataFrame]
    claims: Mapping[str, Mapping[str, Any]]
    border: gpd.GeoDataFrame | None = None
    nav: Mapping[str, str] = field(default_factory=dict)


def disagreements(states: Mapping[str, gpd.GeoDataFrame]) -> dict[str, dict[str, str]]:
    """Settlements whose claimed controller differs between sources (baselines do not count).

    Returns settlement id -> {source slug: controller} for the sources that made a claim.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"controller": ["UA", "RU"], "basis": ["claim", "baseline"]}, index=["x", "y"])
    >>> b = pd.DataFrame({"controller": ["RU", "UA"], "basis": ["region", "claim"]}, index=["x", "y"])
    >>> disagreements({"a": a, "b": b})
    {'x': {'a': 'UA', 'b': 'RU'}}
    """
    said: dict[str, dict[str, str]] = {}
    for slug, st in states.items():
        claimed = st[st["basis"] != "baseline"]
        for sid, ctrl in zip(claimed.index, claimed["controller"], strict=True):
            said.setdefault(str(sid), {})[slug] = str(ctrl)
    return {sid: by for sid, by in sorted(said.items()) if len(set(by.values())) > 1}


def _table(ctx: CompareContext, sid: str) -> str:
    any_state = next(iter(ctx.states.values()))
    r = any_state.loc[sid]
    head = f"<b>{esc(r['name'])}</b>" + (f" · {esc(r['name_ru'])}" if r["name_ru"] else "")
    rows = []
    for src in ctx.sources:
        st = ctx.states[src["slug"]]
        s = st.loc[sid]
        if s["basis"] == "baseline":
            verdict, detail = "no claim", ""
        else:
            verdict = str(s["controller"])
            c = ctx.claims.get(s["claim_ids"][0]) if s["claim_ids"] else None
            detail = (
                f"{esc(s['since'])}: {esc(c['summary'])} [{link(c['url'], 'link')}]"
                + (" <i>(region-wide)</i>" if s["basis"] == "region" else "")
                if c
                else ""
            )
        colour = COLOURS["baseline" if s["basis"] == "baseline" else s["controller"]]
        rows.append(
            f"<tr><td>{esc(src['name'])}</td><td><b style='color:{colour}'>{esc(verdict)}</b></td>"
            f"<td>{detail}</td></tr>"
        )
    return (
        f"<div class='km-pop'>{head}<br><small>What each source claims as of {esc(ctx.date)}</small>"
        f"<table class='km-cmp'>{''.join(rows)}</table></div>"
    )


_BIND = JsCode(
    """function(f, layer) {
    layer.bindTooltip(f.properties.t);
    layer.bindPopup(function () { return window.KM_POPUPS[f.id]; }, {maxWidth: 520});
}"""
)


class _Popups(MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
        window.KM_POPUPS = {{ this.popups|tojson }};
        {% endmacro %}"""
    )

    def __init__(self, popups: dict[str, str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmPopups"
        self.popups = popups


def _features(st: gpd.GeoDataFrame, ids: Sequence[str]) -> dict[str, Any]:
    feats = []
    for sid in ids:
        r = st.loc[sid]
        tip = f"<b>{esc(r['name'])}</b>" + (f" · {esc(r['name_ru'])}" if r["name_ru"] else "")
        feats.append(
            {
                "type": "Feature",
                "id": sid,
                "properties": {"t": tip},
                "geometry": {"type": "Point", "coordinates": [round(float(r["lon"]), 5), round(float(r["lat"]), 5)]},
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def _panel(ctx: CompareContext, n_disagree: int) -> str:
    legend = "".join(
        f"<li><span class='km-dot' style='background:{COLOURS[g]}'></span>{esc(LABELS[g])}</li>"
        for g in ("UA", "RU", "contested")
    )
    legend += (
        "<li><span class='km-dot' style='background:transparent;border:3px solid #000'></span>sources disagree</li>"
    )
    srcs = "".join(
        f"<li>{esc(s['name'])} <small>({esc(s['side'])}, {esc(s['kind'])})</small></li>" for s in ctx.sources
    )
    nav = " · ".join(
        f"<a href='{esc(url)}'>{esc(label)}</a>"
        for key, label in (("prev", "← previous date"), ("index", "all maps"), ("next", "next date →"))
        if (url := ctx.nav.get(key))
    )
    return f"""<div class="km-panel-body">
  <div class="km-title">All sources <span class="km-date">{esc(ctx.date)}</span></div>
  <div class="km-sub">Each source is a layer: toggle them in the layer control. A settlement appears in a
  source's layer only if that source has claimed it by this date. Click a settlement for what every source says.</div>
  <ul class="km-legend">{legend}</ul>
  <div><b>{n_disagree}</b> settlement(s) where sources disagree.</div>
  <details><summary>Sources with claims up to this date ({len(ctx.sources)})</summary><ul class="km-list">{srcs}</ul>
  </details>
  <div class="km-nav">{nav}</div>
</div>"""


def render_compare(ctx: CompareContext, *, self_contained: bool = False) -> folium.Map:
    """Draw every source's claims on one date as toggleable layers, with a disagreement layer."""
    if not ctx.sources:
        raise ValueError("a comparison needs at least one source")
    first = ctx.states[ctx.sources[0]["slug"]]
    claimed_ids = sorted({str(i) for st in ctx.states.values() for i in st.index[st["basis"] != "baseline"]})
    dis = disagreements({s["slug"]: ctx.states[s["slug"]] for s in ctx.sources})
    pts = first.loc[claimed_ids] if claimed_ids else first
    bounds = [
        [float(pts["lat"].min()) - 0.25, float(pts["lon"].min()) - 0.25],
        [float(pts["lat"].max()) + 0.25, float(pts["lon"].max()) + 0.25],
    ]
    m = _base_map(bounds, f"All sources — {ctx.date} — kursk_map", _panel(ctx, len(dis)), self_contained=self_contained)
    root: Any = m.get_root()
    root.header.add_child(
        Element(
            "<style>.km-cmp{border-collapse:collapse;margin-top:4px}.km-cmp td{border-top:1px solid #ddd;"
            "padding:2px 4px;vertical-align:top}</style>"
        ),
        name="km_cmp_css",
    )
    m.add_child(_Popups({sid: _table(ctx, sid) for sid in claimed_ids}))
    _add_border(m, ctx.border)
    unclaimed = [str(i) for i in first.index if str(i) not in set(claimed_ids)]
    folium.GeoJson(
        _features(first, unclaimed),
        name=f"No claim by any source (de jure country) ({len(unclaimed)})",
        marker=folium.CircleMarker(
            radius=3.5,
            color=COLOURS["baseline"],
            weight=1,
            fill=True,
            fill_color=COLOURS["baseline"],
            fill_opacity=0.55,
        ),
        on_each_feature=JsCode("function(f, layer) { layer.bindTooltip(f.properties.t); }"),
    ).add_to(m)
    for src in ctx.sources:
        st = ctx.states[src["slug"]]
        claimed = st[st["basis"] != "baseline"]
        for group in ("UA", "RU", "contested"):
            ids = [str(i) for i in claimed.index[claimed["controller"] == group]]
            if not ids:
                continue
            folium.GeoJson(
                _features(st, ids),
                name=f"{esc(src['name'])}: {esc(LABELS[group])} ({len(ids)})",
                marker=folium.CircleMarker(
                    radius=6, color="#222222", weight=1, fill=True, fill_color=COLOURS[group], fill_opacity=0.85
                ),
                on_each_feature=_BIND,
            ).add_to(m)
    folium.GeoJson(
        _features(first, list(dis)),
        name=f"Sources disagree ({len(dis)})",
        marker=folium.CircleMarker(radius=11, color=DISAGREE_COLOUR, weight=3, fill=False),
        on_each_feature=_BIND,
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


class _Sync(MacroElement):
    """Keeps two maps on the same view (our own few lines instead of a CDN plugin)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
          const a = {{ this.left.get_name() }}, b = {{ this.right.get_name() }};
          let busy = false;
          function follow(src, dst) {
            src.on("move zoom", function () {
              if (busy) { return; }
              busy = true;
              dst.setView(src.getCenter(), src.getZoom(), {animate: false});
              busy = false;
            });
          }
          follow(a, b); follow(b, a);
          b.setView(a.getCenter(), a.getZoom(), {animate: false});
        })();
        {% endmacro %}"""
    )

    def __init__(self, left: folium.Map, right: folium.Map) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmSync"
        self.left, self.right = left, right


def render_side_by_side(left: MapContext, right: MapContext, *, self_contained: bool = False) -> Figure:
    """Two sources' maps in two panes of one page, synchronised; returns the page (a branca Figure)."""
    fig = Figure()
    bounds = _bounds(left)
    title = f"{left.source['name']} vs {right.source['name']} — {left.date} — kursk_map"
    maps = []
    for ctx, x in ((left, "0%"), (right, "50%")):
        m = _base_map(bounds, title, _panel_html(ctx), self_contained=self_contained, figure=fig, width="50%", left=x)
        render_map(ctx, m=m, compact=True)
        maps.append(m)
    fig.html.add_child(Element("<style>.folium-map{top:0;height:100%}</style>"), name="km_sbs_css")
    maps[1].add_child(_Sync(maps[0], maps[1]))  # after both maps exist in the page's script
    return fig
