"""Start-up: how long `cogov --help` and an argument error of every command take, from a fresh
process (the best of five, so that the machine's noise does not count).

    python benchmarks/startup.py

The goal is under a third of a second: the command line imports only click and rich, and each
command loads the heavy libraries it needs when it runs.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

COGOV = Path(sys.executable).parent / "cogov"
CASES = [
    ["--help"],
    ["run", "--help"],
    ["run", "--seed", "x", "co_governance"],
    ["compare", "--steps", "0"],
    ["sweep"],
    ["merge"],
    ["report"],
    ["export"],
    ["scenarios", "--bogus"],
    ["levers", "--bogus"],
    ["ui", "--port", "-1"],
    ["validate", "--replicates", "0"],
    ["sensitivity"],
    ["calibrate", "--trials", "0"],
    ["discover", "-n", "1"],
]


def best_of(args: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([str(COGOV), *args], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print("| command | seconds |\n|---|---:|")
    for args in CASES:
        print(f"| `cogov {' '.join(args)}` | {best_of(args):.3f} |")


if __name__ == "__main__":
    main()
