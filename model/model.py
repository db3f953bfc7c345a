"""The cogov model: a street (街道) or township of residents, grid workers, offices, social
organisations and forums, and the disputes that run through them."""

from __future__ import annotations

import mesa
import numpy as np

from .agents import (
    OFFICE_TYPES,
    DeliberationForum,
    GovernmentOffice,
    GridWorker,
    PetitionOffice,
    QueueHandler,
    Resident,
    SocialOrganization,
)
from .arising import INTERPERSONAL, CategoryTables, arise
from .costs import Costs, accrue, allocate
from .discovery import discover
from .disputes import DisputeTable, EventLog, Handler, State
from .escalation import escalate
from .feedback import draw_ahead, update_residents
from .grid_hours import GridHours
from .handling import handle
from .metrics import DAILY_REPORTERS, DailyCollector
from .params import CATEGORIES, HANDLERS, Params
from .reforms import apply_reforms
from .routing import route_pending
from .scenario import ScenarioError
from .spread import grow_and_spread
from .streams import Streams
from .threads import Cores
from .world import GROUPS, MIGRANT, build_world


def _beta(rng: np.random.Generator, mean: float, n: int, concentration: float) -> np.ndarray:
    m = np.clip(mean, 0.01, 0.99)
    return rng.beta(m * concentration, (1 - m) * concentration, size=n)


