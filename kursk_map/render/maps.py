"""One interactive map: the state a source claims on a date, as toggleable Leaflet layers.

Every text is escaped here (folium does not escape popup or tooltip text); element ids are
made deterministic so that the same input gives byte-identical pages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.template import Template
from folium.utilities import JsCode

from .. import schemas
from .._memo import LastColumns
from ..state import Ageing, group_counts
from ..theatre import DEFAULT_THEATRE, Theatre
from ._assets import INLINE, Assets, header_script, script
from ._folium import (
    ScriptMacro,
    _add_border,
    _add_settlement_links,
    _base_map,
    _Verbatim,
    add_chrome,
    deterministic_ids,
)
from ._html import esc, link, safe_url, script_json
from ._skeleton import Pages, base_map, base_pieces, quick_macros
from ._texts import age_text, area_text, claim_by
from .payload import AGE_CODES, GROUP_CODES
from .settlement import SettlementLinks
from .style import COLOURS, RELATIVE_COLOUR


@dataclass(frozen=True)
class DrawnAreas:
    """The polygons a source drew on one day, its own map (see :mod:`kursk_map.control_areas`).

    ``areas`` has ``controller``, ``area_km2`` and the geometry (EPSG:4326); ``km2`` the drawn km² by
    controller and the country the ground lies in (see :func:`kursk_map.areas.drawn_km2`), when the
    dataset has country outlines.
    """

    date: str
    areas: gpd.GeoDataFrame
    km2: Mapping[tuple[str, str], float] = field(default_factory=dict)

    def label(self, source_name: str) -> str:
        """The layer's name: the source's own drawing and its day (plain text)."""
        return f"Areas drawn by {source_name} on {self.date}"

    def note(self, on: str) -> str:
        """Whose drawing it is, and how long before the page's date ``on`` it was drawn (plain text).

        Examples
        --------
        >>> d = DrawnAreas("2025-03-15", gpd.GeoDataFrame())
        >>> d.note("2025-03-15"), d.note("2025-05-21")
        ('(its own drawing)', '(its own drawing, 67 days before this date)')
        """
        days = (dt.date.fromisoformat(on) - dt.date.fromisoformat(self.date)).days
        return (
            f"(its own drawing, {days} day{'s' if days != 1 else ''} before this date)"
            if days > 0
            else "(its own drawing)"
        )


@dataclass(frozen=True)
class MapContext:
    """Everything one map shows, already computed (the renderer computes nothing about claims).

    Attributes
    ----------
    source : mapping
        ``slug``, ``name``, ``side``, ``kind`` of the source.
    date : str
        ISO date of the map.
    state : GeoDataFrame
        As returned by :func:`kursk_map.state.compute_state`.
    claims : mapping
        claim_id -> claim record (date, summary, url, kind, controller, settlement).
    figures, relative, unplaced : sequences of mappings
        Figure statements, relative-claim geometries and unplaced claims up to ``date``.
    attacks : sequence of mappings
        Attempted advances and strikes near settlements up to ``date`` (see
        :func:`kursk_map.state.attacks`): listed in the panel and drawn as their own small markers
        (the placed ones); they never colour a settlement.
    border : GeoDataFrame
        Context lines (international border).
    nav : mapping
        Optional links (relative URLs): ``index``, ``prev``, ``next``, ``timeline``, ``compare``,
        ``image``, ``data``; and ``embed``, the page's path in the atlas, for the iframe snippet.
    areas : mapping
        km² per controller implied by the source's settlement claims (see :mod:`kursk_map.areas`).
    areas_by_oblast : mapping
        The same per oblast of the gazetteer: an announced figure about one oblast ("560 km² of Kursk
        Oblast") is set beside what the named settlements of that oblast imply (a figure's ``oblast``).
    cells : mapping, optional
        Each settlement's cell (GeoJSON MultiPolygon coordinates, EPSG:4326) by settlement id (see
        :func:`kursk_map.areas.cell_outlines`): the cells of the settlements the source claims are drawn
        semi-transparent in their controller's colour, the areas above made visible.
    cells_file : CellsFile, optional
        The cells in a script shared by every map (see :func:`cells_file`); used when it was made from
        the same gazetteer and cells, else the page embeds the cells it draws.
    claims_file : ClaimsFile, optional
        The source's claim texts in a script shared by all its maps (see :func:`claims_file`); the
        page then carries only indices into it. Without it, the page embeds the texts it needs.
    settlements_file : SettlementsFile, optional
        The settlement columns shared by every map (see :func:`settlements_file`); used when it was
        made from the same gazetteer as ``state``, else the page embeds them.
    theatre : Theatre
        What the atlas is about: labels, title, initial view and credits (see :mod:`kursk_map.theatre`).
    settlement_links : SettlementLinks, optional
        Which settlements have a page of their own (an atlas's ``settlements/pages.js``): each popup
        then links it, or says that no claim names the settlement.
    ageing : Ageing
        When a claim is drawn stale or left out (the state's ``stale``/``expired`` follow it).
    drawn : DrawnAreas, optional
        The areas the source drew most recently on or before ``date``, drawn as their own layer.
    """

    source: Mapping[str, str]
    date: str
    state: gpd.GeoDataFrame
    claims: Mapping[str, Mapping[str, Any]]
    figures: Sequence[Mapping[str, Any]] = ()
    relative: Sequence[Mapping[str, Any]] = ()
    attacks: Sequence[Mapping[str, Any]] = ()
    unplaced: Sequence[Mapping[str, Any]] = ()
    border: gpd.GeoDataFrame | None = None
    nav: Mapping[str, str] = field(default_factory=dict)
    areas: Mapping[str, float] = field(default_factory=dict)
    areas_by_oblast: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    cells: Mapping[str, Any] | None = None
    cells_file: CellsFile | None = None
    claims_file: ClaimsFile | None = None
    settlements_file: SettlementsFile | None = None
    theatre: Theatre = DEFAULT_THEATRE
    settlement_links: SettlementLinks | None = None
    ageing: Ageing = field(default_factory=Ageing)
    drawn: DrawnAreas | None = None


_BIND = JsCode(
    """function(f, layer) {
    layer.bindTooltip(f.properties.t);
    layer.bindPopup(f.properties.p, {maxWidth: 380});
    if (f.properties.r && layer.setRadius) { layer.setRadius(f.properties.r); }
    if (f.properties.a && layer.setStyle) { layer.setStyle({fillOpacity: 0.05, dashArray: '2 3', weight: 2}); }
}"""
)


#: A claim as escaped columns for a popup: date, what, summary, href (or None), attribution, claimant's own page.
_Entry = tuple[str, str, str, str | None, str, str | None]


@functools.lru_cache(maxsize=1 << 16)
def _claim_entry(  # noqa: PLR0917 - positional: a cheap cache key
    date: str, what: str, summary: str, url: str, attribution: str, primary_url: str
) -> _Entry:
    primary = safe_url(primary_url) if primary_url and primary_url != url else None
    return esc(date), esc(what), esc(summary), safe_url(url), esc(attribution), primary


def _entry(c: Mapping[str, Any]) -> _Entry:
    return _claim_entry(
        str(c["date"]),
        str(c.get("controller") or c.get("kind")),
        str(c["summary"]),
        str(c["url"]),
        str(c.get("attribution") or ""),
        str(c.get("primary_url") or ""),
    )


@dataclass(frozen=True)
class ClaimsFile:
    """A source's claim texts as one script that every map of the source loads.

    ``url`` is the script's address relative to the maps, ``index`` the position of each claim id in
    it, ``text`` the script itself (write it at ``url``; a self-contained page inlines it). The text
    is made when first asked for: an incremental build that keeps the previous file needs only the
    index.
    """

    slug: str
    url: str
    index: Mapping[str, int]
    claims: Mapping[str, Mapping[str, Any]] = field(repr=False)

    @functools.cached_property
    def text(self) -> str:
        """The script: ``window.__kmClaims[slug]`` = the escaped claims in index order."""
        table = [_entry(self.claims[cid]) for cid in self.index]
        return (
            "window.__kmClaims = window.__kmClaims || {};\n"
            f"window.__kmClaims[{script_json(self.slug)}] = {script_json(table)};\n"
        )


def claims_file(claims: Mapping[str, Mapping[str, Any]], source: str, *, url: str = "claims.js") -> ClaimsFile:
    """The shared claims script of ``source``: its claims in (date, id) order, escaped.

    The order keeps a map's indices valid when claims are added or changed after its date, so the
    pages an incremental build reuses still point at the right texts.
    """
    mine = sorted((str(c["date"]), cid) for cid, c in claims.items() if c.get("source") == source)
    return ClaimsFile(slug=source, url=url, index={cid: i for i, (_d, cid) in enumerate(mine)}, claims=claims)


def _claim_line(c: Mapping[str, Any], source_name: str) -> str:
    return _claim_li(
        str(c["date"]), str(c.get("controller") or c.get("kind")), str(c["summary"]), claim_by(c, source_name)
    )


@functools.lru_cache(maxsize=1 << 16)
def _claim_li(date: str, what: str, summary: str, by: str) -> str:
    return f"<li><b>{esc(date)}</b> · {esc(what)} · {esc(summary)} [{by}]</li>"


def _position(r: Mapping[str, Any]) -> str:
    prec = _number(r.get("precision_m"))
    approx = r.get("method") == "derived"
    where = f"±{prec / 1000:.1f} km" if prec else ""
    label = "approximate position" if approx else "position"
    ref = str(r.get("ref") or "")
    return f"{label} {esc(where)} ({link(ref, 'reference') if ref.startswith('http') else esc(ref)})"


_GEONAMES_REF = re.compile(r"^https://www\.geonames\.org/(\d+)$")


@functools.lru_cache(maxsize=1 << 16)
def _static_texts(  # noqa: PLR0917 - positional: a cheap cache key
    name: str, name_ru: str, name_uk: str, raion: str, oblast: str, ref: str, precision: float | None
) -> tuple[str, str, str | None, str, str]:
    """A settlement's texts that no claim changes: (name html, place, GeoNames id, reference link, ±km).

    Cached: an atlas shows the same settlements on every map.
    """
    cyr = " / ".join(dict.fromkeys(x for x in (name_ru, name_uk) if x))
    name_html = f"<b>{esc(name)}</b>" + (f" · {esc(cyr)}" if cyr else "")
    place = esc(", ".join(x for x in (raion and f"{raion} raion", f"{oblast} Oblast") if x))
    m = _GEONAMES_REF.match(ref)
    ref_html = "" if m else (link(ref, "reference") if ref.startswith("http") else esc(ref))
    prec = f"{precision / 1000:.1f}" if precision else ""
    return name_html, place, m.group(1) if m else None, ref_html, prec


@functools.lru_cache(maxsize=1 << 14)
def _verdict(  # noqa: PLR0917 - positional: a cheap cache key
    src: str, date: str, controller: str, basis: str, since: str, country: str, age: str, expired: bool
) -> str:
    """Who holds the settlement according to the source on the date, on what basis and how old that is."""
    if basis == "baseline":
        return f"No claim by {esc(src)} up to {esc(date)}; shown at its de jure country ({esc(country)})."
    how = {"region": "region-wide claim", "area": "its drawn areas"}.get(basis, "claim")
    old = f"; {esc(age)}" if age else ""
    if expired:
        return (
            f"No recent claim by {esc(src)} on {esc(date)}: its latest, <b>{esc(controller)}</b> ({how} of "
            f"{esc(since)}{old}); shown at its de jure country ({esc(country)})."
        )
    return f"<b>{esc(controller)}</b> according to {esc(src)} on {esc(date)} ({how} of {esc(since)}{old})."


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


_STATIC_COLUMNS = ("id", "method", "name", "name_ru", "name_uk", "raion", "oblast", "ref", "precision_m", "lat", "lon")


@dataclass(frozen=True)
class _StaticColumns:
    """The payload columns no claim changes (names, places, references, positions), in id order."""

    key: str
    columns: dict[str, Any]


_STATIC_CACHE: dict[str, _StaticColumns] = {}


def _static_columns(st: pd.DataFrame) -> _StaticColumns:
    """Static payload columns of a state sorted by id; cached by a hash of the values they come from.

    An atlas draws the same settlements on every map; only the controller and claims change. The
    columns of the last state are kept: comparing with them is ten times as fast as hashing.
    """
    return _LAST_STATIC.get(st, _static_columns_of)


_LAST_STATIC: LastColumns[_StaticColumns] = LastColumns(_STATIC_COLUMNS)


def _static_columns_of(st: pd.DataFrame) -> _StaticColumns:
    key = hashlib.sha256(pd.util.hash_pandas_object(st[list(_STATIC_COLUMNS)], index=False).to_numpy().tobytes())
    digest = key.hexdigest()[:20]
    hit = _STATIC_CACHE.get(digest)
    if hit is not None:
        return hit
    places: dict[str, int] = {}
    refs: dict[str, int] = {}
    n, p, r, e, approx = [], [], [], [], []
    rows = zip(*(st[c].tolist() for c in _STATIC_COLUMNS[1:9]), strict=True)
    for method, name, ru, uk, raion, oblast, ref, prec in rows:
        name_html, place, geonames, ref_html, prec_km = _static_texts(
            _text(name), _text(ru), _text(uk), _text(raion), _text(oblast), _text(ref), _number(prec)
        )
        n.append(name_html)
        p.append(places.setdefault(place, len(places)))
        r.append("g" + geonames if geonames else refs.setdefault(ref_html, len(refs)))
        e.append(prec_km)
        approx.append("1" if method == "derived" else "0")
    out = _StaticColumns(
        digest,
        {
            "id": [esc(x) for x in st["id"].tolist()],
            "lat": [round(float(x), 4) for x in st["lat"].tolist()],
            "lon": [round(float(x), 4) for x in st["lon"].tolist()],
            "n": n,
            "p": p,
            "r": r,
            "e": e,
            "a": "".join(approx),
            "places": list(places),
            "refs": list(refs),
        },
    )
    if len(_STATIC_CACHE) >= 8:  # one entry per gazetteer; a process rarely sees more than one
        _STATIC_CACHE.clear()
    _STATIC_CACHE[digest] = out
    return out


@dataclass(frozen=True)
class SettlementsFile:
    """The settlement columns no claim changes, as one script every map of an atlas loads.

    Names, places, references and positions; ``key`` identifies the gazetteer they were made from.
    """

    key: str
    url: str
    text: str


def settlements_file(state: pd.DataFrame, *, url: str = "../settlements.js") -> SettlementsFile:
    """The shared settlements script for the maps of states like ``state`` (same gazetteer)."""
    static = _static_columns(state.sort_values("id"))
    text = (
        "window.__kmSettlements = window.__kmSettlements || {};\n"
        f"window.__kmSettlements[{script_json(static.key)}] = {script_json(static.columns)};\n"
    )
    return SettlementsFile(key=static.key, url=url, text=text)


@dataclass(frozen=True)
class CellsFile:
    """Each settlement's cell, as one script every map of an atlas loads (in the order of ``settlements.js``).

    ``key`` identifies the gazetteer and the cells it was made from.
    """

    key: str
    url: str
    text: str


def cells_file(state: pd.DataFrame, cells: Mapping[str, Any], *, url: str = "../cells.js") -> CellsFile:
    """The shared cells script for the maps of states like ``state`` (same gazetteer), from ``cells``."""
    st = state.sort_values("id")
    key = _cells_key(_static_columns(st).key, cells)
    column = [cells.get(str(i)) for i in st["id"].tolist()]
    text = (
        f"window.__kmCells = window.__kmCells || {{}};\nwindow.__kmCells[{script_json(key)}] = {script_json(column)};\n"
    )
    return CellsFile(key=key, url=url, text=text)


def _cells_key(settlements_key: str, cells: Mapping[str, Any]) -> str:
    """The key of a cells script: the settlements' key and a digest of the cells (computed once per cells)."""
    hit = _CELLS_DIGEST.get(id(cells))
    if hit is None or hit[0] is not cells:
        digest = hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()[:12]
        _CELLS_DIGEST.clear()
        hit = _CELLS_DIGEST[id(cells)] = (cells, digest)
    return f"{settlements_key}-{hit[1]}"


_CELLS_DIGEST: dict[int, tuple[Mapping[str, Any], str]] = {}


def _implied_texts(ctx: MapContext) -> dict[str, str]:
    """The tooltip line of each controller's cells (escaped HTML), by group code."""
    return {
        GROUP_CODES[ctrl]: (
            f"{esc(ctx.theatre.labels[ctrl])}, claimed by {esc(ctx.source['name'])}: "
            f"≈{_fmt(ctx.areas.get(ctrl, 0.0))} km² implied by its settlement claims"
        )
        for ctrl in ("UA", "RU", "contested")
    }


def _implied_cells(ctx: MapContext, st: pd.DataFrame, codes: Sequence[str], key: str) -> dict[str, Any]:
    """What the page needs to draw the claimed settlements' cells: the cells script's key, or the cells.

    ``st`` is the state sorted by id and ``codes`` its group codes; only claimed settlements are drawn.
    """
    assert ctx.cells is not None
    out: dict[str, Any] = {"at": _implied_texts(ctx)}
    shared = ctx.cells_file
    if shared is not None and shared.key == _cells_key(key, ctx.cells):
        out["ck"] = shared.key
    else:
        ids = st["id"].tolist()
        out["cells"] = {
            str(i): ctx.cells[str(ids[i])]
            for i, code in enumerate(codes)
            if code != GROUP_CODES["baseline"] and str(ids[i]) in ctx.cells
        }
    return out


def _settlement_payload(ctx: MapContext) -> dict[str, Any]:
    """The settlements of one map as compact, already escaped columns (about 100 bytes each).

    Texts shared by many settlements (places, verdicts, claim lines, references) are stored once
    and referenced by index; the browser builds tooltips and popups from them when asked. Claim
    texts come from the source's shared script when the context names one (``claims_file``).
    Every string is escaped HTML; the page embeds the payload with ``script_json`` (safe in a script).
    """
    st = ctx.state.sort_values("id")
    src = ctx.source["name"]
    verdicts: dict[str, int] = {}
    table: dict[_Entry, int] = {}
    shared = ctx.claims_file
    lines: dict[str, int] = {}

    def claim_index(cid: str) -> int:
        if shared is not None:  # an index into the source's claims script, which has all its claims
            try:
                return shared.index[cid]
            except KeyError:
                raise ValueError(f"claim {cid!r} is not in the claims script of {shared.slug!r}") from None
        if cid not in lines:
            lines[cid] = table.setdefault(_entry(ctx.claims[cid]), len(table))
        return lines[cid]

    codes, v, c, ages, ar = [], [], [], [], []
    area_texts: dict[str, int] = {}
    labels = ctx.theatre.labels
    drawn_day, drawn_refs = _drawn_refs(ctx.drawn)
    columns = (schemas.GROUP_COLUMN, "basis", "controller", "since", "country", "claim_ids", "age_days", "stale")
    rows = zip(
        *(st[k].tolist() for k in (*columns, "expired", "area_controller", "area_date", "at_edge", "precision_m")),
        strict=True,
    )
    # Most settlements of a map share their row with others (no claim, in the same country): each
    # distinct row is worked out once. Texts are numbered in the order they first appear, as before.
    done: dict[tuple[Any, ...], tuple[str, int, list[int], str, int]] = {}
    for row in rows:
        try:
            hit = done.get(row)
        except TypeError:  # an unhashable value (a list of claim ids): no reuse
            hit = None
        if hit is None:
            hit = _settlement_entry(ctx, row, src, labels, drawn_day, drawn_refs, verdicts, area_texts, claim_index)
            with contextlib.suppress(TypeError):
                done[row] = hit
        code, verdict, claim_list, age_code, area = hit
        codes.append(code)
        v.append(verdict)
        c.append(claim_list)
        ages.append(age_code)
        ar.append(area)
    static = _static_columns(st)
    common = ctx.settlements_file
    out: dict[str, Any] = {
        **({"sk": static.key} if common is not None and common.key == static.key else static.columns),
        "v": v,
        "c": c,
        "g": "".join(codes),
        "s": "".join(ages),
        "ar": ar,
        "areas": list(area_texts),
        "src": esc(src),
        "verdicts": list(verdicts),
    }
    if shared is None:
        out["claims"] = list(table)
    else:
        out["cs"] = shared.slug
    if ctx.cells is not None and _draws_cells(ctx):
        out.update(_implied_cells(ctx, st, codes, static.key))
    return out


def _settlement_entry(  # noqa: PLR0917 - the row's values and the page's numbered texts
    ctx: MapContext,
    row: tuple[Any, ...],
    src: str,
    labels: Mapping[str, str],
    drawn_day: str,
    drawn_refs: Mapping[str, str],
    verdicts: dict[str, int],
    area_texts: dict[str, int],
    claim_index: Callable[[str], int],
) -> tuple[str, int, list[int], str, int]:
    """One settlement's group code, verdict, claims, age code and area text (numbered in the page's tables)."""
    group, basis, ctrl, since, country, cids, age, stale, expired, a_ctrl, a_date, edge, prec = row
    old = age_text(int(age), stale=bool(stale), expired=bool(expired), controller=str(ctrl), ageing=ctx.ageing)
    verdict = _verdict(src, ctx.date, str(ctrl), str(basis), _text(since), str(country), old, bool(expired))
    if basis == "area" and edge:
        verdict += " At the edge of its drawn areas."
    claims = [claim_index(cid) for cid in cids[:6] if cid in ctx.claims]
    head = ctx.claims.get(cids[0]) if len(cids) else None
    polygons = drawn_refs.get(str(a_ctrl)) if a_date == drawn_day else None
    if polygons is not None and head is not None and head.get("drawn") and head.get("date") == since:
        polygons = None  # decided by a claim read off the map that day: the claim itself is listed
    area = -1
    if a_ctrl and (basis != "area" or polygons is not None):
        # beside a named claim: what the source's drawn areas show there; or the polygons that decide it,
        # linked to where they were taken from
        km = f"{float(prec) / 1000:.1f}" if _number(prec) else ""
        text = area_text(src, labels.get(str(a_ctrl), str(a_ctrl)), str(a_date), bool(edge), km)
        if polygons:
            text += f" [{link(polygons, 'the drawing')}]"
        area = area_texts.setdefault(text, len(area_texts))
    age_code = AGE_CODES["expired" if expired else "stale" if stale else "fresh"]
    return GROUP_CODES[group], verdicts.setdefault(verdict, len(verdicts)), claims, age_code, area


_BIND_SETTLEMENT = JsCode(
    """function(f, layer) {
    const D = window.__km[f.properties.k], i = f.properties.i;
    layer.bindTooltip(function () { return window.__kmTip(D, i); });
    layer.bindPopup(function () { return window.__kmPopup(D, i); }, {maxWidth: 380});
    if (layer.setStyle && (D.a[i] === "1" || D.s[i] === "1")) {
      layer.setStyle(window.__kmDot(D.a[i] === "1", D.s[i], layer.options.fillColor));
    }
}"""
)


class _SettlementData(ScriptMacro):
    """Fills the per-group GeoJSON layers from one compact payload (see :func:`_settlement_payload`)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  const D = {{ this.payload_json }};
  if (D.sk !== undefined) {  // the columns every map shares come from settlements.js
    const S = (window.__kmSettlements || {})[D.sk];
    if (!S) { console.error("kursk_map: settlements.js (" + D.sk + ") did not load"); return; }
    Object.keys(S).forEach(function (k) { if (!(k in D)) { D[k] = S[k]; } });
  }
  window.__km = window.__km || {};
  window.__km[{{ this.key|tojson }}] = D;
  {{ this.popup_js }}
  const layers = { {% for g, layer in this.layers.items() %}{{ g|tojson }}: {{ layer }},{% endfor %} };
  const byCode = {U: "UA", R: "RU", c: "contested", "-": "baseline"};
  const feats = {UA: [], RU: [], contested: [], baseline: []};
  for (let i = 0; i < D.lat.length; i++) {
    feats[byCode[D.g[i]]].push({type: "Feature", properties: {k: {{ this.key|tojson }}, i: i},
                                geometry: {type: "Point", coordinates: [D.lon[i], D.lat[i]]}});
  }
  Object.keys(layers).forEach(function (g) { layers[g].addData(feats[g]); });
  {% if this.implied %}
  // the cells of the claimed settlements, in their controller's colour (the implied areas)
  const C = D.ck === undefined ? D.cells : (window.__kmCells || {})[D.ck];
  if (!C) { console.error("kursk_map: cells.js (" + D.ck + ") did not load"); return; }
  const colour = {{ this.colours|tojson }}, cells = [];
  for (let i = 0; i < D.g.length; i++) {
    const cell = D.g[i] === "-" ? null : C[i];
    if (cell) {
      cells.push({type: "Feature", properties: {t: "Cell of " + D.n[i] + "<br>" + D.at[D.g[i]], c: colour[D.g[i]]},
                  geometry: {type: "MultiPolygon", coordinates: cell}});
    }
  }
  // in a pane of their own under the settlements' dots, however often the layer is switched off and on
  const map = {{ this.key }};
  if (!map.getPane("kmCells")) { map.createPane("kmCells").style.zIndex = 350; }
  {{ this.implied }}.options.pane = "kmCells";
  {{ this.implied }}.options.style = function (f) {
    return {fillColor: f.properties.c, color: f.properties.c, weight: 0.5, fillOpacity: 0.18, opacity: 0.35};
  };
  {{ this.implied }}.addData(cells);
  {% endif %}
})();
{% endmacro %}"""
    )

    def __init__(self, payload: dict[str, Any], layers: Mapping[str, str], key: str, implied: str | None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmSettlements"
        self.popup_js = script("popup.js", indent=2) + "\n  " + script("dots.js", indent=2)
        self.payload_json = script_json(payload)
        self.layers = dict(layers)
        self.key = key
        self.implied = implied  # the implied-area layer, filled with the claimed settlements' cells
        self.colours = {code: COLOURS[group] for group, code in GROUP_CODES.items() if group != "baseline"}


def _add_settlements(m: folium.Map, ctx: MapContext) -> None:
    payload = _settlement_payload(ctx)
    labels = ctx.theatre.labels
    counts = {g: payload["g"].count(code) for g, code in GROUP_CODES.items()}
    stale = _stale_counts(ctx.state)
    layers = {}
    for group in schemas.GROUPS:
        colour = COLOURS[group]
        baseline = group == "baseline"
        marker = folium.CircleMarker(
            radius=3.5 if baseline else 6,
            color="#222222" if not baseline else colour,
            weight=1,
            fill=True,
            fill_color=colour,
            fill_opacity=0.55 if baseline else 0.9,
        )
        layer = folium.GeoJson(
            {"type": "FeatureCollection", "features": []},
            name=f"{esc(labels[group])} ({counts[group]}{f', {stale[group]} stale' if stale.get(group) else ''})",
            marker=marker,
            on_each_feature=_BIND_SETTLEMENT,
            show=True,
        )
        layer.add_to(m)
        layers[group] = layer.get_name()
    implied = next((c.get_name() for c in m._children.values() if getattr(c, "km_implied", False)), None)
    m.add_child(_SettlementData(payload, layers, key=m.get_name(), implied=implied if "at" in payload else None))
    root: Any = m.get_root()  # a branca Figure
    if "ck" in payload and ctx.cells_file is not None:
        root.header.add_child(_Verbatim(f'<script src="{esc(ctx.cells_file.url)}"></script>'), name="km_cells_file")
    if "sk" in payload and ctx.settlements_file is not None:
        root.header.add_child(
            _Verbatim(f'<script src="{esc(ctx.settlements_file.url)}"></script>'), name="km_settlements_file"
        )
    if ctx.claims_file is not None:
        root.header.add_child(_Verbatim(f'<script src="{esc(ctx.claims_file.url)}"></script>'), name="km_claims_file")
    _add_settlement_links(m, ctx.settlement_links)


def _drawn_refs(drawn: DrawnAreas | None) -> tuple[str, dict[str, str]]:
    """The day of the drawn areas shown, and the address each controller's polygons were taken from.

    Outside every polygon (the de jure country, undrawn ground) the day's first address stands for the map.
    """
    if drawn is None or drawn.areas.empty or "ref" not in drawn.areas:
        return "", {}
    refs = drawn.areas.sort_values("controller", kind="stable")
    out = {str(c): str(r) for c, r in zip(refs["controller"], refs["ref"], strict=True)}
    first = str(drawn.areas["ref"].iloc[0])
    return drawn.date, {c: out.get(c, first) for c in ("UA", "RU", "contested")}


def _stale_counts(state: pd.DataFrame) -> dict[str, int]:
    """Stale claims per group (the dots drawn faded), and ``expired``: claims older than the maximum age."""
    expired = state["expired"].to_numpy(dtype=bool)
    stale = state["stale"].to_numpy(dtype=bool) & ~expired
    out = {str(g): n for g, n in Counter(state[schemas.GROUP_COLUMN].to_numpy(dtype=object)[stale]).items()}
    out["expired"] = int(expired.sum())
    return out


class _AttackData(ScriptMacro):
    """Fills the attack layer: one small marker per settlement with attacks or strikes reported near it."""

    _template = Template(
        """{% macro script(this, kwargs) %}
window.__kmAttacks({{ this.layer }}, {{ this.payload_json }});
{% endmacro %}"""
    )

    def __init__(self, payload: list[list[Any]], layer: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmAttacks"
        self.payload_json = script_json(payload)
        self.layer = layer


def attack_markers(ctx: MapContext) -> list[list[Any]]:
    """The placed attack claims as markers: ``[lat, lon, tooltip, popup]`` per settlement (escaped HTML).

    An attack or strike reported near a settlement says nothing about who holds it: it is listed on its
    own marker, never as the settlement's colour. Several claims about one settlement share a marker,
    newest first.
    """
    return attack_rows(ctx.state, ctx.attacks, ctx.claims, ctx.source["name"])


def attack_rows(
    st: gpd.GeoDataFrame,
    attacks: Sequence[Mapping[str, Any]],
    claims: Mapping[str, Mapping[str, Any]],
    source_name: str,
) -> list[list[Any]]:
    """:func:`attack_markers` of any list of attack claims, placed with the state ``st`` (its lat/lon)."""
    by_place: dict[str, list[Mapping[str, Any]]] = {}
    for a in attacks:
        sid = str(a.get("settlement_id") or "")
        if a.get("placed") and sid in st.index:
            by_place.setdefault(sid, []).append(a)
    out = []
    for sid in sorted(by_place):
        rows = by_place[sid]
        name = str(st.at[sid, "name"])
        items = "".join(
            f"<li><b>{esc(a['date'])}</b> · by {esc(a['controller'])} · {esc(a['summary'])} "
            f"[{claim_by(claims.get(str(a['claim_id']), a), source_name)}]</li>"
            for a in rows
        )
        tip = f"Attack or strike reported near {esc(name)} ({len(rows)}); not a claim of control"
        popup = (
            f"<div class='km-pop'><b>{esc(name)}</b>: attacks or strikes reported near it, according to "
            f"{esc(source_name)}. They do not say who holds it.<ul>{items}</ul></div>"
        )
        out.append([round(float(st.at[sid, "lat"]), 4), round(float(st.at[sid, "lon"]), 4), tip, popup])
    return out


def _add_attacks(m: folium.Map, ctx: MapContext) -> None:
    markers = attack_markers(ctx)
    if not markers:
        return
    layer = folium.FeatureGroup(name=f"Attack or strike reported near ({len(markers)} settlements)", show=True)
    layer.add_to(m)
    header_script(m, "attacks.js")
    m.add_child(_AttackData(markers, layer.get_name()))


def _add_drawn(m: folium.Map, ctx: MapContext) -> None:
    """The source's own drawing of its latest day as a layer, labelled as such."""
    if ctx.drawn is None or ctx.drawn.areas.empty:
        return
    header_script(m, "areas.js")
    folium.GeoJson(
        {"type": "FeatureCollection", "features": drawn_features(ctx.drawn, ctx.source["name"], ctx.theatre)},
        name=esc(ctx.drawn.label(ctx.source["name"])),
        style_function=lambda f: {"color": f["properties"]["c"], "fillColor": f["properties"]["c"]},
        on_each_feature=JsCode("function(f, layer) { window.__kmDrawnStyle(f, layer); }"),
        renderer=DRAWN_RENDERER,
    ).add_to(m)


#: The drawn areas are SVG paths (their hatch is an SVG pattern), whatever the map's renderer for the dots.
DRAWN_RENDERER: Final = JsCode("L.svg({padding: 0.5})")


def drawn_features(drawn: DrawnAreas, source_name: str, theatre: Theatre) -> list[dict[str, Any]]:
    """A day's drawn areas as GeoJSON features (simplified to about 20 m), each with its tooltip and colour.

    The tooltip says whose drawing it is: "Areas drawn by DeepState on 2024-11-20 (its own drawing): Held by
    Ukraine, 559.9 km²" (escaped HTML); ``c`` is the controller's colour.
    """
    name = drawn.label(source_name)
    simple = drawn.areas.geometry.simplify(0.0002)
    shapes = json.loads(gpd.GeoSeries(simple.to_numpy(), crs=4326).set_precision(1e-5).to_json(drop_id=True))
    feats = []
    for r, shape in zip(drawn.areas.to_dict("records"), shapes["features"], strict=True):
        tip = (
            f"{esc(name)} (its own drawing): {esc(theatre.labels[r['controller']])}, "
            f"{_fmt(round(float(r['area_km2']), 1))} km²"
        )
        feats.append(
            {"type": "Feature", "properties": {"t": tip, "c": COLOURS[r["controller"]]}, "geometry": shape["geometry"]}
        )
    return feats


def _add_relative(m: folium.Map, ctx: MapContext) -> None:
    if not ctx.relative:
        return
    feats = []
    src = ctx.source["name"]
    for r in ctx.relative:
        (alat, alon), (blat, blon) = r["anchor_latlon"], r["end_latlon"]
        text = (
            f"<b>{esc(r['date'])}</b>: advance of up to {esc(r['distance_km'])} km from {esc(r['anchor'])} "
            f"(bearing {esc(int(r['bearing_deg']))}°), claimed by {esc(src)}"
        )
        popup = (
            f"<div class='km-pop'>{text}<br>{esc(r['summary'])} [{link(r['url'], src)}]<br>"
            f"<small>circle: uncertainty ≈ {float(r['radius_m']) / 1000:.1f} km</small></div>"
        )
        feats.append(
            {
                "type": "Feature",
                "properties": {"t": text, "p": popup},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[round(alon, 5), round(alat, 5)], [round(blon, 5), round(blat, 5)]],
                },
            }
        )
        feats.append(
            {
                "type": "Feature",
                "properties": {"t": text, "p": popup, "r": round(float(r["radius_m"]))},
                "geometry": {"type": "Point", "coordinates": [round(blon, 5), round(blat, 5)]},
            }
        )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        name=f"Claimed advances (relative claims, {len(ctx.relative)})",
        marker=folium.Circle(radius=1000, color=RELATIVE_COLOUR, weight=2, fill=True, fill_opacity=0.15),
        style_function=lambda _f: {"color": RELATIVE_COLOUR, "weight": 3, "dashArray": "6 4"},
        on_each_feature=_BIND,
    ).add_to(m)


