"""`cogov sensitivity`: ranges read from the sources, factors of every kind, Morris and Sobol end to
end through the batch engine into a store, a lever that cannot matter gets no effect, reruns
resume without new runs, clear errors."""

import pandas as pd
import pytest
from click.testing import CliRunner
from cogov.experiments.cli import main
from cogov.experiments.factors import Factor, assumption_levers, assumption_range
from cogov.experiments.sensitivity import resolve_factors
from cogov.experiments.store import open_db
from cogov.model.levers import lever_index
from cogov.model.scenario import ScenarioError

TINY = ["--set", "population.residents=300", "--steps", "60", "--workers", "1"]


def _count(db_path, experiment):
    db = open_db(db_path)
    return db.execute("select count(*) from runs where experiment = ?", [experiment]).fetchone()[0]


def test_ranges_come_from_the_sources():
    idx = lever_index()
    assert assumption_range(idx["grid.admin_burden"]) == (0.1, 0.7)  # "assumption: 0.1–0.7; seed 001 …"
    assert assumption_range(idx["grid.worker_cost_per_year"]) == (40_000, 120_000)  # "¥40,000–120,000"
    lo, hi = assumption_range(idx["categories.land.intensity_mean"])  # "±0.15 around the default" (0.4)
    assert (lo, hi) == pytest.approx((0.25, 0.55))
    lo, hi = assumption_range(idx["categories.labor.share"])  # "±50%" of 0.08
    assert (lo, hi) == pytest.approx((0.04, 0.12))
    lo, hi = assumption_range(idx["categories.land.growth_per_day"])  # "×0.5–×2" of 0.008
    assert (lo, hi) == pytest.approx((0.004, 0.016))
    assert assumption_range(idx["disputes.rigid_soft_factor"]) == (0.0, 0.3)  # "value assumption 0–0.3"
    assert assumption_range(idx["grid.skill"])[1] <= idx["grid.skill"].high
    assert assumption_range(idx["grid.workers_per_grid"]) is None  # a seed figure, not an assumption


def test_default_levers_are_the_assumptions_without_scale():
    names = {lv.name for lv in assumption_levers()}
    assert "population.residents" not in names
    assert {"grid.admin_burden", "offices.silo_penalty", "disputes.incidence_per_year"} <= names
    assert all("assumption" in lv.source for lv in assumption_levers())


def test_factor_kinds():
    assert Factor("grid.onsite_mediation", "bool", levels=(False, True)).value(0.7) is True
    ladder = Factor("routing.ladder", "choice", levels=("administrative", "local_first", "triage"))
    assert [ladder.value(u) for u in (0.0, 0.5, 1.0)] == ["administrative", "local_first", "triage"]
    assert Factor("petition.group_parties", "int", 3, 10).value(0.5) == 6


def test_contrast_skips_levers_the_presets_set_differently():
    factors, notes = resolve_factors(
        ["social_orgs.staff=0:10", "grid.skill", "offices.skill"], "co_governance", "administrative_only", {}
    )
    assert [f.name for f in factors] == ["grid.skill", "offices.skill"]
    assert any("social_orgs.staff" in n and "skipped" in n for n in notes)
    with pytest.raises(ScenarioError, match="grid.wrkers"):
        resolve_factors(["grid.wrkers", "grid.skill"], "co_governance", None, {})
    with pytest.raises(ScenarioError, match="workers_per_grid=LOW:HIGH"):
        resolve_factors(["grid.workers_per_grid", "grid.skill"], "co_governance", None, {})


