"""What every command shares: the consoles, and how bad input ends a command."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True, highlight=False)
USAGE_ERROR = 2  # the exit status of bad input, as for command-line usage errors


def fail(message: str, code: int = USAGE_ERROR) -> NoReturn:
    """Print ``message`` as an error (no traceback) and end the command with ``code``."""
    errors.print(f"error: {message}", markup=False)
    raise typer.Exit(code)


def prepare_output_folder(out: Path) -> Path:
    """Create ``out`` before any work is done, so a bad folder fails early, not after runs."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.touch()
        probe.unlink()
    except OSError as error:
        fail(f"--out {str(out)!r}: cannot write there ({error.strerror or error}); "
             "allowed: a folder you can write to (created if missing)")
    return out
