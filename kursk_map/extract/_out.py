"""Writing a proposals file through the project's one writer, never over a file extract did not write."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .._fs import check_out_file, write_atomic
from .propose import COLUMNS


def _not_proposals(path: Path) -> str | None:
    """Why ``path`` is not a proposals file extract may replace (``None`` if its first line is the header)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:  # a regular file: check_out_file saw to it
            first = fh.readline(64 * 1024).strip().lstrip("\ufeff")
    except OSError as exc:
        return f"cannot read it to check it ({exc.strerror})"
    return None if first == ",".join(COLUMNS) else "exists and was not written by kursk-map extract"


def check_proposals_out(path: str | Path, *, inputs: Iterable[str | Path] = (), data: str | Path | None = None) -> Path:
    """The real path ``write_proposals`` may write; raise :class:`~kursk_map._errors.OutputError` if none."""
    return check_out_file(
        path, inputs=inputs, data=data, force=True, ours=False, replaceable=_not_proposals, example="proposals.csv"
    )


def write_proposals(
    path: str | Path, text: str, *, inputs: Iterable[str | Path] = (), data: str | Path | None = None
) -> Path:
    """Write ``text`` (a proposals CSV) to ``path`` atomically, as a 0644 file.

    An existing file is replaced only if it is itself a proposals file (its first line is the
    proposals header); never an article it was read from (``inputs``), a folder, a device, or a
    file inside the data folder. Each refusal is one :class:`~kursk_map._errors.OutputError` line.
    """
    write_atomic(check_proposals_out(path, inputs=inputs, data=data), text)
    return Path(path)
