"""The one run engine under ``run``, ``compare``, ``validate`` and ``sweep``.

- :mod:`~alliancesim.engine.tasks`: what a worker runs (chunks of seeded runs, recordings);
- :mod:`~alliancesim.engine.backends`: where (this process, local processes, Dask);
- :mod:`~alliancesim.engine.store`: the results folder (Parquet parts, resume, healing);
- :mod:`~alliancesim.engine.execute`: the loop that ties them together;
- :mod:`~alliancesim.engine.provenance`: the manifest every output folder holds;
- :mod:`~alliancesim.engine.classes`: model classes named by import path;
- :mod:`~alliancesim.engine.guard`: a clear refusal for scripts without a main guard.

Modules are imported by name where needed, so that worker processes load only what runs.
"""
