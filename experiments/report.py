"""Experiment reports: what a stored experiment found, how sure it is, and how to run it again.

`write_report` reads an experiment from the store and writes ``report.html`` (self-contained:
styles inline, figures embedded as PNG data URIs) and ``report.md`` (figures as PNG files beside
it), in Chinese or English:

- the final metrics of each design point: mean and 95% t-interval across replicates;
- each point's difference from the baseline with a 95% Welch interval — replicates of different
  points have independent seeds, so the comparison is unpaired — as a table and a forest plot;
- daily series with 95% bands across replicates, and the spread of the replicates;
- cost-effectiveness: cost per resolved case against satisfaction;
- for sweeps, the response of the key metrics to each varied lever (per level of a factorial, per
  quantile bin of a Latin hypercube);
- what a rerun needs: command, design, master seed, code version, parameters, dates and timings.

Figures are drawn with matplotlib's object interface (rendered by Agg, no pyplot state) in the
bundled Noto Sans CJK font, so Chinese renders the same on any machine.
"""

from __future__ import annotations

import base64
import functools
import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import sqlite_utils
from matplotlib import font_manager
from matplotlib.figure import Figure

from ..model.levers import lever_index
from ..model.outputs import DAILY_SERIES, KEY_METRICS, OUTPUTS
from ..model.scenario import ScenarioError, load_scenario
from .cjkfont import FONT_FILE, font_face
from .design import Design, flatten
from .palette import colours
from .stats import ci_frame, welch_differences
from .store import experiment_row, load_runs, load_timeseries, now

LANGS = ("zh", "en")
ANALYSES = {"sensitivity": "sensitivity", "calibration": "calibrate", "discovery": "discover"}  # kind → its command
DPI = 100
SERIES = ["resolution_rate", "satisfaction_mean", "trust_mean", "petitions", "cost_total"]
COST_AXES = ["satisfaction_rate", "satisfaction_mean"]
FEW_POINTS = 12  # beyond this, series get no bands and figures no legend: the tables tell points apart

# labels of the metrics and series a report shows (the output schema's, without the detail counts)
LABELS: dict[str, tuple[str, str]] = {
    n: (o.zh, o.en) for n, o in {**OUTPUTS, **DAILY_SERIES}.items() if o.group != "detail"
}

