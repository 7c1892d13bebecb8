"""The view data every page shows, computed from the state: what a map, an export or the figures show.

Claim records (the popups' texts), unplaced claims, the context of one map (:func:`map_context`)
or one export (:func:`export_context`), a source's figures against its claims
(:func:`figure_series`), and each settlement's claim history across sources
(:func:`settlement_histories`, :func:`settlement_context`). Pure functions of a loaded
:class:`~kursk_map.dataset.Dataset`; the renderers draw what these return and compute nothing about claims.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from . import schemas
from ._errors import KurskMapError
from .areas import cell_outlines, drawn_km2, held_areas, held_areas_by
from .attribution import attribution
from .control_areas import areas_on
from .dataset import Dataset, unknown_source
from .render import (
    CellsFile,
    ClaimsFile,
    DrawnAreas,
    ExportContext,
    MapContext,
    SettlementContext,
    SettlementLinks,
    SettlementsFile,
)
from .resolution import oblast_of
from .state import (
    Ageing,
    attacks,
    figures,
    group_counts,
    iter_states,
    relative_geometries,
    source_dates,
)


def ageing_of(
    ds: Dataset, *, presence_days: int | None = None, control_days: int | None = None, max_age_days: int | None = None
) -> Ageing:
    """The ageing rule of a build: the theatre's ``stale_days``, with the options given."""
    return Ageing.of(
        ds.theatre.stale_days, presence_days=presence_days, control_days=control_days, max_age_days=max_age_days
    )


def source_states(
    ds: Dataset, source: str, dates: list[dt.date], *, ageing: Ageing | None = None
) -> Iterator[tuple[dt.date, gpd.GeoDataFrame]]:
    """The states of ``source`` on ``dates`` from everything the dataset holds: claims, drawn areas, ageing."""
    return iter_states(
        ds.gazetteer,
        ds.ledger,
        source=source,
        dates=dates,
        areas=ds.areas,
        crs=ds.equal_area_crs,
        ageing=ageing or ageing_of(ds),
    )


def source_state(ds: Dataset, source: str, date: dt.date, *, ageing: Ageing | None = None) -> gpd.GeoDataFrame:
    """The state of ``source`` on ``date`` (see :func:`source_states`)."""
    return next(source_states(ds, source, [date], ageing=ageing))[1]


def map_dates(ds: Dataset, source: str) -> list[dt.date]:
    """The days a source has a map: those of its claims and those of its drawn areas, ascending."""
    drawn = ds.areas.loc[ds.areas["source"] == source, "date"]
    return sorted(set(source_dates(ds.ledger, source)) | {pd.Timestamp(d).date() for d in drawn})


def drawn_areas(ds: Dataset, source: str, date: dt.date) -> DrawnAreas | None:
    """The areas ``source`` drew most recently on or before ``date`` (its polygons), or None."""
    day = areas_on(ds.areas, source=source, date=date)
    if day.empty:
        return None
    outlines = ds.countries
    known = outlines is not None and not outlines.empty and "country" in outlines
    km2 = drawn_km2(day, outlines, crs=ds.equal_area_crs) if known else {}
    return DrawnAreas(date=pd.Timestamp(day["date"].iloc[0]).date().isoformat(), areas=day, km2=km2)


def check_source(ds: Dataset, source: str) -> None:
    """Raise a :class:`KurskMapError` naming the known sources (and the closest one) if ``source`` is not one."""
    if source not in set(ds.sources["slug"]):
        raise KurskMapError(unknown_source(source, ds.sources["slug"]))


def source_record(ds: Dataset, source: str) -> dict[str, str]:
    """The row of ``sources.csv`` of ``source`` as texts (slug, name, side, kind, url)."""
    return {str(k): str(v) for k, v in ds.sources.loc[source].to_dict().items()}


def claim_records(ds: Dataset) -> dict[str, dict[str, Any]]:
    """Claim records for the renderers, each with ``attribution`` ("Russian MoD, as reported by news.az")."""
    c = ds.ledger.claims
    names = (
        "claim_id",
        "date",
        "source",
        "kind",
        "settlement",
        "controller",
        "summary",
        "url",
        "primary_url",
        "denies",
        "drawn",
    )
    cols = [c["date"].dt.strftime("%Y-%m-%d").tolist() if k == "date" else c[k].tolist() for k in names]
    records = {row[0]: dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)}
    who = {
        str(s): (str(n), str(u))
        for s, n, u in zip(ds.sources["slug"], ds.sources["name"], ds.sources["url"], strict=True)
    }
    for r in records.values():
        name, homepage = who.get(str(r["source"]), (str(r["source"]), ""))
        r["attribution"] = attribution(
            name, str(r["url"]), homepage=homepage, primary_url=str(r["primary_url"]), drawn=bool(r["drawn"])
        )
    return records


