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

Each run is written in one transaction, so an interruption never leaves half a run; rerunning a
batch replaces a failed run's row and skips the finished ones, so every run has exactly one row.
Several processes may write one database at once (two sweeps, a `cogov run` during a sweep): every
write is an immediate transaction, which takes the write lock before it reads and waits its turn.
A store that cannot be used (not a database, damaged, read-only, full disk) raises `StoreError`
with one line naming the file and what to do.
"""

from __future__ import annotations

import functools
import json
import math
import random
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlite_utils

from .paths import DEFAULT_DB, PACKAGE_ROOT

SINGLE = "single"
BUSY_MS = 5_000  # SQLite's own wait for the write lock, per attempt
WRITE_WAIT_S = 600.0  # how long a writer keeps retrying before it gives up


class StoreError(RuntimeError):
    """The store cannot be used; the message (one line, naming the file and what to do) is for the user."""


ADVICE = [  # (words in SQLite's message, what to tell the user)
    (
        ("not a database", "malformed", "disk i/o", "file is encrypted"),
        "not a usable cogov database ({e}); give another database file, or move this file away to start a new one",
    ),
    (("readonly", "read-only"), "cannot be written ({e}); make it writable or give another database file"),
    (
        ("unable to open",),
        "cannot be opened or created ({e}); check that its folder exists and is writable, or give another database file",
    ),
    (
        ("disk is full", "no space"),
        "the disk is full ({e}); free some space and run the same command again (finished runs are kept)",
    ),
    (
        ("locked", "busy"),
        "another process has held its write lock for over {wait:.0f} s ({e}); try again when it has finished",
    ),
    (("permission denied",), "permission denied ({e}); make it accessible or give another database file"),
]


def store_error(path: Path | str, e: BaseException) -> StoreError:
    """One line for an error of the database at `path`."""
    text = str(e).lower()
    for words, advice in ADVICE:
        if any(w in text for w in words):
            return StoreError(f"{path}: " + advice.format(e=e, wait=WRITE_WAIT_S))
    return StoreError(f"{path}: {e}")


def db_path(db: sqlite_utils.Database) -> str:
    try:
        return db.conn.execute("PRAGMA database_list").fetchone()[2]
    except sqlite3.Error:
        return "the results database"


def guarded(fn):
    """Turn the database errors of a store function (its first argument is the database) into `StoreError`."""

    @functools.wraps(fn)
    def wrapper(db, *args, **kwargs):
        try:
            return fn(db, *args, **kwargs)
        except (sqlite3.Error, pd.errors.DatabaseError, OSError) as e:
            cause = e.__cause__ if isinstance(e.__cause__, sqlite3.Error) else e  # pandas wraps SQLite's error
            raise store_error(db_path(db), cause) from None

    return wrapper


@contextmanager
def writing(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One immediate transaction: take the write lock before reading anything, so a concurrent writer
    waits for its turn instead of failing; retried while another process holds the lock."""
    deadline = time.monotonic() + WRITE_WAIT_S
    while True:
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.05, 0.5))
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        db.__dict__.pop("_cogov_columns", None)  # columns added in this transaction are gone again
        raise


def code_version() -> str:
    """The git commit of the code (with ``-dirty`` if it has local changes) when it runs from a checkout,
    else the installed package's version."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=PACKAGE_ROOT, capture_output=True, text=True, timeout=10
        )
        if top.returncode == 0 and Path(top.stdout.strip()).resolve() == PACKAGE_ROOT:
            out = subprocess.run(
                ["git", "describe", "--always", "--dirty", "--abbrev=12"],
                cwd=PACKAGE_ROOT,
                capture_output=True,
                text=True,
                timeout=10,
            )
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return version("cogov")
    except PackageNotFoundError:
        return "unknown"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def clean(value: Any) -> Any:
    """JSON- and SQLite-safe scalars: NaN and infinities become None, numpy scalars plain Python."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def open_db(path: Path | str = DEFAULT_DB, write: bool = True) -> sqlite_utils.Database:
    """Open (with `write`: create if needed, and check that it can be written) the results database.

    Raises `StoreError` before any work is done when the file is not a database, is damaged, or
    (with `write`) cannot be written."""
    path = Path(path)
    if write:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{path}: cannot create its folder ({e}); give another database file") from None
    elif not path.is_file():
        raise StoreError(f"{path}: no such results database; give the --db the experiment was stored in")
    try:
        db = sqlite_utils.Database(path)
        db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        db.conn.execute("select count(*) from sqlite_master").fetchone()  # garbage fails here
        if write:
            db.execute("PRAGMA journal_mode=WAL")
            # in WAL mode, NORMAL loses no committed run when a process dies (only, at worst, the last
            # commits on a power cut) and spares the single writer an fsync per run
            db.execute("PRAGMA synchronous=NORMAL")
            # SQLite silently opens a file it may not write as read-only, so a real write (the version,
            # unchanged) checks it: a read-only file fails here, before any work is done
            with writing(db):
                version = db.conn.execute("PRAGMA user_version").fetchone()[0]
                db.conn.execute(f"PRAGMA user_version = {int(version)}")
    except (sqlite3.Error, OSError) as e:
        raise store_error(path, e) from None
    return db


