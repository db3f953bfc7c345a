"""Long runs: the co_governance preset for several years, the cost of a simulated day year by year.

Disputes that have ended (resolved, in court, lapsed) leave the set the day's phases look at, so a
day should cost about the same in the last year as in the first, although the run's disputes keep
adding up. Prints a Markdown table, a row per year: the disputes so far, those still live at the
year's end, and the milliseconds of a day (process time, which another program on the machine
disturbs less than the wall clock).

    python benchmarks/years.py                 # 50,000 residents, 3 years
    python benchmarks/years.py 2000 2          # residents, years
"""

from __future__ import annotations

import sys
import time

YEAR = 365


def main(residents: int = 50_000, years: int = 3) -> None:
    from cogov.model import CogovModel, load_scenario

    model = CogovModel(load_scenario("co_governance", [f"population.residents={residents}"]).params, seed=1)
    print(f"co_governance, {residents:,} residents, seed 1\n")
    print("| year | disputes so far | live at the year's end | ms a day |")
    print("|---:|---:|---:|---:|")
    for year in range(1, years + 1):
        start = time.process_time()
        for _ in range(YEAR):
            model.step()
        ms = (time.process_time() - start) / YEAR * 1e3
        print(f"| {year} | {model.disputes.n:,} | {len(model.disputes.live()):,} | {ms:.2f} |", flush=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
