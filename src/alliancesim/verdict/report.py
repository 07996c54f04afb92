"""The verdict's report folder: ``report.md`` with its figures, the tables as CSV, the summary
as JSON, and the raw runs (one sweep folder per mode, Parquet) beside them.

Every table file is a function of the stored runs only, so it is byte-for-byte the same
whichever backend ran them; how long the runs took goes to ``timing.json`` and the report's
last section.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pandas as pd

from alliancesim.sweeps.design import DUMMY
from alliancesim.verdict.analysis import (
    MAP_RUNS,
    RUNS,
    VerdictAnalysis,
    mode_folder,
)
from alliancesim.verdict.figures import (
    indices_figure,
    pair_maps,
    save,
    tradeoff_figure,
    winner_map,
)
from alliancesim.verdict.maps import VerdictMap
from alliancesim.verdict.paired import mode_pairs
from alliancesim.verdict.summary import (
    box_table,
    factor_table,
    overall_table,
    pair_table,
    ranking_table,
    share_table,
    summarise,
)

TABLES = ("points.csv", "winners.csv", "indices.csv", "ranking.csv", "boxes.csv",
          "prim_trajectories.csv", "map_cells.csv", "map_averaged_cells.csv", "verdict.json")
AVERAGED = "averaged"  # file-name tag of the map averaged over the design


def averaged_footnote(analysis: VerdictAnalysis) -> str:
    """What the averaged map averages over and how its cells are judged."""
    counts = analysis.map.points_per_cell["points"]
    others = [f.name for f in analysis.design.ranged
              if f.name not in (analysis.map.x.factor.name, analysis.map.y.factor.name, DUMMY)]
    confidence = analysis.verdict.spec.confidence
    return (f"Other factors averaged over their ranges in the design ({', '.join(others)}). "
            f"Each cell pools the paired runs of {counts.min()}–{counts.max()} design points "
            f"({analysis.verdict.first.replicates} replicates per mode, the same seeds in "
            f"every mode). A mode wins a cell when the {confidence:.0%} interval of its "
            "difference with each other mode excludes zero (clustered by design row); "
            "hatched: no clear winner.")


def defaults_footnote(analysis: VerdictAnalysis) -> str:
    """What the map at the defaults holds fixed and how its cells are judged."""
    spec = analysis.verdict.spec
    return (f"Every other factor at its default (the parameter definition's, or as fixed in "
            f"{Path(analysis.verdict.source).name}). Each cell is one point run "
            f"{spec.map_replicates} times under every mode with the same seeds; a mode wins a "
            "cell when the "
            f"{spec.confidence:.0%} interval of its paired difference with each other mode "
            "excludes zero; hatched: no clear winner.")


def maps(analysis: VerdictAnalysis) -> list[tuple[str, VerdictMap, str]]:
    """(file tag, map, footnote) of each map, the one at the defaults first."""
    out = []
    if analysis.defaults_map is not None:
        out.append(("", analysis.defaults_map, defaults_footnote(analysis)))
    out.append((AVERAGED, analysis.map, averaged_footnote(analysis)))
    return out


def _tagged(stem: str, tag: str, suffix: str) -> str:
    """``map_failed.png`` for the map at the defaults, ``map_failed_averaged.png`` (or
    ``map_averaged_cells.csv``) for the one averaged over the design."""
    return f"{stem}_{tag}{suffix}" if tag else f"{stem}{suffix}"


def write_tables(analysis: VerdictAnalysis, out: Path) -> dict[str, Any]:
    """Write the CSV tables and ``verdict.json``; return the summary."""
    design = analysis.design.points.drop(
        columns=[c for c in analysis.design.points.columns if c.startswith("u_")])
    points = design.merge(analysis.point_differences, on="point")
    points.to_csv(out / "points.csv", index=False)
    analysis.point_winners.pivot(index="point", columns="outcome", values="winner") \
        .reset_index().to_csv(out / "winners.csv", index=False)
    analysis.indices.to_csv(out / "indices.csv", index=False)
    analysis.ranking.to_csv(out / "ranking.csv", index=False)
    _boxes_frame(analysis).to_csv(out / "boxes.csv", index=False)
    _trajectories(analysis).to_csv(out / "prim_trajectories.csv", index=False)
    for tag, vmap, _ in maps(analysis):
        _cells(vmap).to_csv(out / _tagged("map", tag, "_cells.csv"), index=False)
    summary = summarise(analysis)
    (out / "verdict.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary


def _boxes_frame(analysis: VerdictAnalysis) -> pd.DataFrame:
    rows = []
    for box in analysis.boxes:
        base = {k: v for k, v in box.summary().items() if k != "limits"}
        if not box.limits:
            rows.append(base)
        for limit in box.limits:
            rows.append({**base, **{k: (", ".join(v) if isinstance(v, list) else v)
                                    for k, v in limit.items()}})
    return pd.DataFrame(rows)


def _trajectories(analysis: VerdictAnalysis) -> pd.DataFrame:
    frames = [b.trajectory.assign(target=b.target, step=range(len(b.trajectory)))
              for b in analysis.boxes if not b.trajectory.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _cells(vmap: VerdictMap) -> pd.DataFrame:
    cells = vmap.differences.merge(vmap.points_per_cell, on=["cell_x", "cell_y"])
    cells.insert(0, "y_range", [vmap.y.labels[i] for i in cells["cell_y"]])
    cells.insert(0, "x_range", [vmap.x.labels[i] for i in cells["cell_x"]])
    return cells.merge(vmap.winners, on=["cell_x", "cell_y", "outcome"])


def write_figures(analysis: VerdictAnalysis, out: Path) -> list[Path]:
    """The map and pair maps of every outcome, the indices and PRIM's trade-off curves."""
    files = []
    for tag, vmap, note in maps(analysis):
        where = "averaged over the design" if tag else "at the defaults"
        for outcome in analysis.verdict.outcomes:
            name = _tagged(f"map_{outcome.name}", tag, ".png")
            files.append(save(winner_map(vmap, outcome, analysis.modes, note, where),
                              out / name))
            name = _tagged(f"pairs_{outcome.name}", tag, ".png")
            files.append(save(pair_maps(vmap, outcome, analysis.modes, note, where),
                              out / name))
    if not analysis.ranking["strength"].isna().all():
        files.append(save(indices_figure(analysis.ranking, analysis.verdict.decider,
                                         analysis.design.kind,
                                         mode_pairs(analysis.modes)),
                          out / "indices.png"))
    files.append(save(tradeoff_figure(analysis.boxes), out / "prim_tradeoff.png"))
    return files


