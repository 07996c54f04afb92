"""Scripted scenario comparisons: common random numbers, statistics, figures, a report.

Example::

    from pathlib import Path
    from alliancesim.compare import compare_scenarios, write_report
    comparison = compare_scenarios(["dedicated_manager", "transversal_skill"])
    comparison.summary()
    write_report(comparison, Path("out/compare"))
"""

from alliancesim.compare.comparison import (
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    Comparison,
    check_unique_names,
    compare_scenarios,
)
from alliancesim.compare.report import format_summary, write_raw_tables, write_report
from alliancesim.compare.runner import IncompleteComparison
from alliancesim.compare.statistics import OUTCOMES, OutcomeSpec, summarize

__all__ = [
    "DEFAULT_REPLICATES",
    "DEFAULT_SEED",
    "OUTCOMES",
    "Comparison",
    "IncompleteComparison",
    "OutcomeSpec",
    "check_unique_names",
    "compare_scenarios",
    "format_summary",
    "summarize",
    "write_raw_tables",
    "write_report",
]
