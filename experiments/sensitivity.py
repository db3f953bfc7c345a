"""Global sensitivity analysis of the model's assumptions: Morris screening and Sobol indices (SALib).

``cogov sensitivity PRESET`` varies a set of levers over their ranges, runs every sample row as a
design point (with replicates) through the batch engine into the store, and computes the indices
from the stored metrics — so rerunning the same command resumes the runs and recomputes.

- **Levers.** By default every lever whose source says ``assumption`` (DESIGN: "a default with no
  seed behind it is marked assumption … with a range that sensitivity analysis explores"), over
  its plausible range (``plausible=(low, high)`` in the schema, within the lever's allowed range).
  ``population.residents`` is left out (it sets the scale and the run time, not a behaviour).
  ``--levers`` chooses others, with an optional range ``lever=LOW:HIGH``; a lever without a
  plausible range needs one.
- **Kinds.** Every factor is sampled on [0, 1] and mapped to its range: floats linearly, integers
  linearly then rounded, booleans to two levels (false below ½), choices to equal bins. Indices
  are therefore per full range of a lever, comparable across levers.
- **Contrast.** With ``--contrast OTHER`` every sample row is run on both presets with the same
  overrides and the same seeds, and the output is the difference PRESET − OTHER: what matters for
  the comparison rather than for one arrangement. Levers on which the two presets differ are the
  policy difference itself and are skipped (with a note).
- **Seeds.** Replicate r of every point uses the same seed (common random numbers), derived from
  the master seed: differences between points are the levers' effects, not different random
  streams. A lever that does not touch an output gets an index of exactly zero; the replicate
  noise of each output is reported beside the table.
- **Outputs.** ``results/<experiment>/sensitivity.csv`` and ``sensitivity.md`` (ranked tables),
  ``morris_<output>.png`` (μ* against σ) or ``sobol_<output>.png`` (S1 and ST with 95% intervals).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlite_utils

from ..model.scenario import ScenarioError, load_scenario
from .batch import PointsDesign
from .documents import reproduce, write_documents
from .factors import SCALE_LEVERS, Factor, assumption_levers, make_factor, parse_range_spec
from .stats import fmt_sig as _fmt
from .store import code_version, done_keys, load_runs, now

NUM_LEVELS = 4  # Morris grid levels (Saltelli et al. 2008 recommend 4 with about 10 trajectories)


def resolve_factors(
    specs: list[str], base: str, contrast: str | None, fixed: dict[str, Any], origin: str = "--levers"
) -> tuple[list[Factor], list[str]]:
    """The factors to vary and notes on what was left out and why."""
    notes: list[str] = []
    if specs:
        pairs = [parse_range_spec(s, origin) for s in specs]
    else:
        pairs = [(lv.name, None) for lv in assumption_levers()]
        notes.append(
            f"levers: every lever whose source is marked `assumption` and has a plausible range "
            f"({len(pairs)}), without {', '.join(sorted(SCALE_LEVERS))} (scale, not behaviour)"
        )
    factors = [make_factor(n, r, origin) for n, r in pairs]
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{origin}: a lever is named twice")
    kept = []
    a = load_scenario(base, fixed).resolved()
    b = load_scenario(contrast, fixed).resolved() if contrast else None
    for f in factors:
        if f.name in fixed:
            notes.append(f"`{f.name}` skipped: fixed by --set")
            continue
        if b is not None and _get(a, f.name) != _get(b, f.name):
            notes.append(
                f"`{f.name}` skipped: {base} ({_get(a, f.name)}) and {contrast} ({_get(b, f.name)}) "
                "set it differently — it is part of the difference being explained"
            )
            continue
        kept.append(f)
    mapped = [f.name for f in kept if f.kind in ("bool", "choice")]
    if mapped:
        notes.append(f"mapped to levels (each level an equal share of [0, 1]): {', '.join(mapped)}")
    ints = [f.name for f in kept if f.kind == "int"]
    if ints:
        notes.append(f"integer levers, sampled as numbers and rounded: {', '.join(ints)}")
    if len(kept) < 2:
        raise ScenarioError(
            f"{origin}: at least two levers must vary; left: {', '.join(f.name for f in kept) or 'none'}"
        )
    return kept, notes


def _get(tree: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        tree = tree[part]
    return tree


def problem(factors: list[Factor]) -> dict[str, Any]:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def sample(method: str, factors: list[Factor], n: int, seed: int) -> np.ndarray:
    """Sample rows on the unit cube (deterministic given the seed)."""
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(factors), n, num_levels=NUM_LEVELS, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem(factors), n, calc_second_order=False, scramble=True, seed=seed)


@dataclass
class Plan:
    """A sensitivity experiment: what to vary, how to sample it, and its design points."""

    name: str
    method: str
    base: str
    contrast: str | None
    factors: list[Factor]
    n: int
    replicates: int
    steps: int
    master_seed: int
    fixed: dict[str, Any]
    notes: list[str]

    @cached_property
    def _unit(self) -> np.ndarray:
        return sample(self.method, self.factors, self.n, self.master_seed)

    def unit(self) -> np.ndarray:
        return self._unit

    def labels(self) -> list[str]:
        return [f"x{i:05d}" for i in range(len(self.unit()))]

    def design(self) -> PointsDesign:
        points = []
        for label, row in zip(self.labels(), self.unit()):
            ov = {**self.fixed, **{f.name: f.value(u) for f, u in zip(self.factors, row)}}
            points.append((label, self.base, ov))
            if self.contrast:
                points.append((f"{label}.contrast", self.contrast, ov))
        identity = {
            "analysis": "sensitivity",
            "method": self.method,
            "base": self.base,
            "contrast": self.contrast,
            "factors": [asdict(f) for f in self.factors],
            "n": self.n,
            "num_levels": NUM_LEVELS,
            "set": self.fixed,
            "seeds": "common random numbers",
        }
        return PointsDesign(
            name=self.name,
            base=self.base,
            points=points,
            replicates=self.replicates,
            steps=self.steps,
            master_seed=self.master_seed,
            identity=identity,
            common_seeds=True,
        )


def point_means(db: sqlite_utils.Database, plan: Plan, outputs: list[str]) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per sample row, the replicate mean of each output (base − contrast with a contrast), and each
    output's replicate noise (mean standard error of a point's mean)."""
    runs = load_runs(db, plan.name)
    missing = [o for o in outputs if o not in runs.columns]
    if missing:
        raise ScenarioError(f"--outputs: not a stored metric: {', '.join(missing)}")
    vals = runs[["point", "replicate", *outputs]].copy()
    if plan.contrast:
        vals["row"] = vals["point"].str.replace(".contrast", "", regex=False)
        vals["side"] = np.where(vals["point"].str.endswith(".contrast"), "c", "b")
        wide = vals.pivot_table(index=["row", "replicate"], columns="side", values=outputs, aggfunc="first")
        diff = pd.DataFrame({o: wide[(o, "b")] - wide[(o, "c")] for o in outputs}).reset_index()
        per_rep = diff.rename(columns={"row": "point"})
    else:
        per_rep = vals
    grouped = per_rep.groupby("point")
    means = grouped[outputs].mean().reindex(plan.labels())
    noise = {}
    for o in outputs:
        sem = grouped[o].sem() if plan.replicates > 1 else pd.Series(dtype=float)
        noise[o] = float(sem.mean()) if len(sem.dropna()) else math.nan
    return means, noise


