"""docs/extending.md runs as written: its files are written, its Python scripts and its
commands run in order in a fresh folder, each one succeeding; and what the page promises
shows in what they leave behind."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "extending.md"
FILE = re.compile(r"<!-- not run: file (\S+), ")
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def steps() -> list[tuple[str, str, str]]:
    """(kind, name, text) of every step of the page, in order: a file to write, a script
    to run, or a command to run."""
    text = PAGE.read_text(encoding="utf-8")
    found = []
    for match in BLOCK.finditer(text):
        language, body = match.group(1), match.group(2)
        before = text[:match.start()].rstrip().splitlines()[-1]
        named = FILE.match(before)
        if named:
            found.append(("file", named.group(1), body))
        elif language == "python":
            found.append(("script", f"script at line {text[:match.start()].count(chr(10)) + 1}",
                          body))
        elif language == "console":
            found += [("command", line[2:], line[2:]) for line in body.splitlines()
                      if line.startswith("$ ")]
    return found


def command_line(text: str) -> list[str]:
    words = shlex.split(text)
    assert words[0] == "alliancesim", text
    program = shutil.which("alliancesim", path=str(Path(sys.executable).parent))
    assert program is not None
    return [program, *words[1:]]


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The folder after every step of the page, and each step's printed output."""
    folder = tmp_path_factory.mktemp("extending")
    printed: dict[str, str] = {}
    for kind, name, body in steps():
        if kind == "file":
            (folder / name).write_text(body, encoding="utf-8")
            continue
        if kind == "script":
            script = folder / "step.py"
            script.write_text(body, encoding="utf-8")
            args = [sys.executable, str(script)]
        else:
            args = command_line(body)
        done = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=600,
                              env={"PATH": str(Path(sys.executable).parent), "COLUMNS": "200",
                                   "HOME": str(folder)})
        assert done.returncode == 0, f"{name}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        printed[name] = done.stdout
    return folder, printed


def test_the_page_has_every_step_the_issue_names():
    kinds = [(kind, name.split()[0] if kind == "command" else name)
             for kind, name, _ in steps()]
    commands = [name.split()[1] for kind, name, _ in steps() if kind == "command"]
    assert ("file", "coaching.py") in kinds
    assert {"run", "compare", "sweep", "analyze", "replay", "verdict"} <= set(commands)
    assert any(kind == "script" for kind, _ in kinds)


def test_the_walk_runs_and_coaching_raises_skill_at_a_cost(walked):
    _, printed = walked
    script = next(text for name, text in printed.items() if name.startswith("script"))
    lines = re.findall(r"mean skill ([\d.]+), management cost ([\d.]+)", script)
    (skill_off, cost_off), (skill_on, cost_on) = [(float(a), float(b)) for a, b in lines]
    assert skill_on > skill_off and cost_on > cost_off


def test_the_declared_parameters_are_listed_with_label_unit_and_range(walked):
    _, printed = walked
    listing = next(text for name, text in printed.items() if name.startswith(
        "alliancesim parameters"))
    for text in ("coaching_effort", "Coaching effort", "FTE-months", "[0, 0.5]",
                 "coaching:CoachedAlliance"):
        assert text in listing


def test_the_results_record_the_declared_parameters_and_the_code(walked):
    folder, printed = walked
    manifest = json.loads((folder / "out" / "coaching_sweep" / "manifest.json").read_text())
    declared = {p["name"] for p in manifest["declared_parameters"]}
    assert declared == {"coaching_effort", "coaching_gain", "certification_premium"}
    assert "coaching:CoachedAlliance" in json.dumps(manifest["provenance"]["imported_code"])
    runs = pd.read_parquet(folder / "out" / "coaching_sweep" / "runs")
    assert runs["coaching_effort"].between(0, 0.3).all() and runs["coaching_effort"].nunique() > 4
    replay = next(text for name, text in printed.items() if name.startswith("alliancesim replay"))
    assert "reproduced the stored outcome exactly" in replay
    report = (folder / "out" / "coaching_verdict" / "report.md").read_text().lower()
    assert "coaching effort" in report
    assert (folder / "out" / "coaching" / "report.md").is_file()
