"""Build the atlas: load → validate → resolve → state per source and date → render → write atomically."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import math
import multiprocessing as mp
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from . import __version__, schemas
from ._errors import KurskMapError, Problem, UnplacedClaimsError
from .areas import area_polygons, held_areas
from .attribution import attribution
from .dataset import Dataset, load_dataset
from .export import export_context, geojson_text, render_image
from .render import (
    CompareContext,
    MapContext,
    TimelineContext,
    disagreements,
    render_compare,
    render_index,
    render_map,
    render_timeline,
)
from .render.maps import ClaimsFile, SettlementsFile, claims_file, deterministic_ids, settlements_file
from .state import (
    ResolvedLedger,
    attacks,
    compute_state,
    conflicts,
    far_from_group,
    figures,
    iter_states,
    relative_geometries,
    source_dates,
)

_RENAME_EXCHANGE = 2
_PR_SET_PDEATHSIG = 1


def _claim_records(ds: Dataset) -> dict[str, dict[str, Any]]:
    """Claim records for the renderers, each with ``attribution`` ("Russian MoD, as reported by news.az")."""
    c = ds.ledger.claims
    names = ("claim_id", "date", "source", "kind", "settlement", "controller", "summary", "url", "primary_url")
    cols = [c["date"].dt.strftime("%Y-%m-%d").tolist() if k == "date" else c[k].tolist() for k in names]
    records = {row[0]: dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)}
    who = {
        str(s): (str(n), str(u))
        for s, n, u in zip(ds.sources["slug"], ds.sources["name"], ds.sources["url"], strict=True)
    }
    for r in records.values():
        name, homepage = who.get(str(r["source"]), (str(r["source"]), ""))
        r["attribution"] = attribution(name, str(r["url"]), homepage=homepage, primary_url=str(r["primary_url"]))
    return records


def _unplaced(ds: Dataset) -> list[dict[str, Any]]:
    u = ds.ledger.unplaced.sort_values(["date", "claim_id"], kind="stable")
    return [
        {
            "claim_id": r["claim_id"],
            "source": r["source"],
            "date": r["date"].date().isoformat(),
            "settlement": r["settlement"],
            "reason": r["unplaced_reason"],
            "url": r["url"],
            "where": f"{r['_file']}:{r['_line']}",
        }
        for r in u.to_dict("records")
    ]


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


def map_context(
    ds: Dataset,
    source: str,
    date: dt.date,
    *,
    state: gpd.GeoDataFrame | None = None,
    claims: dict[str, dict[str, Any]] | None = None,
    nav: dict[str, str] | None = None,
    claims_js: ClaimsFile | None = None,
    settlements_js: SettlementsFile | None = None,
) -> MapContext:
    """Everything the map of ``source`` on ``date`` shows (state, figures, relative claims, attacks, unplaced).

    ``state`` and ``claims`` may be passed when already computed (the atlas build does);
    ``claims_js`` makes the page load its claim texts from the source's shared script.
    """
    if source not in set(ds.sources["slug"]):
        raise KurskMapError(f"unknown source {source!r}; known: {', '.join(sorted(ds.sources['slug']))}")
    src = {str(k): str(v) for k, v in ds.sources.loc[source].to_dict().items()}
    if state is None:
        state = compute_state(ds.gazetteer, ds.ledger, source=source, date=date)
    iso = date.isoformat()
    unplaced = [u for u in _unplaced(ds) if u["source"] == source and u["date"] <= iso]
    return MapContext(
        areas=held_areas(state, ds.cells),
        area_shapes=area_polygons(state, ds.cells),
        source=src,
        date=iso,
        state=state,
        claims=claims if claims is not None else _claim_records(ds),
        figures=figures(ds.ledger, source=source, date=date),
        relative=relative_geometries(ds.ledger, ds.gazetteer, source=source, date=date),
        attacks=attacks(ds.ledger, source=source, date=date),
        unplaced=unplaced,
        border=ds.border,
        nav=nav or {},
        claims_file=claims_js,
        settlements_file=settlements_js,
    )


def figure_series(ds: Dataset, source: str) -> list[dict[str, Any]]:
    """For each date of ``source``: the figures it announced that day beside what its claims imply.

    Each entry has ``date``, ``announced`` (its area/count claims of that day, area in km²),
    ``implied_km2`` and ``named_settlements`` (settlements it claims per controller, to date).
    """
    if source not in set(ds.sources["slug"]):
        raise KurskMapError(f"unknown source {source!r}; known: {', '.join(sorted(ds.sources['slug']))}")
    dates = source_dates(ds.ledger, source)
    c = ds.ledger.claims
    mine = c[(c["source"] == source) & c["kind"].isin(("area", "count"))]
    out = []
    for day, state in iter_states(ds.gazetteer, ds.ledger, source=source, dates=dates):
        today = mine[mine["date"] == pd.Timestamp(day)]
        counts = _counts(state)
        out.append(
            {
                "date": day.isoformat(),
                "announced": [
                    {
                        "claim_id": r["claim_id"],
                        "kind": r["kind"],
                        "controller": r["controller"],
                        "value": r["value"],
                        "unit": r["unit"],
                        "value_std": r["value_std"],
                    }
                    for r in today.to_dict("records")
                ],
                "implied_km2": held_areas(state, ds.cells),
                "named_settlements": {k: counts[k] for k in ("UA", "RU", "contested")},
            }
        )
    return out


def _counts(state: gpd.GeoDataFrame) -> dict[str, int]:
    counts = dict.fromkeys(("UA", "RU", "contested", "baseline"), 0)
    for ctrl, basis in zip(state["controller"], state["basis"], strict=True):
        counts["baseline" if basis == "baseline" else ctrl] += 1
    return counts


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
        with _pool(workers) as pool:
            return list(pool.map(_image, tasks, chunksize=4))
    finally:
        _IMAGE_DS = None


#: Claim columns a map depends on (every column of the ledger, and how it was resolved).
_KEY_COLUMNS = (*schemas.CLAIM_COLUMNS, "settlement_id", "placed", "unplaced_reason")


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame | pd.Series):
            h.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
        elif isinstance(part, np.ndarray):
            h.update(part.tobytes())
        else:
            h.update(json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\x1f")
    return h.hexdigest()


@functools.cache
def _code_digest() -> str:
    """Digest of the package's own code, so that an upgraded kursk_map never reuses stale pages."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()


