"""Where chunks run: in this process, in a local process pool, or on a Dask cluster.

Every backend keeps a bounded window of chunks in flight and yields results as they finish, so
the memory of the sweep does not grow with the number of runs.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

import psutil

from alliancesim.sweeps.runs import ChunkResult, ChunkTask, run_chunk

BACKENDS = ("auto", "inprocess", "processes", "dask")


class BackendError(RuntimeError):
    """The backend cannot go on (unreachable scheduler, workers that keep dying)."""


class Backend(Protocol):
    """Runs chunk tasks somewhere and yields their results in completion order."""

    name: str
    workers: int

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Yield the result of every task, as each finishes."""
        ...

    def close(self) -> None:
        """Release workers and connections."""
        ...


def available_cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class InProcessBackend:
    """Runs chunks one after another in this process (debugging, one core, notebooks)."""

    name = "inprocess"
    workers = 1

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Run each task now."""
        for task in tasks:
            yield run_chunk(task)

    def close(self) -> None:
        """Nothing to release."""


def _init_worker(parent_pid: int) -> None:
    """Set up a pool worker: leave Ctrl-C to the parent, and die with it."""
    # Ctrl-C reaches the whole process group; only the parent should react (and save).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker holds both ends of its task queue, so it never sees EOF when the parent is
    # killed (kill -9, OOM killer): watch the parent and exit with it.
    threading.Thread(target=_exit_with, args=(parent_pid,), daemon=True).start()


def _exit_with(parent_pid: int, interval: float = 1.0) -> None:
    try:
        parent = psutil.Process(parent_pid)
        while parent.is_running() and parent.status() != psutil.STATUS_ZOMBIE:
            time.sleep(interval)
    except psutil.Error:
        pass
    os._exit(1)


class ProcessBackend:
    """A local pool of worker processes (forkserver), restarted if a worker dies."""

    name = "processes"

    def __init__(self, workers: int | None = None, max_restarts: int = 3) -> None:
        self.workers = workers or available_cores()
        self.window = 2 * self.workers
        self.max_restarts = max_restarts
        self._context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the model: fast start.
        self._context.set_forkserver_preload(["alliancesim.sweeps.runs"])
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._context,
                                   initializer=_init_worker, initargs=(os.getpid(),))

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Keep ``window`` tasks in flight; resubmit the tasks a dead worker took down."""
        source = iter(tasks)
        pending: dict[Future[ChunkResult], ChunkTask] = {}
        retry: list[ChunkTask] = []
        restarts = 0
        while True:
            while len(pending) < self.window:
                task = retry.pop() if retry else next(source, None)
                if task is None:
                    break
                pending[self._pool.submit(run_chunk, task)] = task
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task = pending.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    retry.append(task)
                    broken = True
                    continue
                yield result
            if broken:
                restarts += 1
                if restarts > self.max_restarts:
                    raise BackendError(
                        f"worker processes died {restarts} times; stopping (finished runs "
                        "are saved: rerun the same command to resume)")
                retry.extend(pending.values())
                pending.clear()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()

    def close(self) -> None:
        """Stop the pool; running chunks finish, queued ones are dropped."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """Chunks on a Dask distributed cluster, given a scheduler address or a Client."""

    name = "dask"

    def __init__(self, address: str | None = None, client: Any = None,
                 timeout: str = "20s") -> None:
        from dask.distributed import Client

        self._owns_client = client is None
        if client is None:
            try:
                client = Client(address, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise BackendError(f"cannot reach the Dask scheduler at {address!r}: {exc}") \
                    from None
        self.client = client
        self.workers = max(1, sum(client.nthreads().values()))
        # Enough work queued to keep every worker busy, little enough to keep memory flat.
        self.window = max(8, 2 * self.workers)

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Submit a window of tasks and top it up as results arrive."""
        from dask.distributed import as_completed

        source = iter(tasks)
        running = as_completed(loop=self.client.loop)
        inflight: set[Any] = set()

        def submit(n: int) -> None:
            for task in _take(source, n):
                future = self.client.submit(run_chunk, task, pure=False)
                inflight.add(future)
                running.add(future)

        submit(self.window)
        try:
            for future in running:
                inflight.discard(future)
                result = future.result()
                future.release()
                yield result
                submit(1)
        finally:
            if inflight:  # interrupted: do not leave our work queued on a shared cluster
                self.client.cancel(list(inflight))

    def close(self) -> None:
        """Close the client if this backend opened it."""
        if self._owns_client:
            self.client.close()


def _take(source: Iterator[ChunkTask], n: int) -> list[ChunkTask]:
    taken = []
    for _ in range(n):
        task = next(source, None)
        if task is None:
            break
        taken.append(task)
    return taken


def make_backend(backend: str = "auto", workers: int | None = None,
                 scheduler: str | None = None, client: Any = None) -> Backend:
    """Choose a backend: Dask when given a scheduler or client, in-process for one worker,
    otherwise local processes on ``workers`` cores (all by default)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; allowed: {', '.join(BACKENDS)}")
    if backend == "auto":
        if scheduler is not None or client is not None:
            backend = "dask"
        elif workers == 1:
            backend = "inprocess"
        else:
            backend = "processes"
    if backend == "dask":
        if scheduler is None and client is None:
            raise ValueError("the dask backend needs a scheduler address (--scheduler)")
        return DaskBackend(scheduler, client)
    if backend == "inprocess":
        return InProcessBackend()
    return ProcessBackend(workers)
