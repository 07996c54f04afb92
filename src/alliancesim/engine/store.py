"""The results folder: Parquet part files written as runs complete, plus a manifest.

Layout::

    RESULTS/
      manifest.json          what was run, seeds and seed scheme, provenance, sessions
      design.parquet         the design points (sweeps)
      runs/part-*.parquet    one row per finished run (ok or failed), written chunk by chunk
      steps/part-*.parquet   per-month rows of those runs, when recorded
      panel/part-*.parquet   per-member rows (member x month), when recorded
      events/part-*.parquet  the event logs, when recorded
      network/part-*.parquet trust edge lists at chosen months, when recorded
      profession/, alliances/, organizations/, professionals/
                             the tables of ecosystem runs (alliancesim.ecosystem.runs)

Every table part holds the ``run_id`` of its rows and shares its name with the runs part of
its chunk. A chunk is committed when its ``runs`` part appears. Every file is written under
a temporary name and renamed atomically, and the table parts are written before their runs
part, so a crash at any moment leaves only whole parts; leftovers are removed on resume.

Every chunk is listed in ``runs/_index.json`` (see :mod:`alliancesim.engine.index`) with the
SHA-256 of each of its parts and the run ids it holds, written before its parts appear. When
the folder is resumed (and when ``analyze`` reads it), a part whose bytes no longer match its
checksum (bit-rot, a copy cut short) is moved to ``corrupt/`` and its runs run again; a part
the index does not list (a duplicate, a part copied from other results) is moved to
``rejected/`` and never counted. Folders written before parts were indexed are indexed on
resume: each part's footer must open and hold the row count written into it, and a part
holding runs already held by another is rejected.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import secrets
import shutil
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from alliancesim.engine.index import (
    INDEX,
    IndexUnreadable,
    entry,
    index_bytes,
    mismatch,
    read_index,
)

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
RUNS, STEPS = "runs", "steps"
# engine.tasks.TABLES, without loading it: a single alliance's tables, then an ecosystem's
TABLE_DIRS = ("steps", "panel", "events", "network",
              "profession", "alliances", "organizations", "professionals")
CORRUPT = "corrupt"
REJECTED = "rejected"
LOCK = ".lock"
CODE = "imported_code"  # copies of the modules of one's own classes (engine.owncode)
ROWS_KEY = b"alliancesim.rows"  # the row count, written into each part's footer
VERSIONED = ("alliancesim", "mesa", "numpy", "pandas", "pyarrow", "scipy", "SALib",
             "dask", "distributed", "pydantic", "networkx")


NULLABLE_TYPES = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}


def plain_types(frame: pd.DataFrame, *, missing_as_float: bool = False) -> pd.DataFrame:
    """``frame`` with the nullable columns a store reads (``NULLABLE_TYPES``) back in
    numpy's types where no value is missing (bool, int64), so that statistics see the same
    types whichever runs a table holds; with ``missing_as_float`` a column with missing
    values becomes float (NaN), as the formula interface needs."""
    converted = {}
    for column, dtype in frame.dtypes.items():
        if not isinstance(dtype, pd.BooleanDtype | pd.Int64Dtype):
            continue
        values = frame[column]
        if not values.hasnans:
            converted[column] = values.to_numpy(dtype=dtype.numpy_dtype)
        elif missing_as_float:
            converted[column] = values.astype("float64")
    return frame.assign(**converted) if converted else frame


class ResultsError(RuntimeError):
    """The results folder cannot be used: another experiment's results, or a live writer."""


class DesignMissing(ResultsError):
    """The results folder has a manifest but its design file is gone or unreadable."""


@dataclass(frozen=True)
class DamagedPart:
    """A part that failed its check, and why."""

    path: Path
    reason: str

    def describe(self) -> str:
        """``runs/part-000003-ab12cd.parquet (footer unreadable: ...)``."""
        return f"{self.path.parent.name}/{self.path.name} ({self.reason})"


