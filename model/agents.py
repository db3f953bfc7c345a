"""Mesa agents: residents (views onto the arrays), grid workers, offices, social organisations,
deliberation forums and the petition office.

Handlers share one queue discipline (`QueueHandler`): each day their capacity adds to a credit, and
whole units of credit start cases from the front of the queue. Idle capacity is not banked.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from .disputes import Handler
from .world import GROUPS

if TYPE_CHECKING:
    from .directives import GridPlan
    from .model import CogovModel
    from .params import Params

# Government offices at street level and the categories each is competent for (DESIGN §2,
# default set is an assumption). The petition office is separate (`PetitionOffice`).
OFFICE_TYPES = {
    "police": ("派出所", ("public_order",)),
    "justice": ("司法所", ("neighbor", "family")),
    "urban_management": ("城管", ("environment",)),
    "housing": ("住建", ("property",)),
    "labour": ("人社", ("labor",)),
    "land": ("国土/征拆办", ("land",)),
    "civil_affairs": ("民政", ("public_service",)),
}


class Resident(mesa.Agent):
    """A resident, addressable for inspection; its state lives in the model's arrays."""

    def __init__(self, model: CogovModel, index: int):
        super().__init__(model)
        self.index = index

    def _arr(self, name: str):
        return getattr(self.model, name)[self.index]

    grid = property(lambda self: int(self.model.world.grid[self.index]))
    building = property(lambda self: int(self.model.world.building[self.index]))
    household = property(lambda self: int(self.model.world.household[self.index]))
    group = property(lambda self: GROUPS[self.model.world.group[self.index]])
    special = property(lambda self: bool(self.model.world.special[self.index]))
    grievance = property(lambda self: float(self._arr("grievance")))
    trust = property(lambda self: float(self._arr("trust")))
    public_spirit = property(lambda self: float(self._arr("public_spirit")))
    legal_awareness = property(lambda self: float(self._arr("legal_awareness")))
    satisfaction = property(lambda self: float(self._arr("satisfaction")))
    volunteer = property(lambda self: bool(self._arr("volunteer")))

    def neighbours(self) -> list[int]:
        return self.model.world.neighbours(self.index).tolist()


class QueueHandler(mesa.Agent):
    """A handler with a queue of dispute ids and a daily capacity (cases it can start).

    Skill, voice and respect are taken from the parameters by `configure`, which the model calls at
    set-up and with every reform, so a reform takes effect at once. Each handler keeps a record:
    the running mean of the experiences of the parties it served, which its legitimacy follows
    (DESIGN §7).
    """

    kind: Handler
    section: str = ""  # the parameter section holding skill, voice, respect

    def __init__(self, model: CogovModel):
        super().__init__(model)
        self.queue: list[int] = []
        self.first: set[int] = set()  # cases a player chose to take before the rest (`model.directives`)
        self.credit = 0.0
        self.record = (
            model.p.population.initial_trust
        )  # no record yet: residents expect what they expect of any service

    def configure(self, p: Params) -> None:
        """Take what the parameters fix."""
        section = getattr(p, self.section)
        self.skill, self.voice, self.respect = section.skill, section.voice, section.respect

    def capacity(self) -> float:
        raise NotImplementedError

    def daily_capacity(self) -> float:
        """Cases it can start on an average day."""
        return self.capacity()

    def wait(self) -> float:
        """Days its queue would take to clear."""
        cap = self.daily_capacity()
        return len(self.queue) / cap if cap > 0 else float("inf")

    def enqueue(self, d: int, front: bool = False) -> None:
        if front:
            self.queue.insert(0, d)
        else:
            self.queue.append(d)

    def take(self, by_intensity: bool) -> list[int]:
        """Start as many ready cases as today's capacity allows; return them."""
        cap = self.capacity()
        if cap <= 0:  # closed today (a forum that does not meet, an organisation without staff)
            self.credit = 0.0
            return []
        self.credit = min(self.credit + cap, cap + 1.0)  # fractions carry over; idle days do not
        n = int(math.floor(self.credit + 1e-9))
        if n <= 0 or not self.queue:
            if not self.queue:
                self.credit = min(self.credit, cap)
            return []
        ds = self.model.disputes
        ready_day = ds.ready[self.queue]
        ready = [d for d, r in zip(self.queue, ready_day) if r <= self.model.day]
        if by_intensity:
            prio = ds.priority[ready]
            inten = ds.intensity[ready]
            order = np.lexsort((-inten, ~prio))
            ready = [ready[i] for i in order]
        if self.first:
            ready = [d for d in ready if d in self.first] + [d for d in ready if d not in self.first]
        chosen = ready[:n]
        if chosen:
            picked = set(chosen)
            self.queue = [d for d in self.queue if d not in picked]
            self.first -= picked
        self.credit -= len(chosen)
        return chosen

    def standing(self, trust: float) -> float:
        """Legitimacy before its record counts: the parties' trust in government."""
        return trust

    def legitimacy(self, trust: float) -> float:
        """How far the parties trust this handler: its standing, moved toward its own record."""
        w = self.model.p.feedback.record_weight
        return (1 - w) * self.standing(trust) + w * self.record

    def remember(self, experience: float) -> None:
        self.record += (experience - self.record) / self.model.p.feedback.record_memory

    @property
    def mean_days(self) -> float:
        """Mean days a case takes once started (0: the same day)."""
        return 0.0

    def duration(self) -> int:
        return int(self.model.streams.handling.poisson(self.mean_days)) if self.mean_days > 0 else 0


