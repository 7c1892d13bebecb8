"""Killing a build at any moment leaves the previous atlas complete; output never depends on hash seeds.

A second build, of *different* data, is started in a subprocess and killed with SIGKILL (no
``finally`` runs) at several moments: while Python starts, while the pages are being written into
the temporary directory, around the swap. Afterwards the atlas must be exactly the previous one or
exactly the new one (never a mixture), and every page its manifest lists must exist.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import RU_CLAIMS, write_dataset

pytestmark = pytest.mark.subprocess

NEW_CLAIM = "ru-4,2025-03-20,ru-mod,control,Gornal,RU,,,,,Says Gornal was taken.,https://example.org/ru4,\n"


def _command() -> list[str]:
    exe = Path(sys.executable).with_name("kursk-map")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kursk_map"]


def _build(data: Path, out: Path, **env: str) -> None:
    subprocess.run(
        [*_command(), "build", "--data", str(data), "--out", str(out)],
        check=True,
        capture_output=True,
        env={**os.environ, **env},
    )


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class _Strict(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k == "href" and v]


def _assert_complete(atlas: Path) -> None:
    """index.html and manifest.json parse, and every map the manifest lists is a whole page."""
    manifest = json.loads((atlas / "manifest.json").read_text(encoding="utf-8"))
    index = (atlas / "index.html").read_text(encoding="utf-8")
    parser = _Strict()
    parser.feed(index)
    parser.close()
    assert index.rstrip().endswith("</html>")
    assert manifest["maps"]
    for entry in manifest["maps"]:
        page = atlas / entry["path"]
        assert page.is_file(), entry["path"]
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), entry["path"]
        assert entry["path"] in parser.links


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name not in ("atlas", "old-data", "new-data"))


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The old and new data, and the digests of the atlases they make (built once each)."""
    base = tmp_path_factory.mktemp("interrupt")
    old_data = write_dataset(base / "old-data")
    new_data = write_dataset(base / "new-data", ru=RU_CLAIMS + NEW_CLAIM)
    t0 = time.monotonic()
    _build(old_data, base / "old-atlas")
    duration = time.monotonic() - t0
    _build(new_data, base / "new-atlas")
    old, new = _digest(base / "old-atlas"), _digest(base / "new-atlas")
    assert old != new and "ru-mod/2025-03-20.html" in new
    return {"old_data": old_data, "new_data": new_data, "old": old, "new": new, "duration": duration}


def _kill_times(duration: float) -> list[tuple[str, float | None]]:
    rng = random.Random(20250516)
    fixed: list[tuple[str, float | None]] = [("0.05s", 0.05), ("0.2s", 0.2), ("0.5s", 0.5)]
    # None: as soon as the temporary directory appears (pages about to be written)
    spread: list[tuple[str, float | None]] = [("tmp-appears", None)]
    spread += [(f"{f:.0%}-of-build", f * duration) for f in (0.6, 0.8, 0.9, 0.95, 1.0)]
    spread += [(f"random-{i}", rng.uniform(0.0, 1.1 * duration)) for i in range(4)]
    return fixed + spread


KILL_POINTS = [p[0] for p in _kill_times(1.0)]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_build_keeps_previous_atlas(setup: dict[str, object], tmp_path: Path, point: str) -> None:
    old, new = setup["old"], setup["new"]
    duration = float(setup["duration"])  # type: ignore[arg-type]
    delay = dict(_kill_times(duration))[point]
    atlas = tmp_path / "atlas"
    _build(setup["old_data"], atlas)  # type: ignore[arg-type]
    assert _digest(atlas) == old

    proc = subprocess.Popen(
        [*_command(), "build", "--data", str(setup["new_data"]), "--out", str(atlas)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if delay is None:
            deadline = time.monotonic() + 30
            while not any(p.name.startswith(".atlas.tmp-") for p in tmp_path.iterdir()):
                assert proc.poll() is None, "the build ended before its temporary directory was seen"
                assert time.monotonic() < deadline
                time.sleep(0.002)
        else:
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)

    got = _digest(atlas)
    assert got in (old, new), "the atlas is a mixture of two builds"
    _assert_complete(atlas)
    # Whatever is left beside it is hidden and named after the atlas, not a second atlas.
    for name in _leftovers(tmp_path):
        assert name.startswith((".atlas.tmp-", ".atlas.old")), name

    # The next build works and gives the new atlas.
    _build(setup["new_data"], atlas)  # type: ignore[arg-type]
    assert _digest(atlas) == new
    _assert_complete(atlas)


def test_next_build_cleans_temporary_dirs(setup: dict[str, object], tmp_path: Path) -> None:
    atlas = tmp_path / "atlas"
    _build(setup["old_data"], atlas)  # type: ignore[arg-type]
    proc = subprocess.Popen(
        [*_command(), "build", "--data", str(setup["new_data"]), "--out", str(atlas)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".atlas.tmp-") for p in tmp_path.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert any(n.startswith(".atlas.tmp-") for n in _leftovers(tmp_path))  # the kill left one
    _build(setup["new_data"], atlas)  # type: ignore[arg-type]
    assert _leftovers(tmp_path) == []


def test_same_bytes_across_hash_seeds(setup: dict[str, object], tmp_path: Path) -> None:
    """Two builds by the command, with different PYTHONHASHSEED, give byte-identical atlases."""
    _build(setup["new_data"], tmp_path / "a", PYTHONHASHSEED="1")  # type: ignore[arg-type]
    _build(setup["new_data"], tmp_path / "b", PYTHONHASHSEED="4242")  # type: ignore[arg-type]
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a == b
    assert a == setup["new"]  # and the same as the build in another directory, with a random seed
    assert len(a) > 5


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_killed_build_leaves_no_worker_processes(setup: dict[str, object], tmp_path: Path) -> None:
    """A build killed with SIGKILL takes its page workers with it (they used to wait forever)."""
    proc = subprocess.Popen(
        [*_command(), "build", "--data", str(setup["new_data"]), "--out", str(tmp_path / "atlas")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while not workers:
            assert proc.poll() is None and time.monotonic() < deadline, "no worker process was seen"
            workers = _children(proc.pid)
            time.sleep(0.005)
        time.sleep(0.2)  # let the pool start all its workers
        workers = _children(proc.pid) or workers
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "worker processes outlived the killed build"
