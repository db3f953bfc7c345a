"""The classroom page that `cogov ui` serves (Solara, the framework under Mesa's SolaraViz).

A bar on top (title, the controls' button, the language button), the controls in a drawer, and
tabs: overview charts, grid map, one grid's network, case journeys. Every label comes from
`app.text` in the page's language.

The page holds no model: it shows its `Run` (`app.live`), found again after a reload through the
token in its address. A thread of the page's own waits for the run to change and draws a fresh
snapshot when it has finished drawing the last one; the map, network and journey tabs read the
model under the board's lock.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import parse_qs

import numpy as np
import pandas as pd
import solara
from solara.alias import rv

from ..model.levers import lever_index
from ..model.scenario import load_scenario
from . import charts
from .browser import PlotlyChart, Viewport
from .font import font_css
from .live import RUNS, Run, contrast
from .session import MAX_DAYS, OUTCOMES, Board, Snapshot
from .text import CONTROLS, LANGS, T, preset_names

MIN_FRAME_SECONDS = 0.25  # the least time between two frames of a playing page
DRAW_WAIT_SECONDS = 2.0  # the longest wait for the browser to say it drew a frame
NARROW = 900  # px: below this the drawer covers the charts, so it opens only when asked
KPIS = [
    "resolution_rate",
    "reported_resolution_rate",
    "case_satisfaction",
    "satisfaction_mean",
    "migrant_local_gap",
    "trust_mean",
    "participation_rate",
    "petitions_per_10k",
    "group_incidents",
    "cost_per_resolved",
]
PERCENT = {"resolution_rate", "reported_resolution_rate", "participation_rate"}

CSS = """
html, body { overflow: hidden; }
.cogov-root { display: flex; flex-direction: column; height: 100vh; }
.cogov-bar { flex: none; z-index: 6; }
.cogov-bar .v-toolbar__title { font-size: 1.35rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cogov-narrow .cogov-bar .v-toolbar__title { font-size: 1.05rem; }
.cogov-body { flex: 1; display: flex; min-height: 0; position: relative; }
.cogov-drawer { flex: none; width: 360px; overflow-y: auto; padding: 8px; background: #fafafa;
                border-right: 1px solid #e0e0e0; }
.cogov-main { flex: 1; min-width: 0; overflow-y: auto; padding: 8px 16px 24px; }
.cogov-drawer-closed .cogov-drawer { display: none; }
.cogov-narrow .cogov-drawer { position: absolute; top: 0; left: 0; bottom: 0; z-index: 5;
                              width: min(360px, 88vw); box-shadow: 2px 0 12px rgba(0,0,0,0.3); }
.cogov-drawer .v-card { margin-bottom: 8px; }
.cogov-drawer .v-input--switch label, .cogov-drawer .v-slider-label, .cogov-lever { white-space: normal; line-height: 1.3; }
.cogov-lever { font-size: 0.95rem; margin-top: 10px; }
.cogov-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(440px, 100%), 1fr)); gap: 12px; }
.cogov-plot { width: 100%; height: max(340px, 40vh); }
.cogov-wide .cogov-plot { height: max(380px, 46vh); }
.cogov-table { border-collapse: collapse; font-size: 1.05rem; margin: 0.5em 0; }
.cogov-table th, .cogov-table td { padding: 4px 12px; border-bottom: 1px solid #e0e0e0; text-align: left; }
.cogov-day { margin: 4px 0; }
.cogov-note { color: #555; font-size: 0.95rem; }
"""


def default_lang() -> str:
    lang = os.environ.get("COGOV_LANG", "zh")
    return lang if lang in LANGS else "zh"


def _select(label: str, items: list[tuple], value, on_value, **kw):
    """A drop-down showing translated text; it passes on only values among its items, whatever a
    client sends."""
    allowed = [val for val, _ in items]

    def pick(v):
        if v in allowed:
            on_value(v)

    return rv.Select(
        label=label,
        items=[{"text": text, "value": val} for val, text in items],
        v_model=value,
        on_v_model=pick,
        dense=True,
        hide_details=True,
        **kw,
    )


def fmt(key: str, v) -> str:
    """A figure for the page: percent for rates, no ``-0.000`` and no trailing zeros."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "—"
    if key in PERCENT:
        return f"{v:.1%}"
    if isinstance(v, int) or abs(v) >= 100:
        return f"{v:,.0f}"
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text


@solara.component
def Table(df: pd.DataFrame, css_class: str):
    solara.HTML(tag="div", unsafe_innerHTML=df.to_html(index=False, border=0, classes=["cogov-table", css_class]))


def _number(value, low: float, high: float, default: float) -> float:
    """`value` as a number within [low, high], or `default` when a client sent no number."""
    try:
        return min(max(float(value), low), high)
    except (TypeError, ValueError, OverflowError):
        return default


def _clamp(name: str, value):
    """A lever value as the page allows it, whatever a client sends."""
    lever = lever_index()[name]
    if lever.kind == "bool":
        return bool(value)
    if lever.kind == "choice":
        return value if value in lever.choices else lever.default
    low, high, _ = CONTROLS[name]
    number = _number(value, low, high, lever.default)
    return int(round(number)) if lever.kind == "int" else number  # levers are strict about their type


@solara.component
def LeverControl(name: str, value, on_value, t: T):
    lever = lever_index()[name]
    if lever.kind == "bool":
        solara.Switch(label=t.lever(name), value=bool(value), on_value=on_value)
        return
    if lever.kind == "choice":
        _select(t.lever(name), [(c, t.choice(c)) for c in lever.choices], value, on_value)
        return
    low, high, step = CONTROLS[name]
    solara.Text(f"{t.lever(name)} ({t.unit(name)}): {value:,.2f}".replace(".00", ""), classes=["cogov-lever"])
    rv.Slider(
        v_model=float(value),
        on_v_model=on_value,
        min=low,
        max=high,
        step=step,
        dense=True,
        hide_details=True,
        thumb_label=False,
    )


def _preset_values(preset: str) -> dict:
    params = load_scenario(preset).params
    return {name: getattr(getattr(params, name.split(".")[0]), name.split(".")[1]) for name in CONTROLS}


@solara.component
def PlayButtons(run: Run, finished: bool, t: T, changed):
    """Play or Pause, Step and Reset. Play and Pause re-render only these buttons, at once: the
    charts go on from the run's own state, so a busy page still answers within a moment."""
    _, press = solara.use_state(0)  # a click re-renders these buttons
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px", "margin-top": "8px"}):
        if run.playing:
            solara.Button(
                t("pause"),
                icon_name="mdi-pause",
                on_click=lambda: (run.pause(), press(lambda n: n + 1)),
                color="warning",
                classes=["cogov-pause"],
            )
        else:
            solara.Button(
                t("play"),
                icon_name="mdi-play",
                on_click=lambda: (run.play(), press(lambda n: n + 1)),
                color="primary",
                disabled=run.board is None or finished,
                classes=["cogov-play"],
            )
        solara.Button(
            t("step"),
            icon_name="mdi-skip-next",
            on_click=lambda: run.step(run.settings.days_per_tick),
            disabled=run.board is None or run.playing or finished,
        )
        solara.Button(t("reset"), icon_name="mdi-restart", on_click=lambda: (run.rebuild(force=True), changed()))


@solara.component
def Controls(run: Run, finished: bool, t: T, changed):
    """The drawer: arrangement A, play, side by side, levers. `changed()` re-renders the page
    after a setting changed."""
    s = run.settings
    names = preset_names()

    def update(**kw):
        for k, v in kw.items():
            setattr(s, k, v)
        run.rebuild()
        changed()

    with solara.Card(t("scenario")):
        _select(
            t("preset"),
            [(n, t.preset(n)) for n in names],
            s.preset,
            lambda v: update(preset=v, overrides={}, preset_b=contrast(v)),
        )
        solara.InputInt(t("seed"), value=s.seed, on_value=lambda v: update(seed=int(_number(v, 0, 2**31 - 1, 0))))
    with solara.Card():
        solara.Text(f"{t('days_per_tick')}: {s.days_per_tick}", classes=["cogov-lever"])
        rv.Slider(
            v_model=s.days_per_tick,
            on_v_model=lambda v: update(days_per_tick=int(_number(v, 1, 30, 5))),
            min=1,
            max=30,
            step=1,
            dense=True,
            hide_details=True,
            thumb_label=False,
        )
        PlayButtons(run, finished, t, changed)
        if finished:
            solara.Text(t("finished", day=MAX_DAYS), classes=["cogov-note", "cogov-finished"])
    with solara.Card(t("compare")):
        solara.Switch(label=t("compare_on"), value=s.compare, on_value=lambda v: update(compare=bool(v)))
        if s.compare:
            _select(
                t("compare_b"),
                [("", t("b_same"))] + [(n, t.preset(n)) for n in names],
                s.preset_b,
                lambda v: update(preset_b=v),
            )
    with solara.Card(t("levers")):
        solara.Text(t("levers_note"), classes=["cogov-note"])
        base = solara.use_memo(lambda: _preset_values(s.preset), dependencies=[s.preset])
        for name in CONTROLS:

            def set_lever(v, name=name):
                update(overrides={**s.overrides, name: _clamp(name, v)})

            LeverControl(name, s.overrides.get(name, base[name]), set_lever, t)


DRAWN = solara.create_context(lambda frame: None)  # told when the browser has drawn a tab's last chart


@solara.component
def Chart(spec: dict, snap: Snapshot, last: bool = True):
    """A chart of frame `snap`; the last chart of a tab tells `DRAWN` once the browser drew it."""
    PlotlyChart(
        spec={**spec, "frame": snap.version},
        config=charts.CONFIG,
        acknowledge=last,
        event_drawn=solara.use_context(DRAWN),
    )


@solara.component
def Overview(board: Board, snap: Snapshot, t: T):
    specs = solara.use_memo(
        lambda: [
            f(snap, t)
            for f in (
                charts.states_figure,
                charts.resolution_figure,
                charts.satisfaction_figure,
                charts.petitions_figure,
                charts.cost_figure,
            )
        ],
        dependencies=[snap, t.lang],
    )
    with solara.Div(classes=["cogov-wide"]):
        Chart(specs[0], snap, last=False)
    with solara.Div(classes=["cogov-charts"]):
        for k, spec in enumerate(specs[1:], 2):
            Chart(spec, snap, last=k == len(specs))
    df = pd.DataFrame(
        {
            t("metric"): [t.metric(k) for k in KPIS],
            **{f.tag: [fmt(k, f.metrics.get(k)) for k in KPIS] for f in snap.frames},
        }
    )
    solara.HTML(tag="h4", unsafe_innerHTML=t("kpis"))
    Table(df, "cogov-kpis")


@solara.component
def MapTab(board: Board, snap: Snapshot, t: T):
    what = solara.use_reactive("open_cases")
    with solara.Row(style={"max-width": "420px"}):
        _select(
            t("colour_by"),
            [("open_cases", t("open_cases")), ("satisfaction", t("grid_satisfaction"))],
            what.value,
            what.set,
        )
    if what.value == "satisfaction":
        solara.Text(t("grid_sat_scale"), classes=["cogov-note"])
    spec = solara.use_memo(
        lambda: charts.map_figure(
            board.read(lambda: [(tag, sim.grid_values(what.value), sim.grid_layout) for tag, sim in board.shown]),
            t,
            what.value,
        ),
        dependencies=[board, snap, t.lang, what.value],
    )
    with solara.Div(classes=["cogov-wide"]):
        Chart(spec, snap)


@solara.component
def NetworkTab(board: Board, snap: Snapshot, t: T):
    grid = solara.use_reactive(0)
    n_grids = board.read(lambda: board.shown[0][1].model.world.n_grids)
    g = min(grid.value, n_grids - 1)
    with solara.Row(style={"max-width": "420px"}):
        _select(t("pick_grid"), [(k, t("grid_n", g=k)) for k in range(n_grids)], g, grid.set)
    solara.Text(t("network_legend"), classes=["cogov-note"])
    spec = solara.use_memo(
        lambda: charts.network_figure(
            board.read(lambda: [(tag, sim.network_arrays(g)) for tag, sim in board.shown]), t, g
        ),
        dependencies=[board, snap, t.lang, g],
    )
    with solara.Div(classes=["cogov-wide"]):
        Chart(spec, snap)


@solara.component
def JourneyTab(board: Board, snap: Snapshot, t: T):
    outcome = solara.use_reactive("resolved_cases")
    case = solara.use_reactive(None)
    tag = solara.use_reactive("A")
    sims = dict(board.shown)
    sim = sims.get(tag.value, sims["A"])
    cases = board.read(lambda: sim.cases(outcome.value))
    with solara.Row(style={"max-width": "900px", "flex-wrap": "wrap"}):
        if len(sims) > 1:
            _select(t("which"), [(k, k) for k in sims], tag.value, tag.set)
        _select(t("outcome"), [(k, t(k)) for k in OUTCOMES], outcome.value, lambda v: (outcome.set(v), case.set(None)))
        if cases:
            _select(
                t("pick_case"), [(d, f"#{d}") for d in cases], case.value if case.value in cases else cases[0], case.set
            )
    if not cases:
        solara.Info(t("no_cases"))
        return
    d = case.value if case.value in cases else cases[0]
    facts, table = board.read(lambda: sim.journey(d, t))
    colon = "：" if t.lang == "zh" else ": "
    solara.HTML(tag="p", unsafe_innerHTML="<br>".join(f"<b>{k}</b>{colon}{v}" for k, v in facts.items()))
    Table(table, "cogov-journey")


TABS = [("overview", Overview), ("map", MapTab), ("network", NetworkTab), ("journey", JourneyTab)]


@solara.component
def LangButton(t: T, on_click):
    """The bar's button to the other language."""
    solara.Button(
        t("switch_lang"),
        text=True,
        icon_name="mdi-translate",
        classes=["lang-switch"],
        on_click=on_click,
        style={"color": "white"},
    )


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara passes children; the default is never mutated)
    """No Solara app bar or sidebar: the page lays itself out."""
    return solara.Div(children=children)


@solara.component
def Page():
    router = solara.use_router()
    asked = parse_qs(router.search or "").get("run", [None])[0]
    token, run = solara.use_memo(lambda: RUNS.get(solara.get_session_id(), asked, default_lang()), dependencies=[])
    s = run.settings
    t = T(s.lang)
    revision = solara.use_reactive(0)
    width = solara.use_reactive(0)
    drawer = solara.use_reactive(None)  # None: open on a wide window, closed on a narrow one
    finished = solara.use_reactive(False)  # set by `Live`; play and pause re-render only their buttons

    def changed():
        revision.set(revision.value + 1)

    def attach():
        run.attach()
        run.rebuild()
        return run.detach

    solara.use_effect(attach, dependencies=[run])
    narrow = 0 < width.value < NARROW
    is_open = drawer.value if drawer.value is not None else not narrow
    solara.Title(t("title"))
    solara.Style(font_css() + CSS)
    Viewport(token=token, width=width.value, on_width=lambda w: width.set(int(_number(w, 0, 100_000, 0))))
    with solara.Div(
        classes=["cogov-root"] + (["cogov-narrow"] if narrow else []) + ([] if is_open else ["cogov-drawer-closed"])
    ):
        with rv.Toolbar(color="primary", dark=True, dense=narrow, flat=True, class_="cogov-bar"):
            solara.Button(
                icon_name="mdi-tune",
                icon=True,
                on_click=lambda: drawer.set(not is_open),
                classes=["cogov-drawer-toggle"],
                style={"color": "white"},
            )
            rv.ToolbarTitle(children=[t("title")])
            rv.Spacer()
            LangButton(t, lambda: (setattr(s, "lang", "en" if s.lang == "zh" else "zh"), changed()))
        with solara.Div(classes=["cogov-body"]):
            with solara.Div(classes=["cogov-drawer"]):
                if narrow:
                    solara.Button(t("close"), icon_name="mdi-close", text=True, on_click=lambda: drawer.set(False))
                Controls(run, finished.value, t, changed)
            with solara.Div(classes=["cogov-main"]):
                solara.HTML(tag="p", unsafe_innerHTML=f"<i>{t('subtitle')}</i>")
                if run.error is not None:
                    colon = "：" if t.lang == "zh" else ": "
                    solara.Error(f"{t('error')}{colon}{t.error(run.error)}", classes=["cogov-error"])
                else:
                    Live(run, t, finished.set, revision.value)


@solara.component
def Live(run: Run, t: T, on_finished, revision: int):
    """The main area, redrawn from a fresh snapshot whenever the run has changed and the browser
    has drawn the last frame (so a slow browser sees more days a frame, never a growing queue);
    `on_finished` hears whether the run has reached its last day; a new `revision` (a
    changed setting, such as the language) redraws it at once."""
    shown = solara.use_reactive(None)
    drawn = solara.use_memo(threading.Event, dependencies=[])

    def follow(cancel):
        seen = None
        while not cancel.is_set():
            if not run.wait_change(seen, timeout=0.5):
                continue
            seen = run.state()
            snap = run.snapshot()
            on_finished(snap is not None and snap.finished)
            drawn.clear()
            shown.set(snap)
            drawn.wait(DRAW_WAIT_SECONDS)
            if run.playing:  # a playing page draws at most so often; a Step is drawn at once
                cancel.wait(MIN_FRAME_SECONDS)

    solara.use_thread(follow, dependencies=[run], intrusive_cancel=False)
    snap, board = shown.value, run.board
    if board is None or snap is None or snap.board != id(board):
        return  # the first snapshot of a new board is on its way
    solara.HTML(
        tag="h3",
        unsafe_innerHTML=f"{t('day', day=snap.day)} / {MAX_DAYS}" if snap.day else t("not_started"),
        classes=["cogov-day"],
    )

    def pick_tab(i):
        run.settings.tab = i
        shown.set(run.snapshot())

    tab = run.settings.tab
    with rv.Tabs(v_model=tab, on_v_model=lambda i: pick_tab(i) if i in range(len(TABS)) else None, show_arrows=True):
        for key, _ in TABS:
            rv.Tab(children=[t(key)])
    DRAWN.provide(lambda frame: drawn.set())
    TABS[tab][1](board, snap, t)
    solara.Text(t("footer"), classes=["cogov-note"])
