"""Ablation: switch each mechanism off and measure what it changes.

Every mechanism named in :data:`alliancesim.params.MECHANISMS` is switched off through the
parameter definition (:func:`alliancesim.params.mechanism_off`). For each one,
:data:`CHECKS` says what switching it off should change, under which conditions the
mechanism has room to act, and in which direction. :func:`measure` runs the model with the
mechanism on and off on the same seeds and reports both, with a Mann-Whitney test.

    python -m alliancesim.validation.ablation --scale 3 \\
        --write docs/results/ablation.json --odd docs/ODD.md

writes the measured table and the ODD section generated from it.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from alliancesim.params import MECHANISMS, mechanism_off

Direction = Literal["lower", "higher"]
# A runner takes parameter sets (a set may carry a scenario timeline under TIMELINE), a
# number of replicates and a root seed, and gives each set's outcome records.
Runner = Callable[[list[dict[str, Any]], int, int], list[pd.DataFrame]]
TIMELINE = "timeline"
# A change counts as shown when a two-sided Mann-Whitney test gives p below this.
SIGNIFICANCE = 0.01
ROOT_SEED = 20261128


def _column(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda runs: runs[name].astype(float)


def _ratio(numerator: str, denominator: str) -> Callable[[pd.DataFrame], pd.Series]:
    def ratio(runs: pd.DataFrame) -> pd.Series:
        below = runs[denominator].astype(float)
        return (runs[numerator].astype(float) / below).where(below > 0)
    return ratio


def _value_per_month(runs: pd.DataFrame) -> pd.Series:
    months = (runs["months_evolving"] + runs["months_transforming"]).astype(float)
    return (runs["value_total"].astype(float) / months).where(months > 0)


def _founded(runs: pd.DataFrame) -> pd.Series:
    return (runs["months_evolving"] > 0).astype(float)


@dataclass(frozen=True)
class AblationCheck:
    """What switching ``mechanism`` off should change, and where it has room to act."""

    mechanism: str
    measure: str
    values: Callable[[pd.DataFrame], pd.Series]
    expect: Direction
    conditions: Mapping[str, Any] = field(default_factory=dict)
    # Counts (events, exposure) pooled over runs and compared as two Poisson rates, for
    # rates of rare events that single runs measure too coarsely.
    pooled: tuple[str, str] | None = None
    # Seeds needed to show the change reliably where it is small against run-to-run spread.
    replicates: int = 100
    # Interventions the runs share, as a scenario file's [[timeline]] entries.
    timeline: tuple[Mapping[str, Any], ...] = ()

    def params(self, on: bool) -> dict[str, Any]:
        """Parameters of the run with the mechanism on or off (and the timeline, if any)."""
        params = dict(self.conditions) if on else {**self.conditions,
                                                   **mechanism_off(self.mechanism)}
        return {**params, TIMELINE: [dict(t) for t in self.timeline]} if self.timeline \
            else params


TRANSVERSAL = {"management_mode": "transversal"}
DEDICATED = {"management_mode": "dedicated"}
VALUE = ("value per month of joint work", _value_per_month)
VALUE_TOTAL = ("value created", _column("value_total"))
RESOLVED = ("share of conflicts resolved", _ratio("conflicts_resolved", "conflicts_total"))
BOTH_AND = ("share of paradoxes worked through", _ratio("paradoxes_both_and", "paradoxes_total"))

CHECKS: tuple[AblationCheck, ...] = (
    AblationCheck("cultural_distance", "conflicts per member-month",
                  _ratio("conflicts_total", "member_months"), "lower",
                  {"cultural_diversity": 2.5, "horizon": 60}),
    AblationCheck("trust_asymmetry", "trust lost per escalated conflict",
                  _column("trust_fall_per_escalation"), "lower"),
    AblationCheck("cooperation_trust", "final mean trust", _column("trust_mean_final"), "lower"),
    AblationCheck("escalation_spillover", "final mean trust", _column("trust_mean_final"),
                  "higher", {"conflict_rate": 0.15, "horizon": 60}),
    AblationCheck("commitment_hysteresis", "changes of commitment state",
                  _column("commitment_state_changes"), "higher"),
    AblationCheck("ambition_pooling", "share of alliances that get past founding", _founded,
                  "lower"),
    AblationCheck("governance_fit", *VALUE, "higher",
                  {"governance_insight": 0.0, "n_members": 20}, replicates=300),
    AblationCheck("legal_exit_barrier", "exits per disengaged member-month",
                  _ratio("disengaged_exits", "disengaged_months"), "higher",
                  {"n_members": 12, "exit_rate": 0.05, "commitment_initial": 0.4},
                  pooled=("disengaged_exits", "disengaged_months"), replicates=200),
    AblationCheck("conflict_mediation", *RESOLVED, "lower", DEDICATED),
    AblationCheck("paradox_work", *BOTH_AND, "lower", DEDICATED),
    AblationCheck("paradox_consequences", "final collective identity",
                  _column("identity_final"), "higher",
                  {"paradox_rate": 0.3, "paradox_skill_weight": 0.0,
                   "paradox_learning_weight": 0.0, "paradox_openness_weight": 0.0}),
    AblationCheck("stagnation", *VALUE, "higher", replicates=300),
    AblationCheck("stagnation_discussion", "value created", _column("value_total"), "lower"),
    AblationCheck("relationship_upkeep", "final mean trust", _column("trust_mean_final"),
                  "higher", {"management_mode": "none", "spare_attention": 0.01}),
    AblationCheck("workload_growth", "management time used",
                  _column("management_time_used"), "lower",
                  {"cultural_diversity": 2.5, **TRANSVERSAL}),
    AblationCheck("facilitated_assessment", "final ambition alignment",
                  _column("alignment_final"), "lower", {"assessment_interval": 3, **DEDICATED},
                  replicates=200),
    AblationCheck("expectation_adaptation", "final mean expectations",
                  _column("expectations_mean_final"), "lower", DEDICATED),
    AblationCheck("partner_search", "mean fit of the partners recruited",
                  _column("partner_fit_mean"), "lower", DEDICATED),
    AblationCheck("facilitated_renewal", "mean commitment after a renewal",
                  _column("commitment_after_renewal"), "lower",
                  {"tension_limit": 3.0, **DEDICATED}),
    AblationCheck("reevaluation", "renewals", _column("renewals"), "higher",
                  {"tension_limit": 3.0}),
    AblationCheck("management_cost", *VALUE, "higher", DEDICATED),
    AblationCheck("learning_by_doing", "final mean member skill", _column("skill_mean_final"),
                  "lower", TRANSVERSAL),
    AblationCheck("skill_fade", "final mean member skill", _column("skill_mean_final"),
                  "higher", {"skill_fade": 0.05, "representative_turnover": 0.0,
                             "member_skill_mean": 0.3, **TRANSVERSAL}),
    AblationCheck("alliance_knowledge", *RESOLVED, "higher",
                  {"manager_turnover": 0.08, "manager_vacancy": 1, **DEDICATED}),
    AblationCheck("manager_turnover", "months without a manager in post",
                  _column("manager_vacancy_months"), "lower", DEDICATED),
    AblationCheck("openness_learning", "final mean openness", _column("openness_mean_final"),
                  "lower"),
    AblationCheck("learning_environment", *BOTH_AND, "lower"),
    AblationCheck("shocks", *VALUE, "higher", {"shock_rate": 0.05}),
    # The mechanisms of a shared skill and of symmetry between holders of time: each checked
    # on what it does to the value an alliance creates, where theory gives the direction.
    AblationCheck("representative_turnover", *VALUE_TOTAL, "higher",
                  {"representative_turnover": 0.15, "skill_learning_rate": 0.6,
                   **TRANSVERSAL}, replicates=200),
    AblationCheck("neutral_mediation", *VALUE_TOTAL, "higher",
                  {"self_mediation_discount": 0.8, "conflict_rate": 0.12, "n_members": 4,
                   **TRANSVERSAL}, replicates=200),
    AblationCheck("participation_ownership", *VALUE_TOTAL, "lower",
                  {"participation_commitment": 2.0, "management_budget": 2.0, **TRANSVERSAL},
                  replicates=200),
    AblationCheck("practice_openness", *VALUE_TOTAL, "lower",
                  {"practice_openness": 5.0, "cultural_diversity": 2.5, "conflict_rate": 0.1,
                   "openness_mean": 0.2, **TRANSVERSAL}, replicates=200),
    AblationCheck("peer_learning", *VALUE_TOTAL, "lower",
                  {"peer_learning_rate": 5.0, "management_mode": "hybrid",
                   "management_budget": 2.0, "manager_skill_premium": 0.5,
                   "member_skill_mean": 0.1}, replicates=400),
    AblationCheck("training_cost", *VALUE_TOTAL, "higher",
                  {"training_time": 3.0, **TRANSVERSAL}, replicates=200,
                  timeline=tuple({"month": m, "kind": "training", "amount": 0.5}
                                 for m in range(3, 120, 3))),
)
CHECKS_BY_MECHANISM = {c.mechanism: c for c in CHECKS}


@dataclass(frozen=True)
class AblationResult:
    """One mechanism measured on and off."""

    mechanism: str
    measure: str
    expect: Direction
    on: float
    off: float
    p_value: float
    runs: int

    @property
    def shown(self) -> bool:
        """Switching the mechanism off moved the measure the expected way, significantly."""
        moved = self.off < self.on if self.expect == "lower" else self.off > self.on
        return bool(moved and self.p_value < SIGNIFICANCE)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return {"mechanism": self.mechanism, "measure": self.measure, "expect": self.expect,
                "on": self.on, "off": self.off, "p_value": self.p_value, "runs": self.runs,
                "shown": self.shown}


def compare_runner(param_sets: list[dict[str, Any]], replicates: int,
                   seed: int) -> list[pd.DataFrame]:
    """Run each parameter set ``replicates`` times on common seeds (all cores)."""
    from alliancesim.compare.runner import run_comparison

    scenarios = [_scenario(k, params) for k, params in enumerate(param_sets)]
    outcomes = run_comparison(scenarios, replicates, seed, trajectories=False).outcomes
    return [outcomes[outcomes["scenario"] == name] for name in
            [s.name for s in scenarios]]


def serial_runner(param_sets: list[dict[str, Any]], replicates: int,
                  seed: int) -> list[pd.DataFrame]:
    """Like :func:`compare_runner`, in this process (for tests spread over processes)."""
    from alliancesim.model.timeline import simulate
    from alliancesim.scenarios import replicate_seeds

    seeds = replicate_seeds(seed, replicates)
    scenarios = [_scenario(k, params) for k, params in enumerate(param_sets)]
    return [pd.DataFrame([{**simulate(sc.params(), s, sc.interventions()).outcome,
                           "replicate": r} for r, s in enumerate(seeds)])
            for sc in scenarios]


def _scenario(k: int, params: Mapping[str, Any]) -> Any:
    """A parameter set (with its timeline, if any) as a scenario."""
    from alliancesim.scenarios import scenario_from_dict

    rest = {key: value for key, value in params.items() if key != TIMELINE}
    return scenario_from_dict({"name": f"set {k}", "parameters": rest,
                               "timeline": list(params.get(TIMELINE, []))})


def evaluate(check: AblationCheck, on_runs: pd.DataFrame, off_runs: pd.DataFrame) -> AblationResult:
    """Compare the measure between runs with the mechanism on and off."""
    if check.pooled is not None:
        return _evaluate_pooled(check, check.pooled, on_runs, off_runs)
    on = check.values(on_runs).dropna().to_numpy()
    off = check.values(off_runs).dropna().to_numpy()
    if len(on) == 0 or len(off) == 0 or np.ptp(np.concatenate([on, off])) == 0:
        p_value = 1.0
    else:
        p_value = float(stats.mannwhitneyu(on, off, alternative="two-sided").pvalue)
    return AblationResult(check.mechanism, check.measure, check.expect, float(np.mean(on)),
                          float(np.mean(off)), p_value, len(on_runs))


def _evaluate_pooled(check: AblationCheck, pooled: tuple[str, str], on_runs: pd.DataFrame,
                     off_runs: pd.DataFrame) -> AblationResult:
    """Two Poisson rates compared by the conditional binomial test (Przyborowski & Wilenski
    1940): given all events, those in the 'on' runs follow their share of the exposure."""
    events, exposure = pooled
    k_on, k_off = int(on_runs[events].sum()), int(off_runs[events].sum())
    t_on, t_off = float(on_runs[exposure].sum()), float(off_runs[exposure].sum())
    if k_on + k_off == 0 or t_on <= 0 or t_off <= 0:
        return AblationResult(check.mechanism, check.measure, check.expect, math.nan, math.nan,
                              1.0, len(on_runs))
    p_value = float(stats.binomtest(k_on, k_on + k_off, t_on / (t_on + t_off)).pvalue)
    return AblationResult(check.mechanism, check.measure, check.expect, k_on / t_on,
                          k_off / t_off, p_value, len(on_runs))


def measure(checks: tuple[AblationCheck, ...] = CHECKS, scale: float = 1.0,
            seed: int = ROOT_SEED, runner: Runner = compare_runner) -> list[AblationResult]:
    """Run every check with its mechanism on and off on common seeds: each check's own
    number of seeds times ``scale``."""
    results = []
    for replicates in sorted({c.replicates for c in checks}):
        group = [c for c in checks if c.replicates == replicates]
        param_sets = [c.params(on) for c in group for on in (True, False)]
        runs = runner(param_sets, max(2, round(replicates * scale)), seed)
        results += [evaluate(c, runs[2 * k], runs[2 * k + 1]) for k, c in enumerate(group)]
    order = {c.mechanism: k for k, c in enumerate(checks)}
    return sorted(results, key=lambda r: order[r.mechanism])


# --- the ODD section ----------------------------------------------------------------------
START = "<!-- ablation-table:start -->"
END = "<!-- ablation-table:end -->"


def _number(value: float) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:.3g}"


def markdown_table(results: list[dict[str, Any]]) -> str:
    """The ablation results as a Markdown table, one row per mechanism."""
    lines = ["| mechanism | what it does | measure | on | off | expected when off | p | shown |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        p = "< 0.001" if r["p_value"] < 0.001 else f"{r['p_value']:.3f}"
        lines.append(f"| `{r['mechanism']}` | {MECHANISMS[r['mechanism']]} | {r['measure']} | "
                     f"{_number(r['on'])} | {_number(r['off'])} | {r['expect']} | {p} | "
                     f"{'yes' if r['shown'] else 'no'} |")
    return "\n".join(lines)


def replace_section(text: str, results: list[dict[str, Any]]) -> str:
    """``text`` with the block between the markers replaced by the table of ``results``."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown_table(results)}\n{END}{tail}"


def main(argv: list[str] | None = None) -> None:
    """Measure every mechanism and write the results file and the ODD section."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=3.0,
                        help="seeds per check, as a multiple of what the tests use")
    parser.add_argument("--seed", type=int, default=ROOT_SEED)
    parser.add_argument("--write", type=Path, default=Path("docs/results/ablation.json"))
    parser.add_argument("--odd", type=Path, default=None,
                        help="a Markdown file whose ablation section to rewrite")
    args = parser.parse_args(argv)
    results = [r.as_dict() for r in measure(scale=args.scale, seed=args.seed)]
    args.write.parent.mkdir(parents=True, exist_ok=True)
    args.write.write_text(json.dumps({"scale": args.scale, "seed": args.seed,
                                      "results": results}, indent=1) + "\n")
    if args.odd is not None:
        args.odd.write_text(replace_section(args.odd.read_text(), results))
    for r in results:
        print(f"{r['mechanism']:24} {r['measure']:42} on {_number(r['on']):>8} "
              f"off {_number(r['off']):>8}  p {r['p_value']:.2g}  {'ok' if r['shown'] else 'NO'}")


if __name__ == "__main__":  # pragma: no cover
    main()
