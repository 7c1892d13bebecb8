"""In-browser timings: how soon a big map is interactive, and how long a timeline step takes to redraw.

(The entry page is timed too: see ``run_explore`` below.)

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
    from kursk_map.render import CDN, TimelineContext, deterministic_ids, render_map, render_timeline  # noqa: PLC0415
    from kursk_map.view import claim_records, map_context  # noqa: PLC0415

    ds = km.load_dataset(data)
    slug, dates = plan_maps(ds)[0]
    claims = claim_records(ds)
    states = [s for _, s in km.iter_states(ds.gazetteer, ds.ledger, source=slug, dates=dates)]
    mid = len(dates) // 2
    ctx = map_context(ds, slug, dates[mid], state=states[mid], claims=claims)
    map_html, tl_html = out / "map.html", out / "timeline.html"
    with deterministic_ids():  # Leaflet from the CDN, which browser_page answers from the pinned copy
        map_html.write_text(render_map(ctx, assets=CDN).get_root().render(), encoding="utf-8")
    tl = TimelineContext(
        source=ctx.source, dates=[d.isoformat() for d in dates], states=states, claims=claims, border=ds.border
    )
    with deterministic_ids():
        tl_html.write_text(render_timeline(tl, assets=CDN).get_root().render(), encoding="utf-8")
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
            *(line for e in r.get("explore", []) for line in explore_table(e)),
        ]
    )


# ---------------------------------------------------------------------------------------------
# The entry page (explore.html), with the explorer's files of the whole bundled atlas (geodata/,
# every source) and of the medium scenario, written by the functions the build calls:
#
# * explore interactive: from navigation start until the page says it is ready (the default
#   source's series loaded, every settlement drawn in its colour, the panel filled), read in the
#   page as performance.now(), and the wall clock seen by playwright;
# * date switch: kmExplore.go(source, date) to 20 dates spread over the source's dates, series
#   already loaded: the state replayed, the changed markers restyled, the panel rewritten ("sync"),
#   and until the next frame is painted ("frame", which includes waiting for that frame);
# * source switch: every source in turn, the first time (its series script loaded from disk) and
#   again (cached); medians.


def _explorer(data: Path, out: Path) -> int:
    """Write ``explore.html`` and its files for ``data`` into ``out`` as a build does; return the settlements."""
    import kursk_map as km  # noqa: PLC0415
    from kursk_map.build import explore_series, plan_maps  # noqa: PLC0415
    from kursk_map.build.kinds import source_view  # noqa: PLC0415
    from kursk_map.render import (  # noqa: PLC0415
        Assets,
        asset_files,
        explore_data,
        render_explore,
        search_data,
        search_script,
        settlements_file,
    )
    from kursk_map.view import claim_records  # noqa: PLC0415

    ds = km.load_dataset(data, keep_going=True)
    plan = plan_maps(ds)
    claims = claim_records(ds)
    slug, dates = plan[0]
    common = settlements_file(km.compute_state(ds.gazetteer, ds.ledger, source=slug, date=dates[0]))
    files: dict[str, str | bytes] = {"settlements.js": common.text}
    files |= {f"assets/{rel}": blob for rel, blob in asset_files().items()}
    placed = ds.gazetteer[ds.gazetteer.geometry.notna()]
    files["explore/search.js"] = search_script(search_data(placed, key=common.key))
    maps = []
    c = ds.ledger.claims
    for slug, dates in plan:
        files[f"explore/{slug}.js"] = explore_series(source_view(ds, slug), claims, slug, dates)
        n = int((c["source"] == slug).sum())
        maps += [{"source": slug, "date": d.isoformat(), "claims_to_date": n} for d in dates]
    manifest = {"sources": ds.sources.reset_index(drop=True).to_dict("records"), "maps": maps, "compare": []}
    entry = explore_data(manifest, settlements_key=common.key, border=ds.border)
    files["explore.html"] = render_explore(entry, assets=Assets("local", "assets/"))
    for rel, blob in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(blob, bytes):
            (out / rel).write_bytes(blob)
        else:
            (out / rel).write_text(blob, encoding="utf-8")
    return len(placed)


EXPLORE_DATES_JS = """async () => {
  const x = window.kmExplore, slug = x.state().slug, dates = window.__kmSeries[slug].dates;
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const sync = [], painted = [];
  for (let j = 0; j < 20; j++) {
    const d = dates[(j * 7919) % dates.length];
    const t0 = performance.now();
    await x.go(slug, d);
    sync.push(x.lastDrawMs);
    await frame();
    painted.push(performance.now() - t0);
  }
  return {slug: slug, n: dates.length, sync: sync, painted: painted};
}"""
EXPLORE_SOURCES_JS = """async () => {
  const x = window.kmExplore;
  const slugs = Array.from(document.querySelectorAll('#km-source option')).map(o => o.value);
  const first = [], again = [];
  for (const pass of [first, again]) {
    for (const slug of slugs) {
      const t0 = performance.now();
      await x.go(slug, null);
      pass.push(performance.now() - t0);
    }
  }
  return {n: slugs.length, first: first, again: again};
}"""


def _time_explorer(page: Any, url: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    ready_js = "() => document.body !== null && document.body.getAttribute('data-km-ready') === '1'"
    page.wait_for_function(ready_js, timeout=120_000)
    wall = time.perf_counter() - t0
    ready = float(page.evaluate("() => window.kmExplore.readyAt"))  # performance.now() when it became ready
    dates = page.evaluate(EXPLORE_DATES_JS)
    sources = page.evaluate(EXPLORE_SOURCES_JS)
    med = statistics.median
    return {
        "interactive_s": round(ready / 1000, 3),
        "interactive_wall_s": round(wall, 3),
        "date_switch_ms_median": round(med(dates["sync"]), 1),
        "date_switch_ms_max": round(max(dates["sync"]), 1),
        "date_switch_to_frame_ms_median": round(med(dates["painted"]), 1),
        "source_switch_first_ms_median": round(med(sources["first"]), 1),
        "source_switch_ms_median": round(med(sources["again"]), 1),
        "sources": sources["n"],
        "dates_of_timed_source": dates["n"],
    }


def run_explore(data: Path, label: str) -> dict[str, Any]:
    """The entry page with every source of ``data``, timed in Chromium."""
    sys.path.insert(0, str(REPO))
    from tests.browser_support import browser_page, chromium_path  # noqa: PLC0415

    if chromium_path() is None:
        return {"skipped": "chromium is not installed (make test installs it)"}
    with tempfile.TemporaryDirectory(prefix="bench-explore-") as tmp:
        out = Path(tmp)
        n = _explorer(data, out)
        size = {
            "page_bytes": (out / "explore.html").stat().st_size,
            "settlements_js_bytes": (out / "settlements.js").stat().st_size,
            "search_js_bytes": (out / "explore" / "search.js").stat().st_size,
            "series_bytes_max": max(p.stat().st_size for p in (out / "explore").glob("*.js") if p.name != "search.js"),
        }
        with browser_page(1366, 768) as (page, errors, _):
            r = _time_explorer(page, (out / "explore.html").as_uri())
            r["console_errors"] = len(errors)
    return {"label": label, "settlements": n, **size, **r}


def explore_table(r: dict[str, Any]) -> list[str]:
    """Lines for one explorer measurement."""
    if "skipped" in r:
        return [f"  explorer: skipped ({r['skipped']})"]
    return [
        f"  explorer, {r['label']} ({r['settlements']:,} settlements, {r['sources']} sources): page "
        f"{r['page_bytes'] / 1e3:.0f} kB + settlements.js {r['settlements_js_bytes'] / 1e3:.0f} kB, largest "
        f"series {r['series_bytes_max'] / 1e3:.0f} kB, search.js {r['search_js_bytes'] / 1e3:.0f} kB",
        f"    interactive {r['interactive_s']:.2f} s after navigation (wall {r['interactive_wall_s']:.2f} s; "
        "target ≤ 1 s)",
        f"    date switch {r['date_switch_ms_median']:.1f} ms median (max {r['date_switch_ms_max']:.1f}; "
        f"{r['date_switch_to_frame_ms_median']:.0f} ms until the next frame is painted; target ≤ 100 ms), "
        f"source switch {r['source_switch_ms_median']:.1f} ms median "
        f"({r['source_switch_first_ms_median']:.1f} ms the first time, loading its series)",
    ]
