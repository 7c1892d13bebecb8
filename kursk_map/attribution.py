"""Who made a claim and where it was reported: the claimant is the source, the outlet is the page's host.

A claim's ``url`` is often a report of the claim (a news agency quoting a ministry), not the
claimant's own publication; ``primary_url``, where filled, is the claimant's own page. The text
a map shows keeps the two apart: "Russian MoD, as reported by news.az". Pure functions, no I/O.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

#: Names of outlets the ledger cites often, by host (without ``www.``); other hosts are shown as they are.
OUTLETS: Final = {
    "abcnews.go.com": "ABC News",
    "anews.com.tr": "A News",
    "ceskatelevize.cz": "Czech Television",
    "ct24.ceskatelevize.cz": "Czech Television",
    "en.interfax.com.ua": "Interfax-Ukraine",
    "euromaidanpress.com": "Euromaidan Press",
    "github.com": "GitHub",
    "interfax.ru": "Interfax",
    "kommersant.ru": "Kommersant",
    "kyivindependent.com": "The Kyiv Independent",
    "kyivpost.com": "Kyiv Post",
    "lenta.ru": "Lenta.ru",
    "meduza.io": "Meduza",
    "newsukraine.rbc.ua": "RBC-Ukraine",
    "notes.citeam.org": "Conflict Intelligence Team",
    "politico.eu": "Politico Europe",
    "pravda.com.ua": "Ukrainska Pravda",
    "rbc.ru": "RBC",
    "reuters.com": "Reuters",
    "ria.ru": "RIA Novosti",
    "rferl.org": "RFE/RL",
    "tass.com": "TASS",
    "tass.ru": "TASS",
    "themoscowtimes.com": "The Moscow Times",
    "understandingwar.org": "ISW",
    "unn.ua": "UNN",
    "web.archive.org": "the Wayback Machine",
}


def host(url: str) -> str:
    """The host of ``url`` in lower case, without ``www.`` or a port.

    Examples
    --------
    >>> host("https://www.TASS.com:443/politics/1")
    'tass.com'
    """
    name = (urlsplit(url.strip()).hostname or "").lower()
    return name.removeprefix("www.")


def outlet(url: str) -> str:
    """The name of the outlet that published ``url``: from :data:`OUTLETS`, else its host.

    Examples
    --------
    >>> outlet("https://tass.com/politics/1829441"), outlet("https://news.az/news/x")
    ('TASS', 'news.az')
    """
    h = host(url)
    return OUTLETS.get(h, h)


def is_own(url: str, homepage: str) -> bool:
    """Whether ``url`` lies on the claimant's own site (the host of its ``homepage``, or below it).

    Examples
    --------
    >>> is_own("https://www.understandingwar.org/backgrounder/x", "https://www.understandingwar.org/")
    True
    >>> is_own("https://news.az/news/x", "https://mil.ru/")
    False
    """
    mine, h = host(homepage), host(url)
    return bool(mine) and (h == mine or h.endswith("." + mine))


def attribution(claimant: str, url: str, *, homepage: str = "", primary_url: str = "", drawn: bool = False) -> str:
    """The text naming who made a claim and, separately, where it was reported.

    A ``url`` on the claimant's own site (its ``homepage``'s host) or equal to ``primary_url`` is
    the claimant's own publication; any other page is a report of the claim by its outlet. The
    ``primary_url`` itself is linked beside this text by the renderers. A claim read off the
    claimant's own map (``drawn``, see :data:`kursk_map.schemas.DRAWN_MARK`) was not reported by
    anyone: ``url`` is where that map is kept.

    Examples
    --------
    >>> attribution("Russian MoD", "https://news.az/news/russia-says")
    'Russian MoD, as reported by news.az'
    >>> attribution("ISW", "https://www.understandingwar.org/backgrounder/a", homepage="https://www.understandingwar.org/")
    'ISW (own publication)'
    >>> attribution("DeepState", "https://github.com/DanielRose2310/deepstatemaps-history/blob/x/1.geojson", drawn=True)
    'DeepState: its own map, as archived on GitHub'
    """
    if drawn:
        return f"{claimant}: its own map, as archived on {outlet(url)}"
    if (primary_url and url == primary_url) or (homepage and is_own(url, homepage)):
        return f"{claimant} (own publication)"
    return f"{claimant}, as reported by {outlet(url)}"
