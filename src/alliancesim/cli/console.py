"""What every command shares: the consoles, the exit statuses, and how bad input ends a
command."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

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


def warn(message: str) -> None:
    """A warning in plain words, on the error stream (it survives a redirected output)."""
    errors.print(f"warning: {message}", markup=False)


def prepare_output_folder(out: Path) -> Path:
    """Create ``out`` before any work is done, so a bad folder fails early, not after runs."""
    from alliancesim.folders import unwritable

    problem = unwritable(out)
    if problem is not None:
        fail(problem)
    return out
