"""The atlas index: a catalogue a person reads (plain HTML, no folium, no script).

From the top: the way into the maps (the explorer), the newest maps, the legend, one card per
source (who it is, its side and kind, how many claims over which dates, a calendar of its maps),
the comparison pages by date, and the method. Every count is written out in words ("1 map",
"106 held by Russia"), never as a code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..theatre import Theatre
from ._html import esc, link
from .style import COLOURS, KIND_LABELS, side_label

#: How many of the newest maps the index lists first.
NEWEST = 12
_SIDE_ORDER = ("RU", "UA", "independent")


def _theatre(manifest: Mapping[str, Any]) -> Theatre:
    """The theatre an atlas was built for, from its manifest (the defaults if it has none)."""
    t = manifest.get("theatre") or {}
    names = t.get("country_names") or {}
    default = Theatre()
    return Theatre(
        name=str(t.get("name") or default.name),
        title=str(t.get("title") or default.title),
        equal_area_crs=str(t.get("equal_area_crs") or ""),
        attribution=str(t.get("attribution") or default.attribution),
        country_names={**default.country_names, **{str(k): str(v) for k, v in names.items()}},
    )


def _short(theatre: Theatre) -> dict[str, str]:
    """What a count of each group says: 'held by Russia', 'contested'."""
    return {"UA": theatre.held_by("UA"), "RU": theatre.held_by("RU"), "contested": "contested"}


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` with the right form of the noun.

    Examples
    --------
    >>> plural(1, "map"), plural(2, "map"), plural(0, "claim"), plural(1, "city", "cities")
    ('1 map', '2 maps', '0 claims', '1 city')
    """
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _dot(group: str) -> str:
    return f"<span class='dot' style='background:{COLOURS[group]}' aria-hidden='true'></span>"


def _counts(entry: Mapping[str, Any], theatre: Theatre) -> str:
    """What a map shows, in words: '106 held by Russia, 1 contested · 3 unplaced claims'."""
    c = entry.get("counts", {})
    short = _short(theatre)
    parts = [f"{_dot(g)}{int(c[g]):,} {esc(short[g])}" for g in ("UA", "RU", "contested") if c.get(g)]
    text = ", ".join(parts) or "names no settlement (figures or statements only)"
    if entry.get("unplaced"):
        text += f" · <span class='warn'>{plural(len(entry['unplaced']), 'unplaced claim')}</span>"
    return text


def _month(d: str) -> str:
    return dt.date.fromisoformat(d).strftime("%B %Y")


def _calendar(days: Iterable[tuple[str, str, str, bool]]) -> str:
    """Day numbers grouped by month, newest month first; each ``(date, href, title, bold)`` a link."""
    months: dict[str, list[tuple[str, str, str, bool]]] = {}
    for d, href, title, bold in sorted(days):
        months.setdefault(d[:7], []).append((d, href, title, bold))
    rows = []
    for key in sorted(months, reverse=True):
        links = " ".join(
            f"<a href='{esc(href)}' title='{esc(title)}'{' class=dis' if bold else ''}>{int(d[8:])}</a>"
            for d, href, title, bold in months[key]
        )
        rows.append(f"<dt>{esc(_month(key + '-01'))}</dt><dd>{links}</dd>")
    return f"<dl class='cal'>{''.join(rows)}</dl>"


def _legend(theatre: Theatre) -> str:
    labels = theatre.labels
    dots = "".join(f"<li>{_dot(g)}<b>{esc(labels[g])}</b></li>" for g in ("UA", "RU", "contested", "baseline"))
    example = f"{_dot('RU')}106 {esc(theatre.held_by('RU'))}, {_dot('contested')}1 contested"
    return f"""<section id="legend"><h2>How to read the maps</h2>
<ul class="legend">{dots}
<li><span class='dot ring' aria-hidden='true'></span>a dashed ring: a position derived from a description
("10 km north-west of a named village"), not read from a reference</li></ul>
<p>Every map shows <b>one source's claims</b> up to its date: each settlement takes the colour of that
source's latest claim about it. Grey settlements are ones the source never mentioned, drawn at their de
jure country; that is not a claim. A line such as "{example}" counts the settlements the source claimed
on that map; <span class='warn'>unplaced claims</span> name a settlement no reference places, listed on
the map instead of drawn. In a calendar, each number is a day on which the source made a claim, linking
to its map of that day; in the comparison calendar, a <b class='dis'>bold</b> day is one on which
sources disagree about at least one settlement.</p>
</section>"""


