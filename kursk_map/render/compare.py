"""Sources compared: every source on one date as its own layer, plus where they disagree.

Also the two-pane view: two sources' maps side by side, panning and zooming together.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, Figure
from folium.template import Template
from folium.utilities import JsCode

from .. import schemas
from ..state import Ageing
from ..theatre import DEFAULT_THEATRE, Theatre
from ._assets import INLINE, Assets, header_script, script
from ._folium import (
    ScriptMacro,
    _add_border,
    _add_settlement_links,
    _base_map,
    add_chrome,
    deterministic_ids,
)
from ._html import esc, script_json
from ._skeleton import Pages, base_map, base_pieces
from ._texts import age_text, claim_by
from .maps import (
    DRAWN_RENDERER,
    DrawnAreas,
    MapContext,
    _bounds,
    _panel_html,
    _static_columns,
    drawn_features,
    render_map,
)
from .payload import AGE_CODES, GROUP_CODES
from .settlement import SettlementLinks
from .style import COLOURS

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
    theatre : Theatre
        Labels, title and credits (see :mod:`kursk_map.theatre`).
    settlement_links : SettlementLinks, optional
        Which settlements have a page of their own: each popup then links it.
    ageing : Ageing
        When a claim is stale or left out (the states' ``stale``/``expired`` follow it).
    drawn : mapping
        slug -> the areas that source drew most recently on or before ``date``, for the sources that
        publish areas: each is a layer of its own.
    """

    date: str
    sources: Sequence[Mapping[str, str]]
    states: Mapping[str, gpd.GeoDataFrame]
    claims: Mapping[str, Mapping[str, Any]]
    border: gpd.GeoDataFrame | None = None
    nav: Mapping[str, str] = field(default_factory=dict)
    theatre: Theatre = DEFAULT_THEATRE
    settlement_links: SettlementLinks | None = None
    ageing: Ageing = field(default_factory=Ageing)
    drawn: Mapping[str, DrawnAreas] = field(default_factory=dict)

    @functools.cached_property
    def disagreements(self) -> dict[str, dict[str, str]]:
        """:func:`disagreements` of the sources' states (worked out once: the page and the manifest list them)."""
        return disagreements({s["slug"]: self.states[s["slug"]] for s in self.sources})


def disagreements(states: Mapping[str, gpd.GeoDataFrame]) -> dict[str, dict[str, str]]:
    """Settlements whose claimed controller differs between sources (baselines do not count).

    Returns settlement id -> {source slug: controller} for the sources that made a claim.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"group": ["UA", "baseline"]}, index=["x", "y"])
    >>> b = pd.DataFrame({"group": ["RU", "UA"]}, index=["x", "y"])
    >>> disagreements({"a": a, "b": b})
    {'x': {'a': 'UA', 'b': 'RU'}}
    """
    if not states:
        return {}
    index = next(iter(states.values())).index
    for st in states.values():
        if not st.index.equals(index):
            index = index.union(st.index)
    cols = []
    for st in states.values():
        group = st[schemas.GROUP_COLUMN].to_numpy(dtype=object)
        col = np.where(group != "baseline", group, None)
        if not st.index.equals(index):
            pos = st.index.get_indexer(index)
            col = np.where(pos >= 0, col[pos], None)
        cols.append(col)
    values = np.column_stack(cols)
    codes = pd.factorize(values.ravel())[0].reshape(values.shape)  # -1 where a source made no claim
    high = codes.max(axis=1)
    low = np.where(codes < 0, np.iinfo(codes.dtype).max, codes).min(axis=1)
    rows = np.flatnonzero((high >= 0) & (low != high)).tolist()
    out = {
        str(index[r]): {slug: str(v) for slug, v in zip(states, values[r], strict=True) if v is not None} for r in rows
    }
    return dict(sorted(out.items()))


def _detail(c: Mapping[str, Any], since: object, basis: str, age: str, source_name: str) -> str:
    """One source's claim behind a settlement's state: date, age, our summary, attribution link (escaped HTML)."""
    return f"{esc(since)} ({esc(age)}): {esc(c['summary'])} [{claim_by(c, source_name)}]" + (
        " <i>(region-wide)</i>" if basis == "region" else ""
    )


def _area_detail(since: str, controller: str, age: str, *, edge: bool, source_name: str, theatre: Theatre) -> str:
    """A state decided by the source's drawn areas themselves (its polygons; no claim row)."""
    label = theatre.labels.get(controller, controller)
    return f"{esc(since)} ({esc(age)}): inside the areas drawn by {esc(source_name)} that day: {esc(label)}" + (
        " · at the edge" if edge else ""
    )


