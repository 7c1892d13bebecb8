"""Texts every page kind shows about a claim: who made it and where it was reported, its age, the drawn areas.

Private to :mod:`kursk_map.render`. Every function returns escaped HTML.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ..state import Ageing
from ._html import esc, link


@functools.lru_cache(maxsize=1 << 16)
def by_line(url: str, attribution: str, primary_url: str, fallback: str) -> str:
    """The claim's link, named by its attribution ("Russian MoD, as reported by TASS"), and the claimant's own page.

    Examples
    --------
    >>> print(by_line("https://tass.com/x", "Russian MoD, as reported by TASS", "https://mil.ru/a", "MoD"))
    ... # doctest: +NORMALIZE_WHITESPACE
    <a href="https://tass.com/x" target="_blank" rel="noopener noreferrer">Russian MoD, as reported by TASS</a> ·
    <a href="https://mil.ru/a" target="_blank" rel="noopener noreferrer">own publication</a>
    """
    out = link(url, attribution or fallback)
    if primary_url and primary_url != url:
        out += " · " + link(primary_url, "own publication")
    return out


def claim_by(c: Mapping[str, Any], fallback: str) -> str:
    """:func:`by_line` of a claim record (see :func:`kursk_map.view.claim_records`)."""
    return by_line(str(c.get("url") or ""), str(c.get("attribution") or ""), str(c.get("primary_url") or ""), fallback)


def age_text(age_days: int, *, stale: bool, expired: bool, controller: str, ageing: Ageing) -> str:
    """How old a claim is on the map's date, and whether it is drawn as stale or left out.

    Examples
    --------
    >>> age_text(120, stale=True, expired=False, controller="UA", ageing=Ageing())
    '120 days old: stale (older than 90 days)'
    >>> age_text(3, stale=False, expired=False, controller="contested", ageing=Ageing())
    '3 days old'
    >>> age_text(0, stale=False, expired=False, controller="RU", ageing=Ageing())
    'made that day'
    """
    if age_days < 0:
        return ""
    if age_days == 0:
        return "made that day"
    days = "1 day" if age_days == 1 else f"{age_days} days"
    if expired and ageing.max_age_days is not None:
        return f"{days} old: older than {ageing.max_age_days} days, not coloured"
    if stale:
        return f"{days} old: stale (older than {ageing.threshold(controller)} days)"
    return f"{days} old"


@functools.lru_cache(maxsize=1 << 12)
def area_text(source: str, controller_label: str, area_date: str, at_edge: bool, precision_km: str) -> str:
    """What the source's drawn areas show at a settlement ("Areas drawn by DeepState on 2024-11-20: Held by Ukraine").

    Examples
    --------
    >>> print(area_text("DeepState", "Held by Ukraine", "2024-11-20", True, "1.0"))
    Areas drawn by DeepState on 2024-11-20: <b>Held by Ukraine</b> · at the edge (a drawn boundary within ±1.0 km)
    """
    text = f"Areas drawn by {esc(source)} on {esc(area_date)}: <b>{esc(controller_label)}</b>"
    if at_edge:
        within = f" (a drawn boundary within ±{esc(precision_km)} km)" if precision_km else ""
        text += f" · at the edge{within}"
    return text
