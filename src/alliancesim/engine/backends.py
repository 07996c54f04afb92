"""Where chunks run: in this process, in a local process pool, or on a Dask cluster.

Every backend keeps a bounded window of chunks in flight and yields results as they finish, so
the memory of the sweep does not grow with the number of runs.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from typing import Any, Protocol

import psutil

from alliancesim.engine.guard import check_main_guard
from alliancesim.engine.tasks import ChunkResult, ChunkTask, run_chunk
from alliancesim.parallel import available_cores, cap_workers, quiet_context

BACKENDS = ("auto", "inprocess", "processes", "dask")
CONNECT_TIMEOUT_S = 10.0  # the longest we wait for a scheduler to answer (Dask's default: 30)
ADDRESS_EXAMPLE = "tcp://10.0.0.5:8786"
# Loggers that print Dask's own tracebacks when a connection drops; quiet unless --verbose.
DASK_LOGGERS = ("distributed", "distributed.client", "distributed.worker", "tornado",
                "tornado.application")


class BackendError(RuntimeError):
    """The backend cannot go on (unreachable scheduler, workers that keep dying)."""


class SchedulerError(BackendError):
    """The Dask scheduler address is wrong or nobody answers there."""


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


__all__ = ["BACKENDS", "Backend", "BackendError", "SchedulerError", "available_cores",
           "check_scheduler_address", "make_backend"]


class InProcessBackend:
    """Runs chunks one after another in this process (debugging, one core, notebooks)."""

    name = "inprocess"
    workers = 1
    warning: str | None = None

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
    """``workers`` processes on this machine: this one and a pool of ``workers - 1``.

    This process runs chunks itself whenever no pool result is waiting, so two workers cost
    two processes (not three) and half the runs need no inter-process transfer. The pool
    uses the "spawn" start method (no fork of a process with threads) and is restarted,
    with its unfinished chunks resubmitted, if one of its processes dies.
    """

    name = "processes"

    def __init__(self, workers: int | None = None, max_restarts: int = 3,
                 caller: str = "this") -> None:
        count = cap_workers(workers)  # more processes than cores only cost memory
        self.workers, self.warning = count.workers, count.warning
        if self.workers > 1:  # before any process starts: say what to add, do not break
            check_main_guard(caller)
        self.max_restarts = max_restarts
        self.window = 2 * (self.workers - 1)  # queued chunks: every pool worker kept busy
        self._context = quiet_context("spawn")
        self._pool = self._new_pool() if self.workers > 1 else None
        self._restarts = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers - 1, mp_context=self._context,
                                   initializer=_init_worker, initargs=(os.getpid(),))

    def map_unordered(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Keep the pool's queue full, work here meanwhile, and yield results as they come."""
        source = iter(tasks)
        pending: dict[Future[ChunkResult], ChunkTask] = {}
        retry: list[ChunkTask] = []

        def next_task() -> ChunkTask | None:
            return retry.pop() if retry else next(source, None)

        while True:
            broken = self._fill(pending, next_task)
            done = {future for future in pending if future.done()}
            if not done and not broken:
                task = next_task()
                if task is not None:
                    yield run_chunk(task)  # the pool is busy: do a chunk here meanwhile
                    continue
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    retry.append(task)
                    broken = True
                    continue
                except Exception as exc:  # e.g. a result that cannot be sent back
                    raise BackendError(f"a worker process failed: {type(exc).__name__}: "
                                       f"{exc}") from exc
                yield result
            if broken:
                retry.extend(pending.values())
                pending.clear()
                self._restart()

    def _fill(self, pending: dict[Future[ChunkResult], ChunkTask],
              next_task: Callable[[], ChunkTask | None]) -> bool:
        """Submit chunks until the window is full; False unless the pool turned out broken."""
        while self._pool is not None and len(pending) < self.window:
            task = next_task()
            if task is None:
                return False
            try:
                pending[self._pool.submit(run_chunk, task)] = task
            except BrokenProcessPool:
                pending[_failed_future()] = task
                return True
        return False

    def _restart(self) -> None:
        """Replace a pool whose process died, unless that keeps happening."""
        self._restarts += 1
        if self._restarts > self.max_restarts:
            raise BackendError(
                f"worker processes died {self._restarts} times; stopping (finished runs are "
                "saved: rerun the same command to resume)")
        assert self._pool is not None
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self) -> None:
        """Stop the pool; running chunks finish, queued ones are dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _failed_future() -> Future[ChunkResult]:
    """A future that already failed with BrokenProcessPool (its task is to be resubmitted)."""
    future: Future[ChunkResult] = Future()
    future.set_exception(BrokenProcessPool("the pool broke before the task was submitted"))
    return future


def check_scheduler_address(address: str) -> None:
    """Refuse an address Dask cannot parse before connecting: a malformed one would leave a
    half-made client behind that takes a minute to give up when the program exits."""
    from distributed.comm.addressing import parse_address
    from distributed.comm.registry import backends

    try:
        scheme, location = parse_address(address)
    except (TypeError, ValueError) as exc:
        raise SchedulerError(f"--scheduler {address!r}: not an address ({exc}); allowed: "
                             f"the address a running 'dask scheduler' prints, like "
                             f"{ADDRESS_EXAMPLE}") from None
    host = location.rsplit(":", 1)[0] if ":" in location else location
    if scheme not in backends or not host.strip("[]") or "/" in location:
        raise SchedulerError(
            f"--scheduler {address!r}: not an address; allowed: "
            f"[{'|'.join(sorted(backends))}://]HOST:PORT, like {ADDRESS_EXAMPLE}")


def _connect_timeout() -> float:
    """Dask's connect timeout, but never longer than :data:`CONNECT_TIMEOUT_S`."""
    import dask
    from dask.utils import parse_timedelta

    configured = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")
    return min(float(configured or CONNECT_TIMEOUT_S), CONNECT_TIMEOUT_S)


