"""numpy operations that a day repeats on small arrays, called without the Python-level dispatch
numpy wraps them in (a few µs a call, which adds up over every phase of every day); results are
the same to the bit."""

from __future__ import annotations

import numpy as np
from numpy._core import umath

clip = umath.clip  # type: ignore[attr-defined]  # the ufunc behind np.clip(x, lo, hi, out=...), not in the stubs


def mean(values: np.ndarray) -> float:
    """values.mean(): the same sum and division."""
    return float(values.sum() / len(values))
