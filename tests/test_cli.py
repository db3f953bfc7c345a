"""The command line and the run store."""

import json
import subprocess
import sys

import sqlite_utils
from click.testing import CliRunner
from cogov.experiments.cli import main
from cogov.model import threads
from cogov.model.levers import lever_table


def test_run_json_is_one_object(tmp_path):
    db = tmp_path / "r.db"
    res = CliRunner().invoke(main, ["run", "co_governance", "--seed", "3", "--steps", "60", "--json", "--db", str(db)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["scenario"] == "co_governance" and out["seed"] == 3 and out["steps"] == 60
    assert "resolution_rate" in out and "cost_per_resolved" in out


def test_run_gives_the_same_numbers_on_one_thread_or_two():
    assert 2 * threads.MIN_RESIDENTS_PER_THREAD <= 200_000  # enough residents for a second thread
    args = ["run", "co_governance", "--steps", "8", "--json", "--no-store", "--set", "population.residents=200000"]
    outs = [CliRunner().invoke(main, [*args, "--threads", t]) for t in ("1", "2")]
    assert all(r.exit_code == 0 for r in outs), [r.output for r in outs]
    assert json.loads(outs[0].stdout) == json.loads(outs[1].stdout)


def test_run_is_recorded_with_params_series_and_events(tmp_path):
    db = tmp_path / "r.db"
    res = CliRunner().invoke(
        main, ["run", "legal_grid", "--steps", "90", "--events", "--db", str(db), "--set", "grid.workers_per_grid=2"]
    )
    assert res.exit_code == 0, res.output
    assert "resolution_rate" in res.output
    s = sqlite_utils.Database(db)
    run = list(s["runs"].rows)[0]
    assert run["scenario"] == "legal_grid" and run["status"] == "done" and run["code_version"]
    assert json.loads(run["params"])["grid"]["workers_per_grid"] == 2
    assert json.loads(run["overrides"]) == {"grid.workers_per_grid": 2}
    assert s["metrics"].count == 1 and s["timeseries"].count == 90
    events = list(s["events"].rows)
    assert events and {e["event"] for e in events} >= {"arose", "discovered", "routed"}


def test_scenarios_and_levers_list(tmp_path):
    res = CliRunner().invoke(main, ["scenarios"])
    assert res.exit_code == 0 and "co_governance" in res.output and "多元共治" in res.output
    res = CliRunner().invoke(main, ["levers", "--markdown"])
    assert res.exit_code == 0
    for lv in lever_table():
        assert f"| {lv.name} |" in res.output


def test_every_lever_documented():
    design = [
        "population.residents",
        "population.migrant_share",
        "population.elderly_share",
        "population.initial_trust",
        "population.initial_public_spirit",
        "grid.residents_per_grid",
        "grid.workers_per_grid",
        "grid.onsite_mediation",
        "grid.admin_burden",
        "grid.patrol_strategy",
        "routing.ladder",
        "offices.capacity_per_day",
        "offices.silo_penalty",
        "offices.assessment_pressure",
        "social_orgs.staff",
        "social_orgs.independence",
        "purchase.budget_per_year",
        "purchase.cost_per_staff",
        "purchase.tendering",
        "volunteers.cultivation",
        "self_governance.deliberation",
        "channels.hotline",
        "smart.data_platform",
        "prevention.risk_assessment",
        "prevention.virtue",
        "petition.response",
        "campaign.start_day",
        "campaign.end_day",
        "campaign.multiplier",
        "shocks",
    ]
    names = {lv.name for lv in lever_table()}
    assert set(design) <= names
    for lv in lever_table():
        assert lv.unit and lv.source and lv.en, lv.name
        if lv.source.startswith("assumption") and lv.kind in ("float", "int"):
            assert any(ch.isdigit() for ch in lv.source), f"{lv.name}: an assumption needs a range"


def test_lever_docs_are_generated_from_the_schema():
    from pathlib import Path

    from cogov.experiments.docs_gen import levers_markdown

    doc = (Path(__file__).parent.parent / "docs" / "levers.md").read_text(encoding="utf-8")
    assert levers_markdown(lever_table()) in doc, "docs/levers.md is stale: run `make docs`"


def test_the_command_line_loads_no_heavy_library_until_a_command_runs():
    """`cogov --help` and argument errors answer at once (benchmarks/startup.py times them)."""
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom cogov.experiments.cli import main\n"
        "for args in (['--help'], ['run', '--help'], ['sensitivity', '--top', '0', 'x']):\n"
        "    CliRunner().invoke(main, args)\n"
        "print(sorted(m for m in ('numpy', 'pandas', 'scipy', 'mesa', 'pydantic', 'matplotlib', 'sqlite_utils')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
