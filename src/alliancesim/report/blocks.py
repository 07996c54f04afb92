"""Blocks of README.md and the pages under docs/ written from committed result files.

A block sits between ``<!-- name:start -->`` and ``<!-- name:end -->``; its content is
rendered from a file in ``docs/results`` and nowhere typed by hand. ``python -m
alliancesim.report.blocks`` rewrites every block of the documents (``DOCUMENTS``), and a test
fails when a document and its results disagree (the command-line reference is written from
the commands themselves). Renderers write links from the repository's
root (``docs/img/...``); each document gets them relative to its own folder, so a block reads
the same wherever it is placed.

    python -m alliancesim.report.blocks --flagship out/compare --validation out/validate \\
        --tour out/tour --country-sets out/country_sets --verdict out/verdict
        # take new runs into docs/results, then rewrite
    python -m alliancesim.report.blocks          # rewrite from docs/results
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from alliancesim.report.profession_block import profession_answer, take_profession

RESULTS = Path("docs") / "results"
# Every document holding blocks, relative to the repository's root.
DOCUMENTS = (Path("README.md"), Path("docs") / "ODD.md", Path("docs") / "results.md",
             Path("docs") / "model.md", Path("docs") / "commands.md",
             Path("docs") / "statistics.md", Path("docs") / "app.md",
             Path("docs") / "ecosystem.md")
BLOCK = re.compile(r"(<!-- (?P<name>[a-z-]+):start -->\n)(?P<body>.*?)(<!-- (?P=name):end -->)",
                   re.DOTALL)
SIGNIFICANT = 0.05


def _read_json(root: Path, name: str) -> dict:
    return json.loads((root / RESULTS / name).read_text())


# --- the flagship comparison ----------------------------------------------------------------
def flagship_summary(root: Path) -> pd.DataFrame:
    """The flagship comparison's summary table, as written by ``alliancesim compare``."""
    return pd.read_csv(root / RESULTS / "flagship_summary.csv")


def flagship_table(root: Path) -> str:
    """The flagship comparison as the Markdown table of its report."""
    from alliancesim.compare.report import format_summary, markdown_table

    return markdown_table(format_summary(flagship_summary(root)))


def _best(rows: pd.DataFrame, lowest: bool) -> pd.Series:
    return rows.loc[rows["estimate"].idxmin() if lowest else rows["estimate"].idxmax()]


def _versus(row: pd.Series, share: bool) -> str:
    estimate = row["estimate"]
    value = (f"{estimate:.0%}" if share else f"{estimate:.1f}" if abs(estimate) >= 10
             else f"{estimate:.2f}")
    if pd.isna(row["p_value"]):
        return f"{row['scenario']} {value} (the reference)"
    verdict = "a clear difference" if row["p_value"] < SIGNIFICANT else "not distinguishable"
    return f"{row['scenario']} {value} ({verdict}, p {_p(row['p_value'])})"


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def flagship_findings(root: Path) -> str:
    """What the flagship comparison shows, outcome by outcome, in sentences."""
    summary = flagship_summary(root)
    lines = []
    for outcome, lowest, share in (("failed", True, True), ("value_total", False, False),
                                   ("skill_mean_final", False, False)):
        rows = summary[summary["outcome"] == outcome]
        if rows.empty:
            continue
        label = rows["label"].iloc[0]
        best = _best(rows, lowest)
        others = "; ".join(_versus(r, share) for _, r in rows.iterrows())
        word = "lowest" if lowest else "highest"
        lines.append(f"- **{label}**: {word} under *{best['scenario']}*. {others}.")
    lines.append(f"- Replicates per mode: {int(summary['n'].iloc[0])}; tests against "
                 f"*{summary.loc[summary['p_value'].isna(), 'scenario'].iloc[0]}*, unadjusted.")
    return "\n".join(lines)


# --- what drives the differences ------------------------------------------------------------
# A reference mode failing this often leaves the other little room to fail more: such a
# gap closes by a ceiling, not by a mechanism.
SATURATED = 0.85
CLEAR_Z = 2.0  # a change in the gap this many standard errors from zero
# The mechanism whose switch makes management time free of charge.
FREE_MANAGEMENT = "management_cost"


def mode_drivers_table(root: Path, mode: str = "transversal", rows: int = 8) -> str:
    """The mechanisms that make most of the failure gap between ``mode`` and the reference.

    Mechanisms without which every mode fails (the gap closes only because nothing is left
    to compare) are listed apart, not ranked.
    """
    from alliancesim.params import MECHANISMS
    from alliancesim.validation.drivers import ALL_ON, drivers

    results = _read_json(root, "mode_drivers.json")
    reference = results["reference"]
    settings = {r["setting"]: r["modes"] for r in results["rows"]}
    failed = drivers(results, mode, "failed")
    value = drivers(results, mode, "value").set_index("mechanism")

    def share(setting: str, who: str) -> float:
        return settings[setting][who]["failed"]

    saturated = [m for m in failed["mechanism"] if share(m, reference) >= SATURATED]
    ranked = failed[~failed["mechanism"].isin(saturated)].head(rows)
    lines = [f"Failed, with every mechanism on: *{reference}* {share(ALL_ON, reference):.0%}, "
             f"*{mode}* {share(ALL_ON, mode):.0%} (gap {failed['gap_on'].iloc[0]:+.0%}; value "
             f"created: gap {value['gap_on'].iloc[0]:+.1f}). {results['replicates']} seeds per "
             "mode and setting, common to all. Each row switches one mechanism off:", "",
             f"| mechanism off | what it does | failed: {reference} | failed: {mode} | "
             "gap | made by it (z) | value gap |",
             "|---|---|---|---|---|---|---|"]
    for r in ranked.itertuples():
        lines.append(f"| `{r.mechanism}` | {MECHANISMS[r.mechanism]} | "
                     f"{share(r.mechanism, reference):.0%} | {share(r.mechanism, mode):.0%} | "
                     f"{r.gap_off:+.0%} | {r.made_by_it:+.0%} ({r.z:+.1f}) | "
                     f"{value.loc[r.mechanism, 'gap_off']:+.1f} |")
    if saturated:
        lines += ["", "Without " + ", ".join(f"`{m}`" for m in saturated) + f" even *{reference}* "
                  f"fails at least {SATURATED:.0%} of the time, so the gap closes against a "
                  "ceiling; they are not ranked."]
    clear = failed[~failed["mechanism"].isin(saturated) & (failed["z"].abs() >= CLEAR_Z)]
    making = [f"`{m}`" for m in clear.loc[clear["made_by_it"] > 0, "mechanism"]]
    against = [f"`{m}`" for m in clear.loc[clear["made_by_it"] < 0, "mechanism"]]
    lines += ["", f"Clearly (|z| ≥ {CLEAR_Z:g}) making the gap at these defaults: "
              f"{', '.join(making) or 'none'}; clearly working against it: "
              f"{', '.join(against) or 'none'}; every other mechanism is within the noise."]
    return "\n".join(lines)


