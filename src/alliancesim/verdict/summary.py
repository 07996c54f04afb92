"""The verdict in a JSON-friendly summary, and the plain-words answer written from it.

``verdict.json`` is what README and the report read: the answer paragraph, the tables of who
wins where and the boxes are all rendered from it (:func:`answer`, :func:`box_table`,
:func:`share_table`), never typed by hand.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from alliancesim.compare.answers import EQUIVALENT
from alliancesim.params.declared import lookup
from alliancesim.sweeps.design import DUMMY
from alliancesim.sweeps.parameter_sets import SET_FACTOR
from alliancesim.verdict.analysis import VerdictAnalysis, answer_shares, winner_shares
from alliancesim.verdict.figures import MODE_NAMES, factor_label
from alliancesim.verdict.paired import NO_WINNER, categories

FORMAT = 1


def _clean(value: Any) -> Any:
    """NaN and numpy scalars as JSON takes them."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def summarise(analysis: VerdictAnalysis) -> dict[str, Any]:
    """Everything the report and README say about the verdict, as plain data."""
    verdict, spec, design = analysis.verdict, analysis.verdict.spec, analysis.design
    experiment = verdict.first
    sets = experiment.sets()
    summary = {
        "format": FORMAT,
        "name": verdict.name,
        "experiment": _shown_path(verdict.source),
        "modes": list(spec.modes),
        "outcomes": [{"name": o.name, "label": o.label, "share": o.share,
                      "lower_is_better": o.lower_is_better} for o in verdict.outcomes],
        "decide_by": spec.decide_by,
        "confidence": spec.confidence,
        "design": {"kind": design.kind, "samples": design.samples, "points": design.n_points,
                   "replicates": experiment.replicates, "seed": experiment.seed,
                   "horizon": experiment.base_parameters()["horizon"],
                   "runs": verdict.n_runs(), "runs_failed": analysis.runs_failed,
                   "pairs_used": len(analysis.paired)},
        "factors": [_factor(f, verdict) for f in design.ranged if f.name != DUMMY],
        "parameter_sets": None if sets is None else {
            "file": str(sets.path.name), "rows": len(sets), "columns": list(sets.columns),
            "left_to_experiment": list(sets.left_to_experiment)},
        "margins": verdict.margins,
        "adaptive": analysis.adaptive,
        "overall": analysis.overall.to_dict(orient="records"),
        "answers": answer_shares(analysis.point_differences).to_dict(orient="records"),
        "winners": winner_shares(analysis),
        "no_winner_split": _no_winner_split(analysis),
        "pairs": _pairs(analysis),
        "ranking": _ranking(analysis),
        "noise": analysis.noise.to_dict(orient="records"),
        "boxes": [b.summary() for b in analysis.boxes],
        "map": None if analysis.defaults_map is None else _map(
            analysis.defaults_map, analysis, levels=spec.map_levels,
            replicates=spec.map_replicates),
        "averaged_map": _map(analysis.map, analysis, bins=spec.map_bins,
                             replicates=experiment.replicates),
        "notes": analysis.notes,
    }
    summary = _clean(summary)
    summary["answer"] = answer(summary)
    return summary


def _shown_path(source: str) -> str:
    """The experiment file as a reader finds it: relative to here when it lies below."""
    path = Path(source)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _factor(factor: Any, verdict: Any) -> dict[str, Any]:
    param = lookup(factor.name)
    return {"name": factor.name, "label": factor_label(factor.name),
            "role": "assumption" if verdict.is_assumption(factor.name) else "condition",
            "low": factor.low, "high": factor.high,
            "values": list(factor.values) if factor.values is not None else None,
            "unit": param.unit if param else "", "source": param.source if param else "",
            "default": param.default if param else None}


def _map(vmap: Any, analysis: VerdictAnalysis, **extra: Any) -> dict[str, Any]:
    """A map's axes and how many of its cells each verdict gets, by each outcome."""
    from alliancesim.verdict.analysis import shares

    levels = categories(analysis.modes)
    cells = {name: shares(group, "winner", levels)
             for name, group in vmap.winners.groupby("outcome", sort=False)}
    return {"x": vmap.x.factor.name, "y": vmap.y.factor.name,
            "x_cells": list(vmap.x.labels), "y_cells": list(vmap.y.labels),
            "cells": len(vmap.x.labels) * len(vmap.y.labels), "winners": cells, **extra}


