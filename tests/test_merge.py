"""Shards and merging: a design run in disjoint shards, each into a store of its own, merges into
the same experiment as one batch; merging keeps one row per run, refuses stores that disagree,
changes nothing the second time, and leaves the target as it was when a merge fails."""

import sqlite3

import pandas as pd
import pytest
from click.testing import CliRunner
from cogov.experiments import merge as merging
from cogov.experiments.batch import run_design
from cogov.experiments.cli import main
from cogov.experiments.design import build_design
from cogov.experiments.engine import LocalEngine
from cogov.experiments.merge import merge_stores
from cogov.experiments.store import StoreError, load_runs, load_timeseries, open_db

TIMING = ["seconds", "worker", "finished_at"]


def _design(**extra):
    data = {
        "name": "m",
        "scenarios": ["administrative_only", "co_governance"],
        "replicates": 3,
        "steps": 40,
        "master_seed": 9,
        "set": {"population.residents": 600},
    }
    return build_design({**data, **extra}, "test")


def _run(path, design=None, shard=None):
    db = open_db(path)
    run_design(db, design or _design(), LocalEngine(1), kind="compare", command="test", progress=False, shard=shard)
    return db


def _runs(db, name="m"):
    return load_runs(db, name).drop(columns=TIMING).set_index("id").sort_index().sort_index(axis=1)


def _counts(path):
    with sqlite3.connect(path) as c:
        return {t: c.execute(f"select count(*) from [{t}]").fetchone()[0] for t in ("runs", "metrics", "timeseries")}


@pytest.fixture
def shards(tmp_path):
    paths = [tmp_path / f"s{k}.db" for k in (1, 2, 3, 4)]
    for k, path in enumerate(paths, 1):
        _run(path, shard=(k, 4))
    return paths


def test_shards_are_disjoint_and_merge_into_the_whole_batch(tmp_path, shards):
    ids = [set(load_runs(open_db(s, write=False), "m")["id"]) for s in shards]
    assert sum(map(len, ids)) == len(_design().specs()) == len(set().union(*ids))  # 6 runs: 2, 2, 1, 1
    whole = _run(tmp_path / "whole.db")
    summaries = merge_stores(tmp_path / "all.db", shards)
    assert [s.copied for s in summaries] == [len(i) for i in ids] and all(s.kept == 0 for s in summaries)
    merged = open_db(tmp_path / "all.db", write=False)
    pd.testing.assert_frame_equal(_runs(merged), _runs(whole))
    pd.testing.assert_frame_equal(load_timeseries(merged, "m"), load_timeseries(whole, "m"))
    row = merged["experiments"].get("m")
    assert row["design"] == whole["experiments"].get("m")["design"]
    assert row["seconds"] == max(open_db(s, write=False)["experiments"].get("m")["seconds"] for s in shards)


def test_merging_again_changes_nothing(tmp_path, shards):
    merge_stores(tmp_path / "all.db", shards)
    before = _counts(tmp_path / "all.db")
    again = merge_stores(tmp_path / "all.db", shards[::-1])
    assert all(s.copied == 0 for s in again) and sum(s.kept for s in again) == before["runs"]
    assert _counts(tmp_path / "all.db") == before


def test_a_finished_run_replaces_a_failed_one_and_never_the_reverse(tmp_path, monkeypatch):
    from cogov.experiments import runs

    real = runs.simulate

    def broken(params, **kw):
        if params.self_governance.deliberation:  # co_governance's runs fail
            raise RuntimeError("broke on purpose")
        return real(params, **kw)

    monkeypatch.setattr(runs, "simulate", broken)
    _run(tmp_path / "failed.db")
    monkeypatch.setattr(runs, "simulate", real)
    _run(tmp_path / "done.db")
    merge_stores(tmp_path / "a.db", [tmp_path / "failed.db", tmp_path / "done.db"])
    merge_stores(tmp_path / "b.db", [tmp_path / "done.db", tmp_path / "failed.db"])
    for target in ("a.db", "b.db"):
        db = open_db(tmp_path / target, write=False)
        assert {r["status"] for r in db.query("select status from runs")} == {"done"}
        assert _counts(tmp_path / target) == _counts(tmp_path / "done.db")
        pd.testing.assert_frame_equal(_runs(db), _runs(open_db(tmp_path / "done.db", write=False)))


