"""What breaks each calibration pattern: one parameter moved, inside its range, that puts the
pattern outside its band. A pattern no setting can break would be no check.

Candidates come from the calibration's design points: for each pattern, the parameter whose
range moves it most (a linear fit of the pattern over the normalised design; for the yes/no
inverted U, the difference in how often it holds between the bottom and top thirds of each
range), at the end of its calibration range that moves it away from the band, then at the end
of the range the parameter definition allows. Each candidate is run at the defaults with
that one change (every mode of the calibration mix, common seeds) until one breaks the
pattern.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from alliancesim.params import PARAMETERS_BY_NAME
from alliancesim.validation.mixture import CALIBRATION_MIX, Mix
from alliancesim.validation.patterns import PATTERNS, Pattern, evaluate


def _unit(scores: pd.DataFrame, ranges: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame({f: (scores[f] - lo) / (hi - lo) for f, (lo, hi) in ranges.items()})


def _effects(scores: pd.DataFrame, ranges: dict[str, tuple[float, float]],
             key: str) -> pd.Series:
    """How much each factor moves the pattern across its range (signed)."""
    unit = _unit(scores, ranges)
    y = scores[key].to_numpy(dtype=float)
    if key == "inverted_u_hazard":
        return pd.Series({f: y[unit[f] > 2 / 3].mean() - y[unit[f] < 1 / 3].mean()
                          for f in ranges})
    ok = np.isfinite(y)
    x = np.column_stack([np.ones(ok.sum()), unit[ok].to_numpy()])
    coef = np.linalg.lstsq(x, y[ok], rcond=None)[0][1:]
    return pd.Series(coef, index=list(ranges))


def candidates(scores: pd.DataFrame, ranges: dict[str, tuple[float, float]],
               key: str, count: int = 3, patterns: tuple[Pattern, ...] = PATTERNS
               ) -> list[tuple[str, float]]:
    """Single-parameter settings likely to push pattern ``key`` out of its band."""
    pattern = next(p for p in patterns if p.key == key)
    effects = _effects(scores, ranges, key)
    out: list[tuple[str, float]] = []
    for factor in effects.abs().sort_values(ascending=False).index[:count]:
        effect = effects[factor]
        if pattern.unit == "yes/no":
            up = effect < 0  # towards where the inverted U holds less often
        else:
            # away from the band: push the pattern further from the target's side it is on
            centre = scores[key].median()
            up = (effect > 0) == (centre >= pattern.target)
        lo, hi = ranges[factor]
        param = PARAMETERS_BY_NAME[factor]
        out.append((factor, hi if up else lo))
        out.append((factor, float(param.high if up else param.low)))
    return out


def find_breaks(scores: pd.DataFrame, ranges: dict[str, tuple[float, float]],
                base: dict[str, Any], replicates: int, seed: int,
                workers: int | None = None, *, mix: Mix = CALIBRATION_MIX,
                patterns: tuple[Pattern, ...] = PATTERNS) -> pd.DataFrame:
    """For every calibration pattern, the first candidate setting that breaks it (runs of
    every mode of ``mix``)."""
    from alliancesim.validation.run import mix_runs

    tried: dict[tuple[str, float], pd.DataFrame] = {}
    rows = []
    for pattern in patterns:
        row: dict[str, Any] = {"pattern": pattern.key, "description": pattern.description,
                               "band": pattern.band(), "broken": False}
        for factor, value in candidates(scores, ranges, pattern.key, patterns=patterns):
            if (factor, value) not in tried:
                runs = mix_runs(replicates, seed, {**base, factor: value}, mix,
                                workers=workers)
                tried[(factor, value)] = evaluate(runs, mix, patterns=patterns
                                                  ).set_index("pattern")
            result = tried[(factor, value)].loc[pattern.key]
            row.update(parameter=factor, default=base.get(factor,
                                                          PARAMETERS_BY_NAME[factor].default),
                       setting=value, value=result["value"], low=result["low"],
                       high=result["high"], broken=not bool(result["inside"]))
            if row["broken"]:
                break
        rows.append(row)
    return pd.DataFrame(rows)
