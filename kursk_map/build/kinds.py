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

The build loop (:mod:`.loop`) knows no kind by name: it goes through :data:`KINDS`. Adding a page
kind touches this registry, one renderer and the index (README.md, "For developers", has the recipe).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

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
    render_index,
    render_map,
    render_side_by_side,
    render_timeline,
    settlements_file,
)
from ..resolution import ResolvedLedger
from ..state import compute_state, figures, group_counts, iter_states
from ..view import export_context, map_context, source_record
from .cache import map_key, page_key
from .pool import run

#: The atlas's front page, and the settlement columns every map shares.
INDEX_HTML, SETTLEMENTS_JS = "index.html", "settlements.js"
#: Where a page sends its files: ``emit(relative_path, text_or_bytes)``.
Emit = Callable[[str, str | bytes], None]


@dataclass(frozen=True)
class Page:
    """One page (or shared script) of the atlas, as planned.

    ``nav`` holds the page's links (relative URLs) by role, ``attached`` the other files that belong
    to it (a map's data and image: kept or drawn with it), ``weight`` a guess of its cost (to start
    big units first) and ``extra`` what else its kind needs to know (a comparison page: the sources
    it shows).
    """

    kind: str
    path: str
    nav: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    date: dt.date | None = None
    attached: tuple[str, ...] = ()
    weight: int = 1
    extra: tuple[str, ...] = ()

    @property
    def day(self) -> dt.date:
        """The page's date (for the kinds that have one)."""
        assert self.date is not None, f"{self.kind} page {self.path} has no date"
        return self.date

    @property
    def files(self) -> tuple[str, ...]:
        """Every file of the page, its own path first."""
        return (self.path, *self.attached)


@dataclass(frozen=True)
class Job:
    """What every page of one build shares. Forked workers inherit it: it is never pickled."""

    ds: Dataset
    claims: dict[str, dict[str, Any]]  #: claim records by id, the popups' texts (:func:`kursk_map.view.claim_records`)
    sources: list[tuple[str, list[dt.date]]]  #: sources with claims (by slug) and their dates
    base: str  #: the key every page depends on (:func:`.cache.base_key`)
    hashes: np.ndarray  #: :func:`.cache.claim_hashes` of the whole ledger, in its order
    self_contained: bool = False  #: pages inline Leaflet and their scripts
    images: bool = False  #: maps have a static PNG
    write: Emit | None = None  #: set when the workers write the files themselves
    workers: int = 1  #: processes for the pool
    manifest: Mapping[str, Any] | None = None  #: set for the kinds drawn after the manifest (the index)


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
            emit(page.path, html(page).get_root().render())


