"""Conservation and consistency: every dispute is in exactly one state, queues hold exactly the
queued cases, capacities and resident attributes stay in range."""

import numpy as np
import pytest
from cogov.model import CogovModel, load_scenario
from cogov.model.disputes import FINAL_STATES, Finder, Handler, State
from cogov.model.metrics import DAILY_REPORTERS, judged, resolution_rate


def _check(model: CogovModel):
    ds = model.disputes
    state = ds.view("state")
    assert set(np.unique(state)) <= {int(s) for s in State}
    assert ds.state_counts().sum() == ds.n
    queued = set(np.flatnonzero(np.isin(state, (State.QUEUED, State.PETITION))).tolist())
    in_queues = [d for h in model.handlers() for d in h.queue]
    assert len(in_queues) == len(set(in_queues)), "a case sits in two queues"
    assert set(in_queues) == queued
    for h in model.handlers():
        for d in h.queue:
            assert ds.handler_id[d] == h.unique_id
    for h in model.handlers():
        assert h.capacity() >= 0
    closed = ds.view("closed")
    terminal = np.isin(state, (State.RESOLVED, State.LITIGATION, State.LAPSED))
    assert (closed[terminal] >= ds.view("arose")[terminal]).all()
    disc = ds.view("discovered")
    assert (disc[disc >= 0] >= ds.view("arose")[disc >= 0]).all()
    assert (ds.view("n_parties") >= 1).all()
    pd, _ = ds.parties()
    assert (np.bincount(pd, minlength=ds.n) == ds.view("n_parties")).all()
    _check_live_set(model)
    for arr in (model.trust, model.public_spirit, model.grievance, model.satisfaction):
        assert arr.min() >= 0 and arr.max() <= 1
    assert model.costs.total >= 0


def _check_live_set(model: CogovModel):
    """The live set holds every dispute not in a final state, and the daily counts made from it
    and the retired disputes' tallies are those of the whole table."""
    ds = model.disputes
    state = ds.view("state")
    live = ds.live()
    retired = np.setdiff1d(np.arange(ds.n), live)
    assert np.isin(state[retired], FINAL_STATES).all()
    assert (np.diff(live) > 0).all()
    pd, pr = ds.parties()
    rows = np.isin(pd, live)
    lpd, lpr = ds.live_parties()
    assert np.array_equal(lpd, pd[rows]) and np.array_equal(lpr, pr[rows])
    assert np.array_equal(ds.state_counts(), np.bincount(state, minlength=len(State)))
    assert DAILY_REPORTERS["petitions"](model) == ds.view("petitions").sum()
    ok_judged = judged(model)
    for reported, ok in ((False, (State.RESOLVED,)), (True, (State.RESOLVED, State.CLOSED_SUPERFICIALLY))):
        whole = np.isin(state[ok_judged], ok).mean() if ok_judged.any() else None
        assert resolution_rate(model, reported) == whole


@pytest.mark.parametrize("name", ["administrative_only", "co_governance", "legal_grid", "hotline", "campaign"])
def test_invariants_hold_every_day(name):
    m = CogovModel(load_scenario(name, ["population.residents=2000"]).params, seed=3)
    for _ in range(200):
        m.step()
        _check(m)


def test_timeseries_state_counts_add_up(run_preset):
    ts = run_preset("co_governance").timeseries
    states = [c for c in ts.columns if c.startswith("state_")]
    assert len(states) == len(State)
    assert (ts[states].sum(axis=1) == ts["disputes_total"]).all()
    assert ts["disputes_total"].is_monotonic_increasing


def test_resident_agents_are_addressable():
    m = CogovModel(load_scenario("co_governance", ["population.residents=1000"]).params, seed=1)
    r = m.resident(10)
    assert r.unique_id in {a.unique_id for a in m.agents}
    assert r.group in ("local", "migrant", "elderly") and 0 <= r.trust <= 1
    assert r.grid == int(m.world.grid[10])
    assert m.resident(10) is r
    with pytest.raises(IndexError):
        m.resident(1000)


def test_network_is_symmetric_and_local():
    m = CogovModel(load_scenario("base", ["population.residents=3000"]).params, seed=2)
    w = m.world
    g = w.graph()
    assert g.number_of_nodes() == w.n
    assert 2 * g.number_of_edges() == len(w.adj_idx)
    src = np.repeat(np.arange(w.n), w.degree())
    same_grid = (w.grid[src] == w.grid[w.adj_idx]).mean()
    assert same_grid > 0.8, "ties are mostly within the grid"
    sub = w.graph(np.arange(w.grid_first[0], w.grid_first[0] + w.grid_size[0]))
    assert sub.number_of_nodes() == w.grid_size[0]


