"""Costs in ¥ (DESIGN §3.8) and the standing budget (DESIGN §7).

Standing costs are everything an arrangement pays to keep running: grid workers and grid running
costs, office staff, social-organisation and purchased staff, volunteer coordination and case
subsidies, forums, the hotline and its call-backs, the data platform and prevention programmes.
Petitions and group incidents are not standing costs: they are what failures cost.

With ``budget.standing_per_10k`` set, each day offices get what the budget leaves after the
other standing costs at today's rates (the volunteer pool at its size today, forums and
subsidies at their recent pace), so every arrangement spends the same and differs only in how it
allocates it. Campaign surges are paid on top of the budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import CogovModel
    from .params import Params

YEAR = 365.0
COMPONENTS = (
    "grid_workers",
    "grid_running",
    "offices",
    "social_org_staff",
    "purchased_services",
    "volunteers",
    "data_platform",
    "prevention",
    "hotline",
    "petitions",
    "group_incidents",
    "deliberation",
)
NOT_STANDING = ("petitions", "group_incidents")
EVENT_MEMORY_DAYS = 30.0  # pace of event-driven programme costs (forums, subsidies, call-backs)


class Costs:
    """Running totals per component; every component is reported, zero until it is incurred."""

    def __init__(self) -> None:
        self.by_component: dict[str, float] = dict.fromkeys(COMPONENTS, 0.0)
        self.events_today = 0.0  # event-driven standing costs of the current day
        self._pace = 0.0  # their exponentially weighted daily mean, before the start-up correction
        self._weight = 0.0  # the weight that mean has accumulated (1 − (1 − 1/memory)^days)

    def add(self, component: str, amount: float) -> None:
        if component not in self.by_component:
            raise KeyError(f"cost component {component!r} is not one of {', '.join(COMPONENTS)}")
        self.by_component[component] += float(amount)

    def add_event(self, component: str, amount: float) -> None:
        """A standing programme's cost that comes with an event (a call-back, a subsidy, a meeting)."""
        self.add(component, amount)
        self.events_today += float(amount)

    def close_day(self) -> None:
        self._pace += (self.events_today - self._pace) / EVENT_MEMORY_DAYS
        self._weight += (1.0 - self._weight) / EVENT_MEMORY_DAYS
        self.events_today = 0.0

    @property
    def event_pace(self) -> float:
        """The recent daily mean of event-driven standing costs; over the first days, the mean of the
        days so far (an average that starts from zero would under-count them)."""
        return self._pace / self._weight if self._weight else 0.0

    @property
    def total(self) -> float:
        return sum(self.by_component.values())

    @property
    def standing(self) -> float:
        return sum(v for k, v in self.by_component.items() if k not in NOT_STANDING)


def standing_rates(p: Params, residents: float, n_grids: float, volunteers: float) -> dict[str, float]:
    """Yearly ¥ of the standing costs other than offices and event-driven programme costs."""
    per10k = residents / 10_000
    rates = {
        "grid_workers": n_grids * p.grid.workers_per_grid * p.grid.worker_cost_per_year,
        "grid_running": n_grids * p.grid.branch_cost_per_year,
        "social_org_staff": p.social_orgs.staff * per10k * p.social_orgs.staff_cost_per_year,
        "purchased_services": p.purchase.budget_per_year * per10k,
        "volunteers": volunteers * p.volunteers.coordination_cost_per_year,
        "data_platform": residents * p.smart.cost_per_resident_year if p.smart.data_platform else 0.0,
        "hotline": residents * p.channels.hotline_cost_per_resident_year if p.channels.hotline else 0.0,
        "prevention": residents
        * (
            p.prevention.risk_cost_per_resident_year * p.prevention.risk_assessment
            + p.prevention.livelihood * p.prevention.livelihood_cost_per_resident_year
        ),
    }
    return rates


def office_cost_per_capacity(p: Params) -> float:
    """Yearly ¥ of one case a day of office capacity."""
    return p.offices.staff_days_per_case * p.offices.staff_cost_per_year


def planned_standing_per_10k(p: Params) -> dict[str, float]:
    """Yearly standing costs per 10k residents other than offices, as planned at the start (this
    street's grids and communities, the volunteer pool at its initial size, forums at their
    schedule); a budget must cover them."""
    n = p.population.residents
    grids = -(-n // p.grid.residents_per_grid)  # whole grids, as the world builds them
    rates = standing_rates(p, n, grids, p.volunteers.initial_share * n)
    if p.self_governance.deliberation:
        communities = -(-grids // p.grid.grids_per_community)
        rates["deliberation"] = (
            communities * YEAR / p.self_governance.interval_days * p.self_governance.cost_per_meeting
        )
    return {k: v * 10_000 / n for k, v in rates.items()}


def left_for_offices(model: CogovModel, p: Params) -> float:
    """Yearly ¥ the standing budget leaves offices under levers `p`: the budget less the other
    standing costs at today's rates (the volunteer pool at its size today, forums and subsidies at
    their recent pace)."""
    w = model.world
    other = sum(standing_rates(p, w.n, w.n_grids, model.n_volunteers).values()) + model.costs.event_pace * YEAR
    left = p.budget.standing_per_10k * w.n / 10_000 - other
    return max(0.0, left)


def allocate(model: CogovModel) -> None:
    """Offices get what the standing budget leaves today (no budget: their capacity lever)."""
    p = model.p
    if p.budget.standing_per_10k <= 0:
        return
    model.office_capacity = left_for_offices(model, p) / office_cost_per_capacity(p)


def accrue(model: CogovModel) -> None:
    """Today's share of the yearly standing costs; campaign surges at their premium."""
    p, w, c = model.p, model.world, model.costs
    surge = model.campaign_factor() - 1.0
    surge_price = 1.0 + surge * p.campaign.cost_premium
    for component, rate in standing_rates(p, w.n, w.n_grids, model.n_volunteers).items():
        c.add(component, rate / YEAR * (surge_price if component == "grid_workers" else 1.0))
    c.add("offices", model.office_capacity * office_cost_per_capacity(p) / YEAR * surge_price)
    c.close_day()
