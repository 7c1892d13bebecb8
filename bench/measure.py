"""Timing and memory of stages inside one worker process, and sampling under a time budget.

Peak memory is the process's resident-set high-water mark (``VmHWM``), reset at the start of each
stage through ``/proc/self/clear_refs`` (Linux). Where that is unavailable, ``ru_maxrss`` (peak
since the process started) is reported instead and the stage is marked ``peak_since_start``.
"""

from __future__ import annotations

import contextlib
import re
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _reset_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def _peak_mb() -> float:
    with contextlib.suppress(OSError):
        m = re.search(r"VmHWM:\s+(\d+)\s+kB", _STATUS.read_text())
        if m:
            return int(m.group(1)) / 1024
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


@dataclass
class Stage:
    """One timed stage: measured wall time, and the estimate for all units when only some were done."""

    name: str
    seconds: float = 0.0
    peak_mb: float = 0.0
    done: int = 1
    total: int = 1
    note: str = ""
    peak_since_start: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def estimate(self) -> float:
        """Seconds for all ``total`` units, extrapolated linearly from the ``done`` ones."""
        return self.seconds * self.total / self.done if self.done else float("nan")

    @property
    def extrapolated(self) -> bool:
        """Whether only a sample of the units was run."""
        return self.done < self.total

    def as_dict(self) -> dict[str, Any]:
        """The stage as JSON-ready data, with the estimate."""
        return {**asdict(self), "estimate_s": self.estimate, "extrapolated": self.extrapolated}


class Recorder:
    """Collects stages; ``with rec.stage("name") as st:`` times a block and records its peak memory."""

    def __init__(self) -> None:
        self.stages: list[Stage] = []

    @contextlib.contextmanager
    def stage(self, name: str, *, total: int = 1) -> Iterator[Stage]:
        """Time the block; the block may set ``st.done`` (units run) and ``st.note``."""
        st = Stage(name, done=total, total=total)
        st.peak_since_start = not _reset_peak()
        t0 = time.perf_counter()
        try:
            yield st
        finally:
            st.seconds = time.perf_counter() - t0
            st.peak_mb = _peak_mb()
            self.stages.append(st)

    def add(self, name: str, seconds: float, *, done: int = 1, total: int = 1, note: str = "") -> Stage:
        """Record a stage timed by the caller (its peak memory is that of the process so far)."""
        st = Stage(name, seconds=seconds, peak_mb=_peak_mb(), done=done, total=total, note=note)
        self.stages.append(st)
        return st

    def as_list(self) -> list[dict[str, Any]]:
        """Every stage as JSON-ready data."""
        return [s.as_dict() for s in self.stages]


class Budget:
    """A wall-time allowance: ``exhausted()`` once ``seconds`` have passed (never, if ``None``)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.t0 = time.perf_counter()

    def exhausted(self) -> bool:
        """Whether the allowance is spent."""
        return self.seconds is not None and time.perf_counter() - self.t0 >= self.seconds


def spread(items: Sequence[T]) -> list[T]:
    """The items in an order whose every prefix is spread evenly over the sequence (bit-reversed index).

    Examples
    --------
    >>> spread(list(range(8)))
    [0, 4, 2, 6, 1, 5, 3, 7]
    >>> sorted(spread(list(range(5))))
    [0, 1, 2, 3, 4]
    """
    n = len(items)
    if n <= 1:
        return list(items)
    bits = (n - 1).bit_length()

    def rev(i: int) -> int:
        return int(f"{i:0{bits}b}"[::-1], 2)

    return [items[i] for i in sorted(range(n), key=rev)]
