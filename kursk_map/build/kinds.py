"""The registry of page kinds: every kind of page an atlas has, where it lives, what it links and how it is drawn.

A kind

* plans its pages (:meth:`PageKind.plan`): each :class:`Page` has its path in the atlas, its
  links to other pages (``nav``, relative URLs) and the files that belong to it, and no state is
  computed yet;
* gives each page a content key (:meth:`PageKind.keys`): what the page depends on. A rebuild draws
  a page again only when its key changed, and takes the files of the others from the last atlas;
* groups the pages to draw into units of work for the worker pool (:meth:`PageKind.units`), draws
  a unit (:meth:`PageKind.render`: the renderer of :mod:`kursk_map.render` does the drawing), and
* writes its part of ``manifest.json`` (:meth:`PageKind.manifest`).

A kind whose pages the others link to (a settlement's page, linked from every popup) publishes
them first (:meth:`PageKind.links`); every page then finds them in :attr:`Job.links`.

The build loop (:mod:`.loop`) knows no kind by name: it goes through :data:`KINDS`. Adding a page
kind touches this registry, one renderer and the index (README.md, "For developers", has the recipe).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import math
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .._errors import KurskMapError
from ..areas import cell_outlines
from ..dataset import Dataset
from ..export import geojson_bytes
from ..render import (
    CDN,
    INLINE,
    Assets,
    CellsFile,
    CompareContext,
    SettlementLinks,
    SettlementsFile,
    TimelineContext,
    asset_files,
    cells_file,
    claims_file,
    compare_html,
    deterministic_ids,
    explore_data,
    map_html,
    page_html,
    render_explore,
    render_image,
    render_index,
    render_settlement,
    render_settlement_list,
    render_side_by_side,
    render_timeline,
    search_data,
    search_script,
    series_data,
    series_script,
    settlement_links_script,
    settlements_file,
)
from ..resolution import ResolvedLedger
from ..state import Ageing, attacks, compute_state, figures, group_counts, iter_states
from ..view import (
    DrawnByDay,
    SourceExports,
    drawn_areas,
    export_context,
    history_period,
    map_context,
    settlement_context,
    settlement_histories,
    settlement_rows,
    source_record,
    source_series,
    source_states,
)
from .cache import map_key, page_key
from .pool import run

#: The atlas's front page, and the settlement columns every map shares.
INDEX_HTML, SETTLEMENTS_JS, CELLS_JS = "index.html", "settlements.js", "cells.js"
#: The folder of Leaflet and our own scripts and styles, which every page loads (offline by default).
ASSETS_DIR = "assets"
#: The entry page (any source on any date, search, permalinks) and its spelling index.
EXPLORE_HTML, SEARCH_JS = "explore.html", "explore/search.js"
#: Where a page sends its files: ``emit(relative_path, text_or_bytes)``.
Emit = Callable[[str, str | bytes], None]


@dataclass(frozen=True)
class Page:
    """One page (or shared script) of the atlas, as planned.

    ``nav`` holds the page's links (relative URLs) by role, ``attached`` the other files that belong
    to it (a map's data and image: kept or drawn with it), ``weight`` a guess of its cost (to start
    big units first), ``extra`` what else its kind needs to know (a comparison page: the sources
    it shows) and ``about`` what its manifest entry says that the plan already knows (a settlement
    page: the settlement and its claims), for the pages kept from the last build as well.
    """

    kind: str
    path: str
    nav: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    date: dt.date | None = None
    attached: tuple[str, ...] = ()
    weight: int = 1
    extra: tuple[str, ...] = ()
    about: Mapping[str, Any] = field(default_factory=dict)

    @property
    def day(self) -> dt.date:
        """The page's date (for the kinds that have one)."""
        assert self.date is not None, f"{self.kind} page {self.path} has no date"
        return self.date

    @property
    def files(self) -> tuple[str, ...]:
        """Every file of the page, its own path first."""
        return (self.path, *self.attached)


#: Which maps a build draws a static PNG for: every map, the latest of each source, or none.
IMAGES = ("all", "latest", "none")


def image_choice(images: bool | str) -> str:
    """``images`` as one of :data:`IMAGES` (``True``: every map, ``False``: none).

    Examples
    --------
    >>> image_choice(True), image_choice(False), image_choice("latest")
    ('all', 'none', 'latest')
    """
    if isinstance(images, bool):
        return "all" if images else "none"
    if images not in IMAGES:
        raise ValueError(f"images must be one of {', '.join(IMAGES)}, got {images!r}")
    return images


