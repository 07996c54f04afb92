"""The profession question's report: ``report.md`` (plain answers first, then tables), a CSV
of every number in it and three figures, from the tables of one ecosystem run or many.

:func:`write_profession_report` is what ``alliancesim ecosystem --out`` calls for a single
run and what a sweep's analysis calls for many (tables with ``run_id``, ``point``,
``replicate`` and the varied parameters on every row). Every number in ``report.md`` is
formatted from a value in one of the CSVs written beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.compare.answers import DEFAULT_MARGIN
from alliancesim.ecosystem.analysis import (
    CONFIDENCE,
    FOLLOWUP_MONTHS,
    POINT,
    WITHIN_SUFFIX,
    ProfessionAnalysis,
    analyze_profession,
)

REPORT = "report.md"
FIGURES = {"share": "share_function.png", "practice": "practice_outcomes.png",
           "patterns": "pattern_checks.png"}
MAX_CONDITIONS_IN_TEXT = 8  # more conditions than this: the text points to the CSV
HEADLINE = "dissolved_early"


def write_profession_report(tables: Any, out_dir: str | Path, *,
                            margin: float = DEFAULT_MARGIN, confidence: float = CONFIDENCE,
                            factors: Sequence[str] | None = None) -> list[Path]:
    """Analyse ``tables`` (see :func:`~alliancesim.ecosystem.analysis.analyze_profession`)
    and write ``report.md``, one CSV per table and the figures into ``out_dir``; returns the
    files written."""
    analysis = analyze_profession(tables, margin=margin, confidence=confidence,
                                  factors=factors)
    return write_analysis(analysis, out_dir)


def write_analysis(analysis: ProfessionAnalysis, out_dir: str | Path) -> list[Path]:
    """Write an analysis already made: the CSVs, the figures and ``report.md``."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in analysis.tables().items():
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False)
        written.append(path)
    written.extend(write_figures(analysis, folder))
    report = folder / REPORT
    report.write_text(report_text(analysis), encoding="utf-8")
    written.append(report)
    return written


