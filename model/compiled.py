"""Loops over every resident compiled to machine code (Numba), for the arithmetic a day repeats on
all of them: one pass over the arrays where numpy makes one pass per operation, and no numpy call
to pay for on a small street.

A kernel is plain Python over arrays whose operations come in the same order as the numpy formula
they replace, so it gives the same numbers to the bit, compiled or not; its `py_func` is the pure
path, which the tests run against the compiled one. Kernels are compiled on a machine's first run
and kept beside this package (`cache`); `nogil` lets `model.threads` run them side by side.
"""

from __future__ import annotations

import numba

compiled = numba.njit(cache=True, nogil=True, error_model="numpy")


@compiled
def unit(x: float) -> float:
    """x clipped to [0, 1] as numpy's clip does (a NaN stays NaN)."""
    return 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)
