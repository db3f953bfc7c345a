"""What players of a participatory classroom decide in place of the model's rules (DESIGN §8).

Each directive replaces one rule for one actor for as long as it is set; an actor without one
follows the rules. No directive draws a random number, so a street steered by players and the same
street left to the rules share every draw their decisions do not change.

- the street leader's lever changes (budget split, routing ladder, petition response) apply from
  the next day, as a reform would (`set_levers`);
- a grid worker's plan for the day (`GridPlan`, on `GridWorker.plan`);
- a mediator's choice of cases to take first (`QueueHandler.first`);
- a residents' representative bringing a case to the forum or to the petition office
  (`bring_to_forum`, `petition`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .disputes import Handler, State
from .escalation import CAN_ESCALATE, file_petition
from .params import Reform
from .routing import assign, available, one_more_attempt

if TYPE_CHECKING:
    from .model import CogovModel

VISIT_FIRST = ("even", "known_trouble")
# Cases a representative can take to the forum: waiting for routing or a handler, or given up on.
FORUM_FROM = (State.KNOWN, State.QUEUED, State.FAILED)


@dataclass(frozen=True)
class GridPlan:
    """A grid worker's split of the day.

    - `paperwork`: the share of the paperwork the programmes demand (`model.admin_burden`) done
      today; the rest is owed and taken from the next days' hours before anything else.
    - `mediation`: the largest share of the remaining hours given to on-the-spot mediation
      (the rule: as much as the ready cases need); visits get the rest.
    - `visit_first`: `even` (every household in turn, the rule) or `known_trouble` (households in
      buildings where the worker knows of an open case first, the rest with what is left).
    """

    paperwork: float = 1.0
    mediation: float = 1.0
    visit_first: str = "even"

    def __post_init__(self) -> None:
        for name in ("paperwork", "mediation"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"`{name}` = {value!r}: a share from 0 to 1")
        if self.visit_first not in VISIT_FIRST:
            raise ValueError(f"`visit_first` = {self.visit_first!r}: one of {', '.join(VISIT_FIRST)}")


def set_levers(model: CogovModel, values: dict[str, Any]) -> None:
    """Change levers from the next day on, as a reform would (validated the same way: a
    `pydantic` error names the lever and what is allowed)."""
    day = model.day + 1
    model.configure(model.p.after_reform(Reform(day=day, set=values), where="decision"))
    model.reforms_applied.append((day, dict(values)))


def bring_to_forum(model: CogovModel, d: int) -> bool:
    """Take case d to its community's deliberation forum (with one more attempt if its ladder was
    used up); False if the forum cannot take it (no forum, not a forum matter, or the case is not
    waiting)."""
    ds = model.disputes
    if ds.state[d] not in FORUM_FROM or available(model, d, Handler.FORUM) is None:
        return False
    if ds.state[d] == State.QUEUED:
        model.agent_by_id[int(ds.handler_id[d])].queue.remove(d)
    one_more_attempt(model, d)
    assign(model, d, Handler.FORUM)
    return True


def petition(model: CogovModel, d: int) -> bool:
    """The parties of case d petition now (上访); False if the case cannot escalate."""
    if model.disputes.state[d] not in CAN_ESCALATE:
        return False
    file_petition(model, d)
    return True