def _no_winner_split(analysis: VerdictAnalysis) -> dict[str, float]:
    """Of all design points, by the deciding outcome: the share without a clear winner where
    every pair of modes is equivalent, and the share where some pair is undecided."""
    decide = analysis.verdict.spec.decide_by
    diffs = analysis.point_differences
    diffs = diffs[diffs["outcome"] == decide]
    won = analysis.point_winners
    won = won[won["outcome"] == decide].set_index("point")["winner"]
    equivalent = diffs.groupby("point")["answer"].agg(lambda a: bool((a == EQUIVALENT).all()))
    open_ = won.reindex(equivalent.index) == NO_WINNER
    n = len(equivalent)
    return {"equivalent": float((open_ & equivalent).sum()) / n if n else math.nan,
            "undecided": float((open_ & ~equivalent).sum()) / n if n else math.nan}


def _pairs(analysis: VerdictAnalysis) -> list[dict[str, Any]]:
    rows = []
    diffs = analysis.point_differences
    for (outcome, a, b), group in diffs.groupby(["outcome", "a", "b"], sort=False):
        counts = group["better"].value_counts()
        n = len(group)
        rows.append({"outcome": outcome, "a": a, "b": b, "points": n,
                     "mean_difference": float(group["diff"].mean()),
                     "a_better": float(counts.get(a, 0)) / n,
                     "b_better": float(counts.get(b, 0)) / n,
                     "no_clear_winner": float(counts.get(NO_WINNER, 0)) / n})
    return rows


def _ranking(analysis: VerdictAnalysis) -> list[dict[str, Any]]:
    table = analysis.ranking.head(len(analysis.design.ranged))
    return [{"factor": r["factor"], "label": factor_label(r["factor"]),
             "role": ("assumption" if analysis.verdict.is_assumption(r["factor"])
                      else "condition"),
             "strength": r["strength"],
             "pairs": {k: r[k] for k in table.columns if k not in ("factor", "strength")}}
            for _, r in table.iterrows()]


# --- words ------------------------------------------------------------------------------------
def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.0%}"


def _number(value: float) -> str:
    return f"{value:.2g}" if abs(value) < 10 else f"{value:.0f}"


def limit_words(limit: dict[str, Any]) -> str:
    """'number of members ≤ 6', 'sector mix is business or public_private'."""
    name = limit["factor"]
    param = lookup(name)
    title = factor_label(name).split(" (")[0].lower() if param else name
    unit = f" {param.unit}" if param and param.unit not in ("-", "", "0-1", "x") else ""
    if "values" in limit:
        return f"{title} is {' or '.join(str(v) for v in limit['values'])}"
    is_int = param is not None and param.kind == "int"
    parts = []
    if limit.get("low") is not None:
        low = math.ceil(limit["low"]) if is_int else limit["low"]
        parts.append(f"{title} ≥ {_number(low)}{unit}")
    if limit.get("high") is not None:
        high = math.floor(limit["high"]) if is_int else limit["high"]
        parts.append(f"{title} ≤ {_number(high)}{unit}")
    if len(parts) == 2:
        low_text = parts[0].split(" ≥ ")[1]
        return f"{title} between {low_text} and {parts[1].split(' ≤ ')[1]}"
    return parts[0]


def box_words(box: dict[str, Any]) -> str:
    """A box's restrictions in words, joined by 'and'."""
    return " and ".join(limit_words(limit) for limit in box["limits"])


SHORT_NAMES = {"dedicated": "a dedicated manager", "transversal": "transversal skill",
               "hybrid": "hybrid management", "none": "no management"}


def _mode(mode: str) -> str:
    """The mode's name in full (its first mention)."""
    return MODE_NAMES.get(mode, mode)


def _short(mode: str) -> str:
    """The mode's name once introduced."""
    return SHORT_NAMES.get(mode, mode)


