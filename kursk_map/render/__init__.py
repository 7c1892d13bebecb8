"""Renderers: the only modules that import folium (maps) or write page markup (index)."""

from .index import render_index
from .maps import MapContext, render_map

__all__ = ["MapContext", "render_index", "render_map"]