def _draws_cells(ctx: MapContext) -> bool:
    """Whether the map draws any cell: a settlement claimed (not at its baseline) that has one."""
    if ctx.cells is None:
        return False
    claimed = ctx.state[schemas.GROUP_COLUMN].to_numpy(dtype=object) != "baseline"
    return any(str(i) in ctx.cells for i in ctx.state["id"].to_numpy(dtype=object)[claimed])


def _add_areas(m: folium.Map, ctx: MapContext) -> None:
    """The implied-area layer, empty: the settlements' script fills it with the claimed settlements' cells."""
    if not _draws_cells(ctx):
        return
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": []},
        name="Area implied by the claims (km²)",
        show=ctx.drawn is None,  # where the source drew its own areas, they are the picture; this is a yardstick
        on_each_feature=JsCode("function(f, layer) { layer.bindTooltip(f.properties.t, {sticky: true}); }"),
    )
    layer.km_implied = True  # type: ignore[attr-defined]  # found by _add_settlements
    layer.add_to(m)


def _panel_html(ctx: MapContext, *, compact: bool = False) -> str:
    """The panel's HTML; ``compact`` (half-width panes) starts with the long lists folded."""
    st = ctx.state
    src = ctx.source
    labels = ctx.theatre.labels
    counts = group_counts(st)
    stale = _stale_counts(st)
    by_map = ", or by its own drawn map" if (st["basis"] == "area").any() else ""
    legend = "".join(
        f"<li><span class='km-dot' style='background:{COLOURS[g]}'></span>{esc(labels[g])}: <b>{counts[g]}</b>"
        + (f" <span class='km-old'>({stale[g]} stale)</span>" if stale.get(g) and g != "baseline" else "")
        + "</li>"
        for g in ("UA", "RU", "contested", "baseline")
    )
    legend += _legend_extra(ctx, stale)
    announced = [f for f in ctx.figures if not f.get("drawn")]
    drawn = [f for f in ctx.figures if f.get("drawn")]
    figs = "".join(_figure_li(f, ctx) for f in announced)
    drawn_block = (
        f"\n  <details><summary>Drawn on its map: km² read off its drawn areas ({len(drawn)})</summary>"
        f"\n  <ul class='km-list'>{''.join(_figure_li(f, ctx) for f in drawn)}</ul></details>"
        if drawn
        else ""
    )
    implied = _implied(ctx, counts)
    hits = "".join(
        f"<li><b>{esc(a['date'])}</b> · {esc(a['settlement'])} (by {esc(a['controller'])}) · {esc(a['summary'])} "
        f"[{claim_by(ctx.claims.get(str(a['claim_id']), a), src['name'])}]</li>"
        for a in ctx.attacks
    )
    unpl = "".join(
        f"<li><b>{esc(u['date'])}</b> · {esc(u['settlement'])}: {esc(u['reason'])} [{link(u['url'], 'link')}]</li>"
        for u in ctx.unplaced
    )
    nav = " · ".join(
        f"<a href='{esc(url)}'>{esc(label)}</a>"
        for key, label in (("prev", "← previous date"), ("index", "all maps"), ("next", "next date →"))
        if (url := ctx.nav.get(key))
    )
    more = " · ".join(
        f"<a href='{esc(url)}'>{esc(label)}</a>"
        for key, label in (
            ("timeline", "timeline"),
            ("compare", "all sources this day"),
            ("image", "static image (PNG)"),
            ("data", "data (GeoJSON)"),
        )
        if (url := ctx.nav.get(key))
    )
    if more:
        nav += f"<br>{more}"
    if embed := ctx.nav.get("embed"):
        snippet = (
            f'<iframe src="https://YOUR-SITE/atlas/{embed}" width="100%" height="600" style="border:0" '
            f'title="{esc(src["name"])}, {ctx.date} ({esc(ctx.theatre.name)})" loading="lazy"></iframe>'
        )
        nav += (
            "<details><summary>Embed this map</summary><small>Publish the atlas folder, replace YOUR-SITE, "
            f"and paste:</small><textarea readonly rows='4' class='km-embed'>{esc(snippet)}</textarea></details>"
        )
    side = esc(src.get("side", ""))
    return f"""
<div class="km-panel-body{" km-compact" if compact else ""}">
  <div class="km-title">{esc(src["name"])} <span class="km-date">{esc(ctx.date)}</span></div>
  <div class="km-sub">Claimed by <b>{esc(src["name"])}</b> ({side}, {esc(src.get("kind", ""))}) up to this date:
  each settlement is coloured by this source's latest claim about it{by_map}. A claim, not an assessment of
  fact.</div>
  <ul class="km-legend">{legend}</ul>
  {implied}
  <details{" open" if figs and not compact else ""}>
  <summary>Figures and statements it announced ({len(announced)})</summary>
  <ul class="km-list">{figs or "<li>none up to this date</li>"}</ul></details>{drawn_block}
  <details><summary>Attacks and strikes near settlements, not control ({len(ctx.attacks)})</summary>
  <ul class="km-list">{hits or "<li>none up to this date</li>"}</ul></details>
  <details{" open" if unpl and not compact else ""}><summary>Unplaced claims ({len(ctx.unplaced)})</summary>
  <ul class="km-list">{unpl or "<li>none</li>"}</ul></details>
  <div class="km-nav">{nav}</div>
</div>"""