class SettlementsScript(PageKind):
    """``settlements.js``: the settlement columns every map shares (names, places, positions)."""

    name = "settlements-script"
    in_page_keys = False

    def plan(self, job: Job) -> list[Page]:
        """One script for the whole atlas, unless the pages are self-contained."""
        return [] if job.self_contained or not job.sources else [Page(self.name, SETTLEMENTS_JS)]

    def render(self, job: Job, pages: Sequence[Page], emit: Emit) -> list[dict[str, Any]]:
        """The columns of any state: they do not depend on claims."""
        slug, dates = job.sources[0]
        state = compute_state(job.ds.gazetteer, job.ds.ledger, source=slug, date=dates[0])
        for page in pages:
            emit(page.path, settlements_file(state).text)
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
                files = {"data": f"{base}.geojson", "image": f"{base}.png" if job.images else ""}
                nav = {
                    "index": link(path, INDEX_HTML),
                    "timeline": link(path, timeline_path(slug)),
                    "compare": link(path, compare_path(day)),
                    "data": link(path, files["data"]),
                    "embed": path,
                }
                if job.images:
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
        claim_dates = ds.ledger.claims["date"].to_numpy()
        entries = []
        states = iter_states(ds.gazetteer, ds.ledger, source=slug, dates=[p.day for p in pages])
        for page, (day, state) in zip(pages, states, strict=True):
            if common is None and not job.self_contained:  # the atlas's settlements.js
                common = settlements_file(state, url=link(page.path, SETTLEMENTS_JS))
            ctx = map_context(
                ds,
                slug,
                day,
                state=state,
                claims=job.claims,
                nav=dict(page.nav),
                claims_js=shared,
                settlements_js=common,
            )
            with deterministic_ids():
                emit(page.path, render_map(ctx, self_contained=job.self_contained).get_root().render())
            data, image = page.attached[0], (page.attached[1] if job.images else None)
            emit(data, geojson_text(export_context(ds, slug, day, state=state)))
            entries.append(
                {
                    "source": slug,
                    "date": ctx.date,
                    "path": page.path,
                    "data": data,
                    "image": image,
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
        return entries

    def manifest(self, done: Sequence[Done]) -> dict[str, Any]:
        """``maps``: each map's entry, with its key, by source and date."""
        maps = [{**d.entry, "key": d.key} for d in done]
        return {"maps": sorted(maps, key=lambda e: (e["source"], e["date"]))}

    def finish(self, job: Job, done: Sequence[Done], write: Emit) -> None:
        """Draw the static image of each map drawn again (16:9 PNG), in the pool."""
        if not job.images:
            return
        todo = [d.page for d in done if not d.reused]
        workers = max(1, min(job.workers, len(todo)))
        for page, png in zip(todo, run(_image, job, todo, workers=workers, chunksize=4), strict=True):
            write(page.attached[1], png)


def _image(job: Job, page: Page) -> bytes:
    return render_image(export_context(job.ds, page.source, page.day), fmt="png", size="16x9")


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

        def timeline(page: Page) -> Any:
            ds, days = source_view(job.ds, page.source), dates[page.source]
            # The timeline reads the states once, in order: advance them again rather than hold them all.
            ctx = TimelineContext(
                source=source_record(ds, page.source),
                dates=[d.isoformat() for d in days],
                states=(state for _day, state in iter_states(ds.gazetteer, ds.ledger, source=page.source, dates=days)),
                claims=job.claims,
                figures=figures(ds.ledger, source=page.source, date=days[-1]),
                border=ds.border,
                nav=page.nav,
                theatre=ds.theatre,
            )
            return render_timeline(ctx, self_contained=job.self_contained)

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
        days = [p.day for p in pages]
        iters = {slug: iter_states(ds.gazetteer, ds.ledger, source=slug, dates=days) for slug, _ in job.sources}
        rows = {slug: source_record(ds, slug) for slug, _ in job.sources}
        entries = []
        for page in pages:
            states = {slug: next(it)[1] for slug, it in iters.items()}
            ctx = CompareContext(
                date=page.day.isoformat(),
                sources=[rows[slug] for slug in page.extra],
                states={slug: states[slug] for slug in page.extra},
                claims=job.claims,
                border=ds.border,
                nav=page.nav,
                theatre=ds.theatre,
            )
            with deterministic_ids():
                emit(page.path, render_compare(ctx, self_contained=job.self_contained).get_root().render())
            entries.append(
                {
                    "date": ctx.date,
                    "path": page.path,
                    "sources": list(page.extra),
                    "disagreements": sorted(disagreements(ctx.states)),
                }
            )
        return entries

    def manifest(self, done: Sequence[Done]) -> dict[str, Any]:
        """``compare``: each page's date, sources and disagreements."""
        return {"compare": sorted((d.entry for d in done), key=lambda e: e["date"])}


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
                map_context(job.ds, slug, page.day, claims=job.claims) for slug in (page.source, *page.extra)
            )
            return render_side_by_side(left, right, self_contained=job.self_contained)

        _drawn(pages, side_by_side, emit)
        return [{} for _ in pages]


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
        SettlementsScript(),
        ClaimsScript(),
        MapPage(),
        TimelinePage(),
        ComparisonPage(),
        SideBySidePage(),
        IndexPage(),
    )
}
