"""What every command shares: the consoles, the exit statuses, and how bad input ends a
command."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from alliancesim.bounds import MAX_MONTH

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True, highlight=False)
# Exit statuses, the same in every command.
RUNTIME_ERROR = 1  # the work could not go on (a lost cluster, a full disk); results are kept
USAGE_ERROR = 2  # bad input refused, as for command-line usage errors
FAILED_RUNS = 3  # the sweep finished, but some of its runs failed (stored with their error)
INTERRUPTED = 130  # the shell's status for a command stopped by Ctrl-C


def fail(message: str, code: int = USAGE_ERROR) -> NoReturn:
    """Print ``message`` as an error (no traceback) and end the command with ``code``."""
    errors.print(f"error: {message}", markup=False)
    raise typer.Exit(code)


def check_seed(seed: int) -> int:
    """Refuse a negative seed before any work (numpy's SeedSequence takes none)."""
    if seed < 0:
        fail(f"--seed {seed}: a seed cannot be negative; allowed: a whole number, 0 or more")
    return seed


def check_replicates_option(replicates: int, arms: int, low: int,
                            what: str = "scenarios") -> int:
    """Refuse ``--replicates`` whose runs (``arms`` x replicates) exceed the runs limit,
    before anything is allocated."""
    from alliancesim.bounds import DEFAULT_MAX_RUNS, SizeError, check_replicates

    try:
        return check_replicates("--replicates", replicates, arms, low=low)
    except SizeError as error:
        fail(f"{error} ({arms} {what}; at most {DEFAULT_MAX_RUNS:,} runs in all)")


def warn(message: str) -> None:
    """A warning in plain words, on the error stream (it survives a redirected output)."""
    errors.print(f"warning: {message}", markup=False)


def _terminate_as_interrupt(signum: int, frame: FrameType | None) -> None:
    # A batch scheduler (SLURM) ends jobs with SIGTERM: save like on Ctrl-C.
    raise KeyboardInterrupt


@contextmanager
def engine_failures_in_one_line(refused: tuple[type[Exception], ...] = (),
                                stopped: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Run engine work (a sweep, a verdict, a comparison, a validation) with SIGTERM saved
    like Ctrl-C, and turn every
    known failure into one line and its exit status: a bad file, folder or scheduler (and
    ``refused``) is refused; a lost backend (and ``stopped``) stops the work; a full disk or
    an interruption keeps what was written."""
    from alliancesim.engine.backends import BackendError, SchedulerError
    from alliancesim.engine.classes import ClassImportError
    from alliancesim.engine.store import ResultsError
    from alliancesim.sweeps.experiment import ExperimentError

    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        yield
    except (ExperimentError, ResultsError, SchedulerError, ClassImportError, *refused) as exc:
        fail(str(exc))
    except (BackendError, *stopped) as exc:
        fail(str(exc), RUNTIME_ERROR)
    except OSError as exc:  # the results folder became unwritable (disk full, removed)
        fail(unwritable_results(exc), RUNTIME_ERROR)
    except KeyboardInterrupt:
        fail("interrupted; every finished run is saved: rerun the same command to resume",
             INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous)


def unwritable_results(exc: OSError) -> str:
    """Why the results could not be written, and what became of those written before: kept
    (a full disk), or gone with a folder that was removed while the work ran."""
    where = Path(exc.filename) if exc.filename else None
    if where is not None and not where.parent.exists():
        return (f"cannot write the results: the folder {where.parent} was removed while the "
                "work ran, and the runs written there with it; rerun the same command to "
                "start again")
    return (f"cannot write the results ({exc.strerror or exc}: {exc.filename or ''}); every "
            "run written before is kept: free space, then rerun the same command to resume")


def prepare_output_folder(out: Path) -> Path:
    """Create ``out`` before any work is done, so a bad folder fails early, not after runs."""
    from alliancesim.folders import unwritable

    problem = unwritable(out)
    if problem is not None:
        fail(problem)
    return out


class FigureFormat(StrEnum):
    """How figures are written."""

    png = "png"
    pdf = "pdf"
    svg = "svg"


FORMAT_HELP = "Figure format: png (300 dpi), pdf or svg."

# The options of every command that runs on the engine (compare, validate, sweep, verdict).
WorkersOption = Annotated[int | None, typer.Option(
    "--workers", "-w", min=1, help="Processes that simulate, this one included (default: all "
    "cores, at most the cores available; 1 runs everything in this process).",
    show_default=False)]
SchedulerOption = Annotated[str | None, typer.Option(
    help="Dask scheduler address, e.g. tcp://10.0.0.5:8786: run there.", show_default=False)]
FlushRunsOption = Annotated[int, typer.Option(
    min=1, help="Write the finished runs to the results folder after this many runs...")]
FlushSecondsOption = Annotated[float, typer.Option(
    min=0.0, help="...or after this many seconds, whichever comes first.")]
VerboseOption = Annotated[bool, typer.Option(
    "--verbose", help="Also show Dask's own error reports (tracebacks).")]
ALLOW_IMPORT_HELP = ("Import the model, member or manager class a file names as "
                     "'package.module:Class' (this runs that module's code; without it such "
                     "a file is refused).")
OVERWRITE_HELP = ("Replace a different comparison already stored in --out (its runs and "
                  "reports are deleted); without it such a folder is refused. The same one "
                  "is always resumed.")
MONTHS_HELP = ("Keep the trust network at these months, comma-separated (0 = the founders' "
               "start), as edge lists in Parquet.")


def parse_months(text: str | None, option: str = "--network-months") -> tuple[int, ...]:
    """``"0,12,24"`` as months; anything else ends the command with status 2."""
    if not text:
        return ()
    try:
        months = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        fail(f"{option} {text!r}: not a list of months; allowed: whole numbers 0 or more, "
             "comma-separated, like 0,12,24")
    if any(m < 0 for m in months):
        fail(f"{option} {text!r}: months cannot be negative; allowed: whole numbers 0 or more")
    check_months_within(months, MAX_MONTH, option)
    return months


def check_months_within(months: tuple[int, ...], horizon: int,
                        option: str = "--network-months", where: str = "") -> None:
    """Refuse months after ``horizon`` (the run would never reach them)."""
    late = [m for m in months if m > horizon]
    if late:
        fail(f"{option}: month {late[0]:,} is after the end of the run{where}; allowed: whole "
             f"numbers from 0 to the horizon ({horizon} months)")
