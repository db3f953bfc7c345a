"""Sweep throughput: runs per minute of the 5,000-resident co_governance preset on the engines, and
their overhead relative to running the same runs one after another in one process.

    python benchmarks/sweep.py [RUNS] [WORKERS]      # default 140 runs (a default `cogov compare`), 2 workers

Every row runs the whole batch through the store, in a fresh process of its own, as a command
would: an engine's start-up (its workers, their imports, a Dask cluster) is its own. Overhead =
wall time × workers ÷ one-process wall time − 1: the share of the ideal parallel time lost to
starting workers, shipping results and the single writer. On a shared machine the runs themselves
speed up and slow down by a tenth from one batch to the next, which that ratio counts as overhead;
so each row also gives the mean seconds a run simulated (from the store) and the share of the
workers' time spent outside runs, which depends on the engine alone.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import per_size

ENGINES = ("one", "local", "dask")


def one(key: str) -> dict:
    """Run the batch on one engine (`one|local|dask:RUNS:WORKERS`) here; wall time from creating the
    engine to the last run stored."""
    from cogov.experiments.batch import run_design
    from cogov.experiments.design import build_design
    from cogov.experiments.engine import DaskEngine, LocalEngine
    from cogov.experiments.store import open_db

    engine, runs, workers = key.split(":")
    design = build_design(
        {"name": "bench", "scenarios": ["co_governance"], "replicates": int(runs), "steps": 365, "master_seed": 1},
        "benchmark",
    )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()  # includes starting the workers or the cluster
        if engine == "dask":
            made: LocalEngine | DaskEngine = DaskEngine(None, int(workers))
        else:
            made = LocalEngine(1 if engine == "one" else int(workers))
        db = open_db(Path(tmp) / "bench.db")
        run_design(db, design, made, kind="compare", command="benchmark", progress=False)
        wall = time.perf_counter() - start
        in_runs = db.execute("select sum(seconds) from runs").fetchone()[0]
        return {"wall": wall, "in_runs": in_runs}


def table(runs: int = 140, workers: int = 2) -> None:
    labels = {
        "one": "one process",
        "local": f"local, {workers} workers",
        "dask": f"dask local cluster, {workers} workers",
    }
    print("| engine | runs | wall time (s) | runs / minute | overhead | a run (s) | outside runs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    keys = [f"{e}:{runs}:{workers}" for e in ENGINES]
    base = None
    for engine, r in zip(ENGINES, per_size.in_own_processes(__file__, keys)):
        wall = r["wall"]
        n = 1 if base is None else workers
        base = base or wall
        overhead = "—" if n == 1 else f"{wall * n / base - 1:+.1%}"
        outside = 1 - r["in_runs"] / (wall * n)
        print(
            f"| {labels[engine]} | {runs} | {wall:.1f} | {runs / wall * 60:.0f} | {overhead} | "
            f"{r['in_runs'] / runs:.3f} | {outside:.1%} |",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2])))
    else:
        table(*(int(a) for a in sys.argv[1:3]))
