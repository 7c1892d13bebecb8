from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kursk_map import KurskMapError
from kursk_map.build import build_atlas
from kursk_map.render import VENDORED, Assets, asset_files

from .conftest import TODAY, write_dataset

VENDOR = Path(__file__).resolve().parents[1] / "kursk_map" / "render" / "vendor"
# What a page loads: scripts, stylesheets, images and frames (anchors are links, not loads).
LOADS = re.compile(r'<(?:script[^>]* src|link[^>]* href|img[^>]* src|iframe[^>]* src)="([^"]+)"')


def test_vendored_files_are_the_registry_files() -> None:
    """The pinned hashes were taken from the npm tarball (``npm pack leaflet@1.9.3``), not from our copy."""
    for pkg in VENDORED.values():
        folder = VENDOR / pkg.folder
        on_disk = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        assert on_disk == sorted(pkg.files), pkg.name
        for rel, digest in pkg.files.items():
            assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest, rel
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert all(f"`{pkg.folder}/`" in readme and pkg.licence in readme for pkg in VENDORED.values())


def test_assets_reject_a_bad_mode_or_base() -> None:
    with pytest.raises(ValueError, match="unknown assets mode 'web'"):
        Assets("web")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must end with '/'"):
        Assets("local", "../assets")


def _loads(atlas: Path) -> dict[str, set[str]]:
    """Every URL each HTML page of the atlas loads, by page path."""
    return {str(p.relative_to(atlas)): set(LOADS.findall(p.read_text(encoding="utf-8"))) for p in atlas.rglob("*.html")}


@pytest.fixture(scope="module")
def atlases(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("assets")
    data = write_dataset(root / "data")
    out = {}
    for mode, flags in (("local", {}), ("cdn", {"cdn": True})):
        out[mode] = root / mode
        build_atlas(data, out[mode], today=TODAY, images=False, **flags)
    return out


def test_every_page_loads_only_files_of_the_atlas(atlases: dict[str, Path]) -> None:
    atlas = atlases["local"]
    assert sorted(str(p.relative_to(atlas / "assets")) for p in (atlas / "assets").rglob("*") if p.is_file()) == sorted(
        asset_files()
    )
    pages = _loads(atlas)
    assert len(pages) >= 10
    for page, urls in pages.items():
        draws_a_map = "L.map(" in (atlas / page).read_text(encoding="utf-8")  # not the index, a settlement page
        assert not draws_a_map or any("leaflet-1.9.3/leaflet.js" in u for u in urls), page
        for url in urls:
            assert not urlsplit(url).scheme and not url.startswith("//"), (page, url)
            assert ((atlas / page).parent / url).resolve().is_file(), (page, url)


def test_cdn_is_used_only_when_asked(atlases: dict[str, Path]) -> None:
    atlas = atlases["cdn"]
    assert not (atlas / "assets" / "leaflet-1.9.3").exists()
    remote = {u for urls in _loads(atlas).values() for u in urls if urlsplit(u).scheme}
    assert remote == {
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
    }


def test_self_contained_and_cdn_exclude_each_other(tmp_path: Path) -> None:
    with pytest.raises(KurskMapError, match="choose one of --self-contained"):
        build_atlas(tmp_path / "no-data", tmp_path / "atlas", self_contained=True, cdn=True)
    assert not (tmp_path / "atlas").exists()
