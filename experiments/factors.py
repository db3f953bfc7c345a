"""What the analyses vary: factors (a lever over a range, or over its levels), the ranges the
schema states (each assumption's structured `plausible` range), ranges given on the command line,
and the one Latin-hypercube sampler."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.levers import Lever, lever_index, lever_table
from ..model.scenario import ScenarioError

SCALE_LEVERS = {"population.residents"}  # scale, not behaviour: excluded from the default set


def assumption_range(lv: Lever) -> tuple[float, float] | None:
    """The plausible range of a numeric lever whose source is an assumption (`plausible` in the schema)."""
    return lv.plausible if "assumption" in lv.source and lv.kind in ("int", "float") else None


def assumption_levers() -> list[Lever]:
    """Levers whose source is marked ``assumption`` and that have a plausible range (the default factor set)."""
    return [
        lv
        for lv in lever_table()
        if "assumption" in lv.source and lv.name not in SCALE_LEVERS and assumption_range(lv) is not None
    ]


@dataclass(frozen=True)
class Factor:
    """A lever varied over [low, high] (numeric) or over its levels (bool, choice)."""

    name: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    levels: tuple[Any, ...] = ()

    def value(self, u: float) -> Any:
        if self.kind == "bool":
            return bool(u >= 0.5)
        if self.kind == "choice":
            return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]
        x = self.low + float(u) * (self.high - self.low)
        return int(round(x)) if self.kind == "int" else x

    def describe(self) -> str:
        if self.kind in ("bool", "choice"):
            return " · ".join(str(v).lower() for v in self.levels) + " (levels)"
        return f"{self.low:g} – {self.high:g}" + (" (rounded)" if self.kind == "int" else "")


def parse_range_spec(text: str, origin: str) -> tuple[str, tuple[float, float] | None]:
    """``lever`` or ``lever=LOW:HIGH``."""
    if "=" not in text:
        return text.strip(), None
    name, rng = (s.strip() for s in text.split("=", 1))
    try:
        lo, hi = (float(x) for x in rng.split(":"))
    except ValueError:
        lo = hi = math.nan
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ScenarioError(f"{origin}: `{name}` = {rng!r}: a range is LOW:HIGH of finite numbers, e.g. {name}=0.1:0.7")
    return name, (lo, hi)


def make_factor(name: str, rng: tuple[float, float] | None, origin: str) -> Factor:
    index = lever_index()
    lv = index.get(name)
    if lv is None or lv.kind == "list":
        raise ScenarioError(f"{origin}: `{name}` is not a lever one can vary; `cogov levers` lists them all")
    if lv.kind == "bool":
        return Factor(name, "bool", levels=(False, True))
    if lv.kind == "choice":
        return Factor(name, "choice", levels=lv.choices)
    rng = rng or assumption_range(lv)
    if rng is None:
        raise ScenarioError(
            f"{origin}: `{name}` states no assumption range; give one as {name}=LOW:HIGH (allowed: {lv.allowed})"
        )
    lo, hi = rng
    if not lo < hi:
        raise ScenarioError(f"{origin}: `{name}` = {lo:g}:{hi:g}: low must be below high")
    if (lv.low is not None and lo < lv.low) or (lv.high is not None and hi > lv.high):
        raise ScenarioError(f"{origin}: `{name}` = {lo:g}:{hi:g}: outside what the lever allows ({lv.allowed})")
    return Factor(name, lv.kind, float(lo), float(hi))


def latin_hypercube(d: int, n: int, seed: int) -> np.ndarray:
    """`n` points of a Latin hypercube on [0, 1]^d, fixed by `seed`."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)
