"""The street as built (`model.world`): everyone lives somewhere once, contiguous ranges match the
arrays, the network is a simple undirected graph in CSR form, and the seed fixes it all."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from cogov.model import load_scenario
from cogov.model.streams import Streams
from cogov.model.world import World, _sorted_unique, build_world
from hypothesis import given
from hypothesis import strategies as st


def _world(n: int = 6000, seed: int = 1, preset: str = "co_governance") -> World:
    p = load_scenario(preset, {"population.residents": n}).params
    return build_world(p.population, p.grid, Streams(seed).world)


@pytest.fixture(scope="module")
def world() -> World:
    return _world()


def test_everyone_lives_in_one_household_building_grid_and_community(world):
    w = world
    assert len(w.household) == len(w.building) == len(w.grid) == len(w.group) == w.n
    assert w.hh_size.sum() == w.n and (w.hh_size >= 1).all()
    assert np.array_equal(np.repeat(np.arange(len(w.hh_first)), w.hh_size), w.household)
    for first, size, label in ((w.bld_first, w.bld_size, w.building), (w.grid_first, w.grid_size, w.grid)):
        assert size.sum() == w.n
        assert np.array_equal(np.repeat(np.arange(len(first)), size), label), "ranges are contiguous"
        assert np.array_equal(first, np.concatenate(([0], np.cumsum(size)[:-1])))
    assert np.array_equal(w.hh_grid, w.grid[w.hh_first])
    assert np.array_equal(np.bincount(w.hh_grid, minlength=w.n_grids), w.grid_households)
    assert len(w.community) == w.n_grids and (np.diff(w.community) >= 0).all()
    assert (np.diff(w.building[w.hh_first]) >= 0).all(), "a household is never split between buildings"


def test_the_network_is_simple_and_undirected(world):
    w = world
    assert w.adj_ptr[0] == 0 and w.adj_ptr[-1] == len(w.adj_idx) and (np.diff(w.adj_ptr) >= 0).all()
    src = np.repeat(np.arange(w.n), w.degree())
    dst = w.adj_idx.astype(np.int64)
    assert (src != dst).all(), "no tie to oneself"
    key = src * w.n + dst
    assert len(np.unique(key)) == len(key), "no tie twice"
    assert np.array_equal(np.sort(key), np.sort(dst * w.n + src)), "every tie both ways"
    members = w.hh_first[w.household]
    same_hh = [set(range(int(members[i]), int(members[i] + w.hh_size[w.household[i]]))) - {i} for i in range(50)]
    for i, mates in enumerate(same_hh):
        assert mates <= set(w.neighbours(i).tolist()), "household members know each other"


def test_a_few_residents_ties_are_their_rows_in_order(world):
    w = world
    for residents in (np.array([7]), np.array([3, 900, 12]), np.array([], np.int64)):
        _, nb = w.neighbours_of(residents)
        assert np.array_equal(w.ties_of(residents), nb)


def test_the_seed_fixes_the_street():
    a, b, c = _world(seed=4), _world(seed=4), _world(seed=5)
    fields = [f.name for f in dataclasses.fields(World) if isinstance(getattr(a, f.name), np.ndarray)]
    for name in fields:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not np.array_equal(a.household, c.household) and not np.array_equal(a.adj_idx, c.adj_idx)


@given(st.lists(st.integers(-(2**40), 2**40), max_size=200))
def test_sorted_unique_is_numpys_unique(values):
    x = np.array(values, dtype=np.int64)
    assert np.array_equal(_sorted_unique(x.copy()), np.unique(x))
