"""Each page's run, kept on the server: its settings, its board and the thread that plays it.

A `Run` is the only thing that steps its board, one day at a time under the board's lock, at a
pace of ``days per step × TICKS_PER_SECOND`` simulated days a second (slower when the machine is
busy: it never tries to catch up). The page draws snapshots (`Board.snapshot`) whenever it has
finished drawing the last one, so a slow page shows more days per frame instead of falling behind.

Runs are kept in `RUNS` under the browser's session id and a random token in the page's address,
so a reload finds its run, levers and language again. A run whose pages have all closed stops
playing at once and is dropped `KEEP_SECONDS` later.
"""

from __future__ import annotations

import ctypes
import gc
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .session import Board, SimError, Snapshot

TICKS_PER_SECOND = 4
KEEP_SECONDS = float(os.environ.get("COGOV_UI_KEEP_SECONDS", 300))
DEFAULT_PRESET = "co_governance"


def contrast(preset: str) -> str:
    """The preset B starts with: administrative-only control, the baseline of every comparison."""
    return "co_governance" if preset == "administrative_only" else "administrative_only"


@dataclass
class Settings:
    """What a page's controls say, kept with its run so that a reload restores them."""

    lang: str
    preset: str = DEFAULT_PRESET
    overrides: dict[str, Any] = field(default_factory=dict)
    seed: int = 1
    compare: bool = False
    preset_b: str = field(default_factory=lambda: contrast(DEFAULT_PRESET))
    days_per_tick: int = 5
    tab: int = 0

    def arrangement(self) -> tuple:
        """What the board is built from: a change of any of these starts a new run."""
        return (self.preset, tuple(sorted(self.overrides.items())), self.seed, self.preset_b if self.compare else None)


class Run:
    """One page's run: settings, the board built from them, and play."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.board: Board | None = None
        self.error: str | None = None
        self._built: tuple | None = None
        self._changed = threading.Condition()
        self._playing = False
        self._thread: threading.Thread | None = None
        self.pages = 0
        self.left_at = time.monotonic()

    # --- the board ---------------------------------------------------------------------------
    def rebuild(self, force: bool = False) -> None:
        """Build the board from the settings if they changed since (or always, with `force`)."""
        key = self.settings.arrangement()
        if key == self._built and not force:
            return
        self.pause()
        if self.board is not None:
            self.board.close()
        preset, overrides, seed, preset_b = key
        try:
            self.board, self.error = Board.build(preset, dict(overrides), seed, preset_b), None
        except SimError as e:
            self.board, self.error = None, str(e)
        self._built = key
        self._notify()

    def step(self, days: int) -> None:
        if self.board is not None and not self.playing:
            self.board.step(days)
            self._notify()

    # --- play --------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        with self._changed:
            if self._playing or self.board is None or self.board.finished:
                return
            self._playing = True
            self._thread = threading.Thread(target=self._play, args=(self.board,), daemon=True, name="cogov-play")
            self._thread.start()
        self._notify()

    def pause(self) -> None:
        with self._changed:
            self._playing = False
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._notify()

    def _play(self, board: Board) -> None:
        due = time.monotonic()
        while self._playing and board is self.board and not board.finished:
            board.step(1)
            self._notify()
            due += 1 / (self.settings.days_per_tick * TICKS_PER_SECOND)
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                due = time.monotonic()  # behind: go on at the pace from here, do not catch up
        self._playing = False
        self._notify()

    # --- what pages draw ---------------------------------------------------------------------
    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def state(self) -> tuple:
        """What a page shows that can change without it asking: (board, board's version, playing)."""
        board = self.board
        return board, board.version if board is not None else -1, self._playing

    def wait_change(self, seen: tuple, timeout: float) -> bool:
        """Wait until `state()` differs from `seen`; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self.state() != seen, timeout)

    def snapshot(self) -> Snapshot | None:
        return self.board.snapshot() if self.board is not None else None

    # --- pages -------------------------------------------------------------------------------
    def attach(self) -> None:
        with self._changed:
            self.pages += 1

    def detach(self) -> None:
        with self._changed:
            self.pages -= 1
            self.left_at = time.monotonic()
            alone = self.pages == 0
        if alone:
            self.pause()

    def drop(self) -> None:
        self.pause()
        if self.board is not None:
            self.board.close()
        self.board = None


class Runs:
    """The runs of all pages, by (session id, token); runs nobody has shown for a while are dropped."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS):
        self.keep_seconds = keep_seconds
        self._runs: dict[tuple[str, str], Run] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._runs)

    def get(self, session: str, token: str | None, lang: str) -> tuple[str, Run]:
        """The run under (session, token), or a new one under a new token."""
        self.sweep()
        with self._lock:
            run = self._runs.get((session, token)) if token else None
            if run is None:
                token = secrets.token_hex(16)
                run = self._runs[(session, token)] = Run(Settings(lang=lang))
            return token, run

    def sweep(self) -> int:
        """Drop runs with no page for `keep_seconds`; return how many were dropped."""
        now = time.monotonic()
        with self._lock:
            old = [k for k, r in self._runs.items() if r.pages == 0 and now - r.left_at > self.keep_seconds]
            gone = [self._runs.pop(k) for k in old]
        for run in gone:
            run.drop()
        if gone:
            release_memory()
        return len(gone)

    def sweep_forever(self, every: float) -> None:
        while True:
            time.sleep(every)
            self.sweep()


def release_memory() -> None:
    """Collect garbage and hand freed heap back to the system, so a quiet server shrinks."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


RUNS = Runs()
threading.Thread(
    target=RUNS.sweep_forever, args=(min(30.0, RUNS.keep_seconds),), daemon=True, name="cogov-sweep"
).start()
