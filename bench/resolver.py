"""Resolver throughput: 100,000 mixed spellings of the bundled gazetteer's names, resolved one by one.

The spellings are what the press writes: the English name, the Russian and Ukrainian Cyrillic, every
transliteration system (BGN, ISO 9, scholarly, German, French, Ukrainian-style), listed alternate names,
case and ё/е variants, and a share of typos (one letter dropped) and unknown names, which take the
slow path (fuzzy suggestions). Deterministic (seeded). Reports names per second and how the names
resolved: to the settlement they were made from, to another one (should be none), ambiguous, unknown.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from kursk_map.gazetteer import load_gazetteer
from kursk_map.names import SYSTEMS, Resolver, transliterate

N = 100_000
TYPO_SHARE = 0.05
UNKNOWN_SHARE = 0.02


def _variants(row: dict[str, Any]) -> list[str]:
    out = {str(row["name"])}
    for cyr in (row.get("name_ru"), row.get("name_uk")):
        if cyr:
            out.add(str(cyr))
            out.add(str(cyr).replace("е", "ё", 1))
            out.update(transliterate(str(cyr), system) for system in SYSTEMS)
    out.update(a for a in str(row.get("alt_names") or "").split("|") if a)
    out.update({s.lower() for s in list(out)} | {s.upper() for s in list(out)})
    return sorted(s for s in out if s.strip())


def mixed_spellings(gazetteer_csv: Path, n: int = N, seed: int = 7) -> list[tuple[str, str | None]]:
    """``n`` (spelling, id it was made from) pairs; id ``None`` for typos and invented names."""
    g = load_gazetteer(gazetteer_csv)
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    pool = [(v, str(r["id"])) for r in g.to_dict("records") for v in _variants(r)]
    out: list[tuple[str, str | None]] = []
    for _ in range(n):
        x = rng.random()
        name, sid = rng.choice(pool)
        if x < UNKNOWN_SHARE:
            out.append((f"Novo{name[::-1].lower()}sk", None))
        elif x < UNKNOWN_SHARE + TYPO_SHARE and len(name) > 4:
            i = rng.randrange(1, len(name) - 1)
            out.append((name[:i] + name[i + 1 :], None))
        else:
            out.append((name, sid))
    return out


def run(gazetteer_csv: Path, n: int = N) -> dict[str, Any]:
    """Time the resolver on ``n`` mixed spellings; return the counts and the throughput."""
    t0 = time.perf_counter()
    g = load_gazetteer(gazetteer_csv)
    resolver = Resolver(g)
    build_s = time.perf_counter() - t0
    names = mixed_spellings(gazetteer_csv, n)
    counts = {"right": 0, "wrong": 0, "ambiguous": 0, "unknown": 0, "typo or invented, matched": 0}
    t0 = time.perf_counter()
    for name, sid in names:
        res = resolver.resolve(name)
        if res.status == "match":
            assert res.best is not None
            if sid is None:
                counts["typo or invented, matched"] += 1
            else:
                counts["right" if res.best.id == sid else "wrong"] += 1
        else:
            counts[res.status] += 1
    secs = time.perf_counter() - t0
    return {
        "names": n,
        "settlements": len(resolver),
        "index_build_s": round(build_s, 3),
        "resolve_s": round(secs, 3),
        "names_per_second": round(n / secs),
        "outcomes": counts,
    }


def table(r: dict[str, Any]) -> str:
    """The result as a small text table."""
    o = r["outcomes"]
    lines = [
        f"resolver: {r['names']:,} mixed spellings against {r['settlements']} settlements",
        f"  index built in {r['index_build_s']:.2f} s; resolved in {r['resolve_s']:.2f} s "
        f"= {r['names_per_second']:,} names per second",
        "  outcomes: " + ", ".join(f"{k} {v:,}" for k, v in o.items()),
    ]
    return "\n".join(lines)
