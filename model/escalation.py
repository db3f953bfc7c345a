"""Phase 7: the escalation ladder (DESIGN §3.6) — petitions, leapfrog petitions, group incidents —
and the petition office's answer: resolve (back into handling with priority) or suppress
(the petition ends at a high cost and a loss of trust; the dispute stays)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .arrays import clip
from .disputes import Finder, Handler, State
from .feedback import experience, shake_trust
from .routing import assign, one_more_attempt

if TYPE_CHECKING:
    from .model import CogovModel

# Unresolved cases whose parties can take to the street; cases in handling or at the petition
# office are already being answered.
CAN_ESCALATE = (State.LATENT, State.KNOWN, State.QUEUED, State.FAILED, State.CLOSED_SUPERFICIALLY)


def escalate(model: CogovModel) -> None:
    ds, p, rng = model.disputes, model.p.petition, model.streams.escalation
    cand = ds.in_state(*CAN_ESCALATE)
    if len(cand) == 0:
        return
    inten = ds.intensity[cand]
    trust = ds.party_mean(model.trust, cand)
    over = clip((inten - p.threshold) / max(1 - p.threshold, 1e-9), 0, 1)
    hazard = p.rate * over * (1 - trust) * (1 - p.voice_relief * model.voice_channels())
    group = (ds.n_parties[cand] >= p.group_parties) & (inten >= p.group_intensity)
    incident = group & (rng.random(len(cand)) < p.group_rate)
    petition = ~incident & (rng.random(len(cand)) < hazard)
    for d in cand[incident]:
        _group_incident(model, int(d))
    leap = (inten >= p.leapfrog_intensity) & (trust < p.leapfrog_trust)
    for d, lf in zip(cand[petition], leap[petition]):
        file_petition(model, int(d), bool(lf))


def _leave_queue(model: CogovModel, d: int) -> None:
    """Take the escalating case out of any queue; a case nobody knew of comes to light."""
    ds = model.disputes
    if int(ds.state[d]) == State.QUEUED:
        model.agent_by_id[int(ds.handler_id[d])].queue.remove(d)
    if ds.discovered[d] < 0:
        ds.discovered[d] = ds.known_since[d] = model.day
        ds.found_by[d] = Finder.ESCALATION
        model.log(d, model.day, "discovered", detail=Finder.ESCALATION.name.lower())


def file_petition(model: CogovModel, d: int, leapfrog: bool = False) -> None:
    """The parties of case d take it to the petition office (a leapfrog petition skips a level)."""
    ds = model.disputes
    _leave_queue(model, d)
    ds.petitions[d] += 1
    if leapfrog:
        ds.leapfrogs[d] += 1
        model.costs.add("petitions", model.p.petition.leapfrog_cost)
    ds.state[d] = State.PETITION
    ds.handler[d] = Handler.PETITION
    ds.handler_id[d] = model.petition_office.unique_id
    ds.ready[d] = model.day
    model.petition_office.enqueue(d)
    model.log(
        d, model.day, "leapfrog_petition" if leapfrog else "petition", Handler.PETITION, model.petition_office.unique_id
    )


def _group_incident(model: CogovModel, d: int) -> None:
    """A group incident (群体性事件): costly, shakes the trust of the parties' neighbours, and forces
    the case into priority handling."""
    ds = model.disputes
    _leave_queue(model, d)
    ds.group_incident[d] = True
    model.group_incidents += 1
    model.costs.add("group_incidents", model.p.petition.group_incident_cost)
    shake_trust(model, ds.parties_of(d), model.p.petition.suppress_trust_loss * model.p.petition.incident_trust_share)
    model.log(d, model.day, "group_incident")
    _back_to_handling(model, d)


def _back_to_handling(model: CogovModel, d: int) -> None:
    kind = Handler.JOINT if model.p.routing.ladder == "triage" and model.mediator_for(d) is not None else Handler.OFFICE
    one_more_attempt(model, d)
    assign(model, d, kind, front=True)


def answer_petition(model: CogovModel, d: int) -> None:
    """The petition office takes up a petition."""
    p, ds = model.p.petition, model.disputes
    if p.response == "resolve":
        model.costs.add("petitions", p.handle_cost)
        model.log(d, model.day, "petition_accepted", Handler.PETITION, model.petition_office.unique_id)
        _back_to_handling(model, d)
        return
    model.costs.add("petitions", p.suppress_cost)
    ds.state[d] = State.FAILED
    model.log(d, model.day, "suppressed", Handler.PETITION, model.petition_office.unique_id)
    parties = ds.parties_of(d)
    experience(model, d, outcome=0.0, handler=model.petition_office, voice=0.0, respect=0.0)
    shake_trust(model, parties, p.suppress_trust_loss)
