"""The participatory classroom's engine (DESIGN §8), without a browser: seats, what each role
sees, decisions checked and applied, rounds, the rules street beside the class's, the debrief."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from cogov.app.classroom.debrief import decisions, export, role_summary
from cogov.app.classroom.roles import budget_split, make_seats
from cogov.app.classroom.room import MAX_STUDENTS, Room, RoomError, RoomSettings, standing_budget
from cogov.experiments.store import load_runs, open_db
from cogov.model.metrics import final_metrics

SMALL = {"residents": 4000, "rounds": 3, "days_per_round": 20, "deadline_seconds": 60}


def _room(**kw) -> Room:
    return Room("TEST1", RoomSettings(**{**SMALL, **kw}))


@pytest.fixture(scope="module")
def room_of_ten() -> Room:
    room = _room(residents=10_000, class_size=10)
    for k in range(10):
        room.join(f"student {k}", session=f"s{k}")
    return room


def test_settings_name_what_is_wrong():
    with pytest.raises(RoomError, match="`rounds` = 0: a whole number from 1"):
        RoomSettings(rounds=0)
    with pytest.raises(RoomError, match="`preset` = 'nowhere'"):
        RoomSettings(preset="nowhere")
    with pytest.raises(RoomError, match="at most 1095 days"):
        RoomSettings(rounds=36, days_per_round=90)


def test_seats_cover_the_street_once(room_of_ten):
    room = room_of_ten
    w = room.street.world
    grids = [g for s in room.seats if s.role == "grid" for g in s.grids]
    assert sorted(grids) == list(range(w.n_grids))
    assert [s.role for s in room.seats].count("leader") == 1
    for role in ("mediator", "representative"):
        assert sorted(s.community for s in room.seats if s.role == role) == list(range(w.n_communities))
    small = make_seats(room.street, 3)
    assert [s.role for s in small[:4]] == ["leader", "grid", "mediator", "representative"]


def test_every_student_gets_a_seat_and_teams_form_when_seats_run_out():
    room = _room(class_size=3)
    students = [room.join(f"s{k}", session=f"session-{k}") for k in range(2 * len(room.seats))]
    sizes = [len(s.members) for s in room.seats]
    assert sizes == [2] * len(room.seats)
    assert len({st.token for st in students}) == len(students)
    again = room.join("someone else", session="session-0")
    assert again.token == students[0].token, "a reloaded browser gets its seat back"
    assert room.rejoin(students[3].token) is students[3]
    assert room.rejoin("nobody") is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 25, "bad\nname", None, 42])
def test_a_bad_name_is_refused(name):
    with pytest.raises(RoomError) as e:
        _room().join(name, session="s")
    assert e.value.reason == "name"


def test_each_role_sees_only_its_own_part_of_the_street(room_of_ten):
    # At day 20 the mediators' queues are still empty; three rounds on (day 80) both hold cases.
    later = _room(residents=10_000, class_size=10)
    for _ in range(3):
        later.advance()
    for room, must_see in [(room_of_ten, ("grid", "representative")), (later, ("grid", "mediator", "representative"))]:
        m, w = room.street, room.street.world
        ds = m.disputes
        seen = dict.fromkeys(("leader", "grid", "mediator", "representative"), 0)
        for seat in room.seats:
            cases = [c["case"] for c in room.views[seat.key].get("cases", [])]
            seen[seat.role] += len(cases)
            if seat.role == "grid":
                assert set(ds.grid[cases]) <= set(seat.grids)
            elif seat.role == "mediator":
                queued = {d for o in m.orgs_by_community[seat.community] for d in o.queue}
                assert set(cases) <= queued
            elif seat.role == "representative":
                assert set(w.community[ds.grid[cases]]) <= {seat.community}
        for role in must_see:
            assert seen[role], f"day {room.day}: no {role} seat sees a case, so its check compared nothing"


def test_a_class_that_decides_nothing_is_the_rules_street():
    room = _room()
    room.join("a", session="a")
    while not room.finished:
        room.advance()
    assert room.day == (SMALL["rounds"] + 1) * SMALL["days_per_round"]
    assert final_metrics(room.street) == final_metrics(room.rules_street)
    assert all(r["decision"] is None for r in room.timeline)


def test_decisions_change_the_class_street_only():
    room = _room()
    leader = room.join("leader", session="l")
    grid = room.join("grid", session="g")
    assert room.seat(leader.seat).role == "leader" and room.seat(grid.seat).role == "grid"
    room.submit(leader.token, 1, {"social_orgs.staff": 0.0, "petition.response": "suppress"})
    room.submit(grid.token, 1, {"paperwork": 0.5, "mediation": 0.0, "visit_first": "known_trouble"})
    assert [s["decided"] for s in room.status()][:2] == [True, True]
    room.advance()
    assert room.street.p.social_orgs.staff == 0.0 and room.street.p.petition.response == "suppress"
    assert room.rules_street.p.social_orgs.staff > 0
    assert room.rules_street.p.petition.response == "resolve"
    assert final_metrics(room.street) != final_metrics(room.rules_street)
    workers = room.seat(grid.seat).handlers(room.street)
    assert all(gw.plan is not None and gw.plan.mediation == 0.0 for gw in workers)
    room.advance()  # no decision this round: the grid worker's rule again, the leader's levers stay
    assert all(gw.plan is None for gw in workers)
    assert room.street.p.social_orgs.staff == 0.0
    assert [r["by"] for r in room.timeline if r["seat"] == "leader"] == ["leader", None]
    assert len(decisions(room)) == 2 * len(room.seats)


def test_wrong_late_and_stale_input_is_refused_with_a_reason():
    room = _room()
    leader, grid = room.join("leader", session="l"), room.join("grid", session="g")
    cases = {
        "not_joined": ("nobody", 1, {}),
        "round_over": (leader.token, 2, {}),
    }
    for reason, args in cases.items():
        with pytest.raises(RoomError) as e:
            room.submit(*args)
        assert e.value.reason == reason
    for token, raw, field in [
        (leader.token, {"social_orgs.staff": -1}, "social_orgs.staff"),
        (leader.token, {"budget.standing_per_10k": 9e6}, "budget.standing_per_10k"),
        (leader.token, {"routing.ladder": "anarchy"}, "routing.ladder"),
        (grid.token, {"paperwork": "lots"}, "paperwork"),
        (grid.token, {"mediation": 2}, "mediation"),
        (grid.token, "not a form", "decision"),
    ]:
        with pytest.raises(RoomError) as e:
            room.submit(token, 1, raw)
        assert e.value.reason == "invalid" and field in e.value.detail
    room.deadline = time.monotonic() - 1
    with pytest.raises(RoomError) as e:
        room.submit(grid.token, 1, {"paperwork": 1.0})
    assert e.value.reason == "late"
    room.advance(1)  # the session goes on with the rules for everyone
    room.advance(1)  # a second click on the same round's button does nothing
    assert room.round == 2 and not room.pending
    while not room.finished:
        room.advance()
    with pytest.raises(RoomError) as e:
        room.submit(grid.token, room.round, {})
    assert e.value.reason == "finished"


def test_case_choices_must_be_cases_the_seat_was_shown(room_of_ten):
    room = room_of_ten
    rep = next(s for s in room.seats if s.role == "representative")
    token = rep.members[0]
    shown = [c["case"] for c in room.views[rep.key]["cases"]]
    with pytest.raises(RoomError, match="not one of the cases you see"):
        room.submit(token, room.round, {"forum": [10**6]})
    with pytest.raises(RoomError, match="not both"):
        room.submit(token, room.round, {"forum": shown[:1], "petition": shown[:1]})


def test_representatives_bring_cases_to_the_forum_and_petition():
    room = _room(residents=10_000, class_size=10)
    for k in range(10):
        room.join(f"s{k}", session=f"s{k}")
    reps = [s for s in room.seats if s.role == "representative"]
    rep = next((s for s in reps if {c["forum"] for c in room.views[s.key]["cases"]} == {True, False}), None)
    assert rep is not None, "after a month some representative sees forum matters and other cases"
    forum = [c["case"] for c in room.views[rep.key]["cases"] if c["forum"]][:2]
    others = [c["case"] for c in room.views[rep.key]["cases"] if not c["forum"]][:1]
    assert forum and others
    room.submit(rep.members[0], 1, {"forum": forum, "petition": others})
    petitions = {d: int(room.street.disputes.petitions[d]) for d in others}
    room.advance()
    ds = room.street.disputes
    assert all(ds.petitions[d] == petitions[d] + 1 for d in others)
    row = next(r for r in room.timeline if r["seat"] == rep.key)
    assert not row["refused"]
    summary = {r["seat"]: r for r in role_summary(room)}
    assert summary[rep.key]["cases"] == len(forum) + len(others)
    assert summary["leader"]["spent"] > 0


def test_the_budget_is_the_presets_own_and_the_leader_can_only_resplit_it():
    room = _room()
    planned = standing_budget("co_governance", SMALL["residents"])
    assert room.street.p.budget.standing_per_10k == pytest.approx(planned)
    leader = room.join("leader", session="l")
    room.submit(leader.token, 1, {"social_orgs.staff": 10.0})
    room.advance()
    more_staff = room.views["leader"]["budget"]
    assert more_staff["budget"] == pytest.approx(planned * SMALL["residents"] / 10_000)
    rules = budget_split(room.rules_street)
    assert rules["budget"] == more_staff["budget"]
    assert more_staff["social_orgs"] > rules["social_orgs"]
    assert more_staff["offices"] < rules["offices"], "offices get what the rest leaves"
    assert room.street.office_capacity < room.rules_street.office_capacity


def test_many_students_at_once_never_stop_the_session():
    """40 students joining, deciding (some wrongly) and a teacher advancing, all at once."""
    room = _room(residents=10_000, class_size=40)
    errors, refused = [], []

    def student(k: int) -> None:
        try:
            st = room.join(f"student {k}", session=f"s{k}")
            for _ in range(3):
                rnd = room.round
                seat = room.seat(st.seat)
                raw = {"paperwork": 0.5} if seat.role == "grid" else {"take_first": [-1]} if k % 3 == 0 else {}
                try:
                    room.submit(st.token, rnd, raw)
                except RoomError as e:
                    refused.append(e.reason)
                time.sleep(0.01)
        except Exception as e:  # noqa: BLE001  (any error is a failure of the session)
            errors.append(e)

    threads = [threading.Thread(target=student, args=(k,)) for k in range(40)]
    for t in threads:
        t.start()
    room.advance()
    for t in threads:
        t.join()
    assert not errors
    assert len(room.students) == 40 and sum(len(s.members) for s in room.seats) == 40
    assert set(refused) <= {"invalid", "round_over"}
    room.advance()
    assert room.round == 3


def test_too_many_students_are_told_so(monkeypatch):
    monkeypatch.setattr("cogov.app.classroom.room.MAX_STUDENTS", 2)
    room = _room()
    room.join("a", session="a")
    room.join("b", session="b")
    with pytest.raises(RoomError) as e:
        room.join("c", session="c")
    assert e.value.reason == "full"
    assert MAX_STUDENTS > 40


def test_export_stores_both_streets_and_every_decision(tmp_path):
    room = _room()
    leader = room.join("leader", session="l")
    room.submit(leader.token, 1, {"volunteers.cultivation": 1.0})
    while not room.finished:
        room.advance()
    db_path = tmp_path / "cogov.db"
    name = export(room, db_path)
    db = open_db(db_path, write=False)
    runs = load_runs(db, name)
    assert sorted(runs["point"]) == ["class", "rules"]
    assert set(runs["steps"]) == {room.day}
    rows = list(db["classroom_decisions"].rows_where("experiment = ?", [name]))
    assert len(rows) == len(room.timeline) and any(r["by"] == "leader" for r in rows)
    assert len(list(db["classroom_rounds"].rows_where("experiment = ?", [name]))) == SMALL["rounds"] + 1
    assert export(room, db_path) == name  # again: replaced, not doubled
    assert db["classroom_decisions"].count_where("experiment = ?", [name]) == len(room.timeline)
    assert np.isfinite(runs["resolution_rate"]).all()
