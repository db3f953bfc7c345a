"""The chance that a handling attempt settles a case, and the procedural quality it offers
(DESIGN §3.5). Routing uses the same function to rank handlers under triage."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .disputes import Handler
from .params import HANDLERS
from .world import MIGRANT

if TYPE_CHECKING:
    from .agents import QueueHandler
    from .model import CogovModel

_FIT_KEY = {Handler.GRID: "grid", Handler.MEDIATION: "mediation", Handler.FORUM: "forum", Handler.OFFICE: "office"}
assert set(_FIT_KEY.values()) == set(HANDLERS)


_FIT_ROW = {kind: HANDLERS.index(key) for kind, key in _FIT_KEY.items()}


class Case(NamedTuple):
    """What a handler's chance with a case depends on, read once (`case_of`)."""

    category: int
    intensity: float
    rigid: bool
    migrant: bool  # its initiator is a migrant
    trust: float  # the parties' mean trust in government


def party_trust(model: CogovModel, d: int) -> float:
    """The parties' mean trust in government."""
    parties = model.disputes.party_lists[d]
    return sum(map(model.trust.item, parties)) / len(parties)


def case_of(model: CogovModel, d: int) -> Case:
    ds = model.disputes
    return Case(
        ds.category.item(d),
        ds.intensity.item(d),
        ds.rigid.item(d),
        model.world.group.item(ds.initiator.item(d)) == MIGRANT,
        party_trust(model, d),
    )


def _single(model: CogovModel, case: Case, kind: Handler, handler: QueueHandler, rigid_ok: bool) -> float:
    """fit × (1 − penalty × intensity × (1 − ability)), ability = skill × ((1 − w) + w × legitimacy);
    a handler without rigid power rarely closes a rigid case."""
    p = model.p.disputes
    w = p.legitimacy_weight
    ability = min(handler.skill, 1.0) * ((1 - w) + w * handler.legitimacy(case.trust))
    prob = model.fit_table[_FIT_ROW[kind]][case.category] * (1 - p.intensity_penalty * case.intensity * (1 - ability))
    if case.rigid and not rigid_ok:
        prob *= p.rigid_soft_factor
    return prob


def success_prob(model: CogovModel, d: int, kind: Handler, handler: QueueHandler, case: Case | None = None) -> float:
    """The chance an attempt by `handler` (of `kind`) settles case d.

    Fit is the chance of settling an easy case; intensity makes a case harder, less so for a skilled
    handler the parties trust. Joint handling is led by whichever partner (office, or social
    organisation lent the office's rigid power) would do better, less a coordination cost: it
    cannot beat its best partner unless `routing.joint_synergy` says so. A migrant's case is taken
    up as a local's only with probability `population.migrant_access` (居住证). `case` is
    `case_of(model, d)`, when the caller has it."""
    p = model.p
    if case is None:
        case = case_of(model, d)
    if kind == Handler.JOINT:
        prob = _single(model, case, Handler.OFFICE, handler, rigid_ok=True)
        org = joint_partner(model, d)
        if org is not None:
            prob = max(prob, _single(model, case, Handler.MEDIATION, org, rigid_ok=True))
        prob += p.routing.joint_synergy - p.routing.joint_coordination
    else:
        prob = _single(model, case, kind, handler, rigid_ok=kind == Handler.OFFICE)
    if case.migrant:
        prob *= p.population.migrant_access
    return float(min(max(prob, 0.0), 0.99))


def joint_partner(model: CogovModel, d: int) -> QueueHandler | None:
    """The social organisation handling case d jointly with the office (the one enlisted, or the
    one that would be)."""
    pid = int(model.disputes.partner_id[d])
    return model.agent_by_id[pid] if pid >= 0 else model.mediator_for(d)


def procedure(model: CogovModel, d: int, kind: Handler, handler: QueueHandler) -> tuple[float, float]:
    """(voice, respect) the parties experience; joint handling offers the better partner's."""
    if kind == Handler.JOINT:
        org = joint_partner(model, d)
        if org is not None:
            return max(handler.voice, org.voice), max(handler.respect, org.respect)
    return handler.voice, handler.respect
