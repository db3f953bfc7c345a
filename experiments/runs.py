"""One run of a batch: its specification, its seed, and executing it anywhere (in this process, a
worker process or a Dask worker). Everything here is picklable and depends only on the spec."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..model import load_scenario, simulate


def derive_seed(master_seed: int, point: str, replicate: int) -> int:
    """A run's seed from the master seed and the run's identity — never from execution order."""
    digest = hashlib.sha256(f"{point}\x1f{replicate}".encode()).digest()
    words = np.frombuffer(digest[:16], dtype=np.uint32).tolist()
    state = np.random.SeedSequence([master_seed & 0xFFFFFFFF, master_seed >> 32, *words]).generate_state(2)
    return int(state[0]) << 31 | int(state[1]) >> 1


@dataclass(frozen=True)
class RunSpec:
    experiment: str
    point: str  # the design point's label, e.g. a preset name or "grid.workers_per_grid=2"
    scenario: str  # preset name or scenario path
    overrides: tuple[tuple[str, Any], ...]
    replicate: int
    seed: int
    steps: int
    events: bool = False
    series: str = "daily"  # what of the daily series is kept: every day, each week's last day, or none

    @property
    def id(self) -> str:
        return f"{self.experiment}/{self.point}#r{self.replicate}"

    def overrides_dict(self) -> dict[str, Any]:
        return dict(self.overrides)


def specs_for(
    experiment: str,
    points: list[tuple[str, str, dict[str, Any]]],
    replicates: int,
    seed: Callable[[str, int], int],
    steps: int,
    series: str,
    events: bool = False,
) -> list[RunSpec]:
    """Every run of a design: each (label, scenario, overrides) point × `replicates`, seeded by
    `seed(label, replicate)`."""
    return [
        RunSpec(
            experiment=experiment,
            point=label,
            scenario=scenario,
            overrides=tuple(sorted(ov.items())),
            replicate=r,
            seed=seed(label, r),
            steps=steps,
            events=events,
            series=series,
        )
        for label, scenario, ov in points
        for r in range(replicates)
    ]


@dataclass
class RunOutcome:
    spec: RunSpec
    params: dict[str, Any] | None = None
    metrics: dict[str, Any] | None = None
    timeseries: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    seconds: float = 0.0
    error: str | None = None
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    started_at: float = field(default_factory=time.time)


def execute(spec: RunSpec) -> RunOutcome:
    """Run one spec; a failure is returned with its traceback, never raised."""
    out = RunOutcome(spec)
    start = time.perf_counter()
    try:
        sc = load_scenario(spec.scenario, spec.overrides_dict())
        out.params = sc.resolved()
        result = simulate(sc.params, seed=spec.seed, steps=spec.steps, events=spec.events)
        out.metrics, out.events = result.metrics, result.events
        out.timeseries = kept_series(result.timeseries, spec.series)
    except Exception:  # noqa: BLE001 — a failing run is recorded, the batch goes on
        out.error = traceback.format_exc(limit=20)
    out.seconds = time.perf_counter() - start
    return out


def kept_series(ts: pd.DataFrame, series: str) -> pd.DataFrame | None:
    """The part of a run's daily series a batch stores: all of it, the last day of every week (and
    the run's last day), or none."""
    if series == "none":
        return None
    if series == "weekly":
        day = ts["day"].to_numpy()
        return ts[((day + 1) % 7 == 0) | (day == day.max())].reset_index(drop=True)
    return ts


def run_row(
    spec: RunSpec,
    params: dict | None,
    seconds: float,
    code: str,
    error: str | None = None,
    worker: str = "",
    run_id: str | None = None,
) -> dict[str, Any]:
    """The ``runs`` row of a run: identity, parameters (JSON and the overridden levers as columns)."""
    overrides = spec.overrides_dict()
    return {
        "id": run_id or spec.id,
        "experiment": spec.experiment,
        "point": spec.point,
        "scenario": spec.scenario,
        "replicate": spec.replicate,
        "seed": spec.seed,
        "steps": spec.steps,
        "overrides": json.dumps(overrides, ensure_ascii=False, sort_keys=True),
        "params": json.dumps(params, ensure_ascii=False, sort_keys=True) if params is not None else None,
        **{name: value for name, value in overrides.items()},
        "status": "failed" if error else "done",
        "error": error,
        "code_version": code,
        "worker": worker,
        "seconds": seconds,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
    }
