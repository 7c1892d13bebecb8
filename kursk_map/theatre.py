"""The theatre a data folder describes: its name and titles, period, countries, area and layers.

Read from ``<data>/theatre.toml`` (format in ``geodata/README.md``, section "theatre.toml").
Everything place-specific that the tool checks or shows comes from here: the de jure country of
each oblast (the baseline), where settlements may lie, which claim dates are plausible, the
equal-area projection areas are measured in, the initial view, the page titles and the credits.
A data folder without ``theatre.toml`` still loads, with :func:`default_theatre` (no period, no
oblast list, areas in a projection centred on its settlements).

This module, :mod:`kursk_map.gazetteer` and :mod:`kursk_map.claims` are the loaders.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Final

from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError

from . import schemas
from ._errors import DataError, Problem

#: The theatre file of a data folder.
THEATRE_FILE: Final = "theatre.toml"
#: Where settlements may lie without a theatre.toml (lon_min, lat_min, lon_max, lat_max): the part
#: of the two countries the claim model knows (``schemas.COUNTRIES``) west of 41° E.
DEFAULT_REGION: Final = (22.0, 44.0, 41.0, 53.0)
#: A settlement may lie this many degrees outside the theatre's bbox (the bbox frames the fighting;
#: the gazetteer also holds the towns around it).
REGION_MARGIN_DEG: Final = 3.0
#: Credits of the data when theatre.toml names none (plain text; the renderers escape it).
DEFAULT_ATTRIBUTION: Final = "Settlements: the references cited in settlements.csv · Border: as in the data folder"
#: ``kursk-map validate`` asks whether a claim's place is a namesake when it lies this far (km) from the
#: other places its source named that day; the default suits a front the size of Kursk's.
NAMESAKE_KM: Final = 50.0
#: A CRS is equal-area enough when a small square anywhere in the bbox keeps its area within this.
_AREA_TOLERANCE: Final = 0.005
_KEYS: Final = (
    "name",
    "title",
    "period",
    "equal_area_crs",
    "bbox",
    "border",
    "countries",
    "attribution",
    "namesake_km",
    "country_names",
    "oblasts",
    "claimants",
    "stale_days",
)
#: The keys of a ``[claimants.<slug>]`` table.
_CLAIMANT_KEYS: Final = ("side", "label", "kind", "patterns", "replaces")
#: What a claimant of theatre.toml may be (``state`` claimants, "Russia said", are the bundled lexicon's).
CLAIMANT_KINDS: Final = ("org", "person")
_SLUG: Final = re.compile(r"[a-z0-9][a-z0-9-]*")
_GEOD = Geod(ellps="WGS84")


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Claimant:
    """Who speaks for a side in this theatre, as ``kursk-map extract`` should recognise them.

    Attributes
    ----------
    slug : str
        The source of ``sources.csv`` their statements are proposed as.
    side : str
        ``UA``, ``RU`` or ``independent``.
    label : str
        How the extractor's notes name them ("the Kharkiv regional administration").
    kind : str
        ``person`` (an official: "he said" may mean them) or ``org``.
    patterns : tuple of str
        Regular expressions (case-insensitive, whole words) of how articles write them; Cyrillic
        patterns are tried on Cyrillic text only, Latin ones on Latin text.
    replaces : tuple of str
        Claimants of the bundled lexicon (:mod:`kursk_map.extract.lexicon`) that do not speak in this
        theatre: their patterns are dropped, and words that referred back to them ("the governor
        said") refer to this claimant.
    """

    slug: str
    side: str
    label: str
    kind: str = "org"
    patterns: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theatre:
    """What a data folder is about; every field has a neutral default.

    Attributes
    ----------
    name : str
        Short name, in page titles ("Kharkiv 2022").
    title : str
        Heading of the atlas index.
    period : (date, date) or None
        First and last day of the events; a claim dated outside it is a data error.
    equal_area_crs : str
        CRS that areas are measured in; ``""`` for a Lambert azimuthal equal-area projection
        centred on the settlements (:meth:`equal_area`).
    bbox : (lon_min, lat_min, lon_max, lat_max) or None
        The contested zone: the initial view of the maps.
    border, countries : str
        File names of the context layers inside the data folder, when theatre.toml names them
        (then they must exist); ``""`` for ``border.geojson`` and ``countries.geojson`` if present.
    country_names : mapping
        Country code -> name, in labels ("Held by Ukraine").
    oblasts : mapping
        Oblast -> its de jure country: the baseline of a settlement no source has claimed, and a
        check on the gazetteer's ``country`` column.
    attribution : str
        Credits of the data (plain text), shown on every map and image.
    namesake_km : float
        A claim whose place lies this far or farther from the other places its source named that
        day is reported as a possible namesake (:func:`kursk_map.diagnostics.far_from_group`).
    claimants : tuple of Claimant
        The theatre's own claimants for ``kursk-map extract`` (its regional authorities, say),
        tried before the bundled lexicon's.
    stale_days : mapping
        ``presence`` and ``control``: days after which a claim of that kind is drawn as stale
        (:data:`kursk_map.schemas.STALE_DAYS` unless ``theatre.toml`` has a ``[stale_days]`` table).
    path : str
        The file it was read from; ``""`` for the defaults.
    """

    name: str = "claims"
    title: str = "Atlas of territorial claims"
    period: tuple[dt.date, dt.date] | None = None
    equal_area_crs: str = ""
    bbox: tuple[float, float, float, float] | None = None
    border: str = ""
    countries: str = ""
    country_names: Mapping[str, str] = field(default_factory=lambda: _frozen(schemas.COUNTRY_NAMES))
    oblasts: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    attribution: str = DEFAULT_ATTRIBUTION
    namesake_km: float = NAMESAKE_KM
    claimants: tuple[Claimant, ...] = ()
    stale_days: Mapping[str, int] = field(default_factory=lambda: MappingProxyType(dict(schemas.STALE_DAYS)))
    path: str = ""

    @property
    def region(self) -> tuple[float, float, float, float]:
        """Where a settlement may lie: the bbox and :data:`REGION_MARGIN_DEG` around it."""
        if self.bbox is None:
            return DEFAULT_REGION
        m = REGION_MARGIN_DEG
        x0, y0, x1, y1 = self.bbox
        return (max(x0 - m, -180.0), max(y0 - m, -90.0), min(x1 + m, 180.0), min(y1 + m, 90.0))

    @property
    def centre(self) -> tuple[float, float] | None:
        """(lat, lon) of the middle of the bbox, or None."""
        if self.bbox is None:
            return None
        x0, y0, x1, y1 = self.bbox
        return ((y0 + y1) / 2, (x0 + x1) / 2)

    def held_by(self, code: str) -> str:
        """'held by Ukraine' for a country code ('' for anything else).

        Examples
        --------
        >>> Theatre().held_by("UA"), Theatre().held_by("contested")
        ('held by Ukraine', '')
        """
        name = self.country_names.get(code)
        return f"held by {name}" if name else ""

    @property
    def labels(self) -> dict[str, str]:
        """The label of each settlement group (layer control, legend, images), by group.

        The panel above the legend says whose claims these are ("claimed by <source>"), so the
        labels never state a fact.
        """
        out = {c: f"Held by {self.country_names[c]}" for c in schemas.COUNTRIES}
        out["contested"] = "Contested / fighting reported"
        out["baseline"] = "No claim by this source (de jure country)"
        return out

    @property
    def border_label(self) -> str:
        """'Russia–Ukraine border': the border layer's legend entry."""
        return "–".join(sorted(self.country_names[c] for c in schemas.COUNTRIES)) + " border"

    def equal_area(self, bounds: tuple[float, float, float, float] | None = None) -> str:
        """The CRS to measure areas in: the theatre's, else an equal-area projection centred on ``bounds``.

        Examples
        --------
        >>> Theatre(equal_area_crs="EPSG:3035").equal_area()
        'EPSG:3035'
        >>> Theatre().equal_area((35.0, 50.8, 36.0, 51.2))
        '+proj=laea +lat_0=51.0 +lon_0=35.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs'
        """
        if self.equal_area_crs:
            return self.equal_area_crs
        box = bounds if bounds is not None and all(map(math.isfinite, bounds)) else self.bbox
        lon0, lat0 = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else (0.0, 0.0)
        return laea(lat0, lon0)

    def to_manifest(self) -> dict[str, Any]:
        """The theatre as plain JSON values, for ``manifest.json`` and the index page."""
        return {
            "name": self.name,
            "title": self.title,
            "period": [d.isoformat() for d in self.period] if self.period else None,
            "equal_area_crs": self.equal_area_crs,
            "bbox": list(self.bbox) if self.bbox else None,
            "country_names": dict(self.country_names),
            "oblasts": dict(self.oblasts),
            "attribution": self.attribution,
            "namesake_km": self.namesake_km,
            "stale_days": dict(self.stale_days),
        }


#: The theatre of anything made without one (contexts built by hand, e.g. in tests).
DEFAULT_THEATRE: Final = Theatre()


def laea(lat0: float, lon0: float) -> str:
    """A Lambert azimuthal equal-area projection centred on (lat0, lon0), rounded to 0.5°.

    Examples
    --------
    >>> laea(49.61, 37.3)
    '+proj=laea +lat_0=49.5 +lon_0=37.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs'
    """
    lat, lon = round(lat0 * 2) / 2, round(lon0 * 2) / 2
    return f"+proj=laea +lat_0={lat} +lon_0={lon} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"


def default_theatre(root: str | Path) -> Theatre:
    """The theatre of a data folder without ``theatre.toml``: named after the folder, no period."""
    name = Path(root).resolve().name or "claims"
    return Theatre(name=name, title=f"Atlas of territorial claims: {name}")


# ---------------------------------------------------------------------------------------------
# reading and checking theatre.toml


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """Line of each ``key =`` (by table), so that problems can point at it; good enough for our small files."""
    lines: dict[tuple[str, str], int] = {}
    table = ""
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if m := re.fullmatch(r"\[\s*([^\]]+?)\s*\]\s*(#.*)?", line):
            table = m[1].strip().strip('"')
            lines.setdefault(("", table), n)
        elif m := re.match(r'("[^"]*"|[A-Za-z0-9_-]+)\s*=', line):
            lines.setdefault((table, m[1].strip('"')), n)
    return lines


class _Checker:
    """Collects the problems of one theatre.toml, each at the line of its key."""

    def __init__(self, path: str, lines: dict[tuple[str, str], int]) -> None:
        self.path, self.lines, self.problems = path, lines, list[Problem]()

    def bad(self, key: str, message: str, table: str = "") -> None:
        line = (
            self.lines.get((table, key))
            or self.lines.get(("", f"{table}.{key}"))  # a table of tables: [claimants.<slug>]
            or (self.lines.get(("", table), 0) if table else 0)
        )
        self.problems.append(Problem(self.path, line, f"{table}.{key}" if table else key, message))

    def text(self, doc: dict[str, Any], key: str, default: str) -> str:
        value = doc.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.bad(key, f"{value!r} is not a text; write it in quotes, e.g. {key} = {default!r}")
            return default
        return value.strip()

    def file_name(self, doc: dict[str, Any], key: str, default: str) -> str:
        name = self.text(doc, key, default)
        p = PurePosixPath(name.replace("\\", "/"))
        if p.is_absolute() or ".." in p.parts or not p.parts:
            self.bad(key, f"{name!r} must be a file name inside the data folder, e.g. {default!r}")
            return default
        return name


def _period(c: _Checker, value: Any) -> tuple[dt.date, dt.date] | None:
    example = 'period = ["2022-09-06", "2022-10-07"]'
    if not (isinstance(value, list) and len(value) == 2):
        c.bad("period", f"{value!r} is not a first and a last day; write e.g. {example}")
        return None
    days: list[dt.date] = []
    for v in value:
        try:
            days.append(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)))
        except ValueError:
            c.bad("period", f"{v!r} is not an ISO date (YYYY-MM-DD); write e.g. {example}")
    if len(days) != 2:
        return None
    if days[0] > days[1]:
        c.bad("period", f"starts ({days[0]}) after it ends ({days[1]}); swap the two dates")
        return None
    return days[0], days[1]


