"""The pinned local copy of Leaflet, for pages that must work without any network."""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib.resources import files
from typing import Any

from branca.element import Element

VENDOR = "vendor/leaflet-1.9.3"


class _Inline(Element):
    """A script or stylesheet put into the page as it is (branca would read it as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


@cache
def leaflet_js() -> str:
    """Leaflet 1.9.3's minified JavaScript, safe to inline in a ``<script>`` element."""
    text = (files(__package__) / VENDOR / "leaflet.js").read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")


@cache
def leaflet_css() -> str:
    """Leaflet 1.9.3's stylesheet with its layer-control icons inlined as data URIs."""
    text = (files(__package__) / VENDOR / "leaflet.css").read_text(encoding="utf-8")

    def inline(m: re.Match[str]) -> str:
        name = m.group(1)
        data = (files(__package__) / VENDOR / "images" / name).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return re.sub(r"url\(images/(layers(?:-2x)?\.png)\)", inline, text)


@cache
def script(name: str, *, indent: int = 0) -> str:
    """The script ``assets/<name>`` without its header comment, for a page template.

    The header (the ``//`` lines it starts with) says what the script reads; it stays out of the
    pages. Lines after the first are indented by ``indent`` spaces and the final newline is dropped,
    so that the text fits where a template puts it at that indentation.
    """
    lines = (files(__package__) / "assets" / name).read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    pad = " " * indent
    return "".join(lines[:1] + [pad + line if line.strip() else line for line in lines[1:]]).removesuffix("\n")


@cache
def style(name: str) -> str:
    """The stylesheet ``assets/<name>`` without its header comment (the ``/* ... */`` it starts with)."""
    text = (files(__package__) / "assets" / name).read_text(encoding="utf-8")
    if text.startswith("/*"):
        text = text[text.index("*/") + 2 :].lstrip("\n")
    return text.removesuffix("\n")


def stylesheet(name: str) -> str:
    """The stylesheet ``assets/<name>`` as a ``<style>`` element (its header comment kept)."""
    text = (files(__package__) / "assets" / name).read_text(encoding="utf-8").replace("</style", "<\\/style")
    return f"<style>\n{text}</style>"


def header_script(m: Any, name: str) -> None:
    """Put the script ``assets/<name>`` once into the page's header (a map of several panes shares it)."""
    root = m.get_root()
    key = "km_asset_" + name.replace(".", "_")
    if key not in root.header._children:
        root.header.add_child(_Inline(f"<script>\n{script(name)}\n</script>"), name=key)
