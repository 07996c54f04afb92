"""The code of one's own classes: which file each imported class came from, its SHA-256 and a
copy of it, so that a results folder can be tied to the code that made it.

A run may use a model, member (or any other :data:`~alliancesim.engine.classes.ROLES`)
class of one's own, named in a file as ``"package.module:Class"`` and imported with
``--allow-import``, or passed in Python. Its code is not part of alliancesim, so the git
commit and the versions in the manifest say nothing about it. For every such class the
manifest records, under ``provenance.imported_code``::

    "my_models:MentoredAlliance": {
      "roles": ["model_class"],
      "modules": [{
        "module": "my_models",                       # the module defining the class first,
        "file": "/home/me/study/my_models.py",       # then its packages' __init__ files and
        "root": "/home/me/study",                    # the modules of its own base classes
        "file_from_working_directory": "my_models.py",
        "file_from_scenario": "my_models.py",        # the folder of the scenario/experiment
        "file_from_results": "../../my_models.py",   # the results folder
        "sha256": "9f2c...",
        "copy": "imported_code/my_models.py"}]}       # the source as it ran, in the folder

Only the files of the class's own modules are kept, not the modules they import (whose
packages' versions the manifest lists); classes of alliancesim itself are not recorded.

``alliancesim replay --allow-import`` finds the module where the run found it: a module on
the Python path comes first (as for ``run``); else the recorded ``root`` folder, else that
folder taken relative to the results folder (a project moved with its results), else relative
to the working directory. With ``--use-recorded-code`` the copies saved in the results folder
are imported instead. Either way a module whose SHA-256 differs from the recorded one is
reported in one line naming both files and both hashes.
"""

from __future__ import annotations

import hashlib
import os
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from alliancesim.engine.store import CODE, atomic_write_bytes

KEY = "imported_code"  # the field of the manifest's "provenance" that holds the record


def imported_code(classes: Mapping[str, type | None] | Iterable[tuple[str, type | None]],
                  *, scenario_folder: Path | None = None,
                  results: Path | None = None) -> dict[str, Any]:
    """What the manifest records of the code of the classes of one's own, by import path.

    ``classes`` maps each role (``model_class``, ``member_class``, ...) to its class (None:
    the package's own), or is a list of such pairs (a comparison's scenarios may each name
    others). File paths are recorded absolute and relative to the working directory, to
    ``scenario_folder`` (the folder of the file that named the class) and to ``results``.
    """
    pairs = classes.items() if isinstance(classes, Mapping) else classes
    found: dict[str, dict[str, Any]] = {}
    for role, cls in pairs:
        if cls is None or _is_packaged(cls.__module__):
            continue
        entry = found.setdefault(class_key(cls), {
            "roles": [], "modules": [_module_record(name, scenario_folder, results)
                                     for name in _own_modules(cls)]})
        if role not in entry["roles"]:
            entry["roles"].append(role)
    return found


def save_imported_code(folder: Path, code: Mapping[str, Any]) -> None:
    """Copy the source of every module ``code`` records into ``folder/imported_code/``
    (each file written atomically) and make each recorded SHA-256 that of the bytes
    copied, so that the copy and its hash always agree."""
    for entry in code.values():
        for record in entry["modules"]:
            if not record.get("copy") or not record.get("file"):
                continue
            try:
                data = Path(record["file"]).read_bytes()
            except OSError:  # gone since it was imported: keep the hash, say there is no copy
                record["copy"] = None
                continue
            record["sha256"] = hashlib.sha256(data).hexdigest()
            target = folder / record["copy"]
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, data)


def keep_imported_code(folder: Path, classes: Mapping[str, type | None]
                       | Iterable[tuple[str, type | None]],
                       scenario_folder: Path | None = None) -> dict[str, Any]:
    """Record the code of the classes of one's own (:func:`imported_code`) and save its
    copies in the results ``folder``; returns the record for the manifest."""
    code = imported_code(classes, scenario_folder=scenario_folder, results=folder)
    save_imported_code(folder, code)
    return code


