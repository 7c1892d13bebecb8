"""The incremental cache: content keys of pages, and the pages of the previous atlas that can be kept."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__, schemas
from .._fs import contained
from ..dataset import Dataset

#: Claim columns a map depends on (every column of the ledger, and how it was resolved).
_KEY_COLUMNS = (*schemas.CLAIM_COLUMNS, "settlement_id", "placed", "unplaced_reason")


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame | pd.Series):
            h.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
        elif isinstance(part, np.ndarray):
            h.update(part.tobytes())
        else:
            h.update(json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\x1f")
    return h.hexdigest()


@functools.cache
def _code_digest() -> str:
    """Digest of the package's own code and page scripts, so that an upgraded kursk_map never reuses stale pages."""
    root = Path(__file__).parents[1]
    h = hashlib.sha256()
    for f in sorted([*root.rglob("*.py"), *(root / "render" / "assets").glob("*")]):
        h.update(f.read_bytes())
    return h.hexdigest()


def base_key(ds: Dataset, *, self_contained: bool, images: bool | str, cdn: bool = False, ageing: object = None) -> str:
    """What every page depends on: the code, the theatre, the gazetteer, its cells, the border, drawn areas, flags."""
    gaz = ds.gazetteer.drop(columns=ds.gazetteer.geometry.name).astype(str)
    areas = ds.areas.drop(columns=ds.areas.geometry.name).astype(str)
    return _digest(
        __version__,
        _code_digest(),
        ds.theatre.to_manifest(),
        gaz,
        ds.cells["area_km2"].round(6),
        ds.border.geometry.to_wkt(),
        ds.sources.astype(str),
        areas,
        ds.areas.geometry.to_wkb(),
        self_contained,
        images,
        cdn,
        repr(ageing),
    )


def linked_key(base: str, links: Mapping[str, Mapping[str, Any]]) -> str:
    """``base`` with what the kinds publish for others to link (:attr:`.kinds.Job.links`), for pages that inline it."""
    return _digest(base, links)


def claim_hashes(claims: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per claim row (over the columns a page depends on), in the frame's order.

    The hash is of the claim's content alone, not of its row in the ledger: a claim added to one
    source moves the others' rows but changes none of their pages.
    """
    return pd.util.hash_pandas_object(claims[list(_KEY_COLUMNS)].astype(str), index=False).to_numpy()


def map_key(base: str, slug: str, day: dt.date, nav: Mapping[str, str], hashes: np.ndarray) -> str:
    """Content hash of everything one map page shows: a changed claim changes only the keys it affects.

    The page of ``slug`` on ``day`` depends on the gazetteer (in ``base``), the page's links and the
    source's claims made on or before ``day``, given as their :func:`claim_hashes`.
    """
    return _digest(base, slug, day.isoformat(), dict(nav), hashes)


def page_key(base: str, path: str, nav: Mapping[str, str], hashes: np.ndarray) -> str:
    """Content hash of a timeline or comparison page.

    It covers the code and data (``base``), the page's path and links, and the claims it draws, as
    their :func:`claim_hashes`: all of a source's for its timeline, every claim up to the date for a
    comparison page (hashed once per build, then selected per date).
    """
    return _digest(base, path, dict(nav), hashes)


def previous_entries(out: Path) -> dict[str, dict[str, Any]]:
    """The manifest entries (with their ``key``), by page path, of the atlas already in ``out``.

    Only pages whose files are all there, as plain files inside ``out``: maps (page, data, image),
    timelines and comparison pages. A path that is absolute, climbs out with ``..`` or passes through
    a symbolic link is never trusted.
    """
    try:
        old = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        maps, keys = old["maps"], old.get("page_keys") or {}
        compares = {c["path"]: c for c in old.get("compare") or [] if isinstance(c, dict) and "path" in c}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    entries: dict[str, dict[str, Any]] = {}

    def plain(rel: object) -> bool:  # a file inside ``out``: a stale entry never leads outside it
        p = contained(out, rel)
        return p is not None and p.is_file() and not p.is_symlink()

    for path, key in keys.items() if isinstance(keys, dict) else []:
        if isinstance(path, str) and isinstance(key, str) and plain(path):
            entries[path] = {**compares.get(path, {}), "key": key}
    for m in maps if isinstance(maps, list) else []:
        if not isinstance(m, dict) or not isinstance(m.get("key"), str):
            continue
        files = [m.get("path"), m.get("data")] + ([m["image"]] if m.get("image") else [])
        if all(plain(f) for f in files):
            entries[str(m["path"])] = m
    return entries
