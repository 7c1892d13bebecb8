"""How completely the gazetteer covers each raion, measured against a cited inventory.

An inventory (``geodata/inventory.csv``) lists, per raion or hromada, every inhabited
locality that a public list gives. :func:`raion_coverage` matches those names against the
gazetteer rows of the same raion and says, raion by raion, how many are placed precisely,
placed approximately, known but unplaced, or missing from the gazetteer altogether.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from pyproj import Geod

from .names import normalise, skeleton

#: Methods whose point was read from a reference (the others are derived or absent).
PRECISE_METHODS = ("geonames", "page", "import", "registry")


@dataclass(frozen=True)
class RaionCoverage:
    """The gazetteer's coverage of one raion (``unit`` empty) or of one unit (selsoviet, hromada) in it."""

    oblast: str
    raion: str
    unit: str
    #: Localities a cited page says the raion or unit has (None when no page gives a total).
    official: int | None
    listed: int
    precise: int
    approximate: int
    unplaced: tuple[str, ...]
    missing: tuple[str, ...]
    #: Gazetteer rows of the raion that the inventory does not list (raion level only).
    extra: tuple[str, ...]
    refs: tuple[str, ...]

    @property
    def placed(self) -> int:
        """Listed localities with a point, precise or approximate."""
        return self.precise + self.approximate

    @property
    def listed_fully(self) -> bool:
        """The inventory lists as many localities as the official count."""
        return self.official is not None and self.listed >= self.official

    @property
    def complete(self) -> bool:
        """Every locality of the official count is listed and placed on the map."""
        return self.listed_fully and self.placed == self.listed

    def as_dict(self) -> dict[str, object]:
        """The report as JSON-ready values."""
        return {
            "oblast": self.oblast,
            "raion": self.raion,
            "unit": self.unit,
            "official": self.official,
            "listed": self.listed,
            "placed": self.placed,
            "precise": self.precise,
            "approximate": self.approximate,
            "unplaced": list(self.unplaced),
            "missing": list(self.missing),
            "extra": list(self.extra),
            "complete": self.complete,
            "refs": list(self.refs),
        }


def _keys(names: Iterable[str], fold: bool) -> set[str]:
    out = set()
    for n in names:
        if n:
            out.add(skeleton(n) if fold else normalise(n))
    return out - {""}


def _gazetteer_names(row: pd.Series) -> list[str]:
    alts = str(row.get("alt_names") or "").split("|")
    return [str(row.get(c) or "") for c in ("name", "name_ru", "name_uk")] + alts


def _inventory_names(row: pd.Series) -> list[str]:
    return [str(row.get(c) or "") for c in ("name_ru", "name_uk", "name_en")]


def _by_id(gazetteer: pd.DataFrame) -> pd.DataFrame:
    return gazetteer.set_axis(gazetteer["id"].astype(str).to_list(), axis=0) if len(gazetteer) else gazetteer


def match_inventory(inventory: pd.DataFrame, gazetteer: pd.DataFrame) -> dict[Hashable, str]:
    """Pair inventory rows with gazetteer rows of the same oblast and raion, one to one.

    Names are compared exactly (after :func:`~kursk_map.names.normalise`) first, then by
    spelling skeleton, so "Ольговка" in the list finds a row named only "Olgovka".

    Returns
    -------
    dict
        Inventory row label -> gazetteer id, for the rows that found a partner.
    """
    out: dict[Hashable, str] = {}
    if inventory.empty or gazetteer.empty:
        return out
    gazetteer = _by_id(gazetteer)
    for (oblast, raion), inv in inventory.groupby(["oblast", "raion"], sort=False):
        gaz = gazetteer[(gazetteer["oblast"] == oblast) & (gazetteer["raion"] == raion)]
        used: set[str] = set()
        for fold in (False, True):
            gkeys = {str(gid): _keys(_gazetteer_names(r), fold) for gid, r in gaz.iterrows()}
            for pos, r in inv.iterrows():
                if pos in out:
                    continue
                want = _keys(_inventory_names(r), fold)
                hit = next((gid for gid, ks in gkeys.items() if gid not in used and ks & want), None)
                if hit is not None:
                    out[pos] = hit
                    used.add(hit)
    return out


