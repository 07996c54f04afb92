"""Validation against empirical patterns: estimators, calibration patterns, out-of-sample
predictions, the calibration by history matching and the verdict across plausible worlds."""

from alliancesim.validation.metrics import (
    Estimate,
    failure_share,
    hazard_by_age,
    is_inverted_u,
    median_lifetime,
    share_ended_within,
    survival,
)
from alliancesim.validation.patterns import PATTERNS, Pattern, dissolution_hazard, evaluate

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
    "share_ended_within",
    "survival",
]
