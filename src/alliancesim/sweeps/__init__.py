"""Parameter sweeps: experiment files, designs, a resumable runner and the analysis of results.

From Python::

    from alliancesim.sweeps import load_experiment, run_sweep, load_results, analyze

    summary = run_sweep("experiments/quick.toml", "results/quick", workers=2)
    runs = load_results("results/quick")           # one row per run (DataFrame)
    report = analyze("results/quick")              # indices, effects, figures

    # whole ecosystems (an experiment file with kind = "ecosystem"): the same run_sweep
    run_sweep("experiments/profession.toml", "out/profession", workers=2)
    tables = read_ecosystem_sweep("out/profession")  # runs, profession, alliances, ...

Names are imported on first use, so that worker processes, which need only
:mod:`alliancesim.engine.tasks`, do not load the analysis stack (matplotlib, SALib).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliancesim.lazy import lazy_exports

_EXPORTS = {
    "sweeps.analysis": ("Analysis", "AnalysisError", "analyze", "load_design", "load_manifest",
                        "load_results", "load_steps", "load_table"),
    "engine.backends": ("BACKENDS", "BackendError"),
    "sweeps.design": ("DESIGN_KINDS", "Design", "Factor", "make_design"),
    "sweeps.experiment": ("Experiment", "ExperimentError", "experiment_from_dict",
                          "load_experiment"),
    "sweeps.ecosystem": ("EcosystemExperiment", "load_any_experiment",
                         "read_ecosystem_sweep"),
    "sweeps.runner": ("SweepSummary", "run_sweep"),
    "engine.tasks": ("run_seed",),
    "engine.store": ("ResultsError", "ResultsStore"),
}
_MODULE_OF = {name: f"alliancesim.{module}" for module, names in _EXPORTS.items()
              for name in names}

__all__ = [
    "BACKENDS",
    "DESIGN_KINDS",
    "Analysis",
    "AnalysisError",
    "BackendError",
    "Design",
    "EcosystemExperiment",
    "Experiment",
    "ExperimentError",
    "Factor",
    "ResultsError",
    "ResultsStore",
    "SweepSummary",
    "analyze",
    "experiment_from_dict",
    "load_any_experiment",
    "load_design",
    "load_experiment",
    "load_manifest",
    "load_results",
    "load_steps",
    "load_table",
    "make_design",
    "read_ecosystem_sweep",
    "run_seed",
    "run_sweep",
]


__getattr__ = lazy_exports(__name__, _MODULE_OF)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from alliancesim.engine.backends import BACKENDS, BackendError
    from alliancesim.engine.store import ResultsError, ResultsStore
    from alliancesim.engine.tasks import run_seed
    from alliancesim.sweeps.analysis import (
        Analysis,
        AnalysisError,
        analyze,
        load_design,
        load_manifest,
        load_results,
        load_steps,
        load_table,
    )
    from alliancesim.sweeps.design import DESIGN_KINDS, Design, Factor, make_design
    from alliancesim.sweeps.ecosystem import (
        EcosystemExperiment,
        load_any_experiment,
        read_ecosystem_sweep,
    )
    from alliancesim.sweeps.experiment import (
        Experiment,
        ExperimentError,
        experiment_from_dict,
        load_experiment,
    )
    from alliancesim.sweeps.runner import SweepSummary, run_sweep