@dataclass(frozen=True, eq=False)
class Job:
    """What every page of one build shares. Forked workers inherit it: it is never pickled."""

    ds: Dataset
    claims: dict[str, dict[str, Any]]  #: claim records by id, the popups' texts (:func:`kursk_map.view.claim_records`)
    sources: list[tuple[str, list[dt.date]]]  #: sources with claims (by slug) and their dates
    base: str  #: the key every page depends on (:func:`.cache.base_key`)
    hashes: np.ndarray  #: :func:`.cache.claim_hashes` of the whole ledger, in its order
    self_contained: bool = False  #: pages inline Leaflet and their scripts
    cdn: bool = False  #: pages load Leaflet from a CDN (else from the atlas's ``assets/``)
    images: str = "none"  #: which maps have a static PNG: one of :data:`IMAGES`
    write: Emit | None = None  #: set when the workers write the files themselves
    workers: int = 1  #: processes for the pool
    manifest: Mapping[str, Any] | None = None  #: set for the kinds drawn after the manifest (the index)
    #: What each kind's pages offer the others to link to, by kind name (:meth:`PageKind.links`).
    links: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    ageing: Ageing = field(default_factory=Ageing)  #: when claims turn stale, and the maximum age coloured


@dataclass(frozen=True)
class Done:
    """A page after the build: its key, its manifest entry, and whether its files came from the last atlas."""

    page: Page
    key: str | None
    entry: dict[str, Any]
    reused: bool


def link(page: str, target: str) -> str:
    """The relative URL of ``target`` from ``page`` (both paths in the atlas).

    Examples
    --------
    >>> link("ru-mod/2025-03-15.html", "compare/2025-03-15.html"), link("compare/2025-03-15.html", "index.html")
    ('../compare/2025-03-15.html', '../index.html')
    """
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def page_assets(job: Job, path: str) -> Assets:
    """Where the page at ``path`` loads Leaflet from: the atlas's ``assets/`` (default), inside it, or a CDN.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> page_assets(SimpleNamespace(self_contained=False, cdn=False), "ru-mod/2025-03-15.html").leaflet_js_url
    '../assets/leaflet-1.9.3/leaflet.js'
    """
    if job.self_contained:
        return INLINE
    if job.cdn:
        return CDN
    return Assets("local", link(path, ASSETS_DIR) + "/")


def source_view(ds: Dataset, slug: str) -> Dataset:
    """``ds`` with only the claims of ``slug``: everything a source's pages show depends on those alone.

    (A denial names the claim it denies, but is itself a claim of the denying source.) Filtering
    once spares every per-date step a scan of the whole ledger.
    """
    c = ds.ledger.claims
    return dataclasses.replace(ds, ledger=ResolvedLedger(c[c["source"] == slug], ds.ledger.problems))


class _SourceClaims:
    """The claim hashes and dates of one source at a time, for the keys of its pages."""

    def __init__(self, job: Job) -> None:
        self._job = job
        c = job.ds.ledger.claims
        self._source = c["source"].to_numpy()
        self._dates = c["date"].to_numpy()
        self._slug: str | None = None
        self._mine = np.zeros(0, dtype=bool)

    def up_to(self, slug: str, day: dt.date | None = None) -> np.ndarray:
        """Hashes of the claims of ``slug`` (made on or before ``day``), in ledger order."""
        if slug != self._slug:
            self._slug, self._mine = slug, self._source == slug
        mine = self._mine if day is None else self._mine & (self._dates <= np.datetime64(day))
        return self._job.hashes[mine]


class PageKind:
    """A kind of page. Subclasses set ``name`` and implement :meth:`plan` and :meth:`render`."""

    name: ClassVar[str]
    #: Its keys are listed in the manifest's ``page_keys`` (maps carry theirs in their own entries).
    in_page_keys: ClassVar[bool] = True
    #: Drawn after every other kind, from the manifest (the index).
    last: ClassVar[bool] = False
    #: The pages a build reports ("built 145 maps, 140 unchanged"): the maps.
    reported: ClassVar[bool] = False

    def links(self, job: Job) -> Mapping[str, Any]:
        """What the other kinds' pages may link to, by the thing a page is about (e.g. settlement id -> page).

        Computed before any page is planned; the build hands it to every kind as ``job.links[name]``.
        A self-contained atlas inlines it into the pages that link, so there it is part of their keys.
        """
        return {}

    def plan(self, job: Job) -> list[Page]:
        """Every page of this kind in the atlas, with its path, links and files."""
        return []

    def keys(self, job: Job, pages: Sequence[Page]) -> list[str | None]:
        """The content key of each page; ``None``: drawn by every build."""
        return [None] * len(pages)

    def units(self, pages: Sequence[Page], *, workers: int) -> list[list[Page]]:
        """The pages to draw, as units of work for the pool (default: one page each)."""
        return [[p] for p in pages]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """Draw ``pages`` (one unit), sending their files to ``emit``; one manifest entry per page."""
        raise NotImplementedError

    def manifest(self, done: Sequence[Done]) -> dict[str, Any]:
        """The part of ``manifest.json`` this kind writes (besides ``page_keys``)."""
        return {}

    def finish(self, job: Job, done: Sequence[Done], write: Emit) -> None:
        """After every page is drawn: more work on this kind's files, in the parent process."""


