"""The fair comparison (DESIGN §7): no structure decides which arrangement wins.

With equal attempts, equal handler quality and price, and an equal standing budget,
co-governance and administrative-only control tie; each mechanism that can then give one of them
an advantage is a lever, and moving it moves the result in its direction.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from cogov.model import load_scenario, simulate
from cogov.model.arising import INTERPERSONAL
from cogov.model.disputes import Handler, State
from cogov.model.model import CogovModel
from cogov.model.params import CATEGORIES, Params
from cogov.model.routing import FORUM_CATEGORIES

BUDGET = 2_000_000.0  # ¥ a year per 10k: between the two presets' own standing costs
OFFICE = Params().offices
OFFICE_FIT = {c: getattr(Params().fit.office, c) for c in CATEGORIES}

# Everything that could make one arrangement better, set equal; each line names the mechanism.
EQUAL = {
    "budget.standing_per_10k": BUDGET,  # the same standing budget
    # the same quality: every handler fits, is skilled, heard and respected like an office
    **{f"fit.{h}.{c}": v for h in ("grid", "mediation", "forum") for c, v in OFFICE_FIT.items()},
    **{f"{s}.skill": OFFICE.skill for s in ("grid", "social_orgs", "volunteers", "self_governance")},
    **{f"{s}.{q}": getattr(OFFICE, q) for s in ("grid", "self_governance") for q in ("voice", "respect")},
    "social_orgs.independence": 0.0,  # … and trusted as government is (voice and respect of an office)
    "purchase.directed_independence": 0.0,
    "social_orgs.deference": 0.0,
    "social_orgs.mean_days": OFFICE.mean_days,
    "disputes.rigid_soft_factor": 1.0,  # no handler lacks rigid power
    "self_governance.quorum": 0.0,
    "self_governance.deliberation": False,
    # the same price per case of capacity: social-work staff as dear as office staff
    "social_orgs.staff_cost_per_year": OFFICE.staff_days_per_case
    * OFFICE.staff_cost_per_year
    * Params().social_orgs.cases_per_staff_day,
    # volunteers neither mediate, watch nor cost; no programme weighs on grid workers
    "volunteers.mediator_share": 0.0,
    "volunteers.watch_rate": 0.0,
    "volunteers.coordination_cost_per_year": 0.0,
    "volunteers.case_subsidy": 0.0,
    "grid.devolved_burden": 0.0,
    "grid.onsite_mediation": False,
    # no hand-off, silo, coordination or routing-error costs that only one ladder pays
    "disputes.handoff_jump": 0.0,
    "routing.handoff_delay_days": Params().routing.rehandle_delay_days,
    "offices.silo_penalty": 0.0,
    "offices.pressure_reach": 1.0,
    "routing.routing_accuracy": 1.0,
    "routing.joint_min_parties": 100,
}
SEEDS = range(1, 13)


def _resolution(preset: str, overrides: dict) -> np.ndarray:
    params = load_scenario(preset, overrides).params
    return np.array([simulate(params, seed=s).metrics["resolution_rate"] for s in SEEDS])


def _difference(overrides: dict) -> tuple[float, float, float]:
    """co_governance − administrative_only in resolution rate: mean and 95% interval (Welch)."""
    a, b = _resolution("co_governance", overrides), _resolution("administrative_only", overrides)
    d = a.mean() - b.mean()
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return d, d - 1.96 * se, d + 1.96 * se


@pytest.mark.slow
def test_equal_attempts_quality_and_budget_tie():
    d, lo, hi = _difference(EQUAL)
    assert lo < 0 < hi, f"difference {d:+.3f} [{lo:+.3f}, {hi:+.3f}] should contain 0"


def _mean(preset: str, metric: str, seeds=range(1, 5), **overrides) -> float:
    params = load_scenario(preset, overrides).params
    values = [simulate(params, seed=s).metrics[metric] for s in seeds]
    return float(np.mean([v for v in values if v is not None]))


# --- equal attempts and equal budgets -------------------------------------------------------------


def test_administrative_ladder_re_handles_failed_cases():
    one = _mean("administrative_only", "resolution_rate", **{"routing.max_attempts": 1})
    three = _mean("administrative_only", "resolution_rate", **{"routing.max_attempts": 3})
    assert three > one + 0.03


def test_attempts_are_bounded_on_every_ladder():
    for preset in ("administrative_only", "co_governance", "grand_mediation"):
        model = CogovModel(load_scenario(preset, {"routing.max_attempts": 2}).params, seed=3)
        for _ in range(200):
            model.step()
        ds = model.disputes
        comebacks = (ds.view("petitions") + ds.view("superficial") + ds.view("group_incident")).astype(int)
        assert (ds.view("attempts") <= 2 + comebacks).all(), preset


def test_standing_budget_is_what_the_arrangement_spends():
    for preset in ("administrative_only", "co_governance"):
        r = simulate(load_scenario(preset, {"budget.standing_per_10k": BUDGET}).params, seed=2)
        spent = r.metrics["cost_standing"] / (r.steps / 365) / 0.5  # 5,000 residents
        assert spent == pytest.approx(BUDGET, rel=0.03), preset
        assert r.metrics["cost_total"] >= r.metrics["cost_standing"]


def test_a_budget_too_small_for_the_rest_is_a_clear_error():
    from cogov.model import ScenarioError

    with pytest.raises(ScenarioError, match=r"budget\.standing_per_10k.*allowed: 0 \(off\) or at least"):
        load_scenario("co_governance", {"budget.standing_per_10k": 100_000.0})


# --- volunteers as public figures allow -------------------------------------------------------------


def test_volunteer_pool_saturates():
    p = load_scenario("co_governance").params
    model = CogovModel(p, seed=1)
    counts = []
    for day in range(3 * 365):
        model.step()
        if day % 365 == 364:
            counts.append(model.n_volunteers)
    assert max(counts) <= 1.05 * p.volunteers.max_share * model.world.n
    assert counts[2] - counts[1] < counts[0] / 3, f"pool keeps growing: {counts}"


TAKEN = ("handling", "referred")  # the events of a case a committee takes from its queue


@cache
def _committees_alone(cases_per_mediator_day: float | None = None) -> dict[str, float]:
    """legal_grid for a year with no professional mediators beside the volunteer committees (None:
    the default throughput). Returns the cases the committees resolved, the mean number of volunteer
    mediators and of cases queued at the committees, and over the second half-year the committees'
    mean load and the cases a mediator took a year (started, or taken and referred to an office)."""
    overrides = {"social_orgs.staff": 0.0, "purchase.budget_per_year": 0.0}
    if cases_per_mediator_day is not None:
        overrides["volunteers.cases_per_mediator_day"] = cases_per_mediator_day
    model = CogovModel(load_scenario("legal_grid", overrides).params, seed=1, events=True)
    committees = [o for o in model.orgs if o.org_kind == "mediation_committee"]
    ids = {o.unique_id for o in committees}
    mediators = queued = late_mediator_days = late_load = 0.0
    half = 365 // 2
    for day in range(365):
        model.step()
        today = _mediators(model)
        mediators += today / 365
        queued += sum(len(o.queue) for o in committees) / 365
        if day >= half:
            late_mediator_days += today
            late_load += float(np.mean([o.load for o in committees])) / (365 - half)
    taken = sum(1 for _, day, event, _, hid, _ in model.log.rows if event in TAKEN and hid in ids and day >= half)
    ds = model.disputes
    resolved = ds.view("handler_id")[ds.view("state") == State.RESOLVED.value]
    return {
        "resolved": int(np.isin(resolved, list(ids)).sum()),
        "mediators": mediators,
        "queued": queued,
        "load": late_load,
        "taken_per_mediator_year": taken / (late_mediator_days / 365),
    }


def _mediators(model: CogovModel) -> float:
    """The street's volunteer mediators today."""
    return float(sum(model.mediating_share * model.volunteers_in_community))


