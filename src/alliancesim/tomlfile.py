"""The one reader of TOML files: scenario, experiment, verdict and calibration files, and
the app's list of scenarios.

Python's ``tomllib`` reads nested arrays and tables by recursion, so a file nested a few
thousand levels deep ends in a RecursionError thousands of lines long; and reading a file
whole means a huge or endless one (``/dev/zero``) fills the memory before anything is
said. :func:`read_toml` refuses both before parsing: only a regular file of at most
:data:`~alliancesim.bounds.MAX_FILE_BYTES` bytes is read, and nesting deeper than
:data:`MAX_DEPTH` is refused by a scan of the text, which counts brackets outside strings
and comments.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from alliancesim.bounds import MAX_FILE_BYTES

# No scenario or experiment needs more than four levels ([vary] x = { values = [...] }).
MAX_DEPTH = 32


class TomlFileError(ValueError):
    """A file that cannot be read as TOML: missing, not a regular file, too large, too
    deeply nested or not valid TOML. ``reason`` says which, without the file's name."""

    def __init__(self, source: str, reason: str, missing: bool = False) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.missing = missing


def read_toml(path: str | Path) -> dict[str, Any]:
    """The TOML document in ``path`` as a dict.

    Raises:
        TomlFileError: the file is missing, not a regular file, larger than
            :data:`~alliancesim.bounds.MAX_FILE_BYTES`, not UTF-8, nested deeper than
            :data:`MAX_DEPTH`, or not valid TOML.
    """
    source = str(path)
    text = _read_text(Path(path))
    return parse_toml(text, source)


def parse_toml(text: str, source: str = "<toml>") -> dict[str, Any]:
    """Parse TOML ``text`` with the depth limit of :func:`read_toml`."""
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise TomlFileError(source, f"nested more than {MAX_DEPTH} levels deep (arrays and "
                                    "tables inside each other); allowed: a scenario or "
                                    "experiment file as docs/files.md shows")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TomlFileError(source, f"not valid TOML: {error}") from None
    except RecursionError:  # cannot happen below MAX_DEPTH; kept as a last guard
        raise TomlFileError(source, "nested too deeply to read") from None


def _read_text(path: Path) -> str:
    source = str(path)
    try:
        # Open first, then look at what was opened: no race between the check and the read.
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise TomlFileError(source, "not a regular file; allowed: a TOML file")
            if info.st_size > MAX_FILE_BYTES:
                raise TomlFileError(source, f"{info.st_size:,} bytes, larger than a scenario "
                                            f"or experiment file can be ({MAX_FILE_BYTES:,} "
                                            "bytes)")
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise TomlFileError(source, "file not found", missing=True) from None
    except IsADirectoryError:
        raise TomlFileError(source, "is a folder; allowed: a TOML file") from None
    except OSError as error:
        raise TomlFileError(source, f"cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_FILE_BYTES:  # grew while being read
        raise TomlFileError(source, f"larger than {MAX_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TomlFileError(source, f"cannot be read as UTF-8 text ({error.reason} at byte "
                                    f"{error.start})") from None


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in TOML ``text``, outside strings and comments
    (table headers such as ``[a.b]`` count one level; dotted keys are not nesting)."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            i = _after_string(text, i)
            continue
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def _after_string(text: str, i: int) -> int:
    """The index just after the string starting at ``i`` (basic or literal, one line or
    multi-line); the end of the text if it is not closed (tomllib then says why)."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while quote == '"' and end > 0 and _escaped(text, end):
            end = text.find(quote * 3, end + 1)
        if end < 0:
            return len(text)
        end += 3
        while end < len(text) and text[end] == quote:  # up to two quotes may close it
            end += 1
        return end
    j = i + 1
    while j < len(text) and text[j] not in (quote, "\n"):
        j += 2 if quote == '"' and text[j] == "\\" else 1
    return j + 1


def _escaped(text: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1