QUESTION = "**Is alliance management best as a profession, a shared skill, or both?**"
CRITERION = {"failed": "how often alliances fail (dissolve or miss their objectives)",
             "value_total": "the value alliances create",
             "survived": "how often alliances survive (are not dissolved)",
             "objectives_met": "how often alliances meet their objectives"}
CLEAR = 0.05  # a mode that wins at fewer points than this is not said to win anywhere:
# with intervals unadjusted for the many points, a few wins are chance


def answer(summary: dict[str, Any]) -> str:
    """The first paragraph of the report: the source text's question answered conditionally,
    in plain words, with its caveats."""
    decide = summary["decide_by"]
    shares = summary["winners"][decide]
    top = [r for r in summary["ranking"] if r["factor"] not in (SET_FACTOR, DUMMY)][:2]
    lines = [QUESTION, _opener(shares, summary["modes"], top), _share_sentence(summary)]
    lines += [_box_sentence(b) for b in _telling_boxes(summary)]
    if summary.get("map"):
        lines.append(_map_sentence(summary["map"], summary))
    lines.append(_caveats(summary))
    return " ".join(lines)


def _opener(shares: dict[str, dict[str, Any]], modes: list[str],
            top: list[dict[str, Any]]) -> str:
    winning = [m for m in modes if (shares[m]["share"] or 0) >= CLEAR]
    if len(winning) >= 2:
        return f"In this model it depends on the conditions, most of all on {_top_words(top)}."
    if len(winning) == 1:
        return (f"In this model, where one mode is clearly best it is {_short(winning[0])}; "
                f"whether one is depends most on {_top_words(top)}.")
    return ("In this model no mode is clearly best under most conditions; what tips the "
            f"balance most is {_top_words(top)}.")


def _top_words(top: list[dict[str, Any]]) -> str:
    words = [f"{_plain_label(r['label'])} ({'an' if r['role'] == 'assumption' else 'a'} "
             f"{r['role']})" for r in top]
    return " and ".join(words) if words else "no factor in particular"


def _plain_label(label: str) -> str:
    text = label.split(" (")[0]
    return text[0].lower() + text[1:]


def _share_sentence(summary: dict[str, Any]) -> str:
    decide, design, modes = summary["decide_by"], summary["design"], summary["modes"]
    shares = summary["winners"][decide]
    roles = [f["role"] for f in summary["factors"]]
    parts = [f"{_mode(m)} at {_pct(shares[m]['share'])}" for m in modes]
    text = (f"Judged by {CRITERION.get(decide, decide)}, across {design['points']:,} "
            f"combinations of {roles.count('condition')} conditions and "
            f"{roles.count('assumption')} assumptions (each run {_up_to(summary)}"
            f"{design['replicates']} times "
            "under every mode, with the same seeds), the mode that is clearly best is "
            + ", ".join(parts))
    if len(modes) > 2:
        tied = sum(v["share"] or 0 for c, v in shares.items() if " or " in c)
        text += f"; two modes tie ahead of the rest at {_pct(tied)}"
    text += f", and at {_pct(shares[NO_WINNER]['share'])} no mode is clearly best"
    split = summary.get("no_winner_split")
    if split:
        margin = summary["margins"][decide]
        text += (f": there every pair of modes is equivalent within "
                 f"{_margin(margin, margin < 1)} at "
                 f"{_pct(split['equivalent'])} of all points, and at {_pct(split['undecided'])} "
                 "the runs are too few to tell")
    return text + "."


def _up_to(summary: dict[str, Any]) -> str:
    """``up to `` when the verdict was adaptive (the replicates are its cap)."""
    return "up to " if summary.get("adaptive") else ""


