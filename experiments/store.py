"""The results store: an embedded SQLite database written with sqlite-utils.

Tables: ``runs`` (one row per run: scenario, seed, steps, overrides, resolved parameters, code
version, timings), ``metrics`` (final metrics, one wide row per run), ``timeseries`` (one row per
run and day) and ``events`` (the per-dispute event log, when asked for). Each run is written in
one transaction, so a crash never leaves half a run behind.
"""

from __future__ import annotations

import json
import math
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import sqlite_utils

from model.run import RunResult
from model.scenario import SCENARIO_DIR, Scenario

PROJECT_ROOT = SCENARIO_DIR.parent
DEFAULT_DB = PROJECT_ROOT / "results" / "cogov.db"


def code_version() -> str:
    """The git commit of the code (with ``-dirty`` if it has local changes), else the package version."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"], cwd=PROJECT_ROOT,
                             capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return version("cogov")
    except PackageNotFoundError:
        return "unknown"


def clean(value: Any) -> Any:
    """JSON- and SQLite-safe scalars: NaN and infinities become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def open_db(path: Path | str = DEFAULT_DB) -> sqlite_utils.Database:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    return db


def record_run(db: sqlite_utils.Database, scenario: Scenario, result: RunResult, experiment: str = "single") -> int:
    """Store one finished run in a single transaction; returns its run id."""
    row = {
        "experiment": experiment,
        "scenario": scenario.name,
        "seed": result.seed,
        "steps": result.steps,
        "overrides": json.dumps(scenario.overrides, ensure_ascii=False, sort_keys=True),
        "params": json.dumps(scenario.resolved(), ensure_ascii=False, sort_keys=True),
        "code_version": code_version(),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": result.seconds,
        "status": "done",
    }
    with db.atomic():
        run_id = db["runs"].insert(row, pk="id", alter=True).last_pk
        db["metrics"].insert({"run_id": run_id, **{k: clean(v) for k, v in result.metrics.items()}},
                             pk="run_id", alter=True, foreign_keys=[("run_id", "runs", "id")])
        ts = result.timeseries.assign(run_id=run_id)
        db["timeseries"].insert_all((({k: clean(v) for k, v in r.items()}) for r in ts.to_dict("records")),
                                    alter=True, batch_size=1000)
        if result.events is not None and len(result.events):
            db["events"].insert_all(result.events.assign(run_id=run_id).to_dict("records"), alter=True, batch_size=5000)
    db["timeseries"].create_index(["run_id", "day"], if_not_exists=True)
    if "events" in db.table_names():
        db["events"].create_index(["run_id", "dispute"], if_not_exists=True)
    return int(run_id)
