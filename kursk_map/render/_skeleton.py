"""Page skeletons: a page kind's folium furniture rendered once per atlas, each page filling in what differs.

Drawing a map page with folium builds and renders about thirty elements (the map, its tile layers,
panel, attribution, border, layers and layer control), most of them the same on every page of an
atlas. A :class:`Skeleton` is such a page rendered once, by folium, with sentinels in place of what
differs (the title, the panel, the view, and the layers drawn from the page's data); a page is then
the skeleton's fixed parts joined with its own pieces, and only the layers drawn from its data go
through folium, on their own (:func:`render_layers`).

The output is byte-identical to drawing the page with folium alone: ids are deterministic and the
same elements get the same ids (a page's *shape*, the ids each of its data layers takes, chooses its
skeleton), the pieces are encoded as the templates encode them (:func:`tojson`), and every sentinel
must occur exactly once in the skeleton. ``tests/test_skeleton.py`` builds whole atlases both ways
and compares every file.
"""

from __future__ import annotations

import contextlib
import json
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement

#: A sentinel: letters and digits only, so that HTML escaping and JSON encoding leave it as it is.
_SENTINEL = "KmSlot{}Q7x"


def sentinel(name: str) -> str:
    """The sentinel standing for the piece ``name`` in a skeleton.

    Examples
    --------
    >>> sentinel("panel")
    'KmSlotpanelQ7x'
    """
    return _SENTINEL.format(name)


