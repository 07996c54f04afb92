"""One run into a folder, through the run engine: ``alliancesim run`` and ``replay``.

:func:`run_into` runs one seeded alliance in this process with every table recorded and
stores it like any other results folder (``manifest.json``, ``runs/``, ``steps/``,
``events/``, ``panel/``, ``network/``), so a single run has the same provenance as a
sweep and can itself be replayed.

:func:`replay` reruns one run of any results folder (a sweep, a comparison, a validation or
a single run) from what its manifest and its row recorded: the parameters, the timeline,
the model classes and the seed, and returns (and writes) its full tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliancesim.bounds import check_month, check_months, shown
from alliancesim.engine.classes import (
    ROLES,
    ClassImportError,
    class_path,
    classes_by_role,
    resolve_class,
)
from alliancesim.engine.execute import EngineOptions, execute
from alliancesim.engine.owncode import (
    code_search_folder,
    keep_imported_code,
    loaded_code_differences,
    missing_code_hint,
    recorded_code,
)
from alliancesim.engine.provenance import SINGLE_SEED_SCHEME, provenance
from alliancesim.engine.store import ResultsError, ResultsStore, now
from alliancesim.engine.tasks import FAILED, ChunkTask, Recording, RunSpec, recipe_parameters
from alliancesim.params.declared import declared_records


class RunFailed(RuntimeError):
    """The single run raised; its row, with the traceback, is stored in the folder."""


# Row values that are not outcomes: who the run is, how long it took.
_NOT_COMPARED = ("run_id", "point", "replicate", "status", "error", "traceback",
                 "seed_entropy", "seed_spawn_key", "duration_s")


@dataclass
class RunTables:
    """One run read back from its folder: outcome row and every recorded table."""

    out: Path
    outcome: dict[str, Any]
    steps: pd.DataFrame
    events: pd.DataFrame
    panel: pd.DataFrame | None = None
    network: pd.DataFrame | None = None
    stored: dict[str, Any] | None = None  # the row a replay reran, as it was stored
    differences: list[str] = field(default_factory=list)  # replay: outcomes that differ
    code_differences: list[str] = field(default_factory=list)  # replay: one's own code changed

    @property
    def matches(self) -> bool:
        """For a replay: whether the rerun gave the stored outcome exactly."""
        return not self.differences


def run_into(out: str | Path, params: Mapping[str, Any], root_seed: int,
             spawn_key: Sequence[int] = (), interventions: Sequence[Any] = (), *,
             record: Recording | None = None, model_class: type | None = None,
             member_class: type | None = None, manager_class: type | None = None,
             kind: str = "run", about: Mapping[str, Any] | None = None,
             scenario_folder: Path | None = None) -> RunTables:
    """Run one alliance into ``out`` with its steps and events (and the tables ``record``
    adds) and read it back. ``about`` adds what the manifest should say about the run.
    The code of classes of one's own is recorded and copied into ``out`` (paths also
    relative to ``scenario_folder``, the folder of the file that named them)."""
    extra = record or Recording()
    recording = Recording(steps=True, events=True, panel=extra.panel,
                          network_months=extra.network_months)
    store = ResultsStore(out)
    spec = RunSpec(0, 0, int(spawn_key[-1]) if spawn_key else 0, {}, tuple(spawn_key))
    task = ChunkTask(root_seed, dict(params), (spec,), tuple(interventions), recording,
                     model_class, member_class, manager_class)
    manifest: dict[str, Any] = {
        "format": 2, "kind": kind, "runs_total": 1, "root_seed": root_seed,
        "seed_scheme": SINGLE_SEED_SCHEME, **(about or {}),
        "recipe": {"scenarios": [{
            "parameters": recipe_parameters(params),
            "timeline": [asdict(getattr(i, "intervention", i)) for i in interventions],
            "model_class": class_path(model_class), "member_class": class_path(member_class),
            # only when given: the manifests of runs without one stay as they were
            **({"manager_class": class_path(manager_class)} if manager_class else {}),
            "record": asdict(recording)}]},
        "declared_parameters": declared_records([(model_class, member_class, manager_class)]),
        "provenance": provenance({"root_seed": root_seed, "spawn_key": list(spawn_key)},
                                 SINGLE_SEED_SCHEME),
        "created": now(), "status": "created", "sessions": [],
    }

    def plan(done: np.ndarray, per_task: int) -> Iterator[ChunkTask]:
        return iter([] if done.all() else [task])

    with ExitStack() as stack:
        store.open_for_writing(holder=kind)
        stack.callback(store.close)
        _refuse_other_results(store)
        store.clear()
        manifest["provenance"]["imported_code"] = keep_imported_code(
            store.root, classes_by_role(task), scenario_folder)
        store.write_manifest(manifest)
        summary = execute(store, manifest, kind, 1, plan,
                          EngineOptions(workers=1, backend="inprocess"))
    if summary.failures_total:  # the error as raised (a scenario names its file and field)
        reported = summary.reported.get(0)
        if reported is not None:
            raise reported
        raise RunFailed(f"the run failed: {summary.errors[0] if summary.errors else '?'} "
                        f"(its traceback is stored in {store.runs_dir})")
    return read_run(store)


def _refuse_other_results(store: ResultsStore) -> None:
    """A single run replaces an earlier single run in its folder, never other results."""
    if not store.exists():
        return
    kind = store.read_manifest().get("kind", "sweep")
    if kind not in ("run", "replay"):
        raise ResultsError(f"{store.root} holds the results of a {kind}; writing one run "
                           "there would replace them: use another --out folder")


def read_run(store: ResultsStore, run_id: int = 0) -> RunTables:
    """Run ``run_id`` of a folder with its tables; a failed run raises with its error."""
    runs = store.read_runs()
    row = runs[runs["run_id"] == run_id]
    if row.empty:
        raise ResultsError(f"{store.root}: run {run_id} is not stored")
    record = row.iloc[0].to_dict()
    if record["status"] == FAILED:
        raise ResultsError(f"{store.root}: run {run_id} failed: {record['error']}")

    def table(name: str) -> pd.DataFrame:
        frame = store.read_table(name, nullable=False)
        if frame.empty:
            return frame
        frame = frame[frame["run_id"] == run_id]
        return frame.drop(columns=["run_id", "point", "replicate"]).reset_index(drop=True)

    panel, network = table("panel"), table("network")
    return RunTables(store.root, record, table("steps"), table("events"),
                     panel if not panel.empty else None,
                     network if not network.empty else None)


# --- replay -------------------------------------------------------------------------------
def replay(results: str | Path, run_id: int, out: str | Path | None = None, *,
           model_class: type | None = None, member_class: type | None = None,
           manager_class: type | None = None, allow_import: bool = False, panel: bool = True,
           network_months: Iterable[int] | None = None,
           use_recorded_code: bool = False) -> RunTables:
    """Rerun run ``run_id`` of the results folder ``results`` with its full tables.

    The parameters, timeline, classes and seed come from the folder's manifest and the
    run's row. Classes recorded by import path are imported only with ``allow_import`` (or
    given here). The run goes to ``out`` (default ``RESULTS/replay-<run_id>``) with steps,
    events and, unless switched off, the per-member panel; the trust network is kept at
    ``network_months`` (default: the months the run recorded). The result says whether the
    rerun reproduced the stored outcome (:attr:`RunTables.matches`).

    The module of a class of one's own is looked for on the Python path, then where the run
    found it (see :mod:`alliancesim.engine.owncode`); with ``use_recorded_code``, in the copy
    saved in the results folder. A module whose SHA-256 differs from the recorded one is
    listed in :attr:`RunTables.code_differences`.
    """
    source = ResultsStore(results)
    if not source.exists():
        raise ResultsError(f"{results}: not a results folder (no manifest.json)")
    manifest = source.read_manifest()
    row = _stored_row(source, run_id)
    params, interventions, recipe, months_recorded = _checked_recipe(
        manifest, row, str(source.manifest_path))
    code = recorded_code(manifest)
    given = {"model_class": model_class, "member_class": member_class,
             "manager_class": manager_class}
    classes = {role: given.get(role) or _recorded_class(
        recipe.get(role), role, source, code, allow_import, use_recorded_code)
        for role in ROLES}
    months = network_months if network_months is not None else months_recorded
    target = Path(out) if out is not None else source.root / f"replay-{run_id}"
    key = [int(k) for k in row["seed_spawn_key"]]
    replayed = run_into(
        target, params, int(row["seed_entropy"]), key, interventions,
        record=Recording(panel=panel, network_months=check_months("network_months", months)),
        **classes, kind="replay",
        about={"replay_of": {"results": str(source.root.resolve()), "run_id": run_id,
                             "kind": manifest.get("kind", "sweep")}})
    replayed.code_differences = loaded_code_differences(code, classes.values())
    replayed.stored = row
    replayed.differences = _differences(row, replayed.outcome)
    return replayed


def _recorded_class(spec: Any, role: str, source: ResultsStore, code: dict[str, Any],
                    allow_import: bool, use_recorded_code: bool) -> type | None:
    """The class a manifest names for ``role``, its module looked for where the run found
    it (or in the saved copy); a module that cannot be found says where it was."""
    import sys

    search = code_search_folder(code, spec, source.root, use_recorded_code)
    if use_recorded_code and search is not None and allow_import and \
            str(search) not in sys.path:
        sys.path.insert(0, str(search))  # the copy comes before any module of that name
        search = None
    try:
        return resolve_class(spec, role, source=str(source.manifest_path),
                             allow_import=allow_import, search=search)
    except ClassImportError as error:
        hint = missing_code_hint(code, spec, source.root) if allow_import else ""
        if not hint:
            raise
        raise ClassImportError(error.source, error.field, error.message + hint) from None


def _stored_row(store: ResultsStore, run_id: int) -> dict[str, Any]:
    runs = store.read_runs()
    row = runs[runs["run_id"] == run_id] if not runs.empty else runs
    if row.empty:
        known = (f"stored run ids: {int(runs['run_id'].min())} to {int(runs['run_id'].max())}"
                 if not runs.empty else "no run is stored yet")
        raise ResultsError(f"{store.root}: no run {run_id} is stored ({known})")
    return row.iloc[0].to_dict()


def _checked_recipe(manifest: Any, row: dict[str, Any], source: str
                    ) -> tuple[dict[str, Any], list[Any], dict[str, Any], tuple[int, ...]]:
    """Parameters, interventions, recipe entry and network months of one stored run, each
    checked as a file's would be: a manifest changed by hand (or damaged) is refused in one
    line naming it, never run on a guess."""
    from alliancesim.bounds import SizeError
    from alliancesim.culture.partners import PartnersError, as_partners
    from alliancesim.params import ParameterError, validate_parameters
    from alliancesim.params.declared import register_records

    if not isinstance(manifest, dict):
        raise ResultsError(f"{source}: not a results manifest (a JSON "
                           f"{type(manifest).__name__}, not an object)")
    try:
        params, timeline, recipe = _recipe(manifest, row, source)
        record = recipe.get("record") or {}
        months = check_months("record.network_months", record.get("network_months", ()))
        partners = params.pop("partners", None)
        declared = register_records(manifest.get("declared_parameters", []))
        checked: dict[str, Any] = dict(validate_parameters(params, declared))
        if partners:
            checked["partners"] = as_partners(partners)
        return checked, _interventions(timeline, source), recipe, months
    except ResultsError:
        raise
    except (ParameterError, SizeError, PartnersError) as error:
        raise ResultsError(f"{source}: {error}") from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        what = shown(error.args[0]) if error.args else ""
        raise ResultsError(f"{source}: the recipe of run {row.get('run_id')} cannot be read "
                           f"({type(error).__name__} {what}); allowed: the manifest as "
                           "alliancesim wrote it") from None


def _recipe(manifest: dict[str, Any], row: dict[str, Any], source: str
            ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """Parameters, timeline and the recipe entry (classes, recording) of one stored run."""
    recipe = manifest.get("recipe")
    if recipe is None:
        raise ResultsError(f"{source}: written by an older version of alliancesim, which did "
                           "not record what replay needs; rerun the command that made it")
    if not isinstance(recipe, dict):
        raise ResultsError(f"{source}: field 'recipe' is not an object")
    if recipe.get("kind") == "ecosystem":
        raise ResultsError(f"{source}: a sweep of ecosystems, whose runs replay does not "
                           "rerun; alliancesim.ecosystem.scenario.run_ecosystem reruns one "
                           "with seed=alliancesim.sweeps.run_seed(seed_entropy, "
                           "*seed_spawn_key) from its row")
    if "scenarios" in recipe:  # a comparison, validation or single run
        scenarios, point = recipe["scenarios"], int(row["point"])
        if not isinstance(scenarios, list) or not 0 <= point < len(scenarios):
            raise ResultsError(f"{source}: field 'recipe.scenarios' has no scenario for run "
                               f"{row.get('run_id')} (its point is {point})")
        entry = scenarios[point]
        params = dict(entry["parameters"])
        sets = recipe.get("parameter_sets")
        if sets:  # compare --parameter-sets: replicate r took set r mod n
            taken = sets[int(row["replicate"]) % len(sets)]
            params.update({c: taken[c] for c in recipe["set_columns"][point]})
        return params, list(entry["timeline"]), entry
    params = dict(recipe["base_parameters"])
    if recipe.get("partners"):
        params["partners"] = recipe["partners"]
    if recipe.get("parameter_sets") and "parameter_set" in row:
        params.update(recipe["parameter_sets"][int(row["parameter_set"])])
    for name in recipe["factors"]:
        if not isinstance(name, str) or name not in row:
            raise ResultsError(f"{source}: field 'recipe.factors': unknown factor "
                               f"{shown(name)}; allowed: columns of the stored runs")
        value = row[name]
        params[name] = value.item() if isinstance(value, np.generic) else value
    recipe = {**recipe, **{role: params.pop(role) for role in ROLES if role in params}}
    return params, list(recipe["timeline"]), recipe


def _interventions(timeline: list[dict[str, Any]], source: str) -> list[Any]:
    """The recorded timeline, each entry checked like a scenario file's."""
    import dataclasses

    from pydantic import ValidationError

    from alliancesim.model.timeline import Intervention
    from alliancesim.scenarios.schema import ENTRY_BY_KIND

    known = [f.name for f in dataclasses.fields(Intervention)]
    entries = []
    for number, entry in enumerate(timeline, start=1):
        field = f"timeline[{number}]"
        if not isinstance(entry, dict):
            raise ResultsError(f"{source}: field {field!r} is not an object")
        unknown = sorted(set(entry) - set(known))
        kind = entry.get("kind")
        if unknown or kind not in ENTRY_BY_KIND:
            what = f"key {shown(unknown[0])}" if unknown else f"kind {shown(kind)}"
            allowed = ", ".join(known) if unknown else ", ".join(ENTRY_BY_KIND)
            raise ResultsError(f"{source}: field {field!r}: unknown {what}; allowed: {allowed}")
        model = ENTRY_BY_KIND[kind]
        try:
            checked = model.model_validate({k: entry[k] for k in model.model_fields
                                            if k in entry})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ResultsError(f"{source}: field '{field}.{where}': {first['msg']}") from None
        check_month(f"{field}.month", checked.month, low=1)
        entries.append(checked.to_intervention())
    return entries


def _differences(stored: Mapping[str, Any], outcome: Mapping[str, Any]) -> list[str]:
    """Outcome values of the replay that differ from the stored row (NaN equals NaN)."""
    found = []
    for key, value in outcome.items():
        if key in _NOT_COMPARED or key not in stored:
            continue
        old = stored[key]
        same = (pd.isna(old) and pd.isna(value)) if _is_missing(old) or _is_missing(value) \
            else old == value
        if not same:
            found.append(f"{key}: stored {old!r}, replayed {value!r}")
    return found


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
