"""The roles students play (DESIGN §8): their seats, what each sees, what each may decide, and how
a decision is applied to the class's street (through `model.directives`).

Everything here is plain data in and out, with no UI: a view is a dict of numbers and case rows
the pages word in Chinese or English; a decision is a dict checked by `parse` before it is kept.
A seat with no decision this round follows the model's rules (the leader's levers stay as they are).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...model.costs import YEAR, left_for_offices, office_cost_per_capacity, standing_rates
from ...model.directives import FORUM_FROM, VISIT_FIRST, GridPlan, bring_to_forum, petition, set_levers
from ...model.disputes import KNOWN_OPEN_STATES, Handler, State
from ...model.levers import lever_index
from ...model.model import CogovModel
from ...model.params import CATEGORIES, Params, Reform
from ...model.routing import available

ROLES = ("leader", "grid", "mediator", "representative")
# The street leader's levers: the budget's split (offices get what the others leave) and two choices.
LEADER_LEVERS = (
    "social_orgs.staff",
    "purchase.budget_per_year",
    "volunteers.cultivation",
    "routing.ladder",
    "petition.response",
)
MAX_CASES = 12  # cases a mediator or representative sees (and may act on) in a round


class DecisionError(ValueError):
    """A decision that cannot be kept; the message names the field, the value and what is allowed."""


@dataclass
class Seat:
    """One role in the street: the leader, the grid workers of some grids, or a community's
    mediators or residents' representative. Students who share a seat are a team."""

    key: str  # "leader", "grid-0", "mediator-1", "representative-1"
    role: str
    grids: tuple[int, ...] = ()
    community: int = -1
    members: list[str] = field(default_factory=list)  # students' tokens, in the order they joined

    def handlers(self, model: CogovModel) -> list:
        """The model's agents this seat decides for."""
        if self.role == "grid":
            return [model.grid_workers[g] for g in self.grids]
        if self.role == "mediator":
            return list(model.orgs_by_community[self.community])
        return []


def make_seats(model: CogovModel, class_size: int) -> list[Seat]:
    """Seats for a class: one leader, a mediator and a representative per community, and the grids
    shared out among the rest (one grid each when there are enough students). Listed in the order
    students fill them, so a small class gets every role before a second grid worker."""
    w = model.world
    n_grid_seats = max(1, min(w.n_grids, class_size - 1 - 2 * w.n_communities))
    grid_seats = [
        Seat(f"grid-{k}", "grid", grids=tuple(int(g) for g in chunk))
        for k, chunk in enumerate(np.array_split(np.arange(w.n_grids), n_grid_seats))
    ]
    community = [
        [Seat(f"mediator-{c}", "mediator", community=c), Seat(f"representative-{c}", "representative", community=c)]
        for c in range(w.n_communities)
    ]
    ordered = [Seat("leader", "leader")]
    for k in range(max(len(grid_seats), w.n_communities)):
        ordered += grid_seats[k : k + 1] + (community[k] if k < len(community) else [])
    return ordered


# --- what each role sees --------------------------------------------------------------------------
def budget_split(model: CogovModel, levers: dict[str, Any] | None = None) -> dict[str, float]:
    """The street's yearly standing budget (¥) and how it is spent with today's levers (or the
    leader's proposed `levers`): offices get what the rest leaves."""
    p = with_levers(model.p, levers) if levers else model.p
    w = model.world
    rates = standing_rates(p, w.n, w.n_grids, model.n_volunteers)
    named = {
        "grid": rates["grid_workers"] + rates["grid_running"],
        "social_orgs": rates["social_org_staff"],
        "purchase": rates["purchased_services"],
        "volunteers": rates["volunteers"],
    }
    offices = left_for_offices(model, p)
    return {
        "budget": p.budget.standing_per_10k * w.n / 10_000,
        "offices": offices,
        **named,
        "other": sum(rates.values()) - sum(named.values()) + model.costs.event_pace * YEAR,
        "office_cases_per_day": offices / office_cost_per_capacity(p),
    }


def _case_rows(model: CogovModel, ids: np.ndarray) -> list[dict[str, Any]]:
    """Cases as a player sees them: number, category, how heated, parties, days since known, state."""
    ds = model.disputes
    return [
        {
            "case": int(d),
            "category": CATEGORIES[int(ds.category[d])],
            "intensity": round(float(ds.intensity[d]), 2),
            "parties": int(ds.n_parties[d]),
            "waiting": int(model.day - ds.known_since[d]) if ds.known_since[d] >= 0 else 0,
            "state": State(int(ds.state[d])).name.lower(),
            "forum": bool(ds.state[d] in FORUM_FROM and available(model, int(d), Handler.FORUM) is not None),
        }
        for d in ids
    ]


def _most_urgent(model: CogovModel, ids: np.ndarray) -> np.ndarray:
    """At most `MAX_CASES` of `ids`, most intense first (ties: waiting longest)."""
    ds = model.disputes
    order = np.lexsort((ds.known_since[ids], -ds.intensity[ids]))
    return ids[order][:MAX_CASES]


