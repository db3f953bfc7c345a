"""What the page shows, computed from live models, with no UI code: a `Sim` per arrangement and
the views drawn from it (series, grid map, one grid's network, case journeys).

Kept apart from the Solara page so that it is tested directly and reused by the notebooks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import pandas as pd

from ..model import ScenarioError, load_scenario
from ..model.disputes import OPEN_STATES, Finder, Handler, State
from ..model.metrics import final_metrics
from ..model.model import CogovModel
from ..model.params import CATEGORIES
from ..model.scenario import presets
from ..model.world import MIGRANT
from .text import EVENT_TEXT, FINDER_TEXT, HANDLER_TEXT, OFFICE_TEXT, ORG_TEXT, T

R = TypeVar("R")

MAX_DAYS = 3 * 365
GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))
OUTCOMES = {
    "resolved_cases": (State.RESOLVED,),
    "failed_cases": (State.FAILED, State.CLOSED_SUPERFICIALLY, State.LAPSED),
    "escalated_cases": (State.PETITION, State.LITIGATION),
}


class SimError(Exception):
    """A lever combination or input that cannot run. The message is the model's (English, with
    lever names); the page words it in its own language with `T.error`."""


@dataclass
class Sim:
    """One arrangement: a preset with lever overrides and a seed, and its live model."""

    preset: str
    overrides: dict[str, object] = field(default_factory=dict)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.preset not in presets():  # a page names presets only: never a path on the server
            raise SimError(f"`{self.preset}` is not a preset")
        try:
            sc = load_scenario(self.preset, self.overrides)
            self.model = CogovModel(sc.params, seed=self.seed, events=True)
        except (ScenarioError, ValueError) as e:
            raise SimError(str(e)) from e

    @property
    def day(self) -> int:
        return self.model.day + 1

    def step(self, days: int = 1) -> None:
        for _ in range(min(days, MAX_DAYS - self.day)):
            self.model.step()

    def series(self) -> pd.DataFrame:
        """The daily series so far, one row a day (empty before the first step)."""
        df = self.model.datacollector.get_model_vars_dataframe()
        return df.reset_index(drop=True).rename_axis("day").reset_index().assign(day=lambda d: d.day + 1)

    # --- the grid map ------------------------------------------------------------------------
    def grid_values(self, what: str) -> np.ndarray:
        """Per grid: open cases (``open_cases``) or mean resident satisfaction."""
        m, w = self.model, self.model.world
        if what == "open_cases":
            ds = m.disputes
            open_ = np.isin(ds.view("state"), OPEN_STATES) & (ds.view("discovered") >= 0)
            return np.bincount(ds.view("grid")[open_], minlength=w.n_grids).astype(float)
        return np.bincount(w.grid, weights=m.satisfaction, minlength=w.n_grids) / w.grid_size

    @cached_property
    def grid_layout(self) -> np.ndarray:
        """(row, col) tiles for each grid: communities as blocks side by side, grids in rows."""
        comm = self.model.world.community
        per_comm = np.bincount(comm)
        cols = int(np.ceil(np.sqrt(per_comm.max())))
        pos = np.zeros((len(comm), 2), int)
        offset = 0
        for c in range(len(per_comm)):
            grids = np.flatnonzero(comm == c)
            for k, g in enumerate(grids):
                pos[g] = (k // cols, offset + k % cols)
            offset += cols + 1
        return pos

    # --- one grid's network ------------------------------------------------------------------
    def grid_network(self, grid: int) -> nx.Graph:
        """Residents of `grid` and their ties, with node attributes for drawing: ``status``
        (open, resolved or none), ``migrant`` and ``volunteer``."""
        m, w = self.model, self.model.world
        if not 0 <= grid < w.n_grids:
            raise SimError(f"grid {grid}: this street has grids 0–{w.n_grids - 1}")
        residents = np.arange(w.grid_first[grid], w.grid_first[grid] + w.grid_size[grid])
        g = w.graph(residents)
        ds = m.disputes
        pd_, pr = ds.parties()
        state = ds.view("state")[pd_]
        open_party = set(pr[np.isin(state, OPEN_STATES) & (ds.view("discovered")[pd_] >= 0)].tolist())
        resolved_party = set(pr[state == State.RESOLVED].tolist())
        for r in residents.tolist():
            node = g.nodes[r]
            node["status"] = "open" if r in open_party else "resolved" if r in resolved_party else "none"
            node["migrant"] = bool(w.group[r] == MIGRANT)
            node["volunteer"] = bool(m.volunteer[r])
        return g

    def network_layout(self, grid: int) -> dict[int, tuple[float, float]]:
        """Node positions for `grid`: its buildings on a square lattice, each building's residents
        on a small sunflower spiral around it — fixed, so nodes never jump as days pass."""
        w = self.model.world
        lo, hi = w.grid_first[grid], w.grid_first[grid] + w.grid_size[grid]
        blds = np.flatnonzero((w.bld_first >= lo) & (w.bld_first < hi))
        side = int(np.ceil(np.sqrt(len(blds))))
        pos: dict[int, tuple[float, float]] = {}
        for k, b in enumerate(blds):
            cx, cy = k % side, k // side
            size = w.bld_size[b]
            for j in range(size):
                r = 0.42 * np.sqrt((j + 0.5) / size)
                a = j * GOLDEN_ANGLE
                pos[int(w.bld_first[b] + j)] = (cx + r * np.cos(a), cy + r * np.sin(a))
        return pos

    def network_arrays(self, grid: int) -> dict[str, np.ndarray]:
        """`grid_network` and its layout as plain arrays: ``xy`` per node, ``edges`` as node index
        pairs, and per node ``status``, ``migrant``, ``volunteer``."""
        g, pos = self.grid_network(grid), self.network_layout(grid)
        nodes = list(g.nodes)
        index = {n: k for k, n in enumerate(nodes)}
        return {
            "xy": np.array([pos[n] for n in nodes]),
            "edges": np.array([(index[u], index[v]) for u, v in g.edges], dtype=int).reshape(-1, 2),
            **{key: np.array([g.nodes[n][key] for n in nodes]) for key in ("status", "migrant", "volunteer")},
        }

    # --- case journeys (流转轨迹) ------------------------------------------------------------
    def cases(self, outcome: str, limit: int = 200) -> list[int]:
        """Discovered cases whose current state is among the outcome's states, newest first."""
        ds = self.model.disputes
        sel = np.isin(ds.view("state"), OUTCOMES[outcome]) & (ds.view("discovered") >= 0)
        if outcome == "escalated_cases":
            sel |= (ds.view("petitions") > 0) | ds.view("group_incident")
        return np.flatnonzero(sel)[::-1][:limit].tolist()

    def journey(self, d: int, t: T) -> tuple[dict[str, str], pd.DataFrame]:
        """A case's facts and its path: day, event, handler, in the language of `t`."""
        m, ds = self.model, self.model.disputes
        if not 0 <= d < ds.n:
            raise SimError(f"case {d}: cases so far are 0–{ds.n - 1}")
        rows = [r for r in m.log.rows if r[0] == d]
        end = ds.closed[d] if ds.closed[d] >= 0 else m.day
        cat = CATEGORIES[ds.category[d]]
        facts = {
            t("category"): t.category(cat),
            t("arose"): t("day", day=int(ds.arose[d]) + 1),
            t("found_by"): t.pick(FINDER_TEXT[Finder(ds.found_by[d])]) if ds.discovered[d] >= 0 else "—",
            t("outcome"): t.state(ds.state[d]),
            t("days_open"): t("n_days", n=int(end - ds.arose[d])),
        }
        table = pd.DataFrame(
            {
                t("when"): [t("day", day=day + 1) for _, day, *_ in rows],
                t("event"): [t.pick(EVENT_TEXT.get(ev, (ev, ev))) for _, _, ev, *_ in rows],
                t("handler"): [self._handler_name(kind, hid, detail, ev, t) for _, _, ev, kind, hid, detail in rows],
            }
        )
        return facts, table

    def _handler_name(self, kind: int, handler_id: int, detail: str, event: str, t: T) -> str:
        if event == "discovered":
            return t.pick(FINDER_TEXT[Finder[detail.upper()]])
        if kind < 0:
            return ""
        agent = self.model.agent_by_id.get(handler_id)
        base = t.pick(HANDLER_TEXT[Handler(kind)])
        if agent is None:
            return base
        if hasattr(agent, "zh") and hasattr(agent, "name"):  # a government office
            return t.pick(OFFICE_TEXT[agent.name])
        if hasattr(agent, "org_kind"):
            return f"{t.pick(ORG_TEXT[agent.org_kind])} · {t('community', c=agent.community)}"
        if hasattr(agent, "grid"):
            return f"{base} · {t('grid_n', g=agent.grid)}"
        if hasattr(agent, "community"):
            return f"{base} · {t('community', c=agent.community)}"
        return base


