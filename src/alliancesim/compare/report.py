"""The report folder of a comparison: raw tables, statistics, figures and a Markdown page.

Raw runs are written first, so that a failure later (a figure, a full disk) never loses them.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from alliancesim.compare import figures
from alliancesim.compare.comparison import Comparison
from alliancesim.compare.statistics import OUTCOMES

SUMMARY_HEADERS = ("Outcome", "Scenario", "Estimate [95% CI]", "Effect", "p", "Answer")


def table_note(paired: bool = True, margin: float = 0.05,
               numeric_margin: float = 0.2) -> str:
    """How to read the table; printed under it in the terminal and in the report."""
    tests = ("exact McNemar (yes/no), Wilcoxon signed-rank (numbers), log-rank stratified by "
             "seed (survival): paired, since replicate r of every scenario ran on the same seed"
             if paired else
             "Fisher's exact (yes/no), Mann-Whitney U (numbers), log-rank (survival): unpaired, "
             "since the scenarios' runs do not share their seeds")
    return (
        "Failed = dissolved or objectives missed. Estimates: means (shares for yes/no "
        "outcomes) with 95% bootstrap (BCa) intervals; Survival (KM) = Kaplan-Meier share not "
        "dissolved by the last common month, Greenwood log-log interval. Effects against the "
        "reference: RD = risk difference, δ = Cliff's delta (-1 to 1), ΔS = survival "
        f"difference. p: {tests}; not adjusted for multiple comparisons. Answer against the "
        "reference: higher or lower (p < 0.05), equivalent (two one-sided tests put the mean "
        f"{'paired ' if paired else ''}difference within ±{margin * 100:g} points for shares "
        f"and survival, ±{numeric_margin:g} standard deviations of the reference's runs for "
        "numbers), or undecided (with the runs per scenario estimated to decide it).")


TABLE_NOTE = table_note()
EFFECT_SHORT = {"risk difference": "RD", "Cliff's delta": "δ", "survival difference": "ΔS"}
BINARY_KINDS = ("binary", "survival")


def write_raw_tables(comparison: Comparison, out: Path) -> list[Path]:
    """The runs as they came: one row per run (CSV) and one row per run and month (Parquet)."""
    out.mkdir(parents=True, exist_ok=True)
    outcomes, trajectories = out / "outcomes.csv", out / "trajectories.parquet"
    comparison.outcomes.to_csv(outcomes, index=False)
    comparison.trajectories.to_parquet(trajectories, index=False)
    return [outcomes, trajectories]


def write_report(comparison: Comparison, out: Path, figure_format: str = "png") -> list[Path]:
    """Write every table, figure and ``report.md`` into ``out``; return the paths written.

    Figures are ``figure_format``: png (300 dpi), pdf or svg."""
    written = write_raw_tables(comparison, out)
    summary = comparison.summary()
    survival = comparison.survival()
    durations = comparison.phase_durations()
    for name, frame in (("summary.csv", summary), ("survival.csv", survival)):
        frame.to_csv(out / name, index=False)
        written.append(out / name)
    durations.to_csv(out / "phases.csv")
    written.append(out / "phases.csv")
    n = comparison.replicates
    written += [
        figures.save(figures.survival_figure(survival, n), out / "survival", figure_format),
        figures.save(figures.phase_figure(durations, n), out / "phases", figure_format),
        figures.save(figures.trajectory_figure(comparison.trajectories),
                     out / "trajectories", figure_format),
    ]
    report = out / "report.md"
    report.write_text(report_markdown(comparison, figure_format), encoding="utf-8")
    written.append(report)
    return written


# --- formatting -----------------------------------------------------------------------------
def format_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as display strings, one row per outcome and scenario (used by the terminal
    table and the Markdown report alike)."""
    rows = []
    previous = None
    for row in summary.itertuples(index=False):
        rows.append((
            row.label if row.label != previous else "",
            str(row.scenario),
            _estimate(row.estimate, row.ci_low, row.ci_high, row.kind),
            _effect(row.effect, row.effect_measure),
            _p_value(row.p_value),
            _answer(row),
        ))
        previous = row.label
    table = pd.DataFrame(rows, columns=list(SUMMARY_HEADERS))
    # summaries written before the three answers have no answer to show
    return table if "answer" in summary.columns else table.drop(columns="Answer")


def _number(value: float, kind: str, decimals: int) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.1%}" if kind in BINARY_KINDS else f"{value:.{decimals}f}"


def _estimate(value: float, low: float, high: float, kind: str) -> str:
    # One precision per row, chosen by the estimate's size, so the interval reads alike.
    decimals = 1 if math.isfinite(value) and abs(value) >= 10 else 2
    shown = [_number(v, kind, decimals) for v in (value, low, high)]
    return f"{shown[0]} [{shown[1]}, {shown[2]}]"


def _effect(value: float, measure: str) -> str:
    if not math.isfinite(value):
        return "reference" if measure else ""
    return f"{EFFECT_SHORT.get(measure, measure)} {value:+.2f}"


