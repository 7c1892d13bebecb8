"""From validated claims to the state each source claims on each date. Pure functions, no I/O.

Rules (written in README.md as well):

* the state of source S on date D gives each placed settlement the controller of the latest
  ``control``/``presence`` claim by S dated on or before D about that settlement (an ``attack``
  claim never changes it: see :func:`attacks`);
* a ``region`` claim with a controller (e.g. "full control of Kursk Oblast") applies to every
  settlement of that oblast; it overrides earlier settlement claims, and later ones override it;
  on the same day the settlement's own claim wins;
* without any such claim, a settlement is shown at its *baseline*: the de jure country
  (RU in Russia, UA in Ukraine), marked as baseline, not as a claim.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from . import schemas
from ._errors import Problem
from .gazetteer import derive_point
from .names import Resolution, Resolver, normalise, skeleton

_GEOD = Geod(ellps="WGS84")
_PAREN = re.compile(r"^(?P<name>.*?)\s*\((?P<ctx>[^)]*)\)\s*$")
_OBLAST_WORDS = re.compile(r"\b(oblast|region|province|obl|область|обл|oblast')\b\.?", re.IGNORECASE)


@dataclass(frozen=True)
class ResolvedLedger:
    """Claims joined to the gazetteer.

    Attributes
    ----------
    claims : pandas.DataFrame
        The claims with ``settlement_id`` (gazetteer id or ``""``), ``oblast`` (for region
        claims), ``placed`` (bool) and ``unplaced_reason`` (why a claim is not on the map).
    problems : list of Problem
        Names that did not resolve (unless the caller chose to keep going).
    """

    claims: pd.DataFrame
    problems: list[Problem]

    @property
    def unplaced(self) -> pd.DataFrame:
        """Claims about a settlement that could not be put on the map."""
        c = self.claims
        return c[c["kind"].isin(schemas.PLACED_KINDS) & ~c["placed"]]


def _split_context(written: str) -> tuple[str, str | None]:
    m = _PAREN.match(written)
    if not m:
        return written, None
    ctx = re.sub(r"\b(raion|district|rayon|район)\b", "", m["ctx"], flags=re.IGNORECASE).strip(" ,")
    return m["name"], ctx or None


def _oblast_of(written: str, oblasts: list[str]) -> str | None:
    key = skeleton(_OBLAST_WORDS.sub("", normalise(written)))
    for ob in oblasts:
        stem = skeleton(ob)
        if key == stem or (len(stem) > 3 and key.startswith(stem[:-1])):
            return ob
    return None


def resolve_claims(
    claims: pd.DataFrame,
    gazetteer: pd.DataFrame,
    *,
    resolver: Resolver | None = None,
    keep_going: bool = False,
) -> ResolvedLedger:
    """Resolve the settlement named in each claim, with context, to a gazetteer row.

    A name written as ``"Nikolayevka (Sudzhansky)"`` gives the raion as context; names in
    claims of the same source and day help to decide between namesakes (the nearest wins).
    Unknown or ambiguous names are problems; with ``keep_going`` they become unplaced claims.
    Names of settlements known to the gazetteer without coordinates are always unplaced.

    Each distinct spelling is resolved once; only the names that stay ambiguous or unknown on
    their own are looked at again, one claim at a time, near the rest of their claim group.
    """
    resolver = resolver or Resolver(gazetteer)
    oblasts = sorted({str(o) for o in gazetteer["oblast"] if o})
    out = claims.copy()
    out["settlement_id"] = ""
    out["oblast"] = ""
    out["placed"] = False
    out["unplaced_reason"] = ""
    cols = _Resolved(out)
    problems = _resolve_regions(cols, oblasts)
    pending = [
        i
        for i, (kind, written) in enumerate(zip(cols.kind, cols.written, strict=True))
        if kind in schemas.PLACED_KINDS or (kind == "denial" and written)
    ]
    # First pass: names that resolve alone; second pass: the rest, near the same claim group.
    alone = _Lookup(resolver)
    unresolved = [i for i in pending if not cols.settle(i, alone.resolve(cols.written[i], None))]
    problems += _resolve_near_group(cols, unresolved, gazetteer, alone, keep_going=keep_going)
    cols.write(out)
    return ResolvedLedger(out, problems)


class _Lookup:
    """Resolutions of (written name, near point), each computed once: the resolver is deterministic."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._cache: dict[tuple[str, tuple[float, float] | None], Resolution] = {}

    def resolve(self, written: object, near: tuple[float, float] | None) -> Resolution:
        key = (str(written), near)
        res = self._cache.get(key)
        if res is None:
            name, ctx = _split_context(key[0])
            res = self._cache[key] = self._resolver.resolve(name, raion=ctx, near=near)
        return res