TEXT: dict[str, tuple[str, str]] = {
    "title": ("实验报告：{name}", "Experiment report: {name}"),
    "overview": ("概况", "Overview"),
    "item": ("项目", "Item"),
    "value": ("值", "Value"),
    "kind": ("类型", "Kind"),
    "compare": ("情景比较", "scenario comparison"),
    "sweep": ("参数扫描", "parameter sweep"),
    "description": ("说明", "Description"),
    "baseline": ("基准", "Baseline"),
    "points": ("设计点数", "Design points"),
    "replicates": ("每点重复次数", "Replicates per point"),
    "steps": ("模拟天数", "Days simulated"),
    "key_metrics": ("关键指标", "Key metrics"),
    "method": (
        "所有区间均为 95% 置信区间：设计点的均值用跨重复的 t 区间；与基准之差用 Welch 区间"
        "（各点的重复使用相互独立的种子，故为非配对比较）。",
        "All intervals are 95% confidence intervals: a t-interval across replicates for a point's mean, "
        "a Welch interval for a difference from the baseline (points' replicates have independent seeds, "
        "so the comparison is unpaired).",
    ),
    "no_runs": ("该实验还没有完成的运行。", "The experiment has no finished runs yet."),
    "summary": ("各设计点的最终指标", "Final metrics by design point"),
    "summary_note": ("均值 [95% 置信区间]，跨重复计算。", "Mean [95% CI] across replicates."),
    "point": ("设计点", "Point"),
    "n": ("重复数", "Replicates"),
    "other_metrics": ("其他指标", "Other metrics"),
    "differences": ("与基准的差异", "Difference from the baseline"),
    "difference_note": (
        "设计点均值减基准（{baseline}）均值 [95% Welch 区间]；* 表示区间不含 0。",
        "Point mean minus baseline ({baseline}) mean [95% Welch interval]; * marks an interval that excludes 0.",
    ),
    "no_differences": (
        "没有可与基准（{baseline}）比较的设计点。",
        "No design point to compare with the baseline ({baseline}).",
    ),
    "forest_caption": (
        "与基准（{baseline}）之差及其 95% 置信区间",
        "Difference from the baseline ({baseline}) with 95% CI",
    ),
    "series": ("时间序列", "Time series"),
    "series_caption": ("各设计点跨重复的日均值及 95% 置信带", "Daily mean across replicates per point, with 95% band"),
    "series_caption_many": (
        "各设计点跨重复的日均值（设计点较多，不画置信带）",
        "Daily mean across replicates per point (too many points to draw bands)",
    ),
    "day": ("天", "Day"),
    "distributions": ("重复间的分布", "Distribution across replicates"),
    "distributions_caption": ("每个点为一次重复，竖线为中位数", "Each dot is one replicate; the bar marks the median"),
    "cost": ("成本效益", "Cost-effectiveness"),
    "cost_caption": (
        "每化解一案成本与满意度：各设计点的均值及 95% 置信区间",
        "Cost per resolved case against satisfaction: each point's mean with 95% CI",
    ),
    "levers": ("杠杆响应", "Response to levers"),
    "levers_factorial": (
        "每个水平的均值 [95% 置信区间]，对其他杠杆的所有组合取平均。",
        "Mean [95% CI] per level, over all combinations of the other levers.",
    ),
    "levers_lhs": (
        "按杠杆取值的分位数分箱：各箱内运行的均值 [95% 置信区间]；图中散点为各次运行。",
        "Runs binned by quantiles of the lever: mean [95% CI] per bin; dots in the figure are runs.",
    ),
    "lever_caption": ("关键指标对 {lever}（{meaning}）的响应", "Response of the key metrics to {lever}: {meaning}"),
    "lever_heading": ("{lever}（{meaning}）", "{lever}: {meaning}"),
    "level": ("水平", "Level"),
    "repro": ("可复现信息", "Reproducibility"),
    "command": ("命令", "Command"),
    "master_seed": ("主种子", "Master seed"),
    "seeds_note": (
        "每次运行的种子由主种子、设计点标签与重复编号导出（experiments/runs.py 的 derive_seed），与执行顺序无关。",
        "Each run's seed derives from the master seed, the point's label and the replicate number "
        "(derive_seed in experiments/runs.py), never from execution order.",
    ),
    "code_version": ("代码版本", "Code version"),
    "run_code_versions": ("各运行的代码版本", "Code versions of the runs"),
    "engine": ("计算引擎", "Engine"),
    "created": ("开始时间", "Started"),
    "finished": ("完成时间", "Finished"),
    "written": ("报告生成时间", "Report written"),
    "runs": ("完成的运行 / 计划的运行", "Runs finished / planned"),
    "seconds": ("计算耗时（秒）", "Compute time (s)"),
    "design": ("实验设计", "Design"),
    "set": ("所有设计点共同的固定参数（set）", "Levers fixed for every point (set)"),
    "none": ("无", "none"),
    "matched": ("同一常设预算下的比较", "At one standing budget for all"),
    "matched_note": (
        "以上各情景按各自的常设预算运行。实验 {name} 以每万人每年 {budget} 元的同一常设预算"
        "（budget.standing_per_10k）重复同样的情景、种子与天数：各部门的处置能力为预算扣除其他常设成本后的余额。"
        "完整报告见 results/{name}/report.html。",
        "The presets above run at their own standing budgets. Experiment {name} repeats the same presets, "
        "seeds and days at one standing budget of ¥{budget} per 10,000 residents a year "
        "(budget.standing_per_10k): offices get what the other standing costs leave. Its full report is "
        "results/{name}/report.html.",
    ),
    "budget": ("常设预算", "Standing budget"),
    "budget_note": (
        "各情景以每万人每年 {budget} 元的同一常设预算（budget.standing_per_10k）运行，{how}。"
        "各部门的处置能力为预算扣除其他常设成本后的余额；运动式治理的突击开支在预算之外。",
        "Every preset runs at one standing budget of ¥{budget} per 10,000 residents a year "
        "(budget.standing_per_10k), {how}. Offices get what the other standing costs leave; a campaign's "
        "surge is paid on top.",
    ),
    "budget_mean": (
        "即实验 {source} 中各情景自身常设成本的均值",
        "the mean of the presets' own standing costs in experiment {source}",
    ),
    "budget_given": ("由命令行给定", "as given on the command line"),
    "own_budget": ("自身常设成本（元/万人/年）", "Own standing cost (¥ per 10k residents a year)"),
    "lever": ("杠杆", "Lever"),
    "meaning": ("含义", "Meaning"),
    "point_params": ("各设计点的参数", "Parameters of each point"),
    "scenario": ("情景", "Scenario"),
    "overrides": ("覆盖参数", "Overrides"),
    "differs": ("与基准不同的参数", "Parameters that differ from the baseline"),
    "baseline_params": ("基准的一次运行（{run}）的全部参数", "All resolved parameters of one baseline run ({run})"),
}


