"""A settlement's own page: every claim about it, by every source, on a time axis and in a table.

Plain HTML and CSS, no map and no script: the axis has one row per source and a mark per claim,
coloured by the claimed controller (or the side that attacked) and shaped by the kind of claim;
the table below says the same in words, readable without styles, printable and accessible. Also
the list of settlement pages (with a small filter) and ``settlements/pages.js``, which tells the
popups of the other pages which settlements have a page (:class:`SettlementLinks`). Every text is
escaped here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ..attribution import host
from ..theatre import DEFAULT_THEATRE, Theatre
from ._assets import script, style
from ._html import esc, link, safe_url, script_json
from .style import COLOURS

#: How each kind of claim is drawn on the axis, in the legend's order, with the legend's words.
SHAPES: Final = {
    "control": "control: who holds it (dot)",
    "presence": "presence: forces in or fighting at it (ring)",
    "region": "region-wide claim that applies to it (square)",
    "attack": "attack or strike near it, by the side shown: not a claim of control (triangle)",
    "relative": "advance measured from it (diamond)",
    "denial": "denial of another source's claim (cross)",
}
#: Marks closer than this (percent of the axis) go to separate lanes of their row.
_GAP = 2.4
_GEONAMES = re.compile(r"^https?://(?:www\.)?geonames\.org/(\d+)")


@dataclass(frozen=True)
class SettlementContext:
    """Everything a settlement's page shows, already computed (see :func:`kursk_map.view.settlement_context`).

    Attributes
    ----------
    settlement : mapping
        Its gazetteer row: ``id``, names (``name``, ``name_ru``, ``name_uk``, ``alt_names``),
        ``raion``, ``oblast``, ``country``, ``lat``/``lon`` (None when unplaced), ``precision_m``,
        ``ref``, ``method``, ``note``, ``population`` and ``placed``.
    entries : sequence of mapping
        The claims its history shows, in (date, claim_id) order: each a claim record (``date``,
        ``source``, ``kind``, ``controller``, ``settlement`` as written, ``summary``, ``url``,
        ``primary_url``, ``attribution``) with its ``role`` (``named``, ``region`` or ``denial``),
        its source's ``source_name``, ``side`` and ``source_kind``, and for a denial the claim it
        rejects as ``denied`` (``claim_id``, ``date``, ``kind``, ``source_name``...).
    sources : sequence of mapping
        The rows of the time axis: the sources of the entries (``slug``, ``name``, ``side``, ``kind``).
    period : (str, str)
        First and last day of the time axis (ISO); every settlement's page has the same axis.
    links : mapping
        claim_id -> relative URLs of the pages of that claim's date: ``map`` (the source's map)
        and ``compare`` (every source on that date).
    nav : mapping
        Relative URLs: ``index`` (the atlas), ``list`` (every settlement page).
    theatre : Theatre
        Names of the countries and of the atlas.
    """

    settlement: Mapping[str, Any]
    entries: Sequence[Mapping[str, Any]]
    sources: Sequence[Mapping[str, str]]
    period: tuple[str, str]
    links: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    nav: Mapping[str, str] = field(default_factory=dict)
    theatre: Theatre = DEFAULT_THEATRE


@dataclass(frozen=True)
class SettlementLinks:
    """The ``<script>`` that lets a page's popups link each settlement's page (``settlements/pages.js``).

    ``root`` is the atlas's root relative to the page (``"../"``); ``url`` the script's address
    relative to the page, or ``None`` to put ``text`` (:func:`settlement_links_script`) inline.
    """

    root: str
    url: str | None = None
    text: str = ""

    @property
    def tag(self) -> str:
        """The element for the page's head."""
        if self.url is not None:
            return f'<script src="{esc(self.url)}" data-root="{esc(self.root)}"></script>'
        return f'<script data-root="{esc(self.root)}">\n{self.text}</script>'


