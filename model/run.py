"""The one function the rest of the project runs the model through: parameters and seed in,
metrics, time series and (optionally) the event log out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import DEFAULT_STEPS
from .disputes import EventLog
from .metrics import final_metrics
from .model import CogovModel
from .params import Params


@dataclass
class RunResult:
    seed: int
    steps: int
    metrics: dict[str, Any]
    timeseries: pd.DataFrame
    events: pd.DataFrame | None
    seconds: float


def simulate(
    params: Params,
    seed: int,
    steps: int = DEFAULT_STEPS,
    events: bool = False,
    on_step: Callable[[int], None] | None = None,
    threads: int = 1,
) -> RunResult:
    """Run one simulation for `steps` days (`threads`: see `CogovModel`)."""
    start = time.perf_counter()
    model = CogovModel(params, seed=seed, events=events, threads=threads)
    try:
        for day in range(steps):
            model.step()
            if on_step is not None:
                on_step(day)
        ts = model.datacollector.get_model_vars_dataframe().reset_index(names="day")
        log = pd.DataFrame(model.log.rows, columns=EventLog.COLUMNS) if events else None
        return RunResult(
            seed=seed,
            steps=steps,
            metrics=final_metrics(model),
            timeseries=ts,
            events=log,
            seconds=time.perf_counter() - start,
        )
    finally:
        model.release()
