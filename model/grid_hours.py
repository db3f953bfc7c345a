"""The grid workers' hours (DESIGN §3.3, §3.5), kept by grid as arrays: each day the hours of
every grid are split at once between on-the-spot mediation of queued cases and household visits.
A `GridWorker` reads and writes its grid's row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .directives import GridPlan
    from .model import CogovModel


@dataclass
class GridHours:
    """Hours by grid, and the players' plans (`GridPlan`) as arrays; a grid without a plan holds
    the plan that is the rule (all paperwork done, mediation as the ready cases need, even visits)."""

    available: np.ndarray  # hours the grid's workers had, so far
    used: np.ndarray  # … and spent, so far
    owed: np.ndarray  # promised to joint handling or lent by paperwork put off; taken from the next day
    visit: np.ndarray  # today's hours for household visits
    slots: np.ndarray  # cases the workers can mediate on the spot today (whole numbers)
    paperwork: np.ndarray  # the plan's share of the paperwork done
    mediation: np.ndarray  # the plan's largest share of the hours given to mediation
    trouble_first: np.ndarray  # the plan visits buildings with known open cases first

    @classmethod
    def empty(cls, n_grids: int) -> GridHours:
        def zeros() -> np.ndarray:
            return np.zeros(n_grids)

        return cls(
            zeros(), zeros(), zeros(), zeros(), np.zeros(n_grids, np.int64),
            np.ones(n_grids), np.ones(n_grids), np.zeros(n_grids, bool),
        )  # fmt: skip

    def set_plan(self, grid: int, plan: GridPlan | None) -> None:
        self.paperwork[grid] = 1.0 if plan is None else plan.paperwork
        self.mediation[grid] = 1.0 if plan is None else plan.mediation
        self.trouble_first[grid] = plan is not None and plan.visit_first == "known_trouble"


def plan_day(model: CogovModel, hours: float) -> None:
    """Split today's `hours` (`GridWorker.hours`, the same for every grid): first what is owed,
    then on-the-spot mediation of the ready queued cases, visits with the rest; a plan may put off
    paperwork (lending hours from the next days) and cap the mediation."""
    gh, per_case = model.grid_hours, model.p.grid.hours_per_mediation
    gh.available += hours
    spent = np.minimum(hours, gh.owed)
    gh.owed = np.maximum(0.0, gh.owed - hours)
    gh.used += spent
    today = hours - spent
    lent = gh.paperwork < 1.0
    if lent.any():
        burden = model.admin_burden()
        put_off = np.where(lent, (1.0 - gh.paperwork) * (today + spent) * burden / (1.0 - burden), 0.0)
        today += put_off
        gh.owed += put_off
        gh.available += put_off
    gh.slots = np.minimum(_ready(model), (gh.mediation * today // per_case).astype(np.int64))
    gh.visit = today - gh.slots * per_case
    gh.used += gh.slots * per_case


def _ready(model: CogovModel) -> np.ndarray:
    """Ready cases in each grid worker's queue."""
    ready = np.zeros(len(model.grid_workers), np.int64)
    ds, day = model.disputes, model.day
    for gw in model.grid_workers:
        if gw.queue:
            ready[gw.grid] = np.count_nonzero(ds.ready[gw.queue] <= day)
    return ready
