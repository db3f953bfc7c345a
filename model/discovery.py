"""Phase 4: latent disputes become known (DESIGN §3.3), and paper closures reopen.

Four channels act on every latent dispute each day, independently: the parties report it (rising
with intensity, trust and open channels, falling with apathy), a grid worker visits the household,
a volunteer in the building notices it, or data early warning flags it. Which channel found a case
is drawn in proportion to the channels' chances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import clip
from .disputes import KNOWN_OPEN_STATES, Finder, State, open_state_table
from .grid_hours import plan_day
from .routing import one_more_attempt
from .world import MIGRANT

if TYPE_CHECKING:
    from .model import CogovModel

# who found a case, by the channel that found it (the order of the hazards below)
CHANNEL_FINDERS = np.array([Finder.REPORT, Finder.GRID_VISIT, Finder.VOLUNTEER_WATCH, Finder.DATA_WARNING])


def discover(model: CogovModel) -> None:
    visit_prob = _plan_visits(model)
    _reopen(model)
    ds, p, rng = model.disputes, model.p, model.streams.discovery
    latent = ds.in_state(State.LATENT)
    if len(latent) == 0:
        return
    ini = ds.initiator[latent]
    inten = ds.intensity[latent]
    trust = ds.party_mean(model.trust, latent)
    ch = p.channels
    apathy = 1 - ch.apathy_weight * (1 - model.public_spirit[ini])
    channel = 1 + (ch.hotline_boost if ch.hotline else 0.0)
    migrant = np.where(model.world.group[ini] == MIGRANT, ch.migrant_report_factor, 1.0)
    report = clip(ch.report_rate * inten * trust * apathy * channel * migrant, 0, 1)
    visit = visit_prob(ini) * p.grid.visit_detection
    watch = 1 - np.exp(-p.volunteers.watch_rate * model.volunteers_in_building[model.world.building[ini]])
    data = p.smart.detect_rate * inten if p.smart.data_platform else np.zeros(len(latent))
    hazards = np.stack([report, visit, watch, data], axis=1)
    found = rng.random(len(latent)) < 1 - np.prod(1 - hazards, axis=1)
    if not found.any():
        return
    d_found, h = latent[found], hazards[found]
    cum = np.cumsum(h, axis=1)
    pick = (cum < (rng.random(len(d_found)) * cum[:, -1])[:, None]).sum(axis=1)
    finder = CHANNEL_FINDERS[pick]
    by_phone = rng.random(len(d_found)) < (ch.hotline_boost / (1 + ch.hotline_boost) if ch.hotline else 0.0)
    finder[(finder == Finder.REPORT.value) & by_phone] = Finder.HOTLINE
    ds.via_hotline[d_found] = finder == Finder.HOTLINE.value
    first = ds.discovered[d_found] < 0
    ds.discovered[d_found[first]] = model.day
    ds.found_by[d_found] = finder
    _make_known(model, d_found, on_the_spot=finder == Finder.GRID_VISIT.value)
    if model.log.enabled:
        for d, f in zip(d_found, finder):
            model.log(d, model.day, "discovered", detail=Finder(f).name.lower())


def _make_known(model: CogovModel, ids: np.ndarray, on_the_spot: np.ndarray | bool = False) -> None:
    """Cases the platform now knows; they are routed after the platform's delay, except those a
    grid worker found in person, which the worker can take up at once."""
    ds = model.disputes
    ds.state[ids] = State.KNOWN
    ds.known_since[ids] = model.day
    ds.tried[ids] = 0
    delay = model.platform_delay()
    ds.ready[ids] = model.day + np.where(on_the_spot, 0, model.streams.discovery.poisson(delay, size=len(ids)))


def _reopen(model: CogovModel) -> None:
    """Paper closures whose problem comes back (形式主义): known again, more intense."""
    ds = model.disputes
    closed = ds.in_state(State.CLOSED_SUPERFICIALLY)
    due = closed[ds.ready[closed] <= model.day]
    if len(due) == 0:
        return
    ds.intensity[due] = np.minimum(1.0, ds.intensity[due] + model.p.disputes.reopen_jump)
    ds.found_by[due] = Finder.REOPENED
    _make_known(model, due)
    for d in due:
        one_more_attempt(model, int(d))
    model.log.many(due, model.day, "reopened")


def _plan_visits(model: CogovModel):
    """Grid workers split their hours; returns a function: residents → chance their household is
    visited today, following the patrol strategy."""
    w, p, gh = model.world, model.p.grid, model.grid_hours
    plan_day(model, model.grid_workers[0].hours())
    possible = gh.visit / p.hours_per_visit
    needed = w.grid_households / p.visit_cycle_days
    done = np.minimum(possible, needed)
    if p.patrol_strategy == "cooperative":
        done = done + _help_from_neighbours(w.community, possible - done, needed - done)
    gh.used += done * p.hours_per_visit
    if p.patrol_strategy == "risk_targeted":
        risk = model.grievance + p.risk_floor
        grid_risk = np.bincount(w.grid, weights=risk, minlength=w.n_grids) / np.maximum(w.grid_size, 1)

        # visits go to households in proportion to their members' grievance (data-driven targeting)
        def rule(res):
            return np.minimum(
                1.0, done[w.grid[res]] / w.grid_households[w.grid[res]] * risk[res] / grid_risk[w.grid[res]]
            )
    else:

        def rule(res):
            return np.minimum(1.0, done[w.grid[res]] / np.maximum(w.grid_households[w.grid[res]], 1))

    return _trouble_first(model, done, gh.trouble_first, rule) if gh.trouble_first.any() else rule


def _trouble_first(model: CogovModel, done: np.ndarray, targeted: np.ndarray, rule):
    """Grid workers told to visit known trouble first (`GridPlan.visit_first`): today's visits go
    to households in buildings where a party of a known open case lives, the rest to the others."""
    w, ds = model.world, model.disputes
    pd, pr = ds.live_parties()
    trouble = np.zeros(len(w.bld_first), bool)
    trouble[w.building[pr[open_state_table(KNOWN_OPEN_STATES)[ds.state[pd]]]]] = True
    hh_building = w.building[w.hh_first]
    focus = np.bincount(w.hh_grid, weights=trouble[hh_building], minlength=w.n_grids)
    first = np.minimum(1.0, done / np.maximum(focus, 1))
    rest = np.maximum(0.0, done - focus) / np.maximum(w.grid_households - focus, 1)

    def visit(res):
        g = w.grid[res]
        return np.where(targeted[g], np.where(trouble[w.building[res]], first[g], rest[g]), rule(res))

    return visit


def _help_from_neighbours(community: np.ndarray, spare: np.ndarray, deficit: np.ndarray) -> np.ndarray:
    """Idle visit capacity in a community goes to its grids with unmet visits, in proportion."""
    n_comm = int(community.max()) + 1
    spare_c = np.bincount(community, weights=spare, minlength=n_comm)
    deficit_c = np.bincount(community, weights=deficit, minlength=n_comm)
    share = np.divide(deficit, deficit_c[community], out=np.zeros_like(deficit), where=deficit_c[community] > 0)
    return np.minimum(deficit, share * spare_c[community])