def raion_coverage(
    inventory: pd.DataFrame, gazetteer: pd.DataFrame, counts: Mapping[tuple[str, str, str], int] | None = None
) -> list[RaionCoverage]:
    """Coverage of every raion the inventory lists, each followed by its units, in the inventory's order.

    ``counts`` maps (oblast, raion, unit) to the number of localities a cited page gives
    (unit ``""`` for the whole raion); a raion or unit is complete only when that many are
    listed and every one is placed.

    Examples
    --------
    >>> inv = pd.DataFrame({"oblast": ["Kursk"] * 2, "raion": ["Sudzhansky"] * 2, "unit": "",
    ...     "name_ru": ["Суджа", "Гуево"], "name_uk": "", "name_en": "", "kind": "",
    ...     "ref": "https://example.org/list"})
    >>> gaz = pd.DataFrame({"id": ["1"], "name": ["Sudzha"], "name_ru": ["Суджа"], "name_uk": [""],
    ...     "alt_names": [""], "oblast": ["Kursk"], "raion": ["Sudzhansky"], "method": ["geonames"]})
    >>> c = raion_coverage(inv, gaz, {("Kursk", "Sudzhansky", ""): 82})[0]
    >>> c.official, c.listed, c.precise, c.missing, c.complete
    (82, 2, 1, ('Гуево',), False)
    """
    counts = counts or {}
    pairs = match_inventory(inventory, gazetteer)
    gazetteer = _by_id(gazetteer)
    method = gazetteer["method"].astype(str).to_dict() if len(gazetteer) else {}
    name = gazetteer["name"].astype(str).to_dict() if len(gazetteer) else {}

    def entry(oblast: str, raion: str, unit: str, inv: pd.DataFrame) -> RaionCoverage:
        hits = [pairs[p] for p in inv.index if p in pairs]
        methods = [method[g] for g in hits]
        extra: tuple[str, ...] = ()
        if not unit and len(gazetteer):
            in_raion = gazetteer.index[(gazetteer["oblast"] == oblast) & (gazetteer["raion"] == raion)]
            found = set(hits)
            extra = tuple(sorted(name[g] for g in in_raion if g not in found))
        return RaionCoverage(
            oblast=oblast,
            raion=raion,
            unit=unit,
            official=counts.get((oblast, raion, unit)),
            listed=len(inv),
            precise=sum(m in PRECISE_METHODS for m in methods),
            approximate=sum(m == "derived" for m in methods),
            unplaced=tuple(sorted(name[g] for g in hits if method[g] == "unplaced")),
            missing=tuple(
                sorted(str(r["name_ru"] or r["name_uk"] or r["name_en"]) for p, r in inv.iterrows() if p not in pairs)
            ),
            extra=extra,
            refs=tuple(sorted(set(inv["ref"].astype(str)))),
        )

    out = []
    for (oblast, raion), inv in inventory.groupby(["oblast", "raion"], sort=False):
        out.append(entry(str(oblast), str(raion), "", inv))
        units = inv[inv["unit"].fillna("") != ""]
        for unit, part in units.groupby("unit", sort=True):
            out.append(entry(str(oblast), str(raion), str(unit), part))
    return out


def assign_raions(
    gazetteer: pd.DataFrame, inventory: pd.DataFrame, *, max_km: float = 35.0, min_neighbours: int = 3
) -> dict[str, str]:
    """Raions for gazetteer rows that have none (GeoNames rows), taken from the inventory.

    A row gets a raion when its name is listed in exactly one raion of its oblast, and its
    point lies within ``max_km`` of the median of that raion's rows that already carry the
    raion (at least ``min_neighbours`` of them). A namesake from elsewhere in the oblast thus
    stays without a raion rather than getting a wrong one.

    Returns
    -------
    dict
        Gazetteer id -> raion, only for the rows it could decide.
    """
    geod = Geod(ellps="WGS84")
    gaz = _by_id(gazetteer)
    if inventory.empty or not len(gaz):
        return {}
    known = gaz[(gaz["raion"].fillna("") != "") & gaz["lat"].notna()]
    centre = {
        key: (float(g["lat"].median()), float(g["lon"].median()))
        for key, g in known.groupby(["oblast", "raion"])
        if len(g) >= min_neighbours
    }
    listed: dict[tuple[str, str], set[str]] = {}
    for _, item in inventory.iterrows():
        for k in _keys(_inventory_names(item), False):
            listed.setdefault((str(item["oblast"]), k), set()).add(str(item["raion"]))
    out: dict[str, str] = {}
    for gid, r in gaz[gaz["raion"].fillna("") == ""].iterrows():
        raions: set[str] = set()
        for k in _keys(_gazetteer_names(r), False):
            raions |= listed.get((str(r["oblast"]), k), set())
        if len(raions) != 1 or pd.isna(r["lat"]):
            continue
        raion = raions.pop()
        c = centre.get((str(r["oblast"]), raion))
        if c is None:
            continue
        _, _, metres = geod.inv(c[1], c[0], float(r["lon"]), float(r["lat"]))
        if metres <= max_km * 1000:
            out[str(gid)] = raion
    return out