def unplaced_records(ds: Dataset) -> list[dict[str, Any]]:
    """The claims that could not be placed, by date, each with where it is written."""
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


@dataclass(frozen=True)
class SourceSeries:
    """What the maps of one source list besides the state, for all its dates at once.

    Figures, attacks and relative claims (as :func:`kursk_map.state.figures`, :func:`~kursk_map.state.attacks`,
    :func:`~kursk_map.state.relative_geometries`) and the source's unplaced claims, each with its ISO
    ``date``. :func:`map_context` keeps those made on or before its date: the atlas computes a series once
    per source instead of filtering the ledger for every map.
    """

    source: dict[str, str]
    figures: list[dict[str, Any]]  #: newest first
    attacks: list[dict[str, Any]]  #: newest first
    relative: list[dict[str, Any]]  #: in ledger order
    unplaced: list[dict[str, Any]]  #: by date
    drawn: DrawnByDay  #: the areas it drew, on any date

    def up_to(self, part: str, iso: str) -> list[dict[str, Any]]:
        """The entries of ``part`` made on or before the ISO date ``iso``, in the part's order."""
        entries: list[dict[str, Any]] = getattr(self, part)
        return [e for e in entries if e["date"] <= iso]


class DrawnByDay:
    """:func:`drawn_areas` of one source on any date, each day it drew measured once (its km² take a while)."""

    def __init__(self, ds: Dataset, source: str) -> None:
        self._ds, self._source = ds, source
        self._days = sorted({pd.Timestamp(d).date() for d in ds.areas.loc[ds.areas["source"] == source, "date"]})
        self._drawn: dict[dt.date, DrawnAreas | None] = {}

    def __call__(self, date: dt.date) -> DrawnAreas | None:
        """The areas the source drew most recently on or before ``date``, or None."""
        i = bisect.bisect_right(self._days, date)
        if i == 0:
            return None
        day = self._days[i - 1]
        if day not in self._drawn:
            self._drawn[day] = drawn_areas(self._ds, self._source, day)
        return self._drawn[day]


def source_series(ds: Dataset, source: str) -> SourceSeries:
    """The :class:`SourceSeries` of ``source`` (raises a :class:`KurskMapError` for an unknown source)."""
    check_source(ds, source)
    return SourceSeries(
        source=source_record(ds, source),
        figures=figures(ds.ledger, source=source, date=None),
        attacks=attacks(ds.ledger, source=source, date=None),
        relative=relative_geometries(ds.ledger, ds.gazetteer, source=source, date=None),
        unplaced=[u for u in unplaced_records(ds) if u["source"] == source],
        drawn=DrawnByDay(ds, source),
    )


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
    cells_js: CellsFile | None = None,
    settlement_links: SettlementLinks | None = None,
    ageing: Ageing | None = None,
    series: SourceSeries | None = None,
) -> MapContext:
    """Everything the map of ``source`` on ``date`` shows (state, figures, drawn areas, attacks, unplaced).

    ``state``, ``claims`` and the source's ``series`` (:func:`source_series`) may be passed when
    already computed (the atlas build does); ``claims_js``, ``settlements_js`` and ``cells_js`` make the
    page load its claim texts, settlement columns and cells from the atlas's shared scripts,
    ``settlement_links`` its popups link the settlements' pages; ``ageing`` is the build's (default:
    the theatre's thresholds, no maximum age).
    """
    series = series or source_series(ds, source)
    ageing = ageing or ageing_of(ds)
    if state is None:
        state = source_state(ds, source, date, ageing=ageing)
    iso = date.isoformat()
    oblasts = sorted({str(o) for o in state["oblast"].unique() if o})
    live = ~state["expired"].to_numpy(dtype=bool)  # claims older than the maximum age imply no area either
    figs = [f | {"oblast": oblast_of(str(f["settlement"]), oblasts) or ""} for f in series.up_to("figures", iso)]
    return MapContext(
        areas=held_areas(state, ds.cells, where=live),
        areas_by_oblast=held_areas_by(state, ds.cells, "oblast", where=live),
        cells=cell_outlines(ds.cells),
        source=series.source,
        date=iso,
        state=state,
        claims=claims if claims is not None else claim_records(ds),
        figures=figs,
        relative=series.up_to("relative", iso),
        attacks=series.up_to("attacks", iso),
        unplaced=series.up_to("unplaced", iso),
        border=ds.border,
        nav=nav or {},
        claims_file=claims_js,
        settlements_file=settlements_js,
        cells_file=cells_js,
        theatre=ds.theatre,
        settlement_links=settlement_links,
        ageing=ageing,
        drawn=series.drawn(date),
    )