def _telling_boxes(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The boxes the answer names: where each mode wins, if it wins at enough points; and
    where the first two modes (the source text's profession and shared skill) beat each
    other, if they do at enough points."""
    found = [b for b in summary["boxes"] if b["step"] >= 0 and b["cases"] >= CLEAR * b["points"]]
    wins = [b for b in found if b["target"].endswith(" wins")]
    first, second = summary["modes"][:2]
    duel = [b for b in found if b["target"] in (f"{first} beats {second}",
                                                f"{second} beats {first}")]
    return wins + duel


def _box_sentence(box: dict[str, Any]) -> str:
    if box["target"].endswith(" wins"):
        who = _short(box["target"].removesuffix(" wins"))
        what, whom = "wins", ""
    else:
        a, b = box["target"].split(" beats ")
        who, what, whom = _short(a), "beats", f" {_short(b)}"
    return (f"{who[0].upper()}{who[1:]} {what}{whom} mostly where {box_words(box)}: "
            f"{_pct(box['coverage'])} of the points where it does lie there, and it does at "
            f"{_pct(box['density'])} of the points there (a PRIM box; {box['cases']} of "
            f"{box['points']} points overall).")


def _map_sentence(vmap: dict[str, Any], summary: dict[str, Any]) -> str:
    decide, modes = summary["decide_by"], summary["modes"]
    cells = vmap["winners"][decide]
    counts = [f"{_short(m)} in {cells[m]['count']}" for m in modes if cells[m]["count"]]
    tied = sum(v["count"] for c, v in cells.items() if " or " in c)
    if tied:
        counts.append(f"two modes tied in {tied}")
    counts.append(f"no clear winner in {cells[NO_WINNER]['count']}")
    return (f"With every other factor at its default, the map over {_label_of(vmap['x'])} and "
            f"{_label_of(vmap['y'])} gives {', '.join(counts)} of its {vmap['cells']} cells.")


def _label_of(name: str) -> str:
    return _plain_label(factor_label(name))


def _caveats(summary: dict[str, Any]) -> str:
    design = summary["design"]
    noise = [n["noise_share"] for n in summary["noise"]
             if n["outcome"] == summary["decide_by"] and n["noise_share"] is not None]
    sets = summary["parameter_sets"]
    where = (f"the assumptions drawn from {sets['rows']} plausible parameter sets "
             f"({sets['file']})" if sets else
             "the assumptions spread evenly over their ranges, not weighted by a calibration")
    text = (f"Caveats: these are consequences of the model's mechanisms over the ranges of "
            f"{summary['experiment']}, with {where}, not measurements of real alliances; a "
            f"point's verdict rests on {_up_to(summary)}{design['replicates']} paired runs per "
            f"mode, with {summary['confidence']:.0%} intervals not adjusted for the "
            f"{design['points']:,} points, so some clear winners are chance")
    if noise:
        text += (f"; replicate noise makes up about {_pct(float(np.mean(noise)))} of the "
                 "spread of the differences between points, and the sensitivity indices "
                 "count it as if it were an effect of the factors")
    return text + "."


# --- tables -----------------------------------------------------------------------------------
def share_table(summary: dict[str, Any]) -> str:
    """Markdown: per outcome, the share of design points each verdict gets."""
    modes = summary["modes"]
    levels = [c for c in categories(modes) if any(
        summary["winners"][o["name"]].get(c, {}).get("count") for o in summary["outcomes"])]
    levels = [c for c in categories(modes) if c in levels or c in modes or c == NO_WINNER]
    lines = ["| outcome | " + " | ".join(_level(c) for c in levels) + " |",
             "|---|" + "---:|" * len(levels)]
    for outcome in summary["outcomes"]:
        row = summary["winners"][outcome["name"]]
        lines.append(f"| {outcome['label']} | "
                     + " | ".join(_pct(row[c]["share"]) for c in levels) + " |")
    return "\n".join(lines)


def _level(category: str) -> str:
    return "no clear winner" if category == NO_WINNER else category


def pair_table(summary: dict[str, Any]) -> str:
    """Markdown: per outcome and pair of modes, where each is clearly better."""
    lines = ["| outcome | modes a − b | mean difference | a clearly better | b clearly better "
             "| no clear winner |", "|---|---|---:|---:|---:|---:|"]
    labels = {o["name"]: o for o in summary["outcomes"]}
    for p in summary["pairs"]:
        o = labels[p["outcome"]]
        diff = (f"{p['mean_difference']:+.1%}" if o["share"]
                else f"{p['mean_difference']:+.3g}")
        lines.append(f"| {o['label']} | {p['a']} − {p['b']} | {diff} | {_pct(p['a_better'])} "
                     f"| {_pct(p['b_better'])} | {_pct(p['no_clear_winner'])} |")
    return "\n".join(lines)


def overall_table(summary: dict[str, Any]) -> str:
    """Markdown: the design-wide mean paired difference of every pair of modes, with its
    interval and answer, and the share of design points in each of the three answers."""
    labels = {o["name"]: o for o in summary["outcomes"]}
    answers = {(r["outcome"], r["a"], r["b"]): r for r in summary.get("answers", [])}
    lines = [f"| outcome | modes a − b | design-wide difference ({summary['confidence']:.0%} "
             "interval) | answer | margin | points: a clearly better | b clearly better | "
             "equivalent | undecided (median runs more) |",
             "|---|---|---|---|---:|---:|---:|---:|---:|"]
    for r in summary.get("overall", []):
        o = labels[r["outcome"]]
        fmt = _share_diff if o["share"] else _value_diff
        unit = " points" if o["share"] else ""
        shares = answers.get((r["outcome"], r["a"], r["b"]))
        points = (f"{_pct(shares['a_better'])} | {_pct(shares['b_better'])} | "
                  f"{_pct(shares['equivalent'])} | {_pct(shares['undecided'])} "
                  f"({_more(shares['median_more_runs'])})" if shares else " | | | ")
        lines.append(f"| {o['label']} | {r['a']} − {r['b']} | {fmt(r['diff'])}{unit} "
                     f"[{fmt(r['low'])}, {fmt(r['high'])}] | {r['answer']} | "
                     f"±{_margin(r['margin'], o['share'])} | {points} |")
    return "\n".join(lines)


def _share_diff(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f}"


def _value_diff(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3g}"


def _margin(value: float, share: bool) -> str:
    return f"{value * 100:g} points" if share else f"{value:g}"


def _more(runs: float | None) -> str:
    return "n/a" if runs is None else f"{runs:,.0f}"


def box_table(summary: dict[str, Any]) -> str:
    """Markdown: the PRIM boxes with their coverage and density."""
    lines = ["| where … | points where it holds | box | coverage | density | factors "
             "restricted |", "|---|---:|---|---:|---:|---:|"]
    for b in summary["boxes"]:
        base = f"{b['cases']} of {b['points']}"
        if b["step"] < 0:
            lines.append(f"| {b['target']} | {base} | {b['note']} | | | |")
            continue
        lines.append(f"| {b['target']} | {base} | {box_words(b)} | {_pct(b['coverage'])} | "
                     f"{_pct(b['density'])} | {len(b['limits'])} |")
    return "\n".join(lines)


def ranking_table(summary: dict[str, Any], rows: int = 10) -> str:
    """Markdown: the factors that move the deciding outcome's differences, strongest first."""
    ranking = summary["ranking"][:rows]
    if not ranking:
        return "(no sensitivity indices)"
    pairs = list(ranking[0]["pairs"])
    what = "total-order Sobol index" if summary["design"]["kind"] == "sobol" else "Morris mu*"
    lines = [f"| factor | role | mean {what} | " + " | ".join(p.replace("-", " − ")
                                                             for p in pairs) + " |",
             "|---|---|---:|" + "---:|" * len(pairs)]
    for r in ranking:
        lines.append(f"| {r['label']} | {r['role']} | {_index(r['strength'])} | "
                     + " | ".join(_index(r["pairs"][p]) for p in pairs) + " |")
    return "\n".join(lines)


def _index(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def factor_table(summary: dict[str, Any]) -> str:
    """Markdown: the design's factors, their role, range, unit and source."""
    lines = ["| factor | role | range | default | source |", "|---|---|---|---|---|"]
    for f in summary["factors"]:
        span = (", ".join(str(v) for v in f["values"]) if f["values"] is not None
                else f"{_number(f['low'])} – {_number(f['high'])}")
        lines.append(f"| {f['label']} (`{f['name']}`) | {f['role']} | {span} | "
                     f"{f['default'] if f['default'] is not None else ''} | {f['source']} |")
    return "\n".join(lines)