def test_morris_end_to_end_resumes_and_finds_no_effect_where_there_is_none(tmp_path):
    db, out = tmp_path / "s.db", tmp_path / "out"
    args = [
        "sensitivity",
        "co_governance",
        "--levers",
        "grid.skill,offices.capacity_per_day,petition.handle_cost",
        "--outputs",
        "resolution_rate,cost_total,petitions_per_10k",
        "-N",
        "2",
        "--replicates",
        "2",
        "--name",
        "sens",
        "--db",
        str(db),
        "--out",
        str(out),
        # big and long enough that cases are judged and the resolution rate varies between runs
        *["--set", "population.residents=2000", "--steps", "120", "--workers", "1"],
    ]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    runs = (3 + 1) * 2 * 2  # (levers + 1) × trajectories × replicates
    assert _count(db, "sens") == runs
    for f in ("sensitivity.csv", "sensitivity.md", "morris_resolution_rate.png", "morris_cost_total.png"):
        assert (out / f).is_file(), f
    table = pd.read_csv(out / "sensitivity.csv")
    assert {"mu_star", "mu_star_conf", "sigma", "rank"} <= set(table.columns)
    mu_star = table.set_index(["output", "lever"]).mu_star
    # the price of handling a petition is only a cost: it moves the cost, not the resolution rate,
    # which the other levers do move
    assert mu_star["resolution_rate", "petition.handle_cost"] == 0
    assert mu_star["resolution_rate", "grid.skill"] > 0 and mu_star["resolution_rate", "offices.capacity_per_day"] > 0
    assert mu_star["cost_total", "petition.handle_cost"] > 0 and mu_star["cost_total", "offices.capacity_per_day"] > 0
    # rerun: nothing new runs, the indices are recomputed from the store
    (out / "sensitivity.csv").unlink()
    r2 = CliRunner().invoke(main, args)
    assert r2.exit_code == 0, r2.output
    assert "0 runs" in r2.output and _count(db, "sens") == runs
    pd.testing.assert_frame_equal(pd.read_csv(out / "sensitivity.csv"), table)
    # another sample size under the same name is another design
    r3 = CliRunner().invoke(main, [a if a != "2" else "3" for a in args])
    assert r3.exit_code == 2 and "different design" in r3.output


def test_sobol_with_contrast_end_to_end(tmp_path):
    db, out = tmp_path / "s.db", tmp_path / "out"
    r = CliRunner().invoke(
        main,
        [
            "sensitivity",
            "co_governance",
            "--method",
            "sobol",
            "--contrast",
            "administrative_only",
            "--levers",
            "offices.capacity_per_day,grid.worker_cost_per_year",
            "--outputs",
            "resolution_rate,cost_total",
            "-N",
            "4",
            "--replicates",
            "1",
            "--name",
            "sob",
            "--db",
            str(db),
            "--out",
            str(out),
            *TINY,
        ],
    )
    assert r.exit_code == 0, r.output
    assert _count(db, "sob") == 4 * (2 + 2) * 2  # N × (levers + 2) rows × two presets
    table = pd.read_csv(out / "sensitivity.csv")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    # the cost moves with the grid workers' pay; on 300 residents for 60 days no case is resolved
    # under either preset, so the difference in resolution rate is 0 everywhere and has no indices
    assert set(table["output"]) == {"cost_total"} and table["ST"].notna().all()
    assert (out / "sobol_cost_total.png").is_file()
    report = (out / "sensitivity.md").read_text(encoding="utf-8")
    assert "administrative_only" in report
    assert "`resolution_rate`: 0 in every sample row" in report


def test_bad_lever_is_one_clear_line(tmp_path):
    r = CliRunner().invoke(
        main,
        [
            "sensitivity",
            "co_governance",
            "--levers",
            "grid.skill=0.9:0.1,offices.skill",
            "--db",
            str(tmp_path / "x.db"),
            *TINY,
        ],
    )
    assert r.exit_code == 2
    assert "grid.skill" in r.output and "low must be below high" in r.output


def test_the_analysis_report_is_also_a_self_contained_page(tmp_path):
    """Markdown and HTML, as compare writes: the figures embedded, text that looks like HTML shown as text."""
    import base64

    from cogov.experiments.documents import write_documents

    png = b"\x89PNG fake"
    (tmp_path / "fig.png").write_bytes(png)
    text = "# Title\n\n| lever | value |\n|---|---|\n| `grid.skill` | <b>0.5</b> |\n\n![a figure](fig.png)\n"
    paths = write_documents(text, tmp_path, "analysis", "Title")
    page = paths["html"].read_text(encoding="utf-8")
    assert paths["markdown"].read_text(encoding="utf-8") == text
    assert "<table>" in page and "<code>grid.skill</code>" in page and "&lt;b&gt;0.5&lt;/b&gt;" in page
    assert f"data:image/png;base64,{base64.b64encode(png).decode()}" in page and 'src="fig.png"' not in page


def test_sobol_of_outputs_no_lever_moves_says_so(tmp_path):
    """Every output constant over the sample (no case is resolved on 300 residents in 60 days):
    the command finishes and says why there are no indices, instead of dividing by zero."""
    r = CliRunner().invoke(
        main,
        ["sensitivity", "co_governance", "--method", "sobol", "--levers", "grid.skill,offices.skill"]
        + ["--outputs", "resolution_rate", "-N", "2", "--db", str(tmp_path / "s.db"), "--out", str(tmp_path)]
        + TINY,
    )
    assert r.exit_code == 0, r.output
    assert "`resolution_rate`: 0 in every sample row" in (tmp_path / "sensitivity.md").read_text(encoding="utf-8")
