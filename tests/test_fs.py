"""kursk_map._fs: the one writer, the output-path guards and the atlas swap.

The messages users see are checked whole (``match`` anchored at both ends); the end-to-end cases
(exit codes, the command line) are in ``test_catalogue.py``, the random path shapes in
``test_properties.py``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from pathlib import Path

import pytest

from kursk_map import _fs
from kursk_map._errors import OutputError
from kursk_map.build import build_atlas

from .conftest import TODAY, write_dataset

ATLAS = '{"generator": "kursk_map 0.1.0", "maps": []}'


def _tree(root: Path) -> dict[str, str]:
    """Every entry under ``root``: file digests, link targets, folders (symbolic links not followed)."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = "-> " + str(p.readlink())
            elif p.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


# -------------------------------------------------------------------------------------- write_atomic


def test_write_atomic_writes_with_ordinary_permissions(tmp_path: Path) -> None:
    p = _fs.write_atomic(tmp_path / "a.txt", "Суджа\n")
    assert p.read_bytes() == "Суджа\n".encode()
    assert stat.S_IMODE(p.stat().st_mode) == 0o644 & ~_fs._UMASK
    _fs.write_atomic(p, b"\x00bytes")
    assert p.read_bytes() == b"\x00bytes"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt"]  # no temporary file left


def test_write_atomic_with_a_writer_function(tmp_path: Path) -> None:
    def writer(path: Path) -> None:
        path.write_text("by a driver", encoding="utf-8")
        path.chmod(0o600)  # what a library may do

    p = _fs.write_atomic(tmp_path / "x.gpkg", writer)
    assert p.read_text(encoding="utf-8") == "by a driver"
    assert stat.S_IMODE(p.stat().st_mode) == 0o644 & ~_fs._UMASK


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    p = tmp_path / "keep.txt"
    p.write_text("previous", encoding="utf-8")

    def broken(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk unplugged")

    with pytest.raises(RuntimeError, match="disk unplugged"):
        _fs.write_atomic(p, broken)
    assert p.read_text(encoding="utf-8") == "previous"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["keep.txt"]


def test_os_errors_name_the_target_not_the_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "map.png"
    real = os.open

    def read_only(path: object, flags: int, *a: object) -> int:
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, flags, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(_fs.os, "open", read_only)
    with pytest.raises(OSError, match=_exact(f"[Errno 30] Read-only file system: '{target}'")):
        _fs.write_atomic(target, b"x")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "no" / "x.txt"))):
        _fs.write_atomic(tmp_path / "no" / "x.txt", "x")
    assert not (tmp_path / "no").exists()
    _fs.write_atomic(tmp_path / "no" / "x.txt", "x", parents=True, fsync=False)
    assert stat.S_IMODE((tmp_path / "no").stat().st_mode) == 0o755 & ~_fs._UMASK


def test_os_error_line() -> None:
    assert _fs.os_error_line(PermissionError(13, "Permission denied", "/srv/a")) == (
        "/srv/a: Permission denied; check the permissions of the file and of its folders"
    )
    assert _fs.os_error_line(OSError(16, "Device or resource busy", "x", None, "y")) == (
        "x: y: Device or resource busy; it is in use by another program; close it and run it again"
    )
    assert _fs.os_error_line(OSError("odd")) == "odd"


# -------------------------------------------------------------------------------------- check_out_dir


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's folder: data/, docs/ with a file, notes.txt, an atlas, an empty folder; the current folder."""
    write_dataset(tmp_path / "data")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.md").write_text("mine", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text(ATLAS, encoding="utf-8")
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


