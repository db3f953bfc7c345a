"""Scale benchmark: the co_governance preset for 365 days at several population sizes.

Each size runs in its own process so that peak memory (max RSS) belongs to that size alone.
Prints a Markdown table: wall time, resident-days per second, peak memory.

    python benchmarks/scale.py                 # 5,000, 100,000 and 1,000,000 residents
    python benchmarks/scale.py 5000 20000      # chosen sizes
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

SIZES = (5_000, 100_000, 1_000_000)
STEPS = 365


def one(n: int) -> dict:
    from cogov.model import load_scenario, simulate

    sc = load_scenario("co_governance", [f"population.residents={n}"])
    start = time.perf_counter()
    result = simulate(sc.params, seed=1, steps=STEPS)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "residents": n,
        "wall_s": wall,
        "resident_days_per_s": n * STEPS / wall,
        "peak_mb": peak_mb,
        "disputes": result.metrics["disputes_total"],
    }


def main(sizes: list[int]) -> None:
    print("| residents | wall time (s) | resident-days / s | peak memory (MB) | disputes |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"| {r['residents']:,} | {r['wall_s']:.1f} | {r['resident_days_per_s']:,.0f} | {r['peak_mb']:,.0f} | "
            f"{r['disputes']:,} |",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or list(SIZES))