def _legend_extra(ctx: MapContext, stale: Mapping[str, int]) -> str:
    """The legend's lines beyond the groups: positions, ages, drawn areas, attacks, advances."""
    age = ctx.ageing
    out = (
        "<li class='km-extra'><span class='km-dot km-hollow'></span>dashed ring: approximate position "
        "(derived from a description)</li>"
    )
    n_stale = sum(n for g, n in stale.items() if g not in ("expired", "baseline"))
    out += (
        "<li class='km-extra'><span class='km-dot km-stale-dot' style='background:#999'></span>"
        "faded: a stale claim, older than "
        f"{age.control_days} days ({age.presence_days} for contested) on this date: <b>{n_stale}</b></li>"
    )
    if age.max_age_days is not None:
        out += (
            f"<li class='km-extra'>claims older than {age.max_age_days} days are not coloured "
            "(shown grey, listed in their popup): "
            f"<b>{stale.get('expired', 0)}</b></li>"
        )
    if ctx.drawn is not None and not ctx.drawn.areas.empty:
        label = esc(ctx.drawn.label(ctx.source["name"]))
        note = esc(ctx.drawn.note(ctx.date))
        out += f"<li class='km-extra'><span class='km-drawn-swatch'></span>{label} {note}</li>"
    if any(a.get("placed") for a in ctx.attacks):
        swatch = "<span class='km-attack-swatch'></span>"
        out += f"<li class='km-extra'>{swatch}attack or strike reported near (not control)</li>"
    if ctx.relative:
        swatch = f"<span class='km-line' style='border-color:{RELATIVE_COLOUR}'></span>"
        out += f"<li class='km-extra'>{swatch}claimed advance and its uncertainty</li>"
    return out


