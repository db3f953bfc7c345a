"""The street's physical and social layout: households, buildings, grids, communities and ties.

Residents are numbered so that every household, building and grid is a contiguous range of
resident ids; that makes "a random building-mate" or "everyone in grid g" an index range. The
social network is kept as a compressed adjacency list (CSR) so that contagion and word of mouth
are vectorised; `World.graph` gives a networkx view of any part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import networkx as nx
import numpy as np

from .params import Grid, Population

LOCAL, MIGRANT, ELDERLY = 0, 1, 2
GROUPS = ("local", "migrant", "elderly")


@dataclass
class World:
    n: int
    household: np.ndarray  # int32[N]
    building: np.ndarray  # int32[N]
    grid: np.ndarray  # int32[N]
    group: np.ndarray  # int8[N]
    special: np.ndarray  # bool[N]
    hh_first: np.ndarray  # first resident of each household
    hh_size: np.ndarray
    hh_grid: np.ndarray  # grid of each household
    bld_first: np.ndarray
    bld_size: np.ndarray
    grid_first: np.ndarray
    grid_size: np.ndarray
    grid_households: np.ndarray
    community: np.ndarray  # community of each grid
    adj_ptr: np.ndarray  # CSR row pointers, int64[N+1]
    adj_idx: np.ndarray  # CSR neighbours, int32[E]

    @property
    def n_grids(self) -> int:
        return len(self.grid_first)

    @property
    def n_communities(self) -> int:
        return int(self.community.max()) + 1

    def neighbours(self, i: int) -> np.ndarray:
        return self.adj_idx[self.adj_ptr[i] : self.adj_ptr[i + 1]]

    def degree(self) -> np.ndarray:
        return np.diff(self.adj_ptr)

    def neighbours_of(self, residents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All (source position, neighbour) pairs for an array of residents, vectorised."""
        starts = self.adj_ptr[residents]
        counts = self.adj_ptr[residents + 1] - starts
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, np.int64), np.empty(0, np.int32)
        src = np.repeat(np.arange(len(residents)), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        return src, self.adj_idx[np.repeat(starts, counts) + offsets]

    def ties_of(self, residents: np.ndarray) -> np.ndarray:
        """The neighbours of a few residents (a case's parties), in the order `neighbours_of`
        lists them; cheaper than it for a handful."""
        ptr, idx = self.adj_ptr, self.adj_idx
        rows = [idx[ptr[r] : ptr[r + 1]] for r in residents.tolist()]
        if len(rows) == 1:
            return rows[0]
        return np.concatenate(rows) if rows else idx[:0]

    def graph(self, residents: np.ndarray | None = None) -> nx.Graph:
        """The social network (or the part among `residents`) as a networkx graph."""
        g = nx.Graph()
        nodes = np.arange(self.n) if residents is None else np.asarray(residents)
        g.add_nodes_from(nodes.tolist())
        keep = np.zeros(self.n, bool)
        keep[nodes] = True
        src = np.repeat(np.arange(self.n), self.degree())
        mask = keep[src] & keep[self.adj_idx] & (src < self.adj_idx)
        g.add_edges_from(zip(src[mask].tolist(), self.adj_idx[mask].tolist()))
        return g


def build_world(pop: Population, grid: Grid, rng: np.random.Generator) -> World:
    n = pop.residents
    # households: sizes 1 + Poisson(mean − 1), cut to fill exactly n residents
    sizes = 1 + rng.poisson(max(pop.household_size - 1.0, 0.0), size=n)
    cum = np.cumsum(sizes)
    n_hh = int(np.searchsorted(cum, n) + 1)
    sizes = sizes[:n_hh]
    sizes[-1] -= int(cum[n_hh - 1] - n)
    hh_first = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    household = np.repeat(np.arange(n_hh, dtype=np.int32), sizes)

    hh_building = (np.arange(n_hh) // pop.households_per_building).astype(np.int32)
    building = hh_building[household]
    n_bld = int(hh_building[-1]) + 1
    bld_size = np.bincount(building, minlength=n_bld)
    bld_first = np.concatenate(([0], np.cumsum(bld_size)[:-1])).astype(np.int64)

    # grids: whole buildings, a new grid whenever the running count passes residents_per_grid
    _, first_grid = np.unique(bld_first // grid.residents_per_grid, return_inverse=True)
    bld_grid = first_grid.astype(np.int32)
    grid_of = bld_grid[building]
    n_grids = int(bld_grid.max()) + 1
    grid_size = np.bincount(grid_of, minlength=n_grids)
    grid_first = np.concatenate(([0], np.cumsum(grid_size)[:-1])).astype(np.int64)
    hh_grid = grid_of[hh_first]
    grid_households = np.bincount(hh_grid, minlength=n_grids)
    community = (np.arange(n_grids) // grid.grids_per_community).astype(np.int32)

    # groups: migrant households; elderly among locals so that overall shares match
    migrant_hh = rng.random(n_hh) < pop.migrant_share
    migrant = migrant_hh[household]
    p_elderly = min(1.0, pop.elderly_share / max(1e-9, 1.0 - pop.migrant_share))
    elderly = ~migrant & (rng.random(n) < p_elderly)
    group = np.full(n, LOCAL, np.int8)
    group[migrant] = MIGRANT
    group[elderly] = ELDERLY
    special = rng.random(n) < pop.special_share

    adj_ptr, adj_idx = _network(
        pop, rng, n, sizes, hh_first, building, bld_first, bld_size, grid_of, grid_first, grid_size, migrant
    )
    return World(
        n=n,
        household=household,
        building=building,
        grid=grid_of,
        group=group,
        special=special,
        hh_first=hh_first,
        hh_size=sizes.astype(np.int32),
        hh_grid=hh_grid,
        bld_first=bld_first,
        bld_size=bld_size,
        grid_first=grid_first,
        grid_size=grid_size,
        grid_households=grid_households,
        community=community,
        adj_ptr=adj_ptr,
        adj_idx=adj_idx,
    )


def _network(
    pop, rng, n, hh_sizes, hh_first, building, bld_first, bld_size, grid_of, grid_first, grid_size, migrant
) -> tuple[np.ndarray, np.ndarray]:
    """Household cliques, random building and grid ties, a few ties across grids; as CSR."""
    src_parts, dst_parts = [], []
    for s in np.unique(hh_sizes[hh_sizes > 1]):
        pairs = np.array(list(combinations(range(int(s)), 2)))
        base = hh_first[hh_sizes == s][:, None]
        src_parts.append((base + pairs[:, 0]).ravel())
        dst_parts.append((base + pairs[:, 1]).ravel())
    tie_factor = np.where(migrant, pop.migrant_tie_factor, 1.0)
    for mean, first, size in (
        (pop.building_ties * tie_factor, bld_first[building], bld_size[building]),
        (pop.grid_ties * tie_factor, grid_first[grid_of], grid_size[grid_of]),
        (np.full(n, pop.cross_grid_ties), np.zeros(n, np.int64), np.full(n, n)),
    ):
        # each tie is drawn by one of its two ends, so each resident draws half its mean degree
        k = rng.poisson(mean / 2)
        who = np.repeat(np.arange(n), k)
        partner = first[who] + (rng.random(len(who)) * size[who]).astype(np.int64)
        src_parts.append(who)
        dst_parts.append(partner)
    src = np.concatenate(src_parts).astype(np.int64)
    dst = np.concatenate(dst_parts).astype(np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    key = _sorted_unique(lo * n + hi)
    lo, hi = np.divmod(key, n)
    both_src = np.concatenate((lo, hi))
    both_dst = np.concatenate((hi, lo))
    order = np.argsort(both_src, kind="stable")
    adj_idx = both_dst[order].astype(np.int32)
    adj_ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(both_src, minlength=n), out=adj_ptr[1:])
    return adj_ptr, adj_idx


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """`np.unique(x)` (sorted, each value once), by sorting in place: numpy's hash-based unique
    takes several times longer on tens of millions of integers."""
    x.sort()
    keep = np.empty(len(x), bool)
    keep[:1] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]
