"""The worker pool: forked processes that inherit the build's data and die with the build."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

from .._fs import _libc

_PR_SET_PDEATHSIG = 1


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
