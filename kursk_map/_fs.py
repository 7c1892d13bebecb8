"""The filesystem: the only atomic writer, and the swap that puts a finished atlas in place.

Moved here from ``build.py`` and ``export.py`` unchanged; the names are the ones every module uses:
:func:`write_atomic`, :func:`swap_in`, :func:`tidy`, :func:`carry`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

_RENAME_EXCHANGE = 2


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file beside it (mode 0644), then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc = _libc()
    if libc is None:
        return False
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def tidy(out: Path) -> None:
    """Remove what an interrupted build left beside ``out``; restore ``out`` if a swap was cut short.

    Temporary folders are named ``.<out>.tmp-<pid>-*``: one whose process is gone is stale.
    """
    old = out.with_name(f".{out.name}.old")
    if not out.exists() and old.is_dir():
        old.rename(out)  # killed between the two renames of the fallback swap
    for p in out.parent.glob(f".{out.name}.tmp-*"):
        pid = p.name.removeprefix(f".{out.name}.tmp-").split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)
    if old.is_dir() and out.exists():
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def swap_in(tmp: Path, out: Path) -> None:
    """Put the finished directory ``tmp`` in place of ``out`` so readers never see a partial atlas."""
    if not out.exists():
        tmp.rename(out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def carry(old: Path, new: Path) -> None:
    """Bring an unchanged file of the previous atlas into the new one.

    A hard link (the previous atlas is swapped out whole, never edited in place), or a copy where
    links are not possible.
    """
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)
    except OSError:
        shutil.copyfile(old, new)
