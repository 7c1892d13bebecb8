"""Diagnostics of a resolved ledger: a source contradicting itself, a name far from its claim group.

Reported by ``kursk-map validate`` and in ``manifest.json``, never rejected. Pure functions, no I/O.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
from pyproj import Geod

from . import schemas
from .names import skeleton
from .resolution import ResolvedLedger
from .theatre import NAMESAKE_KM

_GEOD = Geod(ellps="WGS84")


def conflicts(ledger: ResolvedLedger) -> list[dict[str, Any]]:
    """Claims of one source about one settlement on one day that name different controllers.

    They are reported (``kursk-map validate``, ``manifest.json``), not rejected: sources do
    contradict themselves. On the map the claim listed last in the ledger is the one in effect.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"claim_id": ["a", "b", "c"], "source": ["s", "s", "s"], "kind": ["control"] * 3,
    ...     "settlement_id": ["x", "x", "y"], "settlement": ["X", "X", "Y"], "controller": ["UA", "RU", "RU"],
    ...     "date": pd.to_datetime(["2025-01-01"] * 3), "_file": ["f.csv"] * 3, "_line": [2, 3, 4]})
    >>> [(d["settlement"], d["claim_ids"], d["controllers"]) for d in conflicts(ResolvedLedger(c, []))]
    [('X', ['a', 'b'], ['RU', 'UA'])]
    """
    c = ledger.claims
    c = c[c["kind"].isin(schemas.STATE_KINDS) & (c["settlement_id"] != "")]
    keys = ["source", "settlement_id", "date"]
    # only groups with more than one distinct controller (missing ones included) can conflict
    distinct = c.drop_duplicates([*keys, "controller"])
    split = distinct.loc[distinct.duplicated(keys, keep=False), keys]
    c = c[pd.MultiIndex.from_frame(c[keys]).isin(pd.MultiIndex.from_frame(split))]
    out = []
    for (source, sid, _day), g in c.groupby(keys, sort=True):
        ctrls = sorted(set(g["controller"]))
        if len(ctrls) > 1:
            first = g.iloc[0]
            out.append(
                {
                    "source": source,
                    "date": g["date"].iloc[0].date().isoformat(),
                    "settlement_id": sid,
                    "settlement": first["settlement"],
                    "claim_ids": list(g["claim_id"]),
                    "controllers": ctrls,
                    "where": f"{first['_file']}:{first['_line']}",
                }
            )
    return out


def far_from_group(
    ledger: ResolvedLedger, gazetteer: pd.DataFrame, *, max_km: float = NAMESAKE_KM
) -> list[dict[str, Any]]:
    """Placed claims lying far from the other places the same source named on the same day.

    A source's daily list ("12 villages around Sudzha") is local; a name that lands ``max_km`` or
    more from the median of the others is most likely a namesake picked by the resolver. Reported by
    ``kursk-map validate`` so that the user can add the raion, e.g. ``Mikhaylovka (Sudzhansky)``.
    The callers pass the theatre's ``namesake_km`` (theatre.toml): how far apart one day's places
    may lie depends on the size of the front.
    """
    c = ledger.claims
    c = c[c["kind"].isin(schemas.PLACED_KINDS) & c["placed"]]
    pts = gazetteer[["lat", "lon"]]
    codes, _ = pd.factorize(c["settlement_id"])
    where = pts.index.get_indexer(pd.Index(c["settlement_id"])) if pts.index.is_unique else None
    lat, lon = pts["lat"].to_numpy(dtype=float), pts["lon"].to_numpy(dtype=float)
    # per (source, day) in order: the rows and the median of the others for each, or finished records
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray] | list[dict[str, Any]]] = []
    for rows in _groups(c, ["source", "date"]):
        k = where[rows] if where is not None else None
        if k is None or (codes[rows] < 0).any() or (k < 0).any() or np.isnan(lat[k]).any() or np.isnan(lon[k]).any():
            g = c.iloc[rows]  # missing names, ids or coordinates: the plain loop, with its errors
            if g["settlement_id"].nunique() >= 3:
                parts.append(_far_in_group(g, pts, max_km))
            continue
        uniq, inv = np.unique(codes[rows], return_inverse=True)
        if len(uniq) < 3:
            continue
        centre = np.column_stack([_median_of_others(lat[k], inv, len(uniq)), _median_of_others(lon[k], inv, len(uniq))])
        parts.append((rows, centre[inv], k))
    found: Iterator[tuple[dict[str, Any], float]] = iter(())
    far_per_part: Iterator[int] = iter(())
    fast = [p for p in parts if isinstance(p, tuple)]
    if fast:
        rows_all, centre_all, k_all = (np.concatenate(x) for x in zip(*fast, strict=True))
        _, _, dist = _GEOD.inv(centre_all[:, 1], centre_all[:, 0], lon[k_all], lat[k_all])
        far = dist / 1000.0 >= max_km
        found = zip(_records(c.iloc[rows_all[far]]), dist[far].tolist(), strict=True)
        ends = np.cumsum([len(p[0]) for p in fast])
        far_per_part = iter(np.diff(np.concatenate([[0], np.cumsum(far)[ends - 1]])).tolist())
    out: list[dict[str, Any]] = []
    for p in parts:
        if isinstance(p, list):
            out += p
        else:
            out += [_far_record(r, d) for r, d in itertools.islice(found, next(far_per_part))]
    return out


def namesake_raions(gazetteer: pd.DataFrame, settlement_id: str) -> list[str]:
    """Raions of the gazetteer's other places named like ``settlement_id`` (its own raion left out), sorted.

    What a far-from-group claim could name to mean one of them; empty when the gazetteer has no
    such namesake (the place meant is then missing from it).

    Examples
    --------
    >>> g = pd.DataFrame({"name": ["Ivanovka", "Ivanovka", "Ivanovka", "Ivanowka", "Sudzha"],
    ...                   "raion": ["Sudzhansky", "Sudzhansky", "", "Lgovsky", "Korenevsky"]},
    ...                  index=["1", "2", "3", "4", "5"])
    >>> namesake_raions(g, "1"), namesake_raions(g, "5")
    (['Lgovsky'], [])
    """
    name = gazetteer.at[settlement_id, "name"]
    own = str(gazetteer.at[settlement_id, "raion"] or "")
    key = skeleton(str(name))
    same = (gazetteer.index != settlement_id) & (gazetteer["name"].map(lambda n: skeleton(str(n)) == key)).to_numpy()
    return sorted({str(r) for r in gazetteer.loc[same, "raion"] if r and str(r) != own})


def _groups(c: pd.DataFrame, keys: list[str]) -> list[np.ndarray]:
    """Row positions of each group of ``c.groupby(keys, sort=True)``, in its order, rows in frame order."""
    number = c.groupby(keys, sort=True).ngroup().to_numpy(dtype=float, na_value=np.nan)
    order = np.argsort(number, kind="stable")
    order = order[~np.isnan(number[order])]
    cuts = np.flatnonzero(np.diff(number[order])) + 1
    return np.split(order, cuts) if len(order) else []


def _median_of_others(values: np.ndarray, which: np.ndarray, n: int) -> np.ndarray:
    """For each ``j < n``: the median of ``values`` where ``which != j`` (as :func:`numpy.median` gives it)."""
    m = np.where(which[None, :] == np.arange(n)[:, None], np.inf, values[None, :])
    m.sort(axis=1)
    count = len(values) - np.bincount(which, minlength=n)
    r = np.arange(n)
    hi, lo = m[r, count // 2], m[r, (count - 1) // 2]
    return np.where(count % 2 == 1, hi, (lo + hi) / 2)


def _far_in_group(g: pd.DataFrame, pts: pd.DataFrame, max_km: float) -> list[dict[str, Any]]:
    """One (source, day) group, one claim at a time."""
    xy = pts.loc[g["settlement_id"]].to_numpy()
    out = []
    for i, r in enumerate(g.to_dict("records")):
        others = [j for j in range(len(g)) if g["settlement_id"].iloc[j] != r["settlement_id"]]
        lat0, lon0 = float(np.median(xy[others, 0])), float(np.median(xy[others, 1]))
        _, _, dist = _GEOD.inv(lon0, lat0, float(xy[i, 1]), float(xy[i, 0]))
        if dist / 1000.0 >= max_km:
            out.append(_far_record(r, dist))
    return out


def _records(c: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """``c.to_dict("records")`` for the columns a far-from-group record shows."""
    cols = ["claim_id", "source", "date", "settlement", "settlement_id", "_file", "_line"]
    for values in zip(*(c[col].tolist() for col in cols), strict=True):
        yield dict(zip(cols, values, strict=True))


def _far_record(r: Mapping[Any, Any], dist: float) -> dict[str, Any]:
    return {
        "claim_id": r["claim_id"],
        "source": r["source"],
        "date": r["date"].date().isoformat(),
        "settlement": r["settlement"],
        "settlement_id": r["settlement_id"],
        "km": round(dist / 1000.0),
        "where": f"{r['_file']}:{r['_line']}",
    }
