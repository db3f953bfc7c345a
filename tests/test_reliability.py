"""Nothing breaks (issue 10): concurrent writers keep every run, a crashed worker costs only its own
run, an unusable store or a hostile input is one line naming where the problem is (exit code 2),
an interruption ends cleanly with what is kept."""

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pandas as pd
import psutil
import pytest
from click.testing import CliRunner
from cogov.experiments import design as design_module
from cogov.experiments import interrupts
from cogov.experiments.batch import run_design
from cogov.experiments.cli import main
from cogov.experiments.design import Design, DesignError, build_design, check_name
from cogov.experiments.engine import WORKER_DIED, LocalEngine
from cogov.experiments.report import Report, write_report
from cogov.experiments.runs import execute
from cogov.experiments.store import StoreError, load_runs, open_db, record_run, store_error
from cogov.model import run as run_module

SMALL = {"population.residents": 300}
PRESETS = ["administrative_only", "co_governance"]


def _design(name="t", replicates=2, steps=20, **extra):
    data = {
        "name": name,
        "scenarios": PRESETS,
        "replicates": replicates,
        "steps": steps,
        "master_seed": 3,
        "set": dict(SMALL),
        **extra,
    }
    return build_design(data, "test")


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(res, *needles):
    """Exit code 2, one line on stderr starting with `error:` and holding each needle, no traceback."""
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "Traceback" not in res.output
    for needle in needles:
        assert str(needle) in lines[0], (needle, lines[0])
    return lines[0]


def _rows_per_run(db_path):
    with sqlite3.connect(db_path) as c:
        return c.execute("select count(*), count(distinct id) from runs").fetchone()


# --- 1. concurrent writers ----------------------------------------------------------------------------


