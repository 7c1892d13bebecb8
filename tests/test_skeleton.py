"""Map and comparison pages from skeletons (kursk_map/render/_skeleton.py) are byte for byte folium's own pages.

The atlas draws each map and comparison page from a skeleton of its page kind, rendered once per process,
filled in with what differs; ``full_folium()`` draws every page with folium alone, the reference. These tests
build whole atlases both ways and compare every file: a change to the pages that the skeletons do
not follow fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kursk_map import load_dataset
from kursk_map.build import render_atlas
from kursk_map.render import compare, full_folium, maps

from .conftest import TODAY, UA_AREAS, UA_CLAIMS, write_areas, write_dataset

ROOT = Path(__file__).resolve().parent.parent


def _atlas(data: Path, *, self_contained: bool = False) -> dict[str, Any]:
    """Every file of the atlas of ``data`` (no images), drawn in this process; ``maps``/``compare``: how many pages."""
    ds = load_dataset(data, today=TODAY)
    files: dict[str, Any] = {}
    manifest = render_atlas(ds, files.__setitem__, self_contained=self_contained, workers=1)
    files["maps"], files["compare"] = len(manifest["maps"]), len(manifest["compare"])
    return files


def _both_ways(
    data: Path, *, self_contained: bool = False
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int], dict[str, int]]:
    """The atlas drawn with skeletons and with folium alone, and how its map and comparison pages were made."""
    before = dict(maps.skeleton_stats()), dict(compare.skeleton_stats())
    fast = _atlas(data, self_contained=self_contained)
    drawn = {k: v - before[0][k] for k, v in maps.skeleton_stats().items()}
    compared = {k: v - before[1][k] for k, v in compare.skeleton_stats().items()}
    with full_folium():
        reference = _atlas(data, self_contained=self_contained)
    assert maps.skeleton_stats()["skeleton"] == before[0]["skeleton"] + drawn["skeleton"]  # none from skeletons
    assert compare.skeleton_stats()["skeleton"] == before[1]["skeleton"] + compared["skeleton"]
    return fast, reference, drawn, compared


def _assert_same(fast: dict[str, Any], reference: dict[str, Any]) -> None:
    assert sorted(fast) == sorted(reference)
    differ = [rel for rel in sorted(reference) if fast[rel] != reference[rel]]
    assert not differ, f"{len(differ)} files differ from folium's own pages, e.g. {differ[:3]}"


def _none_fell_back(drawn: dict[str, int], pages: int) -> None:
    """Every page of the kind came from a skeleton but the first of each shape, and none from folium for want of one."""
    assert drawn["folium"] == 0 and drawn["skeleton"] > 0 and drawn["skeleton"] + drawn["first"] == pages


@pytest.mark.parametrize("self_contained", [False, True])
def test_small_atlas_is_byte_identical(tmp_path: Path, self_contained: bool) -> None:
    """Two sources, relative claims (a layer on some maps only), a region claim, a denial."""
    fast, reference, drawn, compared = _both_ways(write_dataset(tmp_path / "data"), self_contained=self_contained)
    _assert_same(fast, reference)
    _none_fell_back(drawn, fast["maps"])
    _none_fell_back(compared, fast["compare"])


def test_texts_that_look_like_templates_or_sentinels_are_identical(tmp_path: Path) -> None:
    """branca reads some rendered text as Jinja again, and a text may look like a sentinel: folium's bytes all the same."""
    odd = "T1 {{ 7*7 }} {% if 1 %}X{% endif %} {# c #} KmSlotpanelQ7x KmSlotrelativeQ7x </script> T2"
    ua = UA_CLAIMS.replace("Says about 1000 km2 are held.", f'"{odd}"')  # a figure: in the panel
    ua = ua.replace("Reports an advance south-east of Sudzha.", f'"{odd}"')  # a relative claim: its own layer
    data = write_dataset(tmp_path / "data", ua=ua)
    sources = (data / "sources.csv").read_text(encoding="utf-8")
    (data / "sources.csv").write_text(sources.replace("General Staff of Ukraine", "GS {{ 6*7 }}"), encoding="utf-8")
    fast, reference, drawn, compared = _both_ways(data)
    _assert_same(fast, reference)
    _none_fell_back(drawn, fast["maps"])
    _none_fell_back(compared, fast["compare"])
    page = fast["ua-gs/2025-02-06.html"]
    assert page.count("KmSlotpanelQ7x") >= 2 and page.count("KmSlotrelativeQ7x") >= 2  # panel and relative layer
    assert "<title>GS &#123;&#123; 6*7 &#125;&#125; — 2025-02-06" in page


