"""The morphological analysers (pymorphy3, Russian and Ukrainian): an optional dependency.

``kursk-map extract`` needs them; everything else in kursk_map does not. A missing package is
reported with the command that installs it.
"""

from __future__ import annotations

import functools
from typing import Any

from .._errors import KurskMapError

INSTALL_HINT = "pip install 'kursk_map[extract]'  (pymorphy3, pymorphy3-dicts-ru, pymorphy3-dicts-uk)"


class MissingExtraError(KurskMapError, ImportError):
    """An optional package that ``extract`` needs is not installed."""


@functools.cache
def analysers() -> tuple[Any, Any]:
    """The Russian and Ukrainian ``pymorphy3.MorphAnalyzer`` (loaded once)."""
    try:
        import pymorphy3  # noqa: PLC0415 - optional dependency, loaded on first use
    except ImportError:
        raise MissingExtraError(
            f"kursk-map extract needs the morphological analyser pymorphy3; {INSTALL_HINT}"
        ) from None
    try:
        return pymorphy3.MorphAnalyzer(lang="ru"), pymorphy3.MorphAnalyzer(lang="uk")
    except (ValueError, OSError, LookupError) as exc:  # a dictionary package is missing
        raise MissingExtraError(
            f"kursk-map extract needs the Russian and Ukrainian dictionaries ({exc}); {INSTALL_HINT}"
        ) from None


@functools.lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """Every dictionary form the analysers give for a Cyrillic word (lower case, ё as е).

    Examples
    --------
    >>> sorted(lemmas("Суджей")), "олешня" in lemmas("Олешні")
    (['суджа', 'суджей'], True)
    """
    ru, uk = analysers()
    w = word.lower()
    forms = {p.normal_form for p in ru.parse(w)} | {p.normal_form for p in uk.parse(w)}
    return frozenset(f.replace("ё", "е") for f in forms)
