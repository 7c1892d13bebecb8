"""Find the gazetteer's settlements, oblasts and raions in text, as the press writes them.

Pure functions over a gazetteer frame. Every spelling the resolver knows (English, Cyrillic,
alternates and the transliterations of :mod:`kursk_map.names`) is indexed, and the Russian and
Ukrainian spellings with their case forms (Суджа: Суджи, Судже, Суджу, Суджей; Кореневе:
Кореневого, Кореневому). A capitalised Cyrillic word the index does not hold is looked up once
more by its dictionary forms (:mod:`kursk_map.extract.morph`); a capitalised Latin word that is
one letter away from a spelling is taken as a typo, flagged. Namesakes are decided by the other
places of the article (:func:`decide_namesakes`).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..names import normalise, spellings, transliterate
from ._fast import fast

_CYR = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.!?]\s*$|^\s*$")
_JOIN = re.compile(r"\s*-?\s*|\s+")
_POSSESSIVE = re.compile(r"[’']s$")
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
#: A place word followed by one of these is an administrative area, not the settlement.
_RAION_AFTER = re.compile(
    r"^\s*(?:district|raion|rayon|municipal\s+district|community|hromada|район\w*|громад\w*|округ\w*)(?!\w)",
    re.IGNORECASE,
)
#: A Cyrillic raion: "Глушковском районе", "Суджанського району".
_RAION_CYR = re.compile(
    r"(?<!\w)(?P<stem>[А-ЯЁІЇЄҐ][а-яёіїєґ']+?)(?:ский|ском|ского|скому|ским|ський|ському|ського|ським|ськ|ск)"
    r"\s+(?:район\w*)(?!\w)"
)
#: A place word followed by one of these names a facility or an axis, not the settlement itself.
_FACILITY_AFTER = re.compile(
    r"^(?:[’']s)?\s*(?:border\s+crossing|crossing(?:\s+point)?|checkpoint|gas\s+(?:metering|measuring|transit)\s+station|"
    r"(?:metering|measuring)\s+station|highway|road|bridge|direction|axis|salient|bulge|pocket|"
    r"(?:пункт\w*\s+пропуска|кпп|газоизмерительн\w+|газовимірювальн\w+|трасс\w+|шоссе|шосе|направлени\w+|напрям\w+)"
    r")(?!\w)",
    re.IGNORECASE,
)
#: Capitalised words that may stand next to a place name without making it part of another name.
_CALENDAR = frozenset(
    (
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "april", "may", "june", "july", "august", "september", "october"),
        *("november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    )
)
_OBLAST_WORD = fast(
    re.compile(
        r"oblast|region|province|area|direction|front|sector|axis|shch[iy]na|област|обл\.|регион|регіон|направлен|"
        r"напрям|губерни|[щч]ин",
        re.IGNORECASE,
    )
)
_RAION_WORD = fast(re.compile(r"district|raion|rayon", re.IGNORECASE))
_OBLAST_AFTER = r"(?:oblast|region|province|border\s+region|border\s+area|area|direction|front|sector|axis)"
_OBLAST_AFTER_CYR = r"(?:област\w*|обл\.|регион\w*|регіон\w*|направлени\w*|напрям\w*|губерни\w*)"


# --- case forms ----------------------------------------------------------------------------------

_HARD_SIBILANT = "кгхжшчщц"


def _noun_forms_ru(w: str) -> set[str]:
    """Case forms of one Russian place word (lower case), by its ending."""
    out = {w}
    if w.endswith(("ая", "яя")):  # adjective, feminine: Малая, Верхняя
        s = w[:-2]
        soft = w.endswith("яя")
        out |= {s + e for e in (("ей", "юю", "ею") if soft else ("ой", "ую", "ою"))}
    elif (w.endswith(("ое", "ее")) and len(w) > 3) or (
        w.endswith(("ый", "ий", "ой")) and len(w) > 3
    ):  # adjective, neuter: Поречное, Верхнее
        s = w[:-2]
        out |= {s + e for e in ("ого", "ому", "ым", "ом", "его", "ему", "им", "ем")}
    elif w.endswith(("ые", "ие")):  # adjective, plural: Вторые, Долгие
        s = w[:-2]
        out |= {s + e for e in ("ых", "ым", "ыми", "их", "им", "ими")}
    elif w.endswith("ия"):  # Александрия
        s = w[:-2]
        out |= {s + e for e in ("ии", "ию", "ией")}
    elif w.endswith("а"):  # Суджа, Куриловка, Рубанщина
        s = w[:-1]
        gen = "и" if s[-1:] in _HARD_SIBILANT else "ы"
        out |= {s + e for e in (gen, "е", "у", "ой", "ою", "ей")}
    elif w.endswith("я"):  # Олешня, Локня
        s = w[:-1]
        out |= {s + e for e in ("и", "е", "ю", "ей", "ею")}
    elif w.endswith(("ье", "ьё")):  # Замостье
        s = w[:-2]
        out |= {s + e for e in ("ья", "ью", "ьем", "ье", "ьего", "ьему")}
    elif w.endswith(("о", "е")):  # Коренево, Гуево, Плехово (declined or not)
        s = w[:-1]
        out |= {s + e for e in ("а", "у", "ом", "е")}
    elif w.endswith("ь"):  # Горналь, Снагость (feminine or masculine)
        s = w[:-1]
        out |= {s + e for e in ("и", "ью", "я", "ю", "ем", "е")}
    elif w.endswith("й"):  # Княжий
        s = w[:-1]
        out |= {s + e for e in ("я", "ю", "ем", "е", "его", "ему")}
    elif w.endswith(("ы", "и")):  # Погребки, Поныри
        s = w[:-1]
        out |= {s + e for e in ("ах", "ам", "ами", "ов", "ях", "ям", "ями", "ей")}
        if w.endswith("ки"):  # Борки: Борок
            out.add(w[:-2] + "ок")
    elif w[-1:].isalpha():  # Уланок, Дмитрюков, Крупец
        out |= {w + e for e in ("а", "у", "ом", "е", "ым")}
        if w.endswith(("ок", "ек", "ец")):  # the vowel drops: Уланок, Уланка
            s = w[:-2] + w[-1]
            out |= {s + e for e in ("а", "у", "ом", "е")}
    return out


def _noun_forms_uk(w: str) -> set[str]:
    """Case forms of one Ukrainian place word (lower case), by its ending."""
    out = {w}
    if w.endswith(("а", "я")) and len(w) > 3 and w[-2:] in ("ча", "ша", "на", "ла", "ра", "ва"):
        # adjective, feminine: Козача, Мала (also nouns in -на/-ла/-ра/-ва; both sets are added)
        s = w[:-1]
        out |= {s + e for e in ("ої", "ій", "у", "ою")}
    if w.endswith(("е", "є")) and len(w) > 3:  # adjective, neuter: Кореневе, Глушкове, Внезапне
        s = w[:-1]
        out |= {s + e for e in ("ого", "ому", "им", "ім")}
    if w.endswith(("ий", "ій")) and len(w) > 3:  # adjective, masculine
        s = w[:-2]
        out |= {s + e for e in ("ого", "ому", "им", "ім")}
    if w.endswith("а"):  # Суджа, Гончарівка
        s = w[:-1]
        out |= {s + e for e in ("и", "і", "у", "ою", "ею")}
        if s.endswith(("к", "г", "х")):  # Гончарівці, Курилівці
            out.add(s[:-1] + {"к": "ц", "г": "з", "х": "с"}[s[-1]] + "і")
    elif w.endswith("я"):  # Олешня
        s = w[:-1]
        out |= {s + e for e in ("і", "ю", "ею", "ї", "єю")}
    elif w.endswith("о"):  # Тьоткіно, Іванино
        s = w[:-1]
        out |= {s + e for e in ("а", "у", "ом", "і", "ому", "ого", "им")}
    elif w.endswith("ь"):
        s = w[:-1]
        out |= {s + e for e in ("і", "ю", "ем", "я", "ею")}
    elif w.endswith(("и", "і")):
        s = w[:-1]
        out |= {s + e for e in ("ах", "ам", "ами", "ях", "ям", "ями", "ів")}
    elif w[-1:].isalpha() and not w.endswith(("е", "є", "й")):
        out |= {w + e for e in ("а", "у", "ові", "ом", "і")}
    return out


def case_forms(name: str) -> set[str]:
    """Russian and Ukrainian case forms of a Cyrillic place name (lower case; ё written е).

    Each word of a multi-word name is declined on its own (the matcher needs every form the press
    writes, and a form that agrees with nothing is harmless); of a hyphenated name only the last part.

    Examples
    --------
    >>> {"суджи", "судже", "суджу", "суджей", "суджі", "суджею"} <= case_forms("Суджа")
    True
    >>> {"малой локни", "малую локню"} <= case_forms("Малая Локня"), "кореневому" in case_forms("Кореневе")
    (True, True)
    """
    words = normalise(name).split(" ")
    if len(words) > 3:
        return {" ".join(words)}
    options: list[set[str]] = []
    for w in words:
        forms = _noun_forms_ru(w) | _noun_forms_uk(w)
        options.append(forms)
    if len(options) == 1:
        return options[0]
    out: set[str] = {""}
    for opts in options:
        out = {(a + " " + b).strip() for a in out for b in opts}
    return out


_UK_ENDINGS = (
    ("сская", ("ська",)),
    ("сское", ("ське",)),
    ("сский", ("ський",)),
    ("ская", ("ська",)),
    ("цкая", ("цька",)),
    ("ское", ("ське",)),
    ("цкое", ("цьке",)),
    ("ский", ("ський",)),
    ("ая", ("а",)),
    ("яя", ("я",)),
    ("ое", ("е",)),
    ("ее", ("є", "е")),
    ("ый", ("ий",)),
    ("ые", ("і",)),
    ("овка", ("івка",)),
    ("евка", ("івка", "ївка")),
    ("ёвка", ("ївка",)),
    ("ово", ("ове",)),
    ("ево", ("еве", "єве")),
    ("ёво", ("ьове",)),
    ("ино", ("іно", "ине")),
    ("ье", ("я",)),
    ("ыно", ("ине",)),
)


def ukrainian_spellings(ru: str) -> set[str]:
    """How the Ukrainian press usually writes a Russian place name (Малая Локня -> Мала Локня).

    Regular changes only: endings (-ая -> -а, -ово -> -ове, -овка -> -івка, -ское -> -ське), ы -> и,
    э -> е, ё -> ьо/е, е after a vowel -> є. Translated names (Николаевка, Миколаївка) are not guessed:
    they belong in the gazetteer's ``name_uk``.

    Examples
    --------
    >>> sorted(ukrainian_spellings("Малая Локня")), sorted(ukrainian_spellings("Гуево"))
    (['Мала Локня'], ['Гуеве', 'Гуєве'])
    >>> sorted(ukrainian_spellings("Мартыновка")), sorted(ukrainian_spellings("Черкасское Поречное"))
    (['Мартинівка'], ['Черкаське Поречне'])
    """
    out: set[str] = set()
    words: list[set[str]] = []
    for w in ru.split(" "):
        low = w.lower()
        forms = {low}
        for end, repl in _UK_ENDINGS:
            if low.endswith(end) and len(low) > len(end) + 1:
                forms = {low[: -len(end)] + r for r in repl}
                break
        forms = {f.replace("ы", "и").replace("э", "е") for f in forms}
        forms = {g for f in forms for g in ({f.replace("ё", "ьо"), f.replace("ё", "е")} if "ё" in f else {f})}
        forms |= {re.sub(r"(?<=[аоуеиі])е", "є", f) for f in forms}
        words.append({f[:1].upper() + f[1:] if w[:1].isupper() else f for f in forms})
    combos: set[str] = {""}
    for opts in words:
        combos = {(a + " " + b).strip() for a in combos for b in opts}
    out |= combos
    out.discard(ru)
    return out


_RU_ENDINGS = (
    ("ська", ("ская",)),
    ("цька", ("цкая",)),
    ("ське", ("ское",)),
    ("цьке", ("цкое",)),
    ("ський", ("ский",)),
    ("івка", ("овка", "евка")),
    ("ївка", ("евка", "ёвка")),
    ("ове", ("ово",)),
    ("еве", ("ево",)),
    ("єве", ("ево",)),
    ("ине", ("ино",)),
    ("іне", ("ино",)),
)


def russian_spellings(uk: str) -> set[str]:
    """How the Russian press usually writes a Ukrainian place name (Веселівка -> Веселовка, Веселевка).

    Regular changes only: endings (-івка -> -овка/-евка, -ове -> -ово, -ське -> -ское), є -> е,
    ї -> и, і -> и inside the word; a spelling that differs only in vowels is left to :func:`skeleton`.

    Examples
    --------
    >>> sorted(russian_spellings("Веселівка")), sorted(russian_spellings("Хотінь"))
    (['Веселевка', 'Веселовка'], ['Хотинь'])
    """
    words: list[set[str]] = []
    for w in uk.split(" "):
        low = w.lower()
        forms = {low}
        for end, repl in _RU_ENDINGS:
            if low.endswith(end) and len(low) > len(end) + 1:
                forms = {low[: -len(end)] + r for r in repl}
                break
        forms = {f.replace("є", "е").replace("ї", "и").replace("і", "и") for f in forms}
        words.append({f[:1].upper() + f[1:] if w[:1].isupper() else f for f in forms})
    combos: set[str] = {""}
    for opts in words:
        combos = {(a + " " + b).strip() for a in combos for b in opts}
    combos.discard(uk)
    return combos


_FROM_LATIN = [
    ("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
    ("yo", "ё"), ("yu", "ю"), ("ya", "я"), ("ye", "е"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"),
    ("t", "т"), ("u", "у"), ("f", "ф"), ("'", "ь"), ("’", "ь"),
]  # fmt: skip


def cyrillic_guesses(latin: str) -> set[str]:
    """Russian spellings that a BGN-romanised name comes from, checked by romanising them back.

    Only for gazetteer rows without any Cyrillic: a guess is kept when it romanises back to the
    same letters, and endings are read the way Russian place names end (-aya, -oye, -y, -iy).

    Examples
    --------
    >>> sorted(cyrillic_guesses("Staraya Sorochina")), sorted(cyrillic_guesses("Nikolskoye"))
    (['Старая Сорочина'], ['Николское', 'Никольское'])
    """
    words = []
    for w in latin.split(" "):
        low = w.lower()
        if not re.fullmatch(r"[a-z'’-]+", low):
            return set()
        out, i = "", 0
        while i < len(low):
            pair = next(((lat, cyr) for lat, cyr in _FROM_LATIN if len(lat) > 1 and low.startswith(lat, i)), None)
            if pair is None and low[i] == "y":  # й after a vowel, ы after a consonant
                out += "й" if i and low[i - 1] in "aeiou" else "ы"
                i += 1
                continue
            if pair is None:
                pair = next(((lat, cyr) for lat, cyr in _FROM_LATIN if low.startswith(lat, i)), (low[i], low[i]))
            out += pair[1]
            i += len(pair[0])
        out = re.sub(r"(?<=[^аеиоуыяю])ы$", "ый", out)  # Zeleny -> Зеленый
        out = re.sub(r"(?<=[кгхжшчщ])ы", "и", out)
        words.append(out[:1].upper() + out[1:])
    guess = " ".join(words)
    back = transliterate(guess, "bgn").replace("yy", "y").lower()
    if back != latin.lower() and back.replace("iy", "y") != latin.lower():
        return set()
    return {guess, re.sub(r"лск", "льск", guess)}


# --- the index -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One gazetteer row, as the extractor needs it."""

    id: str
    name: str
    name_ru: str
    raion: str
    oblast: str
    country: str
    lat: float
    lon: float

    @property
    def placed(self) -> bool:
        """Whether the row has coordinates."""
        return not (math.isnan(self.lat) or math.isnan(self.lon))


