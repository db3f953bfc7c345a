"""The results store at cluster scale: how many finished runs one writer stores a second, and how
many bytes a run takes, for each `--series` choice. Outcomes are synthetic (one real run's metrics
and series, stored again and again under new ids), so this measures the store alone.

    python benchmarks/store.py [RUNS]        # default 300 runs per choice

A worker runs a 5,000-resident year in about 0.5–1 s, so it finishes 1–2 runs a second; one writer
feeds as many workers as its runs a second allow (the README states the numbers).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from cogov.experiments.runs import RunSpec, kept_series, run_row
from cogov.experiments.store import open_db, record_run
from cogov.model import load_scenario, simulate


def main(runs: int = 300) -> None:
    sc = load_scenario("co_governance")
    result = simulate(sc.params, seed=1, steps=365)
    params = sc.resolved()
    print(
        "\n| series kept | runs stored a second (one writer) | bytes a run | rows of series a run |\n|---|---:|---:|---:|"
    )
    for series in ("daily", "weekly", "none"):
        ts = kept_series(result.timeseries, series)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            db = open_db(path)
            start = time.perf_counter()
            for i in range(runs):
                spec = RunSpec(
                    experiment="bench",
                    point="co_governance",
                    scenario="co_governance",
                    overrides=(),
                    replicate=i,
                    seed=i,
                    steps=365,
                    series=series,
                )
                record_run(db, run_row(spec, params, 0.5, "bench"), result.metrics, ts)
            seconds = time.perf_counter() - start
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = path.stat().st_size
        rows = 0 if ts is None else len(ts)
        print(f"| {series} | {runs / seconds:,.0f} | {size / runs:,.0f} | {rows} |")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
