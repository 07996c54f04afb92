"""The EMA Workbench as a neighbour: the alliance model as an EMA model, and any sweep
folder as EMA's ``(experiments, outcomes)`` pair.

:func:`ema_model` builds an ``ema_workbench.ReplicatorModel`` whose uncertainties, levers
and constants come from the parameter definition (:data:`alliancesim.params.PARAMETERS`,
or the parameters a model class of one's own declares) and whose outcomes are the scalar
entries of the model's outcome record, plus ``survived`` (not dissolved within the
horizon). Every experiment runs ``replicates`` seeded runs; the outcomes are the mean over
them (a share for yes/no outcomes) or, with ``replicates_as="array"``, one value per
replicate (an array of shape ``(experiments, replicates)``).

Seeds: EMA hands a model only the values of an experiment, not its index (its scenario
names come from a process-wide counter), so the seed of a run is derived from what the
experiment *is*: ``SeedSequence(seed, spawn_key=(*digest, replicate))``, with ``digest``
four 32-bit words of a hash of the uncertainties' values. The same experiment therefore
gets the same runs in any order, in any evaluator and in any later call; and, as in the
project's comparisons, every policy (management mode) of a scenario meets the same random
draws (common random numbers), so what differs between policies within a scenario is not
seed noise. ``common_seeds=False`` hashes the levers' values as well.

:func:`sweep_to_ema` reads a results folder of ``alliancesim sweep`` and returns what
``perform_experiments`` would: a DataFrame of the design's factors (plus the ``scenario``,
``policy`` and ``model`` columns EMA adds) and a dict of numpy arrays, with one row per run
(``replicates_as="rows"``, plus a ``replicate`` column), per design point averaged over its
replicates (``"mean"``) or per design point with one column per replicate (``"array"``).

The EMA Workbench is imported with :mod:`alliancesim.ema.model`, when one of its names
(:func:`ema_model`, ...) is first asked for: ``import alliancesim``, ``import
alliancesim.ema`` and :func:`sweep_to_ema` never load it. See docs/ema.md for an example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliancesim.lazy import lazy_exports

_EXPORTS = {
    "ema.model": ("DEFAULT_LEVERS", "MODEL_REPLICATES_AS", "SURVIVED", "ReplicateOutcome",
                  "RunReplicate", "available_outcomes", "ema_model", "scenario_key"),
    "ema.sweep": ("BOOKKEEPING", "EXPORT_REPLICATES_AS", "inputs_of", "sweep_to_ema"),
}
_MODULE_OF = {name: f"alliancesim.{module}" for module, names in _EXPORTS.items()
              for name in names}

__all__ = [
    "BOOKKEEPING",
    "DEFAULT_LEVERS",
    "EXPORT_REPLICATES_AS",
    "MODEL_REPLICATES_AS",
    "SURVIVED",
    "ReplicateOutcome",
    "RunReplicate",
    "available_outcomes",
    "ema_model",
    "inputs_of",
    "scenario_key",
    "sweep_to_ema",
]

__getattr__ = lazy_exports(__name__, _MODULE_OF)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from alliancesim.ema.model import (
        DEFAULT_LEVERS,
        MODEL_REPLICATES_AS,
        SURVIVED,
        ReplicateOutcome,
        RunReplicate,
        available_outcomes,
        ema_model,
        scenario_key,
    )
    from alliancesim.ema.sweep import (
        BOOKKEEPING,
        EXPORT_REPLICATES_AS,
        inputs_of,
        sweep_to_ema,
    )
