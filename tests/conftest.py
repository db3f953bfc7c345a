import pytest
from cogov.model import load_scenario, simulate


@pytest.fixture(scope="session")
def run_preset():
    """Run a preset once per session per (name, seed, steps, overrides); cached."""
    cache = {}

    def _run(name, seed=1, steps=365, events=False, **overrides):
        key = (name, seed, steps, events, tuple(sorted(overrides.items())))
        if key not in cache:
            sc = load_scenario(name, overrides)
            cache[key] = simulate(sc.params, seed=seed, steps=steps, events=events)
        return cache[key]

    return _run