def management_price_table(root: Path, baseline: str = "none") -> str:
    """Each managed mode against no management, at the default price of management time and
    with management free (the ``management_cost`` mechanism off), on the drivers' runs."""
    from alliancesim.params import MANAGEMENT_MODES, PARAMETERS_BY_NAME
    from alliancesim.validation.drivers import ALL_ON, drivers

    results = _read_json(root, "mode_drivers.json")
    settings = {r["setting"]: r["modes"] for r in results["rows"]}
    priced, free = settings[ALL_ON], settings[FREE_MANAGEMENT]
    price = PARAMETERS_BY_NAME["management_price"]
    lines = [f"*{baseline}* failed {priced[baseline]['failed']:.0%} "
             f"({free[baseline]['failed']:.0%} with management free), on the same "
             f"{results['replicates']} seeds: management time priced at the default "
             f"{price.default:g} {price.unit} of joint work, and free of charge "
             f"(`{FREE_MANAGEMENT}` off):", "",
             f"| mode | failed | gap to {baseline} | failed, free | gap, free | "
             "made by the price (z) |",
             "|---|---|---|---|---|---|"]
    worse, better_free, clear = [], [], []
    for mode in (m for m in MANAGEMENT_MODES if m != baseline):
        # The price's share of the gap is what the drivers measure for its mechanism.
        by_mechanism = drivers(results, mode, "failed", baseline).set_index("mechanism")
        r = by_mechanism.loc[FREE_MANAGEMENT]
        lines.append(f"| *{mode}* | {priced[mode]['failed']:.0%} | {r.gap_on:+.0%} | "
                     f"{free[mode]['failed']:.0%} | {r.gap_off:+.0%} | "
                     f"{r.made_by_it:+.0%} ({r.z:+.1f}) |")
        worse += [f"*{mode}*"] if r.gap_on > 0 else []
        better_free += [f"*{mode}*"] if r.gap_off < 0 else []
        clear += [f"*{mode}*"] if abs(r.z) >= CLEAR_Z else []
    lines += ["", f"Priced, {_listed(worse)} {_verb(worse)} more often than *{baseline}*; "
              f"free of charge, {_listed(better_free)} {_verb(better_free)} less often. The "
              f"price clearly (|z| ≥ {CLEAR_Z:g}) "
              f"changes the gap of {_listed(clear)}. {_pairing_words(results)}"]
    return "\n".join(lines)


def _pairing_words(results: dict[str, object]) -> str:
    """How the drivers' standard errors were taken: paired by seed, or (results written
    before the runs' values were kept) as if the runs were independent."""
    from alliancesim.validation.drivers import is_paired

    if is_paired(results):
        return ("The standard errors are paired: every mode and setting ran on the same seeds, "
                "and z is the change in the gap over the standard error of its seed-by-seed "
                "values.")
    return ("These results predate the paired standard errors (they keep no per-seed "
            "values), so z treats the runs as independent: conservative under common seeds.")


def _listed(names: list[str]) -> str:
    return ", ".join(names) if names else "no mode"


def _verb(names: list[str]) -> str:
    return "fail" if len(names) > 1 else "fails"


# --- ablation -------------------------------------------------------------------------------
def ablation_table(root: Path) -> str:
    """What switching off each mechanism changes (docs/ODD.md)."""
    from alliancesim.validation.ablation import markdown_table

    results = _read_json(root, "ablation.json")
    return (f"Measured with `python -m alliancesim.validation.ablation --scale "
            f"{results['scale']:g}` (seed {results['seed']}); two-sided Mann-Whitney tests, or "
            "a comparison of two Poisson rates for pooled counts.\n\n"
            + markdown_table(results["results"]))


# --- validation -----------------------------------------------------------------------------
def validation_table(root: Path) -> str:
    """The defaults against the calibration patterns, as ``alliancesim validate`` scored them."""
    from alliancesim.compare.report import markdown_table
    from alliancesim.validation.report import display_table

    meta = _read_json(root, "validation.json")
    table = pd.read_csv(root / RESULTS / "validation_patterns.csv")
    return (f"`alliancesim validate --replicates {meta['replicates']} --seed {meta['seed']}` "
            f"({meta['replicates']} runs per management mode, {meta['mix']}):"
            "\n\n" + markdown_table(display_table(table)))


def validation_predictions(root: Path) -> str:
    """The out-of-sample predictions at the defaults and across the plausible set."""
    from alliancesim.compare.report import markdown_table
    from alliancesim.validation.report import display_predictions

    table = pd.read_csv(root / RESULTS / "validation_predictions.csv")
    return markdown_table(display_predictions(table))


def verdict_robustness(root: Path) -> str:
    """How often each mode comes first across the plausible parameter sets."""
    from alliancesim.validation.verdict import markdown, sentence

    result = _read_json(root, "verdict_robustness.json")
    text = sentence(result)
    return (text[0].upper() + text[1:] + " (share of the plausible sets, with a 95% "
            "interval):\n\n" + markdown(result))


