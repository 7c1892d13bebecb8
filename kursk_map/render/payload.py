"""The data the pages carry for their scripts: every key, named and explained in this one place.

A page embeds one compact JSON payload (made safe for a ``<script>`` by :func:`script_json`); its
script (``render/assets/*.js`` and the page templates) builds layers, tooltips and popups from it in
the browser. Keys are short because a map of the whole zone repeats them for thousands of
settlements; the classes below give their meaning. Every text in a payload is escaped HTML already.
``tests/test_render.py`` checks that the pages use no key that is not listed here.

Settlements are in the same order in every column of a payload (by id for map pages and comparison
pages, in the state's order for a timeline).
"""

from __future__ import annotations

from typing import Any, Final, TypedDict

from .. import schemas

#: One character per settlement for its group (see :data:`kursk_map.schemas.GROUP_COLUMN`).
GROUP_CODES: Final = {"UA": "U", "RU": "R", "contested": "c", "baseline": "-"}
assert tuple(GROUP_CODES) == schemas.LEGEND_GROUPS
#: One character per settlement for the age of its claim on the page's date (the state's ``stale`` and
#: ``expired``): a fresh claim, a stale one (drawn faded), one older than the build's maximum age
#: (not coloured). ``render/assets/dots.js`` styles the dots by it.
AGE_CODES: Final = {"fresh": "0", "stale": "1", "expired": "2"}


class SettlementColumns(TypedDict):
    """The columns no claim changes; shared by every map of an atlas as ``settlements.js``."""

    id: list[str]  #: gazetteer id, escaped: the key of the settlement's page in ``settlements/pages.js``
    lat: list[float]  #: latitude, 4 decimals (about 10 m)
    lon: list[float]  #: longitude, 4 decimals
    n: list[str]  #: name: the Latin name in bold, then the Cyrillic names
    p: list[int]  #: place: index into ``places``
    r: list[int | str]  #: reference: index into ``refs``, or ``"g<id>"`` for GeoNames record ``<id>``
    e: list[str]  #: precision in km ("1.0"), or "" when unknown
    a: str  #: one character per settlement: "1" approximate (derived) position, "0" otherwise
    places: list[str]  #: raion and oblast texts, each stored once
    refs: list[str]  #: reference links or texts other than GeoNames, each stored once


class MapPayload(SettlementColumns, total=False):
    """A map page's payload (``window.__km[<map id>]``): the settlement columns, or ``sk``, plus the state.

    ``claims`` or ``cs`` is present, never both: a page of an atlas reads its source's claim texts
    from ``<source>/claims.js`` (``window.__kmClaims[cs]``), a page on its own embeds them.
    Each claim text is a row ``[date, what, summary, href or null, attribution, own page href or null]``:
    the attribution names the claimant and, separately, where it was reported ("Russian MoD, as
    reported by TASS"); the last is the claimant's own publication (``primary_url``) when known.
    """

    sk: str  #: key of the shared settlement columns in ``settlements.js`` (then they are not embedded)
    g: str  #: group of each settlement, one character of :data:`GROUP_CODES`
    s: str  #: age of each settlement's claim, one character of :data:`AGE_CODES`
    v: list[int]  #: verdict (who holds it, on what basis, how old the claim is): index into ``verdicts``
    c: list[list[int]]  #: claims about each settlement, newest first (at most 6): indices into the claim texts
    ar: list[int]  #: what the source's drawn areas show there beside a named claim: index into ``areas``, or -1
    areas: list[str]  #: those texts ("Areas drawn by DeepState on 2024-11-20: Held by Ukraine"), each stored once
    src: str  #: the source's name
    verdicts: list[str]  #: the sentences saying who holds a settlement according to the source, each stored once
    claims: list[list[str | None]]  #: the claim texts the page uses (when it has no ``cs``)
    cs: str  #: slug of the source whose ``claims.js`` holds the claim texts


class FeatureProperties(TypedDict, total=False):
    """Properties of the few features folium draws itself (claimed advances, implied areas)."""

    t: str  #: tooltip
    p: str  #: popup
    r: int  #: radius of the uncertainty circle, m
    c: str  #: fill colour (implied areas)


class ComparePayload(TypedDict):
    """A comparison page's payload (``window.__kmCmp[<map id>]``): every source's state on one date.

    Each entry of ``src`` is ``[name, groups, refs, ages]``: the source's name, one character of
    :data:`GROUP_CODES` per settlement, for each settlement it claims (in order) an index into
    ``lines`` or -1, and one character of :data:`AGE_CODES` per settlement.
    """

    sk: str  #: key of the settlements' columns (as ``settlements.js``): the search index matches when equal
    date: str  #: the date
    id: list[str]  #: gazetteer id, escaped (the key of its page in ``settlements/pages.js``)
    lat: list[float]  #: latitude, 4 decimals
    lon: list[float]  #: longitude, 4 decimals
    n: list[str]  #: name: the Latin name in bold, then the Russian name
    src: list[list[str | list[int]]]  #: per source ``[name, groups, refs, ages]`` (see above)
    lines: list[str]  #: the claim lines, each stored once: "date (age): summary [attribution link]"
    dis: list[int]  #: positions of the settlements where the sources disagree
    colours: dict[str, str]  #: colour of each group code
    maxAge: int | None  #: claims older than this many days are listed, not coloured (null: no maximum)


class TimelinePayload(TypedDict):
    """A timeline page's payload: every state of one source, and the texts its popups show."""

    dates: list[str]  #: the source's dates, ascending
    ids: list[str]  #: gazetteer id of each settlement, escaped (the key of its page in ``settlements/pages.js``)
    pos: list[list[float]]  #: [lat, lon] of each settlement, 5 decimals
    names: list[str]  #: name with its Russian name
    latin: list[str]  #: Latin name alone (lists of changes)
    info: list[str]  #: raion or oblast, and the position's precision and reference
    base: list[str]  #: de jure country
    approx: list[int]  #: 1 for a derived (approximate) position
    claims: list[str]  #: claim lines, each stored once (a line may be the source's drawn areas of a day)
    cdates: list[str]  #: the date of each claim line: the page computes each claim's age on the slider's date
    states: list[
        list[str | list[int]]
    ]  #: per date ``[groups, refs]``: group codes, and a claim line per settlement or -1
    figs: list[list[str]]  #: ``[date, text]`` of the source's figures and statements
    colours: dict[str, str]  #: colour of each group
    labels: dict[str, str]  #: legend label of each group
    ageing: dict[str, int | None]  #: ``presence``, ``control``: days to stale; ``max``: days to uncoloured, or null
    drawn: list[dict[str, object]]  #: the source's distinct drawn areas (GeoJSON FeatureCollections, see ``areas.js``)
    drawnAt: list[int]  #: per date, the index into ``drawn`` of the areas shown (its latest on or before), or -1
    #: per date, the label of the areas shown, or "":
    #: "Areas drawn by DeepState on 2024-11-20 (its own drawing, 2 days before this date)"
    drawnLabel: list[str]
    #: per date, the attacks or strikes reported near a settlement since the previous date, one marker per
    #: settlement ``[lat, lon, tooltip, popup]`` (escaped HTML, see ``render/assets/attacks.js``); never a controller
    atk: list[list[list[Any]]]
