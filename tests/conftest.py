"""Shared helpers for the test suite."""

from __future__ import annotations

import pytest

from alliancesim import AllianceModel


def run_until(model: AllianceModel, phase: str, limit: int = 120) -> AllianceModel:
    """Step ``model`` until it reaches ``phase``; fail the test if it never does."""
    while model.phase != phase:
        if not model.running or model.month >= limit:
            pytest.fail(f"model never reached {phase} (ended {model.phase} at {model.month})")
        model.step()
    return model


def evolving_model(seed: int = 0, **params) -> AllianceModel:
    """A model that has reached the evolving phase (searching seeds if one dissolves early)."""
    for offset in range(50):
        model = AllianceModel(rng=seed + offset, **params)
        while model.running and model.phase != "evolving":
            model.step()
        if model.phase == "evolving":
            return model
    pytest.fail("no seed reached the evolving phase")
