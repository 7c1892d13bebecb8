"""The data contract: column names and allowed values, written down once.

Every loader checks its input against these constants; renderers and the state
computation rely on them.
"""

from __future__ import annotations

from typing import Final

#: Coordinate reference system of every frame the package returns.
CRS: Final = "EPSG:4326"

SETTLEMENT_COLUMNS: Final = (
    "id",
    "name",
    "name_ru",
    "name_uk",
    "alt_names",
    "lat",
    "lon",
    "country",
    "oblast",
    "raion",
    "population",
    "ref",
    "precision_m",
    "method",
)
#: How a settlement's coordinates were obtained.
METHODS: Final = ("geonames", "page", "derived", "unplaced", "import", "registry")
COUNTRIES: Final = ("RU", "UA")
#: Their names in labels, unless the theatre (``theatre.toml``) names them otherwise. Areas are
#: measured in the theatre's equal-area CRS; oblasts and their countries are the theatre's too.
COUNTRY_NAMES: Final = {"RU": "Russia", "UA": "Ukraine"}

#: The raion inventory: every inhabited locality a cited list gives for a raion (or hromada).
INVENTORY_COLUMNS: Final = ("oblast", "raion", "unit", "name_ru", "name_uk", "name_en", "kind", "ref")

SOURCE_COLUMNS: Final = ("slug", "name", "side", "kind", "url")
#: Slugs a source cannot take: the atlas's own pages and folders (a source's maps live in
#: ``<slug>/``), and names Windows reserves for devices (a folder ``con/`` cannot be copied there).
RESERVED_SLUGS: Final = frozenset(
    (
        *("compare", "index", "settlements", "manifest", "assets", "vendor", "static", "lib", "css", "js", "claims"),
        *("con", "prn", "aux", "nul", "conin", "conout", "clock"),
        *(f"{dev}{n}" for dev in ("com", "lpt") for n in range(10)),
    )
)
#: Longest slug: it names a folder and, with a date, every file of the source's maps.
SLUG_MAX: Final = 64
SIDES: Final = ("UA", "RU", "independent")
SOURCE_KINDS: Final = ("official", "analyst", "osint-map", "blogger", "media")

CLAIM_COLUMNS: Final = (
    "claim_id",
    "date",
    "source",
    "kind",
    "settlement",
    "controller",
    "value",
    "unit",
    "bearing_deg",
    "denies",
    "summary",
    "url",
    "note",
    "primary_url",
)
#: Columns that ``kursk-map extract`` adds to the rows it proposes. A claims file may keep them: a
#: row is loaded when its ``status`` is empty or ``accepted`` (a person checked it against the article).
REVIEW_COLUMNS: Final = ("status", "confidence", "evidence")
REVIEW_STATUSES: Final = ("proposed", "accepted", "rejected")
#: Columns a claims file must have; the others may be absent and are then empty.
CLAIM_REQUIRED: Final = ("claim_id", "date", "source", "kind", "settlement", "controller", "summary", "url")
CLAIM_KINDS: Final = ("control", "presence", "attack", "area", "count", "region", "relative", "denial")
CONTROLLERS: Final = ("UA", "RU", "contested")
#: Kinds whose ``settlement`` names a settlement of the gazetteer.
PLACED_KINDS: Final = ("control", "presence", "attack", "relative")
#: Kinds that decide who holds a settlement on a source's map. An ``attack`` (an attempted advance
#: or a strike near a settlement; ``controller`` is the side that attacked) never does: it is listed.
STATE_KINDS: Final = ("control", "presence")
#: The canonical unit of each accepted unit, with the factor that converts to it.
CANONICAL_UNIT: Final = {
    "km2": ("km2", 1.0),
    "sq mi": ("km2", 2.589988110336),
    "ha": ("km2", 0.01),
    "settlements": ("settlements", 1.0),
    "km": ("km", 1.0),
    "mi": ("km", 1.609344),
    "m": ("km", 0.001),
}
#: Units accepted per figure kind, with the factor to the canonical unit. A ``region`` statement may
#: carry a figure of any kind (e.g. "12 settlements retaken this week", "1,100 km² won back").
UNITS: Final = {
    "area": {u: CANONICAL_UNIT[u][1] for u in ("km2", "sq mi", "ha")},
    "count": {"settlements": 1.0},
    "relative": {u: CANONICAL_UNIT[u][1] for u in ("km", "mi", "m")},
    "region": {u: f for u, (_, f) in CANONICAL_UNIT.items()},
}
#: A source's published control areas (``<data>/areas/<source>/<YYYY-MM-DD>.geojson``), as loaded: each
#: polygon's ``controller`` and ``ref`` (its properties), the source and date (its folder and file name),
#: ``area_km2`` (measured in the theatre's equal-area CRS) and where it was read (``_file``, ``_feature``).
AREA_COLUMNS: Final = ("source", "date", "controller", "ref", "area_km2", "_file", "_feature")

#: A claim read off the source's own map (its drawn areas) has a claim id ``<source>-map-...``, e.g. the
#: ``deepstate-map-*`` rows of ``geodata/deepstate_from_archive.py``; its ``note`` contains
#: :data:`AT_EDGE_NOTE` when the settlement lies within its ``precision_m`` of a drawn boundary.
#: The loader derives the ledger's ``drawn`` and ``at_edge`` columns from them, once.
DRAWN_MARK: Final = "-map-"
AT_EDGE_NOTE: Final = "at the edge"

#: How a settlement's state was decided on a map: a named claim, a region-wide claim, the source's
#: drawn areas (its published polygons, or the claims read off them), or nothing (the de jure country).
BASES: Final = ("claim", "region", "area", "baseline")
#: The ``group`` of a settlement in a state: its claimed ``controller`` (one of :data:`CONTROLLERS`),
#: or ``"baseline"`` where the ``basis`` is ``"baseline"`` (the source made no claim about it) or the
#: deciding claim is ``expired`` (older than the build's ``max_age``: listed, not coloured). Every
#: legend, count, colour and layer is per group; the state computation sets it, nothing derives it again.
GROUP_COLUMN: Final = "group"
#: Days after which a claim is drawn as stale, by what it says: ``presence`` for a contested
#: settlement, ``control`` for one held by a side (``theatre.toml``'s ``[stale_days]`` and
#: ``kursk-map build --stale-presence/--stale-control`` change them).
STALE_DAYS: Final = {"presence": 30, "control": 90}
#: The groups in legend order (counts, panels, the manifest).
LEGEND_GROUPS: Final = ("UA", "RU", "contested", "baseline")
#: Groups drawn as layers, in drawing order.
GROUPS: Final = ("baseline", "contested", "RU", "UA")
#: Columns of a state (one row per placed settlement, indexed by id; the geometry comes last).
STATE_COLUMNS: Final = (
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
    GROUP_COLUMN,
    "claim_ids",
    "since",
    # the claim's age on the map's date: days since ``since`` (-1 at the baseline); ``stale`` when older
    # than :data:`STALE_DAYS` of its kind; ``expired`` when older than the build's ``max_age`` (then
    # its group is ``baseline``: not coloured, still listed)
    "age_days",
    "stale",
    "expired",
    # what the source's drawn areas show at the settlement (``basis`` ``area``, or beside a later named
    # claim): the controller (outside every polygon the de jure country, the map leaving that ground
    # undrawn; "" without areas), the day they were drawn ("" without), and ``at_edge`` when the
    # settlement lies within its ``precision_m`` of a drawn boundary (see kursk_map/state.py)
    "area_controller",
    "area_date",
    "at_edge",
)