def test_a_writer_waits_for_another_instead_of_failing(tmp_path):
    path = tmp_path / "w.db"
    db = open_db(path)
    record_run(db, {"id": "a", "experiment": "e", "status": "done"}, {"x": 1.0})
    other = sqlite3.connect(path, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("insert into runs (id, experiment, status) values ('b', 'e', 'done')")
    threading.Timer(0.5, other.commit).start()  # the other writer commits while we wait
    record_run(db, {"id": "c", "experiment": "e", "status": "done"}, {"x": 2.0})
    assert {r["id"] for r in db.query("select id from runs")} == {"a", "b", "c"}
    assert db["metrics"].count == 2


@pytest.mark.slow
def test_two_sweeps_and_single_runs_into_one_database_all_finish(tmp_path):
    db = tmp_path / "shared.db"
    common = ["--steps", "20", "--set", "population.residents=300", "--db", str(db)]
    batch = ["compare", "--replicates", "3", "--scenarios", ",".join(PRESETS), "--no-report", "--workers", "1"]
    commands = [
        [*batch, "--name", "one", *common],
        [*batch, "--name", "two", *common],
        *[["run", "co_governance", "--seed", str(i), *common] for i in range(3)],
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cogov", *c], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for c in commands
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), errors
    assert _rows_per_run(db) == (2 * 6 + 3, 2 * 6 + 3)
    with sqlite3.connect(db) as c:
        assert c.execute("select count(*) from metrics").fetchone()[0] == 15
        assert c.execute("select count(*) from runs where status = 'done'").fetchone()[0] == 15


# --- 2. crashed local workers ---------------------------------------------------------------------------


def kill_worker_on_co_governance(spec):
    """A run of co_governance kills the worker process running it, every time."""
    if spec.point == "co_governance":
        os.kill(os.getpid(), signal.SIGKILL)
    return execute(spec)


def _marker(experiment):
    return os.path.join(tempfile.gettempdir(), f"cogov-{experiment}.killed")


def kill_worker_once(spec):
    """The first run of co_governance to start kills its worker; the retry succeeds."""
    marker = _marker(spec.experiment)
    if spec.point == "co_governance" and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return execute(spec)


def _done_metrics(db, name):
    df = load_runs(db, name)
    df = df[df["status"] == "done"]
    return df[["id", "seed", "resolution_rate", "satisfaction_mean"]].set_index("id").sort_index()


def test_a_run_that_kills_its_worker_is_recorded_as_failed_and_the_batch_goes_on(tmp_path):
    d = _design(replicates=3, steps=60, set={"population.residents": 1000})  # outcomes that differ between runs
    db = open_db(tmp_path / "crash.db")
    summary = run_design(
        db, d, LocalEngine(2, task=kill_worker_on_co_governance), kind="compare", command="t", progress=False
    )
    assert summary.ran == 6 and summary.failed == 3
    rows = list(db.query("select point, status, error from runs"))
    assert len(rows) == 6
    assert {(r["point"], r["status"]) for r in rows} == {("administrative_only", "done"), ("co_governance", "failed")}
    assert all(r["error"] == WORKER_DIED for r in rows if r["status"] == "failed")
    clean = open_db(tmp_path / "clean.db")
    run_design(clean, d, LocalEngine(1), kind="compare", command="t", progress=False)
    survivors = _done_metrics(db, "t")
    assert survivors.resolution_rate.nunique() > 1 and survivors.satisfaction_mean.nunique() == 3, survivors
    pd.testing.assert_frame_equal(
        survivors, _done_metrics(clean, "t").loc[lambda f: f.index.str.contains("admin")], check_exact=True
    )


def test_a_worker_killed_once_costs_no_run(tmp_path):
    d = _design(name=f"once{uuid.uuid4().hex[:8]}", replicates=2)
    db = open_db(tmp_path / "once.db")
    summary = run_design(db, d, LocalEngine(2, task=kill_worker_once), kind="compare", command="t", progress=False)
    assert os.path.exists(_marker(d.name))
    os.remove(_marker(d.name))
    assert summary.failed == 0 and _rows_per_run(tmp_path / "once.db") == (4, 4)


@pytest.mark.slow
def test_dask_stores_a_run_that_keeps_killing_its_worker_as_failed(tmp_path):
    from cogov.experiments.engine import DaskEngine

    d = _design(name="dask_crash", replicates=1)
    db = open_db(tmp_path / "dask.db")
    summary = run_design(
        db, d, DaskEngine(None, 1, task=kill_worker_on_co_governance), kind="compare", command="t", progress=False
    )
    assert summary.failed == 1 and _rows_per_run(tmp_path / "dask.db") == (2, 2)
    error = db.execute("select error from runs where point = 'co_governance'").fetchone()[0]
    assert "KilledWorker" in error


# --- 4. experiment names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["..", ".", "...", "", "a/b", "x" * 101])
def test_names_that_are_not_folders_are_refused(name):
    with pytest.raises(DesignError):
        check_name(name)
    with pytest.raises(DesignError, match="allowed"):
        _design(name=name)


def test_name_rule_is_the_same_for_every_command(tmp_path):
    assert check_name("a.b-c_1") == "a.b-c_1"
    db = tmp_path / "n.db"
    for args in (
        ["compare", "--name", ".."],
        ["sensitivity", "co_governance", "--name", ".."],
        ["discover", "--name", ".."],
        ["calibrate", "--preset", "legal_grid", "--name", ".."],
    ):
        one_line_error(cli(*args, "--db", db), "'..'")
    open_db(db)
    one_line_error(cli("export", "..", "--db", db), "EXPERIMENT")


# --- 5. reports use the runs' own point labels -------------------------------------------------------------


def test_sweep_report_finds_its_points_when_levers_are_not_alphabetical(tmp_path):
    d = build_design(
        {
            "name": "order",
            "base": "administrative_only",
            "replicates": 1,
            "steps": 20,
            "set": SMALL,
            "factorial": {"routing.ladder": ["administrative", "triage"], "grid.workers_per_grid": [1, 2]},
        },
        "test",
    )
    db = open_db(tmp_path / "o.db")
    run_design(db, d, LocalEngine(1), kind="sweep", command="t", progress=False)
    rep = Report.load(db, "order", "en", tmp_path / "out")
    assert rep.points == [label for label, _, _ in d.points()] and len(rep.points) == 4
    md = write_report(db, "order", tmp_path / "out", lang="en")["markdown"].read_text(encoding="utf-8")
    assert "routing.ladder=triage, grid.workers_per_grid=2" in md


def test_a_stored_design_rebuilds_the_same_points():
    lhs = build_design(
        {
            "name": "l",
            "base": "co_governance",
            "replicates": 1,
            "set": SMALL,
            "lhs": {"samples": 5, "ranges": {"social_orgs.staff": [0.0, 1.0], "grid.workers_per_grid": [1, 3]}},
        },
        "test",
    )
    assert Design.model_validate(json.loads(lhs.as_json())).points() == lhs.points()


# --- 6. reports with metrics that have no values --------------------------------------------------------


def test_report_survives_a_key_metric_null_in_every_run_and_unknown_stored_metrics(tmp_path):
    d = _design(name="nulls")
    db = open_db(tmp_path / "n.db")
    run_design(db, d, LocalEngine(1), kind="compare", command="t", progress=False)
    db.execute("update metrics set resolution_rate = null")
    db.conn.commit()
    md = write_report(db, "nulls", tmp_path / "a", lang="en")["markdown"].read_text(encoding="utf-8")
    assert "Resident satisfaction" in md
    stored = json.loads(db["experiments"].get("nulls")["design"])
    db["experiments"].update("nulls", {"design": json.dumps({**stored, "metrics": ["no_such_metric"]})})
    assert write_report(db, "nulls", tmp_path / "b", lang="en")["html"].exists()


def test_design_metrics_must_be_metrics():
    with pytest.raises(DesignError, match="'no_such_metric' not a metric"):
        _design(metrics=["resolution_rate", "no_such_metric"])


# --- 7. store errors ---------------------------------------------------------------------------------------


@pytest.fixture
def no_simulation(monkeypatch):
    """`cogov run` must not simulate when the store cannot take the result."""

    def refuse(*a, **k):
        raise AssertionError("simulated although the store is unusable")

    monkeypatch.setattr(run_module, "simulate", refuse)


def _stored_db(tmp_path):
    db = open_db(tmp_path / "good.db")
    run_design(db, _design(name="e", replicates=1), LocalEngine(1), kind="compare", command="t", progress=False)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return tmp_path / "good.db"


def test_garbage_and_missing_folders_are_one_line_before_any_work(tmp_path, no_simulation):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database\n" * 100)
    one_line_error(cli("run", "co_governance", "--db", garbage), str(garbage), "not a usable cogov database")
    one_line_error(cli("sweep", "petition_response", "--db", garbage), str(garbage))
    one_line_error(cli("report", "e", "--db", garbage), str(garbage))
    under_a_file = garbage / "sub" / "x.db"
    one_line_error(cli("run", "co_governance", "--db", under_a_file), str(under_a_file), "give another database file")


def test_damaged_database_is_one_line(tmp_path):
    path = _stored_db(tmp_path)
    raw = bytearray(path.read_bytes())
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(bytes(raw[:4096]) + b"\xff" * (len(raw) - 4096))  # header kept, every page after it garbage
    one_line_error(cli("export", "e", "--db", damaged, "--out", tmp_path / "x"), str(damaged))
    one_line_error(cli("report", "e", "--db", damaged), str(damaged))
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(bytes(raw[: len(raw) // 3]))
    one_line_error(cli("export", "e", "--db", truncated, "--out", tmp_path / "y"), str(truncated))


def test_read_only_and_full_disk_say_what_to_do(tmp_path):
    msg = str(store_error("/r/cogov.db", sqlite3.OperationalError("attempt to write a readonly database")))
    assert msg.startswith("/r/cogov.db: cannot be written") and "give another database file" in msg
    db = open_db(tmp_path / "full.db")
    page_count = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {page_count + 4}")
    d = _design(name="full", replicates=1)
    with pytest.raises(StoreError, match="disk is full") as e:
        run_design(db, d, LocalEngine(1), kind="compare", command="t", progress=False)
    assert str(tmp_path / "full.db") in str(e.value)
    assert not isinstance(e.value.__context__, StoreError)  # the first failure, not the one of closing the batch


@contextlib.contextmanager
def _read_only(path):
    """`path` read-only for whoever runs the tests: root writes through permission bits, so for root
    the file is made immutable (chattr +i; CI runs as root), and made mutable again afterwards."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        yield
        return
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_read_only_file_is_one_line(tmp_path, no_simulation):
    path = _stored_db(tmp_path)
    with _read_only(path):
        one_line_error(cli("run", "co_governance", "--db", path), str(path), "cannot be written")


def test_unwritable_export_folder_is_one_line(tmp_path):
    path = _stored_db(tmp_path)
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    one_line_error(cli("export", "e", "--db", path, "--out", blocker / "out"), str(blocker / "out"), "--out")


# --- 8. user values print literally ------------------------------------------------------------------------


def test_user_values_are_not_read_as_markup():
    one_line_error(cli("run", "[/x]", "--no-store"), "'[/x]'")
    one_line_error(cli("run", "co_governance", "--set", "routing.ladder=[red]", "--no-store"), "'[red]'")


# --- 9. design size ----------------------------------------------------------------------------------------


def _big(values_per_lever: int, levers: int = 6, **extra):
    names = [
        "grid.workers_per_grid",
        "social_orgs.staff",
        "purchase.budget_per_year",
        "grid.admin_burden",
        "grid.residents_per_grid",
        "population.residents",
    ][:levers]
    return {
        "name": "big",
        "base": "co_governance",
        "replicates": 1,
        "factorial": {n: list(range(1, values_per_lever + 1)) for n in names},
        **extra,
    }


def test_design_size_is_counted_before_expanding(monkeypatch):
    monkeypatch.setattr(Design, "points", lambda self: pytest.fail("expanded a design that is too big"))
    with pytest.raises(DesignError, match=r"10,000,000,000 design points .* split the design"):
        build_design(_big(100, 5), "test", yes=True)
    with pytest.raises(DesignError, match=r"1,000,000 design points .* pass --yes"):
        build_design(_big(10, 6), "test")


def test_yes_runs_a_design_above_the_limit(monkeypatch):
    monkeypatch.setattr(design_module, "MAX_RUNS", 3)
    data = {"name": "y", "base": "co_governance", "replicates": 2, "factorial": {"grid.workers_per_grid": [1, 2]}}
    with pytest.raises(DesignError, match="2 design points × 2 replicates = 4 runs"):
        build_design(data, "test")
    assert len(build_design(data, "test", yes=True).specs()) == 4


# --- 10–12. odd files and values -----------------------------------------------------------------------------


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_odd_files_are_one_line(tmp_path):
    binary = _write(tmp_path, "binary.toml", b"\x00\x01\x02SQLite")
    one_line_error(cli("run", binary, "--no-store"), str(binary), "binary")
    latin = _write(tmp_path, "latin.toml", 'name = "caf\xe9"\n'.encode("latin-1"))
    one_line_error(cli("sweep", latin), str(latin), "not UTF-8")
    one_line_error(cli("calibrate", latin), str(latin), "not UTF-8")
    meta = _write(tmp_path, "meta.toml", 'meta = "text"\n')
    one_line_error(cli("run", meta, "--no-store"), str(meta), "`meta`")
    deep = _write(tmp_path, "deep.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n")
    one_line_error(cli("run", deep, "--no-store"), str(deep), "nested too deeply")
    one_line_error(cli("sweep", deep), str(deep), "nested too deeply")
    one_line_error(cli("run", "co_governance", "--set", "a.b=" + "[" * 3000 + "]" * 3000, "--no-store"), "nested")


def test_extends_cycles_through_dotted_paths_and_missing_parents_name_the_file(tmp_path):
    (tmp_path / "d").mkdir()
    a = _write(tmp_path / "d", "a.toml", 'extends = "../d/b.toml"\n')
    _write(tmp_path / "d", "b.toml", 'extends = "../d/a.toml"\n')
    one_line_error(cli("run", a, "--no-store"), "cycle")
    orphan = _write(tmp_path, "orphan.toml", 'extends = "no_such_preset"\n')
    one_line_error(cli("run", orphan, "--no-store"), f"{orphan}: `extends`", "'no_such_preset' not found")


def test_lever_combination_errors_name_the_file_or_option(tmp_path):
    """The combination is refused by the schema (model/params.py); the message says where it was set."""
    combo = _write(
        tmp_path,
        "combo.toml",
        'extends = "co_governance"\n[grid]\npatrol_strategy = "risk_targeted"\n[smart]\ndata_platform = false\n',
    )
    one_line_error(cli("run", combo, "--no-store"), f"{combo}:", "patrol_strategy")
    one_line_error(
        cli(
            "run",
            "co_governance",
            "--set",
            "grid.patrol_strategy=risk_targeted",
            "--set",
            "smart.data_platform=false",
            "--no-store",
        ),
        "--set grid.patrol_strategy",
    )


@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "x" * 5000], "not a preset name"),
        (["sweep", "x" * 5000], "not found"),
        (["run", "co_governance", "--seed", "-1"], "--seed"),
        (["run", "co_governance", "--seed", str(2**63)], "--seed"),
        (["compare", "--scenarios", "campaign,campaign"], "'campaign' is given twice"),
        (["sweep", "petition_response", "--engine", "dask", "--scheduler", "not a url", "--no-report"], "--scheduler"),
        (["sensitivity", "co_governance", "--outputs", "resolution_rate,nope"], "'nope'"),
        (["discover", "--uncertain", "trust.initial_mean=0:inf"], "finite"),
        (["calibrate", "--preset", "legal_grid", "--fit", "grid.workers_per_grid=nan:2"], "finite"),
    ],
)
def test_odd_values_are_one_line(tmp_path, args, needle):
    db = tmp_path / "v.db"
    one_line_error(cli(*args, "--db", db), needle)
    if "--scheduler" not in args:
        assert not db.exists()  # refused before any store or run


@pytest.mark.parametrize(
    "body, needle",
    [
        ("[lhs]\nsamples = 4\n[lhs.ranges]\ngrid.workers_per_grid = [1, inf]\n", "finite"),
        ("[lhs]\nsamples = 4\nranges = {}\n", "`lhs.ranges` is empty"),
        ("[factorial]\ngrid.workers_per_grid = []\n", "at least one value"),
        ("[factorial]\ngrid.workers_per_grid = [1, 2, 1]\n", "1 is given twice"),
        ('metrics = ["nope"]\n', "'nope' not a metric"),
    ],
)
def test_odd_designs_are_one_line(tmp_path, body, needle):
    path = _write(tmp_path, "d.toml", 'base = "co_governance"\n' + body)
    one_line_error(cli("sweep", path, "--db", tmp_path / "v.db"), str(path), needle)


@pytest.mark.parametrize("field", ["value = nan", "value = inf", "tolerance = inf", "tolerance = nan"])
def test_targets_must_be_finite(tmp_path, field):
    target = {
        "name": "t",
        "preset": "legal_grid",
        "metric": "resolution_rate",
        "value": 0.5,
        "tolerance": 0.1,
        "source": "s",
    }
    key = field.split()[0]
    lines = "\n".join(f"{k} = {json.dumps(v)}" for k, v in target.items() if k != key)
    path = _write(tmp_path, "t.toml", f"[[targets]]\n{lines}\n{field}\n")
    one_line_error(
        cli("calibrate", path, "--fit", "grid.workers_per_grid=1:2", "--db", tmp_path / "v.db"),
        str(path),
        f"`targets.0.{key}`",
    )


# --- 13. interruptions ---------------------------------------------------------------------------------------


def _start_batch(tmp_path, engine):
    db = tmp_path / "i.db"
    cmd = [
        sys.executable,
        "-m",
        "cogov",
        "compare",
        "--replicates",
        "10",
        "--steps",
        "1000",
        "--scenarios",
        ",".join(PRESETS),
        "--set",
        "population.residents=3000",
        "--db",
        str(db),
        "--no-report",
        "--workers",
        "2",
        "--name",
        "i",
        "--engine",
        engine,
    ]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        time.sleep(0.3)
        if db.exists() and _stored(db) >= 1 and len(psutil.Process(proc.pid).children(recursive=True)) >= 3:
            return proc, db
    proc.kill()
    pytest.fail("the batch stored nothing")


def _stored(db):
    try:
        with sqlite3.connect(db, timeout=30) as c:
            return c.execute("select count(*) from runs").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "how, engine, code", [("ctrl-c", "local", 130), ("sigterm", "local", 143), ("ctrl-c", "dask", 130)]
)
def test_interruption_ends_cleanly_with_the_summary(tmp_path, how, engine, code):
    proc, db = _start_batch(tmp_path, engine)
    children = psutil.Process(proc.pid).children(recursive=True)
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
    else:
        proc.terminate()  # the parent only
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and "WARNING" not in stderr and "interrupted:" in stderr, stderr
    gone, alive = psutil.wait_procs(children, timeout=60)
    assert not alive, alive
    rows, distinct = _rows_per_run(db)
    assert rows == distinct and f"interrupted: {rows} of 20 runs are stored" in stderr


# --- 14. report.md escapes text -------------------------------------------------------------------------------


def test_markdown_report_escapes_a_description(tmp_path):
    d = _design(name="html", replicates=1, description="<script>alert(1)</script> & more")
    db = open_db(tmp_path / "h.db")
    run_design(db, d, LocalEngine(1), kind="compare", command="t", progress=False)
    md = write_report(db, "html", tmp_path / "out", lang="en")["markdown"].read_text(encoding="utf-8")
    text = "".join(md.split("```")[::2])  # outside code blocks, where Markdown would render HTML
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in text


class _InterruptsWhenCollected:
    """Ctrl-C arriving while a finaliser runs, as it did once inside a Dask future's `__del__`."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here, inside the finaliser, which swallows what it raises


def _first_run_interrupts_in_a_finaliser(spec):
    if spec.replicate == 0 and spec.point == PRESETS[0]:
        _InterruptsWhenCollected()  # collected at once
    return execute(spec)


def test_an_interruption_a_finaliser_swallows_still_stops_the_batch(tmp_path, capfd):
    d = _design(replicates=3)
    db = open_db(tmp_path / "f.db")
    engine = LocalEngine(1, task=_first_run_interrupts_in_a_finaliser)
    with pytest.raises(KeyboardInterrupt), interrupts.caught():
        run_design(db, d, engine, kind="compare", command="t", progress=False)
    assert db["runs"].count == 1  # stopped after the run it was in, not at the end of the batch
    assert "Exception ignored" not in capfd.readouterr().err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


def test_ctrl_c_inside_a_command_is_one_line():
    """Ctrl-C while a command loads its libraries or simulates: one line, exit 130."""
    cogov = Path(sys.executable).parent / "cogov"
    proc = subprocess.Popen(
        [str(cogov), "run", "co_governance", "--steps", "3650", "--no-store"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and stderr.strip().splitlines() == ["interrupted; the command did not finish"], (
        stderr
    )