def tojson(value: Any) -> str:
    r"""``value`` as Jinja's ``tojson`` filter writes it in folium's templates (sorted keys, HTML-safe).

    Examples
    --------
    >>> print(tojson({"b": "<i>", "a": [1.5, 2]}))
    {"a": [1.5, 2], "b": "\u003ci\u003e"}
    """
    return (
        json.dumps(value, sort_keys=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


class Ids:
    """Sequential branca ids from ``start`` (as :func:`kursk_map.render.deterministic_ids` gives from 0)."""

    def __init__(self, start: int = 0, prefix: str = "k") -> None:
        self.next = start
        self.prefix = prefix

    @contextlib.contextmanager
    def active(self) -> Iterator[Ids]:
        """Elements created inside take the next ids; ``self.next`` is the one after the last."""
        original = Element.__dict__["_generate_id"]

        def _next_id(cls: type) -> str:
            n, self.next = self.next, self.next + 1
            return f"{self.prefix}{n:05d}"

        Element._generate_id = classmethod(_next_id)  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            Element._generate_id = original  # type: ignore[method-assign]


class _Slot(Element):
    """Stands in a skeleton for a layer drawn per page: renders its sentinel where the layer's script goes."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.slot = name

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # adds to the page's scripts, returns None
        """Put the sentinel among the page's scripts."""
        self.get_root().script.add_child(_Text(sentinel(self.slot)), name=f"km_slot_{self.slot}")  # type: ignore[attr-defined]


class _Text(Element):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def stand_in(m: folium.Map) -> folium.Map:
    """A map with ``m``'s name and nothing else, in a figure of its own: the parent of layers drawn apart."""
    proxy: folium.Map = folium.Map.__new__(type(m))
    with Ids(0, prefix="proxy").active():
        Element.__init__(proxy)
    proxy._name, proxy._id = m._name, m._id  # get_name() is m's
    if "km_assets" in vars(m):  # where the page loads its scripts from (see _assets.header_script)
        vars(proxy)["km_assets"] = vars(m)["km_assets"]
    Figure().add_child(proxy)
    return proxy


@dataclass
class Layers:
    """What the layers drawn apart put into their figure when rendered."""

    scripts: list[str]  #: the scripts of each step, in order, as the page holds them


def _entries(section: Element) -> list[tuple[str, Element]]:
    return list(section._children.items())


def joined(entries: Sequence[tuple[str, Element]]) -> str:
    """Entries of a page section (its scripts) as the section renders them, one after the other."""
    section = Element()
    section._children = OrderedDict(entries)
    return str(section.render())


def slot_text(name: str) -> str:
    """The text a :class:`_Slot` leaves in the page's scripts (the sentinel as a section entry)."""
    return joined([(f"km_slot_{name}", _Text(sentinel(name)))])


def _as_element(text: str) -> Element:
    """What ``Element(text)`` renders, without compiling ``text`` as a template when that changes nothing.

    branca's :class:`MacroElement` puts each rendered macro into ``Element(text)``, which compiles
    the text as a Jinja template (slow for a layer's data). A text without Jinja's delimiters or a
    carriage return renders as itself less one final newline (Jinja's ``keep_trailing_newline``).
    """
    if "{{" in text or "{%" in text or "{#" in text or "\r" in text:
        return Element(text)
    return _Text(text.removesuffix("\n"))


def _macro_render(self: MacroElement, **kwargs: Any) -> None:
    """:meth:`branca.element.MacroElement.render` with :func:`_as_element` for ``Element``."""
    figure = self.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    for part in ("header", "html", "script"):
        macro = self._template.module.__dict__.get(part, None)
        if macro is not None:
            getattr(figure, part).add_child(_as_element(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


@contextlib.contextmanager
def quick_macros() -> Iterator[None]:
    """While inside, branca's macros render with :func:`_as_element` (the same bytes, faster)."""
    original = MacroElement.__dict__["render"]
    MacroElement.render = _macro_render  # type: ignore[method-assign]
    try:
        yield
    finally:
        MacroElement.render = original  # type: ignore[method-assign]


def render_layers(proxy: folium.Map, steps: Sequence[Sequence[str]]) -> Layers | None:
    """Render the children of ``proxy`` step by step (``steps``: the children's names of each step).

    Returns each step's scripts as the page would hold them, or ``None`` when a layer put anything
    but scripts into the page while rendered, or put its scripts anywhere but after the others (a
    skeleton cannot hold it: the page is then drawn with folium alone).
    """
    figure: Any = proxy.get_root()
    before = (len(figure.header._children), len(figure.html._children))
    scripts = []
    with quick_macros():
        for names in steps:
            start = _entries(figure.script)
            for name in names:
                proxy._children[name].render()
            now = _entries(figure.script)
            if now[: len(start)] != start:
                return None
            scripts.append(joined(now[len(start) :]))
    if (len(figure.header._children), len(figure.html._children)) != before:
        return None
    return Layers(scripts)


@dataclass
class Skeleton:
    """A page cut at its sentinels: ``parts[0] + piece(slots[0]) + parts[1] + ... + parts[-1]``."""

    parts: list[str]
    slots: list[str]

    @classmethod
    def cut(cls, html: str, slots: Sequence[tuple[str, str]]) -> Skeleton | None:
        r"""Cut ``html`` at the encoded sentinels ``slots`` ((name, text)); ``None`` unless each occurs once.

        Examples
        --------
        >>> html = f"<title>{sentinel('title')}</title><script>x = {tojson(sentinel('panel'))};</script>"
        >>> sk = Skeleton.cut(html, [("panel", tojson(sentinel("panel"))), ("title", sentinel("title"))])
        >>> print(sk.fill({"title": "A &amp; B", "panel": tojson("<b>")}))
        <title>A &amp; B</title><script>x = "\u003cb\u003e";</script>
        >>> Skeleton.cut(html + sentinel("title"), [("title", sentinel("title"))]) is None  # twice: no skeleton
        True
        """
        found = []
        for name, text in slots:
            if html.count(text) != 1:
                return None
            found.append((html.index(text), name, text))
        parts, names, at = [], [], 0
        for pos, name, text in sorted(found):
            parts.append(html[at:pos])
            names.append(name)
            at = pos + len(text)
        parts.append(html[at:])
        return cls(parts, names)

    def fill(self, pieces: dict[str, str]) -> str:
        """The page: the fixed parts joined with ``pieces`` (by slot name)."""
        out = [self.parts[0]]
        for name, part in zip(self.slots, self.parts[1:], strict=True):
            out += (pieces[name], part)
        return "".join(out)


def replace_children(m: Element, steps: Sequence[tuple[str, Sequence[str]]]) -> None:
    """In ``m``, put a :class:`_Slot` named after each step in place of that step's children."""
    owner = {name: step for step, names in steps for name in names}
    children: OrderedDict[str, Element] = OrderedDict()
    for name, child in m._children.items():
        step = owner.get(name)
        if step is None:
            children[name] = child
        elif f"km_slot_{step}" not in children:
            slot = _Slot(step)
            slot._parent = m
            children[f"km_slot_{step}"] = slot
    m._children = children