# --- numbers as the report writes them ----------------------------------------------------------
def _pct(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{100 * value:.1f}%"


def _points(value: float) -> str:
    """A difference of shares in percentage points, without its sign (said in words)."""
    return "n/a" if not np.isfinite(value) else f"{100 * abs(value):.1f} percentage points"


def _num(value: Any, digits: int = 3) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if float(value).is_integer() and abs(float(value)) < 1e15:
        return f"{int(value)}"
    return f"{float(value):.{digits}f}"


def _interval(low: float, high: float, percent: bool = True) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "no interval"
    if percent:
        return f"interval {100 * low:.1f} to {100 * high:.1f} percentage points"
    return f"interval {low:.3f} to {high:.3f}"


def markdown_table(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """``frame`` as a Markdown table, numbers to three decimals (as in the CSVs, rounded)."""
    columns = [c for c in (columns or frame.columns) if c in frame]
    if frame.empty or not columns:
        return "(nothing to show)\n"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in frame[columns].iterrows():
        lines.append("| " + " | ".join(_num(row[c]) for c in columns) + " |")
    return "\n".join(lines) + "\n"


# --- the text ---------------------------------------------------------------------------------
def report_text(a: ProfessionAnalysis) -> str:
    """``report.md``: the answers in plain words, then the tables and figures."""
    s = a.settings.iloc[0]
    parts = [
        "# Does alliance management become a profession? What these runs say\n",
        f"From {_num(s['runs'])} run(s) of the ecosystem ({_num(s['conditions'])} "
        f"condition(s); up to {_num(s['organizations'])} organizations over "
        f"{_num(s['years'])} years). Intervals are {_num(100 * s['confidence'])}% "
        f"intervals; two results count as equivalent when two one-sided tests put their "
        f"difference within {_points(s['margin'])}. Every number here is in the CSV files "
        "beside this report.\n",
        "## The answers in plain words\n",
        "### Does a profession emerge?\n",
        _emergence_text(a),
        "### Do organizations with a function do better than organizations that train "
        "everyone?\n",
        _practice_text(a, s),
        "### Patterns from the literature, as out-of-sample checks\n",
        _patterns_text(a, s),
        "## Tables\n",
        "### Emergence per condition (`emergence.csv`)\n",
        markdown_table(a.emergence, [POINT, "runs", "first_year", "last_year", "share_start",
                                     "share_end", "change", "ci_low", "ci_high",
                                     "p_equivalent", "answer"]),
        "### Varied factors and the end share (`factors.csv`)\n",
        markdown_table(a.factors, ["factor", "term", "effect", "ci_low", "ci_high",
                                   "answer"]),
        "### Function- against trained-led alliances (`practice.csv`)\n",
        markdown_table(a.practice, [POINT, "question", "estimate", "effect", "ci_low",
                                    "ci_high", "n", "clusters", "switchers", "answer"]),
        "### Judged portfolio result (`portfolio.csv`, `portfolio_means.csv`)\n",
        markdown_table(a.portfolio, [POINT, "estimate", "effect", "ci_low", "ci_high", "n",
                                     "switchers", "answer"]),
        markdown_table(a.portfolio_means, [POINT, "practice", "runs", "organization_years",
                                           "judged_result", "ci_low", "ci_high"]),
        "### Pattern checks (`patterns.csv`)\n",
        markdown_table(a.patterns, [POINT, "check", "term", "effect", "ci_low", "ci_high",
                                    "n", "answer"]),
        "## Figures\n",
        f"![Share of organizations with a dedicated function]({FIGURES['share']})\n",
        f"![Early dissolution by the lead's practice and experience]({FIGURES['practice']})\n",
        f"![Pattern checks]({FIGURES['patterns']})\n",
        "## Files\n",
        "Every table above, and the trajectories (`trajectory.csv`), the per-run changes "
        "(`emergence_runs.csv`), the early dissolution by practice and experience "
        "(`failure_by_experience.csv`), success by prior alliances "
        "(`success_by_experience.csv`), the runs (`runs.csv`) and the settings "
        "(`settings.csv`), as CSV.\n",
    ]
    return "\n".join(parts)


def _conditions(frame: pd.DataFrame) -> list[Any]:
    points = list(dict.fromkeys(frame[POINT])) if len(frame) else []
    return points[:MAX_CONDITIONS_IN_TEXT]


def _condition_label(a: ProfessionAnalysis, point: Any) -> str:
    return "" if a.settings.iloc[0]["conditions"] <= 1 else f"Condition {_num(point)}: "


def _sentence(a: ProfessionAnalysis, point: Any, text: str) -> str:
    """A bullet about one condition: named when there are several, capitalized if not."""
    label = _condition_label(a, point)
    if label:
        return f"- {label}{text[:1].lower()}{text[1:]}"
    return f"- {text[:1].upper()}{text[1:]}"


def _emergence_text(a: ProfessionAnalysis) -> str:
    lines = []
    for point in _conditions(a.emergence):
        row = a.emergence[a.emergence[POINT] == point].iloc[0]
        direction = "rose" if row["change"] > 0 else "fell" if row["change"] < 0 else "stayed"
        why = {"cannot tell": " (one run has no replicate noise to judge the change against)"
               if row["runs"] < 2 else " (the replicates do not decide it)"}.get(
            row["answer"], "")
        if row["answer"] == "stable (equivalent within margin)" and (
                row["ci_low"] > 0 or row["ci_high"] < 0):
            why = (" (the change is detectably not zero, but smaller than the margin: too "
                   "small to count)")
        lines.append(_sentence(
            a, point, f"the share of organizations keeping a dedicated "
            f"alliance function {direction} from {_pct(row['share_start'])} in year "
            f"{_num(row['first_year'])} to {_pct(row['share_end'])} in year "
            f"{_num(row['last_year'])} (mean of {_num(row['runs'])} replicate(s)), "
            f"a change of {_points(row['change'])} ("
            f"{_interval(row['ci_low'], row['ci_high'])}): **{row['answer']}**{why}. "
            f"At the end the profession counted {_num(row['professionals_end'], 1)} "
            f"professionals per thousand organizations at a wage of "
            f"{_num(row['wage_end'], 3)} FTE-years."))
    if len(a.emergence) > MAX_CONDITIONS_IN_TEXT:
        lines.append("- The other conditions are in `emergence.csv`.")
    lines.append(_factors_text(a))
    return "\n".join(line for line in lines if line) + "\n"


def _factors_text(a: ProfessionAnalysis) -> str:
    if a.factors.empty:
        return ("- No factor was varied between these runs, so nothing here says what moves "
                "the share; only replicates of one condition.")
    noise = a.factors[a.factors["factor"] == "replicate noise"]["effect"]
    moving = a.factors[a.factors["answer"] == "moves the end share"]
    said = "; ".join(f"{r['term']} by {_points(r['effect'])} over its range ("
                     f"{_interval(r['ci_low'], r['ci_high'])})" for _, r in moving.iterrows())
    return ("- Across the sweep, " + (f"these factors move the end share: {said}."
                                      if said else "no varied factor clearly moves the end "
                                      "share.")
            + (f" Replicates of one condition differ by {_points(noise.iloc[0])} (standard "
               "deviation): that much is noise." if len(noise) else ""))


def _practice_text(a: ProfessionAnalysis, s: pd.Series) -> str:
    if a.practice.empty:
        return "No alliance could be analysed (none started after the first year).\n"
    lines = []
    practice = a.practice
    for point in _conditions(practice):
        rows = practice[practice[POINT] == point]
        lines.append(_sentence(a, point, _headline_sentence(rows, s)))
        lines.append("  " + _within_sentence(rows))
        lines.append("  " + _ended_sentence(rows))
        portfolio = a.portfolio[(a.portfolio[POINT] == point)
                                & (a.portfolio["estimate"] == "answer")]
        if len(portfolio):
            r = portfolio.iloc[0]
            lines.append(f"  Year by year, organizations with a function judged their "
                         f"portfolio (share of alliances not failed, less spending) "
                         f"{_more_less(r['effect'])} by {_num(abs(r['effect']), 3)} "
                         f"({_interval(r['ci_low'], r['ci_high'], False)}) than "
                         f"those that train their staff: **{r['answer']}**.")
    lines.append(
        "- **Selection.** Organizations choose their practice: after doing badly (below "
        "their aspiration they try another) or by imitating peers that did better. So the "
        "organizations with a function are not a random draw, and the estimates above "
        "(adjusted for experience, size, sector and year) are associations. The "
        "within-organization estimate compares each organization only with itself under "
        "another practice, which removes what is fixed about it, not what made it switch: "
        "an organization that switches after a run of bad results tends to do better "
        "afterwards whatever it switched to (regression to the mean), which favours the "
        "practice organizations switch to.")
    return "\n".join(lines) + "\n"


def _more_less(effect: float) -> str:
    return "higher" if effect > 0 else "lower"


def _headline_sentence(rows: pd.DataFrame, s: pd.Series) -> str:
    answer = rows[(rows["outcome"] == HEADLINE) & (rows["estimate"] == "answer")]
    between = rows[(rows["outcome"] == HEADLINE) & (rows["estimate"] == "between replicates")]
    per_run = rows[(rows["outcome"] == HEADLINE) & rows["estimate"].str.startswith("run ")]
    if answer.empty:
        return "No alliance was followed up long enough to be analysed."
    r = answer.iloc[0]
    if not np.isfinite(r["effect"]):
        return ("Too few alliances, or too little variation, to compare function- and "
                "trained-led alliances: **cannot tell**.")
    text = (f"Alliances led by an organization with a dedicated function had a chance of "
            f"dissolving within {_num(s['followup_years'])} years {_points(r['effect'])} "
            f"{_more_less(r['effect'])} than alliances led by one that trains its staff "
            f"(function minus trained: "
            f"{_interval(r['ci_low'], r['ci_high'])}; {_num(r['n'])} alliances of "
            f"{_num(r['clusters'])} lead organizations; adjusted for the lead's experience, "
            f"size and sector and the start year, standard errors clustered by "
            f"organization): **{r['answer']}**.")
    if len(between) and np.isfinite(between.iloc[0]["effect"]):
        b = between.iloc[0]
        text += (f" Between replicates the runs' own estimates average "
                 f"{_points(b['effect'])} {_more_less(b['effect'])} ("
                 f"{_interval(b['ci_low'], b['ci_high'])}, from {_num(b['n'])} runs); the "
                 "answer uses the wider of the two intervals.")
    elif len(per_run) == 1:
        text += " One run: the interval is the run's own, with no replicate noise in it."
    return text


def _within_sentence(rows: pd.DataFrame) -> str:
    within = rows[(rows["outcome"] == HEADLINE) & (rows["estimate"] == "within organization")]
    if within.empty or not np.isfinite(within.iloc[0]["effect"]):
        return ("Within organization (each lead against itself under another practice): "
                "no lead switched practice between its alliances, so no estimate.")
    r = within.iloc[0]
    return (f"Within organization (each lead against itself under another practice, from "
            f"{_num(r['switchers'])} leads that switched): {_points(r['effect'])} "
            f"{_more_less(r['effect'])} ({_interval(r['ci_low'], r['ci_high'])}): "
            f"**{r['answer']}**.")


def _ended_sentence(rows: pd.DataFrame) -> str:
    parts = []
    for outcome, label in (("failed", "failure"), ("objectives_met", "objectives met")):
        r = rows[(rows["outcome"] == outcome) & (rows["estimate"] == "answer")]
        if len(r):
            r = r.iloc[0]
            if not np.isfinite(r["effect"]):
                parts.append(f"{label} not estimated (**{r['answer']}**)")
                continue
            parts.append(f"{label} {_points(r['effect'])} {_more_less(r['effect'])} "
                         f"({_interval(r['ci_low'], r['ci_high'])}, "
                         f"**{r['answer']}**)")
    if not parts:
        return ""
    return ("Among alliances that ended (quick dissolutions are over-represented there, as "
            "long ones are still running): " + "; ".join(parts) + ".")


def _patterns_text(a: ProfessionAnalysis, s: pd.Series) -> str:
    if a.patterns.empty:
        return "No alliance could be analysed.\n"
    lines = ["Neither check was used to set any default: each is a prediction the model "
             "could fail. Both mechanisms exist in the model as inputs (diminishing returns "
             "to learning, `experience_half_alliances`; trust carried between past "
             "partners, `tie_trust_carry`), so a check asks whether they show through in "
             "alliance outcomes at the population's level, not whether the model has them. "
             f"Success here is not dissolving within {_num(s['followup_years'])} years."]
    for point in _conditions(a.patterns):
        rows = a.patterns[a.patterns[POINT] == point]
        label = _condition_label(a, point)
        slope = rows[rows["term"] == "slope at no experience"]
        curve = rows[rows["term"] == "curvature"]
        if len(slope) and len(curve):
            lines.append(f"- {label}" + _experience_sentence(slope.iloc[0], curve.iloc[0]))
        slope = rows[rows["term"] == "slope at no experience" + WITHIN_SUFFIX]
        curve = rows[rows["term"] == "curvature" + WITHIN_SUFFIX]
        if len(slope) and len(curve):
            lines.append("  " + _experience_within_sentence(slope.iloc[0], curve.iloc[0]))
        overall = rows[rows["term"] == "overall"]
        if len(overall):
            word = overall.iloc[0]["answer"]
            lines.append(f"  Taken together: **{word}**" + (
                " (the two estimates disagree)." if word == "cannot tell"
                and slope.iloc[0]["answer"] != "cannot tell" else "."))
        tie = rows[rows["term"] == "repeated tie"]
        if len(tie):
            lines.append(f"- {label}" + _tie_sentence(tie.iloc[0]))
    return "\n".join(lines) + "\n"


NOT_ESTIMATED = ("could not be estimated (too few alliances, or too little variation in "
                 "experience or outcome)")


def _experience_sentence(slope: pd.Series, curve: pd.Series) -> str:
    claim = ("Diminishing returns to alliance experience (Anand and Khanna 2000; Hoang and "
             "Rothaermel 2005: success rises with prior alliances at a decreasing rate): ")
    if not (np.isfinite(slope["effect"]) and np.isfinite(curve["effect"])):
        return claim + f"{NOT_ESTIMATED}: **{slope['answer']}**."
    return (claim + f"the first prior alliance changes the chance of success by "
            f"{_num(slope['effect'], 3)} ({_interval(slope['ci_low'], slope['ci_high'], False)}"
            f"), with a curvature of {_num(curve['effect'], 4)} per prior alliance squared "
            f"(interval {_num(curve['ci_low'], 4)} to {_num(curve['ci_high'], 4)}): "
            f"**{slope['answer']}**.")


def _experience_within_sentence(slope: pd.Series, curve: pd.Series) -> str:
    claim = ("Within organization (each lead against its own earlier alliances; across "
             "organizations, those whose alliances dissolve quickly close more of them and "
             "so gain experience faster, which can bias the first estimate downward; within "
             "one organization the count is mostly its own past dissolutions, which, "
             "measured against the organization's own mean, go with better results later, "
             "which biases the second upward): ")
    if not (np.isfinite(slope["effect"]) and np.isfinite(curve["effect"])):
        return claim + f"{NOT_ESTIMATED}: **{slope['answer']}**."
    return (claim + f"slope {_num(slope['effect'], 3)} "
            f"({_interval(slope['ci_low'], slope['ci_high'], False)}), curvature "
            f"{_num(curve['effect'], 4)} (interval {_num(curve['ci_low'], 4)} to "
            f"{_num(curve['ci_high'], 4)}): **{slope['answer']}**.")


def _tie_sentence(tie: pd.Series) -> str:
    claim = ("Repeated ties (Gulati 1995: alliances between past partners fail less): "
             f"founders had been partners before in {_pct(tie['repeated_share'])} of the "
             "alliances; ")
    if not np.isfinite(tie["effect"]):
        return claim + f"the effect {NOT_ESTIMATED}: **{tie['answer']}**."
    return (claim + f"their chance of dissolving early was {_points(tie['effect'])} "
            f"{_more_less(tie['effect'])} ({_interval(tie['ci_low'], tie['ci_high'])}): "
            f"**{tie['answer']}**.")


# --- the figures -------------------------------------------------------------------------------
def write_figures(a: ProfessionAnalysis, folder: Path) -> list[Path]:
    """The three figures: the share with a function over time with its band, early
    dissolution by practice and experience with the estimates, and the pattern checks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for key, draw in (("share", _share_figure), ("practice", _practice_figure),
                      ("patterns", _patterns_figure)):
        fig = draw(a, plt)
        path = folder / FIGURES[key]
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


def _band(ax: Any, frame: pd.DataFrame, label: str, color: Any = None) -> None:
    line = ax.plot(frame["year"], frame["mean"], label=label, color=color)[0]
    if frame["ci_low"].notna().any():
        ax.fill_between(frame["year"], frame["ci_low"], frame["ci_high"], alpha=0.2,
                        color=line.get_color(), linewidth=0)


def _first_point(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the table's first condition (a figure shows one)."""
    return table[table[POINT] == table[POINT].iloc[0]]


def _errors(rows: pd.DataFrame, column: str) -> np.ndarray:
    """How far ``ci_low`` lies below and ``ci_high`` above ``column``, as errorbar takes it."""
    value = rows[column].to_numpy(dtype=float)
    return np.vstack([value - rows["ci_low"].to_numpy(dtype=float),
                      rows["ci_high"].to_numpy(dtype=float) - value])


def _margin_and_zero(ax: Any, margin: float) -> None:
    """The equivalence margin as a band around an effect of zero."""
    ax.axvspan(-margin, margin, color="tab:green", alpha=0.15, label="margin")
    ax.axvline(0, color="black", linewidth=0.8)


def _share_figure(a: ProfessionAnalysis, plt: Any) -> Any:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    bands = a.trajectory
    several = bands[POINT].nunique() > 1
    for point in list(dict.fromkeys(bands[POINT]))[:MAX_CONDITIONS_IN_TEXT]:
        rows = bands[bands[POINT] == point]
        label = f"condition {point}" if several else "dedicated function"
        _band(left, rows[rows["column"] == "share_function"], label)
        _band(right, rows[rows["column"] == "professionals_per_1000_orgs"],
              f"condition {point}" if several else "professionals")
    if not several:
        rows = bands
        _band(left, rows[rows["column"] == "share_trained"], "trained staff")
        _band(left, rows[rows["column"] == "share_none"], "neither")
        wage = rows[rows["column"] == "wage"]
        if len(wage):
            twin = right.twinx()
            twin.plot(wage["year"], wage["mean"], color="tab:gray", linestyle="--")
            twin.set_ylabel("wage (FTE-years, dashed)")
    left.set(xlabel="year", ylabel="share of organizations", ylim=(0, 1),
             title="Practices (mean over replicates, interval band)")
    left.legend(fontsize=8)
    right.set(xlabel="year", ylabel="professionals per thousand organizations",
              title="The profession")
    if several:
        right.legend(fontsize=8)
    return fig


def _practice_figure(a: ProfessionAnalysis, plt: Any) -> Any:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    table = a.failure_by_experience
    if len(table):
        first = _first_point(table)
        bands = list(dict.fromkeys(first["experience_band"]))
        for k, (practice, rows) in enumerate(first.groupby("practice")):
            x = np.array([bands.index(b) for b in rows["experience_band"]]) + 0.2 * (k - 1)
            left.errorbar(x, rows["failed_share"].to_numpy(),
                          yerr=_errors(rows, "failed_share"), fmt="o", capsize=3,
                          label=practice)
        left.set_xticks(range(len(bands)), bands)
        left.legend(fontsize=8)
    left.set(xlabel="lead's prior alliances", ylabel="share dissolved early", ylim=(0, 1),
             title="Early dissolution by the lead's practice (Wilson intervals)")
    rows = a.practice[a.practice["outcome"] == HEADLINE] if len(a.practice) else a.practice
    if len(rows):
        rows = _first_point(rows)
        rows = rows[np.isfinite(rows["effect"].to_numpy(dtype=float))]
        y = np.arange(len(rows))
        right.errorbar(rows["effect"], y, xerr=np.nan_to_num(_errors(rows, "effect")),
                       fmt="o", capsize=3)
        right.set_yticks(y, rows["estimate"])
        _margin_and_zero(right, a.settings.iloc[0]["margin"])
        right.legend(fontsize=8)
    right.set(xlabel="function minus trained: chance of dissolving early",
              title="The estimates with their intervals")
    return fig


def _patterns_figure(a: ProfessionAnalysis, plt: Any) -> Any:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    table = a.success_by_experience
    if len(table):
        first = _first_point(table)
        left.errorbar(first["prior_alliances"], first["success_share"].to_numpy(),
                      yerr=_errors(first, "success_share"), fmt="o", capsize=3)
    answer = _answer_of(a.patterns, "overall")
    left.set(xlabel="lead's prior alliances (15 = 15 or more)",
             ylabel="share not dissolved early", ylim=(0, 1),
             title=f"Diminishing returns to experience: {answer}")
    tie = a.patterns[a.patterns["term"] == "repeated tie"] if len(a.patterns) else a.patterns
    if len(tie):
        t = tie.iloc[:1]
        right.errorbar(t["effect"], [0], xerr=_errors(t, "effect"), fmt="o", capsize=3)
        _margin_and_zero(right, a.settings.iloc[0]["margin"])
        right.set_yticks([0], ["repeated tie"])
        right.legend(fontsize=8)
    right.set(xlabel="effect on the chance of dissolving early",
              title=f"Repeated ties fail less: {_answer_of(a.patterns, 'repeated tie')}")
    return fig


def _answer_of(patterns: pd.DataFrame, term: str) -> str:
    if patterns.empty:
        return "cannot tell"
    rows = patterns[patterns["term"] == term]
    return str(rows.iloc[0]["answer"]) if len(rows) else "cannot tell"


__all__ = ["FIGURES", "FOLLOWUP_MONTHS", "REPORT", "markdown_table", "report_text",
           "write_analysis", "write_profession_report"]
