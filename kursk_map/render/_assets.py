"""The files a page loads besides itself: vendored Leaflet and our own scripts and styles.

Every page of an atlas loads them from the atlas's own ``assets/`` folder, so a copied folder works
with ``file://`` alone. Three ways to reach them (:class:`Assets`):

* ``local`` (the atlas default): ``<script src="assets/leaflet-1.9.3/leaflet.js">``, relative to
  the page; the build copies :func:`asset_files` into ``assets/``;
* ``inline`` (one file that works alone, ``--self-contained``, and the library default): the
  texts inside the page;
* ``cdn`` (only when asked, ``--cdn``): Leaflet from jsDelivr at the pinned version.

The vendored packages are listed in :data:`VENDORED` with the registry they come from, their
licence and the SHA-256 of every file, checked by the tests; ``vendor/README.md`` says how to
update them from the registry.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Final, Literal

from branca.element import Element

from ._html import esc

Mode = Literal["local", "inline", "cdn"]
MODES: Final = ("local", "inline", "cdn")


@dataclass(frozen=True)
class Vendored:
    """One third-party package copied into ``render/vendor/<folder>`` from a package registry."""

    name: str
    version: str
    registry: str  # "npm" or "pypi"
    licence: str
    homepage: str
    #: path inside the package's folder -> SHA-256 of the file as published in the registry's tarball
    files: Mapping[str, str]

    @property
    def folder(self) -> str:
        """The folder name, in the package and under the atlas's ``assets/``."""
        return f"{self.name}-{self.version}"


#: Everything a page may load that we did not write. The hashes are those of the files in
#: ``leaflet-1.9.3.tgz`` from registry.npmjs.org (npm's integrity
#: sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==).
VENDORED: Final = {
    "leaflet": Vendored(
        name="leaflet",
        version="1.9.3",
        registry="npm",
        licence="BSD-2-Clause",
        homepage="https://leafletjs.com",
        files={
            "leaflet.js": "5819285cec137b229c94e1ee5ad73e8b6b84345a4367d60f75fe477fe0fb7b03",
            "leaflet.css": "90b693d86392a4779c861b28cf307e7e59c3fb35328c4d8b95f58f814d38c722",
            "images/layers.png": "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
            "images/layers-2x.png": "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
            "images/marker-icon.png": "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
            "images/marker-icon-2x.png": "00179c4c1ee830d3a108412ae0d294f55776cfeb085c60129a39aa6fc4ae2528",
            "images/marker-shadow.png": "264f5c640339f042dd729062cfc04c17f8ea0f29882b538e3848ed8f10edb4da",
            "LICENSE": "97c194191510b19c72d25094922821a888d5d9bafb909ea7a38c9bf5b6c40a08",
        },
    ),
}
LEAFLET: Final = VENDORED["leaflet"]
#: Our own page scripts and styles (``render/assets/``), copied beside Leaflet.
OWN: Final = (
    "explore.js",
    "explore.css",
    "explore-boot.js",
    "listbox.js",
    "map.js",
    "map.css",
    "areas.js",
    "attacks.js",
)
CDN_BASE: Final = "https://cdn.jsdelivr.net/npm"


def _vendor_bytes(pkg: Vendored, rel: str) -> bytes:
    return (files(__package__) / "vendor" / pkg.folder / rel).read_bytes()


def _own_bytes(name: str) -> bytes:
    return (files(__package__) / "assets" / name).read_bytes()


def asset_files() -> dict[str, bytes]:
    """Every file of the ``assets/`` folder, by its path inside it (vendored packages and our own).

    Examples
    --------
    >>> sorted(asset_files())[:4]
    ['areas.js', 'attacks.js', 'explore-boot.js', 'explore.css']
    """
    out = {f"{pkg.folder}/{rel}": _vendor_bytes(pkg, rel) for pkg in VENDORED.values() for rel in pkg.files}
    out.update({name: _own_bytes(name) for name in OWN})
    return dict(sorted(out.items()))


def map_page_files(page: str | None = None) -> dict[str, bytes]:
    """The files of ``assets/`` a map page loads: Leaflet (with its layer icons and licence) and our scripts.

    Our chrome (``map.css``, ``map.js`` and the search list's ``listbox.js``), and the scripts of drawn areas
    and attack markers: with ``page`` (the page's HTML, loading its assets from ``assets/``), only those of
    them it loads.

    Examples
    --------
    >>> sorted(map_page_files())  # doctest: +NORMALIZE_WHITESPACE
    ['areas.js', 'attacks.js', 'leaflet-1.9.3/LICENSE', 'leaflet-1.9.3/images/layers-2x.png',
     'leaflet-1.9.3/images/layers.png', 'leaflet-1.9.3/leaflet.css', 'leaflet-1.9.3/leaflet.js', 'listbox.js',
     'map.css', 'map.js']
    >>> sorted(map_page_files('<script src="assets/areas.js"></script>'))[:2]
    ['areas.js', 'leaflet-1.9.3/LICENSE']
    """
    names = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "LICENSE")
    out = {f"{LEAFLET.folder}/{rel}": _vendor_bytes(LEAFLET, rel) for rel in names}
    out.update({name: _own_bytes(name) for name in ("map.css", "listbox.js", "map.js")})
    optional = ("areas.js", "attacks.js")
    out.update({name: _own_bytes(name) for name in optional if page is None or f'"assets/{name}"' in page})
    return out


