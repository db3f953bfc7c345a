"""Experiment designs: which scenarios and lever values to run, how many replicates, which seeds.

A design file (TOML, see ``experiments/designs/``) names a base scenario and varies levers as a
full factorial (lists of values) or a Latin hypercube (ranges and a sample size); ``cogov
compare`` builds a design of presets in code. A design's size is counted before anything is
expanded (more than `MAX_RUNS` runs need ``--yes``), and every design point is checked against
the scenario schema before anything runs, with the same clear messages as a bad scenario.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..model.levers import lever_index
from ..model.outputs import KEY_METRICS, metric_names
from ..model.scenario import ScenarioError, is_file, load_scenario, read_toml, shorten
from .paths import DESIGN_DIR
from .runs import RunSpec, derive_seed, specs_for

MAX_RUNS = 100_000  # a design of more runs needs --yes
HARD_MAX_RUNS = 1_000_000  # more than the store and the report are made for, --yes or not
NAME_RULE = re.compile(r"(?!\.+$)[A-Za-z0-9_.-]{1,100}")


def label(names: list[str], values) -> str:
    """A design point's label: ``lever=value, …`` with values as in a scenario file."""
    fmt = lambda v: str(v).lower() if isinstance(v, bool) else str(v)  # noqa: E731
    return ", ".join(f"{n}={fmt(v)}" for n, v in zip(names, values))


class DesignError(ValueError):
    """A design that cannot run; the message is meant for the user as it is."""


def check_name(name: str, where: str = "name") -> str:
    """The one rule for experiment names, which name folders under results/: letters, digits, ``_ . -``,
    at most 100 characters, not only dots."""
    if not isinstance(name, str) or not NAME_RULE.fullmatch(name):
        raise DesignError(f"{where} = {name!r}: allowed: 1–100 letters, digits, _ . - (not only dots)")
    return name


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """TOML's nested tables (``grid.workers_per_grid = …``) → dotted lever names."""
    out: dict[str, Any] = {}
    for k, v in tree.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, name + "."))
        else:
            out[name] = v
    return out


class LatinHypercube(BaseModel):
    model_config = ConfigDict(extra="forbid")
    samples: int = Field(ge=2, le=100_000, description="design points drawn")
    ranges: dict[str, tuple[float, float]] = Field(description="lever → [low, high]")

    @field_validator("ranges", mode="before")
    @classmethod
    def _flat(cls, v):
        return flatten(v) if isinstance(v, dict) else v


