"""The parameter schema: every lever and constant of the model, in one place.

Each field carries its unit, range, default and source (a seed passage, a public figure, or
``assumption`` with the range that sensitivity analysis explores). The CLI (`cogov levers`),
the scenario validator and the documentation all read this module; nothing else lists parameters.

Seeds are cited by their number: ``seed 002`` is ``shared/seeds/002_70832ff9e0623264.txt``.
Rates are per day unless the unit says otherwise; "per 10k" means per 10,000 residents, so a
preset keeps its character when ``population.residents`` scales it up.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

CATEGORIES = (
    "neighbor",
    "family",
    "property",
    "labor",
    "land",
    "public_order",
    "environment",
    "public_service",
)
CATEGORY_ZH = {
    "neighbor": "邻里",
    "family": "婚姻家庭",
    "property": "物业/小区",
    "labor": "劳资欠薪",
    "land": "征地拆迁/土地",
    "public_order": "治安",
    "environment": "环境卫生",
    "public_service": "民生服务诉求",
}
HANDLERS = ("grid", "mediation", "forum", "office")
HANDLER_ZH = {"grid": "网格员", "mediation": "调解/社会组织", "forum": "议事会", "office": "职能部门"}

ASSUMPTION = "assumption"


def lever(
    default: Any,
    *,
    unit: str,
    source: str,
    en: str,
    zh: str,
    ge=None,
    le=None,
    plausible: tuple[float, float] | None = None,
) -> Any:
    """A parameter field with its unit, source and bilingual label. `plausible` is the range an
    assumption is believed to lie in (what sensitivity analysis and scenario discovery vary over);
    a source marked ``assumption`` must give one."""
    extra: dict[str, Any] = {"unit": unit, "source": source, "zh": zh}
    if plausible is not None:
        extra["plausible"] = [float(plausible[0]), float(plausible[1])]
    return Field(
        default,
        ge=ge,
        le=le,
        # `"0.5"` is not a number, `"yes"` or `1` not a switch (an int is still a float)
        strict=True if isinstance(default, (bool, int, float)) else None,
        description=en,
        json_schema_extra=extra,
    )


def share(
    default: float, source: str, en: str, zh: str, unit: str = "share 0–1", plausible: tuple[float, float] | None = None
) -> Any:
    """A field bounded to [0, 1]."""
    return lever(default, unit=unit, source=source, en=en, zh=zh, ge=0.0, le=1.0, plausible=plausible)


def around(default: float, by: float) -> tuple[float, float]:
    """A plausible range of ± `by` around the default."""
    return default - by, default + by


def scaled(default: float, low: float, high: float) -> tuple[float, float]:
    """A plausible range from `low` × to `high` × the default."""
    return default * low, default * high


class Section(BaseModel):
    """A scenario section: unknown fields are errors, values are re-validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Population(Section):
    residents: int = lever(
        5000,
        unit="residents",
        ge=100,
        le=5_000_000,
        zh="居民人数",
        en="number of residents",
        source="assumption: classroom-sized default; a real 街道 has 30,000–100,000",
    )
    household_size: float = lever(
        2.62,
        unit="residents per household",
        ge=1.0,
        le=8.0,
        zh="户均人口",
        en="mean household size",
        source="public figure: 2020 census, 2.62 persons per household",
    )
    households_per_building: int = lever(
        30,
        plausible=(10, 200),
        unit="households",
        ge=1,
        le=1000,
        zh="每栋户数",
        en="households per building (楼栋)",
        source="assumption: 10–200",
    )
    migrant_share: float = share(
        0.27,
        zh="流动人口比例",
        en="share of migrants (流动人口)",
        source="public figure: 2020 census, 376 million migrants of 1.41 billion; seed 004 晋江 "
        "has about 1.2 million 外来建设者",
    )
    elderly_share: float = share(
        0.187,
        zh="老年人比例",
        en="share of elderly residents (60+)",
        source="public figure: 2020 census, 18.7% aged 60 and over",
    )
    special_share: float = lever(
        0.005,
        plausible=(0.0, 0.02),
        unit="share",
        ge=0.0,
        le=0.1,
        zh="特殊人群比例",
        en="share flagged special (社区矫正/刑满释放/精神障碍)",
        source="assumption: 0–0.02; seed 002 names these populations",
    )
    special_public_order_mult: float = lever(
        3.0,
        plausible=(1.0, 5.0),
        unit="factor",
        ge=0.0,
        le=20.0,
        zh="特殊人群治安倍数",
        en="public-order incidence of special residents relative to others",
        source="assumption: 1–5",
    )
    initial_trust: float = share(
        0.55,
        plausible=(0.3, 0.8),
        zh="初始信任",
        en="mean initial trust in government and community",
        source="assumption: 0.3–0.8",
    )
    migrant_trust_gap: float = share(
        0.1,
        plausible=(0.0, 0.3),
        zh="流动人口信任差",
        en="how much lower migrants' initial trust is",
        source="assumption: 0–0.3",
    )
    initial_public_spirit: float = share(
        0.387,
        zh="初始公共意识",
        en="mean initial public spirit (公共意识)",
        source="seed 002 L365: 只有38.7%的调查对象了解其属于居民自治组织",
    )
    initial_legal_awareness: float = share(
        0.5,
        plausible=(0.3, 0.7),
        zh="初始法制观念",
        en="mean initial legal awareness",
        source="assumption: 0.3–0.7",
    )
    initial_grievance: float = share(
        0.1,
        plausible=(0.0, 0.3),
        zh="初始不满",
        en="mean initial grievance",
        source="assumption: 0–0.3",
    )
    baseline_satisfaction: float = share(
        0.6,
        plausible=(0.4, 0.8),
        zh="基准满意度",
        en="satisfaction residents start at and relax toward",
        source="assumption: 0.4–0.8",
    )
    building_ties: float = lever(
        3.0,
        plausible=(1.0, 8.0),
        unit="ties per resident",
        ge=0.0,
        le=50.0,
        zh="楼栋内关系",
        en="random ties within the building",
        source="assumption: 1–8",
    )
    grid_ties: float = lever(
        1.0,
        plausible=(0.0, 3.0),
        unit="ties per resident",
        ge=0.0,
        le=20.0,
        zh="网格内关系",
        en="random ties within the grid outside the building",
        source="assumption: 0–3",
    )
    cross_grid_ties: float = lever(
        0.2,
        plausible=(0.0, 1.0),
        unit="ties per resident",
        ge=0.0,
        le=10.0,
        zh="跨网格关系",
        en="random ties to other grids",
        source="assumption: 0–1",
    )
    migrant_participation: float = share(
        0.5,
        plausible=(0.2, 1.0),
        zh="流动人口参与系数",
        en="migrants' forum attendance and volunteering relative to locals",
        source="assumption: 0.2–1; seed 001 L317 把外来人口服务管理纳入基层自治范畴 (a reform, so not yet the rule)",
    )
    migrant_tie_factor: float = share(
        0.6,
        plausible=(0.3, 1.0),
        zh="流动人口关系系数",
        en="migrants' building and grid ties relative to locals",
        source="assumption: 0.3–1 (weaker ties, seed 002 积怨 when ties weaken)",
    )
    migrant_access: float = share(
        0.7,
        plausible=(0.4, 0.95),
        zh="流动人口服务可及性",
        en="migrants' access to services relative to locals (居住证, 市民待遇): the chance a handler takes up a "
        "migrant's case as it would a local's",
        source="seed 004 L117: 领到居住证的外来人员,可以享受22项市民待遇 (access follows residence status); seed 000 L4: "
        "农民都进入城市但不能融入城市; value assumption 0.4–0.95",
    )
    attribute_concentration: float = lever(
        10.0,
        plausible=(5.0, 30.0),
        unit="Beta concentration",
        ge=1.0,
        le=1000.0,
        zh="居民初始属性集中度",
        en="how alike residents' initial trust, public spirit, legal awareness and grievance are (Beta concentration "
        "around each mean; larger: more alike)",
        source="assumption: 5–30",
    )


