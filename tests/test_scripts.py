"""Safe from plain scripts: functions that start worker processes refuse, at once and in
words, a script without ``if __name__ == "__main__":``; the Python examples of README and the
docs pages run as scripts exactly as printed; the docs show experiments/quick.toml as it is."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# README and the pages under docs/, each as (path from the root, text).
DOCUMENTS = [(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
             for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]]
NOT_RUN = "<!-- not run:"
CALLS = {
    "compare_scenarios": ("from alliancesim.compare import compare_scenarios",
                          'compare_scenarios(["dedicated_manager", "hybrid"], replicates=4, '
                          "workers=2)"),
    "run_sweep": ("from alliancesim.sweeps import run_sweep",
                  'run_sweep("experiments/quick.toml", "results/q", workers=2)'),
    "default_runs": ("from alliancesim.validation.run import default_runs",
                     "default_runs(20, 1, workers=2)"),
}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A working folder that sees the project's scenarios and experiments, as a clone does."""
    for name in ("scenarios", "experiments"):
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def run_script(folder: Path, text: str, timeout: float = 240) -> subprocess.CompletedProcess:
    script = folder / "script.py"
    script.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], cwd=folder, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("name", list(CALLS))
def test_an_unguarded_script_is_refused_at_once_with_what_to_add(project, name):
    imports, call = CALLS[name]
    started = time.monotonic()
    done = run_script(project, f"{imports}\n\nresult = {call}\nprint('finished')\n")
    assert done.returncode != 0 and "finished" not in done.stdout
    assert time.monotonic() - started < 60  # no pool was started, broken and restarted
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("alliancesim.engine.guard.MainGuardError")
    assert 'if __name__ == "__main__":' in last and "workers=1" in last
    assert "line 3 would run again" in last
    assert "BrokenProcessPool" not in done.stderr and "died" not in done.stderr


def test_the_same_script_guarded_runs_on_two_workers(project):
    imports, call = CALLS["compare_scenarios"]
    done = run_script(project, f"{imports}\n\n\ndef main():\n    return {call}\n\n\n"
                               "if __name__ == \"__main__\":\n    print(len(main().outcomes))\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "8"


def test_an_unguarded_script_on_one_worker_needs_no_guard(project):
    done = run_script(project, "from alliancesim.compare import compare_scenarios\n"
                               'c = compare_scenarios(["hybrid"], replicates=3, workers=1)\n'
                               "print(len(c.outcomes))\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"


def python_blocks() -> list[tuple[str, str]]:
    """(where, code) of every Python block of README and the docs pages not marked as not
    run; where is the document and the line the block starts on."""
    blocks = []
    for name, text in DOCUMENTS:
        for match in re.finditer(r"```python\n(.*?)```", text, re.DOTALL):
            before = text[:match.start()].rstrip().splitlines()[-1]
            if not before.startswith(NOT_RUN):
                line = text[:match.start()].count("\n") + 1
                blocks.append((f"{name}:{line}", match.group(1)))
    return blocks


def test_the_examples_are_found():
    names = {where.split(":")[0] for where, _ in python_blocks()}
    assert "README.md" in names and len(python_blocks()) >= 5


@pytest.mark.parametrize(("where", "code"), python_blocks(),
                         ids=[where for where, _ in python_blocks()])
def test_python_examples_run_as_plain_scripts(project, where, code):
    done = run_script(project, code)
    assert done.returncode == 0, f"{where}:\n{done.stderr[-3000:]}"


def test_the_docs_show_the_quick_experiment_as_it_is():
    listings = [m.group(1) for _, text in DOCUMENTS
                for m in re.finditer(r"```toml\n(# experiments/quick\.toml.*?)```", text,
                                     re.DOTALL)]
    assert listings
    for listing in listings:
        assert listing == (ROOT / "experiments" / "quick.toml").read_text()


def test_every_python_block_not_run_says_why():
    for _, text in DOCUMENTS:
        for match in re.finditer(re.escape(NOT_RUN) + r"(.*?)-->", text):
            assert match.group(1).strip(), "a block marked as not run must say why"