# --- statistics -----------------------------------------------------------------------------------


def long(df: pd.DataFrame, by: list[str], metrics: list[str]) -> pd.DataFrame:
    return df.melt(id_vars=by, value_vars=metrics, var_name="metric")


# --- the experiment as the report sees it ------------------------------------------------------------


@functools.cache
def preset_description(name: str, lang: str) -> str:
    """A preset's one-line description, or "" when the name is not a preset."""
    try:
        sc = load_scenario(name)
    except ScenarioError:
        return ""
    return sc.zh if lang == "zh" else sc.en


@dataclass
class Report:
    """A stored experiment, read once, with the summaries and labels the sections share."""

    row: dict[str, Any]
    design: Design
    runs: pd.DataFrame
    series: pd.DataFrame
    lang: str
    out_dir: Path
    figures: list[Path] = field(default_factory=list)

    @classmethod
    def load(cls, db: sqlite_utils.Database, experiment: str, lang: str, out_dir: Path) -> Report:
        row = experiment_row(db, experiment)
        design = Design.model_validate(json.loads(row["design"]))
        return cls(row, design, load_runs(db, experiment), load_timeseries(db, experiment), lang, out_dir)

    def t(self, key: str, **values: Any) -> str:
        return TEXT[key][LANGS.index(self.lang)].format(**values)

    def label(self, metric: str) -> str:
        return LABELS[metric][LANGS.index(self.lang)] if metric in LABELS else metric

    def meaning(self, lever: str) -> str:
        lv = lever_index()[lever]
        return lv.zh if self.lang == "zh" else lv.en

    @property
    def baseline(self) -> str:
        return self.row["baseline"]

    @cached_property
    def points(self) -> list[str]:
        """The points of the finished runs, as the runs stored them: in the design's order, then (for an
        experiment stored before designs kept their lever order) any point the design does not name."""
        order = {label: i for i, (label, _, _) in enumerate(self.design.points())}
        return sorted(set(self.runs["point"]), key=lambda p: (p not in order, order.get(p, 0), p))

    @property
    def few_points(self) -> bool:
        return len(self.points) <= FEW_POINTS

    def measured(self, metric: str) -> bool:
        """Whether some finished run has a value of `metric`."""
        return metric in self.runs.columns and bool(self.runs[metric].notna().any())

    @cached_property
    def metrics(self) -> list[str]:
        return [m for m in self.design.metrics or KEY_METRICS if self.measured(m)]

    @cached_property
    def other_metrics(self) -> list[str]:
        return [m for m in LABELS if self.measured(m) and m not in self.metrics]

    @cached_property
    def summary(self) -> pd.DataFrame:
        return ci_frame(long(self.runs, ["point"], self.metrics + self.other_metrics), ["point", "metric"])

    @cached_property
    def first_runs(self) -> pd.DataFrame:
        """The lowest replicate of each point, indexed by point."""
        return self.runs.sort_values("replicate").drop_duplicates("point").set_index("point")

    @cached_property
    def overrides(self) -> dict[str, dict[str, Any]]:
        return {p: json.loads(o) for p, o in self.first_runs["overrides"].items()}

    @cached_property
    def colors(self) -> dict[str, Any]:
        return colours(self.points)

    def describe(self, point: str) -> str:
        """A preset's description, or a Latin hypercube point's lever values."""
        if self.design.lhs:
            return ", ".join(f"{k}={_num(v)}" for k, v in self.overrides[point].items() if k in self.design.lhs.ranges)
        return preset_description(point, self.lang)


# --- formatting ----------------------------------------------------------------------------------------


def _num(x: Any) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def _decimals(*xs: float) -> int:
    ref = max((abs(x) for x in xs if np.isfinite(x)), default=0.0)
    return 0 if ref >= 1000 else 1 if ref >= 100 else 2 if ref >= 1 else 3