def figure_series(ds: Dataset, source: str) -> list[dict[str, Any]]:
    """For each date of ``source``: the figures it announced that day beside what its claims imply.

    Each entry has ``date``, ``announced`` (its area/count claims of that day, area in km²),
    ``drawn`` (the same read off its own map, claim ids ``<source>-map-...``: what it drew, not what it
    said), ``implied_km2`` and ``named_settlements`` (settlements it claims per controller, to date).
    """
    check_source(ds, source)
    dates = source_dates(ds.ledger, source)
    c = ds.ledger.claims
    mine = c[(c["source"] == source) & c["kind"].isin(("area", "count"))]
    out = []
    for day, state in source_states(ds, source, dates):
        today = mine[mine["date"] == pd.Timestamp(day)]
        n = group_counts(state)
        rows = [
            (
                bool(r.get("drawn", False)),
                {
                    "claim_id": r["claim_id"],
                    "kind": r["kind"],
                    "controller": r["controller"],
                    "value": r["value"],
                    "unit": r["unit"],
                    "value_std": r["value_std"],
                },
            )
            for r in today.to_dict("records")
        ]
        out.append(
            {
                "date": day.isoformat(),
                "announced": [f for drawn, f in rows if not drawn],
                "drawn": [f for drawn, f in rows if drawn],
                "implied_km2": held_areas(state, ds.cells),
                "named_settlements": {k: n[k] for k in ("UA", "RU", "contested")},
            }
        )
    return out


#: How a claim enters a settlement's history (:func:`settlement_histories`): it names the settlement,
#: it is a region claim with a controller about the settlement's oblast (it applies to every
#: settlement of the oblast: :mod:`kursk_map.state`), or it denies one of those claims.
HISTORY_ROLES: Final = ("named", "region", "denial")
#: The order of the sources' sides on a settlement's page.
_SIDE_ORDER: Final = {side: i for i, side in enumerate(schemas.SIDES)}


def settlement_histories(ds: Dataset) -> dict[str, list[tuple[str, str]]]:
    """The claims each settlement's history shows, for every settlement that a claim names.

    A settlement is named by a ``control``, ``presence``, ``attack`` or ``relative`` claim, or a
    ``denial`` about it, placed on the map or not (a settlement the gazetteer knows without
    coordinates still has a history). Its history adds the region claims with a controller about
    its oblast, which apply to it as they do on the maps, and the denials of any claim it shows.
    A settlement that no claim names has no history, even where a region claim covers it.

    Returns
    -------
    dict
        Settlement id -> ``[(claim_id, role)]`` in (date, claim_id) order, ``role`` one of
        :data:`HISTORY_ROLES`; by settlement id.
    """
    c = ds.ledger.claims.sort_values(["date", "claim_id"], kind="stable")
    ids = c["claim_id"].tolist()
    named: dict[str, list[int]] = {}
    regions: dict[str, list[int]] = {}
    denials: dict[str, list[int]] = {}
    rows = zip(
        c["settlement_id"].tolist(),
        c["kind"].tolist(),
        c["controller"].tolist(),
        c["oblast"].tolist(),
        c["denies"].tolist(),
        strict=True,
    )
    for i, (sid, kind, controller, oblast, denies) in enumerate(rows):
        if sid:
            named.setdefault(str(sid), []).append(i)
        elif kind == "region" and controller in schemas.CONTROLLERS:
            regions.setdefault(str(oblast), []).append(i)
        if kind == "denial" and denies:
            denials.setdefault(str(denies), []).append(i)
    oblast_of = ds.gazetteer["oblast"].to_dict()
    out: dict[str, list[tuple[str, str]]] = {}
    for sid in sorted(named):
        role = dict.fromkeys(named[sid], "named")
        for i in regions.get(str(oblast_of.get(sid, "")), ()):
            role.setdefault(i, "region")
        for i in list(role):
            for j in denials.get(ids[i], ()):
                role.setdefault(j, "denial")
        out[sid] = [(ids[i], role[i]) for i in sorted(role)]
    return out


