"""The folium plumbing every page kind shares: the base map, its panel, verbatim scripts, stable ids.

Private to :mod:`kursk_map.render`; :func:`deterministic_ids` is exported by the package.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import xyzservices
from branca.element import Element, MacroElement
from folium.template import Template

from ..theatre import Theatre
from ._assets import CDN, Assets, leaflet_css, leaflet_js
from ._html import esc, script_json
from .style import BORDER_COLOUR

if TYPE_CHECKING:
    from .settlement import SettlementLinks

LEAFLET_JS = str(CDN.leaflet_js_url)
LEAFLET_CSS = str(CDN.leaflet_css_url)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTR = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
SAT_TILES = "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}"
SAT_ATTR = "Imagery &copy; Esri, Maxar, Earthstar Geographics, and the GIS User Community"


def attribution_prefix(theatre: Theatre) -> str:
    """Leaflet's attribution prefix: Leaflet, the tool, and the theatre's credits (escaped).

    Examples
    --------
    >>> attribution_prefix(Theatre(attribution="Settlements: GeoNames & pages"))
    '<a href="https://leafletjs.com">Leaflet</a> | kursk_map | Settlements: GeoNames &amp; pages'
    """
    return f'<a href="https://leafletjs.com">Leaflet</a> | kursk_map | {esc(theatre.attribution)}'


class _Map(folium.Map):
    """A folium Map that loads only Leaflet (no jQuery, Bootstrap or icon fonts)."""

    default_js = [("leaflet", LEAFLET_JS)]  # noqa: RUF012 - overrides folium's class attribute
    default_css = [("leaflet_css", LEAFLET_CSS)]  # noqa: RUF012
    km_assets: Assets  #: where the page loads Leaflet and our scripts from (set by _base_map)


@contextlib.contextmanager
def deterministic_ids(prefix: str = "k") -> Iterator[None]:
    """Give branca elements sequential ids instead of random ones, for byte-identical output."""
    counter = itertools.count()
    original = Element.__dict__["_generate_id"]

    def _next_id(cls: type) -> str:
        return f"{prefix}{next(counter):05d}"

    Element._generate_id = classmethod(_next_id)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Element._generate_id = original  # type: ignore[method-assign]


class _Verbatim(Element):
    """Text that goes into the page as it is (branca would compile it as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text.removesuffix("\n")  # as a compiled template would (Jinja drops one final newline)

    def render(self, **kwargs: Any) -> str:
        return self.text


class ScriptMacro(MacroElement):
    """A MacroElement with only a ``script`` macro, added to the page verbatim.

    branca's ``MacroElement.render`` wraps each rendered macro in ``Element(text)``, which compiles
    the text as a Jinja template again: slow for large payloads, and a second reading of text that
    must never be read as a template. This renders the macro once and adds the result as it is.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's MacroElement returns None too
        """Add the rendered ``script`` macro to the page's scripts, then render the children."""
        figure = self.get_root()
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Verbatim(script(self, kwargs)), name=self.get_name())  # type: ignore[attr-defined]
        for element in self._children.values():
            element.render(**kwargs)


class _Panel(ScriptMacro):
    """The title/legend panel as a Leaflet control, so it lives inside its own map's container."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
          const c = L.control({position: "topleft"});
          c.onAdd = function () {
            const div = L.DomUtil.create("div", "km-panel");
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
          };
          c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self, html: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmPanel"
        self.html = html


class _FitBounds(ScriptMacro):
    """Opens the map on ``bounds`` at once.

    folium's fit_bounds animates, and a view asked for in the URL hash, set while that animation runs,
    would be undone when it ends.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {animate: false});
        {% endmacro %}"""
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmFitBounds"
        self.bounds = bounds


class _Prefix(ScriptMacro):
    """Sets Leaflet's attribution prefix (Leaflet 1.9's default shows a national flag)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, prefix: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AttributionPrefix"
        self.prefix = prefix


