"""The pages of the atlas: where each lives, and how a source's maps and the comparison pages are drawn."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import multiprocessing as mp
import os
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..dataset import Dataset
from ..export import geojson_text
from ..render import (
    CompareContext,
    SettlementsFile,
    TimelineContext,
    claims_file,
    deterministic_ids,
    disagreements,
    render_compare,
    render_image,
    render_map,
    render_timeline,
    settlements_file,
)
from ..resolution import ResolvedLedger
from ..state import figures, group_counts, iter_states, source_dates
from ..view import export_context, map_context
from .cache import claim_hashes, map_key, page_key
from .pool import worker_pool


def map_path(source: str, date: dt.date | str) -> str:
    """Relative path of the map of ``source`` on ``date`` inside the atlas.

    Examples
    --------
    >>> map_path("ru-mod", dt.date(2025, 3, 15))
    'ru-mod/2025-03-15.html'
    """
    d = date.isoformat() if isinstance(date, dt.date) else date
    return f"{source}/{d}.html"


def timeline_path(source: str) -> str:
    """Relative path of a source's timeline page inside the atlas."""
    return f"{source}/timeline.html"


def plan_maps(ds: Dataset) -> list[tuple[str, list[dt.date]]]:
    """Which maps a build writes: for each source with claims (by slug), its claim dates."""
    slugs = sorted(set(ds.ledger.claims["source"]))
    return [(s, source_dates(ds.ledger, s)) for s in slugs]


def compare_path(date: dt.date | str) -> str:
    """Relative path of the all-sources comparison of one date."""
    d = date.isoformat() if isinstance(date, dt.date) else date
    return f"compare/{d}.html"


_IMAGE_DS: Dataset | None = None  # the dataset image workers inherit (set before the pool forks)


def _image(task: tuple[str, str]) -> bytes:
    slug, iso = task
    assert _IMAGE_DS is not None
    return render_image(export_context(_IMAGE_DS, slug, iso), fmt="png", size="16x9")


def render_images(ds: Dataset, tasks: list[tuple[str, str]], *, workers: int | None = None) -> list[bytes]:
    """Draw the static PNG of each ``(source, date)``, in parallel processes; results in task order."""
    global _IMAGE_DS  # noqa: PLW0603 - handed to forked workers without pickling the dataset
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    _IMAGE_DS = ds
    try:
        if workers == 1 or "fork" not in mp.get_all_start_methods():
            return [_image(t) for t in tasks]
        with worker_pool(workers) as pool:
            return list(pool.map(_image, tasks, chunksize=4))
    finally:
        _IMAGE_DS = None


def _source_view(ds: Dataset, slug: str) -> Dataset:
    """``ds`` with only the claims of ``slug``: everything a source's pages show depends on those alone.

    (A denial names the claim it denies, but is itself a claim of the denying source.) Filtering
    once spares every per-date step a scan of the whole ledger.
    """
    c = ds.ledger.claims
    return dataclasses.replace(ds, ledger=ResolvedLedger(c[c["source"] == slug], ds.ledger.problems))