def history_period(ds: Dataset) -> tuple[str, str]:
    """The time axis of every settlement's page: the theatre's period, else the ledger's first and last day."""
    if ds.theatre.period is not None:
        first, last = ds.theatre.period
        return first.isoformat(), last.isoformat()
    dates = ds.ledger.claims["date"]
    if not len(dates):
        return "", ""
    return dates.min().date().isoformat(), dates.max().date().isoformat()


def settlement_record(ds: Dataset, settlement: str) -> dict[str, Any]:
    """A settlement's gazetteer row as plain values (texts, and floats or ``None`` for numbers)."""
    row = ds.gazetteer.loc[settlement]
    out: dict[str, Any] = {"id": settlement}
    for k in ("name", "name_ru", "name_uk", "alt_names", "country", "oblast", "raion", "ref", "method", "note"):
        out[k] = _plain(row.get(k))
    for k in ("lat", "lon", "precision_m", "population"):
        v = pd.to_numeric(pd.Series([row.get(k)]), errors="coerce").iloc[0]
        out[k] = None if pd.isna(v) else float(v)
    out["placed"] = row.geometry is not None and not row.geometry.is_empty
    return out


def settlement_context(
    ds: Dataset,
    settlement: str,
    history: Sequence[tuple[str, str]],
    *,
    claims: Mapping[str, Mapping[str, Any]],
    period: tuple[str, str] | None = None,
) -> SettlementContext:
    """What a settlement's page shows: its gazetteer row and each claim of its ``history``, with its source.

    ``history`` is the settlement's entry of :func:`settlement_histories`, ``claims`` the claim
    records (:func:`claim_records`), ``period`` the time axis (default: :func:`history_period`).
    Each entry is the claim's record with its ``role``, its source's ``source_name``, ``side`` and
    ``source_kind``, and for a denial the claim it rejects as ``denied`` (when that is in the ledger).
    """
    sources = {str(s): source_record(ds, str(s)) for s in {claims[cid]["source"] for cid, _ in history}}
    entries = []
    for cid, role in history:
        r = claims[cid]
        src = sources[str(r["source"])]
        entry = {**r, "role": role, "source_name": src["name"], "side": src["side"], "source_kind": src["kind"]}
        denied = claims.get(str(r.get("denies") or "")) if r["kind"] == "denial" else None
        if denied is not None:
            entry["denied"] = {k: denied[k] for k in ("claim_id", "date", "kind", "controller", "settlement")}
            entry["denied"]["source_name"] = source_record(ds, str(denied["source"]))["name"]
        entries.append(entry)
    rows = sorted(sources.values(), key=lambda s: (_SIDE_ORDER.get(s["side"], len(_SIDE_ORDER)), s["name"], s["slug"]))
    return SettlementContext(
        settlement=settlement_record(ds, settlement),
        entries=entries,
        sources=rows,
        period=period or history_period(ds),
        theatre=ds.theatre,
    )


