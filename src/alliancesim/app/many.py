"""The comparison over many seeds: one run seen against a hundred.

The two management modes are run on the same ``SAMPLE_SEEDS`` paired seeds (children of the
comparison's seed, each child used for both modes) in outcome-only runs. The work goes to a
separate process in chunks, so the server that draws the page keeps its interpreter to
itself and the page stays live; progress is reported after each chunk.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from alliancesim.app.words import mode_phrase
from alliancesim.scenarios.running import ScheduledEntry
from alliancesim.scenarios.stories import (
    LEFT,
    RIGHT,
    SAME,
    SAMPLE_SEEDS,
    PairedRun,
    paired_sample,
)

CHUNK = 10
OUTCOMES = ("completed", "running", "dissolved")
OUTCOME_WORDS = {"completed": "completed", "running": "still running at the horizon",
                 "dissolved": "dissolved"}
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


@dataclass(frozen=True)
class ManyRequest:
    """What to run: the comparison's parameters, timeline, seed and two modes."""

    params: dict[str, Any]
    entries: tuple[ScheduledEntry, ...]
    seed: int
    modes: tuple[str, str]
    scenario: str = ""
    count: int = SAMPLE_SEEDS

    def chunks(self) -> Iterator[range]:
        """The seed indices, a chunk at a time."""
        for start in range(0, self.count, CHUNK):
            yield range(start, min(start + CHUNK, self.count))


@dataclass(frozen=True)
class ManyState:
    """The panel's state: the request under way (or done), the runs so far, the time taken."""

    request: ManyRequest | None = None
    runs: tuple[PairedRun, ...] = ()
    done: bool = False
    seconds: float | None = None
    error: str = ""

    @property
    def progress(self) -> float:
        """Share of the paired seeds run so far (0-1)."""
        if self.request is None:
            return 0.0
        return len(self.runs) / max(self.request.count, 1)


def run_chunk(request: ManyRequest, indices: range) -> list[PairedRun]:
    """Run one chunk of paired seeds (in a worker process)."""
    return paired_sample(request.params, request.entries, request.seed, indices, request.modes)


def worker_count() -> int:
    """Worker processes: one core is left for the server and the browser."""
    return max(1, min(2, (os.cpu_count() or 2) - 1))


def shared_pool() -> ProcessPoolExecutor:
    """The process pool every page of this server shares (started on first use).

    Workers are spawned, not forked: the server runs threads, and a forked copy of a
    threaded process can inherit a held lock. Each worker watches its parent and exits
    when the server is gone, however the server stopped.
    """
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(worker_count(),
                                        mp_context=multiprocessing.get_context("spawn"),
                                        initializer=watch_parent, initargs=(os.getpid(),))
            atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
        return _pool


def watch_parent(parent: int, every: float = 1.0) -> None:
    """In a worker: exit as soon as ``parent`` is no longer this process's parent.

    A worker blocked waiting for work never notices its server was killed (its end of the
    task queue stays open), so it would live on as an orphan.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def run_many(request: ManyRequest, on_chunk: Callable[[list[PairedRun]], None],
             cancel: threading.Event | None = None,
             pool: Executor | None = None) -> bool:
    """Run every chunk of ``request`` in the pool, handing each chunk's runs to
    ``on_chunk`` as it arrives; returns False if cancelled before the end."""
    pool = pool or shared_pool()
    futures: list[Future[list[PairedRun]]] = [pool.submit(run_chunk, request, chunk)
                                              for chunk in request.chunks()]
    try:
        for future in as_completed(futures):
            if cancel is not None and cancel.is_set():
                return False
            on_chunk(future.result())
    finally:
        for future in futures:
            future.cancel()
    return True


# --- what the runs say ----------------------------------------------------------------------
@dataclass(frozen=True)
class ModeFigures:
    """One mode over the sample: outcomes, lifetimes and values."""

    mode: str
    outcomes: Counter[str]
    lifetimes: tuple[int, ...]
    values: tuple[float, ...]

    def median_lifetime_words(self, horizon: int) -> str:
        """'median lifetime 77 months', or that more than half reached the horizon."""
        if not self.lifetimes:
            return "no runs"
        median = statistics.median(self.lifetimes)
        if median >= horizon:
            return f"more than half still running at {horizon} months"
        return f"median lifetime {median:g} months"


@dataclass(frozen=True)
class ManyFigures:
    """The sample's figures per mode, and which side lived longer seed by seed."""

    modes: tuple[ModeFigures, ModeFigures]
    longer: Counter[str]
    runs: int
    failed: int = 0
    errors: tuple[str, ...] = field(default_factory=tuple)


def figures(runs: Sequence[PairedRun], modes: tuple[str, str]) -> ManyFigures:
    """Summarise paired runs (runs whose timeline could not apply are counted apart)."""
    good = [r for r in runs if not r.error]
    per_mode = tuple(
        ModeFigures(mode, Counter(r.outcomes[side] for r in good),
                    tuple(r.lifetimes[side] for r in good),
                    tuple(r.values[side] for r in good))
        for side, mode in enumerate(modes))
    return ManyFigures((per_mode[0], per_mode[1]), Counter(r.longer for r in good),
                       len(good), len(runs) - len(good),
                       tuple(sorted({r.error for r in runs if r.error}))[:3])


def longer_words(longer: str, modes: tuple[str, str]) -> str:
    """'the alliance with a dedicated manager lived longer' and the like."""
    if longer == SAME:
        return "both lived equally long"
    return f"the alliance {mode_phrase(modes[0 if longer == LEFT else 1])} lived longer"


def paired_sentence(result: ManyFigures, modes: tuple[str, str]) -> str:
    """How the two modes compare seed by seed, in one sentence."""
    return (f"Over {result.runs} paired seeds (the same seeds for both), the alliance "
            f"{mode_phrase(modes[0])} lived longer on {result.longer[LEFT]}, the one "
            f"{mode_phrase(modes[1])} on {result.longer[RIGHT]}, and both equally long on "
            f"{result.longer[SAME]}.")


def mode_sentence(mode: ModeFigures, name: str, horizon: int, target: float) -> str:
    """One mode's outcomes, median lifetime and mean value, in one sentence."""
    counts = ", ".join(f"{mode.outcomes[o]} {OUTCOME_WORDS[o]}" for o in OUTCOMES)
    value = statistics.fmean(mode.values) if mode.values else 0.0
    return (f"{name}: {counts}; {mode.median_lifetime_words(horizon)}; mean value "
            f"{value:.1f} (ambition about {target:.0f}).")
