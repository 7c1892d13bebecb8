"""The extraction rules: from the sentences of an article to findings (who claims what, when).

Pure functions. Every rule is a small named step, written down in README.md ("Extracting
claims from articles"), and each finding says which rule made it and how sure it is.

Per sentence:

1. **Spans** — places (:mod:`.places`), claimants, sides, trigger words, negations, plans,
   background markers, denials, figures (:mod:`.figures`) and dates (:mod:`.dates`).
2. **Attribution** — the claimant of each trigger is the speaker of the nearest speech verb
   before it ("X said"), or after it (", X said"), "according to X", a pointer back ("the
   ministry said", "it added") to the last claimant named, or, with no attribution at all, the
   outlet (``--source-hint``). A claim the speaker only reports ("Russian claims that ...") is
   not the speaker's: it becomes a denial when the speaker rejects it, and nothing otherwise.
3. **Traps** — a trigger under a negation, a plan or condition ("aims to retake"), or in a clause
   that restates the past ("in August 2024", "had originally taken" in the outlet's own voice)
   gives nothing. A place after a landmark word ("near", "west of") is not what a control verb
   acts on. Headlines and captions (lines without a sentence ending) give nothing.
4. **Findings** — control (the actor named before the verb, else the claimant's side; "retook"
   and "liberated" with no actor mean the place's own country), presence, attack (the side that
   attacked), relative advances (figure, direction, place), area and count figures (what a side
   holds), region claims (an oblast with a liberation, operations or presence verb) and denials.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..names import transliterate
from . import lexicon as lx
from ._fast import Fast as _Fast
from ._fast import case_free as _case_free
from ._fast import fast as _fast
from ._fast import lower
from .dates import DateRef, find_dates
from .figures import Figure, find_figures
from .places import Mention, Place, PlaceIndex, decide_namesakes
from .text import Doc, Sentence, language

if TYPE_CHECKING:
    from ..theatre import Claimant

_CYRILLIC = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def _rx(patterns: Iterable[str]) -> _ByScript:
    return _ByScript(tuple(patterns))


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression ("a|(?:b|c)|d" -> ["a", "(?:b|c)", "d"])."""
    out, depth, cls, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


class _ByScript:
    """A word pattern compiled three times: Latin alternatives, Cyrillic ones, and all of them.

    A sentence in one script is searched with that script's alternatives only (half the work or
    less); mixed text with all. Behaves like the compiled pattern for ``search``, ``finditer``,
    ``match`` and ``pattern``.
    """

    def __init__(self, patterns: tuple[str, ...]) -> None:
        alts = [a for p in patterns for a in _alternatives(p)]
        cyr = [a for a in alts if _CYRILLIC.search(a)]
        lat = [a for a in alts if not _CYRILLIC.search(a)]
        self.all = _fast(lx.compile_words(alts))
        self.cyr = _fast(lx.compile_words(cyr or ["(?!)"]))
        self.lat = _fast(lx.compile_words(lat or ["(?!)"]))
        self.pattern = self.all.pattern

    def _for(self, text: str, pos: int, endpos: int) -> Any:
        c = _CYRILLIC.search(text, pos, endpos)
        la = _LATIN.search(text, pos, endpos)
        if c and la:
            return self.all
        return self.cyr if c else self.lat

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._for(text, pos, endpos).search(text, pos, endpos)  # type: ignore[no-any-return]

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._for(text, pos, endpos).match(text, pos, endpos)  # type: ignore[no-any-return]

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._for(text, pos, endpos).fullmatch(text, pos, endpos)  # type: ignore[no-any-return]

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self._for(text, pos, endpos).finditer(text, pos, endpos)  # type: ignore[no-any-return]

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.all.findall(text, pos, endpos)  # type: ignore[no-any-return]

    def sub(self, repl: str, text: str, count: int = 0) -> str:
        return self.all.sub(repl, text, count)  # type: ignore[no-any-return]


_SPEECH = _rx(lx.SPEECH)
_ACCORDING = re.compile(
    r"(?<![\w-])(?:according\s+to(?:\s+(?P<en>him|her|them|it))?|citing|"
    r"по\s+(?:(?P<ru>его|ее|её|их)\s+)?(?:данным|словам|информации|оценк\w+)|согласно|"
    r"за\s+(?:(?P<uk>його|її|їхніми|їхньою|їх)\s+)?(?:даними|словами|інформацією|оцінк\w+)|згідно\s+з)(?![\w])",
    re.IGNORECASE,
)
_NEG = _rx(lx.NEGATION)
_MODAL = _rx(lx.MODAL)
_BACKGROUND = _rx(lx.BACKGROUND)
_DENIAL = _rx(lx.DENIAL)
_REPORTED = _rx(lx.REPORTED_CLAIM)
_ENCIRCLE = _rx(lx.ENCIRCLEMENT)
_REGION_WORD = _rx(lx.REGION_WORDS)
_COREF = [(_fast(re.compile(rf"(?<![\w-])(?:{p})(?![\w])", re.IGNORECASE)), k) for p, k in lx.COREFERENCE]
_GENERIC = _rx(lx.GENERIC_ATTRIBUTION)
_UNKNOWN = _rx(lx.UNKNOWN_SPEAKERS)
_TRIGGERS = [(_fast(re.compile(rf"(?<![\w-])(?:{p})(?![\w])", re.IGNORECASE)), c) for p, c in lx.TRIGGERS]
#: Each trigger pattern is written for one script: a sentence is only searched with the patterns of its letters.
_TRIGGERS_BY_SCRIPT = {
    script: [(rx, c) for rx, c in _TRIGGERS if bool(_CYRILLIC.search(rx.pattern)) == (script == "cyr")]
    for script in ("cyr", "lat")
}
_SIDES = [(_fast(re.compile(rf"(?<![\w-])(?:{p})(?![\w])", re.IGNORECASE)), s) for p, s in lx.SIDES]


def _compiled(claimants: Iterable[lx.Claimant]) -> dict[str, list[tuple[lx.Claimant, Any]]]:
    """Each claimant's patterns as one expression per script (a sentence is searched with those of its letters)."""
    return {
        script: [
            (c, _fast(re.compile(r"(?<![\w-])" + lx.alternation(ps) + r"(?![\w])", re.IGNORECASE)))
            for c in claimants
            if (ps := [p for p in c.patterns if bool(_CYRILLIC.search(p)) == (script == "cyr")])
        ]
        for script in ("cyr", "lat")
    }


_CLAIMANTS = _compiled(lx.CLAIMANTS)
_CLAIMANTS_CASE = [(slug, re.compile(rf"(?<![\w-])(?:{p})(?![\w])")) for slug, p in lx.CASE_SENSITIVE.items()]


def _any_of(patterns: list[tuple[lx.Claimant, Any]]) -> Any:
    """All claimants in one pattern, a named group each (``c0``, ``c1``...): one pass finds them all.

    The first claimant that matches at a place wins; :data:`lexicon.CLAIMANTS` lists the longer
    forms of a source before the shorter ("Russia's defence ministry" before "Russia").
    """
    head, tail = r"(?<![\w-])", r"(?![\w])"
    body = "|".join(f"(?P<c{i}>" + rx.pattern[len(head) : -len(tail)] + ")" for i, (_, rx) in enumerate(patterns))
    return _fast(re.compile(r"(?<![\w-])(?:" + (body or "(?!)") + r")(?![\w])", re.IGNORECASE))