@dataclass(frozen=True)
class Mention:
    """A place written in the text: a settlement (``ids``: its candidates), an oblast or a raion.

    ``start``/``end`` are offsets in the searched text; ``how`` says how the spelling was read
    (``"exact"``, ``"case form"``, ``"dictionary form"``, ``"typo"``).
    """

    start: int
    end: int
    written: str
    kind: str  # "settlement", "oblast", "raion"
    ids: tuple[str, ...] = ()
    oblast: str = ""
    how: str = "exact"
    raion: str = ""

    @property
    def ambiguous(self) -> bool:
        """More than one gazetteer row has this spelling."""
        return len(self.ids) > 1


#: Which reading of a spelling to report when several rows or forms share it.
_RANK = {"exact": 0, "case form": 1, "Ukrainian form": 2, "Russian form": 2, "Cyrillic from the English name": 3}

#: Letters the press and transliterations write either way: soft signs dropped, the e/i vowels merged.
_SKELETON = str.maketrans({"ь": "", "ъ": "", "'": "", "’": "", "ʼ": "", "ё": "и", "е": "и", "є": "и", "і": "и",
                           "ї": "и", "ы": "и", "э": "и", "й": "и"})  # fmt: skip


def skeleton(word: str) -> str:
    """A Cyrillic word with the letters that vary between spellings folded (Гордіївка, Гордеевка: гордиивка).

    Examples
    --------
    >>> skeleton("Гордіївки") == skeleton("гордеевки"), skeleton("Конопельку") == skeleton("конопелку")
    (True, True)
    """
    return word.lower().translate(_SKELETON)


