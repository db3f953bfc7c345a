"""Outputs (DESIGN §5): the daily time series (Mesa DataCollector reporters) and the final metrics.

Rules worth knowing:
- ``resolution_rate``: among disputes first known at least ``disputes.judge_after_days`` before the
  end, the share resolved (paper closures and lapses do not count).
- ``reported_resolution_rate``: the same with paper closures counted, as an assessment would.
- ``grassroots_resolution_share``: among resolved disputes, the share that never reached an office,
  a court or the petition office (矛盾不上交).
- ``transfers_per_case``: transfers between offices per case that reached an office.
- Petition counts are over the whole run, per 10,000 residents.
- ``satisfaction_mean`` is over all residents; ``case_satisfaction`` is the mean experience of the
  outcomes parties lived through (closure, paper closure, failure, suppression).
- ``satisfaction_rate`` (满意率, as a 回访 survey counts it): among the parties who lived through a
  case outcome (each party once per outcome), the share whose experience reached
  ``feedback.satisfied_threshold`` (满意 or 基本满意).
- ``cost_standing``: every cost except petitions and group incidents (see `model.costs`).
- ``attempts_per_case``, ``handoffs_per_case``: over cases that had at least one attempt.
- Equity: ``resolution_rate_<group>`` and ``median_days_to_resolve_<group>`` by the group of the
  case's initiator (same rule as the overall figures); ``grid_resolution_min``/``_max`` and
  ``grid_resolution_ratio`` (max ÷ min) across grids, ``grid_days_ratio`` likewise for the median
  days to resolve (grids with no judged or resolved case are left out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from .arrays import mean
from .disputes import Handler, State
from .params import CATEGORIES
from .world import ELDERLY, LOCAL, MIGRANT

if TYPE_CHECKING:
    from .model import CogovModel


def _state(s: State):
    return lambda m: int(m.state_counts[s])


def _group_mean(m: CogovModel, values: np.ndarray, g: int) -> float | None:
    members = m.group_members[g]
    return mean(values[members]) if len(members) else None


def _last_judged_day(m: CogovModel) -> int:
    """Disputes are old enough to judge once first known at least `judge_after_days` before today."""
    return m.day - m.p.disputes.judge_after_days


def judged(m: CogovModel) -> np.ndarray:
    """Per dispute, whether it is old enough to judge."""
    disc = m.disputes.view("discovered")
    return (disc >= 0) & (disc <= _last_judged_day(m))


def resolution_rate(m: CogovModel, reported: bool = False) -> float | None:
    """Counted every day, so over the live disputes and the tallies of the retired ones (which
    are resolved, in court or lapsed; paper closures are live)."""
    ds, last = m.disputes, _last_judged_day(m)
    live = ds.live()
    disc = ds.discovered[live]
    state = ds.state[live][(disc >= 0) & (disc <= last)]
    days = slice(0, max(last + 1, 0))
    n_judged = len(state) + int(ds.retired_known[days].sum())
    if n_judged == 0:
        return None
    ok = np.count_nonzero(state == State.RESOLVED.value) + int(ds.retired_resolved[days].sum())
    if reported:
        ok += np.count_nonzero(state == State.CLOSED_SUPERFICIALLY.value)
    return ok / n_judged


def satisfaction_rate(m: CogovModel) -> float | None:
    return m.party_satisfied / m.party_outcomes if m.party_outcomes else None


def _ratio(values: list[float]) -> float | None:
    return max(values) / min(values) if values and min(values) > 0 else None


def equity(m: CogovModel) -> dict[str, Any]:
    """Resolution and days to resolve by the initiator's group, and their spread across grids."""
    ds = m.disputes
    ok_judged = judged(m)
    resolved = ds.view("state") == State.RESOLVED
    days = ds.view("closed") - ds.view("arose")
    group = m.world.group[ds.view("initiator")]
    grid = ds.view("grid")
    out: dict[str, Any] = {}
    for name, g in (("local", LOCAL), ("migrant", MIGRANT), ("elderly", ELDERLY)):
        sel = group == g
        out[f"resolution_rate_{name}"] = float(resolved[sel & ok_judged].mean()) if (sel & ok_judged).any() else None
        out[f"median_days_to_resolve_{name}"] = (
            float(np.median(days[sel & resolved])) if (sel & resolved).any() else None
        )
    rates = [
        float(resolved[(grid == k) & ok_judged].mean())
        for k in range(m.world.n_grids)
        if ((grid == k) & ok_judged).any()
    ]
    medians = [
        float(np.median(days[(grid == k) & resolved])) for k in range(m.world.n_grids) if ((grid == k) & resolved).any()
    ]
    out["grid_resolution_min"] = min(rates) if rates else None
    out["grid_resolution_max"] = max(rates) if rates else None
    out["grid_resolution_ratio"] = _ratio(rates)
    out["grid_days_ratio"] = _ratio(medians)
    return out


def office_backlog(m: CogovModel) -> int:
    return sum(len(o.queue) for o in m.offices)


