"""The classroom app's logic, without a browser: boards, runs and play, views, journeys, labels,
figures and the font."""

from __future__ import annotations

import json
import re
import threading
import time

import numpy as np
import pytest
from cogov.app import charts
from cogov.app.live import Run, Runs, Settings, contrast
from cogov.app.session import MAX_DAYS, Board, Sim, SimError
from cogov.app.text import CONTROLS, EVENT_TEXT, LANGS, TEXT, T
from cogov.experiments.palette import PRESET_COLOURS
from cogov.model.disputes import OPEN_STATES, State
from cogov.model.levers import lever_index
from cogov.model.params import CATEGORIES
from cogov.model.scenario import presets
from fontTools.ttLib import TTFont


@pytest.fixture(scope="module")
def board() -> Board:
    b = Board.build("co_governance", {"channels.hotline": True}, seed=4, compare_with="administrative_only")
    b.step(150)
    return b


def test_board_steps_both_arrangements_in_lockstep_with_one_seed(board):
    (ta, a), (tb, b) = board.shown
    assert (ta, tb) == ("A", "B")
    assert a.day == b.day == board.day == 150
    assert a.seed == b.seed == 4
    assert a.model.p.channels.hotline and not b.model.p.channels.hotline
    assert len(a.series()) == 150 and a.series()["day"].iloc[-1] == 150


def test_same_arrangement_and_seed_give_the_same_series():
    x, y = Sim("hotline", seed=9), Sim("hotline", seed=9)
    x.step(60)
    y.step(30)
    y.step(30)
    assert x.series().equals(y.series())


def test_b_defaults_to_a_preset_without_the_lever_changes():
    b = Board.build("grid_management", {"grid.workers_per_grid": 3.0}, seed=1, compare_with="")
    (_, a), (_, base) = b.shown
    assert base.preset == "grid_management" and base.overrides == {}
    assert a.model.p.grid.workers_per_grid == 3.0 != base.model.p.grid.workers_per_grid


def test_days_stop_at_the_horizon():
    b = Board.build("administrative_only", {"population.residents": 300}, seed=0)
    b.step(MAX_DAYS + 50)
    assert b.day == MAX_DAYS and b.finished


def test_impossible_combination_is_a_message_not_a_crash():
    with pytest.raises(SimError, match="data_platform"):
        Board.build("co_governance", {"grid.patrol_strategy": "risk_targeted", "smart.data_platform": False}, seed=1)
    with pytest.raises(SimError, match="workers_per_grid"):
        Sim("co_governance", {"grid.workers_per_grid": -1.0})


def test_grid_map_counts_every_open_known_case_once(board):
    _, a = board.shown[0]
    ds = a.model.disputes
    known_open = np.isin(ds.view("state"), OPEN_STATES) & (ds.view("discovered") >= 0)
    assert a.grid_values("open_cases").sum() == known_open.sum()
    sat = a.grid_values("satisfaction")
    assert sat.shape == (a.model.world.n_grids,) and ((sat >= 0) & (sat <= 1)).all()
    pos = a.grid_layout
    assert len({tuple(p) for p in pos}) == len(pos)  # no two grids on one tile


def test_grid_network_marks_parties_and_has_a_position_for_every_node(board):
    _, a = board.shown[0]
    w = a.model.world
    g = a.grid_network(1)
    assert g.number_of_nodes() == w.grid_size[1]
    assert set(a.network_layout(1)) == set(g.nodes)
    statuses = {g.nodes[n]["status"] for n in g.nodes}
    assert statuses <= {"open", "resolved", "none"} and "resolved" in statuses
    with pytest.raises(SimError, match="grids 0–"):
        a.grid_network(w.n_grids)


@pytest.mark.parametrize("lang", LANGS)
def test_case_journey_reads_the_event_log_in_order(board, lang):
    _, a = board.shown[0]
    t = T(lang)
    resolved = a.cases("resolved_cases")
    assert resolved and all(a.model.disputes.state[d] == State.RESOLVED for d in resolved)
    facts, table = a.journey(resolved[0], t)
    events = table[t("event")].tolist()
    assert events[0] == t.pick(EVENT_TEXT["arose"]) and events[-1] == t.pick(EVENT_TEXT["resolved"])
    assert t.pick(EVENT_TEXT["routed"]) in events
    assert facts[t("outcome")] == t.state(State.RESOLVED)
    escalated = a.cases("escalated_cases") + board.shown[1][1].cases("escalated_cases")
    assert escalated, "a 150-day run of two presets has some escalated case"