def timing(out: Path, modes: list[str]) -> dict[str, Any]:
    """Wall time, runs and workers of every session of every mode's sweeps (from the
    manifests), and runs per second per worker."""
    sessions = []
    for stage, mode in itertools.product((RUNS, MAP_RUNS), modes):
        path = mode_folder(out, mode, stage) / "manifest.json"
        if not path.is_file():
            continue
        for s in json.loads(path.read_text()).get("sessions", []):
            sessions.append({"stage": stage, "mode": mode, "backend": s.get("backend"),
                             "workers": s.get("workers"), "runs": s.get("runs", 0),
                             "elapsed_s": s.get("elapsed_s", 0.0)})
    runs = sum(s["runs"] for s in sessions)
    wall = sum(s["elapsed_s"] for s in sessions)
    worker_seconds = sum(s["elapsed_s"] * (s["workers"] or 1) for s in sessions)
    return {"sessions": sessions, "runs": runs, "elapsed_s": wall,
            "runs_per_second": runs / wall if wall else None,
            "runs_per_second_per_worker": runs / worker_seconds if worker_seconds else None}


def write_report(analysis: VerdictAnalysis, out: Path) -> Path:
    """Write every table, figure and ``report.md``; return the report's path."""
    out.mkdir(parents=True, exist_ok=True)
    summary = write_tables(analysis, out)
    write_figures(analysis, out)
    times = timing(out, analysis.modes)
    (out / "timing.json").write_text(json.dumps(times, indent=1) + "\n")
    path = out / "report.md"
    path.write_text(report_text(summary, analysis, times))
    return path


def report_text(summary: dict[str, Any], analysis: VerdictAnalysis,
                times: dict[str, Any]) -> str:
    """The Markdown report."""
    decide = summary["decide_by"]
    d = summary["design"]
    parts = [
        f"# The verdict: {summary['name']}", "",
        *_overall_lines(summary, analysis),
        summary["answer"], "",
        *_map_lines(summary, analysis),
        "## Design", "",
        f"`{summary['experiment']}`: a {d['kind']} design of {d['points']:,} points "
        f"(base sample {d['samples']}), each run {d['replicates']} times under each of "
        f"{', '.join(summary['modes'])}: {d['runs']:,} runs over {d['horizon']} months. Run "
        "(point, replicate) has the same seed and the same parameter values in every mode "
        "(one sweep per mode, the same design and root seed "
        f"{d['seed']}), so each difference is taken run by run. {d['pairs_used']:,} paired "
        f"runs were used; {d['runs_failed']} runs failed.", "",
        factor_table(summary), "",
        *_adaptive_lines(summary),
        *_sets_lines(summary),
        "## Who wins where", "",
        f"Share of design points where each mode is clearly best (its {summary['confidence']:.0%} "
        "interval against every other mode excludes zero), where two modes tie ahead of the "
        "rest, and where no mode is distinguishable from the others:", "",
        share_table(summary), "",
        "## Differences between pairs of modes", "",
        "Mean over the design points of the paired difference a − b, and the share of points "
        "where each is clearly better:", "",
        pair_table(summary), "",
        *(f"![Differences per pair, {where}]({name})\n" for where, name in (
            ("at the defaults", f"pairs_{decide}.png"),
            ("averaged over the design", f"pairs_{decide}_{AVERAGED}.png"))
          if (analysis.defaults_map is not None or AVERAGED in name)),
        "## What moves the verdict", "",
        ranking_table(summary), "",
        _noise_line(summary), "",
        "![Sensitivity indices](indices.png)", "",
        "## Where each mode wins (PRIM)", "",
        "Scenario discovery with PRIM (EMA Workbench) over the parameters each point set: "
        "coverage is the share of the points where the statement holds that lie in the box, "
        "density the share of points in the box where it holds. The box reported is the step "
        "of the peeling trajectory with the best harmonic mean of the two among those "
        f"restricting at most {analysis.verdict.spec.prim_max_dims} factors.", "",
        box_table(summary), "",
        "![PRIM trade-off curves](prim_tradeoff.png)", "",
        *_notes(summary),
        "## Files", "",
        "`points.csv` (per design point, pair and outcome: the mean difference, its interval, "
        "p-value and which mode is clearly better), `winners.csv`, `indices.csv`, "
        "`ranking.csv`, `boxes.csv`, `prim_trajectories.csv`, `map_cells.csv` (the map at the "
        "defaults), `map_averaged_cells.csv`, `verdict.json`, `timing.json`; the raw runs in "
        f"`{RUNS}/<mode>/` and `{MAP_RUNS}/<mode>/` (sweep folders: Parquet parts, design, "
        "manifest; `alliancesim.sweeps.load_results` reads them).", "",
        "## Run", "",
        _timing_line(times), "",
    ]
    return "\n".join(parts)


