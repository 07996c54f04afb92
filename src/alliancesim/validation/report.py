"""The validation report: the pattern table, figures and the raw runs in a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alliancesim.compare.report import markdown_table
from alliancesim.figstyle import footnote, new_figure, percent_axis, save_figure
from alliancesim.validation.metrics import failure_share, survival
from alliancesim.validation.patterns import (
    PATTERNS,
    dissolution_hazard,
    evaluate,
)


def format_value(pattern_key: str, value: float, low: float, high: float) -> str:
    """A pattern's value and interval as text in the pattern's unit."""
    unit = {p.key: p.unit for p in PATTERNS}[pattern_key]
    if not np.isfinite(value):
        return "undefined"
    if unit == "yes/no":
        return "yes" if value >= 1 else "no"
    if unit == "share":
        return f"{value:.1%} ({low:.1%} – {high:.1%})"
    if unit == "months":
        return f"{value:.0f} ({low:.0f} – {high:.0f}) months"
    return f"{value:.2f} ({low:.2f} – {high:.2f})"


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The evaluation table with values as readable text (for the terminal and Markdown)."""
    return pd.DataFrame({
        "pattern": table["description"],
        "target": table["target"],
        "model (95% CI)": [format_value(r.pattern, r.value, r.low, r.high)
                           for r in table.itertuples()],
        "inside": np.where(table["inside"], "yes", "NO"),
        "source": table["source"],
    })


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    fig, axes = new_figure(width, height, note_lines=2)
    return fig, axes[0, 0]


def hazard_figure(runs: pd.DataFrame) -> Figure:
    """Yearly hazard of dissolution with 95% intervals."""
    hazard = dissolution_hazard(runs)
    fig, ax = _figure(7, 4)
    years = hazard["age_to"] / 12
    err = np.vstack([hazard["hazard"] - hazard["low"], hazard["high"] - hazard["hazard"]])
    ax.bar(years, hazard["hazard"], width=0.8, color="#4c72b0", yerr=err, capsize=3)
    ax.set_xlabel("Alliance age (years)")
    ax.set_ylabel("Hazard of dissolution (% per year)")
    percent_axis(ax)
    ax.set_title("Hazard of dissolution by age")
    footnote(fig, f"n = {len(runs):,} runs of the defaults. Dissolutions per alliance-year at "
             "risk in each year of age, with 95% intervals.")
    return fig


def survival_figure(runs: pd.DataFrame) -> Figure:
    """Kaplan-Meier curves: time to any ending, and time to dissolution."""
    fig, ax = _figure(7, 4)
    ended = (runs["outcome"] != "running").to_numpy()
    dissolved = (runs["outcome"] == "dissolved").to_numpy()
    for label, event in (("any ending", ended), ("dissolution", dissolved)):
        sf = survival(runs["end_month"], event).sf
        ax.step(np.r_[0, sf.quantiles], np.r_[1, sf.probabilities], where="post", label=label)
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("Months since the founders met (months)")
    ax.set_ylabel("Alliances still going (%)")
    ax.set_ylim(0, 1.02)
    percent_axis(ax)
    ax.legend()
    ax.set_title("Kaplan-Meier survival")
    footnote(fig, f"n = {len(runs):,} runs of the defaults; alliances still running at the "
             "horizon are censored there.")
    return fig


def failure_figure(runs: pd.DataFrame) -> Figure:
    """The failure share with its interval against the target band."""
    pattern = next(p for p in PATTERNS if p.key == "failure_share")
    est = failure_share(runs)
    fig, ax = _figure(5, 3)
    ax.axvspan(pattern.low, pattern.high, color="#55a868", alpha=0.25, label="target range")
    ax.errorbar([est.value], [0], xerr=[[est.value - est.low], [est.high - est.value]],
                fmt="o", color="#c44e52", capsize=4, label="model (95% CI)")
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.set_xlabel("Alliances that fail (%)")
    percent_axis(ax, "x")
    ax.legend(loc="upper left")
    ax.set_title("Failure share")
    footnote(fig, f"n = {len(runs):,} runs of the defaults; failed = dissolved or objectives "
             "missed; 95% interval.")
    return fig


def write_report(runs: pd.DataFrame, out: Path, note: str = "",
                 figure_format: str = "png") -> list[Path]:
    """Write the table (Markdown and CSV), three figures (png at 300 dpi, pdf or svg) and
    the runs into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    table = evaluate(runs)
    written = [save_figure(make(runs), out / name, figure_format)
               for name, make in (("hazard_by_age", hazard_figure),
                                  ("survival", survival_figure),
                                  ("failure_share", failure_figure))]
    ext = figure_format
    table.to_csv(out / "patterns.csv", index=False)
    runs.to_parquet(out / "runs.parquet", index=False)
    lines = ["# Validation against empirical patterns", "", note, "",
             markdown_table(display_table(table)), "",
             f"![Hazard of dissolution by age](hazard_by_age.{ext})", "",
             f"![Kaplan-Meier survival](survival.{ext})", "",
             f"![Failure share](failure_share.{ext})", ""]
    (out / "report.md").write_text("\n".join(lines))
    written += [out / "patterns.csv", out / "runs.parquet", out / "report.md"]
    return written