@pytest.mark.parametrize("preset", ["co_governance", "legal_grid", "courtyard_self_governance"])
def test_cultivation_grows_the_volunteers_not_the_mediators_past_public_figures(preset):
    """Mediators are selected (选聘): however many volunteers a preset cultivates, a community has at
    most `volunteers.max_mediators_per_1000` of them (national figures: 2.3–2.6 per 1,000)."""
    p = load_scenario(preset).params
    capped = _a_year(preset, {})
    uncapped = _a_year(preset, {"volunteers.max_mediators_per_1000": 1000.0})
    per_1000 = [_mediators(m) * 1000 / m.world.n for m in (capped, uncapped)]
    assert per_1000[0] <= p.volunteers.max_mediators_per_1000 + 1e-9
    assert per_1000[1] > 1.5 * per_1000[0]  # without the cap, cultivation makes mediators of volunteers
    assert (
        capped.n_volunteers > 2 * capped.world.n * p.volunteers.max_mediators_per_1000 / 1000
    )  # many volunteers still


def test_volunteer_mediators_settle_a_few_cases_a_year():
    """How many cases a volunteer takes a day bounds what the committees settle, not the demand."""
    per_day = load_scenario("legal_grid").params.volunteers.cases_per_mediator_day
    few = _committees_alone()
    assert 0 < few["resolved"] <= 365 * per_day * few["mediators"]
    assert few["queued"] / (few["mediators"] * per_day) > 14  # cases wait: their queue holds weeks of their work
    assert _committees_alone(0.1)["resolved"] > 2 * few["resolved"]