class Board:
    """The arrangements on show — A, and B when comparing — stepped together under one lock, so
    the page's play thread and its renders never see a half-finished day."""

    def __init__(self, a: Sim, b: Sim | None = None):
        self.shown: list[tuple[str, Sim]] = [("A", a)] + ([("B", b)] if b is not None else [])
        self.lock = threading.Lock()
        self.version = 0  # bumped by every step

    @classmethod
    def build(cls, preset: str, overrides: dict[str, object], seed: int, compare_with: str | None = None) -> Board:
        """A is `preset` with `overrides`; B (if asked) is `compare_with` — a preset name, or the
        empty string for A's preset without the overrides — with the same seed."""
        a = Sim(preset, dict(overrides), seed)
        if compare_with is None:
            return cls(a)
        return cls(a, Sim(compare_with or preset, {}, seed))

    @property
    def day(self) -> int:
        return self.shown[0][1].day

    @property
    def finished(self) -> bool:
        return self.day >= MAX_DAYS

    def step(self, days: int = 1) -> None:
        with self.lock:
            for _, sim in self.shown:
                sim.step(days)
            self.version += 1

    def close(self) -> None:
        """Let the models go (`CogovModel.release`), so a dropped board is freed."""
        for _, sim in self.shown:
            sim.model.release()

    def read(self, view: Callable[[], R]) -> R:
        """`view()` computed under the lock, so it sees whole days only; it should return plain data."""
        with self.lock:
            return view()

    def snapshot(self) -> Snapshot:
        """What the overview draws, copied under the lock: it stays as it is while play goes on."""
        with self.lock:
            frames = tuple(
                Frame(
                    tag,
                    sim.preset,
                    sim.day,
                    sim.series(),
                    final_metrics(sim.model),
                    sim.model.p.disputes.judge_after_days,
                )
                for tag, sim in self.shown
            )
            return Snapshot(id(self), self.version, self.day, self.finished, frames)


@dataclass(frozen=True, eq=False)
class Frame:
    """One arrangement as it stood on one day: its daily series and its current figures."""

    tag: str
    preset: str
    day: int
    series: pd.DataFrame
    metrics: dict[str, Any]
    judge_after_days: int


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The board on one day, as plain data; ``version`` orders the snapshots of the board whose
    `id` is ``board``."""

    board: int
    version: int
    day: int
    finished: bool
    frames: tuple[Frame, ...]