class _Resolved:
    """The columns ``resolve_claims`` reads and writes, as Python lists (one item per claim row)."""

    def __init__(self, out: pd.DataFrame) -> None:
        self.kind: list[Any] = out["kind"].tolist()
        self.written: list[Any] = out["settlement"].tolist()
        self.source: list[Any] = out["source"].tolist()
        self.date: list[Any] = out["date"].tolist()
        self.file: list[Any] = out["_file"].tolist()
        self.line: list[Any] = out["_line"].tolist()
        n = len(out)
        self.settlement_id: list[str] = [""] * n
        self.oblast: list[str] = [""] * n
        self.placed: list[bool] = [False] * n
        self.reason: list[str] = [""] * n

    def settle(self, i: int, res: Resolution) -> bool:
        """Record a match for row ``i``; False when ``res`` is not one."""
        if res.status != "match" or res.best is None:
            return False
        best = res.best
        self.settlement_id[i] = best.id
        self.oblast[i] = best.oblast
        self.placed[i] = best.placed
        if not best.placed:
            self.reason[i] = f"{best.name} is in the gazetteer without coordinates"
        return True

    def write(self, out: pd.DataFrame) -> None:
        """Write the four resolved columns into ``out``, keeping their dtypes."""
        for col, values in (
            ("settlement_id", self.settlement_id),
            ("oblast", self.oblast),
            ("placed", self.placed),
            ("unplaced_reason", self.reason),
        ):
            out[col] = pd.Series(values, index=out.index, dtype=out[col].dtype)