def _drawn(pages: Sequence[Page], html: Callable[[Page], Any], emit: Emit) -> None:
    """Render each page's folium map or branca figure with deterministic ids and emit its HTML."""
    for page in pages:
        with deterministic_ids():
            emit(page.path, page_html(html(page)))


class AssetFiles(PageKind):
    """``assets/``: Leaflet (vendored from npm, with its licence) and our own scripts, loaded by every page."""

    name = "assets"
    in_page_keys = False

    def plan(self, job: Job) -> list[Page]:
        """The folder's files as one page (written by every build), unless pages inline or fetch them."""
        if job.self_contained or job.cdn or not job.sources:
            return []
        first, *rest = (f"{ASSETS_DIR}/{rel}" for rel in asset_files())
        return [Page(self.name, first, attached=tuple(rest))]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """Copy the files from the package."""
        for _page in pages:  # one page: the folder
            for rel, data in asset_files().items():
                emit(f"{ASSETS_DIR}/{rel}", data)
        return [{} for _ in pages]


def _settlements(job: Job) -> SettlementsFile:
    """The atlas's ``settlements.js``: the columns of any state (they do not depend on claims)."""
    slug, dates = job.sources[0]
    return settlements_file(compute_state(job.ds.gazetteer, job.ds.ledger, source=slug, date=dates[0]))


class SettlementsScript(PageKind):
    """``settlements.js``: the settlement columns every map and the explorer share (names, places, positions)."""

    name = "settlements-script"
    in_page_keys = False

    def plan(self, job: Job) -> list[Page]:
        """One script for the whole atlas (self-contained maps carry their own; the explorer uses it)."""
        return [Page(self.name, SETTLEMENTS_JS)] if job.sources else []

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """The columns of any state."""
        for page in pages:
            emit(page.path, _settlements(job).text)
        return [{} for _ in pages]


@functools.lru_cache(maxsize=2)  # a build's job (it keeps the dataset alive: no more)
def _cells(job: Job, url: str = CELLS_JS) -> CellsFile:
    """The atlas's ``cells.js``: each settlement's cell, in the order of ``settlements.js`` (once per build and url)."""
    slug, dates = job.sources[0]
    state = compute_state(job.ds.gazetteer, job.ds.ledger, source=slug, date=dates[0])
    return cells_file(state, cell_outlines(job.ds.cells), url=url)


class CellsScript(PageKind):
    """``cells.js``: each settlement's cell, which the maps draw for the settlements a source claims."""

    name = "cells-script"
    in_page_keys = False

    def plan(self, job: Job) -> list[Page]:
        """One script for the whole atlas (self-contained maps carry the cells they draw)."""
        return [Page(self.name, CELLS_JS)] if job.sources and not job.self_contained else []

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """The cells of the dataset's gazetteer."""
        for page in pages:
            emit(page.path, _cells(job).text)
        return [{} for _ in pages]


class SearchScript(PageKind):
    """``explore/search.js``: every spelling the resolver knows of every placed settlement, for the explorer."""

    name = "search-script"
    in_page_keys = False

    def plan(self, job: Job) -> list[Page]:
        """One index for the atlas."""
        return [Page(self.name, SEARCH_JS)] if job.sources else []

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """The spellings of the rows of ``settlements.js``, in its order."""
        placed = job.ds.gazetteer[job.ds.gazetteer.geometry.notna()]
        for page in pages:
            emit(page.path, search_script(search_data(placed, key=_settlements(job).key)))
        return [{} for _ in pages]


class ClaimsScript(PageKind):
    """``<source>/claims.js``: a source's claim texts, loaded by all its maps (inlined when self-contained)."""

    name = "claims-script"

    def plan(self, job: Job) -> list[Page]:
        """One script per source with claims, unless the pages are self-contained."""
        if job.self_contained:
            return []
        return [Page(self.name, claims_path(slug), source=slug) for slug, _ in job.sources]

    def keys(self, job: Job, pages: Sequence[Page]) -> list[str | None]:
        """Every claim of the source."""
        mine = _SourceClaims(job)
        return [page_key(job.base, p.path, p.nav, mine.up_to(p.source)) for p in pages]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """The source's claims, escaped, in (date, id) order."""
        for page in pages:
            emit(page.path, claims_file(job.claims, page.source).text)
        return [{} for _ in pages]


