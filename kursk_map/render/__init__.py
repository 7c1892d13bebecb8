"""Renderers: the only modules that import folium (maps) or write page markup (index)."""

from .index import render_index
from .maps import MapContext, render_map
from .timeline import TimelineContext, render_timeline

__all__ = ["MapContext", "TimelineContext", "render_index", "render_map", "render_timeline"]