def settlement_links_script(pages: Mapping[str, Mapping[str, Any]]) -> str:
    r"""``settlements/pages.js``: which settlements have a page, and the popups' link to it.

    ``pages`` maps a settlement id to its page's ``path`` (from the atlas's root), ``claims`` (the
    claims naming it) and ``sources`` (theirs). The ids are escaped, as the pages' payloads carry them.

    Examples
    --------
    >>> print(settlement_links_script({"a<b": {"path": "settlements/x.html", "claims": 2, "sources": 1}})[:83])
    window.__kmSettlementPages = new Map([["a\u0026lt;b",["settlements/x.html",2,1]]]);
    """
    table = [[esc(sid), [str(p["path"]), int(p["claims"]), int(p["sources"])]] for sid, p in sorted(pages.items())]
    return f"window.__kmSettlementPages = new Map({script_json(table)});\n{script('settlement_links.js')}\n"


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


class _Axis:
    """Where a date lies on the axis, in percent of its width, and the ticks of its scale."""

    def __init__(self, period: tuple[str, str], entries: Sequence[Mapping[str, Any]]) -> None:
        days = [_day(str(e["date"])) for e in entries]
        first, last = period
        self.start = min([_day(first), *days]) if first else min(days, default=dt.date(2000, 1, 1))
        self.end = max([_day(last), *days]) if last else max(days, default=self.start)
        self.span = max(1, (self.end - self.start).days)

    def x(self, iso: str) -> float:
        """Position of a day (ISO) in percent, rounded to 0.01."""
        return round(100 * (_day(iso) - self.start).days / self.span, 2)

    def ticks(self) -> list[tuple[float, str, bool]]:
        """(position, label, minor) of each Monday on an axis of 100 days or less, else of each month's first day.

        Every 3rd month (every 12th) on an axis of more than 15 months (48).
        """
        if self.span <= 100:
            d = self.start + dt.timedelta(days=-self.start.weekday() % 7)
            weeks: list[tuple[float, str, bool]] = []
            while d <= self.end:
                label = f"{d.day} {d:%b}" + (f" {d.year}" if not weeks else "")
                weeks.append((self.x(d.isoformat()), label, len(weeks) % 2 == 1))
                d += dt.timedelta(days=7)
            return weeks
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        step = 1 if months <= 15 else 3 if months <= 48 else 12
        d = self.start.replace(day=1)
        if d < self.start:
            d = _add_months(d, 1)
        out: list[tuple[float, str, bool]] = []
        while d <= self.end:
            if (d.month - 1) % step == 0:
                label = d.strftime("%b %Y") if not out or d.month == 1 or step == 12 else d.strftime("%b")
                if step == 12:
                    label = str(d.year)
                out.append((self.x(d.isoformat()), label, len(out) % 2 == 1))
            d = _add_months(d, 1)
        return out


