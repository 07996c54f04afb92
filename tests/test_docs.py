"""The documents stay true: the ODD to the parameter definition, README and ODD tables to
the committed results they are written from."""

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
    text = text[text.index("<!-- parameter-table:start -->"):text.index(
        "<!-- parameter-table:end -->")]
    for p in PARAMETERS:
        assert text.count(f"| `{p.name}` |") == 1


ROOT = ODD.parents[1]


def test_every_table_in_the_documents_is_written_from_its_results():
    from alliancesim.report.blocks import BLOCK, DOCUMENTS, RENDERERS, stale_blocks

    for document in DOCUMENTS:
        names = [m.group("name") for m in BLOCK.finditer((ROOT / document).read_text())]
        assert set(names) <= set(RENDERERS) | {"parameter-table"}, document
        assert stale_blocks(ROOT / document, ROOT) == [], (
            f"{document} disagrees with docs/results: run python -m alliancesim.report.blocks")


def test_a_hand_edited_number_in_a_block_is_caught(tmp_path):
    from alliancesim.report.blocks import stale_blocks

    text = (ROOT / "docs" / "ODD.md").read_text()
    start = text.index("<!-- ablation-table:start -->")
    row = text.index("| `", start)
    edited = text[:row] + text[row:].replace(" | yes |", " | no |", 1)
    assert edited != text
    (tmp_path / "ODD.md").write_text(edited)
    assert stale_blocks(tmp_path / "ODD.md", ROOT) == ["ablation-table"]
