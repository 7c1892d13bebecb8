"""Writing a proposals file, atomically, and never over a file extract did not write.

A stand-in for :mod:`kursk_map._fs` (the project's one writer, being written); switch to its
``write_atomic`` when it lands.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .._errors import KurskMapError
from .propose import COLUMNS


def write_proposals(path: str | Path, text: str) -> Path:
    """Write ``text`` (a proposals CSV) to ``path`` atomically, as a 0644 file.

    An existing file is replaced only if it is itself a proposals file (its first line is the
    proposals header): anything else is refused with a message, never overwritten.
    """
    target = Path(path)
    if target.is_dir():
        raise KurskMapError(f"{target}: is a folder; give a file name for --out, e.g. proposals.csv")
    if target.exists():
        try:
            with target.open(encoding="utf-8", errors="replace") as fh:
                first = fh.readline().strip().lstrip("\ufeff")
        except OSError as exc:
            raise KurskMapError(
                f"{target}: cannot read it to check it ({exc.strerror}); choose another --out"
            ) from None
        if first != ",".join(COLUMNS):
            raise KurskMapError(
                f"{target}: exists and was not written by kursk-map extract; refusing to replace it "
                "(choose another --out, or move the file away)"
            )
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise KurskMapError(f"{target}: the folder {parent} does not exist; create it or choose another --out")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).chmod(0o644)
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    return target
