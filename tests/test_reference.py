"""What people look for first: the version, the license, how to cite, and an API reference
built from the docstrings with warnings as errors."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_license_file_is_the_mit_license_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_the_citation_file_names_this_version_and_license():
    fields = {}
    for line in (ROOT / "CITATION.cff").read_text().splitlines():
        key, _, value = line.partition(":")
        if value.strip() and not line.startswith(" "):
            fields[key] = value.strip().strip('"')
    assert fields["cff-version"] == "1.2.0" and fields["license"] == "MIT"
    assert fields["version"] == metadata.version("alliancesim")
    assert fields["title"].startswith("alliancesim")


def test_the_api_reference_builds_from_the_docstrings_without_a_warning(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "docs/mkdocs.yml",
                           "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "site" / "api" / "index.html").read_text()
    for name in ("model.timeline.simulate", "compare.comparison.compare_scenarios",
                 "sweeps.runner.run_sweep", "single.replay", "sweeps.figures.morris_figure",
                 "engine.tasks.Recording", "model.model.AllianceModel"):
        assert f'id="alliancesim.{name}"' in page, name
