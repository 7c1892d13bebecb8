"""The results table (one per size) and the machine description stored with each result."""

from __future__ import annotations

import importlib.metadata
import math
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

#: Table rows: label, then the stage names that make up the row for each peer (summed).
ROWS: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = (
    ("load + validate", {"ours": ("load + validate",), "naive": ("load + validate",), "limit": ("load + validate",)}),
    ("settlement cells (Voronoi, for areas)", {"ours": ("settlement cells (areas)",)}),
    ("name resolution", {"ours": ("name resolution",), "naive": ("name resolution",), "limit": ("name resolution",)}),
    (
        "state, every source and date",
        {
            "ours": ("state, every source and date",),
            "naive": ("state, every source and date",),
            "limit": ("state, every source and date",),
        },
    ),
    (
        "rendering",
        {
            "ours": ("map context (areas, figures, panel data)", "folium render to HTML"),
            "naive": ("folium objects (CircleMarker + Popup)", "folium render to HTML"),
            "limit": ("features + json.dumps",),
        },
    ),
    ("  of which map context (areas, figures)", {"ours": ("map context (areas, figures, panel data)",)}),
    ("  of which folium objects", {"naive": ("folium objects (CircleMarker + Popup)",)}),
    ("writing", {"ours": ("writing",), "naive": ("writing",), "limit": ("writing",)}),
)
PEERS = (("ours", "kursk_map"), ("naive", "naive folium"), ("limit", "limit (json.dumps)"))


def machine() -> dict[str, Any]:
    """CPU count, Python, platform, memory, library versions and the repository commit."""
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("kursk_map", "folium", "branca", "pandas", "geopandas", "shapely", "numpy"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": versions,
        "commit": commit,
    }


def _by_name(result: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in (result or {}).get("stages", [])}


def cell(result: dict[str, Any] | None, names: tuple[str, ...]) -> tuple[float, float, bool, str] | None:
    """(estimated seconds, peak MB, extrapolated?, sample) of the named stages of one peer, or None."""
    stages = _by_name(result)
    found = [stages[n] for n in names if n in stages]
    if not found:
        return None
    secs = sum(s["estimate_s"] for s in found)
    peak = max(s["peak_mb"] for s in found)
    extra = any(s["extrapolated"] for s in found)
    sample = next((f"{s['done']}/{s['total']}" for s in found if s["extrapolated"]), "")
    return secs, peak, extra, sample


def total(result: dict[str, Any] | None, peer: str) -> tuple[float, bool] | None:
    """Seconds of every row of one peer (the same maps for all peers), and whether any is extrapolated."""
    if not result:
        return None
    secs, extra = 0.0, False
    for _label, by_peer in ROWS:
        if _label.startswith("  "):
            continue
        c = cell(result, by_peer.get(peer, ()))
        if c:
            secs += c[0]
            extra = extra or c[2]
    return secs, extra


def fmt_s(seconds: float) -> str:
    """Seconds for the table: 0.012 s, 3.4 s, 12 min."""
    if math.isnan(seconds):
        return "n/a"
    if seconds >= 600:
        return f"{seconds / 60:.0f} min"
    if seconds >= 10:
        return f"{seconds:.0f} s"
    if seconds >= 1:
        return f"{seconds:.1f} s"
    return f"{seconds:.3f} s"


def table(size: str, scenario: dict[str, Any], results: dict[str, dict[str, Any]], summary: dict[str, Any]) -> str:
    """The printed table of one size."""
    ours = results.get("ours")
    head = (
        f"== {size}: {scenario['settlements']:,} settlements × {scenario['sources']} sources × "
        f"{scenario['days']} days, {scenario['claims']:,} claims, {(ours or {}).get('maps', 0):,} maps =="
    )
    w0, w = 40, 24
    lines = [head, f"{'stage':<{w0}}" + "".join(f"{label:>{w}}" for _, label in PEERS)]
    lines.append(f"{'':<{w0}}" + "".join(f"{'time   peak MB':>{w}}" for _ in PEERS))
    for label, by_peer in ROWS:
        row = f"{label:<{w0}}"
        if all(cell(results.get(p), by_peer.get(p, ())) is None for p, _ in PEERS):
            continue
        for peer, _ in PEERS:
            c = cell(results.get(peer), by_peer.get(peer, ()))
            text = "—" if c is None else f"{'*' if c[2] else ''}{fmt_s(c[0])} {c[1]:6.0f}"
            row += f"{text:>{w}}"
        lines.append(row)
    row = f"{'maps total (the same maps)':<{w0}}"
    for peer, _ in PEERS:
        t = total(results.get(peer), peer)
        text = "—" if t is None else f"{'*' if t[1] else ''}{fmt_s(t[0])}"
        row += f"{text:>{w}}"
    lines.append(row)
    atlas = summary.get("atlas")
    if atlas:
        mark = "*" if atlas["extrapolated"] else ""
        text = f"{mark}{fmt_s(atlas['seconds'])} {atlas['peak_mb']:6.0f}"
        lines.append(f"{'full atlas, build_atlas (+timelines,':<{w0}}{text:>{w}}")
        lines.append(f"{'  compare pages, index, manifest)':<{w0}}")
        parts = atlas.get("parts") or {}
        if parts:
            lines.append("    atlas parts: " + ", ".join(f"{k} {fmt_s(v)}" for k, v in parts.items()))
    row = f"{'HTML bytes / settlement / map':<{w0}}"
    for peer, _ in PEERS:
        r = results.get(peer)
        text = "—" if not r else f"{r['html_bytes_per_settlement_per_map']:,.0f}"
        row += f"{text:>{w}}"
    lines.append(row)
    if ours and "shared_bytes_per_settlement_per_map" in ours:
        text = f"{ours['shared_bytes_per_settlement_per_map']:,.1f}"
        lines.append(f"{'  + shared scripts, amortised':<{w0}}{text:>{w}}")
    samples = []
    for peer, label in PEERS:
        r = results.get(peer)
        if r and r.get("maps_rendered", 0) < r.get("maps", 0):
            samples.append(f"{label}: {r['maps_rendered']} of {r['maps']} maps")
    if atlas and atlas["extrapolated"]:
        samples.append(f"build_atlas: {atlas['note']}")
    lines.append("* extrapolated linearly from a sample spread over sources and dates" + (": " if samples else ""))
    lines.extend(f"    {s}" for s in samples)
    incr = summary.get("incremental")
    if incr:
        lines.append(
            f"incremental: full build {fmt_s(incr['full_s'])}; after changing claim {incr['changed_claim']}, "
            f"rebuild {fmt_s(incr['incremental_s'])} ({incr['maps_rerendered']} of {incr['maps']} maps re-rendered"
            + (f"; every {incr['sampled_every']}-th date" if incr.get("sampled_every", 1) > 1 else "")
            + ")"
        )
        latest = (incr.get("rebuilds") or {}).get("latest") if isinstance(incr.get("rebuilds"), dict) else None
        if latest:
            lines.append(
                f"  then after changing the latest claim {latest['changed_claim']}: {fmt_s(latest['seconds'])} "
                f"({latest['maps_rerendered']} maps re-rendered)"
            )
    lines.append("ratios:")
    for key, text in summary["ratios"].items():
        lines.append(f"    {key:<48} {text}")
    return "\n".join(lines)
