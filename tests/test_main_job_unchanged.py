"""The main job (``make run``) still gives the results committed in ``docs/results``: a change
of the model's code that moves any outcome of the flagship comparison (a refactoring that was
meant to change nothing, a speed-up, the ecosystem stepping the same alliances) shows here.
A change meant to move results regenerates them with ``make results``."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "results" / "flagship_summary.csv"


def main_job_arguments() -> list[str]:
    """The arguments of ``alliancesim`` in the Makefile's ``run`` target."""
    makefile = (ROOT / "Makefile").read_text()
    line = re.search(r"^run:.*\n\t\$\(BIN\)/alliancesim (.+)$", makefile, re.MULTILINE)
    assert line, "the Makefile's run target no longer calls alliancesim"
    return shlex.split(line.group(1))


@pytest.mark.slow
def test_the_main_job_gives_the_committed_flagship_results(tmp_path):
    arguments = [tmp_path / "compare" if a == "out/compare" else a
                 for a in main_job_arguments()]
    done = subprocess.run([str(Path(sys.executable).with_name("alliancesim")), *map(str, arguments),
                           "--workers", "1"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    now = pd.read_csv(tmp_path / "compare" / "summary.csv")
    committed = pd.read_csv(COMMITTED)
    keys = ["outcome", "scenario"]
    assert now[keys].equals(committed[keys])
    assert (now["n"] == committed["n"]).all()
    for column in ("estimate", "ci_low", "ci_high"):
        np.testing.assert_allclose(now[column], committed[column], rtol=1e-9, atol=1e-12,
                                   err_msg=column, equal_nan=True)
