"""The debrief page: a PNG with the run, the paired-seed chart and the class's choices."""

from __future__ import annotations

import io

from alliancesim.app.classroom import ClassSession, beside_the_model
from alliancesim.app.debrief import debrief_png, many_seeds
from alliancesim.app.state import Settings, start_live
from alliancesim.params import defaults

PNG = b"\x89PNG\r\n\x1a\n"


def size(png: bytes) -> tuple[int, int]:
    from matplotlib.image import imread

    return imread(io.BytesIO(png)).shape[1::-1]


def test_the_debrief_of_a_class_run_is_one_landscape_page():
    params = {**defaults(), "n_members": 8, "horizon": 36}
    made = ClassSession(Settings(params=params, seed=3), code="ABC234", time_limit=0.0)
    for name in ("Ada", "Bo", "Cy"):
        made.join("ABC234", name)
    made.start()
    made.advance(36)
    assert made.wait_idle(120)
    runs = many_seeds(made.settings, count=4)
    assert len(runs) == 4 and all(not r.error for r in runs)
    png = debrief_png(made.model, made.watched.story, made.settings, runs, "Class debrief",
                      class_log=made.log_rows(), beside=beside_the_model(made))
    assert png.startswith(PNG)
    width, height = size(png)
    assert width > height >= 800


def test_a_live_run_has_a_debrief_without_class_choices():
    settings = Settings(params={**defaults(), "horizon": 24}, seed=2)
    run = start_live(settings)
    while run.step():
        pass
    watched = run.watched[0]
    png = debrief_png(watched.model, watched.story, settings, many_seeds(settings, count=2),
                      "Debrief")
    assert png.startswith(PNG)


def test_the_teachers_debrief_runs_the_seeds_in_the_worker_process(monkeypatch):
    from alliancesim.app import debrief
    from alliancesim.app.class_pages import class_debrief

    params = {**defaults(), "n_members": 6, "horizon": 24}
    made = ClassSession(Settings(params=params, seed=5), code="ABC234", time_limit=0.0)
    made.join("ABC234", "Ada")
    made.start()
    made.advance(24)
    assert made.wait_idle(120)
    real = debrief.paired_in_background
    counted = []

    def three_seeds(settings):
        runs = real(settings, 3)  # the worker process, as the button does, on fewer seeds
        counted.append(len(runs))
        return runs

    monkeypatch.setattr(debrief, "paired_in_background", three_seeds)
    png = class_debrief(made)
    assert png.startswith(PNG) and counted == [3]
