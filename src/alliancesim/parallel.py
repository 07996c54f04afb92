"""What every parallel runner shares: how many processes to start, and a quiet start method.

More processes than cores only add memory and switching (each worker holds a Python
interpreter, the model and its libraries), so a request for more is capped at the cores this
process may use, with a warning that says so.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import dataclass
from multiprocessing.context import BaseContext

# The resource tracker that "spawn" and "forkserver" start warns on stderr about semaphores
# it cleans up after its parent was killed (kill -9, out of memory). Nothing is wrong then:
# it does the cleanup. The tracker takes its warning filters from ours (-W options).
_QUIET_TRACKER = "ignore:resource_tracker:UserWarning"


@dataclass(frozen=True)
class WorkerCount:
    """How many processes will run, and the warning to show when fewer than asked."""

    workers: int
    warning: str | None = None


def available_cores() -> int:
    """Cores this process may use (its CPU affinity, where the system tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def cap_workers(requested: int | None) -> WorkerCount:
    """``requested`` processes (default: every core), at most one per available core."""
    cores = available_cores()
    if requested is None:
        return WorkerCount(cores)
    if requested < 1:
        raise ValueError(f"workers must be at least 1, got {requested}")
    if requested <= cores:
        return WorkerCount(requested)
    return WorkerCount(cores, f"asked for {requested} workers, but this machine lets the "
                              f"command use {cores} core(s); running {cores} worker(s)")


def quiet_context(method: str) -> BaseContext:
    """A multiprocessing context whose resource tracker does not warn about its cleanup."""
    if _QUIET_TRACKER not in sys.warnoptions:
        sys.warnoptions.append(_QUIET_TRACKER)
    return multiprocessing.get_context(method)
