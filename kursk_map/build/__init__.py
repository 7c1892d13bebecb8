"""Build the atlas: plan every kind of page, draw what changed (in worker processes), swap the atlas in.

Modules: :mod:`.kinds` (the registry of page kinds: their paths, links, keys and drawing),
:mod:`.cache` (content keys, the previous atlas), :mod:`.pool` (worker processes) and
:mod:`.loop` (the build itself). What pages show is :mod:`kursk_map.view`; files are written by
:mod:`kursk_map._fs`.
"""

from .._fs import swap_in
from .cache import claim_hashes, map_key, page_key
from .kinds import (
    KINDS,
    Page,
    PageKind,
    SideBySidePage,
    compare_path,
    explore_path,
    explore_series,
    map_path,
    timeline_path,
)
from .loop import build_atlas, plan_maps, render_atlas, render_page, write_page

__all__ = [
    "KINDS",
    "Page",
    "PageKind",
    "SideBySidePage",
    "build_atlas",
    "claim_hashes",
    "compare_path",
    "explore_path",
    "explore_series",
    "map_key",
    "map_path",
    "page_key",
    "plan_maps",
    "render_atlas",
    "render_page",
    "swap_in",
    "timeline_path",
    "write_page",
]
