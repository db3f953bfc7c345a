"""Building the street: `build_world` (households, buildings, grids, the social network) for the
co_governance preset at several sizes, each size in its own process so that peak memory is its own.

The first build of a process is shown apart: it is the one a run pays, with memory fresh from the
system. Then the best and the median of the repeats; the build's own peak of numpy memory
(tracemalloc, one more build) and the process's maximum resident set size.

    python benchmarks/world.py                  # 10,000, 100,000, 1,000,000 and 5,000,000 residents
    python benchmarks/world.py 100000           # chosen sizes
"""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc

import per_size

SIZES = (10_000, 100_000, 1_000_000, 5_000_000)


def repeats(n: int) -> int:
    return 20 if n <= 100_000 else 5


def one(n: int) -> dict:
    from cogov.model import load_scenario
    from cogov.model.streams import Streams
    from cogov.model.world import build_world

    p = load_scenario("co_governance", [f"population.residents={n}"]).params
    times = []
    for _ in range(repeats(n)):
        start = time.perf_counter()
        ties = len(build_world(p.population, p.grid, Streams(1).world).adj_idx) // 2
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    build_world(p.population, p.grid, Streams(1).world)
    build_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "residents": n,
        "first_s": times[0],
        "best_s": min(times),
        "median_s": statistics.median(times),
        "ties": ties,
        "build_peak_mb": build_peak / 2**20,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def table(sizes: list[int]) -> None:
    print("| residents | first build (s) | best (s) | median (s) | repeats | ties | build's peak (MB) | max RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in zip(sizes, per_size.in_own_processes(__file__, sizes)):
        print(
            f"| {r['residents']:,} | {r['first_s']:.3f} | {r['best_s']:.3f} | {r['median_s']:.3f} | {repeats(n)} | "
            f"{r['ties']:,} | {r['build_peak_mb']:,.0f} | {r['max_rss_mb']:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    per_size.main(__file__, one, table, SIZES)