def _bbox(c: _Checker, value: Any) -> tuple[float, float, float, float] | None:
    example = "bbox = [36.0, 49.0, 38.5, 50.5]  # lon_min, lat_min, lon_max, lat_max"
    if not (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        c.bad("bbox", f"{value!r} is not four numbers; write e.g. {example}")
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        swapped = " (lat and lon look swapped)" if -90 <= x0 < x1 <= 90 and y0 < y1 and abs(y0) > 90 else ""
        c.bad(
            "bbox",
            f"{value!r} is not lon_min, lat_min, lon_max, lat_max with min < max, lon in -180..180 "
            f"and lat in -90..90{swapped}; write e.g. {example}",
        )
        return None
    return x0, y0, x1, y1


def _namesake_km(c: _Checker, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (0 < value < math.inf):
        c.bad(
            "namesake_km",
            f"{value!r} is not a distance; write a positive number of kilometres, e.g. namesake_km = {NAMESAKE_KM:g}",
        )
        return NAMESAKE_KM
    return float(value)


def _equal_area_problem(crs_text: str, bbox: tuple[float, float, float, float] | None) -> str | None:
    """What is wrong with ``crs_text`` as the CRS areas are measured in (None if nothing)."""
    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError:
        return f"{crs_text!r} is not a CRS pyproj knows; give e.g. 'EPSG:3035' or a '+proj=laea ...' string"
    if not crs.is_projected:
        return f"{crs_text!r} is not a projected CRS (areas in degrees mean nothing); give e.g. 'EPSG:3035'"
    x0, y0, x1, y1 = bbox if bbox else DEFAULT_REGION
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    d = 0.01  # a small square: its projected area against its area on the ellipsoid
    for lon, lat in ((x0, y0), (x0, y1), (x1, y0), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2)):
        ring = [(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d)]
        xs, ys = to_crs.transform([p[0] for p in ring], [p[1] for p in ring])
        planar = 0.5 * abs(sum(xs[i] * ys[(i + 1) % 4] - xs[(i + 1) % 4] * ys[i] for i in range(4)))
        geodesic = abs(_GEOD.polygon_area_perimeter([p[0] for p in ring], [p[1] for p in ring])[0])
        if not math.isfinite(planar) or abs(planar / geodesic - 1) > _AREA_TOLERANCE:
            return (
                f"{crs_text!r} is not equal-area in the theatre: near {lat:.2f} N {lon:.2f} E it measures "
                f"areas {planar / geodesic:.3g} times too large; use an equal-area CRS, e.g. "
                f"{laea((y0 + y1) / 2, (x0 + x1) / 2)!r}"
            )
    return None


def _names(c: _Checker, value: Any, table: str, *, codes: bool) -> dict[str, str]:
    if not isinstance(value, dict):
        c.bad(table, f"must be a table [{table}] of name = value lines", "")
        return {}
    out: dict[str, str] = {}
    known = ", ".join(schemas.COUNTRIES)
    for k, v in value.items():
        if codes and k not in schemas.COUNTRIES:
            c.bad(k, f"unknown country code {k!r}; the claim model knows {known}", table)
        elif not isinstance(v, str) or not v.strip():
            c.bad(k, f"{v!r} is not a text; write it in quotes", table)
        elif not codes and v not in schemas.COUNTRIES:
            c.bad(k, f"unknown country {v!r} for oblast {k!r}; use one of {known}", table)
        else:
            out[k] = v.strip()
    return out


def _claimants(c: _Checker, value: Any) -> tuple[Claimant, ...]:
    example = '[claimants.ua-kharkiv-authorities] with side = "UA", label = "...", patterns = ["..."]'
    if not isinstance(value, dict):
        c.bad("claimants", f"must be tables such as {example}")
        return ()
    out: list[Claimant] = []
    for slug, spec in value.items():
        table = f"claimants.{slug}"
        if not _SLUG.fullmatch(slug):
            c.bad(slug, f"{slug!r} is not a source slug (lower-case letters, digits and '-')", "claimants")
            continue
        if not isinstance(spec, dict):
            c.bad(slug, f"must be a table; write {example}", "claimants")
            continue
        bad = len(c.problems)
        for key in spec:
            if key not in _CLAIMANT_KEYS:
                c.bad(key, f"unknown key {key!r}; known keys: {', '.join(_CLAIMANT_KEYS)}", table)
        side, label, kind = spec.get("side"), spec.get("label", slug), spec.get("kind", "org")
        if side not in schemas.SIDES:
            c.bad("side", f"{side!r} is not a side; use one of {', '.join(schemas.SIDES)}", table)
        if not isinstance(label, str) or not label.strip():
            c.bad("label", f"{label!r} is not a text; write it in quotes", table)
        if kind not in CLAIMANT_KINDS:
            c.bad("kind", f"{kind!r} is not a kind of claimant; use one of {', '.join(CLAIMANT_KINDS)}", table)
        patterns = _texts(c, spec.get("patterns"), "patterns", table)
        if not patterns:
            c.bad("patterns", "no pattern; list how articles write them, e.g. patterns = ['syniehubov']", table)
        for pattern in patterns:
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                c.bad("patterns", f"{pattern!r} is not a regular expression: {exc}", table)
        replaces = _texts(c, spec.get("replaces", []), "replaces", table)
        if len(c.problems) == bad:
            out.append(Claimant(slug, str(side), str(label).strip(), str(kind), patterns, replaces))
    return tuple(out)


def _texts(c: _Checker, value: Any, key: str, table: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        c.bad(key, f"{value!r} is not a list of texts; write e.g. {key} = ['...', '...']", table)
        return ()
    return tuple(v.strip() for v in value)


def _stale_days(c: _Checker, value: Any) -> Mapping[str, int]:
    out = dict(schemas.STALE_DAYS)
    if not isinstance(value, dict):
        c.bad("stale_days", "must be a table [stale_days] with presence = 30 and control = 90 (days)", "")
        return MappingProxyType(out)
    for k, v in value.items():
        if k not in out:
            c.bad(k, f"unknown kind {k!r}; [stale_days] takes presence and control", "stale_days")
        elif isinstance(v, bool) or not isinstance(v, int) or v < 1:
            c.bad(k, f"{v!r} is not a positive number of days; write e.g. {k} = {out[k]}", "stale_days")
        else:
            out[k] = v
    return MappingProxyType(out)


def read_theatre(path: str | Path) -> tuple[Theatre | None, list[Problem]]:
    r"""Read and check a ``theatre.toml``; ``(None, [])`` when there is no such file.

    Every problem is returned (with the line of its key), never raised.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "theatre.toml"
    >>> _ = p.write_text('name = "Kharkiv 2022"\nbbox = [36.0, 49.0, 38.5, 50.5]\n'
    ...                  'period = ["2022-09-06", "2022-10-07"]\n[oblasts]\nKharkiv = "UA"\n', encoding="utf-8")
    >>> t, problems = read_theatre(p)
    >>> t.name, t.period[0].isoformat(), dict(t.oblasts), problems
    ('Kharkiv 2022', '2022-09-06', {'Kharkiv': 'UA'}, [])
    >>> _ = p.write_text('name = "X"\nbbox = [50.5, 38.5, 49.0, 36.0]\nequal_area_crs = "EPSG:3857"\n',
    ...                  encoding="utf-8")
    >>> for problem in read_theatre(p)[1]: print(problem)  # doctest: +ELLIPSIS
    /...theatre.toml:2: bbox: [50.5, 38.5, 49.0, 36.0] is not lon_min, lat_min, lon_max, lat_max with min < max, ...
    /...theatre.toml:3: equal_area_crs: 'EPSG:3857' is not equal-area in the theatre: ... times too large; ...
    """
    name = str(path)
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return None, []
    except IsADirectoryError:
        return None, [Problem(name, 0, "", "is a directory; theatre.toml must be a text file")]
    except OSError as exc:
        return None, [Problem(name, 0, "", f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")
        doc = tomllib.loads(text)
    except UnicodeDecodeError:
        return None, [Problem(name, 0, "", "not valid UTF-8; re-save the file as UTF-8")]
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(m[1]) if m else (len(text.splitlines()) if "end of document" in str(exc) else 0)
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc)) or "syntax error"
        return None, [Problem(name, line, "", f"not valid TOML: {reason}; see geodata/README.md (theatre.toml)")]
    return _theatre(name, doc, _key_lines(text))


def _theatre(path: str, doc: dict[str, Any], lines: dict[tuple[str, str], int]) -> tuple[Theatre | None, list[Problem]]:
    c = _Checker(path, lines)
    for key in doc:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(_KEYS)}"
            c.bad(key, f"unknown key {key!r}; {hint}")
    if "name" not in doc:
        c.problems.append(Problem(path, 0, "name", 'no name; add a first line such as name = "Kharkiv 2022"'))
    if "bbox" not in doc:
        c.problems.append(
            Problem(
                path,
                0,
                "bbox",
                "no bbox; add e.g. bbox = [36.0, 49.0, 38.5, 50.5] (lon_min, lat_min, lon_max, lat_max)",
            )
        )
    name = c.text(doc, "name", "claims")
    bbox = _bbox(c, doc["bbox"]) if "bbox" in doc else None
    crs = c.text(doc, "equal_area_crs", "EPSG:3035") if "equal_area_crs" in doc else ""
    if crs and (msg := _equal_area_problem(crs, bbox)):
        c.bad("equal_area_crs", msg)
    names = dict(schemas.COUNTRY_NAMES)
    names.update(_names(c, doc.get("country_names", {}), "country_names", codes=True))
    theatre = Theatre(
        name=name,
        title=c.text(doc, "title", name) if "title" in doc else name,
        period=_period(c, doc["period"]) if "period" in doc else None,
        equal_area_crs=crs,
        bbox=bbox,
        border=c.file_name(doc, "border", "border.geojson") if "border" in doc else "",
        countries=c.file_name(doc, "countries", "countries.geojson") if "countries" in doc else "",
        country_names=_frozen(names),
        oblasts=_frozen(_names(c, doc.get("oblasts", {}), "oblasts", codes=False)),
        attribution=c.text(doc, "attribution", DEFAULT_ATTRIBUTION),
        namesake_km=_namesake_km(c, doc["namesake_km"]) if "namesake_km" in doc else NAMESAKE_KM,
        claimants=_claimants(c, doc["claimants"]) if "claimants" in doc else (),
        stale_days=_stale_days(c, doc.get("stale_days", {})),
        path=path,
    )
    return (None if c.problems else theatre), c.problems


def load_theatre(root: str | Path) -> Theatre:
    """The theatre of a data folder: its ``theatre.toml``, or the defaults when it has none.

    Raises
    ------
    DataError
        With every problem of the file.
    """
    theatre, problems = read_theatre(Path(root) / THEATRE_FILE)
    if problems:
        raise DataError(problems)
    return theatre or default_theatre(root)
