"""The results store: an embedded SQLite database written with sqlite-utils.

Tables
- ``experiments``: one row per batch (name, kind, command, design, master seed, code version,
  timings); single runs belong to the experiment ``single``.
- ``runs``: one row per run, keyed ``<experiment>/<point>#r<replicate>`` (a single run gets a
  unique key): point, scenario, replicate, seed, steps, overrides and all resolved parameters as
  JSON, the varied levers as columns of their own, status (``done`` or ``failed`` with its error),
  code version, timings.
- ``metrics``: the final metrics, one wide row per finished run.
- ``timeseries``: one row per run and day.
- ``events``: the per-dispute event log, when asked for.

Only the process that runs an experiment writes, and each run is written in one transaction, so an
interruption never leaves half a run; rerunning a batch replaces a failed run's row and skips the
finished ones, so every run has exactly one row.
"""

from __future__ import annotations

import json
import math
import subprocess
import uuid
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd
import sqlite_utils

from model.scenario import SCENARIO_DIR

PROJECT_ROOT = SCENARIO_DIR.parent
DEFAULT_DB = PROJECT_ROOT / "results" / "cogov.db"
SINGLE = "single"


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


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def clean(value: Any) -> Any:
    """JSON- and SQLite-safe scalars: NaN and infinities become None, numpy scalars plain Python."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def open_db(path: Path | str = DEFAULT_DB) -> sqlite_utils.Database:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=10000")
    return db


def begin_experiment(db: sqlite_utils.Database, name: str, **meta: Any) -> None:
    """Create or update the experiment's row (a resumed batch keeps its creation time)."""
    row = {"name": name, **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                            for k, v in meta.items()}}
    with db.atomic():
        if "experiments" in db.table_names() and db["experiments"].count_where("name = ?", [name]):
            db["experiments"].update(name, row, alter=True)
        else:
            db["experiments"].insert({**row, "created_at": now()}, pk="name", alter=True)


def finish_experiment(db: sqlite_utils.Database, name: str, seconds: float) -> None:
    with db.atomic():
        db["experiments"].update(name, {"finished_at": now(), "seconds": seconds}, alter=True)


def done_keys(db: sqlite_utils.Database, experiment: str) -> set[str]:
    if "runs" not in db.table_names():
        return set()
    rows = db.query("select id from runs where experiment = ? and status = 'done'", [experiment])
    return {r["id"] for r in rows}


def run_id(experiment: str, key: str | None = None) -> str:
    return f"{experiment}/{key or uuid.uuid4().hex[:12]}"


def record_run(db: sqlite_utils.Database, row: dict[str, Any], metrics: dict[str, Any] | None = None,
               timeseries: pd.DataFrame | None = None, events: pd.DataFrame | None = None) -> str:
    """Store one run — finished (with metrics) or failed (row with ``error``) — in one transaction.

    ``row`` holds at least ``id``, ``experiment`` and ``status``; a row with the same id (an earlier
    failed attempt) is replaced together with its metrics and series."""
    rid = row["id"]
    with db.atomic():
        for table in ("metrics", "timeseries", "events"):
            if table in db.table_names():
                db[table].delete_where("run_id = ?", [rid])
        db["runs"].upsert({k: clean(v) for k, v in row.items()}, pk="id", alter=True)
        if metrics is not None:
            record = {"run_id": rid, **{k: clean(v) for k, v in metrics.items()}}
            _add_columns(db["metrics"], record, pk="run_id")
            db["metrics"].insert(record, pk="run_id", alter=True, replace=True)
        if timeseries is not None:
            records = [{k: clean(v) for k, v in r.items()} for r in timeseries.assign(run_id=rid).to_dict("records")]
            if records:
                _add_columns(db["timeseries"], records[0])
            db["timeseries"].insert_all(records, alter=True, batch_size=1000)
        if events is not None and len(events):
            db["events"].insert_all(events.assign(run_id=rid).to_dict("records"), alter=True, batch_size=5000)
    return rid


def _add_columns(table: sqlite_utils.db.Table, record: dict[str, Any], pk: str | None = None) -> None:
    """Create `table` or add its missing columns with the record's types. A value a run could not
    compute (None) is a number — left to sqlite-utils it would make a text column, and SQLite
    would then store every later number in it as text."""
    types = {k: float if v is None else type(v) for k, v in record.items()}
    if not table.exists():
        table.create(types, pk=pk)
        return
    have = set(table.columns_dict)
    for name, kind in types.items():
        if name not in have:
            table.add_column(name, kind)


def ensure_indexes(db: sqlite_utils.Database) -> None:
    if "runs" in db.table_names():
        db["runs"].create_index(["experiment", "status"], if_not_exists=True)
    if "timeseries" in db.table_names():
        db["timeseries"].create_index(["run_id", "day"], if_not_exists=True)
    if "events" in db.table_names():
        db["events"].create_index(["run_id", "dispute"], if_not_exists=True)


def experiment_row(db: sqlite_utils.Database, name: str) -> dict[str, Any]:
    if "experiments" not in db.table_names() or not db["experiments"].count_where("name = ?", [name]):
        known = [r["name"] for r in db.query("select name from experiments")] if "experiments" in db.table_names() else []
        raise KeyError(f"no experiment {name!r} in {db.conn.execute('PRAGMA database_list').fetchone()[2]}"
                       + (f"; known: {', '.join(known)}" if known else ""))
    return dict(db["experiments"].get(name))


def _finished(db: sqlite_utils.Database, experiment: str, table: str, sql: str, empty: list[str]) -> pd.DataFrame:
    """A query over an experiment's finished runs; empty (with `empty` columns) before any run lands."""
    if table not in db.table_names():
        return pd.DataFrame(columns=empty)
    return pd.read_sql_query(sql, db.conn, params=[experiment])


def load_runs(db: sqlite_utils.Database, experiment: str) -> pd.DataFrame:
    """Finished runs of an experiment joined with their metrics, one row per run."""
    return _finished(db, experiment, "metrics",
                     "select r.*, m.* from runs r join metrics m on m.run_id = r.id "
                     "where r.experiment = ? and r.status = 'done' order by r.id",
                     ["id", "point", "replicate", "run_id"])


def load_timeseries(db: sqlite_utils.Database, experiment: str) -> pd.DataFrame:
    """Daily series of an experiment's finished runs, with each run's point and replicate."""
    return _finished(db, experiment, "timeseries",
                     "select r.point, r.replicate, t.* from timeseries t join runs r on r.id = t.run_id "
                     "where r.experiment = ? and r.status = 'done' order by t.run_id, t.day",
                     ["point", "replicate", "run_id", "day"])