def test_every_logged_event_and_label_is_translated(board):
    seen = {row[2] for _, sim in board.shown for row in sim.model.log.rows}
    assert seen <= set(EVENT_TEXT), f"events without a label: {seen - set(EVENT_TEXT)}"
    for key, (zh, en) in TEXT.items():
        assert zh and en, key
    for name in CONTROLS:
        assert name in lever_index()
        assert T("zh").lever(name) != T("en").lever(name)


def test_embedded_font_covers_every_chinese_label():
    import base64
    import io
    import re

    from cogov.app.font import _ui_strings, font_css

    data = re.search(r"base64,([A-Za-z0-9+/=]+)", font_css()).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    missing = {c for c in _ui_strings() if ord(c) > 0x2000 and ord(c) not in cmap}
    assert not missing, f"characters the page shows but its font lacks: {''.join(sorted(missing))}"


# --- a page's run: one lock, snapshots, play, pages, security -----------------------------------


def test_a_page_loads_presets_only_never_a_file_on_the_server(tmp_path):
    secret = tmp_path / "secret.toml"
    secret.write_text('extends = "co_governance"\n[meta]\nzh = "服务器上的文件"\nen = "a file on the server"\n')
    for ref in (str(secret), "../scenarios/co_governance", "/etc/hostname"):
        with pytest.raises(SimError, match="not a preset"):
            Board.build(ref, {}, seed=1)
        with pytest.raises(SimError, match="not a preset"):
            Board.build("co_governance", {}, seed=1, compare_with=ref)


def test_drop_downs_pass_on_only_their_own_items():
    from cogov.app.page import _select

    picked = []
    select = _select("preset", [("co_governance", "多元共治"), ("hotline", "12345")], "co_governance", picked.append)
    select.kwargs["on_v_model"]("/work/main/pyproject.toml")
    select.kwargs["on_v_model"]("hotline")
    assert picked == ["hotline"]


def _run(**settings) -> Run:
    run = Run(Settings(lang="zh", **settings))
    run.rebuild()
    return run


def test_snapshots_taken_while_playing_are_whole_days_of_both_sides():
    run = _run(compare=True, days_per_tick=30)
    run.play()
    snaps = []
    while len(snaps) < 40 and run.playing:
        snaps.append(run.snapshot())
        time.sleep(0.02)  # a page draws between snapshots
    run.pause()
    assert not run.playing
    for snap in snaps:
        a, b = snap.frames
        assert (a.tag, b.tag, a.preset, b.preset) == ("A", "B", "co_governance", "administrative_only")
        assert a.day == b.day == snap.day == len(a.series) == len(b.series)
    assert snaps[-1].day > snaps[0].day
    day = run.board.day
    time.sleep(0.3)
    assert run.board.day == day, "no step after Pause"


def test_play_stops_when_the_last_page_leaves_and_the_run_is_dropped_later():
    runs = Runs(keep_seconds=60)
    token, run = runs.get("session-1", None, "en")
    assert runs.get("session-1", token, "zh") == (token, run)
    assert runs.get("session-2", token, "zh")[1] is not run, "a token works only in its own session"
    assert runs.get("session-1", "made-up", "zh")[1] is not run
    run.attach()
    run.rebuild()
    run.play()
    assert run.playing
    run.detach()
    assert not run.playing and run.board is not None
    assert runs.sweep() == 0, "kept a while, so that a reload finds it"
    runs.keep_seconds = 0
    assert runs.sweep() >= 1
    assert run.board is None and runs.get("session-1", token, "en")[1] is not run


def test_play_stops_on_the_last_day_and_step_does_nothing_while_playing():
    run = _run(days_per_tick=30)
    run.board.step(MAX_DAYS - 3)
    steppers = []
    board_step = run.board.step

    def step(days):
        steppers.append(threading.current_thread().name)
        return board_step(days)

    run.board.step = step
    run.play()
    run.step(5)  # ignored: the play thread alone steps while playing
    deadline = time.monotonic() + 30
    while run.playing and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not run.playing and run.board.finished and run.board.day == MAX_DAYS
    assert steppers and set(steppers) == {"cogov-play"}, steppers


def test_b_starts_as_a_contrasting_preset():
    assert Settings(lang="zh").preset_b == contrast(Settings(lang="zh").preset) != Settings(lang="zh").preset
    assert contrast("administrative_only") != "administrative_only"


