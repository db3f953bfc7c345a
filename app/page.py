"""The classroom page that `cogov ui` serves (Solara, the framework under Mesa's SolaraViz).

Controls sit in the sidebar (preset, main levers, seed, play/pause/step/reset, side by side);
the main area has tabs: overview charts, grid map, one grid's network, case journeys.
SolaraViz's own control panel carries fixed English labels, so the page composes Solara's
components itself and every label comes from `app.text` in the chosen language.

Each browser session has its own state (``use_reactive`` inside the component); the models
live in a `Board` rebuilt whenever a control changes.
"""

from __future__ import annotations

import os
import time

import pandas as pd
import solara
import solara.lab

from experiments.cli_common import fmt_value
from model.levers import lever_index
from model.metrics import final_metrics

from . import charts
from .font import font_css
from .session import MAX_DAYS, OUTCOMES, Board, SimError
from .text import CONTROLS, LANGS, T, preset_names

DEFAULT_PRESET = "co_governance"
TICK_SECONDS = 0.25  # pause between played steps, so a class can follow the charts
KPIS = ["resolution_rate", "reported_resolution_rate", "case_satisfaction", "satisfaction_mean",
        "migrant_local_gap", "trust_mean", "participation_rate", "petitions_per_10k", "group_incidents",
        "cost_per_resolved"]


CSS = """
.cogov-table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
.cogov-table th, .cogov-table td { padding: 2px 10px; border-bottom: 1px solid #e0e0e0; text-align: left; }
"""


def default_lang() -> str:
    lang = os.environ.get("COGOV_LANG", "zh")
    return lang if lang in LANGS else "zh"


def _select(label: str, items: list[tuple[str, str]], value: str, on_value, **kw):
    """A drop-down whose items show translated text but carry plain values."""
    return solara.v.Select(label=label, items=[{"text": text, "value": val} for val, text in items],
                           v_model=value, on_v_model=on_value, dense=True, hide_details=True, **kw)


@solara.component
def Table(df: pd.DataFrame, css_class: str):
    solara.HTML(tag="div", unsafe_innerHTML=df.to_html(index=False, border=0, classes=["cogov-table", css_class]))


@solara.component
def LeverControl(name: str, value, on_value, t: T):
    lever = lever_index()[name]
    label = t.lever(name) + (f" ({lever.unit}): {value:,.2f}".rstrip("0").rstrip(".") if lever.kind == "float" else "")
    if lever.kind == "bool":
        solara.Switch(label=label, value=bool(value), on_value=on_value)
    elif lever.kind == "choice":
        _select(label, [(c, t.choice(c)) for c in lever.choices], value, on_value)
    else:
        low, high, step = CONTROLS[name]
        solara.SliderFloat(label, value=float(value), min=low, max=high, step=step, on_value=on_value)


@solara.component
def Controls(t: T, preset, overrides, seed, compare, preset_b, board: Board | None, playing, days_per_tick,
             on_step, on_reset):
    names = preset_names()
    with solara.Card(t("scenario")):
        _select(t("preset"), [(n, t.preset(n)) for n in names], preset.value,
                lambda v: (preset.set(v), overrides.set({})))
        solara.InputInt(t("seed"), value=seed, on_value=lambda v: seed.set(max(0, int(v or 0))))
    with solara.Card():
        with solara.Row():
            if playing.value:
                solara.Button(t("pause"), icon_name="mdi-pause", on_click=lambda: playing.set(False), color="warning")
            else:
                solara.Button(t("play"), icon_name="mdi-play", on_click=lambda: playing.set(True), color="primary",
                              disabled=board is None or board.finished)
            solara.Button(t("step"), icon_name="mdi-skip-next", on_click=on_step,
                          disabled=board is None or playing.value or board.finished)
            solara.Button(t("reset"), icon_name="mdi-restart", on_click=on_reset)
        solara.SliderInt(f"{t('days_per_tick')}: {days_per_tick.value}", value=days_per_tick, min=1, max=30)
    with solara.Card(t("compare")):
        solara.Switch(label=t("compare_on"), value=compare)
        if compare.value:
            _select(t("compare_b"), [("", t("b_same"))] + [(n, t.preset(n)) for n in names], preset_b.value,
                    preset_b.set)
    with solara.Card(t("levers")):
        solara.Text(t("levers_note"), style={"font-size": "0.8em", "color": "#666"})
        params = board.shown[0][1].model.p if board is not None else None
        for name in CONTROLS:
            if name in overrides.value:
                value = overrides.value[name]
            elif params is not None:
                section, field = name.split(".")
                value = getattr(getattr(params, section), field)
            else:
                value = lever_index()[name].default

            def set_lever(v, name=name):
                overrides.set({**overrides.value, name: v})

            LeverControl(name, value, set_lever, t)


@solara.component
def Figure(make, dependencies: list):
    """A matplotlib figure rebuilt only when its inputs change."""
    fig = solara.use_memo(make, dependencies=dependencies)
    solara.FigureMatplotlib(fig, format="png", dependencies=dependencies)


@solara.component
def Overview(board: Board, t: T, version: int):
    deps = [board, version, t.lang]
    shown = board.shown
    Figure(lambda: charts.states_figure(shown, t), deps)
    with solara.Columns([1, 1]):
        Figure(lambda: charts.resolution_figure(shown, t), deps)
        Figure(lambda: charts.satisfaction_figure(shown, t), deps)
    with solara.Columns([1, 1]):
        Figure(lambda: charts.petitions_figure(shown, t), deps)
        Figure(lambda: charts.cost_figure(shown, t), deps)
    Kpis(board, t, version)


