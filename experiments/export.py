"""Export an experiment for R, Stata and pandas users: runs with their metrics, and time series."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from .store import experiment_row, load_runs, load_timeseries


def export_experiment(db: sqlite_utils.Database, experiment: str, out_dir: Path | str, fmt: str = "both") -> list[Path]:
    """Write ``runs.{csv,parquet}`` and ``timeseries.{csv,parquet}``; return the paths."""
    experiment_row(db, experiment)  # a clear KeyError for an unknown experiment
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {"runs": load_runs(db, experiment).drop(columns=["params"]), "timeseries": load_timeseries(db, experiment)}
    paths = []
    for name, df in tables.items():
        df = df.loc[:, ~df.columns.duplicated()]
        if fmt in ("csv", "both"):
            paths.append(out / f"{name}.csv")
            df.to_csv(paths[-1], index=False)
        if fmt in ("parquet", "both"):
            paths.append(out / f"{name}.parquet")
            df.to_parquet(paths[-1], index=False)
    return paths