HINT = "give a new or empty folder, e.g. --out atlas"
FOREIGN = (
    "--out is a folder that is not empty and holds no atlas written by kursk-map (no manifest.json naming it); "
    "refusing to replace it: give a new or empty folder, or move its files away yourself"
)


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("data", f"data: --out is the data folder (--data); the atlas would replace your data; {HINT}"),
        ("data/claims", f"data/claims: --out lies inside the data folder data; {HINT}"),
        ("data/new", f"data/new: --out lies inside the data folder data; {HINT}"),
        ("data/settlements.csv", f"data/settlements.csv: --out lies inside the data folder data; {HINT}"),
        (".", f".: --out holds the data folder data; the atlas would replace your data; {HINT}"),
        ("docs/..", f"docs/..: --out holds the data folder data; the atlas would replace your data; {HINT}"),
        ("/", f"/: --out is the root of the filesystem; {HINT}"),
        ("docs", f"docs: {FOREIGN}"),
        ("notes.txt", f"notes.txt: --out is a file, not a folder; {HINT}"),
        (
            "missing/atlas",
            "missing/atlas: the folder {root}/missing does not exist; create it first (mkdir -p {root}/missing)",
        ),
        ("notes.txt/atlas", "notes.txt/atlas: {root}/notes.txt is not a folder; give a folder in an existing folder"),
        ("", f"--out is empty; {HINT}"),
        ("  ", f"--out is empty; {HINT}"),
    ],
)
def test_check_out_dir_refuses(tree: Path, out: str, message: str) -> None:
    before = _tree(tree)
    with pytest.raises(OutputError, match=_exact(message.replace("{root}", str(tree)))):
        _fs.check_out_dir(out, data="data")
    assert _tree(tree) == before


def test_check_out_dir_refuses_the_current_folder_and_its_parents(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree / "docs")
    with pytest.raises(OutputError, match=_exact(f".: --out is the current folder; {HINT}")):
        _fs.check_out_dir(".", data=tree / "data")
    with pytest.raises(OutputError, match=_exact(f"..: --out holds the current folder; {HINT}")):
        _fs.check_out_dir("..", data="/nonexistent/data")


def test_check_out_dir_refuses_links_to_what_it_must_not_replace(tree: Path) -> None:
    (tree / "to-data").symlink_to(tree / "data")
    (tree / "to-docs").symlink_to("docs")
    (tree / "dangling").symlink_to(tree / "nowhere")
    (tree / "loop").symlink_to("loop")
    with pytest.raises(OutputError, match=r"^to-data: --out is the data folder \(--data\); the atlas would replace"):
        _fs.check_out_dir("to-data", data="data")
    with pytest.raises(OutputError, match=_exact(f"to-docs: {FOREIGN}")):
        _fs.check_out_dir("to-docs", data="data")
    with pytest.raises(
        OutputError, match=_exact(f"dangling: --out is a symbolic link to {tree / 'nowhere'}, which does not exist")
    ):
        _fs.check_out_dir("dangling", data="data")
    with pytest.raises(OutputError, match=r"^loop: "):
        _fs.check_out_dir("loop", data="data")


def test_check_out_dir_refuses_a_foreign_or_broken_manifest(tree: Path) -> None:
    for content in ('{"generator": "other tool"}', "not json", "[]", '{"generator": "kursk_mapper 1"}'):
        (tree / "docs" / "manifest.json").write_text(content, encoding="utf-8")
        with pytest.raises(OutputError, match=_exact(f"docs: {FOREIGN}")):
            _fs.check_out_dir("docs", data="data")


def test_check_out_dir_refuses_a_device(tree: Path) -> None:
    os.mkfifo(tree / "pipe")
    with pytest.raises(
        OutputError, match=_exact("pipe: --out is a named pipe (FIFO), not a folder; give a new or empty folder")
    ):
        _fs.check_out_dir("pipe", data="data")


@pytest.mark.parametrize("out", ["new", "empty", "old", "./old/", "docs/../new"])
def test_check_out_dir_accepts(tree: Path, out: str) -> None:
    assert _fs.check_out_dir(out, data="data") == (tree / out).resolve()


def test_check_out_dir_follows_a_link_to_a_folder(tree: Path) -> None:
    (tree / "link").symlink_to("empty")
    assert _fs.check_out_dir("link", data="data") == tree / "empty"


# -------------------------------------------------------------------------------------- check_out_file


def test_check_out_file(tree: Path) -> None:
    ours = tree / "ours.png"
    ours.write_bytes(b"\x89PNG....tEXtSoftware\x00kursk_map...")
    assert _fs.check_out_file("new.png", data="data") == tree / "new.png"
    assert _fs.check_out_file("ours.png", data="data") == ours
    assert _fs.check_out_file("notes.txt", data="data", force=True) == tree / "notes.txt"
    refusals = {
        "notes.txt": "notes.txt: the file was not written by kursk-map; refusing to replace it: "
        "choose another --out, or add --force to replace it",
        "docs": "docs: --out is a folder, not a file; give a file name, e.g. docs/map.png",
        "data/x.png": "data/x.png: --out lies inside the data folder data; write outputs elsewhere, not among your data",
        "missing/x.png": f"missing/x.png: the folder {tree}/missing does not exist; create it first "
        f"(mkdir -p {tree}/missing)",
        "/": "/: --out is the root of the filesystem; give a file name",
        "/dev/null": "/dev/null: --out is a device; give the name of a regular file",
        "": "--out is empty; give a file name",
    }
    for out, message in refusals.items():
        with pytest.raises(OutputError, match=_exact(message)):
            _fs.check_out_file(out, data="data")
    with pytest.raises(OutputError, match=_exact(refusals["data/x.png"])):
        _fs.check_out_file("data/x.png", data="data", force=True)  # --force never writes among the data


