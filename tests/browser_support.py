"""Headless Chromium for the end-to-end tests: CDN files from the pinned local copy, no network.

Leaflet is answered from ``kursk_map/render/vendor``; map tiles get a blank PNG; every other
request is aborted and recorded, so a test can assert that a page asked for nothing else.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parents[1] / "kursk_map" / "render" / "vendor" / "leaflet-1.9.3"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# 1x1 transparent PNG, for tile requests.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def chromium_path() -> str | None:
    for cand in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or ""):
        if cand and Path(cand).exists():
            return cand
    return None


def _route(route: Any, blocked: list[str], offline: bool) -> None:
    url: str = route.request.url
    if url.startswith("file://"):
        route.continue_()
    elif offline:
        blocked.append(url)
        route.abort()
    elif "leaflet@1.9.3/dist/leaflet.js" in url:
        route.fulfill(body=(VENDOR / "leaflet.js").read_bytes(), content_type="application/javascript")
    elif "leaflet@1.9.3/dist/leaflet.css" in url:
        route.fulfill(body=(VENDOR / "leaflet.css").read_bytes(), content_type="text/css")
    elif "leaflet@1.9.3/dist/images/" in url:
        route.fulfill(body=(VENDOR / "images" / url.rsplit("/", 1)[-1]).read_bytes(), content_type="image/png")
    elif "tile.openstreetmap.org" in url or "arcgisonline.com" in url:
        route.fulfill(body=BLANK_PNG, content_type="image/png")
    else:
        blocked.append(url)
        route.abort()


@contextmanager
def browser_page(
    width: int = 1280, height: int = 800, *, offline: bool = False
) -> Iterator[tuple[Any, list[str], list[str]]]:
    """Yield ``(page, console_errors, blocked_urls)`` in a fresh headless Chromium.

    With ``offline`` every request but for local files is refused, as on a machine without network.
    """
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("chromium not found; `make test` installs it (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            blocked: list[str] = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda d: (errors.append(f"dialog opened: {d.message}"), d.dismiss()))
            # every request but for local files (which load as a browser loads them, without a round trip
            # through this process) is answered here: a pinned copy, a blank tile, or refused
            page.route(lambda url: not url.startswith("file:"), lambda route: _route(route, blocked, offline))
            yield page, errors, blocked
        finally:
            browser.close()


def screenshot(html: Path, png: Path, *, width: int = 1280, height: int = 800) -> list[str]:
    """Save a screenshot of a page; return the console errors seen."""
    with browser_page(width, height) as (page, errors, _blocked):
        page.goto(html.absolute().as_uri())
        page.wait_for_timeout(500)
        page.screenshot(path=str(png))
    return errors


if __name__ == "__main__":
    import sys

    errs = screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
    print("console errors:", errs)


def bundled_atlas_of(root: Path, sources: tuple[str, ...]) -> Path:
    """An atlas of the bundled data with only ``sources``' claims files (quick to build), in ``root``/atlas."""
    from kursk_map.build import build_atlas

    repo = Path(__file__).resolve().parents[1]
    data = root / "data"
    shutil.copytree(repo / "geodata", data, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for f in (data / "claims").glob("*.csv"):
        if f.stem not in sources:
            f.unlink()
    out = root / "atlas"
    build_atlas(data, out, images=False)
    return out


def check_result_list_keys(page, box, results: str, text: str) -> None:
    """The search list's keys and clicks (assets/listbox.js), the same on map pages and the explorer.

    ``box`` is the search box's locator, ``results`` the list's selector; ``text`` must match at least 3 names.
    """
    options = page.locator(f"{results} li[role=option]")
    box.fill(text)
    options.nth(2).wait_for()
    n = options.count()
    on = lambda: [j for j in range(n) if options.nth(j).get_attribute("class") == "km-on"]  # noqa: E731
    assert on() == [0]  # the first is highlighted as the list fills
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert on() == [2]
    box.press("ArrowUp")
    box.press("ArrowUp")
    box.press("ArrowUp")
    assert on() == [n - 1]  # up from the first wraps to the last
    box.press("Escape")
    assert page.locator(results).is_hidden()
    box.fill("")
    box.fill(text)  # a new list highlights its first again
    options.nth(2).wait_for()
    assert on() == [0]
    second = options.nth(1).inner_text().split(" (as ")[0].split("\n")[0]
    options.nth(1).click()
    assert page.locator(results).is_hidden()
    assert box.input_value() == second
