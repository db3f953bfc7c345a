"""A classroom session (DESIGN §8): one street the class steers and the same street left to the
model's rules, with the same seed, advanced a round at a time by the teacher.

A `Room` is shared by the teacher's page and every student's page; everything it holds changes
under its lock, and pages wait on `wait_change` for the next version. Students' pages read only
`views` (plain data computed once a round), never the models. Every input from a page is
untrusted: names, decisions and round numbers are checked, and a wrong or late one is refused with
a reason, never an exception that stops the session.
"""

from __future__ import annotations

import os
import secrets
import string
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ...model.costs import office_cost_per_capacity, planned_standing_per_10k
from ...model.metrics import final_metrics
from ...model.scenario import load_scenario, presets
from ..session import MAX_DAYS, Board, Sim
from .roles import DecisionError, Seat, apply, make_seats, parse, view

CODE_LETTERS = "".join(c for c in string.ascii_uppercase + string.digits if c not in "01IO")
CODE_LENGTH = 5
NAME_MAX = 24
MAX_STUDENTS = 200  # per room: a lecture hall, with room for teams and reloads
MAX_ROOMS = 8  # per server; the oldest finished or idle room makes way for a new one
IDLE_SECONDS = 4 * 3600.0
SHOWN = ("resolution_rate", "satisfaction_mean", "trust_mean", "petitions", "cost_total")


class RoomError(ValueError):
    """A request a room refuses; ``reason`` is a key the pages word (see `words`), ``detail`` the
    model's or checker's own words when there are any."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


def teacher_key() -> str:
    """The key that opens the teacher's page: ``COGOV_TEACHER_KEY`` (`cogov ui` sets and prints
    it), or one made up now and written to the server's log."""
    key = os.environ.get("COGOV_TEACHER_KEY")
    if not key:
        key = os.environ["COGOV_TEACHER_KEY"] = secrets.token_urlsafe(9)
        print(f"cogov classroom: teacher key {key}", file=sys.stderr, flush=True)
    return key


def is_teacher(key: object) -> bool:
    return isinstance(key, str) and secrets.compare_digest(key.encode(), teacher_key().encode())


@dataclass(frozen=True)
class RoomSettings:
    """What the teacher chooses when opening a session."""

    preset: str = "co_governance"
    seed: int = 1
    residents: int = 10_000
    rounds: int = 12
    days_per_round: int = 30
    deadline_seconds: int = 120
    class_size: int = 40

    LIMITS = {
        "seed": (0, 2**31 - 1),
        "residents": (2_000, 50_000),
        "rounds": (1, 36),
        "days_per_round": (1, 90),
        "deadline_seconds": (15, 1800),
        "class_size": (1, MAX_STUDENTS),
    }

    def __post_init__(self) -> None:
        if self.preset not in presets():
            raise RoomError("settings", f"`preset` = {self.preset!r}: one of {', '.join(presets())}")
        for name, (low, high) in self.LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise RoomError("settings", f"`{name}` = {value!r}: a whole number from {low} to {high}")
        if (self.rounds + 1) * self.days_per_round > MAX_DAYS:
            raise RoomError("settings", f"`rounds` × `days_per_round`: at most {MAX_DAYS} days in all")


def standing_budget(preset: str, residents: int) -> float:
    """The yearly standing budget per 10k residents a session gives its street: what the preset
    plans to spend, offices included. The leader can re-split it, not grow it."""
    p = load_scenario(preset, {"population.residents": residents}).params
    return sum(planned_standing_per_10k(p).values()) + p.offices.capacity_per_day * office_cost_per_capacity(p)


@dataclass
class Student:
    token: str
    name: str
    seat: str
    session: str  # the browser's session id, so a page reloaded without its address finds it again
    joined: float = field(default_factory=time.time)


@dataclass
class Pending:
    """A seat's decision for the current round: the last one a member sent."""

    decision: dict[str, Any]
    by: str  # the student's token
    at: float


