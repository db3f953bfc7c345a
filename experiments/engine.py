"""Engines that execute run specs: local worker processes, or a Dask cluster.

Both yield outcomes as runs finish; the caller alone writes them to the store. At most
``2 × workers`` runs are in flight at once, which bounds memory and what an interruption loses.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from .runs import RunOutcome, RunSpec, execute


class EngineError(RuntimeError):
    """The engine cannot start (e.g. an unreachable scheduler); the message is for the user."""


class LocalEngine:
    """Worker processes on this machine; one worker runs in this process."""

    def __init__(self, workers: int = 2):
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def run(self, specs: Iterable[RunSpec]) -> Iterator[RunOutcome]:
        if self.workers == 1:
            for spec in specs:
                yield execute(spec)
            return
        # a fork server that has imported the model once: workers start fast and share no threads
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["experiments.runs"])
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        yield from _bounded(specs, lambda s: self._pool.submit(execute, s), self.workers,
                            lambda fs: wait(fs, return_when=FIRST_COMPLETED)[0])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def describe(self) -> str:
        return f"local ({self.workers} worker{'s' if self.workers > 1 else ''})"


# A local cluster's workers wake their event loop less often: with every core busy simulating, the
# default 10–100 ms profiling, memory and system ticks took a fifth off each run's speed
# (benchmarks/sweep.py). Workers of a remote cluster keep that cluster's own settings.
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "5s",
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}


class DaskEngine:
    """A Dask distributed cluster: the scheduler at ``address``, or a local cluster if none."""

    def __init__(self, address: str | None = None, workers: int = 2):
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - dask is a dependency
            raise EngineError(f"the Dask engine needs dask[distributed]: {e}") from None
        self.address, self.workers = address, workers
        self._cluster = None
        try:
            if address:
                self.client = Client(address, timeout="10s")
            else:
                with dask.config.set(QUIET_WORKERS):  # the nannies hand this config to the workers they start
                    self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                 dashboard_address=None)
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as e:
            raise EngineError(f"cannot reach the Dask scheduler at {address}: {e}") from None

    def run(self, specs: Iterable[RunSpec]) -> Iterator[RunOutcome]:
        from dask.distributed import wait as dask_wait

        n = max(1, sum(self.client.nthreads().values()))
        yield from _bounded(specs, lambda s: self.client.submit(execute, s, pure=False), n,
                            lambda fs: dask_wait(fs, return_when="FIRST_COMPLETED").done)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def describe(self) -> str:
        return f"dask ({self.address or f'local cluster of {self.workers}'})"


def _bounded(specs, submit, workers, wait_some) -> Iterator[RunOutcome]:
    """Keep at most 2 × workers futures in flight; yield outcomes as they complete."""
    pending: set[Future] = set()
    it = iter(specs)
    exhausted = False
    while True:
        while not exhausted and len(pending) < 2 * workers:
            spec = next(it, None)
            if spec is None:
                exhausted = True
            else:
                pending.add(submit(spec))
        if not pending:
            return
        for fut in wait_some(pending):
            pending.discard(fut)
            yield fut.result()


def make_engine(name: str, workers: int, scheduler: str | None) -> LocalEngine | DaskEngine:
    if name == "dask":
        return DaskEngine(scheduler, workers)
    if scheduler:
        raise EngineError("--scheduler needs --engine dask")
    return LocalEngine(workers)
