"""Page skeletons: a page kind's folium furniture rendered once per atlas, each page filling in what differs.

Drawing a map page with folium builds and renders about thirty elements (the map, its tile layers,
panel, attribution, border, layers and layer control), most of them the same on every page of an
atlas. A :class:`Skeleton` is such a page rendered once, by folium, with sentinels in place of what
differs (the title, the panel, the view, and the layers drawn from the page's data); a page is then
the skeleton's fixed parts joined with its own pieces, and only the layers drawn from its data go
through folium, on their own (:func:`render_layers`). :class:`Pages` keeps the skeletons of one page
kind (map pages, comparison pages), described by a :class:`PageSpec`: its base map, its steps (the
layers, each drawn per page or the same on every page), its pieces and folium's own page.

The output is byte-identical to drawing the page with folium alone: ids are deterministic and the
same elements get the same ids (a page's *shape*, the ids taken by the data layers drawn before a
fixed one and which data layers are there, chooses its skeleton), the pieces are encoded as the
templates encode them (:func:`tojson`), and every sentinel must occur exactly once in the skeleton.
``tests/test_skeleton.py`` builds whole atlases both ways and compares every file.
"""

from __future__ import annotations

import contextlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import folium
from branca.element import Element, Figure, MacroElement

from ..theatre import Theatre
from ._assets import Assets
from ._folium import _base_map, start_point
from ._html import esc

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


#: The view of a skeleton's base map (a page's own bounds replace it): far from any theatre, digits unlike a page's.
BOUNDS = [[-81.23456789, -171.23456789], [-79.87654321, -169.87654321]]


def base_map(theatre: Theatre, assets: Assets) -> tuple[folium.Map, list[tuple[str, str]]]:
    """A page's base map with sentinels for its title, panel and view, and those slots (see :func:`base_pieces`)."""
    m = _base_map(BOUNDS, sentinel("title"), sentinel("panel"), theatre=theatre, assets=assets)
    slots = [("title", sentinel("title")), ("panel", tojson(sentinel("panel"))), ("bounds", tojson(BOUNDS))]
    if theatre.centre is None:  # the starting point follows the bounds
        slots.append(("location", tojson(start_point(BOUNDS, theatre))))
    return m, slots


def base_pieces(title: str, panel: str, bounds: list[list[float]], theatre: Theatre) -> dict[str, str]:
    """A page's title, panel (HTML) and view as its base map holds them, for the slots of :func:`base_map`."""
    return {
        "title": esc(title),
        "panel": tojson(panel),
        "bounds": tojson(bounds),
        "location": tojson(start_point(bounds, theatre)),
    }


#: A step of a page kind: (name, draw(m, ctx), the same on every page with the same furniture).
Step = tuple[str, Callable[[folium.Map, Any], None], bool]


