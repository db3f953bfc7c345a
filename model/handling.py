"""Phase 6: every handler starts what its capacity allows, and attempts that have run their
course end in resolution, a paper closure, or failure and the next rung (DESIGN §3.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .agents import DeliberationForum, PetitionOffice
from .disputes import Handler, State
from .escalation import answer_petition
from .feedback import experience
from .routing import route
from .success import success_prob

if TYPE_CHECKING:
    from .model import CogovModel

SUPERFICIAL_OUTCOME = 0.2  # what a paper closure is worth to the parties (assumption: 0–0.4)


def handle(model: CogovModel) -> None:
    ds, day = model.disputes, model.day
    # queues run in order of arrival (priority cases were put at the front); under triage the
    # platform orders them by intensity instead
    by_intensity = model.p.routing.ladder == "triage"
    for forum in model.forums:
        if forum.meets_today():
            _meeting(model, forum)
    for h in model.handlers():
        for d in h.take(by_intensity=by_intensity):
            if isinstance(h, PetitionOffice):
                answer_petition(model, d)
                continue
            if ds.handler[d] == Handler.JOINT:
                _enlist_partners(model, d)
            ds.state[d] = State.IN_HANDLING
            ds.ready[d] = day + h.duration()
            model.log(d, day, "handling", ds.handler[d], h.unique_id)
    busy = ds.in_state(State.IN_HANDLING)
    for d in busy[ds.ready[busy] <= day]:
        _finish(model, int(d))


def _enlist_partners(model: CogovModel, d: int) -> None:
    """Joint handling also draws on a social organisation and the grid worker (联合调处)."""
    org = model.mediator_for(d)
    if org is not None:
        org.credit -= 1.0
    gw = model.grid_workers[model.disputes.grid[d]]
    gw.owed_hours += model.p.grid.hours_per_mediation


def _finish(model: CogovModel, d: int) -> None:
    ds, p, day = model.disputes, model.p, model.day
    kind = Handler(ds.handler[d])
    handler = model.agent_by_id[int(ds.handler_id[d])]
    if model.rng.random() < success_prob(model, d, kind, handler):
        ds.state[d] = State.RESOLVED
        ds.closed[d] = day
        ds.resolved_by[d] = kind
        model.log(d, day, "resolved", kind, handler.unique_id)
        experience(model, d, outcome=1.0, kind=kind)
        return
    pressure = model.pressure()
    if kind in (Handler.OFFICE, Handler.JOINT) and model.rng.random() < pressure * p.offices.superficial_max:
        ds.state[d] = State.CLOSED_SUPERFICIALLY
        ds.superficial[d] += 1
        ds.ready[d] = day + 1 + int(model.rng.exponential(p.disputes.reopen_mean_days))
        model.log(d, day, "closed_superficially", kind, handler.unique_id)
        experience(model, d, outcome=SUPERFICIAL_OUTCOME, kind=kind)
        return
    model.log(d, day, "attempt_failed", kind, handler.unique_id)
    route(model, d)


def _meeting(model: CogovModel, forum: DeliberationForum) -> None:
    """A forum meeting: residents of the community attend in proportion to their public spirit."""
    p, w = model.p.self_governance, model.world
    grids = np.flatnonzero(w.community == forum.community)
    lo, hi = w.grid_first[grids[0]], w.grid_first[grids[-1]] + w.grid_size[grids[-1]]
    ps = model.public_spirit[lo:hi] * model.participation_factor[lo:hi]
    attend = model.rng.random(hi - lo) < np.minimum(1.0, 2 * p.attendance * ps)
    idx = np.flatnonzero(attend) + lo
    model.participated[idx] = True
    model.public_spirit[idx] += p.spirit_gain * (1 - model.public_spirit[idx])
    model.costs.add("deliberation", p.cost_per_meeting)