def ci_cell(mean: float, low: float, high: float, signed: bool = False) -> str:
    """``mean [low, high]``; a signed difference is starred when its interval excludes 0."""
    if not np.isfinite(mean):
        return "—"
    spec = f"{'+' if signed else ''},.{_decimals(mean, low, high)}f"
    if not np.isfinite(low):
        return format(mean, spec)
    star = " *" if signed and (low > 0 or high < 0) else ""
    return f"{mean:{spec}} [{low:{spec}}, {high:{spec}}]{star}"


def ci_table(
    rep: Report,
    frame: pd.DataFrame,
    key: str,
    lead: dict[str, Callable[[Any], str]],
    keys: list[Any],
    metrics: list[str],
    signed: bool = False,
) -> tuple:
    """A table block: a row per key (leading columns from ``lead``), a ``mean [CI]`` cell per metric."""
    cells = frame.set_index([key, "metric"])[["mean", "low", "high"]]
    header = [*lead, *(rep.label(m) for m in metrics)]
    rows = [
        [
            *(f(k) for f in lead.values()),
            *(ci_cell(*cells.loc[(k, m)], signed=signed) if (k, m) in cells.index else "—" for m in metrics),
        ]
        for k in keys
    ]
    return ("table", header, rows)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _assignments(values: dict[str, Any]) -> str:
    return "; ".join(f"{k}={_json(v)}" for k, v in values.items()) or "—"


# --- figures -------------------------------------------------------------------------------------------


@functools.cache
def cjk_font() -> str:
    """Register the bundled Noto Sans CJK font once; return its family name."""
    font_manager.fontManager.addfont(str(FONT_FILE))
    return font_manager.FontProperties(fname=str(FONT_FILE)).get_name()


def figure_style() -> dict[str, Any]:
    return {
        "font.family": [cjk_font(), "DejaVu Sans"],
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
    }


def _panels(n: int, height: float, ncols: int = 3, width: float = 4.0, **kw: Any) -> tuple[Figure, list]:
    """A figure with ``n`` panels on a grid ``ncols`` wide."""
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, list(axes[:n])


def _err(frame: pd.DataFrame) -> np.ndarray:
    """Asymmetric error bars from ``mean``, ``low`` and ``high``."""
    return np.vstack([frame["mean"] - frame["low"], frame["high"] - frame["mean"]])


def _tick(point: str) -> str:
    return point.replace(", ", "\n")


def save(rep: Report, fig: Figure, name: str, caption: str) -> tuple:
    """Write a figure next to the report and return its block."""
    path = rep.out_dir / f"{name}.png"
    fig.savefig(path, dpi=DPI)
    rep.figures.append(path)
    return ("figure", path, caption)


def point_panels(
    rep: Report, points: list[str], metrics: list[str], draw: Callable[[Any, str, dict[str, int]], None]
) -> Figure:
    """One panel per metric with a row per point (the first on top); ``draw(ax, metric, rows)`` fills it."""
    lines = max(_tick(p).count("\n") + 1 for p in points)
    fig, axes = _panels(len(metrics), height=(0.2 + 0.12 * lines) * len(points) + 1.0, sharey=True)
    rows = {p: i for i, p in enumerate(reversed(points))}
    for ax, metric in zip(axes, metrics):
        draw(ax, metric, rows)
        ax.set_title(rep.label(metric))
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(list(rows.values()), [_tick(p) for p in rows])
    return fig


def forest_figure(rep: Report, diffs: pd.DataFrame, points: list[str]) -> Figure:
    def draw(ax, metric, rows):
        d = diffs[diffs["metric"] == metric]
        y = d["point"].map(rows)
        ax.axvline(0, color="grey", lw=0.8)
        ax.errorbar(d["mean"], y, xerr=_err(d), fmt="none", ecolor="grey", capsize=3)
        ax.scatter(d["mean"], y, c=[rep.colors[p] for p in d["point"]], zorder=3)

    return point_panels(rep, points, rep.metrics, draw)


def distribution_figure(rep: Report) -> Figure:
    rng = np.random.default_rng(0)

    def draw(ax, metric, rows):
        d = rep.runs[["point", metric]].dropna()
        jitter = rng.uniform(-0.2, 0.2, len(d))
        ax.scatter(d[metric], d["point"].map(rows) + jitter, s=12, c=[rep.colors[p] for p in d["point"]], alpha=0.7)
        medians = d.groupby("point")[metric].median()
        ax.scatter(medians, medians.index.map(rows), marker="|", s=300, color="black", lw=1.5)

    return point_panels(rep, rep.points, rep.metrics, draw)