def test_check_out_file_never_an_input(tree: Path) -> None:
    (tree / "link.csv").symlink_to("notes.txt")
    for out in ("notes.txt", "./notes.txt", "link.csv"):
        with pytest.raises(
            OutputError,
            match=_exact(f"{Path(out)}: --out is an input of this command (notes.txt); write to another file"),
        ):
            _fs.check_out_file(out, inputs=["notes.txt"], force=True, ours=False)


def test_check_out_file_without_recognition_needs_force(tree: Path) -> None:
    (tree / "g.csv").write_text("kursk_map", encoding="utf-8")
    with pytest.raises(OutputError, match=r"^g\.csv: the file exists; refusing to replace it"):
        _fs.check_out_file("g.csv", ours=False)
    assert _fs.check_out_file("g.csv", ours=False, force=True) == tree / "g.csv"


def test_written_by_us_reads_regular_files_only(tree: Path) -> None:
    os.mkfifo(tree / "pipe")
    assert not _fs.written_by_us(tree / "pipe")  # no hang
    assert not _fs.written_by_us(tree / "nothing")
    assert not _fs.written_by_us(tree / "notes.txt")


# ---------------------------------------------------------------------------------------- contained


@pytest.mark.parametrize(
    "rel", ["../x", "/etc/passwd", "", ".", "a/../../x", "a\\b", "a\x00b", 7, None, ["a"], "link/x"]
)
def test_contained_refuses(tmp_path: Path, rel: object) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "link").symlink_to(tmp_path)
    assert _fs.contained(tmp_path / "root", rel) is None


def test_contained_accepts(tmp_path: Path) -> None:
    assert _fs.contained(tmp_path, "ru-mod/2025-03-15.html") == tmp_path / "ru-mod" / "2025-03-15.html"


# ------------------------------------------------------------------------------------- swap, tidy, carry


def test_swap_in_refuses_a_folder_that_changed_during_the_build(tmp_path: Path) -> None:
    out, new = tmp_path / "atlas", tmp_path / "new"
    out.mkdir()
    (out / "thesis.docx").write_text("mine", encoding="utf-8")
    new.mkdir()
    with pytest.raises(OutputError, match=r"^.*/atlas: --out is a folder that is not empty and holds no atlas"):
        _fs.swap_in(new, out)
    assert (out / "thesis.docx").read_text(encoding="utf-8") == "mine"


def test_swap_in_replaces_an_atlas_and_an_empty_folder(tmp_path: Path) -> None:
    for setup in ("atlas", "empty", "absent"):
        out, new = tmp_path / setup, tmp_path / f"new-{setup}"
        if setup != "absent":
            out.mkdir()
        if setup == "atlas":
            (out / "manifest.json").write_text(ATLAS, encoding="utf-8")
        new.mkdir()
        (new / "index.html").write_text("new", encoding="utf-8")
        _fs.swap_in(new, out)
        assert [p.name for p in out.iterdir()] == ["index.html"] and not new.exists()


def test_swap_in_without_exchange_keeps_what_is_not_an_atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fs, "_exchange", lambda a, b: False)
    out, new, old = tmp_path / "atlas", tmp_path / "new", tmp_path / ".atlas.old"
    out.mkdir()
    (out / "manifest.json").write_text(ATLAS, encoding="utf-8")
    old.mkdir()
    (old / "mine.txt").write_text("mine", encoding="utf-8")  # a user's folder that happens to be named so
    new.mkdir()
    with pytest.raises(OutputError, match=r"\.atlas\.old: is in the way of the swap and is not an atlas"):
        _fs.swap_in(new, out)
    assert (old / "mine.txt").exists() and (out / "manifest.json").exists()
    (old / "mine.txt").unlink()
    _fs.swap_in(new, out)
    assert list(out.iterdir()) == [] and not old.exists()