def view(seat: Seat, model: CogovModel) -> dict[str, Any]:
    """What the seat's actor would know today, as plain data."""
    ds, w = model.disputes, model.world
    if seat.role == "leader":
        levers = {name: operator.attrgetter(name)(model.p) for name in LEADER_LEVERS}
        backlog = {kind.name.lower(): 0 for kind in (Handler.OFFICE, Handler.GRID, Handler.MEDIATION, Handler.FORUM)}
        for h in model.handlers():
            if h.kind.name.lower() in backlog:
                backlog[h.kind.name.lower()] += len(h.queue)
        return {"levers": levers, "budget": budget_split(model), "backlog": backlog}
    if seat.role == "grid":
        grids = np.array(seat.grids)
        workers = seat.handlers(model)
        in_grids = np.isin(ds.view("grid"), grids)
        known = in_grids & np.isin(ds.view("state"), KNOWN_OPEN_STATES)
        residents = np.isin(w.grid, grids)
        return {
            "grids": [int(g) for g in grids],
            "households": int(w.grid_households[grids].sum()),
            "residents": int(residents.sum()),
            "known_open": int(known.sum()),
            "waiting_for_you": sum(len(gw.queue) for gw in workers),
            "grievance": round(float(model.grievance[residents].mean()), 2),
            "hours_available": round(float(sum(gw.hours_available for gw in workers)), 1),
            "hours_used": round(float(sum(gw.hours_used for gw in workers)), 1),
            "hours_owed": round(float(sum(gw.owed_hours for gw in workers)), 1),
            "paperwork_share": round(model.admin_burden(), 2),
            "cases": _case_rows(model, _most_urgent(model, np.flatnonzero(known))),
        }
    in_community = w.community[ds.view("grid")] == seat.community
    if seat.role == "mediator":
        orgs = seat.handlers(model)
        queued = np.array(sorted(d for o in orgs for d in o.queue), dtype=np.int64)
        return {
            "community": seat.community,
            "queued": len(queued),
            "cases_per_day": round(float(sum(o.daily_capacity() for o in orgs)), 2),
            "cases": _case_rows(model, _most_urgent(model, queued)),
        }
    waiting = np.flatnonzero(in_community & np.isin(ds.view("state"), FORUM_FROM))
    return {
        "community": seat.community,
        "waiting": len(waiting),
        "forum": bool(model.p.self_governance.deliberation),
        "cases": _case_rows(model, _most_urgent(model, waiting)),
    }


# --- what each role decides -----------------------------------------------------------------------
def _share(raw: dict, name: str) -> float:
    value = raw.get(name, 1.0)
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise DecisionError(f"`{name}` = {value!r}: a share from 0 to 1") from None
    if not 0.0 <= value <= 1.0:
        raise DecisionError(f"`{name}` = {value!r}: a share from 0 to 1")
    return value


def _cases(raw: dict, name: str, allowed: set[int]) -> list[int]:
    value = raw.get(name, [])
    if not isinstance(value, list) or len(value) > MAX_CASES:
        raise DecisionError(f"`{name}` = {value!r}: a list of at most {MAX_CASES} case numbers")
    cases = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int) or v not in allowed:
            raise DecisionError(f"`{name}`: case {v!r} is not one of the cases you see this round")
        cases.append(v)
    return list(dict.fromkeys(cases))


def parse(seat: Seat, raw: Any, model: CogovModel, shown: dict[str, Any]) -> dict[str, Any]:
    """A student's decision checked against the seat's role and what it was shown (`shown`, its
    view this round); raises `DecisionError` naming the field, the value and what is allowed."""
    if not isinstance(raw, dict):
        raise DecisionError(f"decision = {raw!r}: fields of the {seat.role}'s form")
    if seat.role == "leader":
        unknown = set(raw) - set(LEADER_LEVERS)
        if unknown:
            raise DecisionError(f"`{sorted(unknown)[0]}`: the leader decides {', '.join(LEADER_LEVERS)}")
        try:
            if raw:  # nothing changed is a decision too: the levers stay
                with_levers(model.p, raw)
        except ValueError as e:
            raise DecisionError(str(e)) from None
        return dict(raw)
    if seat.role == "grid":
        plan = raw.get("visit_first", "even")
        if plan not in VISIT_FIRST:
            raise DecisionError(f"`visit_first` = {plan!r}: one of {', '.join(VISIT_FIRST)}")
        return {"paperwork": _share(raw, "paperwork"), "mediation": _share(raw, "mediation"), "visit_first": plan}
    listed = {c["case"] for c in shown.get("cases", [])}
    if seat.role == "mediator":
        return {"take_first": _cases(raw, "take_first", listed)}
    forum, petitions = _cases(raw, "forum", listed), _cases(raw, "petition", listed)
    both = set(forum) & set(petitions)
    if both:
        raise DecisionError(f"case {min(both)}: to the forum or a petition, not both")
    return {"forum": forum, "petition": petitions}


def apply(seat: Seat, decision: dict[str, Any] | None, model: CogovModel) -> list[str]:
    """Put the seat's decision (None: the rules) into the street for the coming round; returns
    what could not be done (case numbers and why), for the timeline."""
    if seat.role == "leader":
        if decision:
            set_levers(model, decision)
        return []
    if seat.role == "grid":
        for gw in seat.handlers(model):
            gw.plan = GridPlan(**decision) if decision else None
        return []
    if seat.role == "mediator":
        chosen = set(decision["take_first"]) if decision else set()
        for org in seat.handlers(model):
            org.first = chosen & set(org.queue)
        return []
    refused = []
    for d in decision["forum"] if decision else []:
        if not bring_to_forum(model, d):
            refused.append(f"forum:{d}")
    for d in decision["petition"] if decision else []:
        if not petition(model, d):
            refused.append(f"petition:{d}")
    return refused


def with_levers(p: Params, levers: dict[str, Any]) -> Params:
    """`p` with the leader's levers set, checked as a reform's are (the error names the lever)."""
    return p.after_reform(Reform(day=0, set=levers), where="decision")


def lever_bounds(name: str) -> tuple[float, float] | tuple[str, ...]:
    """A leader lever's allowed range (numbers) or choices (words)."""
    lv = lever_index()[name]
    return lv.choices if lv.choices else (float(lv.low or 0.0), float(lv.high or 0.0))
