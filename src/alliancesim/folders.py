"""Output folders: made and proved writable before any work is done."""

from __future__ import annotations

from pathlib import Path


def unwritable(out: Path) -> str | None:
    """Create ``out`` and try writing in it; the message saying why it cannot be used, or None.

    Commands call this before they run anything, so that a bad folder fails at once instead
    of after the runs.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.touch()
        probe.unlink()
    except OSError as error:
        return (f"--out {str(out)!r}: cannot write there ({error.strerror or error}); "
                "allowed: a folder you can write to (created if missing)")
    return None
