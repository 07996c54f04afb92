"""A population of organizations with alliance portfolios over decades (see
``docs/ecosystem.md``): :class:`EcosystemModel` and :func:`run_ecosystem`.

Names are imported on first use, so that checking an ecosystem experiment file (which reads
the parameter definitions) loads neither Mesa nor pandas."""

from alliancesim.lazy import lazy_exports

_MODULE_OF = {
    "EcosystemModel": "alliancesim.ecosystem.model",
    "ECOSYSTEM_MECHANISMS": "alliancesim.ecosystem.parameters",
    "ECOSYSTEM_PARAMETERS": "alliancesim.ecosystem.parameters",
    "ecosystem_mechanism_off": "alliancesim.ecosystem.parameters",
    "make_ecosystem_params": "alliancesim.ecosystem.parameters",
    "load_ecosystem_scenario": "alliancesim.ecosystem.scenario",
    "run_ecosystem": "alliancesim.ecosystem.scenario",
}
__all__ = sorted(_MODULE_OF)
__getattr__ = lazy_exports(__name__, _MODULE_OF)
