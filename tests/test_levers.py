"""Responses to levers that follow from the mechanisms (averaged over seeds where noisy)."""

import numpy as np

SEEDS = (1, 2, 3)


def _mean(run_preset, name, key, seeds=SEEDS, **overrides):
    vals = [run_preset(name, seed=s, **overrides).metrics[key] for s in seeds]
    return float(np.mean(vals))


def test_fewer_grid_workers_longer_discovery_lag(run_preset):
    many = _mean(run_preset, "administrative_only", "discovery_lag_days", **{"grid.workers_per_grid": 2.0})
    few = _mean(run_preset, "administrative_only", "discovery_lag_days", **{"grid.workers_per_grid": 0.25})
    assert few > many * 1.2


def test_more_silo_friction_more_transfers(run_preset):
    low = _mean(run_preset, "administrative_only", "transfers_per_case", **{"offices.silo_penalty": 0.05})
    high = _mean(run_preset, "administrative_only", "transfers_per_case", **{"offices.silo_penalty": 0.5})
    assert high > 3 * low


def test_no_organisations_volunteers_or_forum_no_grassroots_mediation(run_preset):
    bare = {
        "social_orgs.staff": 0.0,
        "purchase.budget_per_year": 0.0,
        "volunteers.initial_share": 0.0,
        "volunteers.cultivation": 0.0,
        "volunteers.base_recruit_rate": 0.0,
        "self_governance.deliberation": False,
    }
    m = run_preset("co_governance", **bare).metrics
    assert m["resolved_by_mediation"] == 0 and m["resolved_by_forum"] == 0 and m["resolved_by_joint"] == 0
    full = run_preset("co_governance").metrics
    assert full["resolved_by_mediation"] > 0 and full["resolved_by_forum"] > 0


def test_administrative_ladder_never_mediates(run_preset):
    m = run_preset("administrative_only").metrics
    assert m["grassroots_resolution_share"] == 0
    assert m["resolved_by_office"] == m["state_resolved"]


def test_suppressing_petitions_costs_trust(run_preset):
    resolve = _mean(run_preset, "administrative_only", "trust_mean", **{"petition.response": "resolve"})
    suppress = _mean(run_preset, "administrative_only", "trust_mean", **{"petition.response": "suppress"})
    assert suppress < resolve


def test_assessment_pressure_makes_paper_closures(run_preset):
    calm = _mean(run_preset, "administrative_only", "superficial_closures", **{"offices.assessment_pressure": 0.0})
    pushed = _mean(run_preset, "administrative_only", "superficial_closures", **{"offices.assessment_pressure": 1.0})
    assert calm == 0 and pushed > 10


def test_hotline_speeds_discovery(run_preset):
    """As a channel it speeds discovery; its work orders also weigh on grid workers (devolved
    burden), which is left out here."""
    off = _mean(run_preset, "administrative_only", "discovery_lag_days", **{"grid.devolved_burden": 0.0})
    on = _mean(
        run_preset,
        "administrative_only",
        "discovery_lag_days",
        **{"channels.hotline": True, "grid.devolved_burden": 0.0},
    )
    assert on < off


def test_deliberation_raises_participation(run_preset):
    off = _mean(run_preset, "co_governance", "participation_rate", **{"self_governance.deliberation": False})
    on = _mean(run_preset, "co_governance", "participation_rate")
    assert on > off + 0.1


def test_fit_advantage_is_the_mechanism(run_preset):
    """Remove the fit advantage of mediation over offices and its grassroots advantage shrinks."""
    from cogov.model.params import CATEGORIES

    same_fit = {f"fit.mediation.{c}": v for c, v in zip(CATEGORIES, (0.6, 0.4, 0.8, 0.9, 0.85, 0.95, 0.9, 0.85))}
    same_fit.update({f"fit.grid.{c}": v for c, v in zip(CATEGORIES, (0.6, 0.4, 0.8, 0.9, 0.85, 0.95, 0.9, 0.85))})
    base = _mean(run_preset, "co_governance", "resolution_rate")
    admin = _mean(run_preset, "administrative_only", "resolution_rate")
    flat = _mean(run_preset, "co_governance", "resolution_rate", **same_fit)
    assert base > admin
    assert base - flat > 0


def test_shock_raises_incidence_where_it_strikes(tmp_path):
    from cogov.model import CogovModel, load_scenario, simulate
    from cogov.model.params import CATEGORIES

    path = tmp_path / "demolition.toml"
    path.write_text(
        'extends = "administrative_only"\n[[shocks]]\ncategory = "land"\ngrids = [0]\n'
        "start = 0\nduration = 120\nmultiplier = 20.0\n",
        encoding="utf-8",
    )
    calm = simulate(load_scenario("administrative_only").params, seed=4, steps=120)
    assert (
        simulate(load_scenario(path).params, seed=4, steps=120).metrics["disputes_land"]
        > calm.metrics["disputes_land"] + 20
    )
    m = CogovModel(load_scenario(path).params, seed=4)
    for _ in range(120):
        m.step()
    land = m.disputes.view("category") == CATEGORIES.index("land")
    assert (m.disputes.view("grid")[land] == 0).mean() > 0.8
