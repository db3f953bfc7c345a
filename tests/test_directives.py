"""Players' directives (DESIGN §8): each replaces one actor's rule, draws no random number, and
left at its defaults is the rule itself."""

from __future__ import annotations

import numpy as np
import pytest
from cogov.model import CogovModel, load_scenario
from cogov.model.directives import FORUM_FROM, GridPlan, bring_to_forum, petition, set_levers
from cogov.model.discovery import _plan_visits
from cogov.model.disputes import Handler, State
from cogov.model.grid_hours import plan_day
from cogov.model.metrics import final_metrics


def _street(preset: str = "co_governance", days: int = 60, seed: int = 5) -> CogovModel:
    m = CogovModel(load_scenario(preset, ["population.residents=3000"]).params, seed=seed)
    for _ in range(days):
        m.step()
    return m


def _stream_states(m: CogovModel) -> dict:
    return {k: v.bit_generator.state for k, v in vars(m.streams).items()}


def test_default_plan_is_the_rule():
    ruled, planned = _street(days=0), _street(days=0)
    for gw in planned.grid_workers:
        gw.plan = GridPlan()

    def hours(m):
        return [(gw.visit_hours, gw.owed_hours, gw.hours_used, gw.mediation_slots) for gw in m.grid_workers]

    for _ in range(90):
        ruled.step()
        planned.step()
        assert hours(ruled) == hours(planned), f"day {ruled.day}"  # a share of paperwork put off shows here
    assert final_metrics(ruled) == final_metrics(planned)


def test_directives_draw_no_random_numbers():
    m = _street()
    before = _stream_states(m)
    set_levers(m, {"routing.ladder": "administrative", "social_orgs.staff": 1.0})
    ds = m.disputes
    waiting = [int(d) for d in np.flatnonzero(np.isin(ds.view("state"), FORUM_FROM))]
    assert waiting, "a street after two months has cases waiting"
    for d in waiting[:5]:
        bring_to_forum(m, d)
    for d in waiting[5:10]:
        petition(m, d)
    assert _stream_states(m) == before


def test_set_levers_apply_from_the_next_day_and_name_a_wrong_lever():
    m = _street(days=10)
    set_levers(m, {"purchase.budget_per_year": 50_000.0})
    assert m.p.purchase.budget_per_year == 50_000.0
    assert m.reforms_applied[-1] == (m.day + 1, {"purchase.budget_per_year": 50_000.0})
    with pytest.raises(ValueError, match="social_orgs.staff"):
        set_levers(m, {"social_orgs.staff": -3})


def test_plan_validation_names_the_field():
    with pytest.raises(ValueError, match="paperwork"):
        GridPlan(paperwork=1.5)
    with pytest.raises(ValueError, match="visit_first"):
        GridPlan(visit_first="random")


def test_no_mediation_share_means_no_on_the_spot_mediation():
    m = _street(days=30)
    for gw in m.grid_workers:
        gw.plan = GridPlan(mediation=0.0)
    queued_at_grid = []
    for _ in range(30):
        m.step()
        assert all(gw.mediation_slots == 0 for gw in m.grid_workers)
        queued_at_grid.append(sum(len(gw.queue) for gw in m.grid_workers))
    assert max(queued_at_grid) > 0, "cases wait for grid workers who do not mediate"


def test_paperwork_put_off_is_owed():
    m = _street(days=30)
    for gw in m.grid_workers:
        gw.owed_hours = 0.0
        gw.plan = GridPlan(paperwork=0.0)
    hours = m.grid_workers[0].hours()
    plan_day(m, hours)
    visits = [gw.visit_hours + gw.mediation_slots * m.p.grid.hours_per_mediation for gw in m.grid_workers]
    assert m.admin_burden() > 0
    assert all(gw.owed_hours > 0 for gw in m.grid_workers)
    assert all(v > hours for v in visits), "hours of put-off paperwork go to the street"


def test_known_trouble_visits_buildings_with_open_cases_first():
    m = _street(days=60)
    w, ds = m.world, m.disputes
    rule = _plan_visits(m)
    for gw in m.grid_workers:
        gw.plan = GridPlan(visit_first="known_trouble")
    first = _plan_visits(m)
    pd, pr = ds.parties()
    open_ = np.isin(ds.view("state"), (State.KNOWN, State.QUEUED, State.IN_HANDLING, State.FAILED))[pd]
    trouble = np.zeros(len(w.bld_first), bool)
    trouble[w.building[pr[open_]]] = True
    residents = np.arange(w.n)
    in_trouble = trouble[w.building[residents]]
    assert in_trouble.any() and (~in_trouble).any()
    assert first(residents[in_trouble]).mean() > rule(residents[in_trouble]).mean()
    assert first(residents[~in_trouble]).mean() < rule(residents[~in_trouble]).mean()


def test_a_chosen_case_is_taken_first():
    m = _street(preset="administrative_only", days=120)
    office = max(m.offices, key=lambda o: len(o.queue))
    ready = [d for d in office.queue if m.disputes.ready[d] <= m.day + 1]
    assert len(ready) > office.capacity() + 1, "an office with a backlog"
    chosen = ready[-1]
    office.first = {chosen}
    m.step()
    assert chosen not in office.queue
    assert m.disputes.state[chosen] != State.QUEUED
    assert not office.first


def test_forum_and_petition_move_the_case_and_refuse_what_they_cannot_take():
    m = _street()
    ds = m.disputes
    waiting = [int(d) for d in np.flatnonzero(np.isin(ds.view("state"), FORUM_FROM))]
    taken = [d for d in waiting if bring_to_forum(m, d)]
    assert taken, "some waiting case is a forum matter"
    for d in taken:
        assert ds.state[d] == State.QUEUED and ds.handler[d] == Handler.FORUM
        assert sum(d in h.queue for h in m.handlers()) == 1
    resolved = int(np.flatnonzero(ds.view("state") == State.RESOLVED)[0])
    assert not bring_to_forum(m, resolved)
    assert not petition(m, resolved)
    d = taken[0]
    petitions = int(ds.petitions[d])
    assert petition(m, d)
    assert ds.petitions[d] == petitions + 1
    assert sum(d in h.queue for h in m.handlers()) == 1  # now with the petition office only
    admin = _street(preset="administrative_only", days=60)  # no forum to bring anything to
    its_waiting = np.flatnonzero(np.isin(admin.disputes.view("state"), FORUM_FROM))
    assert len(its_waiting) and not any(bring_to_forum(admin, int(d)) for d in its_waiting)
