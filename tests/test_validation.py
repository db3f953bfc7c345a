"""Bad input stops with one clear message: file, field, value, what is allowed — no traceback."""

import pytest
from click.testing import CliRunner
from cogov.experiments.cli import main
from cogov.model import ScenarioError, load_scenario


def _write(tmp_path, text, name="bad.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_lever_in_file(tmp_path):
    path = _write(tmp_path, 'extends = "base"\n[grid]\nworkers_per_gird = 2\n')
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    msg = str(e.value)
    assert str(path) in msg and "grid.workers_per_gird" in msg and "grid.workers_per_grid" in msg


def test_out_of_range_value_in_file(tmp_path):
    path = _write(tmp_path, 'extends = "base"\n[grid]\nadmin_burden = 1.5\n')
    msg = str(pytest.raises(ScenarioError, load_scenario, path).value)
    assert str(path) in msg and "grid.admin_burden" in msg and "1.5" in msg and "0 – 1" in msg


def test_wrong_type_and_choice(tmp_path):
    path = _write(tmp_path, 'extends = "base"\n[routing]\nladder = "anarchy"\n[population]\nresidents = "many"\n')
    msg = str(pytest.raises(ScenarioError, load_scenario, path).value)
    assert "routing.ladder" in msg and "anarchy" in msg and "triage" in msg
    assert "population.residents" in msg and "many" in msg


def test_bad_override():
    msg = str(pytest.raises(ScenarioError, load_scenario, "co_governance", ["offices.silo_penalty=2"]).value)
    assert "--set" in msg and "offices.silo_penalty" in msg and "2" in msg


def test_override_applies():
    sc = load_scenario("co_governance", ["grid.workers_per_grid=2.5", "routing.ladder=local_first"])
    assert sc.params.grid.workers_per_grid == 2.5 and sc.params.routing.ladder == "local_first"
    assert sc.overrides == {"grid.workers_per_grid": 2.5, "routing.ladder": "local_first"}


def test_invalid_toml_and_cycle(tmp_path):
    path = _write(tmp_path, "[grid\n")
    assert str(path) in str(pytest.raises(ScenarioError, load_scenario, path).value)
    a = _write(tmp_path, 'extends = "b.toml"\n', "a.toml")
    _write(tmp_path, 'extends = "a.toml"\n', "b.toml")
    assert "cycle" in str(pytest.raises(ScenarioError, load_scenario, a).value)


@pytest.mark.parametrize(
    "overrides, needle",
    [
        (["grid.patrol_strategy=risk_targeted"], "smart.data_platform"),
        (["campaign.start_day=50", "campaign.end_day=10"], "campaign.end_day"),
        (
            ['shocks=[{category = "land", grids = [99], start = 0, duration = 5, multiplier = 2.0}]'],
            r"shocks\[0\]\.grids",
        ),
        (['smart.data_platform="yes"'], "smart.data_platform"),
    ],
)
def test_lever_combinations_are_checked_when_the_scenario_is_read(overrides, needle):
    """The schema judges combinations, so a sweep refuses such a point before any run."""
    with pytest.raises(ScenarioError, match=needle):
        load_scenario("administrative_only", overrides)


@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "co_governance", "--set", "grid.admin_burden=1.5"], "grid.admin_burden"),
        (["run", "co_governance", "--set", "nonsense"], "section.field=value"),
        (["run", "no_such_preset"], "not found"),
        (["run", "administrative_only", "--set", "grid.patrol_strategy=risk_targeted"], "data_platform"),
    ],
)
def test_cli_reports_errors_without_traceback(args, needle, tmp_path):
    result = CliRunner().invoke(main, args + ["--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output
