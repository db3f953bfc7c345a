"""The benchmarks still run and print their tables (small sizes; nothing here is timed)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("script", "args", "rows"),
    [
        ("scale.py", ["500", "10000"], 2),
        ("world.py", ["2000"], 1),
        ("sweep.py", ["4", "2"], 3),
        ("store.py", ["20"], 3),
        ("mesa_context.py", [], 4),
        ("startup.py", [], 15),
        ("years.py", ["2000", "2"], 2),
    ],
)
def test_a_benchmark_prints_its_table(script, args, rows):
    out = subprocess.run(
        [sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=600, cwd=BENCH
    )
    assert out.returncode == 0, out.stderr[-2000:]
    table = [line for line in out.stdout.splitlines() if line.startswith("| ")]  # not the "|---|" rule
    assert len(table) == rows + 1, out.stdout  # a header and a row per case


@pytest.mark.slow
def test_two_versions_of_the_same_code_give_the_same_series():
    """`versions.py` against this very checkout: a table of both, and the same results."""
    out = subprocess.run(
        [sys.executable, str(BENCH / "versions.py"), str(BENCH.parent), "500", "20", "2"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=BENCH,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert len([line for line in out.stdout.splitlines() if line.startswith("| ")]) == 3, out.stdout
    assert "the same daily series: yes" in out.stdout, out.stdout


def test_versions_names_a_folder_that_is_no_checkout(tmp_path):
    out = subprocess.run(
        [sys.executable, str(BENCH / "versions.py"), str(tmp_path)], capture_output=True, text=True, cwd=BENCH
    )
    assert out.returncode == 1
    assert out.stderr.strip() == f"error: {tmp_path}: no model/__init__.py (give a checkout of this project)"