def test_a_changed_setting_builds_a_new_board_and_an_unchanged_one_keeps_the_run():
    run = _run()
    board = run.board
    run.step(10)
    run.rebuild()
    assert run.board is board and run.board.day == 10
    run.settings.overrides = {"channels.hotline": True}
    run.rebuild()
    assert run.board is not board and run.board.day == 0
    run.settings.overrides = {"grid.patrol_strategy": "risk_targeted", "smart.data_platform": False}
    run.rebuild()
    assert run.board is None and "data_platform" in run.error


# --- words and figures --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_control_unit_choice_category_and_preset_is_worded_in_the_page_language(lang):
    t = T(lang)
    for name in CONTROLS:
        lever = lever_index()[name]
        if lever.kind == "float":
            assert t.unit(name)
        for choice in lever.choices:
            assert t.choice(choice) != choice
    for cat in CATEGORIES:
        assert t.category(cat) != cat
    for name in presets():
        assert t.preset(name) and "_" not in t.preset(name)
    if lang == "zh":
        for name in CONTROLS:
            text = t.lever(name) + (t.unit(name) if lever_index()[name].kind == "float" else "")
            assert not re.search("[a-z]{3,}", text), text


@pytest.mark.parametrize("lang", LANGS)
def test_errors_are_worded_with_the_levers_labels(lang):
    t = T(lang)
    with pytest.raises(SimError) as e:
        Sim("co_governance", {"grid.patrol_strategy": "risk_targeted", "smart.data_platform": False})
    text = t.error(str(e.value))
    assert t.lever("grid.patrol_strategy") in text and t.lever("smart.data_platform") in text
    assert "risk_targeted" not in text and "smart." not in text
    with pytest.raises(SimError) as e:
        Sim("no_such_preset")
    assert t.error(str(e.value)) == t("error_preset")


def test_figures_are_plain_plotly_specs_in_the_preset_colours_with_large_text():
    board = Board.build("co_governance", {}, seed=2, compare_with="administrative_only")
    t = T("zh")
    empty = charts.resolution_figure(board.snapshot(), t)
    assert empty["layout"]["annotations"][0]["text"] == t("no_data") and not empty["layout"]["xaxis"]["visible"]
    board.step(40)
    snap = board.snapshot()
    for make in (
        charts.states_figure,
        charts.resolution_figure,
        charts.satisfaction_figure,
        charts.petitions_figure,
        charts.cost_figure,
    ):
        spec = json.loads(json.dumps(make(snap, t)))
        assert spec["layout"]["font"]["size"] >= 16 and spec["data"]
    lines = charts.satisfaction_figure(snap, t)["data"]
    assert {d["line"]["color"] for d in lines} == {
        PRESET_COLOURS["co_governance"],
        PRESET_COLOURS["administrative_only"],
    }
    assert all(len(d["y"]) == 40 for d in lines)
    tiles = board.read(lambda: [(tag, sim.grid_values("satisfaction"), sim.grid_layout) for tag, sim in board.shown])
    scale = charts.map_figure(tiles, t, "satisfaction")["layout"]["coloraxis"]
    values = np.concatenate([v for _, v, _ in tiles])
    assert scale["cmin"] <= values.min() and values.max() <= scale["cmax"] and scale["cmax"] - scale["cmin"] < 0.3
    nets = board.read(lambda: [(tag, sim.network_arrays(0)) for tag, sim in board.shown])
    json.dumps(charts.network_figure(nets, t, 0))


def test_figures_on_the_page_read_without_minus_zero_or_trailing_zeros():
    from cogov.app.page import fmt

    assert fmt("migrant_local_gap", -0.0001) == "0"
    assert fmt("trust_mean", 12.0) == "12" and fmt("trust_mean", 0.5) == "0.5"
    assert fmt("resolution_rate", 0.8234) == "82.3%" and fmt("resolution_rate", None) == "—"
    assert fmt("cost_per_resolved", 10803.4) == "10,803" and fmt("group_incidents", 3) == "3"


def test_a_closed_board_lets_its_models_go():
    import gc
    import weakref

    board = Board.build("co_governance", {}, seed=1, compare_with="administrative_only")
    board.step(5)
    models = [weakref.ref(sim.model) for _, sim in board.shown]
    board.close()
    del board
    gc.collect()
    assert all(m() is None for m in models), "something (Mesa's agent id counter) still holds the models"


def test_numbers_a_client_sends_are_clamped_or_refused():
    from cogov.app.page import _clamp

    assert _clamp("grid.workers_per_grid", 1e9) == CONTROLS["grid.workers_per_grid"][1]
    assert _clamp("grid.workers_per_grid", "abc") == lever_index()["grid.workers_per_grid"].default
    assert _clamp("routing.ladder", "/etc/passwd") == lever_index()["routing.ladder"].default