def test_comparison_pages_with_and_without_drawn_areas_are_identical(tmp_path: Path) -> None:
    """A source's drawn areas are a layer of the comparison pages from the day it drew: two shapes, both filled in."""
    data = write_dataset(tmp_path / "data")
    for day, boxes in UA_AREAS.items():
        write_areas(data, "ua-gs", day, *boxes)
    fast, reference, drawn, compared = _both_ways(data)
    _assert_same(fast, reference)
    _none_fell_back(drawn, fast["maps"])
    _none_fell_back(compared, fast["compare"])
    pages = [page for rel, page in sorted(fast.items()) if rel.startswith("compare/")]
    with_areas = ["__kmDrawnStyle" in page for page in pages]
    assert any(with_areas) and not all(with_areas)  # both shapes are in the atlas
    assert compared["first"] == 2  # one skeleton for each shape


def test_a_theatre_without_a_centre_starts_each_map_on_its_own_claims(tmp_path: Path) -> None:
    """Without theatre.toml the map's starting point follows each page's bounds: a piece of each page."""
    data = write_dataset(tmp_path / "data", ua=UA_CLAIMS.replace("ua-3,2025-02-06", "ua-3,2024-08-20"))
    fast, reference, drawn, compared = _both_ways(data)
    _assert_same(fast, reference)
    starts = {
        page.split("center: ")[1].split(",\n")[0]
        for rel, page in fast.items()
        if rel.startswith("ua-gs/2") and rel.endswith(".html")
    }
    assert len(starts) > 1  # the pages do start at different points
    assert drawn["folium"] == 0 and compared["folium"] == 0 and compared["skeleton"] > 0


def test_a_layer_wrongly_kept_in_the_skeleton_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If a layer that differs per page were kept in the skeleton, the first page of a shape shows it: folium draws."""
    wrong = tuple((name, draw, True if name == "settlements" else fixed) for name, draw, fixed in maps.LAYERS)
    monkeypatch.setattr(maps, "LAYERS", wrong)
    fast, reference, drawn, _compared = _both_ways(write_dataset(tmp_path / "data"))
    _assert_same(fast, reference)
    assert drawn["skeleton"] == 0 and drawn["folium"] > 0  # the second page of each shape found it


def test_a_comparison_layer_wrongly_kept_in_the_skeleton_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison pages' settlement layers kept in their skeleton: the second page differs, folium draws."""
    wrong = tuple((name, draw, True if name == "layers" else fixed) for name, draw, fixed in compare.STEPS)
    monkeypatch.setattr(compare, "STEPS", wrong)
    fast, reference, _drawn, compared = _both_ways(write_dataset(tmp_path / "data"))
    _assert_same(fast, reference)
    assert compared["skeleton"] == 0 and compared["folium"] > 0 and compared["first"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("data", ["geodata", "examples/kharkiv-2022"])
def test_bundled_atlases_are_byte_identical(data: str) -> None:
    """Every file of the bundled atlas and of the second theatre's, both ways."""
    fast, reference, drawn, compared = _both_ways(ROOT / data)
    _assert_same(fast, reference)
    _none_fell_back(drawn, fast["maps"])
    _none_fell_back(compared, fast["compare"])