def test_a_saturated_committee_takes_the_national_cases_per_mediator():
    """National figures give 3–4 cases a people's mediator a year, idle mediators included, so one
    under sustained full load (fatigue and all, 乡贤倦怠) takes at least 3 — and, tired, not many more."""
    alone = _committees_alone()
    assert alone["load"] > 0.95  # saturated
    assert 3.0 <= alone["taken_per_mediator_year"] <= 4.0


def _a_year(preset: str, overrides: dict) -> CogovModel:
    """A preset with `overrides` after a year, seed 1."""
    model = CogovModel(load_scenario(preset, overrides).params, seed=1)
    for _ in range(365):
        model.step()
    return model


def _resolved_in_and_out(model: CogovModel, handled: np.ndarray, categories) -> tuple[int, int]:
    """Of the resolved cases `handled` marks, how many are of `categories` and how many are not."""
    ds = model.disputes
    mine = (ds.view("state") == State.RESOLVED.value) & handled
    inside = np.isin(ds.view("category"), categories)
    return int((mine & inside).sum()), int((mine & ~inside).sum())


def _committee_resolutions(familiarity: float) -> tuple[int, int]:
    """co_governance for a year: cases its mediation committees resolved, neighbour and family
    disputes and the others."""
    model = _a_year("co_governance", {"volunteers.familiarity": familiarity})
    committees = [o.unique_id for o in model.orgs if o.org_kind == "mediation_committee"]
    return _resolved_in_and_out(model, np.isin(model.disputes.view("handler_id"), committees), INTERPERSONAL)


def test_familiarity_brings_neighbour_and_family_disputes_to_the_committees():
    """Chosen by skill and wait alone, the committees (volunteers' skill below the professionals')
    get a case only when the professionals are backed up; weighted up by familiarity (seed 002
    L85) they settle neighbour and family disputes, and only those gain."""
    near_without, other_without = _committee_resolutions(0.0)
    near_with, other_with = _committee_resolutions(0.5)
    assert near_without + other_without <= 3
    assert near_with >= 10 and near_with > 10 * max(near_without, 1)
    assert other_with <= other_without + 3


def _forum_resolutions(forum_first: bool) -> tuple[int, int]:
    """gaofeng_deliberation for a year: cases its forums resolved, public matters and the others."""
    model = _a_year("gaofeng_deliberation", {"self_governance.forum_first": forum_first})
    by_forum = model.disputes.view("handler") == Handler.FORUM.value
    return _resolved_in_and_out(model, by_forum, FORUM_CATEGORIES)


def test_forum_first_brings_every_kind_of_dispute_to_the_forum():
    """Without `forum_first` a forum hears public matters (and cases of many parties) after
    mediation on the local-first ladder; with it (高峰镇 公论评议, seed 000 L10) it hears every kind
    of dispute, before mediation."""
    public_off, other_off = _forum_resolutions(False)
    public_on, other_on = _forum_resolutions(True)
    assert public_off >= 10 and other_off <= 2
    assert other_on >= 10


def _longest_local_wait(local_max_wait_days: float) -> float:
    """yantian_split (local-first, volunteer committees only) after a year: the longest queue at a
    grid worker, committee or forum, in days of its capacity."""
    model = _a_year("yantian_split", {"routing.local_max_wait_days": local_max_wait_days})
    local = [*model.grid_workers, *model.orgs, *model.forums]
    return max(h.wait() for h in local if h.queue)


