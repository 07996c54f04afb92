"""Provenance: what it takes to know where a results folder came from.

Every output folder (``run``, ``compare``, ``validate``, ``sweep``, ``replay``) gets a
``manifest.json`` holding the command line, the versions of Python, alliancesim (with its
git commit and whether the checkout had uncommitted changes) and every installed
distribution, the operating system, and the seeds and the seed scheme of the runs. When the
runs use classes of one's own (``model_class``, ``member_class``: imported with
``--allow-import`` or passed in Python), ``provenance.imported_code`` records the file, the
SHA-256 and a saved copy of each of their modules (see :mod:`alliancesim.engine.owncode`).
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from alliancesim.engine.store import MANIFEST, atomic_write_bytes, now

# The seed schemes, in words a reader of a manifest can follow.
SWEEP_SEED_SCHEME = (
    "run (point, replicate) uses numpy.random.SeedSequence(root_seed, spawn_key=(point, "
    "replicate)) = SeedSequence(root_seed).spawn(points)[point].spawn(replicates)[replicate]; "
    "run_id = point * replicates + replicate")
COMMON_SWEEP_SEED_SCHEME = (
    "run (point, replicate) uses numpy.random.SeedSequence(root_seed, spawn_key=(replicate,)) "
    "= SeedSequence(root_seed).spawn(replicates)[replicate], the same at every point (common "
    "random numbers); run_id = point * replicates + replicate")
COMPARE_SEED_SCHEME = (
    "replicate r of every scenario uses numpy.random.SeedSequence(seed, spawn_key=(r,)) = "
    "SeedSequence(seed).spawn(replicates)[r] (common random numbers); "
    "run_id = scenario index * replicates + r")
SINGLE_SEED_SCHEME = ("the run uses numpy.random.SeedSequence(seed, spawn_key=key) with the "
                      "key recorded in its row (empty: SeedSequence(seed))")


def command_line() -> str:
    """The command as typed (program name and arguments), quoted for a shell."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else sys.executable
    return shlex.join([program, *sys.argv[1:]])


def source_state() -> dict[str, Any]:
    """The git commit of the package source and whether it had uncommitted changes, when it
    runs from a checkout; empty otherwise (an installed wheel)."""
    package = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=package, capture_output=True,
                              text=True, timeout=5, check=True).stdout.strip()
        changes = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=package,
                                 capture_output=True, text=True, timeout=5,
                                 check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"commit": head, "dirty": bool(changes)}


@cache  # what is installed does not change while this process runs
def distributions() -> dict[str, str]:
    """Every distribution installed in this environment, by name (a superset of the
    package's dependencies, so nothing that could matter is left out)."""
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[name] = dist.version
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def provenance(seeds: dict[str, Any], seed_scheme: str,
               imported_code: dict[str, Any] | None = None) -> dict[str, Any]:
    """Where a set of runs came from: command, software, machine, seeds, and the code of
    the classes of one's own they used (from :func:`alliancesim.engine.owncode.imported_code`;
    empty when they use the package's own)."""
    try:
        version = metadata.version("alliancesim")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {
        "command": command_line(),
        "working_directory": os.getcwd(),
        "created": now(),
        "python": {"version": platform.python_version(),
                   "implementation": platform.python_implementation(),
                   "executable": sys.executable},
        "alliancesim": {"version": version, **source_state()},
        "os": {"system": platform.system(), "release": platform.release(),
               "machine": platform.machine(), "platform": platform.platform()},
        "seeds": seeds,
        "seed_scheme": seed_scheme,
        "dependencies": dict(distributions()),
        "imported_code": imported_code or {},
    }


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest`` as ``folder/manifest.json`` (atomically) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MANIFEST
    manifest["updated"] = now()
    atomic_write_bytes(path, json.dumps(manifest, indent=2, default=str).encode())
    return path