def _figure_li(f: Mapping[str, Any], ctx: MapContext) -> str:
    by = claim_by(ctx.claims.get(str(f["claim_id"]), f), ctx.source["name"])
    return f"<li><b>{esc(f['date'])}</b> · {_figure(f, ctx.theatre)}{esc(f['summary'])} [{by}]</li>"


def _drawn_lines(ctx: MapContext) -> list[str]:
    """What the source's drawn map shows in km²: its polygons measured, or the figures read off them.

    The newer wins: polygons imported for some days only give way to the figures of a later day.
    """
    names = ctx.theatre.country_names
    latest: dict[str, Mapping[str, Any]] = {}
    for f in ctx.figures:  # newest first: the latest figure read off its map for each region
        if f.get("drawn") and f["kind"] in ("area", "region"):
            latest.setdefault(str(f.get("settlement") or ""), f)
    newest = max((str(f["date"]) for f in latest.values()), default="")
    if ctx.drawn is not None and not ctx.drawn.areas.empty and ctx.drawn.date >= newest:
        km2 = ctx.drawn.km2 or {(c, ""): v for c, v in _km2_by_controller(ctx.drawn.areas).items()}
        parts = [
            f"{esc(ctx.theatre.held_by(c) or 'contested')}"
            + (f" in {esc(names.get(k, k))}" if k else "")
            + f" {_fmt(v)} km²"
            for (c, k), v in sorted(km2.items())
            if c != k and v
        ]
        return [f"drawn on its map of {esc(ctx.drawn.date)}: " + ("; ".join(parts) or "nothing")]
    return [
        f"drawn on its map of {esc(f['date'])}: {_fmt(f['value_std'])} km² of {esc(region)} "
        f"{esc(ctx.theatre.held_by(str(f['controller'])))}"
        for region, f in sorted(latest.items())
        if f["kind"] == "area" and _number(f.get("value_std"))
    ]


