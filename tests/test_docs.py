"""The ODD description stays true to the single parameter definition."""

from pathlib import Path

from alliancesim.params import PARAMETERS
from alliancesim.params.table import replace_table

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def test_odd_parameter_table_matches_the_parameter_definition():
    text = ODD.read_text()
    assert replace_table(text) == text, (
        "docs/ODD.md is out of date: run python -m alliancesim.params.table docs/ODD.md")


def test_odd_lists_every_parameter_once():
    text = ODD.read_text()
    for p in PARAMETERS:
        assert text.count(f"| `{p.name}` |") == 1
