"""Phase 3: unattended disputes grow, mild ones may fade, group-prone ones recruit neighbours, and
open disputes raise the grievance of their parties and, less, of the parties' neighbours
(DESIGN §3.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import clip
from .disputes import OPEN_STATES, WAITING_STATES, State, open_state_table

if TYPE_CHECKING:
    from .model import CogovModel


def grow_and_spread(model: CogovModel) -> None:
    ds, p, rng = model.disputes, model.p.disputes, model.streams.spread
    if ds.n == 0:
        _grievance(model, np.empty(0, np.int64))
        return
    waiting = ds.in_state(*WAITING_STATES)
    if len(waiting):
        trust = ds.party_mean(model.trust, waiting)
        rate = model.categories.growth[ds.category[waiting]] * (1 + p.low_trust_growth * (1 - trust))
        ds.intensity[waiting] = np.minimum(1.0, ds.intensity[waiting] + rate)

    # mild latent or failed disputes can fade; parties of a failed case, or of one left waiting in
    # a queue, may give up (说了也白说); every dispute draws, so that the stream does not depend on
    # which ones are still live
    u, live = rng.random(ds.n), ds.live()
    state = ds.state[live]
    mild = open_state_table((State.LATENT, State.FAILED))[state] & (ds.intensity[live] < p.lapse_max_intensity)
    waiting_on = open_state_table((State.FAILED, State.QUEUED))[state]
    chance = 1 - (1 - np.where(mild, p.lapse_rate, 0.0)) * (1 - np.where(waiting_on, p.give_up_rate, 0.0))
    lapsing = u[live] < chance
    lapse = live[lapsing]
    if len(lapse):
        for d in lapse[state[lapsing] == State.QUEUED.value]:
            model.agent_by_id[int(ds.handler_id[d])].queue.remove(d)
        ds.state[lapse] = State.LAPSED
        ds.closed[lapse] = model.day
        model.log.many(lapse, model.day, "lapsed")

    open_ = ds.in_state(*OPEN_STATES)
    _recruit(model, open_)
    _grievance(model, open_)


def _recruit(model: CogovModel, open_: np.ndarray) -> None:
    """Group-prone disputes draw in building-mates with a shared stake."""
    ds, w, rng = model.disputes, model.world, model.streams.spread
    prone = open_[model.categories.group_prone[ds.category[open_]]]
    if len(prone) == 0:
        return
    chance = model.p.disputes.recruit_rate * ds.intensity[prone]
    recruiting = prone[rng.random(len(prone)) < chance]
    for d in recruiting:
        b = w.building[ds.initiator[d]]
        r = int(w.bld_first[b] + rng.integers(w.bld_size[b]))
        if ds.recruit(int(d), r):
            model.log(d, model.day, "recruited", detail=str(r))


def _grievance(model: CogovModel, open_: np.ndarray) -> None:
    """Decay, then open disputes feed their parties' and neighbours' grievance."""
    p, ds = model.p.disputes, model.disputes
    g = model.grievance
    g *= 1.0 - p.grievance_decay
    if len(open_):
        pd, pr = ds.live_parties()
        is_open = np.zeros(ds.n, bool)
        is_open[open_] = True
        rows = is_open[pd]
        res, inten = pr[rows], ds.intensity[pd[rows]]
        np.add.at(g, res, p.party_grievance_rate * inten)
        if p.contagion_rate > 0:
            src, nb = model.world.neighbours_of(res)
            np.add.at(g, nb, p.contagion_rate * inten[src])
    clip(g, 0.0, 1.0, out=g)
