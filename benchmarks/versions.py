"""Is a change faster? This checkout's model against another's, alternately in one process.

The machine is shared and its speed drifts by more than most changes make: the same year, run in
separate processes minutes apart, can differ by 10–20%. Here the other checkout's `model/` is
imported under another package name beside this one, and a run of each goes in turn, so that the
drift touches both alike. Prints the best and median process time of each, their ratios, and
whether the two gave the same daily series (a speed-up must not change results).

    git worktree add /tmp/before HEAD~3                   # the code before the change
    python benchmarks/versions.py /tmp/before             # 5,000 residents, 365 days, 10 rounds
    python benchmarks/versions.py /tmp/before 1000000 365 2
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType


def load_model_package(checkout: Path, name: str) -> ModuleType:
    """The `model/` package of a checkout, imported as `name`."""
    init = checkout / "model" / "__init__.py"
    if not init.is_file():
        raise SystemExit(f"error: {checkout}: no model/__init__.py (give a checkout of this project)")
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def one_run(model_pkg: ModuleType, residents: int, days: int):
    """(process seconds of the steps, the daily series) of a co_governance run, seed 1."""
    sc = model_pkg.load_scenario("co_governance", [f"population.residents={residents}"])
    model = model_pkg.CogovModel(sc.params, seed=1)
    start = time.process_time()
    for _ in range(days):
        model.step()
    seconds = time.process_time() - start
    series = model.datacollector.get_model_vars_dataframe()
    model.release()
    return seconds, series


def main(other: str, residents: int = 5_000, days: int = 365, rounds: int = 10) -> None:
    import cogov.model

    versions = {"this checkout": cogov.model, other: load_model_package(Path(other), "other_checkout_model")}
    times: dict[str, list[float]] = {name: [] for name in versions}
    series = {}
    for _ in range(rounds):
        for name, pkg in versions.items():
            seconds, series[name] = one_run(pkg, residents, days)
            times[name].append(seconds)
    print(f"co_governance, {residents:,} residents × {days} days, seed 1, {rounds} rounds alternated\n")
    print("| version | best (s) | median (s) |")
    print("|---|---:|---:|")
    for name, t in times.items():
        print(f"| {name} | {min(t):.3f} | {statistics.median(t):.3f} |")
    mine, theirs = times["this checkout"], times[other]
    same = series["this checkout"].equals(series[other])
    print(
        f"\nthis ÷ other: best {min(mine) / min(theirs):.3f}, median "
        f"{statistics.median(mine) / statistics.median(theirs):.3f}; "
        f"the same daily series: {'yes' if same else 'NO'}"
    )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1], *(int(a) for a in sys.argv[2:5]))
