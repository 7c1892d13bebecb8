"""Renderers: the only modules that import folium (maps) or matplotlib (images), or write page markup.

Everything a caller needs is exported here; the modules' private names (``_x``, ``_folium``,
``_html``, ``_assets``) are for the renderers alone (``tests/test_layers.py`` checks it).
"""

from ._assets import CDN, INLINE, LOCAL_SUBFOLDER, VENDORED, Assets, asset_files, map_page_files
from ._folium import deterministic_ids
from ._html import esc, link, safe_url, script_json
from .compare import CompareContext, compare_html, disagreements, render_compare, render_side_by_side
from .explore import explore_data, render_explore, search_data, search_script, series_data, series_script
from .image import ExportContext, render_image
from .index import render_index
from .maps import (
    CellsFile,
    ClaimsFile,
    DrawnAreas,
    MapContext,
    SettlementsFile,
    attack_markers,
    cells_file,
    claims_file,
    full_folium,
    map_html,
    page_html,
    render_map,
    settlements_file,
)
from .settlement import (
    SettlementContext,
    SettlementLinks,
    render_settlement,
    render_settlement_list,
    settlement_links_script,
)
from .timeline import TimelineContext, render_timeline

__all__ = [
    "CDN",
    "INLINE",
    "LOCAL_SUBFOLDER",
    "VENDORED",
    "Assets",
    "CellsFile",
    "ClaimsFile",
    "CompareContext",
    "DrawnAreas",
    "ExportContext",
    "MapContext",
    "SettlementContext",
    "SettlementLinks",
    "SettlementsFile",
    "TimelineContext",
    "asset_files",
    "attack_markers",
    "cells_file",
    "claims_file",
    "compare_html",
    "deterministic_ids",
    "disagreements",
    "esc",
    "explore_data",
    "full_folium",
    "link",
    "map_html",
    "map_page_files",
    "page_html",
    "render_compare",
    "render_explore",
    "render_image",
    "render_index",
    "render_map",
    "render_settlement",
    "render_settlement_list",
    "render_side_by_side",
    "render_timeline",
    "safe_url",
    "script_json",
    "search_data",
    "search_script",
    "series_data",
    "series_script",
    "settlement_links_script",
    "settlements_file",
]