def legend(rep: Report, fig: Figure, ax: Any) -> None:
    """One legend of the points below the panels, when there are few enough to tell apart."""
    if rep.few_points:
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=min(4, len(rep.points)))


def series_figure(rep: Report) -> Figure:
    """Daily mean per point, on the days every replicate of the point has a value, with a 95% band
    when there are few enough points to tell the bands apart."""
    bands = ci_frame(long(rep.series, ["point", "day"], SERIES), ["metric", "point", "day"])
    bands = bands[bands["n"] == bands.groupby(["metric", "point"])["n"].transform("max")]
    fig, axes = _panels(len(SERIES), height=2.9)
    for ax, metric in zip(axes, SERIES):
        for point in rep.points:
            b = bands[(bands["metric"] == metric) & (bands["point"] == point)]
            ax.plot(b["day"], b["mean"], color=rep.colors[point], lw=1.2, label=point)
            if rep.few_points:
                ax.fill_between(b["day"], b["low"], b["high"], color=rep.colors[point], alpha=0.2, lw=0)
        ax.set_title(rep.label(metric))
        ax.set_xlabel(rep.t("day"))
        ax.grid(alpha=0.3)
    legend(rep, fig, axes[0])
    return fig


def cost_figure(rep: Report, xs: list[str]) -> Figure:
    fig, axes = _panels(len(xs), height=3.6, ncols=2, width=4.8)
    y = rep.summary[rep.summary["metric"] == "cost_per_resolved"].set_index("point")
    for ax, metric in zip(axes, xs):
        x = rep.summary[rep.summary["metric"] == metric].set_index("point")
        for point in rep.points:
            ax.errorbar(
                x.at[point, "mean"],
                y.at[point, "mean"],
                xerr=_err(x.loc[[point]]),
                yerr=_err(y.loc[[point]]),
                fmt="o",
                color=rep.colors[point],
                capsize=3,
                ms=5,
                label=point,
            )
        ax.set_xlabel(rep.label(metric))
        ax.set_ylabel(rep.label("cost_per_resolved"))
        ax.grid(alpha=0.3)
    legend(rep, fig, axes[0])
    return fig


# --- sweeps: response to each lever -------------------------------------------------------------------