@functools.lru_cache(maxsize=1 << 16)
def _name_html(name: str, name_ru: str) -> str:
    """A settlement's names as escaped HTML (cached: every comparison page repeats them)."""
    return f"<b>{esc(name)}</b>" + (f" · {esc(name_ru)}" if name_ru else "")


class _Positions:
    """Where each of ``ids`` is in a state (every source's state has the same settlements, mostly in one order)."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.ids = ids
        self.at = {sid: i for i, sid in enumerate(ids)}
        self._seen: list[tuple[pd.Index, np.ndarray]] = []

    def __call__(self, st: gpd.GeoDataFrame, slug: str) -> np.ndarray:
        for index, seen in self._seen:
            if st.index is index or st.index.equals(index):
                return seen
        pos: np.ndarray = st.index.get_indexer(self.ids)
        if (pos < 0).any():
            missing = [sid for sid, i in zip(self.ids, pos, strict=True) if i < 0]
            raise ValueError(
                f"the state of {slug!r} lacks {len(missing)} settlement(s) of the others, e.g. {missing[:3]}; "
                "compute every source's state from the same gazetteer"
            )
        self._seen.append((st.index, pos))
        return pos


def _source_columns(
    ctx: CompareContext, src: Mapping[str, str], where: _Positions, lines: dict[str, int]
) -> tuple[str, list[int], str]:
    """One source's code string (a character per settlement), its claim lines and its age codes (see below)."""
    slug = src["slug"]
    st = ctx.states[slug]
    pos = where(st, slug)
    ids = where.ids
    groups, basis = st[schemas.GROUP_COLUMN].to_numpy()[pos], st["basis"].to_numpy()[pos]
    claimed = basis != "baseline"  # a claim older than the maximum age is listed, not coloured
    codes = np.full(len(ids), GROUP_CODES["baseline"], dtype="<U1")
    known = groups == "baseline"
    for group, code in GROUP_CODES.items():
        if group != "baseline":
            is_group = groups == group
            codes[is_group] = code
            known |= is_group
    if not known.all():
        bad = sorted({str(c) for c in groups[~known]})
        raise ValueError(
            f"the state of {slug!r} has unknown controller(s) {bad}; expected one of {sorted(GROUP_CODES)}"
        )
    stale, expired = st["stale"].to_numpy()[pos], st["expired"].to_numpy()[pos]
    ages = np.where(expired, AGE_CODES["expired"], np.where(stale, AGE_CODES["stale"], AGE_CODES["fresh"]))
    cols = ("claim_ids", "since", "controller", "age_days", "at_edge")
    rows = zip(*(st[k].to_numpy()[pos][claimed] for k in cols), basis[claimed], strict=True)
    seen: dict[tuple[Any, ...], int] = {}
    refs = []
    for cid_list, day, ctrl, age, edge, how in rows:
        c = ctx.claims.get(cid_list[0]) if len(cid_list) else None
        from_areas = how == "area" and (c is None or c.get("date") != day)  # the polygons decide, no claim row
        key = (None if from_areas else c and c["claim_id"], day, how, ctrl, bool(edge) and from_areas)
        if key not in seen:
            old = age_text(int(age), stale=False, expired=False, controller=str(ctrl), ageing=ctx.ageing)
            if from_areas:
                text = _area_detail(
                    str(day), str(ctrl), old, edge=bool(edge), source_name=src["name"], theatre=ctx.theatre
                )
                seen[key] = lines.setdefault(text, len(lines))
            else:
                seen[key] = lines.setdefault(_detail(c, day, str(how), old, src["name"]), len(lines)) if c else -1
        refs.append(seen[key])
    return "".join(codes.tolist()), refs, "".join(ages.tolist())


_PLACES: dict[tuple[str, tuple[str, ...]], dict[str, list[Any]]] = {}


def _places(first: pd.DataFrame, pos: np.ndarray, ids: Sequence[str], key: str) -> dict[str, list[Any]]:
    """The settlements' ids, positions and names of a page (the same on every page: kept by their static key)."""
    known = (key, tuple(ids))
    if known not in _PLACES:
        names, names_ru = first["name"].to_numpy()[pos], first["name_ru"].to_numpy()[pos]
        if len(_PLACES) >= 8:  # one entry per gazetteer; a process rarely sees more than one
            _PLACES.clear()
        _PLACES[known] = {
            "id": [esc(sid) for sid in ids],
            "lat": [round(float(x), 4) for x in first["lat"].to_numpy()[pos]],
            "lon": [round(float(x), 4) for x in first["lon"].to_numpy()[pos]],
            "n": [_name_html(str(n), str(r) if r else "") for n, r in zip(names, names_ru, strict=True)],
        }
    return _PLACES[known]