def _add_months(d: dt.date, n: int) -> dt.date:
    k = d.month - 1 + n
    return d.replace(year=d.year + k // 12, month=k % 12 + 1, day=1)


def _country(code: object, theatre: Theatre) -> str:
    return theatre.country_names.get(str(code), str(code) or "an unnamed side")


def _what(e: Mapping[str, Any], theatre: Theatre) -> str:
    """What a claim says about the settlement, in words (plain text, escaped by the caller)."""
    kind, ctrl = str(e["kind"]), str(e.get("controller") or "")
    label = theatre.labels.get(ctrl, ctrl)
    if kind == "attack":
        return f"attack by {_country(ctrl, theatre)}: not a claim of control"
    if kind == "relative":
        return f"advance by {_country(ctrl, theatre)}, measured from here"
    if e.get("role") == "region" or kind == "region":
        return f"region-wide: {label}, every settlement of {e.get('settlement') or 'the oblast'}"
    if kind == "denial":
        d = e.get("denied")
        what = f"{d['source_name']}'s {d['kind']} claim of {d['date']}" if d else f"claim {e.get('denies')}"
        return f"denies {what}" + (f"; says: {label}" if ctrl else "")
    return f"{kind}: {label}" if label else kind


def _shape(e: Mapping[str, Any]) -> str:
    return "region" if e.get("role") == "region" else str(e["kind"]) if str(e["kind"]) in SHAPES else "control"


def _colour(e: Mapping[str, Any]) -> str:
    if _shape(e) == "denial":
        return "#222222"
    return COLOURS.get(str(e.get("controller") or ""), COLOURS["baseline"])


def _mark(e: Mapping[str, Any], *, href: str = "", left: float | None = None, top: int = 0, title: str = "") -> str:
    """One mark (a link to its table row when ``href`` is given)."""
    css = f"--c:{_colour(e)}" + (f";left:{left:g}%;top:{top}px" if left is not None else "")
    cls = f"km-mark km-k-{_shape(e)}"
    if href:
        return f'<a class="{cls}" href="{esc(href)}" style="{css}" title="{esc(title)}"></a>'
    return f'<span class="{cls}" style="{css}" aria-hidden="true"></span>'


def _title(e: Mapping[str, Any], theatre: Theatre) -> str:
    """A mark's tooltip: the date, who, and what (the summary is in its row of the table)."""
    return f"{e['date']} · {e['source_name']}: {_what(e, theatre)}"


def _axis_html(ctx: SettlementContext, rows: Sequence[str]) -> str:
    """The time axis: a scale, one row per source, a mark per claim linked to its row of the table."""
    axis = _Axis(ctx.period, ctx.entries)
    ticks = axis.ticks()
    scale = "".join(
        f'<span{" class=km-minor" if minor else ""} style="left:{x:g}%">{esc(label)}</span>'
        for x, label, minor in ticks
    )
    grid = "".join(f'<i style="left:{x:g}%"></i>' for x, _label, _minor in ticks)
    by_source: dict[str, list[tuple[Mapping[str, Any], str]]] = {}
    for e, row in zip(ctx.entries, rows, strict=True):
        by_source.setdefault(str(e["source"]), []).append((e, row))
    out = []
    for src in ctx.sources:
        lanes: list[float] = []
        marks = []
        for e, row in by_source.get(src["slug"], []):
            x = axis.x(str(e["date"]))
            lane = next((i for i, last in enumerate(lanes) if x - last >= _GAP), len(lanes))
            lanes[lane : lane + 1] = [x]
            marks.append(_mark(e, href=f"#{row}", left=x, top=4 + 18 * lane, title=_title(e, ctx.theatre)))
        out.append(
            f'<div class="km-row"><div class="km-row-label">{esc(src["name"])}'
            f"<small>{esc(src['side'])} · {esc(src['kind'])}</small></div>"
            f'<div class="km-track" style="--lanes:{max(1, len(lanes))}">{"".join(marks)}</div></div>'
        )
    colours = "".join(
        f'<li><span class="km-mark" style="--c:{COLOURS[g]}" aria-hidden="true"></span>'
        f"{esc(ctx.theatre.labels[g])}</li>"
        for g in ("UA", "RU", "contested")
    )
    shapes = "".join(f"<li>{_mark({'kind': k, 'role': k, 'controller': ''})}{esc(t)}</li>" for k, t in SHAPES.items())
    first, last = axis.start.isoformat(), axis.end.isoformat()
    return f"""<section class="km-axis" aria-labelledby="km-axis-h">
<h2 id="km-axis-h">Who said what, when</h2>
<p class="km-muted">One row per source, {esc(first)} to {esc(last)}. Each mark is one claim, coloured by the
controller it claims (for an attack, the side that attacked); select a mark for its row in the table.</p>
<ul class="km-legend">{colours}</ul>
<ul class="km-legend">{shapes}</ul>
<div class="km-scale" aria-hidden="true">{scale}</div>
<div class="km-axis-body"><div class="km-grid" aria-hidden="true">{grid}</div>
{"".join(out)}
</div>
</section>"""


def _reported(e: Mapping[str, Any]) -> str:
    """Where the claim was reported ("as reported by TASS", linked), and the claimant's own page if known."""
    said = str(e.get("attribution") or "")
    name = str(e["source_name"])
    how = said[len(name) :].lstrip(", ").strip("()") if said.startswith(name) else said
    parts = [link(e.get("url"), how or "report")]
    primary = str(e.get("primary_url") or "")
    if primary and primary != str(e.get("url") or "") and safe_url(primary):
        parts.append(link(primary, "own publication"))
    return "<br>".join(parts)


def _table_html(ctx: SettlementContext, rows: Sequence[str]) -> str:
    name = str(ctx.settlement["name"])
    body = []
    for e, row in zip(ctx.entries, rows, strict=True):
        links = ctx.links.get(str(e["claim_id"]), {})
        maps = "<br>".join(
            f'<a href="{esc(url)}">{label}</a>'
            for key, label in (("map", "this source's map"), ("compare", "all sources"))
            if (url := links.get(key))
        )
        role = {"region": "applies to every settlement of the oblast", "denial": "denies a claim shown here"}
        why = f'<span class="km-role">{role[str(e["role"])]}</span>' if str(e["role"]) in role else ""
        written = str(e.get("settlement") or "")
        if e["role"] == "named" and written and written != name:
            why += f'<span class="km-role">written “{esc(written)}”</span>'

        body.append(
            f'<tr id="{row}"><td>{esc(e["date"])}</td>'
            f'<td>{esc(e["source_name"])}<span class="km-role">{esc(e["side"])} · '
            f"{esc(e['source_kind'])}</span></td>"
            f"<td>{_mark(e)}{esc(_what(e, ctx.theatre))}{why}</td>"
            f"<td>{esc(e['summary'])}</td>"
            f"<td>{_reported(e)}</td>"
            f"<td>{maps or '—'}</td></tr>"
        )
    return f"""<section aria-labelledby="km-table-h">
<h2 id="km-table-h">Every claim, by date</h2>
<table class="km-claims"><caption>Claims about {esc(name)} by every source, oldest first; summaries in our own
words.</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Source</th><th scope="col">Claim</th><th scope="col">Summary</th>
<th scope="col">Reported</th><th scope="col">Maps of that day</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table>
</section>"""


def _fmt_int(v: float | None) -> str:
    return f"{int(v):,}" if v is not None else ""


def _reference(ref: str) -> str:
    m = _GEONAMES.match(ref)
    if m:
        return link(ref, f"GeoNames {m.group(1)}")
    if safe_url(ref):
        return link(ref, host(ref) or "reference")
    return esc(ref)


def _position(s: Mapping[str, Any]) -> str:
    """Where the settlement is, with the reference and precision, or why it has no position."""
    ref = str(s.get("ref") or "")
    cited = f" Reference: {_reference(ref)}." if ref else ""
    note = str(s.get("note") or "")
    if not s.get("placed") or s.get("lat") is None or s.get("lon") is None:
        why = note or "no reference cited in the gazetteer gives its coordinates"
        return f"<b>No position:</b> {esc(why)}. It is on no map; its claims are listed as unplaced.{cited}"
    lat, lon = float(s["lat"]), float(s["lon"])
    where = f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}"
    prec = s.get("precision_m")
    within = f" ±{float(prec) / 1000:.1f} km" if prec else ""
    osm = link(
        f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=13/{lat:.5f}/{lon:.5f}", "OpenStreetMap"
    )
    if s.get("method") == "derived":
        how = f"<b>Approximate position</b>, derived from a description{f' ({esc(note)})' if note else ''}:"
    else:
        how = "<b>Position:</b>"
    return f"{how} {esc(where)}{esc(within)}.{cited} See it on {osm}."