@solara.component
def Kpis(board: Board, t: T, version: int):
    def table():
        with board.lock:
            rows = {tag: final_metrics(sim.model) for tag, sim in board.shown}
        return pd.DataFrame({t("metric"): [t.metric(k) for k in KPIS],
                             **{tag: [fmt_value(m[k]) for k in KPIS] for tag, m in rows.items()}})

    df = solara.use_memo(table, dependencies=[board, version, t.lang])
    solara.Markdown(f"#### {t('kpis')}")
    Table(df, "cogov-kpis")


@solara.component
def MapTab(board: Board, t: T, version: int):
    what = solara.use_reactive("open_cases")
    with solara.Row(style={"max-width": "420px"}):
        _select(t("colour_by"), [("open_cases", t("open_cases")), ("satisfaction", t("grid_satisfaction"))],
                what.value, what.set)
    Figure(lambda: charts.map_figure(board.shown, t, what.value), [board, version, t.lang, what.value])


@solara.component
def NetworkTab(board: Board, t: T, version: int):
    grid = solara.use_reactive(0)
    n_grids = board.shown[0][1].model.world.n_grids
    with solara.Row(style={"max-width": "420px"}):
        _select(t("pick_grid"), [(g, t("grid_n", g=g)) for g in range(n_grids)], min(grid.value, n_grids - 1), grid.set)
    solara.Text(t("network_legend"), style={"font-size": "0.85em"})
    Figure(lambda: charts.network_figure(board.shown, t, min(grid.value, n_grids - 1)),
           [board, version, t.lang, grid.value])


@solara.component
def JourneyTab(board: Board, t: T, version: int):
    outcome = solara.use_reactive("resolved_cases")
    case = solara.use_reactive(None)
    tag = solara.use_reactive("A")
    sims = dict(board.shown)
    sim = sims.get(tag.value, sims["A"])
    with board.lock:
        cases = sim.cases(outcome.value)
    with solara.Row(style={"max-width": "900px"}):
        if len(sims) > 1:
            _select(t("which"), [(k, k) for k in sims], tag.value, tag.set)
        _select(t("outcome"), [(k, t(k)) for k in OUTCOMES], outcome.value, lambda v: (outcome.set(v), case.set(None)))
        if cases:
            _select(t("pick_case"), [(d, f"#{d}") for d in cases], case.value if case.value in cases else cases[0], case.set)
    if not cases:
        solara.Info(t("no_cases"))
        return
    d = case.value if case.value in cases else cases[0]
    with board.lock:
        facts, table = sim.journey(d, t)
    solara.Markdown("  \n".join(f"**{k}**：{v}" if t.lang == "zh" else f"**{k}**: {v}" for k, v in facts.items()))
    Table(table, "cogov-journey")


TABS = [("overview", Overview), ("map", MapTab), ("network", NetworkTab), ("journey", JourneyTab)]


@solara.component
def Page():
    lang = solara.use_reactive(default_lang())
    t = T(lang.value)
    preset = solara.use_reactive(DEFAULT_PRESET)
    overrides = solara.use_reactive({})
    seed = solara.use_reactive(1)
    compare = solara.use_reactive(False)
    preset_b = solara.use_reactive("")
    generation = solara.use_reactive(0)  # bumped by Reset
    version = solara.use_reactive(0)  # bumped after every step
    playing = solara.use_reactive(False)
    days_per_tick = solara.use_reactive(5)
    tab = solara.use_reactive(0)

    def build():
        try:
            return Board.build(preset.value, overrides.value, seed.value, preset_b.value if compare.value else None), None
        except SimError as e:
            return None, str(e)

    board, error = solara.use_memo(build, dependencies=[
        preset.value, tuple(sorted(overrides.value.items())), seed.value, compare.value, preset_b.value,
        generation.value])

    def advance():
        board.step(days_per_tick.value)
        version.set(version.value + 1)

    def play(cancel):
        while playing.value and board is not None and not cancel.is_set():
            if board.finished:
                playing.set(False)
                return
            advance()
            time.sleep(TICK_SECONDS)

    solara.use_thread(play, dependencies=[playing.value, board], intrusive_cancel=False)

    def reset():
        playing.set(False)
        generation.set(generation.value + 1)

    solara.Title(t("title"))
    solara.Style(font_css() + CSS)
    with solara.AppBar():
        solara.AppBarTitle(t("title"))
        solara.Button(t("switch_lang"), on_click=lambda: lang.set("en" if lang.value == "zh" else "zh"),
                      text=True, icon_name="mdi-translate", classes=["lang-switch"])
    with solara.Sidebar():
        Controls(t, preset, overrides, seed, compare, preset_b, board, playing, days_per_tick,
                 on_step=advance, on_reset=reset)
    solara.Markdown(f"*{t('subtitle')}*")
    if error is not None:
        solara.Error(f"{t('error')}: {error}", classes=["cogov-error"])
        return
    solara.HTML(tag="h3", unsafe_innerHTML=f"{t('day', day=board.day)} / {MAX_DAYS}" if board.day else t("not_started"),
                classes=["cogov-day"])
    with solara.lab.Tabs(value=tab, lazy=True):
        for i, (key, view) in enumerate(TABS):
            with solara.lab.Tab(t(key)):
                if tab.value == i:
                    view(board, t, version.value)
    solara.Text(t("footer"), style={"font-size": "0.8em", "color": "#777"})