def flagship_verdict(root: Path) -> str:
    """The flagship's verdict with its robustness across the plausible sets, in one line."""
    from alliancesim.validation.verdict import sentence

    summary = flagship_summary(root)
    rows = summary[summary["outcome"] == "failed"]
    best = _best(rows, lowest=True)
    result = _read_json(root, "verdict_robustness.json")
    # The p-values are each mode's paired test against the reference (the first scenario,
    # which has none), not against the mode that fails least.
    reference = rows[rows["p_value"].isna()]["scenario"]
    against = f"*{reference.iloc[0]}*" if len(reference) else "the reference"
    others = rows[rows["p_value"].notna()]
    clear = others[others["p_value"] < SIGNIFICANT]["scenario"].tolist()
    unclear = others[others["p_value"] >= SIGNIFICANT]["scenario"].tolist()
    parts = []
    if clear:
        parts.append("clearly different: " + ", ".join(f"*{n}*" for n in clear))
    if unclear:
        parts.append("not clearly different at these replicates: "
                     + ", ".join(f"*{n}*" for n in unclear))
    apart = f"against {against}, " + "; ".join(parts) if parts else "no other mode was tested"
    return (f"**Verdict at the defaults:** *{best['scenario']}* fails least "
            f"({best['estimate']:.0%}); {apart}. **Robustness:** {sentence(result)} "
            "(see [the validation](docs/results.md#validation)).")


def calibration_patterns(root: Path) -> str:
    """The calibration patterns and out-of-sample predictions as the code defines them."""
    from alliancesim.validation.patterns import PATTERNS
    from alliancesim.validation.predictions import PREDICTIONS

    lines = ["| pattern | used for | target | band (± 3 sd) | where the sd comes from | source |",
             "|---|---|---|---|---|---|"]
    for p in PATTERNS:
        lines.append(f"| {p.description} | calibration | {p.target_text()} | {p.band()} | "
                     f"{p.uncertainty} | {p.source} |")
    for q in PREDICTIONS:
        target = q.format(q.target)
        lines.append(f"| {q.description} | out-of-sample prediction | {target} ± "
                     f"{q.format(q.sd)} | {q.band()} | {q.uncertainty} | {q.source} |")
    return "\n".join(lines)


def _calibration(root: Path) -> dict:
    return _read_json(root, "calibration.json")


DESIGN_NAMES = {"lhs": "Latin hypercube", "sobol": "Sobol", "random": "random", "grid": "grid"}


def calibration_summary(root: Path) -> str:
    """What the calibration ran, what it accepted, and how the mix's weights matter."""
    c = _calibration(root)
    design = c["design"]
    lines = [
        f"A {DESIGN_NAMES.get(design['kind'], design['kind'])} design of {c['points']} points over "
        f"{len(c['spread'])} parameters, each point run {c['replicates']} times under every "
        f"mode of the mix ({c['mix']}; common seeds, root seed {c['seed']}): {c['runs']:,} "
        f"runs in {c['sweep_wall_seconds'] / 60:.0f} minutes of wall time on 2 cores "
        f"({c['run_seconds_total'] / 60:.0f} minutes of single-core simulation), then "
        f"{c['analysis_wall_seconds'] / 60:.0f} minutes to score the points, confirm the "
        "representative and find what breaks each pattern. "
        f"**{c['accepted']} of {c['points']} points are not implausible** (every I < 3 and "
        "an inverted U); they are the plausible set, shipped as "
        "`src/alliancesim/data/plausible_sets.parquet`.", "",
        "The mix is an assumption; the same runs, weighted by other mixes:", "",
        "| mix | weights | points accepted | also in the plausible set |", "|---|---|---|---|"]
    lines.append(f"| equal (calibration) | {c['mix']} | {c['accepted']} | {c['accepted']} |")
    for m in c["sensitivity"]:
        lines.append(f"| {m['mix']} | {m['weights']} | {m['accepted']} | "
                     f"{m['also_in_plausible_set']} |")
    return "\n".join(lines)


def _num(v: float) -> str:
    return f"{v:.3g}"


def plausible_spread(root: Path) -> str:
    """Per calibrated parameter: its range, the plausible set's spread, whether the patterns
    constrain it, old and new default."""
    from alliancesim.params import PARAMETERS_BY_NAME
    from alliancesim.validation.calibration import CONSTRAINED_LEVEL

    c = _calibration(root)
    lines = ["| parameter | range searched | plausible set: 5% – median – 95% | share of the "
             "range (central 90%) | constrained | old default | new default |",
             "|---|---|---|---|---|---|---|"]
    for r in c["spread"]:
        name = r["parameter"]
        d = c["defaults"].get(name)
        old, new = (_num(d["old"]), _num(d["new"])) if d else (
            _num(PARAMETERS_BY_NAME[name].default), "kept (an open assumption)")
        constrained = "yes" if r.get("constrained") else "no"
        lines.append(f"| `{name}` | {_num(r['range_low'])} – {_num(r['range_high'])}"
                     f" | {_num(r['p05'])} – {_num(r['median'])} – {_num(r['p95'])} | "
                     f"{r['coverage_90']:.0%} | {constrained} | {old} | {new} |")
    chance = c["spread"][0].get("uniform_coverage", float("nan"))
    lines += ["", "A parameter counts as constrained when the central 90% of the plausible set "
              f"covers less of its searched range ({chance:.0%}) than all but "
              f"{CONSTRAINED_LEVEL:.0%} of samples of as many points drawn uniformly over it; "
              "only those are written as calibrated, the others as assumptions."]
    return "\n".join(lines)


def pattern_breaks(root: Path) -> str:
    """For each calibration pattern, a setting inside the ranges that puts it out of band."""
    from alliancesim.validation.report import format_value

    c = _calibration(root)
    table = pd.read_csv(root / RESULTS / "pattern_breaks.csv")
    lines = [f"Each setting changes one parameter of the defaults; {c['breaks']['replicates']} "
             "runs per mode of the mix (seed "
             f"{c['breaks']['seed']}):", "",
             "| pattern | band | setting | model (95% CI) | broken |", "|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.description} | {r.band} | `{r.parameter}` {_num(r.default)} → "
                     f"{_num(r.setting)} | {format_value(r.pattern, r.value, r.low, r.high)} | "
                     f"{'yes' if r.broken else 'NO'} |")
    return "\n".join(lines)


# --- the tour -------------------------------------------------------------------------------
TOUR_KINDS = ("phase", "governance", "conflict", "paradox", "reevaluation", "ended")