class CogovModel(mesa.Model):
    """One street or township, stepped one day at a time.

    Args:
        params: all levers and constants (`model.params.Params`; see `cogov levers`).
        seed: fixes every random draw of the run (one stream per phase, `model.streams`).
        events: keep the per-dispute event log (流转轨迹); it changes no result.
        threads: cores for the residents' daily arithmetic (`model.threads`); it changes no result.

    A day (DESIGN §3): reforms due today; the standing budget shared out; shocks and arising;
    growth and spread; discovery; routing; handling; escalation; residents' feedback; costs and
    data collection.
    """

    def __init__(self, params: Params | None = None, seed: int | None = None, events: bool = False, threads: int = 1):
        if seed is None:
            seed = int(np.random.default_rng().integers(2**63))
        super().__init__(seed=seed)
        self.seed = seed
        self.streams = Streams(seed)
        self.p = p = params or Params()
        self.day = -1
        w = self.world = build_world(p.population, p.grid, self.streams.world)
        for i, s in enumerate(p.shocks):
            if s.grids != "all" and max(s.grids) >= w.n_grids:  # buildings larger than grids leave fewer grids
                raise ScenarioError(
                    f"`shocks[{i}].grids` = {s.grids}: this street was built with grids 0–{w.n_grids - 1}"
                )
        n, pop, rng = w.n, p.population, self.streams.residents
        self.trust = np.clip(
            _beta(rng, pop.initial_trust, n, pop.attribute_concentration)
            - np.where(w.group == MIGRANT, pop.migrant_trust_gap, 0),
            0,
            1,
        )
        self.public_spirit = _beta(rng, pop.initial_public_spirit, n, pop.attribute_concentration)
        self.spirit_start = self.public_spirit.copy()  # what each resident's public spirit returns to
        self.legal_awareness = _beta(rng, pop.initial_legal_awareness, n, pop.attribute_concentration)
        self.grievance = _beta(rng, pop.initial_grievance, n, pop.attribute_concentration)
        self.satisfaction = np.full(n, pop.baseline_satisfaction)
        self.volunteer = rng.random(n) < p.volunteers.initial_share
        self.participated = self.volunteer.copy()
        self.experiences: list[float] = []  # the experience of each case outcome its parties lived, in order
        self.party_outcomes = 0  # parties who lived a case outcome (a 回访 survey's respondents) …
        self.party_satisfied = 0  # … and those of them satisfied
        self.disputes = DisputeTable()
        self.log = EventLog(events)
        self.costs = Costs()
        self.group_incidents = 0
        self._residents: dict[int, Resident] = {}
        self.reforms_due = sorted(p.reforms, key=lambda r: r.day)
        self.reforms_applied: list[tuple[int, dict]] = []  # (day, levers set)
        self.res_community = w.community[w.grid]
        self.community_size = np.bincount(self.res_community, minlength=w.n_communities)
        self.group_members = [np.flatnonzero(w.group == g) for g in range(len(GROUPS))]
        self.scratch = (np.empty(n), np.empty(n))  # work arrays of the residents' drift
        self.cores = Cores(n, threads)
        self.volunteer_uniforms = np.empty(n)  # what `draw_ahead` fills, on another core if there is one
        draw_ahead(self)  # the first day's (`volunteer_draws`)
        self.arising_rates: tuple | None = None  # kept by `arising._rates` until the shocks or parameters change
        self._build_handlers()
        self.tally_residents()
        self.configure(p)
        self.state_counts = np.zeros(len(State), dtype=np.int64)  # set by the collector each day
        self.datacollector = DailyCollector(model_reporters=DAILY_REPORTERS)

    # --- set-up -------------------------------------------------------------------------------
    def _build_handlers(self) -> None:
        """Every handler the street could have; levers decide which of them have capacity."""
        w = self.world
        self.grid_hours = GridHours.empty(w.n_grids)
        self.grid_workers = [GridWorker(self, g) for g in range(w.n_grids)]
        self.offices = []
        self._office_by_category: dict[int, GovernmentOffice] = {}
        for name, (_, cats) in OFFICE_TYPES.items():
            office = GovernmentOffice(self, name, tuple(CATEGORIES.index(c) for c in cats), 0.0)
            self.offices.append(office)
            for c in office.categories:
                self._office_by_category[c] = office
        self.petition_office = PetitionOffice(self)
        self.orgs_by_community = [
            [SocialOrganization(self, kind, c, self.community_size[c] / w.n) for kind in SocialOrganization.KINDS]
            for c in range(w.n_communities)
        ]
        self.orgs = [o for orgs in self.orgs_by_community for o in orgs]
        self.forums = [DeliberationForum(self, c) for c in range(w.n_communities)]
        self.agent_by_id = {a.unique_id: a for a in self.handlers()}

    def configure(self, p: Params) -> None:
        """Derive what the levers fix: category tables, fits, staff, offices' shares of capacity.
        Called at set-up and by every reform."""
        self.p = p
        w, per10k = self.world, self.world.n / 10_000
        self.categories = CategoryTables.build(p, np.bincount(w.group, minlength=3) / w.n)
        # fit by [handler kind][category]
        self.fit_table = [[getattr(getattr(p.fit, h), c) for c in CATEGORIES] for h in HANDLERS]
        self.participation_factor = np.where(w.group == MIGRANT, p.population.migrant_participation, 1.0)
        self.participation_max = float(self.participation_factor.max(initial=0.0))
        load = self.categories.base
        for office in self.offices:
            idx = list(office.categories)
            office.share = load[idx].sum() / load.sum() if load.sum() > 0 else 1 / len(self.offices)
        self.social_org_staff = p.social_orgs.staff * per10k
        self.purchased_staff = p.purchase.budget_per_year * per10k / p.purchase.cost_per_staff
        self.office_capacity = p.offices.capacity_per_day * per10k  # a standing budget overrides it daily
        self.mediator_cap = p.volunteers.max_mediators_per_1000 * self.community_size / 1000  # per community
        self._admin_burden = self._burden()
        self.tally_mediators()
        for h in self.handlers():
            h.configure(p)

    def handlers(self) -> list[QueueHandler]:
        """Every handler, in the order they work through their queues each day."""
        return [*self.grid_workers, *self.orgs, *self.forums, *self.offices, self.petition_office]

    # --- what phases ask of the model -----------------------------------------------------------
    def office_for(self, category: int) -> GovernmentOffice:
        return self._office_by_category[category]

    def mediator_for(self, d: int) -> SocialOrganization | None:
        """The social organisation of the case's community that would take it: the best skill and
        legitimacy, discounted by its queue's wait, the mediation committee weighted up by
        `volunteers.familiarity` in neighbour and family disputes; None if no organisation has
        capacity."""
        community = self.world.community[self.disputes.grid[d]]
        best, best_score = None, 0.0
        w, half_life = self.p.social_orgs.independence_weight, self.p.social_orgs.choice_wait_half_life_days
        familiarity = self.p.volunteers.familiarity
        if familiarity and self.disputes.category.item(d) not in INTERPERSONAL:
            familiarity = 0.0
        for org in self.orgs_by_community[community]:
            cap = org.capacity()
            if cap <= 0:
                continue
            wait = len(org.queue) / cap
            score = org.skill * ((1 - w) + w * org.independence) * 0.5 ** (wait / half_life)
            if familiarity and org.org_kind == "mediation_committee":
                score *= 1 + familiarity
            if score > best_score:
                best, best_score = org, score
        return best

    def campaign_active(self) -> bool:
        c = self.p.campaign
        return c.end_day > 0 and c.start_day <= self.day < c.end_day

    def campaign_factor(self) -> float:
        return self.p.campaign.multiplier if self.campaign_active() else 1.0

    def pressure(self, kind: Handler) -> float:
        """Assessment pressure on a handler kind: offices (and joint handling, which an office
        leads) bear it in full; grassroots handlers the share that reaches them."""
        p = self.p
        extra = p.campaign.pressure if self.campaign_active() else 0.0
        full = min(1.0, p.offices.assessment_pressure + extra)
        return full if kind in (Handler.OFFICE, Handler.JOINT) else full * p.offices.pressure_reach

    def admin_burden(self) -> float:
        """Share of grid workers' time lost to paperwork, growing with every programme devolved to
        the community (居委会不堪重负)."""
        return self._admin_burden

    def _burden(self) -> float:
        p = self.p
        programmes = (
            p.self_governance.deliberation,
            p.volunteers.cultivation > 0,
            p.channels.hotline,
            p.smart.data_platform,
            p.routing.one_stop,
        )
        return min(0.95, p.grid.admin_burden + p.grid.devolved_burden * sum(programmes))

    def platform_delay(self) -> float:
        return 0.0 if self.p.smart.data_platform else self.p.routing.platform_delay_days

    def voice_channels(self) -> float:
        """Share of voice channels open beyond the petition office (hotline, deliberation)."""
        return (float(self.p.channels.hotline) + float(self.p.self_governance.deliberation)) / 2

    def tally_residents(self) -> None:
        """Count volunteers by building and community, and the communities' public spirit."""
        w = self.world
        self.volunteers_in_building = np.bincount(w.building[self.volunteer], minlength=len(w.bld_first))
        self.volunteers_in_community = np.bincount(
            self.res_community[self.volunteer], minlength=w.n_communities
        ).astype(float)
        self.n_volunteers = int(self.volunteer.sum())
        self.community_first = w.grid_first[np.searchsorted(w.community, np.arange(w.n_communities))]
        self.tally_spirit()

    def count_volunteers(self, joining: np.ndarray, leaving: np.ndarray) -> None:
        """Keep the volunteer counts as residents join and leave (whole numbers: exact)."""
        if len(joining) == 0 and len(leaving) == 0:
            return
        b, c = self.world.building, self.res_community
        np.add.at(self.volunteers_in_building, b[joining], 1)
        np.subtract.at(self.volunteers_in_building, b[leaving], 1)
        np.add.at(self.volunteers_in_community, c[joining], 1.0)
        np.subtract.at(self.volunteers_in_community, c[leaving], 1.0)
        self.n_volunteers += len(joining) - len(leaving)
        self.tally_mediators()

    def tally_mediators(self) -> None:
        """Per community, the share of its volunteers who mediate (`volunteers.mediator_share`, fewer
        where that many would pass `volunteers.max_mediators_per_1000`: mediators are selected,
        选聘) and the cases its committee could take a day, rested."""
        v, volunteers = self.p.volunteers, self.volunteers_in_community
        over = volunteers * v.mediator_share > self.mediator_cap
        self.mediating_share = np.divide(
            self.mediator_cap, volunteers, out=np.full(len(volunteers), v.mediator_share), where=over
        )
        self.committee_capacity = volunteers * self.mediating_share * v.cases_per_mediator_day

    def tally_spirit(self) -> None:
        """Each community's mean public spirit (its residents are one contiguous range)."""
        self.community_spirit = np.add.reduceat(self.public_spirit, self.community_first) / self.community_size

    def resident(self, i: int) -> Resident:
        """Resident i as a Mesa agent (created on first request)."""
        if not 0 <= i < self.world.n:
            raise IndexError(f"resident {i} out of range 0–{self.world.n - 1}")
        if i not in self._residents:
            self._residents[i] = Resident(self, i)
        return self._residents[i]

    def release(self) -> None:
        """Let Mesa forget this model: it keeps every model in a class-level counter of agent ids
        (`mesa.Agent._ids`) until told, so a model that is done with would never be freed. Its
        threads, if any, stop."""
        mesa.Agent._ids.pop(self, None)
        self.cores.close()

    # --- the day ---------------------------------------------------------------------------------
    def step(self) -> None:
        self.day = self.steps - 1
        apply_reforms(self)  # 0 reforms due today
        allocate(self)  # 0 the standing budget shared out
        arise(self)  # 1–2 shocks, new disputes
        grow_and_spread(self)  # 3
        discover(self)  # 4
        route_pending(self)  # 5
        handle(self)  # 6
        escalate(self)  # 7
        update_residents(self)  # 8
        accrue(self)  # 9
        self.disputes.retire_final()  # those that ended today leave the live set
        self.datacollector.collect(self)
