"""Phase 8 and the residents' feedback loops (DESIGN §3.7): experiences move satisfaction and trust
(and, by word of mouth, neighbours' too); satisfaction relaxes toward a baseline lowered by
grievance; participation and cultivation raise public spirit, top-down handling lowers it, and
without either it returns toward each resident's own starting level; residents with public spirit
join the volunteer pool."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import clip
from .disputes import KIND, Handler
from .success import procedure
from .threads import joined

if TYPE_CHECKING:
    from .agents import QueueHandler
    from .model import CogovModel


def experience(
    model: CogovModel,
    d: int,
    outcome: float,
    handler: QueueHandler,
    voice: float | None = None,
    respect: float | None = None,
) -> float:
    """The parties of case d live through an outcome with `handler` (its kind is the case's last
    handler kind); the handler's record (and a joint partner's) remembers it. Returns the experience."""
    p, ds = model.p.feedback, model.disputes
    last = int(ds.handler[d])
    kind = KIND[last] if last >= 0 else handler.kind
    v, r = procedure(model, d, kind, handler)
    v = v if voice is None else voice
    r = r if respect is None else respect
    since = int(ds.known_since[d])
    since = since if since >= 0 else int(ds.arose[d])
    timely = 0.5 ** ((model.day - since) / p.timeliness_days)
    weights = p.outcome_weight + p.timeliness_weight + p.voice_weight + p.respect_weight
    e = (
        p.outcome_weight * outcome + p.timeliness_weight * timely + p.voice_weight * v + p.respect_weight * r
    ) / weights
    parties = ds.party_lists[d]
    model.experiences.append(e)
    model.party_outcomes += len(parties)
    model.party_satisfied += len(parties) if e >= p.satisfied_threshold else 0
    handler.remember(e)
    if kind == Handler.JOINT and ds.partner_id[d] >= 0:
        model.agent_by_id[int(ds.partner_id[d])].remember(e)
    _toward(model.satisfaction, parties, e, p.satisfaction_rate)
    _toward(model.trust, parties, e, p.trust_rate)
    if p.word_of_mouth > 0:
        ties = model.world.ties_of(parties)  # after the parties: a party who is another's tie hears too
        _toward(model.trust, ties, e, p.word_of_mouth)
        _toward(model.satisfaction, ties, e, p.word_of_mouth)
    spirit = model.public_spirit
    if kind in (Handler.OFFICE, Handler.PETITION):
        for i in parties:
            spirit[i] = spirit.item(i) * (1 - p.dependency_effect)  # 管理依赖症
    elif kind == Handler.FORUM:
        model.participated[parties] = True
        _toward(spirit, parties, 1.0, model.p.self_governance.spirit_gain)
    return e


def _toward(values: np.ndarray, residents: list[int], target: float, rate: float) -> None:
    """values[i] += rate × (target − values[i]) for each of a few distinct residents: one case's
    parties or their ties, where numpy's per-call cost would exceed the arithmetic."""
    for i in residents:
        x = values.item(i)
        values[i] = x + rate * (target - x)


def shake_trust(model: CogovModel, parties: np.ndarray, loss: float) -> None:
    """A blow to trust: full for the parties; their neighbours lose the share that word of mouth
    carries relative to first-hand experience."""
    fb = model.p.feedback
    model.trust[parties] *= 1 - loss
    nb = model.world.ties_of(parties)
    model.trust[nb] *= 1 - loss * min(1.0, fb.word_of_mouth / max(fb.trust_rate, 1e-9))


def update_residents(model: CogovModel) -> None:
    """Satisfaction and public spirit drift; volunteers join and leave. The drift runs range by
    range of residents on the model's cores (`model.cores`), in place on scratch arrays."""
    p, w = model.p, model.world
    vol = p.volunteers
    ps, v, pf = model.public_spirit, model.volunteer, model.participation_factor
    u = model.volunteer_draws.result()  # a uniform per resident (`draw_ahead`)
    # volunteers: eligible residents join at a rate set by cultivation, slowing as the pool fills;
    # some stop each day, mediators more often when their committee is overloaded
    room = max(0.0, 1.0 - model.n_volunteers / (vol.max_share * w.n)) if vol.max_share > 0 else 0.0
    join_rate = (vol.base_recruit_rate + vol.cultivation * vol.recruit_rate) * room
    bar = join_rate * model.participation_max  # every resident who may join draws below it
    vi, cand = (joined(parts) for parts in zip(*model.cores.each(lambda r: _drift(model, r, u, bar))))
    committees = [orgs[0] for orgs in model.orgs_by_community]
    load = np.array([c.load for c in committees])
    drop_rate = vol.dropout_rate * (1 + vol.load_dropout * model.mediating_share * load)  # per community
    joining = cand[~v[cand] & (ps[cand] >= vol.spirit_threshold) & (u[cand] < join_rate * pf[cand])]
    leaving = vi[u[vi] < drop_rate[model.res_community[vi]]]
    draw_ahead(model)  # `u` is not needed after this day's joining and leaving
    v[joining] = True
    v[leaving] = False
    model.participated[joining] = True
    model.count_volunteers(joining, leaving)
    model.tally_spirit()


def draw_ahead(model: CogovModel) -> None:
    """The next day's uniform per resident, drawn on another core while that day's cases are
    handled: the volunteers' stream gives nothing else, so its numbers are those drawn on the day.
    Into a buffer of their own, which nothing else touches."""
    rng, out = model.streams.volunteers, model.volunteer_uniforms
    model.volunteer_draws = model.cores.soon(lambda: rng.random(out=out))


def _drift(model: CogovModel, r: slice, u: np.ndarray, bar: float) -> tuple[np.ndarray, np.ndarray]:
    """The drift of residents `r` (the same arithmetic, in the same order, as the formulas in the
    comments); returns the volunteers among them, and those whose draw in `u` is below `bar`."""
    fb, vol = model.p.feedback, model.p.volunteers
    s, ps, v, trust = model.satisfaction[r], model.public_spirit[r], model.volunteer[r], model.trust[r]
    a, b = model.scratch[0][r], model.scratch[1][r]
    # s += relax × (baseline − weight × grievance − s)
    np.multiply(model.grievance[r], fb.grievance_weight, out=a)
    np.subtract(model.p.population.baseline_satisfaction, a, out=a)
    a -= s
    a *= fb.satisfaction_relax
    s += a
    clip(s, 0, 1, out=s)
    # ps += cultivation × rate × (1 − ps) + relax × (own start − ps) × (not a volunteer); volunteers
    # gain instead
    np.subtract(1.0, ps, out=a)
    a *= vol.cultivation * fb.cultivation_spirit_rate
    np.subtract(model.spirit_start[r], ps, out=b)
    b *= fb.spirit_relax
    vi = v.nonzero()[0]
    b[vi] = 0.0
    a += b
    ps += a
    ps[vi] += vol.spirit_gain_per_day * (1 - ps[vi])
    clip(ps, 0, 1, out=ps)
    clip(trust, 0, 1, out=trust)
    cand = (u[r] < bar).nonzero()[0]
    return (vi + r.start, cand + r.start) if r.start else (vi, cand)  # indices among all residents
