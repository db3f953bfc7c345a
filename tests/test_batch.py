"""Batch experiments: seeds from identity, exactly one row per run, resumption after a hard kill,
the same numbers whatever the engine or number of workers, failures recorded, clear errors."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import sqlite_utils
from click.testing import CliRunner
from cogov.experiments.batch import run_design
from cogov.experiments.cli import main
from cogov.experiments.design import DesignError, build_design, load_design
from cogov.experiments.engine import DaskEngine, EngineError, LocalEngine
from cogov.experiments.export import export_experiment
from cogov.experiments.runs import derive_seed
from cogov.experiments.store import load_runs, open_db, record_run

SMALL = {"population.residents": 800}


def _design(name="t", replicates=3, steps=60, **extra):
    data = {
        "name": name,
        "scenarios": ["administrative_only", "co_governance"],
        "replicates": replicates,
        "steps": steps,
        "master_seed": 5,
        "set": dict(SMALL),
    }
    data.update(extra)
    return build_design(data, "test")


def _metrics(db, name):
    df = load_runs(db, name)
    return (
        df.drop(columns=["seconds", "worker", "finished_at", "code_version"])
        .set_index("id")
        .sort_index()
        .sort_index(axis=1)
    )


def test_seeds_come_from_identity_not_order():
    d = _design()
    seeds = {s.id: s.seed for s in d.specs()}
    assert len(set(seeds.values())) == len(seeds)
    # the same runs listed in another order (scenarios reversed) keep their seeds
    reordered = _design(scenarios=["co_governance", "administrative_only"])
    assert [s.id for s in reordered.specs()] != list(seeds)
    assert {s.id: s.seed for s in reordered.specs()} == seeds
    assert derive_seed(5, "co_governance", 0) != derive_seed(6, "co_governance", 0)


@pytest.mark.slow
def test_same_numbers_for_one_or_two_workers_and_dask(tmp_path):
    d = _design()
    results = []
    for i, engine in enumerate([LocalEngine(1), LocalEngine(2), DaskEngine(None, 2)]):
        db = open_db(tmp_path / f"{i}.db")
        summary = run_design(db, d, engine, kind="compare", command="test", progress=False)
        assert summary.ran == len(d.specs()) and summary.failed == 0
        results.append(_metrics(db, d.name))
    pd.testing.assert_frame_equal(results[0], results[1])
    pd.testing.assert_frame_equal(results[0], results[2])


def test_rerun_resumes_and_keeps_one_row_per_run(tmp_path):
    d = _design(replicates=2)
    db = open_db(tmp_path / "r.db")
    run_design(db, d, LocalEngine(1), kind="compare", command="test", progress=False)
    again = run_design(db, d, LocalEngine(1), kind="compare", command="test", progress=False)
    assert again.ran == 0 and again.skipped == len(d.specs())
    assert db["runs"].count == len(d.specs()) and db["metrics"].count == len(d.specs())
    changed = _design(replicates=2, master_seed=6)
    with pytest.raises(ValueError, match="different design"):
        run_design(db, changed, LocalEngine(1), kind="compare", command="test", progress=False)


@pytest.mark.slow
def test_hard_kill_loses_only_runs_in_flight(tmp_path):
    db_path = tmp_path / "kill.db"
    steps = 400  # 16 runs of about 0.15 s: the kill comes mid-batch
    cmd = [
        sys.executable,
        "-m",
        "cogov",
        "compare",
        "--replicates",
        "8",
        "--steps",
        str(steps),
        "--scenarios",
        "administrative_only,co_governance",
        "--set",
        "population.residents=1500",
        "--db",
        str(db_path),
        "--no-report",
        "--workers",
        "2",
        "--name",
        "k",
    ]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and done < 3:
        time.sleep(0.2)
        if db_path.exists():
            try:
                done = sqlite_utils.Database(db_path).execute("select count(*) from runs").fetchone()[0]
            except Exception:  # the table may not exist yet
                done = 0
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = sqlite_utils.Database(db_path)
    stored = partial.execute("select count(*) from runs").fetchone()[0]
    assert 3 <= stored < 16, "the kill came mid-batch"
    assert partial.execute("select count(*) from metrics").fetchone()[0] == stored
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    db = open_db(db_path)
    ids = [r["id"] for r in db.query("select id from runs")]
    assert len(ids) == 16 and len(set(ids)) == 16
    series = db.execute("select run_id, count(*) from timeseries group by run_id").fetchall()
    assert len(series) == 16 and all(n == steps for _, n in series)
    clean = open_db(tmp_path / "clean.db")
    d = build_design(
        {
            "name": "k",
            "scenarios": ["administrative_only", "co_governance"],
            "replicates": 8,
            "steps": steps,
            "master_seed": 2026,
            "set": {"population.residents": 1500},
        },
        "test",
    )
    run_design(clean, d, LocalEngine(2), kind="compare", command="test", progress=False)
    pd.testing.assert_frame_equal(
        _metrics(db, "k").drop(columns=["error"], errors="ignore"),
        _metrics(clean, "k").drop(columns=["error"], errors="ignore"),
    )


def _fail_runs_of(monkeypatch, workers_per_grid):
    """Runs (in this process) with this many grid workers raise inside the model."""
    from cogov.experiments import runs

    real = runs.simulate

    def simulate(params, **kw):
        if params.grid.workers_per_grid == workers_per_grid:
            raise RuntimeError("the model broke on purpose")
        return real(params, **kw)

    monkeypatch.setattr(runs, "simulate", simulate)


def test_failing_run_is_recorded_and_the_batch_goes_on(tmp_path, monkeypatch):
    _fail_runs_of(monkeypatch, 3)
    d = build_design(
        {
            "name": "f",
            "base": "administrative_only",
            "replicates": 2,
            "steps": 30,
            "set": dict(SMALL),
            "factorial": {"grid.workers_per_grid": [1, 3]},
        },
        "test",
    )
    db = open_db(tmp_path / "f.db")
    summary = run_design(db, d, LocalEngine(1), kind="sweep", command="test", progress=False)
    assert summary.failed == 2
    rows = list(db.query("select point, status, error from runs order by id"))
    failed = [r for r in rows if r["status"] == "failed"]
    assert len(failed) == 2 and all("broke on purpose" in r["error"] for r in failed)
    assert {r["status"] for r in rows if "=1" in r["point"]} == {"done"}


def test_design_files_ship_and_errors_are_clear(tmp_path):
    assert len(load_design("grid_budget_ladder").points()) == 27
    assert load_design("institutional_lhs").lhs.samples == 40
    bad = tmp_path / "bad.toml"
    bad.write_text('base = "co_governance"\n[factorial]\ngrid.workers_per_gird = [1, 2]\n', encoding="utf-8")
    msg = str(pytest.raises(DesignError, load_design, bad).value)
    assert str(bad) in msg and "grid.workers_per_gird" in msg
    bad.write_text('base = "co_governance"\n[factorial]\ngrid.admin_burden = [0.5, 1.5]\n', encoding="utf-8")
    msg = str(pytest.raises(DesignError, load_design, bad).value)
    assert str(bad) in msg and "grid.admin_burden" in msg and "1.5" in msg
    bad.write_text('base = "co_governance"\nreplicates = 0\n', encoding="utf-8")
    assert "replicates" in str(pytest.raises(DesignError, load_design, bad).value)


@pytest.mark.slow
def test_unreachable_scheduler_is_one_line(tmp_path):
    with pytest.raises(EngineError, match="cannot reach the Dask scheduler"):
        DaskEngine("tcp://127.0.0.1:9", 1)
    res = CliRunner().invoke(
        main,
        [
            "compare",
            "--replicates",
            "1",
            "--engine",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--db",
            str(tmp_path / "x.db"),
            "--no-report",
        ],
    )
    assert res.exit_code == 2 and "cannot reach the Dask scheduler" in res.output
    assert "Traceback" not in res.output


def test_export_csv_and_parquet(tmp_path):
    d = _design(replicates=2)
    db = open_db(tmp_path / "e.db")
    run_design(db, d, LocalEngine(1), kind="compare", command="test", progress=False)
    paths = export_experiment(db, d.name, tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == ["runs.csv", "runs.parquet", "timeseries.csv", "timeseries.parquet"]
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert len(runs) == 4 and "resolution_rate" in runs and "seed" in runs
    assert len(pd.read_csv(tmp_path / "out" / "timeseries.csv")) == 4 * 60
    with pytest.raises(KeyError):
        export_experiment(db, "nope", tmp_path / "out")


def test_report_of_an_experiment_without_finished_runs(tmp_path, monkeypatch):
    from cogov.experiments.report import write_report

    _fail_runs_of(monkeypatch, 3)
    d = build_design(
        {
            "name": "allfail",
            "base": "administrative_only",
            "replicates": 1,
            "steps": 10,
            "set": {**SMALL, "grid.workers_per_grid": 3},
        },
        "test",
    )
    db = open_db(tmp_path / "a.db")
    assert run_design(db, d, LocalEngine(1), kind="sweep", command="test", progress=False).failed == 1
    paths = write_report(db, "allfail", tmp_path / "out", lang="en")
    assert paths["html"].exists() and "allfail" in paths["html"].read_text(encoding="utf-8")


def test_numbers_missing_in_the_first_rows_are_stored_as_numbers(tmp_path):
    """A series empty on its first days (resolution rate) or a metric one run cannot compute must
    not turn its column into text."""
    from cogov.model import load_scenario, simulate

    db = open_db(tmp_path / "t.db")
    sc = load_scenario("co_governance", {"population.residents": 300})
    first = simulate(sc.params, seed=1, steps=60)
    assert first.timeseries["resolution_rate"].isna().iloc[0]
    record_run(
        db,
        {"id": "a", "experiment": "e", "status": "done"},
        {**first.metrics, "case_satisfaction": None},
        first.timeseries,
    )
    record_run(db, {"id": "b", "experiment": "e", "status": "done"}, first.metrics, first.timeseries)
    kinds = {k for (k,) in db.execute("select distinct typeof(resolution_rate) from timeseries")}
    assert kinds == {"null", "real"}
    assert {k for (k,) in db.execute("select typeof(case_satisfaction) from metrics")} == {"null", "real"}


def test_stored_metrics_come_back_as_numbers_even_when_the_first_run_had_none(tmp_path):
    """SQLite keeps a column's first type: a metric that was none in the first run is read back as a number."""
    from cogov.experiments.store import load_runs, load_timeseries, open_db

    db = open_db(tmp_path / "t.db")
    db["runs"].insert_all(
        [{"id": i, "experiment": "e", "point": "p", "replicate": i, "status": "done"} for i in (1, 2)]
    )
    db["metrics"].insert_all([{"run_id": 1, "resolution_rate": None}, {"run_id": 2, "resolution_rate": "0.5"}])
    db["timeseries"].insert_all([{"run_id": 1, "day": 0, "petitions": None}, {"run_id": 2, "day": 0, "petitions": "3"}])
    runs = load_runs(db, "e")
    assert runs["resolution_rate"].dtype.kind == "f" and runs["resolution_rate"].tolist()[1] == 0.5
    assert list(runs.columns).count("run_id") == 1
    assert load_timeseries(db, "e")["petitions"].tolist()[1] == 3