def _overall_lines(summary: dict[str, Any], analysis: VerdictAnalysis) -> list[str]:
    """The report's opening: the design-wide paired difference of every pair of modes with
    its interval, then the share of design points in each of the three answers."""
    common = analysis.verdict.first.design.shares_seeds
    clusters = "design point and replicate (seed)" if common else "design point"
    return [
        "Design-wide paired difference a − b (the mean over every run of the design, each "
        f"run against its partner on the same seed; {summary['confidence']:.0%} interval "
        f"cluster-robust by {clusters}), and per design point one of three answers: a or b "
        "clearly better (the interval excludes zero), equivalent (two one-sided tests put "
        "the difference within the margin), or undecided (with the median number of further "
        "runs per mode estimated to decide):", "",
        overall_table(summary), "",
    ]


def _map_lines(summary: dict[str, Any], analysis: VerdictAnalysis) -> list[str]:
    """The maps of the deciding outcome: at the defaults (first), averaged over the design."""
    decide = summary["decide_by"]
    lines = []
    if analysis.defaults_map is not None:
        lines += [f"![Which mode does best by {decide}, every other factor at its default]"
                  f"(map_{decide}.png)", "", defaults_footnote(analysis), ""]
    lines += [f"![Which mode does best by {decide}, averaged over the design]"
              f"(map_{decide}_{AVERAGED}.png)", "", averaged_footnote(analysis), ""]
    return lines


def _adaptive_lines(summary: dict[str, Any]) -> list[str]:
    """An adaptive verdict's rounds and the runs they spent (nothing for a fixed one)."""
    spent = summary.get("adaptive")
    if not spent:
        return []
    from alliancesim.verdict.adaptive import spending_lines

    return [f"Adaptive: the {summary['design']['replicates']} replicates above are the cap; "
            "each point ran only as many as it took to decide it (or the cap).", "",
            *spending_lines(spent, len(summary["modes"]))]


def _sets_lines(summary: dict[str, Any]) -> list[str]:
    sets = summary["parameter_sets"]
    if not sets:
        return []
    left = (f" ({', '.join(sets['left_to_experiment'])} varied by the design instead)"
            if sets["left_to_experiment"] else "")
    return [f"Assumptions from {sets['rows']} parameter sets in `{sets['file']}`: "
            f"{', '.join(sets['columns'])}{left}; each point takes one set.", ""]


def _noise_line(summary: dict[str, Any]) -> str:
    rows = [n for n in summary["noise"] if n["outcome"] == summary["decide_by"]]
    text = ", ".join(f"{n['a']} − {n['b']} {n['noise_share']:.0%}" for n in rows
                     if n["noise_share"] is not None)
    return ("Share of the variance of the point differences that is replicate noise "
            f"(counted by the indices as if it were an effect): {text}.")


def _notes(summary: dict[str, Any]) -> list[str]:
    if not summary["notes"]:
        return []
    return ["## Notes", "", *(f"- {n}" for n in summary["notes"]), ""]


def _timing_line(times: dict[str, Any]) -> str:
    if not times["runs"]:
        return "Every run was already stored: nothing ran in this call."
    sessions = times["sessions"]
    backends = sorted({f"{s['backend']} ({s['workers']} workers)" for s in sessions})
    return (f"{times['runs']:,} runs in {times['elapsed_s']:.0f} s of sweeps over "
            f"{len(sessions)} session(s) on {', '.join(backends)}: "
            f"{times['runs_per_second']:.1f} runs per second, "
            f"{times['runs_per_second_per_worker']:.1f} per worker.")

