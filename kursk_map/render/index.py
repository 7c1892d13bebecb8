"""The atlas index page: a sources x dates table linking every map (plain HTML, no folium)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..theatre import Theatre
from ._html import esc, link
from .style import COLOURS


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


def _cell(entry: Mapping[str, Any], theatre: Theatre) -> str:
    c = entry["counts"]
    bits = " ".join(
        f"<span class='n' style='color:{COLOURS[g]}' title='{esc(label)}'>{esc(short)}{int(c.get(g, 0))}</span>"
        for g, short, label in (
            ("UA", "UA ", f"settlements {theatre.held_by('UA')}"),
            ("RU", "RU ", theatre.held_by("RU")),
            ("contested", "c ", "contested"),
        )
        if c.get(g)
    )
    unpl = f" <span class='u' title='unplaced claims'>+{len(entry['unplaced'])}?</span>" if entry["unplaced"] else ""
    extra = "".join(
        f" · <a href='{esc(entry[k])}'>{label}</a>" for k, label in (("image", "png"), ("data", "data")) if entry.get(k)
    )
    return f"<a href='{esc(entry['path'])}'>map</a><small>{extra}</small><br><small>{bits or '—'}{unpl}</small>"


def _method(manifest: Mapping[str, Any], theatre: Theatre) -> str:
    """The short explanation of the method shown on the index."""
    unplaced = len(manifest.get("unplaced", []))
    conflicts = len(manifest.get("conflicts", []))
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
    return f"""<details open><summary><b>How these maps are made</b></summary><ul>
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
gazetteer such as GeoNames, or a public page; credits: {esc(theatre.attribution)});
where no page gives coordinates, a point is derived from a cited description ("10 km north-west of
a named village") and drawn hollow with its uncertainty. Settlements named in claims but placed by no reference
are listed as <i>unplaced</i> ({unplaced} claims), never dropped.</li>
<li><b>Figures against names.</b> Announced areas and counts are shown beside what the source's own
settlement claims imply: each settlement's Voronoi cell, clipped to its country and to 5 km around
it, measured in an equal-area projection{crs}.</li>
<li><b>Disagreements.</b> The comparison page of a date shows every source as its own layer and marks
settlements whose claimed controller differs between sources. A source contradicting itself on one day is
reported ({conflicts} cases), and the claim listed last is shown.</li>
</ul></details>"""


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
    >>> "&lt;X&gt;" in html and "x/2025-01-01.html" in html
    True
    """
    theatre = _theatre(manifest)
    title = title or theatre.title
    sources: Sequence[Mapping[str, Any]] = manifest["sources"]
    maps: Sequence[Mapping[str, Any]] = manifest["maps"]
    by_key = {(m["source"], m["date"]): m for m in maps}
    dates = sorted({m["date"] for m in maps})
    used = [s for s in sources if any(m["source"] == s["slug"] for m in maps)]
    timelines: Mapping[str, str] = manifest.get("timelines", {})
    compares = {c["date"]: c for c in manifest.get("compare", [])}
    head = "".join(
        f"<th title='{esc(s['name'])}'>{esc(s['name'])}<br><small>{esc(s['side'])} · {esc(s['kind'])}</small>"
        + (f"<br><a href='{esc(timelines[s['slug']])}'>timeline</a>" if s["slug"] in timelines else "")
        + "</th>"
        for s in used
    )
    if compares:
        head = "<th>all sources</th>" + head
    rows = []
    for d in dates:
        cells = "".join(
            f"<td>{_cell(by_key[(s['slug'], d)], theatre)}</td>" if (s["slug"], d) in by_key else "<td></td>"
            for s in used
        )
        if compares:
            c = compares.get(d)
            dis = len(c.get("disagreements", [])) if c else 0
            note = f"<br><small class='u'>{dis} disagree</small>" if dis else ""
            cells = (f"<td><a href='{esc(c['path'])}'>compare</a>{note}</td>" if c else "<td></td>") + cells
        rows.append(f"<tr><th scope='row'>{esc(d)}</th>{cells}</tr>")
    places = _settlements(manifest)
    src_list = "".join(
        f"<li><b>{esc(s['name'])}</b> ({esc(s['side'])}, {esc(s['kind'])})"
        + (f" — {link(s['url'], 'about')}" if s.get("url") else "")
        + f": {sum(1 for m in maps if m['source'] == s['slug'])} maps</li>"
        for s in used
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
body{{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:20px;color:#222}}
table{{border-collapse:collapse}}th,td{{border:1px solid #ddd;padding:4px 8px;text-align:center;vertical-align:top}}
thead th{{position:sticky;top:0;background:#f5f5f5}}tbody th{{white-space:nowrap}}.n{{margin-right:4px;font-weight:600}}
.u{{color:#a00}}
</style></head><body>
<h1>{esc(title)}</h1>
<p>Who claimed what, where and when: one map per source and per date on which that source made a claim.
A map shows the source's latest claim about each settlement up to that date; settlements it never
mentioned are drawn at their de jure country, marked as baseline. These are claims, not assessments.</p>
<p>{int(manifest.get("claims", 0))} claims · {len(used)} sources · {len(maps)} maps ·
<a href="manifest.json">manifest.json</a></p>
<h2>Sources</h2><ul>{src_list}</ul>
{places}
{_method(manifest, theatre)}
<h2>Maps by date</h2>
<table><thead><tr><th>date</th>{head}</tr></thead><tbody>
{"".join(rows)}
</tbody></table>
</body></html>
"""
