"""Pattern-oriented validation: the facts' sources, their pass rules on synthetic stored data, the
`cogov validate` command end to end on tiny runs, and the facts section of the report."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from cogov.experiments import patterns as v
from cogov.experiments.batch import run_design
from cogov.experiments.cli import main
from cogov.experiments.design import build_design
from cogov.experiments.engine import LocalEngine
from cogov.experiments.report import write_report
from cogov.experiments.store import open_db

TINY = ["--replicates", "1", "--steps", "40", "--set", "population.residents=1000", "--workers", "1", "--no-report"]


# --- the records themselves -------------------------------------------------------------------------------


def test_every_quotation_is_on_its_cited_line():
    """Each fact quotes its seed line as docs/seed_passages.md (the project's copy of the cited
    passages) has it, and every seed file the thresholds cite is one of the five."""
    passages = (Path(__file__).resolve().parents[1] / "docs" / "seed_passages.md").read_text(encoding="utf-8")
    for fact in v.FACTS:
        file, line = fact.source.split(":")
        tag = f"seed {file[:3]} L{line}"
        lines = [text for text in passages.splitlines() if tag in text]
        assert any(fact.quote in text for text in lines), (fact.id, tag)
    cited = {m for f in v.FACTS for c in f.checks for m in re.findall(r"\d{3}_[0-9a-f]{16}\.txt:\d+", c.source)}
    assert cited and {ref.split(":")[0] for ref in cited} <= set(v.SEED_FILES.values())


def test_every_threshold_has_a_source():
    assert len(v.FACTS) >= 6 and len(set(v.FACT_IDS)) == len(v.FACTS)
    for fact in v.FACTS:
        assert fact.zh and fact.en and fact.needs and fact.checks
        for c in fact.checks:
            assert c.op in v.OPS and np.isfinite(c.threshold)
            assert re.search(r"\.txt:\d+", c.source) or "assumption" in c.source, (fact.id, c.value)
            assert c.value in fact.labels


def test_select():
    assert v.select(None) == v.FACTS
    assert [f.id for f in v.select("grassroots, jinjiang")] == ["grassroots", "jinjiang"]
    with pytest.raises(ValueError, match="unknown fact 'nope'"):
        v.select("grassroots,nope")


# --- pass rules on synthetic stored data -------------------------------------------------------------------


def synthetic(
    points: dict[v.Point, dict], series: dict[v.Point, dict] | None = None, residents=10_000, campaign=(90, 190)
) -> v.Data:
    """Stored runs as the store returns them: one row per replicate, metrics as columns."""
    runs, rows = [], []
    for p, metrics in points.items():
        n = max(len(x) for x in metrics.values()) if metrics else 2
        for r in range(n):
            rid = f"x/{p.label}#r{r}"
            params = {
                "population": {"residents": residents},
                "campaign": {"start_day": campaign[0], "end_day": campaign[1]},
            }
            runs.append(
                {
                    "id": rid,
                    "point": p.label,
                    "scenario": p.scenario,
                    "replicate": r,
                    "params": json.dumps(params),
                    **{k: vals[r] for k, vals in metrics.items()},
                }
            )
            for col, per_rep in (series or {}).get(p, {}).items():
                for day, x in enumerate(per_rep[r]):
                    rows.append({"run_id": rid, "point": p.label, "replicate": r, "day": day, col: x})
    ts = pd.DataFrame(rows)
    if len(ts):
        ts = ts.groupby(["run_id", "point", "replicate", "day"], as_index=False).first()
    return v.Data(pd.DataFrame(runs), ts if len(ts) else pd.DataFrame(columns=["run_id", "point", "replicate", "day"]))


def fact(fid):
    return next(f for f in v.FACTS if f.id == fid)


def test_level_rule_passes_and_fails_on_the_mean():
    ok = synthetic(
        {
            v.LEGAL: {"grassroots_resolution_share": [0.7, 0.8, 0.75]},
            v.GRAND: {"grassroots_resolution_share": [0.6, 0.65, 0.55]},
        }
    )
    res = v.evaluate(fact("grassroots"), ok)
    assert res.status == "pass" and res.observed["legal_grid"].mean == pytest.approx(0.75)
    assert res.observed["legal_grid"].low < 0.75 < res.observed["legal_grid"].high
    low = synthetic(
        {
            v.LEGAL: {"grassroots_resolution_share": [0.7, 0.8, 0.75]},
            v.GRAND: {"grassroots_resolution_share": [0.3, 0.4, 0.35]},
        }
    )
    res = v.evaluate(fact("grassroots"), low)
    assert res.status == "fail" and res.verdicts == {"legal_grid": True, "grand_mediation": False}


def test_difference_rule_and_missing_runs():
    f = fact("participation")
    up = synthetic({v.COGOV: {"participation_rate": [0.2, 0.22]}, v.ADMIN: {"participation_rate": [0.05, 0.06]}})
    assert v.evaluate(f, up).status == "pass"
    down = synthetic({v.COGOV: {"participation_rate": [0.05, 0.06]}, v.ADMIN: {"participation_rate": [0.2, 0.22]}})
    assert v.evaluate(f, down).status == "fail"
    half = synthetic({v.COGOV: {"participation_rate": [0.2, 0.22]}})
    res = v.evaluate(f, half)
    assert res.status == "not_run" and res.missing == ["administrative_only"]
    # the same label run from another scenario is not the point the fact needs
    other = synthetic(
        {
            v.COGOV: {"participation_rate": [0.2]},
            v.Point("administrative_only", "co_governance"): {"participation_rate": [0.1]},
        }
    )
    assert v.evaluate(f, other).status == "not_run"


def test_undefined_values_are_not_a_pass():
    f = fact("silo_delay")
    lo, hi = v.SILO.point(0.0), v.SILO.point(0.6)
    data = synthetic(
        {
            lo: {"median_days_to_resolve": [None, None], "transfers_per_case": [0.1, 0.1]},
            hi: {"median_days_to_resolve": [None, None], "transfers_per_case": [0.5, 0.6]},
        }
    )
    assert v.evaluate(f, data).status == "n/a"
    data = synthetic(
        {
            lo: {"median_days_to_resolve": [None, None], "transfers_per_case": [0.5, 0.6]},
            hi: {"median_days_to_resolve": [None, None], "transfers_per_case": [0.1, 0.1]},
        }
    )
    assert v.evaluate(f, data).status == "fail"


def _cumulative(rate_by_day, n_rep=3):
    return [np.cumsum(rate_by_day) + r for r in range(n_rep)]  # a constant offset per replicate


def test_campaign_gain_that_fades_passes_and_one_that_stays_fails():
    days = np.arange(300)
    base = np.full(300, 2.0)
    fading = np.where((days >= 90) & (days < 190), 4.0, 2.0)
    lasting = np.where(days >= 90, 4.0, 2.0)
    for camp, expected, retained in ((fading, "pass", 0.0), (lasting, "fail", 1.0)):
        data = synthetic(
            {v.CAMPAIGN: {"x": [0, 0, 0]}, v.ADMIN: {"x": [0, 0, 0]}},
            {v.CAMPAIGN: {"state_resolved": _cumulative(camp)}, v.ADMIN: {"state_resolved": _cumulative(base)}},
        )
        res = v.evaluate(fact("campaign_fades"), data)
        assert res.status == expected
        assert res.observed["gain_during"].mean == pytest.approx(2.0)
        assert res.observed["retained"].mean == pytest.approx(retained, abs=1e-9)
    short = synthetic(
        {v.CAMPAIGN: {"x": [0]}, v.ADMIN: {"x": [0]}},
        {
            v.CAMPAIGN: {"state_resolved": _cumulative(fading[:200], 1)},
            v.ADMIN: {"state_resolved": _cumulative(base[:200], 1)},
        },
    )
    assert v.evaluate(fact("campaign_fades"), short).status == "n/a"  # the run ends before the window after


def test_dependency_uses_the_change_over_the_run():
    falling = [np.linspace(0.40, 0.35, 50) + 0.01 * r for r in range(2)]
    rising = [np.linspace(0.40, 0.45, 50) + 0.01 * r for r in range(2)]
    data = synthetic(
        {v.ADMIN: {"x": [0, 0]}, v.COGOV: {"x": [0, 0]}},
        {v.ADMIN: {"public_spirit_mean": falling}, v.COGOV: {"public_spirit_mean": rising}},
    )
    res = v.evaluate(fact("dependency"), data)
    assert res.status == "pass"
    assert res.observed["change_admin"].mean == pytest.approx(-0.05)
    assert res.observed["admin_minus_cogov"].mean == pytest.approx(-0.10)


def test_welch_interval():
    e = v.diff_ci(np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 0.0]))
    assert e.mean == pytest.approx(2.0) and e.low == pytest.approx(2 - 4.303 * np.sqrt(1 / 3), rel=1e-3)
    assert v.ratio(v.Estimate(1.0), v.Estimate(0.0)) is None


# --- the command --------------------------------------------------------------------------------------------


def test_validate_command_end_to_end(tmp_path):
    db = str(tmp_path / "v.db")
    res = CliRunner().invoke(main, ["validate", *TINY, "--db", db])
    assert res.exit_code == 0, res.output
    for f in v.FACTS:
        assert f.id in res.stdout
    assert "facts pass" in res.stderr
    store = open_db(db)
    runs = list(store.query("select experiment, point, status from runs"))
    assert {r["experiment"] for r in runs} == {"validate", "validate.trust", "validate.silo"}
    assert len(runs) == 6 + 2 + 2 and all(r["status"] == "done" for r in runs)
    again = CliRunner().invoke(main, ["validate", *TINY, "--db", db, "--markdown", "--lang", "en"])
    assert again.exit_code == 0, again.output
    assert "0 runs in" in again.stderr and "6 already stored" in again.stderr
    lines = [ln for ln in again.stdout.splitlines() if ln.startswith("| ")]
    assert len(lines) == 1 + len(v.FACTS) and "| grassroots |" in again.stdout
    assert store["runs"].count == 10


def test_validate_bad_input_exits_2(tmp_path):
    db = str(tmp_path / "v.db")
    for args in (["--facts", "nope"], ["--set", "population.residents=5"], ["--set", "no.such=1"]):
        res = CliRunner().invoke(main, ["validate", *TINY, "--db", db, *args])
        assert res.exit_code == 2, (args, res.output)
        assert "error:" in res.stderr
    res = CliRunner().invoke(main, ["validate", *TINY, "--db", db, "--facts", "participation"])
    assert res.exit_code == 0, res.output
    assert "participation" in res.stdout and "jinjiang" not in res.stdout


# --- the report section -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_report_has_the_facts_section_in_both_languages(tmp_path):
    store = open_db(tmp_path / "r.db")
    design = build_design(
        {
            "name": "c",
            "scenarios": ["administrative_only", "co_governance"],
            "replicates": 2,
            "steps": 60,
            "master_seed": 1,
            "set": {"population.residents": 1000},
        },
        "test",
    )
    run_design(store, design, LocalEngine(1), kind="compare", command="cogov compare (test)", progress=False)
    zh = write_report(store, "c", tmp_path / "zh", "zh")["markdown"].read_text(encoding="utf-8")
    en = write_report(store, "c", tmp_path / "en", "en")["markdown"].read_text(encoding="utf-8")
    assert "模式验证" in zh and "Pattern-oriented validation" not in zh
    assert "Pattern-oriented validation" in en and "模式验证" not in en
    assert "未运行" in zh and "not run" in en  # the campaign and ladder facts need runs this comparison lacks
    row = next(ln for ln in en.splitlines() if ln.startswith("| dependency |"))
    assert re.search(r"\| (pass|FAIL|n/a) \|$", row)
    assert "001_e45cc0731b1b7778.txt:57" in row
