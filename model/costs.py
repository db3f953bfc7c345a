"""Phase 9: costs in ¥ (DESIGN §3.8): standing staff and programmes accrue daily, events
(petitions, group incidents, hotline reports, forum meetings) when they happen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import CogovModel

COMPONENTS = ("grid_workers", "grid_running", "offices", "social_org_staff", "purchased_services", "volunteers",
              "data_platform", "prevention", "hotline", "petitions", "group_incidents", "deliberation")


class Costs:
    """Running totals per component; every component is reported, zero until it is incurred."""

    def __init__(self) -> None:
        self.by_component: dict[str, float] = dict.fromkeys(COMPONENTS, 0.0)

    def add(self, component: str, amount: float) -> None:
        if component not in self.by_component:
            raise KeyError(f"cost component {component!r} is not one of {', '.join(COMPONENTS)}")
        self.by_component[component] += float(amount)

    @property
    def total(self) -> float:
        return sum(self.by_component.values())


def accrue(model: CogovModel) -> None:
    """Today's share of the yearly costs of staff, volunteers and programmes."""
    p, n, c = model.p, model.world.n, model.costs
    year = 365.0
    fte = sum(gw.fte for gw in model.grid_workers)
    surge = model.campaign_factor() - 1.0
    surge_price = 1.0 + surge * p.campaign.cost_premium
    c.add("grid_workers", fte * p.grid.worker_cost_per_year / year * surge_price)
    c.add("grid_running", model.world.n_grids * p.grid.branch_cost_per_year / year)
    office_staff = model.office_capacity * p.offices.staff_days_per_case
    c.add("offices", office_staff * p.offices.staff_cost_per_year / year * surge_price)
    c.add("social_org_staff", model.social_org_staff * p.social_orgs.staff_cost_per_year / year)
    c.add("purchased_services", model.purchased_staff * p.purchase.cost_per_staff / year)
    c.add("volunteers", model.n_volunteers * p.volunteers.coordination_cost_per_year / year)
    if p.smart.data_platform:
        c.add("data_platform", n * p.smart.cost_per_resident_year / year)
    if p.prevention.risk_assessment:
        c.add("prevention", n * p.prevention.risk_cost_per_resident_year / year)
    c.add("prevention", n * p.prevention.livelihood * p.prevention.livelihood_cost_per_resident_year / year)
