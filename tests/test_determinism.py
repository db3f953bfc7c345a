"""One seed fixes a run exactly; different seeds give different runs."""

import numpy as np
import pandas as pd
from cogov.model import CogovModel, load_scenario, simulate, threads


def _run(seed, name="co_governance"):
    sc = load_scenario(name, ["population.residents=2000"])
    return simulate(sc.params, seed=seed, steps=150, events=True)


def test_same_seed_same_numbers():
    a, b = _run(7), _run(7)
    assert a.metrics == b.metrics
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events, b.events)


def test_different_seeds_differ():
    a, b = _run(7), _run(8)
    assert a.metrics != b.metrics
    assert (
        a.metrics["disputes_total"] != b.metrics["disputes_total"]
        or a.metrics["resolution_rate"] != b.metrics["resolution_rate"]
    )


def test_same_numbers_on_one_or_several_threads(monkeypatch):
    """The residents' arithmetic split over threads, and the volunteers' draws made ahead on
    another thread, leave every number as on one thread."""
    monkeypatch.setattr(threads, "MIN_RESIDENTS_PER_THREAD", 500)
    sc = load_scenario("co_governance", ["population.residents=3000"])
    models = [CogovModel(sc.params, seed=3, threads=t) for t in (1, 3)]
    assert [len(m.cores.ranges) for m in models] == [1, 3]
    for m in models:
        for _ in range(150):
            m.step()
    one, three = models
    for name in ("satisfaction", "public_spirit", "trust", "grievance", "volunteer", "participated"):
        np.testing.assert_array_equal(getattr(one, name), getattr(three, name), err_msg=name)
    assert one.n_volunteers == three.n_volunteers and one.n_volunteers > 0
    pd.testing.assert_frame_equal(
        one.datacollector.get_model_vars_dataframe(), three.datacollector.get_model_vars_dataframe()
    )
    for m in models:
        m.release()


def test_cores_split_the_residents_in_order(monkeypatch):
    monkeypatch.setattr(threads, "MIN_RESIDENTS_PER_THREAD", 10)
    cores = threads.Cores(95, threads=4)
    try:
        assert [(r.start, r.stop) for r in cores.ranges] == [(0, 23), (23, 47), (47, 71), (71, 95)]
        assert cores.each(lambda r: r.start) == [0, 23, 47, 71]
        assert cores.soon(lambda: 42).result() == 42
    finally:
        cores.close()
    many = threads.Cores(95, threads=20)
    assert len(many.ranges) == 9 and min(r.stop - r.start for r in many.ranges) >= 10  # at least 10 each
    many.close()
    assert len(threads.Cores(9, threads=4).ranges) == 1  # too few residents for a second thread