def _answer(row: object) -> str:
    """``lower``, ``higher``, ``equivalent`` or ``undecided (~300 more runs)``; empty for the
    reference (and for summaries written before answers existed)."""
    answer = getattr(row, "answer", "")
    if not isinstance(answer, str) or not answer:
        return ""
    if answer == "different":
        return "higher" if getattr(row, "difference", 0.0) > 0 else "lower"
    if answer == "undecided":
        more = getattr(row, "more_runs", math.nan)
        return (f"undecided (~{more:,.0f} more runs)" if math.isfinite(more)
                else "undecided")
    return answer


def _p_value(value: float) -> str:
    if not math.isfinite(value):
        return ""
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def markdown_text(text: str) -> str:
    """``text`` (a name a file chose) as plain text in Markdown: HTML escaped and on one
    line (a table cell's ``|`` is escaped by :func:`markdown_table`)."""
    one_line = " ".join(str(text).split())
    return html.escape(one_line, quote=False)


def _note_of(summary: pd.DataFrame) -> str:
    """The table note for this summary: paired or not, and its margins."""
    paired = bool(summary["paired"].any()) if "paired" in summary else False
    shares = summary[summary["kind"] != "numeric"]["margin"].dropna() if (
        "margin" in summary) else pd.Series(dtype=float)
    return table_note(paired, float(shares.iloc[0]) if len(shares) else 0.05)


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table of ``frame``'s strings (as plain text)."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(" ".join(c.split()).replace("|", "\\|")
                                 for c in cells) + " |"
    header = [str(c) for c in frame.columns]
    lines = [line(header), "|" + "|".join("---" for _ in header) + "|"]
    lines += [line([str(v) for v in row]) for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def scenario_overview(comparison: Comparison) -> pd.DataFrame:
    """Each scenario: file, parameters that differ from the defaults, timeline."""
    rows = []
    for scenario in comparison.scenarios:
        overrides = ", ".join(f"{k} = {v}" for k, v in scenario.parameters.items()) or "defaults"
        timeline = "; ".join(f"month {i.month}: {i.kind.replace('_', ' ')}"
                             for i in scenario.interventions()) or "none"
        rows.append((markdown_text(scenario.name), markdown_text(scenario.source),
                     markdown_text(overrides), timeline))
    return pd.DataFrame(rows, columns=["Scenario", "File", "Parameters", "Timeline"])


def _names_escaped(shown: pd.DataFrame) -> pd.DataFrame:
    """The display summary with its scenario names as plain Markdown text."""
    return shown.assign(Scenario=shown["Scenario"].map(markdown_text))


def report_markdown(comparison: Comparison, figure_format: str = "png") -> str:
    """The Markdown report: set-up, result table, figures and how to read them."""
    c, ext = comparison, figure_format
    outcomes_listed = ", ".join(f"`{o.column}`" for o in OUTCOMES)
    return "\n".join([
        "# Scenario comparison",
        "",
        f"{c.replicates} runs per scenario, root seed {c.seed}; replicate *r* of every "
        f"scenario used child *r* of `numpy.random.SeedSequence({c.seed})` (common random "
        "numbers; each run's seed is in `outcomes.csv`). "
        f"{len(c.scenarios) * c.replicates} runs took {c.seconds:.1f} s on {c.workers} "
        f"process(es). Reference scenario: **{markdown_text(c.reference)}**.",
        "",
        "## Scenarios",
        "",
        markdown_table(scenario_overview(c)),
        "",
        "## Results",
        "",
        markdown_table(_names_escaped(format_summary(c.summary()))),
        "",
        _note_of(c.summary()) + f" Survival is read off at month {c.survival_month}.",
        "",
        "## Figures",
        "",
        f"![Kaplan-Meier survival](survival.{ext})",
        "",
        "Time to dissolution: a dissolved alliance is an event at its end month; a completed "
        "one, or one still running at the horizon, is censored at its end month. Completion "
        "is a competing ending, so the curves show dissolution as if completed alliances "
        "could still have failed later; read them as the pace of failure, not a forecast.",
        "",
        f"![Phase durations](phases.{ext})",
        "",
        f"![Trust and commitment](trajectories.{ext})",
        "",
        "Trajectories average the alliances still running in each month; as alliances end, "
        "the later months rest on fewer (and surviving) alliances.",
        "",
        "## Files",
        "",
        "- `outcomes.csv`: one row per run (scenario, replicate, seed, outcome record; "
        f"reported outcomes: {outcomes_listed})",
        "- `trajectories.parquet`: one row per run and month",
        "- `summary.csv`: the result table with unrounded numbers",
        "- `survival.csv`: Kaplan-Meier curves with bands and numbers at risk",
        "- `phases.csv`: mean months per phase",
        "- `manifest.json`: command line, versions, operating system, seeds and seed scheme; "
        "`runs/` and `steps/` (and `panel/`, `events/`, `network/` when recorded): the runs "
        "as the engine stored them, each row with its `run_id` "
        "(`alliancesim replay FOLDER --run-id N` reruns one)",
        "",
    ])