def _km2_by_controller(areas: gpd.GeoDataFrame) -> dict[str, float]:
    sums = areas.groupby("controller")["area_km2"].sum()
    return {str(k): round(float(v), 1) for k, v in sums.items()}


def _implied(ctx: MapContext, counts: Mapping[str, int]) -> str:
    """What the source announced, what its map draws (km²), and what its named settlements imply, apart."""
    if not ctx.areas and ctx.drawn is None:
        return ""
    parts = [
        f"{esc(ctx.theatre.labels[g])} ≈{_fmt(ctx.areas.get(g, 0.0))} km²"
        for g in ("UA", "RU", "contested")
        if ctx.areas.get(g)
    ]
    lines = []
    latest_area = next(
        (f for f in ctx.figures if f["kind"] == "area" and not f.get("drawn") and _number(f.get("value_std"))), None
    )
    if latest_area:
        ctrl = str(latest_area["controller"])
        region = str(latest_area.get("oblast") or "")
        where, implied_km2 = "", ctx.areas.get(ctrl, 0.0)
        if region in ctx.areas_by_oblast:  # a figure about one oblast: the settlements of that oblast
            where, implied_km2 = f" in {esc(latest_area['settlement'])}", ctx.areas_by_oblast[region].get(ctrl, 0.0)
        lines.append(
            f"announced {_fmt(latest_area['value_std'])} km² held by {esc(ctrl)} ({esc(latest_area['date'])}); "
            f"its named settlements{where} imply ≈{_fmt(implied_km2)} km²"
        )
    lines += _drawn_lines(ctx)
    latest_count = next((f for f in ctx.figures if f["kind"] == "count" and _number(f.get("value_std"))), None)
    if latest_count:
        ctrl = str(latest_count["controller"])
        lines.append(
            f"announced {_fmt(latest_count['value_std'])} settlements held by {esc(ctrl)} "
            f"({esc(latest_count['date'])}); it names {counts.get(ctrl, 0)} of them"
        )
    implied = "; ".join(parts) or "no settlement claimed yet"
    return (
        "<div class='km-implied'><b>Measured against itself</b> "
        "<small>(Voronoi cells of claimed settlements, clipped to the country and 5 km, LAEA area)</small>: "
        f"{implied}" + "".join(f"<br>{line}" for line in lines) + "</div>"
    )