def settlement_rows(
    ds: Dataset, histories: Mapping[str, Sequence[tuple[str, str]]], claims: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One row per settlement with a history, for the list of settlement pages, by name.

    Each row has the gazetteer's names, raion and oblast, ``placed``, ``search`` (every name in
    lower case without accents, for the list's filter), ``claims`` and ``sources`` (the claims that
    name it and their sources), and ``first`` and ``last``: the first and last day a claim named it.
    """
    out = []
    for sid, history in histories.items():
        s = settlement_record(ds, sid)
        naming = [claims[cid] for cid, role in history if role == "named"]
        days = [str(c["date"]) for c in naming]
        names = (s["name"], s["name_ru"], s["name_uk"], *s["alt_names"].split("|"))
        out.append(
            {
                **{k: s[k] for k in ("id", "name", "name_ru", "name_uk", "raion", "oblast", "placed")},
                "search": " ".join(dict.fromkeys(_folded(n) for n in names if n)),
                "claims": len(naming),
                "sources": len({c["source"] for c in naming}),
                "first": min(days, default=""),
                "last": max(days, default=""),
            }
        )
    return sorted(out, key=lambda r: (_folded(r["name"]), r["raion"], r["id"]))


def _plain(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _folded(text: str) -> str:
    """``text`` in lower case without accents, as the list's filter compares it (``assets/settlement_list.js``).

    Examples
    --------
    >>> _folded("Sudža Суджа Йо")
    'sudza суджа ио'
    """
    return "".join(ch for ch in unicodedata.normalize("NFD", text.lower()) if not "\u0300" <= ch <= "\u036f")


def export_context(
    ds: Dataset,
    source: str,
    date: dt.date | str,
    *,
    state: gpd.GeoDataFrame | None = None,
    ageing: Ageing | None = None,
) -> ExportContext:
    """Check ``source`` and ``date`` and compute what an export of them shows.

    Parameters
    ----------
    ds : Dataset
        A loaded data directory (:func:`kursk_map.load_dataset`).
    source : str
        Slug of a source with claims (``sources.csv``).
    date : datetime.date or str
        The day of the state (ISO ``YYYY-MM-DD`` when a string); on or after the source's first claim.
    state : GeoDataFrame, optional
        The source's state on that day when already computed (the atlas build has it).
    ageing : Ageing, optional
        When claims are stale or too old to colour (default: the theatre's thresholds, no maximum age).

    Raises
    ------
    KurskMapError
        When the source is unknown or has no claims, or the date is not a date or precedes the
        source's first claim.

    Examples
    --------
    >>> from kursk_map.dataset import load_dataset
    >>> ctx = export_context(load_dataset("geodata"), "ru-mod", "2025-03-15")  # doctest: +SKIP
    >>> ctx.source["name"]  # doctest: +SKIP
    'Russian Ministry of Defence'
    """
    day = _check_date(date)
    return SourceExports(ds, source, ageing=ageing).context(day, state=state)


class SourceExports:
    """The :func:`export_context` of one source on any of its dates: the source is checked and read once.

    The atlas build makes one per source and asks it for the context of each map's GeoJSON.
    """

    def __init__(self, ds: Dataset, source: str, *, ageing: Ageing | None = None) -> None:
        check_source(ds, source)
        self._dates = map_dates(ds, source)
        if not self._dates:
            raise KurskMapError(f"source {source!r} has no claims in the ledger; add some to claims/{source}.csv first")
        self._ds, self._source, self._ageing = ds, source, ageing or ageing_of(ds)
        self._record = source_record(ds, source) | {"slug": source}
        c, u = ds.ledger.claims, ds.ledger.unplaced
        self._claimed = np.sort(c["date"].to_numpy()[c["source"].to_numpy() == source])
        self._unplaced = np.sort(u["date"].to_numpy()[u["source"].to_numpy() == source])

    def context(self, date: dt.date | str, *, state: gpd.GeoDataFrame | None = None) -> ExportContext:
        """The :class:`ExportContext` of the source on ``date`` (``state``: its state then, when already computed)."""
        day, dates = _check_date(date), self._dates
        if day < dates[0]:
            raise KurskMapError(
                f"{self._source!r} made no claim on or before {day.isoformat()}: its claims run from "
                f"{dates[0].isoformat()} to {dates[-1].isoformat()}; pick a date in that range or later"
            )
        ds = self._ds
        return ExportContext(
            source=dict(self._record),
            date=day,
            state=source_state(ds, self._source, day, ageing=self._ageing) if state is None else state,
            border=ds.border,
            claims_to_date=_on_or_before(self._claimed, day),
            unplaced=_on_or_before(self._unplaced, day),
            theatre=ds.theatre,
            ageing=self._ageing,
        )


def _on_or_before(dates: np.ndarray, day: dt.date) -> int:
    """How many of the sorted ``dates`` (datetime64; NaT last) fall on or before ``day``."""
    return int(np.searchsorted(dates, np.datetime64(day).astype(dates.dtype), side="right"))


def _check_date(date: dt.date | str) -> dt.date:
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(str(date))
    except ValueError:
        raise KurskMapError(f"{date!r} is not an ISO date (YYYY-MM-DD)") from None