@functools.lru_cache(maxsize=65536)
def _fold(s: str) -> str:
    """Latin diacritics dropped (Tëtkino -> tetkino); Cyrillic kept as it is (й stays й)."""
    if _CYR.search(s):
        return s
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    """:func:`kursk_map.names.normalise`, and the Ukrainian apostrophe (U+02BC) dropped like the others."""
    return normalise(text.replace("\u02bc", ""))


def _key(text: str) -> tuple[str, ...]:
    return tuple(_fold(w) for w in _norm(text).split(" ") if w)


def _float(v: object) -> float:
    try:
        return float(str(v))
    except ValueError:
        return math.nan


class PlaceIndex:
    """Every spelling and case form of a gazetteer's settlements, and its oblasts and raions.

    Parameters
    ----------
    gazetteer : pandas.DataFrame
        As returned by :func:`kursk_map.gazetteer.load_gazetteer` (or the same columns).
    lemmas : callable, optional
        ``word -> set of dictionary forms`` (:func:`kursk_map.extract.morph.lemmas`); without it,
        only the generated case forms are known.

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"id": ["1", "2"], "name": ["Sudzha", "Malaya Loknya"], "name_ru": ["Суджа", "Малая Локня"],
    ...     "name_uk": ["", ""], "alt_names": ["", ""], "raion": ["Sudzhansky"] * 2, "oblast": ["Kursk"] * 2,
    ...     "country": ["RU"] * 2, "lat": [51.19, 51.3], "lon": [35.27, 35.1]})
    >>> idx = PlaceIndex(g)
    >>> [(m.written, m.ids, m.how) for m in idx.find("Бои под Суджей и у Малой Локни; Sudscha.")]
    [('Суджей', ('1',), 'case form'), ('Малой Локни', ('2',), 'case form'), ('Sudscha', ('1',), 'exact')]
    """

    def __init__(self, gazetteer: pd.DataFrame, *, lemmas: Callable[[str], Iterable[str]] | None = None) -> None:
        self.places: dict[str, Place] = {}
        self._index: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self._how: dict[tuple[str, ...], str] = {}
        self._lemmas = lemmas
        self._latin_single: dict[str, set[str]] = defaultdict(set)
        self._names: dict[str, list[str]] = defaultdict(list)
        self._cyrillic: dict[str, list[str]] = {}
        for raw in gazetteer.to_dict("records"):
            r = {str(k): v for k, v in raw.items()}
            pid = str(r["id"])
            name, ru, uk = (str(r.get(c) or "") for c in ("name", "name_ru", "name_uk"))
            self.places[pid] = Place(
                pid,
                name,
                ru,
                str(r.get("raion") or ""),
                str(r.get("oblast") or ""),
                str(r.get("country") or ""),
                _float(r.get("lat")),
                _float(r.get("lon")),
            )
            alts = [a for a in str(r.get("alt_names") or "").split("|") if a]
            self._names[name].append(pid)
            self._cyrillic[pid] = [x for x in (ru, uk, *alts) if x and _CYR.search(x)]
            for spelling in spellings(name, ru, uk) | set(alts):
                self._add(_key(spelling), pid, "exact")
                if _CYR.search(spelling):
                    for form in case_forms(spelling):
                        self._add(_key(form), pid, "case form")
            if not ru and not uk:
                guesses = cyrillic_guesses(name)
                # a Ukrainian romanisation (Veselivka): the Ukrainian -івка and the Russian -овка/-евка
                guesses |= {g[:-4] + end for g in guesses if g.endswith("ивка") for end in ("івка", "овка", "евка")}
                for guess in guesses:
                    for form in case_forms(guess) | {guess}:
                        self._add(_key(form), pid, "Cyrillic from the English name")
                    for uk_guess in ukrainian_spellings(guess):
                        for form in case_forms(uk_guess) | {uk_guess}:
                            self._add(_key(form), pid, "Cyrillic from the English name")
            for guess in ukrainian_spellings(ru) if ru and not uk else ():
                for spelling in {guess, transliterate(guess, "ukrainian")}:
                    self._add(_key(spelling), pid, "Ukrainian form")
                for form in case_forms(guess):
                    self._add(_key(form), pid, "Ukrainian form")
            for guess in russian_spellings(uk) if uk and not ru else ():
                for form in case_forms(guess) | {guess}:
                    self._add(_key(form), pid, "Russian form")
        for key, ids in self._index.items():
            if len(key) == 1 and not _CYR.search(key[0]) and len(key[0]) >= 5:
                self._latin_single[key[0]] |= ids
        self._latin_keys = sorted(self._latin_single)
        #: the Latin keys by their beginnings and endings: a word one edit from a key shares half of it
        self._latin_heads: dict[str, list[str]] = defaultdict(list)
        self._latin_tails: dict[str, list[str]] = defaultdict(list)
        for latin in self._latin_keys:
            for n in range(2, len(latin) + 1):
                self._latin_heads[latin[:n]].append(latin)
                self._latin_tails[latin[-n:]].append(latin)
        #: Cyrillic keys by their skeleton, for spellings the index does not hold letter for letter
        self._skeletons: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for key, ids in self._index.items():
            if _CYR.search(key[0]) and sum(len(w) for w in key) >= 5:
                self._skeletons[tuple(skeleton(w) for w in key)] |= ids
        self._max_len = max((len(k) for k in self._index), default=1)
        #: the most words of a spelling starting with each word (most words start none: skipped at once)
        self._first_word: dict[str, int] = {}
        for k in self._index:
            self._first_word[k[0]] = max(self._first_word.get(k[0], 0), len(k))
        self._oblasts = self._oblast_patterns()
        self._raion_stems: dict[str, tuple[str, str]] = {}
        for p in self.places.values():
            if p.raion:
                stem = re.sub(r"(?:s?kyi|s?kiy|s?ky|s?kij)$", "", p.raion).lower()
                self._raion_stems.setdefault(stem, (p.raion, p.oblast))
        stems = sorted(self._raion_stems, key=len, reverse=True)
        self._raions = (
            fast(re.compile(rf"\b({'|'.join(map(re.escape, stems))})\w*\s+(?:district|raion|rayon)\b", re.IGNORECASE))
            if stems
            else None
        )

    def _add(self, key: tuple[str, ...], pid: str, how: str) -> None:
        if not key or not key[0]:
            return
        self._index[key].add(pid)
        if _RANK[how] < _RANK.get(self._how.get(key, ""), 9):
            self._how[key] = how

    def _oblast_patterns(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        for oblast in sorted({p.oblast for p in self.places.values() if p.oblast}):
            latin = {oblast}
            cyr: set[str] = set()
            for pid in self._names.get(oblast, ()):  # the oblast's centre, named like it, gives the Cyrillic
                cyr |= {s.lower() for s in self._cyrillic[pid] if " " not in s and "-" not in s}
            for c in list(cyr):
                latin.add(transliterate(c, "ukrainian"))
            latin = {x.lower() for x in latin}  # the patterns run on lower-cased text (see _fast)
            parts = [rf"(?:the\s+)?{re.escape(x)}(?:[’']s)?\s+{_OBLAST_AFTER}" for x in sorted(latin)]
            parts += [rf"{re.escape(x)}(?:shchyna|shchina)" for x in sorted(latin)]
            for c in sorted(cyr):
                stem = re.sub(r"[аиыяі]$", "", c)
                base = stem[:-2] if stem.endswith("ск") else stem
                parts.append(rf"{re.escape(base)}с[ь]?к\w*\s+{_OBLAST_AFTER_CYR}")
                # "Курской и Белгородской областей": the first of two oblasts named together
                parts.append(rf"{re.escape(base)}с[ь]?к\w*(?=\s+(?:и|та|і|й)\s+\w+с[ь]?к\w*\s+{_OBLAST_AFTER_CYR})")
                parts.append(rf"{re.escape(base)}[щч]ин\w*")
            out.append((oblast, fast(re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE))))
        return out

    def find(self, text: str) -> list[Mention]:
        """Every settlement, oblast and raion mention in ``text``, in order, without overlaps."""
        found: list[Mention] = []
        if _OBLAST_WORD.search(text):  # the oblast patterns all need one of these words
            for oblast, rx in self._oblasts:
                found += [
                    Mention(m.start(), m.end(), text[m.start() : m.end()], "oblast", oblast=oblast)
                    for m in rx.finditer(text)
                ]
        if self._raions is not None and _RAION_WORD.search(text):
            for m in self._raions.finditer(text):
                raion, oblast = self._raion_stems[m[1].lower()]
                found.append(
                    Mention(m.start(), m.end(), text[m.start() : m.end()], "raion", oblast=oblast, raion=raion)
                )
        for m in _RAION_CYR.finditer(text) if "район" in text else ():
            place = self._raion_centre(m["stem"])
            found.append(
                Mention(
                    m.start(),
                    m.end(),
                    m[0],
                    "raion",
                    oblast=place.oblast if place else "",
                    raion=place.raion if place else "",
                )
            )
        found = [
            m
            for m in found
            if not any(
                o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                for o in found
            )
        ]
        found = list({(m.start, m.end): m for m in found}.values())
        taken = [(m.start, m.end) for m in found]
        found += [m for m in self._settlements(text, taken) if not any(a < m.end and m.start < b for a, b in taken)]
        return sorted(found, key=lambda m: m.start)

    def _raion_centre(self, adjective_stem: str) -> Place | None:
        """The settlement a Cyrillic raion adjective is named after (Глушковский -> Глушково), if any."""
        stem = adjective_stem.lower().replace("ё", "е")
        best: tuple[int, str] | None = None
        for pid, names in self._cyrillic.items():
            for n in names:
                root = re.sub(r"[аеиоуыяьй]+$", "", n.lower().replace("ё", "е"))
                if len(root) >= 4 and stem.startswith(root) and (best is None or len(root) > best[0]):
                    best = (len(root), pid)
        return self.places[best[1]] if best else None

    def _settlements(self, text: str, taken: list[tuple[int, int]] | None = None) -> list[Mention]:
        tokens = [(m.start(), m.end(), m[0]) for m in _TOKEN.finditer(text)]
        taken = taken or []
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            start, _, word = tokens[i]
            if not (word[0].isupper() or word[0].isdigit()):
                i += 1
                continue
            hit = self._longest(text, tokens, i)
            if hit is None:
                hit = (
                    self._by_dictionary(tokens, i) or self._by_skeleton(text, tokens, i) or self._typo(text, tokens, i)
                )
            if hit is None:
                i += 1
                continue
            n, ids, how = hit
            if self._inside_other_name(text, tokens, i, n, taken):
                i += n  # "Радио Свобода", "Кривий Ріг", "Tim Lister": a word of another proper name
                continue
            s, e = start, tokens[i + n - 1][1]
            written = text[s:e]
            after = text[e : e + 40]
            oblasts = {self.places[x].oblast for x in ids}
            raions = {self.places[x].raion for x in ids}
            one_oblast = next(iter(oblasts)) if len(oblasts) == 1 else ""
            district = _RAION_AFTER.match(after)
            if _FACILITY_AFTER.match(after):
                i += n  # "the Sudzha border crossing", "the Sudzha direction": not the town itself
                continue
            if district:  # "the Sudzha district": the raion named after the town, not the town
                e += district.end()
                out.append(
                    Mention(
                        s, e, text[s:e], "raion", (), one_oblast, how, next(iter(raions)) if len(raions) == 1 else ""
                    )
                )
            elif not _CYR.search(written) and {self.places[x].name for x in ids} == oblasts:
                # English writes "Kursk" for the oblast; a settlement named like its oblast is read as the oblast
                out.append(Mention(s, e, written, "oblast", (), one_oblast, how))
            else:
                out.append(Mention(s, e, written, "settlement", tuple(sorted(ids)), "", how))
            i += n
        return out

    def _inside_other_name(
        self, text: str, tokens: list[tuple[int, int, str]], i: int, n: int, taken: list[tuple[int, int]]
    ) -> bool:
        """Whether the name at tokens ``i..i+n`` is glued to another capitalised word that is no place.

        "Радио Свобода", "Кривий Ріг", "Tim Lister": a settlement's name inside another proper
        name. A capitalised word opening the sentence ("Освобождена Суджа"), a month or weekday, and
        an oblast or raion named next to it ("Суджа Курской области") do not count.
        """

        def glued(a: int, b: int) -> bool:
            return bool(re.fullmatch(r"[ \t]+", text[a:b]))

        def other(k: int) -> bool:
            st, _en, w = tokens[k]
            if not w[:1].isupper() or w.lower() in _CALENDAR or any(a <= st < b for a, b in taken):
                return False
            return self._longest(text, tokens, k) is None

        j = i + n
        if j < len(tokens) and glued(tokens[j - 1][1], tokens[j][0]) and other(j):
            return True
        if i > 0 and glued(tokens[i - 1][1], tokens[i][0]) and other(i - 1):
            opens = i - 1 == 0 or bool(_SENTENCE_START.search(text[max(0, tokens[i - 1][0] - 3) : tokens[i - 1][0]]))
            return not opens
        return False

    def _longest(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, set[str], str] | None:
        first = _fold(_norm(tokens[i][2]))
        longest = self._first_word.get(first, 0)
        if not longest and _POSSESSIVE.search(tokens[i][2]):
            longest = self._first_word.get(_fold(_norm(tokens[i][2][:-2])), 0)
        for n in range(min(longest, len(tokens) - i), 0, -1):
            parts = tokens[i : i + n]
            # the words of one name are next to each other: only blanks or a hyphen between them
            if any(not _JOIN.fullmatch(text[a[1] : b[0]]) for a, b in itertools.pairwise(parts)):
                continue
            words = [w for _, _, w in parts]
            if _POSSESSIVE.search(words[-1]) and not _CYR.search(words[-1]):
                words[-1] = words[-1][:-2]  # English possessive: Sudzha's
            key = tuple(_fold(_norm(w)) for w in words)
            ids = self._index.get(key)
            if ids:
                return n, ids, self._how.get(key, "exact")
        return None

    def _by_dictionary(self, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, set[str], str] | None:
        word = tokens[i][2]
        if self._lemmas is None or not _CYR.search(word) or len(word) < 4:
            return None
        for lemma in sorted(self._lemmas(word)):
            ids = self._index.get((lemma,))
            if ids and self._how.get((lemma,)) in _RANK:
                return 1, ids, "dictionary form"
        return None

    def _by_skeleton(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, set[str], str] | None:
        """A capitalised Cyrillic name inside a sentence spelt with other vowels or soft signs (Гордіївки)."""
        start, _, word = tokens[i]
        if not _CYR.search(word) or len(word) < 5 or _SENTENCE_START.search(text[max(0, start - 3) : start]):
            return None
        for n in range(min(3, len(tokens) - i), 0, -1):
            parts = tokens[i : i + n]
            if any(not _JOIN.fullmatch(text[a[1] : b[0]]) for a, b in itertools.pairwise(parts)):
                continue
            if n > 1 and not parts[-1][2][:1].isupper():
                continue
            ids = self._skeletons.get(tuple(skeleton(_norm(w)) for _, _, w in parts))
            if ids:
                return n, ids, "spelling variant"
        return None

    def _typo(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, set[str], str] | None:
        """A capitalised Latin word inside a sentence, one edit from a known single-word spelling."""
        start, _, word = tokens[i]
        if _CYR.search(word) or len(word) < 6 or _SENTENCE_START.search(text[max(0, start - 3) : start]):
            return None
        return self._near_spelling(_fold(_norm(word)))

    @functools.lru_cache(maxsize=16384)  # noqa: B019 - one index per run, kept alive by its user anyway
    def _near_spelling(self, key: str) -> tuple[int, set[str], str] | None:
        # one edit leaves one half of the word as it is: only keys that begin with its first half or
        # end with its second are compared (in the order of the sorted keys, as all of them would be)
        half = len(key) // 2
        near = sorted({*self._latin_heads.get(key[:half], ()), *self._latin_tails.get(key[half:], ())})
        hits = process.extract(key, near, scorer=Levenshtein.distance, limit=3, score_cutoff=1)
        ids: set[str] = set()
        for known, _, _ in hits:
            if _extension(key, known) or _extension(known, key):
                continue  # Pokrovsk is not Pokrovsky: a word one letter longer is another word
            ids |= self._latin_single[known]
        if not ids or len({self.places[i].name for i in ids}) > 1:
            return None
        return 1, ids, "typo"


