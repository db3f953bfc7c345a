"""Pattern-oriented validation: stylised facts from the seeds, checked against stored runs.

Each fact is a small declarative record: what the seeds say (a short text in Chinese and
English, the seed file and line, the passage), which runs it needs (design points: presets, or
the two ends of a lever ladder on a preset), a function that computes the observed values from
the stored final metrics and daily series, and the pass rule — each threshold written as data,
with its source. The thresholds were fixed from the seeds' qualitative claims before any run
was looked at; a fact the model does not reproduce fails, and ``docs/validation.md`` says why.

Every observed value is a mean across replicates with its 95% interval (a t-interval for one
point, a Welch interval for the difference of two points, whose replicates have independent
seeds); a rule is judged on the mean. A ratio of two means has no interval here.

``cogov validate`` runs the needed presets as one comparison (experiment ``validate``) and each
lever ladder as a small sweep (experiment ``validate.<ladder>``), through the ordinary batch
engine and store, so it resumes, and prints the table. The report of any comparison gets the same
table (``report_blocks``), with the facts whose runs are missing marked as not run.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sqlite_utils

from .design import Design, build_design, label
from .stats import Estimate, diff_ci, fmt_estimate, mean_ci
from .store import load_runs, load_timeseries

SEED_FILES = {
    "000": "000_fcd3445bb02bbe43.txt",
    "001": "001_e45cc0731b1b7778.txt",
    "002": "002_70832ff9e0623264.txt",
    "003": "003_e3a7bbedb6f4d9cc.txt",
    "004": "004_0adeb3c2c93a3b14.txt",
}
STATUS = {
    "pass": ("通过", "pass"),
    "fail": ("未通过", "FAIL"),
    "not_run": ("未运行", "not run"),
    "n/a": ("数据不足", "n/a"),
}


# --- the data a fact sees ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A design point a fact needs: its label in the store and the scenario it runs."""

    label: str
    scenario: str


def preset(name: str) -> Point:
    return Point(name, name)


@dataclass(frozen=True)
class Ladder:
    """Two or more values of one lever on one preset, everything else equal: a small sweep."""

    id: str
    base: str
    lever: str
    values: tuple[Any, ...]
    source: str

    def point(self, value: Any) -> Point:
        return Point(label([self.lever], [value]), self.base)

    def design(self, experiment: str, replicates: int, master_seed: int, steps: int, fixed: dict[str, Any]) -> Design:
        return build_design(
            {
                "name": f"{experiment}.{self.id}",
                "base": self.base,
                "factorial": {self.lever: list(self.values)},
                "replicates": replicates,
                "master_seed": master_seed,
                "steps": steps,
                "set": {k: v for k, v in fixed.items() if k != self.lever},
                "description": f"cogov validate: {self.lever} on {self.base}",
            },
            "cogov validate",
        )


@dataclass
class Data:
    """Finished runs (final metrics, parameters) and daily series, possibly of several experiments."""

    runs: pd.DataFrame
    series: pd.DataFrame

    @classmethod
    def load(cls, db: sqlite_utils.Database, experiments: list[str]) -> Data:
        known = (
            set(r["name"] for r in db.query("select name from experiments"))
            if "experiments" in db.table_names()
            else set()
        )
        present = [e for e in experiments if e in known]
        runs = [load_runs(db, e) for e in present]
        series = [load_timeseries(db, e) for e in present]
        return cls(
            pd.concat(runs, ignore_index=True) if runs else pd.DataFrame(columns=["point", "scenario"]),
            pd.concat(series, ignore_index=True) if series else pd.DataFrame(columns=["point", "replicate", "day"]),
        )

    def __post_init__(self) -> None:
        self.runs = self.runs.loc[:, ~self.runs.columns.duplicated()]
        for col in ("point", "scenario"):
            if col not in self.runs.columns:
                self.runs[col] = pd.Series(dtype=object)

    def has(self, p: Point) -> bool:
        return bool(((self.runs["point"] == p.label) & (self.runs["scenario"] == p.scenario)).any())

    def _runs(self, p: Point) -> pd.DataFrame:
        return self.runs[(self.runs["point"] == p.label) & (self.runs["scenario"] == p.scenario)]

    def metric(self, p: Point, name: str) -> np.ndarray:
        """The final metric of every replicate of the point (missing values left out)."""
        if name not in self.runs.columns:
            return np.array([])
        v = self._runs(p)[name].to_numpy(dtype=float)
        return v[np.isfinite(v)]

    def param(self, p: Point, section: str, name: str) -> Any:
        """A resolved parameter of the point (from its first run)."""
        return json.loads(self._runs(p)["params"].iloc[0])[section][name]

    def series_of(self, p: Point, column: str) -> pd.DataFrame:
        """Daily values of one column: a frame with a row per day and a column per replicate."""
        if column not in self.series.columns:
            return pd.DataFrame()
        ids = set(self._runs(p)["id"])
        s = self.series[self.series["run_id"].isin(ids)]
        return s.pivot_table(index="day", columns="run_id", values=column, aggfunc="first")


