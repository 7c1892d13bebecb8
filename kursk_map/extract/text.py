"""Body text into sentences: blanks squashed, offsets kept, headlines told apart. Pure functions.

The reader keeps the file's offsets by blanking markup; here the blanks are squashed into single
spaces (a blank line stays a paragraph break) and an index maps every character back to its
offset in the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .reader import FILL

#: Words after which a full stop does not end a sentence (lower case, without the stop).
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "maj",
        "sgt",
        "capt",
        "st",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "approx",
        "est",
        "inc",
        "corp",
        "govt",
        "dept",
        "mt",
        "ft",
        "sq",
        "km",
        "г",
        "гг",
        "р",
        "рр",
        "обл",
        "с",
        "ст",
        "им",
        "т.е",
        "т.д",
        "т.п",
        "пгт",
        "ул",
        "вул",
        "див",
        "тис",
        "млн",
        "млрд",
        "кв",
        "ген",
        "см",
    ]
)
_SENT_END = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s+[\"'«“„(\[]?[A-ZА-ЯЁІЇЄҐ0-9])")
_TERMINAL = re.compile(r"[.!?…:;][\"'»”’)\]]*\s*$")


@dataclass(frozen=True)
class Sentence:
    """One sentence (or headline line) of the squashed text.

    ``start``/``end`` index :attr:`Doc.text`; ``para`` counts paragraphs from 0; a ``headline``
    is a line without a sentence ending (a title, a caption, navigation): read for context only.
    """

    start: int
    end: int
    text: str
    para: int
    headline: bool


@dataclass(frozen=True)
class Offsets:
    """Where the squashed text's characters are in the file: one entry per run of text or of blanks.

    ``starts[k]`` is where run ``k`` begins in the squashed text, ``raw[k]`` where it begins in the
    file; a text run maps letter for letter, a blank run (one space or newline) to its first blank.
    """

    starts: tuple[int, ...]
    raw: tuple[int, ...]
    blank: tuple[bool, ...]

    def __getitem__(self, i: int) -> int:
        k = bisect.bisect_right(self.starts, i) - 1
        if k < 0:
            return 0
        return self.raw[k] if self.blank[k] else self.raw[k] + (i - self.starts[k])


@dataclass(frozen=True)
class Doc:
    """Squashed body text, the map back to file offsets, and its sentences."""

    text: str
    index: Offsets
    sentences: tuple[Sentence, ...]
    lang: str

    def file_offset(self, i: int) -> int:
        """Offset in the article file of character ``i`` of :attr:`text` (``i == len`` allowed)."""
        if not self.text:
            return 0
        if i >= len(self.text):
            return self.index[len(self.text) - 1] + 1
        return self.index[i]


def squash(text: str) -> tuple[str, Offsets]:
    r"""Collapse blank runs to one space (two newlines or more to a paragraph break); keep offsets.

    Examples
    --------
    >>> flat, index = squash("  Took  Sud\x00\x00zha.\n\n\n  Next   one.")
    >>> flat, index[5], index[8], index[14]
    ('Took Sudzha.\n\nNext one.', 8, 13, 22)
    """
    out: list[str] = []
    starts: list[int] = []
    raw: list[int] = []
    blank: list[bool] = []
    pos = 0
    lead = _LEAD.match(text)
    last = lead.end() if lead else 0  # leading blanks (and FILL) give nothing
    if last < len(text):
        starts.append(0)
        raw.append(last)
        blank.append(False)
    # only blank runs that are not one space or one newline change the text: the rest is copied as it is
    for m in _CHANGE.finditer(text, last):
        out.append(text[last : m.start()])
        pos += m.start() - last
        last = m.end()
        chunk = m[0]
        if m.end() == len(text):
            break  # trailing blanks: dropped
        if chunk.strip(FILL):
            sep = "\n\n" if chunk.count("\n") >= 2 else "\n" if "\n" in chunk else " "
            starts.append(pos)
            raw.append(m.start())
            blank.append(True)
            out.append(sep)
            pos += len(sep)
        starts.append(pos)
        raw.append(m.end())
        blank.append(False)
    else:
        out.append(text[last:])
    flat = "".join(out).rstrip(" \n")  # a trailing lone space or newline
    while starts and starts[-1] >= len(flat):
        for lst in (starts, raw, blank):
            lst.pop()
    return flat, Offsets(tuple(starts), tuple(raw), tuple(blank))


_LEAD = re.compile(r"[\s" + FILL + r"]+")
#: Blank runs that squashing changes: two characters or more, or one that is not a space or a newline.
_CHANGE = re.compile(r"[\s" + FILL + r"]{2,}|[^\S \n]|" + FILL)
_RUNS = re.compile(r"[^\s" + FILL + r"]+|[\s" + FILL + r"]+")


def language(text: str) -> str:
    """``en``, ``ru`` or ``uk`` by the letters used.

    Examples
    --------
    >>> language("Війська звільнили Суджу"), language("Войска освободили Суджу"), language("Troops took it")
    ('uk', 'ru', 'en')
    """
    low = text.lower()
    cyr = len(_CYR_LETTER.findall(low))
    lat = len(_LAT_LETTER.findall(low))
    if cyr <= lat:
        return "en"
    uk = len(_UK_MARK.findall(low))
    ru = len(_RU_MARK.findall(low))
    return "uk" if uk > ru else "ru"


_CYR_LETTER = re.compile(r"[а-яёіїєґ]")
_LAT_LETTER = re.compile(r"[a-z]")
_UK_MARK = re.compile(r"[іїєґ]|\bщо\b|\bта\b")
_RU_MARK = re.compile(r"[ыэъё]|\bчто\b")


def _split(para: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph (offsets in ``para``)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(para):
        word = re.search(r"([\w.]+)\W*$", para[start : m.start() + 1])
        prev = word[1].lower().rstrip(".") if word else ""
        # an abbreviation, an initial ("V. Putin"), or a number ("No. 5") does not end a sentence
        if m[0].startswith(".") and (prev in _ABBREVIATIONS or (len(prev) == 1 and prev.isalpha())):
            continue
        spans.append((start, m.end()))
        start = m.end()
        while start < len(para) and para[start].isspace():
            start += 1
    if start < len(para):
        spans.append((start, len(para)))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    r"""Sentences of squashed text; a paragraph without a sentence ending is headline lines.

    Examples
    --------
    >>> [(s.text, s.headline) for s in split_sentences("Russia Claims Gains\n\nThe U.S. said so. Gen. Smith agreed.")]
    [('Russia Claims Gains', True), ('The U.S. said so.', False), ('Gen. Smith agreed.', False)]
    """
    out: list[Sentence] = []
    pos = 0
    for n, para in enumerate(text.split("\n\n")):
        words = len(para.split())
        if para and not _TERMINAL.search(para) and words <= 30:
            off = 0
            for line in para.split("\n"):
                if line.strip():
                    out.append(Sentence(pos + off, pos + off + len(line), line, n, True))
                off += len(line) + 1
        else:
            off = 0
            lines = para.split("\n")
            # a short line without a sentence ending, above a line that starts a sentence, is a title
            while len(lines) > 1 and _is_title(lines[0], lines[1]):
                out.append(Sentence(pos + off, pos + off + len(lines[0]), lines[0], n, True))
                off += len(lines[0]) + 1
                lines.pop(0)
            flat = "\n".join(lines).replace("\n", " ")
            out.extend(
                Sentence(pos + off + a, pos + off + b, flat[a:b], n, False)
                for a, b in _split(flat)
                if flat[a:b].strip()
            )
        pos += len(para) + 2
    return out


def _is_title(line: str, nxt: str) -> bool:
    return (
        not _TERMINAL.search(line)
        and len(line.split()) <= 20
        and not re.search(r"[,;(\-–—]\s*$|\b(?:and|or|the|of|a|и|в|на|та|і|у)\s*$", line, re.IGNORECASE)
        and bool(re.match(r"[\"'«“(\[]?[A-ZА-ЯЁІЇЄҐ0-9]", nxt.strip()))
    )


def read_doc(text: str) -> Doc:
    """Squash an article body and split it into sentences."""
    flat, index = squash(text)
    return Doc(flat, index, tuple(split_sentences(flat)), language(flat))
