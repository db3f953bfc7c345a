"""The regression baseline: final metrics of a few presets at fixed seeds, committed in
`tests/baseline.json`. A change that moves any of them fails here until the baseline is rewritten
on purpose (``COGOV_UPDATE_BASELINE=1 pytest tests/test_baseline.py``) and the change is noted in
CHANGELOG.md and in the commit, as a model change."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from cogov.model import load_scenario, simulate

BASELINE = Path(__file__).with_name("baseline.json")
CASES = [
    ("administrative_only", 1),
    ("co_governance", 1),
    ("hotline", 2),
    ("grand_mediation", 3),
    ("co_governance", 4, {"budget.standing_per_10k": 2_000_000.0}),
]


def _key(case) -> str:
    preset, seed, *rest = case
    return f"{preset}#{seed}" + "".join(f" {k}={v}" for k, v in (rest[0] if rest else {}).items())


def _run(case) -> dict:
    preset, seed, *rest = case
    return simulate(load_scenario(preset, rest[0] if rest else {}).params, seed=seed).metrics


def test_baseline_holds():
    if os.environ.get("COGOV_UPDATE_BASELINE"):
        BASELINE.write_text(json.dumps({_key(c): _run(c) for c in CASES}, indent=1, sort_keys=True) + "\n")
    stored = json.loads(BASELINE.read_text())
    assert sorted(stored) == sorted(_key(c) for c in CASES), "baseline cases changed: rewrite it on purpose"
    moved = []
    for case in CASES:
        now, then = _run(case), stored[_key(case)]
        for name in sorted(set(now) | set(then)):
            a, b = now.get(name), then.get(name)
            same = a == b or (
                isinstance(a, float) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
            )
            if not same:
                moved.append(f"{_key(case)} {name}: {b} → {a}")
    if moved:
        pytest.fail(
            "results moved from the committed baseline (a model change? rewrite it on purpose and "
            "say so in CHANGELOG.md):\n" + "\n".join(moved[:40])
        )
