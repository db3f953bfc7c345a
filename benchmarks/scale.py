"""Scale benchmark: the co_governance preset for 365 days at several population sizes.

Each size runs in its own process so that peak memory (max RSS) belongs to that size alone.
Prints a Markdown table: building the street, the year of steps on one thread and (from twice
`model.threads.MIN_RESIDENTS_PER_THREAD` residents) on every core the process may use, with the
number of cores, resident-days per second of the one-thread steps, their cost against 10,000
residents' (linear growth is the size ratio), peak memory of the one-thread run.
Below it, the machine's speed in the same run, before and after the sizes: Mesa's Boltzmann wealth
model (`mesa_context.py`), so that tables of different days can be compared on a shared machine.

    python benchmarks/scale.py                 # 5,000, 10,000, 100,000 and 1,000,000 residents
    python benchmarks/scale.py 5000 20000      # chosen sizes
"""

from __future__ import annotations

import resource
import time

import per_size

SIZES = (5_000, 10_000, 100_000, 1_000_000)
STEPS = 365


def year(n: int, threads: int) -> tuple[float, float, int]:
    """(seconds to build the street, seconds of the year's steps, disputes) on `threads` threads."""
    from cogov.model import CogovModel, load_scenario

    sc = load_scenario("co_governance", [f"population.residents={n}"])
    start = time.perf_counter()
    model = CogovModel(sc.params, seed=1, threads=threads)
    built = time.perf_counter()
    for _ in range(STEPS):
        model.step()
    steps = time.perf_counter() - built
    disputes = model.disputes.n
    model.release()
    return built - start, steps, disputes


def one(n: int) -> dict:
    from cogov.model.threads import MIN_RESIDENTS_PER_THREAD, available_cores

    build_s, steps_s, disputes = year(n, 1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # of the one-thread run
    cores = available_cores()
    parallel = year(n, cores)[1] if cores > 1 and n >= 2 * MIN_RESIDENTS_PER_THREAD else None
    return {
        "residents": n,
        "build_s": build_s,
        "steps_s": steps_s,
        "cores": cores,
        "parallel_steps_s": parallel,
        "resident_days_per_s": n * STEPS / steps_s,
        "peak_mb": peak_mb,
        "disputes": disputes,
    }


def table(sizes: list[int]) -> None:
    from mesa_context import boltzmann

    before = boltzmann(1_000, 100)
    print(
        "| residents | building (s) | 365 days of steps (s) | … on every core (s) | resident-days / s "
        "| steps ÷ 10k's | peak memory (MB) | disputes |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = None
    for n, r in zip(sizes, per_size.in_own_processes(__file__, sizes)):
        base = r["steps_s"] if n == 10_000 else base
        ratio = f"×{r['steps_s'] / base:.0f}" if base else "—"
        parallel = f"{r['parallel_steps_s']:.2f} ({r['cores']})" if r["parallel_steps_s"] else "—"
        print(
            f"| {r['residents']:,} | {r['build_s']:.2f} | {r['steps_s']:.2f} | {parallel} | "
            f"{r['resident_days_per_s']:,.0f} | {ratio} | {r['peak_mb']:,.0f} | {r['disputes']:,} |",
            flush=True,
        )
    after = boltzmann(1_000, 100)
    print(
        f"\nMesa's Boltzmann wealth model in this run (1,000 agents × 100 steps): "
        f"{before * 1e6:.2f} µs an agent-step before the sizes, {after * 1e6:.2f} after."
    )


if __name__ == "__main__":
    per_size.main(__file__, one, table, SIZES)
