"""The worker pool: forked processes that inherit the build's data and die with the build."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from .._fs import _libc

_PR_SET_PDEATHSIG = 1

T = TypeVar("T")
R = TypeVar("R")

#: What the workers inherit, set before the pool forks (so it is never pickled): (function, shared data).
_INHERITED: tuple[Callable[[Any, Any], Any], Any] | None = None


def run(fn: Callable[[Any, T], R], shared: Any, tasks: Sequence[T], *, workers: int, chunksize: int = 1) -> list[R]:
    """``[fn(shared, task) for task in tasks]``, in ``workers`` forked processes; results in task order.

    ``shared`` (e.g. the dataset) is inherited by the workers, never pickled; only tasks and results
    travel. With one worker, or where processes cannot be forked, the tasks run in this process.
    """
    global _INHERITED  # noqa: PLW0603 - handed to forked workers without pickling
    _INHERITED = (fn, shared)
    try:
        if workers <= 1 or "fork" not in mp.get_all_start_methods():
            return [fn(shared, t) for t in tasks]
        with worker_pool(workers) as pool:
            return list(pool.map(_call, tasks, chunksize=chunksize))
    finally:
        _INHERITED = None


def _call(task: Any) -> Any:
    assert _INHERITED is not None
    fn, shared = _INHERITED
    return fn(shared, task)


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker ends when the build that forked it is killed.

    Without it, a build killed with SIGKILL leaves its workers waiting forever on a queue nobody
    writes (Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere the pool's own checks apply).
    """
    libc = _libc() if sys.platform.startswith("linux") else None
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the build died before the request took effect
        os._exit(1)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """The build's process pool: forked workers (they inherit the dataset) that die with the build."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context("fork"), initializer=_die_with_parent, initargs=(os.getpid(),)
    )
