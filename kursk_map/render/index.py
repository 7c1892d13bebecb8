"""The atlas index page: a sources x dates table linking every map (plain HTML, no folium)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._html import esc, link
from .style import COLOURS


def _cell(entry: Mapping[str, Any]) -> str:
    c = entry["counts"]
    bits = " ".join(
        f"<span class='n' style='color:{COLOURS[g]}' title='{esc(label)}'>{esc(short)}{int(c.get(g, 0))}</span>"
        for g, short, label in (
            ("UA", "UA ", "settlements held by Ukraine"),
            ("RU", "RU ", "held by Russia"),
            ("contested", "c ", "contested"),
        )
        if c.get(g)
    )
    unpl = f" <span class='u' title='unplaced claims'>+{len(entry['unplaced'])}?</span>" if entry["unplaced"] else ""
    return f"<a href='{esc(entry['path'])}'>map</a><br><small>{bits or '—'}{unpl}</small>"


def render_index(manifest: Mapping[str, Any], *, title: str = "kursk_map atlas") -> str:
    """Return the HTML of ``index.html`` for a manifest (as written to ``manifest.json``).

    Examples
    --------
    >>> html = render_index({"sources": [{"slug": "x", "name": "<X>", "side": "UA", "kind": "official"}],
    ...                      "maps": [{"source": "x", "date": "2025-01-01", "path": "x/2025-01-01.html",
    ...                                "counts": {"UA": 1}, "unplaced": []}], "claims": 1})
    >>> "&lt;X&gt;" in html and "x/2025-01-01.html" in html
    True
    """
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
            f"<td>{_cell(by_key[(s['slug'], d)])}</td>" if (s["slug"], d) in by_key else "<td></td>" for s in used
        )
        if compares:
            c = compares.get(d)
            dis = len(c.get("disagreements", [])) if c else 0
            note = f"<br><small class='u'>{dis} disagree</small>" if dis else ""
            cells = (f"<td><a href='{esc(c['path'])}'>compare</a>{note}</td>" if c else "<td></td>") + cells
        rows.append(f"<tr><th scope='row'>{esc(d)}</th>{cells}</tr>")
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
<h2>Maps by date</h2>
<table><thead><tr><th>date</th>{head}</tr></thead><tbody>
{"".join(rows)}
</tbody></table>
</body></html>
"""