# --- estimates -------------------------------------------------------------------------------------------


def ratio(num: Estimate | None, den: Estimate | None) -> Estimate | None:
    """A ratio of two means (no interval); undefined when the denominator is not positive."""
    if num is None or den is None or not den.mean > 0:
        return None
    return Estimate(num.mean / den.mean, n=min(num.n, den.n))


# --- facts -----------------------------------------------------------------------------------------------

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True)
class Check:
    """One pass rule: observed value ``value`` ``op`` ``threshold``; the threshold's source."""

    value: str
    op: str
    threshold: float
    source: str

    def holds(self, x: float) -> bool:
        return OPS[self.op](x, self.threshold)


@dataclass(frozen=True)
class Fact:
    id: str
    zh: str
    en: str
    source: str  # seed file:line (the first is the main one)
    quote: str  # verbatim passage on that line
    needs: tuple[Point, ...]
    observe: Callable[[Data], dict[str, Estimate | None]]
    checks: tuple[Check, ...]
    labels: dict[str, tuple[str, str]]  # observed value → (zh, en)
    ladder: Ladder | None = None


def seed_ref(seed: str, line: int) -> str:
    return f"{SEED_FILES[seed]}:{line}"


# Ladders: the two ends of a lever's documented range (model/params.py) on the administrative base,
# where the lever acts alone.
TRUST = Ladder(
    "trust",
    "administrative_only",
    "population.initial_trust",
    (0.3, 0.8),
    "model/params.py: population.initial_trust, documented range 0.3–0.8 (assumption)",
)
SILO = Ladder(
    "silo",
    "administrative_only",
    "offices.silo_penalty",
    (0.0, 0.6),
    "model/params.py: offices.silo_penalty, documented range 0–0.6 (assumption)",
)

ADMIN, COGOV, CAMPAIGN = preset("administrative_only"), preset("co_governance"), preset("campaign")
LEGAL, GRAND, HOTLINE = preset("legal_grid"), preset("grand_mediation"), preset("hotline")


def _daily_resolutions(data: Data, p: Point) -> pd.DataFrame:
    """Disputes resolved each day per 10,000 residents (a row per day, a column per replicate)."""
    cum = data.series_of(p, "state_resolved")
    if cum.empty:
        return cum
    return cum.diff().fillna(cum.iloc[:1]) * 1e4 / data.param(p, "population", "residents")


def observe_campaign(data: Data) -> dict[str, Estimate | None]:
    """Resolutions per day per 10k, campaign minus administrative base (which the campaign extends),
    during the campaign and in an equally long window right after it."""
    start, end = data.param(CAMPAIGN, "campaign", "start_day"), data.param(CAMPAIGN, "campaign", "end_day")
    camp, base = _daily_resolutions(data, CAMPAIGN), _daily_resolutions(data, ADMIN)
    out: dict[str, Estimate | None] = {"gain_during": None, "gain_after": None, "retained": None}
    horizon = min(camp.index.max() if len(camp) else -1, base.index.max() if len(base) else -1) + 1
    if end <= start or horizon < end + (end - start):
        return out

    def window(frame: pd.DataFrame, lo: int, hi: int) -> np.ndarray:
        return frame.loc[lo : hi - 1].mean(axis=0).to_numpy()

    out["gain_during"] = diff_ci(window(camp, start, end), window(base, start, end))
    out["gain_after"] = diff_ci(window(camp, end, 2 * end - start), window(base, end, 2 * end - start))
    out["retained"] = ratio(out["gain_after"], out["gain_during"])
    return out


