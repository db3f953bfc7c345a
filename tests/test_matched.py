"""`cogov compare --budget-matched`: both stages stored, one budget for all, the report says so."""

from __future__ import annotations

import pytest
import sqlite_utils
from click.testing import CliRunner
from cogov.experiments.cli import main
from cogov.experiments.matched import BUDGET_LEVER, matched_budget, own_budgets, standing_per_10k_year
from cogov.experiments.report import Report
from cogov.experiments.store import load_runs

PRESETS = "administrative_only,co_governance,hotline"
ARGS = [
    "compare",
    "--budget-matched",
    "--replicates",
    "3",
    "--steps",
    "120",
    "--scenarios",
    PRESETS,
    "--set",
    "population.residents=2000",
    "--workers",
    "1",
    "--lang",
    "en",
    "--name",
    "bm",
]


@pytest.mark.slow
def test_budget_matched_compare_runs_both_stages_at_one_budget(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db_path = tmp_path / "r.db"
    res = CliRunner().invoke(main, [*ARGS, "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    db = sqlite_utils.Database(db_path)

    own = own_budgets(db, "bm")
    assert list(own.index) == PRESETS.split(",")
    assert own.max() > 1.1 * own.min()  # the presets' own budgets differ: matching them means something
    budget = matched_budget(own)
    assert abs(budget - own.mean()) <= 500
    matched = Report.load(db, "bm_matched", "en", tmp_path)
    assert matched.design.set[BUDGET_LEVER] == budget
    assert matched.design.budget_matched_from == "bm"

    # same presets, same seeds, same days; every preset now spends the budget (offices take the rest)
    first, second = load_runs(db, "bm"), load_runs(db, "bm_matched")
    assert sorted(zip(first["point"], first["seed"])) == sorted(zip(second["point"], second["seed"]))
    spent = standing_per_10k_year(second).groupby(second["point"]).mean()
    assert ((spent - budget).abs() / budget).max() < 0.03, spent

    text = (tmp_path / "results" / "bm" / "report.md").read_text()
    assert "At one standing budget for all" in text and f"¥{budget:,.0f}" in text
    text = (tmp_path / "results" / "bm_matched" / "report.md").read_text()
    assert f"¥{budget:,.0f} per 10,000 residents a year" in text and "the mean of the presets' own" in text

    again = CliRunner().invoke(main, [*ARGS, "--db", str(db_path), "--no-report"])
    assert again.exit_code == 0, again.output
    assert "0 runs" in again.output and len(load_runs(db, "bm_matched")) == 9  # resumed, nothing run twice


def test_a_budget_too_small_names_the_preset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(
        main,
        [
            "compare",
            "--budget",
            "400000",
            "--replicates",
            "1",
            "--steps",
            "5",
            "--scenarios",
            "administrative_only,co_governance",
            "--no-report",
            "--db",
            str(tmp_path / "r.db"),
        ],
    )
    assert res.exit_code == 2 and "runs" not in res.output  # refused before anything runs
    line = res.output.strip().splitlines()[-1]
    assert line.startswith("error:") and "administrative_only" in line and "400,000" in line and "at least" in line
    assert "Traceback" not in res.output


def test_the_budget_lever_is_not_also_set(tmp_path):
    res = CliRunner().invoke(
        main, ["compare", "--budget-matched", "--set", f"{BUDGET_LEVER}=3000000", "--db", str(tmp_path / "r.db")]
    )
    assert res.exit_code == 2 and "give --budget instead" in res.output