class Room:
    """One session: the two streets, the seats and who sits in them, this round's decisions, and
    the record the debrief replays."""

    def __init__(self, code: str, settings: RoomSettings):
        self.code, self.settings = code, settings
        overrides = {
            "population.residents": settings.residents,
            "budget.standing_per_10k": standing_budget(settings.preset, settings.residents),
        }
        self.overrides = overrides
        # A is the class's street, B the same street by the rules alone
        self.board = Board(
            Sim(settings.preset, overrides, settings.seed), Sim(settings.preset, overrides, settings.seed)
        )
        self.board.step(settings.days_per_round)  # round 0: a month by the rules, so there is a street to see
        self.seats: list[Seat] = make_seats(self.street, settings.class_size)
        self.students: dict[str, Student] = {}
        self.round = 1
        self.finished = False
        self.deadline = time.monotonic() + settings.deadline_seconds
        self.pending: dict[str, Pending] = {}
        self.timeline: list[dict[str, Any]] = []  # one row per seat and round
        self.outcomes: list[dict[str, Any]] = [self._outcome(0)]
        self.views: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self._changed = threading.Condition(self.lock)
        self.version = 0
        self.touched = time.monotonic()
        self.started_at = time.time()
        self._refresh_views()
        self.first_views = dict(self.views)  # what each seat saw first: the debrief counts from here
        self.start_standing = self.street.costs.standing

    # --- the streets -------------------------------------------------------------------------
    @property
    def street(self):
        """The class's model."""
        return self.board.shown[0][1].model

    @property
    def rules_street(self):
        return self.board.shown[1][1].model

    @property
    def day(self) -> int:
        return self.board.day

    def _outcome(self, rnd: int) -> dict[str, Any]:
        class_m, rules_m = final_metrics(self.street), final_metrics(self.rules_street)
        return {
            "round": rnd,
            "day": self.day,
            **{f"class_{k}": class_m.get(k) for k in SHOWN},
            **{f"rules_{k}": rules_m.get(k) for k in SHOWN},
        }

    def _refresh_views(self) -> None:
        with self.board.lock:
            self.views = {seat.key: view(seat, self.street) for seat in self.seats}

    def seat(self, key: str) -> Seat:
        return next(s for s in self.seats if s.key == key)

    # --- students ----------------------------------------------------------------------------
    def join(self, name: object, session: str) -> Student:
        """A student joins with a name: a free seat, or a team's seat when all are taken; a
        browser that already joined gets its seat back."""
        with self.lock:
            for st in self.students.values():
                if session and st.session == session:
                    return st
            if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_MAX:
                raise RoomError("name", f"name = {name!r}: 1 to {NAME_MAX} characters")
            if not name.strip().isprintable():
                raise RoomError("name", f"name = {name!r}: letters, digits and spaces only")
            if len(self.students) >= MAX_STUDENTS:
                raise RoomError("full")
            seat = min(self.seats, key=lambda s: len(s.members))  # the first of the emptiest, in fill order
            student = Student(secrets.token_urlsafe(12), name.strip(), seat.key, session)
            seat.members.append(student.token)
            self.students[student.token] = student
            self._bump()
            return student

    def rejoin(self, token: object, session: str = "") -> Student | None:
        """The student with this token (a reloaded page's address) or this browser session."""
        with self.lock:
            if isinstance(token, str) and token in self.students:
                return self.students[token]
            return next((st for st in self.students.values() if session and st.session == session), None)

    def submit(self, token: object, rnd: object, raw: object) -> None:
        """Keep a student's decision for this round (a team's last one counts); `RoomError` says
        why not: unknown student, the session over, the round moved on, the deadline passed, or
        a decision the role cannot make."""
        with self.lock:
            student = self.students.get(token) if isinstance(token, str) else None
            if student is None:
                raise RoomError("not_joined")
            if self.finished:
                raise RoomError("finished")
            if rnd != self.round:
                raise RoomError("round_over")
            if time.monotonic() > self.deadline:
                raise RoomError("late")
            seat = self.seat(student.seat)
            try:
                with self.board.lock:
                    decision = parse(seat, raw, self.street, self.views[seat.key])
            except DecisionError as e:
                raise RoomError("invalid", str(e)) from None
            self.pending[seat.key] = Pending(decision, token, time.time())
            self._bump()

    # --- the teacher -------------------------------------------------------------------------
    def advance(self, rnd: int | None = None) -> None:
        """Close the round (`rnd`, if given: a second click on the same button does nothing):
        every seat's decision (the rules for seats without one) goes into the class's street,
        both streets run the round's days, and the next round opens."""
        with self.lock:
            if self.finished or (rnd is not None and rnd != self.round):
                return
            first_day = self.day
            with self.board.lock:
                for seat in self.seats:
                    got = self.pending.get(seat.key)
                    refused = apply(seat, got.decision if got else None, self.street)
                    self.timeline.append(
                        {
                            "round": self.round,
                            "day": first_day,
                            "seat": seat.key,
                            "role": seat.role,
                            "by": self.students[got.by].name if got else None,
                            "team": [self.students[t].name for t in seat.members],
                            "decision": got.decision if got else None,
                            "refused": refused,
                        }
                    )
            self.board.step(self.settings.days_per_round)
            self.outcomes.append(self._outcome(self.round))
            self.pending = {}
            self.round += 1
            self.finished = self.round > self.settings.rounds
            self.deadline = time.monotonic() + self.settings.deadline_seconds
            self._refresh_views()
            self._bump()

    def extend_deadline(self, seconds: int) -> None:
        with self.lock:
            self.deadline = max(self.deadline, time.monotonic()) + max(0, min(int(seconds), 1800))
            self._bump()

    def seconds_left(self) -> int:
        return max(0, int(self.deadline - time.monotonic() + 0.999))

    def status(self) -> list[dict[str, Any]]:
        """Per seat: its role, the names in it, and whether it has decided this round."""
        with self.lock:
            return [
                {
                    "seat": s.key,
                    "role": s.role,
                    "names": [self.students[t].name for t in s.members],
                    "decided": s.key in self.pending,
                }
                for s in self.seats
            ]

    # --- pages waiting for news --------------------------------------------------------------
    def _bump(self) -> None:  # called with the lock held
        self.version += 1
        self.touched = time.monotonic()
        self._changed.notify_all()

    def wait_change(self, seen: int, timeout: float) -> bool:
        """Wait until the version differs from `seen`; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self.version != seen, timeout)

    def close(self) -> None:
        self.board.close()


class Rooms:
    """The server's rooms by code."""

    def __init__(self) -> None:
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rooms)

    def open(self, settings: RoomSettings) -> Room:
        with self._lock:
            if len(self._rooms) >= MAX_ROOMS:
                self._make_way()
            code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
            while code in self._rooms:
                code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
        room = Room(code, settings)  # built outside the lock: it runs the street's first month
        with self._lock:
            self._rooms[code] = room
        return room

    def _make_way(self) -> None:
        now = time.monotonic()
        done = [r for r in self._rooms.values() if r.finished or now - r.touched > IDLE_SECONDS]
        if not done:
            raise RoomError("too_many_rooms")
        oldest = min(done, key=lambda r: r.touched)
        self._rooms.pop(oldest.code).close()

    def get(self, code: object) -> Room | None:
        if not isinstance(code, str):
            return None
        return self._rooms.get(code.strip().upper())

    def codes(self) -> list[str]:
        return list(self._rooms)


ROOMS = Rooms()
