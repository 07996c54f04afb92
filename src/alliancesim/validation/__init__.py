"""Validation against empirical patterns: estimators, targets, reports and calibration."""

from alliancesim.validation.metrics import (
    Estimate,
    failure_share,
    hazard_by_age,
    is_inverted_u,
    median_lifetime,
    share_ended_within,
    survival,
    trust_asymmetry,
)
from alliancesim.validation.patterns import PATTERNS, Pattern, dissolution_hazard, evaluate, score

__all__ = [
    "PATTERNS",
    "Estimate",
    "Pattern",
    "dissolution_hazard",
    "evaluate",
    "failure_share",
    "hazard_by_age",
    "is_inverted_u",
    "median_lifetime",
    "score",
    "share_ended_within",
    "survival",
    "trust_asymmetry",
]