def test_every_escalated_case_is_known():
    """A petition or group incident brings a case to light, even one nobody had found."""
    m = CogovModel(load_scenario("administrative_only", ["population.residents=3000"]).params, seed=1, events=True)
    for _ in range(365):
        m.step()
    ds = m.disputes
    escalated = (ds.view("petitions") > 0) | ds.view("group_incident")
    assert escalated.any()
    assert (ds.view("discovered")[escalated] >= 0).all()
    by_escalation = np.flatnonzero(ds.view("found_by") == Finder.ESCALATION)
    logged = {d for d, _, ev, *_, detail in m.log.rows if ev == "discovered" and detail == "escalation"}
    assert set(by_escalation.tolist()) <= logged


def test_forums_start_cases_only_on_meeting_days():
    m = CogovModel(load_scenario("gaofeng_deliberation", ["population.residents=3000"]).params, seed=1, events=True)
    for _ in range(365):
        m.step()
    interval = m.p.self_governance.interval_days
    starts = [
        (day, m.agent_by_id[hid].community)
        for _, day, ev, kind, hid, _ in m.log.rows
        if ev == "handling" and kind == Handler.FORUM
    ]
    assert starts, "the forum took cases"
    assert all((day + community) % interval == 0 for day, community in starts)


def test_public_spirit_returns_to_each_residents_own_level_without_participation():
    """Without cultivation, forums or top-down handling nothing moves public spirit but its return
    to each resident's own starting level; volunteers gain instead. (An unconditional decay toward
    zero once emptied the volunteer pool of every arrangement that does not cultivate.)"""
    p = load_scenario(
        "administrative_only",
        [
            "population.residents=2000",
            "volunteers.cultivation=0.0",
            "feedback.spirit_relax=0.01",
            "feedback.dependency_effect=0.0",
        ],
    ).params
    m = CogovModel(p, seed=5)
    m.step()
    m.public_spirit[::2] = 0.0  # knocked off their own level, both ways
    m.public_spirit[1::2] = 1.0
    before, vol = m.public_spirit.copy(), m.volunteer.copy()
    m.step()
    still = vol & m.volunteer
    assert still.any() and (m.public_spirit[still] >= before[still]).all()
    rest = ~vol & ~m.volunteer
    assert rest.sum() > 1900
    gap_before, gap_after = before[rest] - m.spirit_start[rest], m.public_spirit[rest] - m.spirit_start[rest]
    np.testing.assert_allclose(gap_after, 0.99 * gap_before)


def test_finished_runs_are_freed():
    """Mesa keeps every model in a class-level id counter until told; `simulate` tells it, so a worker
    that runs thousands of simulations does not keep them all."""
    import mesa
    from cogov.model import simulate

    params = load_scenario("co_governance", {"population.residents": 300}).params
    before = len(mesa.Agent._ids)
    for seed in range(3):
        simulate(params, seed=seed, steps=5)
    assert len(mesa.Agent._ids) == before


def test_an_experience_moves_each_party_and_each_tie_once():
    """The parties move toward the experience at the first-hand rates, then everyone tied to a party
    at the word-of-mouth rate, once even when tied to both parties; nobody else moves."""
    from cogov.model.feedback import experience

    m = CogovModel(load_scenario("co_governance", ["population.residents=2000"]).params, seed=3)
    for _ in range(30):
        m.step()
    w, ds, fb = m.world, m.disputes, m.p.feedback
    two = [d for d in range(ds.n) if len(ds.party_lists[d]) == 2]
    d = next(d for d in two if set(w.neighbours(ds.party_lists[d][0])) & set(w.neighbours(ds.party_lists[d][1])))
    parties = ds.party_lists[d]
    ties = sorted(set(w.neighbours_of(np.array(parties))[1].tolist()))
    sat, trust = m.satisfaction.copy(), m.trust.copy()
    e = experience(m, d, outcome=1.0, handler=m.office_for(int(ds.category[d])))
    sat[parties] += fb.satisfaction_rate * (e - sat[parties])
    trust[parties] += fb.trust_rate * (e - trust[parties])
    sat[ties] += fb.word_of_mouth * (e - sat[ties])
    trust[ties] += fb.word_of_mouth * (e - trust[ties])
    assert np.array_equal(m.satisfaction, sat) and np.array_equal(m.trust, trust)


def test_the_live_set_refuses_final_states():
    """Retired disputes are not in the live set, so asking it for a final state is a mistake."""
    m = CogovModel(load_scenario("co_governance", ["population.residents=1000"]).params, seed=1)
    for _ in range(30):
        m.step()
    with pytest.raises(ValueError, match="RESOLVED"):
        m.disputes.in_state(State.KNOWN, State.RESOLVED)