def _compare_payload(ctx: CompareContext, where: _Positions, disagree: Sequence[str]) -> dict[str, Any]:
    """Every source's state on one date as compact, already escaped columns.

    Positions and names are stored once per page; each source is ``[name, codes, refs]``: one
    character per settlement (``U``, ``R``, ``c``, or ``-`` for no claim) and, for each settlement
    it claims (in the same order), the index of its claim line in ``lines`` (-1 if the claim is
    not among the records). The browser builds tooltips and popups from them when asked.
    Every string is escaped HTML; the page embeds the payload with :func:`script_json`.
    """
    lines: dict[str, int] = {}
    sources = [[esc(src["name"]), *_source_columns(ctx, src, where, lines)] for src in ctx.sources]
    slug = ctx.sources[0]["slug"]
    first = ctx.states[slug]
    pos = where(first, slug)
    key = _static_columns(first.iloc[pos]).key  # as settlements.js and explore/search.js: same order
    places = _places(first, pos, where.ids, key)
    return {
        "sk": key,
        "date": esc(ctx.date),
        **places,
        "src": sources,
        "lines": list(lines),
        "dis": [where.at[sid] for sid in disagree],
        "colours": {code: COLOURS[g] for g, code in GROUP_CODES.items()},
        "maxAge": ctx.ageing.max_age_days,
    }


# Folium repeats this for every layer, so it only calls the binder the page's script defines.
_BIND = JsCode("function(f, layer) { window.__kmCmpBind(f, layer); }")


class _CompareData(ScriptMacro):
    """Fills the empty per-source GeoJSON layers from one compact payload (see :func:`_compare_payload`)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  const D = {{ this.payload_json }}, key = {{ this.key|tojson }};
  window.__kmCmp = window.__kmCmp || {};
  window.__kmCmp[key] = D;
  {{ this.popup_js }}
  function feature(i, popup, j) {
    return {type: "Feature", properties: {k: key, i: i, p: popup, j: j},
            geometry: {type: "Point", coordinates: [D.lon[i], D.lat[i]]}};
  }
  const layers = [{% for group in this.layers %}
    { {% for code, layer in group.items() %}{{ code|tojson }}: {{ layer }},{% endfor %} },{% endfor %}
  ];
  const claimed = new Uint8Array(D.lat.length);
  D.src.forEach(function (s, j) {
    const feats = {U: [], R: [], c: []};
    for (let i = 0; i < D.lat.length; i++) {
      const code = s[1][i];
      if (code !== "-") { claimed[i] = 1; feats[code].push(feature(i, 1, j)); }
    }
    Object.keys(layers[j]).forEach(function (code) { layers[j][code].addData(feats[code]); });
  });
  const unclaimed = [];
  for (let i = 0; i < D.lat.length; i++) { if (!claimed[i]) { unclaimed.push(feature(i, 0, -1)); } }
  {{ this.unclaimed }}.addData(unclaimed);
  {{ this.disagree }}.addData(D.dis.map(function (i) { return feature(i, 1, -1); }));
  window.__kmCmpLayers = window.__kmCmpLayers || {};
  window.__kmCmpLayers[key] = {src: layers, dis: {{ this.disagree }}, feature: feature};
})();
{% endmacro %}"""
    )

    def __init__(
        self, payload: dict[str, Any], layers: Sequence[Mapping[str, str]], unclaimed: str, disagree: str, key: str
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmCompare"
        self.popup_js = script("compare_popup.js", indent=2) + "\n  " + script("dots.js", indent=2)
        self.payload = payload
        self.payload_json = script_json(payload)
        self.layers = [dict(x) for x in layers]
        self.unclaimed, self.disagree, self.key = unclaimed, disagree, key


def _empty_layer(name: str, marker: folium.CircleMarker) -> folium.GeoJson:
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": []}, name=name, marker=marker, on_each_feature=_BIND, show=True
    )


