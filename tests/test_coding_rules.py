"""The coding rules of geodata/README.md, each checked on a real ledger row.

For every rule: the row's summary carries the rule's wording and the row is coded as the rule says.
A row recoded by mistake (or a summary rewritten so that its wording no longer fits) fails here.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kursk_map import load_claims, load_sources

from .conftest import REPO

GEODATA = REPO / "geodata"


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    sources = load_sources(GEODATA / "sources.csv")
    claims = load_claims(sorted((GEODATA / "claims").glob("*.csv")), sources=sources["slug"])
    return claims.set_index("claim_id", drop=False)


# (rule number in the README table, wording, claim_id, kind, controller, extra cells)
RULES = [
    (1, r"\b(taken|took|captured|seized|retaken|retook|recaptured)\b", "ru-mod-20250314-01", "control", "RU", {}),
    (2, r"\b(liberated|freed)\b", "ru-mod-20240916-01", "control", "RU", {}),
    (3, r"\bcleared\b.*\bfrom\b|\bpushed\b.*\bout of\b", "ru-mod-20240815-01", "control", "RU", {}),
    (4, r"\bunder (Russian|Ukrainian) control\b", "ru-mod-20250226-01", "control", "RU", {}),
    (5, r"\bstill held\b", "ru-mod-20250206-02", "control", "RU", {}),
    (
        6,
        r"\bno longer showed Ukrainian forces inside\b.*\bwithdrawal\b",
        "ua-general-staff-20250316-01",
        "control",
        "RU",
        {},
    ),
    (7, r"\badvanced into parts of\b", "isw-20250106-01", "presence", "contested", {}),
    (8, r"\bfighting\b.*\boutskirts\b", "ua-general-staff-20250312-01", "presence", "contested", {}),
    (9, r"\bheld positions in\b", "ru-military-bloggers-20250426-01", "presence", "contested", {}),
    (10, r"\bgrey zone\b", "deepstate-20250206-03", "presence", "contested", {}),
    (11, r"\brepelled a Ukrainian assault toward\b", "ru-mod-20240815-12", "attack", "UA", {}),
    (12, r"\bRussian troops were attacking\b", "ru-military-bloggers-20240911-01", "attack", "RU", {}),
    (13, r"\bstruck Ukrainian brigades in the area of\b", "ru-mod-20240815-05", "attack", "RU", {}),
    (14, r"\bUkrainian advance northeast of\b", "isw-20241124-01", "attack", "UA", {}),
    (15, r"\b5 km\b.*\bsouth-east of\b", "isw-20250206-01", "relative", "UA", {"value": 5.0, "unit": "km"}),
    (
        16,
        r"\b1,000 km²\b.*\bunder Ukrainian control\b",
        "ua-general-staff-20240812-01",
        "area",
        "UA",
        {"value": 1000.0},
    ),
    (
        17,
        r"\b82 settlements\b.*\bunder Ukrainian control\b",
        "ua-general-staff-20240815-01",
        "count",
        "UA",
        {"value": 82.0},
    ),
    (18, r"\bretaken during the week\b", "ru-mod-20250314-02", "region", "", {"value": 29.0, "unit": "settlements"}),
    (19, r"\bfully freed\b", "ru-mod-20250426-01", "region", "RU", {}),
    (20, r"\brepelled\b.*\battempts\b", "ru-mod-20240917-01", "region", "", {}),
    (21, r"\bno geolocated proof\b", "isw-20250206-05", "region", "", {}),
    (22, r"\buntrue\b", "ua-general-staff-20250426-01", "denial", "", {"denies": "ru-mod-20250426-01"}),
]


def test_every_rule_of_the_readme_is_tested() -> None:
    text = (GEODATA / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| (\d+) \|.*\| `([a-z0-9-]+-\d{8}-\d{2})` \|$", text, flags=re.MULTILINE)
    assert table == [(str(n), cid) for n, _w, cid, *_ in RULES]


@pytest.mark.parametrize(
    ("rule", "wording", "claim_id", "kind", "controller", "extra"), RULES, ids=[str(r[0]) for r in RULES]
)
def test_rule_on_a_real_row(  # noqa: PLR0917 (one parameter per column of RULES)
    ledger: pd.DataFrame, rule: int, wording: str, claim_id: str, kind: str, controller: str, extra: dict
) -> None:
    row = ledger.loc[claim_id]
    assert re.search(wording, row["summary"]), (rule, row["summary"])
    assert (row["kind"], row["controller"]) == (kind, controller), rule
    for col, value in extra.items():
        assert row[col] == value, (rule, col)


#: Wording of rules 11-13: an attack repelled, an assault under way, a strike.
ATTACK_WORDS = re.compile(
    r"\b(repel\w*|foil\w*|stopped|beat(en)? back|beat off|struck|strikes? on|striking|hit|hitting|attacking|counter-?attack\w*|assault\w*)\b",
    re.I,
)
#: Wording of rules 1-10, which name who holds the settlement or say that forces are in it.
HOLD_WORDS = re.compile(
    r"\b(taken|took|captured|retaken|retook|liberated|cleared|under (Russian|Ukrainian) control|still held|inside"
    r"|entered|in (central|eastern|the southern part of)|positions in|mop-up|fighting (was going on|continued|with)"
    r"|outskirts|edge)\b",
    re.I,
)


def test_attack_wording_about_a_settlement_is_an_attack(ledger: pd.DataFrame) -> None:
    """Rules 11-13 across the ledger: such a row names the settlement but never makes it contested."""
    named = ledger[ledger["kind"].isin(["control", "presence"])]
    wrong = [
        (cid, kind, summary)
        for cid, kind, summary in zip(named["claim_id"], named["kind"], named["summary"], strict=True)
        if ATTACK_WORDS.search(summary) and not HOLD_WORDS.search(summary)
    ]
    assert wrong == []


def test_every_attack_row_has_attack_wording(ledger: pd.DataFrame) -> None:
    """Rules 11-14 the other way round: an attack row whose summary says none of it is miscoded."""
    words = re.compile(ATTACK_WORDS.pattern + r"|\b(attack\w*|advanc\w*|raid|breach\w*|breakthrough|encircle)\b", re.I)
    attacks = ledger[ledger["kind"] == "attack"]
    assert len(attacks) >= 60
    assert [cid for cid, s in zip(attacks["claim_id"], attacks["summary"], strict=True) if not words.search(s)] == []
    assert set(attacks["controller"]) == {"UA", "RU"}


def test_the_issue_s_korenevo_case(ledger: pd.DataFrame) -> None:
    """DeepState's Russian advance near Korenevo of 29 Aug 2024 is an attack, so it cannot colour later maps."""
    row = ledger.loc["deepstate-20240829-01"]
    assert (row["kind"], row["controller"]) == ("attack", "RU")
