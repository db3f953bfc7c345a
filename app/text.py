"""Every label the app shows, in Chinese and English.

Metric labels come from the output schema (`model.outputs`) and lever labels from the
parameter schema, so the app, the report and `cogov levers` always say the same thing.
"""

from __future__ import annotations

import functools
import re

from ..model.agents import OFFICE_TYPES
from ..model.disputes import Finder, Handler, State
from ..model.levers import lever_index
from ..model.outputs import label
from ..model.params import CATEGORY_ZH
from ..model.scenario import load_scenario, presets

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "title": ("基层社会治理模拟课堂", "Community governance simulator"),
    "subtitle": (
        "一个街道的矛盾纠纷如何被发现、分派、化解或升级",
        "How a street's disputes are found, routed, resolved or escalated",
    ),
    "switch_lang": ("English", "中文"),
    "close": ("收起", "Close"),
    "scenario": ("方案 A", "Arrangement A"),
    "preset": ("预设方案", "Preset"),
    "levers": ("主要杠杆", "Main levers"),
    "levers_note": ("拖动后模型从第 0 天重新开始。", "Changing a lever restarts the model at day 0."),
    "seed": ("随机种子", "Random seed"),
    "play": ("播放", "Play"),
    "pause": ("暂停", "Pause"),
    "step": ("前进", "Step"),
    "reset": ("重置", "Reset"),
    "days_per_tick": ("每步天数", "Days per step"),
    "day": ("第 {day} 天", "Day {day}"),
    "axis_day_suffix": (" 天", " d"),
    "not_started": ("尚未开始：点“前进”或“播放”。", "Not started: press Step or Play."),
    "no_data": ("点“前进”或“播放”后这里出现曲线", "Press Step or Play to draw this chart"),
    "finished": (
        "已到第 {day} 天（三年）。点“重置”重新开始。",
        "Day {day} (three years) reached. Press Reset to start again.",
    ),
    "compare": ("并排对比", "Side by side"),
    "compare_on": ("与方案 B 对比（同一随机种子）", "Compare with arrangement B (same seed)"),
    "compare_b": ("方案 B", "Arrangement B"),
    "b_same": ("方案 A 的预设（不改杠杆）", "A's preset without the lever changes"),
    "grid_sat_scale": (
        "颜色按当前最低到最高满意度；悬停或点按看数值",
        "Colours span today's lowest to highest satisfaction; hover or tap for values",
    ),
    "overview": ("总览", "Overview"),
    "map": ("网格地图", "Grid map"),
    "network": ("网格社会网络", "Grid network"),
    "journey": ("流转轨迹", "Case journey"),
    "states_chart": ("各状态的纠纷数", "Disputes by lifecycle state"),
    "rates_chart": ("化解率", "Resolution rate"),
    "rate_wait": ("案件被发现满 {n} 天后才计入化解率", "A case counts once it has been known for {n} days"),
    "sat_chart": ("满意度与信任", "Satisfaction and trust"),
    "petition_chart": ("信访与群体性事件", "Petitions and group incidents"),
    "cost_chart": ("累计成本（元）", "Cumulative cost (¥)"),
    "kpis": ("当前指标", "Current figures"),
    "metric": ("指标", "Metric"),
    "colour_by": ("着色", "Colour by"),
    "open_cases": ("未结纠纷数", "Open cases"),
    "grid_satisfaction": ("居民满意度", "Resident satisfaction"),
    "community": ("社区 {c}", "Community {c}"),
    "grid_n": ("网格 {g}", "Grid {g}"),
    "which": ("显示", "Show"),
    "pick_grid": ("选择网格", "Grid"),
    "network_legend": (
        "红：未结纠纷当事人；绿：已化解纠纷当事人；方块：流动人口；圈：志愿者",
        "Red: party to an open dispute; green: party to a resolved one; square: migrant; ring: volunteer",
    ),
    "outcome": ("结果", "Outcome"),
    "pick_case": ("选择案件", "Case"),
    "no_cases": (
        "还没有这种结果的案件，让模型再运行一段时间。",
        "No case with this outcome yet; run the model longer.",
    ),
    "found_by": ("发现方式", "Found by"),
    "category": ("类别", "Category"),
    "arose": ("发生于", "Arose on"),
    "days_open": ("历时", "Duration"),
    "n_days": ("{n} 天", "{n} days"),
    "event": ("事件", "Event"),
    "handler": ("处理方（转办、分派时为接收方）", "Handler (the receiving one for a routing or transfer)"),
    "when": ("日期", "Day"),
    "error": ("该组合无法运行", "This combination cannot run"),
    "error_needs": ("「{a}」为“{va}”时，需要「{b}」为“{vb}”。", "“{a}: {va}” needs “{b}: {vb}”."),
    "error_levers": ("请检查：{levers}。", "Check: {levers}."),
    "error_preset": ("没有这个预设方案。", "There is no such preset."),
    "resolved_cases": ("已化解", "Resolved"),
    "failed_cases": ("未能化解", "Failed"),
    "escalated_cases": ("升级（上访、群体性事件、诉讼）", "Escalated (petition, group incident, court)"),
    "local": ("本地居民", "Locals"),
    "migrant": ("流动人口", "Migrants"),
    "trust": ("信任度", "Trust"),
    "group_incidents": ("群体性事件", "Group incidents"),
    "petitions": ("累计信访", "Petitions"),
    "footer": (
        "每万人口参数；纠纷在社会网络中扩散。数字来自模型，不是预测。",
        "Parameters are per 10,000 residents; disputes spread through social ties. The numbers are the model's, not forecasts.",
    ),
}

