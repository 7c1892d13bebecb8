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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..names import transliterate
from . import lexicon as lx
from .dates import DateRef, find_dates
from .figures import Figure, find_figures
from .places import Mention, Place, PlaceIndex, decide_namesakes
from .text import Doc, Sentence

if TYPE_CHECKING:
    from ..theatre import Claimant

_CYRILLIC = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def _rx(patterns: Iterable[str]) -> re.Pattern[str]:
    return lx.compile_words(tuple(patterns))


_SPEECH = _rx(lx.SPEECH)
_ACCORDING = re.compile(
    r"(?<![\w-])(?:according\s+to|citing|по\s+данным|по\s+словам|по\s+информации|согласно|по\s+оценк\w+|"
    r"за\s+даними|за\s+словами|за\s+інформацією|згідно\s+з|за\s+оцінк\w+)(?![\w])",
    re.IGNORECASE,
)
_NEG = _rx(lx.NEGATION)
_MODAL = _rx(lx.MODAL)
_BACKGROUND = _rx(lx.BACKGROUND)
_DENIAL = _rx(lx.DENIAL)
_REPORTED = _rx(lx.REPORTED_CLAIM)
_ENCIRCLE = _rx(lx.ENCIRCLEMENT)
_REGION_WORD = _rx(lx.REGION_WORDS)
_COREF = [(re.compile(rf"(?<![\w-])(?:{p})(?![\w])", re.IGNORECASE), k) for p, k in lx.COREFERENCE]
_GENERIC = _rx(lx.GENERIC_ATTRIBUTION)
_UNKNOWN = _rx(lx.UNKNOWN_SPEAKERS)
_TRIGGERS = [(re.compile(rf"(?<![\w-])(?:{p})(?![\w])", re.IGNORECASE), c) for p, c in lx.TRIGGERS]
#: Each trigger pattern is written for one script: a sentence is only searched with the patterns of its letters.
_TRIGGERS_BY_SCRIPT = {
    script: [(rx, c) for rx, c in _TRIGGERS if bool(_CYRILLIC.search(rx.pattern)) == (script == "cyr")]
    for script in ("cyr", "lat")
}
_SIDES = [(re.compile(rf"(?<![\w-])(?:{p})(?![\w])", re.IGNORECASE), s) for p, s in lx.SIDES]


def _compiled(claimants: Iterable[lx.Claimant]) -> dict[str, list[tuple[lx.Claimant, re.Pattern[str]]]]:
    """Each claimant's patterns as one expression per script (a sentence is searched with those of its letters)."""
    return {
        script: [
            (c, re.compile(r"(?<![\w-])" + lx.alternation(ps) + r"(?![\w])", re.IGNORECASE))
            for c in claimants
            if (ps := [p for p in c.patterns if bool(_CYRILLIC.search(p)) == (script == "cyr")])
        ]
        for script in ("cyr", "lat")
    }