def _base_key(ds: Dataset, *, self_contained: bool, images: bool) -> str:
    """What every page depends on: the code, the gazetteer, its cells, the border and the flags."""
    gaz = ds.gazetteer.drop(columns=ds.gazetteer.geometry.name).astype(str)
    return _digest(
        __version__,
        _code_digest(),
        gaz,
        ds.cells["area_km2"].round(6),
        ds.border.geometry.to_wkt(),
        ds.sources.astype(str),
        self_contained,
        images,
    )


def claim_hashes(claims: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per claim row (over the columns a page depends on), in the frame's order."""
    return pd.util.hash_pandas_object(claims[list(_KEY_COLUMNS)].astype(str), index=True).to_numpy()


def map_key(base: str, slug: str, day: dt.date, nav: Mapping[str, str], hashes: np.ndarray) -> str:
    """Content hash of everything one map page shows: a changed claim changes only the keys it affects.

    The page of ``slug`` on ``day`` depends on the gazetteer (in ``base``), the page's links and the
    source's claims made on or before ``day``, given as their :func:`claim_hashes`.
    """
    return _digest(base, slug, day.isoformat(), dict(nav), hashes)


def page_key(base: str, path: str, nav: Mapping[str, str], hashes: np.ndarray) -> str:
    """Content hash of a timeline or comparison page.

    It covers the code and data (``base``), the page's path and links, and the claims it draws, as
    their :func:`claim_hashes`: all of a source's for its timeline, every claim up to the date for a
    comparison page (hashed once per build, then selected per date).
    """
    return _digest(base, path, dict(nav), hashes)


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
                    "counts": _counts(state),
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


@dataclasses.dataclass(frozen=True)
class _Job:
    """What forked page workers inherit (module global, so the dataset is never pickled)."""

    ds: Dataset
    claims: dict[str, dict[str, Any]]
    self_contained: bool
    images: bool
    base: str  # the key every page depends on (_base_key)
    previous: Mapping[str, Mapping[str, Any]] | None  # the last build's entries by path
    write: Callable[[str, str | bytes], None] | None  # set when workers write their own files
    hashes: np.ndarray  # claim_hashes of the whole ledger, for the page keys


_PAGES: _Job | None = None


def _page_task(
    task: tuple[str, Any],
) -> tuple[list[tuple[str, str]], list[dict[str, Any]], list[dict[str, Any]]]:
    """One unit of the atlas: a source's maps and timeline, or a run of comparison pages."""
    job = _PAGES
    assert job is not None
    kind, arg = task
    if kind == "source":
        slug, dates = arg
        mine = (job.ds.ledger.claims["source"] == slug).to_numpy()
        return _render_source(
            job.ds,
            job.claims,
            slug,
            dates,
            self_contained=job.self_contained,
            images=job.images,
            base=job.base,
            previous=job.previous,
            sink=job.write,
            hashes=job.hashes[mine],
        )
    files: list[tuple[str, str]] = []
    entries, pages = _render_compares(
        job.ds,
        job.claims,
        job.write or (lambda rel, text: files.append((rel, str(text)))),
        self_contained=job.self_contained,
        chunk=arg,
        base=job.base,
        previous=job.previous,
        hashes=job.hashes,
    )
    return files, entries, pages


def render_atlas(
    ds: Dataset,
    write: Callable[[str, str | bytes], None],
    *,
    self_contained: bool = False,
    images: bool = False,
    workers: int | None = None,
    previous: Mapping[str, Mapping[str, Any]] | None = None,
    write_in_workers: bool = False,
) -> dict[str, Any]:
    """Render every map and the index through ``write(relative_path, text)``; return the manifest.

    Each map gets its data beside it (``<source>/<date>.geojson``, for QGIS); with ``images`` the
    pages also link a static picture (``<source>/<date>.png``), which :func:`build_atlas` draws.
    Pages are rendered in ``workers`` processes (default: one per CPU): each source's maps, and runs
    of comparison pages, are independent units; the output does not depend on how they are split.
    Pages whose content key is that of ``previous`` (path -> last manifest entry) are not rendered; their entries
    say ``reused`` and the caller copies their files (see :func:`build_atlas`). With
    ``write_in_workers`` each worker process calls ``write`` itself as it renders (``write`` must then
    work in a forked process, e.g. write files), so no page is held in memory or sent back.
    """
    global _PAGES  # noqa: PLW0603 - handed to forked workers without pickling the dataset
    plan = plan_maps(ds)
    n_dates = len({d for _, dates in plan for d in dates})
    workers = max(1, workers or os.cpu_count() or 1)
    step = max(1, -(-n_dates // (2 * workers)))
    tasks: list[tuple[str, Any]] = [("source", (slug, dates)) for slug, dates in plan]
    tasks += [("compare", (i, min(i + step, n_dates))) for i in range(0, n_dates, step)]
    tasks.sort(key=lambda t: -len(t[1][1]) if t[0] == "source" else -step)  # big units first
    _PAGES = _Job(
        ds=ds,
        claims=_claim_records(ds),
        self_contained=self_contained,
        images=images,
        base=_base_key(ds, self_contained=self_contained, images=images),
        previous=previous,
        write=write if write_in_workers else None,
        hashes=claim_hashes(ds.ledger.claims),
    )
    if not self_contained and plan:  # the settlement columns every map shares, written once
        slug, dates = plan[0]
        write(
            "settlements.js", settlements_file(compute_state(ds.gazetteer, ds.ledger, source=slug, date=dates[0])).text
        )
    try:
        if workers == 1 or "fork" not in mp.get_all_start_methods():
            results = [_page_task(t) for t in tasks]
        else:
            with _pool(workers) as pool:
                results = list(pool.map(_page_task, tasks))
    finally:
        _PAGES = None
    entries: list[dict[str, Any]] = []
    compares: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    for (kind, _), (files, part, keyed) in zip(tasks, results, strict=True):
        for rel, text in files:
            write(rel, text)
        (entries if kind == "source" else compares).extend(part)
        pages.extend(keyed)
    pages.sort(key=lambda p: p["path"])
    entries.sort(key=lambda e: (e["source"], e["date"]))
    reused = sorted(e["path"] for e in entries if e.pop("reused"))
    compares.sort(key=lambda c: c["date"])
    manifest = {
        "generator": f"kursk_map {__version__}",
        "claims": len(ds.ledger.claims),
        "settlements_placed": int(ds.gazetteer.geometry.notna().sum()),
        "sources": [
            {k: str(r[k]) for k in ("slug", "name", "side", "kind", "url")}
            for r in ds.sources.sort_values("slug").to_dict("records")
        ],
        "maps": entries,
        "timelines": {slug: timeline_path(slug) for slug, _ in plan},
        "page_keys": {p["path"]: p["key"] for p in pages},
        "compare": compares,
        "unplaced": _unplaced(ds),
        "conflicts": conflicts(ds.ledger),
        "far_from_group": far_from_group(ds.ledger, ds.gazetteer),
    }
    write("index.html", render_index(manifest))
    write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return {**manifest, "reused": reused}


def _previous_entries(out: Path, *, images: bool) -> dict[str, dict[str, Any]]:
    """The manifest entries (with their ``key``), by page path, of the atlas already in ``out``.

    Only pages whose files are all there: maps (page, data, image), timelines and comparison pages.
    """
    try:
        old = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        maps, keys = old["maps"], old.get("page_keys") or {}
        compares = {c["path"]: c for c in old.get("compare") or [] if isinstance(c, dict) and "path" in c}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    entries: dict[str, dict[str, Any]] = {}
    for path, key in keys.items() if isinstance(keys, dict) else []:
        if isinstance(path, str) and isinstance(key, str) and (out / path).is_file():
            entries[path] = {**compares.get(path, {}), "key": key}
    for m in maps if isinstance(maps, list) else []:
        if not isinstance(m, dict) or not isinstance(m.get("key"), str):
            continue
        files = [m.get("path"), m.get("data")] + ([m.get("image")] if images else [])
        if all(isinstance(f, str) and (out / f).is_file() for f in files):
            entries[str(m["path"])] = m
    return entries


def write_page(path: str | Path, page: Any) -> None:
    """Render one folium map or branca figure with deterministic ids and write it atomically."""
    with deterministic_ids():
        html = page.get_root().render()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(html)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def compare_path(date: dt.date | str) -> str:
    """Relative path of the all-sources comparison of one date."""
    d = date.isoformat() if isinstance(date, dt.date) else date
    return f"compare/{d}.html"


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


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker ends when the build that forked it is killed.

    Without it, a build killed with SIGKILL leaves its workers waiting forever on a queue nobody
    writes (Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere the pool's own checks apply).
    """
    libc = _libc() if sys.platform.startswith("linux") else None
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the build died before the request took effect
        os._exit(1)


def _pool(workers: int) -> ProcessPoolExecutor:
    """The build's process pool: forked workers (they inherit the dataset) that die with the build."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context("fork"), initializer=_die_with_parent, initargs=(os.getpid(),)
    )


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc = _libc()
    if libc is None:
        return False
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def _tidy(out: Path) -> None:
    """Remove what an interrupted build left beside ``out``; restore ``out`` if a swap was cut short.

    Temporary folders are named ``.<out>.tmp-<pid>-*``: one whose process is gone is stale.
    """
    old = out.with_name(f".{out.name}.old")
    if not out.exists() and old.is_dir():
        old.rename(out)  # killed between the two renames of the fallback swap
    for p in out.parent.glob(f".{out.name}.tmp-*"):
        pid = p.name.removeprefix(f".{out.name}.tmp-").split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)
    if old.is_dir() and out.exists():
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def swap_in(tmp: Path, out: Path) -> None:
    """Put the finished directory ``tmp`` in place of ``out`` so readers never see a partial atlas."""
    if not out.exists():
        tmp.rename(out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _carry(old: Path, new: Path) -> None:
    """Bring an unchanged file of the previous atlas into the new one.

    A hard link (the previous atlas is swapped out whole, never edited in place), or a copy where
    links are not possible.
    """
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)
    except OSError:
        shutil.copyfile(old, new)


def build_atlas(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    keep_going: bool = False,
    strict: bool = False,
    self_contained: bool = False,
    images: bool = True,
    incremental: bool = True,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Build the whole atlas from a data directory into ``out_dir``, atomically.

    Parameters
    ----------
    data_dir : path
        Directory with ``settlements.csv``, ``sources.csv`` and ``claims/*.csv``.
    out_dir : path
        Where the atlas goes; replaced only once the new atlas is complete.
    keep_going : bool
        Treat names that do not resolve as unplaced claims (listed on the maps and in the
        manifest) instead of failing.
    strict : bool
        Fail if any claim is unplaced.
    self_contained : bool
        Inline Leaflet into every page (no CDN request; works from a USB stick, without tiles offline).
    images : bool
        Also draw a static PNG of every map (16:9, for reports), in parallel processes.
    incremental : bool
        Reuse the files of maps whose content key (see :func:`map_key`) is unchanged since the atlas
        already in ``out_dir``: changing one claim re-renders only the maps it affects.

    Returns
    -------
    dict
        The manifest (also written as ``manifest.json``), plus ``reused``: the maps not re-rendered.
    """
    ds = load_dataset(data_dir, keep_going=keep_going, today=today)
    if strict and len(ds.ledger.unplaced):
        u = ds.ledger.unplaced
        raise UnplacedClaimsError(
            [
                Problem(r["_file"], int(r["_line"]), "settlement", f"claim is unplaced: {r['unplaced_reason']}")
                for r in u.to_dict("records")
            ]
        )
    out = Path(out_dir).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    _tidy(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:

        def write(rel: str, data: str | bytes) -> None:
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                p.write_bytes(data)
            else:
                p.write_text(data, encoding="utf-8", newline="\n")

        previous = _previous_entries(out, images=images) if incremental else None
        manifest = render_atlas(
            ds, write, self_contained=self_contained, images=images, previous=previous, write_in_workers=True
        )
        reused = set(manifest["reused"])
        # timelines and comparison pages with the key of the previous build were not rendered again
        for rel in sorted(p for p, k in manifest["page_keys"].items() if (previous or {}).get(p, {}).get("key") == k):
            _carry(out / rel, tmp / rel)
        for m in manifest["maps"]:
            if m["path"] in reused:
                for rel in (m["path"], m["data"], m["image"]):
                    if rel:
                        _carry(out / rel, tmp / rel)
        if images:
            todo = [m for m in manifest["maps"] if m["path"] not in reused]
            for m, png in zip(todo, render_images(ds, [(m["source"], m["date"]) for m in todo]), strict=True):
                write(m["image"], png)
        tmp.chmod(0o755)  # a web-readable folder, like one made by mkdir
        swap_in(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            if tmp.exists():
                shutil.rmtree(tmp)
    return manifest
