"""Renderers: the only modules that import folium (maps) or write page markup (index)."""

from .compare import CompareContext, disagreements, render_compare, render_side_by_side
from .index import render_index
from .maps import MapContext, render_map
from .timeline import TimelineContext, render_timeline

__all__ = [
    "CompareContext",
    "MapContext",
    "TimelineContext",
    "disagreements",
    "render_compare",
    "render_index",
    "render_map",
    "render_side_by_side",
    "render_timeline",
]
