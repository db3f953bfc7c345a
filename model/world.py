"""The street's physical and social layout: households, buildings, grids, communities and ties.

Residents are numbered so that every household, building and grid is a contiguous range of
resident ids; that makes "a random building-mate" or "everyone in grid g" an index range. The
social network is kept as a compressed adjacency list (CSR) so that contagion and word of mouth
are vectorised; `World.graph` gives a networkx view of any part of it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from .params import Grid, Population

LOCAL, MIGRANT, ELDERLY = 0, 1, 2
GROUPS = ("local", "migrant", "elderly")
BLOCK = 1 << 12  # residents, roughly, in a block of whole grids whose ties are sorted together


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
        # pair k of source s is row entry starts[s] + (k − pairs before s)
        at = np.arange(total)
        at += np.repeat(starts - (np.cumsum(counts) - counts), counts)
        return src, self.adj_idx[at]

    def ties_of(self, residents: Iterable[int]) -> list[int]:
        """The neighbours of a few residents (a case's parties), each once."""
        ptr, idx = self.adj_ptr, self.adj_idx
        ties: set[int] = set()
        for r in residents:
            ties.update(idx[ptr[r] : ptr[r + 1]].tolist())
        return list(ties)

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
    sizes = _household_sizes(pop, rng, n)
    n_hh = len(sizes)
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
        pop, rng, household, hh_first, sizes, (building, bld_first, bld_size), (grid_of, grid_first, grid_size), migrant
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


def _household_sizes(pop: Population, rng: np.random.Generator, n: int) -> np.ndarray:
    """Household sizes 1 + Poisson(mean − 1), cut to fill exactly n residents."""
    sizes = rng.poisson(max(pop.household_size - 1.0, 0.0), size=n)
    sizes += 1
    cum = np.cumsum(sizes)
    n_hh = int(np.searchsorted(cum, n) + 1)
    sizes = sizes[:n_hh].copy()
    sizes[-1] -= int(cum[n_hh - 1] - n)
    return sizes


def _network(pop, rng, household, hh_first, hh_size, buildings, grids, migrant) -> tuple[np.ndarray, np.ndarray]:
    """Household cliques, random building and grid ties, a few ties across grids; as CSR, each tie
    in both its ends' rows once, a row listing the resident's neighbours above it, then those below,
    each ascending.

    Residents are cut into blocks of whole grids: the ties within a block (nearly all) are sorted
    block by block, small sorts that stay in cache; the few between blocks are sorted once and
    slotted into their rows."""
    n = len(household)
    near = _random_ties(pop, rng, n, buildings, grids, migrant)
    bounds = _blocks(grids[1], n)
    who, partner = near.pop()  # ties across the street: most of them leave the block
    apart = np.searchsorted(bounds, who, "right") != np.searchsorted(bounds, partner, "right")
    near.append((who[~apart], partner[~apart]))
    far_src, far_dst = _rows_of(who[apart], partner[apart], n)
    near_at = [np.searchsorted(w, bounds).tolist() for w, _ in near]
    far_at = np.searchsorted(far_src, bounds).tolist()
    adj_ptr = np.zeros(n + 1, np.int64)
    adj_idx = np.empty(int(hh_size @ (hh_size - 1)) + 2 * sum(len(w) for w, _ in near) + len(far_dst), np.int32)
    end = 0
    for j, (a, b) in enumerate(itertools.pairwise(bounds.tolist())):
        pairs = [(w[at[j] : at[j + 1]], p[at[j] : at[j + 1]]) for (w, p), at in zip(near, near_at)]
        far = far_src[far_at[j] : far_at[j + 1]], far_dst[far_at[j] : far_at[j + 1]]
        row, degree = _block_rows(a, b, household[a:b], hh_first, hh_size, pairs, far)
        adj_ptr[a + 1 : b + 1] = degree
        adj_idx[end : end + len(row)] = row
        end += len(row)
    np.cumsum(adj_ptr, out=adj_ptr)
    return adj_ptr, adj_idx[:end]


def _block_rows(a, b, household, hh_first, hh_size, near, far) -> tuple[np.ndarray, np.ndarray]:
    """Residents a … b−1's rows, one after the other, and their lengths: their household mates, the
    ties `near` within the block, (resident, partner) pairs, and `far`, (row, neighbour) in CSR order,
    to other blocks."""
    r = (np.int32 if 2 * (b - a) ** 2 < 2**31 else np.int64)(b - a)  # keys stay below 2r²
    parts = [_household_keys(hh_first[household] - a, hh_size[household], r)]
    for who, partner in near:
        who, partner = who - a, partner - a
        parts += [_keys(who, partner, r), _keys(partner, who, r)]
    keys = _sorted_unique(np.concatenate(parts, dtype=r.dtype, casting="same_kind"))
    far_src, far_dst = far[0] - a, far[1]
    slot = np.searchsorted(keys, far_src * (2 * r) + r)  # after a row's neighbours above, before those below
    row = np.insert((keys % r + a).astype(np.int32), slot, far_dst)
    return row, np.bincount(keys // (2 * r), minlength=b - a) + np.bincount(far_src, minlength=b - a)


def _random_ties(pop, rng, n, buildings, grids, migrant) -> list[tuple[np.ndarray, np.ndarray]]:
    """(resident, partner) pairs of the random ties within the building, within the grid and across
    the street, drawn in that order; residents ascending, ties to oneself dropped. `buildings` and
    `grids` are (each resident's unit, the units' first residents, their sizes)."""
    tie_factor = np.where(migrant, pop.migrant_tie_factor, 1.0)
    street = (np.broadcast_to(np.int32(0), n), np.zeros(1, np.int64), np.full(1, n))
    levels = (
        (pop.building_ties, tie_factor, buildings),
        (pop.grid_ties, tie_factor, grids),
        (pop.cross_grid_ties, 1.0, street),
    )
    return [_draw_ties(rng, n, ties * factor, *units) for ties, factor, units in levels]


def _draw_ties(rng, n, mean, unit, first, size) -> tuple[np.ndarray, np.ndarray]:
    """Each resident draws Poisson(mean / 2) ties to residents of its unit, uniformly: each tie is
    drawn by one of its two ends, so each resident draws half its mean degree."""
    who = np.repeat(np.arange(n, dtype=np.int32), rng.poisson(mean / 2, size=n))
    at = unit[who]
    partner = rng.random(len(who))
    partner *= size.astype(np.int32)[at]
    partner = partner.astype(np.int32)
    partner += first.astype(np.int32)[at]
    keep = who != partner
    return who[keep], partner[keep]


def _blocks(grid_first: np.ndarray, n: int) -> np.ndarray:
    """Bounds of blocks of whole grids of about `BLOCK` residents: 0, …, n."""
    new = np.diff(grid_first // BLOCK, prepend=-1) != 0
    return np.append(grid_first[new], n)


def _keys(src: np.ndarray, dst: np.ndarray, r: np.integer) -> np.ndarray:
    """Sort keys of ties src → dst among r residents: by src, then neighbours above src before
    those below, each ascending."""
    return src * (2 * r) + (dst < src) * r + dst


def _household_keys(first: np.ndarray, size: np.ndarray, r: np.integer) -> np.ndarray:
    """`_keys` of every resident's ties to their household mates; `first` is the first member of
    each resident's household, `size` its size, both for residents 0, 1, … in order."""
    deg = size - 1
    src = np.repeat(np.arange(len(size), dtype=r.dtype), deg)
    dst = np.repeat(first, deg) + np.arange(len(src)) - np.repeat(np.cumsum(deg) - deg, deg)
    dst += dst >= src  # skip oneself
    return _keys(src, dst, r)


def _rows_of(who: np.ndarray, partner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ties (who, partner) in both their ends' rows, each once, in CSR order: (row, neighbour)."""
    src = np.concatenate((who, partner)).astype(np.int64)
    dst = np.concatenate((partner, who)).astype(np.int64)
    keys = _sorted_unique(_keys(src, dst, np.int64(n)))
    return keys // (2 * n), (keys % n).astype(np.int32)


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """`np.unique(x)` (sorted, each value once), by sorting in place: numpy's hash-based unique
    takes several times longer on tens of millions of integers."""
    x.sort()
    keep = np.empty(len(x), bool)
    keep[:1] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]