STATE_TEXT: dict[State, tuple[str, str]] = {
    State.LATENT: ("潜伏", "Latent"),
    State.KNOWN: ("已发现待分派", "Known"),
    State.QUEUED: ("排队", "Queued"),
    State.IN_HANDLING: ("处理中", "In handling"),
    State.RESOLVED: ("已化解", "Resolved"),
    State.FAILED: ("未能化解", "Failed"),
    State.CLOSED_SUPERFICIALLY: ("表面结案", "Closed on paper"),
    State.PETITION: ("上访中", "Petitioning"),
    State.LITIGATION: ("诉讼", "In court"),
    State.LAPSED: ("自行消散", "Lapsed"),
}

HANDLER_TEXT: dict[Handler, tuple[str, str]] = {
    Handler.GRID: ("网格员", "Grid worker"),
    Handler.MEDIATION: ("调解/社会组织", "Mediation / social organisation"),
    Handler.FORUM: ("议事会", "Deliberation forum"),
    Handler.OFFICE: ("职能部门", "Government office"),
    Handler.JOINT: ("联合调处", "Joint handling"),
    Handler.PETITION: ("信访办", "Petition office"),
}

FINDER_TEXT: dict[Finder, tuple[str, str]] = {
    Finder.REPORT: ("居民上报", "Reported by a resident"),
    Finder.HOTLINE: ("热线", "Hotline"),
    Finder.GRID_VISIT: ("网格员走访", "Grid worker's visit"),
    Finder.VOLUNTEER_WATCH: ("志愿者巡查", "Volunteer watch"),
    Finder.DATA_WARNING: ("大数据预警", "Data platform warning"),
    Finder.REOPENED: ("重新激化", "Reopened"),
    Finder.ESCALATION: ("上访或群体性事件暴露", "Came to light by escalation"),
}

EVENT_TEXT: dict[str, tuple[str, str]] = {
    "arose": ("发生", "arose"),
    "recruited": ("卷入新当事人", "drew in a new party"),
    "discovered": ("被发现", "discovered"),
    "reopened": ("表面结案后重新激化", "reopened after a paper closure"),
    "routed": ("分派至", "routed to"),
    "transferred": ("转办至", "transferred to"),
    "referred": ("社会组织转交政府", "passed on by the organisation"),
    "handling": ("开始处理", "handling began"),
    "resolved": ("化解", "resolved"),
    "closed_superficially": ("表面结案", "closed on paper"),
    "attempt_failed": ("处理未成", "attempt failed"),
    "failed": ("各级均未化解", "failed at every level"),
    "petition": ("上访", "petition"),
    "leapfrog_petition": ("越级上访", "leapfrog petition"),
    "petition_accepted": ("信访办受理", "petition taken up"),
    "suppressed": ("被压制（截访）", "suppressed"),
    "group_incident": ("群体性事件", "group incident"),
    "litigation": ("诉讼", "went to court"),
    "lapsed": ("自行消散", "lapsed"),
}

OFFICE_EN = {
    "police": "Police station",
    "justice": "Judicial office",
    "urban_management": "Urban management",
    "housing": "Housing and construction",
    "labour": "Human resources and social security",
    "land": "Land and demolition office",
    "civil_affairs": "Civil affairs",
}
OFFICE_TEXT: dict[str, tuple[str, str]] = {name: (zh, OFFICE_EN[name]) for name, (zh, _) in OFFICE_TYPES.items()}

ORG_TEXT: dict[str, tuple[str, str]] = {
    "mediation_committee": ("人民调解委员会", "People's mediation committee"),
    "social_work": ("社工机构", "Social-work agency"),
    "purchased": ("购买服务机构", "Purchased-service provider"),
}