class Grid(Section):
    residents_per_grid: int = lever(
        1000,
        plausible=(300, 5000),
        unit="residents",
        ge=50,
        le=20_000,
        zh="网格规模",
        en="residents per grid (网格)",
        source="assumption: 300–5,000; seed 001 L27: 一般一个网格内常住人口为4000-5000人; seed 002 "
        "L69: Yichang drew 121 communities into 1110 grids",
    )
    grids_per_community: int = lever(
        5,
        unit="grids",
        ge=1,
        le=50,
        zh="社区网格数",
        en="grids per community (社区/村)",
        source="seed 004 L19: 将高山社区划分成5个网格",
    )
    workers_per_grid: float = lever(
        1.0,
        unit="workers",
        ge=0.0,
        le=20.0,
        zh="每格网格员",
        en="grid workers per grid (fractional allowed)",
        source="seed 002 L69: 每个网格配备1名网格管理员",
    )
    onsite_mediation: bool = lever(
        False,
        unit="switch",
        zh="现场调解",
        en="grid workers mediate minor cases on the spot",
        source="seed 002 L85: 实现现场调解、就地解决",
    )
    admin_burden: float = share(
        0.4,
        plausible=(0.1, 0.7),
        zh="行政负担",
        en="share of a worker's time lost to paperwork (台账)",
        source="assumption: 0.1–0.7; seed 001 居委会不堪重负",
    )
    devolved_burden: float = share(
        0.05,
        plausible=(0.0, 0.1),
        zh="下放事务负担",
        en="extra share of a grid worker's time taken by each programme devolved to the community (on-the-spot "
        "mediation, forum, volunteer work, hotline work orders, data entry, one-stop services)",
        source="seed 001 L101: 社区居委会承担了太多的政府职能,工作不堪重负、疲于应付; seed 001 L139; value assumption 0–0.1",
    )
    patrol_strategy: Literal["random", "risk_targeted", "cooperative"] = lever(
        "random",
        unit="choice",
        zh="巡查策略",
        en="which households grid workers visit",
        source="seed 001 L279: 网格化走访 (visits as the grid's method); seed 004 L23: 高山社区 data-led 走访数据; "
        "the three strategies compared follow DeciUrban (agent-based study of Shanghai grid inspection)",
    )
    hours_per_day: float = lever(
        8.0,
        plausible=(6.0, 10.0),
        unit="hours",
        ge=1.0,
        le=16.0,
        zh="日工作时长",
        en="a grid worker's working day",
        source="assumption: 6–10",
    )
    hours_per_visit: float = lever(
        0.5,
        plausible=(0.25, 1.0),
        unit="hours",
        ge=0.05,
        le=4.0,
        zh="走访时长",
        en="time for one household visit",
        source="assumption: 0.25–1",
    )
    hours_per_mediation: float = lever(
        2.0,
        plausible=(1.0, 4.0),
        unit="hours",
        ge=0.1,
        le=8.0,
        zh="现场调解时长",
        en="time for one on-the-spot mediation",
        source="assumption: 1–4",
    )
    visit_cycle_days: float = lever(
        30.0,
        plausible=(14.0, 90.0),
        unit="days",
        ge=1.0,
        le=365.0,
        zh="走访周期",
        en="days in which every household should be visited once",
        source="assumption: 14–90; seed 001 L279 Zibo grid workers visited 110万余户",
    )
    visit_detection: float = share(
        0.6,
        plausible=(0.3, 0.9),
        zh="走访发现率",
        en="chance a visit finds a latent dispute in the household",
        source="assumption: 0.3–0.9",
    )
    onsite_max_intensity: float = share(
        0.35,
        plausible=(0.2, 0.5),
        zh="现场调解上限",
        en="highest intensity a grid worker tries to settle on the spot",
        source="assumption: 0.2–0.5; seed 002 小事 settled in the grid",
    )
    skill: float = share(
        0.75,
        plausible=(0.5, 0.9),
        zh="网格员调解技能",
        en="grid workers' mediation skill",
        source="assumption: 0.5–0.9",
    )
    voice: float = share(
        0.6,
        plausible=(0.4, 0.8),
        zh="网格员程序-发声",
        en="voice given to parties by grid workers",
        source="assumption: 0.4–0.8",
    )
    respect: float = share(
        0.7,
        plausible=(0.5, 0.9),
        zh="网格员程序-尊重",
        en="respect shown by grid workers",
        source="assumption: 0.5–0.9",
    )
    worker_cost_per_year: float = lever(
        60_000.0,
        plausible=(40000.0, 120000.0),
        unit="¥ per worker-year",
        ge=0.0,
        le=1e6,
        zh="网格员年成本",
        en="cost of one grid worker",
        source="assumption: ¥40,000–120,000",
    )
    branch_cost_per_year: float = lever(
        10_000.0,
        unit="¥ per grid-year",
        ge=0.0,
        le=1e6,
        zh="网格党支部经费",
        en="running cost of each grid (party branch, office)",
        source="seed 002 L253: 每年列支城市社区网格支部1万元工作经费",
    )
    risk_floor: float = share(
        0.05,
        plausible=(0.0, 0.2),
        zh="风险走访底数",
        en="in risk-targeted visits, the risk every household has besides its grievance (so that quiet households "
        "are visited too)",
        source="assumption: 0–0.2",
    )


class Routing(Section):
    ladder: Literal["administrative", "local_first", "triage"] = lever(
        "administrative",
        unit="choice",
        zh="分流规则",
        en="routing ladder: administrative, local_first (枫桥经验) or triage (多元共治)",
        source="DESIGN §3.4; seeds 000–004",
    )
    platform_delay_days: float = lever(
        2.0,
        plausible=(0.0, 5.0),
        unit="days",
        ge=0.0,
        le=30.0,
        zh="平台分派时延",
        en="mean delay before a known case is routed",
        source="assumption: 0–5",
    )
    routing_accuracy: float = share(
        0.8,
        plausible=(0.5, 1.0),
        zh="分派准确率",
        en="chance triage picks the best-fitting handler",
        source="assumption: 0.5–1",
    )
    one_stop: bool = lever(
        False,
        unit="switch",
        zh="一站式",
        en="one-stop integration of offices at the platform",
        source="seed 001 L279: 7大类90余项服务治理事项全部下放…一站式",
    )
    one_stop_effect: float = share(
        0.5,
        plausible=(0.2, 0.8),
        zh="一站式减少推诿",
        en="share of silo friction removed by one-stop integration",
        source="assumption: 0.2–0.8",
    )
    joint_min_parties: int = lever(
        3,
        plausible=(2, 6),
        unit="parties",
        ge=2,
        le=100,
        zh="联合调处人数门槛",
        en="parties from which triage sends a case to joint handling",
        source="assumption: 2–6; seeds 003 六联机制, 004 大调解",
    )
    joint_min_intensity: float = share(
        0.5,
        plausible=(0.3, 0.7),
        zh="联合调处烈度门槛",
        en="intensity from which triage sends a case to joint handling",
        source="assumption: 0.3–0.7",
    )
    joint_synergy: float = share(
        0.0,
        plausible=(0.0, 0.1),
        zh="联合调处增益",
        en="success bonus of joint handling over its best partner (0: none by default)",
        source="assumption: 0–0.1; seeds 003 六联机制, 004 大调解 claim synergy but give no measure",
    )
    joint_coordination: float = share(
        0.05,
        plausible=(0.0, 0.15),
        zh="联合调处协调损耗",
        en="success lost to coordinating the partners of joint handling",
        source="assumption: 0–0.15; seed 001 L37 条块分割、各自为政",
    )
    joint_extra_days: float = lever(
        3.0,
        plausible=(1.0, 7.0),
        unit="days",
        ge=0.0,
        le=60.0,
        zh="联合调处协调天数",
        en="days joint handling adds to arrange the partners",
        source="assumption: 1–7",
    )
    local_max_wait_days: float = lever(
        30.0,
        plausible=(7.0, 90.0),
        unit="days",
        ge=0.0,
        le=3650.0,
        zh="就地最长等待",
        en="on the local-first ladder a rung whose queue would take longer than this (days of its capacity) "
        "is passed over for the next",
        source="assumption: 7–90 (就地解决 is prompt, seed 002 L85; the same 30 days as the mediator choice's "
        "wait half-life)",
    )
    max_attempts: int = lever(
        3,
        plausible=(2, 4),
        unit="attempts",
        ge=1,
        le=10,
        zh="最多办理次数",
        en="handling attempts a case may get on any ladder, re-handling (重办) included",
        source="public figure: Beijing 12345 接诉即办 re-handles (重办) a work order the caller is not satisfied "
        "with; value assumption 2–4",
    )
    rehandle_delay_days: float = lever(
        3.0,
        plausible=(1.0, 10.0),
        unit="days",
        ge=0.0,
        le=60.0,
        zh="重办时延",
        en="days before a failed case is taken up again by the same kind of handler",
        source="assumption: 1–10",
    )
    handoff_delay_days: float = lever(
        2.0,
        plausible=(1.0, 7.0),
        unit="days",
        ge=0.0,
        le=60.0,
        zh="移交时延",
        en="days a case waits when it is handed from one kind of handler to another",
        source="assumption: 1–7",
    )


