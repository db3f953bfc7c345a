"""Running a design through an engine into the store: resumable, exactly one row per run."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import sqlite_utils
from tqdm import tqdm

from .design import Design
from .engine import DaskEngine, LocalEngine
from .store import begin_experiment, code_version, done_keys, ensure_indexes, experiment_row, finish_experiment, record_run
from .runs import run_row


@dataclass
class BatchSummary:
    experiment: str
    total: int
    ran: int
    skipped: int
    failed: int
    seconds: float


def check_same_design(db: sqlite_utils.Database, design: Design) -> None:
    """A stored experiment of the same name must have the same design (that is what resuming means)."""
    try:
        row = experiment_row(db, design.name)
    except KeyError:
        return
    if row.get("design") and row["design"] != design.as_json():
        raise ValueError(f"experiment {design.name!r} is already stored with a different design; "
                         "give it another name (or delete the old runs) to start afresh")


def run_design(db: sqlite_utils.Database, design: Design, engine: LocalEngine | DaskEngine, kind: str,
               command: str, progress: bool = True) -> BatchSummary:
    check_same_design(db, design)
    code = code_version()
    previous = 0.0
    try:
        previous = float(experiment_row(db, design.name).get("seconds") or 0.0)
    except KeyError:
        pass
    begin_experiment(db, design.name, kind=kind, command=command, design=design.as_json(),
                     master_seed=design.master_seed, replicates=design.replicates, steps=design.steps,
                     baseline=design.baseline_point(), code_version=code, engine=engine.describe())
    specs = design.specs()
    done = done_keys(db, design.name)
    todo = [s for s in specs if s.id not in done]
    start = time.perf_counter()
    failed = 0
    bar = tqdm(total=len(specs), initial=len(specs) - len(todo), desc=design.name, unit="run",
               file=sys.stderr, disable=not progress, dynamic_ncols=True)
    try:
        for out in engine.run(todo):
            record_run(db, run_row(out.spec, out.params, out.seconds, code, out.error, out.worker),
                       out.metrics, out.timeseries, out.events)
            failed += out.error is not None
            bar.update(1)
    finally:
        bar.close()
        engine.close()
        elapsed = time.perf_counter() - start
        finish_experiment(db, design.name, previous + elapsed)
    ensure_indexes(db)
    return BatchSummary(design.name, len(specs), len(todo), len(specs) - len(todo), failed, elapsed)
