"""Calibration: fit chosen levers of a preset to target figures from the seeds (optuna, TPE).

``cogov calibrate TARGETS --preset P`` reads a targets file (TOML; see
``experiments/targets/seed_targets.toml``), keeps the targets that apply to P, and searches the
levers to fit (``--fit``, else the file's ``[fit.P]`` table) within their ranges:

- **Trials.** optuna's TPE sampler, seeded with the master seed, proposes a parameter set; it is
  evaluated as one design point with replicates through the batch engine into the store. The
  point's label is a hash of the parameter values (rounded to 4 significant digits), so the same
  parameters are the same runs. Replicate r of every trial uses the same seed (common random
  numbers), so trials differ by their parameters, not by their random streams.
- **Loss.** Σ ((observed mean − target) / tolerance)² over the targets; a one-sided target
  (``direction = "at_least"`` or ``"at_most"``) counts only a shortfall. A target is met when its
  term is at most 1 (the mean within one tolerance).
- **Start and ties.** Trial 0 is the preset itself (its values of the fitted levers), so the report
  says whether the preset already fits. When several trials share the lowest loss (a one-sided
  target that many parameter sets meet), the calibrated scenario takes the one nearest the preset,
  each lever measured in units of its search range.
- **Resuming.** The study lives in memory and is rebuilt on every invocation: the seeded sampler,
  told the same losses, proposes the same parameters, whose runs are already stored — so a rerun
  (after an interruption, or with more ``--trials``) replays the finished trials without running
  anything and goes on from there; an interrupted trial finishes its missing replicates. The
  result is the same as an uninterrupted run.
- **Derived metrics.** ``mediation_success_rate``: among handling attempts by grid workers on the
  spot and by mediation (social organisations and their volunteer mediators) that ended, the share
  that ended resolved; computed from the event log, which calibration then keeps for its runs.
- **Outputs** in ``results/<experiment>/``: ``calibrated_<preset>.toml`` (extends the preset; the
  fitted values; provenance in comments and ``[meta]``; loadable by ``cogov run``),
  ``fit_report.md``, ``trials.csv`` and ``history.png`` (loss per trial and best so far).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlite_utils
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..model import load_scenario, presets
from ..model.levers import lever_index
from ..model.outputs import metric_names
from ..model.scenario import is_file, read_toml, shorten
from .batch import PointsDesign, run_design
from .design import flatten
from .documents import reproduce, write_documents
from .stats import fmt_sig as fmt
from .stats import mean_ci
from .store import code_version, done_keys, load_runs, now

MEDIATION_HANDLERS = (0, 1)  # Handler.GRID, Handler.MEDIATION
DERIVED = {
    "mediation_success_rate": "share of ended attempts by grid workers on the spot and by mediation that resolved the case",
}
ATTEMPT_ENDS = ("resolved", "closed_superficially", "attempt_failed")


class TargetsError(ValueError):
    """A targets file or fit specification that cannot be used; the message is for the user."""


@cache
def known_metrics() -> tuple[str, ...]:
    """Names of the final metrics and the derived ones."""
    return tuple(sorted(metric_names())) + tuple(DERIVED)


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str = Field(description="a short identifier")
    preset: str = Field(description="the preset the figure describes")
    metric: str = Field(description="a final metric of the model, or mediation_success_rate")
    value: float = Field(description="the target figure, in the metric's units")
    tolerance: float = Field(gt=0, description="distance from the value that still counts as a fit (> 0)")
    direction: Literal["equal", "at_least", "at_most"] = "equal"
    source: str = Field(min_length=1, description="the seed passage or public figure")
    note: str = ""

    @field_validator("preset")
    @classmethod
    def _preset(cls, v: str) -> str:
        if v not in presets():
            raise ValueError(f"not a preset; allowed: {', '.join(presets())}")
        return v

    @field_validator("metric")
    @classmethod
    def _metric(cls, v: str) -> str:
        if v not in known_metrics():
            raise ValueError(f"not a metric; allowed: {', '.join(known_metrics())}")
        return v

    def term(self, observed: float | None) -> float:
        if observed is None or not math.isfinite(observed):
            return math.inf
        gap = observed - self.value
        if self.direction == "at_least":
            gap = min(gap, 0.0)
        elif self.direction == "at_most":
            gap = max(gap, 0.0)
        return (gap / self.tolerance) ** 2


class TargetsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    targets: list[Target] = Field(min_length=1)
    fit: dict[str, dict[str, tuple[float, float]]] = Field(default_factory=dict)

    @field_validator("fit", mode="before")
    @classmethod
    def _flat(cls, v):
        return {k: flatten(t) if isinstance(t, dict) else t for k, t in v.items()} if isinstance(v, dict) else v


def _explain(err: dict[str, Any]) -> str:
    loc = ".".join(str(x) for x in err["loc"])
    if err["type"] == "extra_forbidden":
        parent = err["loc"][0] if err["loc"] else ""
        allowed = ", ".join(Target.model_fields) if parent == "targets" else "targets, fit"
        return f"`{loc}` is not a field; allowed: {allowed}"
    if err["type"] == "missing":
        return f"`{loc}` is missing"
    field = err["loc"][-1] if err["loc"] else ""
    meaning = Target.model_fields[field].description if field in Target.model_fields else None
    msg = err["msg"].removeprefix("Value error, ")
    return f"`{loc}` = {err.get('input')!r}: {msg}" + (f" ({meaning})" if meaning and "allowed" not in msg else "")


def load_targets(path: Path | str) -> TargetsFile:
    path = Path(path)
    if not is_file(path):
        raise TargetsError(f"targets file {shorten(str(path))!r} not found")
    data = read_toml(path, TargetsError)
    try:
        tf = TargetsFile.model_validate(data)
    except ValidationError as e:
        raise TargetsError(f"{path}: " + "; ".join(_explain(x) for x in e.errors())) from None
    index = lever_index()
    for preset, ranges in tf.fit.items():
        if preset not in presets():
            raise TargetsError(f"{path}: `fit.{preset}` is not a preset; allowed: {', '.join(presets())}")
        for lever, (lo, hi) in ranges.items():
            _check_range(index, lever, lo, hi, f"{path}: `fit.{preset}.{lever}`")
    return tf


def _check_range(index, lever: str, lo: float, hi: float, where: str) -> None:
    lv = index.get(lever)
    if lv is None:
        raise TargetsError(f"{where}: `{lever}` is not a lever; `cogov levers` lists them all")
    if lv.kind not in ("int", "float"):
        raise TargetsError(f"{where}: `{lever}` is {lv.kind}; only numeric levers can be fitted")
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise TargetsError(f"{where} = [{lo:g}, {hi:g}]: allowed: finite numbers, low below high")
    if (lv.low is not None and lo < lv.low) or (lv.high is not None and hi > lv.high):
        raise TargetsError(f"{where} = [{lo:g}, {hi:g}]: outside what the lever allows; allowed: {lv.allowed}")


def parse_fit(specs: list[str], defaults: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """``--fit lever[=LOW:HIGH]``; a lever without a range takes it from the targets file or its source."""
    from .factors import assumption_range, parse_range_spec

    index = lever_index()
    out: dict[str, tuple[float, float]] = {}
    for s in specs:
        name, rng = parse_range_spec(s, "--fit")
        if rng:
            lo, hi = rng
        elif name in defaults:
            lo, hi = defaults[name]
        else:
            lv = index.get(name)
            r = assumption_range(lv) if lv else None
            if r is None:
                raise TargetsError(
                    f"--fit {name!r}: give a range as {name}=LOW:HIGH"
                    + ("" if lv else "; `cogov levers` lists the levers")
                )
            lo, hi = r
        _check_range(index, name, lo, hi, f"--fit {name}")
        out[name] = (lo, hi)
    return out


def _round(x: float, digits: int = 4) -> float:
    return float(f"{x:.{digits}g}")


def point_label(values: dict[str, Any]) -> str:
    """A trial's design point: a hash of its parameter values."""
    text = json.dumps(values, sort_keys=True)
    return "p" + hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class Calibration:
    name: str
    preset: str
    targets: list[Target]
    ranges: dict[str, tuple[float, float]]
    replicates: int
    steps: int
    master_seed: int
    fixed: dict[str, Any]
    targets_path: str

    @property
    def events(self) -> bool:
        return any(t.metric in DERIVED for t in self.targets)

    def identity(self) -> dict[str, Any]:
        return {
            "analysis": "calibration",
            "preset": self.preset,
            "ranges": self.ranges,
            "set": self.fixed,
            "sampler": "optuna TPE",
            "seeds": "common random numbers",
            "events": self.events,
        }

    def design(self, points: list[tuple[str, str, dict[str, Any]]]) -> PointsDesign:
        return PointsDesign(
            name=self.name,
            base=self.preset,
            points=points,
            replicates=self.replicates,
            steps=self.steps,
            master_seed=self.master_seed,
            identity=self.identity(),
            common_seeds=True,
            events=self.events,
        )

    def start(self) -> dict[str, Any]:
        """The preset's own values of the fitted levers (clipped into the search ranges)."""
        resolved = load_scenario(self.preset, self.fixed).resolved()
        out = {}
        for lever, (lo, hi) in self.ranges.items():
            v = resolved
            for part in lever.split("."):
                v = v[part]
            out[lever] = min(max(v, lo), hi)
        return out

    def distance(self, values: dict[str, Any]) -> float:
        """How far a parameter set is from the preset, each lever in units of its search range."""
        start = self.start()
        return math.sqrt(sum(((values[k] - start[k]) / (hi - lo)) ** 2 for k, (lo, hi) in self.ranges.items()))

    def suggest(self, trial) -> dict[str, Any]:
        index = lever_index()
        values = {}
        for lever, (lo, hi) in self.ranges.items():
            if index[lever].kind == "int":
                values[lever] = trial.suggest_int(lever, int(math.ceil(lo)), int(math.floor(hi)))
            else:
                values[lever] = _round(trial.suggest_float(lever, lo, hi))
        return values


