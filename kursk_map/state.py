"""From validated claims to the state each source claims on each date. Pure functions, no I/O.

Rules (written in README.md as well):

* the state of source S on date D gives each placed settlement the controller of the latest
  ``control``/``presence`` claim by S dated on or before D about that settlement (an ``attack``
  claim never changes it: see :func:`attacks`);
* a ``region`` claim with a controller (e.g. "full control of Kursk Oblast") applies to every
  settlement of that oblast; it overrides earlier settlement claims, and later ones override it;
  on the same day the settlement's own claim wins;
* without any such claim, a settlement is shown at its *baseline*: the de jure country
  (RU in Russia, UA in Ukraine), marked as baseline, not as a claim;
* a source's drawn areas (:mod:`kursk_map.control_areas`) are its whole picture of their day: with
  areas of date A (the latest on or before D), a settlement inside one takes its controller
  (basis ``area``); one outside every area that the source claimed or drew before A takes its de jure
  country (the map leaves that ground undrawn); a named claim dated after A wins, and the state keeps
  what the areas show beside it (``area_controller``, ``area_date``). Claims read off the source's own map
  (``drawn``, e.g. ``deepstate-map-*``) stand for its areas where the areas are not shipped: they
  too give basis ``area``. Within its ``precision_m`` of a drawn edge a settlement is ``at_edge``;
* every claim has an age on D (``age_days``); it is ``stale`` when older than its kind's threshold
  (:class:`Ageing`: contested 30 days, held 90) and ``expired`` when older than ``max_age_days``:
  then it no longer colours the settlement (its group is the baseline) but stays listed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from . import schemas
from .areas import inside_areas
from .gazetteer import derive_point
from .resolution import ResolvedLedger


@dataclass(frozen=True)
class Ageing:
    """When a claim is drawn as stale, and when it stops colouring its settlement.

    ``presence_days`` applies to a contested settlement, ``control_days`` to one held by a side (the
    defaults are :data:`kursk_map.schemas.STALE_DAYS`; a theatre may set others); ``max_age_days``
    (default none) drops older claims from the colouring: they stay listed, as older than that.

    Examples
    --------
    >>> Ageing().threshold("contested"), Ageing(control_days=60).threshold("UA")
    (30, 60)
    >>> Ageing(max_age_days=0)
    Traceback (most recent call last):
    ...
    ValueError: max_age_days must be a positive number of days, got 0
    """

    presence_days: int = schemas.STALE_DAYS["presence"]
    control_days: int = schemas.STALE_DAYS["control"]
    max_age_days: int | None = None

    def __post_init__(self) -> None:
        for name in ("presence_days", "control_days", "max_age_days"):
            value = getattr(self, name)
            if value is None and name == "max_age_days":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive number of days, got {value!r}")

    def threshold(self, controller: str) -> int:
        """Days after which a claim of ``controller`` is stale (contested: presence; UA/RU: control)."""
        return self.presence_days if controller == "contested" else self.control_days

    @classmethod
    def of(cls, stale_days: Mapping[str, int], **overrides: int | None) -> Ageing:
        """An ageing from a theatre's ``stale_days`` with the options given (``None``: keep the theatre's)."""
        values: dict[str, int | None] = {
            "presence_days": stale_days.get("presence", schemas.STALE_DAYS["presence"]),
            "control_days": stale_days.get("control", schemas.STALE_DAYS["control"]),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


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


def iter_states(
    gazetteer: gpd.GeoDataFrame,
    ledger: ResolvedLedger,
    *,
    source: str,
    dates: list[dt.date],
    areas: gpd.GeoDataFrame | None = None,
    crs: str | None = None,
    ageing: Ageing | None = None,
) -> Iterator[tuple[dt.date, gpd.GeoDataFrame]]:
    """Yield the state of ``source`` on each of ``dates`` (ascending), computed incrementally.

    Claims are visited once, in date order; each state is a GeoDataFrame with one row per
    placed settlement and the columns ``controller``, ``basis`` (claim/region/area/baseline), ``group``
    (the controller, or ``baseline``: see :data:`kursk_map.schemas.GROUP_COLUMN`), ``claim_ids``
    (the deciding claim first, then older claims of this source about the settlement, newest
    first), ``since`` (date of the deciding claim or areas), the claim's age and what the source's
    drawn areas show (module docstring); all columns are :data:`kursk_map.schemas.STATE_COLUMNS`.

    ``areas`` are the control areas of :func:`kursk_map.control_areas.read_areas` (any sources: those
    of ``source`` are used), ``crs`` the equal-area CRS edges are measured in (the dataset's),
    ``ageing`` the thresholds (default :class:`Ageing`).
    """
    placed = gazetteer[gazetteer.geometry.notna()]
    board = _Board(placed)
    drawn = _DrawnAreas(placed, areas, source=source, crs=crs)
    rule = ageing or Ageing()
    events = _state_events(ledger.claims, source)
    when = events["date"].tolist()
    rows = zip(
        events["kind"].tolist(),
        events["settlement_id"].tolist(),
        events["oblast"].tolist(),
        events["controller"].tolist(),
        events["claim_id"].tolist(),
        events["drawn"].tolist(),
        events["at_edge"].tolist(),
        strict=True,
    )
    iso: dict[pd.Timestamp, str] = {}
    pos = 0
    for day in sorted(dates):
        stamp = pd.Timestamp(day)
        start = pos
        while pos < len(when) and when[pos] <= stamp:
            pos += 1
        for (kind, sid, oblast, controller, claim_id, from_map, edge), date in zip(
            itertools.islice(rows, pos - start), when[start:pos], strict=True
        ):
            if date not in iso:
                iso[date] = date.date().isoformat()
            if kind == "region":
                board.region(oblast, controller, claim_id, iso[date])
            else:
                board.claim(sid, controller, claim_id, iso[date], drawn=bool(from_map), at_edge=bool(edge))
        yield day, _aged(drawn.over(board.frame(), day), day, rule)


def _state_events(claims: pd.DataFrame, source: str) -> pd.DataFrame:
    """The claims of ``source`` that move its state, in the order they apply (regions first each day)."""
    mine = claims[(claims["source"] == source)].sort_values(["date", "claim_id"], kind="stable")
    settle_rows = mine[mine["kind"].isin(schemas.STATE_KINDS) & mine["placed"]]
    region_rows = mine[(mine["kind"] == "region") & mine["controller"].isin(("UA", "RU", "contested"))]
    events = pd.concat([settle_rows.assign(_rank=1), region_rows.assign(_rank=0)]).sort_values(
        ["date", "_rank", "claim_id"], kind="stable"
    )
    for flag in ("drawn", "at_edge"):  # a ledger made by hand may lack the loader's derived columns
        if flag not in events:
            events[flag] = False
    return events[["date", "kind", "settlement_id", "oblast", "controller", "claim_id", "drawn", "at_edge"]]


class _DrawnAreas:
    """The drawn areas of one source by day, and what each day's areas show at every placed settlement."""

    def __init__(
        self, placed: gpd.GeoDataFrame, areas: gpd.GeoDataFrame | None, *, source: str, crs: str | None
    ) -> None:
        mine = areas[areas["source"] == source] if areas is not None and len(areas) else None
        self._days: dict[dt.date, gpd.GeoDataFrame] = (
            {pd.Timestamp(d).date(): g for d, g in mine.groupby("date")} if mine is not None else {}
        )
        self._order = sorted(self._days)
        self._placed, self._crs = placed, crs
        self._done = 0  # area days read so far, in order
        self._shown_day: dt.date | None = None
        self._shown_frame = pd.DataFrame()
        self._drawn_before = np.zeros(len(placed), dtype=bool)  # inside an area of an earlier day
        self._drawn_upto = np.zeros(len(placed), dtype=bool)

    def on(self, day: dt.date) -> dt.date | None:
        """The day of the latest areas on or before ``day``."""
        prior = [d for d in self._order if d <= day]
        return prior[-1] if prior else None

    def _shown(self, area_day: dt.date) -> pd.DataFrame:
        """What the areas of ``area_day`` show at each settlement; every earlier day is read on the way."""
        while self._shown_day != area_day:  # dates ascend: each area day is read once, in order
            day = self._order[self._done]
            self._done += 1
            inside = inside_areas(self._placed, self._days[day], crs=self._crs)
            undrawn = (inside["controller"] == "").to_numpy()
            inside.loc[undrawn, "controller"] = self._placed.loc[undrawn, "country"]
            inside["undrawn"] = undrawn
            inside["at_edge"] = inside["edge_m"] <= self._placed["precision_m"].astype(float)
            self._drawn_before = self._drawn_upto.copy()
            inside["drawn_before"] = self._drawn_before
            self._drawn_upto |= ~undrawn
            self._shown_day, self._shown_frame = day, inside
        return self._shown_frame

    def over(self, st: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
        """``st`` with the areas of ``day`` applied (module docstring); ``st`` itself without areas."""
        area_day = self.on(day)
        if area_day is None:
            return st
        shown = self._shown(area_day).reindex(st.index)
        iso = area_day.isoformat()
        since = st["since"].to_numpy(dtype=object)
        basis = st["basis"].to_numpy(dtype=object)
        later = since > iso  # ISO dates compare as text; "" (no claim) is before every date
        undrawn = shown["undrawn"].to_numpy(dtype=bool)
        # inside an area; or outside, where the source said something earlier (a claim, or an area)
        take = ~later & (~undrawn | (basis != "baseline") | shown["drawn_before"].to_numpy(dtype=bool))
        ctrl = shown["controller"].to_numpy(dtype=object)
        st = st.copy()
        for col, values in (
            ("controller", ctrl),
            ("basis", "area"),
            (schemas.GROUP_COLUMN, ctrl),
            ("since", iso),
        ):
            column = st[col].to_numpy(dtype=object).copy()
            column[take] = values[take] if isinstance(values, np.ndarray) else values
            st[col] = column.tolist()
        st["area_controller"] = ctrl.tolist()
        st["area_date"] = iso
        st["at_edge"] = shown["at_edge"].to_numpy(dtype=bool)
        return st


def _aged(st: gpd.GeoDataFrame, day: dt.date, rule: Ageing) -> gpd.GeoDataFrame:
    """Set ``age_days``, ``stale`` and ``expired`` on ``day``; expired claims leave the colouring."""
    since = st["since"].to_numpy(dtype=object)
    claimed = since != ""
    stamps = since[claimed].astype("datetime64[D]")  # ISO dates (numpy reads them ten times as fast as pandas)
    age = np.full(len(st), -1, dtype=np.int64)
    age[claimed] = (np.datetime64(day, "D") - stamps).astype(np.int64)
    ctrl = st["controller"].to_numpy(dtype=object)
    limit = np.where(ctrl == "contested", rule.presence_days, rule.control_days)
    st["age_days"] = age
    st["stale"] = claimed & (age > limit)
    expired = claimed & (age > rule.max_age_days) if rule.max_age_days is not None else np.zeros(len(st), bool)
    st["expired"] = expired
    if expired.any():
        group = st[schemas.GROUP_COLUMN].to_numpy(dtype=object).copy()
        group[expired] = "baseline"
        st[schemas.GROUP_COLUMN] = group.tolist()
    return st


_TEXT_COLUMNS = ("controller", "basis", schemas.GROUP_COLUMN, "since", "area_controller", "area_date")


class _Board:
    """The state of one source as arrays over the placed settlements, changed claim by claim.

    ``frame`` turns it into a GeoDataFrame: a shallow (copy-on-write) copy of a template holding the
    gazetteer's columns and the geometry, with the five state columns set from copies of the arrays.
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
            schemas.GROUP_COLUMN: np.full(n, "baseline", dtype=object),
            "since": np.full(n, "", dtype=object),
            "area_controller": np.full(n, "", dtype=object),
            "area_date": np.full(n, "", dtype=object),
        }
        self._at_edge = np.zeros(n, dtype=bool)
        self._claim_ids = np.empty(n, dtype=object)
        self._claim_ids.fill(())
        self._history: dict[int, tuple[str, ...]] = {}
        self._changed: set[int] = set()
        st = self._with_state(placed.copy())
        self._template = gpd.GeoDataFrame(
            st[[*schemas.STATE_COLUMNS, "geometry"]], geometry="geometry", crs=schemas.CRS
        )
        self._typed: dict[str, Any] | None = None
        if all(isinstance(self._template[col].dtype, pd.StringDtype) for col in _TEXT_COLUMNS):
            self._typed = {col: self._template[col].array.copy() for col in _TEXT_COLUMNS}

    def _set(self, col: str, where: int | np.ndarray, value: object) -> None:
        self._text[col][where] = value
        if type(value) is not str:  # pandas may infer another dtype now: infer it for every state from here on
            self._typed = None

    def claim(
        self, sid: str, controller: str, claim_id: str, since: str, *, drawn: bool = False, at_edge: bool = False
    ) -> None:
        """A settlement claim: it decides the settlement and joins its history.

        A claim read off the source's map (``drawn``) stands for its areas: basis ``area``, and what the
        areas show there until the next such claim.
        """
        k = self._where.get(sid)
        if k is None:  # not on the map: never shown
            return
        hist = self._history[k] = (claim_id, *self._history.get(k, ()))
        self._set("controller", k, controller)
        self._set("basis", k, "area" if drawn else "claim")
        if drawn:
            self._set("area_controller", k, controller)
            self._set("area_date", k, since)
            self._at_edge[k] = at_edge
        self._set(schemas.GROUP_COLUMN, k, controller)
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
        self._set(schemas.GROUP_COLUMN, members, controller)
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
        st["at_edge"] = self._at_edge.copy()
        return st

    def _with_state(self, st: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Set the state columns from lists, leaving pandas to infer their dtypes."""
        st["controller"] = self._text["controller"].tolist()
        st["basis"] = self._text["basis"].tolist()
        st[schemas.GROUP_COLUMN] = self._text[schemas.GROUP_COLUMN].tolist()
        st["claim_ids"] = self._claim_ids.tolist()
        st["since"] = self._text["since"].tolist()
        st["area_controller"] = self._text["area_controller"].tolist()
        st["area_date"] = self._text["area_date"].tolist()
        st["age_days"] = np.full(len(st), -1, dtype=np.int64)
        st["stale"] = np.zeros(len(st), dtype=bool)
        st["expired"] = np.zeros(len(st), dtype=bool)
        st["at_edge"] = self._at_edge.copy()
        return st


def compute_state(
    gazetteer: gpd.GeoDataFrame,
    ledger: ResolvedLedger,
    *,
    source: str,
    date: dt.date,
    areas: gpd.GeoDataFrame | None = None,
    crs: str | None = None,
    ageing: Ageing | None = None,
) -> gpd.GeoDataFrame:
    """The state of one source on one date (see :func:`iter_states`)."""
    states = iter_states(gazetteer, ledger, source=source, dates=[date], areas=areas, crs=crs, ageing=ageing)
    return next(states)[1]


def relative_geometries(
    ledger: ResolvedLedger, gazetteer: gpd.GeoDataFrame, *, source: str, date: dt.date | None
) -> list[dict[str, object]]:
    """Geometry of the ``relative`` claims of ``source`` up to ``date`` (``None``: all): anchor, end point, radius.

    The end point is ``value_std`` km from the anchor along ``bearing_deg`` (geodesic); the
    uncertainty radius is the anchor's precision plus a quarter of the distance, since
    such statements give the direction only to the nearest compass point.
    """
    c = ledger.claims
    sel = c[(c["source"] == source) & (c["kind"] == "relative") & c["placed"] & _up_to(c, date)]
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


def figures(ledger: ResolvedLedger, *, source: str, date: dt.date | None) -> list[dict[str, object]]:
    """Area, count and whole-region statements of ``source`` up to ``date`` (``None``: all), newest first.

    ``drawn`` marks the figures read off the source's own map (its drawn km², see
    :data:`kursk_map.schemas.DRAWN_MARK`), as against those it announced.
    """
    c = ledger.claims
    sel = c[(c["source"] == source) & c["kind"].isin(("area", "count", "region", "denial")) & _up_to(c, date)]
    sel = sel.sort_values(["date", "claim_id"], ascending=[False, True], kind="stable")
    return [
        {
            "claim_id": r["claim_id"],
            "date": r["date"].date().isoformat(),
            "kind": r["kind"],
            "settlement": r["settlement"],
            "controller": r["controller"],
            "value": r["value"],
            "unit": r["unit"],
            "value_std": r["value_std"],
            "unit_std": schemas.CANONICAL_UNIT.get(r["unit"], ("", 1.0))[0],
            "summary": r["summary"],
            "url": r["url"],
            "denies": r["denies"],
            "drawn": bool(r.get("drawn", False)),
        }
        for r in sel.to_dict("records")
    ]


def attacks(ledger: ResolvedLedger, *, source: str, date: dt.date | None) -> list[dict[str, object]]:
    """The ``attack`` claims of ``source`` up to ``date`` (``None``: all), newest first; never part of the state.

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
    sel = c[(c["source"] == source) & (c["kind"] == "attack") & _up_to(c, date)]
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


def _up_to(claims: pd.DataFrame, date: dt.date | None) -> pd.Series:
    """Which claims were made on or before ``date`` (``None``: all of them)."""
    if date is None:
        return pd.Series(True, index=claims.index)
    return claims["date"] <= pd.Timestamp(date)


def group_counts(state: pd.DataFrame) -> dict[str, int]:
    """Settlements per group of a state, in legend order (``UA``, ``RU``, ``contested``, ``baseline``).

    Examples
    --------
    >>> import pandas as pd
    >>> group_counts(pd.DataFrame({"group": ["UA", "RU", "baseline", "RU"]}))
    {'UA': 1, 'RU': 2, 'contested': 0, 'baseline': 1}
    """
    n = dict.fromkeys(schemas.LEGEND_GROUPS, 0)
    for g in state[schemas.GROUP_COLUMN].tolist():
        n[g] += 1
    return n


def diff_states(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> dict[str, Any]:
    """What changed between two states of one source: each settlement whose group moved.

    Baseline counts as its own group (``"baseline"``), so a first claim about a settlement shows as
    a change from baseline. Returns ``changes`` (one record per settlement), ``gained`` and ``lost``
    (names per group) and ``counts`` before and after.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"name": ["A", "B"], "group": ["UA", "baseline"]}, index=["a", "b"])
    >>> a = pd.DataFrame({"name": ["A", "B"], "group": ["RU", "baseline"]}, index=["a", "b"])
    >>> d = diff_states(b, a)
    >>> d["gained"], d["lost"]
    ({'RU': ['A']}, {'UA': ['A']})
    """
    g0, g1 = before[schemas.GROUP_COLUMN], after.loc[before.index, schemas.GROUP_COLUMN]
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