def _spirit_change(data: Data, p: Point) -> np.ndarray:
    s = data.series_of(p, "public_spirit_mean")
    return (s.iloc[-1] - s.iloc[0]).to_numpy() if len(s) >= 2 else np.array([])


def observe_dependency(data: Data) -> dict[str, Estimate | None]:
    admin, cogov = _spirit_change(data, ADMIN), _spirit_change(data, COGOV)
    return {"change_admin": mean_ci(admin), "admin_minus_cogov": diff_ci(admin, cogov)}


def observe_trust(data: Data) -> dict[str, Estimate | None]:
    low, high = TRUST.point(TRUST.values[0]), TRUST.point(TRUST.values[-1])
    return {
        "lag_low_minus_high": diff_ci(data.metric(low, "discovery_lag_days"), data.metric(high, "discovery_lag_days")),
        "petitions_low_minus_high": diff_ci(
            data.metric(low, "petitions_per_10k"), data.metric(high, "petitions_per_10k")
        ),
    }


def observe_grassroots(data: Data) -> dict[str, Estimate | None]:
    return {
        "legal_grid": mean_ci(data.metric(LEGAL, "grassroots_resolution_share")),
        "grand_mediation": mean_ci(data.metric(GRAND, "grassroots_resolution_share")),
    }


def _paper_gap(data: Data, p: Point) -> np.ndarray:
    """Reported minus real resolution rate of each replicate: the share closed only on paper."""
    cols = ["reported_resolution_rate", "resolution_rate"]
    if not set(cols) <= set(data.runs.columns):
        return np.array([])
    ok = data._runs(p)[cols].dropna()
    return (ok[cols[0]] - ok[cols[1]]).to_numpy()


def observe_paper(data: Data) -> dict[str, Estimate | None]:
    return {"gap_hotline_minus_admin": diff_ci(_paper_gap(data, HOTLINE), _paper_gap(data, ADMIN))}


def observe_silo(data: Data) -> dict[str, Estimate | None]:
    low, high = SILO.point(SILO.values[0]), SILO.point(SILO.values[-1])
    return {
        "days_high_minus_low": diff_ci(
            data.metric(high, "median_days_to_resolve"), data.metric(low, "median_days_to_resolve")
        ),
        "transfers_high_minus_low": diff_ci(
            data.metric(high, "transfers_per_case"), data.metric(low, "transfers_per_case")
        ),
    }


def observe_participation(data: Data) -> dict[str, Estimate | None]:
    return {
        "cogov_minus_admin": diff_ci(data.metric(COGOV, "participation_rate"), data.metric(ADMIN, "participation_rate"))
    }


def observe_jinjiang(data: Data) -> dict[str, Estimate | None]:
    return {
        "reported_rate": mean_ci(data.metric(GRAND, "reported_resolution_rate")),
        "petitions_minus_admin": diff_ci(
            data.metric(GRAND, "petitions_per_10k"), data.metric(ADMIN, "petitions_per_10k")
        ),
    }


