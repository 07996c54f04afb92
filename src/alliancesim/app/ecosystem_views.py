"""What the ecosystem view draws, as plain data: the population's network, the charts over
the years, the legend and the sentences (ECharts options and HTML, as
:mod:`alliancesim.app.views` does for one alliance).

Colours follow the app's palette: a practice takes the colour of the management mode it
leads to (a dedicated function: the dedicated manager's blue; trained staff: transversal
skill's orange; neither: no management's brown), and a tie the colour of its alliance's
mode, so a colour means one thing on every tab. The three stay apart under the common
colour-vision deficiencies (tests/test_app_ecosystem.py checks it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from statsmodels.stats.proportion import proportion_confint

from alliancesim.app.ecosystem_state import MANAGEMENT_MODES, SQUARE, WIDE, EcoRun, Year
from alliancesim.app.layout import GROUP_RADIUS, LABEL_ROOM, sector_centre
from alliancesim.app.views import LAPTOP, MODE_COLOURS, Scale
from alliancesim.app.words import mode_name
from alliancesim.ecosystem.parameters import PRACTICES
from alliancesim.model.organizations import SECTORS

PRACTICE_MODES = {"function": "dedicated", "trained": "transversal", "none": "none"}
PRACTICE_COLOURS = {practice: MODE_COLOURS[mode] for practice, mode in PRACTICE_MODES.items()}
PRACTICE_WORDS = {"function": "a dedicated alliance function", "trained": "trained staff",
                  "none": "neither"}
HOVER_WORDS = {"function": "has a dedicated alliance function",
               "trained": "trains its staff in alliance work",
               "none": "no function, no training"}
# Two lines for the long names, so that a name is never wider than its group.
SECTOR_GROUPS = {"business": "Businesses", "ngo": "NGOs",
                 "government": "Government\nbodies",
                 "knowledge_institute": "Knowledge\ninstitutes"}
# An organization in no alliance this year is drawn faintly: the busy ones stand out.
IDLE_OPACITY = 0.35
# Up to this many ties are drawn at the full (half-transparent) opacity.
TIES_AT_FULL_OPACITY = 200
# How sure the failed-share intervals are (Wilson score intervals per year and mode).
CONFIDENCE = 0.95


def node_size(organizations: int) -> float:
    """Marker size in pixels: the same space around every node from 100 to 1,000."""
    return float(max(3.0, min(9.0, 9.0 * math.sqrt(150.0 / max(organizations, 1)))))


# --- the network ---------------------------------------------------------------------------
def _node(xy: tuple[float, float], practice: int, tied: bool, size: float,
          name: str) -> dict[str, Any]:
    node: dict[str, Any] = {"name": name, "x": round(xy[0] * 100, 2),
                            "y": round(xy[1] * 100, 2), "category": practice,
                            "symbolSize": size}
    if not tied:
        node["itemStyle"] = {"opacity": IDLE_OPACITY}
    return node


def tie_opacity(ties: int) -> float:
    """Ties fade as they grow many, so a dense year stays a picture rather than a blot."""
    return round(max(0.08, 0.5 * min(1.0, math.sqrt(TIES_AT_FULL_OPACITY / max(ties, 1)))), 3)


def node_names(run: EcoRun, shown: Year) -> list[str]:
    """What pointing at an organization says: its name, country and practice. ECharts needs
    every node's name to be unique, so a name drawn twice carries its number."""
    traits = run.model.orgs.traits
    names = [str(n) for n in traits.names]
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    out = []
    for k, name in enumerate(names):
        country = traits.country_name(k)
        where = f" ({country})" if country else ""
        number = f" #{k + 1}" if seen[name] > 1 else ""
        practice = HOVER_WORDS[PRACTICES[int(shown.practice[k])]]
        out.append(f"{name}{number}{where}: {practice}")
    return out


def sector_labels(scale: Scale, columns: int) -> list[dict[str, Any]]:
    """Invisible nodes that carry each sector group's name, centred above it."""
    labels = []
    for k, sector in enumerate(SECTORS):
        x, y = sector_centre(k, columns)
        labels.append({"name": f"__sector_{sector}", "x": round(x * 100, 2),
                       "y": round((y - GROUP_RADIUS - LABEL_ROOM / 2) * 100, 2),
                       "symbolSize": 0, "tooltip": {"show": False},
                       "label": {"show": True, "position": "inside",
                                 "formatter": SECTOR_GROUPS[sector],
                                 "lineHeight": round(scale.label * 1.2),
                                 "fontSize": scale.label, "color": "#37474f"}})
    return labels