def _method(manifest: Mapping[str, Any], theatre: Theatre) -> str:
    """The short explanation of the method shown at the end of the index."""
    unplaced = len(manifest.get("unplaced", []))
    conflicts = len(manifest.get("conflicts", []))
    far = len(manifest.get("far_from_group", []))
    age = manifest.get("ageing") or {}
    stale = (age.get("stale_control_days", 90), age.get("stale_presence_days", 30))
    dropped = (
        f" Claims older than {int(age['max_age_days'])} days are listed but not coloured."
        if age.get("max_age_days")
        else ""
    )
    crs = theatre.equal_area_crs
    if not crs:
        crs = " centred on the settlements"
    elif len(crs) <= 24:  # an EPSG code or a short name; a long PROJ string is in manifest.json
        crs = f" ({esc(crs)})"
    else:
        crs = " (its definition: <code>theatre.equal_area_crs</code> in manifest.json)"
    return f"""<section id="method"><h2>How these maps are made</h2><ul>
<li><b>Claims, dated.</b> Each row of the ledger is one statement by one source on the day it was made
(the date is inferred from the report when it says "on Saturday"), with a summary in our own words and a
link to where it was reported.</li>
<li><b>State of a source on a date.</b> Every settlement takes that source's latest claim about it made on
or before the date. A whole-oblast claim ("full control of the oblast") applies to every settlement of
the oblast until a later settlement claim overrides it. A settlement the source never mentioned is drawn at
its de jure country and marked <i>baseline</i>: that is not a claim.</li>
<li><b>Age, drawn areas, attacks.</b> Every claim shows its age on the map's date; one older than
{int(stale[0])} days ({int(stale[1])} for "contested") is drawn faded and counted as <i>stale</i>.{dropped}
A source's own published areas, where imported, are drawn as its own layer and colour the settlements
inside them until a later named claim. Reported attacks and strikes near a settlement get their own marker
and never colour it. Each claim names its claimant apart from the outlet that reported it.</li>
<li><b>Positions.</b> Each dot comes from the reference its gazetteer row cites (an open registry, a
gazetteer such as GeoNames, or a public page; credits: {esc(theatre.attribution)}); where no page gives
coordinates, a point is derived from a cited description ("10 km north-west of a named village") and
drawn as a dashed ring with its uncertainty. Settlements named in claims but placed by no
reference are listed as <i>unplaced</i> ({plural(unplaced, "claim")}), never dropped.</li>
<li><b>Figures against names.</b> Announced areas and counts are shown beside what the source's own
settlement claims imply: each settlement's Voronoi cell, clipped to its country and to 5 km around
it, measured in an equal-area projection (EPSG:3035). A yardstick, not a front line.</li>
<li><b>Disagreements.</b> The comparison page of a date shows every source as its own layer and marks
settlements whose claimed controller differs between sources. A source contradicting itself on one day is
reported ({plural(conflicts, "case")}), and the claim listed last is shown; {plural(far, "name")} resolved
far from the other places a source named that day (a namesake?) are listed in
<a href="manifest.json">manifest.json</a>.</li>
</ul></section>"""


