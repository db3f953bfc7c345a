"""The street as built (`model.world`): everyone lives somewhere once, contiguous ranges match the
arrays, the network is a simple undirected graph in CSR form with each row in its documented order,
and the seed alone fixes it all."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from cogov.model import load_scenario
from cogov.model import world as world_module
from cogov.model.streams import Streams
from cogov.model.world import World, _sorted_unique, build_world
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _world(n: int = 6000, seed: int = 1, preset: str = "co_governance", overrides: dict | None = None) -> World:
    p = load_scenario(preset, {"population.residents": n, **(overrides or {})}).params
    return build_world(p.population, p.grid, Streams(seed).world)


def _arrays(w: World) -> dict[str, np.ndarray]:
    return {f.name: getattr(w, f.name) for f in dataclasses.fields(World) if isinstance(getattr(w, f.name), np.ndarray)}


def _ties(w: World) -> tuple[np.ndarray, np.ndarray]:
    """Every row entry as (resident, neighbour)."""
    return np.repeat(np.arange(w.n), w.degree()), w.adj_idx.astype(np.int64)


def _check_street(w: World) -> None:
    assert len(w.household) == len(w.building) == len(w.grid) == len(w.group) == len(w.special) == w.n
    assert w.hh_size.sum() == w.n and (w.hh_size >= 1).all()
    assert np.array_equal(np.repeat(np.arange(len(w.hh_first)), w.hh_size), w.household)
    for first, size, label in (
        (w.hh_first, w.hh_size, w.household),
        (w.bld_first, w.bld_size, w.building),
        (w.grid_first, w.grid_size, w.grid),
    ):
        assert size.sum() == w.n and (size >= 1).all()
        assert np.array_equal(np.repeat(np.arange(len(first)), size), label), "ranges are contiguous"
        assert np.array_equal(first, np.concatenate(([0], np.cumsum(size)[:-1])))
    assert (np.diff(w.building[w.hh_first]) >= 0).all(), "a household is never split between buildings"
    assert (np.diff(w.grid[w.bld_first]) >= 0).all(), "a building is never split between grids"
    assert np.array_equal(w.hh_grid, w.grid[w.hh_first])
    assert np.array_equal(np.bincount(w.hh_grid, minlength=w.n_grids), w.grid_households)
    assert len(w.community) == w.n_grids and w.community[0] == 0 and (np.diff(w.community) >= 0).all()
    assert set(np.unique(w.community).tolist()) == set(range(w.n_communities)), "no community is empty"


def _check_network(w: World) -> None:
    assert w.adj_ptr.dtype == np.int64 and w.adj_idx.dtype == np.int32 and len(w.adj_ptr) == w.n + 1
    assert w.adj_ptr[0] == 0 and w.adj_ptr[-1] == len(w.adj_idx) and (np.diff(w.adj_ptr) >= 0).all()
    assert w.degree().sum() == len(w.adj_idx) and len(w.adj_idx) % 2 == 0, "each tie counted at both ends"
    src, dst = _ties(w)
    assert ((dst >= 0) & (dst < w.n)).all()
    assert (src != dst).all(), "no tie to oneself"
    key = src * w.n + dst
    assert len(np.unique(key)) == len(key), "no tie twice"
    assert np.array_equal(np.sort(key), np.sort(dst * w.n + src)), "every tie both ways"
    # a row lists the neighbours above the resident, then those below, each ascending
    turn = (dst - src - 1) % w.n
    same_row = src[1:] == src[:-1]
    assert (turn[1:][same_row] > turn[:-1][same_row]).all(), "rows in order"
    # household mates all know each other
    first, size = w.hh_first[w.household], w.hh_size[w.household].astype(np.int64)
    mate_src = np.repeat(np.arange(w.n), size)
    mate = np.repeat(first, size) + np.arange(len(mate_src)) - np.repeat(np.cumsum(size) - size, size)
    mates = mate != mate_src
    assert np.isin(mate_src[mates] * w.n + mate[mates], key).all(), "household mates know each other"


@pytest.fixture(scope="module")
def world() -> World:
    return _world()


def test_everyone_lives_in_one_household_building_grid_and_community(world):
    _check_street(world)


def test_the_network_is_simple_undirected_and_in_row_order(world):
    _check_network(world)
    src, dst = _ties(world)
    assert (world.grid[src] != world.grid[dst]).any(), "a few ties cross grids"
    assert (world.grid[src] == world.grid[dst]).mean() > 0.8, "most ties stay in the grid"


def test_a_few_residents_ties_are_their_rows_each_once(world):
    w = world
    for residents in ([7], [3, 900, 12], [3, 4], []):
        _, nb = w.neighbours_of(np.array(residents, np.int64))
        ties = w.ties_of(residents)
        assert len(ties) == len(set(ties)) and set(ties) == set(nb.tolist())


def test_the_seed_fixes_the_street():
    streams = [Streams(seed).world for seed in (4, 4, 5)]
    p = load_scenario("co_governance", {"population.residents": 6000}).params
    a, b, c = (build_world(p.population, p.grid, rng) for rng in streams)
    for name, array in _arrays(a).items():
        other = getattr(b, name)
        assert array.dtype == other.dtype and np.array_equal(array, other), name
    assert streams[0].bit_generator.state == streams[1].bit_generator.state, "the same draws were made"
    assert not np.array_equal(a.household, c.household) and not np.array_equal(a.adj_idx, c.adj_idx)


@pytest.mark.parametrize(("n", "block"), [(6000, 64), (6000, 1 << 20), (40_000, 1 << 20)])
def test_the_street_does_not_depend_on_how_its_ties_are_sorted(monkeypatch, n, block):
    """Ties are sorted in blocks of grids; tiny blocks (most ties between blocks) and one block of
    the whole street (wider sort keys past 32,768 residents) build the same street."""
    expected = _arrays(_world(n))
    monkeypatch.setattr(world_module, "BLOCK", block)
    for name, array in _arrays(_world(n)).items():
        assert array.dtype == expected[name].dtype and np.array_equal(array, expected[name]), name


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    n=st.integers(100, 4000),
    seed=st.integers(0, 2**32),
    block=st.sampled_from([1, 256, 1 << 12]),
    levers=st.fixed_dictionaries(
        {
            "population.household_size": st.floats(1.0, 8.0),
            "population.households_per_building": st.integers(1, 300),
            "population.migrant_share": st.floats(0.0, 1.0),
            "population.building_ties": st.floats(0.0, 20.0),
            "population.grid_ties": st.floats(0.0, 5.0),
            "population.cross_grid_ties": st.floats(0.0, 5.0),
            "grid.residents_per_grid": st.integers(50, 3000),
            "grid.grids_per_community": st.integers(1, 50),
        }
    ),
)
def test_any_street_holds_together(n, seed, block, levers):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(world_module, "BLOCK", block)
        w = _world(n, seed, overrides=levers)
    _check_street(w)
    _check_network(w)


@given(st.lists(st.integers(-(2**40), 2**40), max_size=200))
def test_sorted_unique_is_numpys_unique(values):
    x = np.array(values, dtype=np.int64)
    assert np.array_equal(_sorted_unique(x.copy()), np.unique(x))
