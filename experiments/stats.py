"""The statistics every analysis shares: means with 95% t-intervals across replicates, differences
with 95% Welch intervals (replicates have independent seeds, so comparisons are unpaired), one
value at a time or for whole frames, and how numbers are written in tables."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    mean: float
    low: float = math.nan  # no interval from fewer than two values
    high: float = math.nan
    n: int = 0


def _finite(values: Any) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return v[np.isfinite(v)]


def mean_ci(values: Any) -> Estimate | None:
    """The mean of the finite values with a 95% t-interval; None when there is none."""
    v = _finite(values)
    if len(v) == 0:
        return None
    m = float(v.mean())
    if len(v) < 2:
        return Estimate(m, n=len(v))
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return Estimate(m, m - half, m + half, len(v))


def diff_ci(a: Any, b: Any) -> Estimate | None:
    """Mean of a minus mean of b, with a 95% Welch interval."""
    a, b = _finite(a), _finite(b)
    if len(a) == 0 or len(b) == 0:
        return None
    d = float(a.mean() - b.mean())
    if len(a) < 2 or len(b) < 2:
        return Estimate(d, n=min(len(a), len(b)))
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    if va + vb == 0:
        return Estimate(d, d, d, min(len(a), len(b)))
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.975, dof) * math.sqrt(va + vb))
    return Estimate(d, d - half, d + half, min(len(a), len(b)))


def ci_frame(df: pd.DataFrame, by: list[str], value: str = "value") -> pd.DataFrame:
    """Mean, sd, n and 95% t-interval of ``value`` within groups ``by`` (NaNs left out)."""
    out = df.groupby(by, sort=False)[value].agg(["mean", "std", "count"]).rename(columns={"std": "sd", "count": "n"})
    half = stats.t.ppf(0.975, out["n"] - 1) * out["sd"] / np.sqrt(out["n"])
    return out.assign(low=out["mean"] - half, high=out["mean"] + half).reset_index()


def welch_differences(summary: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Each point's difference from the baseline per metric (a `ci_frame` by point and metric),
    with a 95% Welch interval."""
    base = summary.loc[summary["point"] == baseline, ["metric", "mean", "sd", "n"]]
    d = summary[summary["point"] != baseline].merge(base, on="metric", suffixes=("", "_b"))
    va, vb = d["sd"] ** 2 / d["n"], d["sd_b"] ** 2 / d["n_b"]
    dof = (va + vb) ** 2 / (va**2 / (d["n"] - 1) + vb**2 / (d["n_b"] - 1))
    half = np.where(va + vb == 0, 0.0, stats.t.ppf(0.975, dof) * np.sqrt(va + vb))
    diff = d["mean"] - d["mean_b"]
    return d[["point", "metric"]].assign(mean=diff, low=diff - half, high=diff + half)


def fmt_sig(x: Any) -> str:
    """Four significant digits; a dash for a missing or infinite number; anything else as it is."""
    if isinstance(x, (float, np.floating)):
        return "—" if not math.isfinite(x) else f"{x:.4g}"
    return str(x)


def fmt_fixed(x: float) -> str:
    """Decimals by magnitude (0 from 1,000, 1 from 100, 2 from 1, else 3), thousands separated."""
    if not math.isfinite(x):
        return "—"
    ref = abs(x)
    digits = 0 if ref >= 1000 else 1 if ref >= 100 else 2 if ref >= 1 else 3
    return f"{x:+,.{digits}f}" if x < 0 else f"{x:,.{digits}f}"


def fmt_estimate(e: Estimate | None) -> str:
    """``mean [low, high]``, or the mean alone without an interval."""
    if e is None:
        return "—"
    if math.isfinite(e.low):
        return f"{fmt_fixed(e.mean)} [{fmt_fixed(e.low)}, {fmt_fixed(e.high)}]"
    return fmt_fixed(e.mean)
