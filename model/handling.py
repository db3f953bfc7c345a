"""Phase 6: every handler starts what its capacity allows, and attempts that have run their
course end in resolution, a paper closure, or failure and the next attempt (DESIGN §3.5, §7).

- Each started attempt counts toward the case's `routing.max_attempts`.
- A government-run social organisation may refer a case it takes to an office (二政府).
- Any handler under assessment pressure may close a failing case on paper (形式主义); offices
  bear the pressure in full, grassroots handlers the share `offices.pressure_reach`.
- With call-backs (回访), a closed hotline case is called back: a paper closure the caller reports
  unsolved is re-handled at once (重办) instead of festering until it reopens; and since handlers
  are assessed on what call-backs find (三率考核), they try fewer paper closures on such cases.
- Volunteer mediators are paid a subsidy per settled case (以案定补).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .agents import DeliberationForum, PetitionOffice, SocialOrganization
from .disputes import KIND, Handler, State
from .escalation import answer_petition
from .feedback import experience
from .routing import assign, end_of_ladder, route
from .success import success_prob

if TYPE_CHECKING:
    from .agents import QueueHandler
    from .model import CogovModel


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
            else:
                _start(model, d, h)
    busy = ds.in_state(State.IN_HANDLING)
    for d in busy[ds.ready[busy] <= day]:
        _finish(model, int(d))


def _start(model: CogovModel, d: int, h: QueueHandler) -> None:
    ds, day = model.disputes, model.day
    ds.attempts[d] += 1
    if isinstance(h, SocialOrganization) and h.defers():
        model.log(d, day, "referred", Handler.MEDIATION, h.unique_id)
        if ds.attempts[d] < model.p.routing.max_attempts:
            assign(model, d, Handler.OFFICE)
        else:
            end_of_ladder(model, d)
        return
    days = h.duration()
    if int(ds.handler[d]) == Handler.JOINT:
        days = max(days, _enlist_partners(model, d)) + int(round(model.p.routing.joint_extra_days))
    ds.state[d] = State.IN_HANDLING
    ds.ready[d] = day + days
    model.log(d, day, "handling", ds.handler[d], h.unique_id)


def _enlist_partners(model: CogovModel, d: int) -> int:
    """Joint handling also draws on a social organisation and the grid worker (联合调处); returns
    the days the organisation's part takes."""
    org = model.mediator_for(d)
    days = 0
    if org is not None:
        org.credit -= 1.0
        model.disputes.partner_id[d] = org.unique_id
        days = org.duration()
    gw = model.grid_workers[model.disputes.grid[d]]
    gw.owed_hours += model.p.grid.hours_per_mediation
    return days


def _finish(model: CogovModel, d: int) -> None:
    ds, p, day, rng = model.disputes, model.p, model.day, model.streams.handling
    kind = KIND[ds.handler[d]]
    handler = model.agent_by_id[int(ds.handler_id[d])]
    callback = p.channels.callback and ds.via_hotline[d]
    # 三率考核: a paper closure that a call-back would catch does not pay, so fewer are tried
    caught = p.channels.callback_detection if callback else 0.0
    settled = rng.random() < success_prob(model, d, kind, handler)
    on_paper = rng.random() < model.pressure(kind) * p.offices.superficial_max * (1 - caught)
    if callback:
        model.costs.add_event("hotline", p.channels.callback_cost)
    if settled:
        ds.state[d] = State.RESOLVED
        ds.closed[d] = day
        ds.resolved_by[d] = kind
        model.log(d, day, "resolved", kind, handler.unique_id)
        experience(model, d, outcome=1.0, handler=handler)
        if getattr(handler, "org_kind", "") == "mediation_committee":
            model.costs.add_event("volunteers", p.volunteers.case_subsidy)
    elif on_paper:
        ds.state[d] = State.CLOSED_SUPERFICIALLY
        ds.superficial[d] += 1
        ds.ready[d] = day + 1 + int(rng.exponential(p.disputes.reopen_mean_days))
        model.log(d, day, "closed_superficially", kind, handler.unique_id)
        experience(model, d, outcome=p.disputes.paper_closure_outcome, handler=handler)
        if callback and rng.random() < p.channels.callback_detection:
            model.log(d, day, "called_back", kind, handler.unique_id)
            route(model, d)  # 重办: the caller says it is not solved
    else:
        model.log(d, day, "attempt_failed", kind, handler.unique_id)
        route(model, d)
    ds.partner_id[d] = -1


def _meeting(model: CogovModel, forum: DeliberationForum) -> None:
    """A forum meeting: residents of the community attend in proportion to their public spirit;
    below the quorum it goes through the motions."""
    p, w = model.p.self_governance, model.world
    grids = np.flatnonzero(w.community == forum.community)
    lo, hi = w.grid_first[grids[0]], w.grid_first[grids[-1]] + w.grid_size[grids[-1]]
    ps = model.public_spirit[lo:hi] * model.participation_factor[lo:hi]
    attend = model.streams.feedback.random(hi - lo) < np.minimum(1.0, p.attendance_factor * p.attendance * ps)
    idx = np.flatnonzero(attend) + lo
    forum.quality = min(1.0, attend.mean() / p.quorum) if p.quorum > 0 else 1.0
    model.participated[idx] = True
    model.public_spirit[idx] += p.spirit_gain * (1 - model.public_spirit[idx])
    model.costs.add_event("deliberation", p.cost_per_meeting)
