"""Running a design through an engine into the store: resumable, exactly one row per run."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from tqdm import tqdm

from . import interrupts
from .design import Design
from .engine import DaskEngine, LocalEngine
from .runs import RunSpec, derive_seed, run_row, specs_for
from .store import (
    begin_experiment,
    code_version,
    done_keys,
    ensure_indexes,
    experiment_row,
    finish_experiment,
    record_run,
)


@dataclass
class BatchSummary:
    experiment: str
    total: int
    ran: int
    skipped: int
    failed: int
    seconds: float


@dataclass
class PointsDesign:
    """An explicit list of design points — sensitivity samples, calibration trials — for `run_design`.

    ``identity`` is what a resumed experiment must match (it is stored as the design's description);
    ``points`` may be only the part being run now (one calibration trial). With ``common_seeds``
    every point's replicate r gets the same seed (common random numbers: differences between
    points are not blurred by different random streams); otherwise seeds come from point and
    replicate as in a `Design`."""

    name: str
    base: str
    points: list[tuple[str, str, dict[str, Any]]]  # (label, scenario, overrides)
    replicates: int
    steps: int
    master_seed: int
    identity: dict[str, Any] = field(default_factory=dict)
    common_seeds: bool = True
    events: bool = False
    series: str = "daily"

    def seed(self, label: str, replicate: int) -> int:
        return derive_seed(self.master_seed, "common" if self.common_seeds else label, replicate)

    def specs(self) -> list[RunSpec]:
        return specs_for(self.name, self.points, self.replicates, self.seed, self.steps, self.series, self.events)

    def baseline_point(self) -> str:
        return self.points[0][0] if self.points else self.base

    def as_json(self) -> str:
        # stored as a valid `Design` (so `cogov report`/`export` can read the experiment row); the
        # identity travels in its description
        return Design(
            name=self.name,
            base=self.base,
            replicates=self.replicates,
            steps=self.steps,
            master_seed=self.master_seed,
            description=json.dumps(self.identity, ensure_ascii=False, sort_keys=True),
            series=self.series,
        ).as_json()


def check_same_design(db: sqlite_utils.Database, design: Design) -> None:
    """A stored experiment of the same name must have the same design (that is what resuming means)."""
    try:
        row = experiment_row(db, design.name)
    except KeyError:
        return
    new = design.as_json()
    legacy = json.dumps(json.loads(new), ensure_ascii=False, sort_keys=True)  # stored before lever order was kept
    if row.get("design") and row["design"] not in (new, legacy):
        raise ValueError(
            f"experiment {design.name!r} is already stored with a different design; "
            "give it another name (or delete the old runs) to start afresh"
        )


def _finish(db: sqlite_utils.Database, name: str, seconds: float, bar: tqdm, engine) -> None:
    bar.close()
    if engine is not None:
        engine.close()
    finish_experiment(db, name, seconds)


def shard_of(specs: list[RunSpec], shard: tuple[int, int] | None) -> list[RunSpec]:
    """The runs of shard (k, n): every n-th from the k-th (1-based); all of them without a shard."""
    return specs if shard is None else specs[shard[0] - 1 :: shard[1]]


def run_design(
    db: sqlite_utils.Database,
    design: Design | PointsDesign,
    engine: LocalEngine | DaskEngine,
    kind: str,
    command: str,
    progress: bool = True,
    close_engine: bool = True,
    shard: tuple[int, int] | None = None,
) -> BatchSummary:
    """Run the design's runs not yet stored; with `shard` (k, n), only every n-th of them from the
    k-th (1-based, in the design's order): n machines or array jobs, each with a store of its own,
    run disjoint parts that `cogov merge` brings together."""
    check_same_design(db, design)
    code = code_version()
    previous = 0.0
    try:
        previous = float(experiment_row(db, design.name).get("seconds") or 0.0)
    except KeyError:
        pass
    begin_experiment(
        db,
        design.name,
        kind=kind,
        command=command,
        design=design.as_json(),
        master_seed=design.master_seed,
        replicates=design.replicates,
        steps=design.steps,
        baseline=design.baseline_point(),
        code_version=code,
        engine=engine.describe(),
    )
    specs = shard_of(design.specs(), shard)
    done = done_keys(db, design.name)
    todo = [s for s in specs if s.id not in done]
    start = time.perf_counter()
    failed = 0
    bar = tqdm(
        total=len(specs),
        initial=len(specs) - len(todo),
        desc=design.name,
        unit="run",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )
    try:
        for out in engine.run(todo):
            record_run(
                db,
                run_row(out.spec, out.params, out.seconds, code, out.error, out.worker),
                out.metrics,
                out.timeseries,
                out.events,
            )
            failed += out.error is not None
            bar.update(1)
            interrupts.check()  # an interruption a finaliser swallowed stops the batch here
    except BaseException:
        with contextlib.suppress(Exception):  # the first error is the one to report (a full disk fails twice)
            _finish(db, design.name, previous + time.perf_counter() - start, bar, engine if close_engine else None)
        raise
    elapsed = time.perf_counter() - start
    _finish(db, design.name, previous + elapsed, bar, engine if close_engine else None)
    ensure_indexes(db)
    return BatchSummary(design.name, len(specs), len(todo), len(specs) - len(todo), failed, elapsed)
