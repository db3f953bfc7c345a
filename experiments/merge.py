"""Merging results stores: the runs of shards (`--shard K/N`) or of separate machines, each stored
by its own writer, brought into one store that `report` and `export` read as if one batch had run.

A run's id and seed depend only on the design, never on where it ran, so stores of one design hold
disjoint or identical runs. Merging keeps exactly one row per run: a finished run replaces a failed
one, and a run finished in both stores must have the same final metrics (the same code and seed give
the same numbers; anything else is refused). Experiments of the same name must have the same design
and code version. Each source store is merged in one transaction, so an interruption loses nothing
already merged and merging the same store again changes nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .store import StoreError, db_path, ensure_indexes, open_db, store_error, writing

RUN_TABLES = ("metrics", "timeseries", "events")  # keyed by run_id, besides `runs` itself
IDENTITY = ("design", "code_version")  # what experiments of one name must share


@dataclass
class MergeSummary:
    source: str
    experiments: list[str]
    copied: int  # runs new to the target, or finished where the target had them failed
    kept: int  # runs the target already had as finished (or failed in both)


def merge_stores(target: Path | str, sources: list[Path | str]) -> list[MergeSummary]:
    """Merge every source store into `target` (created if needed), one source at a time. Every
    source is checked first, so a wrong one is named before anything is written."""
    target, paths = Path(target), [Path(s) for s in sources]
    for path in paths:
        _check_source(path, target)
    db = open_db(target)
    summaries = [_merge_one(db, path) for path in paths]
    ensure_indexes(db)
    return summaries


def _check_source(path: Path, target: Path) -> None:
    if not path.is_file():
        raise StoreError(f"{path}: no such results database; give the stores to merge")
    if path.resolve() == target.resolve():
        raise StoreError(f"{path}: is the target itself; give the stores to merge into {target}")
    src = open_db(path, write=False)  # a damaged or foreign file is named here
    try:
        if "runs" not in src.table_names():
            raise StoreError(f"{path}: holds no runs; give stores that cogov's commands wrote runs into")
    finally:
        src.close()


def _merge_one(db: sqlite_utils.Database, source: Path) -> MergeSummary:
    conn = db.conn
    try:
        conn.execute("ATTACH DATABASE ? AS src", [str(source)])
    except sqlite3.Error as e:
        raise store_error(source, e) from None
    try:
        with writing(db):
            names = _merge_experiments(db, source)
            copied, kept = _merge_runs(db, source)
        return MergeSummary(str(source), names, copied, kept)
    except sqlite3.Error as e:
        raise store_error(source, e) from None
    finally:
        conn.execute("DETACH DATABASE src")


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> dict[str, str]:
    return {r[1]: r[2] for r in conn.execute(f"PRAGMA {schema}.table_info([{table}])")}


def _add_missing(conn: sqlite3.Connection, table: str) -> list[str]:
    """Create `table` in the target like the source's, or add the source's columns it lacks; returns
    the source's columns."""
    theirs = _columns(conn, "src", table)
    if not theirs:
        return []
    ours = _columns(conn, "main", table)
    if not ours:
        sql = conn.execute("SELECT sql FROM src.sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
        conn.execute(sql)
    else:
        for name, kind in theirs.items():
            if name not in ours:
                conn.execute(f"ALTER TABLE [{table}] ADD COLUMN [{name}] {kind}")
    return list(theirs)


def _merge_experiments(db: sqlite_utils.Database, source: Path) -> list[str]:
    """Copy experiment rows the target lacks; for one it has, check the identity and keep the longest
    time taken (shards run side by side) and the latest finish."""
    conn = db.conn
    columns = _add_missing(conn, "experiments")
    if not columns:  # only single runs (`cogov run`), which belong to no experiment row
        return []
    names = []
    for (name,) in conn.execute("SELECT name FROM src.experiments ORDER BY name").fetchall():
        names.append(name)
        mine = conn.execute("SELECT * FROM main.experiments WHERE name = ?", [name]).fetchone()
        if mine is None:
            cols = ", ".join(f"[{c}]" for c in columns)
            conn.execute(
                f"INSERT INTO main.experiments ({cols}) SELECT {cols} FROM src.experiments WHERE name = ?", [name]
            )
            continue
        for field in IDENTITY:
            ours, theirs = (
                conn.execute(f"SELECT [{field}] FROM {s}.experiments WHERE name = ?", [name]).fetchone()[0]
                for s in ("main", "src")
            )
            if ours != theirs:
                raise StoreError(
                    f"{source}: experiment {name!r} has another {field.replace('_', ' ')} than in {db_path(db)} "
                    f"({_short(theirs)} against {_short(ours)}); only runs of one design and code merge"
                )
        for field, none in (("seconds", "0"), ("finished_at", "''")):
            if field in columns:
                conn.execute(
                    f"UPDATE main.experiments SET [{field}] = max(coalesce([{field}], {none}), "
                    f"(SELECT coalesce([{field}], {none}) FROM src.experiments WHERE name = ?)) WHERE name = ?",
                    [name, name],
                )
    return names


def _merge_runs(db: sqlite_utils.Database, source: Path) -> tuple[int, int]:
    conn = db.conn
    run_columns = _add_missing(conn, "runs")
    _check_duplicates(db, source)
    # the source's runs to copy: new ones, and finished ones the target has only as failed
    conn.execute("DROP TABLE IF EXISTS temp.merging")
    conn.execute(
        "CREATE TEMP TABLE merging AS SELECT s.id FROM src.runs s LEFT JOIN main.runs m ON m.id = s.id "
        "WHERE m.id IS NULL OR (m.status != 'done' AND s.status = 'done')"
    )
    copied = conn.execute("SELECT count(*) FROM temp.merging").fetchone()[0]
    kept = conn.execute("SELECT count(*) FROM src.runs").fetchone()[0] - copied
    for table in RUN_TABLES:
        if _columns(conn, "main", table):
            conn.execute(f"DELETE FROM main.[{table}] WHERE run_id IN (SELECT id FROM temp.merging)")
    cols = ", ".join(f"[{c}]" for c in run_columns)
    conn.execute(f"INSERT OR REPLACE INTO main.runs ({cols}) SELECT {cols} FROM src.runs WHERE id IN temp.merging")
    for table in RUN_TABLES:
        columns = _add_missing(conn, table)
        if columns:
            cols = ", ".join(f"[{c}]" for c in columns)
            conn.execute(
                f"INSERT INTO main.[{table}] ({cols}) SELECT {cols} FROM src.[{table}] WHERE run_id IN temp.merging"
            )
    conn.execute("DROP TABLE temp.merging")
    db.__dict__.pop("_cogov_columns", None)  # the store's cache of known columns is stale now
    return copied, kept


def _check_duplicates(db: sqlite_utils.Database, source: Path) -> None:
    """A run finished in both stores must have the same final metrics."""
    conn = db.conn
    if not (_columns(conn, "src", "metrics") and _columns(conn, "main", "metrics")):
        return
    shared = [c for c in _columns(conn, "src", "metrics") if c in _columns(conn, "main", "metrics") and c != "run_id"]
    cols = ", ".join(f"[{c}]" for c in shared)
    both = "SELECT s.id FROM src.runs s JOIN main.runs m ON m.id = s.id WHERE s.status = 'done' AND m.status = 'done'"
    theirs = {r[0]: r[1:] for r in conn.execute(f"SELECT run_id, {cols} FROM src.metrics WHERE run_id IN ({both})")}
    if not theirs:
        return
    ours = {r[0]: r[1:] for r in conn.execute(f"SELECT run_id, {cols} FROM main.metrics WHERE run_id IN ({both})")}
    for rid, values in theirs.items():
        for name, a, b in zip(shared, values, ours.get(rid, values)):
            if a != b:  # SQLite keeps no NaN (the store writes none), so equal numbers compare equal
                raise StoreError(
                    f"{source}: run {rid!r} is stored in both with another {name} ({a} against {b} in "
                    f"{db_path(db)}); the same code and seed give the same numbers, so one of them is not "
                    "from this design's code"
                )


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"