class Offices(Section):
    capacity_per_day: float = lever(
        4.0,
        plausible=(2.0, 8.0),
        unit="cases per day per 10k",
        ge=0.0,
        le=100.0,
        zh="部门日处理能力",
        en="cases all offices together can take per day, shared out by their categories' load",
        source="assumption: 2–8 (0.1 disputes per resident-year is 2.7 a day per 10k)",
    )
    mean_days: float = lever(
        7.0,
        plausible=(3.0, 15.0),
        unit="days",
        ge=0.0,
        le=90.0,
        zh="部门办理天数",
        en="mean processing time of an office",
        source="assumption: 3–15",
    )
    skill: float = share(
        0.85, plausible=(0.6, 0.95), zh="部门技能", en="offices' handling skill", source="assumption: 0.6–0.95"
    )
    silo_penalty: float = share(
        0.3,
        plausible=(0.0, 0.6),
        zh="条块分割",
        en="chance a case lands at the wrong office and is passed on (推诿)",
        source="assumption: 0–0.6; seeds 000, 001, 002 推诿扯皮, 条块分割",
    )
    transfer_delay_days: float = lever(
        3.0,
        plausible=(1.0, 10.0),
        unit="days",
        ge=0.0,
        le=60.0,
        zh="转办时延",
        en="delay each transfer adds",
        source="assumption: 1–10",
    )
    assessment_pressure: float = share(
        0.2,
        plausible=(0.0, 1.0),
        zh="考核压力",
        en="performance-ranking pressure (考核排名)",
        source="assumption: 0–1; seed 001 Zibo ranking assessment",
    )
    pressure_speedup: float = share(
        0.5,
        plausible=(0.2, 0.7),
        zh="考核提速",
        en="share by which full pressure cuts processing time",
        source="assumption: 0.2–0.7",
    )
    superficial_max: float = share(
        0.5,
        plausible=(0.2, 0.8),
        zh="敷衍结案上限",
        en="share of failing attempts closed on paper at full pressure",
        source="assumption: 0.2–0.8; seed 003 形式主义 坐在家里编",
    )
    pressure_reach: float = share(
        0.8,
        plausible=(0.5, 1.0),
        zh="考核下沉程度",
        en="share of the offices' assessment pressure that reaches grid workers, social organisations on "
        "contract and forums (their paper closures)",
        source="seed 001 L139: 社区居委会全部工作几乎都要接受上级党委、政府等各部门的监督和考核; seed 003 L119: "
        "坐在家里编; value assumption 0.5–1",
    )
    voice: float = share(
        0.3,
        plausible=(0.1, 0.5),
        zh="部门程序-发声",
        en="voice given to parties by offices",
        source="assumption: 0.1–0.5",
    )
    respect: float = share(
        0.5, plausible=(0.3, 0.7), zh="部门程序-尊重", en="respect shown by offices", source="assumption: 0.3–0.7"
    )
    staff_days_per_case: float = lever(
        2.0,
        plausible=(1.0, 5.0),
        unit="staff-days",
        ge=0.1,
        le=30.0,
        zh="每案人日",
        en="staff time behind one office case",
        source="assumption: 1–5",
    )
    staff_cost_per_year: float = lever(
        100_000.0,
        plausible=(70000.0, 150000.0),
        unit="¥ per staff-year",
        ge=0.0,
        le=1e6,
        zh="部门人员年成本",
        en="cost of one office staff member",
        source="assumption: ¥70,000–150,000",
    )
    max_transfers: int = lever(
        3,
        plausible=(1, 5),
        unit="transfers",
        ge=0,
        le=20,
        zh="最多转办次数",
        en="most wrong offices a case can be sent to before it reaches the competent one",
        source="assumption: 1–5; seed 001 部门推诿",
    )


class SocialOrgs(Section):
    staff: float = lever(
        0.0,
        plausible=(0.0, 10.0),
        unit="staff per 10k",
        ge=0.0,
        le=200.0,
        zh="社会组织专职人员",
        en="professional staff across social organisations (0 = none)",
        source="assumption: 0–10; seeds 001, 002, 004 (调委会, 社工机构, 法律服务)",
    )
    independence: float = share(
        0.5,
        plausible=(0.0, 1.0),
        zh="独立性",
        en="0 = government-run (二政府), 1 = independent",
        source="assumption: 0–1; seeds 001, 002 二政府, 行政化",
    )
    legitimacy: float = share(
        0.75,
        plausible=(0.5, 0.9),
        zh="社会组织公信力",
        en="trust residents give an independent organisation before it has a record",
        source="assumption: 0.5–0.9",
    )
    deference: float = share(
        0.4,
        plausible=(0.2, 0.6),
        zh="依附部门转办",
        en="chance a fully government-run organisation refers a case it takes to an office instead of settling "
        "it (scaled by 1 − independence)",
        source="seed 002 L415: 有些是“二政府”的慈善机构; seed 002 L365: 政府主控明显; value assumption 0.2–0.6",
    )
    skill: float = share(
        0.85, plausible=(0.6, 0.95), zh="专业技能", en="professional mediators' skill", source="assumption: 0.6–0.95"
    )
    cases_per_staff_day: float = lever(
        0.5,
        plausible=(0.2, 1.0),
        unit="cases per staff-day",
        ge=0.01,
        le=10.0,
        zh="人均日办案",
        en="cases a professional can take per day",
        source="assumption: 0.2–1",
    )
    mean_days: float = lever(
        4.0,
        plausible=(1.0, 10.0),
        unit="days",
        ge=0.0,
        le=60.0,
        zh="调解天数",
        en="mean duration of a mediation",
        source="assumption: 1–10",
    )
    voice: float = share(
        0.8, plausible=(0.6, 0.95), zh="调解程序-发声", en="voice given by mediation", source="assumption: 0.6–0.95"
    )
    respect: float = share(
        0.8, plausible=(0.6, 0.95), zh="调解程序-尊重", en="respect shown by mediation", source="assumption: 0.6–0.95"
    )
    staff_cost_per_year: float = lever(
        80_000.0,
        plausible=(50000.0, 120000.0),
        unit="¥ per staff-year",
        ge=0.0,
        le=1e6,
        zh="社工年成本",
        en="cost of one professional staff member",
        source="assumption: ¥50,000–120,000",
    )
    independence_weight: float = share(
        0.5,
        plausible=(0.2, 0.8),
        zh="选择调解组织时独立性权重",
        en="weight of an organisation's independence when a case picks its mediator (skill × ((1 − w) + w × "
        "independence))",
        source="assumption: 0.2–0.8",
    )
    choice_wait_half_life_days: float = lever(
        30.0,
        plausible=(10.0, 60.0),
        unit="days",
        ge=1.0,
        le=365.0,
        zh="选择调解组织时等待半衰期",
        en="queue wait (in days of capacity) that halves an organisation's appeal when a case picks its mediator",
        source="assumption: 10–60",
    )
    load_memory_days: float = lever(
        30.0,
        plausible=(10.0, 60.0),
        unit="days",
        ge=1.0,
        le=365.0,
        zh="调委会负荷记忆",
        en="how many days a volunteer mediation committee's load (and so its fatigue) takes to follow its work",
        source="assumption: 10–60",
    )


class Purchase(Section):
    budget_per_year: float = lever(
        0.0,
        plausible=(0.0, 1000000.0),
        unit="¥ per year per 10k",
        ge=0.0,
        le=1e8,
        zh="购买服务预算",
        en="purchased-service budget (政府购买服务); buys staff at cost_per_staff",
        source="assumption: ¥0–1,000,000; seeds 000, 001 (宁波海曙), 003",
    )
    cost_per_staff: float = lever(
        80_000.0,
        plausible=(50000.0, 120000.0),
        unit="¥ per staff-year",
        ge=1.0,
        le=1e6,
        zh="购买单价",
        en="price of one purchased professional",
        source="assumption: ¥50,000–120,000",
    )
    tendering: Literal["competitive", "directed"] = lever(
        "competitive",
        unit="choice",
        zh="招标方式",
        en="competitive tender or directed purchase (定向购买) from affiliated organisations",
        source="seeds 001, 003: tendering quality and 二政府 providers",
    )
    directed_skill_penalty: float = share(
        0.2,
        plausible=(0.0, 0.4),
        zh="定向购买技能折扣",
        en="skill lost by purchased staff under directed purchase",
        source="assumption: 0–0.4",
    )
    directed_independence: float = share(
        0.2,
        plausible=(0.0, 0.4),
        zh="定向购买独立性",
        en="independence of directed-purchase providers",
        source="assumption: 0–0.4; seed 001 二政府",
    )
    paper_share: float = share(
        0.3,
        plausible=(0.1, 0.5),
        zh="名存实亡比例",
        en="share of purchased staff who exist only on paper under directed purchase (paid, never working cases)",
        source="seed 002 L415: 有些则是名存实亡; value assumption 0.1–0.5",
    )