def _source_card(
    s: Mapping[str, Any], maps: Sequence[Mapping[str, Any]], manifest: Mapping[str, Any], theatre: Theatre
) -> str:
    slug = str(s["slug"])
    dates = [str(m["date"]) for m in maps]
    claims = max(int(m.get("claims_to_date", 0)) for m in maps)
    side = side_label(str(s["side"]), theatre)
    kind = KIND_LABELS.get(str(s["kind"]), str(s["kind"]))
    newest = maps[-1]
    explore = manifest.get("explore")
    links = [f"<a href='{esc(newest['path'])}'>latest map ({esc(newest['date'])})</a>"]
    if explore:
        links.insert(0, f"<a href='{esc(explore)}#source={esc(slug)}&amp;date={esc(newest['date'])}'>explore</a>")
    if slug in manifest.get("timelines", {}):
        links.append(f"<a href='{esc(manifest['timelines'][slug])}'>timeline</a>")
    if s.get("url"):
        links.append(link(s["url"], "who they are"))
    span = esc(dates[0]) if dates[0] == dates[-1] else f"{esc(dates[0])} to {esc(dates[-1])}"
    cal = _calendar((str(m["date"]), str(m["path"]), _plain_counts(m, theatre), False) for m in maps)
    return f"""<article class="src" id="src-{esc(slug)}">
<h3>{esc(s["name"])}</h3>
<p class="meta">{esc(side)} · {esc(kind)} · {plural(claims, "claim")} · {plural(len(maps), "map")}, {span}</p>
<p class="now">Latest: {_counts(newest, theatre)}</p>
<p class="links">{" · ".join(links)}</p>
{cal}
</article>"""


def _plain_counts(entry: Mapping[str, Any], theatre: Theatre) -> str:
    c = entry.get("counts", {})
    short = _short(theatre)
    parts = [f"{int(c[g]):,} {short[g]}" for g in ("UA", "RU", "contested") if c.get(g)]
    return f"{entry['date']}: " + (", ".join(parts) or "names no settlement")