def tour_events(root: Path, lines: int = 9) -> str:
    """A few telling sentences of the tour's run: phases, the first events of each kind, the
    end."""
    events = pd.read_csv(root / RESULTS / "tour_events.csv")
    ends = events.tail(2)
    picked = events[events["kind"].isin(TOUR_KINDS)].drop(index=ends.index, errors="ignore")
    first = picked.groupby(["kind", "outcome"], sort=False).head(1).sort_index()
    chosen = pd.concat([first.head(lines - len(ends)), ends])
    return "```text\n" + "\n".join(chosen["sentence"]) + "\n```"


def tour_story(root: Path) -> str:
    """One sentence on how the tour's alliance went, from its monthly table."""
    steps = pd.read_csv(root / RESULTS / "tour_steps.csv")
    founded = steps.loc[steps["phase"] != "forming", "month"]
    end = steps.iloc[-1]
    start = f"{int(steps.loc[founded.index[0], 'members'])} organizations founded the " \
            f"alliance by month {int(founded.iloc[0])}" if len(founded) else \
            "The founders never found enough partners"
    ending = {"completed": "reached its ambition and ended as planned",
              "dissolved": "dissolved"}.get(str(end["phase"]), "was still running")
    seed = _read_json(root, "tour.json")["seed"]
    return (f"One alliance on the defaults, seed {seed}: `alliancesim run --seed {seed}` prints "
            "how it ended and writes its month-by-month table, its event log and this figure."
            "\n\n![Trust, commitment, members and value of one alliance over its life, phases "
            "shaded](docs/img/run_defaults.png)\n\n"
            f"{start}; {int(steps['conflicts_new'].sum())} conflicts and "
            f"{int(steps['paradoxes_new'].sum())} paradoxes later, at month "
            f"{int(end['month'])}, it {ending}, having created {end['value_total']:.0f} of "
            "value. The event log tells its story in sentences:")


# --- management modes across the partners' countries ----------------------------------------
COUNTRY_SETS_FILE = "country_sets.csv"
COUNTRY_SET_OUTCOMES = ("failed", "value_total", "cultural_distance_mean", "conflicts_total",
                        "openness_mean_final")
# The modes in the order the flagship comparison shows them.
MODE_ORDER = ("dedicated", "transversal", "hybrid", "none")