def _render_source(
    ds: Dataset,
    claims: dict[str, dict[str, Any]],
    slug: str,
    dates: list[dt.date],
    *,
    self_contained: bool,
    images: bool,
    base: str = "",
    previous: Mapping[str, Mapping[str, Any]] | None = None,
    sink: Callable[[str, str], None] | None = None,
    hashes: np.ndarray | None = None,
) -> tuple[list[tuple[str, str]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The maps, data files and timeline of one source: ``(files, map entries, page keys)``.

    ``previous`` maps page paths to the last build's manifest entries (with their ``key``). A map
    whose key is unchanged is not rendered again: its old entry comes back marked ``reused`` and the
    caller copies its files from the previous atlas; the timeline likewise (its key and ``reused`` in
    the third list); when nothing changed, no state is computed at all. With ``sink``, files go to
    ``sink(rel, text)`` as they are made and ``files`` stays empty.
    """
    files: list[tuple[str, str]] = []
    entries: list[dict[str, Any]] = []
    emit = sink or (lambda rel, text: files.append((rel, text)))
    ds = _source_view(ds, slug)
    # One script with the source's claim texts, loaded by all its maps (inlined when self-contained).
    shared = None if self_contained else claims_file(claims, slug)
    common: SettlementsFile | None = None
    if hashes is None:  # claim_hashes of this source's claims, unless the caller has them
        hashes = claim_hashes(ds.ledger.claims)
    pages = []
    if shared is not None:  # written again only when the source's claims changed
        js_path = f"{slug}/{shared.url}"
        js_key = page_key(base, js_path, {}, hashes)
        js_old = (previous or {}).get(js_path)
        pages.append({"path": js_path, "key": js_key, "reused": js_old is not None and js_old.get("key") == js_key})
        if not pages[-1]["reused"]:
            emit(js_path, shared.text)
    claim_dates = ds.ledger.claims["date"].to_numpy()
    # First the keys: a map whose key is that of the previous build keeps its files and manifest entry.
    todo: list[tuple[dt.date, dict[str, str], str, str, Mapping[str, Any] | None]] = []
    for i, day in enumerate(dates):
        iso = day.isoformat()
        nav = {
            "index": "../index.html",
            "timeline": "timeline.html",
            "compare": f"../{compare_path(day)}",
            "data": f"{iso}.geojson",
            "embed": map_path(slug, day),
        }
        if images:
            nav["image"] = f"{iso}.png"
        if i > 0:
            nav["prev"] = f"{dates[i - 1].isoformat()}.html"
        if i + 1 < len(dates):
            nav["next"] = f"{dates[i + 1].isoformat()}.html"
        path = map_path(slug, day)
        key = map_key(base, slug, day, nav, hashes[claim_dates <= np.datetime64(day)])
        old = (previous or {}).get(path)
        todo.append((day, nav, path, key, old if old is not None and old.get("key") == key else None))
    tl_path = timeline_path(slug)
    tl_key = page_key(base, tl_path, {}, hashes)
    tl_old = (previous or {}).get(tl_path)
    pages.append({"path": tl_path, "key": tl_key, "reused": tl_old is not None and tl_old.get("key") == tl_key})
    if any(old is None for *_, old in todo):
        states = iter_states(ds.gazetteer, ds.ledger, source=slug, dates=dates)
        for (day, nav, path, key, old), (_day, state) in zip(todo, states, strict=True):
            if old is not None:
                continue
            if common is None and not self_contained:  # the atlas's settlements.js (render_atlas writes it)
                common = settlements_file(state)
            ctx = map_context(
                ds, slug, day, state=state, claims=claims, nav=nav, claims_js=shared, settlements_js=common
            )
            data_path = f"{slug}/{day.isoformat()}.geojson"
            with deterministic_ids():
                emit(path, render_map(ctx, self_contained=self_contained).get_root().render())
            emit(data_path, geojson_text(export_context(ds, slug, day, state=state)))
            entries.append(
                {
                    "source": slug,
                    "date": ctx.date,
                    "key": key,
                    "reused": False,
                    "path": path,
                    "data": data_path,
                    "image": f"{slug}/{day.isoformat()}.png" if images else None,
                    "counts": group_counts(state),
                    "implied_km2": dict(ctx.areas),
                    "claims_to_date": int((claim_dates <= np.datetime64(day)).sum()),
                    "figures": [
                        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in f.items()}
                        for f in ctx.figures
                    ],
                    "unplaced": [u["claim_id"] for u in ctx.unplaced],
                }
            )
    entries += [{**old, "reused": True} for *_, old in todo if old is not None]
    entries.sort(key=lambda e: e["date"])
    if pages[-1]["reused"]:
        return files, entries, pages
    # The timeline reads the states once, in order: advance them again rather than hold 365 frames.
    tl = TimelineContext(
        source={str(k): str(v) for k, v in ds.sources.loc[slug].to_dict().items()},
        dates=[d.isoformat() for d in dates],
        states=(state for _day, state in iter_states(ds.gazetteer, ds.ledger, source=slug, dates=dates)),
        claims=claims,
        figures=figures(ds.ledger, source=slug, date=dates[-1]),
        border=ds.border,
    )
    with deterministic_ids():
        emit(tl_path, render_timeline(tl, self_contained=self_contained).get_root().render())
    return files, entries, pages


def _render_compares(
    ds: Dataset,
    claims: dict[str, dict[str, Any]],
    write: Callable[[str, str | bytes], None],
    *,
    self_contained: bool,
    chunk: tuple[int, int] | None = None,
    base: str = "",
    previous: Mapping[str, Mapping[str, Any]] | None = None,
    hashes: np.ndarray | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One comparison page per date on which any source made a claim; states advance in lockstep.

    ``chunk`` (start, stop) renders only those positions of the sorted list of dates. Returns the
    manifest entries and the pages' keys; a page whose key is in ``previous`` is not rendered again.
    """
    plan = plan_maps(ds)
    all_dates = sorted({d for _, dates in plan for d in dates})
    start, stop = chunk or (0, len(all_dates))
    first = {slug: dates[0] for slug, dates in plan}
    c = ds.ledger.claims
    hashes = claim_hashes(c) if hashes is None else hashes
    claim_dates = c["date"].to_numpy()
    todo: list[tuple[int, dt.date, dict[str, str], str, Mapping[str, Any] | None]] = []
    pages = []
    for i, day in enumerate(all_dates[start:stop], start):
        nav = {"index": "../index.html"}
        if i > 0:
            nav["prev"] = f"{all_dates[i - 1].isoformat()}.html"
        if i + 1 < len(all_dates):
            nav["next"] = f"{all_dates[i + 1].isoformat()}.html"
        path = compare_path(day)
        key = page_key(base, path, nav, hashes[claim_dates <= np.datetime64(day)])
        old = (previous or {}).get(path)
        old = old if old is not None and old.get("key") == key else None
        pages.append({"path": path, "key": key, "reused": old is not None})
        todo.append((i, day, nav, path, old))
    out = [{k: v for k, v in old.items() if k != "key"} for *_, old in todo if old is not None]
    if len(out) == len(todo):  # nothing changed: no state to advance
        return out, pages
    iters = {slug: iter_states(ds.gazetteer, ds.ledger, source=slug, dates=all_dates[start:stop]) for slug, _ in plan}
    src_rows = {str(r["slug"]): {str(k): str(v) for k, v in r.items()} for r in ds.sources.to_dict("records")}
    for _i, day, nav, path, old in todo:
        states = {slug: next(it)[1] for slug, it in iters.items()}
        if old is not None:
            continue
        active = [src_rows[slug] for slug, _ in plan if first[slug] <= day]
        ctx = CompareContext(
            date=day.isoformat(),
            sources=active,
            states={s["slug"]: states[s["slug"]] for s in active},
            claims=claims,
            border=ds.border,
            nav=nav,
        )
        with deterministic_ids():
            fmap = render_compare(ctx, self_contained=self_contained)
            write(path, fmap.get_root().render())
        out.append(
            {
                "date": ctx.date,
                "path": path,
                "sources": [s["slug"] for s in active],
                "disagreements": sorted(disagreements(ctx.states)),
            }
        )
    out.sort(key=lambda e: e["date"])
    return out, pages
