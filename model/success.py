"""The chance that a handling attempt settles a case, and the procedural quality it offers
(DESIGN §3.5). Routing uses the same function to rank handlers under triage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .disputes import Handler
from .params import HANDLERS

if TYPE_CHECKING:
    from .agents import QueueHandler
    from .model import CogovModel

_FIT_KEY = {Handler.GRID: "grid", Handler.MEDIATION: "mediation", Handler.FORUM: "forum", Handler.OFFICE: "office"}
assert set(_FIT_KEY.values()) == set(HANDLERS)


def fit(model: CogovModel, kind: Handler, category: int) -> float:
    return model.fit_table[HANDLERS.index(_FIT_KEY[kind]), category]


def success_prob(model: CogovModel, d: int, kind: Handler, handler: QueueHandler) -> float:
    """fit × (1 − penalty × intensity × (1 − ability)), ability = skill × (½ + ½ legitimacy).

    The fit is the chance of settling an easy case; intensity makes a case harder, less so for a
    skilled handler the parties trust. Handlers without rigid power rarely close rigid cases.

    Joint handling takes the best fit and skill of office and social organisation plus a synergy,
    and the office's rigid power."""
    ds, p = model.disputes, model.p
    c = int(ds.category[d])
    parties = ds.party_lists[d]
    trust = float(sum(model.trust[r] for r in parties) / len(parties))
    if kind == Handler.JOINT:
        org = model.mediator_for(d)
        f = max(fit(model, Handler.OFFICE, c), fit(model, Handler.MEDIATION, c) if org else 0.0)
        skill = max(handler.skill, org.skill if org else 0.0) + p.routing.joint_synergy
        legit = max(handler.legitimacy(trust), org.legitimacy(trust) if org else 0.0)
        rigid_ok = True
    else:
        f, skill, legit = fit(model, kind, c), handler.skill, handler.legitimacy(trust)
        rigid_ok = kind == Handler.OFFICE
    ability = min(skill, 1.0) * (0.5 + 0.5 * legit)
    prob = f * (1 - p.disputes.intensity_penalty * ds.intensity[d] * (1 - ability))
    if ds.rigid[d] and not rigid_ok:
        prob *= p.disputes.rigid_soft_factor
    return float(min(max(prob, 0.0), 0.99))


def procedure(model: CogovModel, kind: Handler) -> tuple[float, float]:
    """(voice, respect) parties experience with a handler kind."""
    p = model.p
    table = {
        Handler.GRID: (p.grid.voice, p.grid.respect),
        Handler.MEDIATION: (p.social_orgs.voice, p.social_orgs.respect),
        Handler.FORUM: (p.self_governance.voice, p.self_governance.respect),
        Handler.OFFICE: (p.offices.voice, p.offices.respect),
        Handler.PETITION: (p.offices.voice, p.offices.respect),
    }
    if kind == Handler.JOINT:
        return max(table[Handler.OFFICE][0], table[Handler.MEDIATION][0]), max(table[Handler.OFFICE][1], table[Handler.MEDIATION][1])
    return table[kind]
