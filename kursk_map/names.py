"""Settlement names: normalisation, transliteration and the name resolver.

Pure functions, no I/O. The resolver indexes every spelling of every gazetteer row
(English, Russian and Ukrainian Cyrillic, listed alternates, and Latin spellings generated
from the Cyrillic by several transliteration systems), then matches a name written in a
claim: exact spelling first, then a spelling-insensitive key, and offers fuzzy suggestions
only as suggestions; a wrong match is worse than none.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from rapidfuzz import fuzz, process

_VOWELS = set("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ")
_SOFTEN = _VOWELS | set("йъьЙЪЬ")

# Letter tables: one per system; None entries are context-dependent and handled in _translit.
_BASE = dict(zip("абвгдзклмнопрстуф", "abvgdzklmnoprstuf", strict=True))
SYSTEMS: Mapping[str, Mapping[str, str]] = {
    # BGN/PCGN (Russian, 1947), as used by English-language press without diacritics.
    "bgn": {
        **_BASE,
        "е": "e",
        "ё": "yo",
        "ж": "zh",
        "и": "i",
        "й": "y",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "і": "i",
        "ї": "yi",
        "є": "ye",
        "ґ": "g",
    },
    # ISO 9:1995 / GOST 7.79-2000 system A.
    "iso9": {
        **_BASE,
        "е": "e",
        "ё": "ë",
        "ж": "ž",
        "и": "i",
        "й": "j",
        "х": "h",
        "ц": "c",
        "ч": "č",
        "ш": "š",
        "щ": "ŝ",
        "ъ": "ʺ",
        "ы": "y",
        "ь": "ʹ",
        "э": "è",
        "ю": "û",
        "я": "â",
        "і": "ì",
        "ї": "ï",
        "є": "ê",
        "ґ": "g̀",
    },
    # Scholarly (linguistic) transliteration.
    "scholarly": {
        **_BASE,
        "е": "e",
        "ё": "ë",
        "ж": "ž",
        "и": "i",
        "й": "j",
        "х": "x",
        "ц": "c",
        "ч": "č",
        "ш": "š",
        "щ": "šč",
        "ъ": "ʺ",
        "ы": "y",
        "ь": "ʹ",
        "э": "è",
        "ю": "ju",
        "я": "ja",
        "і": "i",
        "ї": "ji",
        "є": "je",
        "ґ": "g",
    },
    # German (Duden): Sudscha, Gluschkowo.
    "german": {
        **_BASE,
        "в": "w",
        "е": "e",
        "ё": "jo",
        "ж": "sch",
        "з": "s",
        "и": "i",
        "й": "i",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "ju",
        "я": "ja",
        "і": "i",
        "ї": "ji",
        "є": "je",
        "ґ": "g",
    },
    # French: Soudja, Glouchkovo.
    "french": {
        **_BASE,
        "у": "ou",
        "е": "e",
        "ё": "io",
        "ж": "j",
        "и": "i",
        "й": "i",
        "х": "kh",
        "ц": "ts",
        "ч": "tch",
        "ш": "ch",
        "щ": "chtch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "iou",
        "я": "ia",
        "і": "i",
        "ї": "ii",
        "є": "ie",
        "ґ": "g",
    },
    # Ukrainian national system (KMU 2010): Hlushkovo, Sumy.
    "ukrainian": {
        **_BASE,
        "г": "h",
        "е": "e",
        "ё": "yo",
        "ж": "zh",
        "и": "y",
        "й": "i",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "iu",
        "я": "ia",
        "і": "i",
        "ї": "i",
        "є": "ie",
        "ґ": "g",
    },
}
# Iotated vowels at the start of a word or after a vowel/sign take a "y"/"j" glide.
_INITIAL = {
    "bgn": {"е": "ye", "ё": "yo"},
    "german": {"е": "je", "ё": "jo"},
    "french": {"е": "ie"},
    "ukrainian": {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
}


def transliterate(text: str, system: str = "bgn") -> str:
    """Transliterate Cyrillic text to Latin with one of :data:`SYSTEMS`; Latin passes through.

    Examples
    --------
    >>> transliterate("Суджа"), transliterate("Суджа", "german"), transliterate("Суджа", "french")
    ('Sudzha', 'Sudscha', 'Soudja')
    >>> transliterate("Глушково", "ukrainian"), transliterate("Ельцовка")
    ('Hlushkovo', 'Yeltsovka')
    >>> transliterate("Малая Локня", "iso9")
    'Malaâ Loknâ'
    """
    table = SYSTEMS[system]

    def nxt_is_vowel(i: int) -> bool:
        return i + 1 < len(text) and text[i + 1] in _VOWELS

    initial = _INITIAL.get(system, {})
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(text):
        low = ch.lower()
        if low not in table:
            out.append(ch)
            prev = ch
            continue
        # KMU 2010 uses the initial forms at the start of a word only (Кадиївка -> Kadyivka)
        if low in initial and (not prev or not prev.isalpha() or (prev in _SOFTEN and system != "ukrainian")):
            latin = initial[low]
        elif system in ("french", "german") and low == "с" and prev in _VOWELS and nxt_is_vowel(i):
            latin = "ss"  # intervocalic s is voiced in both languages: Tiotkino, but Kossitsa
        elif system == "french" and low == "д" and i + 1 < len(text) and text[i + 1].lower() == "ж":
            latin = "d"
        else:
            latin = table[low]
        if ch.isupper() and latin:
            nxt = text[i + 1] if i + 1 < len(text) else ""
            latin = latin.upper() if nxt.isupper() else latin[0].upper() + latin[1:]
        out.append(latin)
        prev = ch
    return "".join(out)


def normalise(name: str) -> str:
    """Case-fold, unify ё/е, dashes and blanks; the key for exact matching.

    Examples
    --------
    >>> normalise("  Novy  Put’ "), normalise("Новый Путь"), normalise("Сёмёновка")
    ('novy put', 'новый путь', 'семеновка')
    """
    s = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    s = re.sub(r"[\u2019\u2018'`ʹʺ\"«»]", "", s)
    s = re.sub(r"[\s\u2010-\u2015-]+", " ", s)
    return s.strip()


_SKELETON_RULES = [
    (r"[šŝ]", "sh"),
    (r"ž", "zh"),
    (r"č", "ch"),
    (r"[âä]", "ya"),
    (r"[ûü]", "yu"),
    (r"schtsch|shch|chtch", "S"),  # щ
    (r"dsch|dzh|dj|dž", "J"),  # дж
    (r"tsch", "C"),  # German ч
    (r"sch|sh|zh|j(?=[^aeiouy]|$)", "X"),  # ш, ж
    (r"tch|ch", "C"),  # ч (English/French); French ш=ch is covered by indexing French spellings
    (r"kh|x", "H"),
    (r"g|h", "H"),  # х, г (Ukrainian h)
    (r"tz|ts|c", "Z"),  # ц
    (r"ou", "u"),
    (r"w", "v"),
    (r"ph", "f"),
    (r"ss", "s"),
    (r"[yji]+", "i"),
    (r"ie", "e"),
    (r"io", "o"),
    (r"iu", "u"),
]


_SKELETON_COMPILED = [(re.compile(p), r) for p, r in _SKELETON_RULES]


@functools.lru_cache(maxsize=1 << 18)
def skeleton(name: str) -> str:
    """A spelling-insensitive key: Sudzha, Sudja, Sudscha, Soudja and Суджа share one.

    Examples
    --------
    >>> {skeleton(s) for s in ["Sudzha", "Sudja", "Sudscha", "Soudja", "Суджа"]}
    {'suJa'}
    >>> skeleton("Glushkovo") == skeleton("Hlushkovo") == skeleton("Gluschkowo")
    True
    >>> skeleton("Desyatoye") == skeleton("Desyatoe") == skeleton("Desiatoie")
    True
    """
    s = normalise(name)
    if any("\u0400" <= ch <= "\u04ff" for ch in s):
        s = transliterate(s, "bgn")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"[^a-z0-9]+", "", s.lower()) if s.isascii() else re.sub(r"[^\w]+", "", s)
    for pattern, repl in _SKELETON_COMPILED:
        s = pattern.sub(repl, s)
    return s


def spellings(name: str, *cyrillic: str) -> set[str]:
    """Every spelling the resolver indexes for one settlement: the name and transliterations.

    Examples
    --------
    >>> sorted(spellings("Sudzha", "Суджа"))
    ['Soudja', 'Sudscha', 'Sudzha', 'Sudža', 'Суджа']
    """
    out = {name} if name else set()
    for cyr in cyrillic:
        if not cyr:
            continue
        out.add(cyr)
        out.update(transliterate(cyr, system) for system in SYSTEMS)
    return out


# Russian place names as Ukrainian writes them: endings and letters by rule, a few words by sense.
_UK_WORDS = {
    "большой": "Великий",
    "большое": "Велике",
    "большая": "Велика",
    "большие": "Великі",
    "верхний": "Верхній",
    "верхнее": "Верхнє",
    "верхняя": "Верхня",
    "нижний": "Нижній",
    "нижнее": "Нижнє",
    "нижняя": "Нижня",
    "средний": "Середній",
    "среднее": "Середнє",
    "средняя": "Середня",
}
_UK_ENDINGS = (
    ("ское", "ське"),
    ("цкое", "цьке"),
    ("ский", "ський"),
    ("цкий", "цький"),
    ("ская", "ська"),
    ("цкая", "цька"),
    ("ые", "і"),
    ("ый", "ий"),
    ("ой", "ий"),
    ("ая", "а"),
    ("яя", "я"),
    ("ое", "е"),
    ("ее", "є"),
    ("аевка", "аївка"),
    ("еевка", "еївка"),
    ("овка", "івка"),
    ("евка", "івка"),
    ("ёвка", "івка"),
    ("во", "ве"),
    ("но", "не"),
)
_UK_LETTERS = {"ы": "и", "э": "е", "ё": "е", "ъ": "’"}


def _ukrainian_word(word: str) -> str:
    low = word.lower()
    if low in _UK_WORDS:
        out = _UK_WORDS[low]
    else:
        stem, end = low, ""
        for ru, uk in _UK_ENDINGS:
            if low.endswith(ru) and len(low) > len(ru) + 1:
                stem, end = low[: -len(ru)], uk
                break
        letters: list[str] = []
        for i, ch in enumerate(stem):
            prev = stem[i - 1] if i else ""
            if ch == "и":
                letters.append("и" if prev in "жчшщц" else "і")
            elif ch == "е" and (not prev or prev in _VOWELS):
                letters.append("є")
            else:
                letters.append(_UK_LETTERS.get(ch, ch))
        out = "".join(letters) + end
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


def ukrainian_form(name_ru: str) -> str:
    """The Ukrainian-language form of a Russian place name, by rule (as Ukraine's General Staff writes them).

    Neuter names in -ово/-ево/-ино end in -е, adjectives lose their Russian endings, -овка becomes
    -івка, ы/э/ё/и become и/е/е/і, and Большой/Верхний/Нижний are translated. A rule, not a
    dictionary: the form is indexed for matching (in Cyrillic and in the national romanisation),
    never shown as the place's name.

    Examples
    --------
    >>> ukrainian_form("Коренево"), ukrainian_form("Глушково"), ukrainian_form("Малая Локня")
    ('Кореневе', 'Глушкове', 'Мала Локня')
    >>> ukrainian_form("Любимовка"), ukrainian_form("Большое Солдатское"), ukrainian_form("Весёлое")
    ('Любімівка', 'Велике Солдатське', 'Веселе')
    """
    return re.sub(r"[^\W\d_]+", lambda m: _ukrainian_word(m.group(0)), name_ru)


_ORDINALS = {
    1: ("первый", "первое", "первая", "первые"),
    2: ("второй", "второе", "вторая", "вторые"),
    3: ("третий", "третье", "третья", "третьи"),
    4: ("четвертый", "четвертое", "четвертая"),
    5: ("пятый", "пятое", "пятая"),
    6: ("шестой", "шестое", "шестая"),
    7: ("седьмой", "седьмое", "седьмая"),
    8: ("восьмой", "восьмое", "восьмая"),
    9: ("девятый", "девятое", "девятая"),
    10: ("десятый", "десятое", "десятая"),
}
_ORDINAL_NUMBER = {w: n for n, words in _ORDINALS.items() for w in words}
_MONTHS = dict(
    zip(
        ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
         "ноября", "декабря"),
        ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"),
        strict=True,
    )
)  # fmt: skip


def _english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def numbered_forms(name_ru: str) -> set[str]:
    """Forms of a numbered name: Десятое Октября -> 10th October, 10-е Октября; 2-й Княжий -> 2nd Knyazhiy.

    Examples
    --------
    >>> sorted(numbered_forms("Десятое Октября"))
    ['10 Oktyabrya', '10-е Октября', '10th October', 'October 10']
    >>> sorted(numbered_forms("2-й Княжий"))
    ['2nd Knyazhiy', 'Second Knyazhiy', 'Vtoroy Knyazhiy', 'Второй Княжий']
    >>> numbered_forms("Суджа")
    set()
    """
    words = name_ru.split()
    out: set[str] = set()
    for i, w in enumerate(words):
        low = w.lower().replace("ё", "е")
        digit = re.fullmatch(r"(\d+)(?:-?[а-я]{1,2})?", low)
        n = int(digit.group(1)) if digit else _ORDINAL_NUMBER.get(low)
        if n is None:
            continue
        rest = [x for j, x in enumerate(words) if j != i]
        latin = " ".join(transliterate(x, "bgn") for x in rest)
        month = _MONTHS.get(normalise(rest[0])) if len(rest) == 1 else None
        if month:
            out |= {f"{_english_ordinal(n)} {month}", f"{month} {n}", f"{n} {latin}"}
        else:
            out.add(f"{_english_ordinal(n)} {latin}")
            english = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")
            if n <= 10:
                out.add(f"{english[n - 1]} {latin}")
        if digit and n in _ORDINALS:
            gender = {"й": 0, "е": 1, "я": 2}.get(low[-1], 0)
            word = _ORDINALS[n][min(gender, len(_ORDINALS[n]) - 1)]
            spelled = [*words[:i], word.capitalize() if i == 0 else word, *words[i + 1 :]]
            out.add(" ".join(spelled))
            out.add(" ".join(transliterate(x, "bgn") for x in spelled))
        elif not digit:
            suffix = {"й": "й", "е": "е", "я": "я"}.get(low[-1], "")
            out.add(" ".join([*words[:i], f"{n}-{suffix}" if suffix else str(n), *words[i + 1 :]]))
    return out


#: Words the press puts around a name: "Sudzha town", "the village of Plekhovo", "selo Guyevo".
_DESCRIPTOR = re.compile(
    r"^(?:the\s+)?(?:(?:urban-type\s+)?(?:town|city|village|settlement|hamlet|selo|khutor|posyolok|село|хутор|"
    r"посёлок|поселок|пос\.|с\.|місто|селище)\s+(?:of\s+)?)|\s+(?:town|city|village|settlement|hamlet)$",
    re.IGNORECASE,
)


def strip_descriptor(name: str) -> str:
    """The name without a generic word around it.

    Examples
    --------
    >>> strip_descriptor("Sudzha town"), strip_descriptor("the village of Plekhovo"), strip_descriptor("Sudzha")
    ('Sudzha', 'Plekhovo', 'Sudzha')
    """
    return _DESCRIPTOR.sub("", name.strip()).strip() or name


def generated_forms(name_ru: str, name_uk: str = "") -> list[str]:
    """Spellings made by rule from a Russian name: its numbered forms, and its Ukrainian form.

    The Ukrainian form (in Cyrillic and in Ukraine's national romanisation) only when no Ukrainian
    name is known.

    Examples
    --------
    >>> generated_forms("Коренево")
    ['Кореневе', 'Koreneve']
    >>> generated_forms("Малая Локня", "Мала Локня")
    []
    """
    if not name_ru:
        return []
    out = sorted(numbered_forms(name_ru))
    if not name_uk:
        uk = ukrainian_form(name_ru)
        if uk != name_ru:
            out += [uk, transliterate(re.sub(r"['’ʼ]", "", uk), "ukrainian")]
    return out


Status = Literal["match", "ambiguous", "unknown"]


@dataclass(frozen=True)
class Candidate:
    """A gazetteer row the resolver considers, with its match score (0-100)."""

    id: str
    name: str
    name_ru: str
    raion: str
    oblast: str
    country: str
    lat: float
    lon: float
    placed: bool
    score: float
    matched: str


@dataclass(frozen=True)
class Resolution:
    """What the resolver made of one name: a match, an ambiguity, or nothing (with suggestions)."""

    query: str
    status: Status
    best: Candidate | None = None
    #: the candidates, or a function that lists them when first asked (suggestions cost a fuzzy search)
    found: tuple[Candidate, ...] | Callable[[], tuple[Candidate, ...]] = field(default=(), repr=False, compare=False)

    @functools.cached_property
    def candidates(self) -> tuple[Candidate, ...]:
        """The namesakes of an ambiguous name, the match, or the suggestions for an unknown name."""
        return self.found() if callable(self.found) else self.found

    def describe(self) -> str:
        """One line for users: the match, or the candidates / suggestions."""

        def label(c: Candidate) -> str:
            where = ", ".join(x for x in (c.name_ru, c.raion or c.oblast) if x)
            return f"{c.name!r} ({where})" if where else repr(c.name)

        if self.status == "match" and self.best:
            return f"{self.query!r} is {label(self.best)} [{self.best.id}]"
        if self.status == "ambiguous":
            opts = "; ".join(f"{label(c)} [{c.id}]" for c in self.candidates)
            return f"ambiguous settlement {self.query!r}: could be {opts}; give the raion or a nearby settlement"
        if self.candidates:
            opts = " or ".join(label(c) for c in self.candidates[:3])
            return f"unknown settlement {self.query!r} — did you mean {opts}?"
        return f"unknown settlement {self.query!r}; add it to the gazetteer (see geodata/README.md)"


_RESOLVER_COLUMNS = (
    "id",
    "name",
    "name_ru",
    "name_uk",
    "alt_names",
    "raion",
    "oblast",
    "country",
    "lat",
    "lon",
    "method",
)


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)


def _number(v: object) -> float:
    try:
        return float(str(v))
    except ValueError:
        return math.nan


def _placed(method: object, lat: float) -> bool:
    return str(method) != "unplaced" and not math.isnan(lat)


class Resolver:
    """Resolve settlement names written in any common spelling to gazetteer ids.

    Parameters
    ----------
    gazetteer : pandas.DataFrame
        Frame as returned by :func:`kursk_map.gazetteer.load_gazetteer`.

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"id": ["1", "2", "3"], "name": ["Sudzha", "Nikolayevka", "Nikolayevka"],
    ...     "name_ru": ["Суджа", "Николаевка", "Николаевка"], "name_uk": ["", "", ""],
    ...     "alt_names": ["Sudja", "", ""], "raion": ["Sudzhansky", "Sudzhansky", "Glushkovsky"],
    ...     "oblast": ["Kursk"] * 3, "country": ["RU"] * 3, "lat": [51.19, 51.2, 51.4],
    ...     "lon": [35.27, 35.2, 34.6], "method": ["geonames"] * 3})
    >>> r = Resolver(g)
    >>> r.resolve("Soudja").best.id, r.resolve("Nikolaevka").status
    ('1', 'ambiguous')
    >>> r.resolve("Nikolaevka", raion="Glushkovsky").best.id
    '3'
    >>> r.resolve("Sudzhaa").describe()
    "unknown settlement 'Sudzhaa' — did you mean 'Sudzha' (Суджа, Sudzhansky)?"
    """

    def __init__(self, gazetteer: pd.DataFrame) -> None:
        self._rows: dict[str, tuple[str, str, str, str, str, float, float, bool]] = {}
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._loose: dict[str, set[str]] = defaultdict(set)
        keys: dict[tuple[str, str, str, str], tuple[set[str], set[str]]] = {}  # namesakes share their spellings
        cols = [gazetteer[c] if c in gazetteer else pd.Series("", index=gazetteer.index) for c in _RESOLVER_COLUMNS]
        for row in zip(*cols, strict=True):
            sid, name, ru, uk, alt = str(row[0]), *(_text(v) for v in row[1:5])
            raion, oblast, country, lat, lon, method = row[5:]
            y, x = _number(lat), _number(lon)
            self._rows[sid] = (name, ru, _text(raion), _text(oblast), _text(country), y, x, _placed(method, y))
            found = keys.get((name, ru, uk, alt))
            if found is None:
                names = spellings(name, ru, uk) | set(generated_forms(ru, uk)) | {a for a in alt.split("|") if a}
                found = keys[name, ru, uk, alt] = ({normalise(n) for n in names}, {skeleton(n) for n in names})
            for k in found[0]:
                self._exact[k].add(sid)
            for k in found[1]:
                self._loose[k].add(sid)
        self._loose_keys = sorted(self._loose)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for k in self._loose_keys:
            self._by_initial[k[:1]].append(k)

    def __len__(self) -> int:
        return len(self._rows)

    def _candidate(self, sid: str, score: float, matched: str) -> Candidate:
        name, name_ru, raion, oblast, country, lat, lon, placed = self._rows[sid]
        return Candidate(sid, name, name_ru, raion, oblast, country, lat, lon, placed, score, matched)

    def _candidates(self, ids: Iterable[str], score: float, matched: str) -> tuple[Candidate, ...]:
        return tuple(self._candidate(i, score, matched) for i in sorted(ids))

    def resolve(
        self,
        name: str,
        *,
        raion: str | None = None,
        near: tuple[float, float] | None = None,
        max_km: float = 40.0,
    ) -> Resolution:
        """Resolve one name, using the raion or a nearby point to decide between namesakes.

        Parameters
        ----------
        name : str
            The settlement as written in the source.
        raion : str, optional
            Raion (or oblast) the claim is about; candidates elsewhere are dropped.
        near : (lat, lon), optional
            A point the settlement should be near (another settlement of the same claim).
        max_km : float
            With ``near``, candidates farther than this are dropped.
        """
        if not isinstance(name, str) or not name.strip():
            return Resolution(str(name), "unknown")
        bare = strip_descriptor(name)
        for query in dict.fromkeys((name, bare)):
            for ids, score in ((self._exact.get(normalise(query)), 100.0), (self._loose.get(skeleton(query)), 95.0)):
                if not ids:
                    continue
                if len(ids) > 1 and raion is None and near is None:  # namesakes listed when first asked
                    return Resolution(name, "ambiguous", None, functools.partial(self._candidates, ids, score, name))
                cands = self._narrow(list(self._candidates(ids, score, name)), raion=raion, near=near, max_km=max_km)
                if len(cands) == 1:
                    return Resolution(name, "match", cands[0], tuple(cands))
                if len(cands) > 1:
                    return Resolution(name, "ambiguous", None, tuple(cands))
        return Resolution(name, "unknown", None, lambda: tuple(self.suggest(bare)))

    def suggest(self, name: str, *, limit: int = 3, cutoff: float = 70.0) -> list[Candidate]:
        """Fuzzy suggestions for a name that did not resolve (never used as a match)."""
        key = skeleton(name)
        if not key:
            return []
        # the keys of the same first letter first (a typo rarely hits it); all keys when those give nothing
        hits = process.extract(
            key, self._by_initial.get(key[0], []), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=cutoff
        ) or process.extract(key, self._loose_keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=cutoff)
        out: list[Candidate] = []
        seen: set[str] = set()
        for k, score, _ in hits:
            for sid in sorted(self._loose[k]):
                if sid not in seen:
                    seen.add(sid)
                    out.append(self._candidate(sid, float(score), k))
        return out[:limit]

    @staticmethod
    def _narrow(
        cands: list[Candidate], *, raion: str | None, near: tuple[float, float] | None, max_km: float
    ) -> list[Candidate]:
        if len(cands) > 1 and raion:
            want = normalise(raion)
            same = [c for c in cands if want in (normalise(c.raion), normalise(c.oblast))]
            cands = same or cands
        # Distance decides only between placed namesakes: one without a position might be the nearest,
        # so a namesake is never picked because it is the only one with a position.
        if len(cands) > 1 and near is not None and all(c.placed for c in cands):
            lat0, lon0 = near

            def km(c: Candidate) -> float:
                if not c.placed:
                    return math.inf
                dy = (c.lat - lat0) * 111.2
                dx = (c.lon - lon0) * 111.2 * math.cos(math.radians(lat0))
                return math.hypot(dx, dy)

            close = sorted((km(c), c.id, c) for c in cands if km(c) <= max_km)
            if close and (len(close) == 1 or close[1][0] > 2 * close[0][0] + 5):
                cands = [close[0][2]]
        return cands


def resolve_many(resolver: Resolver, names: Iterable[str]) -> list[Resolution]:
    """Resolve several names without context (convenience for the CLI and notebooks)."""
    return [resolver.resolve(n) for n in names]
