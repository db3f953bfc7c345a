"""The residents' daily arithmetic on several cores, to the same bits as on one.

numpy lets go of the interpreter while it works through an array, so threads run array work at
once. Two uses give the same numbers whatever the number of threads: arithmetic element by
element over ranges of residents (`Cores.each`), and draws from a stream that nothing else draws
from, made ahead of time while the day's cases are handled (`Cores.soon`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

import numpy as np

# Below this many residents a range costs more to hand to a thread than it saves (docs/performance.md).
MIN_RESIDENTS_PER_THREAD = 100_000

T = TypeVar("T")


class Cores:
    """`threads` threads for the arrays of `n` residents: the calling one and a pool of the rest.
    With one thread, or too few residents, everything runs on the calling thread."""

    def __init__(self, n: int, threads: int = 1):
        if threads < 1:
            raise ValueError(f"threads = {threads}: at least 1")
        k = max(1, min(threads, n // MIN_RESIDENTS_PER_THREAD))
        bounds = [n * i // k for i in range(k + 1)]
        self.ranges = [slice(a, b) for a, b in zip(bounds, bounds[1:])]
        self._pool = ThreadPoolExecutor(k - 1) if k > 1 else None

    def each(self, work: Callable[[slice], T]) -> list[T]:
        """`work(range)` for every range of residents, at once; their results in the ranges' order."""
        if self._pool is None:
            return [work(self.ranges[0])]
        others = [self._pool.submit(work, r) for r in self.ranges[1:]]
        return [work(self.ranges[0]), *(f.result() for f in others)]

    def soon(self, work: Callable[[], T]) -> Future[T] | Done[T]:
        """`work()` on another thread while the caller goes on; with none, at once. Its `result()`
        waits for it."""
        return self._pool.submit(work) if self._pool is not None else Done(work())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class Done(Generic[T]):
    """Work done at once, with the `result()` of a `Future` (which costs more to make)."""

    def __init__(self, value: T):
        self.value = value

    def result(self) -> T:
        return self.value


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def joined(parts: list[np.ndarray]) -> np.ndarray:
    """The ranges' arrays end to end."""
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
