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

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..names import normalise, spellings, transliterate

_CYR = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
#: A place word followed by one of these is an administrative area, not the settlement.
_RAION_AFTER = re.compile(
    r"^\s*(?:district|raion|rayon|municipal\s+district|community|hromada|район\w*|громад\w*|округ\w*)\b", re.IGNORECASE
)
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
    elif w.endswith(("ое", "ее")) and len(w) > 3:  # adjective, neuter: Поречное, Верхнее
        s = w[:-2]
        out |= {s + e for e in ("ого", "ому", "ым", "ом", "его", "ему", "им", "ем")}
    elif w.endswith(("ый", "ий", "ой")) and len(w) > 3:  # adjective, masculine: Мирный, Никольский, Меловой
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
        out |= {s + e for e in ("ах", "ам", "ами", "ов", "ях", "ям", "ями", "ей", "ок")}
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
        out |= {s + e for e in ("ах", "ам", "ами", "ях", "ям", "ями")}
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

    @property
    def ambiguous(self) -> bool:
        """More than one gazetteer row has this spelling."""
        return len(self.ids) > 1


def _fold(s: str) -> str:
    """Latin diacritics dropped (Tëtkino -> tetkino); Cyrillic kept as it is (й stays й)."""
    if _CYR.search(s):
        return s
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def _key(text: str) -> tuple[str, ...]:
    return tuple(_fold(w) for w in normalise(text).split(" ") if w)


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
        for key, ids in self._index.items():
            if len(key) == 1 and not _CYR.search(key[0]) and len(key[0]) >= 5:
                self._latin_single[key[0]] |= ids
        self._latin_keys = sorted(self._latin_single)
        self._max_len = max((len(k) for k in self._index), default=1)
        self._oblasts = self._oblast_patterns()
        raions = sorted({p.raion for p in self.places.values() if p.raion}, key=len, reverse=True)
        stems = [re.escape(r[:-2] if r.endswith(("ky", "iy", "yi")) else r) for r in raions]
        self._raions = (
            re.compile(rf"\b(?:{'|'.join(stems)})\w*\s+(?:district|raion|rayon)\b", re.IGNORECASE) if stems else None
        )

    def _add(self, key: tuple[str, ...], pid: str, how: str) -> None:
        if not key or not key[0]:
            return
        self._index[key].add(pid)
        if self._how.get(key) != "exact":
            self._how[key] = how

    def _oblast_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        out: list[tuple[str, re.Pattern[str]]] = []
        for oblast in sorted({p.oblast for p in self.places.values() if p.oblast}):
            latin = {oblast}
            cyr: set[str] = set()
            for pid in self._names.get(oblast, ()):  # the oblast's centre, named like it, gives the Cyrillic
                cyr |= {s.lower() for s in self._cyrillic[pid] if " " not in s and "-" not in s}
            for c in list(cyr):
                latin.add(transliterate(c, "ukrainian"))
            parts = [rf"(?:the\s+)?{re.escape(x)}(?:[’']s)?\s+{_OBLAST_AFTER}" for x in sorted(latin)]
            parts += [rf"{re.escape(x)}(?:shchyna|shchina)" for x in sorted(latin)]
            for c in sorted(cyr):
                stem = re.sub(r"[аиыяі]$", "", c)
                base = stem[:-2] if stem.endswith("ск") else stem
                parts.append(rf"{re.escape(base)}с[ь]?к\w*\s+{_OBLAST_AFTER_CYR}")
                parts.append(rf"{re.escape(base)}[щч]ин\w*")
            out.append((oblast, re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)))
        return out

    def find(self, text: str) -> list[Mention]:
        """Every settlement, oblast and raion mention in ``text``, in order, without overlaps."""
        found: list[Mention] = []
        for oblast, rx in self._oblasts:
            found += [Mention(m.start(), m.end(), m[0], "oblast", oblast=oblast) for m in rx.finditer(text)]
        if self._raions is not None:
            found += [Mention(m.start(), m.end(), m[0], "raion") for m in self._raions.finditer(text)]
        taken = [(m.start, m.end) for m in found]
        found += [m for m in self._settlements(text) if not any(a < m.end and m.start < b for a, b in taken)]
        return sorted(found, key=lambda m: m.start)

    def _settlements(self, text: str) -> list[Mention]:
        tokens = [(m.start(), m.end(), m[0]) for m in _TOKEN.finditer(text)]
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            start, end, word = tokens[i]
            if not (word[0].isupper() or word[0].isdigit()):
                i += 1
                continue
            hit = self._longest(text, tokens, i)
            if hit is None:
                hit = self._by_dictionary(tokens, i) or self._typo(text, tokens, i)
            if hit is None:
                i += 1
                continue
            n, ids, how = hit
            s, e = start, tokens[i + n - 1][1]
            written = text[s:e]
            after = text[e : e + 40]
            kind = "raion" if _RAION_AFTER.match(after) else "settlement"
            oblast = ""
            if kind == "settlement" and not _CYR.search(written):
                # English writes "Kursk" for the oblast; a settlement named like its oblast is read as the oblast
                names = {self.places[x].name for x in ids}
                obl = {self.places[x].oblast for x in ids}
                if len(obl) == 1 and names == obl:
                    kind, oblast = "oblast", next(iter(obl))
            out.append(Mention(s, e, written, kind, tuple(sorted(ids)) if kind == "settlement" else (), oblast, how))
            i += n
        return out

    def _longest(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, set[str], str] | None:
        for n in range(min(self._max_len, len(tokens) - i), 0, -1):
            parts = tokens[i : i + n]
            # the words of one name are next to each other: only blanks or a hyphen between them
            if any(
                not re.fullmatch(r"\s*-?\s*|\s+", text[a[1] : b[0]]) for a, b in zip(parts, parts[1:], strict=False)
            ):
                continue
            words = [w for _, _, w in parts]
            if re.search(r"[’']s$", words[-1]) and not _CYR.search(words[-1]):
                words[-1] = words[-1][:-2]  # English possessive: Sudzha's
            key = tuple(_fold(normalise(w)) for w in words)
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
            if ids and self._how.get((lemma,)) in ("exact", "case form"):
                return 1, ids, "dictionary form"
        return None

    def _typo(self, text: str, tokens: list[tuple[int, int, str]], i: int) -> tuple[int, set[str], str] | None:
        """A capitalised Latin word inside a sentence, one edit from a known single-word spelling."""
        start, _, word = tokens[i]
        if _CYR.search(word) or len(word) < 6 or re.search(r"[.!?]\s*$|^\s*$", text[max(0, start - 3) : start]):
            return None
        key = _fold(normalise(word))
        hits = process.extract(key, self._latin_keys, scorer=Levenshtein.distance, limit=3, score_cutoff=1)
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