FACTS: tuple[Fact, ...] = (
    Fact(
        "campaign_fades",
        "运动式治理短期见效、难以持续",
        "A campaign's gains fade once it ends",
        seed_ref("003", 111),
        "可以在短时间内取得一定成效,但是难以持续",
        (CAMPAIGN, ADMIN),
        observe_campaign,
        (
            Check(
                "gain_during",
                ">",
                0.0,
                f"{seed_ref('003', 111)} 取得一定成效; {seed_ref('004', 131)} 百日会战 破案 同比上升27.1%",
            ),
            Check(
                "retained",
                "<",
                0.5,
                f"assumption: 难以持续 ({seed_ref('003', 111)}) read as less than half of the gain "
                "left in a window as long as the campaign, right after it",
            ),
        ),
        {
            "gain_during": (
                "运动期间日化解量增量（每万人，对照行政基准）",
                "extra resolutions/day per 10k during the campaign (vs administrative_only)",
            ),
            "gain_after": ("运动结束后同长窗口的增量", "the same, in an equally long window after it"),
            "retained": ("结束后保留的增量比例", "share of the gain retained after"),
        },
    ),
    Fact(
        "dependency",
        "管理依赖症：行政包办削弱居民公共精神",
        "Top-down handling wears down residents' public spirit",
        seed_ref("001", 57),
        "“全能网格论”造成“管理依赖症”",
        (ADMIN, COGOV),
        observe_dependency,
        (
            Check("change_admin", "<", 0.0, f"{seed_ref('001', 57)} 社区自我管理能力的削弱"),
            Check("admin_minus_cogov", "<", 0.0, f"{seed_ref('003', 113)} 容易形成强政府弱社会的局面"),
        ),
        {
            "change_admin": (
                "行政单一管控下公共精神的变化（末日−首日）",
                "change of public spirit under administrative_only (last − first day)",
            ),
            "admin_minus_cogov": ("与多元共治下变化之差", "that change minus co_governance's"),
        },
    ),
    Fact(
        "trust_voice",
        "“说了也白说”：信任低则少反映、多上访",
        "Low trust: fewer reports, more petitions (说了也白说)",
        seed_ref("002", 117),
        "认为“说了也白说”,而不愿表达",
        (TRUST.point(TRUST.values[0]), TRUST.point(TRUST.values[-1])),
        observe_trust,
        (
            Check(
                "lag_low_minus_high", ">", 0.0, f"{seed_ref('002', 117)} 不愿表达: later discovery when fewer report"
            ),
            Check(
                "petitions_low_minus_high",
                ">",
                0.0,
                f"{seed_ref('001', 143)} 安全阀; DESIGN §3.7 loop 说了也白说 → escalation",
            ),
        ),
        {
            "lag_low_minus_high": ("发现滞后天数：低信任−高信任", "discovery lag (days), low minus high trust"),
            "petitions_low_minus_high": ("每万人信访：低信任−高信任", "petitions per 10k, low minus high trust"),
        },
        ladder=TRUST,
    ),
    Fact(
        "grassroots",
        "现场调解、就地解决：多数纠纷在基层化解",
        "Local-first and linked mediation settle most disputes below the offices",
        seed_ref("002", 85),
        "实现现场调解、就地解决,调解成功率达到98%",
        (LEGAL, GRAND),
        observe_grassroots,
        (
            Check(
                "legal_grid",
                ">=",
                0.5,
                f"assumption: 就地解决 ({seed_ref('002', 85)}) read as a majority of resolved cases",
            ),
            Check(
                "grand_mediation",
                ">=",
                0.5,
                f"assumption: 把矛盾消灭在萌芽之中 ({seed_ref('004', 125)}) read as a majority",
            ),
        ),
        {
            "legal_grid": ("宜昌法务网格：基层化解占比", "grassroots resolution share, legal_grid"),
            "grand_mediation": ("晋江大调解：基层化解占比", "grassroots resolution share, grand_mediation"),
        },
    ),
    Fact(
        "paper_closures",
        "考核排名压力下的形式主义：上报化解率高于实际",
        "Under ranking pressure, reported resolution outruns real resolution",
        seed_ref("003", 119),
        "干部就“坐在家里编”",
        (HOTLINE, ADMIN),
        observe_paper,
        (
            Check(
                "gap_hotline_minus_admin",
                ">",
                0.0,
                f"{seed_ref('003', 111)} 势必出现形式主义和敷衍塞责; {seed_ref('001', 281)} 打分排名",
            ),
        ),
        {
            "gap_hotline_minus_admin": (
                "（上报−实际化解率）：12345热线−行政基准",
                "(reported − real resolution rate), hotline minus administrative_only",
            )
        },
    ),
    Fact(
        "silo_delay",
        "条块分割、推诿扯皮拖长办理时间",
        "Buck-passing between silos lengthens the time to resolve",
        seed_ref("000", 4),
        "部门垄断现象加剧，项目分级处理及其所造成的效率的低下",
        (SILO.point(SILO.values[0]), SILO.point(SILO.values[-1])),
        observe_silo,
        (
            Check(
                "days_high_minus_low",
                ">",
                0.0,
                f"{seed_ref('001', 41)} 整个问题处理流程的时间明显缩短 (once 推诿 is reduced, {seed_ref('001', 49)})",
            ),
            Check("transfers_high_minus_low", ">", 0.0, f"{seed_ref('001', 37)} 条块分割、各自为政、推诿扯皮"),
        ),
        {
            "days_high_minus_low": (
                "化解天数中位数：高推诿−无推诿",
                "median days to resolve, high minus no silo friction",
            ),
            "transfers_high_minus_low": (
                "每案转办次数：高推诿−无推诿",
                "transfers per case, high minus no silo friction",
            ),
        },
        ladder=SILO,
    ),
    Fact(
        "participation",
        "议事协商与培育带来居民参与",
        "Deliberation and cultivation raise residents' participation",
        seed_ref("004", 217),
        "从被动接受管理到主动参与管理的转变",
        (COGOV, ADMIN),
        observe_participation,
        (Check("cogov_minus_admin", ">", 0.0, f"{seed_ref('004', 217)}; {seed_ref('000', 10)} 群众可以参与公论评议"),),
        {
            "cogov_minus_admin": (
                "参与率：多元共治−行政基准",
                "participation rate, co_governance minus administrative_only",
            )
        },
    ),
    Fact(
        "jinjiang",
        "晋江大调解：化解率高、上访下降",
        "Jinjiang grand mediation: a high resolution rate and fewer petitions",
        seed_ref("004", 125),
        "化解2382起,化解率97.38%",
        (GRAND, ADMIN),
        observe_jinjiang,
        (
            Check(
                "reported_rate",
                ">=",
                0.9,
                f"{seed_ref('004', 125)} 化解率97.38%, less a tolerance of about 7 points (assumption)",
            ),
            Check(
                "petitions_minus_admin", "<", 0.0, f"{seed_ref('004', 125)} 到泉州上访下降70.71%、到省里上访下降2.7%"
            ),
        ),
        {
            "reported_rate": ("晋江大调解：上报化解率", "reported resolution rate, grand_mediation"),
            "petitions_minus_admin": (
                "每万人信访：大调解−行政基准",
                "petitions per 10k, grand_mediation minus administrative_only",
            ),
        },
    ),
)
FACT_IDS = tuple(f.id for f in FACTS)