class Volunteers(Section):
    cultivation: float = share(
        0.0,
        plausible=(0.0, 1.0),
        zh="志愿培育",
        en="strength of volunteer and organisation cultivation (三社联动, incubators)",
        source="assumption: 0–1; seed 001",
    )
    recruit_rate: float = lever(
        0.003,
        plausible=(0.001, 0.01),
        unit="per day",
        ge=0.0,
        le=0.1,
        zh="招募率",
        en="daily joining chance of an eligible resident at full cultivation",
        source="assumption: 0.001–0.01",
    )
    base_recruit_rate: float = lever(
        0.0002,
        plausible=(0.0, 0.001),
        unit="per day",
        ge=0.0,
        le=0.01,
        zh="自发加入率",
        en="daily joining chance without cultivation",
        source="assumption: 0–0.001",
    )
    spirit_threshold: float = share(
        0.5,
        plausible=(0.3, 0.7),
        zh="志愿门槛",
        en="public spirit from which a resident may volunteer",
        source="assumption: 0.3–0.7",
    )
    dropout_rate: float = lever(
        0.002,
        plausible=(0.0005, 0.005),
        unit="per day",
        ge=0.0,
        le=0.1,
        zh="退出率",
        en="daily chance a volunteer stops",
        source="assumption: 0.0005–0.005; seed 002 乡贤倦怠",
    )
    load_dropout: float = lever(
        2.0,
        plausible=(0.0, 4.0),
        unit="factor",
        ge=0.0,
        le=20.0,
        zh="负荷退出倍数",
        en="dropout of volunteer mediators is multiplied by 1 + factor × their committee's load (turnover under load)",
        source="seed 002 L415: 鉴于都是义务服务,出于身体考虑也会有倦怠情况出现; value assumption 0–4",
    )
    max_share: float = share(
        0.05,
        plausible=(0.02, 0.15),
        zh="志愿者上限比例",
        en="share of residents the volunteer pool saturates at (joining slows as the pool fills)",
        source="seed 002 L69: 宜昌's four central districts (1,110 grids) 储备10.8万名志愿者, roughly 8% of their "
        "residents; public figure: about 16% of Chinese are registered volunteers, far fewer active; value "
        "assumption 0.02–0.15",
    )
    initial_share: float = share(
        0.01,
        plausible=(0.0, 0.05),
        zh="初始志愿者比例",
        en="share of residents volunteering at the start",
        source="assumption: 0–0.05",
    )
    mediator_share: float = share(
        0.2,
        plausible=(0.1, 0.4),
        zh="志愿调解员比例",
        en="share of volunteers who mediate",
        source="seed 002: 1–2 volunteer mediators per Yichang grid; value assumption 0.1–0.4",
    )
    cases_per_mediator_day: float = lever(
        0.016,
        unit="cases per day",
        ge=0.0,
        le=5.0,
        zh="志愿调解日办案",
        en="cases a fresh volunteer mediator takes per day (0.016 is 5.8 a year; 3.5 under sustained full load, "
        "with `fatigue` 0.4)",
        source="public figure: Ministry of Justice, about 3.2–3.7 million people's mediators settle about 9–12 "
        "million disputes a year, 3–4 cases per mediator-year; that national mean counts idle mediators too, so "
        "a fully loaded one must take at least as many: 0.016 × (1 − 0.4) × 365 = 3.5; range 0.005–0.02",
    )
    max_mediators_per_1000: float = lever(
        2.5,
        plausible=(1.0, 4.0),
        unit="per 1,000 residents",
        ge=0.0,
        le=1000.0,
        zh="调解员密度上限",
        en="volunteer mediators a community has at most, per 1,000 of its residents, however many volunteers "
        "it cultivates (mediators are selected, 选聘, not every volunteer)",
        source="public figure: Ministry of Justice, about 3.2–3.7 million people's mediators for 1.41 billion "
        "residents, 2.3–2.6 per 1,000; seed 002 L69: 宜昌 每个网格选聘1-2名义务调解员 (grids of about 1,200: "
        "0.8–1.7 per 1,000); range 1–4",
    )
    fatigue: float = share(
        0.4,
        plausible=(0.0, 0.6),
        zh="乡贤倦怠",
        en="share of volunteer mediators' capacity lost under sustained full load",
        source="seed 002 L415: 出于身体考虑也会有倦怠情况出现; value assumption 0–0.6",
    )
    skill: float = share(
        0.65, plausible=(0.4, 0.8), zh="志愿者技能", en="volunteer mediators' skill", source="assumption: 0.4–0.8"
    )
    familiarity: float = lever(
        0.5,
        plausible=(0.0, 1.0),
        unit="extra weight",
        ge=0.0,
        le=5.0,
        zh="熟人调解偏好",
        en="extra weight the parties of a neighbour or family dispute give their community's mediation "
        "committee (people they know) over outside professionals; 0: skill and wait alone decide, and "
        "the less skilled volunteers get almost no case",
        source="seed 002 L85: 民间调解 suits neighbourly disputes (人情; 社会调解无程序之严格、无场域之局限、"
        "无费用之缴纳); value assumption 0–1, default its midpoint (above about 0.31 the committee wins at "
        "equal wait with the default skills)",
    )
    watch_rate: float = lever(
        0.02,
        plausible=(0.005, 0.05),
        unit="per volunteer-day",
        ge=0.0,
        le=1.0,
        zh="邻里守望发现率",
        en="daily chance one volunteer in the building notices a latent dispute",
        source="assumption: 0.005–0.05; seeds 002, 003 楼栋长/单元长 桩钉工程",
    )
    spirit_gain_per_day: float = lever(
        0.001,
        plausible=(0.0, 0.003),
        unit="per day",
        ge=0.0,
        le=0.05,
        zh="志愿公共意识增益",
        en="public spirit a volunteer gains each day",
        source="assumption: 0–0.003",
    )
    coordination_cost_per_year: float = lever(
        1_600.0,
        plausible=(800.0, 2700.0),
        unit="¥ per volunteer-year",
        ge=0.0,
        le=1e5,
        zh="志愿者协调成本",
        en="cost of coordinating one volunteer (paid coordinators, training, insurance)",
        source="assumption: ¥800–2,700 (one paid coordinator at ¥80,000 a year per 30–100 volunteers)",
    )
    case_subsidy: float = lever(
        200.0,
        unit="¥ per case",
        ge=0.0,
        le=1e5,
        zh="以案定补",
        en="subsidy paid for each case volunteer mediators settle (以案定补)",
        source="public figure: provincial 以案定补 schemes pay people's mediators about ¥50–500 per settled case",
    )


class SelfGovernance(Section):
    deliberation: bool = lever(
        False,
        unit="switch",
        zh="议事协商",
        en="a deliberation forum meets in each community",
        source="seed 000 高峰镇 公论评议; seed 004 宅吉 三聚三问",
    )
    interval_days: int = lever(
        14,
        plausible=(7, 30),
        unit="days",
        ge=1,
        le=365,
        zh="议事间隔",
        en="days between forum meetings",
        source="assumption: 7–30",
    )
    cases_per_meeting: int = lever(
        4,
        plausible=(2, 10),
        unit="cases",
        ge=1,
        le=100,
        zh="每次议题数",
        en="cases one meeting can take up",
        source="assumption: 2–10",
    )
    attendance: float = share(
        0.05,
        plausible=(0.01, 0.2),
        zh="参会率",
        en="share of a community's residents, weighted by public spirit, at each meeting",
        source="assumption: 0.01–0.2; seed 004 宅吉 participation above 85% over a year",
    )
    skill: float = share(
        0.8,
        plausible=(0.6, 0.9),
        zh="议事技能",
        en="a forum's skill at settling what it takes up",
        source="assumption: 0.6–0.9",
    )
    voice: float = share(
        0.95, plausible=(0.8, 1.0), zh="议事程序-发声", en="voice parties get in the forum", source="assumption: 0.8–1"
    )
    respect: float = share(
        0.85,
        plausible=(0.6, 1.0),
        zh="议事程序-尊重",
        en="respect parties get in the forum",
        source="assumption: 0.6–1",
    )
    spirit_gain: float = share(
        0.05,
        plausible=(0.01, 0.1),
        zh="参会公共意识增益",
        en="public spirit gained by attending a meeting",
        source="assumption: 0.01–0.1",
    )
    cost_per_meeting: float = lever(
        2_000.0,
        plausible=(500.0, 5000.0),
        unit="¥ per meeting",
        ge=0.0,
        le=1e6,
        zh="每次议事成本",
        en="cost of one forum meeting",
        source="assumption: ¥500–5,000",
    )
    quorum: float = share(
        0.03,
        plausible=(0.01, 0.1),
        zh="议事有效参会率",
        en="attendance (share of the community) below which a meeting goes through the motions: its skill and "
        "voice shrink in proportion",
        source="seed 003 L117: 重硬件轻软件的形式主义; value assumption 0.01–0.1",
    )
    forum_first: bool = lever(
        False,
        unit="switch",
        zh="公论评议优先",
        en="the forum hears disputes of every category, and on the local-first ladder before mediation: "
        "a platform where residents judge cases first",
        source="seed 000 L10: 首先建立一个平台，在此平台上群众可以参与公论评议 … 就地协商解决问题",
    )
    forum_min_parties: int = lever(
        3,
        plausible=(2, 6),
        unit="parties",
        ge=1,
        le=100,
        zh="议事会受理最少当事人数",
        en="a forum also takes cases of any category with at least this many parties",
        source="assumption: 2–6; seed 003 议事会 for matters of many households",
    )
    attendance_factor: float = lever(
        2.0,
        plausible=(1.0, 3.0),
        unit="factor",
        ge=0.0,
        le=10.0,
        zh="议事出席系数",
        en="a resident's chance of attending is this × attendance × public spirit (at most 1)",
        source="assumption: 1–3",
    )