def worker_utilization(m: CogovModel) -> float | None:
    avail = sum(m.grid_hours.available.tolist())  # summed in order, as the series always was
    return float(sum(m.grid_hours.used.tolist()) / avail) if avail > 0 else None


class DailyCollector(mesa.DataCollector):
    """Mesa's collector for the daily series, without its copy of every value (the reporters
    return numbers, which nothing can change afterwards) and with the disputes counted by state
    once a day (``model.state_counts``) for the ten state reporters."""

    def collect(self, model: Any) -> None:
        model.state_counts = model.disputes.state_counts()
        for var, reporter in self.model_reporters.items():
            self.model_vars[var].append(reporter(model))


DAILY_REPORTERS: dict[str, Any] = {
    "disputes_total": lambda m: m.disputes.n,
    **{f"state_{s.name.lower()}": _state(s) for s in State},
    "resolution_rate": resolution_rate,
    "satisfaction_mean": lambda m: mean(m.satisfaction),
    "satisfaction_local": lambda m: _group_mean(m, m.satisfaction, LOCAL),
    "satisfaction_migrant": lambda m: _group_mean(m, m.satisfaction, MIGRANT),
    "trust_mean": lambda m: mean(m.trust),
    "public_spirit_mean": lambda m: mean(m.public_spirit),
    "volunteers": lambda m: m.n_volunteers,
    "petitions": lambda m: m.disputes.petitions_filed(),
    "group_incidents": lambda m: m.group_incidents,
    "office_backlog": office_backlog,
    "satisfaction_rate": satisfaction_rate,
    "cost_total": lambda m: m.costs.total,
    "cost_standing": lambda m: m.costs.standing,
}


def final_metrics(m: CogovModel) -> dict[str, Any]:
    """One flat record of the run's outcomes."""
    ds, n = m.disputes, m.world.n
    state = ds.view("state")
    resolved = state == State.RESOLVED
    disc = ds.view("discovered")
    known = disc >= 0
    n_resolved = int(resolved.sum())
    reached_office = ds.view("reached_office")
    grassroots = resolved & ~reached_office & (ds.view("petitions") == 0)
    days = (ds.view("closed") - ds.view("arose"))[resolved]
    lag = (disc - ds.view("arose"))[known]
    sat = {
        g: _group_mean(m, m.satisfaction, i) for g, i in (("local", LOCAL), ("migrant", MIGRANT), ("elderly", ELDERLY))
    }
    local, migrant = sat["local"], sat["migrant"]
    cost = m.costs.total
    by = ds.view("resolved_by")[resolved]
    attempts = ds.view("attempts")
    out: dict[str, Any] = {
        "disputes_total": ds.n,
        **{f"disputes_{c}": int(np.count_nonzero(ds.view("category") == i)) for i, c in enumerate(CATEGORIES)},
        **{f"state_{s.name.lower()}": int(np.count_nonzero(state == s)) for s in State},
        "resolution_rate": resolution_rate(m),
        "reported_resolution_rate": resolution_rate(m, reported=True),
        "grassroots_resolution_share": float(grassroots.sum() / n_resolved) if n_resolved else None,
        **{f"resolved_by_{h.name.lower()}": int(np.count_nonzero(by == h)) for h in Handler if h != Handler.PETITION},
        "median_days_to_resolve": float(np.median(days)) if len(days) else None,
        "discovery_lag_days": float(lag.mean()) if len(lag) else None,
        "petitions_per_10k": float(ds.view("petitions").sum() * 1e4 / n),
        "leapfrog_petitions_per_10k": float(ds.view("leapfrogs").sum() * 1e4 / n),
        "group_incidents": m.group_incidents,
        "litigation_share": float(np.count_nonzero(state == State.LITIGATION) / known.sum()) if known.any() else None,
        "transfers_per_case": float(ds.view("transfers").sum() / reached_office.sum())
        if reached_office.any()
        else None,
        "attempts_per_case": float(attempts[attempts > 0].mean()) if (attempts > 0).any() else None,
        "handoffs_per_case": float(ds.view("handoffs")[attempts > 0].mean()) if (attempts > 0).any() else None,
        "superficial_closures": int(ds.view("superficial").sum()),
        "satisfaction_mean": float(m.satisfaction.mean()),
        "case_satisfaction": float(np.mean(m.experiences)) if m.experiences else None,
        "satisfaction_rate": satisfaction_rate(m),
        **{f"satisfaction_{g}": v for g, v in sat.items()},
        "migrant_local_gap": local - migrant if local is not None and migrant is not None else None,
        "trust_mean": float(m.trust.mean()),
        "participation_rate": float(m.participated.mean()),
        "volunteers": m.n_volunteers,
        "public_spirit_mean": float(m.public_spirit.mean()),
        "worker_utilization": worker_utilization(m),
        "office_backlog": office_backlog(m),
        "cost_total": cost,
        "cost_per_resolved": cost / n_resolved if n_resolved else None,
        "cost_standing": m.costs.standing,
        **{f"cost_{k}": v for k, v in sorted(m.costs.by_component.items())},
        **equity(m),
    }
    return out