def test_local_first_passes_over_a_rung_with_a_long_queue():
    """A committee taking 0.05 cases a day would hold years of cases if local-first sent it every
    case it can take; with `routing.local_max_wait_days` the case goes up the ladder instead."""
    assert _longest_local_wait(3650.0) > 300  # years of cases at a committee
    # a month's limit (a queue can outgrow it after the cases came in, if the committee's capacity falls)
    assert _longest_local_wait(30.0) < 60


# --- the seeds' failure mechanisms, each in its direction --------------------------------------------


def test_capture_makes_organisations_defer_and_sound_like_offices():
    free = _mean("co_governance", "resolved_by_mediation", **{"social_orgs.independence": 1.0})
    captured = _mean("co_governance", "resolved_by_mediation", **{"social_orgs.independence": 0.0})
    assert captured < free * 0.8
    model = CogovModel(load_scenario("co_governance", {"social_orgs.independence": 0.0}).params, seed=1)
    org = model.orgs[1]
    assert (org.voice, org.respect) == (model.p.offices.voice, model.p.offices.respect)
    assert org.standing(0.3) == pytest.approx(0.3)


def test_legitimacy_follows_the_handlers_own_record():
    model = CogovModel(load_scenario("co_governance").params, seed=1)
    office = model.offices[0]
    before = office.legitimacy(0.5)
    for _ in range(200):
        office.remember(0.0)
    assert office.legitimacy(0.5) < before - 0.1


def test_paper_closures_by_grassroots_handlers_under_pressure():
    calm = _mean(
        "co_governance", "superficial_closures", **{"offices.pressure_reach": 0.0, "offices.assessment_pressure": 0.8}
    )
    pressed = _mean(
        "co_governance", "superficial_closures", **{"offices.pressure_reach": 1.0, "offices.assessment_pressure": 0.8}
    )
    assert pressed > calm * 1.2


def test_hand_offs_cost():
    cheap = _mean(
        "co_governance", "resolution_rate", **{"routing.handoff_delay_days": 0.0, "disputes.handoff_jump": 0.0}
    )
    dear = _mean(
        "co_governance", "resolution_rate", **{"routing.handoff_delay_days": 30.0, "disputes.handoff_jump": 0.08}
    )
    assert dear < cheap - 0.01


def test_joint_handling_cannot_beat_its_best_partner():
    from cogov.model.disputes import Handler
    from cogov.model.success import success_prob

    model = CogovModel(load_scenario("grand_mediation").params, seed=1)
    for _ in range(120):
        model.step()
    ds = model.disputes
    checked = 0
    for d in range(ds.n):
        org = model.mediator_for(d)
        if org is None:
            continue
        office = model.office_for(int(ds.category[d]))
        rigid = bool(ds.rigid[d])
        ds.rigid[d] = False  # the organisation lent the office's rigid power
        best = max(success_prob(model, d, Handler.OFFICE, office), success_prob(model, d, Handler.MEDIATION, org))
        ds.rigid[d] = rigid
        assert success_prob(model, d, Handler.JOINT, office) <= best + 1e-12
        checked += 1
    assert checked > 50


def test_devolved_programmes_weigh_on_grid_workers():
    light = _mean("co_governance", "discovery_lag_days", **{"grid.devolved_burden": 0.0})
    heavy = _mean("co_governance", "discovery_lag_days", **{"grid.devolved_burden": 0.1})
    assert heavy > light
    model = CogovModel(load_scenario("co_governance").params, seed=1)
    assert model.admin_burden() == pytest.approx(model.p.grid.admin_burden + 2 * model.p.grid.devolved_burden)


def test_directed_purchase_leaves_organisations_on_paper():
    base = {"purchase.tendering": "directed"}
    working = _mean("purchase_services", "resolved_by_mediation", **base, **{"purchase.paper_share": 0.0})
    on_paper = _mean("purchase_services", "resolved_by_mediation", **base, **{"purchase.paper_share": 0.6})
    assert on_paper < working * 0.8


def test_forums_below_quorum_go_through_the_motions():
    """A forum below quorum settles fewer of the cases it takes, seed by seed."""

    def settled(quorum) -> tuple[np.ndarray, np.ndarray]:
        """Per seed: the cases the forums settled and the cases they took."""
        p = load_scenario("courtyard_self_governance", {"self_governance.quorum": quorum}).params
        counts = []
        for seed in range(1, 5):
            ev = simulate(p, seed=seed, events=True).events
            ev = ev[ev.handler == Handler.FORUM.value]
            counts.append([(ev.event == "resolved").sum(), (ev.event == "handling").sum()])
        return tuple(np.array(counts).T)

    (lively, took_lively), (empty, took_empty) = settled(0.0), settled(0.5)
    rate_lively, rate_empty = lively / took_lively, empty / took_empty
    assert (rate_empty < rate_lively).all(), (rate_lively, rate_empty)
    assert empty.sum() / took_empty.sum() < 0.9 * lively.sum() / took_lively.sum()


