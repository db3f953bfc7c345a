"""A comparison at one standing budget for every arrangement (DESIGN §7, `cogov compare --budget-matched`).

The first stage compares the presets at their own budgets. Each preset's mean standing cost
(``cost_standing``, without petitions and group incidents) per 10,000 residents per year is read
from its stored runs; the budget of the second stage is their mean (or a budget given by the
user). The second stage runs the same presets, seeds and days with ``budget.standing_per_10k`` set
to that budget, so every arrangement spends the same and differs only in how it allocates it.
Both stages are ordinary stored experiments; the second's design names the first in
``budget_matched_from`` and its ``set`` holds the budget, so re-running the command resumes both.
"""

from __future__ import annotations

import json

import pandas as pd
import sqlite_utils

from .design import Design, build_design
from .store import load_runs

BUDGET_LEVER = "budget.standing_per_10k"
ROUND_TO = 1_000.0  # ¥: the matched budget is rounded so that it reads well and is stored exactly


def standing_per_10k_year(runs: pd.DataFrame) -> pd.Series:
    """Each run's standing cost in ¥ per 10,000 residents per year."""
    residents = runs["params"].map(lambda s: json.loads(s)["population"]["residents"])
    steps = pd.to_numeric(runs["steps"])
    return runs["cost_standing"] / (residents / 10_000) / (steps / 365.0)


def own_budgets(db: sqlite_utils.Database, experiment: str) -> pd.Series:
    """Mean standing cost per 10k residents per year of each point of a stored experiment."""
    runs = load_runs(db, experiment)
    if runs.empty:
        raise ValueError(f"experiment {experiment!r} has no finished runs to take own budgets from")
    return standing_per_10k_year(runs).groupby(runs["point"], sort=False).mean()


def matched_budget(own: pd.Series) -> float:
    """The mean of the presets' own standing budgets, rounded to ¥1,000."""
    return float(round(own.mean() / ROUND_TO) * ROUND_TO)


def matched_name(name: str) -> str:
    return f"{name}_matched"


def matched_design(first: Design, budget: float, yes: bool = False) -> Design:
    """The second stage: `first` with every preset at `budget`; a preset whose other standing costs
    already exceed the budget is refused by the scenario checks with a message naming it."""
    data = first.model_dump(mode="json")
    data.update(name=matched_name(first.name), budget_matched_from=first.name, set={**first.set, BUDGET_LEVER: budget})
    return build_design(data, f"cogov compare: a standing budget of ¥{budget:,.0f} per 10k residents a year", yes=yes)


def companion(db: sqlite_utils.Database, experiment: str) -> str | None:
    """The budget-matched experiment whose budget came from `experiment`, if one is stored."""
    name = matched_name(experiment)
    rows = (
        list(db.query("select design from experiments where name = ?", [name]))
        if "experiments" in db.table_names()
        else []
    )
    if rows and json.loads(rows[0]["design"] or "{}").get("budget_matched_from") == experiment:
        return name
    return None
