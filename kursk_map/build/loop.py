"""The build loop: plan every kind's pages, draw those whose key changed (in worker processes), write the atlas.

It knows no page kind by name: :data:`.kinds.KINDS` says what an atlas has.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from .._errors import KurskMapError, Problem, UnplacedClaimsError
from .._fs import GENERATOR, carry, check_out_dir, staging, swap_in, write_atomic
from ..dataset import Dataset, load_dataset
from ..diagnostics import conflicts, far_from_group
from ..state import Ageing
from ..view import ageing_of, claim_records, map_dates, unplaced_records
from .cache import base_key, claim_hashes, linked_key, previous_entries
from .kinds import KINDS, Done, Emit, Job, Page, PageKind, image_choice
from .pool import run


def plan_maps(ds: Dataset) -> list[tuple[str, list[dt.date]]]:
    """The sources an atlas shows: each source with claims or drawn areas (by slug), and their dates."""
    slugs = sorted(set(ds.ledger.claims["source"]) | set(ds.areas["source"]))
    return [(s, map_dates(ds, s)) for s in slugs]


def _check_flags(*, self_contained: bool, cdn: bool) -> None:
    if self_contained and cdn:
        raise KurskMapError("choose one of --self-contained (Leaflet inside every page) and --cdn (from jsDelivr)")


def job_for(
    ds: Dataset,
    *,
    self_contained: bool = False,
    cdn: bool = False,
    images: bool | str = False,
    workers: int | None = None,
    ageing: Ageing | None = None,
) -> Job:
    """What every page of a build of ``ds`` shares (see :class:`.kinds.Job`), with what each kind publishes.

    Pages load Leaflet from the atlas's ``assets/`` folder, inline it (``self_contained``) or load
    it from a CDN (``cdn``); not both. A self-contained page inlines what it links to (e.g. which
    settlements have a page): there every key depends on what the kinds publish. ``ageing``
    defaults to the theatre's.
    """
    _check_flags(self_contained=self_contained, cdn=cdn)
    ageing = ageing or ageing_of(ds)
    images = image_choice(images)
    job = Job(
        ds=ds,
        claims=claim_records(ds),
        sources=plan_maps(ds),
        self_contained=self_contained,
        cdn=cdn,
        images=images,
        base=base_key(ds, self_contained=self_contained, images=images, cdn=cdn, ageing=ageing),
        hashes=claim_hashes(ds.ledger.claims),
        workers=max(1, workers or os.cpu_count() or 1),
        ageing=ageing,
    )
    links = {kind.name: kind.links(job) for kind in KINDS.values()}
    base = linked_key(job.base, links) if self_contained else job.base
    return dataclasses.replace(job, links=links, base=base)


def render_page(ds: Dataset, page: Page, *, cdn: bool = False) -> str:
    """The HTML of one page drawn on its own, outside an atlas (e.g. the side-by-side view).

    Such a page has no ``assets/`` folder beside it: it carries Leaflet inside (it works offline,
    as a single file), or loads it from a CDN with ``cdn``.
    """
    out: list[str | bytes] = []
    job = job_for(ds, self_contained=not cdn, cdn=cdn)
    KINDS[page.kind].render(job, [page], lambda _rel, data: out.append(data))
    (html,) = out
    return html if isinstance(html, str) else html.decode("utf-8")


def write_page(path: str | Path, html: str) -> Path:
    """Write a page drawn on its own (:func:`render_page`) atomically; return its path."""
    target = Path(path)
    write_atomic(target, html.encode("utf-8"))
    return target


def _draw(job: Job, task: tuple[str, list[Page]]) -> tuple[list[tuple[str, str | bytes]], list[dict[str, Any]]]:
    """One unit of work in a worker: draw the pages, return their files (unless written here) and entries."""
    kind, pages = task
    files: list[tuple[str, str | bytes]] = []
    emit: Emit = job.write or (lambda rel, data: files.append((rel, data)))
    return files, KINDS[kind].render(job, pages, emit)


def render_atlas(
    ds: Dataset,
    write: Emit,
    *,
    self_contained: bool = False,
    cdn: bool = False,
    images: bool | str = False,
    workers: int | None = None,
    previous: Mapping[str, Mapping[str, Any]] | None = None,
    write_in_workers: bool = False,
    ageing: Ageing | None = None,
) -> dict[str, Any]:
    """Draw every page of every kind through ``write(relative_path, data)``; return the manifest.

    Pages are drawn in ``workers`` processes (default: one per CPU), in the units their kind
    chooses (a source's maps, runs of comparison dates...); the output does not depend on how they
    are split. A page whose content key is that of ``previous`` (path -> last manifest entry, with
    its ``key``) is not drawn: its entry comes back from ``previous`` and the caller copies its files
    (see :func:`build_atlas`); the manifest's ``reused`` lists such maps, ``carried`` every such file.
    ``images`` says which maps drawn get their static PNG (see :func:`build_atlas`). With
    ``write_in_workers`` each worker calls ``write`` itself (``write`` must then work in a forked
    process, e.g. write files), so no page is held in memory or sent back. Pages load Leaflet and
    our scripts from the atlas's ``assets/`` folder, inline them (``self_contained``) or load
    Leaflet from a CDN (``cdn``). ``ageing`` says when claims are drawn stale, and the maximum age
    a claim colours a settlement (default: the theatre's thresholds, no maximum).
    """
    job = job_for(ds, self_contained=self_contained, cdn=cdn, images=images, workers=workers, ageing=ageing)
    job = dataclasses.replace(job, write=write if write_in_workers else None)
    kinds = [k for k in KINDS.values() if not k.last]
    done: dict[str, list[Done]] = {}
    tasks: list[tuple[str, list[Page]]] = []
    for kind in kinds:
        pages = kind.plan(job)
        keys = kind.keys(job, pages)
        done[kind.name] = [_kept(p, key, (previous or {}).get(p.path)) for p, key in zip(pages, keys, strict=True)]
        todo = [d.page for d in done[kind.name] if not d.reused]
        tasks += [(kind.name, unit) for unit in kind.units(todo, workers=job.workers)]
    tasks.sort(key=lambda t: -sum(p.weight for p in t[1]))  # big units first
    entries: dict[str, dict[str, Any]] = {}
    for (_kind, unit), (files, drawn) in zip(tasks, run(_draw, job, tasks, workers=job.workers), strict=True):
        for rel, data in files:
            write(rel, data)
        entries.update((p.path, e) for p, e in zip(unit, drawn, strict=True))
    for name, kind_done in done.items():  # the entries of the pages drawn
        done[name] = [d if d.reused else dataclasses.replace(d, entry=entries[d.page.path]) for d in kind_done]
    for kind in kinds:
        kind.finish(job, done[kind.name], write)
    manifest = _manifest(ds, kinds, done)
    manifest["ageing"] = {
        "stale_presence_days": job.ageing.presence_days,
        "stale_control_days": job.ageing.control_days,
        "max_age_days": job.ageing.max_age_days,
    }
    for kind in KINDS.values():
        if kind.last:
            kind.render(dataclasses.replace(job, manifest=manifest), kind.plan(job), write)
    write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    reused = [d for kind_done in done.values() for d in kind_done if d.reused]
    return {
        **manifest,
        "reused": sorted(d.page.path for d in reused if KINDS[d.page.kind].reported),
        "carried": sorted(f for d in reused for f in d.page.files),
    }


def _kept(page: Page, key: str | None, old: Mapping[str, Any] | None) -> Done:
    """The page as the last build left it, if its key did not change; else a page to draw."""
    if key is None or old is None or old.get("key") != key:
        return Done(page, key, {}, reused=False)
    return Done(page, key, {k: v for k, v in old.items() if k != "key"}, reused=True)


def _manifest(ds: Dataset, kinds: list[PageKind], done: Mapping[str, list[Done]]) -> dict[str, Any]:
    """``manifest.json``: what the atlas holds, every kind's part, the keys of the pages, and the problems."""
    manifest: dict[str, Any] = {
        "generator": f"{GENERATOR} {__version__}",
        "theatre": ds.theatre.to_manifest(),
        "claims": len(ds.ledger.claims),
        "settlements_placed": int(ds.gazetteer.geometry.notna().sum()),
        "sources": [
            {k: str(r[k]) for k in ("slug", "name", "side", "kind", "url")}
            for r in ds.sources.sort_values("slug").to_dict("records")
        ],
    }
    for kind in kinds:
        manifest.update(kind.manifest(done[kind.name]))
    keyed = (d for kind in kinds if kind.in_page_keys for d in done[kind.name] if d.key is not None)
    manifest["page_keys"] = {d.page.path: d.key for d in sorted(keyed, key=lambda d: d.page.path)}
    manifest |= {
        "unplaced": unplaced_records(ds),
        "conflicts": conflicts(ds.ledger),
        "far_from_group": far_from_group(ds.ledger, ds.gazetteer, max_km=ds.theatre.namesake_km),
        "warnings": [str(w) for w in ds.warnings],  # odd but not wrong: skipped backups, dates outside the period
    }
    return manifest


def build_atlas(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    keep_going: bool = False,
    strict: bool = False,
    self_contained: bool = False,
    cdn: bool = False,
    images: bool | str = "latest",
    incremental: bool = True,
    today: dt.date | None = None,
    stale_presence_days: int | None = None,
    stale_control_days: int | None = None,
    max_age_days: int | None = None,
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
        Inline Leaflet and the claim texts into every page: each map page works alone, as one file.
        (By default pages load Leaflet from the atlas's own ``assets/`` folder: the atlas works
        from a copied folder or a USB stick, offline but for the base-map tiles.)
    cdn : bool
        Load Leaflet from jsDelivr instead of ``assets/`` (a smaller atlas for a web server).
    images : {"latest", "all", "none"} or bool
        Which maps also get a static PNG (16:9, for reports), drawn in parallel processes: the latest
        map of each source (default; an atlas with a map per day would otherwise spend most of its
        build drawing images), every map (``"all"`` or ``True``), or none (``"none"`` or ``False``).
        ``kursk-map export`` draws any other one on request.
    incremental : bool
        Reuse the files of pages whose content key (see :mod:`kursk_map.build.cache`) is unchanged
        since the atlas already in ``out_dir``: changing one claim redraws only the pages it affects.
    stale_presence_days, stale_control_days : int, optional
        Days after which a contested (presence) or held (control) claim is drawn as stale (default:
        the theatre's ``stale_days``; see :class:`kursk_map.state.Ageing`).
    max_age_days : int, optional
        Claims older than this no longer colour their settlement (they stay listed).

    Returns
    -------
    dict
        The manifest (also written as ``manifest.json``), plus ``reused``: the maps not drawn again.
    """
    _check_flags(self_contained=self_contained, cdn=cdn)  # before any work
    out = check_out_dir(out_dir, data=data_dir)  # refuse before any work: never replace what is not ours
    ds = load_dataset(data_dir, keep_going=keep_going, today=today)
    ageing = ageing_of(
        ds, presence_days=stale_presence_days, control_days=stale_control_days, max_age_days=max_age_days
    )
    if strict and len(ds.ledger.unplaced):
        u = ds.ledger.unplaced
        raise UnplacedClaimsError(
            [
                Problem(r["_file"], int(r["_line"]), "settlement", f"claim is unplaced: {r['unplaced_reason']}")
                for r in u.to_dict("records")
            ]
        )
    with staging(out) as tmp:

        def write(rel: str, data: str | bytes) -> None:
            write_atomic(tmp / rel, data, fsync=False, parents=True)

        previous = previous_entries(out) if incremental else None
        manifest = render_atlas(
            ds,
            write,
            self_contained=self_contained,
            cdn=cdn,
            images=images,
            previous=previous,
            write_in_workers=True,
            ageing=ageing,
        )
        for rel in manifest.pop("carried"):  # the files of the pages with the key of the previous build
            carry(out / rel, tmp / rel)
        swap_in(tmp, out)
    return manifest