def local_name(s: Mapping[str, Any]) -> tuple[str, str]:
    """The settlement's name in its own country's language, and that language's code: ``("", "")`` if none.

    A village of Ukraine is headed by its Ukrainian name, one of Russia by its Russian name; the
    other language is the fallback.

    Examples
    --------
    >>> local_name({"country": "UA", "name_ru": "Купянск", "name_uk": "Куп'янськ"})
    ("Куп'янськ", 'uk')
    >>> local_name({"country": "RU", "name_ru": "Суджа", "name_uk": "Суджа"})
    ('Суджа', 'ru')
    >>> local_name({"country": "UA", "name_ru": "Купянск"}), local_name({"country": "RU"})
    (('Купянск', 'ru'), ('', ''))
    """
    ru, uk = str(s.get("name_ru") or ""), str(s.get("name_uk") or "")
    order = (("uk", uk), ("ru", ru)) if str(s.get("country") or "") == "UA" else (("ru", ru), ("uk", uk))
    return next(((n, code) for code, n in order if n), ("", ""))


def _header(ctx: SettlementContext) -> str:
    s = ctx.settlement
    ru, uk = str(s.get("name_ru") or ""), str(s.get("name_uk") or "")
    if ru and ru == uk:
        cyr = f'Russian and Ukrainian: <span lang="ru">{esc(ru)}</span>'
    else:
        cyr = " · ".join(
            f'{lang}: <span lang="{code}">{esc(n)}</span>'
            for lang, code, n in (("Russian", "ru", ru), ("Ukrainian", "uk", uk))
            if n
        )
    alt = ", ".join(dict.fromkeys(a for a in str(s.get("alt_names") or "").split("|") if a))
    names = " · ".join(x for x in (cyr, f"also written {esc(alt)}" if alt else "") if x)
    raion, oblast, country = str(s.get("raion") or ""), str(s.get("oblast") or ""), str(s.get("country") or "")
    place = ", ".join(x for x in (raion and f"{raion} raion", oblast and f"{oblast} Oblast") if x)
    de_jure = ctx.theatre.country_names.get(country, country)
    pop = _fmt_int(s.get("population"))
    place_line = " · ".join(
        x for x in (esc(place), f"{esc(de_jure)} (de jure)" if de_jure else "", f"population {pop}" if pop else "") if x
    )
    nav = " · ".join(
        f'<a href="{esc(url)}">{label}</a>'
        for key, label in (("list", "all settlements"), ("index", "atlas index"))
        if (url := ctx.nav.get(key))
    )
    own, code = local_name(s)
    heading = f"{esc(s['name'])}" + (f' <span class="km-cyr" lang="{code}">{esc(own)}</span>' if own else "")
    return f"""<header>
<nav class="km-top">{esc(ctx.theatre.name)} · claim history{" · " + nav if nav else ""}</nav>
<h1>{heading}</h1>
{f'<p class="km-meta">{names}</p>' if names else ""}
<p class="km-meta">{place_line}</p>
<p class="km-meta">{_position(s)}</p>
{_summary(ctx)}
</header>"""


