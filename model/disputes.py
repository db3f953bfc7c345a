"""Disputes and complaints (矛盾纠纷, 诉求) as a growable table of arrays, plus their event log.

A dispute is a record, not a Mesa agent: one row per dispute across parallel numpy arrays, so a
day's growth, discovery and escalation are vectorised. Parties live in a separate (dispute,
resident) table because their number grows as group-prone disputes recruit neighbours.
"""

from __future__ import annotations

from enum import IntEnum
from functools import cache
from typing import Annotated, get_type_hints

import numpy as np

# numpy compares an array or one of its numbers with an IntEnum member slowly (about 5 µs, against
# 0.1 µs for a plain int: on Python 3.11 it asks the enum class for `__array_ufunc__` through
# Enum's Python-level `__getattr__`), so code that runs every day compares with `.value` or int().


class State(IntEnum):
    """Lifecycle state: every dispute is in exactly one."""

    LATENT = 0  # exists, nobody official knows
    KNOWN = 1  # discovered or reported, waiting for routing
    QUEUED = 2  # waiting at a handler
    IN_HANDLING = 3
    RESOLVED = 4
    FAILED = 5  # the ladder is exhausted; the dispute persists and may escalate
    CLOSED_SUPERFICIALLY = 6  # closed on paper; reopens later
    PETITION = 7  # at the petition office (上访)
    LITIGATION = 8  # left the community system for the courts
    LAPSED = 9  # faded, or its parties gave up, without a resolution


OPEN_STATES = (
    State.LATENT,
    State.KNOWN,
    State.QUEUED,
    State.IN_HANDLING,
    State.FAILED,
    State.CLOSED_SUPERFICIALLY,
    State.PETITION,
)
FINAL_STATES = (State.RESOLVED, State.LITIGATION, State.LAPSED)  # no dispute leaves these
assert set(OPEN_STATES) | set(FINAL_STATES) == set(State)
KNOWN_OPEN_STATES = tuple(s for s in OPEN_STATES if s != State.LATENT)  # open, and known to the platform
WAITING_STATES = (State.LATENT, State.KNOWN, State.QUEUED, State.FAILED, State.PETITION)


class Handler(IntEnum):
    """Kinds of handler a case can be routed to."""

    GRID = 0  # grid worker on the spot
    MEDIATION = 1  # social organisation: mediation committee, social-work agency, purchased staff
    FORUM = 2  # deliberation forum
    OFFICE = 3  # competent government office
    JOINT = 4  # office + social organisation + grid worker (联合调处)
    PETITION = 5  # petition office (信访办)


KIND = tuple(Handler)  # KIND[v] is Handler(v), without the enum call's cost in per-case code
assert all(k.value == v for v, k in enumerate(KIND))


class Finder(IntEnum):
    """Who discovered a dispute."""

    REPORT = 0
    HOTLINE = 1
    GRID_VISIT = 2
    VOLUNTEER_WATCH = 3
    DATA_WARNING = 4
    REOPENED = 5
    ESCALATION = 6  # a petition or group incident brought an unknown case to light