# --- evaluation ------------------------------------------------------------------------------------------


@dataclass
class Result:
    fact: Fact
    status: str  # pass, fail, not_run, n/a
    observed: dict[str, Estimate | None] = field(default_factory=dict)
    verdicts: dict[str, bool | None] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def evaluate(fact: Fact, data: Data) -> Result:
    missing = [p.label for p in fact.needs if not data.has(p)]
    if missing:
        return Result(fact, "not_run", missing=missing)
    observed = fact.observe(data)
    verdicts = {
        c.value: (
            None
            if observed.get(c.value) is None or not math.isfinite(observed[c.value].mean)
            else c.holds(observed[c.value].mean)
        )
        for c in fact.checks
    }
    if any(v is False for v in verdicts.values()):
        status = "fail"
    elif any(v is None for v in verdicts.values()):
        status = "n/a"
    else:
        status = "pass"
    return Result(fact, status, observed, verdicts)


def evaluate_all(data: Data, facts: tuple[Fact, ...] = FACTS) -> list[Result]:
    return [evaluate(f, data) for f in facts]


def select(ids: str | None) -> tuple[Fact, ...]:
    """Facts by comma-separated ids (all when None); ValueError names the unknown ones."""
    if not ids:
        return FACTS
    wanted = [i.strip() for i in ids.split(",") if i.strip()]
    unknown = [i for i in wanted if i not in FACT_IDS]
    if unknown or not wanted:
        raise ValueError(
            f"unknown fact {', '.join(map(repr, unknown)) or '(none given)'}; known: {', '.join(FACT_IDS)}"
        )
    return tuple(f for f in FACTS if f.id in wanted)


def designs(
    name: str, facts: tuple[Fact, ...], replicates: int, master_seed: int, steps: int, fixed: dict[str, Any]
) -> list[tuple[Design, str]]:
    """The comparison of the needed presets and one sweep per needed ladder, with their kinds."""
    presets = list(dict.fromkeys(p.scenario for f in facts if f.ladder is None for p in f.needs))
    out: list[tuple[Design, str]] = []
    if presets:
        out.append(
            (
                build_design(
                    {
                        "name": name,
                        "scenarios": presets,
                        "replicates": replicates,
                        "master_seed": master_seed,
                        "steps": steps,
                        "set": fixed,
                        "description": "cogov validate: presets the stylised facts need",
                    },
                    "cogov validate",
                ),
                "compare",
            )
        )
    ladders = list(dict.fromkeys(f.ladder for f in facts if f.ladder is not None))
    out += [(ld.design(name, replicates, master_seed, steps, fixed), "sweep") for ld in ladders]
    return out