def _summary(ctx: SettlementContext) -> str:
    """How many claims name the settlement, by how many sources, and what else its history holds."""

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    named = [e for e in ctx.entries if e["role"] == "named"]
    region = sum(1 for e in ctx.entries if e["role"] == "region")
    denials = sum(1 for e in ctx.entries if e["role"] == "denial")
    days = sorted(str(e["date"]) for e in named)
    who = len({str(e["source"]) for e in named})
    verb = "names" if len(named) == 1 else "name"
    text = f"<b>{n(len(named), 'claim')}</b> by {n(who, 'source')} {verb} {esc(ctx.settlement['name'])}"
    text += (
        f", from {esc(days[0])} to {esc(days[-1])}." if len(set(days)) > 1 else f" ({esc(days[0])})." if days else "."
    )
    if region:
        text += f" {n(region, 'region-wide claim')} about its oblast appl{'ies' if region == 1 else 'y'} to it."
    if denials:
        text += f" {n(denials, 'denial')} reject{'s' if denials == 1 else ''} claims shown here."
    return f'<p class="km-note">{text} These are claims, not assessments of fact: each source is shown apart.</p>'


def _page(title: str, body: str, *, script_text: str = "") -> str:
    js = f"<script>\n{script_text}\n</script>\n" if script_text else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
{style("settlement.css")}
</style></head><body>
{body}
{js}</body></html>
"""


def render_settlement(ctx: SettlementContext) -> str:
    """Return the HTML of a settlement's page: names, place, position, the time axis and the table.

    Examples
    --------
    >>> ctx = SettlementContext(
    ...     settlement={"id": "x", "name": "<X>", "placed": False, "ref": "javascript:alert(1)"},
    ...     entries=[{"claim_id": "c", "date": "2025-01-02", "source": "s", "source_name": "S", "side": "RU",
    ...               "source_kind": "official", "kind": "attack", "controller": "UA", "role": "named",
    ...               "summary": "Repelled <b>", "url": "https://e.org/1"}],
    ...     sources=[{"slug": "s", "name": "S", "side": "RU", "kind": "official"}],
    ...     period=("2025-01-01", "2025-01-31"))
    >>> html = render_settlement(ctx)
    >>> "&lt;X&gt;" in html, "<b>" in html.split("Repelled")[1][:8], 'href="javascript' in html
    (True, False, False)
    >>> "attack by Ukraine: not a claim of control" in html
    True
    """
    rows = [f"c{i + 1}" for i in range(len(ctx.entries))]
    s = ctx.settlement
    body = "\n".join((_header(ctx), _axis_html(ctx, rows), _table_html(ctx, rows)))
    own = local_name(s)[0]
    cyr = f" ({own})" if own else ""
    return _page(f"{s['name']}{cyr} — claim history — {ctx.theatre.name}", f"<main>\n{body}\n</main>")


def render_settlement_list(
    rows: Sequence[Mapping[str, Any]], *, total: int, nav: Mapping[str, str], theatre: Theatre = DEFAULT_THEATRE
) -> str:
    """Return the HTML of the list of settlement pages, with a filter by name (any spelling).

    ``rows`` are :func:`kursk_map.view.settlement_rows` with each page's ``href`` (relative to
    the list); ``total`` is how many settlements the gazetteer has; ``nav`` holds ``index``.
    """
    uk = any(r["name_uk"] for r in rows)  # a column of Ukrainian names only when some settlement has one
    body = "\n".join(
        f'<tr data-s="{esc(r["search"])}"><td><a href="{esc(r["href"])}">{esc(r["name"])}</a>'
        + (f' <span lang="ru">{esc(r["name_ru"])}</span>' if r["name_ru"] else "")
        + ("" if r["placed"] else ' <small class="km-muted">(no position)</small>')
        + "</td>"
        + (f'<td class="km-wide" lang="uk">{esc(r["name_uk"])}</td>' if uk else "")
        + f"<td>{esc(', '.join(x for x in (r['raion'], r['oblast']) if x))}</td>"
        f'<td class="n">{int(r["claims"])}</td><td class="n km-wide">{int(r["sources"])}</td>'
        f'<td class="km-wide">{esc(r["first"])}</td><td class="km-wide">{esc(r["last"])}</td></tr>'
        for r in rows
    )
    index = f'<a href="{esc(nav["index"])}">atlas index</a>' if nav.get("index") else ""
    title = f"Settlements named in claims — {theatre.name}"
    # the filter's example: the settlement most claims name, in Latin and Cyrillic (this theatre's, not another's)
    top = max(rows, key=lambda r: int(r["claims"]), default=None)
    example = ", ".join(x for x in (top["name"], top["name_ru"] or top["name_uk"]) if x) if top else ""
    hint = f"e.g. {example}" if example else "a name"
    uk_th = '<th scope="col" class="km-wide">Ukrainian</th>' if uk else ""
    html = f"""<main>
<nav class="km-top">{esc(theatre.name)}{" · " + index if index else ""}</nav>
<h1>Settlements named in claims</h1>
<p>Each settlement that a claim names has a page with its claim history across every source: who said what,
and when. <b id="km-n">{len(rows)}</b> of {total} settlements in the gazetteer; the others were named by no
source (a region-wide claim may still cover them: see the maps).</p>
<p id="km-find" hidden><label for="km-q">Find a settlement (any spelling, Latin or Cyrillic):</label><br>
<input id="km-q" class="km-search" type="search" autocomplete="off" placeholder="{esc(hint)}"></p>
<table class="km-list" id="km-settlements"><thead><tr><th scope="col">Settlement (Latin, Russian)</th>
{uk_th}<th scope="col">Raion, oblast</th><th scope="col">Claims naming it</th>
<th scope="col" class="km-wide">Their sources</th><th scope="col" class="km-wide">First named</th>
<th scope="col" class="km-wide">Last named</th></tr></thead>
<tbody>
{body}
</tbody></table>
</main>"""
    return _page(title, html, script_text=script("settlement_list.js"))