class DisputeTable:
    """Struct of arrays with amortised appends: one column per field declared below (its dtype in
    the annotation), each of length `n` in use.

    The day's phases look only at the *live* disputes, those not yet in a final state, so a day
    costs the same in the third year as in the first. A dispute leaves the live set at the first
    `retire_final` after it ends; the daily counts it still belongs to are kept in tallies."""

    category: Annotated[np.ndarray, np.int8]
    state: Annotated[np.ndarray, np.int8]
    intensity: Annotated[np.ndarray, np.float64]
    arose: Annotated[np.ndarray, np.int32]
    discovered: Annotated[np.ndarray, np.int32]  # first discovery day, -1 if never
    closed: Annotated[np.ndarray, np.int32]  # day of the final outcome, -1 while open
    found_by: Annotated[np.ndarray, np.int8]
    grid: Annotated[np.ndarray, np.int32]
    initiator: Annotated[np.ndarray, np.int32]
    n_parties: Annotated[np.ndarray, np.int32]
    rigid: Annotated[np.ndarray, np.bool_]  # needs rigid administrative power (刚性权力)
    transfers: Annotated[np.ndarray, np.int16]  # between offices (推诿)
    handoffs: Annotated[np.ndarray, np.int16]  # between kinds of handler
    attempts: Annotated[np.ndarray, np.int16]  # handling attempts so far (routing.max_attempts bounds them)
    handler: Annotated[np.ndarray, np.int8]  # current or last Handler, -1 none
    handler_id: Annotated[np.ndarray, np.int32]  # which office / organisation / grid / community
    partner_id: Annotated[np.ndarray, np.int32]  # the social organisation of a joint attempt, -1 none
    tried: Annotated[np.ndarray, np.int16]  # bit mask of Handler kinds tried since (re)opening
    ready: Annotated[np.ndarray, np.int32]  # day the current wait or handling ends
    known_since: Annotated[np.ndarray, np.int32]  # day it last became known (for timeliness)
    priority: Annotated[np.ndarray, np.bool_]
    via_hotline: Annotated[np.ndarray, np.bool_]  # reported through the hotline (called back after closure)
    reached_office: Annotated[np.ndarray, np.bool_]
    petitions: Annotated[np.ndarray, np.int16]
    leapfrogs: Annotated[np.ndarray, np.int16]
    group_incident: Annotated[np.ndarray, np.bool_]
    superficial: Annotated[np.ndarray, np.int16]  # times closed on paper
    resolved_by: Annotated[np.ndarray, np.int8]

    def __init__(self, capacity: int = 1024):
        self.n = 0
        self._cap = capacity
        for name, dtype in _FIELDS.items():
            setattr(self, name, np.full(capacity, _NEW.get(name, 0), dtype))
        self.party_d = np.zeros(capacity * 2, np.int32)
        self.party_r = np.zeros(capacity * 2, np.int32)
        self.n_party_rows = 0
        self.party_lists: list[list[int]] = []
        # the live set, in order: disputes, and their (dispute, resident) party rows; rows and
        # disputes added since it was last looked at join it when it is next looked at
        self._live, self._live_upto = np.empty(0, np.int64), 0
        self._live_pd, self._live_pr, self._rows_upto = np.empty(0, np.int32), np.empty(0, np.int32), 0
        # tallies of the retired disputes: by state, petitions, and by discovery day (known, resolved)
        self.retired_states = np.zeros(len(State), np.int64)
        self.retired_petitions = 0
        self.retired_known = np.zeros(0, np.int64)
        self.retired_resolved = np.zeros(0, np.int64)

    def _grow(self, need: int) -> None:
        cap = self._cap
        while cap < need:
            cap *= 2
        if cap != self._cap:
            for name in _FIELDS:
                old = getattr(self, name)
                new = np.full(cap, _NEW.get(name, 0), old.dtype)  # rows not yet added hold a new dispute's values
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
            self._cap = cap

    def add(self, category, grid, intensity, rigid, day, parties: list[np.ndarray]) -> np.ndarray:
        """Append disputes (vectors of equal length); `parties` is one array of residents each."""
        k = len(category)
        rows = slice(self.n, self.n + k)
        self._grow(self.n + k)
        self.n += k
        sizes = [len(p) for p in parties]
        self.category[rows], self.grid[rows], self.intensity[rows], self.rigid[rows] = category, grid, intensity, rigid
        self.arose[rows] = day
        self.party_lists.extend(p.tolist() for p in parties)
        self.initiator[rows] = [p[0] for p in parties]
        self.n_parties[rows] = sizes
        ids = np.arange(rows.start, rows.stop)
        rows_d = np.repeat(ids, sizes)
        self.add_parties(rows_d, np.concatenate(parties) if parties else np.empty(0, np.int32))
        return ids

    def add_parties(self, disputes: np.ndarray, residents: np.ndarray) -> None:
        """Append (dispute, resident) rows; `add` registers initial parties, `recruit` later ones."""
        k = len(disputes)
        need = self.n_party_rows + k
        if need > len(self.party_d):
            cap = max(need, 2 * len(self.party_d))
            for name in ("party_d", "party_r"):
                old = getattr(self, name)
                new = np.zeros(cap, np.int32)
                new[: self.n_party_rows] = old[: self.n_party_rows]
                setattr(self, name, new)
        self.party_d[self.n_party_rows : need] = disputes
        self.party_r[self.n_party_rows : need] = residents
        self.n_party_rows = need

    def view(self, name: str) -> np.ndarray:
        """The live part of a column."""
        return getattr(self, name)[: self.n]

    def parties(self) -> tuple[np.ndarray, np.ndarray]:
        """(dispute, resident) rows of the party table."""
        return self.party_d[: self.n_party_rows], self.party_r[: self.n_party_rows]

    def parties_of(self, d: int) -> np.ndarray:
        return np.array(self.party_lists[d], np.int64)

    def recruit(self, d: int, resident: int) -> bool:
        """Add a party to dispute d unless already one; True if added."""
        if resident in self.party_lists[d]:
            return False
        self.party_lists[d].append(resident)
        self.n_parties[d] += 1
        self.add_parties(np.array([d]), np.array([resident]))
        return True

    def live(self) -> np.ndarray:
        """Ids of the disputes not retired (see `retire_final`), ascending."""
        if self._live_upto < self.n:
            self._live = np.concatenate((self._live, np.arange(self._live_upto, self.n)))
            self._live_upto = self.n
        return self._live

    def live_parties(self) -> tuple[np.ndarray, np.ndarray]:
        """The party table's (dispute, resident) rows of the live disputes, in the table's order."""
        if self._rows_upto < self.n_party_rows:
            new = slice(self._rows_upto, self.n_party_rows)
            self._live_pd = np.concatenate((self._live_pd, self.party_d[new]))
            self._live_pr = np.concatenate((self._live_pr, self.party_r[new]))
            self._rows_upto = self.n_party_rows
        return self._live_pd, self._live_pr

    def retire_final(self) -> None:
        """Disputes that have reached a final state leave the live set; the tallies keep what the
        daily counts need of them."""
        live = self.live()
        final = _state_table(FINAL_STATES)[self.state[live]]
        if not final.any():
            return
        gone = live[final]
        self.retired_states += np.bincount(self.state[gone], minlength=len(State))
        self.retired_petitions += int(self.petitions[gone].sum())
        disc = self.discovered[gone]
        known = disc >= 0
        self.retired_known = _add_counts(self.retired_known, disc[known])
        self.retired_resolved = _add_counts(
            self.retired_resolved, disc[known & (self.state[gone] == State.RESOLVED.value)]
        )
        self._live = live[~final]
        pd, pr = self.live_parties()
        keep = ~_state_table(FINAL_STATES)[self.state[pd]]
        self._live_pd, self._live_pr = pd[keep], pr[keep]

    def in_state(self, *states: State) -> np.ndarray:
        """Ids of the disputes in any of `states` (open states: none of them is retired), ascending."""
        live = self.live()
        return live[open_state_table(states)[self.state[live]]]

    def state_counts(self) -> np.ndarray:
        """Disputes by state, retired or not."""
        return self.retired_states + np.bincount(self.state[self.live()], minlength=len(State))

    def petitions_filed(self) -> int:
        """Petitions filed so far, by retired and live disputes."""
        return self.retired_petitions + int(self.petitions[self.live()].sum())

    def party_mean(self, values: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Mean of a per-resident array over the parties of each live dispute in `ids`. Every
        dispute's total is summed, each over its own rows in order: as cheap as picking the rows
        first, in fewer numpy calls."""
        pd, pr = self.live_parties()
        total = np.bincount(pd, weights=values[pr], minlength=self.n)[ids]
        return total / np.maximum(self.n_parties[ids], 1)


def _add_counts(counts: np.ndarray, days: np.ndarray) -> np.ndarray:
    """`counts` (per day) with one more for each of `days`, lengthened as needed."""
    more = np.bincount(days, minlength=len(counts))
    more[: len(counts)] += counts
    return more


@cache
def _state_table(states: tuple[State, ...]) -> np.ndarray:
    """Per state, whether it is one of `states`: a lookup table, not a search."""
    wanted = np.zeros(len(State), bool)
    wanted[list(states)] = True
    wanted.flags.writeable = False
    return wanted


@cache
def open_state_table(states: tuple[State, ...]) -> np.ndarray:
    """`_state_table` of open states only; a final state asked of the live set is a mistake."""
    if final := set(states) & set(FINAL_STATES):
        raise ValueError(f"final states are not in the live set: {sorted(s.name for s in final)}")
    return _state_table(states)


# What a newly added dispute holds, besides what `add` sets; every other field starts at 0 or False.
_NEW: dict[str, int] = {
    "state": State.LATENT,
    **dict.fromkeys(
        ("discovered", "closed", "found_by", "handler", "handler_id", "partner_id", "resolved_by", "known_since"), -1
    ),
}
_FIELDS: dict[str, type] = {
    name: hint.__metadata__[0] for name, hint in get_type_hints(DisputeTable, include_extras=True).items()
}


class EventLog:
    """The per-dispute journey (流转轨迹): (dispute, day, event, handler kind, handler id, detail)."""

    COLUMNS = ("dispute", "day", "event", "handler", "handler_id", "detail")

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.rows: list[tuple] = []

    def __call__(
        self, dispute: int, day: int, event: str, handler: int = -1, handler_id: int = -1, detail: str = ""
    ) -> None:
        if self.enabled:
            self.rows.append((int(dispute), int(day), event, int(handler), int(handler_id), detail))

    def many(self, disputes: np.ndarray, day: int, event: str) -> None:
        if self.enabled:
            self.rows.extend((int(d), int(day), event, -1, -1, "") for d in disputes)