def explore_path(source: str) -> str:
    """Relative path of a source's series script for the explorer (``explore.html``)."""
    return f"explore/{source}.js"


def explore_series(ds: Dataset, claims: Mapping[str, Mapping[str, Any]], source: str, dates: list[dt.date]) -> str:
    """The explorer's script of ``source``: its state on each of ``dates`` as changes per date."""
    states = (st for _day, st in iter_states(ds.gazetteer, ds.ledger, source=source, dates=dates))
    data = series_data(
        [d.isoformat() for d in dates],
        states,
        claims,
        figures(ds.ledger, source=source, date=dates[-1]),
        attacks(ds.ledger, source=source, date=dates[-1]),
    )
    return series_script(source, data)


def claims_path(source: str) -> str:
    """Relative path of a source's claims script inside the atlas."""
    return f"{source}/claims.js"


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


def compare_path(date: dt.date | str) -> str:
    """Relative path of the all-sources comparison of one date."""
    d = date.isoformat() if isinstance(date, dt.date) else date
    return f"compare/{d}.html"


class MapPage(PageKind):
    """``<source>/<date>.html``: the state one source claims on one date, with its data and image beside it."""

    name = "map"
    in_page_keys = False  # a map's key is in its own manifest entry
    reported = True

    def plan(self, job: Job) -> list[Page]:
        """A map per source and claim date, linked to the previous and next date, its timeline and comparison."""
        pages = []
        for slug, dates in job.sources:
            for i, day in enumerate(dates):
                path, base = map_path(slug, day), f"{slug}/{day.isoformat()}"
                image = job.images == "all" or (job.images == "latest" and i + 1 == len(dates))
                files = {"data": f"{base}.geojson", "image": f"{base}.png" if image else ""}
                nav = {
                    "index": link(path, INDEX_HTML),
                    "timeline": link(path, timeline_path(slug)),
                    "compare": link(path, compare_path(day)),
                    "data": link(path, files["data"]),
                    "embed": path,
                }
                if not job.self_contained:
                    nav["search"] = link(path, SEARCH_JS)
                if image:
                    nav["image"] = link(path, files["image"])
                if i > 0:
                    nav["prev"] = link(path, map_path(slug, dates[i - 1]))
                if i + 1 < len(dates):
                    nav["next"] = link(path, map_path(slug, dates[i + 1]))
                attached = tuple(f for f in files.values() if f)
                pages.append(Page(self.name, path, nav, source=slug, date=day, attached=attached))
        return pages

    def keys(self, job: Job, pages: Sequence[Page]) -> list[str | None]:
        """The source's claims made on or before the date, and the page's links."""
        mine = _SourceClaims(job)
        return [map_key(job.base, p.source, p.day, p.nav, mine.up_to(p.source, p.day)) for p in pages]

    def units(self, pages: Sequence[Page], *, workers: int) -> list[list[Page]]:
        """One unit per source: its states are computed one after the other, each from the last."""
        by_source: dict[str, list[Page]] = {}
        for p in pages:
            by_source.setdefault(p.source, []).append(p)
        return list(by_source.values())

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """The maps of one source (ascending dates) and their GeoJSON; the states advance date by date."""
        slug = pages[0].source
        ds = source_view(job.ds, slug)
        # One script with the source's claim texts, loaded by all its maps (inlined when self-contained).
        shared = (
            None if job.self_contained else claims_file(job.claims, slug, url=link(pages[0].path, claims_path(slug)))
        )
        common: SettlementsFile | None = None
        cells: CellsFile | None = None
        links = _settlement_links(job)
        entries = []
        series = source_series(ds, slug)  # its figures, attacks, relative and unplaced claims, once
        exports = SourceExports(ds, slug, ageing=job.ageing)  # what its GeoJSON files say about it, once
        states = source_states(ds, slug, [p.day for p in pages], ageing=job.ageing)
        for page, (day, state) in zip(pages, states, strict=True):
            if common is None and not job.self_contained:  # the atlas's settlements.js and cells.js
                common = settlements_file(state, url=link(page.path, SETTLEMENTS_JS))
                cells = _cells(job, url=link(page.path, CELLS_JS))
            ctx = map_context(
                ds,
                slug,
                day,
                state=state,
                claims=job.claims,
                nav=dict(page.nav),
                claims_js=shared,
                settlements_js=common,
                cells_js=cells,
                settlement_links=links(page),
                ageing=job.ageing,
                series=series,
            )
            emit(page.path, map_html(ctx, assets=page_assets(job, page.path)))
            data, image = page.attached[0], (page.attached[1] if len(page.attached) > 1 else None)
            export = exports.context(day, state=state)
            emit(data, geojson_bytes(export))
            stale = state["stale"] & ~state["expired"]
            entries.append(
                {
                    "source": slug,
                    "date": ctx.date,
                    "path": page.path,
                    "data": data,
                    "image": image,
                    "counts": group_counts(state),
                    "stale": int(stale.sum()),
                    "expired": int(state["expired"].sum()),
                    "drawn_areas": ctx.drawn.date if ctx.drawn is not None else None,
                    "implied_km2": dict(ctx.areas),
                    "claims_to_date": export.claims_to_date,
                    "figures": [
                        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in f.items()}
                        for f in ctx.figures
                    ],
                    "unplaced": [u["claim_id"] for u in ctx.unplaced],
                }
            )
        return entries

    def manifest(self, done: Sequence[Done]) -> dict[str, Any]:
        """``maps``: each map's entry, with its key, by source and date."""
        maps = [{**d.entry, "key": d.key} for d in done]
        return {"maps": sorted(maps, key=lambda e: (e["source"], e["date"]))}

    def finish(self, job: Job, done: Sequence[Done], write: Emit) -> None:
        """Draw the static image (16:9 PNG) of each map drawn again that has one (see :data:`IMAGES`), in the pool."""
        todo = [d.page for d in done if not d.reused and len(d.page.attached) > 1]
        if not todo:
            return
        workers = max(1, min(job.workers, len(todo)))
        for page, png in zip(todo, run(_image, job, todo, workers=workers, chunksize=4), strict=True):
            write(page.attached[1], png)


