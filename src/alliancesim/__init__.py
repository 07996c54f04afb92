"""alliancesim: agent-based simulation of alliance dynamics on Mesa.

The names below are imported on first use: the command line (``alliancesim --help``, a
message about a broken file) must not wait for Mesa, pandas and SciPy to load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alliancesim.lazy import lazy_exports

_MODULE_OF = {
    "AllianceManager": "alliancesim.model",
    "AllianceModel": "alliancesim.model",
    "MemberOrganization": "alliancesim.model",
    "Intervention": "alliancesim.model.timeline",
    "SimulationResult": "alliancesim.model.timeline",
    "run_model": "alliancesim.model.timeline",
    "simulate": "alliancesim.model.timeline",
    "PARAMETERS": "alliancesim.params",
    "ParameterError": "alliancesim.params",
    "Recording": "alliancesim.engine.tasks",
    "replay": "alliancesim.single",
}

__all__ = [
    "PARAMETERS",
    "AllianceManager",
    "AllianceModel",
    "Intervention",
    "MemberOrganization",
    "ParameterError",
    "Recording",
    "SimulationResult",
    "__version__",
    "replay",
    "run_model",
    "simulate",
]


def _version() -> str:
    """The installed package's version (from its metadata, the one place it is written)."""
    from importlib import metadata

    try:
        return metadata.version("alliancesim")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "unknown"


_imported_on_first_use = lazy_exports(__name__, _MODULE_OF)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = _version()
        return globals()[name]
    return _imported_on_first_use(name)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from alliancesim.engine.tasks import Recording
    from alliancesim.model import AllianceManager, AllianceModel, MemberOrganization
    from alliancesim.model.timeline import Intervention, SimulationResult, run_model, simulate
    from alliancesim.params import PARAMETERS, ParameterError
    from alliancesim.single import replay