class _Chrome(ScriptMacro):
    """Calls ``kmChrome`` (``assets/map.js``): the panel folds and fits, search, the URL hash, labels, embed mode.

    Added last, once the layers it reads (settlements, layer control) are on the map.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        window.kmChrome({{ this._parent.get_name() }}, {{ this.opts_json }});
        {% endmacro %}"""
    )

    def __init__(self, opts: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KmChrome"
        self.opts_json = script_json(opts)


def add_chrome(m: folium.Map, *, kind: str, search: str | None = None, hash_: bool = True) -> None:
    """Give ``m`` its chrome (see :class:`_Chrome`).

    ``kind`` is "map", "compare" or "timeline" (the payload's key is the map's name; a timeline's
    settlements are its own: no search, labels or spreading); ``search`` the URL of the atlas's
    spelling index (``explore/search.js``), if any; ``hash_`` False for a map that shares its page (the URL
    then belongs to neither).
    """
    opts: dict[str, Any] = {"kind": kind, "key": m.get_name(), "search": search, "hash": hash_}
    m.add_child(_Chrome(opts))


def start_point(bounds: list[list[float]], theatre: Theatre) -> list[float]:
    """Where Leaflet starts before it fits ``bounds``: the theatre's centre, else the centre of ``bounds``.

    Examples
    --------
    >>> start_point([[50.0, 35.0], [51.0, 36.5]], Theatre())
    [50.5, 35.75]
    """
    (s, w), (n, e) = bounds
    lat, lon = theatre.centre or ((s + n) / 2, (w + e) / 2)
    return [round(lat, 4), round(lon, 4)]


def _base_map(
    bounds: list[list[float]],
    title: str,
    panel: str,
    *,
    theatre: Theatre,
    assets: Assets,
    figure: Any = None,
    width: str = "100%",
    left: str = "0%",
) -> folium.Map:
    """A map with both base layers, the neutral attribution prefix, our CSS, a title and a panel.

    ``assets`` says where the page loads Leaflet from (the atlas's ``assets/`` folder, inside the
    page, or a CDN); ``figure`` (a branca Figure), ``width`` and ``left`` place several maps side by
    side on one page. The map opens on ``bounds``; the theatre's centre is only where Leaflet starts
    before fitting them.
    """
    m = _Map(
        location=start_point(bounds, theatre),
        zoom_start=9,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
        width=width,
        left=left,
        position="relative" if figure is None else "absolute",
    )
    if figure is not None:
        figure.add_child(m)
    root: Any = m.get_root()  # a branca Figure
    m.km_assets = assets  # how the layers' own scripts load too (header_script)
    if assets.mode == "inline":
        m.default_js, m.default_css = [], []
        root.header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css_inline")
        root.header.add_child(Element(f"<script>{leaflet_js()}</script>"), name="leaflet_js_inline")
    else:
        m.default_js = [("leaflet", str(assets.leaflet_js_url))]
        m.default_css = [("leaflet_css", str(assets.leaflet_css_url))]
    m.add_child(_FitBounds(bounds))
    m.add_child(_Panel(panel))
    _tile_layer(OSM_TILES, attr=OSM_ATTR, name="OpenStreetMap", max_zoom=19).add_to(m)
    _tile_layer(SAT_TILES, attr=SAT_ATTR, name="Satellite (Esri World Imagery)", max_zoom=18, show=False).add_to(m)
    m.add_child(_Prefix(attribution_prefix(theatre)))
    root.header.add_child(_Verbatim(f"<title>{esc(title)}</title>"), name="km_title")
    root.header.add_child(_Verbatim(assets.own_tags("map.css")), name="km_css")
    chrome = assets.own_tags("listbox.js") + "\n" + assets.own_tags("map.js")  # map.js uses listbox.js
    root.header.add_child(_Verbatim(chrome), name="km_chrome_js")
    return m


def _tile_layer(url: str, *, attr: str, **options: Any) -> folium.TileLayer:
    """``folium.TileLayer(url, attr=attr, ...)``, without folium's search for ``url`` among xyzservices' names.

    That search flattens about a thousand providers each time (2 ms a layer, two layers a page). Given a
    provider holding just the URL, folium writes the same layer: ``build_url`` gives back the URL with its
    ``{z}/{x}/{y}``, and the attribution, name and zooms are those passed.
    """
    return folium.TileLayer(xyzservices.TileProvider(name=url, url=url, attribution=attr), attr=attr, **options)


def _add_border(m: folium.Map, border: gpd.GeoDataFrame | None, theatre: Theatre) -> None:
    """The border as a context line, named in the layer control as the theatre names it."""
    if border is None or border.empty:
        return
    data = json.loads(border[["geometry"]].to_json(drop_id=True))
    folium.GeoJson(
        data,
        name=esc(theatre.border_label),
        style_function=lambda _f: {"color": BORDER_COLOUR, "weight": 2, "dashArray": "8 4", "opacity": 0.8},
        interactive=False,
    ).add_to(m)


def _add_settlement_links(m: folium.Map, links: SettlementLinks | None) -> None:
    """The script that lets the page's popups link each settlement's page (none outside an atlas)."""
    if links is not None:
        root: Any = m.get_root()  # a branca Figure
        root.header.add_child(_Verbatim(links.tag), name="km_settlement_links")
