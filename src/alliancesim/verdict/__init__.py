"""The verdict: under which conditions is alliance management best as a profession, a shared
skill, or both?

The management modes run *paired* (one sweep per mode over the same design with the same
seeds) over a global design of the alliance's conditions and the model's assumptions; the
paired differences per design point get intervals from the replicates ("no clear winner"
where they include zero), Sobol or Morris indices say which factors move them, PRIM boxes
(EMA Workbench) say where each mode wins, and maps show the winner over the two most
influential factors. From Python::

    from alliancesim.verdict import run_verdict

    result = run_verdict("experiments/verdict.toml", "results/verdict", workers=2)
    result.analysis.point_differences      # per point, pair and outcome
    result.report                          # results/verdict/report.md

Names are imported on first use, so that loading the package costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliancesim.lazy import lazy_exports

_EXPORTS = {
    "spec": ("OUTCOMES", "VerdictExperiment", "load_verdict", "verdict_from_dict"),
    "run": ("VerdictResult", "run_verdict"),
    "analysis": ("VerdictAnalysis", "analyse"),
    "paired": ("NO_WINNER", "PairingError", "winner"),
    "discovery": ("Box", "find_box"),
}
_MODULE_OF = {name: f"alliancesim.verdict.{module}" for module, names in _EXPORTS.items()
              for name in names}

__all__ = [
    "NO_WINNER",
    "OUTCOMES",
    "Box",
    "PairingError",
    "VerdictAnalysis",
    "VerdictExperiment",
    "VerdictResult",
    "analyse",
    "find_box",
    "load_verdict",
    "run_verdict",
    "verdict_from_dict",
    "winner",
]


__getattr__ = lazy_exports(__name__, _MODULE_OF)


if TYPE_CHECKING:
    from alliancesim.verdict.analysis import VerdictAnalysis, analyse
    from alliancesim.verdict.discovery import Box, find_box
    from alliancesim.verdict.paired import NO_WINNER, PairingError, winner
    from alliancesim.verdict.run import VerdictResult, run_verdict
    from alliancesim.verdict.spec import (
        OUTCOMES,
        VerdictExperiment,
        load_verdict,
        verdict_from_dict,
    )
