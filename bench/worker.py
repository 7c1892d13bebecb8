"""One peer in its own process: ``python -m bench.worker PEER DATA RESULT.json [--budget S] [--every K]``.

A fresh process per peer keeps peak-memory figures apart and imports out of each other's way.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

PEERS = ("ours-stages", "ours-atlas", "ours-incremental", "naive", "limit")


def run(peer: str, data: Path, out: Path, *, budget_s: float | None, every: int) -> dict[str, Any]:
    """Run one peer on the data directory, with scratch files under ``out``."""
    t0 = time.perf_counter()
    if peer == "ours-stages":
        from .ours import run_stages  # noqa: PLC0415 - each peer imports only what it needs

        res = run_stages(data, out, budget_s=budget_s)
    elif peer == "ours-atlas":
        from .ours import run_atlas  # noqa: PLC0415

        res = run_atlas(data, out, every=every)
    elif peer == "ours-incremental":
        from .ours import run_incremental  # noqa: PLC0415

        res = run_incremental(data, out, every=every)
    elif peer == "naive":
        from .naive import run_naive  # noqa: PLC0415

        res = run_naive(data, out, budget_s=budget_s)
    elif peer == "limit":
        from .limit import run_limit  # noqa: PLC0415

        res = run_limit(data, out, budget_s=budget_s)
    else:
        raise ValueError(f"unknown peer {peer!r}; use one of {', '.join(PEERS)}")
    res["peer"] = peer
    res["wall_s"] = time.perf_counter() - t0
    return res


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the peer, write its result as JSON."""
    ap = argparse.ArgumentParser(prog="python -m bench.worker", description=__doc__)
    ap.add_argument("peer", choices=PEERS)
    ap.add_argument("data", type=Path)
    ap.add_argument("result", type=Path)
    ap.add_argument("--budget", type=float, default=None, help="seconds per sampled stage (default: no limit)")
    ap.add_argument("--every", type=int, default=1, help="atlas: render every k-th date of each source")
    args = ap.parse_args(argv)
    scratch = args.result.parent
    res = run(args.peer, args.data, scratch, budget_s=args.budget, every=args.every)
    args.result.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
