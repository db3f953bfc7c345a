"""The cogov model: a street (街道) or township of residents, grid workers, offices, social
organisations and forums, and the disputes that run through them."""

from __future__ import annotations

import mesa
import numpy as np

from .agents import (
    OFFICE_TYPES, DeliberationForum, GovernmentOffice, GridWorker, PetitionOffice, QueueHandler, Resident,
    SocialOrganization,
)
from .arising import CategoryTables, arise
from .costs import Costs, accrue
from .discovery import discover
from .disputes import DisputeTable, EventLog
from .escalation import escalate
from .feedback import update_residents
from .handling import handle
from .metrics import DAILY_REPORTERS
from .params import CATEGORIES, HANDLERS, Params
from .routing import route_pending
from .scenario import ScenarioError
from .spread import grow_and_spread
from .world import MIGRANT, build_world


def _beta(rng: np.random.Generator, mean: float, n: int, concentration: float = 10.0) -> np.ndarray:
    m = np.clip(mean, 0.01, 0.99)
    return rng.beta(m * concentration, (1 - m) * concentration, size=n)


def check_combination(p: Params, n_grids: int) -> None:
    """Lever combinations the schema alone cannot judge."""
    if p.grid.patrol_strategy == "risk_targeted" and not p.smart.data_platform:
        raise ScenarioError("`grid.patrol_strategy` = 'risk_targeted' needs `smart.data_platform` = true "
                            "(targeting visits by risk needs data)")
    if p.campaign.end_day and p.campaign.end_day < p.campaign.start_day:
        raise ScenarioError(f"`campaign.end_day` = {p.campaign.end_day}: must not be before "
                            f"`campaign.start_day` = {p.campaign.start_day}")
    for i, s in enumerate(p.shocks):
        if s.grids != "all" and any(not 0 <= g < n_grids for g in s.grids):
            raise ScenarioError(f"`shocks[{i}].grids` = {s.grids}: this street has grids 0–{n_grids - 1}")