_CLAIMANTS_ANY = {script: _any_of(pats) for script, pats in _CLAIMANTS.items()}
#: Clause boundaries: what is on the other side of one of these is another statement.
_BOUNDARY = re.compile(
    r";|:\s|\s[—–]\s|,\s*(?:but|while|whereas|although|though|which|who|as|after|before|when|since|despite|"
    r"а|но|однако|хотя|который|которая|которое|которые|але|проте|однак|хоча|який|яка|яке|які)\s|"
    r"\s(?:but|while|whereas|although|though|despite|но|однако|але|проте|однак|тогда\s+как|тоді\s+як)\s|"
    r"\s(?:and|и|і|та|й)\s+(?:that|что|що)\s",
    re.IGNORECASE,
)
_LOCATOR = re.compile(
    r"(?:\b(?:near|close\s+to|not\s+far\s+from|outside|around|north|south|east|west|north-?east|north-?west|"
    r"south-?east|south-?west|from|towards?|beyond)\b(?:\s+of)?|"
    r"\b(?:situated|located|lying|lies|which\s+lies)\s+(?:near|by|close\s+to)|"
    r"(?<!\w)(?:близ|возле|около|рядом\s+с|недалеко\s+от|неподалеку\s+от|севернее|южнее|западнее|восточнее|"
    r"северо-западнее|северо-восточнее|юго-западнее|юго-восточнее|от|к|под|біля|поблизу|неподалік\s+від|поруч\s+з|"
    r"північніше|південніше|західніше|східніше|від|до|під)(?!\w))"
    r"(?:\s+(?:the\s+)?(?:(?:border\s+|nearby\s+|key\s+)?(?:town|village|city|settlement|hamlet)s?\s+(?:of\s+)?|"
    r"(?:села|посёлка|поселка|города|селища|міста|села|пгт)\s+))?\s*$",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"^(?:was|were|been|is|are|has\s+been|have\s+been|had\s+been)\b|^(?:fell|has\s+fallen|have\s+fallen)\b|"
    r"^(?:находит|наход|оста[её]т|остаются|остава|перебува|залиша)\w*\s|"
    r"(?:ed|en)$|^освобожд[её]н\w*|^взят\w*|^захвачен\w*|^занят\w*|^звільнен\w*|^захоплен\w*|^зайнят\w*",
    re.IGNORECASE,
)
_FULL = re.compile(
    r"(?<!\w)(?:fully|completely|entirely|whole|entire|all\s+of|full|complete|completed|completion|"
    r"полн\w*|целиком|заверш\w*|всей|всю|вся|повн\w*|всієї)(?!\w)",
    re.IGNORECASE,
)
_CONTINUE = re.compile(
    r"(?<!\w)(?:also|added|further|furthermore|кроме\s+того|также|також|крім\s+того|додав\w*|добавил\w*)(?!\w)",
    re.IGNORECASE,
)
_PERFECT = re.compile(
    r"\bhad\s+(?:\w+\s+){0,2}?(?:taken|captured|seized|gained|lost|retaken|recaptured|liberated|"
    r"withdrawn|pulled|occupied|held|controlled)\b",
    re.IGNORECASE,
)
_MORE = re.compile(r"\b(?:more|another|further|additional|ещё|еще|ещe|ще|інші|других)\s*$", re.IGNORECASE)
_DIRECTION = re.compile(
    r"(?<![\w-])(?:(?:to\s+the\s+)?(?P<en>north-?east|north-?west|south-?east|south-?west|north|south|east|west)"
    r"(?:ward)?\s+(?:of|from)|(?P<ru>северо-восточнее|северо-западнее|юго-восточнее|юго-западнее|севернее|южнее|"
    r"восточнее|западнее)|на\s+(?P<ru2>северо-восток|северо-запад|юго-восток|юго-запад|север|юг|восток|запад)\s+от"
    r"|к\s+(?P<ru3>северо-востоку|северо-западу|юго-востоку|юго-западу|северу|югу|востоку|западу)\s+от"
    r"|на\s+(?P<uk>північний\s+схід|північний\s+захід|південний\s+схід|південний\s+захід|північ|південь|схід|захід)"
    r"\s+від|(?P<uk2>північно-східніше|північно-західніше|південно-східніше|південно-західніше|північніше|"
    r"південніше|східніше|західніше))(?![\w-])",
    re.IGNORECASE,
)
_DIRECTION_WORD = {
    "севернее": "север",
    "южнее": "юг",
    "восточнее": "восток",
    "западнее": "запад",
    "северу": "север",
    "югу": "юг",
    "востоку": "восток",
    "западу": "запад",
    "северо-востоку": "северо-восток",
    "северо-западу": "северо-запад",
    "юго-востоку": "юго-восток",
    "юго-западу": "юго-запад",
    "северо-восточнее": "северо-восток",
    "северо-западнее": "северо-запад",
    "юго-восточнее": "юго-восток",
    "юго-западнее": "юго-запад",
    "північніше": "північ",
    "південніше": "південь",
    "східніше": "схід",
    "західніше": "захід",
    "північно-східніше": "північний схід",
    "північно-західніше": "північний захід",
    "південно-східніше": "південний схід",
    "південно-західніше": "південний захід",
}
_SIDE_ADJ = re.compile(
    r"(?<!\w)(?:(?P<UA>ukrainian|ukraine[’']s|kyiv[’']s|украинск\w+|українськ\w+|всу|зсу)|"
    r"(?P<RU>russian|russia[’']s|moscow[’']s|российск\w+|російськ\w+|вс\s+рф))(?!\w)",
    re.IGNORECASE,
)
_GROUND = re.compile(
    r"fight|combat|battl|operation|control|captur|liberat|took|taken|seiz|held|hold|surround|encircl|trapped|"
    r"breakthrough|broke\s+through|advance|attack|assault|прорыв|прорив|прорва|наступ|продвин|продвиж|просун|просув|"
    r"атак|штурм|"
    r"бо[иеёй]|бої|сражен|операци|операці|контрол|освобо|звільн|захва|захоп|взя|оточ|окруж",
    re.IGNORECASE,
)
_ONGOING = re.compile(
    r"(?<!\w)(?:continu\w+|ongoing|still|under\s+way|remain\w*|продолжа\w+|идут|ведутся|"
    r"триваю\w*|трива\w+|трива|досі|все\s+ще|по-прежнему)(?!\w)",
    re.IGNORECASE,
)
_DENIAL_WORD = re.compile(r"fake|false|untrue|lie|propaganda|фейк|ложь|неправд|брехн|вкид|вброс", re.IGNORECASE)
_SCARE_OPEN = re.compile(r"[«\"“„']\s*$")
_SCARE_CLOSE = re.compile(r"\s*[»\"”']")
_DENIAL_PREDICATE = re.compile(r"відповіда|соответству|reflect|false|untrue|not\s+true", re.IGNORECASE)
_THAT = re.compile(r",|\b(?:that|что|що|чтобы)\b", re.IGNORECASE)
_COLON = re.compile(r"^\W*(\S[^:]{1,60}?):\s")
_PRONOUN = re.compile(r"^(?:it|he|she|they|we|он|она|они|оно|мы|він|вона|вони|воно|ми)$", re.IGNORECASE)
_ADVANCE_STEM = re.compile(r"advanc|продвин|просун", re.IGNORECASE)
_NEAR = re.compile(
    r"(?<!\w)(?:near|around|close\s+to|outside|under|біля|поблизу|під|под|около|возле|близ)(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)
_APPOSITIVE = re.compile(r",\s+(?:the|a|an)\s+(?:\w+\s+){1,5}$", re.IGNORECASE)
_CONTROL_CLASSES = ("capture", "expel", "retake", "hold", "lose")
_PARTIAL = _rx(lx.PARTIAL)
_REPEL = re.compile(
    r"repel|repuls|beat|fend|fought\s+off|fight\w*\s+off|thwart|halt|stop|foil|отраз|отраж|отби|сорва|пресе|відби|зірва",
    re.IGNORECASE,
)
_HOLD_NOT = re.compile(r"^\s*(?:back|off|talks|out\b|on\s+to\b|positions?)", re.IGNORECASE)


@dataclass(frozen=True)
class Speaker:
    """A claimant found in the text: slug, side, kind (org/person/state), how it was written."""

    slug: str
    side: str
    kind: str
    label: str
    written: str
    new: bool = False


@dataclass(frozen=True)
class Finding:
    """One proposed claim, before it becomes a ledger row.

    ``start``/``end`` index the evidence in :attr:`Doc.text`; ``place`` is the settlement
    mention (control, presence, attack, relative, denial of a settlement); ``oblast`` is the
    region of region, area, count and region-wide denials.
    """

    source: Speaker
    source_how: str
    kind: str
    controller: str
    date: dt.date | None
    date_how: str
    start: int
    end: int
    rule: str
    place: Mention | None = None
    oblast: str = ""
    value: float | None = None
    unit: str = ""
    bearing: float | None = None
    verb: str = ""
    denied_party: str = ""
    trigger: str = ""
    confidence: float = 0.9
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str
    cls: str = ""


@dataclass
class _Memory:
    """What earlier sentences said: the last claimant of each kind, and its date."""

    last: Speaker | None = None
    recent: list[Speaker] = field(default_factory=list)
    date: dt.date | None = None
    date_how: str = ""
    para: int = -1
    #: the last day each claimant was said to speak on ("said on Wednesday"), for its later statements
    dates: dict[str, tuple[dt.date, str]] = field(default_factory=dict)
    #: each attribution's claimant and the words around its verb ("said in a statement")
    said: list[tuple[Speaker, str]] = field(default_factory=list)
    #: the attributions of the sentence read last
    sentence_attributions: list[tuple[int, Speaker, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Article:
    """What every sentence of one article shares."""

    published: dt.date | None
    published_how: str
    hint: Speaker | None
    focus: str
    memory: _Memory
    #: paragraph -> (where its last sentence starts, speaker, how) of the attribution closing it (wire style)
    closing: dict[int, tuple[int, Speaker, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Spans:
    """What was found in one sentence before the rules run."""

    speakers: list[tuple[_Span, Speaker]]
    speech: list[_Span]
    dates: list[DateRef]
    attributions: list[tuple[int, Speaker, str]]
    triggers: list[_Span]
    figures: list[Figure]
    denials: list[_Span]


def _spans(rx: Any, text: str, cls: str = "") -> list[_Span]:
    return [_Span(m.start(), m.end(), text[m.start() : m.end()], cls) for m in rx.finditer(text)]


def _no_overlap(spans: list[_Span]) -> list[_Span]:
    """Longest first, then leftmost; drop spans overlapping a kept one."""
    kept: list[_Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(s.start < k.end and k.start < s.end for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)


def _words_between(text: str, a: int, b: int) -> int:
    return len(re.findall(r"\w+", text[a:b]))


class Extractor:
    """Apply the rules to one article at a time.

    Parameters
    ----------
    index : PlaceIndex
        The gazetteer's spellings.
    sides : mapping, optional
        Source slug -> side (``UA``, ``RU`` or ``independent``), from ``sources.csv``; a claimant
        whose slug is missing there is proposed as a new source, flagged for review.
    names : mapping, optional
        Source slug -> name (``sources.csv``): a source the lexicon does not know is recognised by
        its name ("ABC News (own reporting)" -> "ABC News"), written with a capital.
    default_oblast : str, optional
        The oblast of an article that names no place at all (the one the ledger is mostly about).
    claimants : iterable of Claimant, optional
        The theatre's own claimants (``theatre.toml``, :class:`kursk_map.theatre.Claimant`), tried
        before the lexicon's; the lexicon's claimants they replace are dropped, and the words that
        referred back to those ("the governor") refer to them.
    """

    def __init__(
        self,
        index: PlaceIndex,
        *,
        sides: Mapping[str, str] | None = None,
        names: Mapping[str, str] | None = None,
        default_oblast: str = "",
        claimants: Iterable[Claimant] = (),
    ) -> None:
        self.index = index
        self.default_oblast = default_oblast
        self.sides = dict(sides or {})
        own = tuple(claimants)
        replaced = {r for c in own for r in c.replaces}
        self.claimants: tuple[lx.Claimant, ...] = (
            *(lx.Claimant(c.slug, c.side, c.kind, c.label, c.patterns) for c in own),
            *(c for c in lx.CLAIMANTS if c.slug not in replaced),
        )
        self._claimants = _compiled(self.claimants) if own else _CLAIMANTS
        self._claimants_any = (
            {script: _any_of(pats) for script, pats in self._claimants.items()} if own else _CLAIMANTS_ANY
        )
        self._case = [(slug, rx) for slug, rx in _CLAIMANTS_CASE if slug not in replaced]
        stand_in = {r: [c.slug for c in own if r in c.replaces] for r in replaced}
        self._coref = [
            (rx, frozenset(x for m in means for x in stand_in.get(m, [m])) if isinstance(means, frozenset) else means)
            for rx, means in _COREF
        ]
        self._named_claimants = _named_claimants(names or {}, self.sides, known={c.slug for c in self.claimants})
        self._named_any = _any_of(self._named_claimants)
        #: sources whose sources.csv name says they speak for the sources they quote ("TASS (... and the
        #: sources it quotes)"): an unnamed source in their copy is theirs
        self._relays = {slug for slug, name in (names or {}).items() if _RELAYS.search(name)}
        #: the speakers of the sentences read lately (a sentence is searched once, also by _closings)
        self._speaker_cache: dict[tuple[str, int | None], list[tuple[_Span, Speaker]]] = {}

    # --- article level ---------------------------------------------------------------------------

    def extract(
        self,
        doc: Doc,
        *,
        published: dt.date | None,
        published_how: str = "",
        source_hint: str | None = None,
    ) -> list[Finding]:
        """Every finding of an article, namesakes decided by its other places, duplicates merged."""
        self._speaker_cache.clear()  # per article (a benchmark repeating articles must not read a cache)
        lower.cache_clear()
        found: list[Mention] = []
        owner: list[int] = []
        for i, s in enumerate(doc.sentences):
            for m in self.index.find(s.text):
                found.append(replace(m, start=m.start + s.start, end=m.end + s.start))
                owner.append(i)
        mentions = decide_namesakes(found, self.index.places, prefer_oblast=self.default_oblast)
        by_sentence: dict[int, list[Mention]] = {i: [] for i in range(len(doc.sentences))}
        for i, m in zip(owner, mentions, strict=True):
            base = doc.sentences[i].start
            by_sentence[i].append(replace(m, start=m.start - base, end=m.end - base))
        _resolve_anaphora(doc.sentences, by_sentence)
        # an article that names no place at all is about the theatre's main oblast
        focus = _focus_oblast(mentions, self.index.places) or self.default_oblast
        hint = self._hint_speaker(source_hint)
        memory = _Memory()
        art = _Article(published, published_how, hint, focus, memory, self._closings(doc))
        out: list[Finding] = []
        previous: list[Finding] = []  # the findings of the sentence before
        for i, s in enumerate(doc.sentences):
            if s.para != memory.para:
                memory.para = s.para
            if out and (rel := _follow_up_relative(out[-1], s, by_sentence[i], published)) is not None:
                out[-1] = rel
                continue
            said = self._sentence(s, by_sentence[i], art)
            if not said and previous and (named := _named_places(s, by_sentence[i], previous)):
                said = named
            if said and previous:
                said = _fold_into_denials(said, earlier=previous)
                out[len(out) - len(previous) :] = previous
            said = [replace(f, start=f.start + s.start, end=f.end + s.start) for f in said]
            out.extend(said)
            previous = said if said or s.headline else []
        return _merge([f for f in out if _HIDDEN not in f.notes])

    def _closings(self, doc: Doc) -> dict[int, tuple[int, Speaker, str]]:
        """The source each paragraph closes with, for the paragraph's unattributed sentences.

        "... Потери составили 230 человек, сообщили в Минобороны.": wire copy names the source once,
        at the end of the paragraph; the paragraph's earlier sentences without an attribution of
        their own are that source's (not the outlet's).
        """
        last: dict[int, int] = {}
        for i, s in enumerate(doc.sentences):
            if not s.headline:
                last[s.para] = i
        out: dict[int, tuple[int, Speaker, str]] = {}
        for para, i in last.items():
            s = doc.sentences[i]
            if i == 0 or doc.sentences[i - 1].para != para or doc.sentences[i - 1].headline:
                continue  # a one-sentence paragraph closes nothing else
            speech = [v for v in _spans(_SPEECH, s.text, "speech") if not _noun_or_passive(s.text, v)]
            if (
                not speech
                or not _closes(s.text, speech[0])
                or not re.search(r"[,—–]\s*(?:\S+\s+){0,3}$", s.text[: speech[0].start])
            ):
                continue  # no ", сообщили в Минобороны." closing the sentence
            found = self._attributions(
                s.text, self._speakers(s.text), speech=speech, according=[], memory=_Memory(), hint=None
            )
            if found and found[0][2].endswith("(trailing)") and found[0][1].kind not in ("unknown", "state"):
                out[para] = (s.start, found[0][1], found[0][2].removesuffix(" (trailing)"))
        return out

    def _hint_speaker(self, slug: str | None) -> Speaker | None:
        if not slug:
            return None
        side = self.sides.get(slug) or next((c.side for c in self.claimants if c.slug == slug), "independent")
        return Speaker(slug, side, "org", slug, slug, new=self._new(slug))

    def _new(self, slug: str) -> bool:
        """Whether ``slug`` is missing from the data folder's ``sources.csv``: flagged for review.

        The lexicon knows the bundled ledger's claimants; another theatre's regional authorities,
        say, are not the Kursk ones it names.
        """
        return bool(self.sides) and slug not in self.sides

    # --- sentence level --------------------------------------------------------------------------

    def _speakers(self, text: str, end: int | None = None) -> list[tuple[_Span, Speaker]]:
        """Claimants and people outside the sources ("a soldier", "the border guard") named in a sentence.

        Longer spans win ("a Ukrainian military source" over "Ukrainian military"); someone outside the
        sources standing next to a claimant is that claimant's voice ("ISW analysts", "аналітики ISW").
        Only the first ``end`` characters are searched when given.
        """
        key = (text, end)
        if key in self._speaker_cache:
            return self._speaker_cache[key]
        found: list[tuple[_Span, Speaker]] = []
        stop = len(text) if end is None else min(end, len(text))
        groups = [
            *((self._claimants["cyr"], self._claimants_any["cyr"]) for _ in [0] if _CYRILLIC.search(text)),
            *((self._claimants["lat"], self._claimants_any["lat"]) for _ in [0] if _LATIN.search(text)),
            (self._named_claimants, self._named_any),
        ]
        for patterns, gate in groups:
            for g in gate.finditer(text, 0, stop):
                c = patterns[int(str(g.lastgroup)[1:])][0]
                written = text[g.start() : g.end()]
                if c.kind == "named" and not written[:1].isupper():
                    continue  # a source's own name (from sources.csv) is written with a capital
                sp = Speaker(c.slug, self.sides.get(c.slug, c.side), c.kind, c.label, written, new=self._new(c.slug))
                found.append((_Span(g.start(), g.end(), written, c.kind), sp))
        for slug, rx in self._case:
            for m in rx.finditer(text):
                c = next(x for x in self.claimants if x.slug == slug)
                who = Speaker(slug, self.sides.get(slug, c.side), c.kind, c.label, m[0], new=self._new(slug))
                found.append((_Span(m.start(), m.end(), m[0], c.kind), who))
        for m in _UNKNOWN.finditer(text, 0, stop):
            written = text[m.start() : m.end()]
            found.append((_Span(m.start(), m.end(), written, "unknown"), replace(UNKNOWN, written=written)))
        kept = _no_overlap([sp for sp, _ in found])
        out = [
            (sp, who)
            for sp, who in found
            if sp in kept and _first(found, sp) is who and not (who.kind == "state" and _in_location(text, sp))
        ]
        dl = _DATELINE.match(text)
        if dl:  # "MOSCOW, March 9 (Reuters) -", "КУРСК, 8 апреля. /ТАСС/.": where and who filed it, no speaker
            out = [(sp, who) for sp, who in out if sp.start >= dl.end()]
        known = [sp for sp, who in out if who.kind != "unknown"]
        result = [(sp, who) for sp, who in out if who.kind != "unknown" or not _next_to(text, sp, known)]
        self._speaker_cache[key] = result
        return result

    def _sentence(self, s: Sentence, places: list[Mention], art: _Article) -> list[Finding]:
        published, memory = art.published, art.memory
        text = s.text
        speech = [v for v in _spans(_SPEECH, text, "speech") if not _noun_or_passive(text, v)]
        denials = _spans(_DENIAL, text, "denial")
        speech += [
            replace(d, cls="speech")
            for d in denials
            if not any(v.start <= d.start < v.end for v in speech)
            and not re.match(r"(?:is|are|was|were|do|does|did|не)\b", d.text, re.IGNORECASE)
        ]
        speech.sort(key=lambda v: v.start)
        according = _spans(_ACCORDING, text, "according")
        # with no speech verb, only a claimant opening the sentence matters ("The ministry gave an update.",
        # "Минобороны РФ: ..."): the rest of the sentence is not searched for speakers
        speakers = self._speakers(text, None if speech or according else 80)
        attributions = self._attributions(
            text, speakers, speech=speech, according=according, memory=memory, hint=art.hint
        )
        if art.hint is not None and art.hint.slug in self._relays:
            attributions = [
                (pos, art.hint, _relayed(how, art.hint.label))
                if who.kind == "unknown" and _ANONYMOUS.search(how)
                else (pos, who, how)
                for pos, who, how in attributions
            ]
        memory.sentence_attributions = attributions
        if attributions and attributions[-1][1].kind != "unknown":
            memory.last = attributions[-1][1]
        # a claimant opening the sentence is its subject ("The ministry gave an update."): "it" may mean it later
        opening = [
            who
            for sp, who in speakers
            if _words_between(text, 0, sp.start) <= 2 and who.kind not in ("state", "unknown")
        ]
        memory.recent += opening[:1] + [who for _, who, _ in attributions if who.kind != "unknown"]
        for pos, who, _ in attributions:  # what each claimant was said to do it with ("said in a statement")
            if who.kind != "unknown":
                memory.said.append((who, text[max(0, pos - 60) : pos + 60].lower()))
        if s.headline:
            return []
        if not places and not _MAY_CLAIM.search(text):
            return []  # no place, figure, region, denial or front line: nothing to claim (its speakers are kept)
        dates = [
            d
            for d in find_dates(text, published)
            if (d.date is None or published is None or d.date <= published)
            and not _NOT_STATEMENT_DATE.search(text[: d.start])
        ]
        same_day = _SAME_DAY.search(text)
        if same_day and memory.date is not None:
            dates.append(
                DateRef(
                    same_day.start(),
                    same_day.end(),
                    same_day[0],
                    memory.date,
                    f"{same_day[0]!r} = {memory.date} (the day of the statement before)",
                )
            )
        claimant_spans = [sp for sp, _ in speakers]
        triggers = self._triggers(text, claimant_spans)
        figures = find_figures(text)
        spans = _Spans(speakers, speech + according, dates, attributions, triggers, figures, denials)
        ctx = _Context(self, s, places, art, spans)
        found = ctx.run()
        if found:
            memory.date, memory.date_how = found[-1].date, found[-1].date_how
        for f in found:
            if f.date is not None and f.source is not art.hint and not f.date_how.startswith("no date"):
                memory.dates[f.source.slug] = (f.date, f.date_how)
        return found

    def _attributions(
        self,
        text: str,
        speakers: list[tuple[_Span, Speaker]],
        *,
        speech: list[_Span],
        according: list[_Span],
        memory: _Memory,
        hint: Speaker | None,
    ) -> list[tuple[int, Speaker, str]]:
        """(position of the speech verb, speaker, how) for each attributed statement of a sentence.

        How ends with " (trailing)" for an attribution that closes the sentence (", the ministry said."):
        only such a one covers what comes before it.
        """
        speakers = sorted(speakers, key=lambda x: x[0].start)
        all_reported = _spans(_REPORTED, text)
        out: list[tuple[int, Speaker, str]] = []
        for a in according:
            pm = _ACCORDING.match(text, a.start)
            pronoun = (pm["en"] or pm["ru"] or pm["uk"] or "").lower() if pm else ""
            if pronoun:  # "по его словам", "за їхніми даними": the claimant named before
                person = pronoun in ("him", "her", "его", "ее", "её", "його", "її")
                ref_who = next(
                    (w for w in reversed(memory.recent) if (w.kind == "person") or not person),
                    memory.last,  # "сообщил ТАСС источник ... По его словам": the claimant that relayed him
                )
                if ref_who is not None:
                    tail = " (trailing)" if _closes(text, a) else ""
                    out.append((a.start, ref_who, f"{a.text} (= {ref_who.label}, named before){tail}"))
                    continue
            after = [
                (sp, who)
                for sp, who in speakers
                if a.end <= sp.start
                and _words_between(text, a.end, sp.start) <= 6
                and "," not in text[a.end : sp.start]
            ]
            if after:
                sp, who = after[0]
                out.append((a.start, who, f"{a.text} {sp.text}" + (" (trailing)" if _closes(text, a) else "")))
            elif (g := _GENERIC.search(text, a.end)) and _words_between(text, a.end, g.start()) <= 2 and hint:
                trailing = " (trailing)" if _closes(text, a) else ""
                out.append((a.start, hint, f"{a.text} {g[0]} (the outlet's own reading){trailing}"))
            else:
                ref = self._coreference(text[a.end : a.end + 40], memory, after=True)
                tail = " (trailing)" if _closes(text, a) else ""
                if ref:
                    out.append((a.start, ref[0], f"{a.text} {ref[1]} (= {ref[0].label}){tail}"))
                else:  # "according to a Ukrainian analyst": someone outside the ledger's sources
                    out.append((a.start, UNKNOWN, f"{a.text} someone who is not a known source{tail}"))
        prev_v: _Span | None = None
        for v in speech:
            if any(a.start <= v.start < a.end for a in according):
                continue
            if (
                prev_v is not None
                and out
                and _words_between(text, prev_v.end, v.start) <= 1
                and not re.search(r"[,;:.]", text[prev_v.end : v.start])
            ):
                prev_v = v
                out.append((v.start, out[-1][1], f"{v.text} (the same statement as '{out[-1][2].split(' (')[0]}')"))
                continue  # "said in its statement", "calling it ... and saying": one act of speech
            prev_v = v
            reported = [r for r in all_reported if r.end <= v.start]
            listeners = _listeners(text, speakers)
            if _NEG.search(text[max(0, v.start - 16) : v.start]) and re.search(
                r"(?:\b(?:not|never)|n[’']t|\bне|\bні)\s+(?:yet\s+|\w+ly\s+|ещё\s+|еще\s+|ще\s+)?$",
                text[max(0, v.start - 16) : v.start],
                re.IGNORECASE,
            ):
                # "has not said whether", "не сообщало": what follows is nobody's claim
                out.append((v.start, UNKNOWN, f"a negated speech verb ({v.text!r}): no claim"))
                continue
            before = [
                (sp, who)
                for sp, who in speakers
                if sp.end <= v.start
                and _words_between(text, sp.end, v.start) <= 8
                and not _BOUNDARY.search(text, sp.end, v.start)
                and not any(r.start - 30 <= sp.start <= r.end + 15 for r in reported)
                and sp not in listeners
                and not _FROM_SOURCE.search(text, max(0, sp.start - 30), sp.start)
            ]
            after = [
                (sp, who)
                for sp, who in speakers
                if v.end <= sp.start
                and _words_between(text, v.end, sp.start) <= 2
                and not _THAT.search(text, v.end, sp.start)
                and sp not in listeners
            ]
            if not after and (not before or _INVERTED.search(text[: v.start])):
                after = [
                    (sp, who)
                    for sp, who in speakers
                    if v.end <= sp.start
                    and _words_between(text, v.end, sp.start) <= 8
                    and not re.search(r"[,;:.!?«»\"“”]|\s[—–]\s", text[v.end : sp.start])
                    and not _THAT.search(text, v.end, sp.start)
                    and sp not in listeners
                ][:1]
            if after and _DENIAL.match(text, v.start):
                after = []  # "rejected Russia's claim", "denied Moscow's report": a denial's object follows it
            trailing = " (trailing)" if _closes(text, v) else ""
            if not before and (pron := _PRONOUN_AFTER.match(text, v.end)):
                # "«...», — сказав він журналістам", "..., he said": the person named before
                person = pron[1].lower() not in ("they", "они", "вони", "it", "оно", "воно")
                who_p = next((w for w in reversed(memory.recent) if w.kind == "person" or not person), None)
                if who_p is not None:
                    out.append((v.start, who_p, f"{v.text} {pron[1]} (= {who_p.label}, named before){trailing}"))
                    continue
            if after and (not before or _INVERTED.search(text[: v.start])):
                sp, who = after[0]  # "..., reports DeepState": the speaker follows its verb
                out.append((v.start, who, f"{v.text} {sp.text}{trailing}"))
            elif before:
                sp, who = before[-1]
                out.append((v.start, who, f"{sp.text} … {v.text}{trailing}"))
            elif after:
                sp, who = after[0]
                out.append((v.start, who, f"{v.text} {sp.text}{trailing}"))
            else:
                earlier = [
                    who
                    for sp, who in speakers
                    if sp.end <= v.start
                    and who.kind != "unknown"
                    and not any(r.start - 30 <= sp.start <= r.end + 15 for r in reported)
                ]
                ref = self._coreference(text[max(0, v.start - 40) : v.start], memory, after=False, earlier=earlier)
                ref = ref or self._side_coreference(text, v)
                conj = re.search(_CONJ_BEFORE, text[max(0, v.start - 30) : v.start], re.IGNORECASE)
                subject = [
                    (sp, who)
                    for sp, who in speakers
                    if sp.end <= v.start and _words_between(text, 0, sp.start) <= 3 and sp not in listeners
                ]
                pron = _PRONOUN_AFTER.match(text, v.end)
                if not ref and pron:  # "«...», — сказав він", "..., he said"
                    person = pron[1].lower() not in ("they", "они", "вони", "it", "оно", "воно")
                    who_p = next((w for w in reversed(memory.recent) if w.kind == "person" or not person), None)
                    ref = (who_p, pron[1]) if who_p is not None else None
                if not ref and memory.last is not None and _impersonal(text, v):
                    # "Там наголосили, що ...", "В ведомстве добавили": the body named before
                    ref = (memory.last, "(no subject)")
                if ref:
                    out.append((v.start, ref[0], f"{ref[1]} {v.text} (= {ref[0].label}, named before){trailing}"))
                elif out and conj:
                    # "denied ... and said ...": the second verb has the first one's speaker
                    out.append((v.start, out[-1][1], f"{v.text} (same speaker as '{out[-1][2].split(' (')[0]}')"))
                elif conj and subject:
                    # "The General Staff did not comment on the villages but said ...": the sentence's subject
                    sp, who = subject[0]
                    out.append((v.start, who, f"{sp.text} … {v.text} (the subject of the sentence)"))
                elif newcomer := self._named_newcomer(text, v):
                    out.append((v.start, newcomer, f"{newcomer.written} … {v.text} (not in sources.csv){trailing}"))
                elif (u := _UNKNOWN.search(text, max(0, v.start - 60), v.start)) and not _BOUNDARY.search(
                    text, u.end(), v.start
                ):
                    out.append((v.start, UNKNOWN, f"{u[0]} … {v.text}: someone who is not a known source{trailing}"))
                elif not _DENIAL_PREDICATE.search(v.text) and (subject_words := _subject(text, v)):
                    out.append(
                        (v.start, UNKNOWN, f"{subject_words} … {v.text}: someone who is not a known source{trailing}")
                    )
        colon = _COLON.match(text)
        if colon and not out:  # "Минобороны РФ: освобождены ..." (a bulletin's heading)
            for sp, who in speakers:
                if sp.start == colon.start(1):
                    out.append((colon.end(), who, f"{sp.text}: (a statement introduced by its source)"))
        return sorted(out, key=lambda x: x[0])

    def _side_coreference(self, text: str, v: _Span) -> tuple[Speaker, str] | None:
        """Read "the defence ministry said", with no ministry named before, as the acting side's ministry."""
        window = text[max(0, v.start - 40) : v.start]
        place = re.search(r"\s+(?:in|at|from)\s+(\w+)\s*$", window)  # "the General Staff in Kyiv said"
        if place:
            window = window[: place.start()] + " "
        for rx, means in self._coref:
            m = rx.search(window)
            if m is None or window[m.end() :].strip() or not isinstance(means, frozenset):
                continue
            named = [side for rx2, side in _SIDES if place and rx2.fullmatch(place[1]) and side in ("UA", "RU")]
            found = sorted(
                (m2.start(), side)
                for rx2, side in _SIDES
                for m2 in rx2.finditer(text)
                if side in ("UA", "RU") and not _in_location(text, _Span(m2.start(), m2.end(), m2[0]))
            )
            sides = named or [side for _, side in found]
            fits = [c for c in self.claimants if c.slug in means and c.kind != "state" and sides and c.side == sides[0]]
            if fits:
                c = fits[0]
                return Speaker(
                    c.slug, self.sides.get(c.slug, c.side), c.kind, c.label, m[0]
                ), f"{m[0]} ({sides[0]} side)"
        return None

    def _named_newcomer(self, text: str, v: _Span) -> Speaker | None:
        """A person named right before the verb who is no known source: "Andriy Kovalenko said" -> a new slug.

        The slug is made from the name (romanised); the row says it is new and must be added to
        ``sources.csv`` or replaced by a known source.
        """
        m = _PERSON.search(text[max(0, v.start - 60) : v.start])
        if m is None or self.index.find(m[1]):
            return None
        slug = re.sub(r"[^a-z0-9]+", "-", transliterate(m[1], "bgn").lower()).strip("-")
        if not slug or slug in self.sides:
            return None
        return Speaker(slug, "", "person", m[1], m[1], new=True)

    def _coreference(
        self, window: str, memory: _Memory, *, after: bool, earlier: list[Speaker] | None = None
    ) -> tuple[Speaker, str] | None:
        if not after:  # "командование впервые косвенно признало", "the ministry also said on Monday"
            window = _TRAILING_ADVERBS.sub("", window)
        for rx, means in self._coref:
            hits = list(rx.finditer(window))
            if not hits:
                continue
            m = hits[0] if after else hits[-1]
            if (after and window[: m.start()].strip(" ,")) or (not after and window[m.end() :].strip()):
                continue  # the pointer stands right next to the verb: "the ministry said", "according to it"

            def fits(w: Speaker, means: frozenset[str] | str | None = means) -> bool:
                if means is None:
                    return w.kind != "state"
                if isinstance(means, str):
                    return w.kind == means
                return w.slug in means

            pool = [w for w in [*reversed(earlier or []), *reversed(memory.recent)] if fits(w)]
            head = m[0].lower().split()[-1][:6]
            # "the General Staff said": the claimant named as a general staff before, else the latest that fits
            named_so = [w for w in pool if head in w.written.lower()]
            said_so = [w for w in pool if any(sw is w and head in ctx for sw, ctx in memory.said)]
            if named_so or said_so or pool:
                return (named_so or said_so or pool)[0], m[0]
        return None

    @staticmethod
    def _triggers(text: str, claimant_spans: list[_Span]) -> list[_Span]:
        spans: list[_Span] = []
        patterns = [
            *(_TRIGGERS_BY_SCRIPT["cyr"] if _CYRILLIC.search(text) else []),
            *(_TRIGGERS_BY_SCRIPT["lat"] if _LATIN.search(text) else []),
        ]
        for rx, cls in patterns:
            for m in rx.finditer(text):
                if any(c.start <= m.start() < c.end for c in claimant_spans):
                    continue
                if cls == "hold" and _HOLD_NOT.match(text[m.end() :]):
                    continue
                window = text[max(0, m.start() - 40) : m.start()]
                if cls in ("hold", "capture") and _APPOSITIVE.search(window) and not _SPEECH.search(window):
                    continue  # "Gornal, the last village held by Ukraine, ...": a description, not a claim
                scare = bool(
                    _SCARE_OPEN.search(text[max(0, m.start() - 2) : m.start()]) and _SCARE_CLOSE.match(text, m.end())
                )
                # «освободило», "liberated": the writer doubts the word; the claimant's claim all the same
                spans.append(_Span(m.start(), m.end(), text[m.start() : m.end()], cls + ("~scare" if scare else "")))
        return _no_overlap(spans)


def _proper(words: str) -> bool:
    """A proper name: every word capitalised but the small ones ("Two Majors", not "open-source map")."""
    parts = words.split()
    small = {"of", "the", "and", "for", "de", "on"}
    return bool(parts) and all(w[:1].isupper() or w in small for w in parts) and parts[0][:1].isupper()


def source_names(name: str) -> list[str]:
    """How a source of ``sources.csv`` is written in the press, from its ``name`` cell.

    Examples
    --------
    >>> source_names("The Kyiv Independent (own reporting)")
    ['The Kyiv Independent', 'Kyiv Independent']
    >>> source_names("DeepState (DeepStateMap; Ukrainian-run open-source map)")
    ['DeepState', 'DeepStateMap']
    >>> source_names("State Duma of the Russian Federation (deputies)")
    ['State Duma of the Russian Federation', 'State Duma']
    """
    head, _, rest = name.partition(" (")
    out = [head.strip()]
    out += [a.strip() for a in re.split(r"[;,]", rest.rstrip(")")) if _proper(a.strip())]
    for n in list(out):
        for cut in (r"^the\s+", r"\s+(?:of|and)\s+.*$"):
            short = re.sub(cut, "", n, flags=re.IGNORECASE).strip()
            if short != n and len(short) >= 4:
                out.append(short)
    return [n for n in dict.fromkeys(out) if len(n) >= 3 and "..." not in n and "…" not in n]


def _named_claimants(
    names: Mapping[str, str], sides: Mapping[str, str], *, known: set[str] | None = None
) -> list[tuple[lx.Claimant, re.Pattern[str]]]:
    """Patterns for the sources the lexicon (and the theatre) do not know, made from their names in ``sources.csv``."""
    known = known if known is not None else {c.slug for c in lx.CLAIMANTS}
    out = []
    for slug, name in sorted(names.items()):
        if slug in known or not name:
            continue
        written = source_names(name)
        if not written:
            continue
        alts = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(written, key=len, reverse=True))
        c = lx.Claimant(slug, sides.get(slug, "independent"), "named", written[0], (alts,))
        out.append((c, _fast(re.compile(rf"(?<![\w-])(?:{alts})(?![\w])", re.IGNORECASE))))
    return out


_ANAPHOR = re.compile(
    r"(?<![\w-])(?:(?:the|this|that)\s+(?:town|village|city|settlement|hamlet)(?![\w-])(?!\s+of\b|[’']s)|"
    r"(?:город|города|городе|городом|село|села|селе|селом|поселок|посёлок|поселка|посёлка|поселке|посёлке|"
    r"місто|міста|місті|містом|селі|селище|селища|селищі|селищем)(?![\w-])(?!\s+[«\"])|"
    r"(?:в|на)\s+этом\s+(?:направлении|районе|участке)|(?:у|в|на)\s+цьому\s+(?:напрямку|районі|напрямі|відтинку))",
    re.IGNORECASE,
)
#: "the village of X", "село Гуєве": a name follows, so the word is no anaphor.
_NAME_NEXT = re.compile(r"\s+[A-ZА-ЯЁІЇЄҐ]")
#: Before an anaphor, these make it a count or another place ("три села", "a nearby village").
_NOT_ANAPHOR = re.compile(
    r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|several|many|more|other|another|nearby|neighbouring|"
    r"neighboring|next|key|border)|(?<!\w)(?:дв\w+|три|трех|трёх|четыр\w+|пят\w+|шест\w+|сем\w+|вос\w+|дес\w+|"
    r"нескольк\w+|кільк\w+|ряд\w*|других|інших|соседн\w+|сусідн\w+|пограничн\w+|прикордонн\w+|\w+ого|\w+ий|\w+ый|"
    r"\w+ом|\w+ому))\s*$",
    re.IGNORECASE,
)
#: A place on a road or a front line named by two places ("the Yunakivka-Sudzha road") is no antecedent.
_ROAD = re.compile(r"(?:road|highway|дорог\w*|трас\w+|шосе|шоссе)\s*$", re.IGNORECASE)


def _resolve_anaphora(sentences: tuple[Sentence, ...], by_sentence: dict[int, list[Mention]]) -> None:
    """Read "the town", "село", "в этом направлении" as the one settlement named just before.

    The antecedent is the only settlement named earlier in the same sentence, else the only one
    of the last sentence (up to three back) that named any; with two or more candidates the
    anaphor is left alone. Adds the mentions to ``by_sentence`` in place.
    """
    recent: list[Mention] = []
    for i, s in enumerate(sentences):
        mine = by_sentence[i]
        added: list[Mention] = []
        for m in _ANAPHOR.finditer(s.text):
            if any(p.start < m.end() and m.start() < p.end for p in mine) or _NAME_NEXT.match(s.text, m.end()):
                continue
            if _NOT_ANAPHOR.search(s.text[max(0, m.start() - 20) : m.start()]):
                continue
            earlier = [
                p
                for p in mine
                if p.kind == "settlement"
                and p.end <= m.start()
                and p.ids
                and not _FROM_SIDE.search(s.text[max(0, p.start - 40) : p.start])
            ]
            pool = earlier or recent
            distinct = {p.ids for p in pool}
            if len(distinct) != 1:
                continue
            ante = pool[-1]
            added.append(
                Mention(
                    m.start(),
                    m.end(),
                    m[0],
                    "settlement",
                    ante.ids,
                    how=f"{m[0]!r} read as {ante.written!r}, named before",
                )
            )
        if added:
            by_sentence[i] = sorted([*mine, *added], key=lambda p: p.start)
        named = [
            p
            for p in mine
            if p.kind == "settlement"
            and p.ids
            and not _ROAD.search(s.text[max(0, p.start - 12) : p.start])
            and not _FROM_SIDE.search(s.text[max(0, p.start - 40) : p.start])
            and not re.match(r"\s*[—–-]\s*\w", s.text[p.end : p.end + 4])
            and not re.search(r"\w\s*[—–-]\s*$", s.text[max(0, p.start - 4) : p.start])
        ]
        if named:
            recent = named
        elif s.para != (sentences[i - 1].para if i else s.para):
            recent = []


def _first(found: list[tuple[_Span, Speaker]], span: _Span) -> Speaker:
    return next(who for sp, who in found if sp == span)


def _focus_oblast(mentions: list[Mention], places: Mapping[str, Place]) -> str:
    """The oblast the article is about: the most named one, else that of most of its settlements."""
    counts: dict[str, float] = {}
    for m in mentions:
        if m.kind in ("oblast", "raion") and m.oblast:
            counts[m.oblast] = counts.get(m.oblast, 0) + (2 if m.kind == "oblast" else 1)
    if not counts:
        for m in mentions:
            if m.kind == "settlement" and len(m.ids) == 1:
                ob = places[m.ids[0]].oblast
                counts[ob] = counts.get(ob, 0) + 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else ""


class _Context:
    """One sentence being read: its spans, and the rules that turn them into findings."""

    def __init__(self, ex: Extractor, s: Sentence, places: list[Mention], art: _Article, spans: _Spans) -> None:
        text = s.text
        self.ex, self.s, self.text = ex, s, text
        self.places = places
        self.settlements = [m for m in places if m.kind == "settlement"]
        self.oblasts = [m for m in places if m.kind == "oblast"]
        self.speakers, self.speech, self.dates = spans.speakers, spans.speech, spans.dates
        self.attributions, self.triggers, self.figures = spans.attributions, spans.triggers, spans.figures
        self.published, self.published_how = art.published, art.published_how
        self.hint, self.focus, self.memory = art.hint, art.focus, art.memory
        self.closing = art.closing
        self.boundaries = [m.start() for m in _BOUNDARY.finditer(text)]
        self.reported = _spans(_REPORTED, text, "reported")
        self.denials = spans.denials
        self.places_of = self.ex.index.places

    # --- who and when ----------------------------------------------------------------------------

    def clause(self, pos: int) -> tuple[int, int]:
        """The clause around ``pos``: between the boundaries (and speech verbs) before and after it."""
        cuts = sorted(set(self.boundaries) | {a for a, _, _ in self.attributions})
        start = max([c for c in cuts if c <= pos], default=0)
        end = min([c for c in cuts if c > pos], default=len(self.text))
        return start, end

    def owner(self, pos: int) -> tuple[Speaker | None, str, float, int | None]:
        """Who makes the statement at ``pos``: (speaker, how, confidence penalty, speech position)."""
        before = [a for a in self.attributions if a[0] <= pos]
        after = [a for a in self.attributions if a[0] > pos and a[2].endswith("(trailing)")]
        pick = before[-1] if before else after[0] if after else None
        if pick is not None:
            pos_v, who, how = pick
            penalty = 0.15 if who.kind == "state" else 0.0
            if "named before" in how or "(=" in how:
                penalty += 0.15
            return who, f"attributed: {how}", penalty, pos_v
        if self.memory.last is not None and _CONTINUE.search(self.text) and self.memory.para == self.s.para:
            return self.memory.last, f"carried over from the sentence before ({self.memory.last.label})", 0.2, None
        closing = self.closing.get(self.s.para)
        if closing is not None and self.s.start < closing[0]:
            return closing[1], f"attributed: {closing[2]} (closing the paragraph)", 0.2, None
        if self.hint is not None:
            return self.hint, "no attribution in the sentence: the outlet's own statement (--source-hint)", 0.2, None
        return None, "", 0.0, None

    def date_for(
        self, speech_pos: int | None, trig: int, who: Speaker | None = None
    ) -> tuple[dt.date | None, str, float]:
        """The statement's date: by its speech verb, in its clause or sentence, else the claimant's earlier day.

        The last fallback before the article's date is the day the same claimant was said to speak
        on earlier in the article ("said on Wednesday ... According to Gerasimov, ...").
        """
        exact = [d for d in self.dates if d.date is not None and not d.vague]
        part = self._comma_clause(trig)
        if _ONGOING.search(self.text, *part) and not any(part[0] <= d.start < part[1] for d in exact):
            # "..., освобождены X, подразделения продолжают наступление": what goes on is as of the article;
            # only the day its speaker spoke on ("said on Jan. 14 ... still holds") still counts
            said = (
                [self._comma_clause(speech_pos)]
                if speech_pos is not None
                and (_SPEECH.match(self.text, speech_pos) or _DENIAL.match(self.text, speech_pos))
                else []
            )
            if said and who is not None:  # "said on Tuesday, adding that ...": one statement, the first verb's day
                said += [
                    self._comma_clause(pos)
                    for pos, w, _ in self.attributions
                    if w is who and speech_pos is not None and 0 < speech_pos - pos <= 60
                ]
            exact = [d for d in exact if any(a <= d.start < b for a, b in said)]
        if speech_pos is not None:
            near = [d for d in exact if abs(d.start - speech_pos) <= 40]
            if near:
                d = min(near, key=lambda d: abs(d.start - speech_pos))
                return d.date, d.how, 0.0
        cstart, cend = self.clause(trig)
        local = [d for d in exact if cstart <= d.start < cend]
        if local:
            d = min(local, key=lambda d: abs(d.start - trig))
            return d.date, d.how, 0.0
        same = [d for d in exact if not _BOUNDARY.search(self.text, min(d.end, trig), max(d.start, trig))]
        if same:
            d = min(same, key=lambda d: abs(d.start - trig))
            return d.date, d.how, 0.0
        opening = [
            d for d in exact if _words_between(self.text, 0, d.start) <= 1 and re.match(r"\s*,", self.text[d.end :])
        ]
        if opening:  # "On Thursday, X, who chairs ..., called ...": the whole sentence's day
            return opening[0].date, opening[0].how + " (opening the sentence)", 0.0
        vague = [d for d in self.dates if d.vague]
        if vague:
            return vague[0].date, vague[0].how, 0.1
        carried = who is not None and who is self.memory.last  # "Footage also shows ...": the same statement
        if (
            who is not None
            and who is not self.hint
            and (speech_pos is not None or carried)
            and who.slug in self.memory.dates
        ):
            day, how = self.memory.dates[who.slug]
            return day, f"no date in the sentence: the day {who.label} was said to speak on before ({how})", 0.1
        if self.published is None:
            return None, "no date in the sentence and no publication date (give --published)", 0.3
        how = self.published_how or "--published"
        return self.published, f"no date in the sentence: the article's date {self.published} ({how})", 0.05

    def _comma_clause(self, pos: int) -> tuple[int, int]:
        """The stretch between the commas (or clause boundaries) around ``pos``."""
        cstart, cend = self.clause(pos)
        before = [m.end() for m in re.finditer(r"[,;]", self.text[cstart:pos])]
        after = re.search(r"[,;]", self.text[pos:cend])
        return cstart + (before[-1] if before else 0), (pos + after.start()) if after else cend

    # --- traps -----------------------------------------------------------------------------------

    def negated(self, t: _Span) -> bool:
        window = self.text[max(0, t.start - 30) : t.start]
        m = list(_NEG.finditer(window))
        return bool(m) and _words_between(window, m[-1].end(), len(window)) <= 3

    def modal(self, t: _Span, cstart: int) -> str:
        after = _MODAL.match(self.text, t.end) or re.match(
            r"\s+(?:\S+\s+){0,3}?(" + _MODAL.pattern + ")", self.text[t.end : t.end + 60], re.IGNORECASE
        )
        if after and t.cls == "presence":
            return after[0].strip()  # "the fighting near Sudzha might end"
        window = self.text[cstart : t.start]
        hits = list(_MODAL.finditer(window))
        if not hits or _words_between(window, hits[-1].end(), len(window)) > 6:
            return ""
        if _FULL.search(self.text[cstart : t.end]) and re.search(r"complet|заверш", self.text[cstart : t.end], re.I):
            return ""  # "completed an operation to liberate": done, not planned
        return hits[-1][0]

    def forecast(self, t: _Span, cstart: int) -> bool:
        """An attack that is only expected, planned or possible ("may try to advance", "a push could follow")."""
        window = self.text[cstart : t.start]
        strong = [m for m in _MODAL.finditer(window) if _FORECAST.match(m[0])]
        if strong and _words_between(window, strong[-1].end(), len(window)) <= 6:
            return True
        return bool(
            re.match(r"\s+(?:\S+\s+){0,5}?(" + _MODAL.pattern + ")", self.text[t.end : t.end + 80], re.IGNORECASE)
            and _FORECAST.match(
                re.match(r"\s+(?:\S+\s+){0,5}?(" + _MODAL.pattern + ")", self.text[t.end : t.end + 80], re.I)[1]  # type: ignore[index]
            )
        )

    def background(self, cstart: int, cend: int, attributed: bool, speech_pos: int | None) -> str:
        opening = _OPENING.match(self.text)
        if opening and cstart < _stop(self.text):
            for m in _BACKGROUND.finditer(opening[0]):
                return m[0]  # "Last August, when ..., its commanders said they had taken Sudzha"
        clause = self.text[cstart:cend]
        for m in _BACKGROUND.finditer(clause):
            if (
                speech_pos is not None
                and abs(cstart + m.start() - speech_pos) <= 25
                and not _ACCORDING.match(self.text, speech_pos)
                and not re.search(r"after|после|після", m[0], re.IGNORECASE)  # "a day after Moscow claimed"
            ):
                continue  # "declared on April 26": the statement's date ("По данным Киева, в конце...": not)
            return m[0]
        for d in self.dates:
            far = d.date and self.published and (self.published - d.date).days > 31
            if cstart <= d.start < cend and far and (speech_pos is None or abs(d.start - speech_pos) > 40):
                return d.written
        if not attributed and _PERFECT.search(clause):
            return _PERFECT.search(clause)[0]  # type: ignore[index]
        if speech_pos is not None and speech_pos < cstart + 1 and not _ACCORDING.match(self.text, speech_pos):
            # "Ukrainian troops poured across the border last year and at one point said they held ...":
            # the statement itself is set in the past
            sstart = max([b for b in self.boundaries if b < speech_pos] + [0])
            said = self.text[sstart:speech_pos]
            for m in _BACKGROUND.finditer(said):
                if _WEAK_BACKGROUND.fullmatch(m[0]):
                    continue  # "Putin's first known visit ... since Moscow declared": no time given
                gap = said[m.end() :]
                if re.search(r"after|после|після", m[0], re.IGNORECASE):
                    return m[0]  # "a day after Moscow claimed ...": a statement made before this one
                if len(gap.split()) > 2 or re.search(r"\b(?:and|и|і|та)\b", gap):
                    return m[0]  # not "last year said" but "... last year and at one point said"
        return ""

    def quoted_in_clause(self, pos: int) -> bool:
        """Whether ``pos`` is inside someone else's claim that the sentence reports ("Russian claims that ...")."""
        cstart, _ = self.clause(pos)
        q = self.quoted(pos, _NOBODY)
        return q is not None and q.start >= cstart - 40

    def quoted(self, pos: int, speaker: Speaker) -> _Span | None:
        """A "claims that ..." of someone else before ``pos`` in the sentence (no speech verb in between)."""
        for r in self.reported:
            if r.end <= pos and not any(r.end <= a < pos for a, _, _ in self.attributions):
                return r
        return None

    # --- actors ----------------------------------------------------------------------------------

    def actor(self, t: _Span, cstart: int, speaker: Speaker, *, inside: bool = True) -> tuple[str, str]:
        """The side doing ``t``: named before it in the clause, or inside it ("under Ukrainian control")."""
        adj = _SIDE_ADJ.search(t.text) if inside else None
        if adj and t.cls == "expel":  # "drove Ukrainian troops out of": the side named inside is the loser
            before = self.actor(t, cstart, speaker, inside=False)
            return before if before[0] else (_other("UA" if adj["UA"] else "RU"), f"{adj[0]!r} driven out")
        if adj:
            return ("UA" if adj["UA"] else "RU"), "named in the phrase"
        if inside and _CONTROL_WORD.search(t.text):  # "under enemy control", "под нашим контролем"
            for rx, side in _SIDES:
                m = rx.search(t.text)
                if m:
                    return self._side_of(side, m[0], speaker)
        if inside and _CONTROL_WORD.search(t.text):  # "под контролем ВСУ", "підконтрольна українській армії"
            after = self.side_after(t)
            if after:
                return self._side_of(after[0], after[1], speaker)
        cands: list[tuple[int, str, str]] = []
        if not _is_passive(
            self.text, t
        ):  # in a passive the side before the verb lost the place: only "by X" names the actor
            for rx, side in _SIDES:
                for m in rx.finditer(self.text, cstart, t.start):
                    if self._object_position(m.start()):
                        continue  # "отразили атаки ВСУ и нанесли удары": ВСУ was attacked, not the actor
                    cands.append((m.start(), side, m[0]))
        if t.cls in ("capture", "retake", "expel") and re.match(r"^\s+by\s", self.text[t.end : t.end + 5]):
            for rx, side in _SIDES:
                by = rx.search(self.text, t.end, t.end + 60)
                if by:
                    cands = [(by.start(), side, by[0])]
                    break
        if not cands:
            return "", ""
        _, side, written = max(cands, key=lambda c: c[0])
        return self._side_of(side, written, speaker)

    def _side_of(self, side: str, written: str, speaker: Speaker) -> tuple[str, str]:
        """``UA``/``RU`` for a side word; "own" and "enemy" read from the claimant's side."""
        if side == "own":
            return speaker.side if speaker.side in ("UA", "RU") else "", f"{written!r} (the claimant's side)"
        if side == "enemy":
            if speaker.side not in ("UA", "RU") and re.search(r"[іїєґ]", self.text):
                return "RU", f"{written!r} (the enemy, in a Ukrainian text)"
            return _other(speaker.side), f"{written!r} (the claimant's enemy)"
        return side, repr(written)

    def side_after(self, t: _Span) -> tuple[str, str] | None:
        """A side named right after ``t`` (at most two words on): "атаки противника", "under control of Kyiv"."""
        best: tuple[int, str, str] | None = None
        for rx, side in _SIDES:
            m = rx.search(self.text, t.end, min(len(self.text), t.end + 50))
            if (
                m
                and _words_between(self.text, t.end, m.start()) <= 2
                and not re.search(r"[,;:]", self.text[t.end : m.start()])
            ) and (best is None or m.start() < best[0]):
                best = (m.start(), side, m[0])
        return (best[1], best[2]) if best else None

    def _object_position(self, pos: int) -> bool:
        """Whether a side word at ``pos`` is the object of a trigger before it ("attacks by ВСУ", "атаки ВСУ")."""
        for x in self.triggers:
            if x.end <= pos and _words_between(self.text, x.end, pos) <= 1 and x.cls in ("attack", "strike"):
                return True
        return bool(
            re.search(
                r"(?:\bagainst|\bпротив|\bпроти|\bпо)\s+(?:\w+\s+){0,2}$", self.text[max(0, pos - 30) : pos], re.I
            )
        )

    # --- the rules -------------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        out: list[Finding] = []
        out += self.denial_rules()
        denied_span = bool(out)
        # "denying that the city is under enemy control": what follows a denial verb is the claim it rejects
        rejected = [
            (d.end, self.clause(d.end)[1])
            for d in self.denials
            if re.match(
                r"\s+(?:(?:the\s+)?\w+\s+){0,3}?(?:that|что|що|about|про|о|об)\b", self.text[d.end : d.end + 40], re.I
            )
        ]
        used_figures: set[int] = set()
        for t in self.triggers:
            if denied_span and self.quoted_in_clause(t.start):
                continue
            if any(a <= t.start < b for a, b in rejected):
                continue
            out += self.trigger_rule(t, used_figures)
        out += self.figure_rules(used_figures)
        out += self.unconfirmed_rule()
        out += self.operation_rule(out)
        if any(f.place is not None for f in out):  # a statement about places is not also one about the region
            out = [
                f
                for f in out
                if not (
                    f.kind == "region"
                    and not f.controller
                    and f.value is None
                    and (f.trigger in ("presence", "attack", "strike") or "no settlement named" in f.rule)
                    and "districts" not in f.rule
                )
            ]
        return _fold_into_denials(out)

    def operation_rule(self, found: list[Finding]) -> list[Finding]:
        """Coding rule 20: "the operation goes to plan", "наступ триває" is a statement about the region."""
        m = _OPERATION_GOES_ON.search(self.text)
        if m is None or any(f.kind == "region" for f in found):
            return []
        base = self._base(_Span(m.start(), m.end(), m[0]))
        if base is None:
            return []
        who, how, penalty, speech_pos = base
        if who is self.hint and speech_pos is None:
            return []  # the outlet's own view of the campaign is no claim
        obl = next((p.oblast for p in self.places if p.kind in ("oblast", "raion") and p.oblast), "") or self.focus
        if not obl:
            return []
        date, date_how, dpen = self.date_for(speech_pos, m.start(), who)
        return [
            Finding(
                who,
                how,
                "region",
                "",
                date,
                date_how,
                m.start(),
                m.end(),
                "the operation goes on or to plan: a statement about the region (coding rule 20)",
                oblast=obl,
                verb=self.text[m.start() : m.end()],
                confidence=round(max(0.05, 0.7 - penalty - dpen), 2),
            )
        ]

    def unconfirmed_rule(self) -> list[Finding]:
        """Coding rule 21: "not confirmed", "no evidence of forces in X" is a region statement naming X.

        Only about the ground: a settlement named after the words, or the front line; an outlet's
        "could not independently verify" is its disclaimer, not a statement.
        """
        m = _UNCONFIRMED.search(self.text)
        if m is None or _DISCLAIMER.search(self.text):
            return []
        named = [p for p in self.places if p.start >= m.start() and p.kind == "settlement"]
        if not named and _POINTS_BACK.search(self.text, m.start(), min(len(self.text), m.end() + 30)):
            named = [p for p in self.places if p.kind == "settlement"]  # "... seized X, but ISW has not confirmed it"
        if not named and not _FRONT_LINE.search(self.text):
            return []
        subject = [
            (sp, w)
            for sp, w in self.speakers
            if sp.end <= m.start() and _words_between(self.text, sp.end, m.start()) <= 2
        ]
        base = self._base(_Span(m.start(), m.end(), m[0]))
        if subject and subject[-1][1].kind not in ("unknown",):  # "ISW has not observed ...": its own statement
            sp, w = subject[-1]
            base = (w, f"{sp.text} … {m[0]} (the subject of the words)", 0.0, None)
        if base is None:
            return []
        who, how, penalty, speech_pos = base
        obl = next((self.places_of[p.ids[0]].oblast for p in named if p.ids), "") or self.focus
        if not obl:
            return []
        date, date_how, dpen = self.date_for(speech_pos, m.start(), who)
        what = ", ".join(p.written for p in named) or "the front line"
        return [
            Finding(
                who,
                how,
                "region",
                "",
                date,
                date_how,
                m.start(),
                max([m.end(), *(p.end for p in named)]),
                "not confirmed: a statement about the region (coding rule 21)",
                oblast=obl,
                verb=m[0],
                confidence=round(max(0.05, 0.7 - penalty - dpen), 2),
                notes=(f"not confirmed: {what}",),
            )
        ]

    def _base(self, t: _Span) -> tuple[Speaker, str, float, int | None] | None:
        who, how, penalty, speech_pos = self.owner(t.start)
        if who is None or who.kind == "unknown":
            return None
        return who, how, penalty, speech_pos

    def trigger_rule(self, t: _Span, used_figures: set[int]) -> list[Finding]:
        base = self._base(t)
        if base is None:
            return []
        who, how, penalty, speech_pos = base
        no_longer = False
        scare = t.cls.endswith("~scare")
        if scare:
            if who is self.hint or speech_pos is None:
                return []  # the outlet's own «освобождение»: it doubts the word, it does not claim it
            t = replace(t, cls=t.cls.removesuffix("~scare"))
            penalty += 0.1
        if _infinitive(t.text, self.text) and not _DONE.search(self.text[max(0, t.start - 30) : t.start]):
            return []  # "освободить", "звільнити": a task or a goal, never a claim that it happened
        cstart, cend = self.clause(t.start)
        notes: list[str] = []
        if self.negated(t):
            if t.cls != "hold" or not _NO_LONGER.search(self.text[max(0, t.start - 40) : t.start]):
                return []
            t = replace(t, cls="lose")  # "no longer controlled by Ukraine": Ukraine lost it
            notes.append("'no longer' held: read as lost")
            no_longer = True
        if _MODAL.search(t.text):
            return []  # "попытается окружить": the trigger itself is a future or a wish
        if t.cls not in ("attack", "strike") and self.modal(t, cstart):
            return []
        if t.cls in ("attack", "strike") and self.forecast(t, cstart):
            return []
        bg = self.background(cstart, cend, speech_pos is not None, speech_pos)
        if bg:
            return []
        if (
            who is self.hint
            and speech_pos is None
            and t.cls in _CONTROL_CLASSES
            and _WHICH.search(self.text[: t.start])
        ):
            return []  # "Суджі, яку українські сили контролюють": the outlet describing a place, not a claim
        if _PARTICIPATION.search(self.text[max(cstart, t.start - 40) : t.start]):
            return []  # "thanked them for taking part in the fighting in Kursk": a role, not the ground now
        q = self.quoted(t.start, who)
        if q is not None and q.start >= cstart - 40:
            return []  # someone else's claim, reported by the speaker: not the speaker's
        if t.cls in ("hold", "capture") and self.partial(t):
            t = replace(t, cls="presence")
        if t.cls in _CONTROL_CLASSES and _ALMOST.search(self.text[max(cstart, t.start - 30) : t.start]):
            t = replace(t, cls="presence")  # "почти полностью покинули", "almost captured": not all of it
        objs = self.objects(t, cstart, cend)
        if no_longer and not objs:  # "Суджа уже не отмечена как подконтрольная ...": the subject before it
            objs = [p for p in self.places if cstart <= p.start and p.end <= t.start and not self._landmark(p, t)][-1:]
        date, date_how, dpen = self.date_for(speech_pos, t.start, who)
        conf = 0.9 - penalty - dpen
        out: list[Finding] = []

        def add(kind: str, controller: str, place: Mention | None, rule: str, *, c: float = conf, **kw: object) -> None:
            end = max(t.end, place.end if place else t.end)
            start = min(t.start, place.start if place else t.start)
            out.append(
                Finding(
                    who,
                    how,
                    kind,
                    controller,
                    date,
                    date_how,
                    start,
                    end,
                    rule,
                    place=place,
                    verb=t.text,
                    trigger=t.cls,
                    confidence=round(max(0.05, min(0.99, c)), 2),
                    notes=tuple(notes),
                    **kw,  # type: ignore[arg-type]
                )
            )

        if t.cls in _CONTROL_CLASSES:
            self._control(t, who, objs=objs, cstart=cstart, cend=cend, add=add, notes=notes)
        elif t.cls == "presence":
            settlements = [p for p in objs if p.kind == "settlement"]
            advanced = _ADVANCE_STEM.match(t.text)
            for p in settlements:
                if advanced and _NEAR.search(self.text[max(t.end, p.start - 25) : p.start]):
                    side, side_how = self.actor(t, cstart, who, inside=False)
                    if side:  # "advanced in X and near Y": near Y is an attempted advance, not presence in it
                        notes.append(f"attacker {side}: {side_how} advanced near it")
                        add("attack", side, p, "an advance near the place (not into it)")
                        notes.pop()
                    continue
                # the trigger may end with its preposition ("positions near", "позиції біля")
                near = bool(_NEAR.search(self.text[max(t.start, p.start - 25) : p.start]))
                add(
                    "presence",
                    "contested",
                    p,
                    "fighting, positions or troops near the place"
                    if near
                    else "fighting, positions or troops in the place",
                )
            if not settlements and (_ONGOING.search(self.text) or who is not self.hint):
                oblasts = [p for p in objs if p.kind in ("oblast", "raion") and p.oblast] or self._region_words(
                    t, cstart, cend
                )
                districts = all(p.kind == "raion" for p in oblasts)
                for ob in dict.fromkeys(p.oblast for p in oblasts):
                    add(
                        "region",
                        "",
                        None,
                        "fighting or troops in the region's districts, no settlement named"
                        if districts
                        else "fighting or troops in the region, no settlement named",
                        oblast=ob,
                        c=conf - 0.1,
                    )
        elif t.cls in ("attack", "strike"):
            attacker, why = self.attacker(t, cstart, cend, who)
            settlements = [p for p in objs if p.kind == "settlement"]
            if attacker:
                notes.append(f"attacker {attacker}: {why}")
                for i, p in enumerate(settlements):
                    between = self.text[settlements[i - 1].end : p.start] if i else ""
                    if i and _ADVANCE_STEM.match(t.text) and _INTO.search(between):
                        # "advanced west of Darino and into the southern part of Kruglenkoye": into it, presence
                        add("presence", "contested", p, "an advance into the place (fighting in it)")
                        continue
                    if _ADVANCE_STEM.match(t.text) and _OWN_PART.match(self.text, p.end):
                        # "advanced to Sudzha's eastern outskirts": on its outskirts (coding rule 8)
                        add("presence", "contested", p, "an advance to the place's outskirts or part")
                        continue
                    weak = "claimant" in why or "other side" in why
                    add("attack", attacker, p, "attack towards, or strike near, the place", c=conf - 0.1 * weak)
                notes.pop()
            if not settlements:
                oblasts = [p for p in objs if p.kind == "oblast"] or [
                    p for p in self.oblasts if cstart <= p.start < cend
                ]
                if not oblasts and self.oblasts and self.oblasts[0].oblast == self.focus:
                    oblasts = self.oblasts[:1]
                counts = [f for f in self.figures if cstart <= f.start < cend and f.kind == "count"]
                obl = oblasts[0].oblast if oblasts else (self.focus if counts else "")
                if obl:
                    kw: dict[str, object] = {}
                    if counts:
                        kw = {"value": counts[0].value, "unit": counts[0].unit}
                        used_figures.add(counts[0].start)
                    add(
                        "region",
                        "",
                        None,
                        "fighting or attacks in the region, no settlement named",
                        oblast=obl,
                        c=conf - 0.1,
                        **kw,
                    )
        elif t.cls == "advance":
            out += self._advance(
                t, who, how=how, conf=conf, cstart=cstart, cend=cend, date=date, date_how=date_how, used=used_figures
            )
        return out

    def partial(self, t: _Span) -> bool:
        """A hold of part of a place ("hold parts of Gornal", "footholds in", "удерживают часть"): presence."""
        nxt = [p for p in self.places if p.start >= t.end]
        if nxt and _PARTIAL.match(self.text, nxt[0].end + 1):  # "Korenevo's outskirts"
            return True
        end = min(nxt[0].start if nxt else len(self.text), t.end + 40)
        return bool(_PARTIAL.search(self.text, t.start, max(end, t.end)))

    def _control(
        self,
        t: _Span,
        who: Speaker,
        *,
        objs: list[Mention],
        cstart: int,
        cend: int,
        add: Callable[..., None],
        notes: list[str],
    ) -> None:
        side, side_how = self.actor(t, cstart, who)
        settlements = [p for p in objs if p.kind == "settlement"]
        for p in settlements:
            ctrl, why = self._controller(t, side, side_how, who, p)
            if not ctrl:
                continue
            notes.append(f"controller {ctrl}: {why}")
            weak = "claimant's side" in why or "own country" in why
            add("control", ctrl, p, f"{t.cls} verb with the place after or before it", c=0.9 - 0.1 * weak)
            notes.pop()
        oblasts = [p for p in objs if p.kind == "oblast"] or self._region_words(t, cstart, cend)
        if (
            not settlements
            and oblasts
            and t.cls in ("capture", "retake", "expel")
            and _FULL.search(self.text, cstart, cend)
        ):
            ctrl, why = self._controller(t, side, side_how, who, None)
            if ctrl:
                notes.append(f"controller {ctrl}: {why}")
                add("region", ctrl, None, "whole region taken or freed", oblast=oblasts[0].oblast)
                notes.pop()

    def attacker(self, t: _Span, cstart: int, cend: int, who: Speaker) -> tuple[str, str]:
        """The side that attacked: for "repelled ...", the other side than the one that repelled."""
        side, side_how = self.actor(t, cstart, who, inside=False)
        mine = who.side if who.side in ("UA", "RU") else ""
        if t.cls == "strike":
            if side:
                return side, f"{side_how} struck"
            return mine, "no actor named: the claimant's side struck" if mine else ""
        named = self.side_after(t) if _ATTACK_NOUN.search(t.text) else None
        if named:  # "атаки противника", "штурмових дій ворог здійснив": the attack is that side's
            a_side, a_how = self._side_of(named[0], named[1], who)
            at = self.text.lower().find(named[1].lower(), t.end)
            if a_side and at > 0 and _POSITIONS_OF.search(self.text, t.start, at):
                # "атакував позиції наших військ", "attacked our positions": the positions' side was attacked
                return _other(a_side), f"the positions attacked are {a_how}'s"
            if a_side:
                return a_side, f"the attack is {a_how}'s"
        repelled = (
            _REPEL.match(t.text)
            or _REPEL_BEFORE.search(self.text[max(cstart, t.start - 60) : t.start])
            or _REPELLED_AFTER.match(self.text, t.end)
        )
        if repelled:
            adj = _SIDE_ADJ.search(self.text, t.start, min(cend, t.end + 40))
            if adj and adj.start() > t.start + 2:
                return ("UA" if adj["UA"] else "RU"), f"the attack is called {adj[0]!r}"
            doer = side or mine
            return _other(doer), f"{side_how or 'the claimant'} repelled it"
        if side:
            return side, side_how
        adj = _SIDE_ADJ.search(self.text, t.start, min(cend, t.end + 30))
        if adj:
            return ("UA" if adj["UA"] else "RU"), repr(adj[0])
        return mine, "no side named: the claimant's own forces" if mine else ""

    def _region_words(self, t: _Span, cstart: int, cend: int) -> list[Mention]:
        if not self.focus:
            return []
        m = _REGION_WORD.search(self.text, t.end, cend)
        if m and _words_between(self.text, t.end, m.start()) <= 4:
            return [Mention(m.start(), m.end(), m[0], "oblast", oblast=self.focus, how="the region named before")]
        return []

    def _controller(self, t: _Span, side: str, side_how: str, who: Speaker, place: Mention | None) -> tuple[str, str]:
        if t.cls == "lose" and t.text.lower().startswith(("were", "was", "been", "выбит", "вибиті")) and side:
            return _other(side), f"{side_how} was driven out"
        if t.cls == "lose":
            if side:
                return _other(side), f"{side_how} left it"
            if who.side in ("UA", "RU") and _OWN_TROOPS.search(self.text[max(0, t.start - 40) : t.start]):
                return _other(who.side), f"troops with no side named left it: the claimant's own ({who.label})"
            return "", ""
        if side:
            return side, f"{side_how} {t.cls}"
        freed = _FREED_FROM.match(self.text, place.end) if place is not None else None
        freed = freed or _FREED_FROM.match(self.text, t.end)  # "Sudzha was freed from Russian troops"
        if t.cls == "retake" and place is not None and freed:
            # "звільнення Суджі від російських військ", "cleared of Russian troops": the side named is the loser
            for rx, named in _SIDES:
                m = rx.search(self.text, freed.end(), min(len(self.text), freed.end() + 40))
                if m and _words_between(self.text, freed.end(), m.start()) <= 2:
                    loser, loser_how = self._side_of(named, m[0], who)
                    if loser:
                        return _other(loser), f"'{t.text}' of {loser_how}"
        if t.cls == "retake" and place is not None and place.ids:
            countries = {self.places_of[i].country for i in place.ids}
            if len(countries) == 1:
                return next(iter(countries)), f"'{t.text}' with no actor named: the place's own country"
        if who.side in ("UA", "RU"):
            return who.side, f"no actor named: the claimant's side ({who.label})"
        if t.cls == "retake" and place is None and self.focus:
            return "", ""
        return "", ""

    def objects(self, t: _Span, cstart: int, cend: int) -> list[Mention]:
        """The places a trigger acts on: after it up to the next trigger, else before it (passives)."""
        if (_is_passive(self.text, t) or _COPULA.match(t.text)) and t.cls in _CONTROL_CLASSES:
            prev = max([x.end for x in self.triggers if x.end <= t.start] + [cstart, self._list_start(t.start)])
            before = [p for p in self.places if prev <= p.start and p.end <= t.start and not self._landmark(p, t)]
            if before:
                return before
            if _COPULA.match(t.text) and not re.match(r"\s+(?:of|over|над)\b", self.text[t.end : t.end + 6], re.I):
                return []  # "ситуация ... находится под контролем, ...": the subject is no place; nothing after it is
        nxt = min([x.start for x in self.triggers if x.start > t.start] + [cend])
        after = [p for p in self.places if t.end <= p.start < nxt and not self._from_side(p)]
        including = _INCLUDING.search(self.text, t.end, nxt)
        if t.cls in _CONTROL_CLASSES:
            kept: list[Mention] = []
            for i, p in enumerate(after):
                listed = i > 0 and _listed(self.text, after, p)
                if (
                    including
                    and p.start >= including.end()
                    and (p.kind == "settlement")
                    and (not kept or kept[-1].start < including.end() or listed)
                ):
                    if not any(k.start >= including.end() for k in kept) or listed:
                        kept.append(p)  # "ten villages, including Snagost, Gordeyevka and Vishnevka"
                    continue
                if self._landmark(p, t) or (listed and after[i - 1] not in kept):
                    continue  # "near Gornal and Oleshnya": the landmark word governs the whole list
                if i == 0 or listed:
                    kept.append(p)
            after = kept
        elif t.cls in ("presence", "attack", "strike"):
            # the first place and a list continuing it ("near X, Y and Z", "in X and near Y"); not a
            # place further on ("... in Malaya Loknia, threatening the road from Yunakivka")
            loose: list[Mention] = []
            for i, p in enumerate(after):
                if i == 0 or (after[i - 1] in loose and _listed(self.text, after, p, loose=True)):
                    loose.append(p)
            after = loose
        if after:
            return after
        if t.cls in _CONTROL_CLASSES:  # "Sudzha, which they captured last week": the place the pronoun stands for
            rel = _RELATIVE_BEFORE.search(self.text, max(0, t.start - 60), t.start)
            if rel:
                ante = [
                    p
                    for p in self.places
                    if p.kind == "settlement"
                    and p.end <= rel.start()
                    and rel.start() - p.end <= 2
                    and not _LOCATOR.search(self.text[max(0, p.start - 45) : p.start])
                ]
                if ante:  # (not a landmark: "close to Sudzha, a town Moscow took back lately")
                    return ante[-1:]
        prev = max([x.end for x in self.triggers if x.end <= t.start] + [cstart])
        before = [p for p in self.places if prev <= p.start and p.end <= t.start and not self._from_side(p)]
        if (
            t.cls in _CONTROL_CLASSES
            and not _PASSIVE.search(t.text)
            and not re.search(r"\b(?:was|were|been|is|are)\s+(?:\w+\s+)?$", self.text[max(0, t.start - 25) : t.start])
        ):
            return []
        if t.cls in _CONTROL_CLASSES:
            before = [p for p in before if not self._landmark(p, t)]
        return before

    def _from_side(self, p: Mention) -> bool:
        """A place named as where an advance came from: "со стороны Мирного", "з боку Мирного", "from X"."""
        return bool(_FROM_SIDE.search(self.text[max(0, p.start - 40) : p.start]))

    def _list_start(self, pos: int) -> int:
        """Where the subject before ``pos`` begins: after the last comma that does not join a list of places.

        An appositive between two commas ("Gornal, the last village Ukraine had held, had been
        liberated") is looked through.
        """
        commas = list(re.finditer(r",", self.text[:pos]))
        k = len(commas) - 1
        while k >= 0:
            m = commas[k]
            if k > 0 and _APPOSITIVE_OPEN.match(self.text, commas[k - 1].end()) and pos - m.end() <= 40:
                k -= 2  # ", the last village Ukraine had held," : look through it
                continue
            left = [p for p in self.places if p.end <= m.start() and m.start() - p.end <= 1]
            right = [p for p in self.places if p.start >= m.end() and p.start - m.end() <= 2]
            if not (left and right):
                return m.end()
            k -= 1
        return 0

    def _landmark(self, p: Mention, t: _Span) -> bool:
        lo = t.end if p.start >= t.end else 0
        left = self.text[max(lo, p.start - 45) : p.start]
        if _LOCATOR.search(left):
            return True
        # "Zaoleshenka, a village north of Sudzha": a place described by another
        return bool(
            re.search(r"(?:,|—|–)\s*(?:a|the|both)?\s*(?:\w+\s+){0,4}(?:of|near)\s+(?:the\s+\w+\s+of\s+)?$", left)
        )

    def _advance(
        self,
        t: _Span,
        who: Speaker,
        *,
        how: str,
        conf: float,
        cstart: int,
        cend: int,
        date: dt.date | None,
        date_how: str,
        used: set[int],
    ) -> list[Finding]:
        dist = [f for f in self.figures if f.kind == "distance" and cstart <= f.start < cend and f.start not in used]
        if not dist:
            return []
        side, side_how = self.actor(t, cstart, who)
        if not side:
            side = who.side if who.side in ("UA", "RU") else ""
            side_how = "no actor named: the claimant's side"
        if not side:
            return []
        f = dist[0]
        used.add(f.start)
        d = _DIRECTION.search(self.text, f.end, cend)
        if d is None:  # "Севернее Кремяного наши подразделения продвинулись на 1,5 км"
            d = _DIRECTION.search(self.text, cstart, min(t.start, f.start))
        place = None
        if d is not None:
            after = [p for p in self.settlements if d.end() <= p.start <= d.end() + 30]
            place = after[0] if after else None
        notes = (f"controller {side}: {side_how}",) + ((f.note,) if f.note else ())
        start, end = min(t.start, f.start), max(t.end, f.end, place.end if place else 0)
        if place is not None and d is not None:
            word = (d["en"] or d["ru"] or d["ru2"] or d["ru3"] or d["uk"] or d["uk2"]).lower().replace("  ", " ")
            word = _DIRECTION_WORD.get(word, word)
            bearing = lx.DIRECTIONS.get(
                word.replace("northeast", "north-east")
                .replace("southeast", "south-east")
                .replace("northwest", "north-west")
                .replace("southwest", "south-west")
            )
            if bearing is not None:
                return [
                    Finding(
                        who,
                        how,
                        "relative",
                        side,
                        date,
                        date_how,
                        start,
                        end,
                        "advance of N km in a direction from a place",
                        place=place,
                        value=f.value,
                        unit=f.unit,
                        bearing=float(bearing),
                        verb=t.text,
                        confidence=round(conf, 2),
                        notes=notes,
                    )
                ]
        obl = self.oblasts[0].oblast if self.oblasts else self.focus
        if not obl:
            return []
        out: list[Finding] = []
        towards = _TOWARDS.match(self.text, f.end)
        target = [p for p in self.settlements if towards and p.start == towards.end()]
        if target:  # "advanced 2 km towards Sverdlikovo": an advance on it (coding rule 14), and the depth
            out.append(
                Finding(
                    who,
                    how,
                    "attack",
                    side,
                    date,
                    date_how,
                    start,
                    target[0].end,
                    "an advance towards the place (not into it)",
                    place=target[0],
                    verb=t.text,
                    trigger="attack",
                    confidence=round(conf - 0.1, 2),
                    notes=notes,
                )
            )
        return [
            *out,
            Finding(
                who,
                how,
                "region",
                "",
                date,
                date_how,
                start,
                end,
                "advance of N km, no place named" if not target else "advance of N km towards a place",
                oblast=obl,
                value=f.value,
                unit=f.unit,
                verb=t.text,
                confidence=round(conf - 0.1, 2),
                notes=notes,
            ),
        ]

    def figure_rules(self, used: set[int]) -> list[Finding]:
        out: list[Finding] = []
        for f in self.figures:
            if f.start in used or f.kind == "distance":
                continue
            step = bool(_MORE.search(self.text[max(0, f.start - 12) : f.start]) or _STEP.search(f.written))
            if f.kind == "count" and 0 < f.value <= len({p.ids for p in self.settlements}):
                continue  # "took X and Y, two villages near Z": the count of the places named
            base = self._base(_Span(f.start, f.end, f.written))
            if base is None:
                continue
            who, how, penalty, speech_pos = base
            cstart, cend = self.clause(f.start)
            w0 = max(cstart, f.start - 120)
            window = self.text[w0 : min(cend, f.end + 50)]
            fig_span = _Span(f.start, f.end, f.written, "figure")
            if self.negated(fig_span) or self.modal(fig_span, cstart):
                continue
            nxt = min([g.start for g in self.figures if g.start > f.end and g.start < cend] + [cend])
            if self.background(cstart, nxt, speech_pos is not None, speech_pos):
                continue  # (up to the next figure: "110 km², down from 1,368 km² claimed last year")
            q = self.quoted(f.start, who)
            if q is not None and q.start >= cstart - 40:
                continue
            holding = re.search(
                r"control\s+(?:over|of)|under\s+(?:\w+\s+)?control|hold|held|\bcontrol(?:s|led|ling)?\b|in\s+\w+\s+hands|"
                r"cover(?:s|ing|ed)?|spanning|контрол\w*|удержива\w+|утриму\w+|під\s+контролем|под\s+контролем",
                window,
                re.IGNORECASE,
            )
            gained = re.search(
                r"captur|took|taken|seiz|liberat|retook|retaken|recaptur|regain|won\s+back|"
                r"освобо|взя|захват|звільн|захоп|повернул|вернул",
                window,
                re.IGNORECASE,
            )
            if (
                holding
                and gained
                and gained.end() <= holding.start()
                and _words_between(window, gained.end(), holding.start()) <= 2
            ):
                holding = None  # "took control of 40 km²": ground gained, not held
            opening = _OPENING.match(self.text)
            peak = _PEAK.search(self.text[max(cstart, f.start - 60) : f.start]) or (
                opening is not None and _PEAK.search(opening[0])
            )
            if peak:  # "down from a peak of 1,300", "на піку операції ... 500 миль": a past peak (coding rule 18)
                holding, gained = None, gained or peak
            if step:  # "two more villages": a step, not a total; kept (hidden) for the places a next sentence names
                holding = None
                if not gained:
                    continue
            if not (holding or gained):
                continue
            date, date_how, dpen = self.date_for(speech_pos, f.start, who)
            conf = round(max(0.05, 0.85 - penalty - dpen), 2)
            obl_m = [p for p in self.oblasts if cstart <= p.start < cend]
            obl = obl_m[0].oblast if obl_m else self.focus
            if not obl:
                continue
            notes = (f.note,) if f.note else ()
            trig = _Span(f.start, f.end, f.written)
            if holding and not re.search(r"(?:regain|retak|recaptur|liberat|освобо|звільн)", holding[0], re.I):
                side, side_how = self.actor(_Span(w0 + holding.start(), w0 + holding.end(), holding[0]), cstart, who)
                if not side and who.side in ("UA", "RU"):
                    side, side_how = who.side, "no side named: the claimant's"
                if not side:
                    continue
                kind = "area" if f.kind == "area" else "count"
                out.append(
                    Finding(
                        who,
                        how,
                        kind,
                        side,
                        date,
                        date_how,
                        min(f.start, w0 + holding.start()),
                        f.end,
                        f"{kind} figure of what a side holds",
                        oblast=obl,
                        value=f.value,
                        unit=f.unit,
                        verb=holding[0],
                        confidence=conf,
                        notes=(f"controller {side}: {side_how}", *notes),
                    )
                )
                # "held about 3 km² near Gornal and Oleshnya": forces at those places (presence)
                near = _NEAR_AFTER.match(self.text, f.end)
                if near and kind == "area":
                    listed = [p for p in self.settlements if near.end() <= p.start < cend]
                    kept = [p for i, p in enumerate(listed) if i == 0 or _listed(self.text, listed, p)]
                    out += [
                        Finding(
                            who,
                            how,
                            "presence",
                            "contested",
                            date,
                            date_how,
                            f.start,
                            p.end,
                            "ground held near the place: forces there",
                            place=p,
                            verb=holding[0],
                            trigger="presence",
                            confidence=round(conf - 0.1, 2),
                        )
                        for p in kept
                    ]
            else:
                if gained is not None and hasattr(gained, "start"):
                    g_side, g_how = self.actor(
                        _Span(w0 + gained.start(), w0 + gained.end(), gained[0], "retake"), cstart, who
                    )
                    g_side = g_side or (who.side if who.side in ("UA", "RU") else "")
                    if g_side:  # kept for the places a next sentence may name ("The ministry named them as ...")
                        notes = (*notes, f"actor {g_side}: {g_how or 'the claimant'}")
                if step:
                    notes = (*notes, _HIDDEN)
                out.append(
                    Finding(
                        who,
                        how,
                        "region",
                        "",
                        date,
                        date_how,
                        f.start,
                        f.end,
                        "figure of ground gained (kept as a statement, not as holdings)",
                        oblast=obl,
                        value=f.value,
                        unit=f.unit,
                        verb=gained[0] if gained else "",
                        confidence=round(conf - 0.1, 2),
                        notes=notes,
                    )
                )
            _ = trig
        return out

    def denial_rules(self) -> list[Finding]:
        """A speaker rejecting another's claim about the ground; or saying its troops are not surrounded."""
        out: list[Finding] = []
        if not _GROUND.search(self.text):
            return out  # a denial about something else (losses, crimes, talks)
        for d in self.denials:
            base = self._base(d)
            if base is None:
                continue
            who, how, penalty, speech_pos = base
            party = self._party(d, who)
            target = [p for p in self.places if p.start >= d.end and p.kind in ("settlement", "oblast")]
            if not target:
                target = [p for p in self.places if p.kind in ("settlement", "oblast")]
            date, date_how, dpen = self.date_for(speech_pos, d.start, who)
            place = next((p for p in target if p.kind == "settlement"), None)
            obl = next((p.oblast for p in target if p.kind == "oblast"), "") or self.focus
            if place is None and not obl:
                continue
            if not party and _ENCIRCLE.search(self.text, d.end):
                party = "encirclement"
            conf = round(max(0.05, 0.8 - penalty - dpen), 2)
            notes = (f"denies a claim by {party}",) if party and party != "encirclement" else ()
            end = max(d.end, place.end if place else d.end)
            out.append(
                Finding(
                    who,
                    how,
                    "denial",
                    "",
                    date,
                    date_how,
                    min(d.start, place.start if place else d.start),
                    end,
                    "a speaker rejects another's claim",
                    place=place,
                    oblast=obl if place is None else "",
                    verb=d.text,
                    denied_party=party,
                    confidence=conf,
                    notes=notes,
                )
            )
            return out
        for e in _ENCIRCLE.finditer(self.text):
            window = self.text[max(0, e.start() - 30) : e.start()]
            neg = list(_NEG.finditer(window))
            negated = bool(neg) and _words_between(window, neg[-1].end(), len(window)) <= 3
            span = _Span(e.start(), e.end(), e[0])
            base = self._base(span)
            if base is None:
                continue
            who, how, penalty, speech_pos = base
            if not negated and (who is self.hint or self.quoted(e.start(), who)):
                continue
            before = [p for p in self.oblasts if p.start < e.start()]
            after = [p for p in self.oblasts if e.end() <= p.start and _words_between(self.text, e.end(), p.start) <= 5]
            obl = (after or before)[-1 if not after else 0].oblast if (after or before) else self.focus
            if not obl:
                continue
            date, date_how, dpen = self.date_for(speech_pos, e.start(), who)
            conf = round(max(0.05, 0.75 - penalty - dpen), 2)
            if negated:  # coding rule 20: "not encircled" is a statement about the region, not a denial
                start = e.start() - len(window) + neg[-1].start()
                out.append(
                    Finding(
                        who,
                        how,
                        "region",
                        "",
                        date,
                        date_how,
                        start,
                        e.end(),
                        "a speaker says its troops are not encircled (a region-wide statement)",
                        oblast=obl,
                        verb=e[0],
                        confidence=conf,
                    )
                )
            else:
                out.append(
                    Finding(
                        who,
                        how,
                        "region",
                        "",
                        date,
                        date_how,
                        e.start(),
                        e.end(),
                        "troops said to be encircled in the region, no settlement named",
                        oblast=obl,
                        verb=e[0],
                        confidence=round(conf - 0.1, 2),
                    )
                )
            break
        return out

    def _party(self, d: _Span, who: Speaker) -> str:
        """Whose claim is rejected, when the sentence says it: "Russian claims", "claims by Moscow"."""
        for r in self.reported:
            if r.start < d.start - 60 or r.start > d.end + 60:
                continue
            left = self.text[max(0, r.start - 30) : r.start]
            for sp, other in self.speakers:
                if other.slug != who.slug and (
                    (sp.end <= r.start and r.start - sp.end <= 4) or r.start <= sp.start <= r.end
                ):
                    return other.slug
            adj = _SIDE_ADJ.search(left + self.text[r.start : r.end])
            if adj and adj.end() >= len(left) - 2:
                return "RU" if adj["RU"] else "UA"
        for sp, other in self.speakers:
            if sp.start >= d.end and sp.start - d.end <= 20 and other.slug != who.slug:
                return other.slug
        return ""


_NOBODY = Speaker("", "", "", "", "")
#: A speaker outside the ledger's sources ("a soldier said"): what they say is nobody's claim here.
UNKNOWN = Speaker("", "", "unknown", "someone who is not a known source", "")


_FOLLOW_UP = re.compile(
    r"^\W*(?:this|that|the)\s+(?:\w+\s+)?(?:movement|advance|push|progress|gain|breakthrough|offensive)\b|"
    r"^\W*(?:это|этот|данное|продвижение)\b|^\W*(?:це|цей|просування)\b",
    re.IGNORECASE,
)


def _holds(f: Finding, side: str) -> bool:
    """Whether a finding says that ``side`` still holds a place or positions ("we still hold it")."""
    if f.trigger == "hold" and f.controller == side:
        return True
    return (
        f.trigger in ("hold", "presence")
        and bool(re.search(r"hold|held|positions?|утрим|удерж|позиц", f.verb, re.I))
        and "near the place" not in f.rule  # positions near X held: presence at X, not a hold of X
    )


def _fold_into_denials(found: list[Finding], earlier: list[Finding] | None = None) -> list[Finding]:
    """A denial and what its speaker adds about the same ground are one denial (coding rule 22).

    "Dismissed the claim ..., saying its units still hold positions there": one ``denial`` whose
    controller is the side said to hold ("... and said fighting goes on" stays a region statement).
    ``earlier`` are the findings of the sentence before (a denial there takes this sentence's
    "according to him, the units still hold ..." of the same speaker).
    """
    denials = [f for f in [*(earlier or []), *found] if f.kind == "denial"]
    if not denials:
        return found
    out: list[Finding] = []
    for f in found:
        d = next((d for d in reversed(denials) if d is not f and d.source.slug == f.source.slug), None)
        if d is None or f.kind == "denial":
            out.append(f)
            continue
        same_ground = (f.place is None and f.kind == "region") or (
            f.place is not None and (d.place is None or set(f.place.ids) & set(d.place.ids))
        )
        side = d.source.side if d.source.side in ("UA", "RU") else ""
        if same_ground and side and _holds(f, side):
            i = next(i for i, x in enumerate(out + (earlier or [])) if x is d) if d in out else -1
            merged = replace(
                d, controller=side, notes=(*d.notes, f"controller {side}: the speaker says it still holds")
            )
            if i >= 0:
                out[i] = merged
            elif earlier is not None and d in earlier:
                earlier[earlier.index(d)] = merged
            denials = [merged if x is d else x for x in denials]
            continue
        out.append(f)
    return out


#: A note that keeps a finding for the rules of the next sentence only (it is not proposed).
_HIDDEN = "(step: not proposed)"
_NAMING = re.compile(
    r"(?<!\w)(?:(?:named|listed|identified)\s+(?:them(?:\s+as)?|(?:the\s+|these\s+)?(?:\w+\s+)?(?:villages|settlements|"
    r"towns|places|localities)(?:\s+as)?)|the\s+(?:villages|settlements|towns)\s+(?:are|were|include[ds]?)|"
    r"назва\w+\s+(?:эти\s+|их\s+)?(?:сел\w+|населенн\w+\s+пункт\w*|деревн\w+)|речь\s+ид[её]т\s+о|среди\s+них|"
    r"перечисли\w+|назва\w+\s+(?:ці\s+|їх\s+)?(?:сел\w+|населен\w+\s+пункт\w*)|йдеться\s+про|серед\s+них|перелічи\w+)"
    r"(?!\w)",
    re.IGNORECASE,
)


def _named_places(s: Sentence, places: list[Mention], previous: list[Finding]) -> list[Finding]:
    """Control claims for places named in a sentence of their own after the figure they make up.

    "Russian forces recaptured three villages, the ministry said. It named them as X, Y and Z.":
    a sentence that only names the places of the figure before it (a count of villages taken)
    gives a control claim for each, by the same claimant, side and day.
    """
    m = _NAMING.search(s.text)
    if m is None:
        return []
    src = next(
        (
            f
            for f in reversed(previous)
            if f.kind == "region" and f.unit == "settlements" and any(n.startswith("actor ") for n in f.notes)
        ),
        None,
    )
    if src is None:
        return []
    side = next(n.split()[1].rstrip(":") for n in src.notes if n.startswith("actor "))
    named = [p for p in places if p.kind == "settlement" and p.start >= m.end() - 2 and len(p.ids) >= 1]
    return [
        replace(
            src,
            kind="control",
            controller=side,
            place=p,
            oblast="",
            value=None,
            unit="",
            start=m.start(),
            end=p.end,
            rule="a place named for the figure of the sentence before",
            confidence=round(src.confidence - 0.1, 2),
            notes=(
                f"controller {side}: as in the sentence before",
                *(n for n in src.notes if not n.startswith("actor ") and n != _HIDDEN),
            ),
        )
        for p in named
    ]


def _follow_up_relative(prev: Finding, s: Sentence, places: list[Mention], published: dt.date | None) -> Finding | None:
    """Join "Troops pushed up to 5 km. This movement, south-east of Sudzha, ..." into one relative advance.

    A sentence that only describes the advance of the sentence before it (it starts with "this
    movement", "the advance"...) gives that advance its direction, place and date.
    """
    if prev.kind != "region" or prev.unit != "km" or not _FOLLOW_UP.search(s.text):
        return None
    d = _DIRECTION.search(s.text)
    if d is None:
        return None
    after = [p for p in places if p.kind == "settlement" and d.end() <= p.start <= d.end() + 30]
    if not after:
        return None
    word = (d["en"] or d["ru"] or d["ru2"] or d["ru3"] or d["uk"] or d["uk2"]).lower()
    word = _DIRECTION_WORD.get(word, word).replace("southeast", "south-east").replace("southwest", "south-west")
    word = word.replace("northeast", "north-east").replace("northwest", "north-west")
    bearing = lx.DIRECTIONS.get(word)
    ctrl = next((n.split()[1].rstrip(":") for n in prev.notes if n.startswith("controller ")), "")
    if bearing is None or ctrl not in ("UA", "RU"):
        return None
    exact = [x for x in find_dates(s.text, published) if x.date and not x.vague]
    date, date_how = (
        (exact[0].date, exact[0].how + " (the sentence describing the advance)")
        if exact
        else (prev.date, prev.date_how)
    )
    place = replace(after[0], start=after[0].start + s.start, end=after[0].end + s.start)
    return replace(
        prev,
        kind="relative",
        controller=ctrl,
        place=place,
        oblast="",
        bearing=float(bearing),
        date=date,
        date_how=date_how,
        end=place.end,
        rule="advance of N km; the next sentence gives its direction and place",
    )


_PERSON = re.compile(
    r"(?<![\w.])((?:[A-ZА-ЯЁІЇЄ][a-zа-яёіїєґ'’]+\s+){1,2}[A-ZА-ЯЁІЇЄ][a-zа-яёіїєґ'’]+),?\s*(?:\(\w+\)\s*)?$"
)
_BE_BEFORE = re.compile(
    r"\b(?:was|were|been|is|are|be)\s+(?:(?:\w+ly|now|already|still|finally|also)\s+){0,2}$", re.IGNORECASE
)
_PARTICIPLE = re.compile(r"^[а-яёіїєґ]+(?:ен[аоыі]?|ён|ан[аоыі]?|ят[аоыі]?|[ыи]т[аоыі]?|ят)$", re.IGNORECASE)


#: A date after these is when something began or was filmed, not when the claim was made.
_NOT_STATEMENT_DATE = re.compile(
    r"(?:\b(?:since|from|until|till)\s+(?:the\s+)?|(?:footage|videos?|images?|photos?|imagery)\s+(?:\w+\s+)?"
    r"(?:published|posted|filmed|taken|released|uploaded)\s+)$",
    re.IGNORECASE,
)
_SAME_DAY = re.compile(
    r"(?<!\w)(?:(?:on\s+)?the\s+same\s+day|в\s+(?:тот|этот)\s+же\s+день|того\s+же\s+дня|того\s+ж\s+дня|"
    r"цього\s+ж\s+дня|в\s+той\s+же\s+день|у\s+той\s+же\s+день)(?!\w)",
    re.IGNORECASE,
)
#: A sentence's opening phrase ("Last August,", "В начале марта,"): it sets the time of what follows.
_OPENING = re.compile(r"^\W*(?:[^\W\d_]+\s+){0,3}[^\W_]+,")


def _stop(text: str) -> int:
    """Where a sentence-opening phrase stops applying: the first semicolon or dash, else the end."""
    m = re.search(r";|\s[—–]\s", text)
    return m.start() if m else len(text)


#: A repel verb a few words before an attack word: "repelled the attack in the direction of".
_REPEL_BEFORE = re.compile(
    r"(?:repell?(?:ed|s|ing)?|repuls\w+|fought\s+off|beat(?:en)?\s+(?:off|back)|fended\s+off|thwart\w*|foil\w*|"
    r"halt\w*|stopp?\w*|отрази\w+|отраж\w+|отби\w+|сорва\w+|відби\w+|зірва\w+)\s+(?:\S+\s+){0,4}$",
    re.IGNORECASE,
)
#: ... or a passive after it: "все атаки противника отражены".
_REPELLED_AFTER = re.compile(
    r"\s+(?:\S+\s+){0,5}?(?:отражен\w*|отбит\w*|сорван\w*|відбит\w*|відбито|зірван\w*|"
    r"(?:was|were|had\s+been|have\s+been)\s+(?:\w+ly\s+)?(?:repelled|repulsed|beaten\s+back|thwarted|foiled|halted))",
    re.IGNORECASE,
)
#: A source whose ``sources.csv`` name says it speaks for the sources it quotes (TASS): unnamed
#: sources in its copy are filed under it.
_RELAYS = re.compile(r"sources?\s+it\s+(?:quotes|cites)", re.IGNORECASE)
#: An unnamed source: "a source in the security services", "источник в силовых структурах", "джерело".
_ANONYMOUS = re.compile(r"(?<!\w)(?:sources?|источник\w*|джерел\w*)(?!\w)", re.IGNORECASE)


def _relayed(how: str, outlet: str) -> str:
    """An attribution to an unnamed source, filed under the outlet that quotes it (" (trailing)" kept last)."""
    trailing = how.endswith(" (trailing)")
    base = how.removesuffix(" (trailing)").split(": someone who is not a known source")[0]
    return f"{base} (an unnamed source quoted by {outlet}, filed under it)" + (" (trailing)" if trailing else "")


#: A relative clause opened just before a verb: "Sudzha, which ...", "Суджі, яку ...", "Суджу, которую ...".
_WHICH = re.compile(
    r",\s*(?:which|яку|який|яке|які|якого|якій|яких|которую|который|которое|которые|которого|которой|которых)"
    r"\s+[^,;:.]{0,60}$",
    re.IGNORECASE,
)
#: "Almost", "nearly" right before a control verb: part of the place, not all of it.
_ALMOST = re.compile(
    r"(?<!\w)(?:almost|nearly|practically|virtually|почти|практически|майже|практично)(?:\s+\w+)?\s*$", re.IGNORECASE
)
#: "(freed) from", "(cleared) of" after the place: the side named next is the one driven out.
_FREED_FROM = re.compile(r"\s*(?:from|of|від|от|із|из)\s+(?:the\s+)?", re.IGNORECASE)
#: Positions named after an attack verb: the side named with them is the one attacked.
_POSITIONS_OF = re.compile(r"(?<!\w)(?:positions?|позици\w*|позиці\w*)(?!\w)", re.IGNORECASE)
_ATTACK_NOUN = re.compile(
    r"(?<!\w)(?:attacks?|assaults?|offensives?|counter-?attacks?|attempts?|advances?|raids?|push(?:es)?|"
    r"атак[иуаеой]\w*|атака|контратак\w*|штурм(?:а|у|ы|ов|ом)?|штурмов\w+|наступлени\w+|наступ(?:у|ом|и)?|"
    r"попытк\w+|спроб\w+)(?!\w)",
    re.IGNORECASE,
)
_CONTROL_WORD = re.compile(r"контрол|control|hands", re.IGNORECASE)
#: "no longer", "уже не": a negated hold is a loss.
_NO_LONGER = re.compile(
    r"(?:no\s+longer|not\s+any\s+more|уже\s+не|больше\s+не|вже\s+не|більше\s+не)(?:\s+\w+){0,3}\s*$", re.I
)
#: Troops with no side named ("the troops left"): the claimant's own, when the claimant is a side.
_OWN_TROOPS = re.compile(
    r"(?:\b(?:the\s+)?(?:troops|forces|units|defenders)|(?<!\w)(?:войска|подразделения|военные|бойцы|війська|"
    r"підрозділи|військові|бійці|захисники))\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
#: Modal words that make an attack a forecast or a plan ("trying to" is an attack, "could try" is not).
_FORECAST = re.compile(
    r"could|would|might|may|will|shall|plan|aim|intend|want|hope|expect|threaten|prepar|ready|goal|objective|vow|"
    r"promis|pledg|може|можуть|может|могут|мог|смож|змож|буде|будуть|будет|будут|план|намер|хоч|хот|збира|собира|"
    r"готов|цел|мет|обіця|обеща|не\s+виключ|не\s+исключ|ймовірно|вероятно|возможно|можливо|задач|приказ|поручи",
    re.IGNORECASE,
)
_FROM_SIDE = re.compile(
    r"(?:со\s+стороны|с\s+направления|з\s+боку|з\s+напрямку|from\s+the\s+(?:direction|side)\s+of|"
    r"(?:road|highway)\s+(?:that\s+runs\s+)?from)\s+$",
    re.IGNORECASE,
)
#: "including", "в том числе": the places of a figure named one by one.
_INCLUDING = re.compile(
    r"(?<!\w)(?:including|among\s+them|among\s+which|such\s+as|в\s+том\s+числе|включая|среди\s+них|зокрема|"
    r"серед\s+них|у\s+тому\s+числі|в\s+тому\s+числі)(?!\w)",
    re.IGNORECASE,
)
_APPOSITIVE_OPEN = re.compile(
    r"\s*(?:the|a|an|which|who|where|that|один\s+из|одно\s+из|последн\w+|один\s+з|одне\s+з|останн\w+|"
    r"который|которое|которая|где|який|яке|яка|де)\b",
    re.IGNORECASE,
)
#: "two more villages", "ще три села": a step, not a total.
_STEP = re.compile(
    r"(?<!\w)(?:more(?!\s+than)|another|further|additional|ещё|еще|ще|других|інших)(?!\w)", re.IGNORECASE
)
#: A past peak: the figure is a statement about the region, not what is held now.
_PEAK = re.compile(
    r"(?<!\w)(?:peak|height|maximum|at\s+one\s+point|пик\w*|пік\w*|максимум\w*|в\s+разгар\w*|у\s+розпал\w*)(?!\w)",
    re.IGNORECASE,
)
#: Adverbs and dates between a pointer and its verb ("the ministry also said on Monday").
_TRAILING_ADVERBS = re.compile(
    r"(?:\s+(?:\w+ly|also|again|later|then|further|there|впервые|вперше|также|тоже|також|теж|ещё|еще|ще|уже|вже|"
    r"там|тут|лишь|лише|только|тільки|официально|офіційно|\w+но|(?:в|во|у|on)\s+\w+))+\s*$",
    re.IGNORECASE,
)
#: A Russian or Ukrainian infinitive: a trigger in this form is a goal ("поставил задачу освободить").
_INFINITIVE = re.compile(r"^[а-яёіїєґ'’]+(?:ть|ти|тися|тись|ться)$", re.IGNORECASE)
_INFINITIVE_UK = re.compile(r"^[а-яіїєґ'’]+(?:ти|тися|тись)$", re.IGNORECASE)
_UK_LETTER = re.compile(r"[іїєґ]", re.IGNORECASE)


def _infinitive(word: str, sentence: str) -> bool:
    """Whether a trigger word is an infinitive ("освободить", "звільнити"): a task, not a deed.

    In Ukrainian "-ть" ends the present plural ("контролюють", "утримують"), not the infinitive.
    """
    if not _INFINITIVE.search(word):
        return False
    if _UK_LETTER.search(word) or language(sentence) == "uk":
        return bool(_INFINITIVE_UK.search(word))
    return True


_DONE = re.compile(r"(?:удалось|удалось\s+\w+|вдалося|смогли|змогли|сумели|зуміли)\s+$", re.IGNORECASE)
_INTO = re.compile(r"(?:\b(?:into|inside|in)\b|(?<!\w)(?:в|у|во)\s)", re.IGNORECASE)
_UNCONFIRMED = re.compile(
    r"(?<!\w)(?:(?:has|have|had)\s+not\s+(?:yet\s+)?(?:observed|seen)|(?:no|not\s+any)\s+(?:visual\s+|independent\s+)?"
    r"(?:confirmation|evidence)|not\s+(?:yet\s+)?(?:been\s+)?confirmed|(?:did|does|do)\s+not\s+confirm|"
    r"не\s+(?:было\s+)?(?:подтвержд\w+|зафиксирова\w+|наблюда\w+)|нет\s+(?:визуальн\w+\s+)?(?:подтверждени\w+|доказательств)|"
    r"не\s+(?:було\s+)?(?:підтвердж\w+|зафіксова\w+|спостеріга\w+)|немає\s+(?:візуальн\w+\s+)?(?:підтвердж\w+|доказ\w+))(?!\w)",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"(?:independently|independent)\s+(?:confirm|verif)|(?:could|can|was|were)\s*(?:not|n[’']t|unable\s+to)\s+"
    r"(?:independently\s+)?verify|незалежн\w+\s+підтвердж|независим\w+\s+подтвержд",
    re.IGNORECASE,
)
_FRONT_LINE = re.compile(
    r"front\s*-?\s*line|line\s+of\s+contact|лини\w+\s+(?:фронта|соприкосновения)|лінії?\w*\s+(?:фронту|зіткнення)",
    re.IGNORECASE,
)
_PRONOUN_AFTER = re.compile(r"\s+(he|she|they|it|он|она|они|оно|він|вона|вони|воно)\b", re.IGNORECASE)
_DATELINE = re.compile(
    r"^\s*(?-i:[A-ZА-ЯЁІЇЄ]{3,}[A-ZА-ЯЁІЇЄ/ -]*),\s*[^.\n]{0,30}?(?:\([^)]{1,30}\)|/[^/]{1,20}/)?\s*[-—–.]\s+"
    r"(?:/[^/]{1,20}/\.?\s+)?"
)
_WEAK_BACKGROUND = re.compile(
    r"originally|initially|first|previously|once|ранее|прежде|изначально|первоначально|недавно|когда-то|раніше|"
    r"спочатку|первісно|нещодавно",
    re.IGNORECASE,
)
#: After a figure of ground held: "... near X", "... біля X" (the ground is around those places).
_NEAR_AFTER = _fast(
    re.compile(
        r"(?:\s+of\s+(?:\w+\s+){0,2}?(?:land|territory|ground))?,?\s+(?:near|around|close\s+to|in\s+the\s+area\s+of|"
        r"біля|поблизу|в\s+районі|у\s+районі|около|возле|вблизи|в\s+районе|под)\s+",
        re.IGNORECASE,
    )
)
_PARTICIPATION = _fast(
    re.compile(
        r"(?:(?:took|taken|taking|take)\s+part|participat\w+|role)\s+in\s+(?:the\s+)?$|"
        r"(?<!\w)(?:участ\w+|участи\w+)\s+(?:у|в)\s+$",
        re.IGNORECASE,
    )
)
#: ", which they captured": a relative pronoun standing for the place right before it.
_RELATIVE_BEFORE = _fast(
    re.compile(
        r",\s*(?:which|that|который|которую|которое|которые|котором|яке|яку|який|які|що)\s+(?:[\w’']+\s+){0,3}$",
        re.IGNORECASE,
    )
)
#: A hold said of its subject ("X находится под контролем", "X is under Ukrainian control").
_COPULA = re.compile(
    r"(?:находит|наход|оста[её]т|остаются|остава|перебува|залиша|is\b|are\b|was\b|were\b|remain)", re.IGNORECASE
)
_POINTS_BACK = _fast(
    re.compile(r"(?<!\w)(?:this|these|that|it|них|этому|этого|этих|цьому|цього|цих|це|это)(?!\w)", re.IGNORECASE)
)
_OPERATION_GOES_ON = _fast(
    re.compile(
        r"(?<!\w)(?:(?:the\s+)?(?:operation|offensive|incursion|advance)\s+(?:is\s+|was\s+)?(?:going|proceeding|continuing|"
        r"continues|goes\s+on)(?:\s+(?:according\s+to|to)\s+(?:the\s+)?plan)?|"
        r"(?:операци\w+|наступлени\w+|продвижени\w+)\s+(?:\w+\s+)?(?:ид[её]т|продолжа\w+|развива\w+)(?:\s+(?:по|согласно)\s+"
        r"(?:\w+\s+)?плану?)?|"
        r"(?:операці\w+|наступ\w*|просуванн\w+)\s+(?:\w+\s+)?(?:йде|іде|триває|тривають|продовжу\w+|розвива\w+)"
        r"(?:\s+(?:за|згідно\s+з)\s+(?:\w+\s+)?план\w*)?)(?!\w)",
        re.IGNORECASE,
    )
)
_TOWARDS = _fast(
    re.compile(
        r"\s+(?:(?:further|deeper)\s+)?(?:towards?|in\s+the\s+direction\s+of|к|в\s+направлении|у\s+напрямку|до)\s+",
        re.IGNORECASE,
    )
)
_OWN_PART = re.compile(r"(?:[’']s)?\s+(?:\w+\s+)?(?:outskirts|edges?|parts?|centre|center|quarters?)\b", re.IGNORECASE)
_CONJ_BEFORE = (
    r"(?:\band|\bbut|\byet|\bи|\bно|\bа|\bі|\bта|\bй|\bале)\s+(?:also\s+|then\s+|также\s+|тоже\s+|також\s+|теж\s+)?$"
)
#: A verb opening an inverted statement: "..., said X" / "—сообщили в Минобороны".
_INVERTED = re.compile(r"(?:[,—–:]|^)\s*$")
#: "data from ISW", "citing Rybar": a source named inside the subject is not the speaker.
_FROM_SOURCE = re.compile(
    r"\b(?:data|figures|maps?|footage|assessment|reports?)\s+(?:\w+\s+)?(?:from|of|by)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)
_TOLD = re.compile(
    r"(?:\btold|\binformed|\bbriefed|\breported\s+to|\bдолож\w+|\bдоклады\w+|\bдоповів|\bдоповіла|\bдоповіли|"
    r"\bсказал\w*|\bсказав|\bсказала|\bпередал\w*)\s+(?:\w+\s+){0,1}$",
    re.IGNORECASE,
)
_DATIVE = re.compile(r"(?:[ую]|ому|ему|ові|еві|єві|ым|им)$", re.IGNORECASE)


def _listeners(text: str, speakers: list[tuple[_Span, Speaker]]) -> list[_Span]:
    """Claimants spoken to, not speaking: "told Putin", "доложил Путину", "доповів Зеленському"."""
    out = []
    for sp, _who in speakers:
        before = text[max(0, sp.start - 30) : sp.start]
        if not _TOLD.search(before):
            continue
        if _CYRILLIC.search(sp.text) and not _DATIVE.search(sp.text):
            continue  # "доложил врио губернатора Смирнов": the subject after its verb
        out.append(sp)
    return out


def _next_to(text: str, sp: _Span, known: list[_Span]) -> bool:
    """Whether a span stands next to a claimant ("ISW analysts", "analysts of ISW", "BILD's analyst")."""
    for k in known:
        gap = text[sp.end : k.start] if k.start >= sp.end else text[k.end : sp.start] if k.end <= sp.start else "x"
        if len(gap) <= 30 and re.fullmatch(
            r"\s*(?:[’']s)?\s*(?:(?:for|of|at|from|in|with|the|own|military|chief|senior|leading|\w+ian|\w+ish)\s+){0,3}",
            gap,
            re.IGNORECASE,
        ):
            return True
    return False


def _is_passive(text: str, t: _Span) -> bool:
    """Whether ``t`` is passive ("was liberated", "освобождены", "звільнено"): the place is its subject."""
    first = t.text.split()[0] if t.text.split() else ""
    participle = bool(re.fullmatch(r"\w+(?:ed|en|wn)|held|lost|left|won|hit|struck|fought|overrun|driven", first, re.I))
    be = bool(_BE_BEFORE.search(text[max(0, t.start - 30) : t.start]))
    return (be and (participle or bool(_CYRILLIC.search(first)))) or bool(_PARTICIPLE.match(t.text))


def _in_location(text: str, sp: _Span) -> bool:
    """Whether a state is named as a place ("in Ukraine's Sumy region"), not as a speaker."""
    before = text[max(0, sp.start - 12) : sp.start]
    after = text[sp.end : sp.end + 30]
    return bool(
        re.search(r"\b(?:in|of|into|across|from|в|во|у|на|из|з|із)\s+$", before, re.IGNORECASE)
        or re.match(r"[’']s\s+(?:\w+\s+)?(?:region|oblast|territory|border|land|soil|\w+\s+region)", after, re.I)
    )


_ADVERB = re.compile(
    r"there|here|also|later|then|again|further|там|тут|здесь|также|тоже|кроме|того|затем|позже|позднее|потом|"
    r"також|теж|крім|потім|пізніше|згодом|ще|еще|ещё|лише|лишь|только|уже|вже",
    re.IGNORECASE,
)


def _impersonal(text: str, v: _Span) -> bool:
    """A plural speech verb with no subject but adverbs ("Там наголосили", "Кроме того, сообщили")."""
    if not re.search(r"(?:ли|ли\s*,)$|(?:ли)\b", v.text, re.IGNORECASE) or not _CYRILLIC.search(v.text):
        return False
    start = max([m.end() for m in re.finditer(r"[,;:.]", text[: v.start])] + [0])
    words = re.findall(r"[^\W\d_][\w'’-]*", text[start : v.start])
    return all(_ADVERB.fullmatch(w) for w in words)


def _subject(text: str, v: _Span) -> str:
    """The words right before a speech verb when they are a subject that is no claimant ("local media said")."""
    start = max(
        [m.end() for m in _BOUNDARY.finditer(text, 0, v.start)]
        + [m.end() for m in re.finditer(r"[,;:]", text[: v.start])]
        + [0]
    )
    words = re.findall(r"[^\W\d_][\w'’-]*", text[start : v.start])
    if not words or len(words) > 6 or _PRONOUN.match(words[-1]) or _GENERIC.search(" ".join(words[:4])):
        return ""
    if all(_ADVERB.fullmatch(w) for w in words):
        return ""
    if re.match(r"(?:it|this|that)$", words[0], re.IGNORECASE):
        return ""
    return " ".join(words)


def _noun_or_passive(text: str, v: _Span) -> bool:
    """A speech word used as a noun ("Russian claims", "the report") or a passive ("claimed by Kyiv")."""
    if re.match(r"\s+by\b", text[v.end : v.end + 5]) and re.search(r"ed$", v.text):
        return True
    if not re.fullmatch(r"claims?|reports?|statements?|assessment|update", v.text, re.IGNORECASE):
        return False
    return bool(
        re.search(
            r"(?:\bthe|these|those|such|its|his|her|their|russian|ukrainian|[’']s|\bof|\ba|latest|"
            r"earlier|daily|new)\s*$",
            text[max(0, v.start - 14) : v.start],
            re.IGNORECASE,
        )
    )


def _closes(text: str, v: _Span) -> bool:
    """Whether a speech verb closes its sentence: ", the ministry said." / "... — DeepState reported on Sunday"."""
    rest = text[v.end :]
    if len(re.findall(r"\w+", rest)) <= 6:
        return True
    return bool(re.search(r"[,”\"»]\s*(?:\S+\s+){0,4}$", text[: v.start]))


def _other(side: str) -> str:
    return {"UA": "RU", "RU": "UA"}.get(side, "")


def _listed(text: str, items: list[Mention], p: Mention, *, loose: bool = False) -> bool:
    """Whether ``p`` continues a list started by the first item: only ',', 'and', 'и', 'та' between them.

    ``loose`` also lets a preposition follow the conjunction ("in X and near Y", "у X та біля Y").
    """
    i = items.index(p)
    prev = items[i - 1]
    between = text[prev.end : p.start]
    prep = _LIST_PREPOSITION if loose else ""
    return bool(
        re.fullmatch(
            r"\s*(?:,|and|or|и|и\s+в|та|і|й|,\s*and|,\s*и|,\s*та)?\s*" + prep + r"(?:(?:the\s+)?(?:villages?|"
            r"towns?|settlements?)\s+(?:of\s+)?)?",
            between,
            re.IGNORECASE,
        )
    )


_LIST_PREPOSITION = (
    r"(?:(?:in|into|inside|near|around|at|on|outside|в|во|у|на|біля|поблизу|под|около|возле|в\s+районе|в\s+районі|"
    r"у\s+районі)\s+)?(?:(?:the\s+)?(?:\w+\s+)?(?:outskirts|edges?|parts?)\s+of\s+|(?:\w+\s+)?(?:окраин\w+|околиц\w+|"
    r"част\w+)\s+)?"
)


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding per (claimant, kind, place or oblast, controller, date, figure): the surest one."""
    best: dict[tuple[object, ...], Finding] = {}
    for f in findings:
        key = (f.source.slug, f.kind, f.place.ids if f.place else f.oblast, f.controller, f.date, f.value, f.bearing)
        old = best.get(key)
        if old is None or f.confidence > old.confidence:
            best[key] = f
    return sorted(best.values(), key=lambda f: (f.start, f.kind))


PlaceLookup = Callable[[str], Place]


#: A sentence without a place can still claim something only with one of these (else it is skipped).
_MAY_CLAIM = re.compile(
    "|".join(
        (
            r"\d",
            "(?<![\\w-])(?:" + "|".join(map(re.escape, lx.NUMBER_WORDS)) + ")(?![\\w])",
            _REGION_WORD.pattern,
            _DENIAL.pattern,
            _ENCIRCLE.pattern,
            _FRONT_LINE.pattern,
            _NAMING.pattern,
            _OPERATION_GOES_ON.pattern,
        )
    ),
    re.IGNORECASE,
)


def _speed_up_module_patterns() -> None:
    """Every case-insensitive word pattern of this module runs on lower-cased text (see :class:`_Fast`)."""
    for name, value in list(globals().items()):
        if not name.startswith("_"):
            continue
        if isinstance(value, re.Pattern) and value.flags & re.IGNORECASE and _case_free(value.pattern):
            globals()[name] = _Fast(value)


_speed_up_module_patterns()
