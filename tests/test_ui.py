"""The classroom app's logic, without a browser: boards, views, journeys, labels and the font."""

from __future__ import annotations

import numpy as np
import pytest
from fontTools.ttLib import TTFont

from app.session import MAX_DAYS, Board, Sim, SimError
from app.text import CONTROLS, EVENT_TEXT, LANGS, TEXT, T
from model.disputes import OPEN_STATES, State
from model.levers import lever_index


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

    from app.font import _ui_strings, font_css

    data = re.search(r"base64,([A-Za-z0-9+/=]+)", font_css()).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    missing = {c for c in _ui_strings() if ord(c) > 0x2000 and ord(c) not in cmap}
    assert not missing, f"characters the page shows but its font lacks: {''.join(sorted(missing))}"
