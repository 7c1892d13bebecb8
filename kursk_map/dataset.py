"""One call that loads, validates and resolves a data directory (theatre, gazetteer, sources, claims)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ._errors import DataError, Problem
from .areas import settlement_cells
from .claims import read_claims, read_sources
from .gazetteer import load_layer, read_gazetteer
from .names import Resolver
from .resolution import ResolvedLedger, resolve_claims
from .theatre import DEFAULT_THEATRE, THEATRE_FILE, Theatre, default_theatre, read_theatre

#: Where files live inside a data directory (``geodata/`` in this repository).
SETTLEMENTS = "settlements.csv"
SOURCES = "sources.csv"
CLAIMS_DIR = "claims"
BORDER = "border.geojson"
COUNTRIES = "countries.geojson"


@dataclass(frozen=True)
class Dataset:
    """Everything a build needs, validated and joined.

    ``cells`` holds each placed settlement's share of the ground (see :mod:`kursk_map.areas`);
    ``theatre`` what the folder is about (``theatre.toml``, see :mod:`kursk_map.theatre`).
    """

    root: Path
    gazetteer: gpd.GeoDataFrame
    sources: pd.DataFrame
    ledger: ResolvedLedger
    border: gpd.GeoDataFrame
    resolver: Resolver
    cells: gpd.GeoDataFrame
    theatre: Theatre = DEFAULT_THEATRE


def claim_files(root: str | Path) -> list[Path]:
    """The claims files of a data directory: ``claims/*.csv`` (sorted) or a single ``claims.csv``."""
    base = Path(root)
    try:
        files = sorted((base / CLAIMS_DIR).glob("*.csv"))
    except OSError:  # an unreadable claims/ folder: read_claims reports the path it is given
        return [base / CLAIMS_DIR]
    return files or [base / "claims.csv"]


def check_dataset(
    root: str | Path, *, keep_going: bool = False, today: dt.date | None = None
) -> tuple[Dataset | None, list[Problem]]:
    """Load a data directory and return it with every problem found in any of its files.

    The dataset is ``None`` when a file could not be read at all. Claims are checked against the
    gazetteer and the sources only when those could be read: one unreadable gazetteer is one
    problem, not one "unknown settlement" per claim.
    """
    base = Path(root)
    if not base.is_dir():
        what = "is a file, not a folder" if base.exists() else "does not exist"
        return None, [
            Problem(
                str(base),
                0,
                "",
                f"data folder {what}; give the folder with settlements.csv, "
                "sources.csv and claims/ (the bundled one is geodata/)",
            )
        ]
    files = claim_files(base)
    if files == [base / "claims.csv"] and not files[0].exists():
        return None, [
            Problem(
                str(base / CLAIMS_DIR),
                0,
                "",
                "no claims: add claims/<source>.csv files (or one claims.csv); see geodata/README.md",
            )
        ]
    read, problems = read_theatre(base / THEATRE_FILE)
    theatre = read or default_theatre(base)
    if problems:  # every check below depends on the theatre: report its problems alone
        return None, problems
    gaz, problems = read_gazetteer(base / SETTLEMENTS, theatre=theatre)
    sources, p2 = read_sources(base / SOURCES)
    problems += p2
    if (gaz.empty and problems) or (sources.empty and p2):
        return None, problems
    claims, p3 = read_claims(files, sources=list(sources["slug"]), today=today, theatre=theatre)
    problems += p3
    if any(p.line == 0 for p in problems):
        return None, problems
    resolver = Resolver(gaz)
    ledger = resolve_claims(claims, gaz, resolver=resolver, keep_going=keep_going)
    problems += ledger.problems
    layers: list[gpd.GeoDataFrame] = []
    for key, name in (("border", theatre.border), ("countries", theatre.countries)):
        path = base / (name or (BORDER if key == "border" else COUNTRIES))
        if name and not path.is_file():
            problems.append(
                Problem(theatre.path, 0, key, f"names {name!r}, which is not a file in {base}; add it or fix the name")
            )
            continue
        try:
            layers.append(load_layer(path))
        except DataError as exc:
            problems += exc.problems
    if len(layers) < 2:
        return None, problems
    border, countries = layers
    placed = gaz[gaz.geometry.notna()]
    crs = theatre.equal_area(tuple(placed.total_bounds) if len(placed) else None)
    cells = settlement_cells(gaz, countries, crs=crs)
    ds = Dataset(base, gaz, sources, ledger, border, resolver, cells, theatre)
    return ds, problems


def load_dataset(root: str | Path, *, keep_going: bool = False, today: dt.date | None = None) -> Dataset:
    """Load, validate and resolve a data directory; raise :class:`DataError` with every problem."""
    ds, problems = check_dataset(root, keep_going=keep_going, today=today)
    if problems or ds is None:
        raise DataError(problems)
    return ds


def _suggest(name: str, known: list[str]) -> str | None:
    """The known name closest to ``name`` (ignoring case, ``_`` for ``-`` and blanks), if any is close."""
    squash = {k.lower().replace("_", "-").replace(" ", "-"): k for k in known}
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    if key in squash:
        return squash[key]
    close = difflib.get_close_matches(key, list(squash), n=1, cutoff=0.6)
    return squash[close[0]] if close else None


def unknown_source(source: str, known: Iterable[str]) -> str:
    """The message for a source slug that ``sources.csv`` does not list, with the closest known slug.

    Examples
    --------
    >>> unknown_source("ru_mod", ["ru-mod", "ua-gs"])
    "unknown source 'ru_mod' (did you mean 'ru-mod'?); known: ru-mod, ua-gs"
    >>> unknown_source("nobody", ["ru-mod", "ua-gs"])
    "unknown source 'nobody'; known: ru-mod, ua-gs"
    """
    names = sorted(known)
    guess = _suggest(source, names)
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return f"unknown source {source!r}{hint}; known: {', '.join(names) or 'none (sources.csv lists none)'}"
