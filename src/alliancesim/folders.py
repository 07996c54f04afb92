"""Output folders: made and proved writable before any work is done."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def unwritable(out: Path) -> str | None:
    """Create ``out`` and try writing in it; the message saying why it cannot be used, or None.

    Commands call this before they run anything, so that a bad folder fails at once instead
    of after the runs.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        _probe(out)
    except OSError as error:
        return (f"--out {str(out)!r}: cannot write there ({error.strerror or error}); "
                "allowed: a folder you can write to (created if missing)")
    return None


def _probe(folder: Path) -> None:
    """Create and remove a file of a fresh name in ``folder``. ``O_EXCL`` with
    ``O_NOFOLLOW`` creates a new file or fails: a planted file or symbolic link of that name
    is never opened, followed or removed."""
    probe = folder / f".write-test-{secrets.token_hex(8)}"
    handle = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    os.close(handle)
    probe.unlink()