def _image(job: Job, page: Page) -> bytes:
    ds = job.ds
    state = next(source_states(ds, page.source, [page.day], ageing=job.ageing))[1]
    ctx = export_context(ds, page.source, page.day, state=state, ageing=job.ageing)
    return render_image(ctx, fmt="png", size="16x9")


class TimelinePage(PageKind):
    """``<source>/timeline.html``: a source's claims over time, with a date slider."""

    name = "timeline"

    def plan(self, job: Job) -> list[Page]:
        """One timeline per source, linked to the index."""
        return [
            Page(
                self.name,
                timeline_path(slug),
                {"index": link(timeline_path(slug), INDEX_HTML)},
                source=slug,
                weight=len(dates),
            )
            for slug, dates in job.sources
        ]

    def keys(self, job: Job, pages: Sequence[Page]) -> list[str | None]:
        """Every claim of the source, and the page's links."""
        mine = _SourceClaims(job)
        return [page_key(job.base, p.path, p.nav, mine.up_to(p.source)) for p in pages]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """Every state of the source, in one page."""
        dates = dict(job.sources)
        links = _settlement_links(job)

        def timeline(page: Page) -> Any:
            ds, days = source_view(job.ds, page.source), dates[page.source]
            # The page applies the maximum age itself, per date: the states colour every claim.
            every = dataclasses.replace(job.ageing, max_age_days=None)
            mine = ds.areas[ds.areas["source"] == page.source]
            drawn = [drawn_areas(ds, page.source, d.date()) for d in sorted(set(mine["date"]))]
            # The timeline reads the states once, in order: advance them again rather than hold them all.
            ctx = TimelineContext(
                source=source_record(ds, page.source),
                dates=[d.isoformat() for d in days],
                states=(state for _day, state in source_states(ds, page.source, days, ageing=every)),
                claims=job.claims,
                figures=figures(ds.ledger, source=page.source, date=days[-1]),
                border=ds.border,
                nav=page.nav,
                theatre=ds.theatre,
                settlement_links=links(page),
                ageing=job.ageing,
                drawn=[d for d in drawn if d is not None],
                attacks=attacks(ds.ledger, source=page.source, date=days[-1]),
            )
            return render_timeline(ctx, assets=page_assets(job, page.path))

        _drawn(pages, timeline, emit)
        return [{} for _ in pages]

    def manifest(self, done: Sequence[Done]) -> dict[str, Any]:
        """``timelines``: the path of each source's timeline."""
        return {"timelines": {d.page.source: d.page.path for d in done}}


