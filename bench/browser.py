"""In-browser timings: how soon a big map is interactive, and how long a timeline step takes to redraw.

Renders, from the medium scenario (10,000 settlements), the map of the first source on its middle
date and that source's timeline page (365 dates), then opens them in headless Chromium (Debian
``chromium`` through playwright, CDN answered from the pinned Leaflet copy, tiles blank: no network)
and measures:

* **map interactive**: from navigation start until every settlement is drawn in its layer and the map
  answers (the time Leaflet's layers hold all features, read in the page);
* **timeline step**: the slider moved one date, the page's own ``input`` handler restyling every marker
  and rewriting the panel (median of 20 steps, synchronous, measured with ``performance.now()``).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

COUNT_JS = """() => {
  const layers = Object.keys(window).filter(k => k.startsWith('geo_json_') && window[k] instanceof L.GeoJSON);
  return layers.reduce((n, k) => n + window[k].getLayers().length, 0);
}"""
STEP_JS = """(k) => {
  const slider = document.getElementById('km-slider');
  const t0 = performance.now();
  slider.value = String(k);
  slider.dispatchEvent(new Event('input'));
  return performance.now() - t0;
}"""


def _pages(data: Path, out: Path) -> tuple[Path, Path, int]:
    import kursk_map as km  # noqa: PLC0415 - the package is only needed in this size
    from kursk_map.build import plan_maps  # noqa: PLC0415
    from kursk_map.render import TimelineContext, deterministic_ids, render_map, render_timeline  # noqa: PLC0415
    from kursk_map.view import claim_records, map_context  # noqa: PLC0415

    ds = km.load_dataset(data)
    slug, dates = plan_maps(ds)[0]
    claims = claim_records(ds)
    states = [s for _, s in km.iter_states(ds.gazetteer, ds.ledger, source=slug, dates=dates)]
    mid = len(dates) // 2
    ctx = map_context(ds, slug, dates[mid], state=states[mid], claims=claims)
    map_html, tl_html = out / "map.html", out / "timeline.html"
    with deterministic_ids():
        map_html.write_text(render_map(ctx).get_root().render(), encoding="utf-8")
    tl = TimelineContext(
        source=ctx.source, dates=[d.isoformat() for d in dates], states=states, claims=claims, border=ds.border
    )
    with deterministic_ids():
        tl_html.write_text(render_timeline(tl).get_root().render(), encoding="utf-8")
    return map_html, tl_html, int(states[mid].geometry.notna().sum())


def run(data: Path) -> dict[str, Any]:
    """Render the two pages from ``data`` and time them in Chromium."""
    sys.path.insert(0, str(REPO))
    from tests.browser_support import browser_page, chromium_path  # noqa: PLC0415

    if chromium_path() is None:
        return {"skipped": "chromium is not installed (make test installs it)"}
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        map_html, tl_html, n = _pages(data, Path(tmp))
        out: dict[str, Any] = {
            "settlements": n,
            "map_bytes": map_html.stat().st_size,
            "timeline_bytes": tl_html.stat().st_size,
        }
        with browser_page() as (page, errors, _):
            t0 = time.perf_counter()
            page.goto(map_html.as_uri(), wait_until="commit")
            page.wait_for_function(f"() => typeof L !== 'undefined' && ({COUNT_JS})() >= {n}", timeout=120_000)
            out["map_interactive_s"] = round(time.perf_counter() - t0, 3)
            out["map_console_errors"] = len(errors)
        with browser_page() as (page, errors, _):
            t0 = time.perf_counter()
            page.goto(tl_html.as_uri(), wait_until="load", timeout=300_000)
            page.wait_for_function("() => document.body.hasAttribute('data-km-step')", timeout=300_000)
            out["timeline_ready_s"] = round(time.perf_counter() - t0, 3)
            last = int(page.evaluate("() => Number(document.getElementById('km-slider').max)"))
            steps = [float(page.evaluate(STEP_JS, last - k)) for k in range(1, 21)]
            out["timeline_step_ms_median"] = round(statistics.median(steps), 1)
            out["timeline_step_ms_max"] = round(max(steps), 1)
            out["timeline_console_errors"] = len(errors)
    return out


def table(r: dict[str, Any], *, label: str = "the medium scenario") -> str:
    """The result as a few lines of text."""
    if "skipped" in r:
        return f"browser: skipped ({r['skipped']})"
    return "\n".join(
        [
            f"browser: one map and one timeline of {label} ({r['settlements']:,} settlements), headless Chromium"
            + (
                f"; map interactive over 5 loads: {r['map_interactive_all_s']} s"
                if "map_interactive_all_s" in r
                else ""
            ),
            f"  map ({r['map_bytes'] / 1e6:.1f} MB): interactive {r['map_interactive_s']:.2f} s after navigation "
            "(target ≤ 1 s)",
            f"  timeline ({r['timeline_bytes'] / 1e6:.1f} MB): ready in {r['timeline_ready_s']:.1f} s; one date step "
            f"redraws in {r['timeline_step_ms_median']:.0f} ms (median of 20, max {r['timeline_step_ms_max']:.0f} ms; "
            "target ≤ 100 ms)",
        ]
    )