def _grid_row(name: str, kind: type) -> property:
    """A grid worker's value in one of `GridHours`' arrays."""
    return property(
        lambda self: kind(getattr(self.model.grid_hours, name)[self.grid]),
        lambda self, value: getattr(self.model.grid_hours, name).__setitem__(self.grid, value),
    )


class GridWorker(QueueHandler):
    """The grid workers (网格员) of one grid; their number is `grid.workers_per_grid` (may be
    fractional). Their hours are their grid's row of the model's `GridHours`."""

    kind = Handler.GRID
    section = "grid"

    def __init__(self, model: CogovModel, grid: int):
        super().__init__(model)
        self.grid = grid
        self._plan: GridPlan | None = None

    hours_available = _grid_row("available", float)
    hours_used = _grid_row("used", float)
    owed_hours = _grid_row("owed", float)  # promised to joint handling, taken from the next day
    visit_hours = _grid_row("visit", float)
    mediation_slots = _grid_row("slots", int)

    @property
    def plan(self) -> GridPlan | None:
        """A player's split of the day; None: the rules."""
        return self._plan

    @plan.setter
    def plan(self, plan: GridPlan | None) -> None:
        self._plan = plan
        self.model.grid_hours.set_plan(self.grid, plan)

    @property
    def fte(self) -> float:
        return self.model.p.grid.workers_per_grid

    def hours(self) -> float:
        p = self.model.p.grid
        return self.fte * p.hours_per_day * (1.0 - self.model.admin_burden()) * self.model.campaign_factor()

    def capacity(self) -> float:
        return float(self.mediation_slots)

    def daily_capacity(self) -> float:
        return self.hours() / self.model.p.grid.hours_per_mediation


class GovernmentOffice(QueueHandler):
    """A functional department (职能部门) competent for some categories; it gets its share of the
    offices' capacity by its categories' load."""

    kind = Handler.OFFICE
    section = "offices"

    def __init__(self, model: CogovModel, name: str, categories: tuple[int, ...], share: float):
        super().__init__(model)
        self.name, self.zh = name, OFFICE_TYPES[name][0]
        self.categories = categories
        self.share = share

    @property
    def mean_days(self) -> float:
        p = self.model.p.offices
        return p.mean_days * (1.0 - p.pressure_speedup * self.model.pressure(self.kind))

    def capacity(self) -> float:
        return self.model.office_capacity * self.share * self.model.campaign_factor()


class PetitionOffice(QueueHandler):
    """The petition office (信访办): answers petitions by resolving or suppressing them."""

    kind = Handler.PETITION
    section = "offices"

    def capacity(self) -> float:
        return self.model.p.petition.capacity_per_day * self.model.world.n / 10_000


