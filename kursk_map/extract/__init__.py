"""From articles to proposed claims: deterministic rules, no network, no language model.

``kursk-map extract ARTICLE...`` reads plain text, Markdown or HTML in English, Russian or
Ukrainian (:mod:`.reader`), squashes the body into sentences (:mod:`.text`), finds places
(:mod:`.places`), figures (:mod:`.figures`) and dates (:mod:`.dates`), applies the rules of
:mod:`.rules` and writes **proposed** ledger rows (:mod:`.propose`) for a person to check.

Examples
--------
>>> import datetime as dt, pandas as pd
>>> g = pd.DataFrame({"id": ["1", "2"], "name": ["Sudzha", "Zaoleshenka"], "name_ru": ["Суджа", "Заолешенка"],
...     "name_uk": ["", ""], "alt_names": ["", ""], "raion": ["Sudzhansky"] * 2, "oblast": ["Kursk"] * 2,
...     "country": ["RU"] * 2, "lat": [51.19, 51.2], "lon": [35.27, 35.25]})
>>> ex = Extraction(g, sides={"ru-mod": "RU"})
>>> rows = ex.extract_text("Минобороны России в субботу сообщило об освобождении Заолешенки.",
...                        published=dt.date(2025, 3, 16))
>>> [(r["source"], r["kind"], r["settlement"], r["controller"], r["date"]) for r in rows]
[('ru-mod', 'control', 'Zaoleshenka', 'RU', '2025-03-15')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._errors import DataError, KurskMapError, Problem
from ..names import Resolver
from ..theatre import Claimant
from . import lexicon
from .places import PlaceIndex
from .propose import COLUMNS, LedgerIndex, rows_to_csv, to_rows
from .reader import Article, ArticleError, parse_article, read_article
from .rules import Extractor, Finding
from .text import read_doc

__all__ = [
    "COLUMNS",
    "Article",
    "ArticleError",
    "Extraction",
    "Finding",
    "Result",
    "extract_files",
    "parse_article",
    "proposals_csv",
    "read_article",
    "rows_to_csv",
]


@dataclass(frozen=True)
class Result:
    """What one article gave: its rows, and warnings for the user (no date, no URL...)."""

    article: Article
    rows: list[dict[str, str]]
    warnings: list[str]


class Extraction:
    """The gazetteer indexed once, then any number of articles read with it.

    Parameters
    ----------
    gazetteer : pandas.DataFrame
        Settlements (the columns of ``settlements.csv``).
    sides : mapping, optional
        ``sources.csv`` as slug -> side; claimants missing there are flagged as new sources.
    names : mapping, optional
        ``sources.csv`` as slug -> name: sources the lexicon does not know are found by their name.
    ledger : pandas.DataFrame, optional
        The resolved claims (``Dataset.ledger.claims``): denials get the claim they reject, and
        rows already in the ledger are noted.
    morphology : bool
        Use the Russian and Ukrainian morphological analysers for words the spelling index does
        not hold (needs the ``extract`` extra; see :mod:`.morph`).
    claimants : iterable of Claimant, optional
        The theatre's own claimants (``Theatre.claimants``): see :class:`.rules.Extractor`.
    """

    def __init__(
        self,
        gazetteer: pd.DataFrame,
        *,
        sides: Mapping[str, str] | None = None,
        names: Mapping[str, str] | None = None,
        ledger: pd.DataFrame | None = None,
        morphology: bool = True,
        claimants: Iterable[Claimant] = (),
    ) -> None:
        lookup: Callable[[str], frozenset[str]] | None = None
        if morphology:
            from .morph import analysers, lemmas  # noqa: PLC0415 - the optional dependency, checked here

            analysers()
            lookup = lemmas
        self.index = PlaceIndex(gazetteer, lemmas=lookup)
        self.resolver = Resolver(gazetteer)
        self.sides = dict(sides or {})
        self.ledger = LedgerIndex(ledger)
        self.rules = Extractor(
            self.index,
            sides=self.sides,
            names=names,
            default_oblast=_main_oblast(gazetteer, ledger),
            claimants=claimants,
        )

    def extract_article(
        self,
        article: Article,
        *,
        published: dt.date | None = None,
        source_hint: str | None = None,
        url: str | None = None,
    ) -> Result:
        """Proposed rows for one article; ``published`` and ``url`` override what the article says."""
        doc = read_doc(article.text)
        pub, how = (published, "--published") if published else (article.published, article.published_how)
        findings = self.rules.extract(doc, published=pub, published_how=how, source_hint=source_hint)
        link = url or article.url
        rows = to_rows(
            findings,
            doc,
            self.index.places,
            resolver=self.resolver,
            article=article.path,
            url=link,
            lang=doc.lang,
            ledger=self.ledger,
            sides=self.sides,
        )
        warnings = []
        if pub is None:
            warnings.append(
                f"{article.path}: no publication date found; give --published YYYY-MM-DD "
                "(relative dates such as 'on Saturday' are left undated)"
            )
        if rows and not link:
            warnings.append(f"{article.path}: no URL found in the page; give --url (the rows' url cell is empty)")
        return Result(article, rows, warnings)

    def extract_text(
        self,
        text: str,
        *,
        published: dt.date | None = None,
        source_hint: str | None = None,
        url: str = "",
        path: str = "<text>",
    ) -> list[dict[str, str]]:
        """Proposed rows for an article given as text (HTML, Markdown or plain)."""
        return self.extract_article(
            parse_article(text, path=path), published=published, source_hint=source_hint, url=url
        ).rows


def _main_oblast(gazetteer: pd.DataFrame, ledger: pd.DataFrame | None) -> str:
    """The oblast the ledger's claims are mostly about, else the one with most settlements."""
    for frame in (ledger, gazetteer):
        if frame is not None and "oblast" in frame and not frame.empty:
            names = frame["oblast"].dropna().astype(str)
            counts = names[names != ""].value_counts()
            if len(counts):
                return str(counts.index[0])
    return ""


