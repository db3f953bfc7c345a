"""Every preset loads, runs and produces the full set of DESIGN §5 metrics."""

import math

import pytest
from cogov.model import load_scenario, presets
from cogov.model.costs import COMPONENTS

DESIGN_METRICS = [
    "disputes_total",
    "resolution_rate",
    "grassroots_resolution_share",
    "median_days_to_resolve",
    "discovery_lag_days",
    "petitions_per_10k",
    "leapfrog_petitions_per_10k",
    "group_incidents",
    "litigation_share",
    "transfers_per_case",
    "superficial_closures",
    "satisfaction_mean",
    "migrant_local_gap",
    "trust_mean",
    "participation_rate",
    "volunteers",
    "public_spirit_mean",
    "worker_utilization",
    "office_backlog",
    "cost_total",
    "cost_per_resolved",
]

DESIGN_PRESETS = [
    "administrative_only",
    "co_governance",
    "purchase_services",
    "grid_management",
    "legal_grid",
    "big_data_grid",
    "grand_mediation",
    "courtyard_self_governance",
    "zibo_342",
    "campaign",
    "hotline",
    "gaofeng_deliberation",
    "yantian_split",
]


def test_every_design_preset_ships():
    assert set(DESIGN_PRESETS) <= set(presets())


@pytest.mark.parametrize("name", presets())
def test_preset_runs(name, run_preset):
    sc = load_scenario(name)
    assert sc.params.population.residents == 5000
    assert sc.zh and sc.en, "each preset describes itself in Chinese and English"
    m = run_preset(name).metrics
    for key in DESIGN_METRICS:
        assert key in m
    assert m["disputes_total"] > 100
    assert 0 <= m["resolution_rate"] <= 1
    assert m["cost_total"] > 0
    parts = {
        k: v
        for k, v in m.items()
        if k.startswith("cost_") and k not in ("cost_total", "cost_per_resolved", "cost_standing")
    }
    assert set(parts) == {f"cost_{c}" for c in COMPONENTS}, "every cost component, zero if not incurred"
    assert math.isclose(sum(parts.values()), m["cost_total"])
    for k, v in m.items():
        assert v is None or not (isinstance(v, float) and math.isnan(v)), k


def test_presets_differ_in_what_they_encode():
    admin = load_scenario("administrative_only").params
    co = load_scenario("co_governance").params
    assert admin.routing.ladder == "administrative" and co.routing.ladder == "triage"
    assert co.social_orgs.staff > 0 and co.self_governance.deliberation
    assert load_scenario("purchase_services").params.purchase.budget_per_year > 0
    assert load_scenario("grid_management").params.grid.residents_per_grid >= 4000


def test_preset_files_cite_seeds():
    from cogov.model.scenario import SCENARIO_DIR

    for name in presets():
        text = (SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8")
        assert "seed" in text.lower(), f"{name}.toml cites no seed passage"
