"""Build the atlas: load → validate → resolve → state per source and date → render → write atomically.

Modules: :mod:`.pages` (paths and page drawing),
:mod:`.cache` (content keys, the previous atlas), :mod:`.pool` (worker processes) and
:mod:`.loop` (the build itself). Files are written by :mod:`kursk_map._fs`; what pages show is :mod:`kursk_map.view`.
"""

from .._fs import swap_in
from .cache import claim_hashes, map_key, page_key
from .loop import build_atlas, render_atlas, write_page
from .pages import compare_path, map_path, plan_maps, render_images, timeline_path

__all__ = [
    "build_atlas",
    "claim_hashes",
    "compare_path",
    "map_key",
    "map_path",
    "page_key",
    "plan_maps",
    "render_atlas",
    "render_images",
    "swap_in",
    "timeline_path",
    "write_page",
]
