"""Sweep throughput: runs per minute of the 5,000-resident co_governance preset on the engines, and
their overhead relative to running the same runs one after another in one process.

    python benchmarks/sweep.py [RUNS] [WORKERS]      # default 140 runs (a default `cogov compare`), 2 workers

Every row runs the whole batch through the store. Overhead = wall time × workers ÷ one-process
wall time − 1: the share of the ideal parallel time lost to starting workers, shipping results
and the single writer.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from cogov.experiments.batch import run_design
from cogov.experiments.design import build_design
from cogov.experiments.engine import DaskEngine, LocalEngine
from cogov.experiments.store import open_db


def main(runs: int = 140, workers: int = 2) -> None:
    design = build_design(
        {"name": "bench", "scenarios": ["co_governance"], "replicates": runs, "steps": 365, "master_seed": 1},
        "benchmark",
    )
    engines = {
        "one process": lambda: LocalEngine(1),
        f"local, {workers} workers": lambda: LocalEngine(workers),
        f"dask local cluster, {workers} workers": lambda: DaskEngine(None, workers),
    }
    print("| engine | runs | wall time (s) | runs / minute | overhead |")
    print("|---|---:|---:|---:|---:|")
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, make) in enumerate(engines.items()):
            start = time.perf_counter()  # includes starting the workers or the cluster
            run_design(
                open_db(Path(tmp) / f"{i}.db"), design, make(), kind="compare", command="benchmark", progress=False
            )
            wall = time.perf_counter() - start
            n = 1 if base is None else workers
            base = base or wall
            overhead = "—" if n == 1 else f"{wall * n / base - 1:+.1%}"
            print(f"| {label} | {runs} | {wall:.1f} | {runs / wall * 60:.0f} | {overhead} |", flush=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
