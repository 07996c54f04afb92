"""How robust the verdict between management modes is across the plausible parameter sets.

Every plausible point of the calibration ran each mode on the same seeds. At each point (a
"plausible world") the modes are ranked by their failure share and by their mean value
created; across the points we count how often each mode comes first, and how often one mode
beats another. The intervals are 95% percentile intervals of a bootstrap over the points (the
worlds). Each world's ranking comes from a few dozen runs per mode, so close calls are partly
luck: that noise pulls the shares towards a tie, never away from it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from alliancesim.params.definitions import MANAGEMENT_MODES

PAIRS = (("dedicated", "transversal"), ("dedicated", "hybrid"), ("hybrid", "transversal"),
         ("transversal", "none"), ("dedicated", "none"))


def _arrays(points: pd.DataFrame, modes: tuple[str, ...]) -> dict[str, np.ndarray]:
    n = points[[f"n_{m}" for m in modes]].to_numpy(dtype=float)
    return {"n": n,
            "failed": points[[f"failed_{m}" for m in modes]].to_numpy(dtype=float),
            "value": points[[f"value_{m}" for m in modes]].to_numpy(dtype=float)}


def _summaries(fail: np.ndarray, value: np.ndarray, modes: tuple[str, ...]) -> np.ndarray:
    """The shares of points where each mode fails least / creates most, and per pair the
    shares where the first fails less / creates more; ties count half to each."""
    out = []
    for table, best in ((fail, np.min), (value, np.max)):
        top = table == best(table, axis=1, keepdims=True)
        out.extend((top / top.sum(axis=1, keepdims=True)).mean(axis=0))
    index = {m: i for i, m in enumerate(modes)}
    for a, b in PAIRS:
        i, j = index[a], index[b]
        out.append(np.mean((fail[:, i] < fail[:, j]) + 0.5 * (fail[:, i] == fail[:, j])))
        out.append(np.mean((value[:, i] > value[:, j]) + 0.5 * (value[:, i] == value[:, j])))
    return np.array(out)


def robustness(points: pd.DataFrame, modes: tuple[str, ...] = MANAGEMENT_MODES,
               replicates: int = 2000, seed: int = 0) -> dict[str, Any]:
    """The verdict across the plausible set, with bootstrap intervals (see the module)."""
    a = _arrays(points, modes)
    fail = a["failed"] / a["n"]
    estimate = _summaries(fail, a["value"], modes)
    rng = np.random.default_rng(seed)
    draws = np.empty((replicates, len(estimate)))
    k = len(points)
    for r in range(replicates):
        pick = rng.integers(0, k, size=k)
        draws[r] = _summaries(fail[pick], a["value"][pick], modes)
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    cells = iter(zip(estimate, low, high, strict=True))

    def cell() -> dict[str, float]:
        e, lo, hi = next(cells)
        return {"share": float(e), "low": float(lo), "high": float(hi)}

    lowest = {m: cell() for m in modes}
    highest = {m: cell() for m in modes}
    pairs = [{"a": x, "b": y, "fails_less": cell(), "creates_more": cell()} for x, y in PAIRS]
    return {"points": k, "modes": list(modes), "lowest_failure": lowest,
            "highest_value": highest, "pairs": pairs, "replicates": replicates}


def _pct(c: dict[str, float]) -> str:
    return f"{c['share']:.0%} [{c['low']:.0%}, {c['high']:.0%}]"


def markdown(result: dict[str, Any]) -> str:
    """The verdict's robustness as two Markdown tables."""
    lines = ["| mode | lowest failure share | highest value created |", "|---|---|---|"]
    for m in result["modes"]:
        lines.append(f"| {m} | {_pct(result['lowest_failure'][m])} | "
                     f"{_pct(result['highest_value'][m])} |")
    lines += ["", "| comparison | fails less often | creates more value |", "|---|---|---|"]
    for p in result["pairs"]:
        lines.append(f"| {p['a']} against {p['b']} | {_pct(p['fails_less'])} | "
                     f"{_pct(p['creates_more'])} |")
    return "\n".join(lines)


def sentence(result: dict[str, Any], a: str = "dedicated", b: str = "transversal") -> str:
    """'dedicated fails less often than transversal in X% [..] of N plausible worlds ...'."""
    pair = next(p for p in result["pairs"] if p["a"] == a and p["b"] == b)
    return (f"across {result['points']} plausible parameter sets, *{a}* fails less often than "
            f"*{b}* in {_pct(pair['fails_less'])} of them and creates more value in "
            f"{_pct(pair['creates_more'])}")