def _extension(short: str, long: str) -> bool:
    """``long`` is ``short`` with a letter added at either end that does not repeat its neighbour."""
    if len(long) != len(short) + 1:
        return False
    if long.startswith(short):
        return long[-1] != long[-2]
    if long.endswith(short):
        return long[0] != long[1]
    return False


def decide_namesakes(
    mentions: list[Mention], places: dict[str, Place], *, max_km: float = 40.0, prefer_oblast: str = ""
) -> list[Mention]:
    """Narrow each ambiguous settlement to the candidate the article's other places point to.

    A candidate wins when it lies in an oblast the article names and its rivals do not, or when it
    is clearly the nearest to the article's unambiguous settlements (within ``max_km``, and less
    than half as far as the next one); failing both, when it alone lies in ``prefer_oblast`` (the
    oblast the ledger is about). Otherwise the mention stays ambiguous.
    """
    oblasts = {m.oblast for m in mentions if m.kind in ("oblast", "raion") and m.oblast}
    raions = {m.raion for m in mentions if m.kind == "raion" and m.raion}
    # every settlement mention votes for the oblasts of its candidates (a namesake's vote is split)
    votes: dict[str, float] = defaultdict(float)
    for m in mentions:
        if m.kind == "settlement" and m.ids:
            for i in m.ids:
                votes[places[i].oblast] += 1 / len(m.ids)
    out = list(mentions)
    for _ in range(2):  # a namesake decided in the first pass is an anchor in the second
        anchors = [
            places[m.ids[0]]
            for m in out
            if m.kind == "settlement" and len(m.ids) == 1 and places[m.ids[0]].placed and m.how != "typo"
        ]
        out = [
            _narrow(m, places, oblasts=oblasts, raions=raions, votes=votes, anchors=anchors, max_km=max_km) for m in out
        ]
    if prefer_oblast:
        out = [_prefer(m, places, prefer_oblast) for m in out]
    return out


