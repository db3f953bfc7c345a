"""`cogov discover`: end to end through the CLI into a store, resumption without new runs, PRIM
recovering a known box, CART agreeing, and clear errors for bad `--uncertain` values."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from cogov.experiments.cli import main
from cogov.experiments.scenario_discovery import (
    DEFAULT_UNCERTAIN,
    Discovery,
    choose_box,
    resolve_uncertain,
    run_cart,
    run_prim,
)
from cogov.experiments.store import open_db
from cogov.model.levers import lever_index
from cogov.model.scenario import ScenarioError

TINY = ["--set", "population.residents=400", "--steps", "60", "--workers", "1"]
# big enough that every scenario completes and the co-governance arrangement is ahead in some and
# behind in others (at 400 × 60 half were incomplete and the rest all had coi_any true)
SMALL = ["--set", "population.residents=1000", "--steps", "120", "--workers", "1"]


def _runs(db_path, experiment):
    db = open_db(db_path)
    return db.execute("select count(*) from runs where experiment = ?", [experiment]).fetchone()[0]


@pytest.mark.slow
def test_end_to_end_and_resume(tmp_path):
    db, out = tmp_path / "d.db", tmp_path / "out"
    args = ["discover", "-n", "12", "--replicates", "1", "--name", "disc", "--db", str(db), "--out", str(out), *SMALL]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert _runs(db, "disc") == 12 * 2  # every scenario on both arrangements
    store = open_db(db)
    rows = list(
        store.query("select point, scenario, seed, overrides, code_version from runs where experiment = 'disc'")
    )
    assert all(row["code_version"] for row in rows)
    by_scenario = {}
    for row in rows:
        by_scenario.setdefault(row["point"].split(":")[0], []).append(row)
    assert len(by_scenario) == 12
    for pair in by_scenario.values():  # both arrangements: same sampled values, same seed
        assert {p["scenario"] for p in pair} == {"co_governance", "administrative_only"}
        assert pair[0]["overrides"] == pair[1]["overrides"] and pair[0]["seed"] == pair[1]["seed"]
    assert len({pair[0]["seed"] for pair in by_scenario.values()}) == 12  # scenarios differ in seed
    table = pd.read_csv(out / "scenarios.csv")
    assert len(table) == 12
    assert {"diff_resolution", "diff_satisfaction", "coi_any", *DEFAULT_UNCERTAIN} <= set(table.columns)
    assert table.complete.all()
    assert (table.coi_any == ((table.diff_resolution <= 0) | (table.diff_satisfaction <= 0))).all()
    assert set(table.coi_any) == {True, False}, table[["diff_resolution", "diff_satisfaction", "coi_any"]]
    md = (out / "discovery.md").read_text(encoding="utf-8")
    assert "## Uncertainties" in md and "code version" in md and "offices.silo_penalty" in md
    assert (out / "outcomes.png").is_file() and (out / "margin_drivers.csv").is_file()
    assert "code version of the runs" in md
    # the same command again: nothing new runs, the analysis is redone from the store
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "0 runs" in r.output and "24 already stored" in r.output
    assert _runs(db, "disc") == 24


def test_prim_recovers_a_known_box():
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.random((300, 5)), columns=[f"x{i}" for i in range(1, 6)])
    y = (x["x1"] > 0.7).to_numpy()
    boxes = run_prim(x, y, threshold=0.8)
    b = boxes[0]
    assert b.meets_threshold and b.coverage >= 0.9 and b.density >= 0.8
    assert list(b.limits["lever"]) == ["x1"]  # only the lever that matters is restricted
    lim = b.limits.iloc[0]
    assert 0.6 <= lim["low"] <= 0.72 and lim["cut_low"] and not lim["cut_high"]
    assert lim["qp_low"] < 1e-6  # far from chance
    cart = run_cart(x, y, seed=1)
    assert cart.splits_on == ["x1"]
    assert cart.leaves.iloc[0]["coverage"] == 1.0 and "x1 ≥ 0.7" in cart.leaves.iloc[0]["rule"]


def test_box_choice_prefers_coverage_above_threshold():
    t = pd.DataFrame(
        {"coverage": [1.0, 0.9, 0.5], "density": [0.3, 0.85, 1.0], "res_dim": [0, 1, 2], "mass": [1.0, 0.3, 0.1]}
    )
    assert choose_box(t, 0.8) == (1, True)
    assert choose_box(t, 1.01) == (2, False)


def test_default_ranges_are_the_documented_assumption_ranges():
    factors, notes = resolve_uncertain([], "co_governance", "administrative_only", {})
    idx = lever_index()
    assert [f.name for f in factors] == list(DEFAULT_UNCERTAIN)
    for f in factors:
        assert "assumption" in idx[f.name].source
    by = {f.name: f for f in factors}
    assert (by["offices.silo_penalty"].low, by["offices.silo_penalty"].high) == (0.0, 0.6)  # "assumption: 0–0.6"
    assert (by["fit.office.neighbor"].low, by["fit.office.neighbor"].high) == (0.45, 0.75)  # ±0.15 around 0.6
    f, _ = resolve_uncertain(["offices.skill=0.7:0.9", "grid.admin_burden"], "co_governance", "administrative_only", {})
    by = {x.name: x for x in f}
    assert (by["offices.skill"].low, by["offices.skill"].high) == (0.7, 0.9)
    assert (by["grid.admin_burden"].low, by["grid.admin_burden"].high) == (0.1, 0.7)
    only, _ = resolve_uncertain(["offices.skill"], "co_governance", "administrative_only", {}, only=True)
    assert [x.name for x in only] == ["offices.skill"]
    d = Discovery("x", "co_governance", "administrative_only", only, 5, 1, 10, 3)
    assert d.inputs().equals(Discovery("x", "co_governance", "administrative_only", only, 5, 1, 10, 3).inputs())
    u = d.unit()[:, 0]
    assert sorted(np.floor(u * 5).astype(int)) == [0, 1, 2, 3, 4]  # one sample per stratum


@pytest.mark.parametrize(
    "spec, words",
    [
        ("offices.skill=0.5:1.5", ["offices.skill", "0.5:1.5", "0 – 1"]),
        ("offices.skill=high", ["offices.skill", "'high'", "LOW:HIGH"]),
        ("offices.skil", ["offices.skil", "offices.skill"]),
        ("social_orgs.staff", ["social_orgs.staff", "policy difference", "allowed"]),
        ("routing.ladder", ["routing.ladder", "administrative · local_first · triage", "numeric"]),
        ("grid.workers_per_grid", ["grid.workers_per_grid", "LOW:HIGH", "allowed"]),
    ],
)
def test_bad_uncertain_is_a_clear_error(tmp_path, spec, words):
    r = CliRunner().invoke(main, ["discover", "--uncertain", spec, "-n", "4", "--db", str(tmp_path / "d.db"), *TINY])
    assert r.exit_code == 2, r.output
    assert "error:" in r.output and "--uncertain" in r.output
    for w in words:
        assert w in r.output, (w, r.output)
    assert (
        not (tmp_path / "d.db").exists()
        or _runs(tmp_path / "d.db", "discover_co_governance_vs_administrative_only") == 0
    )


def test_resolve_uncertain_refuses_a_lever_fixed_and_sampled():
    with pytest.raises(ScenarioError, match="fixed by --set"):
        resolve_uncertain(["offices.skill"], "co_governance", "administrative_only", {"offices.skill": 0.8})