_CLAIMANTS = _compiled(lx.CLAIMANTS)
_CLAIMANTS_CASE = [(slug, re.compile(rf"(?<![\w-])(?:{p})(?![\w])")) for slug, p in lx.CASE_SENSITIVE.items()]
#: Clause boundaries: what is on the other side of one of these is another statement.
_BOUNDARY = re.compile(
    r";|:\s|\s[—–]\s|,\s*(?:but|while|whereas|although|though|which|who|as|after|before|when|since|despite|"
    r"а|но|однако|хотя|который|которая|которое|которые|але|проте|однак|хоча|який|яка|яке|які)\s|"
    r"\s(?:but|while|whereas|although|though|despite|но|однако|але|проте|однак|тогда\s+как|тоді\s+як)\s",
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
    r"(?:ward)?\s+of|(?P<ru>северо-восточнее|северо-западнее|юго-восточнее|юго-западнее|севернее|южнее|"
    r"восточнее|западнее)|на\s+(?P<ru2>северо-восток|северо-запад|юго-восток|юго-запад|север|юг|восток|запад)\s+от"
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
_APPOSITIVE = re.compile(r",\s+(?:the|a|an)\s+(?:\w+\s+){1,3}$", re.IGNORECASE)
_CONTROL_CLASSES = ("capture", "expel", "retake", "hold", "lose")
_PARTIAL = _rx(lx.PARTIAL)
_REPEL = re.compile(
    r"repel|repuls|beat|fend|thwart|halt|stop|foil|отраз|отраж|отби|сорва|пресе|відби|зірва", re.IGNORECASE
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


@dataclass(frozen=True)
class _Article:
    """What every sentence of one article shares."""

    published: dt.date | None
    published_how: str
    hint: Speaker | None
    focus: str
    memory: _Memory


@dataclass(frozen=True)
class _Spans:
    """What was found in one sentence before the rules run."""

    speakers: list[tuple[_Span, Speaker]]
    speech: list[_Span]
    dates: list[DateRef]
    attributions: list[tuple[int, Speaker, str]]
    triggers: list[_Span]
    figures: list[Figure]


def _spans(rx: re.Pattern[str], text: str, cls: str = "") -> list[_Span]:
    return [_Span(m.start(), m.end(), m[0], cls) for m in rx.finditer(text)]


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
    claimants : iterable of Claimant, optional
        The theatre's own claimants (``theatre.toml``, :class:`kursk_map.theatre.Claimant`), tried
        before the lexicon's; the lexicon's claimants they replace are dropped, and the words that
        referred back to those ("the governor") refer to them.
    """

    def __init__(
        self, index: PlaceIndex, *, sides: Mapping[str, str] | None = None, claimants: Iterable[Claimant] = ()
    ) -> None:
        self.index = index
        self.sides = dict(sides or {})
        own = tuple(claimants)
        replaced = {r for c in own for r in c.replaces}
        self.claimants: tuple[lx.Claimant, ...] = (
            *(lx.Claimant(c.slug, c.side, c.kind, c.label, c.patterns) for c in own),
            *(c for c in lx.CLAIMANTS if c.slug not in replaced),
        )
        self._claimants = _compiled(self.claimants) if own else _CLAIMANTS
        self._case = [(slug, rx) for slug, rx in _CLAIMANTS_CASE if slug not in replaced]
        stand_in = {r: [c.slug for c in own if r in c.replaces] for r in replaced}
        self._coref = [
            (rx, frozenset(x for m in means for x in stand_in.get(m, [m])) if isinstance(means, frozenset) else means)
            for rx, means in _COREF
        ]

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
        found: list[Mention] = []
        owner: list[int] = []
        for i, s in enumerate(doc.sentences):
            for m in self.index.find(s.text):
                found.append(replace(m, start=m.start + s.start, end=m.end + s.start))
                owner.append(i)
        mentions = decide_namesakes(found, self.index.places)
        by_sentence: dict[int, list[Mention]] = {i: [] for i in range(len(doc.sentences))}
        for i, m in zip(owner, mentions, strict=True):
            base = doc.sentences[i].start
            by_sentence[i].append(replace(m, start=m.start - base, end=m.end - base))
        focus = _focus_oblast(mentions, self.index.places)
        hint = self._hint_speaker(source_hint)
        memory = _Memory()
        art = _Article(published, published_how, hint, focus, memory)
        out: list[Finding] = []
        for i, s in enumerate(doc.sentences):
            if s.para != memory.para:
                memory.para = s.para
            if out and (rel := _follow_up_relative(out[-1], s, by_sentence[i], published)) is not None:
                out[-1] = rel
                continue
            said = self._sentence(s, by_sentence[i], art)
            out.extend(replace(f, start=f.start + s.start, end=f.end + s.start) for f in said)
        return _merge(out)

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

    def _speakers(self, text: str) -> list[tuple[_Span, Speaker]]:
        found: list[tuple[_Span, Speaker]] = []
        patterns = [
            *(self._claimants["cyr"] if _CYRILLIC.search(text) else []),
            *(self._claimants["lat"] if _LATIN.search(text) else []),
        ]
        for c, rx in patterns:
            for m in rx.finditer(text):
                sp = Speaker(c.slug, self.sides.get(c.slug, c.side), c.kind, c.label, m[0], new=self._new(c.slug))
                found.append((_Span(m.start(), m.end(), m[0], c.kind), sp))
        for slug, rx in self._case:
            for m in rx.finditer(text):
                c = next(x for x in self.claimants if x.slug == slug)
                who = Speaker(slug, self.sides.get(slug, c.side), c.kind, c.label, m[0], new=self._new(slug))
                found.append((_Span(m.start(), m.end(), m[0], c.kind), who))
        kept = _no_overlap([sp for sp, _ in found])
        return [
            (sp, who)
            for sp, who in found
            if sp in kept and _first(found, sp) is who and not (who.kind == "state" and _in_location(text, sp))
        ]

    def _sentence(self, s: Sentence, places: list[Mention], art: _Article) -> list[Finding]:
        published, memory = art.published, art.memory
        text = s.text
        speakers = self._speakers(text)
        speech = [v for v in _spans(_SPEECH, text, "speech") if not _noun_or_passive(text, v)]
        speech += [
            d
            for d in _spans(_DENIAL, text, "speech")
            if not any(v.start <= d.start < v.end for v in speech) and not _DENIAL_WORD.search(d.text)
        ]
        speech.sort(key=lambda v: v.start)
        according = _spans(_ACCORDING, text, "according")
        dates = [d for d in find_dates(text, published) if d.date is None or published is None or d.date <= published]
        attributions = self._attributions(
            text, speakers, speech=speech, according=according, memory=memory, hint=art.hint
        )
        if attributions:
            memory.last = attributions[-1][1]
        # a claimant opening the sentence is its subject ("The ministry gave an update."): "it" may mean it later
        opening = [who for sp, who in speakers if _words_between(text, 0, sp.start) <= 2 and who.kind != "state"]
        memory.recent += opening[:1] + [who for _, who, _ in attributions]
        if s.headline:
            return []
        claimant_spans = [sp for sp, _ in speakers]
        triggers = self._triggers(text, claimant_spans)
        figures = find_figures(text)
        spans = _Spans(speakers, speech + according, dates, attributions, triggers, figures)
        ctx = _Context(self, s, places, art, spans)
        found = ctx.run()
        if found:
            memory.date, memory.date_how = found[-1].date, found[-1].date_how
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
        for v in speech:
            if any(a.start <= v.start < a.end for a in according):
                continue
            reported = [r for r in all_reported if r.end <= v.start]
            before = [
                (sp, who)
                for sp, who in speakers
                if sp.end <= v.start
                and _words_between(text, sp.end, v.start) <= 8
                and not _BOUNDARY.search(text, sp.end, v.start)
                and not any(r.start - 30 <= sp.start <= r.end + 15 for r in reported)
            ]
            after = [
                (sp, who)
                for sp, who in speakers
                if v.end <= sp.start
                and _words_between(text, v.end, sp.start) <= 2
                and not _THAT.search(text, v.end, sp.start)
            ]
            trailing = " (trailing)" if _closes(text, v) else ""
            if after and (not before or re.search(r"[,—–]\s*$", text[: v.start])):
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
                    if sp.end <= v.start and not any(r.start - 30 <= sp.start <= r.end + 15 for r in reported)
                ]
                ref = self._coreference(text[max(0, v.start - 40) : v.start], memory, after=False, earlier=earlier)
                ref = ref or self._side_coreference(text, v)
                if ref:
                    out.append((v.start, ref[0], f"{ref[1]} {v.text} (= {ref[0].label}, named before){trailing}"))
                elif out and re.search(r"(?:\band|\bи|\bі|\bта|\bй)\s*$", text[max(0, v.start - 8) : v.start]):
                    # "denied ... and said ...": the second verb has the first one's speaker
                    out.append((v.start, out[-1][1], f"{v.text} (same speaker as '{out[-1][2].split(' (')[0]}')"))
                elif newcomer := self._named_newcomer(text, v):
                    out.append((v.start, newcomer, f"{newcomer.written} … {v.text} (not in sources.csv){trailing}"))
                elif (u := _UNKNOWN.search(text, max(0, v.start - 60), v.start)) and not _BOUNDARY.search(
                    text, u.end(), v.start
                ):
                    out.append((v.start, UNKNOWN, f"{u[0]} … {v.text}: someone who is not a known source{trailing}"))
                elif not _DENIAL_PREDICATE.search(v.text) and (subject := _subject(text, v)):
                    out.append((v.start, UNKNOWN, f"{subject} … {v.text}: someone who is not a known source{trailing}"))
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

            for w in [*reversed(earlier or []), *reversed(memory.recent)]:
                if fits(w):
                    return w, m[0]
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
                if cls in ("hold", "capture") and _APPOSITIVE.search(text[max(0, m.start() - 40) : m.start()]):
                    continue  # "Gornal, the last village held by Ukraine, ...": a description, not a claim
                if _SCARE_OPEN.search(text[max(0, m.start() - 2) : m.start()]) and _SCARE_CLOSE.match(text, m.end()):
                    continue  # «освободило», "liberated": the writer doubts the word
                spans.append(_Span(m.start(), m.end(), m[0], cls))
        return _no_overlap(spans)


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
        self.boundaries = [m.start() for m in _BOUNDARY.finditer(text)]
        self.reported = _spans(_REPORTED, text, "reported")
        self.denials = _spans(_DENIAL, text, "denial")
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
        if self.hint is not None:
            return self.hint, "no attribution in the sentence: the outlet's own statement (--source-hint)", 0.2, None
        return None, "", 0.0, None

    def date_for(self, speech_pos: int | None, trig: int) -> tuple[dt.date | None, str, float]:
        """The statement's date: next to its speech verb, else in the sentence, else the article's."""
        exact = [d for d in self.dates if d.date is not None and not d.vague]
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
        vague = [d for d in self.dates if d.vague]
        if vague:
            return vague[0].date, vague[0].how, 0.1
        if self.published is None:
            return None, "no date in the sentence and no publication date (give --published)", 0.3
        how = self.published_how or "--published"
        return self.published, f"no date in the sentence: the article's date {self.published} ({how})", 0.05

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

    def background(self, cstart: int, cend: int, attributed: bool, speech_pos: int | None) -> str:
        clause = self.text[cstart:cend]
        for m in _BACKGROUND.finditer(clause):
            if speech_pos is not None and abs(cstart + m.start() - speech_pos) <= 25:
                continue  # "declared on April 26": the statement's date, not the event's
            return m[0]
        for d in self.dates:
            far = d.date and self.published and (self.published - d.date).days > 31
            if cstart <= d.start < cend and far and (speech_pos is None or abs(d.start - speech_pos) > 40):
                return d.written
        if not attributed and _PERFECT.search(clause):
            return _PERFECT.search(clause)[0]  # type: ignore[index]
        return ""

    def quoted_in_clause(self, pos: int) -> bool:
        """Whether ``pos`` is inside someone else's claim that the sentence reports ("Russian claims that ...")."""
        cstart, _ = self.clause(pos)
        q = self.quoted(pos, _NOBODY)
        return q is not None and q.start >= cstart - 40

    def quoted(self, pos: int, speaker: Speaker) -> _Span | None:
        """A "claims that ..." of someone else before ``pos`` in the sentence."""
        for r in self.reported:
            if r.end <= pos:
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
        cands: list[tuple[int, str, str]] = []
        if not _is_passive(
            self.text, t
        ):  # in a passive the side before the verb lost the place: only "by X" names the actor
            for rx, side in _SIDES:
                for m in rx.finditer(self.text, cstart, t.start):
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
        if side == "own":
            return speaker.side if speaker.side in ("UA", "RU") else "", f"{written!r} (the claimant's side)"
        if side == "enemy":
            if speaker.side not in ("UA", "RU") and re.search(r"[іїєґ]", self.text):
                return "RU", f"{written!r} (the enemy, in a Ukrainian text)"
            return _other(speaker.side), f"{written!r} (the claimant's enemy)"
        return side, repr(written)

    # --- the rules -------------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        out: list[Finding] = []
        out += self.denial_rules()
        denied_span = bool(out)
        used_figures: set[int] = set()
        for t in self.triggers:
            if denied_span and self.quoted_in_clause(t.start):
                continue
            out += self.trigger_rule(t, used_figures)
        out += self.figure_rules(used_figures)
        if any(f.place is not None for f in out):  # a statement about places is not also one about the region
            out = [f for f in out if not (f.kind == "region" and not f.controller and f.value is None)]
        return out

    def _base(self, t: _Span) -> tuple[Speaker, str, float, int | None] | None:
        who, how, penalty, speech_pos = self.owner(t.start)
        if who is None or who is UNKNOWN:
            return None
        return who, how, penalty, speech_pos

    def trigger_rule(self, t: _Span, used_figures: set[int]) -> list[Finding]:
        base = self._base(t)
        if base is None:
            return []
        who, how, penalty, speech_pos = base
        cstart, cend = self.clause(t.start)
        notes: list[str] = []
        if self.negated(t):
            return []
        if _MODAL.search(t.text):
            return []  # "попытается окружить": the trigger itself is a future or a wish
        if (m := self.modal(t, cstart)) and t.cls != "attack":
            return []
        if t.cls == "attack" and re.match(
            r"(?:could|would|might|may|will|plans?|aims?|може|может|буде|будет)", m or ""
        ):
            return []
        bg = self.background(cstart, cend, speech_pos is not None, speech_pos)
        if bg:
            return []
        q = self.quoted(t.start, who)
        if q is not None and q.start >= cstart - 40:
            return []  # someone else's claim, reported by the speaker: not the speaker's
        if t.cls in ("hold", "capture") and self.partial(t):
            t = replace(t, cls="presence")
        objs = self.objects(t, cstart, cend)
        date, date_how, dpen = self.date_for(speech_pos, t.start)
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
                add("presence", "contested", p, "fighting, positions or troops in or near the place")
            if not settlements and (_ONGOING.search(self.text) or who is not self.hint):
                oblasts = [p for p in objs if p.kind == "oblast"] or self._region_words(t, cstart, cend)
                for ob in dict.fromkeys(p.oblast for p in oblasts):
                    add(
                        "region",
                        "",
                        None,
                        "fighting or troops in the region, no settlement named",
                        oblast=ob,
                        c=conf - 0.1,
                    )
        elif t.cls in ("attack", "strike"):
            attacker, why = self.attacker(t, cstart, cend, who)
            settlements = [p for p in objs if p.kind == "settlement"]
            if attacker:
                notes.append(f"attacker {attacker}: {why}")
                for p in settlements:
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
        if _REPEL.match(t.text):
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
            if who.side in ("UA", "RU"):
                return "", ""
            return "", ""
        if side:
            return side, f"{side_how} {t.cls}"
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
        if _is_passive(self.text, t) and t.cls in _CONTROL_CLASSES:
            prev = max([x.end for x in self.triggers if x.end <= t.start] + [cstart, self._list_start(t.start)])
            before = [p for p in self.places if prev <= p.start and p.end <= t.start and not self._landmark(p, t)]
            if before:
                return before
        nxt = min([x.start for x in self.triggers if x.start > t.start] + [cend])
        after = [p for p in self.places if t.end <= p.start < nxt]
        if t.cls in _CONTROL_CLASSES:
            kept: list[Mention] = []
            for i, p in enumerate(after):
                listed = i > 0 and _listed(self.text, after, p)
                if self._landmark(p, t) or (listed and after[i - 1] not in kept):
                    continue  # "near Gornal and Oleshnya": the landmark word governs the whole list
                if i == 0 or listed:
                    kept.append(p)
            after = kept
        if after:
            return after
        prev = max([x.end for x in self.triggers if x.end <= t.start] + [cstart])
        before = [p for p in self.places if prev <= p.start and p.end <= t.start]
        if (
            t.cls in _CONTROL_CLASSES
            and not _PASSIVE.search(t.text)
            and not re.search(r"\b(?:was|were|been|is|are)\s+(?:\w+\s+)?$", self.text[max(0, t.start - 25) : t.start])
        ):
            return []
        if t.cls in _CONTROL_CLASSES:
            before = [p for p in before if not self._landmark(p, t)]
        return before

    def _list_start(self, pos: int) -> int:
        """Where the subject before ``pos`` begins: after the last comma that does not join a list of places."""
        for m in reversed(list(re.finditer(r",", self.text[:pos]))):
            left = [p for p in self.places if p.end <= m.start() and m.start() - p.end <= 1]
            right = [p for p in self.places if p.start >= m.end() and p.start - m.end() <= 2]
            if not (left and right):
                return m.end()
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
        place = None
        if d is not None:
            after = [p for p in self.settlements if d.end() <= p.start <= d.end() + 30]
            place = after[0] if after else None
        notes = (f"controller {side}: {side_how}",) + ((f.note,) if f.note else ())
        start, end = min(t.start, f.start), max(t.end, f.end, place.end if place else 0)
        if place is not None and d is not None:
            word = (d["en"] or d["ru"] or d["ru2"] or d["uk"] or d["uk2"]).lower().replace("  ", " ")
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
        return [
            Finding(
                who,
                how,
                "region",
                "",
                date,
                date_how,
                start,
                end,
                "advance of N km, no place named",
                oblast=obl,
                value=f.value,
                unit=f.unit,
                verb=t.text,
                confidence=round(conf - 0.1, 2),
                notes=notes,
            )
        ]

    def figure_rules(self, used: set[int]) -> list[Finding]:
        out: list[Finding] = []
        for f in self.figures:
            if f.start in used or f.kind == "distance":
                continue
            if _MORE.search(self.text[max(0, f.start - 12) : f.start]):
                continue  # "two more villages": a step, not a total
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
            if self.background(cstart, cend, speech_pos is not None, speech_pos):
                continue
            q = self.quoted(f.start, who)
            if q is not None and q.start >= cstart - 40:
                continue
            holding = re.search(
                r"control\s+(?:over|of)|under\s+(?:\w+\s+)?control|hold|held|controls|controlled|in\s+\w+\s+hands|"
                r"контрол\w*|удержива\w+|утриму\w+|під\s+контролем|под\s+контролем",
                window,
                re.IGNORECASE,
            )
            gained = re.search(
                r"captur|took|taken|seiz|liberat|retook|retaken|recaptur|regain|won\s+back|"
                r"освобо|взя|захват|звільн|захоп|повернул|вернул",
                window,
                re.IGNORECASE,
            )
            if not (holding or gained):
                continue
            date, date_how, dpen = self.date_for(speech_pos, f.start)
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
            else:
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
            date, date_how, dpen = self.date_for(speech_pos, d.start)
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
            date, date_how, dpen = self.date_for(speech_pos, e.start())
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
    word = (d["en"] or d["ru"] or d["ru2"] or d["uk"] or d["uk2"]).lower()
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
_BE_BEFORE = re.compile(r"\b(?:was|were|been|is|are|be)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_PARTICIPLE = re.compile(r"^[а-яёіїєґ]+(?:ен[аоыі]?|ён|ан[аоыі]?|ят[аоыі]?|[ыи]т[аоыі]?|ят)$", re.IGNORECASE)


def _is_passive(text: str, t: _Span) -> bool:
    """Whether ``t`` is passive ("was liberated", "освобождены", "звільнено"): the place is its subject."""
    return bool(_BE_BEFORE.search(text[max(0, t.start - 30) : t.start]) or _PARTICIPLE.match(t.text))


def _in_location(text: str, sp: _Span) -> bool:
    """Whether a state is named as a place ("in Ukraine's Sumy region"), not as a speaker."""
    before = text[max(0, sp.start - 12) : sp.start]
    after = text[sp.end : sp.end + 30]
    return bool(
        re.search(r"\b(?:in|of|into|across|from|в|во|у|на|из|з|із)\s+$", before, re.IGNORECASE)
        or re.match(r"[’']s\s+(?:\w+\s+)?(?:region|oblast|territory|border|land|soil|\w+\s+region)", after, re.I)
    )


def _subject(text: str, v: _Span) -> str:
    """The words right before a speech verb when they are a subject that is no claimant ("local media said")."""
    start = max(
        [m.end() for m in _BOUNDARY.finditer(text, 0, v.start)]
        + [m.end() for m in re.finditer(r"[,;:]", text[: v.start])]
        + [0]
    )
    words = re.findall(r"[^\W\d_][\w'’-]*", text[start : v.start])
    if not words or len(words) > 6 or _PRONOUN.match(words[-1]) or _GENERIC.fullmatch(" ".join(words[-2:])):
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


def _listed(text: str, items: list[Mention], p: Mention) -> bool:
    """Whether ``p`` continues a list started by the first item: only ',', 'and', 'и', 'та' between them."""
    i = items.index(p)
    prev = items[i - 1]
    between = text[prev.end : p.start]
    return bool(
        re.fullmatch(
            r"\s*(?:,|and|or|и|и\s+в|та|і|й|,\s*and|,\s*и|,\s*та)?\s*(?:(?:the\s+)?(?:villages?|"
            r"towns?|settlements?)\s+(?:of\s+)?)?",
            between,
            re.IGNORECASE,
        )
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
