"""What every figure of the package shares: labels and units from the parameter
definition, shares drawn as percentages, a footnote saying n and what was pooled, and saving
at 300 dpi as PNG, PDF or SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from alliancesim.params.declared import lookup

FORMATS = ("png", "pdf", "svg")
DPI = 300
NOTE_SIZE = 7.5
LINE_INCHES = NOTE_SIZE * 1.25 / 72  # one line of footnote
# How outcome columns read on an axis: a title, and a unit or "share" (drawn as %).
OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "failed": ("Failed", "share"),
    "dissolved": ("Dissolved", "share"),
    "completed": ("Completed", "share"),
    "objectives_met": ("Objectives met", "share"),
    "ended": ("Ended before the horizon", "share"),
    "value_total": ("Value created", "value units"),
    "end_month": ("End month", "months"),
    "members_final": ("Members at the end", "organizations"),
    "trust_mean_final": ("Final trust", "0-1"),
    "commitment_mean_final": ("Final commitment", "0-1"),
    "skill_mean_final": ("Final member skill", "0-1"),
    "openness_mean_final": ("Final openness", "0-1"),
    "alignment_final": ("Final ambition alignment", "0-1"),
    "identity_final": ("Final collective identity", "0-1"),
    "conflicts_total": ("Conflicts", "count"),
    "conflicts_escalated": ("Escalated conflicts", "count"),
    "conflicts_resolved": ("Resolved conflicts", "count"),
    "paradoxes_total": ("Paradoxes", "count"),
    "exits_total": ("Members that left", "organizations"),
    "manager_departures": ("Manager departures", "count"),
    "renewals": ("Renewals", "count"),
    "management_time_used": ("Management time used", "FTE-months"),
    "management_cost_total": ("Management cost", "value units"),
}


# --- labels ---------------------------------------------------------------------------------
def factor_label(name: str) -> str:
    """A parameter's axis label from its definition: title and unit (``Cultural
    diversity (x)``); the name itself for anything else."""
    param = lookup(name)
    if name == "dummy_factor":  # sweeps.design.DUMMY, not imported here: figstyle loads first
        return "Dummy factor (ignored by the model)"
    if param is None:
        return name.replace("_", " ")
    return param.title + (f" ({param.unit})" if param.unit not in ("", "-") else "")


def is_share(name: str, values: pd.Series | None = None) -> bool:
    """Whether an outcome is a yes/no (0/1) quantity, drawn as a percentage."""
    if name in OUTCOME_LABELS:
        return OUTCOME_LABELS[name][1] == "share"
    if values is None:
        return False
    if pd.api.types.is_bool_dtype(values):
        return True
    found = pd.unique(values.dropna())
    return len(found) > 0 and set(np.asarray(found, dtype=float).tolist()) <= {0.0, 1.0}


def outcome_label(name: str, values: pd.Series | None = None) -> str:
    """An outcome's axis label: its title and unit, or "% of runs" for a share."""
    title, unit = OUTCOME_LABELS.get(name, (name.replace("_", " ").capitalize(), ""))
    if is_share(name, values):
        return f"{title} (% of runs)"
    return title + (f" ({unit})" if unit else "")


def percent_axis(ax: Axes, axis: str = "y") -> None:
    """Show 0-1 values on ``axis`` as percentages."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def footnote(fig: Figure, text: str) -> None:
    """Put ``text`` (n, what was pooled) under the figure, wrapped to its width, and keep
    the axes clear of it."""
    import textwrap

    width = max(60, int(fig.get_figwidth() * 15))
    lines = textwrap.wrap(text, width)
    fig.text(0.01, 0.004, "\n".join(lines), fontsize=NOTE_SIZE, ha="left", va="bottom",
             color="#444444")
    room = (len(lines) * LINE_INCHES + 0.06) / fig.get_figheight()
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, room, 1, 1 - room))


def new_figure(width: float, height: float, rows: int = 1, cols: int = 1, note_lines: int = 0,
               **kwargs: Any) -> tuple[Figure, np.ndarray]:
    """A constrained-layout figure, taller by the room a footnote of about ``note_lines``
    lines takes (:func:`footnote` reserves the room itself)."""
    fig = Figure(figsize=(width, height + LINE_INCHES * note_lines), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False, **kwargs)
    return fig, axes


def save_figure(fig: Figure, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``fig`` to ``path`` as PNG (300 dpi), PDF or SVG; the format comes from
    ``fmt`` or the path's suffix, and the suffix is set to match. Returns the path."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "png").lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; allowed: {', '.join(FORMATS)}")
    path = path.with_suffix(f".{fmt}")
    fig.savefig(path, format=fmt, dpi=DPI)
    return path