@contextmanager
def quiet_dask_logs(enabled: bool = True) -> Iterator[None]:
    """Keep Dask's own error logs (tracebacks of a dropped connection) off the terminal;
    our message says what happened. Levels are restored afterwards."""
    if not enabled:
        yield
        return
    loggers = [logging.getLogger(name) for name in DASK_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class DaskBackend:
    """Chunks on a Dask distributed cluster, given a scheduler address or a Client."""

    name = "dask"
    warning: str | None = None

    def __init__(self, address: str | None = None, client: Any = None,
                 timeout: str | float | None = None, quiet: bool = False) -> None:
        """Connect to ``address`` (waiting ``timeout``, by default Dask's
        ``distributed.comm.timeouts.connect`` up to 10 s), or use ``client``. ``quiet``
        keeps Dask's own error logs off the terminal until :meth:`close`."""
        from dask.distributed import Client

        # Importing distributed sets its loggers' levels: quiet them only after that.
        self._quiet = ExitStack()
        self._quiet.enter_context(quiet_dask_logs(quiet))
        try:
            self._connect(address, client, timeout, Client)
        except BaseException:
            self._quiet.close()
            raise
        self.workers = max(1, sum(self.client.nthreads().values()))
        # Enough work queued to keep every worker busy, little enough to keep memory flat.
        self.window = max(8, 2 * self.workers)

    def _connect(self, address: str | None, client: Any, timeout: str | float | None,
                 client_class: Any) -> None:
        """Open a client on ``address``, or adopt ``client``."""
        self._owns_client = client is None
        self.address = address
        if client is None:
            if address is None:
                raise SchedulerError(
                    "the dask backend needs the address of a running scheduler: give "
                    f"--scheduler {ADDRESS_EXAMPLE} (or use --backend processes on this "
                    "machine)")
            check_scheduler_address(address)
            try:
                client = client_class(address, set_as_default=False,
                                      timeout=timeout if timeout is not None
                                      else _connect_timeout())
            except (OSError, TimeoutError, ValueError) as exc:
                raise SchedulerError(
                    f"cannot reach the Dask scheduler at {address!r} ({_one_line(exc)}); "
                    "expected the address a running 'dask scheduler' prints, like "
                    f"{ADDRESS_EXAMPLE}"
                ) from None
        else:
            self.address = getattr(client.scheduler, "address", None)
        self.client = client

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
                try:
                    result = future.result()
                except Exception as exc:  # KilledWorker, lost scheduler, ...
                    raise BackendError(self._failure(exc)) from exc
                future.release()
                yield result
                submit(1)
        finally:
            if inflight:  # interrupted: do not leave our work queued on a shared cluster
                self.client.cancel(list(inflight))

    def _failure(self, exc: Exception) -> str:
        """One line on why the cluster stopped, and what to do."""
        resume = "finished runs are saved: rerun the same command to resume"
        if "connection-lost" in str(exc) or self.client.status not in ("running", "newly-created"):
            return (f"lost the connection to the Dask scheduler at {self.address!r}; {resume} "
                    "once it runs again (--verbose shows Dask's own report)")
        return (f"the Dask cluster could not finish a chunk ({type(exc).__name__}: "
                f"{_one_line(exc)}); {resume}")

    def close(self) -> None:
        """Close the client if this backend opened it."""
        with self._quiet:  # a closing client logs its failed reconnections too
            if self._owns_client:
                self.client.close()


def _one_line(exc: BaseException) -> str:
    """An exception's text on one line (Dask's span several)."""
    return " ".join(str(exc).split())


def _take(source: Iterator[ChunkTask], n: int) -> list[ChunkTask]:
    taken = []
    for _ in range(n):
        task = next(source, None)
        if task is None:
            break
        taken.append(task)
    return taken


def make_backend(backend: str = "auto", workers: int | None = None,
                 scheduler: str | None = None, client: Any = None,
                 quiet: bool = False, caller: str = "this") -> Backend:
    """Choose a backend: Dask when given a scheduler or client, in-process for one worker,
    otherwise ``workers`` local processes, this one included (all cores by default).
    ``quiet`` keeps Dask's own error logs (tracebacks) off the terminal; ``caller`` names
    the function asked for, in the message about a script without a main guard."""
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
        return DaskBackend(scheduler, client, quiet=quiet)
    if backend == "inprocess":
        return InProcessBackend()
    return ProcessBackend(workers, caller=caller)
