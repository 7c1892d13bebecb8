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
    end = doc.file_offset(f.end - 1) + 1 if f.end > f.start else doc.file_offset(f.end)
    return f'{doc.file_offset(f.start)}-{end}: "{quote}"'


def settlement_label(ids: tuple[str, ...], places: Mapping[str, Place], resolver: Resolver) -> tuple[str, str]:
    """The ``settlement`` cell and a note: the English name, with its raion (or oblast) if needed.

    The raion is added when the project's resolver needs it to find this very settlement.
    """
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
    ledger: LedgerIndex | None = None,
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
            denies, how = _denied(f, ledger, sides or {})
            notes.append(how)
        elif ledger is not None:
            same = _already(f, cell, ledger)
            if same:
                notes.append(f"already in the ledger as {same}")
        cells = {
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
        rows.append({c: cells.get(c, "") for c in COLUMNS})
    return rows


class LedgerIndex:
    """The ledger's claims as plain records, looked up by source and day (built once per run)."""

    def __init__(self, claims: pd.DataFrame | None) -> None:
        self.records: list[dict[str, object]] = []
        self.by_day: dict[tuple[str, dt.date, str], list[dict[str, object]]] = {}
        if claims is None or claims.empty:
            return
        cols = [
            c
            for c in ("claim_id", "date", "source", "kind", "settlement", "settlement_id", "oblast", "summary")
            if c in claims
        ]
        for raw in claims[cols].to_dict("records"):
            r = {str(k): v for k, v in raw.items()}
            r["date"] = pd.Timestamp(str(r["date"])).date()
            self.records.append(r)
            key = (str(r["source"]), r["date"], str(r["kind"]))
            self.by_day.setdefault(key, []).append(r)  # type: ignore[arg-type]
        self.records.sort(key=lambda r: (r["date"], str(r["claim_id"])))  # type: ignore[arg-type,return-value]


def _already(f: Finding, cell: str, ledger: LedgerIndex) -> str:
    if f.date is None:
        return ""
    same = ledger.by_day.get((f.source.slug, f.date, f.kind), [])
    if f.place is not None and f.place.ids:
        hits = [r for r in same if r.get("settlement_id") in f.place.ids]
    else:
        hits = [r for r in same if r.get("settlement") == cell]
    return ", ".join(str(r["claim_id"]) for r in hits)


_SAID_ENCIRCLED = re.compile(r"surround|encircl|trapped|cut off", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:no|not|never|without)\b", re.IGNORECASE)


def _denied(f: Finding, ledger: LedgerIndex | None, sides: Mapping[str, str]) -> tuple[str, str]:
    """The claim a denial rejects, guessed from the ledger: the latest fitting claim before it."""
    todo = "find the claim_id it rejects and put it in 'denies' (validate needs it)"
    if ledger is None or f.date is None or not ledger.records:
        return "", f"denies: {todo}"
    day = f.date
    start = day - dt.timedelta(days=60)
    party = f.denied_party

    def fits(r: dict[str, object]) -> bool:
        d = r["date"]
        if not (isinstance(d, dt.date) and start <= d <= day) or r["source"] == f.source.slug or r["kind"] == "denial":
            return False
        if party in sides and r["source"] != party:
            return False
        if party in ("UA", "RU") and sides.get(str(r["source"])) != party:
            return False
        if party == "encirclement":
            text = str(r.get("summary") or "")
            if not _SAID_ENCIRCLED.search(text) or _NEGATED.search(text):
                return False
        if f.place is not None and f.place.ids:
            return r.get("settlement_id") in f.place.ids
        return bool(f.oblast) and r.get("oblast") == f.oblast and r["kind"] == "region"

    hits = [r for r in ledger.records if fits(r)]
    if not hits:
        return "", f"denies: no fitting claim in the ledger; {todo}"
    cid = hits[-1]["claim_id"]
    return str(cid), f"denies: guessed from the ledger (the latest fitting claim, {cid}); check it"


def rows_to_csv(rows: Iterable[Mapping[str, str]]) -> str:
    """The rows as CSV text with the proposals header (LF line ends, quoting as needed)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()
