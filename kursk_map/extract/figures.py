"""Figures with units in a sentence: areas, settlement counts, distances. Pure functions.

"about 110 square km (42 square miles)" is one figure: the metric one is kept and the other
noted. Square miles alone are converted to km². A range keeps the bound the claim guarantees:
the lower bound of what is held ("45-50 settlements": at least 45), the upper bound of an
advance ("one to two kilometres": up to 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import schemas
from ._fast import fast
from .lexicon import NUMBER_WORDS, UNITS, alternation

_WORDS = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_DIGITS = r"[0-9]{1,3}(?:[,\u00a0\u202f ][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:[.,][0-9]+)?"
_NUM = rf"(?:{_DIGITS}|(?:{_WORDS}))"
_THOUSAND = r"(?:\s*(?:thousand|тыс\.?|тысяч\w*|тис\.?|тисяч\w*))?"
_QUAL = (
    r"(?:more\s+than|over|above|about|around|roughly|nearly|almost|approximately|some|up\s+to|at\s+least|"
    r"at\s+most|less\s+than|under|an\s+estimated|"
    r"более|свыше|около|почти|порядка|примерно|до|не\s+менее|менее|"
    r"понад|більше|близько|майже|приблизно|до|щонайменше|менше)"
)
_UNIT_RX = [(re.compile(rf"^\s*-?\s*(?:{p})(?!\w)", re.IGNORECASE), unit, kind) for p, unit, kind in UNITS]
_FIGURE = fast(
    re.compile(
        rf"(?<![\w.,])(?:(?P<qual>{_QUAL})\s+)?(?:(?:from|від|от|between|между|між)\s+)?(?P<a>{_NUM}){_THOUSAND}"
        rf"(?:\s*(?:-|–|—|to|до|or|или|або|and|и|і|та)\s*(?P<b>{_NUM}){_THOUSAND})?",
        re.IGNORECASE,
    )
)
#: A bare number compared with a figure just before it: "500 km², down from a peak of about 1,300".
_COMPARED = re.compile(
    rf"(?:down|up)\s+from\s+(?:a\s+(?:peak|high|maximum|height)\s+of\s+)?(?:(?:about|around|some|roughly|nearly|"
    rf"almost|over|more\s+than|an\s+estimated)\s+)?(?P<n>{_DIGITS})"
    rf"(?![\w.,]*\s*(?:{alternation([p for p, _, _ in UNITS])}))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """A number with its unit, as the ledger writes it (``unit`` from :data:`kursk_map.schemas.UNITS`)."""

    start: int
    end: int
    written: str
    value: float
    unit: str
    kind: str  # "area", "count" or "distance"
    note: str = ""


def _number(text: str) -> float | None:
    t = text.strip().lower().replace("\u00a0", " ").replace("\u202f", " ")
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    if re.fullmatch(r"[0-9]{1,3}(?:[, ][0-9]{3})+(?:\.[0-9]+)?", t):
        return float(re.sub(r"[, ]", "", t))
    if re.fullmatch(r"[0-9]+,[0-9]{1,2}", t):  # Russian/Ukrainian decimal comma: 1,5
        return float(t.replace(",", "."))
    try:
        return float(t)
    except ValueError:
        return None


def _unit_after(text: str, pos: int) -> tuple[int, str, str] | None:
    rest = text[pos : pos + 60]
    for rx, unit, kind in _UNIT_RX:
        m = rx.match(rest)
        if m:
            return pos + m.end(), unit, kind
    return None


def find_figures(text: str) -> list[Figure]:
    """Every figure with a unit in ``text``; a figure repeated in another unit in brackets is one.

    Examples
    --------
    >>> [(f.value, f.unit, f.kind) for f in find_figures("about 110 square km (42 square miles), up to five km")]
    [(110.0, 'km2', 'area'), (5.0, 'km', 'distance')]
    >>> f = find_figures("held 528 square miles")[0]
    >>> f.value, f.unit, f.note
    (1367.5, 'km2', '528 sq mi converted to km²')
    >>> [(f.value, f.unit) for f in find_figures("45-50 settlements; one to two kilometers; 1,1 тыс. кв. км")]
    [(45.0, 'settlements'), (2.0, 'km'), (1100.0, 'km2')]
    """
    out: list[Figure] = []
    for m in _FIGURE.finditer(text):
        a = _number(m["a"])
        if a is None:
            continue
        b = _number(m["b"]) if m["b"] else None
        thousand = re.search(r"thousand|тыс|тис", m[0], re.IGNORECASE)
        if thousand:
            a, b = a * 1000, (b * 1000 if b is not None else None)
        unit_hit = _unit_after(text, m.end())
        if unit_hit is None:
            continue
        end, unit, kind = unit_hit
        if b is not None and b > a:
            value = b if kind == "distance" else a
            note = f"range {m['a']}-{m['b']}: {'upper' if kind == 'distance' else 'lower'} bound kept"
        else:
            value, note = a, ""
        if m["qual"] and not re.search(r"control\s*$", text[max(0, m.start() - 9) : m.start()], re.IGNORECASE):
            note = "; ".join(x for x in (note, f"'{m['qual'].lower()}' {value:g}") if x)
        fig = Figure(m.start(), end, text[m.start() : end], value, unit, kind, note)
        if unit == "sq mi":
            km2 = round(value * schemas.CANONICAL_UNIT["sq mi"][1], 1)
            fig = Figure(fig.start, fig.end, fig.written, km2, "km2", kind, f"{value:g} sq mi converted to km²")
        if (
            m["b"]
            and re.search(r"\s(?:and|и|і|та)\s", m[0], re.I)
            and not re.match(r"(?:between|между|між)\s", m[0], re.I)
        ):
            continue  # "5 and 6 settlements" without "between": not a range
        if out and _same_in_brackets(text, out[-1], fig):
            prev = out[-1]
            out[-1] = Figure(
                prev.start,
                fig.end,
                text[prev.start : fig.end],
                prev.value,
                prev.unit,
                prev.kind,
                "; ".join(x for x in (prev.note, f"also given as {fig.written.strip()}") if x),
            )
            if prev.note.endswith("converted to km²"):  # the metric figure in brackets is the one kept
                out[-1] = Figure(
                    prev.start, fig.end, out[-1].written, fig.value, "km2", kind, f"also given as {prev.written}"
                )
            continue
        out.append(fig)
    for c in _COMPARED.finditer(text):
        before = [f for f in out if f.end <= c.start("n") and c.start("n") - f.end <= 60]
        number = _number(c["n"])
        if before and number is not None and not any(f.start <= c.start("n") < f.end for f in out):
            ref = before[-1]
            note = f"unit of the figure before ({ref.written.strip()})"
            out.append(Figure(c.start("n"), c.end("n"), c["n"], number, ref.unit, ref.kind, note))
    return sorted(out, key=lambda f: f.start)


def _same_in_brackets(text: str, prev: Figure, fig: Figure) -> bool:
    between = text[prev.end : fig.start]
    if prev.kind != fig.kind or not re.fullmatch(r"\s*[(\[,]\s*(?:or\s+|или\s+|або\s+)?", between):
        return False
    lo, hi = sorted((prev.value, fig.value))
    return (lo > 0 and (hi - lo) / hi < 0.05) or between.strip().startswith("(")


UNIT_PATTERN = alternation([p for p, _, _ in UNITS])
