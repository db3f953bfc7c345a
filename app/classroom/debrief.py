"""After the last round: every decision on the timeline, what each role did and for whom, and the
session written into the results store so a teacher can set one class beside another."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...experiments.runs import RunSpec, run_row
from ...experiments.store import (
    begin_experiment,
    code_version,
    ensure_indexes,
    finish_experiment,
    open_db,
    record_run,
    writing,
)
from ...model.disputes import State
from ...model.metrics import final_metrics
from ...model.scenario import load_scenario
from .room import Room

HANDLING = "handling"


def decisions(room: Room) -> pd.DataFrame:
    """The timeline: one row per seat and round that decided (rows of seats left to the rules
    are kept too, with ``by`` empty), oldest first."""
    cols = ["round", "day", "seat", "role", "by", "team", "decision", "refused"]
    return pd.DataFrame(room.timeline, columns=cols)


def _started_by(room: Room, since: int) -> dict[int, set[int]]:
    """Per handler id, the cases it started from day `since` on (one pass over the class street's
    event log)."""
    started: dict[int, set[int]] = {}
    for d, day, event, _, hid, _ in room.street.log.rows:
        if event == HANDLING and day >= since:
            started.setdefault(hid, set()).add(d)
    return started


def _cases(started: dict[int, set[int]], handlers) -> np.ndarray:
    """The cases any of `handlers` started, ascending."""
    return np.array(sorted(set().union(*(started.get(h.unique_id, ()) for h in handlers))), dtype=np.int64)


def _people_satisfaction(room: Room, cases: np.ndarray) -> float | None:
    """Mean satisfaction, today, of the residents who were parties to `cases`."""
    if len(cases) == 0:
        return None
    ds, satisfaction = room.street.disputes, room.street.satisfaction
    return float(np.mean([satisfaction[ds.parties_of(int(d))].mean() for d in cases]))


def role_summary(room: Room) -> list[dict[str, Any]]:
    """Per seat: who sat in it, how often it decided, the cases its actors handled (and how many
    ended resolved), the satisfaction of the people they served, and what it spent (¥ for the
    leader, grid workers' hours)."""
    m, ds = room.street, room.street.disputes
    started = _started_by(room, since=room.outcomes[0]["day"])
    out = []
    for seat in room.seats:
        rows = [r for r in room.timeline if r["seat"] == seat.key]
        if seat.role == "representative":
            acted = {d for r in rows if r["decision"] for d in r["decision"]["forum"] + r["decision"]["petition"]}
            cases = np.array(sorted(acted), dtype=np.int64)
        else:
            cases = _cases(started, m.handlers() if seat.role == "leader" else seat.handlers(m))
        first, last = room.first_views[seat.key], room.views[seat.key]
        spent: float | None = None
        if seat.role == "leader":
            spent = float(m.costs.standing - room.start_standing)
        elif seat.role == "grid":
            spent = float(last["hours_used"] - first["hours_used"])
        out.append(
            {
                "seat": seat.key,
                "role": seat.role,
                "team": [room.students[t].name for t in seat.members],
                "decided_rounds": sum(r["decision"] is not None for r in rows),
                "cases": len(cases),
                "resolved": int(np.sum(ds.state[cases] == State.RESOLVED)) if len(cases) else 0,
                "satisfaction": _people_satisfaction(room, cases),
                "spent": spent,
            }
        )
    return out


def export(room: Room, db_path: Path | str) -> str:
    """Write the session into the results store: both streets as runs (metrics and daily
    series), the decisions and the round-by-round outcomes; returns the experiment's name."""
    s = room.settings
    name = f"classroom-{room.code}-{time.strftime('%Y%m%d-%H%M', time.localtime(room.started_at))}"
    db = open_db(db_path)
    code = code_version()
    begin_experiment(
        db,
        name,
        kind="classroom",
        preset=s.preset,
        seed=s.seed,
        rounds=s.rounds,
        days_per_round=s.days_per_round,
        students=len(room.students),
        code_version=code,
    )
    params = load_scenario(s.preset, room.overrides).resolved()
    overrides = tuple(sorted(room.overrides.items()))
    with room.board.lock:
        for point, sim in (("class", room.board.shown[0][1]), ("rules", room.board.shown[1][1])):
            spec = RunSpec(name, point, s.preset, overrides, 0, s.seed, sim.day)
            record_run(db, run_row(spec, params, 0.0, code), final_metrics(sim.model), sim.series())
    timeline = [
        {
            "experiment": name,
            **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in r.items()},
        }
        for r in room.timeline
    ]
    with writing(db):  # an export repeated replaces the session's rows
        for table in ("classroom_decisions", "classroom_rounds"):
            if table in db.table_names():
                db[table].delete_where("experiment = ?", [name])
        if timeline:
            db["classroom_decisions"].insert_all(timeline, alter=True)
        db["classroom_rounds"].insert_all([{"experiment": name, **o} for o in room.outcomes], alter=True)
    finish_experiment(db, name, time.time() - room.started_at)
    ensure_indexes(db)
    return name
