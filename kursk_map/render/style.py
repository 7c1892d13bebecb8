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
