"""Engines that execute run specs: local worker processes, or a Dask cluster.

Both yield outcomes as runs finish; the caller alone writes them to the store. At most
``2 × workers`` runs are in flight at once, which bounds memory and what an interruption loses.
A local worker that dies (killed, out of memory) costs no run: the runs it took down are retried
one at a time in a new pool, and the one that kills its worker again is returned as failed with
the reason. Workers ignore Ctrl-C (the terminal sends it to them too); the command that runs the
batch stops them.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing import forkserver

from .runs import RunOutcome, RunSpec, execute

WORKER_DIED = (
    "the worker process running this run died (killed by a signal, or out of memory) twice: "
    "once with other runs in flight, once alone; the other runs went on"
)


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while starting processes, which keep ignoring it: the command handles it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _quiet_worker() -> None:
    """A worker leaves Ctrl-C to the command, which stops it and says what is kept."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_fork_server(preload: list[str]) -> multiprocessing.context.ForkServerContext:
    """This process's fork server (one per process), started now with `preload` imported if it is
    not running yet; workers forked from it start without importing anything again."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(preload)
    forkserver.ensure_running()
    return ctx


class EngineError(RuntimeError):
    """The engine cannot start (e.g. an unreachable scheduler); the message is for the user."""


class LocalEngine:
    """Worker processes on this machine; one worker runs in this process."""

    def __init__(self, workers: int = 2, task: Callable[[RunSpec], RunOutcome] = execute):
        self.workers = max(1, workers)
        self.task = task  # what a worker does with a spec (module-level, so workers can import it)
        self._pool: ProcessPoolExecutor | None = None

    def run(self, specs: Iterable[RunSpec]) -> Iterator[RunOutcome]:
        if self.workers == 1:
            for spec in specs:
                yield self.task(spec)
            return
        it = iter(specs)
        pending: dict[Future, RunSpec] = {}
        suspects: deque[RunSpec] = deque()  # in flight when a worker died: retried one at a time
        alone = False  # a suspect is running by itself
        while True:
            lost: list[RunSpec] = []
            if suspects:
                if not pending:
                    alone = True
                    self._submit(suspects.popleft(), pending, lost)
            else:
                alone = False
                while not lost and len(pending) < 2 * self.workers and (spec := next(it, None)) is not None:
                    self._submit(spec, pending, lost)
            if not pending and not lost:
                return
            for fut in wait(pending, return_when=FIRST_COMPLETED)[0] if pending else ():
                spec = pending.pop(fut)
                try:
                    out = fut.result()
                except BrokenProcessPool:
                    lost.append(spec)
                    continue
                yield out
            if lost:  # the pool is broken: every run in it is lost; start a new one
                lost += pending.values()
                pending.clear()
                self.close()
                if alone and len(lost) == 1:
                    yield RunOutcome(lost[0], error=WORKER_DIED)
                else:
                    suspects.extend(lost)

    def _submit(self, spec: RunSpec, pending: dict[Future, RunSpec], lost: list[RunSpec]) -> None:
        if self._pool is None:
            # a fork server that has imported the model once: workers start fast and share no threads
            ctx = _start_fork_server(["cogov.experiments.runs"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_quiet_worker)
        try:
            pending[self._pool.submit(self.task, spec)] = spec
        except BrokenProcessPool:
            lost.append(spec)

    def close(self) -> None:
        """Stop the workers now (a run in flight is abandoned; it was never stored)."""
        if self._pool is not None:
            for proc in list((getattr(self._pool, "_processes", None) or {}).values()):  # no public way before 3.14
                proc.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def describe(self) -> str:
        return f"local ({self.workers} worker{'s' if self.workers > 1 else ''})"


# A local cluster's workers wake their event loop less often: with every core busy simulating, the
# default 10–100 ms profiling, memory and system ticks took a fifth off each run's speed
# (benchmarks/sweep.py). Workers of a remote cluster keep that cluster's own settings.
LOCAL_CLUSTER = {
    # a worker holds only the run it is running: when a run kills its worker, no run queued behind it
    # on that worker is blamed too (Dask counts every task on a dying worker as suspicious)
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "5s",
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    # workers fork from a server that has imported Dask and the model once, as the local engine's do,
    # instead of each starting a fresh interpreter that imports both (about 2 s before its first run)
    "distributed.worker.multiprocessing-method": "forkserver",
}


class DaskEngine:
    """A Dask distributed cluster: the scheduler at ``address``, or a local cluster if none."""

    def __init__(self, address: str | None = None, workers: int = 2, task: Callable[[RunSpec], RunOutcome] = execute):
        if not address:  # the local cluster's fork server imports while this process imports Dask
            with _ctrl_c_ignored():
                _start_fork_server(["distributed", "cogov.experiments.runs"])
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - dask is a dependency
            raise EngineError(f"the Dask engine needs dask[distributed]: {e}") from None
        self.address, self.workers, self.task = address, workers, task
        self._cluster = None
        try:
            if address:
                self.client = Client(address, timeout="10s")
            else:
                with dask.config.set(LOCAL_CLUSTER), _ctrl_c_ignored():  # the scheduler and workers inherit both
                    self._cluster = LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        # a local cluster's workers say nothing: a failed run is recorded with its reason,
                        # and on Ctrl-C a worker that outlives the scheduler by a heartbeat logs an error
                        silence_logs=logging.CRITICAL,
                    )
                self.client = Client(self._cluster)
        except (OSError, TimeoutError, ValueError, TypeError) as e:
            raise EngineError(
                f"--scheduler {address!r}: cannot reach the Dask scheduler there ({e}); "
                "give tcp://HOST:PORT of a running `dask scheduler`"
            ) from None

    def run(self, specs: Iterable[RunSpec]) -> Iterator[RunOutcome]:
        from dask.distributed import wait as dask_wait

        n = max(1, sum(self.client.nthreads().values()))
        yield from _bounded(
            specs,
            lambda s: self.client.submit(self.task, s, pure=False),
            n,
            lambda fs: dask_wait(fs, return_when="FIRST_COMPLETED").done,
        )

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def describe(self) -> str:
        return f"dask ({self.address or f'local cluster of {self.workers}'})"


def _bounded(specs, submit, workers, wait_some) -> Iterator[RunOutcome]:
    """Keep at most 2 × workers futures in flight; yield outcomes as they complete. `execute` never
    raises, so a future's error is the cluster's (e.g. Dask's KilledWorker after repeated worker
    deaths): the run is returned as failed with it."""
    pending: dict[Future, RunSpec] = {}
    it = iter(specs)
    exhausted = False
    while True:
        while not exhausted and len(pending) < 2 * workers:
            spec = next(it, None)
            if spec is None:
                exhausted = True
            else:
                pending[submit(spec)] = spec
        if not pending:
            return
        for fut in wait_some(list(pending)):
            spec = pending.pop(fut)
            try:
                out = fut.result()
            except Exception as e:  # noqa: BLE001 — the run failed on the cluster, the batch goes on
                out = RunOutcome(spec, error=f"the cluster could not run it: {type(e).__name__}: {e}")
            yield out


SCHEDULER = re.compile(r"([a-z]+://)?[\w.\-]+(:\d+)?|([a-z]+://)?\[[0-9a-fA-F:.]+\](:\d+)?")


def make_engine(name: str, workers: int, scheduler: str | None) -> LocalEngine | DaskEngine:
    if scheduler is not None and not SCHEDULER.fullmatch(scheduler):
        raise EngineError(f"--scheduler {scheduler!r}: not an address; allowed: tcp://HOST:PORT")
    if name == "dask":
        return DaskEngine(scheduler, workers)
    if scheduler:
        raise EngineError("--scheduler needs --engine dask")
    return LocalEngine(workers)