def file_digest(data: bytes) -> str:
    """SHA-256 of a file, as listed in :data:`VENDORED`."""
    return hashlib.sha256(data).hexdigest()


class _Inline(Element):
    """A script or stylesheet put into the page as it is (branca would read it as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


@cache
def leaflet_js() -> str:
    """Leaflet's minified JavaScript, safe to inline in a ``<script>`` element."""
    text = _vendor_bytes(LEAFLET, "leaflet.js").decode("utf-8")
    return text.replace("</script", "<\\/script")


@cache
def leaflet_css() -> str:
    """Leaflet's stylesheet with its layer-control icons inlined as data URIs."""
    text = _vendor_bytes(LEAFLET, "leaflet.css").decode("utf-8")

    def inline(m: re.Match[str]) -> str:
        data = _vendor_bytes(LEAFLET, f"images/{m.group(1)}")
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return re.sub(r"url\(images/(layers(?:-2x)?\.png)\)", inline, text)


@cache
def own_text(name: str) -> str:
    """One of our own asset files as text (safe to inline in a ``<script>`` or ``<style>``)."""
    if name not in OWN:
        raise ValueError(f"unknown asset {name!r}; known: {', '.join(OWN)}")
    text = _own_bytes(name).decode("utf-8")
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


@dataclass(frozen=True)
class Assets:
    """Where a page finds Leaflet and our scripts: the atlas's folder, inside the page, or a CDN.

    Parameters
    ----------
    mode : {"local", "inline", "cdn"}
        ``local`` loads them from ``base``; ``inline`` puts them inside the page; ``cdn`` loads
        Leaflet from jsDelivr (our own scripts are then inlined: no CDN has them).
    base : str
        With ``local``, the URL of the assets folder relative to the page (``"../assets/"`` for a
        page in a source's folder), ending with ``/``.

    Examples
    --------
    >>> Assets("local", "../assets/").leaflet_js_url
    '../assets/leaflet-1.9.3/leaflet.js'
    >>> Assets("cdn").leaflet_css_url
    'https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css'
    >>> Assets("inline").leaflet_js_url is None
    True
    """

    mode: Mode = "inline"
    base: str = "assets/"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown assets mode {self.mode!r}; choose one of {', '.join(MODES)}")
        if self.mode == "local" and not self.base.endswith("/"):
            raise ValueError(f"the assets folder URL must end with '/', got {self.base!r}")

    @property
    def leaflet_js_url(self) -> str | None:
        """The ``src`` of Leaflet's script, or None when it is inlined."""
        return self._leaflet_url("leaflet.js")

    @property
    def leaflet_css_url(self) -> str | None:
        """The ``href`` of Leaflet's stylesheet, or None when it is inlined."""
        return self._leaflet_url("leaflet.css")

    def _leaflet_url(self, name: str) -> str | None:
        if self.mode == "local":
            return f"{self.base}{LEAFLET.folder}/{name}"
        if self.mode == "cdn":
            return f"{CDN_BASE}/{LEAFLET.name}@{LEAFLET.version}/dist/{name}"
        return None

    def leaflet_tags(self) -> str:
        """``<link>`` and ``<script>`` elements that load Leaflet (for pages built without folium)."""
        css, js = self.leaflet_css_url, self.leaflet_js_url
        if css is None or js is None:
            return f"<style>{leaflet_css()}</style>\n<script>{leaflet_js()}</script>"
        return f'<link rel="stylesheet" href="{esc(css)}">\n<script src="{esc(js)}"></script>'

    def own_tags(self, name: str) -> str:
        """The element that loads one of our own assets (``explore.js``, ``map.css``, ...)."""
        css = name.endswith(".css")
        if self.mode == "local":
            url = esc(self.base + name)
            return f'<link rel="stylesheet" href="{url}">' if css else f'<script src="{url}"></script>'
        text = own_text(name)
        return f"<style>{text}</style>" if css else f"<script>{text}</script>"


#: Pages of the atlas one folder down (``<source>/<date>.html``, ``compare/<date>.html``).
LOCAL_SUBFOLDER: Final = Assets("local", "../assets/")
INLINE: Final = Assets("inline")
CDN: Final = Assets("cdn")


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


def header_script(m: Any, name: str, assets: Assets | None = None) -> None:
    """Load our script ``assets/<name>`` once in the page's header (a map of several panes shares it).

    Through ``assets`` like the page's other scripts (by default the map's, as its base map was made):
    from the atlas's ``assets/`` folder, or inside the page.
    """
    if assets is None:
        assets = getattr(m, "km_assets", INLINE)
    root = m.get_root()
    key = "km_asset_" + name.replace(".", "_")
    if key not in root.header._children:
        root.header.add_child(_Inline(assets.own_tags(name)), name=key)
