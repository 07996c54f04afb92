"""Parameter sets: rows of a table (a calibration's plausible set) sampled by a design.

An experiment may name a table of parameter values, one set per row::

    [parameter_sets]
    file = "plausible_sets.parquet"   # next to the experiment file, or in the package's data
    columns = ["manager_skill", "skill_learning_rate"]   # optional

The design then samples one row per point through a whole-number factor ``parameter_set``
(row 0 to n - 1, each row with an equal share of the unit interval, so that Sobol and Morris
designs treat "which set" as one factor), and every run of the point takes that row's values
of ``columns``. Without ``columns``, every column that names a parameter is taken, except the
parameters the experiment fixes or varies itself (those are listed in :attr:`ParameterSets.
left_to_experiment`). Values are checked against the parameter definition when the file is
read; the file's SHA-256 enters the experiment's fingerprint, so a folder cannot be resumed
with another table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from alliancesim.params import PARAMETERS_BY_NAME, ParameterError, file_value, suggest

SET_FACTOR = "parameter_set"  # the design factor that picks a row
Fail = Callable[[str, str], Exception]  # (field, message) -> the error to raise


@dataclass(frozen=True)
class ParameterSets:
    """A table of parameter sets, read and checked."""

    path: Path
    columns: tuple[str, ...]
    rows: tuple[Mapping[str, Any], ...]
    sha256: str
    left_to_experiment: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.rows)

    def values(self, row: int) -> dict[str, Any]:
        """The parameter values of set ``row``."""
        return dict(self.rows[row])

    def spans(self) -> dict[str, tuple[float, float]]:
        """Smallest and largest value of each numeric column (for the constraint checks)."""
        return {c: (min(float(r[c]) for r in self.rows), max(float(r[c]) for r in self.rows))
                for c in self.columns if PARAMETERS_BY_NAME[c].kind != "choice"}


def resolve(file: str, base_dir: Path) -> Path | None:
    """The table's path: relative to the experiment file, else in the package's data."""
    local = base_dir / file
    if local.is_file():
        return local
    packaged = Path(str(resources.files("alliancesim").joinpath("data", file)))
    return packaged if packaged.is_file() else None


def read_parameter_sets(file: str, base_dir: Path, columns: Iterable[str] | None,
                        set_elsewhere: Iterable[str], fail: Fail) -> ParameterSets:
    """Read and check the table named ``file``; ``fail(field, message)`` makes the error."""
    import pandas as pd

    path = resolve(file, base_dir)
    if path is None:
        raise fail("parameter_sets.file",
                   f"{file!r} not found next to the experiment file ({base_dir}) nor in the "
                   "package's data folder; allowed: a Parquet file of parameter sets, one per "
                   "row (a calibration's plausible set)")
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise fail("parameter_sets.file", f"cannot read {path} as Parquet: {exc}") from None
    if table.empty:
        raise fail("parameter_sets.file", f"{path} has no rows")
    taken, left = _columns(table, columns, set(set_elsewhere), path, fail)
    rows = tuple(_row(values, taken, path, i, fail)
                 for i, values in enumerate(table[list(taken)].itertuples(index=False)))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return ParameterSets(path, taken, rows, digest, left)


def _columns(table: Any, columns: Iterable[str] | None, set_elsewhere: set[str], path: Path,
             fail: Fail) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns to take, and the parameter columns left to the experiment."""
    named = [c for c in table.columns if c in PARAMETERS_BY_NAME]
    if columns is None:
        taken = tuple(c for c in named if c not in set_elsewhere)
        left = tuple(c for c in named if c in set_elsewhere)
        if not taken:
            raise fail("parameter_sets.file",
                       f"no column of {path} names a parameter the experiment leaves free "
                       f"(its columns: {', '.join(map(str, table.columns))})")
        return taken, left
    for name in columns:
        if name not in PARAMETERS_BY_NAME:
            raise fail("parameter_sets.columns", f"unknown parameter {name!r}.{suggest(name)}")
        if name not in table.columns:
            raise fail("parameter_sets.columns",
                       f"{path} has no column {name!r}; its parameter columns: "
                       f"{', '.join(named) or 'none'}")
        if name in set_elsewhere:
            raise fail("parameter_sets.columns",
                       f"{name!r} is also fixed or varied by the experiment; keep one of the two")
    return tuple(columns), ()


def _row(values: tuple[Any, ...], columns: tuple[str, ...], path: Path, index: int,
         fail: Fail) -> dict[str, Any]:
    """One row's values, each checked against its parameter's definition."""
    row = {}
    for name, value in zip(columns, values, strict=True):
        param = PARAMETERS_BY_NAME[name]
        plain = value.item() if hasattr(value, "item") else value
        if param.kind == "int" and isinstance(plain, float) and plain.is_integer():
            plain = int(plain)  # Parquet keeps whole numbers of a float column as floats
        try:
            row[name] = file_value(param, plain)
        except ParameterError as exc:
            raise fail("parameter_sets.file", f"{path}, row {index}: {exc}") from None
    return row