# --- migrants, satisfaction as surveyed, 12345 --------------------------------------------------------


@pytest.mark.slow
def test_migrant_gap_is_positive_and_closes_with_access():
    seeds = range(1, 7)
    low = _mean("administrative_only", "resolution_rate_local", seeds, **{"population.migrant_access": 0.4}) - _mean(
        "administrative_only", "resolution_rate_migrant", seeds, **{"population.migrant_access": 0.4}
    )
    full = _mean("administrative_only", "resolution_rate_local", seeds, **{"population.migrant_access": 1.0}) - _mean(
        "administrative_only", "resolution_rate_migrant", seeds, **{"population.migrant_access": 1.0}
    )
    assert low > 0.1 and full < low / 2
    default_gap = _mean("administrative_only", "migrant_local_gap", seeds)
    full_gap = _mean("administrative_only", "migrant_local_gap", seeds, **{"population.migrant_access": 1.0})
    assert default_gap > 0 and full_gap < default_gap


def test_satisfaction_rate_counts_satisfied_parties():
    model = CogovModel(load_scenario("co_governance").params, seed=1)
    for _ in range(200):
        model.step()
    from cogov.model.metrics import satisfaction_rate

    assert 0 < model.party_satisfied <= model.party_outcomes
    assert satisfaction_rate(model) == model.party_satisfied / model.party_outcomes


def test_call_backs_catch_paper_closures():
    without = _mean("hotline", "superficial_closures", **{"channels.callback": False})
    with_cb = _mean("hotline", "superficial_closures", **{"channels.callback": True})
    assert with_cb < without


# --- reforms during a run ------------------------------------------------------------------------------


def test_a_reform_switches_a_lever_from_its_day():
    from cogov.model.scenario import parse_params

    data = load_scenario("administrative_only").params.model_dump(mode="python")
    data["reforms"] = [{"day": 100, "set": {"channels.hotline": True, "routing.ladder": "local_first"}}]
    model = CogovModel(parse_params(data, "test"), seed=1)
    for _ in range(100):
        model.step()
    assert model.costs.by_component["hotline"] == 0 and model.p.routing.ladder == "administrative"
    model.step()
    assert model.p.channels.hotline and model.p.routing.ladder == "local_first"
    assert model.costs.by_component["hotline"] > 0
    assert model.reforms_applied == [(100, {"channels.hotline": True, "routing.ladder": "local_first"})]


@pytest.mark.parametrize(
    "reform, message",
    [
        ({"day": 5, "set": {"population.residents": 9000}}, "fixed once the street is built"),
        ({"day": 5, "set": {"routing.no_such": 1}}, "is not a lever"),
        ({"day": 5, "set": {"routing.ladder": "chaos"}}, "routing.ladder"),
    ],
)
def test_reforms_that_cannot_run_are_refused(reform, message):
    from cogov.model import ScenarioError
    from cogov.model.scenario import parse_params

    data = Params().model_dump(mode="python")
    data["reforms"] = [reform]
    with pytest.raises(ScenarioError, match=message):
        parse_params(data, "test.toml")


# --- random streams -------------------------------------------------------------------------------------


def test_event_log_changes_no_result():
    p = load_scenario("co_governance").params
    assert simulate(p, seed=4, steps=200).metrics == simulate(p, seed=4, steps=200, events=True).metrics


def test_a_routing_lever_leaves_the_arising_disputes_unchanged():
    """With arising independent of grievance, the disputes that arise are the same whatever the
    ladder: routing draws from its own stream."""
    rows = []
    for ladder in ("administrative", "triage"):
        model = CogovModel(
            load_scenario("co_governance", {"routing.ladder": ladder, "disputes.grievance_gain": 0.0}).params, seed=5
        )
        for _ in range(200):
            model.step()
        ds = model.disputes
        rows.append(np.stack([ds.view("arose"), ds.view("category"), ds.view("initiator")]))
    assert rows[0].shape == rows[1].shape and (rows[0] == rows[1]).all()
