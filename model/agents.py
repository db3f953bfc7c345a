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
    from .model import CogovModel

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
    """A handler with a queue of dispute ids and a daily capacity (cases it can start)."""

    kind: Handler
    skill: float = 0.0
    voice: float = 0.0
    respect: float = 0.0
    mean_days: float = 0.0

    def __init__(self, model: CogovModel):
        super().__init__(model)
        self.queue: list[int] = []
        self.credit = 0.0

    def capacity(self) -> float:
        raise NotImplementedError

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
        self.credit = min(self.credit + cap, max(cap, 1.0))
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
        chosen = ready[:n]
        if chosen:
            picked = set(chosen)
            self.queue = [d for d in self.queue if d not in picked]
        self.credit -= len(chosen)
        return chosen

    def legitimacy(self, trust: float) -> float:
        """How far the parties trust this handler, given their trust in government."""
        return trust

    def duration(self) -> int:
        return int(self.model.rng.poisson(self.mean_days)) if self.mean_days > 0 else 0


class GridWorker(QueueHandler):
    """The grid workers (网格员) of one grid; `fte` is their number (may be fractional)."""

    kind = Handler.GRID

    def __init__(self, model: CogovModel, grid: int, fte: float):
        super().__init__(model)
        p = model.p.grid
        self.grid, self.fte = grid, fte
        self.skill, self.voice, self.respect = p.skill, p.voice, p.respect
        self.mediation_slots = 0
        self.owed_hours = 0.0  # promised to joint handling, taken from the next day
        self.visit_hours = 0.0
        self.hours_used = 0.0
        self.hours_available = 0.0

    def hours(self) -> float:
        p = self.model.p.grid
        return self.fte * p.hours_per_day * (1.0 - p.admin_burden) * self.model.campaign_factor()

    def plan_day(self) -> None:
        """Split today's hours: on-the-spot mediation of queued cases first, visits with the rest."""
        p = self.model.p.grid
        hours = self.hours()
        self.hours_available += hours
        spent, self.owed_hours = min(hours, self.owed_hours), max(0.0, self.owed_hours - hours)
        self.hours_used += spent
        hours -= spent
        ready = int(np.sum(self.model.disputes.ready[self.queue] <= self.model.day)) if self.queue else 0
        self.mediation_slots = min(ready, int(hours // p.hours_per_mediation))
        self.visit_hours = hours - self.mediation_slots * p.hours_per_mediation
        self.hours_used += self.mediation_slots * p.hours_per_mediation

    def capacity(self) -> float:
        return float(self.mediation_slots)


class GovernmentOffice(QueueHandler):
    """A functional department (职能部门) competent for some categories."""

    kind = Handler.OFFICE

    def __init__(self, model: CogovModel, name: str, categories: tuple[int, ...], base_capacity: float):
        super().__init__(model)
        p = model.p.offices
        self.name, self.zh = name, OFFICE_TYPES[name][0]
        self.categories = categories
        self.base_capacity = base_capacity
        self.skill, self.voice, self.respect = p.skill, p.voice, p.respect

    @property
    def mean_days(self) -> float:
        p = self.model.p.offices
        return p.mean_days * (1.0 - p.pressure_speedup * self.model.pressure())

    def capacity(self) -> float:
        return self.base_capacity * self.model.campaign_factor()


class PetitionOffice(QueueHandler):
    """The petition office (信访办): answers petitions by resolving or suppressing them."""

    kind = Handler.PETITION

    def __init__(self, model: CogovModel, base_capacity: float):
        super().__init__(model)
        self.base_capacity = base_capacity

    def capacity(self) -> float:
        return self.base_capacity


class SocialOrganization(QueueHandler):
    """A social organisation of one community: a mediation committee of volunteers, a social-work
    agency with professional staff, or a provider of purchased services."""

    kind = Handler.MEDIATION
    KINDS = {"mediation_committee": "人民调解委员会", "social_work": "社工机构", "purchased": "购买服务机构"}

    def __init__(self, model: CogovModel, org_kind: str, community: int, staff: float, skill: float,
                 independence: float):
        super().__init__(model)
        p = model.p.social_orgs
        self.org_kind, self.community = org_kind, community
        self.staff, self.skill, self.independence = staff, skill, independence
        self.voice, self.respect, self.mean_days = p.voice, p.respect, p.mean_days
        self.load = 0.0  # recent load of a volunteer committee, 0–1 (moving average)

    def capacity(self) -> float:
        if self.org_kind == "mediation_committee":
            v = self.model.p.volunteers
            full = self.model.volunteers_in_community[self.community] * v.mediator_share * v.cases_per_mediator_day
            return full * (1 - v.fatigue * self.load)  # 乡贤倦怠: volunteers tire under sustained load
        return self.staff * self.model.p.social_orgs.cases_per_staff_day

    def take(self, by_intensity: bool) -> list[int]:
        chosen = super().take(by_intensity)
        if self.org_kind == "mediation_committee":
            busy = 1.0 if self.queue else min(1.0, len(chosen) / max(self.capacity(), 1e-9))
            self.load += (busy - self.load) / 30  # about a month's memory
        return chosen

    def legitimacy(self, trust: float) -> float:
        # low independence: residents trust it only as much as they trust government (二政府)
        return self.independence * self.model.p.social_orgs.legitimacy + (1 - self.independence) * trust


class DeliberationForum(QueueHandler):
    """A community's deliberation forum (议事会, 公论评议): meets every few days with residents."""

    kind = Handler.FORUM

    def __init__(self, model: CogovModel, community: int):
        super().__init__(model)
        p = model.p.self_governance
        self.community = community
        self.skill, self.voice, self.respect = p.skill, p.voice, p.respect

    def meets_today(self) -> bool:
        return (self.model.day + self.community) % self.model.p.self_governance.interval_days == 0

    def capacity(self) -> float:
        return float(self.model.p.self_governance.cases_per_meeting) if self.meets_today() else 0.0

    def legitimacy(self, trust: float) -> float:
        return 0.5 * trust + 0.5 * self.model.community_spirit[self.community]