def test_stores_that_disagree_are_refused(tmp_path, shards):
    merge_stores(tmp_path / "all.db", shards[:1])
    _run(tmp_path / "other.db", _design(master_seed=10))
    with pytest.raises(StoreError, match="another design"):
        merge_stores(tmp_path / "all.db", [tmp_path / "other.db"])
    with sqlite3.connect(shards[0]) as c:  # the same design from other code
        c.execute("update experiments set code_version = 'abc123'")
    with pytest.raises(StoreError, match="another code version.*abc123"):
        merge_stores(tmp_path / "all.db", [shards[0]])
    # a run stored with other numbers than the same run elsewhere
    tampered = tmp_path / "tampered.db"
    with sqlite3.connect(shards[1]) as src, sqlite3.connect(tampered) as c:
        src.backup(c)
        rid = c.execute("select run_id from metrics limit 1").fetchone()[0]
        c.execute("update metrics set trust_mean = trust_mean + 1e-9 where run_id = ?", [rid])
    merge_stores(tmp_path / "all.db", [shards[1]])
    with pytest.raises(StoreError, match=f"run .{rid}.*trust_mean"):
        merge_stores(tmp_path / "all.db", [tampered])


def test_a_failed_merge_leaves_the_target_as_it_was(tmp_path, shards, monkeypatch):
    merge_stores(tmp_path / "all.db", shards[:2])
    before = _counts(tmp_path / "all.db")
    real = merging._add_missing

    def fail_at_series(conn, table):
        if table == "timeseries":  # after the shard's runs and metrics went in
            raise sqlite3.OperationalError("disk I/O error")
        return real(conn, table)

    monkeypatch.setattr(merging, "_add_missing", fail_at_series)
    with pytest.raises(StoreError, match="s3.db"):
        merge_stores(tmp_path / "all.db", shards[2:])
    assert _counts(tmp_path / "all.db") == before
    monkeypatch.setattr(merging, "_add_missing", real)
    merge_stores(tmp_path / "all.db", shards[2:])
    assert _counts(tmp_path / "all.db")["runs"] == len(_design().specs())


def _said(out) -> str:
    return " ".join(out.output.split())  # the console wraps long lines


def test_command_line_shards_merge_and_say_what_is_wrong(tmp_path):
    runner = CliRunner()
    args = ["compare", "--scenarios", "administrative_only", "--replicates", "2", "--steps", "20", "--name", "c"]
    args += ["--set", "population.residents=500", "--workers", "1"]
    for k in (1, 2):
        out = runner.invoke(main, [*args, "--shard", f"{k}/2", "--db", str(tmp_path / f"{k}.db")])
        assert out.exit_code == 0 and f"shard {k}/2: 1 of them" in _said(out) and "cogov merge" in _said(out)
    out = runner.invoke(main, ["merge", str(tmp_path / "all.db"), str(tmp_path / "1.db"), str(tmp_path / "2.db")])
    assert out.exit_code == 0 and _said(out).count("1 run merged, 0 already") == 2
    assert runner.invoke(main, ["report", "c", "--db", str(tmp_path / "all.db"), "--lang", "en"]).exit_code == 0
    bad = [
        ([*args, "--shard", "3/2", "--db", str(tmp_path / "x.db")], "--shard"),
        ([*args, "--shard", "a/b", "--db", str(tmp_path / "x.db")], "--shard"),
        ([*args, "--shard", "1/2", "--budget-matched", "--db", str(tmp_path / "x.db")], "give --budget"),
        (["merge", str(tmp_path / "x.db"), str(tmp_path / "missing.db")], "missing.db: no such"),
    ]
    out = runner.invoke(
        main,
        [
            "run",
            "co_governance",
            "--steps",
            "10",
            "--set",
            "population.residents=300",
            "--db",
            str(tmp_path / "one.db"),
        ],
    )
    assert out.exit_code == 0  # a store of single runs merges too: their ids are unique
    out = runner.invoke(main, ["merge", str(tmp_path / "all.db"), str(tmp_path / "one.db")])
    assert out.exit_code == 0 and "1 run merged" in _said(out)
    assert _counts(tmp_path / "all.db")["runs"] == 3
    (tmp_path / "junk.db").write_text("not a database")
    bad.append((["merge", str(tmp_path / "x.db"), str(tmp_path / "junk.db")], "junk.db"))
    for argv, words in bad:
        out = runner.invoke(main, argv)
        assert out.exit_code == 2 and words in _said(out) and "Traceback" not in out.output, argv
    assert not (tmp_path / "x.db").exists()  # nothing was written for a bad command
