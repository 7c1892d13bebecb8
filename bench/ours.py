"""kursk_map itself: its stages one by one (per source-date maps), and the whole atlas through its API.

The stage pipeline calls the same functions, in the same order, as ``kursk_map.build.render_atlas``
does for the per-source-date maps; the atlas run calls ``build_atlas`` (all pages: maps, timelines,
comparison pages, index, manifest). Where a stage would run longer than its budget, it runs a sample
spread evenly over the sources and dates and the full time is extrapolated linearly (marked in the
results).
"""

from __future__ import annotations

import datetime as dt
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kursk_map as km
from kursk_map import build as km_build
from kursk_map import view as km_view
from kursk_map.areas import cell_outlines, settlement_cells
from kursk_map.build import kinds as km_kinds
from kursk_map.build import loop as km_loop
from kursk_map.dataset import BORDER, COUNTRIES, SETTLEMENTS, SOURCES, Dataset, claim_files
from kursk_map.gazetteer import load_layer
from kursk_map.render import LOCAL_SUBFOLDER, cells_file, claims_file, map_html, settlements_file

from .measure import Budget, Recorder, spread


def _check(problems: list[km.Problem], what: str) -> None:
    if problems:
        raise km.DataError(problems[:20]) from RuntimeError(f"{len(problems)} problems while {what}")


def _write_texts(root: Path, files: list[tuple[str, str]]) -> int:
    """Write (relative path, text) pairs under ``root`` as UTF-8; return the bytes written."""
    total = 0
    for rel, text in files:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        p.write_bytes(data)
        total += len(data)
    return total


def run_stages(data: Path, out: Path, *, budget_s: float | None) -> dict[str, Any]:
    """Every stage of the per-source-date maps, timed; returns stages and page sizes."""
    rec = Recorder()
    with rec.stage("load + validate") as st:
        gaz, problems = km.read_gazetteer(data / SETTLEMENTS)
        sources, p2 = km.read_sources(data / SOURCES)
        claims, p3 = km.read_claims(claim_files(data), sources=list(sources["slug"]))
        _check(problems + p2 + p3, "loading")
        st.note = f"{len(gaz)} settlements, {len(claims)} claims"
    with rec.stage("settlement cells (areas)") as st:
        cells = settlement_cells(gaz, load_layer(data / COUNTRIES))
        border = load_layer(data / BORDER)
    with rec.stage("name resolution") as st:
        resolver = km.Resolver(gaz)
        ledger = km.resolve_claims(claims, gaz, resolver=resolver)
        _check(ledger.problems, "resolving names")
    ds = Dataset(data, gaz, sources, ledger, border, resolver, cells)
    plan = km_build.plan_maps(ds)
    maps = [(slug, day) for slug, dates in plan for day in dates]
    n_maps = len(maps)

    with rec.stage("state, every source and date", total=n_maps) as st:
        budget = Budget(budget_s)
        done = 0
        for slug, dates in plan:
            for _day, _state in km.iter_states(ds.gazetteer, ds.ledger, source=slug, dates=dates):
                done += 1
                if budget.exhausted():
                    break
            if budget.exhausted():
                break
        st.done = done

    # Rendering: a sample spread over sources and dates when the budget does not allow all maps.
    claim_records = km_view.claim_records(ds)
    order = spread(maps)
    t_ctx = t_render = 0.0
    pages: list[tuple[str, str]] = []
    budget = Budget(budget_s)
    contexts_done = 0
    # As render_atlas does: each source's pages work on its own claims and share one claims script.
    # and every map loads the settlement columns from the atlas's settlements.js and the cells from its cells.js.
    views: dict[str, Dataset] = {}
    series: dict[str, km_view.SourceSeries] = {}
    shared: dict[str, Any] = {}
    common = cells = None
    for slug, day in order:
        t0 = time.perf_counter()
        if slug not in views:
            views[slug] = km_kinds.source_view(ds, slug)
            series[slug] = km_view.source_series(views[slug], slug)
            shared[slug] = claims_file(claim_records, slug)
        view = views[slug]
        t_ctx += time.perf_counter() - t0
        state = km.compute_state(view.gazetteer, view.ledger, source=slug, date=day)
        t0 = time.perf_counter()
        if common is None:
            common = settlements_file(state)
            cells = cells_file(state, cell_outlines(ds.cells))
        ctx = km_view.map_context(
            view,
            slug,
            day,
            state=state,
            claims=claim_records,
            nav={"index": "../index.html"},
            claims_js=shared[slug],
            settlements_js=common,
            cells_js=cells,
            series=series[slug],
        )
        t1 = time.perf_counter()
        html = map_html(ctx, assets=LOCAL_SUBFOLDER)  # Leaflet from assets/, as built
        t2 = time.perf_counter()
        t_ctx += t1 - t0
        t_render += t2 - t1
        pages.append((km_build.map_path(slug, day), html))
        contexts_done += 1
        if budget.exhausted():
            break
    rec.add("map context (areas, figures, panel data)", t_ctx, done=contexts_done, total=n_maps)
    rec.add("folium render to HTML", t_render, done=contexts_done, total=n_maps)

    with rec.stage("writing", total=n_maps) as st:
        tmp = Path(tempfile.mkdtemp(prefix="bench-ours-", dir=out))
        total_bytes = _write_texts(tmp, pages)
        scripts = [(f"{slug}/{script.url}", script.text) for slug, script in shared.items()]
        if common is not None and cells is not None:
            scripts += [("settlements.js", common.text), ("cells.js", cells.text)]
        shared_bytes = _write_texts(tmp, scripts)
        st.done = len(pages)
    shutil.rmtree(tmp, ignore_errors=True)
    placed = int(gaz.geometry.notna().sum())
    return {
        "stages": rec.as_list(),
        "maps": n_maps,
        "maps_rendered": len(pages),
        "settlements_placed": placed,
        "claims": len(claims),
        "html_bytes_per_map": total_bytes / max(len(pages), 1),
        "html_bytes_per_settlement_per_map": total_bytes / max(len(pages), 1) / max(placed, 1),
        # the claims and settlements scripts serve every map: amortised over all maps
        "shared_bytes": shared_bytes,
        "shared_bytes_per_settlement_per_map": shared_bytes / max(n_maps, 1) / max(placed, 1),
    }