def code_changes(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """One line per module whose file now differs from the one recorded (to warn when
    results started with one version of one's code are resumed with another)."""
    then = _modules_by_name(recorded)
    changes = []
    for name, now in _modules_by_name(current).items():
        old = then.get(name)
        if old is not None and old.get("sha256") != now.get("sha256"):
            changes.append(_differs(name, now, old, "this session imports",
                                    "the runs already stored used"))
    return changes


def _differs(name: str, now: Mapping[str, Any], old: Mapping[str, Any], now_verb: str,
             then_verb: str) -> str:
    """The one line saying that a module is not the one recorded: both files, both hashes."""
    return (f"module {name!r} is not the code recorded: {now_verb} {now.get('file')} "
            f"(SHA-256 {now.get('sha256')}), {then_verb} {old.get('file')} (SHA-256 "
            f"{old.get('sha256')}); the results may differ")


# --- replay: finding the code again -------------------------------------------------------
def recorded_code(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The imported code a manifest records (empty for older folders and for runs of the
    package's own classes)."""
    found = (manifest.get("provenance") or {}).get(KEY) if isinstance(manifest, Mapping) else {}
    return found if isinstance(found, dict) else {}


def code_search_folder(recorded: Mapping[str, Any], spec: Any, results: Path,
                       use_recorded_code: bool = False) -> Path | None:
    """The folder to look in for the module of the class ``spec`` (an import path) names:
    the saved copies with ``use_recorded_code``, else the first recorded folder that holds
    the module's file (as recorded, from the results folder, from the working directory)."""
    first = _first_module(recorded, spec)
    if first is None:
        return None
    if use_recorded_code:
        return (results / CODE).resolve() if (results / CODE).is_dir() else None
    for folder in _candidate_roots(first, results):
        if (folder / _relative_source(first)).is_file():
            return folder
    return None


def loaded_code_differences(recorded: Mapping[str, Any],
                            classes: Iterable[type | None]) -> list[str]:
    """One line per recorded module of ``classes`` that this process loaded from a file
    whose SHA-256 is not the recorded one (or not from a file at all); a module shared by
    several classes is named once."""
    modules: dict[str, Mapping[str, Any]] = {}
    for cls in classes:
        for old in _modules_of(recorded, class_key(cls)) if cls else []:
            if old.get("sha256"):
                modules.setdefault(str(old.get("module")), old)
    lines = []
    for name, old in modules.items():
        module = sys.modules.get(name)
        file = _source_file(module) if module is not None else None
        now = {"file": file, "sha256": _sha256(Path(file)) if file else None}
        if now["sha256"] != old["sha256"]:
            lines.append(_differs(name, now, old, "the replay imported", "the run used"))
    return lines


def missing_code_hint(recorded: Mapping[str, Any], spec: Any, results: Path) -> str:
    """What to do when the module of ``spec`` cannot be found again: where the run found it,
    and the saved copy to use instead (empty when nothing is recorded)."""
    first = _first_module(recorded, spec)
    if first is None:
        return ""
    hint = f"; the run imported it from {first.get('file')}"
    if first.get("copy") and (results / str(first["copy"])).is_file():
        hint += (f": add --use-recorded-code to import the copy saved in {results / CODE} "
                 "(in Python: use_recorded_code=True)")
    return hint


def class_key(cls: type) -> str:
    """``module:QualName``: how the record (and the recipe) names a class."""
    return f"{cls.__module__}:{cls.__qualname__}"


def _modules_of(recorded: Mapping[str, Any], spec: Any) -> list[Mapping[str, Any]]:
    """The module records of the class ``spec`` names (a manifest edited by hand may hold
    anything: what is not a record is left out)."""
    entry = recorded.get(spec) if isinstance(spec, str) else None
    modules = entry.get("modules") if isinstance(entry, Mapping) else None
    if not isinstance(modules, list):
        return []
    return [m for m in modules if isinstance(m, Mapping) and isinstance(m.get("module"), str)]


def _first_module(recorded: Mapping[str, Any], spec: Any) -> Mapping[str, Any] | None:
    """The record of the module the import path ``spec`` imports: the one defining its
    class, or (a class named through the package that re-exports it) that package's."""
    modules = _modules_of(recorded, spec)
    if modules:
        return modules[0]
    name = spec.partition(":")[0] if isinstance(spec, str) else None
    return next((record for key in recorded for record in _modules_of(recorded, key)
                 if record["module"] == name), None)


# --- what a class's own code is -----------------------------------------------------------
def _is_packaged(module_name: str) -> bool:
    """Whether a module belongs to alliancesim (recorded by its version and commit)."""
    return module_name == "alliancesim" or module_name.startswith("alliancesim.")


def _own_modules(cls: type) -> list[str]:
    """The module defining ``cls``, its packages, and the modules of its base classes that
    are one's own too (not alliancesim, the standard library or an installed package)."""
    names: list[str] = []
    for index, klass in enumerate(cls.__mro__):
        name = klass.__module__
        if index and (_is_packaged(name) or not _is_own_file(sys.modules.get(name))):
            continue
        parts = name.split(".")
        for prefix in [".".join(parts[:n]) for n in range(1, len(parts) + 1)][::-1]:
            if prefix not in names:
                names.append(prefix)
    return names


def _is_own_file(module: ModuleType | None) -> bool:
    file = _source_file(module) if module is not None else None
    if file is None:
        return False
    installed = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib",
                                                        "platlib")}
    return not any(_is_within(Path(file), Path(folder)) for folder in installed)


def _module_record(name: str, scenario_folder: Path | None,
                   results: Path | None) -> dict[str, Any]:
    module = sys.modules.get(name)
    file = _source_file(module) if module is not None else None
    record: dict[str, Any] = {"module": name, "file": file}
    if file is None:  # defined in __main__ of an interactive session, or a namespace
        return {**record, "root": None, "sha256": None, "copy": None}
    path = Path(file)
    record["root"] = str(_root_of(path, name))
    record["file_from_working_directory"] = _relative(path, Path.cwd())
    if scenario_folder is not None:
        record["file_from_scenario"] = _relative(path, scenario_folder)
    if results is not None:
        record["file_from_results"] = _relative(path, results)
    record["sha256"] = _sha256(path)
    record["copy"] = (Path(CODE) / _relative_source(record)).as_posix() \
        if path.suffix == ".py" else None  # a compiled module has no source to keep
    return record


def _source_file(module: ModuleType) -> str | None:
    file = getattr(module, "__file__", None)
    return str(Path(file).resolve()) if file else None


def _relative_source(record: Mapping[str, Any]) -> Path:
    """``pkg/mod.py`` or ``pkg/__init__.py``: where the module's file sits under its root."""
    parts = str(record["module"]).split(".")
    if Path(str(record.get("file") or "")).name == "__init__.py":
        return Path(*parts, "__init__.py")
    return Path(*parts[:-1], f"{parts[-1]}.py")


def _root_of(path: Path, name: str) -> Path:
    """The folder on the Python path the module was found in."""
    depth = name.count(".") + (1 if path.name == "__init__.py" else 0)
    return path.parents[depth]


def _candidate_roots(record: Mapping[str, Any], results: Path) -> list[Path]:
    """Where the module's root folder may be now: as recorded, then its file's path from the
    results folder and from the working directory taken from where they are now."""
    candidates = []
    if record.get("root"):
        candidates.append(Path(str(record["root"])))
    depth = len(_relative_source(record).parts)
    for base, key in ((results.resolve(), "file_from_results"),
                      (Path.cwd(), "file_from_working_directory")):
        relative = record.get(key)
        file = (base / str(relative)).resolve() if relative else None
        if file is not None and len(file.parents) >= depth:
            candidates.append(file.parents[depth - 1])
    return candidates


def _relative(path: Path, base: Path) -> str | None:
    try:
        return Path(os.path.relpath(path, base.resolve())).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return None


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _modules_by_name(code: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(record.get("module")): record for entry in code.values()
            if isinstance(entry, Mapping)
            for record in entry.get("modules") or [] if isinstance(record, Mapping)}
