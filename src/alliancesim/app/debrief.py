"""The debrief: one page (PNG) to hand out or project after a run.

It holds the run's summary, its turning points, how the two compared management modes
ended over paired seeds (the 100-seed chart of the comparison view, :mod:`alliancesim.app.many`)
and, for a class's run, what the class chose and left to the model, and the class's run
beside the model's dedicated and transversal runs on the same seed. It describes; it never
says which mode is better.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from collections.abc import Sequence
from typing import Any

from alliancesim.app.moments import Story
from alliancesim.app.state import Settings
from alliancesim.app.summary import status_line, turning_points
from alliancesim.app.views import OUTCOME_COLOURS  # colours no management mode wears
from alliancesim.model import AllianceModel
from alliancesim.scenarios.stories import COMPARED_MODES, SAMPLE_SEEDS, PairedRun, paired_sample

OUTCOME_ORDER = ("completed", "running", "dissolved")
OUTCOME_LABELS = {"completed": "completed", "running": "running at the horizon",
                  "dissolved": "dissolved"}
TURNING_LINES = 7  # what fits the page's quarter
HOW_COLOURS = {"chosen": "#5d4037", "defaulted": "#b0bec5"}


def many_seeds(settings: Settings, count: int = SAMPLE_SEEDS,
               modes: Sequence[str] = COMPARED_MODES) -> list[PairedRun]:
    """The two modes on ``count`` paired seeds (children of the settings' seed)."""
    return paired_sample(dict(settings.params), settings.timeline, settings.seed,
                         range(count), modes)


def debrief_png(model: AllianceModel, story: Story, settings: Settings,
                runs: Sequence[PairedRun], title: str,
                class_log: Sequence[dict[str, Any]] = (),
                beside: Sequence[dict[str, Any]] = (),
                modes: Sequence[str] = COMPARED_MODES) -> bytes:
    """The debrief page as PNG bytes (A4 landscape at 100 dpi)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11.69, 8.27), dpi=100, layout="constrained")
    grid = figure.add_gridspec(2, 2)
    figure.suptitle(title, fontsize=15, fontweight="bold")
    _summary(figure.add_subplot(grid[0, 0]), model, story)
    _many(figure.add_subplot(grid[0, 1]), runs, modes)
    if class_log:
        _choices(figure.add_subplot(grid[1, 0]), class_log)
    else:
        _turning_only(figure.add_subplot(grid[1, 0]), story)
    _beside(figure.add_subplot(grid[1, 1]), beside)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _text_box(ax: Any, heading: str, lines: Sequence[str], width: int = 70) -> None:
    ax.axis("off")
    ax.set_title(heading, loc="left", fontsize=12, fontweight="bold")
    wrapped = [textwrap.fill(line, width, subsequent_indent="   ") for line in lines]
    ax.text(0.0, 1.0, "\n".join(wrapped), va="top", ha="left", fontsize=9.5,
            transform=ax.transAxes, linespacing=1.35)


def _summary(ax: Any, model: AllianceModel, story: Story) -> None:
    record = model.outcome_record()
    lines = [status_line(model, story) + ".",
             f"Value created {record['value_total']:.1f} against an ambition of "
             f"{record['value_target']:.1f}; {record['exits_total']} members left; "
             f"{record['conflicts_total']} conflicts, {record['conflicts_resolved']} resolved.",
             "", "Turning points:"]
    lines += [f"- {m.sentence}" for m in turning_points(story.moments, TURNING_LINES)] \
        or ["- none yet"]
    _text_box(ax, "The run", lines, width=78)


def _turning_only(ax: Any, story: Story) -> None:
    later = [m for m in story.moments
             if m not in turning_points(story.moments, TURNING_LINES)][-8:]
    _text_box(ax, "Other key moments", [f"- {m.sentence}" for m in later] or ["- none"])


def _many(ax: Any, runs: Sequence[PairedRun], modes: Sequence[str]) -> None:
    good = [r for r in runs if not r.error]
    ax.set_title(f"How it ended on {len(good)} paired seeds", loc="left",
                 fontsize=12, fontweight="bold")
    names = [mode.replace("_", " ") for mode in modes]
    left = [0] * len(modes)
    for outcome in OUTCOME_ORDER:
        counts = [Counter(r.outcomes[side] for r in good)[outcome]
                  for side in range(len(modes))]
        ax.barh(names, counts, left=left, color=OUTCOME_COLOURS[outcome],
                label=OUTCOME_LABELS[outcome])
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_xlabel("seeds")
    ax.invert_yaxis()
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
              frameon=False)


def _choices(ax: Any, log: Sequence[dict[str, Any]]) -> None:
    counts: Counter[tuple[str, str]] = Counter((row["decision"], row["how"]) for row in log)
    kinds = sorted({kind for kind, _ in counts})
    left = [0] * len(kinds)
    for how in ("chosen", "defaulted"):
        values = [counts[(kind, how)] for kind in kinds]
        label = "chosen by a student" if how == "chosen" else "left to the model"
        ax.barh(kinds, values, left=left, color=HOW_COLOURS[how], label=label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    changed = sum(1 for row in log if row["how"] == "chosen"
                  and row["choice"] != row["model_choice"])
    ax.set_title(f"The class's decisions ({changed} not the model's)",
                 loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel("decisions")
    ax.invert_yaxis()
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
              frameon=False)


BESIDE_ROWS = (("outcome", "outcome"), ("end_month", "lifetime (months)"),
               ("value_total", "value created"), ("members_final", "members at the end"),
               ("exits_total", "members who left"), ("conflicts_total", "conflicts"),
               ("trust_mean_final", "trust at the end"),
               ("management_time_used", "management time (FTE-months)"))


def _beside(ax: Any, rows: Sequence[dict[str, Any]]) -> None:
    ax.axis("off")
    if not rows:
        _text_box(ax, "Same seed, other runs", ["(no class run to set beside the model)"])
        return
    ax.set_title("Same seed: the class and the model", loc="left", fontsize=12,
                 fontweight="bold")

    def cell(value: Any) -> str:
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    headers = [textwrap.fill(str(r["run"]), 18) for r in rows]
    body = [[cell(r[key]) for r in rows] for key, _ in BESIDE_ROWS]
    table = ax.table(cellText=body, rowLabels=[label for _, label in BESIDE_ROWS],
                     colLabels=headers, loc="upper center", cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(8.5)
    table.scale(1.0, 1.6)
    for (row, _), cell_ in table.get_celld().items():
        if row == 0:
            cell_.set_height(cell_.get_height() * 2.2)


def paired_in_background(settings: Settings, count: int = SAMPLE_SEEDS,
                         modes: Sequence[str] = COMPARED_MODES) -> list[PairedRun]:
    """:func:`many_seeds` in the app's worker process, so the server keeps drawing pages
    while it runs (see :mod:`alliancesim.app.many`)."""
    from alliancesim.app.many import ManyRequest, run_many

    request = ManyRequest(dict(settings.params), tuple(settings.timeline), settings.seed,
                          (modes[0], modes[1]), settings.scenario, count)
    runs: list[PairedRun] = []
    run_many(request, runs.extend)
    return sorted(runs, key=lambda run: run.index)