def _sampled_plan(
    original: Callable[[Dataset], list[tuple[str, list[dt.date]]]], every: int
) -> Callable[[Dataset], list[tuple[str, list[dt.date]]]]:
    def plan(ds: Dataset) -> list[tuple[str, list[dt.date]]]:
        return [(slug, dates[::every]) for slug, dates in original(ds)]

    return plan


def _kind(rel: str) -> str:
    if rel.startswith("compare/"):
        return "compare pages"
    if rel.startswith("settlements/"):
        return "settlement pages"
    if rel.endswith("timeline.html"):
        return "timelines"
    if rel in ("index.html", "manifest.json"):
        return "index + manifest"
    if rel.endswith(".png"):
        return "map images"
    if rel.endswith(".geojson"):
        return "map data (GeoJSON)"
    return "maps"


def run_atlas(data: Path, out: Path, *, every: int) -> dict[str, Any]:
    """The whole atlas through kursk_map's API.

    With ``every == 1`` this is ``build_atlas`` itself, without the static PNG images (the peers draw
    none; ``make maps`` draws them in a process pool, about 0.5 s each). Otherwise ``plan_maps`` is replaced (in this
    process only) by one that keeps every ``every``-th date of each source, ``render_atlas`` renders
    those pages from the full ledger, and each page kind is scaled to the full number of pages.
    """
    rec = Recorder()
    target = Path(tempfile.mkdtemp(prefix="bench-atlas-", dir=out)) / "atlas"
    if every == 1:
        with rec.stage("atlas build (build_atlas)") as st:
            manifest = km_build.build_atlas(data, target, images=False)
        st.peak_mb = max(st.peak_mb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
        sizes = _sizes(target)
        st.extra = {"pages": sizes}
        shutil.rmtree(target.parent, ignore_errors=True)
        return {"stages": rec.as_list(), "maps": len(manifest["maps"]), "pages": sizes, "sampled_every": 1}

    with rec.stage("atlas: load_dataset") as st:
        ds = km.load_dataset(data)
    full_plan = km_build.plan_maps(ds)
    full = {
        "maps": sum(len(d) for _, d in full_plan),
        "map images": sum(len(d) for _, d in full_plan),
        "map data (GeoJSON)": sum(len(d) for _, d in full_plan),
        "timelines": sum(len(d) for _, d in full_plan),  # a timeline's cost grows with its dates
        "compare pages": len({d for _, ds_ in full_plan for d in ds_}),
    }
    original = km_loop.plan_maps
    km_loop.plan_maps = _sampled_plan(original, every)
    try:
        sample_plan = km_loop.plan_maps(ds)
        done = {
            "maps": sum(len(d) for _, d in sample_plan),
            "map images": sum(len(d) for _, d in sample_plan),
            "map data (GeoJSON)": sum(len(d) for _, d in sample_plan),
            "timelines": sum(len(d) for _, d in sample_plan),
            "compare pages": len({d for _, ds_ in sample_plan for d in ds_}),
        }
        target.mkdir(parents=True)

        def write(rel: str, text: str | bytes) -> None:  # called in the worker processes, as build_atlas does
            p = target / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)

        t0 = time.perf_counter()
        km_build.render_atlas(ds, write, write_in_workers=True)
        seconds = time.perf_counter() - t0
    finally:
        km_loop.plan_maps = original
    # Every page kind grows with the dates sampled (maps, their data, compare pages, and the timelines'
    # states), so the whole render scales by the share of maps rendered.
    st = rec.add(
        "atlas: render_atlas, workers writing the pages",
        seconds,
        done=done["maps"],
        total=full["maps"],
        note=f"every {every}-th date of each source, scaled to all dates",
    )
    # the pages are made in worker processes: their peak counts too (the largest worker's resident set)
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    st.extra = {"workers_peak_mb": workers_mb}
    st.peak_mb = max(st.peak_mb, workers_mb)
    pages = _sizes(target)
    shutil.rmtree(target.parent, ignore_errors=True)
    return {"stages": rec.as_list(), "maps": full["maps"], "pages": pages, "sampled_every": every, "full": full}


