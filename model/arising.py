"""Phases 1–2 of the day: scheduled shocks and the arising of new disputes (DESIGN §3.1).

The daily rate of resident i and category c is
``base[c] × group[g_i, c] × shock[grid_i, c] × prevention[c] × (1 + gain × grievance_i)``.
Arising is drawn by thinning: a Poisson number of candidate residents at the highest possible
rate, each kept with probability rate_i / max_rate, so a day costs O(new disputes), not O(N).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .params import CATEGORIES, Params

if TYPE_CHECKING:
    from .model import CogovModel

C = {name: i for i, name in enumerate(CATEGORIES)}
# Which categories each prevention lever acts on (DESIGN §3.1): virtue on interpersonal disputes,
# risk assessment on major-project disputes, livelihood investment on livelihood complaints.
INTERPERSONAL = (C["neighbor"], C["family"])
PROJECT = (C["property"], C["labor"], C["land"], C["environment"])
LIVELIHOOD = (C["labor"], C["public_service"])
# The counterparty of an interpersonal dispute: a household member or a network neighbour.
HOUSEHOLD_PARTY = (C["family"],)
NEIGHBOUR_PARTY = (C["neighbor"], C["public_order"])


@dataclass
class CategoryTables:
    """Per-category constants of a run, as arrays indexed by category."""

    base: np.ndarray  # daily incidence per resident before group, shock and grievance factors
    group_mult: np.ndarray  # [group, category], normalised so the population mean is 1
    intensity_mean: np.ndarray
    growth: np.ndarray
    group_prone: np.ndarray
    rigid_share: np.ndarray

    @classmethod
    def build(cls, p: Params, group_shares: np.ndarray) -> CategoryTables:
        cats = [getattr(p.categories, c) for c in CATEGORIES]
        shares = np.array([c.share for c in cats])
        shares = shares / shares.sum() if shares.sum() > 0 else shares
        base = p.disputes.incidence_per_year / 365.0 * shares
        prevention = np.ones(len(CATEGORIES))
        prevention[list(INTERPERSONAL)] *= 1 - p.prevention.virtue * p.prevention.virtue_effect
        prevention[list(LIVELIHOOD)] *= 1 - p.prevention.livelihood * p.prevention.livelihood_effect
        if p.prevention.risk_assessment:
            prevention[list(PROJECT)] *= 1 - p.prevention.risk_incidence_effect
        gm = np.ones((3, len(CATEGORIES)))
        gm[1] = [c.migrant_mult for c in cats]
        gm[2] = [c.elderly_mult for c in cats]
        gm /= np.maximum(group_shares @ gm, 1e-12)
        intensity = np.array([c.intensity_mean for c in cats])
        if p.prevention.risk_assessment:
            intensity[list(PROJECT)] *= 1 - p.prevention.risk_intensity_effect
        return cls(
            base=base * prevention,
            group_mult=gm,
            intensity_mean=np.clip(intensity, 0.01, 0.99),
            growth=np.array([c.growth_per_day for c in cats]),
            group_prone=np.array([c.group_prone for c in cats]),
            rigid_share=np.array([c.rigid_share for c in cats]),
        )


def shock_multipliers(model: CogovModel, active: tuple[int, ...]) -> np.ndarray:
    """Phase 1: [grid, category] incidence multipliers of the shocks active today (their indices)."""
    mult = np.ones((model.world.n_grids, len(CATEGORIES)))
    for i in active:
        s = model.p.shocks[i]
        grids = slice(None) if s.grids == "all" else s.grids
        mult[grids, C[s.category]] *= s.multiplier
    return mult


def _rates(model: CogovModel) -> tuple[np.ndarray, np.ndarray, float]:
    """Today's rate weights [group, grid, category], the special residents' extra public-order
    weight [group, grid], and the highest rate any resident can have. They change only with the
    active shocks or the parameters (a reform), so they are kept until one of those changes."""
    active = tuple(i for i, s in enumerate(model.p.shocks) if s.start <= model.day < s.start + s.duration)
    cached = model.arising_rates
    if cached is not None and cached[0] == active and cached[1] is model.p:
        return cached[2]
    tab = model.categories
    weights = tab.group_mult[:, None, :] * shock_multipliers(model, active)[None, :, :] * tab.base[None, None, :]
    special_extra = weights[:, :, C["public_order"]] * (model.p.population.special_public_order_mult - 1.0)
    gain = model.p.disputes.grievance_gain
    max_rate = float((weights.sum(axis=2) + np.maximum(special_extra, 0)).max() * (1 + gain))
    model.arising_rates = (active, model.p, (weights, special_extra, max_rate))
    return weights, special_extra, max_rate


def arise(model: CogovModel) -> None:
    """Phase 2: draw today's new disputes and their parties.

    Every candidate draws all its numbers (kept or not, whatever its category), so the stream's
    position depends only on the day's candidate count: a lever acting elsewhere leaves the
    sequence of arising disputes as it was, except where it changes residents' grievance."""
    w, rng, tab = model.world, model.streams.arising, model.categories
    weights, special_extra, max_rate = _rates(model)
    gain = model.p.disputes.grievance_gain
    if max_rate <= 0:
        return
    k = rng.poisson(w.n * max_rate)
    if k == 0:
        return
    cand = rng.integers(w.n, size=k)
    u_keep, u_cat, u_rigid, u_party = rng.random((4, k))
    g, grid, sp = w.group[cand], w.grid[cand], w.special[cand]
    cat_w = weights[g, grid, :].copy()
    cat_w[:, C["public_order"]] += np.where(sp, special_extra[g, grid], 0.0)
    rate = cat_w.sum(axis=1) * (1 + gain * model.grievance[cand])
    cum = np.cumsum(cat_w, axis=1)
    category = np.minimum((cum < (u_cat * cum[:, -1])[:, None]).sum(axis=1), len(CATEGORIES) - 1)
    m = tab.intensity_mean[category]
    conc = model.p.disputes.intensity_spread
    intensity = rng.beta(m * conc, (1 - m) * conc)
    keep = u_keep * max_rate < rate
    if not keep.any():
        return
    cand, category, intensity, grid = cand[keep], category[keep], intensity[keep], grid[keep]
    rigid = u_rigid[keep] < tab.rigid_share[category]
    parties = [_parties(model, int(r), int(c), u) for r, c, u in zip(cand, category, u_party[keep])]
    ids = model.disputes.add(category, grid, intensity, rigid, model.day, parties)
    if model.log.enabled:
        for d, c in zip(ids, category):
            model.log(d, model.day, "arose", detail=CATEGORIES[c])


def _parties(model: CogovModel, resident: int, category: int, u: float) -> np.ndarray:
    """The initiator and, for interpersonal categories, a counterparty (chosen by the uniform `u`)."""
    w = model.world
    other = -1
    if category in HOUSEHOLD_PARTY:
        hh = w.household[resident]
        size = w.hh_size[hh]
        if size > 1:
            other = int(w.hh_first[hh] + (resident - w.hh_first[hh] + 1 + int(u * (size - 1))) % size)
    if other < 0 and (category in NEIGHBOUR_PARTY or category in HOUSEHOLD_PARTY):
        nb = w.neighbours(resident)
        other = int(nb[int(u * len(nb))]) if len(nb) else -1
    return np.array([resident] if other < 0 else [resident, other], np.int32)
