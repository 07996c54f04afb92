"""The profession question at the population's level, as README's block: taken from an
ecosystem sweep's profession report (``experiments/profession.toml``, then ``alliancesim
analyze``) into ``docs/results`` and written as sentences from those files only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

RESULTS = Path("docs") / "results"
FIGURE = Path("docs") / "img" / "profession_share.png"
INFO = "profession.json"
# What is kept from the report: (subfolder, file) -> committed name.
TAKEN = {("across_conditions", "emergence.csv"): "profession_emergence.csv",
         ("across_conditions", "practice.csv"): "profession_practice.csv",
         ("across_conditions", "patterns.csv"): "profession_patterns.csv",
         ("across_conditions", "settings.csv"): "profession_settings.csv",
         ("by_condition", "emergence.csv"): "profession_emergence_by_condition.csv",
         ("by_condition", "factors.csv"): "profession_factors.csv"}
HEADLINE = "dissolved_early"


def take_profession(folder: Path, root: Path) -> None:
    """Copy the profession report of the ecosystem sweep in ``folder`` (written by
    ``alliancesim analyze``; made here when missing) into the committed results."""
    from alliancesim.sweeps.analysis import load_manifest
    from alliancesim.sweeps.ecosystem import profession_report

    report = folder / "analysis" / "profession"
    if not (report / "across_conditions" / "report.md").is_file():
        profession_report(folder, report)
    for (part, name), target in TAKEN.items():
        table = _csv(report / part / name)
        if "estimate" in table:  # the per-run rows are in the report, not needed here
            table = table[~table["estimate"].astype(str).str.startswith("run ")]
        table.to_csv(root / RESULTS / target, index=False)
    shutil.copyfile(report / "across_conditions" / "share_function.png", root / FIGURE)
    manifest = load_manifest(folder)
    experiment = manifest["experiment"]
    info = {"experiment": "experiments/profession.toml", "seed": manifest["root_seed"],
            "replicates": manifest["replicates"], "runs": manifest["runs_total"],
            "factors": list(experiment.get("vary", {}))}
    (root / RESULTS / INFO).write_text(json.dumps(info, indent=1) + "\n")


def _csv(path: Path) -> pd.DataFrame:
    """A table, empty when the analysis had nothing to put in it (a file with no columns)."""
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _read(root: Path, name: str) -> pd.DataFrame:
    return _csv(root / RESULTS / name)


def _pts(value: float) -> str:
    return f"{100 * value:+.1f}"


def _interval(row: pd.Series) -> str:
    return f"{_pts(row['ci_low'])} to {_pts(row['ci_high'])} points, 95%"


def profession_answer(root: Path) -> str:
    """README's answer at the population's level, from the committed sweep results."""
    info = json.loads((root / RESULTS / INFO).read_text())
    settings = _read(root, "profession_settings.csv").iloc[0]
    by_condition = _read(root, "profession_emergence_by_condition.csv")
    parts = [
        f"![Left: shares of organizations with a dedicated alliance function, with trained "
        f"staff and with neither, year by year; right: professionals per thousand "
        f"organizations and their wage; means of the {info['runs']} runs with 95% "
        f"bands]({FIGURE.as_posix()})",
        "",
        f"`{info['experiment']}` runs {info['runs']} whole ecosystems "
        f"({len(by_condition)} conditions of a Latin hypercube over "
        f"{len(info['factors'])} factors, {info['replicates']} replicates each; "
        f"{int(settings['organizations']):,} organizations over {int(settings['years'])} "
        "years, each alliance the same `AllianceModel`). Intervals are 95%; across "
        "conditions they count the differences between conditions as noise.",
        "",
        _emergence_sentence(root, by_condition),
        "",
        _practice_sentence(root, settings),
        "",
        _pattern_sentence(root),
    ]
    return "\n".join(parts)


def _emergence_sentence(root: Path, by_condition: pd.DataFrame) -> str:
    row = _read(root, "profession_emergence.csv").iloc[0]
    counts = by_condition["answer"].value_counts()
    listed = ", ".join(f"{answer} in {count}" for answer, count in counts.items())
    factors = _read(root, "profession_factors.csv")
    if factors.empty:
        factors = pd.DataFrame(columns=["factor", "answer"])
    clear = factors[(factors["factor"] != "replicate noise")
                    & ~factors["answer"].isin(["no clear effect", "noise"])]
    moved = ("; ".join(f"{r['factor']} {_pts(r['effect'])} points over its range "
                       f"({_interval(r)})" for _, r in clear.iterrows())
             if len(clear) else "none of the varied factors clearly")
    return (f"**Does a profession emerge?** Across the conditions, the share of organizations "
            f"with a dedicated alliance function went from {100 * row['share_start']:.1f}% "
            f"to {100 * row['share_end']:.1f}%, a change of {_pts(row['change'])} points "
            f"({_interval(row)}): *{row['answer']}*. Condition by condition, from its own "
            f"replicates: {listed} of the {len(by_condition)} conditions. What moves the "
            f"share at the end: {moved}.")


def _practice_sentence(root: Path, settings: pd.Series) -> str:
    practice = _read(root, "profession_practice.csv")
    if practice.empty:
        return "**Do organizations with a function do better?** The runs cannot tell."
    rows = practice[practice["outcome"] == HEADLINE].set_index("estimate")
    if "answer" not in rows.index or pd.isna(rows.loc["answer", "effect"]):
        return "**Do organizations with a function do better?** The runs cannot tell."
    answer = rows.loc["answer"]
    within = rows.loc["within organization"] if "within organization" in rows.index else None
    more = "more" if answer["effect"] > 0 else "less"
    text = (f"**Do organizations with a function do better than those that train "
            f"everyone?** Alliances led by an organization with a dedicated function "
            f"dissolved within {settings['followup_years']:g} years "
            f"{abs(100 * answer['effect']):.1f} points {more} often than alliances led by "
            f"one that trains its staff, at equal experience, size, sector and start year "
            f"({_interval(answer)}; {int(answer['n']):,} alliances): *{answer['answer']}*.")
    if within is not None and pd.notna(within["effect"]):
        leads = (f" ({int(within['switchers']):,} of them)"
                 if pd.notna(within["switchers"]) else "")
        text += (f" Within the organizations that led alliances under both practices"
                 f"{leads}: {_pts(within['effect'])} points "
                 f"({_interval(within)}), *{within['answer']}*.")
    return text + (" Organizations choose their practice after poor results and by "
                   "imitation, so part of the gap may be selection, not the practice's "
                   "effect.")


def _pattern_sentence(root: Path) -> str:
    patterns = _read(root, "profession_patterns.csv")
    if patterns.empty:
        return "**Patterns from the firm-level literature:** too few alliances to check."
    overall = {}
    for check, rows in patterns.groupby("check", sort=False):
        chosen = rows[rows["term"] == "overall"] if (rows["term"] == "overall").any() \
            else rows.iloc[[0]]
        overall[check] = chosen.iloc[0]["answer"]
    listed = "; ".join(f"{check}: *{answer}*" for check, answer in overall.items())
    return ("**Patterns from the firm-level literature**, checked as out-of-sample "
            "predictions (no default was set from them): " + listed + ".")
