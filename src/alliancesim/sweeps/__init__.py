"""Parameter sweeps: experiment files, designs, a resumable runner and the analysis of results.

From Python::

    from alliancesim.sweeps import load_experiment, run_sweep, load_results, analyze

    summary = run_sweep("experiments/quick.toml", "results/quick", workers=2)
    runs = load_results("results/quick")           # one row per run (DataFrame)
    report = analyze("results/quick")              # indices, effects, figures
"""

from alliancesim.sweeps.analysis import (
    Analysis,
    AnalysisError,
    analyze,
    load_design,
    load_manifest,
    load_results,
    load_steps,
)
from alliancesim.sweeps.backends import BACKENDS, BackendError
from alliancesim.sweeps.design import DESIGN_KINDS, Design, Factor, make_design
from alliancesim.sweeps.experiment import (
    Experiment,
    ExperimentError,
    experiment_from_dict,
    load_experiment,
)
from alliancesim.sweeps.runner import SweepSummary, run_sweep
from alliancesim.sweeps.runs import run_seed
from alliancesim.sweeps.storage import ResultsError, ResultsStore

__all__ = [
    "BACKENDS",
    "DESIGN_KINDS",
    "Analysis",
    "AnalysisError",
    "BackendError",
    "Design",
    "Experiment",
    "ExperimentError",
    "Factor",
    "ResultsError",
    "ResultsStore",
    "SweepSummary",
    "analyze",
    "experiment_from_dict",
    "load_design",
    "load_experiment",
    "load_manifest",
    "load_results",
    "load_steps",
    "make_design",
    "run_seed",
    "run_sweep",
]