class Channels(Section):
    hotline: bool = lever(
        False,
        unit="switch",
        zh="12345热线",
        en="a 12345-style direct reporting channel",
        source="seed 004 L125: 市长专线、网上信访等民意通道; public figure: Beijing 12345 接诉即办",
    )
    hotline_boost: float = lever(
        0.6,
        plausible=(0.2, 1.0),
        unit="factor",
        ge=0.0,
        le=5.0,
        zh="热线报告增益",
        en="extra reporting a hotline brings",
        source="assumption: 0.2–1",
    )
    hotline_cost_per_resident_year: float = lever(
        3.0,
        plausible=(1.0, 6.0),
        unit="¥ per resident-year",
        ge=0.0,
        le=1e4,
        zh="热线运行成本",
        en="running cost of the hotline and its dispatch centre (a standing cost)",
        source="assumption: ¥1–6 per resident-year",
    )
    callback: bool = lever(
        False,
        unit="switch",
        zh="回访重办",
        en="closed hotline cases are called back (回访); a caller whose problem is not solved gets the case "
        "re-handled (重办), and offices are assessed on response, resolution and satisfaction (三率考核)",
        source="public figure: Beijing 12345 接诉即办 (2019–): every work order is called back and judged by its "
        "response, resolution and satisfaction rates; reported rates in the 90s",
    )
    callback_cost: float = lever(
        20.0,
        plausible=(10.0, 50.0),
        unit="¥ per call",
        ge=0.0,
        le=1e4,
        zh="回访成本",
        en="cost of one call-back",
        source="assumption: ¥10–50",
    )
    callback_detection: float = share(
        0.8,
        plausible=(0.5, 1.0),
        zh="回访识别率",
        en="chance a call-back finds that a case closed on paper is not solved",
        source="assumption: 0.5–1",
    )
    report_rate: float = lever(
        0.03,
        plausible=(0.01, 0.1),
        unit="per day",
        ge=0.0,
        le=1.0,
        zh="主动反映率",
        en="daily chance parties report a dispute at full intensity and trust",
        source="assumption: 0.01–0.1",
    )
    migrant_report_factor: float = share(
        0.6,
        plausible=(0.3, 1.0),
        zh="流动人口反映系数",
        en="migrants' reporting relative to locals (channels unknown)",
        source="assumption: 0.3–1; seed 002 不愿/不敢/不会表达",
    )
    apathy_weight: float = share(
        0.5,
        plausible=(0.0, 1.0),
        zh="冷漠权重",
        en="how much low public spirit suppresses reporting",
        source="assumption: 0–1; seeds 000, 002 不知道,不参与,不关心, 说了也白说",
    )


class Smart(Section):
    data_platform: bool = lever(
        False,
        unit="switch",
        zh="大数据平台",
        en="big-data detection and routing support",
        source="seed 002 L91: 社区e通 (宜昌); seed 004 L23: 高山社区 一图两表四册",
    )
    detect_rate: float = lever(
        0.03,
        plausible=(0.01, 0.1),
        unit="per day",
        ge=0.0,
        le=1.0,
        zh="预警发现率",
        en="daily chance data early warning flags a dispute at full intensity",
        source="assumption: 0.01–0.1",
    )
    silo_reduction: float = share(
        0.3,
        plausible=(0.1, 0.5),
        zh="平台减少推诿",
        en="share of silo friction removed by the platform",
        source="assumption: 0.1–0.5",
    )
    cost_per_resident_year: float = lever(
        5.0,
        plausible=(2.0, 20.0),
        unit="¥ per resident-year",
        ge=0.0,
        le=1e4,
        zh="平台成本",
        en="running cost of the data platform",
        source="assumption: ¥2–20",
    )


class Prevention(Section):
    risk_assessment: bool = lever(
        False,
        unit="switch",
        zh="社会稳定风险评估",
        en="social-stability risk assessment of major projects",
        source="seed 001 L291: 从源头上减小社会矛盾产生的几率; seed 004 L125: 重大事项社会稳定风险评估",
    )
    risk_incidence_effect: float = share(
        0.3,
        plausible=(0.1, 0.5),
        zh="风险评估减少发生",
        en="incidence removed by risk assessment in project categories",
        source="assumption: 0.1–0.5",
    )
    risk_intensity_effect: float = share(
        0.2,
        plausible=(0.1, 0.4),
        zh="风险评估降低烈度",
        en="initial intensity removed by risk assessment",
        source="assumption: 0.1–0.4",
    )
    risk_cost_per_resident_year: float = lever(
        2.0,
        plausible=(1.0, 5.0),
        unit="¥ per resident-year",
        ge=0.0,
        le=1e4,
        zh="风险评估成本",
        en="cost of risk assessment",
        source="assumption: ¥1–5",
    )
    virtue: float = share(
        0.0,
        zh="德治",
        en="strength of moral norms and village rules (德治, 村规民约)",
        source="seeds 002, 004: 德治, 村规民约",
    )
    virtue_effect: float = share(
        0.4,
        plausible=(0.1, 0.6),
        zh="德治效果",
        en="interpersonal incidence removed at full virtue",
        source="assumption: 0.1–0.6",
    )
    livelihood: float = share(
        0.0,
        zh="民生投入",
        en="livelihood investment, 0–1",
        source="seed 001: livelihood investment prevents disputes",
    )
    livelihood_effect: float = share(
        0.3,
        plausible=(0.1, 0.5),
        zh="民生投入效果",
        en="labor and public-service incidence removed at full investment",
        source="assumption: 0.1–0.5",
    )
    livelihood_cost_per_resident_year: float = lever(
        20.0,
        plausible=(10.0, 50.0),
        unit="¥ per resident-year",
        ge=0.0,
        le=1e4,
        zh="民生投入成本",
        en="cost of full livelihood investment",
        source="assumption: ¥10–50",
    )


class Petition(Section):
    response: Literal["resolve", "suppress"] = lever(
        "resolve",
        unit="choice",
        zh="信访回应",
        en="petitions are resolved, or suppressed (强压硬按)",
        source="seed 002 L437: 而不是强压硬按,求得暂时平安",
    )
    threshold: float = share(
        0.65,
        plausible=(0.4, 0.8),
        zh="上访烈度门槛",
        en="intensity above which parties may petition",
        source="assumption: 0.4–0.8",
    )
    rate: float = lever(
        0.01,
        plausible=(0.003, 0.03),
        unit="per day",
        ge=0.0,
        le=1.0,
        zh="上访率",
        en="daily petition chance at full intensity and no trust",
        source="assumption: 0.003–0.03; seed 001 L211 科塞 安全阀",
    )
    voice_relief: float = share(
        0.4,
        plausible=(0.2, 0.6),
        zh="渠道缓解",
        en="share of petition pressure relieved by open voice channels (hotline, forum)",
        source="assumption: 0.2–0.6; seed 001 safety valve",
    )
    leapfrog_intensity: float = share(
        0.85,
        plausible=(0.7, 0.95),
        zh="越级烈度",
        en="intensity for a leapfrog petition",
        source="assumption: 0.7–0.95",
    )
    leapfrog_trust: float = share(
        0.3,
        plausible=(0.1, 0.4),
        zh="越级信任",
        en="trust below which petitions leapfrog",
        source="assumption: 0.1–0.4",
    )
    group_parties: int = lever(
        5,
        plausible=(3, 10),
        unit="parties",
        ge=2,
        le=1000,
        zh="群体事件人数",
        en="parties from which a group incident is possible",
        source="assumption: 3–10 (DESIGN §3.2)",
    )
    group_intensity: float = share(
        0.75, plausible=(0.6, 0.9), zh="群体事件烈度", en="intensity for a group incident", source="assumption: 0.6–0.9"
    )
    group_rate: float = lever(
        0.002,
        plausible=(0.001, 0.02),
        unit="per day",
        ge=0.0,
        le=1.0,
        zh="群体事件率",
        en="daily group-incident chance above both thresholds",
        source="assumption: 0.001–0.02",
    )
    capacity_per_day: float = lever(
        1.0,
        plausible=(0.2, 2.0),
        unit="petitions per day per 10k",
        ge=0.01,
        le=100.0,
        zh="信访办能力",
        en="petitions the petition office takes per day",
        source="assumption: 0.2–2",
    )
    suppress_trust_loss: float = share(
        0.2,
        plausible=(0.1, 0.4),
        zh="压制信任损失",
        en="trust parties lose when their petition is suppressed",
        source="assumption: 0.1–0.4",
    )
    handle_cost: float = lever(
        3_000.0,
        plausible=(1000.0, 10000.0),
        unit="¥ per petition",
        ge=0.0,
        le=1e6,
        zh="信访处理成本",
        en="cost of handling one petition",
        source="assumption: ¥1,000–10,000",
    )
    suppress_cost: float = lever(
        20_000.0,
        plausible=(5000.0, 50000.0),
        unit="¥ per petition",
        ge=0.0,
        le=1e7,
        zh="维稳成本",
        en="cost of suppressing one petition",
        source="assumption: ¥5,000–50,000; seed 002 high recurring cost",
    )
    leapfrog_cost: float = lever(
        30_000.0,
        plausible=(10000.0, 100000.0),
        unit="¥ per petition",
        ge=0.0,
        le=1e7,
        zh="越级上访成本",
        en="cost of one leapfrog petition (劝返)",
        source="assumption: ¥10,000–100,000",
    )
    group_incident_cost: float = lever(
        300_000.0,
        plausible=(100000.0, 1000000.0),
        unit="¥ per incident",
        ge=0.0,
        le=1e8,
        zh="群体事件成本",
        en="cost of one group incident",
        source="assumption: ¥100,000–1,000,000",
    )
    litigation_rate: float = share(
        0.3,
        plausible=(0.1, 0.5),
        zh="诉讼倾向",
        en="chance parties sue when the ladder is exhausted, at full legal awareness",
        source="assumption: 0.1–0.5; seed 002 courts as the last line of defence",
    )
    incident_trust_share: float = share(
        0.5,
        plausible=(0.25, 1.0),
        zh="群体性事件信任损失比例",
        en="trust its parties lose in a group incident, as a share of suppress_trust_loss",
        source="assumption: 0.25–1",
    )


