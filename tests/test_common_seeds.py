"""Common random numbers in sweeps, and the dummy factor of index designs: replicate r of
every point draws from one seed when asked (by default for sobol and morris), the manifest
records it, and it is part of the fingerprint."""

from __future__ import annotations

import json

import pytest

from alliancesim.sweeps import (
    ExperimentError,
    experiment_from_dict,
    load_design,
    load_results,
    run_sweep,
)
from alliancesim.sweeps.design import DUMMY

LHS = {
    "name": "crn",
    "seed": 3,
    "replicates": 2,
    "horizon": 12,
    "vary": {"n_members": {"low": 3, "high": 6}},
    "design": {"kind": "lhs", "samples": 3},
}
SOBOL = {**LHS, "vary": {"n_members": {"low": 3, "high": 6}, "openness_mean": {}},
         "design": {"kind": "sobol", "samples": 2}}


def _keys(folder) -> dict[tuple[int, int], tuple[int, ...]]:
    runs = load_results(folder)
    return {(int(p), int(r)): tuple(int(x) for x in k) for p, r, k in
            zip(runs["point"], runs["replicate"], runs["seed_spawn_key"], strict=True)}


def test_common_seeds_give_replicate_r_of_every_point_the_same_seed(tmp_path):
    exp = experiment_from_dict({**LHS, "design": {**LHS["design"], "common_seeds": True}})
    run_sweep(exp, tmp_path, backend="inprocess")
    keys = _keys(tmp_path)
    assert {keys[(p, 0)] for p in range(3)} == {(0,)}
    assert {keys[(p, 1)] for p in range(3)} == {(1,)}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["common_seeds"] is True
    assert "spawn_key=(replicate,)" in manifest["seed_scheme"]


def test_without_common_seeds_every_point_draws_its_own(tmp_path):
    run_sweep(experiment_from_dict(LHS), tmp_path, backend="inprocess")
    keys = _keys(tmp_path)
    assert len(set(keys.values())) == 6
    assert json.loads((tmp_path / "manifest.json").read_text())["common_seeds"] is False


def test_index_designs_share_seeds_and_sample_a_dummy_factor_by_default(tmp_path):
    exp = experiment_from_dict(SOBOL)
    assert exp.design.shares_seeds and exp.design.has_dummy
    run_sweep(exp, tmp_path, backend="inprocess")
    design = load_design(tmp_path)
    assert [f.name for f in design.ranged] == ["n_members", "openness_mean", DUMMY]
    assert design.n_points == 2 * (3 + 2)  # Saltelli: N (d + 2), the dummy counted
    runs = load_results(tmp_path)
    assert DUMMY not in runs.columns  # the model never sees it
    assert set(_keys(tmp_path).values()) == {(0,), (1,)}


def test_the_options_are_part_of_the_fingerprint_only_when_on():
    plain = experiment_from_dict(LHS)
    explicit_off = experiment_from_dict({**LHS, "design": {**LHS["design"],
                                                           "common_seeds": False}})
    on = experiment_from_dict({**LHS, "design": {**LHS["design"], "common_seeds": True}})
    assert plain.fingerprint() == explicit_off.fingerprint()
    assert on.fingerprint() != plain.fingerprint()
    no_dummy = experiment_from_dict({**SOBOL, "design": {**SOBOL["design"], "dummy": False}})
    assert no_dummy.fingerprint() != experiment_from_dict(SOBOL).fingerprint()


def test_a_dummy_factor_outside_an_index_design_is_refused():
    with pytest.raises(ExperimentError, match=r"design\.dummy"):
        experiment_from_dict({**LHS, "design": {**LHS["design"], "dummy": True}})