class PageSpec(Protocol):
    """What :class:`Pages` needs to know of a page kind."""

    def furniture(self, ctx: Any, assets: Any) -> tuple[folium.Map, list[tuple[str, str]]]:
        """The page's base map with sentinels for its pieces, and those slots (name, encoded sentinel)."""

    def steps(self) -> Sequence[Step]:
        """What the page adds to its base map, in order."""

    def pieces(self, ctx: Any) -> dict[str, str]:
        """The page's own pieces, encoded as the base map holds them, by slot name."""

    def reference(self, ctx: Any, assets: Any) -> str:
        """The page drawn with folium alone (deterministic ids)."""

    def static(self, ctx: Any, assets: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """What the furniture and fixed steps depend on (hashable, objects by ``id``), and the objects to keep alive."""


@dataclass(frozen=True)
class _Shape:
    """What a skeleton depends on: the page's furniture, and the ids and entries of each step drawn per page."""

    static: tuple[Any, ...]
    counts: tuple[int, ...]  #: ids taken by each step drawn per page before the last fixed one
    drew: tuple[bool, ...]  #: whether each step drawn per page added anything (it has a slot then)
    built: tuple[tuple[str, str], ...]  #: header and body entries the drawn steps add when built (script tags)


@dataclass(frozen=True)
class _Plan:
    """The ids of a page's furniture and of its fixed steps (the same for every page with that furniture)."""

    furniture: int  #: ids the base map takes (the first step's first id)
    fixed: Mapping[str, int]  #: ids each fixed step takes


@dataclass
class _Built:
    shape: _Shape
    plan: _Plan
    skeleton: Skeleton
    children: list[tuple[str | None, str, Any]]  #: (drawn step or None, name, element) of the skeleton's map
    map: folium.Map  #: the skeleton's map: its name, and its furniture for the layer control
    keep: tuple[Any, ...]  #: the objects the shape identifies, kept alive with it


@dataclass
class _Drawn:
    """A page's drawn steps, built on a stand-in of the skeleton's map."""

    proxy: folium.Map
    steps: list[tuple[str, list[str]]]  #: each drawn step and the names of its elements in the map
    counts: tuple[int, ...]
    built: tuple[tuple[str, str], ...]


class Pages:
    """The skeletons of one page kind in this process (a forked build worker has its own), by page shape.

    The first page of a shape is drawn with folium and its skeleton made; the second is drawn both
    ways and the skeleton dropped if they differ; the others are filled in. ``drawn`` counts the
    pages made from skeletons (``skeleton``), with folium as the first of their shape (``first``),
    and with folium for want of a skeleton that gives their bytes (``folium``).
    """

    #: Off inside :func:`kursk_map.render.full_folium`: every page of every kind is then drawn with folium alone.
    enabled: bool = True

    def __init__(self, spec: PageSpec) -> None:
        self.spec = spec
        self._skeletons: dict[_Shape, _Built | None] = {}
        self._plans: dict[tuple[Any, ...], tuple[_Plan, folium.Map] | None] = {}
        self._checked: set[_Shape] = set()
        self.drawn = {"skeleton": 0, "first": 0, "folium": 0}

    def html(self, ctx: Any, *, assets: Any) -> str:
        """The page of ``ctx``: from its skeleton if it has one, else drawn with folium."""
        how = self._fast(ctx, assets) if self.enabled else "folium"
        if isinstance(how, _Page):
            self.drawn["skeleton"] += 1
            return how.html
        self.drawn[how] += 1
        return self.spec.reference(ctx, assets)

    def _fast(self, ctx: Any, assets: Any) -> _Page | str:
        """The page from its skeleton, else why folium draws it: ``first`` of its shape, or ``folium``."""
        static, _keep = self.spec.static(ctx, assets)
        first = None
        if static not in self._plans:
            if len(self._skeletons) > 32:  # many atlases in one process: start again
                self._skeletons.clear()
                self._plans.clear()
                self._checked.clear()
            first = self._build(ctx, assets)
            self._plans[static] = None if first is None else (first.plan, first.map)
        known = self._plans[static]
        if known is None:
            return "folium"
        drawn = self._draw(ctx, *known)
        shape = self._shape(static, drawn.counts, drawn.steps, drawn.built)
        if shape not in self._skeletons:  # a skeleton from this page; the next page of its shape checks it
            built = first if first is not None else self._build(ctx, assets)
            ok = built is not None and built.shape == shape and built.plan == known[0]
            self._skeletons[shape] = built if ok else None
            return "first"
        sk = self._skeletons[shape]
        page = None if sk is None else self._fill(sk, ctx, drawn)
        if page is not None and shape not in self._checked:
            # The second page of each shape is drawn with folium too: a skeleton that does not give
            # its bytes is not used (e.g. a layer kept in it that differs from page to page).
            self._checked.add(shape)
            if page != self.spec.reference(ctx, assets):
                self._skeletons[shape] = None
                return "folium"
        return "folium" if page is None else _Page(page)

    def _shape(
        self,
        static: tuple[Any, ...],
        counts: tuple[int, ...],
        steps: Sequence[tuple[str, Sequence[str]]],
        built: tuple[tuple[str, str], ...],
    ) -> _Shape:
        """A page's shape: the ids taken by the drawn steps before a fixed one (they move its ids), which steps drew."""
        kinds = self.spec.steps()
        last = max((i for i, (_name, _draw, fixed) in enumerate(kinds) if fixed), default=-1)
        moving = sum(1 for _name, _draw, fixed in kinds[:last] if not fixed)
        return _Shape(static, counts[:moving], tuple(bool(names) for _name, names in steps), built)

    def _draw(self, ctx: Any, plan: _Plan, m: folium.Map) -> _Drawn:
        """Build the steps drawn for this page (not yet rendered), with the ids they have on the page."""
        proxy = stand_in(m)
        ids = Ids(plan.furniture)
        steps, counts = [], []
        with ids.active():
            for name, draw, fixed in self.spec.steps():
                if fixed:
                    ids.next += plan.fixed[name]
                    continue
                before, first = set(proxy._children), ids.next
                draw(proxy, ctx)
                steps.append((name, [k for k in proxy._children if k not in before]))
                counts.append(ids.next - first)
        root: Any = proxy.get_root()
        built = [(f"header {k}", str(e.render())) for k, e in root.header._children.items() if k != "meta_http"]
        built += [(f"html {k}", str(e.render())) for k, e in root.html._children.items()]
        return _Drawn(proxy, steps, tuple(counts), tuple(built))

    def _build(self, ctx: Any, assets: Any) -> _Built | None:
        """Render the page of ``ctx`` with folium, sentinels in place of its pieces and drawn steps; cut it."""
        ids = Ids(0)
        steps: list[tuple[str, list[str]]] = []
        counts, fixed, built = [], {}, []
        with ids.active():
            m, slots = self.spec.furniture(ctx, assets)
            furniture = ids.next
            root: Any = m.get_root()
            for name, draw, is_fixed in self.spec.steps():
                before, first = set(m._children), ids.next
                head, body = set(root.header._children), set(root.html._children)
                draw(m, ctx)
                if is_fixed:
                    fixed[name] = ids.next - first
                    continue
                steps.append((name, [k for k in m._children if k not in before]))
                counts.append(ids.next - first)
                built += [(f"header {k}", str(e.render())) for k, e in root.header._children.items() if k not in head]
                built += [(f"html {k}", str(e.render())) for k, e in root.html._children.items() if k not in body]
        owner = {k: name for name, names in steps for k in names}
        children = [(owner.get(k), k, e) for k, e in m._children.items()]
        replace_children(m, steps)
        html = str(root.render())
        skeleton = Skeleton.cut(html, [*slots, *((name, slot_text(name)) for name, names in steps if names)])
        if skeleton is None:
            return None
        static, keep = self.spec.static(ctx, assets)
        shape = self._shape(static, tuple(counts), steps, tuple(built))
        return _Built(shape, _Plan(furniture, fixed), skeleton, children, m, keep)

    def _fill(self, sk: _Built, ctx: Any, drawn: _Drawn) -> str | None:
        """The page: its pieces and its drawn steps, rendered on their own, in the skeleton."""
        proxy = drawn.proxy
        mine = dict(drawn.steps)
        children: dict[str, Any] = {}
        for layer, name, element in sk.children:  # a layer control lists the furniture's, fixed and drawn layers
            if layer is None:
                children[name] = element
            elif mine.get(layer):
                children.update((k, proxy._children[k]) for k in mine.pop(layer))
        if any(mine.values()):
            return None
        proxy._children = OrderedDict(children)
        layers = render_layers(proxy, [names for _name, names in drawn.steps])
        if layers is None:
            return None
        pieces = self.spec.pieces(ctx)
        pieces.update(zip([name for name, _ in drawn.steps], layers.scripts, strict=True))
        return sk.skeleton.fill(pieces)


@dataclass(frozen=True)
class _Page:
    html: str
