"""Build the atlas: load → validate → resolve → state per source and date → render → write atomically.

Modules: :mod:`.view` (the data every page shows), :mod:`.pages` (paths and page drawing),
:mod:`.cache` (content keys, the previous atlas), :mod:`.pool` (worker processes) and
:mod:`.loop` (the build itself). Files are written by :mod:`kursk_map._fs`.
"""

from .._fs import swap_in
from .cache import claim_hashes, map_key, page_key
from .loop import build_atlas, render_atlas, write_page
from .pages import compare_path, map_path, plan_maps, render_images, timeline_path
from .view import claim_records, figure_series, map_context, unplaced_records

__all__ = [
    "build_atlas",
    "claim_hashes",
    "claim_records",
    "compare_path",
    "figure_series",
    "map_context",
    "map_key",
    "map_path",
    "page_key",
    "plan_maps",
    "render_atlas",
    "render_images",
    "swap_in",
    "timeline_path",
    "unplaced_records",
    "write_page",
]
