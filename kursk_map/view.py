"""The view data every page shows, computed from the state: what a map, an export or the figures show.

Claim records (the popups' texts), unplaced claims, the context of one map (:func:`map_context`)
or one export (:func:`export_context`), and a source's figures against its claims
(:func:`figure_series`). Pure functions of a loaded :class:`~kursk_map.dataset.Dataset`; the
renderers draw what these return and compute nothing about claims.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd
import pandas as pd

from ._errors import KurskMapError
from .areas import area_polygons, held_areas
from .attribution import attribution
from .dataset import Dataset, unknown_source
from .render import ClaimsFile, ExportContext, MapContext, SettlementsFile
from .state import attacks, compute_state, figures, group_counts, iter_states, relative_geometries, source_dates


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
    check_source(ds, source)
    src = source_record(ds, source)
    if state is None:
        state = compute_state(ds.gazetteer, ds.ledger, source=source, date=date)
    iso = date.isoformat()
    unplaced = [u for u in unplaced_records(ds) if u["source"] == source and u["date"] <= iso]
    return MapContext(
        areas=held_areas(state, ds.cells),
        area_shapes=area_polygons(state, ds.cells),
        source=src,
        date=iso,
        state=state,
        claims=claims if claims is not None else claim_records(ds),
        figures=figures(ds.ledger, source=source, date=date),
        relative=relative_geometries(ds.ledger, ds.gazetteer, source=source, date=date),
        attacks=attacks(ds.ledger, source=source, date=date),
        unplaced=unplaced,
        border=ds.border,
        nav=nav or {},
        claims_file=claims_js,
        settlements_file=settlements_js,
        theatre=ds.theatre,
    )


def figure_series(ds: Dataset, source: str) -> list[dict[str, Any]]:
    """For each date of ``source``: the figures it announced that day beside what its claims imply.

    Each entry has ``date``, ``announced`` (its area/count claims of that day, area in km²),
    ``implied_km2`` and ``named_settlements`` (settlements it claims per controller, to date).
    """
    check_source(ds, source)
    dates = source_dates(ds.ledger, source)
    c = ds.ledger.claims
    mine = c[(c["source"] == source) & c["kind"].isin(("area", "count"))]
    out = []
    for day, state in iter_states(ds.gazetteer, ds.ledger, source=source, dates=dates):
        today = mine[mine["date"] == pd.Timestamp(day)]
        n = group_counts(state)
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
                "named_settlements": {k: n[k] for k in ("UA", "RU", "contested")},
            }
        )
    return out


def export_context(
    ds: Dataset, source: str, date: dt.date | str, *, state: gpd.GeoDataFrame | None = None
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
    check_source(ds, source)
    dates = source_dates(ds.ledger, source)
    if not dates:
        raise KurskMapError(f"source {source!r} has no claims in the ledger; add some to claims/{source}.csv first")
    if day < dates[0]:
        raise KurskMapError(
            f"{source!r} made no claim on or before {day.isoformat()}: its claims run from "
            f"{dates[0].isoformat()} to {dates[-1].isoformat()}; pick a date in that range or later"
        )
    c = ds.ledger.claims
    mine = (c["source"] == source) & (c["date"] <= pd.Timestamp(day))
    u = ds.ledger.unplaced
    return ExportContext(
        source=source_record(ds, source) | {"slug": source},
        date=day,
        state=compute_state(ds.gazetteer, ds.ledger, source=source, date=day) if state is None else state,
        border=ds.border,
        claims_to_date=int(mine.sum()),
        unplaced=int(((u["source"] == source) & (u["date"] <= pd.Timestamp(day))).sum()),
        theatre=ds.theatre,
    )


def _check_date(date: dt.date | str) -> dt.date:
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(str(date))
    except ValueError:
        raise KurskMapError(f"{date!r} is not an ISO date (YYYY-MM-DD)") from None