# The levers on the page (issue: the main levers a class argues about), with the slider range a
# classroom needs — narrower than what the schema allows — and its step.
CONTROLS: dict[str, tuple[float, float, float] | None] = {
    "grid.workers_per_grid": (0.0, 5.0, 0.5),
    "routing.ladder": None,
    "social_orgs.staff": (0.0, 20.0, 1.0),
    "purchase.budget_per_year": (0.0, 2_000_000.0, 50_000.0),
    "volunteers.cultivation": (0.0, 1.0, 0.05),
    "self_governance.deliberation": None,
    "channels.hotline": None,
    "smart.data_platform": None,
    "grid.patrol_strategy": None,
    "offices.silo_penalty": (0.0, 1.0, 0.05),
    "offices.assessment_pressure": (0.0, 1.0, 0.05),
    "petition.response": None,
}

CHOICE_TEXT: dict[str, tuple[str, str]] = {
    "administrative": ("行政逐级", "Up the administrative ladder"),
    "local_first": ("就地优先（枫桥）", "Local first (Fengqiao)"),
    "triage": ("分类分派", "Triage by kind of case"),
    "resolve": ("解决诉求", "Resolve the grievance"),
    "suppress": ("压制（截访）", "Suppress"),
    "random": ("随机走访", "Random visits"),
    "risk_targeted": ("按风险走访（需大数据）", "Targeted by risk (needs the data platform)"),
    "cooperative": ("协同走访", "Cooperative visits"),
    True: ("开", "on"),
    False: ("关", "off"),
}

# The units of the levers on the page, in both languages (the schema words them in English).
UNIT_TEXT: dict[str, tuple[str, str]] = {
    "workers": ("人", "workers"),
    "staff per 10k": ("人/万人", "staff per 10k residents"),
    "¥ per year per 10k": ("元/年·万人", "¥ a year per 10k residents"),
    "share 0–1": ("0–1", "0–1"),
}

CATEGORY_EN: dict[str, str] = {
    "neighbor": "Neighbours",
    "family": "Marriage and family",
    "property": "Property management",
    "labor": "Unpaid wages",
    "land": "Land and demolition",
    "public_order": "Public order",
    "environment": "Environment and sanitation",
    "public_service": "Public services",
}
CATEGORY_TEXT: dict[str, tuple[str, str]] = {c: (zh, CATEGORY_EN[c]) for c, zh in CATEGORY_ZH.items()}


class T:
    """Labels in one language: ``t("play")``, ``t.metric("trust_mean")``, ``t.lever(name)``…"""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"language {lang!r}: allowed are {', '.join(LANGS)}")
        self.lang = lang
        self.i = LANGS.index(lang)

    def __call__(self, key: str, **fmt) -> str:
        return TEXT[key][self.i].format(**fmt)

    def pick(self, pair: tuple[str, str]) -> str:
        return pair[self.i]

    def metric(self, key: str) -> str:
        return label(key, self.lang)

    def state(self, s: State) -> str:
        return STATE_TEXT[State(s)][self.i]

    def lever(self, name: str) -> str:
        lv = lever_index()[name]
        if self.lang == "zh":
            return lv.zh
        short = re.split(r" \(|:|;", lv.en)[0]
        return short[:1].upper() + short[1:]

    def unit(self, name: str) -> str:
        return UNIT_TEXT[lever_index()[name].unit][self.i]

    def choice(self, value: str | bool) -> str:
        return CHOICE_TEXT[value][self.i]

    def category(self, name: str) -> str:
        return CATEGORY_TEXT[name][self.i]

    def preset(self, name: str) -> str:
        """A preset's short name: its meta line up to the colon."""
        return _preset_line(name, self.i).split("：")[0].split(":")[0].strip()

    def error(self, message: str) -> str:
        """A model's error about levers, worded with the levers' labels in this language."""
        needs = re.search(r"`([\w.]+)` = '?(\w+)'? needs `([\w.]+)` = '?(\w+)'?", message)
        if needs:
            a, va, b, vb = needs.groups()
            return self("error_needs", a=self.lever(a), va=self._value(a, va), b=self.lever(b), vb=self._value(b, vb))
        names = [n for n in dict.fromkeys(re.findall(r"`([\w.]+)`", message)) if n in lever_index()]
        if not names:
            return self("error_preset")
        sep = "、" if self.lang == "zh" else ", "
        return self("error_levers", levers=sep.join(self.lever(n) for n in names))

    def _value(self, lever: str, text: str) -> str:
        if lever_index()[lever].kind == "bool":
            return self.choice(text == "true")
        return self.choice(text) if text in CHOICE_TEXT else text


@functools.cache
def _preset_line(name: str, i: int) -> str:
    sc = load_scenario(name)
    return (sc.zh, sc.en)[i]


def preset_names() -> list[str]:
    return presets()