@pytest.mark.parametrize("series, days", [("daily", 30), ("weekly", 5), ("none", 0)])
def test_a_batch_keeps_as_much_of_the_series_as_asked_and_still_reports(tmp_path, series, days):
    """--series weekly keeps each week's last day and the run's last day; none keeps only metrics."""
    from cogov.experiments.report import write_report
    from cogov.experiments.store import load_runs, load_timeseries

    db = tmp_path / "s.db"
    args = [
        "compare",
        "--scenarios",
        "administrative_only,co_governance",
        "--replicates",
        "2",
        "--steps",
        "30",
        "--set",
        "population.residents=500",
        "--db",
        str(db),
        "--no-report",
        "--workers",
        "1",
    ]
    r = CliRunner().invoke(main, [*args, "--series", series])
    assert r.exit_code == 0, r.output
    store = sqlite_utils.Database(db)
    ts = load_timeseries(store, "compare")
    assert len(load_runs(store, "compare")) == 4
    assert len(ts) == 4 * days
    if series == "weekly":
        assert sorted(set(ts["day"])) == [6, 13, 20, 27, 29]
    paths = write_report(store, "compare", tmp_path / "out", lang="en")
    assert paths["html"].is_file()
    again = CliRunner().invoke(main, [*args, "--series", "daily" if series != "daily" else "none"])
    assert again.exit_code == 2 and "different design" in again.output  # resuming keeps the series choice


def test_a_stored_series_reads_back_exactly(tmp_path):
    """The writer's fast path (one float array a run) loses nothing: whole numbers stay whole, NaN is none."""
    from cogov.experiments.runs import RunSpec, run_row
    from cogov.experiments.store import load_timeseries, open_db, record_run
    from cogov.model import load_scenario, simulate

    sc = load_scenario("co_governance", {"population.residents": 500})
    result = simulate(sc.params, seed=3, steps=40)
    ts = result.timeseries.copy()
    ts.loc[5, "resolution_rate"] = float("nan")
    db = open_db(tmp_path / "t.db")
    spec = RunSpec(experiment="e", point="p", scenario="co_governance", overrides=(), replicate=0, seed=3, steps=40)
    record_run(db, run_row(spec, sc.resolved(), 0.1, "test"), result.metrics, ts)
    back = load_timeseries(db, "e")[list(ts.columns)]
    pd.testing.assert_frame_equal(back, ts.apply(pd.to_numeric), check_dtype=False)  # a rate not yet known is NaN
    assert db.execute("select typeof(day), typeof(petitions) from timeseries limit 1").fetchone() == (
        "integer",
        "integer",
    )