def _prefer(m: Mention, places: dict[str, Place], oblast: str) -> Mention:
    if m.kind != "settlement" or len(m.ids) < 2:
        return m
    inside = [i for i in m.ids if places[i].oblast == oblast]
    return replace(m, ids=tuple(inside)) if 0 < len(inside) < len(m.ids) else m


def _narrow(
    m: Mention,
    places: dict[str, Place],
    *,
    oblasts: set[str],
    raions: set[str],
    votes: dict[str, float],
    anchors: list[Place],
    max_km: float,
) -> Mention:
    if m.kind != "settlement" or len(m.ids) < 2:
        return m
    cands = [places[i] for i in m.ids]
    if raions:
        inside = [c for c in cands if c.raion in raions]
        if inside and len(inside) < len(cands):
            cands = inside
    if oblasts:
        inside = [c for c in cands if c.oblast in oblasts]
        if inside and len(inside) < len(cands):
            cands = inside
    own = {c.oblast: 1 / len(m.ids) for c in cands}
    support = {c.id: votes.get(c.oblast, 0.0) - own.get(c.oblast, 0.0) for c in cands}
    best = max(support.values())
    if best > 0 and sum(v == best for v in support.values()) < len(cands):
        cands = [c for c in cands if support[c.id] == best]
    if len(cands) > 1 and anchors:
        dist = sorted((min(_km(c, a) for a in anchors), c.id) for c in cands if c.placed)
        if dist and dist[0][0] <= max_km and (len(dist) == 1 or dist[1][0] > 2 * dist[0][0] + 5):
            cands = [places[dist[0][1]]]
    return replace(m, ids=tuple(sorted(c.id for c in cands)))


def _km(a: Place, b: Place) -> float:
    if not (a.placed and b.placed):
        return math.inf
    dy = (a.lat - b.lat) * 111.2
    dx = (a.lon - b.lon) * 111.2 * math.cos(math.radians(b.lat))
    return math.hypot(dx, dy)