TIES_SHOWN = {"alive": "alliances alive this year", "founded": "alliances founded this year"}


def shown_ties(year: Year, which: str = "alive") -> dict[tuple[int, int], str]:
    """The ties the picture draws: of every alliance alive in the year, or of those founded
    in it."""
    return year.new_ties if which == "founded" else year.ties


def ecosystem_network_option(run: EcoRun, scale: Scale = LAPTOP, which: str = "alive",
                             wide: bool = False) -> dict[str, Any]:
    """An ECharts graph of the population at its fixed places (the sectors in a square, or
    in a row when ``wide``): organizations coloured by practice (faint when in no alliance
    this year), ties of this year's alliances (all, or those founded this year) coloured by
    the alliance's management mode."""
    shown = run.years[-1]
    ties = shown_ties(shown, which)
    tied = {org for pair in shown.ties for org in pair}
    size = node_size(len(run.layout))
    names = node_names(run, shown)
    layout = run.wide_layout if wide else run.layout
    nodes = [_node(xy, int(shown.practice[k]), k in tied, size, names[k])
             for k, xy in enumerate(layout)]
    nodes += sector_labels(scale, WIDE if wide else SQUARE)
    # The commonest mode is the series' colour, so most ties carry only their two ends (a
    # thousand organizations can have thousands of ties: each step sends them all).
    modes = list(ties.values())
    common = max(set(modes), key=modes.count) if modes else "transversal"
    links = [{"source": a, "target": b} if mode == common else
             {"source": a, "target": b, "lineStyle": {"color": MODE_COLOURS.get(mode)}}
             for (a, b), mode in ties.items()]
    return {
        "animation": False,
        "tooltip": {"show": True, "textStyle": {"fontSize": scale.label}},
        "series": [{
            "type": "graph", "layout": "none", "roam": False,
            "categories": [{"name": PRACTICE_WORDS[p],
                            "itemStyle": {"color": PRACTICE_COLOURS[p]}} for p in PRACTICES],
            "data": nodes, "links": links,
            "label": {"show": False},
            # In a row, a tie between groups far apart arcs over the groups between.
            "lineStyle": {"width": 1, "opacity": tie_opacity(len(links)),
                          "color": MODE_COLOURS[common], "curveness": 0.2 if wide else 0},
            "emphasis": {"focus": "adjacency", "lineStyle": {"width": 2, "opacity": 1}},
            # One side and the centre only: ECharts then keeps the layout's aspect (round
            # groups stay round). The row of groups fills a wide box's width, the square
            # a card's height.
            "left": "center", "top": "middle", **({"width": "97%"} if wide else
                                                  {"height": "94%"}),
        }],
    }


def ecosystem_legend_html() -> str:
    """What colour, faintness, ties and place mean in the population's picture."""
    practices = "".join(
        f'<span class="as-key"><span class="as-swatch" style="background:'
        f'{PRACTICE_COLOURS[p]}"></span>{escape(PRACTICE_WORDS[p])}</span>'
        for p in reversed(PRACTICES))
    modes = "".join(
        f'<span class="as-key"><span class="as-swatch" style="background:'
        f'{MODE_COLOURS[m]}"></span>{escape(mode_name(m).lower())}</span>'
        for m in MANAGEMENT_MODES)
    return "".join([
        f"<div><b>Colour</b>: how an organization manages its alliances: {practices}</div>",
        f"<div><b>Ties</b>: two organizations in the same alliance this year (or, as "
        f"chosen, in an alliance founded this year), coloured by how that alliance is "
        f"managed: {modes}</div>",
        "<div><b>Faint</b>: an organization in no alliance this year</div>",
        "<div><b>Place</b>: each sector a group; culturally similar organizations in the "
        "same ring; every organization keeps its place all run (point at one for its "
        "name)</div>",
    ])


# --- charts over the years -------------------------------------------------------------------
@dataclass(frozen=True)
class EcoPanel:
    """One chart of the ecosystem view."""

    key: str
    title: str
    short: str  # the projector's chart picker names it so


ECO_PANELS = (
    EcoPanel("practices", "How organizations manage alliances", "Practices"),
    EcoPanel("profession", "Professionals and their wage", "Professionals"),
    EcoPanel("results", "Failed share of alliances that ended", "Failures"),
)