def observed(db: sqlite_utils.Database, cal: Calibration, label: str) -> pd.DataFrame:
    """Per replicate of a point, the value of every target's metric."""
    runs = load_runs(db, cal.name)
    runs = runs[runs["point"] == label]
    metrics = sorted({t.metric for t in cal.targets})
    out = pd.DataFrame({"run_id": runs["id"].to_numpy(), "replicate": runs["replicate"].to_numpy()})
    for m in metrics:
        if m == "mediation_success_rate":
            out[m] = out["run_id"].map(lambda rid: mediation_success(db, rid))
        else:
            out[m] = runs[m].to_numpy() if m in runs.columns else np.nan
    return out


def mediation_success(db: sqlite_utils.Database, run_id: str) -> float:
    if "events" not in db.table_names():
        return math.nan
    marks = ",".join("?" * len(ATTEMPT_ENDS))
    hs = ",".join("?" * len(MEDIATION_HANDLERS))
    row = db.execute(
        f"select sum(event = 'resolved'), count(*) from events where run_id = ? and event in ({marks}) "
        f"and handler in ({hs})",
        [run_id, *ATTEMPT_ENDS, *MEDIATION_HANDLERS],
    ).fetchone()
    return row[0] / row[1] if row[1] else math.nan


def _mean(values: pd.Series) -> float:
    e = mean_ci(pd.to_numeric(values, errors="coerce"))
    return e.mean if e else math.nan


