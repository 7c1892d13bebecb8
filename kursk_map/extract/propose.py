"""Findings into proposed ledger rows: ids, our own summary wording, evidence, notes. Pure functions.

A proposed row has the ledger's columns (:data:`kursk_map.schemas.CLAIM_COLUMNS`) and three
more (:data:`kursk_map.schemas.REVIEW_COLUMNS`): ``status`` (``proposed``), ``confidence``
(0-1) and ``evidence`` (file offsets and at most a dozen words of the article). The summary is
generated from a template; it never repeats the article's sentence.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from .. import schemas
from ..names import Resolver
from .places import Place
from .rules import Finding
from .text import Doc

#: Columns of a proposals file, in order.
COLUMNS = (*schemas.CLAIM_COLUMNS, *schemas.REVIEW_COLUMNS)
#: Words of the article an evidence cell may quote.
EVIDENCE_WORDS = 12

_ADJ = {"UA": "Ukrainian", "RU": "Russian"}
_DIRECTION = {
    0: "north",
    45: "north-east",
    90: "east",
    135: "south-east",
    180: "south",
    225: "south-west",
    270: "west",
    315: "north-west",
}


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:.0f}" if float(v).is_integer() else f"{v:g}"


def _who(f: Finding) -> str:
    label = f.source.label if f.source.label != f.source.slug else f"the source '{f.source.slug}'"
    return label[:1].upper() + label[1:]


def summary(f: Finding, place: str, oblast: str) -> str:
    """One sentence in the project's template wording (never the article's).

    Examples
    --------
    >>> from kursk_map.extract.rules import Finding, Speaker
    >>> who = Speaker("ru-mod", "RU", "org", "the Russian defence ministry", "the ministry")
    >>> f = Finding(who, "", "control", "RU", None, "", 0, 0, "")
    >>> summary(f, "Zaoleshenka", "")
    'The Russian defence ministry claims Russian control of Zaoleshenka.'
    """
    who = _who(f)
    adj = _ADJ.get(f.controller, "")
    where = f"{oblast} Oblast" if oblast else ""
    if f.kind == "control":
        return f"{who} claims {adj} control of {place}."
    if f.kind == "presence":
        return f"{who} reports fighting or troops of both sides at {place}."
    if f.kind == "attack":
        return f"{who} reports a {adj} attack or strike near {place}; who holds it is not claimed."
    if f.kind == "relative":
        direction = _DIRECTION.get(int(f.bearing or 0), f"{_fmt(f.bearing)}°")
        return f"{who} reports a {adj} advance of {_fmt(f.value)} {f.unit} {direction} of {place}."
    if f.kind == "area":
        return f"{who} puts the ground held by {adj} forces in {where} at {_fmt(f.value)} km²."
    if f.kind == "count":
        return f"{who} puts the settlements held by {adj} forces in {where} at {_fmt(f.value)}."
    if f.kind == "region" and f.controller:
        return f"{who} claims {adj} control of the whole of {where}."
    if f.kind == "region" and f.value is not None:
        return f"{who} gives {_fmt(f.value)} {f.unit} for {where} (ground gained or an advance, not what is held)."
    if f.kind == "region":
        return f"{who} speaks of fighting or troops in {where} without naming a settlement."
    return f"{who} rejects a claim about {place or where}."


def evidence(doc: Doc, f: Finding) -> str:
    """``<start>-<end>: "words"``: offsets into the article file and at most a dozen of its words.

    Examples
    --------
    >>> from kursk_map.extract.text import read_doc
    >>> from kursk_map.extract.rules import Finding, Speaker
    >>> d = read_doc("The ministry said troops took Zaoleshenka.")
    >>> f = Finding(Speaker("x", "", "", "", ""), "", "control", "RU", None, "", 25, 41, "")
    >>> evidence(d, f)
    '25-41: "took Zaoleshenka"'
    """
    words = list(re.finditer(r"\S+", doc.text[f.start : f.end]))
    if len(words) > EVIDENCE_WORDS:
        head, tail = words[: EVIDENCE_WORDS // 2], words[-(EVIDENCE_WORDS // 2 - 1) :]
        quote = " ".join(w[0] for w in head) + " … " + " ".join(w[0] for w in tail)
    else:
        quote = " ".join(w[0] for w in words)
    quote = quote.replace('"', "'")
    return f'{doc.file_offset(f.start)}-{doc.file_offset(f.end - 1) + 1 if f.end > f.start else doc.file_offset(f.end)}: "{quote}"'


def settlement_label(ids: tuple[str, ...], places: Mapping[str, Place], resolver: Resolver) -> tuple[str, str]:
    """The ``settlement`` cell and a note: the English name, with the raion (or oblast) when the
    project's resolver needs it to find this very settlement."""
    p = places[ids[0]]
    if len(ids) > 1:
        opts = "; ".join(f"{places[i].name} ({places[i].raion or places[i].oblast})" for i in ids)
        return p.name, f"namesakes, not decided by the article's other places: {opts}; add the raion"
    for label in (p.name, f"{p.name} ({p.raion})" if p.raion else "", f"{p.name} ({p.oblast})" if p.oblast else ""):
        if not label:
            continue
        name, _, ctx = label.partition(" (")
        res = resolver.resolve(name, raion=ctx.rstrip(")") or None)
        if res.best is not None and res.best.id == p.id:
            return label, ""
    return p.name, f"the resolver does not find {p.name!r} alone; check the settlement cell (gazetteer id {p.id})"


