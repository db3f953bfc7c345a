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
  outcomes parties lived through (closure, paper closure, failure, suppression), as a 满意率
  survey of complainants would measure it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .disputes import Handler, State
from .params import CATEGORIES
from .world import ELDERLY, LOCAL, MIGRANT

if TYPE_CHECKING:
    from .model import CogovModel


def _state(s: State):
    return lambda m: int(np.count_nonzero(m.disputes.view("state") == s))


def _group_mean(values: np.ndarray, group: np.ndarray, g: int) -> float | None:
    sel = group == g
    return float(values[sel].mean()) if sel.any() else None


def resolution_rate(m: CogovModel, reported: bool = False) -> float | None:
    ds = m.disputes
    disc = ds.view("discovered")
    judged = (disc >= 0) & (disc <= m.day - m.p.disputes.judge_after_days)
    if not judged.any():
        return None
    state = ds.view("state")[judged]
    ok = state == State.RESOLVED
    if reported:
        ok |= state == State.CLOSED_SUPERFICIALLY
    return float(ok.mean())


def office_backlog(m: CogovModel) -> int:
    return sum(len(o.queue) for o in m.offices)


def worker_utilization(m: CogovModel) -> float | None:
    avail = sum(gw.hours_available for gw in m.grid_workers)
    return float(sum(gw.hours_used for gw in m.grid_workers) / avail) if avail > 0 else None


DAILY_REPORTERS: dict[str, Any] = {
    "disputes_total": lambda m: m.disputes.n,
    **{f"state_{s.name.lower()}": _state(s) for s in State},
    "resolution_rate": resolution_rate,
    "satisfaction_mean": lambda m: float(m.satisfaction.mean()),
    "satisfaction_local": lambda m: _group_mean(m.satisfaction, m.world.group, LOCAL),
    "satisfaction_migrant": lambda m: _group_mean(m.satisfaction, m.world.group, MIGRANT),
    "trust_mean": lambda m: float(m.trust.mean()),
    "public_spirit_mean": lambda m: float(m.public_spirit.mean()),
    "volunteers": lambda m: m.n_volunteers,
    "petitions": lambda m: int(m.disputes.view("petitions").sum()),
    "group_incidents": lambda m: m.group_incidents,
    "office_backlog": office_backlog,
    "cost_total": lambda m: m.costs.total,
}


def final_metrics(m: CogovModel) -> dict[str, Any]:
    """One flat record of the run's outcomes."""
    ds, w, n = m.disputes, m.world, m.world.n
    state = ds.view("state")
    resolved = state == State.RESOLVED
    disc = ds.view("discovered")
    known = disc >= 0
    n_resolved = int(resolved.sum())
    reached_office = ds.view("reached_office")
    grassroots = resolved & ~reached_office & (ds.view("petitions") == 0)
    days = (ds.view("closed") - ds.view("arose"))[resolved]
    lag = (disc - ds.view("arose"))[known]
    sat = {g: _group_mean(m.satisfaction, w.group, i) for g, i in (("local", LOCAL), ("migrant", MIGRANT), ("elderly", ELDERLY))}
    cost = m.costs.total
    by = ds.view("resolved_by")[resolved]
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
        "transfers_per_case": float(ds.view("transfers").sum() / reached_office.sum()) if reached_office.any() else None,
        "superficial_closures": int(ds.view("superficial").sum()),
        "satisfaction_mean": float(m.satisfaction.mean()),
        "case_satisfaction": float(np.mean(m.experiences)) if m.experiences else None,
        **{f"satisfaction_{g}": v for g, v in sat.items()},
        "migrant_local_gap": (sat["local"] - sat["migrant"]) if None not in (sat["local"], sat["migrant"]) else None,
        "trust_mean": float(m.trust.mean()),
        "participation_rate": float(m.participated.mean()),
        "volunteers": m.n_volunteers,
        "public_spirit_mean": float(m.public_spirit.mean()),
        "worker_utilization": worker_utilization(m),
        "office_backlog": office_backlog(m),
        "cost_total": cost,
        "cost_per_resolved": cost / n_resolved if n_resolved else None,
        **{f"cost_{k}": v for k, v in sorted(m.costs.by_component.items())},
    }
    return out