def country_sets_summary(runs: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Mean outcomes with 95% bootstrap intervals per country set and management mode."""
    import numpy as np

    from alliancesim.compare.statistics import bootstrap_mean_ci

    rng = np.random.default_rng(seed)
    rows = []
    for (country_set, mode), group in runs.groupby(["country_set", "management_mode"],
                                                   sort=False):
        row: dict[str, object] = {"country_set": country_set, "management_mode": mode,
                                  "n": len(group), "seed": seed}
        for outcome in COUNTRY_SET_OUTCOMES:
            values = group[outcome].astype(float).to_numpy()
            low, high = bootstrap_mean_ci(values, rng)
            row |= {outcome: values.mean(), f"{outcome}_low": low, f"{outcome}_high": high}
        rows.append(row)
    return pd.DataFrame(rows)


def _share(row: pd.Series, outcome: str) -> str:
    return (f"{row[outcome]:.0%} [{row[f'{outcome}_low']:.0%}, "
            f"{row[f'{outcome}_high']:.0%}]")


def _ordered(summary: pd.DataFrame) -> tuple[list[str], list[str]]:
    from alliancesim.params import COUNTRY_SETS

    sets = [c for c in COUNTRY_SETS if c in set(summary["country_set"])]
    modes = [m for m in MODE_ORDER if m in set(summary["management_mode"])]
    return sets, modes


def country_sets_table(root: Path) -> str:
    """Failure by management mode for each country set, with the members' mean distance."""
    summary = pd.read_csv(root / RESULTS / COUNTRY_SETS_FILE)
    sets, modes = _ordered(summary)
    cell = summary.set_index(["country_set", "management_mode"])
    lines = ["| partners' countries | mean distance (KS) | "
             + " | ".join(f"failed: {m}" for m in modes) + " |",
             "|---|---|" + "---|" * len(modes)]
    for country_set in sets:
        rows = summary[summary["country_set"] == country_set]
        distance = rows["cultural_distance_mean"].mean()
        shares = " | ".join(_share(cell.loc[(country_set, m)], "failed") for m in modes)
        lines.append(f"| `{country_set}` | {distance:.2f} | {shares} |")
    n, seed = int(summary["n"].iloc[0]), int(summary["seed"].iloc[0])
    lines.append("")
    lines.append(f"{n} runs per cell, root seed {seed}; shares failed with 95% bootstrap "
                 "intervals; distance: the members' mean Kogut-Singh distance over each run, "
                 "averaged over the runs of the set.")
    lines.extend(["", *_country_set_findings(summary, sets, modes)])
    return "\n".join(lines)


def _country_set_findings(summary: pd.DataFrame, sets: list[str],
                          modes: list[str]) -> list[str]:
    """One line per country set: the mode that fails least, value created and conflicts by
    mode, and the members' openness at the end."""
    lines = []
    for country_set in sets:
        rows = summary[summary["country_set"] == country_set].set_index("management_mode")
        best = rows.loc[modes, "failed"].idxmin()
        values = ", ".join(f"{m} {rows.loc[m, 'value_total']:.1f}" for m in modes)
        conflicts = ", ".join(f"{m} {rows.loc[m, 'conflicts_total']:.1f}" for m in modes)
        lines.append(f"- `{country_set}`: fewest failures under *{best}* "
                     f"({rows.loc[best, 'failed']:.0%}). Value created: {values}. Conflicts "
                     f"per run: {conflicts}. Members' final openness "
                     f"{rows.loc[modes, 'openness_mean_final'].mean():.2f} on average.")
    return lines


# --- speed ----------------------------------------------------------------------------------
def model_speed(root: Path) -> str:
    """The model benchmark's figures."""
    b = _read_json(root, "bench_model.json")
    return (f"**Speed** (`python benchmarks/bench_model.py --write`, {b['machine']}): a default "
            f"run that keeps only its outcome (no event log) takes a median "
            f"{b['outcome_ms']:.1f} ms, "
            f"{b['outcome_ratio']:.2f} times a bare Mesa model of 8 agents stepped 120 months "
            f"({b['skeleton_ms']:.2f} ms, in CPU time of one process, timed alongside; "
            f"{_ratio_against(b, 'outcome')}), "
            f"and {b['table_ms']:.1f} ms with its monthly table ({b['table_ratio']:.2f} times; "
            f"{_ratio_against(b, 'table')}); "
            f"{b['runs_per_second']:.0f} runs per second per core."
            + "".join(f" A {n:,}-member alliance runs 120 months in {b[f'members_{n}_s']:.2f} s."
                      for n in (100, 1000) if f"members_{n}_s" in b)
            + (f" The first run in a process takes {b['first_run_s']:.2f} s: it loads the "
               "compiled monthly updates." if "first_run_s" in b else "")
            + (f" Peak memory of the benchmark's process: {b['peak_mb']:.0f} MB."
               if "peak_mb" in b else ""))


def _ratio_against(b: dict, kind: str) -> str:
    """The ratio's 95% interval over seeds, its target and what the benchmark said of the
    target from the interval (met, missed or cannot tell)."""
    return (f"95% interval over {b['runs']:,} seeds {b[f'{kind}_ratio_low']:.2f}-"
            f"{b[f'{kind}_ratio_high']:.2f}; target {b[f'{kind}_target']:g}: "
            f"{b[f'{kind}_verdict']}")


def sweep_speed(root: Path) -> str:
    """The sweep benchmark's table: this runner against ``mesa.batch_run``."""
    b = _read_json(root, "bench_sweep.json")
    rows, workers = b["rows"], b["workers"]

    def find(tool: str, runs: int, on: int = workers) -> dict | None:
        return next((r for r in rows if (r["tool"], r["runs"], r["workers"])
                     == (tool, runs, on)), None)

    sizes = sorted({r["runs"] for r in rows if r["workers"] == workers})
    lines = [f"`python benchmarks/bench_sweep.py --write` on {b['cores']} cores, {workers} "
             f"workers, load average {b['load_before']:.1f} before and {b['load_after']:.1f} "
             "after:", "",
             "| runs | runner | `mesa.batch_run` | runner peak RSS (PSS) | batch_run peak RSS "
             "(PSS) |", "|---:|---:|---:|---:|---:|"]
    notes = []
    for runs in sizes:
        ours, theirs = find("runner", runs), find("batch_run", runs)
        lines.append(f"| {runs:,} | {_wall(ours)} | {_wall(theirs)} | {_memory(ours)} | "
                     f"{_memory(theirs)} |")
        if ours and theirs:
            notes.append(f"at {runs:,} runs the runner is "
                         f"{theirs['wall_s'] / ours['wall_s']:.2f}x as fast as batch_run")
    for one in (r for r in rows if r["tool"] == "runner" and r["workers"] == 1):
        if (two := find("runner", one["runs"])) is not None:
            notes.append(f"{workers} workers run {one['runs']:,} runs "
                         f"{one['wall_s'] / two['wall_s']:.2f}x as fast as one")
    ours_all = [r for r in (find("runner", runs) for runs in sizes) if r is not None]
    if len(ours_all) > 1:
        notes.append(f"the runner's peak memory goes from {ours_all[0]['peak_mb']:.0f} MB at "
                     f"{ours_all[0]['runs']:,} runs to {ours_all[-1]['peak_mb']:.0f} MB at "
                     f"{ours_all[-1]['runs']:,}")
    return "\n".join(lines) + ("\n\n" + "; ".join(notes) + "." if notes else "")


def app_speed(root: Path) -> str:
    """The teaching app's responsiveness, as the app benchmark measured it."""
    b = _read_json(root, "bench_app.json")
    laptop, projector = b["laptop"], b["projector"]
    text = (f"Responsiveness, `python benchmarks/bench_app.py --play --write` (headless "
            f"Chromium on {b['cores']} cores, load average {b['load_before']:.1f} before and "
            f"{b['load_after']:.1f} after; a {b['members']}-member alliance; "
            f"{laptop['clicks']} Step clicks, each timed from the click until the status "
            "line, network and charts show the new month and the browser has painted): median "
            f"{laptop['median_ms']:.0f} ms, 90th percentile {laptop['p90_ms']:.0f} ms on the "
            f"laptop layout, median {projector['median_ms']:.0f} ms, 90th percentile "
            f"{projector['p90_ms']:.0f} ms in projector mode at 1280x720 (target: a median "
            f"under 200 ms); the server's share is a median {b['server']['median_ms']:.0f} ms.")
    if "play" in b:
        shown = ", ".join(f"{p['shown']:.2f}" for p in b["play"].values())
        labelled = ", ".join(f"{p['labelled']:g}" for p in b["play"].values())
        text += (f" Played at each speed, the page showed {shown} months per second for the "
                 f"speeds labelled {labelled} (the benchmark fails if a label is off by more "
                 "than 15%).")
    return text


def _wall(row: dict | None) -> str:
    return "not run" if row is None else f"{row['wall_s']:.1f} s"


def _memory(row: dict | None) -> str:
    return "not run" if row is None else f"{row['peak_mb']:.0f} MB ({row['peak_pss_mb']:.0f})"


# --- the verdict -----------------------------------------------------------------------------
VERDICT_MAP = Path("docs") / "img" / "verdict_map.png"
VERDICT_AVERAGED = Path("docs") / "img" / "verdict_map_averaged.png"


def verdict_answer(root: Path) -> str:
    """The verdict's answer, led by its map (at the defaults, else averaged)."""
    summary = _read_json(root, "verdict.json")
    image = VERDICT_MAP if summary.get("map") else VERDICT_AVERAGED
    where = ("every other factor at its default" if summary.get("map")
             else "every other factor averaged over the design")
    return (f"![Which management mode {_goal(summary)} over the two factors that move the "
            f"verdict most, {where}]({image.as_posix()})\n\n{summary['answer']}")


def _goal(summary: dict) -> str:
    from alliancesim.verdict.figures import GOAL

    return GOAL.get(summary["decide_by"], "does best")


def verdict_tables(root: Path) -> str:
    """Who wins how often, what moves it, and where each mode wins (PRIM boxes)."""
    from alliancesim.verdict.summary import box_table, ranking_table, share_table

    summary = _read_json(root, "verdict.json")
    design = summary["design"]
    return "\n".join([
        f"`alliancesim verdict` on `{summary['experiment']}` ({design['kind']} design, "
        f"{design['points']:,} points x {design['replicates']} replicates x "
        f"{len(summary['modes'])} modes, seed {design['seed']}). Share of the design points "
        "where each mode is clearly best:", "", share_table(summary), "",
        "What moves the difference in the deciding outcome (indices of the paired difference "
        "per point, strongest first):", "", ranking_table(summary, rows=6), "",
        "Where each mode wins, and where it beats another (PRIM boxes; coverage: share of the "
        "points where it holds that lie in the box; density: share of the box where it "
        "holds):", "", box_table(summary), "",
        f"![The same verdict averaged over every other factor]({VERDICT_AVERAGED.as_posix()})",
    ])


# --- the tie point and the number of partners ------------------------------------------------
def _tie_words(result: dict) -> str:
    from alliancesim.validation.tiepoint import describe

    return describe(result)


def _gap_row(gap: dict) -> str:
    half = 1.96 * gap["gap_se"]
    return (f"| {gap['premium']:+.2f} | {gap['dedicated']:.0%} | {gap['transversal']:.0%} | "
            f"{gap['gap']:+.0%} [{gap['gap'] - half:+.0%}, {gap['gap'] + half:+.0%}] |")


def tie_point_answer(root: Path) -> str:
    """The answer led by the tie point: the premium at which a professional pays off."""
    import math

    t = _read_json(root, "tie_point.json")
    d, p = t["defaults"], t["plausible"]
    zero = min(d["gaps"], key=lambda g: abs(g["premium"]))
    from alliancesim.params import PARAMETERS_BY_NAME

    members = float(PARAMETERS_BY_NAME["member_skill_mean"].default)
    if math.isfinite(d["tie"]):
        lead = (f"**A professional pays off when its starting skill exceeds the members' by "
                f"more than about {d['tie']:+.2f}** on the 0-1 skill scale: at the defaults "
                f"the tie point is {_tie_words(d)}. Below that premium, alliances with a "
                "dedicated manager fail more often than alliances whose members share the "
                "management work; above it, less often. Members start at a skill of "
                f"{members:.2f} at the defaults, so the tie asks for a professional at about "
                f"{min(1.0, members + d['tie']):.2f} (skill is at most 1).")
    else:
        lead = f"**At the defaults there is {_tie_words(d)}.**"
    inside = p["sets_inside"]
    lines = [lead, "",
             f"At the premium of the grid nearest none ({zero['premium']:+.2f}: a professional "
             f"about as skilled as the members at the start), a "
             f"dedicated manager's alliances fail {zero['dedicated']:.0%} of the time and "
             f"transversal skill's {zero['transversal']:.0%}: a paired gap of "
             f"{zero['gap']:+.0%} ± {1.96 * zero['gap_se']:.0%} (95%), on {d['runs_per_arm']} "
             "common seeds per premium. Across the calibration's "
             f"{p['sets']} plausible parameter sets ({p['runs_per_set']} seeds each, pooled): "
             f"{_tie_words(p)}; {inside} of the sets have their own tie inside the range"
             + (f" (median {p['set_tie_median']:+.2f})" if inside else "")
             + f", {p['sets_above_range']} need more than the range's largest premium and "
             f"{p['sets_below_range']} would favour a manager even at the smallest.", "",
             "| premium | dedicated fails | transversal fails | gap [95% CI] |",
             "|---|---|---|---|"]
    lines += [_gap_row(g) for g in d["gaps"]]
    return "\n".join(lines)


def tie_point_mechanisms(root: Path, rows: int = 8) -> str:
    """How switching each mechanism off moves the tie point and the gap at no premium."""
    import math

    from alliancesim.params import MECHANISMS

    t = _read_json(root, "tie_point.json")
    zero = min(t["defaults"]["gaps"], key=lambda g: abs(g["premium"]))
    ranked = []
    for r in t["mechanisms"]:
        g = r["gap_at_zero"]
        change = zero["gap"] - g["gap"]
        z = change / math.hypot(zero["gap_se"], g["se"]) if g["se"] else math.nan
        ranked.append((abs(z) if math.isfinite(z) else 0.0, change, z, r))
    ranked.sort(key=lambda item: -item[0])
    lines = [f"With every mechanism on, the gap at a premium of {zero['premium']:+.2f} (the "
             f"grid's nearest to none) is {zero['gap']:+.0%} and the "
             f"tie point {_tie_words(t['defaults'])}. Each row switches one mechanism off "
             f"({t['mechanism_replicates']} common seeds per premium), strongest change of "
             "the gap first:", "",
             f"| mechanism off | what it does | tie point | gap at {zero['premium']:+.2f} | "
             "made by it (z) |",
             "|---|---|---|---|---|"]
    for _, change, z, r in ranked[:rows]:
        tie = (f"{r['tie']:+.2f}" if math.isfinite(r["tie"])
               else "below the range" if r["tie"] < 0 else "beyond the range")
        lines.append(f"| `{r['mechanism']}` | {MECHANISMS[r['mechanism']]} | {tie} | "
                     f"{r['gap_at_zero']['gap']:+.0%} | {change:+.0%} ({z:+.1f}) |")
    clear = [f"`{r['mechanism']}`" for score, _, _, r in ranked if score >= CLEAR_Z]
    lines += ["", f"Clearly (|z| ≥ {CLEAR_Z:g}) moving the gap: {', '.join(clear) or 'none'}; "
              "a positive change means the mechanism works for transversal skill (switching "
              "it off makes a dedicated manager look better)."]
    return "\n".join(lines)


def size_table(root: Path) -> str:
    """Failure by number of partners and management mode, with the paired gap."""
    from alliancesim.params import MANAGEMENT_MODES

    s = _read_json(root, "size.json")
    lines = [f"{s['replicates']} common seeds per size and mode (root seed {s['seed']}); "
             "shares failed with Wilson 95% intervals; gap: dedicated minus transversal, "
             "paired by seed.", "",
             "| partners sought | " + " | ".join(MANAGEMENT_MODES) + " | gap [95% CI] |",
             "|---" * (len(MANAGEMENT_MODES) + 2) + "|"]
    for r in s["rows"]:
        cells = " | ".join(f"{r['modes'][m]['share']:.0%} [{r['modes'][m]['low']:.0%}, "
                           f"{r['modes'][m]['high']:.0%}]" for m in MANAGEMENT_MODES)
        half = 1.96 * r["gap_se"]
        lines.append(f"| {r['n_members']} | {cells} | {r['gap']:+.0%} "
                     f"[{r['gap'] - half:+.0%}, {r['gap'] + half:+.0%}] |")
    return "\n".join(lines)


def verdict_speed(root: Path) -> str:
    """How long the shipped verdict took, from ``benchmarks/bench_verdict.py --write``."""
    b = _read_json(root, "bench_verdict.json")
    idle = b["cpu_s"] / b["workers"]
    return (f"`python benchmarks/bench_verdict.py` ({b['workers']} workers on {b['cores']} "
            f"cores, load average {b['load_before']:.1f} from other work): {b['runs']:,} runs "
            f"in {b['wall_s'] / 60:.0f} minutes of wall time and {b['cpu_s'] / 60:.0f} minutes "
            f"of CPU time, so about {idle / 60:.0f} minutes on {b['workers']} idle cores "
            f"(target: 20); {b['runs'] / b['cpu_s']:.0f} runs per CPU-second, that is per "
            "core when it has one to itself.")


# --- the command line -------------------------------------------------------------------------
def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _default(param) -> str:
    """An option's default as the help shows it, or nothing when it has none to show."""
    import enum

    if getattr(param, "is_flag", False) and not getattr(param, "secondary_opts", None):
        return ""
    default = param.default
    if default is None or not getattr(param, "show_default", False):
        return ""
    if isinstance(default, enum.Enum):
        default = default.value
    if isinstance(default, bool):
        return f"`{param.opts[0] if default else param.secondary_opts[0]}`"
    return f"`{default}`"


def cli_options(root: Path) -> str:
    """Every command of ``alliancesim`` with its arguments and options, from the command
    itself (``root`` is unused: the command line is its own source)."""
    import click
    import typer

    from alliancesim.cli.main import app

    group = typer.main.get_command(app)
    context = click.Context(group)
    lines = ["Every command with its arguments and options, as `alliancesim COMMAND --help` "
             "gives them. Besides the commands, `alliancesim --version` prints the installed "
             "version and `alliancesim --help` lists the commands."]
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        summary = _cell((command.help or "").split("\n\n")[0])
        lines += ["", f"### alliancesim {name}", "", summary, "",
                  "| argument or option | default | meaning |", "|---|---|---|"]
        for param in command.params:
            if param.param_type_name == "argument":
                shown = param.name.upper() + ("" if param.required else " (optional)")
                if param.nargs == -1:
                    shown = f"{param.name.upper()}... "
                lines.append(f"| `{shown.strip()}` | | {_cell(getattr(param, 'help', '') or '')} |")
                continue
            names = " / ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
            lines.append(f"| {_cell(names)} | {_default(param)} | {_cell(param.help or '')} |")
    return "\n".join(lines)


def ecosystem_parameters(root: Path) -> str:
    """The ecosystem's parameter table, from their definitions (``root`` is unused)."""
    from alliancesim.ecosystem.parameters import markdown_table

    return markdown_table()


def ecosystem_speed(root: Path) -> str:
    """The ecosystem benchmark's figures, one row per size and horizon."""
    runs = _read_json(root, "bench_ecosystem.json")["runs"]
    lines = ["| organizations | years | CPU time | wall clock | peak memory | alliances | "
             "alliance-months | machine |", "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {r['organizations']:,} | {r['years']} | {r['cpu_seconds']:.1f} s | "
                     f"{r['seconds']:.1f} s | {r['peak_mb']:,.0f} MB | {r['alliances']:,} | "
                     f"{r['alliance_months']:,} | {r['machine']} |")
    per_month = [1000.0 * r["cpu_seconds"] / r["alliance_months"] for r in runs
                 if r["alliance_months"]]
    text = "\n".join(lines)
    if per_month:
        text += (f"\n\nFrom {min(per_month):.2f} to {max(per_month):.2f} ms of CPU per "
                 "alliance-month.")
    text += _ecosystem_linearity(runs)
    target = [r for r in runs if (r["organizations"], r["years"]) == (10000, 30)]
    if target:
        met = target[0]["cpu_seconds"] <= 600 and target[0]["peak_mb"] <= 2048
        text += (" The target (10,000 organizations over 30 years within 10 minutes on one "
                 f"core and 2 GB) is {'met' if met else 'not met'} on CPU time and memory.")
    return text


def _ecosystem_linearity(runs: list[dict[str, float]]) -> str:
    """CPU time per 1,000 organization-years of the runs over the same years (equal figures
    mean a cost linear in organizations)."""
    text = ""
    for years in sorted({r["years"] for r in runs}):
        same = sorted((r for r in runs if r["years"] == years),
                      key=lambda r: r["organizations"])
        if len(same) < 2:
            continue
        cost = ", ".join(f"{1e3 * r['cpu_seconds'] / (r['organizations'] * years):.2f} s "
                         f"({r['organizations']:,})" for r in same)
        text += (f" Over {years} years, CPU time per 1,000 organization-years: {cost}.")
    return text


RENDERERS: dict[str, Callable[[Path], str]] = {
    "validation-table": validation_table,
    "validation-predictions": validation_predictions,
    "verdict-robustness": verdict_robustness,
    "flagship-verdict": flagship_verdict,
    "calibration-summary": calibration_summary,
    "calibration-patterns": calibration_patterns,
    "plausible-spread": plausible_spread,
    "pattern-breaks": pattern_breaks,
    "tour-events": tour_events,
    "tour-story": tour_story,
    "model-speed": model_speed,
    "sweep-speed": sweep_speed,
    "app-speed": app_speed,
    "flagship-table": flagship_table,
    "flagship-findings": flagship_findings,
    "mode-drivers": mode_drivers_table,
    "management-price": management_price_table,
    "ablation-table": ablation_table,
    "country-sets": country_sets_table,
    "verdict-answer": verdict_answer,
    "verdict-tables": verdict_tables,
    "verdict-speed": verdict_speed,
    "tie-point": tie_point_answer,
    "tie-point-mechanisms": tie_point_mechanisms,
    "size": size_table,
    "cli-options": cli_options,
    "ecosystem-parameters": ecosystem_parameters,
    "ecosystem-speed": ecosystem_speed,
    "profession-answer": profession_answer,
}


# A Markdown link or image whose target is a path from the repository's root under docs/.
ROOT_LINK = re.compile(r"\]\((docs/[^)\s]+)\)")


def relative_links(text: str, document: Path) -> str:
    """``text`` with links from the repository's root made relative to ``document``'s folder."""
    def replace(match: re.Match[str]) -> str:
        target = os.path.relpath(match.group(1), document.parent.as_posix() or ".")
        return f"]({Path(target).as_posix()})"
    return ROOT_LINK.sub(replace, text)


def render(text: str, root: Path, document: Path = Path("README.md")) -> str:
    """``text`` with every block replaced by its rendering from the results under ``root``,
    its links relative to ``document`` (a path from the repository's root)."""
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in RENDERERS:
            return match.group(0)
        body = relative_links(RENDERERS[name](root), document)
        return f"{match.group(1)}{body}\n{match.group(4)}"
    return BLOCK.sub(replace, text)


def _document(path: Path, root: Path) -> Path:
    """``path`` from the repository's root (a file elsewhere counts as one at the root)."""
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return Path(path.name)


def stale_blocks(path: Path, root: Path) -> list[str]:
    """Names of the blocks in ``path`` whose text differs from their results."""
    text = path.read_text()
    rendered = render(text, root, _document(path, root))
    fresh = {m.group("name"): m.group(0) for m in BLOCK.finditer(rendered)}
    return [m.group("name") for m in BLOCK.finditer(text)
            if m.group("name") in RENDERERS and fresh[m.group("name")] != m.group(0)]


def take_flagship(folder: Path, root: Path) -> None:
    """Copy a flagship comparison's summary and survival figure into the committed results."""
    shutil.copyfile(folder / "summary.csv", root / RESULTS / "flagship_summary.csv")
    shutil.copyfile(folder / "survival.png", root / "docs" / "img" / "flagship_survival.png")


def take_validation(folder: Path, root: Path, seed: int) -> None:
    """Copy a validation report's tables, verdict and hazard figure into the results."""
    from alliancesim.validation.mixture import CALIBRATION_MIX, MODE_COLUMN

    shutil.copyfile(folder / "patterns.csv", root / RESULTS / "validation_patterns.csv")
    shutil.copyfile(folder / "predictions.csv", root / RESULTS / "validation_predictions.csv")
    shutil.copyfile(folder / "verdict.json", root / RESULTS / "verdict_robustness.json")
    shutil.copyfile(folder / "hazard_by_age.png", root / "docs" / "img" / "validation_hazard.png")
    runs = pd.read_parquet(folder / "runs.parquet", columns=[MODE_COLUMN])
    per_mode = int(runs[MODE_COLUMN].value_counts().min())
    (root / RESULTS / "validation.json").write_text(
        json.dumps({"replicates": per_mode, "seed": seed, "mix": CALIBRATION_MIX.label()})
        + "\n")


def take_tour(folder: Path, root: Path, seed: int) -> None:
    """Copy the tour run's tables and figure into the results."""
    (root / RESULTS / "tour.json").write_text(json.dumps({"seed": seed}) + "\n")
    shutil.copyfile(folder / "events.csv", root / RESULTS / "tour_events.csv")
    shutil.copyfile(folder / "steps.csv", root / RESULTS / "tour_steps.csv")
    shutil.copyfile(folder / "run.png", root / "docs" / "img" / "run_defaults.png")


def take_country_sets(folder: Path, root: Path) -> None:
    """Summarise the country-set sweep (``experiments/country_sets.toml``) into the results."""
    from alliancesim.sweeps import load_results
    from alliancesim.sweeps.analysis import load_manifest

    runs = load_results(folder, include_failed=False)
    seed = int(load_manifest(folder)["root_seed"])
    country_sets_summary(runs, seed).to_csv(root / RESULTS / COUNTRY_SETS_FILE, index=False)


def take_verdict(folder: Path, root: Path) -> None:
    """Copy a verdict's summary and maps into the committed results."""
    summary = json.loads((folder / "verdict.json").read_text())
    decide = summary["decide_by"]
    shutil.copyfile(folder / "verdict.json", root / RESULTS / "verdict.json")
    if summary.get("map"):
        shutil.copyfile(folder / f"map_{decide}.png", root / VERDICT_MAP)
    shutil.copyfile(folder / f"map_{decide}_averaged.png", root / VERDICT_AVERAGED)


def main(argv: list[str] | None = None) -> None:
    """Rewrite the blocks of README.md and the docs pages from docs/results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flagship", type=Path, help="a compare output folder to take first")
    parser.add_argument("--validation", type=Path, help="a validate output folder to take")
    parser.add_argument("--validation-seed", type=int, default=20261127)
    parser.add_argument("--tour", type=Path, help="a run output folder to take for the tour")
    parser.add_argument("--tour-seed", type=int, default=10)
    parser.add_argument("--country-sets", type=Path,
                        help="a results folder of experiments/country_sets.toml to take")
    parser.add_argument("--verdict", type=Path, help="a verdict output folder to take")
    parser.add_argument("--profession", type=Path,
                        help="a results folder of experiments/profession.toml to take")
    parser.add_argument("--root", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    if args.flagship is not None:
        take_flagship(args.flagship, args.root)
    if args.validation is not None:
        take_validation(args.validation, args.root, args.validation_seed)
    if args.tour is not None:
        take_tour(args.tour, args.root, args.tour_seed)
    if args.country_sets is not None:
        take_country_sets(args.country_sets, args.root)
    if args.verdict is not None:
        take_verdict(args.verdict, args.root)
    if args.profession is not None:
        take_profession(args.profession, args.root)
    for document in DOCUMENTS:
        path = args.root / document
        path.write_text(render(path.read_text(), args.root, document))
        print(f"rewrote {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
