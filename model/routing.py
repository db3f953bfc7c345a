"""Phase 5: the platform routes known and failed cases along the routing ladder (DESIGN §3.4, §7).

- ``administrative``: the competent office; a failed attempt is re-handled there (重办).
- ``local_first`` (枫桥经验): grid worker on the spot → social organisation → deliberation forum →
  office, each rung only after the one below fails; cases needing rigid power go to the office,
  and the last attempt a case has left is always the office's.
- ``triage`` (多元共治): the handler with the best expected success for the case's category and
  intensity, discounted by the wait at its queue (with the platform's routing accuracy), untried
  ones first; multi-party, intense cases
  go to joint handling (联合调处) by office, social organisation and grid worker together.

Every ladder gives a case at most ``routing.max_attempts`` handling attempts; a case that comes
back (a paper closure reopened, a petition answered, a group incident) gets at least one more.
Moving a case to another kind of handler costs a hand-off (delay and intensity); re-handling by
the same kind costs a delay. When no attempt is left the parties sue (litigation) or are left
with a failed case. Cases sent to an office can land at the wrong one first (silo friction, 推诿).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .disputes import KIND, Handler, State
from .feedback import experience
from .params import CATEGORIES
from .success import case_of, success_prob

if TYPE_CHECKING:
    from .agents import QueueHandler
    from .model import CogovModel

# Public and multi-party matters a deliberation forum takes up (DESIGN §2 self-governance).
FORUM_CATEGORIES = tuple(CATEGORIES.index(c) for c in ("property", "environment", "public_service"))
LOCAL_FIRST_ORDER = (Handler.GRID, Handler.MEDIATION, Handler.FORUM, Handler.OFFICE)
FORUM_FIRST_ORDER = (Handler.GRID, Handler.FORUM, Handler.MEDIATION, Handler.OFFICE)  # self_governance.forum_first


def route_pending(model: CogovModel) -> None:
    ds = model.disputes
    known = ds.in_state(State.KNOWN)
    for d in known[ds.ready[known] <= model.day]:
        route(model, int(d))


def route(model: CogovModel, d: int) -> None:
    """Send case d to its next handler, or end its ladder."""
    if model.disputes.attempts[d] < model.p.routing.max_attempts:
        assign(model, d, *next_handler(model, d))
    else:
        end_of_ladder(model, d)


def one_more_attempt(model: CogovModel, d: int) -> None:
    """A case that comes back gets at least one more attempt."""
    ds = model.disputes
    ds.attempts[d] = min(int(ds.attempts[d]), model.p.routing.max_attempts - 1)


def available(model: CogovModel, d: int, kind: Handler) -> QueueHandler | None:
    """The handler of this kind that would take case d, or None if the kind cannot take it."""
    ds, p = model.disputes, model.p
    ladder = p.routing.ladder
    if kind == Handler.OFFICE:
        return model.office_for(int(ds.category[d]))
    if ladder == "administrative":
        return None
    if kind == Handler.GRID:
        gw = model.grid_workers[ds.grid[d]]
        ok = (
            p.grid.onsite_mediation
            and gw.fte > 0
            and not ds.rigid[d]
            and ds.intensity[d] <= p.grid.onsite_max_intensity
        )
        return gw if ok else None
    if kind == Handler.MEDIATION:
        return model.mediator_for(d)
    if kind == Handler.FORUM:
        sg = p.self_governance
        if sg.deliberation and (
            sg.forum_first or ds.category[d] in FORUM_CATEGORIES or ds.n_parties[d] >= sg.forum_min_parties
        ):
            return model.forums[model.world.community[ds.grid[d]]]
        return None
    if kind == Handler.JOINT:
        return model.office_for(int(ds.category[d])) if model.mediator_for(d) is not None else None
    return None


def next_handler(model: CogovModel, d: int) -> tuple[Handler, QueueHandler]:
    """The kind of handler for the case's next attempt (at least one attempt is left), and the
    handler of that kind that takes it."""
    ds, p, rng = model.disputes, model.p, model.streams.routing
    ladder, tried = p.routing.ladder, int(ds.tried[d])
    office = model.office_for(int(ds.category[d]))
    if ladder == "local_first":
        if not ds.rigid[d] and ds.attempts[d] != p.routing.max_attempts - 1:
            order = FORUM_FIRST_ORDER if p.self_governance.forum_first else LOCAL_FIRST_ORDER
            for k in order:  # the first untried rung that can take it without a long wait
                if (
                    not tried & (1 << k)
                    and (h := available(model, d, k)) is not None
                    and h.wait() <= p.routing.local_max_wait_days
                ):
                    return k, h
        return Handler.OFFICE, office
    if ladder == "triage":
        kinds = (Handler.GRID, Handler.MEDIATION, Handler.FORUM, Handler.OFFICE)
        can = [(k, h) for k in kinds if (h := available(model, d, k)) is not None]
        joint = ds.n_parties[d] >= p.routing.joint_min_parties and ds.intensity[d] >= p.routing.joint_min_intensity
        if joint and any(k == Handler.MEDIATION for k, _ in can):  # an organisation to handle it with
            return Handler.JOINT, office
        options = [(k, h) for k, h in can if not tried & (1 << k)] or can
        u, pick = rng.random(), rng.random()  # drawn together, so the stream does not depend on the branch
        if u < p.routing.routing_accuracy:  # the best expected success, discounted by the wait
            half_life, case = p.feedback.timeliness_days, case_of(model, d)
            return max(
                options,
                key=lambda kh: success_prob(model, d, kh[0], kh[1], case) * 0.5 ** (kh[1].wait() / half_life),
            )
        return options[int(pick * len(options))]
    return Handler.OFFICE, office


def assign(model: CogovModel, d: int, kind: Handler, handler: QueueHandler | None = None, front: bool = False) -> None:
    """Queue case d at `handler` (by default the handler of `kind` that would take it), after a
    hand-off or re-handling delay; an office the case newly arrives at may pass it on first."""
    ds, r = model.disputes, model.p.routing
    handler = available(model, d, kind) if handler is None else handler
    assert handler is not None, f"case {d} was assigned to {kind.name}, which cannot take it"  # callers check
    before = KIND[ds.handler[d]] if ds.attempts[d] > 0 else None  # the kind of its last attempt
    delay = 0.0
    if before == kind:
        delay = r.rehandle_delay_days
    elif before is not None:
        delay = r.handoff_delay_days
        ds.handoffs[d] += 1
        ds.intensity[d] = min(1.0, ds.intensity[d] + model.p.disputes.handoff_jump)
    if kind in (Handler.OFFICE, Handler.JOINT):
        ds.reached_office[d] = True
        if kind == Handler.OFFICE and before != kind:
            delay += _transfers(model, d, handler)
    ds.state[d] = State.QUEUED
    ds.handler[d] = kind
    ds.handler_id[d] = handler.unique_id
    ds.tried[d] |= 1 << kind
    ds.priority[d] = front
    ds.ready[d] = model.day + int(round(delay))
    handler.enqueue(d, front=front)
    model.log(d, model.day, "routed", kind, handler.unique_id, getattr(handler, "name", ""))


def _transfers(model: CogovModel, d: int, office) -> float:
    """Wrong offices a case passes through before reaching the competent one; returns the delay."""
    p = model.p
    silo = p.offices.silo_penalty
    if p.routing.one_stop:
        silo *= 1 - p.routing.one_stop_effect
    if p.smart.data_platform:
        silo *= 1 - p.smart.silo_reduction
    if silo <= 0:
        return 0.0
    most = p.offices.max_transfers
    k = min(int(model.streams.routing.geometric(1 - silo)) - 1 if silo < 1 else most, most)
    if k <= 0:
        return 0.0
    ds = model.disputes
    ds.transfers[d] += k
    ds.intensity[d] = min(1.0, ds.intensity[d] + k * p.disputes.transfer_jump)
    if model.log.enabled:
        wrong = [o for o in model.offices if o is not office]
        for _ in range(k):
            o = wrong[int(model.streams.journey.integers(len(wrong)))]
            model.log(d, model.day, "transferred", Handler.OFFICE, o.unique_id, o.name)
    return k * p.offices.transfer_delay_days


def end_of_ladder(model: CogovModel, d: int) -> None:
    """No rung is left: the parties go to court, or live with a failed case."""
    ds, p = model.disputes, model.p
    parties = ds.parties_of(d)
    legal = float(np.mean(model.legal_awareness[parties]))
    if model.streams.routing.random() < p.petition.litigation_rate * legal:
        ds.state[d] = State.LITIGATION
        ds.closed[d] = model.day
        model.log(d, model.day, "litigation")
    else:
        ds.state[d] = State.FAILED
        model.log(d, model.day, "failed")
    last = model.agent_by_id[int(ds.handler_id[d])] if ds.handler_id[d] >= 0 else model.office_for(int(ds.category[d]))
    experience(model, d, outcome=0.0, handler=last)