def wilson(failed: int, ended: int) -> tuple[float, float]:
    """The Wilson score interval of a failed share (its noise: few endings, wide)."""
    low, high = proportion_confint(failed, ended, alpha=1.0 - CONFIDENCE, method="wilson")
    return float(low), float(high)


def _x_axis(grid: int, years: int, scale: Scale) -> dict[str, Any]:
    # Years as categories: ECharts stacks series index by index only on a category axis.
    return {"type": "category", "gridIndex": grid, "data": list(range(years + 1)),
            "boundaryGap": False, "name": "year", "nameLocation": "middle",
            "nameGap": scale.axis + 8, "nameTextStyle": {"fontSize": scale.axis},
            "axisLabel": {"fontSize": scale.axis}}


def _y_axis(grid: int, scale: Scale, **extra: Any) -> dict[str, Any]:
    return {"type": "value", "gridIndex": grid, "axisLabel": {"fontSize": scale.axis},
            **extra}


def _practice_series(years: Sequence[Year], grid: int, axis: int) -> list[dict[str, Any]]:
    return [{"type": "line", "name": PRACTICE_WORDS[p], "stack": "practices",
             "xAxisIndex": grid, "yAxisIndex": axis, "showSymbol": False,
             "areaStyle": {"opacity": 0.85}, "lineStyle": {"width": 0},
             "itemStyle": {"color": PRACTICE_COLOURS[p]},
             "data": [round(100 * y.figures[f"share_{p}"], 1) for y in years]}
            for p in reversed(PRACTICES)]


def _profession_series(years: Sequence[Year], grid: int, axis: int, wage_axis: int,
                       ) -> list[dict[str, Any]]:
    return [
        {"type": "line", "name": "professionals employed", "xAxisIndex": grid,
         "yAxisIndex": axis, "showSymbol": False, "itemStyle": {"color": "#6a1b9a"},
         "lineStyle": {"width": 2.5},
         "data": [int(y.figures["professionals_employed"]) for y in years]},
        {"type": "line", "name": "wage (FTE-years, right)", "xAxisIndex": grid,
         "yAxisIndex": wage_axis, "showSymbol": False, "itemStyle": {"color": "#455a64"},
         "lineStyle": {"width": 2.5, "type": "dashed"},
         "data": [round(y.figures["wage"], 3) for y in years]},
    ]


def result_points(years: Sequence[Year], mode: str) -> list[tuple[int, int] | None]:
    """(failed, ended) for each year so far, None in a year no alliance of ``mode`` ended."""
    return [(int(y.figures.get(f"failed_{mode}", 0)), int(y.figures[f"ended_{mode}"]))
            if y.figures.get(f"ended_{mode}", 0) else None for y in years]


def _result_series(years: Sequence[Year], grid: int, axis: int) -> list[dict[str, Any]]:
    """Per mode: the failed share each year as points, and its interval as a pale band (a
    transparent lower edge with the band's height stacked on it)."""
    series: list[dict[str, Any]] = []
    for mode in MANAGEMENT_MODES:
        colour, name = MODE_COLOURS[mode], mode_name(mode)
        shares: list[Any] = []
        lows: list[float | None] = []
        spans: list[float | None] = []
        for year, point in enumerate(result_points(years, mode)):
            if point is None:
                shares.append(None)
                lows.append(None)
                spans.append(None)
                continue
            failed, ended = point
            low, high = wilson(failed, ended)
            words = (f"{escape(name)}, year {year}: {failed} of {ended} failed "
                     f"({failed / ended:.0%}; {CONFIDENCE:.0%} interval {low:.0%}–{high:.0%})")
            shares.append({"value": round(100 * failed / ended, 1),
                           "tooltip": {"formatter": words}})
            lows.append(round(100 * low, 1))
            spans.append(round(100 * (high - low), 1))
        common = {"type": "line", "xAxisIndex": grid, "yAxisIndex": axis,
                  "showSymbol": False, "silent": True, "tooltip": {"show": False},
                  "stack": f"band_{mode}", "lineStyle": {"opacity": 0},
                  "itemStyle": {"color": colour}}
        series.append({**common, "name": f"{name} low", "data": lows,
                       "areaStyle": {"opacity": 0}})
        series.append({**common, "name": f"{name} interval", "data": spans,
                       "areaStyle": {"color": colour, "opacity": 0.15}})
        # Points, not a line: a line from year to year would read as a trend in what is
        # mostly the noise of a few endings (the band shows how much).
        series.append({"type": "line", "name": name, "xAxisIndex": grid, "yAxisIndex": axis,
                       "data": shares, "symbolSize": 8, "showSymbol": True,
                       "itemStyle": {"color": colour}, "lineStyle": {"width": 0},
                       "tooltip": {"trigger": "item"}})
    return series


