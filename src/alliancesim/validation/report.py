"""The validation report: calibration patterns, out-of-sample predictions, the verdict across
the plausible set, figures and the raw runs in a folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alliancesim.compare.report import markdown_table
from alliancesim.figstyle import footnote, new_figure, percent_axis, save_figure
from alliancesim.validation.mixture import CALIBRATION_MIX, MODE_COLUMN
from alliancesim.validation.patterns import PATTERNS_BY_KEY, Pooled, dissolution_hazard
from alliancesim.validation.predictions import PREDICTIONS


def format_value(pattern_key: str, value: float, low: float, high: float) -> str:
    """A calibration pattern's value and interval as text in the pattern's unit."""
    unit = PATTERNS_BY_KEY[pattern_key].unit
    if not np.isfinite(value):
        return "undefined"
    if unit == "yes/no":
        return "yes" if value >= 1 else "no"
    if unit == "share":
        return f"{value:.1%} ({low:.1%} – {high:.1%})"
    return f"{value:.0f} ({low:.0f} – {high:.0f}) {unit}"


def _implausibility(value: float) -> str:
    return "-" if not np.isfinite(value) or value == 0 else f"{value:.2f}"


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The calibration table with values as readable text (for the terminal and Markdown)."""
    return pd.DataFrame({
        "pattern": table["description"],
        "target": table["target"],
        "band": table["band"],
        "model (95% CI)": [format_value(r.pattern, r.value, r.low, r.high)
                           for r in table.itertuples()],
        "inside": np.where(table["inside"], "yes", "NO"),
        "I": [_implausibility(v) for v in table["implausibility"]],
        "source": table["source"],
    })


def display_predictions(table: pd.DataFrame) -> pd.DataFrame:
    """The out-of-sample table as text: at the defaults and across the plausible set."""
    by_key = {p.key: p for p in PREDICTIONS}
    rows = []
    for r in table.itertuples():
        p = by_key[r.prediction]
        row = {"prediction": r.description, "target": p.format(p.target), "band": r.band,
               "defaults (95% CI)": f"{p.format(r.value)} ({p.format(r.low)} – "
                                    f"{p.format(r.high)})",
               "inside": "yes" if r.inside else "NO"}
        if hasattr(r, "set_median") and np.isfinite(getattr(r, "set_median", np.nan)):
            row["plausible set: median (95% range)"] = (
                f"{p.format(r.set_median)} ({p.format(r.set_low)} – {p.format(r.set_high)})")
            row["inside, share of the set"] = f"{r.set_inside_share:.0%}"
        row["source"] = r.source
        rows.append(row)
    return pd.DataFrame(rows)


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    fig, axes = new_figure(width, height, note_lines=2)
    return fig, axes[0, 0]


def hazard_figure(runs: pd.DataFrame) -> Figure:
    """Half-yearly hazard of dissolution by age since the agreement, modes pooled by the mix."""
    hazard = dissolution_hazard(runs)
    fig, ax = _figure(7, 4)
    years = hazard["age_to"] / 12
    ax.bar(years, hazard["hazard"], width=0.4, color="#4c72b0")
    ax.set_xlabel("Years since the agreement (years)")
    ax.set_ylabel("Hazard of dissolution (% per half year)")
    percent_axis(ax)
    ax.set_title("Hazard of dissolution by age")
    footnote(fig, f"n = {len(runs):,} runs of the defaults, the management modes pooled by "
             f"the calibration mix ({CALIBRATION_MIX.label()}). Dissolutions per alliance-half-"
             "year at risk; other endings censored.")
    return fig


def survival_figure(runs: pd.DataFrame) -> Figure:
    """Kaplan-Meier curve of the time to any ending, the modes pooled by the mix."""
    pooled = Pooled.of(runs)
    curve = pooled.survival(np.arange(len(pooled.age)))
    fig, ax = _figure(7, 4)
    ax.step(np.arange(len(curve)), curve, where="post", label="any ending (mix)")
    for mode in CALIBRATION_MIX.modes:
        one = Pooled.of(runs[runs[MODE_COLUMN] == mode],
                        type(CALIBRATION_MIX)(mode, {mode: 1.0}, ""))
        ax.step(np.arange(len(curve)), one.survival(np.arange(len(one.age))), where="post",
                lw=0.8, alpha=0.7, label=mode)
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("Months since the agreement (months)")
    ax.set_ylabel("Alliances still going (%)")
    ax.set_ylim(0, 1.02)
    percent_axis(ax)
    ax.legend(fontsize=8)
    ax.set_title("Kaplan-Meier survival")
    footnote(fig, f"n = {len(runs):,} runs of the defaults; alliances still running at the "
             "horizon are censored there.")
    return fig


def write_report(runs: pd.DataFrame, out: Path, table: pd.DataFrame,
                 predictions: pd.DataFrame, verdict: dict[str, Any] | None,
                 note: str = "", figure_format: str = "png") -> list[Path]:
    """Write the tables (Markdown, CSV, JSON), two figures (png at 300 dpi, pdf or svg) and
    the runs into ``out``."""
    from alliancesim.validation import verdict as verdict_text

    out.mkdir(parents=True, exist_ok=True)
    written = [save_figure(make(runs), out / name, figure_format)
               for name, make in (("hazard_by_age", hazard_figure),
                                  ("survival", survival_figure))]
    ext = figure_format
    table.to_csv(out / "patterns.csv", index=False)
    predictions.to_csv(out / "predictions.csv", index=False)
    runs.to_parquet(out / "runs.parquet", index=False)
    lines = ["# Validation against empirical patterns", "", note, "",
             "## Calibration patterns", "",
             "The patterns the calibration used to choose the defaults: a check that the "
             "defaults still meet them on fresh seeds, not a validation.", "",
             markdown_table(display_table(table)), "",
             "## Out-of-sample predictions", "",
             "Published patterns the calibration never read.", "",
             markdown_table(display_predictions(predictions)), ""]
    if verdict is not None:
        (out / "verdict.json").write_text(json.dumps(verdict, indent=1) + "\n")
        written.append(out / "verdict.json")
        lines += ["## The verdict across the plausible set", "",
                  verdict_text.sentence(verdict).capitalize() + ".", "",
                  verdict_text.markdown(verdict), ""]
    lines += [f"![Hazard of dissolution by age](hazard_by_age.{ext})", "",
              f"![Kaplan-Meier survival](survival.{ext})", ""]
    (out / "report.md").write_text("\n".join(lines))
    written += [out / "patterns.csv", out / "predictions.csv", out / "runs.parquet",
                out / "report.md"]
    return written