def _sizes(root: Path) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for p in root.rglob("*"):
        if p.is_file():
            k = _kind(p.relative_to(root).as_posix())
            e = out.setdefault(k, {"count": 0, "bytes": 0})
            e["count"] += 1
            e["bytes"] += p.stat().st_size
    return out


def run_incremental(data: Path, out: Path, *, every: int = 1) -> dict[str, Any]:
    """A full ``build_atlas`` (no images), then two rebuilds, each after one claim's summary changed.

    First the middle claim (by date) of the source with most claims: it affects that source's maps
    from its date on, its timeline and claims script, and half the comparison pages. Then its latest
    claim, as when the day's claims are added. With ``every`` > 1 all builds draw only every
    ``every``-th date of each source (the same sample, so the ratios hold).
    """
    import csv  # noqa: PLC0415

    rec = Recorder()
    work = Path(tempfile.mkdtemp(prefix="bench-incr-", dir=out))
    copy = work / "data"
    shutil.copytree(data, copy)
    target = work / "atlas"
    original = km_loop.plan_maps
    if every > 1:
        km_loop.plan_maps = _sampled_plan(original, every)
    files = claim_files(copy)
    biggest = max(files, key=lambda f: sum(1 for _ in f.open(encoding="utf-8")))

    def edit(position: float) -> dict[str, str]:
        with biggest.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        by_date = sorted(range(len(rows)), key=lambda i: (rows[i]["date"], rows[i]["claim_id"]))
        changed = rows[by_date[min(int(len(by_date) * position), len(by_date) - 1)]]
        changed["summary"] = changed["summary"] + " (edited for the benchmark)"
        with biggest.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        return changed

    runs = []
    try:
        with rec.stage("full build (build_atlas, no images)"):
            first = km_build.build_atlas(copy, target, images=False)
        for label, position in (("middle", 0.5), ("latest", 1.0)):
            changed = edit(position)
            with rec.stage(f"rebuild after the {label} claim changed") as st:
                again = km_build.build_atlas(copy, target, images=False)
                st.note = f"claim {changed['claim_id']} of {changed['date']}"
            runs.append((label, changed, again, st.seconds))  # the stage's time is set on leaving it
    finally:
        km_loop.plan_maps = original
    shutil.rmtree(work, ignore_errors=True)
    stages = rec.as_list()
    full_s = stages[0]["estimate_s"]
    rebuilds = {
        label: {
            "changed_claim": changed["claim_id"],
            "maps_rerendered": len(again["maps"]) - len(again["reused"]),
            "seconds": seconds,
            "share": seconds / full_s if full_s else None,
        }
        for label, changed, again, seconds in runs
    }
    middle = rebuilds["middle"]
    return {
        "stages": stages,
        "maps": len(first["maps"]),
        "maps_rerendered": middle["maps_rerendered"],
        "changed_claim": middle["changed_claim"],
        "full_s": full_s,
        "incremental_s": middle["seconds"],
        "incremental_share": middle["share"],
        "rebuilds": rebuilds,
        "sampled_every": every,
    }