def test_tidy(tmp_path: Path) -> None:
    out = tmp_path / "atlas"
    out.mkdir()
    dead = tmp_path / ".atlas.tmp-999999999-x"
    mine = tmp_path / f".atlas.tmp-{os.getpid()}-y"
    other = tmp_path / ".atlas.tmp-notapid"
    for d in (dead, mine, other):
        d.mkdir()
    old = tmp_path / ".atlas.old"
    old.mkdir()
    (old / "mine.txt").write_text("mine", encoding="utf-8")
    _fs.tidy(out)
    assert not dead.exists() and mine.exists() and other.exists()
    assert (old / "mine.txt").exists()  # not an atlas: left alone
    (old / "mine.txt").unlink()
    (old / "manifest.json").write_text(ATLAS, encoding="utf-8")
    out.rmdir()
    _fs.tidy(out)  # killed between the two renames: the atlas set aside comes back
    assert (out / "manifest.json").exists() and not old.exists()


def test_carry_links_regular_files_only(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "a.html").write_text("page", encoding="utf-8")
    (tmp_path / "old" / "b.html").symlink_to("/etc/hostname")
    _fs.carry(tmp_path / "old" / "a.html", tmp_path / "new" / "a.html")
    assert (tmp_path / "new" / "a.html").read_text(encoding="utf-8") == "page"
    with pytest.raises(OutputError, match=r"b\.html: changed while the build ran"):
        _fs.carry(tmp_path / "old" / "b.html", tmp_path / "new" / "b.html")
    assert not (tmp_path / "new" / "b.html").exists()


# ---------------------------------------------------------------------------------------- builds


def test_build_into_a_linked_folder_keeps_the_link(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    (tmp_path / "real").mkdir()
    (tmp_path / "atlas").symlink_to("real")
    build_atlas(data, tmp_path / "atlas", today=TODAY, images=False)
    build_atlas(data, tmp_path / "atlas", today=TODAY, images=False)  # and again, replacing the atlas
    assert (tmp_path / "atlas").is_symlink() and (tmp_path / "atlas").readlink() == Path("real")
    assert _fs.is_atlas(tmp_path / "real")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas", "data", "real"]


def test_build_refuses_before_reading_the_data(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    before = _tree(tmp_path)
    with pytest.raises(OutputError, match=r"--out is the data folder"):
        build_atlas(data, data, today=TODAY, images=False)
    with pytest.raises(OutputError, match=r"--out lies inside the data folder"):
        build_atlas(data, data / "claims", today=TODAY, images=False)
    assert _tree(tmp_path) == before


def test_stale_manifest_entries_never_lead_outside_the_atlas(tmp_path: Path) -> None:
    """A manifest edited (or left by another version) to point outside: the build neither reads nor writes there."""
    data = write_dataset(tmp_path / "data")
    out = tmp_path / "atlas"
    build_atlas(data, out, today=TODAY, images=False)
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    victim = manifest["maps"][0]
    victim["data"] = "../secret.txt"  # its key still matches: it would be reused
    second = manifest["maps"][1]
    second["data"] = str(secret)
    keys = manifest["page_keys"]
    compare = next(p for p in keys if p.startswith("compare/"))
    keys["../../outside.html"] = keys[compare]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    # and a page of the old atlas replaced by a link to the secret
    linked = out / manifest["maps"][2]["path"]
    linked.unlink()
    linked.symlink_to(secret)
    before = _tree(tmp_path / "data") | {"secret": secret.read_text(encoding="utf-8")}
    result = build_atlas(data, out, today=TODAY, images=False)
    assert _tree(tmp_path / "data") | {"secret": secret.read_text(encoding="utf-8")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas", "data", "secret.txt"]
    for p in out.rglob("*"):
        assert not p.is_symlink(), p
        assert p.is_dir() or "private" not in p.read_text(encoding="utf-8", errors="replace"), p
    assert all(not str(m["data"]).startswith(("..", "/")) for m in result["maps"])
    # the three doctored entries were rendered again, not reused
    doctored = {victim["path"], second["path"], manifest["maps"][2]["path"]}
    assert doctored.isdisjoint(result["reused"])


def test_read_only_disk_line_says_what_to_do() -> None:
    line = _fs.os_error_line(OSError(errno.EROFS, "Read-only file system", "atlas/x.png"))
    assert line == "atlas/x.png: Read-only file system; write somewhere else, or mount it read-write"
