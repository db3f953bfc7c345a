"""Ctrl-C and SIGTERM during a batch, none of them lost.

Python raises an interruption wherever the main thread happens to be. Raised inside a finaliser
(a Dask future's ``__del__``, say) it is printed as "Exception ignored" and dropped, and the batch
would go on to its end. Inside `caught()` every interruption is also latched, finalisers stay quiet
about it, and `check()` raises it again at a safe point: a batch checks after every run it stores.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_received: list[int] = []  # the signals received inside `caught()`, in order


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that a batch stops its workers and says what is kept."""


def _interruption(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _handle(signum, frame):
    _received.append(signum)
    raise _interruption(signum)


def _quiet_when_latched(previous):
    def hook(unraisable):
        if not (isinstance(unraisable.exc_value, KeyboardInterrupt) and _received):
            previous(unraisable)

    return hook


@contextmanager
def caught() -> Iterator[None]:
    """Ctrl-C and SIGTERM raise (`Terminated` for SIGTERM) and are latched for `check()`; outside
    the main thread, where signals cannot be handled, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    previous = {s: signal.signal(s, _handle) for s in (signal.SIGINT, signal.SIGTERM)}
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_when_latched(previous_hook)
    try:
        yield
        check()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sys.unraisablehook = previous_hook
        _received.clear()


def check() -> None:
    """Raise again an interruption that was received inside `caught()` and swallowed on the way."""
    if _received:
        raise _interruption(_received[-1])