def _panel_series(panel: EcoPanel, years: Sequence[Year], grid: int, ys: list[dict],
                  scale: Scale) -> list[dict[str, Any]]:
    """The panel's series; adds its y axes (two for the profession: head count and wage)."""
    axis = len(ys)
    if panel.key == "profession":
        ys.append(_y_axis(grid, scale, minInterval=1))
        ys.append(_y_axis(grid, scale, position="right", min=0, splitLine={"show": False}))
        return _profession_series(years, grid, axis, axis + 1)
    percent = {"min": 0, "max": 100,
               "axisLabel": {"fontSize": scale.axis, "formatter": "{value}%"}}
    ys.append(_y_axis(grid, scale, **percent))
    if panel.key == "practices":
        return _practice_series(years, grid, axis)
    return _result_series(years, grid, axis)


def ecosystem_charts_option(run: EcoRun, panels: Sequence[EcoPanel] = ECO_PANELS,
                            scale: Scale = LAPTOP) -> dict[str, Any]:
    """The charts over the years so far, side by side: the share of organizations per
    practice (stacked), professionals employed and their wage, and the failed share of the
    alliances that ended each year by management mode with its interval."""
    years, last = run.years, run.last_year
    width = 100.0 / len(panels)
    grids, xs, ys, titles, series, legends = [], [], [], [], [], []
    # Room for the title and a legend of up to two lines (one on a wide panel).
    lines = 1 if len(panels) == 1 else 2
    top = scale.title + lines * (scale.legend + 10) + 24
    for i, panel in enumerate(panels):
        grids.append({"left": f"{width * i + 1:.1f}%", "width": f"{width - 4:.1f}%",
                      "top": top, "bottom": 2 * scale.axis + 16, "containLabel": True})
        titles.append({"text": panel.title, "left": f"{width * i + 1:.1f}%", "top": 0,
                       "textStyle": {"fontSize": scale.title}})
        xs.append(_x_axis(i, last, scale))
        added = _panel_series(panel, years, i, ys, scale)
        series += added
        shown = [s["name"] for s in added if not s.get("silent")]
        legends.append({"data": shown, "left": f"{width * i + 1:.1f}%",
                        "width": f"{width - 2:.1f}%", "top": scale.title + 10, "itemGap": 8,
                        "textStyle": {"fontSize": scale.legend}})
    return {"animation": False, "title": titles, "legend": legends,
            "tooltip": {"trigger": "axis", "textStyle": {"fontSize": scale.label}},
            "grid": grids, "xAxis": xs, "yAxis": ys, "series": series}


# --- sentences ------------------------------------------------------------------------------
def year_feed_html(years: Sequence[Year], limit: int = 40) -> str:
    """Every year's sentence, newest first (all text escaped)."""
    shown = list(years)[::-1][:limit]
    return "".join(f'<div class="as-feed-item as-eco-sentence" data-year="{y.year}">'
                   f"{escape(y.sentence)}</div>" for y in shown)


def status_words(run: EcoRun) -> str:
    """'Year 7 of 30 · 300 organizations · 41 alliances alive · 9% with a function'."""
    figures = run.years[-1].figures
    # The profession table counts the alliances alive at the year's end, before the last
    # year closes them all.
    alive = int(figures.get("alliances_live", len(run.model.live)))
    done = "" if run.running else " · the end"
    return (f"Year {run.year} of {run.last_year} · {len(run.layout):,} organizations · "
            f"{alive} alliance{'s' if alive != 1 else ''} alive · "
            f"{figures['share_function']:.0%} with a dedicated function, "
            f"{figures['share_trained']:.0%} training staff{done}")


def caption_words(run: EcoRun) -> str:
    """'Scenario: ecosystem · seed 20261206 · 300 of the file's 1,000 organizations'."""
    settings = run.settings
    own = settings.scenario.ecosystem.get("n_organizations")
    size = (f" · {settings.n_organizations:,} of the file's {int(own):,} organizations"
            if own and int(own) != settings.n_organizations else "")
    return f"Scenario: {settings.scenario.name} · seed {settings.seed}{size}"
