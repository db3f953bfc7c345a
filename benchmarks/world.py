"""Building the street: `build_world` (households, buildings, grids, the social network) for the
co_governance preset at several sizes, each size in its own process (peak memory is its own).

    python benchmarks/world.py                  # 1,000,000 and 5,000,000 residents
    python benchmarks/world.py 100000           # chosen sizes
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

SIZES = (1_000_000, 5_000_000)
REPEATS = 3


def one(n: int) -> dict:
    from cogov.model import load_scenario
    from cogov.model.streams import Streams
    from cogov.model.world import build_world

    p = load_scenario("co_governance", [f"population.residents={n}"]).params
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        w = build_world(p.population, p.grid, Streams(1).world)
        times.append(time.perf_counter() - start)
    return {
        "residents": n,
        "best_s": min(times),
        "median_s": sorted(times)[len(times) // 2],
        "ties": len(w.adj_idx) // 2,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(sizes: list[int]) -> None:
    print(f"| residents | best of {REPEATS} (s) | median (s) | ties | peak memory (MB) |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"| {r['residents']:,} | {r['best_s']:.2f} | {r['median_s']:.2f} | {r['ties']:,} | {r['peak_mb']:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or list(SIZES))