class ComparisonPage(PageKind):
    """``compare/<date>.html``: every source on one date as its own layer, and where they disagree."""

    name = "compare"

    def plan(self, job: Job) -> list[Page]:
        """A page per date on which any source made a claim, showing the sources that had claimed by then."""
        first = {slug: dates[0] for slug, dates in job.sources}
        days = sorted({d for _, dates in job.sources for d in dates})
        pages = []
        for i, day in enumerate(days):
            path = compare_path(day)
            nav = {"index": link(path, INDEX_HTML)}
            if not job.self_contained:
                nav["search"] = link(path, SEARCH_JS)
            if i > 0:
                nav["prev"] = link(path, compare_path(days[i - 1]))
            if i + 1 < len(days):
                nav["next"] = link(path, compare_path(days[i + 1]))
            active = tuple(slug for slug, _ in job.sources if first[slug] <= day)
            pages.append(Page(self.name, path, nav, date=day, weight=len(active), extra=active))
        return pages

    def keys(self, job: Job, pages: Sequence[Page]) -> list[str | None]:
        """Every claim made on or before the date, and the page's links."""
        claim_dates = job.ds.ledger.claims["date"].to_numpy()
        return [page_key(job.base, p.path, p.nav, job.hashes[claim_dates <= np.datetime64(p.day)]) for p in pages]

    def units(self, pages: Sequence[Page], *, workers: int) -> list[list[Page]]:
        """Runs of consecutive dates: the states of every source advance through a run in lockstep."""
        step = max(1, -(-len(pages) // (2 * workers)))
        return [list(pages[i : i + step]) for i in range(0, len(pages), step)]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """A run of dates, the states of every source advancing together."""
        ds = job.ds
        active = {slug for p in pages for slug in p.extra}
        iters = {  # each source's claims alone, on the dates it has claimed by
            slug: source_states(
                source_view(ds, slug), slug, [p.day for p in pages if slug in p.extra], ageing=job.ageing
            )
            for slug, _ in job.sources
            if slug in active
        }
        rows = {slug: source_record(ds, slug) for slug in active}
        drawn = {slug: DrawnByDay(ds, slug) for slug in active}
        links = _settlement_links(job)
        entries = []
        for page in pages:
            ctx = CompareContext(
                date=page.day.isoformat(),
                sources=[rows[slug] for slug in page.extra],
                states={slug: next(iters[slug])[1] for slug in page.extra},
                claims=job.claims,
                border=ds.border,
                nav=page.nav,
                theatre=ds.theatre,
                settlement_links=links(page),
                ageing=job.ageing,
                drawn={slug: d for slug in page.extra if (d := drawn[slug](page.day)) is not None},
            )
            emit(page.path, compare_html(ctx, assets=page_assets(job, page.path)))
            entries.append(
                {
                    "date": ctx.date,
                    "path": page.path,
                    "sources": list(page.extra),
                    "disagreements": sorted(ctx.disagreements),
                }
            )
        return entries

    def manifest(self, done: Sequence[Done]) -> dict[str, Any]:
        """``compare``: each page's date, sources and disagreements."""
        return {"compare": sorted((d.entry for d in done), key=lambda e: e["date"])}


class ExploreSeries(PageKind):
    """``explore/<source>.js``: a source's states as changes per date, loaded by the explorer when picked."""

    name = "explore-series"

    def plan(self, job: Job) -> list[Page]:
        """One script per source with claims."""
        return [Page(self.name, explore_path(slug), source=slug, weight=len(dates)) for slug, dates in job.sources]

    def keys(self, job: Job, pages: Sequence[Page]) -> list[str | None]:
        """Every claim of the source."""
        mine = _SourceClaims(job)
        return [page_key(job.base, p.path, p.nav, mine.up_to(p.source)) for p in pages]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """Each source's states, advanced date by date."""
        dates = dict(job.sources)
        for page in pages:
            ds = source_view(job.ds, page.source)
            emit(page.path, explore_series(ds, job.claims, page.source, dates[page.source]))
        return [{} for _ in pages]

    def manifest(self, done: Sequence[Done]) -> dict[str, Any]:
        """``explore``: the entry page, which loads these scripts."""
        return {"explore": EXPLORE_HTML} if done else {}


class ExplorePage(PageKind):
    """``explore.html``: the entry page: what did source S claim on date D, search, permalinks."""

    name = "explore"
    in_page_keys = False
    last = True

    def plan(self, job: Job) -> list[Page]:
        """One page at the top of the atlas."""
        return [Page(self.name, EXPLORE_HTML)] if job.sources else []

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """The sources and their dates (from the manifest), the border and the settlements' key."""
        assert job.manifest is not None, "the explorer lists the sources of the manifest"
        data = explore_data(job.manifest, settlements_key=_settlements(job).key, border=job.ds.border)
        for page in pages:
            emit(page.path, render_explore(data, assets=page_assets(job, page.path)))
        return [{} for _ in pages]


class SideBySidePage(PageKind):
    """Two sources' maps of one date in two synchronised panes; made on request (``kursk-map compare``)."""

    name = "side-by-side"

    @staticmethod
    def page(left: str, right: str, date: dt.date) -> Page:
        """The page comparing ``left`` with ``right`` on ``date``; its path is the default file name."""
        path = f"compare-{left}-{right}-{date.isoformat()}.html"
        return Page(SideBySidePage.name, path, source=left, date=date, extra=(right,))

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """Each page's two maps, from the whole dataset."""

        def side_by_side(page: Page) -> Any:
            left, right = (
                map_context(job.ds, slug, page.day, claims=job.claims, ageing=job.ageing)
                for slug in (page.source, *page.extra)
            )
            return render_side_by_side(left, right, assets=page_assets(job, page.path))

        _drawn(pages, side_by_side, emit)
        return [{} for _ in pages]


def root_of(path: str) -> str:
    """The atlas's root relative to the page at ``path`` ("" for a page at the root).

    Examples
    --------
    >>> root_of("ru-mod/2025-03-15.html"), root_of("index.html")
    ('../', '')
    """
    return link(path, INDEX_HTML).removesuffix(INDEX_HTML)


def _settlement_links(job: Job) -> Callable[[Page], SettlementLinks | None]:
    """For a page of ``job``: the script that lets its popups link the settlements' pages (None without any).

    Pages load ``settlements/pages.js``, which every build writes again; a self-contained page
    inlines its text instead (made once here), and then depends on it: see :func:`.loop.job_for`.
    """
    pages = job.links.get(SettlementPage.name)
    if pages is None:
        return lambda _page: None
    text = settlement_links_script(pages) if job.self_contained else ""

    def of(page: Page) -> SettlementLinks:
        if job.self_contained:
            return SettlementLinks(root=root_of(page.path), text=text)
        return SettlementLinks(root=root_of(page.path), url=link(page.path, SETTLEMENT_LINKS_JS))

    return of


#: The folder of the settlements' pages, the list of them, and the table of them the popups read.
SETTLEMENTS_DIR = "settlements"
SETTLEMENT_LIST, SETTLEMENT_LINKS_JS = f"{SETTLEMENTS_DIR}/index.html", f"{SETTLEMENTS_DIR}/pages.js"
_PLAIN_ID = re.compile(r"[a-z0-9][a-z0-9-]*(?::[a-z0-9][a-z0-9-]*)*")
#: Names a page may not take: the list's, and those Windows keeps for devices (``nul.html`` is ``NUL``).
_TAKEN = frozenset(
    {"index", "con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def settlement_path(settlement: str) -> str:
    """Relative path of a settlement's page: ``settlements/<id>.html``, the id made a safe file name.

    An id of lower-case letters, digits and hyphens, in parts joined by ``:``, keeps its letters,
    with ``.`` for ``:``. Any other id (capitals, other characters, more than 80 of them, or a
    name the folder or Windows keeps) is written the same way as far as it can be, then ``_`` and
    12 hexadecimal digits of its SHA-256: two ids never share a file, on a file system that ignores
    case too, and a page keeps its name from build to build.

    Examples
    --------
    >>> settlement_path("kmap:gornal-sudzhansky"), settlement_path("486816")
    ('settlements/kmap.gornal-sudzhansky.html', 'settlements/486816.html')
    >>> settlement_path("katotth:UA59080290070062480")
    'settlements/katotth.ua59080290070062480_0404aef6b84b.html'
    >>> settlement_path("../index")
    'settlements/index_dc8b8c2e23b0.html'
    """
    stem = settlement.replace(":", ".")
    if not (_PLAIN_ID.fullmatch(settlement) and len(settlement) <= 80 and stem.split(".")[0] not in _TAKEN):
        readable = re.sub(r"[^a-z0-9.]+", "-", stem.lower())
        readable = re.sub(r"\.{2,}", ".", readable).strip(".-")[:60].strip(".-") or "settlement"
        stem = f"{readable}_{hashlib.sha256(settlement.encode('utf-8')).hexdigest()[:12]}"
    return f"{SETTLEMENTS_DIR}/{stem}.html"


class SettlementPage(PageKind):
    """``settlements/<id>.html``: one settlement's claim history across every source, on a time axis and in a table.

    Every settlement that a claim names has one (placed or not); with them come the list of them
    (``settlements/index.html``, linked from the index) and ``settlements/pages.js``, which the
    popups of the maps, timelines and comparison pages read to link them.
    """

    name = "settlement-page"

    def links(self, job: Job) -> dict[str, dict[str, Any]]:
        """Each settlement with a history: its page, the claims naming it and their sources, and its history."""
        out: dict[str, dict[str, Any]] = {}
        for sid, history in settlement_histories(job.ds).items():
            naming = [cid for cid, role in history if role == "named"]
            out[sid] = {
                "path": settlement_path(sid),
                "claims": len(naming),
                "sources": len({job.claims[cid]["source"] for cid in naming}),
                "rows": len(history),
                "history": tuple(history),
            }
        return out

    def plan(self, job: Job) -> list[Page]:
        """The list, the script the popups read, and a page per settlement with a history."""
        published = job.links[self.name]
        by_path: dict[str, str] = {}
        pages = [
            Page(self.name, SETTLEMENT_LIST, {"index": link(SETTLEMENT_LIST, INDEX_HTML)}, weight=len(published)),
            Page(self.name, SETTLEMENT_LINKS_JS),
        ]
        for sid, entry in published.items():
            path = entry["path"]
            if by_path.setdefault(path, sid) != sid:  # two ids that write one file: never overwrite silently
                raise KurskMapError(f"settlements {by_path[path]!r} and {sid!r} would share the page {path}")
            nav = {"index": link(path, INDEX_HTML), "list": link(path, SETTLEMENT_LIST)}
            about = {"id": sid, **{k: entry[k] for k in ("claims", "sources", "rows")}}
            pages.append(Page(self.name, path, nav, weight=len(entry["history"]), extra=(sid,), about=about))
        return pages

    def keys(self, job: Job, pages: Sequence[Page]) -> list[str | None]:
        """A settlement's page: the claims it shows, its links and the time axis (the gazetteer is in the base)."""
        position = {cid: i for i, cid in enumerate(job.ds.ledger.claims["claim_id"].tolist())}
        period = history_period(job.ds)
        keys: list[str | None] = []
        for p in pages:
            if not p.extra:  # the list and the script: drawn by every build
                keys.append(None)
                continue
            history = job.links[self.name][p.extra[0]]["history"]
            hashes = job.hashes[[position[cid] for cid, _ in history]]
            roles = ",".join(role for _, role in history)
            keys.append(page_key(job.base, p.path, {**p.nav, "period": "/".join(period), "roles": roles}, hashes))
        return keys

    def units(self, pages: Sequence[Page], *, workers: int) -> list[list[Page]]:
        """Runs of pages, a few per worker."""
        step = max(1, -(-len(pages) // (2 * workers)))
        return [list(pages[i : i + step]) for i in range(0, len(pages), step)]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """Each settlement's page from its history; the list and the script from every settlement's."""
        published = job.links[self.name]
        period = history_period(job.ds)
        for page in pages:
            if page.path == SETTLEMENT_LINKS_JS:
                emit(page.path, settlement_links_script(published))
            elif page.path == SETTLEMENT_LIST:
                histories = {sid: e["history"] for sid, e in published.items()}
                rows = [
                    {**r, "href": link(page.path, published[r["id"]]["path"])}
                    for r in settlement_rows(job.ds, histories, job.claims)
                ]
                html = render_settlement_list(rows, total=len(job.ds.gazetteer), nav=page.nav, theatre=job.ds.theatre)
                emit(page.path, html)
            else:
                sid = page.extra[0]
                ctx = settlement_context(job.ds, sid, published[sid]["history"], claims=job.claims, period=period)
                links = {
                    str(e["claim_id"]): {
                        "map": link(page.path, map_path(str(e["source"]), str(e["date"]))),
                        "compare": link(page.path, compare_path(str(e["date"]))),
                    }
                    for e in ctx.entries
                }
                emit(page.path, render_settlement(dataclasses.replace(ctx, links=links, nav=page.nav)))
        return [{} for _ in pages]

    def manifest(self, done: Sequence[Done]) -> dict[str, Any]:
        """``settlements``: the list, and each settlement's page: the claims naming it, their sources, its rows."""
        entries = {
            d.page.about["id"]: {"path": d.page.path, **{k: d.page.about[k] for k in ("claims", "sources", "rows")}}
            for d in done
            if d.page.about
        }
        return {"settlements": {"list": SETTLEMENT_LIST, "pages": dict(sorted(entries.items()))}}


class IndexPage(PageKind):
    """``index.html``: every page of the atlas by source and date, drawn from the manifest."""

    name = "index"
    in_page_keys = False
    last = True

    def plan(self, job: Job) -> list[Page]:
        """The atlas's front page."""
        return [Page(self.name, INDEX_HTML)]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """Links to every page the manifest lists."""
        assert job.manifest is not None, "the index is drawn from the manifest"
        for page in pages:
            emit(page.path, render_index(job.manifest))
        return [{} for _ in pages]


#: Every page kind, in the order the build plans them.
KINDS: Mapping[str, PageKind] = {
    k.name: k
    for k in (
        AssetFiles(),
        SettlementsScript(),
        CellsScript(),
        SearchScript(),
        ClaimsScript(),
        MapPage(),
        TimelinePage(),
        ExploreSeries(),
        ComparisonPage(),
        SettlementPage(),
        SideBySidePage(),
        IndexPage(),
        ExplorePage(),
    )
}
