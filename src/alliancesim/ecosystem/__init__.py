"""A population of organizations with alliance portfolios over decades (see
``docs/ecosystem.md``): :class:`EcosystemModel` and :func:`run_ecosystem`."""

from alliancesim.ecosystem.model import EcosystemModel
from alliancesim.ecosystem.parameters import (
    ECOSYSTEM_MECHANISMS,
    ECOSYSTEM_PARAMETERS,
    ecosystem_mechanism_off,
    make_ecosystem_params,
)
from alliancesim.ecosystem.scenario import load_ecosystem_scenario, run_ecosystem

__all__ = ["ECOSYSTEM_MECHANISMS", "ECOSYSTEM_PARAMETERS", "EcosystemModel",
           "ecosystem_mechanism_off", "load_ecosystem_scenario", "make_ecosystem_params",
           "run_ecosystem"]