class SocialOrganization(QueueHandler):
    """A social organisation of one community: a mediation committee of volunteers, a social-work
    agency with professional staff, or a provider of purchased services.

    Independence shapes it (二政府): a government-run organisation gives the voice and respect of an
    office, is trusted only as far as government is, and refers cases to offices (`deference`).
    Under directed purchase part of the purchased staff exist only on paper (名存实亡)."""

    kind = Handler.MEDIATION
    section = "social_orgs"
    KINDS = {"mediation_committee": "人民调解委员会", "social_work": "社工机构", "purchased": "购买服务机构"}

    def __init__(self, model: CogovModel, org_kind: str, community: int, pop_share: float):
        super().__init__(model)
        self.org_kind, self.community, self.pop_share = org_kind, community, pop_share
        self.load = 0.0  # recent load of a volunteer committee, 0–1 (moving average)

    def configure(self, p: Params) -> None:
        self.directed = self.org_kind == "purchased" and p.purchase.tendering == "directed"
        self.independence = p.purchase.directed_independence if self.directed else p.social_orgs.independence
        if self.org_kind == "mediation_committee":
            self.skill = p.volunteers.skill
        else:
            self.skill = p.social_orgs.skill * (1 - p.purchase.directed_skill_penalty if self.directed else 1)
        self.voice = self._captured(p.social_orgs.voice, p.offices.voice)
        self.respect = self._captured(p.social_orgs.respect, p.offices.respect)
        self.staff = self._staff(p)  # staff who actually work cases

    def _captured(self, own: float, office: float) -> float:
        return office + self.independence * (own - office)

    @property
    def mean_days(self) -> float:
        return self.model.p.social_orgs.mean_days

    def _staff(self, p: Params) -> float:
        if self.org_kind == "social_work":
            return self.model.social_org_staff * self.pop_share
        if self.org_kind == "purchased":
            paper = p.purchase.paper_share if self.directed else 0.0
            return self.model.purchased_staff * self.pop_share * (1 - paper)
        return 0.0

    def capacity(self) -> float:
        if self.org_kind == "mediation_committee":
            v = self.model.p.volunteers  # 乡贤倦怠: volunteers tire under sustained load
            return self.model.committee_capacity.item(self.community) * (1 - v.fatigue * self.load)
        return self.staff * self.model.p.social_orgs.cases_per_staff_day

    def take(self, by_intensity: bool) -> list[int]:
        chosen = super().take(by_intensity)
        if self.org_kind == "mediation_committee":
            busy = 1.0 if self.queue else min(1.0, len(chosen) / max(self.capacity(), 1e-9))
            self.load += (busy - self.load) / self.model.p.social_orgs.load_memory_days
        return chosen

    def defers(self) -> bool:
        """Whether it refers the case it just took to an office instead of settling it."""
        chance = self.model.p.social_orgs.deference * (1 - self.independence)
        return chance > 0 and self.model.streams.handling.random() < chance

    def standing(self, trust: float) -> float:
        # low independence: residents trust it only as much as they trust government (二政府)
        return self.independence * self.model.p.social_orgs.legitimacy + (1 - self.independence) * trust


class DeliberationForum(QueueHandler):
    """A community's deliberation forum (议事会, 公论评议): meets every few days with residents.

    A meeting attended by fewer than `self_governance.quorum` of the community goes through the
    motions: its skill and voice shrink in proportion (`quality`)."""

    kind = Handler.FORUM
    section = "self_governance"

    def __init__(self, model: CogovModel, community: int):
        super().__init__(model)
        self.community = community
        self.quality = 1.0  # of the last meeting

    def configure(self, p: Params) -> None:
        sg = p.self_governance
        self.full_skill, self.full_voice, self.respect = sg.skill, sg.voice, sg.respect

    skill = property(lambda self: self.full_skill * self.quality)
    voice = property(lambda self: self.full_voice * self.quality)

    def meets_today(self) -> bool:
        sg = self.model.p.self_governance
        return sg.deliberation and (self.model.day + self.community) % sg.interval_days == 0

    def capacity(self) -> float:
        return float(self.model.p.self_governance.cases_per_meeting) if self.meets_today() else 0.0

    def daily_capacity(self) -> float:
        sg = self.model.p.self_governance
        return sg.cases_per_meeting / sg.interval_days if sg.deliberation else 0.0

    def standing(self, trust: float) -> float:
        return 0.5 * trust + 0.5 * self.model.community_spirit[self.community]