def to_rows(
    findings: Iterable[Finding],
    doc: Doc,
    places: Mapping[str, Place],
    *,
    article: str,
    url: str = "",
    lang: str = "",
    resolver: Resolver,
    ledger: pd.DataFrame | None = None,
    sides: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Proposed ledger rows (dicts of :data:`COLUMNS`), one per finding."""
    tag = hashlib.sha1((url or article).encode() + doc.text.encode()).hexdigest()[:4]  # noqa: S324 - an id, not security
    rows: list[dict[str, str]] = []
    for n, f in enumerate(findings, 1):
        place, place_note = "", ""
        if f.place is not None and f.place.ids:
            place, place_note = settlement_label(f.place.ids, places, resolver)
        oblast = f.oblast
        cell = place or (f"{oblast} Oblast" if oblast else "")
        day = f.date.strftime("%Y%m%d") if f.date else "nodate"
        notes = [f"extract ({lang}) from {article}: {f.rule}", f"claimant: {f.source_how}", f"date: {f.date_how}"]
        if f.source.new:
            notes.append(f"new source slug '{f.source.slug}': add it to sources.csv or pick a known one")
        if f.place is not None:
            notes.append(f"place written '{f.place.written}' ({f.place.how})")
        if place_note:
            notes.append(place_note)
        notes.extend(x for x in f.notes if x)
        denies = ""
        if f.kind == "denial":
            denies, how = _denied(f, ledger, sides or {}, places)
            notes.append(how)
        elif ledger is not None:
            same = _already(f, cell, ledger)
            if same:
                notes.append(f"already in the ledger as {same}")
        rows.append(
            {
                "claim_id": f"{f.source.slug}-{day}-{tag}{n:02d}",
                "date": f.date.isoformat() if f.date else "",
                "source": f.source.slug,
                "kind": f.kind,
                "settlement": cell,
                "controller": f.controller,
                "value": _fmt(f.value),
                "unit": f.unit if f.value is not None else "",
                "bearing_deg": _fmt(f.bearing),
                "denies": denies,
                "summary": summary(f, place, oblast),
                "url": url,
                "note": "; ".join(notes),
                "status": "proposed",
                "confidence": f"{f.confidence:.2f}",
                "evidence": evidence(doc, f),
            }
        )
    return rows


def _already(f: Finding, cell: str, ledger: pd.DataFrame) -> str:
    if f.date is None or "settlement_id" not in ledger:
        return ""
    day = pd.Timestamp(f.date)
    c = ledger[(ledger["source"] == f.source.slug) & (ledger["date"] == day) & (ledger["kind"] == f.kind)]
    if f.place is not None and f.place.ids:
        c = c[c["settlement_id"].isin(f.place.ids)]
    else:
        c = c[c["settlement"] == cell]
    return ", ".join(c["claim_id"].astype(str))


def _denied(
    f: Finding, ledger: pd.DataFrame | None, sides: Mapping[str, str], places: Mapping[str, Place]
) -> tuple[str, str]:
    """The claim a denial rejects, guessed from the ledger: the latest fitting claim before it."""
    todo = "find the claim_id it rejects and put it in 'denies' (validate needs it)"
    if ledger is None or f.date is None or ledger.empty:
        return "", f"denies: {todo}"
    c = ledger[(ledger["date"] <= pd.Timestamp(f.date)) & (ledger["source"] != f.source.slug)]
    c = c[c["date"] >= pd.Timestamp(f.date - dt.timedelta(days=60))]
    party = f.denied_party
    if party in sides:
        c = c[c["source"] == party]
    elif party in ("UA", "RU"):
        c = c[c["source"].map(lambda s: sides.get(str(s)) == party)]
    elif party == "encirclement":
        said = c["summary"].str.contains(r"surround|encircl|trapped|cut off", case=False, regex=True)
        negated = c["summary"].str.contains(r"\b(?:no|not|never|without)\b", case=False, regex=True)
        c = c[said & ~negated]
    if f.place is not None and f.place.ids and "settlement_id" in c:
        c = c[c["settlement_id"].isin(f.place.ids)]
    elif f.oblast and "oblast" in c:
        c = c[(c["oblast"] == f.oblast) & (c["kind"] == "region")]
    c = c[c["kind"] != "denial"]
    if c.empty:
        return "", f"denies: no fitting claim in the ledger; {todo}"
    row = c.sort_values(["date", "claim_id"]).iloc[-1]
    return str(
        row["claim_id"]
    ), f"denies: guessed from the ledger (the latest fitting claim, {row['claim_id']}); check it"


def rows_to_csv(rows: Iterable[Mapping[str, str]]) -> str:
    """The rows as CSV text with the proposals header (LF line ends, quoting as needed)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()
