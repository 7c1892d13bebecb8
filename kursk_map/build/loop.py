"""The build loop: load the data, render every page (in worker processes), write the atlas atomically."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import multiprocessing as mp
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from .._errors import Problem, UnplacedClaimsError
from .._fs import carry, swap_in, tidy
from ..dataset import Dataset, load_dataset
from ..diagnostics import conflicts, far_from_group
from ..render import deterministic_ids, render_index, settlements_file
from ..state import compute_state
from ..view import claim_records, unplaced_records
from . import pages as _pages
from .cache import base_key, claim_hashes, previous_entries
from .pages import _render_compares, _render_source, render_images, timeline_path
from .pool import worker_pool


@dataclasses.dataclass(frozen=True)
class _Job:
    """What forked page workers inherit (module global, so the dataset is never pickled)."""

    ds: Dataset
    claims: dict[str, dict[str, Any]]
    self_contained: bool
    images: bool
    base: str  # the key every page depends on (base_key)
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
    plan = _pages.plan_maps(ds)  # looked up here so that bench/ can sample the dates
    n_dates = len({d for _, dates in plan for d in dates})
    workers = max(1, workers or os.cpu_count() or 1)
    step = max(1, -(-n_dates // (2 * workers)))
    tasks: list[tuple[str, Any]] = [("source", (slug, dates)) for slug, dates in plan]
    tasks += [("compare", (i, min(i + step, n_dates))) for i in range(0, n_dates, step)]
    tasks.sort(key=lambda t: -len(t[1][1]) if t[0] == "source" else -step)  # big units first
    _PAGES = _Job(
        ds=ds,
        claims=claim_records(ds),
        self_contained=self_contained,
        images=images,
        base=base_key(ds, self_contained=self_contained, images=images),
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
            with worker_pool(workers) as pool:
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
        "unplaced": unplaced_records(ds),
        "conflicts": conflicts(ds.ledger),
        "far_from_group": far_from_group(ds.ledger, ds.gazetteer),
    }
    write("index.html", render_index(manifest))
    write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return {**manifest, "reused": reused}


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
    tidy(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:

        def write(rel: str, data: str | bytes) -> None:
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                p.write_bytes(data)
            else:
                p.write_text(data, encoding="utf-8", newline="\n")

        previous = previous_entries(out, images=images) if incremental else None
        manifest = render_atlas(
            ds, write, self_contained=self_contained, images=images, previous=previous, write_in_workers=True
        )
        reused = set(manifest["reused"])
        # timelines and comparison pages with the key of the previous build were not rendered again
        for rel in sorted(p for p, k in manifest["page_keys"].items() if (previous or {}).get(p, {}).get("key") == k):
            carry(out / rel, tmp / rel)
        for m in manifest["maps"]:
            if m["path"] in reused:
                for rel in (m["path"], m["data"], m["image"]):
                    if rel:
                        carry(out / rel, tmp / rel)
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