class Budget(Section):
    standing_per_10k: float = lever(
        0.0,
        unit="¥ per year per 10k",
        ge=0.0,
        le=1e9,
        zh="常设预算",
        en="fixed standing budget (0 = off): offices get what the arrangement's other standing costs leave",
        source="assumption: 0 (off) or ¥1–3 million per 10k, the range of the presets' own standing costs (DESIGN §7)",
    )


class Campaign(Section):
    start_day: int = lever(
        0,
        unit="day",
        ge=0,
        le=100_000,
        zh="运动开始",
        en="first day of a campaign surge",
        source="seed 004 L131: 百日会战 (a campaign has a start and an end); scenario choice within 0–horizon",
    )
    end_day: int = lever(
        0,
        unit="day",
        ge=0,
        le=100_000,
        zh="运动结束",
        en="day the surge ends (0 = no campaign)",
        source="scenario choice: 0 – horizon; seed 004 L131 百日会战 lasts 100 days",
    )
    multiplier: float = lever(
        1.0,
        unit="factor",
        ge=1.0,
        le=10.0,
        zh="运动倍数",
        en="capacity and visit multiplier during the surge (运动式, 百日会战)",
        source="seeds 003, 004",
    )
    pressure: float = share(
        0.3,
        plausible=(0.0, 0.5),
        zh="运动考核加压",
        en="assessment pressure added during the surge",
        source="assumption: 0–0.5",
    )
    cost_premium: float = lever(
        1.5,
        plausible=(1.0, 2.0),
        unit="factor",
        ge=1.0,
        le=5.0,
        zh="运动成本溢价",
        en="price of surge staff relative to permanent staff",
        source="assumption: 1–2",
    )


class Disputes(Section):
    incidence_per_year: float = lever(
        0.1,
        plausible=(0.02, 0.3),
        unit="disputes per resident-year",
        ge=0.0,
        le=5.0,
        zh="纠纷发生率",
        en="mean disputes arising per resident and year, all categories",
        source="assumption: 0.02–0.3 (DESIGN §3.1); seed 004 晋江 screened 2,446 formal disputes in 2012",
    )
    grievance_gain: float = lever(
        2.0,
        plausible=(0.0, 4.0),
        unit="factor",
        ge=0.0,
        le=10.0,
        zh="不满放大",
        en="incidence multiplier is 1 + gain × grievance",
        source="assumption: 0–4",
    )
    intensity_spread: float = lever(
        8.0,
        plausible=(4.0, 20.0),
        unit="beta concentration",
        ge=1.0,
        le=100.0,
        zh="初始烈度集中度",
        en="concentration of the Beta distribution of initial intensity",
        source="assumption: 4–20",
    )
    low_trust_growth: float = lever(
        1.0,
        plausible=(0.0, 2.0),
        unit="factor",
        ge=0.0,
        le=5.0,
        zh="低信任加速",
        en="growth rate multiplier is 1 + factor × (1 − parties' trust)",
        source="assumption: 0–2",
    )
    lapse_rate: float = lever(
        0.01,
        plausible=(0.0, 0.03),
        unit="per day",
        ge=0.0,
        le=0.5,
        zh="自然平息率",
        en="daily chance a mild latent dispute fades",
        source="assumption: 0–0.03",
    )
    lapse_max_intensity: float = share(
        0.2,
        plausible=(0.1, 0.3),
        zh="平息烈度上限",
        en="intensity below which a latent dispute can fade",
        source="assumption: 0.1–0.3",
    )
    give_up_rate: float = lever(
        0.01,
        plausible=(0.003, 0.03),
        unit="per day",
        ge=0.0,
        le=0.5,
        zh="放弃率",
        en="daily chance the parties of a failed case, or of a case waiting in a queue, give up on it (说了也白说)",
        source="assumption: 0.003–0.03; seed 002 L117 说了也白说",
    )
    transfer_jump: float = share(
        0.05,
        plausible=(0.0, 0.1),
        zh="转办烈度增量",
        en="intensity added by each transfer between offices",
        source="assumption: 0–0.1",
    )
    handoff_jump: float = share(
        0.03,
        plausible=(0.0, 0.08),
        zh="移交烈度增量",
        en="intensity added when a case is handed from one kind of handler to another (the parties retell it)",
        source="assumption: 0–0.08",
    )
    reopen_mean_days: float = lever(
        45.0,
        plausible=(20.0, 120.0),
        unit="days",
        ge=1.0,
        le=1000.0,
        zh="敷衍结案复发天数",
        en="mean time before a paper closure reopens",
        source="assumption: 20–120",
    )
    reopen_jump: float = share(
        0.15,
        plausible=(0.05, 0.3),
        zh="复发烈度增量",
        en="intensity added when a paper closure reopens",
        source="assumption: 0.05–0.3",
    )
    recruit_rate: float = lever(
        0.03,
        plausible=(0.01, 0.1),
        unit="per day",
        ge=0.0,
        le=1.0,
        zh="纠纷扩散率",
        en="daily chance a group-prone dispute at full intensity recruits a neighbour",
        source="assumption: 0.01–0.1; seed 001 主体多元化",
    )
    intensity_penalty: float = share(
        0.8,
        plausible=(0.5, 1.0),
        zh="烈度难度",
        en="success lost at full intensity by a handler of no ability",
        source="assumption: 0.5–1",
    )
    rigid_soft_factor: float = share(
        0.15,
        plausible=(0.0, 0.3),
        zh="柔性处理刚性案件",
        en="success multiplier when a handler without rigid power takes a rigid case",
        source="seed 002 L77: 刚性权力属于国家机关独立行使; value assumption 0–0.3",
    )
    judge_after_days: int = lever(
        30,
        plausible=(14, 60),
        unit="days",
        ge=0,
        le=365,
        zh="评估观察期",
        en="a case counts toward the resolution rate once known this long",
        source="assumption: 14–60",
    )
    party_grievance_rate: float = lever(
        0.01,
        plausible=(0.005, 0.03),
        unit="per day",
        ge=0.0,
        le=0.2,
        zh="当事人不满增长",
        en="grievance a party gains per day of an open dispute at full intensity",
        source="assumption: 0.005–0.03",
    )
    contagion_rate: float = lever(
        0.002,
        plausible=(0.0, 0.005),
        unit="per day",
        ge=0.0,
        le=0.1,
        zh="情绪传染",
        en="grievance network neighbours of parties gain per day at full intensity",
        source="assumption: 0–0.005; DESIGN §3.2 emotional contagion",
    )
    grievance_decay: float = lever(
        0.01,
        plausible=(0.005, 0.03),
        unit="per day",
        ge=0.0,
        le=0.5,
        zh="不满消退",
        en="daily relative decay of grievance",
        source="assumption: 0.005–0.03",
    )
    legitimacy_weight: float = share(
        0.5,
        plausible=(0.2, 0.8),
        zh="处置能力中合法性权重",
        en="weight of a handler's legitimacy in its ability (ability = skill × ((1 − w) + w × legitimacy))",
        source="assumption: 0.2–0.8",
    )
    paper_closure_outcome: float = share(
        0.2,
        plausible=(0.0, 0.4),
        zh="表面结案对当事人的价值",
        en="what a paper closure is worth to the parties' experience (0: as bad as failure, 1: as good as a "
        "resolution)",
        source="assumption: 0–0.4; seed 001 形式主义",
    )