def _resolve_regions(cols: _Resolved, oblasts: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    found: dict[Any, str | None] = {}
    for i, kind in enumerate(cols.kind):
        if kind != "region":
            continue
        written = cols.written[i]
        if written not in found:
            found[written] = _oblast_of(written, oblasts)
        ob = found[written]
        if ob is None:
            problems.append(
                Problem(
                    cols.file[i],
                    int(cols.line[i]),
                    "settlement",
                    f"unknown oblast {written!r}; use one of: " + ", ".join(f"'{o} Oblast'" for o in oblasts),
                )
            )
        else:
            cols.oblast[i] = ob
    return problems


def _resolve_near_group(
    cols: _Resolved, unresolved: list[int], gazetteer: pd.DataFrame, lookup: _Lookup, *, keep_going: bool
) -> list[Problem]:
    """Second pass, in row order: each name again, near the placed claims of its source and day."""
    problems: list[Problem] = []
    if not unresolved:
        return problems

    def key(i: int) -> tuple[Any, Any] | None:
        # rows whose source or date is missing compare unequal to every row, themselves included
        s, d = cols.source[i], cols.date[i]
        return None if pd.isna(s) or pd.isna(d) else (s, d)

    wanted = {k for k in map(key, unresolved) if k is not None}
    members: dict[tuple[Any, Any], list[int]] = {k: [] for k in wanted}
    for j in range(len(cols.kind)):
        k = key(j)
        if k in members:
            members[k].append(j)
    nears: dict[tuple[tuple[Any, Any], int], tuple[float, float]] = {}
    for i in unresolved:
        k = key(i)
        ids = [cols.settlement_id[j] for j in members[k] if cols.placed[j]] if k is not None else []
        near = None
        if k is not None and ids:
            # placed claims are only ever added, so their number tells the group's point
            if (k, len(ids)) not in nears:
                g = gazetteer.loc[ids]
                nears[k, len(ids)] = (float(g["lat"].mean()), float(g["lon"].mean()))
            near = nears[k, len(ids)]
        res = lookup.resolve(cols.written[i], near)
        if cols.settle(i, res):
            continue
        if keep_going:
            cols.reason[i] = res.describe()
        elif cols.kind[i] != "denial":
            problems.append(Problem(cols.file[i], int(cols.line[i]), "settlement", res.describe()))
    return problems


def source_dates(ledger: ResolvedLedger, source: str) -> list[dt.date]:
    """Every date on which ``source`` made a claim, ascending.

    Examples
    --------
    >>> import pandas as pd
    >>> dates = pd.to_datetime(["2025-01-02", "2024-12-01", "2025-01-01"])
    >>> c = pd.DataFrame({"source": ["a", "a", "b"], "date": dates})
    >>> source_dates(ResolvedLedger(c, []), "a")
    [datetime.date(2024, 12, 1), datetime.date(2025, 1, 2)]
    """
    c = ledger.claims
    return sorted({d.date() for d in c.loc[c["source"] == source, "date"].unique()})


_STATE_COLUMNS = [
    "id",
    "name",
    "name_ru",
    "name_uk",
    "raion",
    "oblast",
    "country",
    "lat",
    "lon",
    "method",
    "precision_m",
    "ref",
    "controller",
    "basis",
    "claim_ids",
    "since",
]


def iter_states(
    gazetteer: gpd.GeoDataFrame, ledger: ResolvedLedger, *, source: str, dates: list[dt.date]
) -> Iterator[tuple[dt.date, gpd.GeoDataFrame]]:
    """Yield the state of ``source`` on each of ``dates`` (ascending), computed incrementally.

    Claims are visited once, in date order; each state is a GeoDataFrame with one row per
    placed settlement and the columns ``controller``, ``basis`` (claim/region/baseline),
    ``claim_ids`` (the deciding claim first, then older claims of this source about the
    settlement, newest first) and ``since`` (date of the deciding claim).
    """
    placed = gazetteer[gazetteer.geometry.notna()]
    board = _Board(placed)
    events = _state_events(ledger.claims, source)
    when = events["date"].tolist()
    kinds = events["kind"].tolist()
    rows = zip(
        kinds,
        events["settlement_id"].tolist(),
        events["oblast"].tolist(),
        events["controller"].tolist(),
        events["claim_id"].tolist(),
        strict=True,
    )
    iso: dict[pd.Timestamp, str] = {}
    pos = 0
    for day in sorted(dates):
        stamp = pd.Timestamp(day)
        start = pos
        while pos < len(when) and when[pos] <= stamp:
            pos += 1
        for (kind, sid, oblast, controller, claim_id), date in zip(
            itertools.islice(rows, pos - start), when[start:pos], strict=True
        ):
            if date not in iso:
                iso[date] = date.date().isoformat()
            if kind == "region":
                board.region(oblast, controller, claim_id, iso[date])
            else:
                board.claim(sid, controller, claim_id, iso[date])
        yield day, board.frame()


def _state_events(claims: pd.DataFrame, source: str) -> pd.DataFrame:
    """The claims of ``source`` that move its state, in the order they apply (regions first each day)."""
    mine = claims[(claims["source"] == source)].sort_values(["date", "claim_id"], kind="stable")
    settle_rows = mine[mine["kind"].isin(schemas.STATE_KINDS) & mine["placed"]]
    region_rows = mine[(mine["kind"] == "region") & mine["controller"].isin(("UA", "RU", "contested"))]
    events = pd.concat([settle_rows.assign(_rank=1), region_rows.assign(_rank=0)]).sort_values(
        ["date", "_rank", "claim_id"], kind="stable"
    )
    return events[["date", "kind", "settlement_id", "oblast", "controller", "claim_id"]]


_TEXT_COLUMNS = ("controller", "basis", "since")


class _Board:
    """The state of one source as arrays over the placed settlements, changed claim by claim.

    ``frame`` turns it into a GeoDataFrame: a shallow (copy-on-write) copy of a template holding the
    gazetteer's columns and the geometry, with the four state columns set from copies of the arrays.
    The template is built as a state always was, from the baseline. While every value written is a
    ``str``, each text column keeps the dtype pandas inferred for the baseline, so it is also kept as
    an array of that dtype (brought up to date once per state), and copies of it skip the inference.
    """

    def __init__(self, placed: gpd.GeoDataFrame) -> None:
        self._where = {sid: k for k, sid in enumerate(placed.index)}
        self._members: dict[Any, np.ndarray] = dict(placed.groupby("oblast").indices)
        n = len(placed)
        self._text = {
            "controller": placed["country"].to_numpy(dtype=object, copy=True),
            "basis": np.full(n, "baseline", dtype=object),
            "since": np.full(n, "", dtype=object),
        }
        self._claim_ids = np.empty(n, dtype=object)
        self._claim_ids.fill(())
        self._history: dict[int, tuple[str, ...]] = {}
        self._changed: set[int] = set()
        st = self._with_state(placed.copy())
        self._template = gpd.GeoDataFrame(st[[*_STATE_COLUMNS, "geometry"]], geometry="geometry", crs=schemas.CRS)
        self._typed: dict[str, Any] | None = None
        if all(isinstance(self._template[col].dtype, pd.StringDtype) for col in _TEXT_COLUMNS):
            self._typed = {col: self._template[col].array.copy() for col in _TEXT_COLUMNS}

    def _set(self, col: str, where: int | np.ndarray, value: object) -> None:
        self._text[col][where] = value
        if type(value) is not str:  # pandas may infer another dtype now: infer it for every state from here on
            self._typed = None

    def claim(self, sid: str, controller: str, claim_id: str, since: str) -> None:
        """A settlement claim: it decides the settlement and joins its history."""
        k = self._where.get(sid)
        if k is None:  # not on the map: never shown
            return
        hist = self._history[k] = (claim_id, *self._history.get(k, ()))
        self._set("controller", k, controller)
        self._set("basis", k, "claim")
        self._set("since", k, since)
        self._claim_ids[k] = hist
        self._changed.add(k)

    def region(self, oblast: str, controller: str, claim_id: str, since: str) -> None:
        """A region claim: it decides every settlement of the oblast, ahead of their histories."""
        members = self._members.get(oblast)
        if members is None:
            return
        self._set("controller", members, controller)
        self._set("basis", members, "region")
        self._set("since", members, since)
        self._changed.update(members.tolist())
        alone = (claim_id,)
        for k in members.tolist():
            hist = self._history.get(k)
            self._claim_ids[k] = (claim_id, *hist) if hist else alone

    def frame(self) -> gpd.GeoDataFrame:
        """The current state as a new GeoDataFrame (of copies: later claims leave it alone)."""
        st = self._template.copy(deep=False)
        changed = np.fromiter(self._changed, dtype=np.intp, count=len(self._changed))
        self._changed.clear()
        if self._typed is None:
            return self._with_state(st)
        for col in _TEXT_COLUMNS:
            if len(changed):
                self._typed[col][changed] = self._text[col][changed]
            st[col] = self._typed[col].copy()
        st["claim_ids"] = self._claim_ids.copy()
        return st

    def _with_state(self, st: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Set the state columns from lists, leaving pandas to infer their dtypes."""
        st["controller"] = self._text["controller"].tolist()
        st["basis"] = self._text["basis"].tolist()
        st["claim_ids"] = self._claim_ids.tolist()
        st["since"] = self._text["since"].tolist()
        return st


def compute_state(
    gazetteer: gpd.GeoDataFrame, ledger: ResolvedLedger, *, source: str, date: dt.date
) -> gpd.GeoDataFrame:
    """The state of one source on one date (see :func:`iter_states`)."""
    return next(iter_states(gazetteer, ledger, source=source, dates=[date]))[1]


def relative_geometries(
    ledger: ResolvedLedger, gazetteer: gpd.GeoDataFrame, *, source: str, date: dt.date
) -> list[dict[str, object]]:
    """Geometry of the ``relative`` claims of ``source`` up to ``date``: anchor, end point, radius.

    The end point is ``value_std`` km from the anchor along ``bearing_deg`` (geodesic); the
    uncertainty radius is the anchor's precision plus a quarter of the distance, since
    such statements give the direction only to the nearest compass point.
    """
    c = ledger.claims
    sel = c[(c["source"] == source) & (c["kind"] == "relative") & c["placed"] & (c["date"] <= pd.Timestamp(date))]
    out: list[dict[str, object]] = []
    for r in sel.to_dict("records"):
        a = gazetteer.loc[r["settlement_id"]]
        lat, lon = derive_point(
            float(a["lat"]), float(a["lon"]), distance_km=float(r["value_std"]), bearing_deg=float(r["bearing_deg"])
        )
        out.append(
            {
                "claim_id": r["claim_id"],
                "date": r["date"].date().isoformat(),
                "anchor": a["name"],
                "anchor_latlon": (float(a["lat"]), float(a["lon"])),
                "end_latlon": (lat, lon),
                "radius_m": float(a["precision_m"]) + float(r["value_std"]) * 250.0,
                "controller": r["controller"],
                "summary": r["summary"],
                "url": r["url"],
                "distance_km": float(r["value_std"]),
                "bearing_deg": float(r["bearing_deg"]),
            }
        )
    return out


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


def far_from_group(ledger: ResolvedLedger, gazetteer: pd.DataFrame, *, max_km: float = 50.0) -> list[dict[str, Any]]:
    """Placed claims lying far from the other places the same source named on the same day.

    A source's daily list ("12 villages around Sudzha") is local; a name that lands ``max_km`` or
    more from the median of the others is most likely a namesake picked by the resolver. Reported by
    ``kursk-map validate`` so that the user can add the raion, e.g. ``Mikhaylovka (Sudzhansky)``.
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


def figures(ledger: ResolvedLedger, *, source: str, date: dt.date) -> list[dict[str, object]]:
    """Area, count and whole-region statements of ``source`` up to ``date``, newest first."""
    c = ledger.claims
    sel = c[
        (c["source"] == source)
        & c["kind"].isin(("area", "count", "region", "denial"))
        & (c["date"] <= pd.Timestamp(date))
    ]
    sel = sel.sort_values(["date", "claim_id"], ascending=[False, True], kind="stable")
    return [
        {
            "claim_id": r["claim_id"],
            "date": r["date"].date().isoformat(),
            "kind": r["kind"],
            "controller": r["controller"],
            "value": r["value"],
            "unit": r["unit"],
            "value_std": r["value_std"],
            "unit_std": schemas.CANONICAL_UNIT.get(r["unit"], ("", 1.0))[0],
            "summary": r["summary"],
            "url": r["url"],
            "denies": r["denies"],
        }
        for r in sel.to_dict("records")
    ]


def attacks(ledger: ResolvedLedger, *, source: str, date: dt.date) -> list[dict[str, object]]:
    """The ``attack`` claims of ``source`` up to ``date``, newest first: listed, never part of the state.

    An attack is an attempted advance or a strike near a settlement ("repelled an attack towards X",
    "struck units near X"); ``controller`` is the side that attacked. It says nothing about who holds
    the settlement, so :func:`iter_states` ignores it. ``placed`` tells whether the settlement is on
    the map (``settlement_id`` then names its gazetteer row), for a renderer that draws a marker.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"claim_id": ["a", "b"], "source": ["s", "s"], "kind": ["attack", "control"],
    ...     "settlement": ["X", "Y"], "settlement_id": ["x", "y"], "placed": [True, True],
    ...     "controller": ["UA", "RU"], "summary": ["Attack towards X repelled.", "Y taken."],
    ...     "url": ["https://e.org/1", "https://e.org/2"], "date": pd.to_datetime(["2025-01-01"] * 2)})
    >>> [(a["claim_id"], a["settlement"], a["controller"]) for a in attacks(ResolvedLedger(c, []), source="s",
    ...     date=dt.date(2025, 1, 1))]
    [('a', 'X', 'UA')]
    """
    c = ledger.claims
    sel = c[(c["source"] == source) & (c["kind"] == "attack") & (c["date"] <= pd.Timestamp(date))]
    sel = sel.sort_values(["date", "claim_id"], ascending=[False, True], kind="stable")
    return [
        {
            "claim_id": r["claim_id"],
            "date": r["date"].date().isoformat(),
            "settlement": r["settlement"],
            "settlement_id": r["settlement_id"],
            "placed": bool(r["placed"]),
            "controller": r["controller"],
            "summary": r["summary"],
            "url": r["url"],
        }
        for r in sel.to_dict("records")
    ]


def diff_states(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> dict[str, Any]:
    """What changed between two states of one source: each settlement whose claimed controller moved.

    Baseline counts as its own group (``"baseline"``), so a first claim about a settlement shows as
    a change from baseline. Returns ``changes`` (one record per settlement), ``gained`` and ``lost``
    (names per group) and ``counts`` before and after.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"name": ["A", "B"], "controller": ["UA", "RU"], "basis": ["claim", "baseline"]},
    ...                  index=["a", "b"])
    >>> a = pd.DataFrame({"name": ["A", "B"], "controller": ["RU", "RU"], "basis": ["claim", "baseline"]},
    ...                  index=["a", "b"])
    >>> d = diff_states(b, a)
    >>> d["gained"], d["lost"]
    ({'RU': ['A']}, {'UA': ['A']})
    """

    def group(st: pd.DataFrame) -> pd.Series:
        return st["controller"].where(st["basis"] != "baseline", "baseline")

    g0, g1 = group(before), group(after.loc[before.index])
    moved = before.index[g0 != g1]
    changes = [
        {"id": str(sid), "name": str(after.at[sid, "name"]), "from": str(g0[sid]), "to": str(g1[sid])}
        for sid in sorted(moved, key=lambda s: (str(after.at[s, "name"]), str(s)))
    ]
    gained: dict[str, list[str]] = {}
    lost: dict[str, list[str]] = {}
    for c in changes:
        gained.setdefault(c["to"], []).append(c["name"])
        lost.setdefault(c["from"], []).append(c["name"])
    return {
        "changes": changes,
        "gained": gained,
        "lost": lost,
        "counts": {
            "before": g0.value_counts().sort_index().to_dict(),
            "after": g1.value_counts().sort_index().to_dict(),
        },
    }
