"""The index of a results folder's parts: which parts belong to it, their checksums and the
run ids they hold.

The store writes the index (``runs/_index.json``) atomically *before* it renames a chunk's
parts into place, so every part the folder wrote is listed, with the SHA-256 of its bytes,
before it can be seen. A part that is not listed (a copy, ``part-000003-x (1).parquet``, or a
part brought from another folder) is not part of the results; a listed part whose bytes no
longer hash to its checksum has rotted. Both are set aside rather than counted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

INDEX = "_index.json"  # "_" keeps Parquet readers of runs/ (pandas, pyarrow) off it
INDEX_FORMAT = 1
RUN_TABLE = "runs"
BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a block at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Run ids as inclusive ``[first, last]`` ranges (chunks hold mostly consecutive ids)."""
    ranges: list[list[int]] = []
    for run_id in sorted(int(i) for i in ids):
        if ranges and run_id == ranges[-1][1] + 1:
            ranges[-1][1] = run_id
        else:
            ranges.append([run_id, run_id])
    return ranges


def entry(files: dict[str, Path], run_ids: Iterable[int]) -> dict[str, Any]:
    """The index entry of one chunk: the checksum and size of each table's part (keyed by
    table name, ``runs`` among them) and the run ids the chunk holds."""
    return {"files": {name: {"sha256": file_sha256(path), "bytes": path.stat().st_size}
                      for name, path in files.items()},
            "run_ids": id_ranges(run_ids)}


def mismatch(path: Path, recorded: dict[str, Any]) -> str | None:
    """Why the part at ``path`` is not the one the index recorded, or None when it is."""
    try:
        size = path.stat().st_size
        if size != recorded.get("bytes"):
            return f"{size} bytes, written with {recorded.get('bytes')}"
        if file_sha256(path) != recorded.get("sha256"):
            return "checksum mismatch: its bytes changed since it was written"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    return None


class IndexUnreadable(ValueError):
    """The index file cannot be read."""


def read_index(path: Path) -> dict[str, dict[str, Any]] | None:
    """The chunks listed in the index at ``path`` (by part name), or None when there is no
    index (a folder written before parts were indexed). :class:`IndexUnreadable` if unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise IndexUnreadable(f"{path}: cannot be read ({exc})") from None
    parts = data.get("parts") if isinstance(data, dict) else None
    if not isinstance(parts, dict):
        raise IndexUnreadable(f"{path}: no 'parts' table")
    return parts


def index_bytes(parts: dict[str, dict[str, Any]]) -> bytes:
    """The index as written to disk."""
    return json.dumps({"format": INDEX_FORMAT, "parts": parts}, sort_keys=True).encode()