def _figure(f: Mapping[str, Any], theatre: Theatre) -> str:
    """'1,000 km2 UA · ' for a figure; the original unit kept, the canonical one added."""
    value = _number(f.get("value"))
    if value is None:
        return ""
    text = f"{_fmt(value)} {f['unit']}"
    if f.get("unit_std") and f["unit"] != f["unit_std"]:
        text += f" (≈{_fmt(f['value_std'])} {f['unit_std']})"
    who = theatre.held_by(str(f.get("controller")))
    return f"<b>{esc(text)}</b> {esc(who)} · "


def _number(value: Any) -> float | None:
    """``value`` as a float, or None if it is missing or NaN."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _fmt(value: Any) -> str:
    f = float(value)
    return f"{f:,.0f}" if f == int(f) else f"{f:,.1f}"


def _bounds(ctx: MapContext, pad: float = 0.25) -> list[list[float]]:
    """Fit the claimed settlements (the theatre's bbox, else all settlements, if none), with a margin in degrees."""
    st = ctx.state
    claimed = st["basis"].to_numpy(dtype=object) == "claim"
    if not claimed.any() and ctx.theatre.bbox is not None:
        x0, y0, x1, y1 = ctx.theatre.bbox
        return [[y0, x0], [y1, x1]]
    if not len(st):
        return [[-60.0, -180.0], [75.0, 180.0]]
    pts = claimed if claimed.any() else np.ones(len(st), dtype=bool)
    lats = [*st["lat"].to_numpy(dtype=float)[pts], *(r["end_latlon"][0] for r in ctx.relative)]
    lons = [*st["lon"].to_numpy(dtype=float)[pts], *(r["end_latlon"][1] for r in ctx.relative)]
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


def render_map(
    ctx: MapContext, *, m: folium.Map | None = None, assets: Assets = INLINE, compact: bool = False
) -> folium.Map:
    """Draw the state of one source on one date, returning the map (a new one unless ``m`` is given).

    Layers: OpenStreetMap and satellite base tiles, the international border, one GeoJSON
    layer per controller group, and the relative claims; a panel holds the title, legend,
    counts, the source's figures to date and its unplaced claims.

    ``assets`` says where the page loads Leaflet from: inlined from the pinned local copy by default,
    so the page makes no request but for map tiles (absent offline; the border and the settlements
    are still drawn); an atlas's pages load it from its ``assets/`` folder. ``compact`` draws the
    map into a pane of a shared page (the URL hash is then left alone).

    The layer control is a button; the panel folds on small screens and fits between the other
    controls; the page has search (in every spelling when ``ctx.nav["search"]`` names the atlas's
    index), a URL hash that holds the view and the selected settlement, labels at higher zoom and
    an embed mode (``#embed`` or ``?embed=1``): see ``assets/map.js``.
    Ids are deterministic only inside :func:`deterministic_ids`.
    """
    if not isinstance(ctx, MapContext):
        raise TypeError(f"render_map expects a MapContext, got {type(ctx).__name__}")
    if m is None:
        m = _base_map(_bounds(ctx), _title(ctx), _panel_html(ctx), theatre=ctx.theatre, assets=assets)
    for _name, draw, _fixed in LAYERS:
        draw(m, ctx)
    _add_controls(m, ctx, compact=compact)
    return m


def _add_controls(m: folium.Map, ctx: MapContext, *, compact: bool = False) -> None:
    """What comes after the layers: the layer control (it lists every layer of the map), then the chrome.

    The chrome (``assets/map.js``) reads the settlements and the layer control, so it comes last; the
    URL hash is left alone in a pane of a shared page (``compact``).
    """
    folium.LayerControl(collapsed=True).add_to(m)
    add_chrome(m, kind="map", search=ctx.nav.get("search"), hash_=not compact)


def _title(ctx: MapContext) -> str:
    return f"{ctx.source['name']} — {ctx.date} — {ctx.theatre.name}"


def _add_context(m: folium.Map, ctx: MapContext) -> None:
    _add_border(m, ctx.border, ctx.theatre)


#: The layers of a map page in drawing order: (name, draw, the same on every map of an atlas). A new
#: layer goes here; :func:`map_html` draws the ones marked False for each page and keeps the others
#: in the page skeleton (they may depend only on the theatre and the border).
LAYERS: tuple[tuple[str, Callable[[folium.Map, MapContext], None], bool], ...] = (
    ("areas", _add_areas, False),
    ("drawn", _add_drawn, False),
    ("border", _add_context, True),
    ("settlements", _add_settlements, False),
    ("attacks", _add_attacks, False),
    ("relative", _add_relative, False),
)


def _steps() -> tuple[tuple[str, Callable[[folium.Map, MapContext], None], bool], ...]:
    """What :func:`render_map` adds to its base map, in order: the layers, then the controls (drawn per page)."""
    return (*LAYERS, ("controls", _add_controls, False))


def map_html(ctx: MapContext, *, assets: Assets = INLINE) -> str:
    """The page :func:`render_map` draws for ``ctx``, with deterministic ids, as HTML.

    The same bytes as ``render_map(ctx).get_root().render()`` inside :func:`deterministic_ids`, made
    from a skeleton of the page kind kept by this process: only the title, the panel, the view and
    the layers drawn from ``ctx``'s data are made for each page (see :mod:`kursk_map.render._skeleton`).
    Inside :func:`full_folium`, every page is drawn with folium alone.
    """
    if not isinstance(ctx, MapContext):
        raise TypeError(f"map_html expects a MapContext, got {type(ctx).__name__}")
    return _PAGES.html(ctx, assets=assets)


@contextlib.contextmanager
def full_folium() -> Iterator[None]:
    """Draw pages with folium alone: the reference ``map_html``, ``compare_html`` and ``page_html`` are tested on."""
    was, Pages.enabled = Pages.enabled, False
    try:
        yield
    finally:
        Pages.enabled = was


def page_html(m: Any) -> str:
    """The HTML page of a folium map or branca figure (rendered once; call inside :func:`deterministic_ids`).

    The same bytes as ``m.get_root().render()``; outside :func:`full_folium`, the scripts folium
    renders are not compiled as Jinja templates again where that would leave them as they are.
    """
    if not Pages.enabled:
        return str(m.get_root().render())
    with quick_macros():
        return str(m.get_root().render())


def skeleton_stats() -> Mapping[str, int]:
    """How many map pages this process made from skeletons, and with folium alone.

    ``skeleton``: from a skeleton; ``first``: with folium, the first page of its shape (its skeleton is made
    from it); ``folium``: with folium for want of a skeleton that gives its bytes.
    """
    return dict(_PAGES.drawn)


class _MapSpec:
    """Map pages for :class:`~kursk_map.render._skeleton.Pages`: base map, layers, folium's own page."""

    def furniture(self, ctx: MapContext, assets: Assets) -> tuple[folium.Map, list[tuple[str, str]]]:
        return base_map(ctx.theatre, assets)

    def steps(self) -> tuple[tuple[str, Callable[[folium.Map, MapContext], None], bool], ...]:
        return _steps()

    def pieces(self, ctx: MapContext) -> dict[str, str]:
        return base_pieces(_title(ctx), _panel_html(ctx), _bounds(ctx), ctx.theatre)

    def reference(self, ctx: MapContext, assets: Assets) -> str:
        with deterministic_ids():
            return str(render_map(ctx, assets=assets).get_root().render())

    def static(self, ctx: MapContext, assets: Assets) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        return (assets, id(ctx.theatre), id(ctx.border)), (ctx.theatre, ctx.border)


_PAGES = Pages(_MapSpec())
