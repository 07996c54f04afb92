"""The three tutorials run, as notebooks, in a fresh kernel, in seconds, and leave the files
they promise."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = {
    "01_one_alliance.py": ["one_alliance.png", "one_member.png", "network_month_36.graphml"],
    "02_own_scenario.py": [],
    "03_sweep_sensitivity.py": ["morris_value_total.pdf", "morris_analysis/indices.csv",
                                "morris/manifest.json"],
}
ARTIFACTS = ROOT / "test-artifacts"


def test_every_tutorial_is_listed_here_and_in_the_readme():
    found = {p.name for p in (ROOT / "docs" / "tutorials").glob("[0-9]*.py")}
    assert found == set(TUTORIALS)
    readme = (ROOT / "README.md").read_text()
    assert all(f"docs/tutorials/{name}" in readme for name in TUTORIALS)


@pytest.mark.parametrize("name", list(TUTORIALS))
def test_the_tutorial_runs_as_a_notebook(name, tmp_path):
    notebook = jupytext.read(ROOT / "docs" / "tutorials" / name)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    started = time.monotonic()
    client.execute()
    seconds = time.monotonic() - started
    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors, errors[0]
    printed = "".join(output.get("text", "") for cell in notebook.cells
                      for output in cell.get("outputs", []))
    assert "Traceback" not in printed
    for produced in TUTORIALS[name]:
        assert (tmp_path / "tutorial_output" / produced).is_file(), produced
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"tutorial_{name.removesuffix('.py')}.json").write_text(
        json.dumps({"tutorial": name, "seconds": round(seconds, 2)}))
    assert seconds < 120, f"{name} took {seconds:.0f} s; tutorials must run in seconds"