class Feedback(Section):
    satisfaction_rate: float = share(
        0.3,
        plausible=(0.1, 0.5),
        zh="满意度更新",
        en="weight of one experience in satisfaction",
        source="assumption: 0.1–0.5",
    )
    satisfaction_relax: float = lever(
        0.005,
        plausible=(0.001, 0.02),
        unit="per day",
        ge=0.0,
        le=0.1,
        zh="满意度回归",
        en="daily relaxation of satisfaction toward baseline − grievance weight × grievance",
        source="assumption: 0.001–0.02",
    )
    grievance_weight: float = share(
        0.5,
        plausible=(0.2, 0.8),
        zh="不满拖累满意度",
        en="how far grievance pulls the satisfaction a resident relaxes toward",
        source="assumption: 0.2–0.8",
    )
    outcome_weight: float = share(
        0.5,
        plausible=(0.3, 0.7),
        zh="结果权重",
        en="weight of the outcome in an experience",
        source="assumption: 0.3–0.7",
    )
    timeliness_weight: float = share(
        0.2, plausible=(0.1, 0.3), zh="及时性权重", en="weight of timeliness", source="assumption: 0.1–0.3"
    )
    voice_weight: float = share(
        0.15, plausible=(0.05, 0.3), zh="发声权重", en="weight of voice", source="assumption: 0.05–0.3"
    )
    respect_weight: float = share(
        0.15, plausible=(0.05, 0.3), zh="尊重权重", en="weight of respect", source="assumption: 0.05–0.3"
    )
    timeliness_days: float = lever(
        30.0,
        plausible=(14.0, 60.0),
        unit="days",
        ge=1.0,
        le=365.0,
        zh="及时性尺度",
        en="days from report to closure at which timeliness has halved",
        source="assumption: 14–60",
    )
    trust_rate: float = share(
        0.15,
        plausible=(0.05, 0.3),
        zh="信任更新",
        en="weight of one experience in trust",
        source="assumption: 0.05–0.3",
    )
    word_of_mouth: float = share(
        0.03,
        plausible=(0.0, 0.1),
        zh="口碑传播",
        en="weight of a neighbour's experience in trust",
        source="assumption: 0–0.1",
    )
    satisfied_threshold: float = share(
        0.6,
        plausible=(0.5, 0.7),
        zh="满意判定",
        en="experience from which a party counts as satisfied (满意/基本满意) in a 回访 survey",
        source="assumption: 0.5–0.7",
    )
    record_weight: float = share(
        0.5,
        plausible=(0.2, 0.8),
        zh="口碑权重",
        en="how far a handler's legitimacy follows its own record rather than its standing",
        source="assumption: 0.2–0.8",
    )
    record_memory: float = lever(
        50.0,
        plausible=(20.0, 200.0),
        unit="cases",
        ge=1.0,
        le=10_000.0,
        zh="口碑记忆",
        en="cases over which a handler's record is averaged",
        source="assumption: 20–200",
    )
    dependency_effect: float = share(
        0.02,
        plausible=(0.0, 0.05),
        zh="管理依赖症",
        en="public spirit a party loses when an office handles the case top-down",
        source="seeds 001, 003: 管理依赖症, 强政府弱社会; value assumption 0–0.05",
    )
    spirit_relax: float = lever(
        0.0005,
        plausible=(0.0, 0.002),
        unit="per day",
        ge=0.0,
        le=0.05,
        zh="公共意识回归",
        en="daily share of the gap to a resident's own starting public spirit closed while not volunteering",
        source="assumption: 0–0.002 (a gap halves in 1–∞ years; 3.8 at the default)",
    )
    cultivation_spirit_rate: float = lever(
        0.001,
        plausible=(0.0, 0.003),
        unit="per day",
        ge=0.0,
        le=0.05,
        zh="培育公共意识",
        en="daily public-spirit growth at full cultivation",
        source="assumption: 0–0.003; seed 001 三社联动",
    )


def _category_model(name: str, d: dict) -> type[Section]:
    zh = CATEGORY_ZH[name]
    return create_model(
        f"Category_{name}",
        __base__=Section,
        share=(
            float,
            share(
                d["share"],
                zh=f"{zh}占比",
                en=f"share of {name} in incidence",
                source=d["src"],
                plausible=scaled(d["share"], 0.5, 1.5),
            ),
        ),
        intensity_mean=(
            float,
            share(
                d["int"],
                zh=f"{zh}初始烈度",
                en=f"mean initial intensity of {name}",
                source=ASSUMPTION + ": ±0.15 around the default",
                plausible=around(d["int"], 0.15),
            ),
        ),
        growth_per_day=(
            float,
            lever(
                d["grow"],
                unit="per day",
                ge=0.0,
                le=0.2,
                zh=f"{zh}烈度增长",
                en=f"daily intensity growth of unattended {name} disputes",
                source=ASSUMPTION + ": ×0.5–×2",
                plausible=scaled(d["grow"], 0.5, 2.0),
            ),
        ),
        group_prone=(
            bool,
            lever(
                d["group"],
                unit="switch",
                zh=f"{zh}易群体化",
                en=f"{name} disputes recruit neighbours",
                source=d["groupsrc"],
            ),
        ),
        rigid_share=(
            float,
            share(
                d["rigid"],
                zh=f"{zh}需刚性权力",
                en=f"share of {name} cases only an office can close",
                source="seed 002: 刚性权力 vs 弹性权力; value assumption ±0.2",
                plausible=around(d["rigid"], 0.2),
            ),
        ),
        migrant_mult=(
            float,
            lever(
                d["mig"],
                unit="factor",
                ge=0.0,
                le=10.0,
                zh=f"{zh}流动人口倍数",
                en=f"incidence of {name} among migrants relative to locals",
                source=d.get("migsrc", ASSUMPTION + ": 0.2–3"),
                plausible=d.get("migrange", (0.2, 3.0)),
            ),
        ),
        elderly_mult=(
            float,
            lever(
                d["eld"],
                unit="factor",
                ge=0.0,
                le=10.0,
                zh=f"{zh}老年倍数",
                en=f"incidence of {name} among the elderly relative to others",
                source=ASSUMPTION + ": 0.2–3",
                plausible=(0.2, 3.0),
            ),
        ),
    )


_CAT_SRC = "assumption: ±50%; categories from seeds 001–004"
# Group-prone categories are those seed 002 L85 and seed 004 name with many claimants at once
# (property, land, labour); the rest are disputes between individuals.
_INDIVIDUAL_SRC = "seed 002 L85: 普通民事案件(如邻里矛盾), disputes between individuals"
_CATEGORY_DEFAULTS = {
    "neighbor": dict(
        share=0.25,
        int=0.15,
        grow=0.004,
        group=False,
        rigid=0.05,
        mig=1.0,
        eld=1.2,
        src=_CAT_SRC,
        groupsrc=_INDIVIDUAL_SRC,
    ),
    "family": dict(
        share=0.15,
        int=0.2,
        grow=0.004,
        group=False,
        rigid=0.05,
        mig=0.8,
        eld=1.3,
        src=_CAT_SRC,
        groupsrc=_INDIVIDUAL_SRC,
    ),
    "property": dict(
        share=0.15,
        int=0.25,
        grow=0.005,
        group=True,
        rigid=0.3,
        mig=0.7,
        eld=1.0,
        src=_CAT_SRC,
        groupsrc="seed 002 L85: 涉及群体性纠纷案件(如物业纠纷)",
    ),
    "labor": dict(
        share=0.08,
        int=0.35,
        grow=0.008,
        group=True,
        rigid=0.5,
        mig=3.0,
        eld=0.3,
        src=_CAT_SRC,
        groupsrc="seed 004 L121: 企业恶意欠薪 (migrant workers' wage arrears, many claimants at once)",
        migsrc="assumption: 1.5–4; seed 004 晋江 migrant workers and wage arrears",
        migrange=(1.5, 4.0),
    ),
    "land": dict(
        share=0.07,
        int=0.4,
        grow=0.008,
        group=True,
        rigid=0.7,
        mig=0.3,
        eld=1.2,
        src=_CAT_SRC,
        groupsrc="seed 002 L85: 利益配置不公案件(如拆迁补偿); seed 004 L125: 大规模拆迁征地",
    ),
    "public_order": dict(
        share=0.08,
        int=0.3,
        grow=0.006,
        group=False,
        rigid=0.6,
        mig=1.3,
        eld=0.7,
        src=_CAT_SRC,
        groupsrc=_INDIVIDUAL_SRC,
    ),
    "environment": dict(
        share=0.10,
        int=0.2,
        grow=0.004,
        group=False,
        rigid=0.4,
        mig=0.8,
        eld=1.0,
        src=_CAT_SRC,
        groupsrc=_INDIVIDUAL_SRC,
    ),
    "public_service": dict(
        share=0.15,
        int=0.15,
        grow=0.003,
        group=False,
        rigid=0.5,
        mig=1.0,
        eld=1.5,
        src=_CAT_SRC,
        groupsrc=_INDIVIDUAL_SRC,
    ),
}
_CATEGORY_MODELS = {c: _category_model(c, d) for c, d in _CATEGORY_DEFAULTS.items()}
_CATEGORY_FIELDS: dict[str, Any] = {
    c: (m, Field(default_factory=m, description=f"dispute category {c} ({CATEGORY_ZH[c]})"))
    for c, m in _CATEGORY_MODELS.items()
}
Categories = create_model("Categories", __base__=Section, **_CATEGORY_FIELDS)

