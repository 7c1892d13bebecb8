"""One call that loads, validates and resolves a data directory (theatre, gazetteer, sources, claims)."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Geod

from . import schemas
from ._errors import DataError, Problem
from .areas import settlement_cells
from .claims import read_claims, read_sources
from .control_areas import AREAS_DIR, empty_areas, read_areas
from .gazetteer import read_gazetteer, read_layer, ref_warnings
from .names import Resolver
from .resolution import ResolvedLedger, resolve_claims
from .theatre import DEFAULT_THEATRE, THEATRE_FILE, Theatre, default_theatre, read_theatre

_GEOD = Geod(ellps="WGS84")

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
    ``theatre`` what the folder is about (``theatre.toml``, see :mod:`kursk_map.theatre`);
    ``areas`` the control areas sources published (see :mod:`kursk_map.control_areas`);
    ``countries`` the country outlines (what drawn areas are measured against).
    """

    root: Path
    gazetteer: gpd.GeoDataFrame
    sources: pd.DataFrame
    ledger: ResolvedLedger
    border: gpd.GeoDataFrame
    resolver: Resolver
    cells: gpd.GeoDataFrame
    theatre: Theatre = DEFAULT_THEATRE
    #: What is odd but not wrong (a skipped editor backup, a claim outside the period, a repaired
    #: polygon), as ``file:line: column: warning: message``; the command line prints them.
    warnings: tuple[Problem, ...] = ()
    areas: gpd.GeoDataFrame = field(default_factory=empty_areas)
    countries: gpd.GeoDataFrame | None = None

    @property
    def equal_area_crs(self) -> str:
        """The CRS areas are measured in: the theatre's, or one centred on the placed settlements."""
        return _equal_area(self.theatre, self.gazetteer)


def _equal_area(theatre: Theatre, gazetteer: gpd.GeoDataFrame) -> str:
    placed = gazetteer[gazetteer.geometry.notna()]
    return theatre.equal_area(tuple(placed.total_bounds) if len(placed) else None)


#: Files a system or an editor leaves beside the ones it edits: skipped, with a warning.
_LEFT_BY_TOOLS = re.compile(
    r"^(\.ds_store|thumbs\.db|desktop\.ini|\.~lock\..*#|~\$.*|\.#.*|.*~|.*\.(bak|orig|swp|tmp))$", re.IGNORECASE
)


def scan_claims(root: str | Path) -> tuple[list[Path], list[Problem], list[Problem]]:
    """Account for every entry of a data directory's ``claims/``: ``(files to read, problems, warnings)``.

    ``*.csv`` files are read, whatever the case of the ending (``.CSV``). A folder, a file of
    another type (a workbook, a ``.tsv``) or a hidden file is a problem: its claims would be lost.
    Editor backups and lock files (``ru-mod.csv~``, ``.~lock.ru-mod.csv#``, ``.DS_Store``) are
    skipped with a warning. Without ``claims/``, a single ``claims.csv`` is read; beside a
    ``claims/`` that has files, it is a problem.
    """
    base = Path(root)
    folder = base / CLAIMS_DIR
    single = base / "claims.csv"
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not folder.is_dir():
        if folder.exists():
            problems.append(Problem(str(folder), 0, "", "is a file; claims/ is a folder of <source>.csv files"))
            return [], problems, warnings
        return [single], problems, warnings
    try:
        entries = sorted(folder.iterdir())
    except OSError:  # an unreadable claims/ folder: read_claims reports the path it is given
        return [folder], problems, warnings
    files: list[Path] = []
    for e in entries:
        where = str(e)
        if _LEFT_BY_TOOLS.match(e.name):
            warnings.append(Problem(where, 0, "", "warning: not read (left by an editor or the system); delete it"))
        elif e.is_dir():
            problems.append(
                Problem(
                    where,
                    0,
                    "",
                    "a folder inside claims/ is not read; move its <source>.csv files into claims/ "
                    "or the folder out of the data folder",
                )
            )
        elif e.name.startswith("."):
            problems.append(
                Problem(where, 0, "", "a hidden file in claims/ is not read; rename it <source>.csv or delete it")
            )
        elif e.suffix.lower() == ".csv":
            files.append(e)
        else:
            hint = (
                "save it as 'CSV UTF-8' named claims/<source>.csv"
                if e.suffix.lower() in (".xlsx", ".xls", ".ods", ".numbers", ".tsv", ".txt")
                else "only claims/<source>.csv files are read; convert it or move it out of claims/"
            )
            problems.append(Problem(where, 0, "", f"not a .csv file, so not read; {hint}"))
    if files and (single.exists() or single.is_symlink()):
        problems.append(
            Problem(
                str(single),
                0,
                "",
                "not read: the claims/ folder is used; move its rows into claims/<source>.csv files, then delete it",
            )
        )
    return files or ([] if problems else [single]), problems, warnings


