"""What the drivers analysis reads from its runs, and the README block about the price."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliancesim.params import MANAGEMENT_MODES, MECHANISMS
from alliancesim.report.blocks import management_price_table
from alliancesim.validation.drivers import ALL_ON, drivers, gap


def _mode(failed: float, se: float = 0.02) -> dict[str, float]:
    return {"failed": failed, "failed_se": se, "value": 50.0, "value_se": 1.0, "runs": 100}


def _results(changed: dict[str, dict[str, float]],
             everywhere: dict[str, float] | None = None) -> dict:
    """Every mode fails 50% in every setting (or as ``everywhere`` says), except where
    ``changed`` says otherwise."""
    rows = []
    for setting in (ALL_ON, *MECHANISMS):
        shares = ({mode: 0.5 for mode in MANAGEMENT_MODES} | (everywhere or {})
                  | changed.get(setting, {}))
        rows.append({"setting": setting, "off": {},
                     "modes": {mode: _mode(share) for mode, share in shares.items()}})
    return {"replicates": 100, "seed": 1, "reference": "dedicated", "rows": rows}


def test_gap_is_taken_against_the_reference_asked_for() -> None:
    summary = {"dedicated": _mode(0.3), "transversal": _mode(0.6), "none": _mode(0.5)}
    assert gap(summary, "transversal", "failed") == pytest.approx((0.3, 0.02 * 2 ** 0.5))
    assert gap(summary, "transversal", "failed", "none")[0] == pytest.approx(0.1)


@pytest.mark.parametrize("reference", ["dedicated", "none"])
def test_the_mechanism_that_makes_the_gap_ranks_first(reference: str) -> None:
    # Transversal fails 20 points more than the others, unless learning by doing is off.
    results = _results({"learning_by_doing": {"transversal": 0.5}}, {"transversal": 0.7})
    table = drivers(results, "transversal", "failed", reference)
    assert set(table["mechanism"]) == set(MECHANISMS)
    first = table.iloc[0]
    assert first["mechanism"] == "learning_by_doing"
    assert first["made_by_it"] == pytest.approx(0.2)
    assert first["z"] == pytest.approx(0.2 / 0.04)
    assert table["made_by_it"].iloc[1:].abs().max() == pytest.approx(0.0)


def _block(tmp_path: Path, results: dict) -> str:
    (tmp_path / "docs" / "results").mkdir(parents=True)
    (tmp_path / "docs" / "results" / "mode_drivers.json").write_text(json.dumps(results))
    return management_price_table(tmp_path)


def test_price_block_says_which_modes_the_price_puts_behind_no_management(tmp_path: Path) -> None:
    text = _block(tmp_path, _results({
        ALL_ON: {"transversal": 0.7, "dedicated": 0.3},
        "management_cost": {"transversal": 0.3, "dedicated": 0.3},
    }))
    assert "| *transversal* | 70% | +20% | 30% | -20% | +40% (+10.0) |" in text
    assert "| *dedicated* | 30% | -20% | 30% | -20% | +0% (+0.0) |" in text
    assert "Priced, *transversal* fails more often than *none*" in text
    assert "free of charge, *dedicated*, *transversal* fail less often" in text
    assert "changes the gap of *transversal*." in text


def test_price_block_when_the_price_changes_nothing(tmp_path: Path) -> None:
    text = _block(tmp_path, _results({}))
    assert "Priced, no mode fails more often" in text
    assert "changes the gap of no mode." in text