def lever_levels(rep: Report, lever: str) -> tuple[pd.DataFrame, list[str], dict[str, Any] | None]:
    """The runs with ``level`` (a factorial value, or a Latin hypercube quantile bin), ``x`` (the run's
    plot position) and ``xl`` (the level's); the levels in order; tick labels of a categorical lever."""
    values = rep.runs["point"].map(lambda p: rep.overrides[p][lever])
    if rep.design.lhs:
        bins = max(2, min(8, len(rep.points) // 5))
        codes, edges = pd.qcut(values, bins, labels=False, retbins=True, duplicates="drop")
        names = [f"{_num(float(lo))} – {_num(float(hi))}" for lo, hi in zip(edges[:-1], edges[1:])]
        level = codes.map(lambda i: names[int(i)])
        frame = rep.runs.assign(level=level, x=values, xl=values.groupby(level).transform("mean"))
        return frame, names, None
    levels = rep.design.factorial[lever]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in levels)
    x = values if numeric else values.map(lambda v: levels.index(v))
    frame = rep.runs.assign(level=values.map(_num), x=x, xl=x)
    return frame, [_num(v) for v in levels], None if numeric else dict(enumerate(map(_num, levels)))


def lever_figure(rep: Report, lever: str, frame: pd.DataFrame, means: pd.DataFrame, ticks: dict | None) -> Figure:
    fig, axes = _panels(len(rep.metrics), height=2.8)
    for ax, metric in zip(axes, rep.metrics):
        m = means[means["metric"] == metric].sort_values("xl")
        ax.scatter(frame["x"], frame[metric], s=8, color="grey", alpha=0.4)
        ax.errorbar(m["xl"], m["mean"], yerr=_err(m), fmt="-o", color="C0", capsize=3, ms=4)
        if ticks is not None:
            ax.set_xticks(list(ticks), list(ticks.values()))
        ax.set_title(rep.label(metric))
        ax.set_xlabel(lever)
        ax.grid(alpha=0.3)
    return fig


def lever_section(rep: Report) -> list[tuple]:
    note = rep.t("levers_lhs" if rep.design.lhs else "levers_factorial")
    blocks: list[tuple] = [("h", 2, rep.t("levers")), ("p", note)]
    for lever in rep.design.varied():
        meaning = rep.meaning(lever)
        frame, levels, ticks = lever_levels(rep, lever)
        means = ci_frame(long(frame, ["level", "xl"], rep.metrics), ["level", "xl", "metric"])
        blocks += [
            ("h", 3, rep.t("lever_heading", lever=lever, meaning=meaning)),
            ci_table(rep, means, "level", {rep.t("level"): str}, levels, rep.metrics),
            save(
                rep,
                lever_figure(rep, lever, frame, means, ticks),
                f"lever_{lever}",
                rep.t("lever_caption", lever=lever, meaning=meaning),
            ),
        ]
    return blocks


# --- sections ------------------------------------------------------------------------------------------


def overview_section(rep: Report) -> list[tuple]:
    d = rep.design
    items = [
        (rep.t("kind"), rep.t(rep.row["kind"])),
        (rep.t("baseline"), rep.baseline),
        (rep.t("points"), str(len(rep.points))),
        (rep.t("replicates"), str(d.replicates)),
        (rep.t("steps"), str(d.steps)),
        (rep.t("key_metrics"), ", ".join(map(rep.label, rep.metrics))),
    ]
    blocks: list[tuple] = [("h", 1, rep.t("title", name=rep.row["name"]))]
    if d.description:
        blocks.append(("p", d.description))
    return blocks + [
        ("h", 2, rep.t("overview")),
        ("table", [rep.t("item"), rep.t("value")], items),
        ("p", rep.t("method")),
    ]


def summary_section(rep: Report) -> list[tuple]:
    lead = {
        rep.t("point"): str,
        rep.t("description"): rep.describe,
        rep.t("n"): lambda p: str(int((rep.runs["point"] == p).sum())),
    }
    blocks = [
        ("h", 2, rep.t("summary")),
        ("p", rep.t("summary_note")),
        ci_table(rep, rep.summary, "point", lead, rep.points, rep.metrics),
    ]
    if rep.other_metrics:
        blocks += [
            ("h", 3, rep.t("other_metrics")),
            ci_table(rep, rep.summary, "point", {rep.t("point"): str}, rep.points, rep.other_metrics),
        ]
    return blocks


def difference_section(rep: Report) -> list[tuple]:
    others = [p for p in rep.points if p != rep.baseline]
    heading = ("h", 2, rep.t("differences"))
    if rep.baseline not in rep.points or not others:
        return [heading, ("p", rep.t("no_differences", baseline=rep.baseline))]
    diffs = welch_differences(rep.summary, rep.baseline)
    blocks = [
        heading,
        ("p", rep.t("difference_note", baseline=rep.baseline)),
        ci_table(rep, diffs, "point", {rep.t("point"): str}, others, rep.metrics, signed=True),
    ]
    if rep.metrics:
        blocks.append(
            save(rep, forest_figure(rep, diffs, others), "differences", rep.t("forest_caption", baseline=rep.baseline))
        )
    return blocks


def figure_sections(rep: Report) -> list[tuple]:
    series_caption = rep.t("series_caption" if rep.few_points else "series_caption_many")
    blocks = []
    if len(rep.series) and set(SERIES) <= set(rep.series.columns):  # a batch run with --series none has none
        blocks += [("h", 2, rep.t("series")), save(rep, series_figure(rep), "timeseries", series_caption)]
    if rep.metrics:
        blocks += [
            ("h", 2, rep.t("distributions")),
            save(rep, distribution_figure(rep), "distributions", rep.t("distributions_caption")),
        ]
    xs = [m for m in COST_AXES if rep.measured(m)]
    if rep.measured("cost_per_resolved") and xs:
        blocks += [
            ("h", 2, rep.t("cost")),
            save(rep, cost_figure(rep, xs), "cost_effectiveness", rep.t("cost_caption")),
        ]
    return blocks


def stored_design(row: dict[str, Any], baseline: str) -> dict[str, Any]:
    """The design as stored, naming the baseline it was compared with (stored as none when that is the first point)."""
    design = json.loads(row["design"])
    return {**design, "baseline": design.get("baseline") or baseline}


def reproducibility_section(rep: Report) -> list[tuple]:
    row = rep.row
    planned = rep.design.size() * rep.design.replicates
    versions = sorted(set(rep.runs["code_version"].dropna())) if "code_version" in rep.runs else []
    items = [
        (rep.t("master_seed"), str(row["master_seed"])),
        (rep.t("code_version"), row["code_version"]),
        (rep.t("run_code_versions"), ", ".join(versions) or "—"),
        (rep.t("engine"), row["engine"]),
        (rep.t("created"), row["created_at"]),
        (rep.t("finished"), row.get("finished_at") or "—"),
        (rep.t("written"), now()),
        (rep.t("runs"), f"{len(rep.runs)} / {planned}"),
        (rep.t("seconds"), f"{row.get('seconds') or 0:.1f}"),
    ]
    fixed = [(k, _json(v), rep.meaning(k)) for k, v in rep.design.set.items()]
    blocks = [
        ("h", 2, rep.t("repro")),
        ("h", 3, rep.t("command")),
        ("pre", row["command"]),
        ("table", [rep.t("item"), rep.t("value")], items),
        ("p", rep.t("seeds_note")),
        ("h", 3, rep.t("set")),
        ("table", [rep.t("lever"), rep.t("value"), rep.t("meaning")], fixed) if fixed else ("p", rep.t("none")),
        ("h", 3, rep.t("design")),
        ("pre", json.dumps(stored_design(row, rep.baseline), ensure_ascii=False, indent=2)),
    ]
    if rep.points:
        blocks += point_parameters(rep)
    return blocks


def point_parameters(rep: Report) -> list[tuple]:
    """Each point's overrides and resolved parameters that differ from the baseline's; all of the baseline's."""
    params = {p: flatten(json.loads(s)) for p, s in rep.first_runs["params"].items()}
    base = params.get(rep.baseline, {})
    rows = [
        (
            p,
            rep.first_runs.at[p, "scenario"],
            _assignments(rep.overrides[p]),
            _assignments({k: v for k, v in params[p].items() if base.get(k) != v}) if p != rep.baseline else "—",
        )
        for p in rep.points
    ]
    blocks = [
        ("h", 3, rep.t("point_params")),
        ("table", [rep.t("point"), rep.t("scenario"), rep.t("overrides"), rep.t("differs")], rows),
    ]
    if rep.baseline in rep.first_runs.index:
        run = rep.first_runs.at[rep.baseline, "id"]
        blocks.append(
            (
                "details",
                rep.t("baseline_params", run=run),
                json.dumps(json.loads(rep.first_runs.at[rep.baseline, "params"]), ensure_ascii=False, indent=2),
            )
        )
    return blocks


def budget_section(rep: Report, db: sqlite_utils.Database) -> list[tuple]:
    """A budget-matched comparison: its budget, where the budget came from, the presets' own budgets."""
    from .matched import BUDGET_LEVER, matched_budget, own_budgets

    source = rep.design.budget_matched_from
    if source is None:
        return []
    budget = rep.design.set[BUDGET_LEVER]
    try:
        own = own_budgets(db, source)
    except (KeyError, ValueError):
        own = None
    from_mean = own is not None and matched_budget(own) == budget
    how = rep.t("budget_mean", source=source) if from_mean else rep.t("budget_given")
    blocks = [("h", 2, rep.t("budget")), ("p", rep.t("budget_note", budget=f"{budget:,.0f}", how=how))]
    if own is not None:
        blocks.append(("table", [rep.t("point"), rep.t("own_budget")], [(p, f"{v:,.0f}") for p, v in own.items()]))
    return blocks


def matched_section(rep: Report, db: sqlite_utils.Database) -> list[tuple]:
    """The budget-matched companion of a comparison, if one is stored: its summary and differences."""
    from .matched import BUDGET_LEVER, companion

    name = companion(db, rep.row["name"])
    if name is None:
        return []
    other = Report.load(db, name, rep.lang, rep.out_dir)
    if not other.points:
        return []
    budget = f"{other.design.set[BUDGET_LEVER]:,.0f}"
    blocks = [
        ("h", 2, rep.t("matched")),
        ("p", rep.t("matched_note", name=name, budget=budget)),
        ci_table(other, other.summary, "point", {rep.t("point"): str}, other.points, other.metrics),
    ]
    others = [p for p in other.points if p != other.baseline]
    if other.baseline in other.points and others:
        blocks += [
            ("p", other.t("difference_note", baseline=other.baseline)),
            ci_table(
                other,
                welch_differences(other.summary, other.baseline),
                "point",
                {rep.t("point"): str},
                others,
                other.metrics,
                signed=True,
            ),
        ]
    return blocks


def validation_section(rep: Report, db: sqlite_utils.Database) -> list[tuple]:
    """Stylised facts from the seeds checked against this experiment's runs (experiments/patterns.py)."""
    from .patterns import report_blocks

    return report_blocks(rep, db)


# --- rendering -----------------------------------------------------------------------------------------

CSS = """
body { font-family: "CogovCJK", system-ui, sans-serif;  /* CogovCJK: the embedded subset (experiments/cjkfont.py) */
       max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ddd; margin-top: 2em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td { font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; } figure img { max-width: 100%; } figcaption { font-size: 0.85em; color: #555; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }
"""


def html_block(block: tuple) -> str:
    e = html.escape
    match block:
        case ("h", level, text):
            return f"<h{level}>{e(text)}</h{level}>"
        case ("p", text):
            return f"<p>{e(text)}</p>"
        case ("pre", text):
            return f"<pre>{e(text)}</pre>"
        case ("details", summary, text):
            return f"<details><summary>{e(summary)}</summary><pre>{e(text)}</pre></details>"
        case ("table", header, rows):
            head = "".join(f"<th>{e(h)}</th>" for h in header)
            body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
            return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        case ("figure", path, caption):
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            return (
                f'<figure><img src="data:image/png;base64,{data}" alt="{e(caption)}">'
                f"<figcaption>{e(caption)}</figcaption></figure>"
            )
    raise ValueError(f"unknown block {block[0]!r}")


def markdown_block(block: tuple) -> str:
    """Markdown of a block; text is escaped (a description's HTML shows as text, as in the HTML report)."""
    e = functools.partial(html.escape, quote=False)
    match block:
        case ("h", level, text):
            return f"{'#' * level} {e(text)}"
        case ("p", text):
            return e(text)
        case ("pre", text):
            return f"```\n{text}\n```"
        case ("details", summary, text):
            return f"<details><summary>{e(summary)}</summary>\n\n```json\n{text}\n```\n\n</details>"
        case ("table", header, rows):
            cell = lambda c: e(str(c)).replace("|", "\\|").replace("\n", "<br>")  # noqa: E731
            lines = ["| " + " | ".join(map(cell, r)) + " |" for r in [header, ["---"] * len(header), *rows]]
            return "\n".join(lines)
        case ("figure", path, caption):
            return f"![{e(caption)}]({path.name})\n\n*{e(caption)}*"
    raise ValueError(f"unknown block {block[0]!r}")


def render_html(blocks: list[tuple], title: str, lang: str) -> str:
    return page_html("\n".join(map(html_block, blocks)), title, lang)


def page_html(body: str, title: str, lang: str) -> str:
    """A self-contained page around a report's body: every report, the analyses' too, looks the same."""
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{html.escape(title)}</title>\n'
        f"<style>{font_face(title + body)}{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def render_markdown(blocks: list[tuple]) -> str:
    return "\n\n".join(map(markdown_block, blocks)) + "\n"


# --- entry point ---------------------------------------------------------------------------------------


def write_report(db: sqlite_utils.Database, experiment: str, out_dir: Path, lang: str = "zh") -> dict[str, Any]:
    """Write ``report.html`` and ``report.md`` (with its PNG figures) of a stored experiment into ``out_dir``.

    Raises KeyError for an unknown experiment. Returns the paths: ``html``, ``markdown``, ``figures``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    kind = experiment_row(db, experiment)["kind"]
    if kind in ANALYSES:
        raise ValueError(
            f"experiment {experiment!r} is a {kind} run: `cogov {ANALYSES[kind]}` writes its results "
            f"into results/{experiment}/ and rewrites them when run again (the stored runs are reused)"
        )
    out_dir = Path(out_dir)
    rep = Report.load(db, experiment, lang, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    blocks = overview_section(rep) + budget_section(rep, db)
    with matplotlib.rc_context(figure_style()):
        if rep.points:
            blocks += summary_section(rep) + difference_section(rep) + matched_section(rep, db)
            blocks += figure_sections(rep) + validation_section(rep, db)
            if rep.row["kind"] == "sweep" and rep.design.varied() and rep.metrics:
                blocks += lever_section(rep)
        else:
            blocks.append(("p", rep.t("no_runs")))
    blocks += reproducibility_section(rep)
    paths = {"html": out_dir / "report.html", "markdown": out_dir / "report.md", "figures": rep.figures}
    paths["html"].write_text(render_html(blocks, rep.t("title", name=experiment), lang), encoding="utf-8")
    paths["markdown"].write_text(render_markdown(blocks), encoding="utf-8")
    return paths