def claim_files(root: str | Path) -> list[Path]:
    """The claims files of a data directory: ``claims/*.csv`` (sorted) or a single ``claims.csv``."""
    return scan_claims(root)[0]


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
    files, scanned, warnings = scan_claims(base)
    if not scanned and files == [base / "claims.csv"] and not files[0].exists():
        others = [p.name for p in base.iterdir() if p.name.lower() in ("claims", "claims.csv")] if base.is_dir() else []
        hint = f" (found {others[0]!r}: names are case-sensitive)" if others else ""
        return None, [
            Problem(
                str(base / CLAIMS_DIR),
                0,
                "",
                f"no claims{hint}: add claims/<source>.csv files (or one claims.csv); see geodata/README.md",
            )
        ]
    read, problems = read_theatre(base / THEATRE_FILE)
    theatre = read or default_theatre(base)
    if problems:  # every check below depends on the theatre: report its problems alone
        return None, problems
    gaz, p1 = read_gazetteer(base / SETTLEMENTS, theatre=theatre)
    problems = scanned + p1
    sources, p2 = read_sources(base / SOURCES)
    problems += p2
    if (gaz.empty and problems) or (sources.empty and p2):
        return None, problems
    per_source = files != [base / "claims.csv"]
    claims, p3 = read_claims(
        files, sources=list(sources["slug"]), today=today, theatre=theatre, one_source_per_file=per_source
    )
    problems += p3
    # an areas file that cannot be read is a problem like any other, not a reason to drop the dataset
    crs = _equal_area(theatre, gaz)  # areas and cells are measured in it
    areas, p4 = read_areas(base / AREAS_DIR, sources=list(sources["slug"]), today=today, crs=crs)
    if any(p.line == 0 for p in problems):
        return None, problems + p4
    problems += p4
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
        layer, bad, odd = read_layer(path, kind=key)
        problems += bad
        warnings += odd
        if not bad:
            layers.append(layer)
    if len(layers) < 2:
        return None, problems
    border, countries = layers
    errors, notes = plausibility(claims, gaz, countries)
    problems += errors
    warnings += notes + ref_warnings(gaz)
    cells = settlement_cells(gaz, countries, crs=crs)
    ds = Dataset(
        base, gaz, sources, ledger, border, resolver, cells, theatre, tuple(sorted(set(warnings))), areas, countries
    )
    return ds, problems


def plausibility(
    claims: pd.DataFrame, gazetteer: gpd.GeoDataFrame, countries: gpd.GeoDataFrame
) -> tuple[list[Problem], list[Problem]]:
    """Figures no claim of this theatre can have: ``(problems, warnings)``, each at ``file:line``.

    Problems: an area larger than the largest country of the countries layer, a distance longer
    than the layer is wide (both measured on the ellipsoid). Warnings: a count of settlements above
    the gazetteer's. (A date outside the theatre's period is checked with the claim itself.)
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    biggest: tuple[str, float] | None = None
    across_km = math.inf
    if len(countries) and "country" in countries.columns:
        areas: dict[str, float] = {}
        for code, geom in zip(countries["country"].astype(str), countries.geometry, strict=True):
            areas[code] = areas.get(code, 0.0) + abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e6
        code = max(areas, key=lambda k: areas[k])
        biggest = (code, areas[code])
        x0, y0, x1, y1 = countries.total_bounds
        across_km = _GEOD.inv(x0, y0, x1, y1)[2] / 1000
    n_settlements = len(gazetteer)
    for r in claims.to_dict("records"):
        file, line = str(r["_file"]), int(r["_line"])
        value, unit = r["value_std"], schemas.CANONICAL_UNIT.get(str(r["unit"]), ("", 1.0))[0]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if unit == "km2" and biggest is not None and value > biggest[1]:
            problems.append(
                Problem(
                    file,
                    line,
                    "value",
                    f"{r['value']:g} {r['unit']} is more than the whole of {biggest[0]} on the map "
                    f"({biggest[1]:,.0f} km2); check the figure and its unit",
                )
            )
        elif unit == "km" and value > across_km:
            problems.append(
                Problem(
                    file,
                    line,
                    "value",
                    f"{r['value']:g} {r['unit']} is farther than the map reaches ({across_km:,.0f} km across); "
                    "check the figure and its unit",
                )
            )
        elif unit == "settlements" and value > n_settlements:
            warnings.append(
                Problem(
                    file,
                    line,
                    "value",
                    f"warning: {r['value']:g} settlements is more than the gazetteer's {n_settlements}; "
                    "check the figure, or complete the gazetteer",
                )
            )
    return problems, warnings


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
