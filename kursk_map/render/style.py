"""The colour-blind-safe palette (Okabe-Ito) and labels shared by every view."""

from __future__ import annotations

from typing import Final

COLOURS: Final = {"UA": "#0072B2", "RU": "#D55E00", "contested": "#CC79A7", "baseline": "#8c8c8c"}
BORDER_COLOUR: Final = "#333333"
RELATIVE_COLOUR: Final = "#009E73"
#: Labels of the settlement groups, in the layer control and the legend. The panel above the
#: legend says whose claims these are ("claimed by <source>"), so the labels never state a fact.
LABELS: Final = {
    "UA": "Held by Ukraine",
    "RU": "Held by Russia",
    "contested": "Contested / fighting reported",
    "baseline": "No claim by this source (de jure country)",
}