class Design(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="experiment name (used in the store and results/)")
    description: str = ""
    base: str | None = Field(None, description="base scenario of a sweep")
    scenarios: list[str] | None = Field(None, description="scenarios to compare, one design point each")
    baseline: str | None = Field(None, description="the point others are compared with")
    replicates: int = Field(20, ge=1, le=10_000)
    steps: int = Field(365, ge=1, le=100_000)
    master_seed: int = Field(0, ge=0, lt=2**63)
    set: dict[str, Any] = Field(default_factory=dict, description="levers fixed for every point")
    factorial: dict[str, list[Any]] = Field(default_factory=dict, description="lever → values, full factorial")
    lhs: LatinHypercube | None = None
    metrics: list[str] = Field(default_factory=lambda: list(KEY_METRICS), description="key metrics for the report")
    budget_matched_from: str | None = Field(
        None,
        description="the experiment whose own standing costs set this "
        "comparison's matched budget (experiments/matched.py)",
    )
    series: Literal["daily", "weekly", "none"] = Field(
        "daily",
        description="how much of each run's daily series the store keeps: every day, the last day of "
        "each week, or none (the final metrics are always kept)",
    )

    @field_validator("set", "factorial", mode="before")
    @classmethod
    def _flat(cls, v):
        return flatten(v) if isinstance(v, dict) else v

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        try:
            return check_name(v)
        except DesignError:
            raise ValueError("allowed: 1–100 letters, digits, _ . - (not only dots)") from None

    def size(self) -> int:
        """The number of design points, counted without expanding them."""
        if self.scenarios:
            return len(self.scenarios)
        if self.factorial:
            return math.prod(len(v) for v in self.factorial.values())
        return self.lhs.samples if self.lhs else 1

    def varied(self) -> list[str]:
        return list(self.factorial) + (list(self.lhs.ranges) if self.lhs else [])

    def points(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(label, scenario, overrides) for every design point."""
        if self.scenarios:
            return [(s, s, dict(self.set)) for s in self.scenarios]
        assert self.base is not None
        if self.factorial:
            names = list(self.factorial)
            combos = itertools.product(*(self.factorial[n] for n in names))
            return [(label(names, c), self.base, {**self.set, **dict(zip(names, c))}) for c in combos]
        if self.lhs:
            from .factors import latin_hypercube

            names = list(self.lhs.ranges)
            unit = latin_hypercube(len(names), self.lhs.samples, self.master_seed)
            index = lever_index()
            pts = []
            for i, row in enumerate(unit):
                values = {}
                for n, u in zip(names, row):
                    lo, hi = self.lhs.ranges[n]
                    x = lo + u * (hi - lo)
                    values[n] = int(round(x)) if index[n].kind == "int" else float(x)
                pts.append((f"lhs{i:04d}", self.base, {**self.set, **values}))
            return pts
        return [(self.base, self.base, dict(self.set))]

    def specs(self) -> list[RunSpec]:
        return specs_for(
            self.name,
            self.points(),
            self.replicates,
            lambda label, r: derive_seed(self.master_seed, label, r),
            self.steps,
            self.series,
        )

    def baseline_point(self) -> str:
        return self.baseline or self.points()[0][0]

    def as_json(self) -> str:
        """The design as stored, levers in the order given: their order makes the point labels and
        the Latin hypercube's columns, so a design rebuilt from it has the same points."""
        data = self.model_dump(mode="json")
        for key, default in (("budget_matched_from", None), ("series", "daily")):
            if data[key] == default:  # designs stored before the field existed still match
                del data[key]
        return json.dumps(data, ensure_ascii=False)


def _check_size(design: Design, origin: str, yes: bool) -> None:
    runs = design.size() * design.replicates
    what = f"{design.size():,} design points × {design.replicates:,} replicates = {runs:,} runs"
    if runs > HARD_MAX_RUNS:
        raise DesignError(f"{origin}: {what}; allowed: at most {HARD_MAX_RUNS:,}; split the design")
    if runs > MAX_RUNS and not yes:
        raise DesignError(f"{origin}: {what}; more than {MAX_RUNS:,}: pass --yes to run it anyway")


def _check_levers(design: Design, origin: str) -> None:
    index = lever_index()
    for name in [*design.set, *design.varied()]:
        if name not in index:
            raise DesignError(f"{origin}: `{name}` is not a lever; `cogov levers` lists them all")
    for name, values in design.factorial.items():
        if not values:
            raise DesignError(f"{origin}: `factorial.{name}` = []: give at least one value")
        repeated = [v for i, v in enumerate(values) if v in values[:i]]
        if repeated:
            raise DesignError(
                f"{origin}: `factorial.{name}` = {values!r}: {repeated[0]!r} is given twice; allowed: each value once"
            )
    if design.lhs:
        if not design.lhs.ranges:
            raise DesignError(f"{origin}: `lhs.ranges` is empty; give at least one lever = [low, high]")
        for name, (lo, hi) in design.lhs.ranges.items():
            lv = index[name]
            if lv.kind not in ("int", "float"):
                raise DesignError(
                    f"{origin}: `lhs.ranges.{name}`: a Latin hypercube needs a numeric lever, this one is {lv.kind}"
                )
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise DesignError(
                    f"{origin}: `lhs.ranges.{name}` = [{lo}, {hi}]: allowed: finite numbers, low below high"
                )
    if design.scenarios and len(set(design.scenarios)) < len(design.scenarios):
        twice = next(s for i, s in enumerate(design.scenarios) if s in design.scenarios[:i])
        raise DesignError(f"{origin}: `scenarios`: {twice!r} is given twice; allowed: each scenario once")
    unknown = [m for m in design.metrics if m not in metric_names()] if design.metrics != KEY_METRICS else []
    if unknown:
        raise DesignError(
            f"{origin}: `metrics`: {', '.join(map(repr, unknown))} not a metric; allowed: "
            + ", ".join(sorted(metric_names()))
        )


def _check(design: Design, origin: str, yes: bool = False) -> Design:
    if bool(design.scenarios) == bool(design.base):
        raise DesignError(f"{origin}: give either `base` (a sweep) or `scenarios` (a comparison), not both or neither")
    if design.factorial and design.lhs:
        raise DesignError(f"{origin}: give either `factorial` or `lhs`, not both")
    _check_levers(design, origin)
    _check_size(design, origin, yes)
    labels = [p[0] for p in design.points()]
    if design.baseline is not None and design.baseline not in labels:
        raise DesignError(
            f"{origin}: `baseline` = {design.baseline!r} is not a design point; points: {', '.join(labels[:10])}"
        )
    for label, scenario, ov in design.points():
        try:
            load_scenario(scenario, ov)
        except ScenarioError as e:
            raise DesignError(f"{origin}: design point {label!r}: {e}") from None
    return design


def build_design(data: dict[str, Any], origin: str, yes: bool = False) -> Design:
    """A checked design from `data` (as in a design file); `yes` allows more than `MAX_RUNS` runs."""
    try:
        design = Design.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            loc = ".".join(str(x) for x in err["loc"])
            if err["type"] == "extra_forbidden":
                lines.append(f"`{loc}` is not a design field; allowed: {', '.join(Design.model_fields)}")
            else:
                lines.append(f"`{loc}` = {err.get('input')!r}: {err['msg']}")
        raise DesignError(f"{origin}: " + "; ".join(lines)) from None
    return _check(design, origin, yes)


def _design_path(ref: str) -> Path:
    for path in (Path(ref), DESIGN_DIR / f"{ref}.toml"):
        if is_file(path):
            return path
    known = ", ".join(sorted(p.stem for p in DESIGN_DIR.glob("*.toml")))
    raise DesignError(f"design {shorten(ref)!r} not found: give a path or one of: {known}")


def load_design(ref: str | Path, replicates: int | None = None, yes: bool = False) -> Design:
    """A design file by path, or by name from ``experiments/designs/``; `replicates` overrides the file's."""
    path = _design_path(str(ref))
    data = read_toml(path, DesignError)
    data.setdefault("name", path.stem)
    if replicates is not None:
        data["replicates"] = replicates
    return build_design(data, str(path), yes)