class CogovModel(mesa.Model):
    """One street or township, stepped one day at a time.

    Args:
        params: all levers and constants (`model.params.Params`; see `cogov levers`).
        seed: fixes every random draw of the run.
        events: keep the per-dispute event log (流转轨迹).

    A day (DESIGN §3): shocks and arising; growth and spread; discovery; routing; handling;
    escalation; residents' feedback; costs and data collection.
    """

    def __init__(self, params: Params | None = None, seed: int | None = None, events: bool = False):
        super().__init__(seed=seed)
        self.p = p = params or Params()
        self.day = -1
        w = self.world = build_world(p.population, p.grid, self.rng)
        check_combination(p, w.n_grids)
        n, pop = w.n, p.population
        self.trust = np.clip(_beta(self.rng, pop.initial_trust, n) - np.where(w.group == MIGRANT, pop.migrant_trust_gap, 0), 0, 1)
        self.public_spirit = _beta(self.rng, pop.initial_public_spirit, n)
        self.legal_awareness = _beta(self.rng, pop.initial_legal_awareness, n)
        self.grievance = _beta(self.rng, pop.initial_grievance, n)
        self.satisfaction = np.full(n, pop.baseline_satisfaction)
        self.volunteer = self.rng.random(n) < p.volunteers.initial_share
        self.participated = self.volunteer.copy()
        self.participation_factor = np.where(w.group == MIGRANT, pop.migrant_participation, 1.0)
        self.experiences: list[float] = []  # the experience of each case outcome its parties lived, in order
        group_shares = np.bincount(w.group, minlength=3) / n
        self.categories = CategoryTables.build(p, group_shares)
        self.fit_table = np.array([[getattr(getattr(p.fit, h), c) for c in CATEGORIES] for h in HANDLERS])
        self.disputes = DisputeTable()
        self.log = EventLog(events)
        self.costs = Costs()
        self.group_incidents = 0
        self._residents: dict[int, Resident] = {}
        self._build_handlers()
        self.tally_residents()
        self.datacollector = mesa.DataCollector(model_reporters=DAILY_REPORTERS)

    # --- set-up -------------------------------------------------------------------------------
    def _build_handlers(self) -> None:
        p, w = self.p, self.world
        per10k = w.n / 10_000
        self.grid_workers = [GridWorker(self, g, p.grid.workers_per_grid) for g in range(w.n_grids)]
        load = self.categories.base
        self.office_capacity = p.offices.capacity_per_day * per10k
        self.offices = []
        self._office_by_category: dict[int, GovernmentOffice] = {}
        for name, (_, cats) in OFFICE_TYPES.items():
            idx = tuple(CATEGORIES.index(c) for c in cats)
            share = load[list(idx)].sum() / load.sum() if load.sum() > 0 else 1 / len(OFFICE_TYPES)
            office = GovernmentOffice(self, name, idx, self.office_capacity * share)
            self.offices.append(office)
            for c in idx:
                self._office_by_category[c] = office
        self.petition_office = PetitionOffice(self, p.petition.capacity_per_day * per10k)
        community_pop = np.bincount(w.community[w.grid], minlength=w.n_communities)
        so, pu = p.social_orgs, p.purchase
        self.social_org_staff = so.staff * per10k
        self.purchased_staff = pu.budget_per_year * per10k / pu.cost_per_staff
        directed = pu.tendering == "directed"
        self.orgs_by_community: list[list[SocialOrganization]] = []
        for c in range(w.n_communities):
            share = community_pop[c] / w.n
            orgs = [SocialOrganization(self, "mediation_committee", c, 0.0, p.volunteers.skill, so.independence)]
            if self.social_org_staff > 0:
                orgs.append(SocialOrganization(self, "social_work", c, self.social_org_staff * share, so.skill, so.independence))
            if self.purchased_staff > 0:
                orgs.append(SocialOrganization(
                    self, "purchased", c, self.purchased_staff * share,
                    so.skill * (1 - pu.directed_skill_penalty) if directed else so.skill,
                    pu.directed_independence if directed else so.independence,
                ))
            self.orgs_by_community.append(orgs)
        self.orgs = [o for orgs in self.orgs_by_community for o in orgs]
        self.forums = [DeliberationForum(self, c) for c in range(w.n_communities)] if p.self_governance.deliberation else []
        self.agent_by_id = {a.unique_id: a for a in self.handlers()}

    def handlers(self) -> list[QueueHandler]:
        """Every handler, in the order they work through their queues each day."""
        return [*self.grid_workers, *self.orgs, *self.forums, *self.offices, self.petition_office]

    # --- what phases ask of the model -----------------------------------------------------------
    def office_for(self, category: int) -> GovernmentOffice:
        return self._office_by_category[category]

    def mediator_for(self, d: int) -> SocialOrganization | None:
        """The social organisation of the case's community that would take it: the best skill and
        legitimacy, discounted by its queue's wait; None if no organisation has capacity."""
        community = self.world.community[self.disputes.grid[d]]
        best, best_score = None, 0.0
        for org in self.orgs_by_community[community]:
            cap = org.capacity()
            if cap <= 0:
                continue
            wait = len(org.queue) / cap
            score = org.skill * (0.5 + 0.5 * org.independence) * 0.5 ** (wait / 30)
            if score > best_score:
                best, best_score = org, score
        return best

    def campaign_active(self) -> bool:
        c = self.p.campaign
        return c.end_day > 0 and c.start_day <= self.day < c.end_day

    def campaign_factor(self) -> float:
        return self.p.campaign.multiplier if self.campaign_active() else 1.0

    def pressure(self) -> float:
        extra = self.p.campaign.pressure if self.campaign_active() else 0.0
        return min(1.0, self.p.offices.assessment_pressure + extra)

    def platform_delay(self) -> float:
        return 0.0 if self.p.smart.data_platform else self.p.routing.platform_delay_days

    def voice_channels(self) -> float:
        """Share of voice channels open beyond the petition office (hotline, deliberation)."""
        return (float(self.p.channels.hotline) + float(self.p.self_governance.deliberation)) / 2

    def tally_residents(self) -> None:
        w = self.world
        vb = np.bincount(w.building[self.volunteer], minlength=len(w.bld_first))
        self.volunteers_in_building = vb
        vg = np.bincount(w.grid[self.volunteer], minlength=w.n_grids)
        self.volunteers_in_community = np.bincount(w.community, weights=vg, minlength=w.n_communities)
        self.n_volunteers = int(vb.sum())
        comm_of = w.community[w.grid]
        self.community_spirit = (np.bincount(comm_of, weights=self.public_spirit, minlength=w.n_communities)
                                 / np.bincount(comm_of, minlength=w.n_communities))

    def resident(self, i: int) -> Resident:
        """Resident i as a Mesa agent (created on first request)."""
        if not 0 <= i < self.world.n:
            raise IndexError(f"resident {i} out of range 0–{self.world.n - 1}")
        if i not in self._residents:
            self._residents[i] = Resident(self, i)
        return self._residents[i]

    # --- the day ---------------------------------------------------------------------------------
    def step(self) -> None:
        self.day = self.steps - 1
        arise(self)  # 1–2 shocks, new disputes
        grow_and_spread(self)  # 3
        discover(self)  # 4
        route_pending(self)  # 5
        handle(self)  # 6
        escalate(self)  # 7
        update_residents(self)  # 8
        accrue(self)  # 9
        self.datacollector.collect(self)
