"""From validated claims to the state each source claims on each date. Pure functions, no I/O.

Rules (written in README.md as well):

* the state of source S on date D gives each placed settlement the controller of the latest
  ``control``/``presence`` claim by S dated on or before D about that settlement;
* a ``region`` claim with a controller (e.g. "full control of Kursk Oblast") applies to every
  settlement of that oblast; it overrides earlier settlement claims, and later ones override it;
  on the same day the settlement's own claim wins;
* without any such claim, a settlement is shown at its *baseline*: the de jure country
  (RU in Russia, UA in Ukraine), marked as baseline, not as a claim.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from . import schemas
from ._errors import Problem
from .gazetteer import derive_point
from .names import Resolver, normalise, skeleton

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
    """
    resolver = resolver or Resolver(gazetteer)
    oblasts = sorted({str(o) for o in gazetteer["oblast"] if o})
    out = claims.copy()
    out["settlement_id"] = ""
    out["oblast"] = ""
    out["placed"] = False
    out["unplaced_reason"] = ""
    problems: list[Problem] = []

    pending: list[int] = []
    for i, row in out.iterrows():
        kind = row["kind"]
        if kind == "region":
            ob = _oblast_of(row["settlement"], oblasts)
            if ob is None:
                problems.append(
                    Problem(
                        row["_file"],
                        int(row["_line"]),
                        "settlement",
                        f"unknown oblast {row['settlement']!r}; use one of: "
                        + ", ".join(f"'{o} Oblast'" for o in oblasts),
                    )
                )
            else:
                out.at[i, "oblast"] = ob
        elif kind in schemas.PLACED_KINDS or (kind == "denial" and row["settlement"]):
            pending.append(int(str(i)))

    def settle(i: int, near: tuple[float, float] | None) -> str:
        row = out.loc[i]
        name, ctx = _split_context(str(row["settlement"]))
        res = resolver.resolve(name, raion=ctx, near=near)
        if res.status == "match" and res.best is not None:
            out.at[i, "settlement_id"] = res.best.id
            out.at[i, "oblast"] = res.best.oblast
            out.at[i, "placed"] = res.best.placed
            if not res.best.placed:
                out.at[i, "unplaced_reason"] = f"{res.best.name} is in the gazetteer without coordinates"
            return "match"
        return res.status

    # First pass: names that resolve alone; second pass: the rest, near the same claim group.
    unresolved = [i for i in pending if settle(i, None) != "match"]
    for i in unresolved:
        row = out.loc[i]  # type: ignore[assignment]
        group = out[(out["source"] == row["source"]) & (out["date"] == row["date"]) & out["placed"]]
        ids = [s for s in group["settlement_id"] if s]
        near = None
        if ids:
            g = gazetteer.loc[ids]
            near = (float(g["lat"].mean()), float(g["lon"].mean()))
        if settle(i, near) == "match":
            continue
        name, ctx = _split_context(str(row["settlement"]))
        res = resolver.resolve(name, raion=ctx, near=near)
        if keep_going:
            out.at[i, "unplaced_reason"] = res.describe()
        elif row["kind"] != "denial":
            problems.append(Problem(row["_file"], int(row["_line"]), "settlement", res.describe()))
    return ResolvedLedger(out, problems)


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
    return sorted({d.date() for d in c.loc[c["source"] == source, "date"]})


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
    c = ledger.claims
    mine = c[(c["source"] == source)].sort_values(["date", "claim_id"], kind="stable")
    settle_rows = mine[mine["kind"].isin(("control", "presence")) & mine["placed"]]
    region_rows = mine[(mine["kind"] == "region") & mine["controller"].isin(("UA", "RU", "contested"))]
    events = pd.concat([settle_rows.assign(_rank=1), region_rows.assign(_rank=0)]).sort_values(
        ["date", "_rank", "claim_id"], kind="stable"
    )
    ev = events[["date", "kind", "settlement_id", "oblast", "controller", "claim_id"]].to_dict("records")

    # per settlement: (controller, basis, since, [claim ids newest first])
    current: dict[str, tuple[str, str, dt.date, list[str]]] = {}
    history: dict[str, list[str]] = {}
    oblast_members = {ob: list(grp.index) for ob, grp in placed.groupby("oblast")}
    pos = 0
    for day in sorted(dates):
        stamp = pd.Timestamp(day)
        while pos < len(ev) and ev[pos]["date"] <= stamp:
            e = ev[pos]
            pos += 1
            when = e["date"].date()
            if e["kind"] == "region":
                for sid in oblast_members.get(e["oblast"], []):
                    current[sid] = (e["controller"], "region", when, [e["claim_id"], *history.get(sid, [])])
            else:
                sid = e["settlement_id"]
                history[sid] = [e["claim_id"], *history.get(sid, [])]
                current[sid] = (e["controller"], "claim", when, list(history[sid]))
        yield day, _state_frame(placed, current)


def _state_frame(placed: gpd.GeoDataFrame, current: dict[str, tuple[str, str, dt.date, list[str]]]) -> gpd.GeoDataFrame:
    st = placed.copy()
    ids = list(st.index)
    st["controller"] = [current[s][0] if s in current else st.at[s, "country"] for s in ids]
    st["basis"] = [current[s][1] if s in current else "baseline" for s in ids]
    st["claim_ids"] = [tuple(current[s][3]) if s in current else () for s in ids]
    st["since"] = [current[s][2].isoformat() if s in current else "" for s in ids]
    return gpd.GeoDataFrame(st[[*_STATE_COLUMNS, "geometry"]], geometry="geometry", crs=schemas.CRS)


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
    c = c[c["kind"].isin(("control", "presence")) & (c["settlement_id"] != "")]
    out = []
    for (source, sid, _day), g in c.groupby(["source", "settlement_id", "date"], sort=True):
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
    out = []
    for _, g in c.groupby(["source", "date"], sort=True):
        if g["settlement_id"].nunique() < 3:
            continue
        xy = pts.loc[g["settlement_id"]].to_numpy()
        for i, r in enumerate(g.to_dict("records")):
            others = [j for j in range(len(g)) if g["settlement_id"].iloc[j] != r["settlement_id"]]
            lat0, lon0 = float(np.median(xy[others, 0])), float(np.median(xy[others, 1]))
            _, _, dist = _GEOD.inv(lon0, lat0, float(xy[i, 1]), float(xy[i, 0]))
            if dist / 1000.0 >= max_km:
                out.append(
                    {
                        "claim_id": r["claim_id"],
                        "source": r["source"],
                        "date": r["date"].date().isoformat(),
                        "settlement": r["settlement"],
                        "settlement_id": r["settlement_id"],
                        "km": round(dist / 1000.0),
                        "where": f"{r['_file']}:{r['_line']}",
                    }
                )
    return out


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