def experiments_of(name: str) -> list[str]:
    """The experiments `cogov validate --name NAME` writes: NAME and NAME.<ladder>."""
    return [name, *dict.fromkeys(f"{name}.{f.ladder.id}" for f in FACTS if f.ladder is not None)]


# --- presentation ----------------------------------------------------------------------------------------


def expected_text(fact: Fact, lang: str) -> str:
    i = 0 if lang == "zh" else 1
    return "; ".join(f"{fact.labels[c.value][i]} {c.op} {c.threshold:g}" for c in fact.checks)


def observed_text(result: Result, lang: str) -> str:
    i = 0 if lang == "zh" else 1
    if result.status == "not_run":
        return ("缺少：" if lang == "zh" else "missing: ") + ", ".join(result.missing)
    parts = []
    for key, (zh, en) in result.fact.labels.items():
        e = result.observed.get(key)
        n = f" (n={e.n})" if e is not None and e.n else ""
        mark = {True: " ✓", False: " ✗", None: ""}[result.verdicts.get(key)] if key in result.verdicts else ""
        parts.append(f"{(zh, en)[i]} = {fmt_estimate(e)}{n}{mark}")
    return "; ".join(parts)


def rows(results: list[Result], lang: str, both: bool = False) -> list[list[str]]:
    """Table rows: id, pattern, source, expected, observed, result. ``both``: zh and en text together."""
    i = 0 if lang == "zh" else 1
    out = []
    for r in results:
        f = r.fact
        pattern = f"{f.zh} / {f.en}" if both else (f.zh, f.en)[i]
        status = f"{STATUS[r.status][0]} / {STATUS[r.status][1]}" if both else STATUS[r.status][i]
        source = f"{f.source} 「{f.quote}」" if both or lang == "zh" else f.source  # the passage is Chinese
        out.append([f.id, pattern, source, expected_text(f, lang), observed_text(r, lang), status])
    return out


HEADER = {
    "zh": ["编号", "规律", "来源（种子文件:行）", "预期", "观测（均值 [95% 区间]）", "结果"],
    "en": ["id", "pattern", "source (seed file:line)", "expected", "observed (mean [95% CI])", "result"],
}
SECTION_TEXT = {
    "heading": ("模式验证：种子文献中的典型事实", "Pattern-oriented validation: stylised facts from the seeds"),
    "note": (
        "每条事实的阈值在查看模型输出之前依据种子文献定出（来源见 experiments/patterns.py 与 docs/validation.md）；"
        "判定依据跨重复的均值；缺少所需运行的事实标为“未运行”（杠杆梯度事实由 cogov validate 运行）。",
        "Each fact's threshold was set from the seeds before any output was seen (sources in experiments/patterns.py "
        "and docs/validation.md); rules are judged on the mean across replicates; facts whose runs this experiment "
        "lacks are marked “not run” (the lever-ladder facts are run by cogov validate).",
    ),
}


def report_blocks(rep: Any, db: sqlite_utils.Database) -> list[tuple]:
    """The report section (blocks for experiments/report.py): the facts table of this experiment, with
    the ladder sweeps `cogov validate` stores beside it. Empty for a sweep none of whose facts can run."""
    name = rep.row["name"]
    siblings = [e for e in experiments_of(name)[1:] if e != name]
    extra = Data.load(db, siblings)
    data = Data(
        pd.concat([rep.runs, extra.runs], ignore_index=True) if len(extra.runs) else rep.runs.copy(),
        pd.concat([rep.series, extra.series], ignore_index=True) if len(extra.series) else rep.series,
    )
    results = evaluate_all(data)
    if rep.row.get("kind") != "compare" and all(r.status == "not_run" for r in results):
        return []
    i = 0 if rep.lang == "zh" else 1
    return [
        ("h", 2, SECTION_TEXT["heading"][i]),
        ("p", SECTION_TEXT["note"][i]),
        ("table", HEADER[rep.lang], rows(results, rep.lang)),
    ]


def markdown_table(results: list[Result], lang: str = "en") -> str:
    cell = lambda c: str(c).replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(HEADER[lang]) + " |", "|" + "---|" * len(HEADER[lang])]
    lines += ["| " + " | ".join(map(cell, r)) + " |" for r in rows(results, lang, both=True)]
    return "\n".join(lines)
