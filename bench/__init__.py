"""Benchmark of kursk_map against a naive folium build and the json.dumps limit (``python -m bench``)."""