def decide_namesakes(mentions: list[Mention], places: dict[str, Place], *, max_km: float = 40.0) -> list[Mention]:
    """Narrow each ambiguous settlement to the candidate the article's other places point to.

    A candidate wins when it lies in an oblast the article names and its rivals do not, or when it
    is clearly the nearest to the article's unambiguous settlements (within ``max_km``, and less
    than half as far as the next one). Otherwise the mention stays ambiguous.
    """
    oblasts = {m.oblast for m in mentions if m.kind == "oblast"}
    anchors = [
        places[m.ids[0]]
        for m in mentions
        if m.kind == "settlement" and len(m.ids) == 1 and places[m.ids[0]].placed and m.how != "typo"
    ]
    out: list[Mention] = []
    for m in mentions:
        if m.kind != "settlement" or len(m.ids) < 2:
            out.append(m)
            continue
        cands = [places[i] for i in m.ids]
        if oblasts:
            inside = [c for c in cands if c.oblast in oblasts]
            if inside and len(inside) < len(cands):
                cands = inside
        if len(cands) > 1 and anchors:
            dist = sorted((min(_km(c, a) for a in anchors), c.id) for c in cands if c.placed)
            if dist and dist[0][0] <= max_km and (len(dist) == 1 or dist[1][0] > 2 * dist[0][0] + 5):
                cands = [places[dist[0][1]]]
        out.append(replace(m, ids=tuple(sorted(c.id for c in cands))))
    return out


def _km(a: Place, b: Place) -> float:
    if not (a.placed and b.placed):
        return math.inf
    dy = (a.lat - b.lat) * 111.2
    dx = (a.lon - b.lon) * 111.2 * math.cos(math.radians(b.lat))
    return math.hypot(dx, dy)
