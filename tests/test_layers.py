"""The package's layers, read from its source with ast: who may import what.

* only the renderers (``kursk_map/render/``) import folium, branca or matplotlib;
* nothing outside ``render/`` (the package, the tests, the benchmarks) imports a private name of
  ``render/`` (a name or a module starting with ``_``): the renderers' API is ``kursk_map.render``;
* the build loop names no page kind: it goes through the registry.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "kursk_map"
RENDER = PACKAGE / "render"
DRAWING = ("folium", "branca", "matplotlib")


def _module_of(path: Path) -> str:
    """``kursk_map.build.loop`` for kursk_map/build/loop.py (``tests.x`` for a test)."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str, str | None]]:
    """Every import of a file as (line, absolute module, imported name or None for ``import m``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_of(path) if path.name == "__init__.py" else _module_of(path).rpartition(".")[0]
    out: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            out += [(node.lineno, base, alias.name) for alias in node.names]
    return out


def _files(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.py") if ".venv" not in p.parts)


def _private_render_use(module: str, name: str | None) -> bool:
    if module != "kursk_map.render" and not module.startswith("kursk_map.render."):
        return False
    inside = module.split(".")[2:]
    return any(part.startswith("_") for part in inside) or (name is not None and name.startswith("_"))


def test_the_import_reader_resolves_relative_imports() -> None:
    """The checks below rely on this: a relative import is read as the absolute module it names."""
    found = _imports(PACKAGE / "build" / "loop.py")
    assert (found[0][1], found[0][2]) == ("__future__", "annotations")
    assert any(m == "kursk_map._fs" and n == "write_atomic" for _, m, n in found)
    assert any(m == "kursk_map.build.kinds" and n == "KINDS" for _, m, n in found)
    assert any(m == "kursk_map.render._folium" for _, m, _ in _imports(RENDER / "maps.py"))
    assert _private_render_use("kursk_map.render._html", "esc")
    assert _private_render_use("kursk_map.render.maps", "_CODES")
    assert not _private_render_use("kursk_map.render", "esc")


@pytest.mark.parametrize("path", _files(PACKAGE), ids=lambda p: str(p.relative_to(REPO)))
def test_only_renderers_import_drawing_libraries(path: Path) -> None:
    if RENDER in path.parents:
        return
    drawing = [(line, m) for line, m, _ in _imports(path) if m.split(".")[0] in DRAWING]
    assert drawing == [], f"{path.relative_to(REPO)} imports {drawing}: drawing belongs in kursk_map/render/"


def test_nothing_outside_render_uses_its_private_names() -> None:
    found = [
        f"{path.relative_to(REPO)}:{line}: {module}" + (f" import {name}" if name else "")
        for path in _files(PACKAGE, REPO / "tests", REPO / "bench", REPO / "geodata")
        if RENDER not in path.parents
        for line, module, name in _imports(path)
        if _private_render_use(module, name)
    ]
    assert found == []


def test_the_build_loop_names_no_page_kind() -> None:
    from kursk_map.build import KINDS

    tree = ast.parse((PACKAGE / "build" / "loop.py").read_text(encoding="utf-8"))
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert set(KINDS) & strings == set()
    assert {"map", "timeline", "compare", "index"} <= set(KINDS)  # the names the check looks for
