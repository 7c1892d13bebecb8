"""The colour-blind-safe palette (Okabe-Ito) and labels shared by every view."""

from __future__ import annotations

from typing import Final

from ..theatre import Theatre

COLOURS: Final = {"UA": "#0072B2", "RU": "#D55E00", "contested": "#CC79A7", "baseline": "#8c8c8c"}
BORDER_COLOUR: Final = "#333333"
RELATIVE_COLOUR: Final = "#009E73"
#: Labels of the settlement groups with the default country names. A view uses its theatre's
#: (``ctx.theatre.labels``, see :attr:`kursk_map.theatre.Theatre.labels`), named by ``theatre.toml``.
LABELS: Final = Theatre().labels
#: What kind of source it is, in words (``sources.csv``), for the index and the explorer.
KIND_LABELS: Final = {
    "official": "official statements",
    "analyst": "analysts",
    "osint-map": "open-source map",
    "blogger": "military bloggers",
    "media": "news media",
}


def side_label(side: str, theatre: Theatre) -> str:
    """Whose side a source is on, in words, with the theatre's country names.

    Examples
    --------
    >>> side_label("RU", Theatre()), side_label("independent", Theatre())
    ("Russia's side", 'independent')
    """
    name = theatre.country_names.get(side)
    return f"{name}'s side" if name else side