def proposals_csv(results: list[Result]) -> str:
    """Every article's rows as one proposals CSV."""
    return rows_to_csv(r for res in results for r in res.rows)


def extract_files(
    paths: list[str],
    *,
    data: str | Path = "geodata",
    published: dt.date | None = None,
    source_hint: str | None = None,
    url: str | None = None,
) -> tuple[list[Result], list[str]]:
    """Read each article and propose rows, with the data folder's gazetteer, sources and ledger.

    Returns the results of the articles that could be read and one message per article that
    could not (the others are still read). Raises :class:`kursk_map.DataError` when the data
    folder itself cannot be loaded.
    """
    from ..dataset import check_dataset  # noqa: PLC0415 - heavy; only for files on disk

    ds, problems = check_dataset(data, keep_going=True)
    if ds is None:
        raise DataError(problems)
    sides = dict(zip(ds.sources["slug"], ds.sources["side"], strict=True))
    names = dict(zip(ds.sources["slug"], ds.sources["name"], strict=True))
    if source_hint and source_hint not in sides:
        raise KurskMapError(
            f"--source-hint {source_hint!r} is not a source of {data}/sources.csv; "
            f"use one of: {', '.join(sorted(sides))}"
        )
    known = sorted({c.slug for c in lexicon.CLAIMANTS})
    wrong = [
        Problem(
            ds.theatre.path,
            0,
            f"claimants.{c.slug}.replaces",
            f"{r!r} is no claimant of the lexicon; known: {', '.join(known)}",
        )
        for c in ds.theatre.claimants
        for r in c.replaces
        if r not in known
    ]
    if wrong:
        raise DataError(wrong)
    ex = Extraction(ds.gazetteer, sides=sides, names=names, ledger=ds.ledger.claims, claimants=ds.theatre.claimants)
    results: list[Result] = []
    skipped: list[str] = []
    for p in paths:
        try:
            article = read_article(p)
        except ArticleError as exc:
            skipped.append(f"skipped {exc}")
            continue
        results.append(ex.extract_article(article, published=published, source_hint=source_hint, url=url))
    return results, skipped
