"""For benchmarks that measure each case in a fresh process, so that peak memory (max RSS) and
start-up belong to that case alone: ``python script.py [sizes…]`` runs ``script.py --one N`` per
size (or per key)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator


def in_own_processes(script: str, sizes: list[int] | list[str]) -> Iterator[dict]:
    """What `script --one N` printed last (a JSON object), size by size."""
    for n in sizes:
        out = subprocess.run([sys.executable, script, "--one", str(n)], capture_output=True, text=True, check=True)
        yield json.loads(out.stdout.strip().splitlines()[-1])


def main(script: str, one: Callable[[int], dict], table: Callable[[list[int]], None], sizes: tuple[int, ...]) -> None:
    """`--one N`: measure size N here and print it as JSON; otherwise print `table` of the sizes
    given on the command line (or `sizes`)."""
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
    else:
        table([int(a) for a in sys.argv[1:]] or list(sizes))