@guarded
def begin_experiment(db: sqlite_utils.Database, name: str, **meta: Any) -> None:
    """Create or update the experiment's row (a resumed batch keeps its creation time)."""
    row = {
        "name": name,
        **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v for k, v in meta.items()},
    }
    with writing(db):
        if "experiments" in db.table_names() and db["experiments"].count_where("name = ?", [name]):
            db["experiments"].update(name, row, alter=True)
        else:
            db["experiments"].insert({**row, "created_at": now()}, pk="name", alter=True)


@guarded
def finish_experiment(db: sqlite_utils.Database, name: str, seconds: float) -> None:
    with writing(db):
        db["experiments"].update(name, {"finished_at": now(), "seconds": seconds}, alter=True)


@guarded
def done_keys(db: sqlite_utils.Database, experiment: str) -> set[str]:
    if "runs" not in db.table_names():
        return set()
    rows = db.query("select id from runs where experiment = ? and status = 'done'", [experiment])
    return {r["id"] for r in rows}


def run_id(experiment: str, key: str | None = None) -> str:
    return f"{experiment}/{key or uuid.uuid4().hex[:12]}"


@guarded
def record_run(
    db: sqlite_utils.Database,
    row: dict[str, Any],
    metrics: dict[str, Any] | None = None,
    timeseries: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> str:
    """Store one run — finished (with metrics) or failed (row with ``error``) — in one transaction.

    ``row`` holds at least ``id``, ``experiment`` and ``status``; a row with the same id (an earlier
    failed attempt) is replaced together with its metrics and series."""
    rid = row["id"]
    with writing(db):
        again = "runs" in db.table_names() and db.execute("select 1 from runs where id = ?", [rid]).fetchone()
        for table in ("metrics", "timeseries", "events") if again else ():
            if table in db.table_names():
                db[table].delete_where("run_id = ?", [rid])
        _put(db, "runs", {k: clean(v) for k, v in row.items()}, pk="id")
        if metrics is not None:
            _put(db, "metrics", {"run_id": rid, **{k: clean(v) for k, v in metrics.items()}}, pk="run_id")
        if timeseries is not None and len(timeseries):
            _insert_series(db, rid, timeseries)
        if events is not None and len(events):
            db["events"].insert_all(events.assign(run_id=rid).to_dict("records"), alter=True, batch_size=5000)
    return rid


def _insert_series(db: sqlite_utils.Database, rid: str, frame: pd.DataFrame) -> None:
    """Insert a run's daily series in one statement (the single writer's hot path): the table and
    missing columns are made from its first row; NaN and infinities are stored as none. The series
    are numbers, so they go over as one float array (SQLite keeps whole numbers in integer columns)."""
    _add_columns(db, "timeseries", {"run_id": rid, **{k: clean(v) for k, v in frame.iloc[0].items()}})
    values = frame.to_numpy(dtype=float)
    rows = values.tolist()
    for i, j in zip(*np.nonzero(~np.isfinite(values))):
        rows[i][j] = None
    columns = ", ".join(f"[{c}]" for c in ["run_id", *frame.columns])
    marks = ", ".join("?" * (len(frame.columns) + 1))
    db.conn.executemany(f"INSERT INTO [timeseries] ({columns}) VALUES ({marks})", [[rid, *row] for row in rows])


def _put(db: sqlite_utils.Database, table: str, record: dict[str, Any], pk: str) -> None:
    """Insert or replace one row (the table and its missing columns made first)."""
    _add_columns(db, table, record, pk)
    columns = ", ".join(f"[{c}]" for c in record)
    marks = ", ".join("?" * len(record))
    db.conn.execute(f"INSERT OR REPLACE INTO [{table}] ({columns}) VALUES ({marks})", list(record.values()))


def _add_columns(db: sqlite_utils.Database, table: str, record: dict[str, Any], pk: str | None = None) -> None:
    """Create `table` or add its missing columns with the record's types. A value a run could not
    compute (None) is a number — left to sqlite-utils it would make a text column, and SQLite
    would then store every later number in it as text. The columns seen are remembered per
    connection, so a run whose columns are all known costs no schema query (another writer can
    only have added columns, which a miss reads again)."""
    known = db.__dict__.setdefault("_cogov_columns", {}).setdefault(table, set())
    if known.issuperset(record):
        return
    types = {k: float if v is None else type(v) for k, v in record.items()}
    t = db[table]
    if not t.exists():
        t.create(types, pk=pk)
    else:
        have = set(t.columns_dict)
        for name, kind in types.items():
            if name not in have:
                t.add_column(name, kind)
    known.update(t.columns_dict)


@guarded
def ensure_indexes(db: sqlite_utils.Database) -> None:
    with writing(db):
        if "runs" in db.table_names():
            db["runs"].create_index(["experiment", "status"], if_not_exists=True)
        if "timeseries" in db.table_names():
            db["timeseries"].create_index(["run_id", "day"], if_not_exists=True)
        if "events" in db.table_names():
            db["events"].create_index(["run_id", "dispute"], if_not_exists=True)


@guarded
def experiment_row(db: sqlite_utils.Database, name: str) -> dict[str, Any]:
    if "experiments" not in db.table_names() or not db["experiments"].count_where("name = ?", [name]):
        known = (
            [r["name"] for r in db.query("select name from experiments")] if "experiments" in db.table_names() else []
        )
        raise KeyError(f"no experiment {name!r} in {db_path(db)}" + (f"; known: {', '.join(known)}" if known else ""))
    return dict(db["experiments"].get(name))


def _finished(db: sqlite_utils.Database, experiment: str, table: str, sql: str, empty: list[str]) -> pd.DataFrame:
    """A query over an experiment's finished runs; empty (with `empty` columns) before any run lands."""
    if table not in db.table_names():
        return pd.DataFrame(columns=empty)
    return pd.read_sql_query(sql, db.conn, params=[experiment])


@guarded
def load_runs(db: sqlite_utils.Database, experiment: str) -> pd.DataFrame:
    """Finished runs of an experiment joined with their metrics, one row per run; every metric is a
    number (NaN where a run had none)."""
    runs = _finished(
        db,
        experiment,
        "metrics",
        "select r.*, m.* from runs r join metrics m on m.run_id = r.id "
        "where r.experiment = ? and r.status = 'done' order by r.id",
        ["id", "point", "replicate", "run_id"],
    )
    return _numeric(runs.loc[:, ~runs.columns.duplicated()], db, "metrics")


@guarded
def load_timeseries(db: sqlite_utils.Database, experiment: str) -> pd.DataFrame:
    """Daily series of an experiment's finished runs, with each run's point and replicate."""
    series = _finished(
        db,
        experiment,
        "timeseries",
        "select r.point, r.replicate, t.* from timeseries t join runs r on r.id = t.run_id "
        "where r.experiment = ? and r.status = 'done' order by t.run_id, t.day",
        ["point", "replicate", "run_id", "day"],
    )
    return _numeric(series, db, "timeseries")


def _numeric(frame: pd.DataFrame, db: sqlite_utils.Database, table: str) -> pd.DataFrame:
    """The columns of `table` (metrics or series) as numbers: SQLite keeps a column's first type,
    so a metric that was none in the first run would otherwise come back as text."""
    if table not in db.table_names():
        return frame
    columns = [c for c in db[table].columns_dict if c not in ("run_id", "day") and c in frame.columns]
    frame[columns] = frame[columns].apply(pd.to_numeric, errors="coerce")
    return frame