def _panel(ctx: CompareContext, n_disagree: int) -> str:
    legend = "".join(
        f"<li><span class='km-dot' style='background:{COLOURS[g]}'></span>{esc(ctx.theatre.labels[g])}</li>"
        for g in ("UA", "RU", "contested")
    )
    legend += (
        "<li><span class='km-dot' style='background:transparent;border:3px solid #000'></span>sources disagree</li>"
        "<li><span class='km-dot km-stale-dot' style='background:#999'></span>faded: a stale claim (older than "
        f"{ctx.ageing.control_days} days, {ctx.ageing.presence_days} for contested)</li>"
    )
    if ctx.ageing.max_age_days is not None:
        legend += f"<li>claims older than {ctx.ageing.max_age_days} days are not coloured (listed in the popup)</li>"
    legend += "".join(
        f"<li><span class='km-drawn-swatch'></span>{esc(d.label(name))} {esc(d.note(ctx.date))}</li>"
        for s in ctx.sources
        if (d := ctx.drawn.get(s["slug"])) is not None and (name := s["name"])
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


@dataclass
class _Draft:
    """A comparison page's context with what its steps share, worked out once (see :func:`render_compare`)."""

    ctx: CompareContext
    ids: Sequence[str]
    n_claimed: int
    bounds: list[list[float]]
    payload: dict[str, Any]

    @property
    def title(self) -> str:
        return f"All sources — {self.ctx.date} — {self.ctx.theatre.name}"


def _draft(ctx: CompareContext) -> _Draft:
    if not ctx.sources:
        raise ValueError("a comparison needs at least one source")
    states = [ctx.states[s["slug"]] for s in ctx.sources]
    first = states[0]
    where = _Positions(sorted(str(i) for i in first.index))
    claimed = np.zeros(len(where.ids), dtype=bool)  # by any source, in the order of ids
    for src, st in zip(ctx.sources, states, strict=True):
        claimed |= (st["basis"].to_numpy() != "baseline")[where(st, src["slug"])]
    n_claimed = int(claimed.sum())
    pos = where(first, ctx.sources[0]["slug"])
    lat, lon = first["lat"].to_numpy(dtype=float)[pos], first["lon"].to_numpy(dtype=float)[pos]
    if n_claimed:
        lat, lon = lat[claimed], lon[claimed]
    bounds = [
        [float(lat.min()) - 0.25, float(lon.min()) - 0.25],
        [float(lat.max()) + 0.25, float(lon.max()) + 0.25],
    ]
    return _Draft(ctx, where.ids, n_claimed, bounds, _compare_payload(ctx, where, list(ctx.disagreements)))


def _add_drawn(m: folium.Map, draft: _Draft) -> None:
    """Each source's own drawing, under the dots."""
    ctx = draft.ctx
    for src in ctx.sources:
        drawn = ctx.drawn.get(src["slug"])
        if drawn is not None and not drawn.areas.empty:
            header_script(m, "areas.js")
            folium.GeoJson(
                {"type": "FeatureCollection", "features": drawn_features(drawn, src["name"], ctx.theatre)},
                name=esc(drawn.label(src["name"])),
                on_each_feature=JsCode("function(f, layer) { window.__kmDrawnStyle(f, layer); }"),
                renderer=DRAWN_RENDERER,
            ).add_to(m)


def _add_context(m: folium.Map, draft: _Draft) -> None:
    """The border and the settlements' pages (the same on every comparison page of an atlas)."""
    _add_border(m, draft.ctx.border, draft.ctx.theatre)
    _add_settlement_links(m, draft.ctx.settlement_links)


def _add_layers(m: folium.Map, draft: _Draft) -> None:
    """The settlements' layers (filled in the browser from the payload), the layer control and the chrome."""
    ctx, payload = draft.ctx, draft.payload
    unclaimed = _empty_layer(
        f"No claim by any source (de jure country) ({len(draft.ids) - draft.n_claimed})",
        folium.CircleMarker(
            radius=3.5,
            color=COLOURS["baseline"],
            weight=1,
            fill=True,
            fill_color=COLOURS["baseline"],
            fill_opacity=0.55,
        ),
    ).add_to(m)
    markers = {  # folium reads only a marker's options, so the layers of one group share one
        group: folium.CircleMarker(
            radius=6, color="#222222", weight=1, fill=True, fill_color=COLOURS[group], fill_opacity=0.85
        )
        for group in ("UA", "RU", "contested")
    }
    layers = []
    for src, (_name, codes, _refs, _ages) in zip(ctx.sources, payload["src"], strict=True):
        by_code = {}
        for group, marker in markers.items():
            n = codes.count(GROUP_CODES[group])
            if not n:
                continue
            layer = _empty_layer(f"{esc(src['name'])}: {esc(ctx.theatre.labels[group])} ({n})", marker).add_to(m)
            by_code[GROUP_CODES[group]] = layer.get_name()
        layers.append(by_code)
    disagree = _empty_layer(
        f"Sources disagree ({len(ctx.disagreements)})",
        folium.CircleMarker(radius=11, color=DISAGREE_COLOUR, weight=3, fill=False),
    ).add_to(m)
    m.add_child(_CompareData(payload, layers, unclaimed.get_name(), disagree.get_name(), key=m.get_name()))
    # The layer list folds into the layers button; the panel's own picker shows one or two sources.
    folium.LayerControl(collapsed=True).add_to(m)
    add_chrome(m, kind="compare", search=ctx.nav.get("search"))


#: What :func:`render_compare` adds to its base map, in order: (name, draw, the same on every page of an atlas).
STEPS: tuple[tuple[str, Any, bool], ...] = (
    ("drawn", _add_drawn, False),
    ("context", _add_context, True),
    ("layers", _add_layers, False),
)


def render_compare(ctx: CompareContext, *, assets: Assets = INLINE) -> folium.Map:
    """Draw every source's claims on one date as toggleable layers, with a disagreement layer.

    One GeoJSON layer per source and controller group (those with settlements), one for the
    settlements no source has claimed, and one ringing the settlements where sources disagree.
    The page carries the states as one compact payload (see :func:`_compare_payload`); a few
    lines of JavaScript fill the layers and build each popup (what every source says) on click.
    """
    return _render(_draft(ctx), assets)


def _render(draft: _Draft, assets: Assets) -> folium.Map:
    ctx = draft.ctx
    m = _base_map(draft.bounds, draft.title, _panel(ctx, len(ctx.disagreements)), theatre=ctx.theatre, assets=assets)
    for _name, draw, _fixed in STEPS:
        draw(m, draft)
    return m


def compare_html(ctx: CompareContext, *, assets: Assets = INLINE) -> str:
    """The page :func:`render_compare` draws for ``ctx``, with deterministic ids, as HTML.

    The same bytes as ``render_compare(ctx).get_root().render()`` inside
    :func:`~kursk_map.render.deterministic_ids`, made from a skeleton of the page kind kept by this
    process: only the title, the panel, the view and the layers drawn from ``ctx``'s data are made
    for each page (see :mod:`kursk_map.render._skeleton`). Inside :func:`~kursk_map.render.full_folium`,
    every page is drawn with folium alone.
    """
    if not isinstance(ctx, CompareContext):
        raise TypeError(f"compare_html expects a CompareContext, got {type(ctx).__name__}")
    return _PAGES.html(_draft(ctx), assets=assets)


class _Spec:
    """Comparison pages for :class:`~kursk_map.render._skeleton.Pages`."""

    def furniture(self, draft: _Draft, assets: Assets) -> tuple[folium.Map, list[tuple[str, str]]]:
        return base_map(draft.ctx.theatre, assets)

    def steps(self) -> Sequence[tuple[str, Any, bool]]:
        return STEPS

    def pieces(self, draft: _Draft) -> dict[str, str]:
        ctx = draft.ctx
        return base_pieces(draft.title, _panel(ctx, len(ctx.disagreements)), draft.bounds, ctx.theatre)

    def reference(self, draft: _Draft, assets: Assets) -> str:
        with deterministic_ids():
            return str(_render(draft, assets).get_root().render())

    def static(self, draft: _Draft, assets: Assets) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        ctx = draft.ctx
        links = None if ctx.settlement_links is None else ctx.settlement_links.tag
        return (assets, id(ctx.theatre), id(ctx.border), links), (ctx.theatre, ctx.border)


_PAGES = Pages(_Spec())


def skeleton_stats() -> Mapping[str, int]:
    """How many comparison pages this process made from skeletons, and with folium (see :class:`Pages`)."""
    return dict(_PAGES.drawn)


class _Sync(ScriptMacro):
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


def render_side_by_side(left: MapContext, right: MapContext, *, assets: Assets = INLINE) -> Figure:
    """Two sources' maps in two panes of one page, synchronised; returns the page (a branca Figure)."""
    fig = Figure()
    bounds = _bounds(left)
    title = f"{left.source['name']} vs {right.source['name']} — {left.date} — {left.theatre.name}"
    maps = []
    for ctx, x in ((left, "0%"), (right, "50%")):
        m = _base_map(
            bounds,
            title,
            _panel_html(ctx, compact=True),
            theatre=ctx.theatre,
            assets=assets,
            figure=fig,
            width="50%",
            left=x,
        )
        render_map(ctx, m=m, assets=assets, compact=True)
        maps.append(m)
    fig.html.add_child(Element("<style>.folium-map{top:0;height:100%}</style>"), name="km_sbs_css")
    maps[1].add_child(_Sync(maps[0], maps[1]))  # after both maps exist in the page's script
    return fig
