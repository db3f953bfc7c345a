"""The compiled loops (`model/compiled.py`) give the numbers of the numpy formulas they replace, to
the bit, compiled or run as plain Python."""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
from cogov.model import load_scenario, simulate
from cogov.model.feedback import drift
from cogov.model.spread import feed_grievance

LEVERS = dict(baseline=0.62, weight=0.35, relax=0.07, cultivate=0.013, decay=0.004, gain=0.01)


def _residents(n, seed):
    """Values around [0, 1] and beyond it, so that clipping is exercised."""
    rng = np.random.default_rng(seed)
    return {
        "s": rng.uniform(-0.1, 1.1, n),
        "ps": rng.uniform(-0.1, 1.1, n),
        "trust": rng.uniform(-0.1, 1.1, n),
        "grievance": rng.uniform(0, 3, n),
        "volunteer": rng.random(n) < 0.3,
        "u": rng.random(n),
    }


def _drift_in_numpy(r, baseline, weight, relax, cultivate, decay, gain, bar, first):
    s, ps, v = r["s"], r["ps"], r["volunteer"]
    s += relax * ((baseline - weight * r["grievance"]) - s)
    np.clip(s, 0, 1, out=s)
    b = ps * decay
    b[v] = 0.0
    ps += (1.0 - ps) * cultivate - b
    ps[v] += gain * (1 - ps[v])
    np.clip(ps, 0, 1, out=ps)
    np.clip(r["trust"], 0, 1, out=r["trust"])
    return np.flatnonzero(v) + first, np.flatnonzero(r["u"] < bar) + first


def _drift(kernel, r, bar, first):
    vi, cand = np.empty(len(r["s"]), np.int64), np.empty(len(r["s"]), np.int64)
    n_vi, n_cand = kernel(
        r["s"], r["ps"], r["trust"], r["grievance"], r["volunteer"], *LEVERS.values(), r["u"], bar, first, vi, cand
    )
    return vi[:n_vi], cand[:n_cand]


@pytest.mark.parametrize("n, first", [(0, 0), (1, 0), (997, 0), (997, 5000)])
def test_drift_is_the_numpy_formula_compiled_or_not(n, first):
    expected = _residents(n, seed=n)
    picked = _drift_in_numpy(expected, *LEVERS.values(), bar=0.2, first=first)
    for kernel in (drift, drift.py_func):
        got = _residents(n, seed=n)
        got_picked = _drift(kernel, got, bar=0.2, first=first)
        for name in ("s", "ps", "trust"):
            np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
        for a, b in zip(got_picked, picked):
            np.testing.assert_array_equal(a, b)
    if n > 1:
        assert len(picked[0]) and len(picked[1]), "some volunteers and some candidates"


def _street(seed):
    """A street of 300 residents in a ring (three ties each) and disputes with repeated parties."""
    rng = np.random.default_rng(seed)
    n, n_disputes = 300, 40
    adj_ptr = np.arange(0, 3 * n + 1, 3, dtype=np.int64)
    adj_idx = ((np.arange(n)[:, None] + [1, 2, -1]) % n).astype(np.int32).ravel()
    pd = np.sort(rng.integers(n_disputes, size=90)).astype(np.int32)
    pr = rng.integers(n, size=90).astype(np.int32)
    is_open = rng.random(n_disputes) < 0.6
    return rng.uniform(0, 1.2, n), pd, pr, is_open, rng.random(n_disputes), adj_ptr, adj_idx


@pytest.mark.parametrize("contagion", [0.0, 0.03])
def test_grievance_is_the_numpy_formula_compiled_or_not(contagion):
    g, pd, pr, is_open, intensity, adj_ptr, adj_idx = _street(seed=4)
    expected = g * (1.0 - 0.02)
    rows = is_open[pd]
    np.add.at(expected, pr[rows], 0.05 * intensity[pd[rows]])
    if contagion:
        for r, x in zip(pr[rows], intensity[pd[rows]]):  # neighbours after every party, row by row
            for j in range(adj_ptr[r], adj_ptr[r + 1]):
                expected[adj_idx[j]] += contagion * x
    np.clip(expected, 0, 1, out=expected)
    assert (expected == 1).any() and ((expected > 0) & (expected < 1)).any()
    for kernel in (feed_grievance, feed_grievance.py_func):
        got = g.copy()
        kernel(got, 1.0 - 0.02, pd, pr, is_open, intensity, 0.05, contagion, adj_ptr, adj_idx)
        np.testing.assert_array_equal(got, expected)


RUN = """
import hashlib, sys
from cogov.model import load_scenario, simulate
from cogov.model.feedback import drift
assert not hasattr(drift, "py_func"), "compiled"
sc = load_scenario("co_governance", ["population.residents=1500"])
r = simulate(sc.params, seed=5, steps=40)
print(hashlib.sha256(r.timeseries.to_csv().encode()).hexdigest())
"""


def test_the_pure_path_gives_the_same_run():
    """With Numba's compiler switched off every kernel runs as plain Python: the same daily series."""
    sc = load_scenario("co_governance", ["population.residents=1500"])
    compiled = hashlib.sha256(simulate(sc.params, seed=5, steps=40).timeseries.to_csv().encode()).hexdigest()
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == compiled
