"""One call that loads, validates and resolves a data directory (gazetteer, sources, claims)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ._errors import DataError, Problem
from .areas import settlement_cells
from .claims import read_claims, read_sources
from .gazetteer import load_layer, read_gazetteer
from .names import Resolver
from .state import ResolvedLedger, resolve_claims

#: Where files live inside a data directory (``geodata/`` in this repository).
SETTLEMENTS = "settlements.csv"
SOURCES = "sources.csv"
CLAIMS_DIR = "claims"
BORDER = "border.geojson"
COUNTRIES = "countries.geojson"


@dataclass(frozen=True)
class Dataset:
    """Everything a build needs, validated and joined.

    ``cells`` holds each placed settlement's share of the ground (see :mod:`kursk_map.areas`).
    """

    root: Path
    gazetteer: gpd.GeoDataFrame
    sources: pd.DataFrame
    ledger: ResolvedLedger
    border: gpd.GeoDataFrame
    resolver: Resolver
    cells: gpd.GeoDataFrame


def claim_files(root: str | Path) -> list[Path]:
    """The claims files of a data directory: ``claims/*.csv`` (sorted) or a single ``claims.csv``."""
    base = Path(root)
    files = sorted((base / CLAIMS_DIR).glob("*.csv"))
    return files or [base / "claims.csv"]


def check_dataset(
    root: str | Path, *, keep_going: bool = False, today: dt.date | None = None
) -> tuple[Dataset | None, list[Problem]]:
    """Load a data directory and return it with every problem found in any of its files.

    The dataset is ``None`` when a file could not be read at all.
    """
    base = Path(root)
    gaz, problems = read_gazetteer(base / SETTLEMENTS)
    sources, p2 = read_sources(base / SOURCES)
    problems += p2
    claims, p3 = read_claims(claim_files(base), sources=list(sources["slug"]), today=today)
    problems += p3
    if any(p.line == 0 for p in problems):
        return None, problems
    resolver = Resolver(gaz)
    ledger = resolve_claims(claims, gaz, resolver=resolver, keep_going=keep_going)
    problems += ledger.problems
    cells = settlement_cells(gaz, load_layer(base / COUNTRIES))
    ds = Dataset(base, gaz, sources, ledger, load_layer(base / BORDER), resolver, cells)
    return ds, problems


def load_dataset(root: str | Path, *, keep_going: bool = False, today: dt.date | None = None) -> Dataset:
    """Load, validate and resolve a data directory; raise :class:`DataError` with every problem."""
    ds, problems = check_dataset(root, keep_going=keep_going, today=today)
    if problems or ds is None:
        raise DataError(problems)
    return ds