def check_part(path: Path, column: str = "run_id") -> str | None:
    """Why the Parquet part at ``path`` cannot be trusted, or None when it reads back whole:
    its footer opens, it holds the row count written into it, and ``column`` decodes."""
    try:
        handle = pq.ParquetFile(path)
        rows = handle.metadata.num_rows
        expected = (handle.schema_arrow.metadata or {}).get(ROWS_KEY)
        if expected is not None and int(expected) != rows:
            return f"footer says {rows} rows, written with {int(expected)}"
        names = handle.schema_arrow.names
        read = handle.read(columns=[column] if column in names else names[:1]).num_rows
    except (OSError, ValueError, pa.ArrowException) as exc:
        return f"unreadable: {' '.join(str(exc).split())[:200]}"
    if read != rows:
        return f"{read} of its {rows} rows read back"
    return None


def now() -> str:
    """The current time, ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """Python, the package and the dependencies that decide the results."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    commit = source_commit()
    if commit:
        found["alliancesim_source"] = commit
    return found


def source_commit() -> str | None:
    """The git commit of the package source when it runs from a checkout (``+dirty`` when
    it has uncommitted changes), else None."""
    from alliancesim.engine.provenance import source_state

    state = source_state()
    if not state:
        return None
    return state["commit"] + ("+dirty" if state["dirty"] else "")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_temporary_table(path: Path, table: pa.Table) -> Path:
    """Write ``table`` as Parquet (synced to disk) under a temporary name beside ``path``,
    with its row count in the footer (so that a damaged copy can be told from a whole one);
    returns the temporary path, to be renamed to ``path`` once the index lists it."""
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), ROWS_KEY: str(table.num_rows).encode()})
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        pq.write_table(table, tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
    except OSError as exc:  # Arrow's errors name no file: say which one could not be written
        tmp.unlink(missing_ok=True)
        if exc.filename is not None:
            raise
        raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc), str(tmp)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def atomic_write_blocks(path: Path, blocks: Iterable[pd.DataFrame]) -> int:
    """Write DataFrames one after another into one Parquet file (temporary name, then
    renamed); returns the rows written. Only one block is in memory at a time."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    writer: pq.ParquetWriter | None = None
    rows = 0
    try:
        for block in blocks:
            table = pa.Table.from_pandas(block, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema)
            writer.write_table(table)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return rows


def rows_to_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """An Arrow table from row dicts whose keys may differ (failed runs lack outcomes).

    Each column is typed from all its values, so integers stay integers when some rows are
    missing them (they become nulls).
    """
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return pa.table({name: pa.array([row.get(name) for row in rows]) for name in names})


class ResultsStore:
    """Reads and writes one results folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.steps_dir = self.root / STEPS
        self.table_dirs = {name: self.root / name for name in TABLE_DIRS}
        self.manifest_path = self.root / MANIFEST
        self.design_path = self.root / DESIGN
        self.corrupt_dir = self.root / CORRUPT
        self.rejected_dir = self.root / REJECTED
        self.index_path = self.runs_dir / INDEX
        self._lock_fd: int | None = None
        self._index: dict[str, dict[str, Any]] | None = None  # the writer's copy
        self.skipped: list[DamagedPart] = []  # parts left out by the last read
        self.notes: list[str] = []  # what opening the folder for writing had to repair
        self._damaged_unlisted: list[DamagedPart] = []  # found while indexing an old folder

    # --- opening and resuming -----------------------------------------------------------
    def exists(self) -> bool:
        """Whether a manifest is already there (a sweep has started in this folder)."""
        return self.manifest_path.is_file()

    def read_manifest(self) -> dict[str, Any]:
        """The manifest as a dict."""
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ResultsError(f"{self.root}: no {MANIFEST}; is this a results folder?") from None
        except json.JSONDecodeError as exc:
            raise ResultsError(f"{self.manifest_path}: not valid JSON ({exc})") from None

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest atomically."""
        manifest["updated"] = now()
        text = json.dumps(manifest, indent=2, sort_keys=False, default=str)
        atomic_write_bytes(self.manifest_path, text.encode())

    def open_for_writing(self, holder: str = "sweep") -> None:
        """Create the folders, take the writer lock (naming ``holder``, the command that
        writes), clear what a crash left behind and load (or build) the index of parts.

        Raises :class:`ResultsError` when the folder cannot be created or written, or when
        one of its folders or files is a symbolic link (results must be the folder's own).
        """
        self._refuse_links()
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
            self._take_lock(holder)
        except OSError as exc:
            raise ResultsError(
                f"{self.root}: cannot write the results there ({exc.strerror or exc}); "
                "allowed: a folder you can write to (created if missing)") from None
        self._load_index()
        self._remove_leftovers()

    def _refuse_links(self) -> None:
        """A symbolic link among the results (``runs/`` pointing at other results) would
        make this folder count, clear or overwrite results that are not its own."""
        for path in (self.runs_dir, *self.table_dirs.values(), self.corrupt_dir,
                     self.rejected_dir, self.manifest_path, self.design_path,
                     self.index_path, self.root / LOCK, self.root / CODE):
            if path.is_symlink():
                raise ResultsError(
                    f"{path}: is a symbolic link (to {os.readlink(path)}); a results folder "
                    "must hold its own results: replace the link with a real folder or file, "
                    "or use another --out folder")

    def clear(self) -> None:
        """Remove what an earlier run stored here (manifest, design and every part), keeping
        the writer lock and anything else in the folder (reports, figures)."""
        for folder in (self.runs_dir, *self.table_dirs.values(), self.corrupt_dir):
            if folder.is_symlink():  # remove the link, never what it points to
                folder.unlink()
            shutil.rmtree(folder, ignore_errors=True)
        for path in (self.manifest_path, self.design_path):
            path.unlink(missing_ok=True)
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self._index = {}
        self._save_index()

    def set_aside_damaged(self) -> list[DamagedPart]:
        """Check every committed part against its checksum; move damaged ones (with the
        other parts of their chunk) to ``corrupt/`` so that their runs are run again.
        Returns what was moved."""
        index = self._writer_index()
        damaged: dict[str, DamagedPart] = {}
        for name, listed in index.items():
            for table, recorded in listed["files"].items():
                path = self.root / table / name
                why = mismatch(path, recorded)
                if why is not None:
                    damaged[name] = DamagedPart(path, why)
                    break
        for name in damaged:
            self.corrupt_dir.mkdir(exist_ok=True)
            self._move_chunk(name, self.corrupt_dir)
            del index[name]
        if damaged:
            self._save_index()
        found, self._damaged_unlisted = [*self._damaged_unlisted, *damaged.values()], []
        return found

    def set_aside_foreign(self) -> list[DamagedPart]:
        """Move every part the index does not list (a duplicate, a part copied from other
        results) to ``rejected/``, so that it is never counted. Returns what was moved."""
        foreign = self.foreign_parts()
        for part in foreign:
            self.rejected_dir.mkdir(exist_ok=True)
            os.replace(part.path, self._free_name(
                self.rejected_dir / f"{part.path.parent.name}-{part.path.name}"))
        return foreign

    def foreign_parts(self) -> list[DamagedPart]:
        """Parts in the folder that its index does not list (none in an unindexed folder)."""
        index = self.index()
        if index is None:
            return []
        found = []
        for folder in (self.runs_dir, *self.table_dirs.values()):
            for path in sorted(folder.glob("part-*.parquet")):
                if folder.name not in index.get(path.name, {}).get("files", {}):
                    found.append(DamagedPart(path, f"not listed in {RUNS}/{INDEX}: a copy, or "
                                             "a part of other results"))
        return found

    def _move_chunk(self, name: str, into: Path) -> None:
        """Move every part of chunk ``name`` into folder ``into``."""
        for folder in (self.runs_dir, *self.table_dirs.values()):
            chunk = folder / name
            if chunk.exists():
                os.replace(chunk, self._free_name(into / f"{folder.name}-{chunk.name}"))

    @staticmethod
    def _free_name(path: Path) -> Path:
        """``path``, or ``path`` with a number added when that name is taken."""
        candidate, number = path, 1
        while candidate.exists():
            candidate = path.with_name(f"{path.stem}.{number}{path.suffix}")
            number += 1
        return candidate

    def close(self) -> None:
        """Release the writer lock."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
            with contextlib.suppress(FileNotFoundError):
                (self.root / LOCK).unlink()

    def _take_lock(self, holder: str) -> None:
        """Refuse to write while another live command writes the same folder."""
        lock = self.root / LOCK
        me = f"{socket.gethostname()} {os.getpid()} {holder}"
        for _ in range(2):
            try:
                self._lock_fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY
                                        | os.O_NOFOLLOW)
            except FileExistsError:
                if self._holder_alive(lock):
                    host, pid, *kind = lock.read_text().split()
                    what = f"a {kind[0]}" if kind else "another command"
                    raise ResultsError(
                        f"{self.root}: {what} is writing here (host {host}, pid {pid}); "
                        f"wait for it, or delete {lock} if that process is gone"
                    ) from None
                lock.unlink(missing_ok=True)  # stale: its writer was killed
                continue
            os.write(self._lock_fd, me.encode())
            return

    @staticmethod
    def _holder_alive(lock: Path) -> bool:
        try:
            host, pid = lock.read_text().split()[:2]
            number = int(pid)
        except (FileNotFoundError, ValueError):
            return False
        if host != socket.gethostname():
            return True  # cannot check another machine: assume it is alive
        try:
            os.kill(number, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    # --- the index of parts -------------------------------------------------------------------
    def index(self) -> dict[str, dict[str, Any]] | None:
        """The chunks the folder's index lists (by part name), or None for a folder
        written before parts were indexed (or whose index is unreadable)."""
        if self._index is not None:
            return self._index
        try:
            return read_index(self.index_path)
        except IndexUnreadable:
            return None

    def _writer_index(self) -> dict[str, dict[str, Any]]:
        if self._index is None:
            self._load_index()
        assert self._index is not None
        return self._index

    def _save_index(self) -> None:
        atomic_write_bytes(self.index_path, index_bytes(self._writer_index()))

    def _load_index(self) -> None:
        """Read the index; build one for a folder written before parts were indexed (or
        whose index is unreadable, which is set aside)."""
        try:
            self._index = read_index(self.index_path)
        except IndexUnreadable as exc:
            self.corrupt_dir.mkdir(exist_ok=True)
            os.replace(self.index_path, self._free_name(self.corrupt_dir / INDEX))
            self.notes.append(f"{exc}; moved to {self.corrupt_dir}, and the parts indexed "
                              "again from their contents")
            self._index = None
        if self._index is None:
            self._index = self._index_unlisted_parts()
            self._save_index()

    def _index_unlisted_parts(self) -> dict[str, dict[str, Any]]:
        """An index of the parts in a folder that has none: every runs part that reads
        back whole and holds no run already held by an earlier part, with the table parts
        of its chunk. Table parts without a runs part are leftovers of a crash."""
        self._remove_orphan_table_parts()
        index: dict[str, dict[str, Any]] = {}
        held: set[int] = set()
        for part in sorted(self.runs_dir.glob("part-*.parquet")):
            why = check_part(part)
            if why is not None:
                self._damaged_unlisted.append(DamagedPart(part, why))
                self.corrupt_dir.mkdir(exist_ok=True)
                self._move_chunk(part.name, self.corrupt_dir)
                continue
            ids = pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist()
            if held.intersection(ids) or len(set(ids)) != len(ids):
                continue  # a duplicate: rejected, never counted twice
            held.update(ids)
            files = {folder.name: folder / part.name
                     for folder in (self.runs_dir, *self.table_dirs.values())
                     if (folder / part.name).is_file()}
            index[part.name] = entry(files, ids)
        return index

    def _remove_orphan_table_parts(self) -> None:
        committed = {p.name for p in self.runs_dir.glob("part-*.parquet")}
        for folder in self.table_dirs.values():
            for part in folder.glob("part-*.parquet"):
                if part.name not in committed:
                    part.unlink()

    def _remove_leftovers(self) -> None:
        """Delete temporary files, and the parts of chunks listed in the index whose runs
        part never got written (the crash came between the index and the runs part)."""
        for folder in (self.root, self.runs_dir, *self.table_dirs.values()):
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        index = self._writer_index()
        unfinished = [name for name in index if not (self.runs_dir / name).is_file()]
        for name in unfinished:
            for table in index.pop(name)["files"]:
                (self.root / table / name).unlink(missing_ok=True)
        if unfinished:
            self._save_index()

    # --- design -------------------------------------------------------------------------
    def write_design(self, points: pd.DataFrame | Iterable[pd.DataFrame]) -> int:
        """Store the design points (one DataFrame, or blocks of them in order)."""
        blocks = [points] if isinstance(points, pd.DataFrame) else points
        return atomic_write_blocks(self.design_path, blocks)

    def read_design(self) -> pd.DataFrame:
        """The stored design points; :class:`DesignMissing` if the file is gone or damaged."""
        try:
            return pq.read_table(self.design_path).to_pandas()
        except FileNotFoundError:
            raise DesignMissing(f"{self.design_path}: the design file is missing") from None
        except (OSError, pa.ArrowException) as exc:
            raise DesignMissing(f"{self.design_path}: the design file cannot be read "
                                f"({' '.join(str(exc).split())[:200]})") from None

    # --- parts ----------------------------------------------------------------------------
    def run_parts(self) -> list[Path]:
        """Committed runs parts, oldest first: those the index lists (every part, in a
        folder written before parts were indexed)."""
        index = self.index()
        if index is None:
            return sorted(self.runs_dir.glob("part-*.parquet"))
        return sorted(self.runs_dir / name for name in index
                      if (self.runs_dir / name).is_file())

    def step_parts(self) -> list[Path]:
        """Steps parts of committed chunks."""
        return self.table_parts(STEPS)

    def table_parts(self, name: str) -> list[Path]:
        """Parts of table ``name`` (steps, panel, events, network) of committed chunks."""
        committed = {p.name for p in self.run_parts()}
        index = self.index()
        folder = self.root / name
        return sorted(p for p in folder.glob("part-*.parquet") if p.name in committed
                      and (index is None or name in index[p.name]["files"]))

    def completed_ids(self) -> np.ndarray:
        """Ids of the runs already stored (ok or failed)."""
        parts = self.run_parts()
        if not parts:
            return np.empty(0, dtype=np.int64)
        table = ds.dataset(parts, format="parquet").to_table(columns=["run_id"])
        return table.column("run_id").to_numpy()

    def write_chunk(self, rows: Sequence[dict[str, Any]],
                    steps: Iterable[pd.DataFrame] = (),
                    tables: Mapping[str, Iterable[pd.DataFrame]] | None = None) -> Path:
        """Commit finished runs: every part is written under a temporary name, the index
        lists them with their checksums, then the table parts (``steps``, or every table in
        ``tables`` by name) and last the runs part are renamed into place."""
        index = self._writer_index()
        name = f"part-{len(index):06d}-{secrets.token_hex(3)}.parquet"
        staged: dict[str, Path] = {}
        try:
            for table_name, parts in {STEPS: steps, **(tables or {})}.items():
                frames = [frame for frame in parts if frame is not None and len(frame)]
                if frames:
                    folder = self.root / table_name
                    folder.mkdir(exist_ok=True)
                    staged[table_name] = write_temporary_table(
                        folder / name, pa.Table.from_pandas(
                            pd.concat(frames, ignore_index=True), preserve_index=False))
            staged[RUNS] = write_temporary_table(self.runs_dir / name, rows_to_table(rows))
            index[name] = entry(staged, (row["run_id"] for row in rows))
            self._save_index()
        except BaseException:
            for tmp in staged.values():
                tmp.unlink(missing_ok=True)
            index.pop(name, None)
            raise
        for table_name, tmp in sorted(staged.items(), key=lambda item: item[0] == RUNS):
            os.replace(tmp, self.root / table_name / name)
        return self.runs_dir / name

    # --- reading ----------------------------------------------------------------------------
    def readable(self, parts: Sequence[Path]) -> list[Path]:
        """The parts that match their checksum (or, unindexed, pass :func:`check_part`);
        the others go to :attr:`skipped`."""
        index = self.index()
        good = []
        for part in parts:
            recorded = (index or {}).get(part.name, {}).get("files", {}).get(part.parent.name)
            reason = mismatch(part, recorded) if recorded else check_part(part)
            if reason is None:
                good.append(part)
            else:
                self.skipped.append(DamagedPart(part, reason))
        return good

    def read_runs(self, columns: list[str] | None = None,
                  skip_damaged: bool = False) -> pd.DataFrame:
        """Every stored run as one DataFrame, sorted by run id; with ``skip_damaged``,
        parts that fail their checksum and parts the index does not list are left out and
        listed in :attr:`skipped`."""
        if skip_damaged:
            parts = self.readable(self.run_parts())
            self.skipped += [p for p in self.foreign_parts() if p.path.parent == self.runs_dir]
        else:
            parts = self.run_parts()
        frame = self._read(parts, columns)
        if "run_id" in frame:
            frame = frame.sort_values("run_id", ignore_index=True)
        return frame

    def read_steps(self, columns: list[str] | None = None,
                   skip_damaged: bool = False) -> pd.DataFrame:
        """Every stored step row as one DataFrame, sorted by run id and month."""
        return self.read_table(STEPS, columns, skip_damaged)

    def read_table(self, name: str, columns: list[str] | None = None,
                   skip_damaged: bool = False, nullable: bool = True) -> pd.DataFrame:
        """Every stored row of table ``name`` as one DataFrame, in run order (and by month
        within a run; the event log keeps its order of events)."""
        parts = self.table_parts(name)
        frame = self._read(self.readable(parts) if skip_damaged else parts, columns, nullable)
        keys = [k for k in ("run_id", "month") if k in frame.columns]
        if keys:
            frame = frame.sort_values(keys, ignore_index=True, kind="stable")
        return frame

    def _read(self, parts: Sequence[Path], columns: list[str] | None,
              nullable: bool = True) -> pd.DataFrame:
        """:func:`read_parts`, with a damaged part named rather than a raw Arrow error."""
        try:
            return read_parts(parts, columns, nullable)
        except (OSError, pa.ArrowException) as exc:
            damaged = [p for p in parts if check_part(p) is not None]
            where = ", ".join(str(p) for p in damaged) or str(self.root)
            raise ResultsError(
                f"{where}: cannot be read ({' '.join(str(exc).split())[:200]}); rerunning "
                "'alliancesim sweep' on the folder sets damaged parts aside and runs their "
                "runs again, and 'alliancesim analyze' skips them") from None


def read_parts(parts: Sequence[Path], columns: list[str] | None = None,
               nullable: bool = True) -> pd.DataFrame:
    """Read Parquet parts with differing columns into one DataFrame (missing values null);
    ``nullable=False`` gives numpy dtypes, for tables known to have no missing values."""
    if not parts:
        return pd.DataFrame()
    schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive")
    dataset = ds.dataset(list(parts), schema=schema, format="parquet")
    # Failed runs leave outcomes null: keep yes/no and whole-number columns as pandas'
    # nullable types rather than letting them turn into objects and floats.
    mapper = NULLABLE_TYPES.get if nullable else None
    return dataset.to_table(columns=columns).to_pandas(types_mapper=mapper)