# Handler–category fit (DESIGN §3.5): mediation fits neighbour and family disputes well and land and
# public order poorly; offices fit public order, labour, land and environment well and family poorly;
# deliberation fits property, environment and public service. Seed 002: 乡俗、情感、德治 for neighbour and
# family disputes, law as the bottom line.
_FIT_DEFAULTS = {
    "grid": (0.9, 0.75, 0.6, 0.4, 0.3, 0.5, 0.7, 0.7),
    "mediation": (0.95, 0.9, 0.7, 0.6, 0.4, 0.4, 0.6, 0.6),
    "forum": (0.6, 0.4, 0.9, 0.5, 0.6, 0.3, 0.9, 0.9),
    "office": (0.6, 0.4, 0.8, 0.9, 0.85, 0.95, 0.9, 0.85),
}
_FIT_SOURCE = "assumption: chance of settling an easy case, ±0.15; seed 002 乡俗、情感、德治 for neighbour and family disputes, law the bottom line"


def _fit_model(h: str, vals: tuple[float, ...]) -> type[Section]:
    fields: dict[str, Any] = {
        c: (
            float,
            share(
                v,
                zh=f"{HANDLER_ZH[h]}×{CATEGORY_ZH[c]}",
                en=f"fit of {h} for {c}",
                source=_FIT_SOURCE,
                plausible=around(v, 0.15),
            ),
        )
        for c, v in zip(CATEGORIES, vals)
    }
    return create_model(f"Fit_{h}", __base__=Section, **fields)


_FIT_MODELS = {h: _fit_model(h, vals) for h, vals in _FIT_DEFAULTS.items()}
_FIT_FIELDS: dict[str, Any] = {
    h: (m, Field(default_factory=m, description=f"fit of handler {h} per category")) for h, m in _FIT_MODELS.items()
}
Fit = create_model("Fit", __base__=Section, **_FIT_FIELDS)


class Shock(Section):
    """A scheduled shock: a category's incidence multiplied in some grids for a while."""

    category: Literal[CATEGORIES] = Field(description="dispute category")  # type: ignore[valid-type]
    grids: list[int] | Literal["all"] = Field("all", description="grid indices (0-based) or 'all'")
    start: int = Field(ge=0, description="first day")
    duration: int = Field(ge=1, description="days")
    multiplier: float = Field(ge=0.0, le=100.0, description="incidence multiplier")


# Levers fixed when the street is built, or that define how results are judged: a reform cannot
# change them mid-run. Every other lever can.
FIXED_IN_RUN = (
    "population.residents",
    "population.household_size",
    "population.households_per_building",
    "population.migrant_share",
    "population.elderly_share",
    "population.special_share",
    "population.initial_trust",
    "population.migrant_trust_gap",
    "population.initial_public_spirit",
    "population.initial_legal_awareness",
    "population.initial_grievance",
    "population.building_ties",
    "population.grid_ties",
    "population.cross_grid_ties",
    "population.migrant_tie_factor",
    "grid.residents_per_grid",
    "grid.grids_per_community",
    "volunteers.initial_share",
    "disputes.judge_after_days",
)


class Reform(Section):
    """Lever values applied from a day on, in a running street (a before-and-after study)."""

    day: int = Field(ge=0, le=100_000, description="first day the new values apply")
    set: dict[str, Any] = Field(min_length=1, description="lever values, as `section.field = value`")


def _combination_error(text: str) -> PydanticCustomError:
    return PydanticCustomError("combination", text)


class Params(Section):
    """All parameters of one run."""

    population: Population = Field(default_factory=Population)
    grid: Grid = Field(default_factory=Grid)
    routing: Routing = Field(default_factory=Routing)
    offices: Offices = Field(default_factory=Offices)
    social_orgs: SocialOrgs = Field(default_factory=SocialOrgs)
    purchase: Purchase = Field(default_factory=Purchase)
    volunteers: Volunteers = Field(default_factory=Volunteers)
    self_governance: SelfGovernance = Field(default_factory=SelfGovernance)
    channels: Channels = Field(default_factory=Channels)
    smart: Smart = Field(default_factory=Smart)
    prevention: Prevention = Field(default_factory=Prevention)
    petition: Petition = Field(default_factory=Petition)
    campaign: Campaign = Field(default_factory=Campaign)
    disputes: Disputes = Field(default_factory=Disputes)
    categories: Categories = Field(default_factory=Categories)  # type: ignore[valid-type]
    fit: Fit = Field(default_factory=Fit)  # type: ignore[valid-type]
    feedback: Feedback = Field(default_factory=Feedback)
    budget: Budget = Field(default_factory=Budget)
    shocks: list[Shock] = Field(default_factory=list, description="scheduled shocks")
    reforms: list[Reform] = Field(default_factory=list, description="scheduled lever changes during a run")

    @model_validator(mode="after")
    def _combinations(self) -> Params:
        """Lever combinations no single field can judge."""
        if self.grid.patrol_strategy == "risk_targeted" and not self.smart.data_platform:
            raise _combination_error(
                "`grid.patrol_strategy` = 'risk_targeted' needs `smart.data_platform` = true "
                "(targeting visits by risk needs data)"
            )
        if self.campaign.end_day and self.campaign.end_day < self.campaign.start_day:
            raise _combination_error(
                f"`campaign.end_day` = {self.campaign.end_day}: must not be before "
                f"`campaign.start_day` = {self.campaign.start_day}"
            )
        n_grids = -(-self.population.residents // self.grid.residents_per_grid)
        for i, sh in enumerate(self.shocks):
            if sh.grids != "all" and any(not 0 <= g < n_grids for g in sh.grids):
                raise _combination_error(f"`shocks[{i}].grids` = {sh.grids}: this street has grids 0–{n_grids - 1}")
        if self.budget.standing_per_10k > 0:
            from .costs import planned_standing_per_10k  # the cost rules live with the costs

            rest = sum(planned_standing_per_10k(self).values())
            if self.budget.standing_per_10k < rest:
                raise _combination_error(
                    f"`budget.standing_per_10k` = {self.budget.standing_per_10k:,.0f}: the arrangement's other "
                    f"standing costs (grid workers, organisations, volunteers, programmes) already take "
                    f"¥{rest:,.0f} a year per 10k; allowed: 0 (off) or at least {rest:,.0f}"
                )
        for i, reform in enumerate(self.reforms):
            self.after_reform(reform, f"reforms[{i}]")
        return self

    def after_reform(self, reform: Reform, where: str = "reform") -> Params:
        """These parameters with a reform's values applied, validated (combinations included)."""
        from .levers import lever_index  # the lever table is built from this schema

        index = lever_index()
        data = self.model_dump(mode="python", exclude={"reforms"})
        for name, value in reform.set.items():
            if name not in index or index[name].kind == "list":
                raise _combination_error(f"`{where}.set.{name}` is not a lever; `cogov levers` lists them all")
            if name in FIXED_IN_RUN:
                raise _combination_error(
                    f"`{where}.set.{name}`: fixed once the street is built; a reform can "
                    f"change any lever except {', '.join(FIXED_IN_RUN)}"
                )
            section, field = name.rsplit(".", 1)
            node = data
            for part in section.split("."):
                node = node[part]
            node[field] = value
        try:
            return Params.model_validate(data)
        except ValueError as e:
            first = e.errors()[0] if hasattr(e, "errors") else {"loc": (), "msg": str(e)}
            loc = ".".join(str(x) for x in first["loc"])
            raise _combination_error(f"`{where}.set`: {'`' + loc + '` ' if loc else ''}{first['msg']}") from None