def loss_of(cal: Calibration, obs: pd.DataFrame) -> tuple[float, dict[str, float]]:
    means = {t.metric: _mean(obs[t.metric]) if len(obs) else math.nan for t in cal.targets}
    return float(sum(t.term(means[t.metric]) for t in cal.targets)), means


def run_study(db, cal: Calibration, trials: int, engine, command: str, progress) -> pd.DataFrame:
    import optuna

    from .engine import LocalEngine

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=cal.master_seed, n_startup_trials=min(10, max(2, trials // 3)))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.enqueue_trial(cal.start())  # the preset itself is trial 0: is it already a fit?
    rows = []
    ran_total = 0
    for number in range(trials):
        trial = study.ask()
        values = cal.suggest(trial)
        label = point_label(values)
        design = cal.design([(label, cal.preset, {**cal.fixed, **values})])
        summary = run_design(
            db,
            design,
            engine,
            kind="calibration",
            command=command,
            progress=False,
            close_engine=isinstance(engine, LocalEngine),
        )
        ran_total += summary.ran
        obs = observed(db, cal, label)
        loss, means = loss_of(cal, obs)
        if math.isfinite(loss) and len(obs) == cal.replicates:
            study.tell(trial, loss)
        else:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        rows.append(
            {
                "trial": number,
                "point": label,
                "loss": loss,
                "ran": summary.ran,
                **values,
                **{f"mean_{m}": v for m, v in means.items()},
            }
        )
        progress(number, trials, loss, summary.ran, min(r["loss"] for r in rows))
    df = pd.DataFrame(rows)
    df.attrs["ran"] = ran_total
    return df


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(v, ensure_ascii=False)


def calibrated_toml(cal: Calibration, best: dict[str, Any], meta: dict[str, Any], fit_rows: list[dict]) -> str:
    values = {**cal.fixed, **best}
    lines = [
        f"# Calibrated {cal.preset}: levers fitted by `cogov calibrate` to the targets below.",
        f"#   command: {meta['command']}",
        f"#   targets file: {cal.targets_path}",
        f"#   method: optuna TPE sampler (seed {cal.master_seed}), {meta['trials']} trials × {cal.replicates} "
        f"replicates × {cal.steps} days, common random numbers; loss Σ((mean − target)/tolerance)²",
        f"#   best loss {fmt(meta['best_loss'])} (trial {meta['best_trial']}); code version {meta['code_version']}; "
        f"date {meta['date']}",
    ]
    for r in fit_rows:
        lines.append(
            f"#   target {r['target']}: {r['metric']} {r['direction']} {fmt(r['value'])} ± {fmt(r['tolerance'])}"
            f" → observed {fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}], "
            f"{'met' if r['met'] else 'NOT met'} ({r['source']})"
        )
    lines.append("#   search ranges: " + ", ".join(f"{k} {lo:g}–{hi:g}" for k, (lo, hi) in cal.ranges.items()))
    lines += [
        "",
        f'extends = "{cal.preset}"',
        "",
        "[meta]",
        f"zh = {toml_value(meta['zh'] + '（校准）')}",
        f"en = {toml_value(meta['en'] + ' (calibrated)')}",
        f"calibrated_from = {toml_value(cal.preset)}",
        f"targets_file = {toml_value(cal.targets_path)}",
        'method = "optuna TPE"',
        f"trials = {meta['trials']}",
        f"replicates = {cal.replicates}",
        f"steps = {cal.steps}",
        f"master_seed = {cal.master_seed}",
        f"best_loss = {toml_value(float(meta['best_loss']))}",
        f"targets_met = {sum(r['met'] for r in fit_rows)}",
        f"targets_total = {len(fit_rows)}",
        f"code_version = {toml_value(meta['code_version'])}",
        f"date = {toml_value(meta['date'])}",
    ]
    sections: dict[str, list[tuple[str, Any]]] = {}
    for name, v in values.items():
        section, _, key = name.rpartition(".")
        sections.setdefault(section, []).append((key, v))
    for section, items in sections.items():
        lines += ["", f"[{section}]"] + [f"{k} = {toml_value(v)}" for k, v in items]
    return "\n".join(lines) + "\n"


def history_plot(df: pd.DataFrame, path: Path, title: str) -> None:
    import matplotlib
    from matplotlib.figure import Figure

    from .report import figure_style

    with matplotlib.rc_context(figure_style()):
        fig = Figure(figsize=(7, 4), layout="constrained")
        ax = fig.subplots()
        loss = df["loss"].replace([np.inf], np.nan)
        ax.plot(df["trial"], loss, "o", ms=4, alpha=0.7, label="trial loss")
        ax.plot(df["trial"], loss.cummin(), "-", label="best so far")
        if (loss > 0).all():
            ax.set_yscale("log")
        ax.set_xlabel("trial")
        ax.set_ylabel("loss Σ((mean − target)/tolerance)²")
        ax.set_title(title)
        ax.legend()
        fig.savefig(path, dpi=100)


def write_outputs(db, cal: Calibration, df: pd.DataFrame, out_dir: Path, command: str) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    df.to_csv(out_dir / "trials.csv", index=False)
    # among the trials with the lowest loss (a one-sided target met by many), the one nearest the preset
    tied = df[df["loss"] == df["loss"].min()]
    best_row = tied.loc[tied.apply(lambda r: cal.distance({k: r[k] for k in cal.ranges}), axis=1).idxmin()]
    best = {k: (int(best_row[k]) if lever_index()[k].kind == "int" else float(best_row[k])) for k in cal.ranges}
    obs = observed(db, cal, best_row["point"])
    fit_rows = []
    for t in cal.targets:
        e = mean_ci(pd.to_numeric(obs[t.metric], errors="coerce"))
        m, lo, hi = (e.mean, e.low, e.high) if e else (math.nan, math.nan, math.nan)
        fit_rows.append(
            {
                "target": t.name,
                "metric": t.metric,
                "direction": t.direction,
                "value": t.value,
                "tolerance": t.tolerance,
                "mean": m,
                "low": lo,
                "high": hi,
                "met": t.term(m) <= 1.0,
                "source": t.source,
            }
        )
    sc = load_scenario(cal.preset)
    meta = {
        "command": command,
        "trials": len(df),
        "best_loss": float(best_row["loss"]),
        "best_trial": int(best_row["trial"]),
        "code_version": code_version(),
        "date": now(),
        "zh": sc.zh,
        "en": sc.en,
    }
    toml_path = out_dir / f"calibrated_{cal.preset}.toml"
    toml_path.write_text(calibrated_toml(cal, best, meta, fit_rows), encoding="utf-8")
    history_plot(df, out_dir / "history.png", f"{cal.name}: {cal.preset}")
    lines = [
        f"# Calibration: {cal.name}",
        "",
        f"Preset `{cal.preset}`, targets from `{cal.targets_path}`; optuna TPE (seed {cal.master_seed}), "
        f"{len(df)} trials, each {cal.replicates} replicates × {cal.steps} days with common random numbers. "
        f"Loss Σ((mean − target)/tolerance)²; a target is met when its term is at most 1.",
        "",
        "| target | metric | target value | tolerance | observed mean [95% CI] | within tolerance | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in fit_rows:
        tv = {"equal": "", "at_least": "≥ ", "at_most": "≤ "}[r["direction"]] + fmt(r["value"])
        lines.append(
            f"| {r['target']} | {r['metric']} | {tv} | {fmt(r['tolerance'])} | "
            f"{fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}] | {'yes' if r['met'] else 'no'} | {r['source']} |"
        )
    preset_loss = float(df.loc[df["trial"] == 0, "loss"].iloc[0])
    lines += [
        "",
        f"Best loss: **{fmt(meta['best_loss'])}** (trial {meta['best_trial']}, point `{best_row['point']}`); "
        f"the preset itself (trial 0): {fmt(preset_loss)}.",
        "",
        "| lever | value found | search range | preset default |",
        "|---|---|---|---|",
    ]
    base = sc.resolved()
    for k, v in best.items():
        d = base
        for part in k.split("."):
            d = d[part]
        lines.append(f"| {k} | {fmt(v)} | {cal.ranges[k][0]:g} – {cal.ranges[k][1]:g} | {fmt(d)} |")
    lines += ["", "![loss per trial](history.png)", ""]
    lines += reproduce(
        [
            ("command", f"`{command}`"),
            ("master seed", cal.master_seed),
            ("code version", meta["code_version"]),
            ("date", meta["date"]),
            ("calibrated scenario", f"`{toml_path.name}` (`cogov run {toml_path}`)"),
            ("runs stored", f"{len(done_keys(db, cal.name))} (experiment `{cal.name}`)"),
        ]
    )
    paths = write_documents("\n".join(lines), out_dir, "fit_report", f"Calibration: {cal.name}")
    return {
        "toml": toml_path,
        "report": paths["markdown"],
        "fit": fit_rows,
        "best": best,
        "best_loss": meta["best_loss"],
    }
