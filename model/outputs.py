"""The output schema: every final metric a run reports (`model.metrics.final_metrics`), with its
Chinese and English label, its unit, which direction is better and its group. The report, the
app, the command line, the docs and the tests read it from here; a test checks that it names
exactly the metrics a run produces. Pure data, so that the command line can read it at start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Better = Literal["higher", "lower"] | None


@dataclass(frozen=True)
class Output:
    name: str
    zh: str
    en: str
    unit: str
    better: Better
    group: str  # disputes, escalation, residents, capacity and cost, equity, detail

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _family(
    prefix: str, unit: str, better: Better, group: str, zh: str, en: str, members: tuple[tuple[str, str, str], ...]
) -> list[Output]:
    """One output per member: `prefix_<member>`, labelled `zh：member` / `en, member`."""
    return [Output(f"{prefix}_{m}", f"{zh}：{mzh}", f"{en}, {men}", unit, better, group) for m, mzh, men in members]


CATEGORIES = (
    ("neighbor", "邻里", "neighbours"),
    ("family", "婚姻家庭", "family"),
    ("property", "物业/小区", "property"),
    ("labor", "劳资欠薪", "labour and wages"),
    ("land", "征地拆迁/土地", "land"),
    ("public_order", "治安", "public order"),
    ("environment", "环境卫生", "environment"),
    ("public_service", "民生服务诉求", "public services"),
)
STATES = (
    ("latent", "潜伏", "latent"),
    ("known", "已发现待分派", "known"),
    ("queued", "排队", "queued"),
    ("in_handling", "处理中", "in handling"),
    ("resolved", "已化解", "resolved"),
    ("failed", "未能化解", "failed"),
    ("closed_superficially", "表面结案", "closed on paper"),
    ("petition", "上访中", "petitioning"),
    ("litigation", "诉讼", "in court"),
    ("lapsed", "自行消散", "lapsed"),
)
RESOLVERS = (
    ("grid", "网格员", "grid worker"),
    ("mediation", "调解/社会组织", "mediation"),
    ("forum", "议事会", "forum"),
    ("office", "职能部门", "government office"),
    ("joint", "联合调处", "joint handling"),
)
GROUPS = (("local", "本地居民", "locals"), ("migrant", "流动人口", "migrants"), ("elderly", "老年人", "elderly"))
COST_COMPONENTS = (
    ("data_platform", "大数据平台", "data platform"),
    ("deliberation", "议事协商", "deliberation"),
    ("grid_running", "网格运行", "grid running"),
    ("grid_workers", "网格员", "grid workers"),
    ("group_incidents", "群体性事件", "group incidents"),
    ("hotline", "热线", "hotline"),
    ("offices", "职能部门", "offices"),
    ("petitions", "信访", "petitions"),
    ("prevention", "预防", "prevention"),
    ("purchased_services", "购买服务", "purchased services"),
    ("social_org_staff", "社会组织人员", "social-organisation staff"),
    ("volunteers", "志愿者", "volunteers"),
)

SHARE, DAYS, COUNT, YUAN, PER_10K, SCORE, RATIO = (
    "share 0–1",
    "days",
    "count",
    "¥",
    "per 10k residents",
    "score 0–1",
    "ratio",
)

_ALL: list[Output] = [
    Output("disputes_total", "纠纷总数", "Disputes", COUNT, None, "disputes"),
    *_family("disputes", COUNT, None, "detail", "纠纷数", "Disputes", CATEGORIES),
    *_family("state", COUNT, None, "detail", "期末状态", "State at the end", STATES),
    Output("resolution_rate", "化解率", "Resolution rate", SHARE, "higher", "disputes"),
    Output("reported_resolution_rate", "上报化解率（含表面结案）", "Reported resolution rate", SHARE, None, "disputes"),
    Output("grassroots_resolution_share", "基层化解占比", "Grassroots resolution share", SHARE, "higher", "disputes"),
    *_family("resolved_by", COUNT, None, "detail", "化解方", "Resolved by", RESOLVERS),
    Output("median_days_to_resolve", "化解天数中位数", "Median days to resolve", DAYS, "lower", "disputes"),
    Output("discovery_lag_days", "发现滞后（天）", "Discovery lag (days)", DAYS, "lower", "disputes"),
    Output("petitions_per_10k", "每万人信访量", "Petitions per 10k residents", PER_10K, "lower", "escalation"),
    Output(
        "leapfrog_petitions_per_10k", "每万人越级上访量", "Leapfrog petitions per 10k", PER_10K, "lower", "escalation"
    ),
    Output("group_incidents", "群体性事件", "Group incidents", COUNT, "lower", "escalation"),
    Output("litigation_share", "诉讼占比", "Litigation share", SHARE, None, "disputes"),
    Output("transfers_per_case", "每案转办次数", "Transfers per case", COUNT, "lower", "disputes"),
    Output("attempts_per_case", "每案处置次数", "Handling attempts per case", COUNT, None, "capacity and cost"),
    Output("handoffs_per_case", "每案移交次数", "Hand-offs per case", COUNT, "lower", "disputes"),
    Output("superficial_closures", "表面结案数", "Superficial closures", COUNT, "lower", "disputes"),
    Output("satisfaction_mean", "居民满意度", "Resident satisfaction", SCORE, "higher", "residents"),
    Output("case_satisfaction", "当事人满意度", "Case satisfaction", SCORE, "higher", "residents"),
    Output("satisfaction_rate", "满意率（回访）", "Satisfaction rate (call-back survey)", SHARE, "higher", "residents"),
    *_family("satisfaction", SCORE, "higher", "equity", "满意度", "Satisfaction", GROUPS),
    Output("migrant_local_gap", "本地与流动人口满意度差", "Local–migrant satisfaction gap", SCORE, "lower", "equity"),
    Output("trust_mean", "信任度", "Trust", SCORE, "higher", "residents"),
    Output("participation_rate", "参与率", "Participation rate", SHARE, "higher", "residents"),
    Output("volunteers", "志愿者人数", "Volunteers", COUNT, None, "residents"),
    Output("public_spirit_mean", "公共精神", "Public spirit", SCORE, "higher", "residents"),
    Output("worker_utilization", "网格员工作负荷", "Grid worker utilisation", SHARE, None, "capacity and cost"),
    Output("office_backlog", "部门积压案件", "Office backlog", COUNT, "lower", "capacity and cost"),
    Output("cost_total", "总成本（元）", "Total cost (¥)", YUAN, "lower", "capacity and cost"),
    Output(
        "cost_per_resolved", "每化解一案成本（元）", "Cost per resolved case (¥)", YUAN, "lower", "capacity and cost"
    ),
    Output(
        "cost_standing",
        "常设成本（元，不含信访与群体性事件）",
        "Standing cost (¥, without petitions and incidents)",
        YUAN,
        "lower",
        "capacity and cost",
    ),
    *_family("cost", YUAN, "lower", "detail", "成本（元）", "Cost (¥)", COST_COMPONENTS),
    *_family("resolution_rate", SHARE, "higher", "equity", "化解率", "Resolution rate", GROUPS),
    *_family("median_days_to_resolve", DAYS, "lower", "equity", "化解天数中位数", "Median days to resolve", GROUPS),
    Output("grid_resolution_min", "网格化解率最低值", "Lowest grid resolution rate", SHARE, "higher", "detail"),
    Output("grid_resolution_max", "网格化解率最高值", "Highest grid resolution rate", SHARE, None, "detail"),
    Output(
        "grid_resolution_ratio",
        "网格间化解率之比（最高/最低）",
        "Resolution rate across grids (max/min)",
        RATIO,
        "lower",
        "equity",
    ),
    Output(
        "grid_days_ratio",
        "网格间化解天数之比（最长/最短）",
        "Days to resolve across grids (max/min)",
        RATIO,
        "lower",
        "equity",
    ),
]
OUTPUTS: dict[str, Output] = {o.name: o for o in _ALL}

# daily time-series columns that figures show and that are not final metrics
DAILY_SERIES: dict[str, Output] = {
    "petitions": Output("petitions", "累计信访", "Petitions (cumulative)", COUNT, "lower", "escalation"),
}

KEY_METRICS = [
    "resolution_rate",
    "grassroots_resolution_share",
    "median_days_to_resolve",
    "discovery_lag_days",
    "petitions_per_10k",
    "satisfaction_rate",
    "satisfaction_mean",
    "trust_mean",
    "participation_rate",
    "cost_standing",
    "cost_total",
    "cost_per_resolved",
]


def metric_names() -> frozenset[str]:
    """The names of the final metrics a run reports."""
    return frozenset(OUTPUTS)


def label(name: str, lang: str) -> str:
    """A metric's or series' label in `lang` (zh or en); an unknown name is shown as it is."""
    out = OUTPUTS.get(name) or DAILY_SERIES.get(name)
    return out.label(lang) if out else name