_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:980px;margin:0 auto;padding:16px 20px 40px;background:#fff}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:16px;margin:0 0 2px}
.lead{font-size:16px;margin:4px 0 12px}.facts{color:#555}
.go{display:inline-block;background:#0072B2;color:#fff;padding:10px 18px;border-radius:6px;font-weight:600;
 text-decoration:none;font-size:17px;margin:6px 0 4px}.go:hover{background:#005a8c}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin:0 4px 0 2px;border:1px solid #333;
 vertical-align:0}.ring{background:transparent;border:2px dashed #555}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;margin:6px 0}
.warn{color:#a00}.dis{color:#a00;font-weight:700}
.newest{list-style:none;padding:0;margin:0}.newest li{padding:4px 0;border-bottom:1px solid #eee}
.newest .d{font-variant-numeric:tabular-nums;font-weight:600;margin-right:6px}
.srcs{display:grid;grid-template-columns:repeat(auto-fill,minmax(290px,1fr));gap:12px}
.src{border:1px solid #ddd;border-radius:6px;padding:10px 12px}.src p{margin:2px 0}
.meta{color:#555;font-size:13px}.now{font-size:13px}.links{font-size:14px}
.cal{margin:6px 0 0;font-size:13px;display:grid;grid-template-columns:auto 1fr;gap:0 8px}
.cal dt{color:#555;white-space:nowrap}.cal dd{margin:0}.cal a{display:inline-block;min-width:1.6em;text-align:center}
.side{font-size:17px;margin:18px 0 6px;color:#444}
@media (max-width:600px){main{padding:10px 12px 30px}h1{font-size:22px}.srcs{grid-template-columns:1fr}
 .cal a{min-width:2.2em;padding:3px 0}}
"""


def _settlements(manifest: Mapping[str, Any]) -> str:
    """The link to the list of settlement pages (the manifest's ``settlements``), if the atlas has them."""
    section = manifest.get("settlements") or {}
    if not section.get("list"):
        return ""
    n = len(section.get("pages") or {})
    return (
        f"<h2>Settlements</h2><p>Every settlement that a claim names has a page with its claim history "
        f"across every source, on a time axis: who said what, and when. "
        f"<a href='{esc(section['list'])}'>Find a settlement</a> ({n} pages).</p>"
    )


def render_index(manifest: Mapping[str, Any], *, title: str | None = None) -> str:
    """Return the HTML of ``index.html`` for a manifest (as written to ``manifest.json``).

    The heading is ``title``, else the title of the manifest's theatre (``theatre.toml``).

    Examples
    --------
    >>> html = render_index({"sources": [{"slug": "x", "name": "<X>", "side": "UA", "kind": "official"}],
    ...                      "maps": [{"source": "x", "date": "2025-01-01", "path": "x/2025-01-01.html",
    ...                                "counts": {"UA": 1}, "unplaced": []}], "claims": 1})
    >>> "&lt;X&gt;" in html and "x/2025-01-01.html" in html and "1 map," in html
    True
    """
    theatre = _theatre(manifest)
    title = title or theatre.title
    sources: Sequence[Mapping[str, Any]] = manifest["sources"]
    maps: Sequence[Mapping[str, Any]] = manifest["maps"]
    by_source: dict[str, list[Mapping[str, Any]]] = {}
    for m in sorted(maps, key=lambda m: (str(m["date"]), str(m["source"]))):
        by_source.setdefault(str(m["source"]), []).append(m)
    used = [s for s in sources if str(s["slug"]) in by_source]
    names = {str(s["slug"]): str(s["name"]) for s in used}
    dates = sorted({str(m["date"]) for m in maps})
    explore = manifest.get("explore")
    go = (
        f"<p><a class='go' href='{esc(explore)}'>Open the map explorer &rarr;</a><br><small>pick a source and a "
        "date, search a settlement in any spelling, share the link</small></p>"
        if explore
        else ""
    )
    span = f", {esc(dates[0])} to {esc(dates[-1])}" if dates else ""
    facts = (
        f"{plural(int(manifest.get('claims', 0)), 'claim')} from {plural(len(used), 'source')}{span} · "
        f"{plural(len(maps), 'map')} · <a href='manifest.json'>manifest.json</a> (every map's counts and figures)"
    )
    newest = sorted(maps, key=lambda m: (str(m["date"]), str(m["source"])), reverse=True)[:NEWEST]
    newest_html = "".join(
        f"<li><span class='d'>{esc(m['date'])}</span> <a href='{esc(m['path'])}'>{esc(names[str(m['source'])])}</a>"
        + "".join(
            f" · <a href='{esc(m[k])}'>{label}</a>" for k, label in (("image", "image"), ("data", "data")) if m.get(k)
        )
        + f"<br><small>{_counts(m, theatre)}</small></li>"
        for m in newest
    )
    places = _settlements(manifest)  # "Find a settlement": the settlement pages
    cards = []
    for side in (*_SIDE_ORDER, *sorted({str(s["side"]) for s in used} - set(_SIDE_ORDER))):
        mine = [s for s in used if str(s["side"]) == side]
        if not mine:
            continue
        mine.sort(key=lambda s: (-len(by_source[str(s["slug"])]), str(s["name"])))
        heading = side_label(side, theatre)
        cards.append(f"<h3 class='side'>{esc(heading[:1].upper() + heading[1:])}</h3>")
        cards.append(
            "<div class='srcs'>" + "".join(_source_card(s, by_source[str(s["slug"])], manifest, theatre) for s in mine)
        )
        cards.append("</div>")
    compares = manifest.get("compare", [])
    compare_html = ""
    if compares:
        days = []
        for c in compares:
            n = len(c.get("disagreements", []))
            what = f"sources disagree about {plural(n, 'settlement')}" if n else "no disagreement"
            days.append((str(c["date"]), str(c["path"]), f"{c['date']}: {what}", n > 0))
        cal = _calendar(days)
        compare_html = f"""<section id="compare"><h2>All sources, day by day</h2>
<p>One page per day on which any source made a claim: every source as its own layer, and the settlements
on which they disagree. Days in <b class='dis'>bold</b> have at least one disagreement.</p>{cal}</section>"""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{_CSS}</style></head><body><main>
<h1>{esc(title)}</h1>
<p class="lead">Who claimed what, where and when: the claims of each source about who holds each settlement,
one map per source and per date on which it made a claim. These are claims, not assessments.</p>
{go}
<p class="facts">{facts}</p>
<section id="newest"><h2>Newest maps</h2><ul class="newest">{newest_html}</ul></section>
{_legend(theatre)}
<section id="sources"><h2>Sources</h2>
<p>Each card: who the source is, its side and kind, its claims and the days it made them (a calendar;
each day links to its map).</p>
{"".join(cards)}
</section>
{compare_html}
{places}
{_method(manifest, theatre)}
</main></body></html>
"""
