"""Name resolution: each claim's settlement, written as a source wrote it, joined to a gazetteer row.

Pure functions, no I/O. The resolver itself (spellings, transliteration, namesakes) is
:mod:`kursk_map.names`; this module applies it to a ledger, with each claim's context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import schemas
from ._errors import Problem
from .names import Resolution, Resolver, normalise, skeleton

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


def oblast_of(written: str, oblasts: list[str]) -> str | None:
    """The oblast of ``oblasts`` that ``written`` names ("Kursk Oblast", "Курская обл."), or None.

    Examples
    --------
    >>> oblast_of("Kursk Oblast", ["Belgorod", "Kursk", "Sumy"]), oblast_of("Moscow", ["Kursk"])
    ('Kursk', None)
    """
    return _oblast_of(written, oblasts)


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