def analyse(plan: Plan, means: pd.DataFrame, outputs: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The indices per output and lever, ranked; notes on outputs that could not be analysed."""
    X = plan.unit()
    prob = problem(plan.factors)
    rows, notes = [], []
    for o in outputs:
        Y = means[o].to_numpy(dtype=float)
        if np.isnan(Y).any():
            notes.append(
                f"`{o}`: {int(np.isnan(Y).sum())} of {len(Y)} sample rows have no value "
                "(unfinished runs, or a metric undefined there); not analysed"
            )
            continue
        if plan.method == "sobol" and Y.min() == Y.max():  # its indices would divide by zero variance
            notes.append(
                f"`{o}`: {Y[0]:.4g} in every sample row; no lever moved it over these ranges, "
                "so there is no variance to share among them; not analysed"
            )
            continue
        if plan.method == "morris":
            from SALib.analyze import morris

            res = morris.analyze(prob, X, Y, conf_level=0.95, num_levels=NUM_LEVELS, seed=plan.master_seed)
            for i, name in enumerate(prob["names"]):
                rows.append(
                    {
                        "output": o,
                        "lever": name,
                        "mu_star": res["mu_star"][i],
                        "mu_star_conf": res["mu_star_conf"][i],
                        "mu": res["mu"][i],
                        "sigma": res["sigma"][i],
                    }
                )
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(prob, Y, calc_second_order=False, conf_level=0.95, seed=plan.master_seed)
            for i, name in enumerate(prob["names"]):
                rows.append(
                    {
                        "output": o,
                        "lever": name,
                        "S1": res["S1"][i],
                        "S1_conf": res["S1_conf"][i],
                        "ST": res["ST"][i],
                        "ST_conf": res["ST_conf"][i],
                    }
                )
    key = "mu_star" if plan.method == "morris" else "ST"
    table = pd.DataFrame(rows)
    if len(table):
        table = table.sort_values(["output", key], ascending=[True, False], kind="stable")
        table.insert(2, "rank", table.groupby("output").cumcount() + 1)
        index = {f.name: f for f in plan.factors}
        table.insert(3, "range", table["lever"].map(lambda n: index[n].describe()))
    return table, notes


def markdown(
    plan: Plan,
    table: pd.DataFrame,
    noise: dict[str, float],
    notes: list[str],
    meta: dict[str, Any],
    figures: list[Path],
) -> str:
    what = "Morris elementary effects" if plan.method == "morris" else "Sobol indices (first order S1, total ST)"
    lines = [
        f"# Sensitivity: {plan.name}",
        "",
        f"{what} of {plan.base}"
        + (f" − {plan.contrast} (paired, same seeds)" if plan.contrast else "")
        + f"; {len(plan.factors)} levers, {meta['rows']} sample rows × {plan.replicates} replicates, "
        f"{plan.steps} days.",
        "",
    ]
    if plan.method == "morris":
        lines.append(
            "μ* (mean absolute elementary effect) is in the output's units per full range of the lever; "
            "σ large against μ* means the effect depends on the other levers (interaction or non-linearity). "
            "μ* conf is the half-width of a 95% bootstrap interval."
        )
    else:
        lines.append(
            "S1: share of the output's variance due to the lever alone; ST: including its interactions. "
            "± is the half-width of a 95% bootstrap interval."
        )
    lines.append("")
    cols = [c for c in table.columns if c != "output"]
    for o, part in table.groupby("output", sort=False) if len(table) else ():  # empty: every output noted
        extra = f" (replicate noise: standard error of a point's mean ≈ {_fmt(noise.get(o, math.nan))})"
        lines += [f"## {o}{extra}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for _, r in part.iterrows():
            lines.append("| " + " | ".join(_fmt(r[c]) for c in cols) + " |")
        lines.append("")
    lines += [f"![{p.stem}]({p.name})\n" for p in figures]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    lines += reproduce(
        [
            ("command", f"`{meta['command']}`"),
            ("master seed", plan.master_seed),
            ("code version", meta["code_version"]),
            ("date", meta["date"]),
            ("runs stored", f"{meta['runs']} (experiment `{plan.name}` in {meta['db']})"),
        ]
    )
    return "\n".join(lines)


def plots(plan: Plan, table: pd.DataFrame, out_dir: Path) -> list[Path]:
    import matplotlib
    from matplotlib.figure import Figure

    from .report import figure_style

    paths = []
    with matplotlib.rc_context(figure_style()):
        for o, part in table.groupby("output", sort=False):
            fig = Figure(
                figsize=(7, 4.5 if plan.method == "morris" else max(3.0, 0.28 * len(part) + 1.2)), layout="constrained"
            )
            ax = fig.subplots()
            if plan.method == "morris":
                ax.errorbar(
                    part["mu_star"], part["sigma"], xerr=part["mu_star_conf"], fmt="o", ms=4, alpha=0.8, elinewidth=0.8
                )
                for _, r in part.head(8).iterrows():
                    ax.annotate(
                        r["lever"], (r["mu_star"], r["sigma"]), fontsize=7, xytext=(3, 3), textcoords="offset points"
                    )
                lim = max(part["mu_star"].max(), part["sigma"].max(), 1e-12) * 1.05
                ax.plot([0, lim], [0, lim], lw=0.6, ls="--", color="grey")
                ax.set_xlabel("μ* (per full range)")
                ax.set_ylabel("σ")
                name = f"morris_{o}.png"
            else:
                part = part.iloc[::-1]
                y = np.arange(len(part))
                ax.barh(y + 0.2, part["S1"], height=0.4, xerr=part["S1_conf"], label="S1", capsize=2)
                ax.barh(y - 0.2, part["ST"], height=0.4, xerr=part["ST_conf"], label="ST", capsize=2)
                ax.set_yticks(y, part["lever"], fontsize=7)
                ax.set_xlabel("index (95% interval)")
                ax.legend()
                name = f"sobol_{o}.png"
            title = f"{o}: {plan.base}" + (f" − {plan.contrast}" if plan.contrast else "")
            ax.set_title(title)
            fig.savefig(out_dir / name, dpi=100)
            paths.append(out_dir / name)
    return paths


def print_table(plan: Plan, table: pd.DataFrame, top: int) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console()
    if not len(table):
        return
    cols = [c for c in table.columns if c != "output"]
    for o, part in table.groupby("output", sort=False):
        t = Table(
            title=f"{o}" + (f" ({plan.base} − {plan.contrast})" if plan.contrast else f" ({plan.base})"),
            show_header=True,
            header_style="bold",
        )
        for c in cols:
            t.add_column(c, justify="left" if c in ("lever", "range") else "right", no_wrap=c == "lever")
        for _, r in part.head(top).iterrows():
            t.add_row(*(_fmt(r[c]) for c in cols))
        out.print(t)


def write_outputs(
    db, plan: Plan, outputs: list[str], out_dir: Path, command: str, db_path: str, draw: bool = True
) -> tuple[pd.DataFrame, Path]:
    means, noise = point_means(db, plan, outputs)
    table, notes = analyse(plan, means, outputs)
    out_dir.mkdir(parents=True, exist_ok=True)
    table.to_csv(out_dir / "sensitivity.csv", index=False)
    meta = {
        "command": command,
        "code_version": code_version(),
        "date": now(),
        "rows": len(means),
        "runs": len(done_keys(db, plan.name)),
        "db": db_path,
    }
    figures = plots(plan, table, out_dir) if draw and len(table) else []
    text = markdown(plan, table, noise, plan.notes + notes, meta, figures)
    paths = write_documents(text, out_dir, "sensitivity", f"Sensitivity: {plan.name}")
    table.attrs["notes"] = notes
    return table, paths["markdown"]
