"""The classroom's labels in Chinese and English; the rest come from the app's own (`app.text`)."""

from __future__ import annotations

from typing import Any

from ..text import TEXT, T

WORDS: dict[str, tuple[str, str]] = {
    "class_title": ("治理课堂 · 角色扮演", "Governance classroom · play the roles"),
    "teacher_title": ("教师控制台", "Teacher's console"),
    "teacher_key": ("教师密钥", "Teacher key"),
    "teacher_key_help": (
        "启动 cogov ui 时终端里显示的密钥。",
        "The key `cogov ui` printed in its terminal when it started.",
    ),
    "enter": ("进入", "Enter"),
    "wrong_key": ("密钥不对。", "That is not the key."),
    "open_room": ("开一堂课", "Open a session"),
    "open": ("开始", "Open"),
    "rooms": ("本机上的课堂", "Sessions on this server"),
    "residents": ("居民人数", "Residents"),
    "rounds": ("轮数", "Rounds"),
    "days_per_round": ("每轮天数", "Days per round"),
    "deadline_seconds": ("每轮决策时限（秒）", "Seconds to decide each round"),
    "class_size": ("学生人数（约）", "Students (about)"),
    "room_code": ("课堂码", "Room code"),
    "join_at": ("用手机或电脑打开：", "Join from a phone or laptop at:"),
    "round_of": ("第 {r} / {n} 轮 · 第 {day} 天", "Round {r} of {n} · day {day}"),
    "time_left": ("剩余时间", "Time left"),
    "advance": ("结束本轮并推进", "Close the round and advance"),
    "more_time": ("再给 60 秒", "60 more seconds"),
    "seats": ("角色与学生", "Roles and students"),
    "seat": ("角色", "Role"),
    "students": ("学生", "Students"),
    "decided": ("已决定", "Decided"),
    "nobody": ("（规则代演）", "(played by the rules)"),
    "streets_note": (
        "A：全班掌舵的街道；B：同一条街道、同一随机种子，只按模型规则运行。",
        "A: the street your class steers; B: the same street with the same seed, run by the model's rules alone.",
    ),
    "finished_session": ("课程结束：复盘", "The session is over: debrief"),
    "replay": ("回放：满意度与每一项决定", "Replay: satisfaction and every decision"),
    "timeline": ("决策时间线", "Decisions, round by round"),
    "summary": ("各角色小结", "What each role did"),
    "export": ("存入结果库", "Save to the results store"),
    "exported": (
        "已存入结果库：实验 {name}（{path}）。",
        "Saved in the results store: experiment {name} ({path}).",
    ),
    "not_saved": ("未能存入结果库：{detail}", "Not saved to the results store: {detail}"),
    "rules_default": ("规则", "the rules"),
    # students
    "join_title": ("加入课堂", "Join the class"),
    "your_name": ("你的名字", "Your name"),
    "join": ("加入", "Join"),
    "no_room": ("没有这个课堂码。", "There is no session with that code."),
    "you_are": ("你的角色：{role}", "Your role: {role}"),
    "team": ("同组：{names}", "Your team: {names}"),
    "submit": ("提交决定", "Send my decision"),
    "submitted": ("已提交。截止前可以再改。", "Sent. You can change it until the deadline."),
    "waiting": ("本轮已提交，等待老师推进。", "Decision in; waiting for the teacher to advance."),
    "rules_if_silent": (
        "不提交也没关系：这一轮按模型的规则行动。",
        "If you send nothing, your actor follows the model's rules this round.",
    ),
    "over": ("课程结束，请看大屏幕上的复盘。", "The session is over: see the debrief on the big screen."),
    # roles
    "role_leader": ("街道领导", "Street leader"),
    "role_grid": ("网格员", "Grid worker"),
    "role_mediator": ("调解员 / 社会组织", "Mediator / social organisation"),
    "role_representative": ("居民代表", "Residents' representative"),
    "seat_grid": ("网格 {grids}", "grid {grids}"),
    "seat_community": ("第 {c} 社区", "community {c}"),
    "help_leader": (
        "全年常设预算固定。给社会组织、购买服务和志愿者培育的钱越多，留给政府部门处置案件的越少。",
        "The yearly standing budget is fixed. What you give social organisations, purchased services "
        "and volunteer cultivation is taken from the offices that handle cases.",
    ),
    "help_grid": (
        "分配你的工作时间：台账可以推迟（但要补），可以当场调解，也可以入户走访。",
        "Split your time: paperwork can be put off (and must be caught up), cases can be mediated on "
        "the spot, households visited.",
    ),
    "help_mediator": (
        "勾选要优先受理的案件；其余按排队顺序。",
        "Tick the cases to take first; the rest wait their turn.",
    ),
    "help_representative": (
        "可以把案件提交居民议事会，或者代表当事人上访。",
        "You can bring a case to the residents' forum, or petition for its parties.",
    ),
    "budget": ("全年常设预算", "Yearly standing budget"),
    "budget_offices": ("政府部门（剩余）", "Offices (what is left)"),
    "budget_grid": ("网格", "Grids"),
    "budget_social_orgs": ("社会组织", "Social organisations"),
    "budget_purchase": ("购买服务", "Purchased services"),
    "budget_volunteers": ("志愿者", "Volunteers"),
    "budget_other": ("其他", "Other programmes"),
    "office_cases": ("部门处置能力：每天约 {n} 件", "Offices can start about {n} cases a day"),
    "backlog": ("排队案件", "Cases waiting"),
    "paperwork": ("今天完成的台账比例", "Share of today's paperwork done"),
    "mediation": ("最多用于当场调解的时间比例", "Most of the time for on-the-spot mediation"),
    "visit_first": ("先走访", "Visit first"),
    "visit_even": ("轮流走访每一户", "Every household in turn"),
    "visit_known_trouble": ("已知有矛盾的楼栋", "Buildings with known trouble"),
    "households": ("户数", "Households"),
    "known_open": ("已知未结案件", "Known open cases"),
    "waiting_for_you": ("等你调解的案件", "Cases waiting for you"),
    "grievance": ("居民怨气（0–1）", "Residents' grievance (0–1)"),
    "hours": ("工时：可用 {a}，已用 {u}，欠 {o}", "Hours: {a} available, {u} used, {o} owed"),
    "paperwork_share": ("台账占用时间", "Time taken by paperwork"),
    "queued": ("排队中", "Queued"),
    "cases_per_day": ("每天可受理", "Cases a day"),
    "no_cases": ("现在没有案件。", "No cases now."),
    "case": ("案件", "Case"),
    "category": ("类别", "Category"),
    "intensity": ("激烈程度", "Intensity"),
    "parties": ("当事人", "Parties"),
    "waiting_days": ("已等天数", "Days waiting"),
    "state": ("状态", "State"),
    "take_first": ("优先受理", "Take first"),
    "action": ("行动", "Action"),
    "act_none": ("不处理", "Nothing"),
    "act_forum": ("提交议事会", "To the forum"),
    "act_petition": ("上访", "Petition"),
    "no_forum": ("本社区没有议事会。", "This community has no forum."),
    # refusals (`RoomError.reason`)
    "reason_not_joined": ("请先加入课堂。", "Join the session first."),
    "reason_finished": ("课程已经结束。", "The session is over."),
    "reason_round_over": ("这一轮已经结束，请看新一轮。", "That round is over; here is the new one."),
    "reason_late": ("已过截止时间，本轮按规则进行。", "Past the deadline: this round follows the rules."),
    "reason_invalid": ("这个决定无法执行：{detail}", "That decision cannot be made: {detail}"),
    "reason_name": ("名字要 1–24 个字。", "A name of 1 to 24 characters, please."),
    "reason_full": ("课堂已满。", "The session is full."),
    "reason_settings": ("设置有误：{detail}", "Check the settings: {detail}"),
    "reason_too_many_rooms": ("本机课堂已满，请先结束一堂。", "This server has too many sessions open."),
    # debrief
    "who": ("谁", "Who"),
    "decision": ("决定", "Decision"),
    "refused": ("未能执行", "Could not be done"),
    "decided_rounds": ("做出决定的轮数", "Rounds decided"),
    "cases_handled": ("经手案件", "Cases handled"),
    "resolved": ("已化解", "Resolved"),
    "served_satisfaction": ("服务对象满意度", "Satisfaction of those served"),
    "spent": ("花费", "Spent"),
    "hours_spent": ("{h} 工时", "{h} hours"),
    "round": ("轮", "Round"),
    "days": ("天", "day"),
}


class Words(T):
    """`T` with the classroom's labels: ``w("advance")``, ``w.reason(error)``."""

    def __call__(self, key: str, **fmt: Any) -> str:
        return (WORDS.get(key) or TEXT[key])[self.i].format(**fmt)

    def role(self, role: str) -> str:
        return self(f"role_{role}")

    def seat(self, seat) -> str:
        """A seat's name: its role and what it covers."""
        if seat.role == "grid":
            where = self("seat_grid", grids="、".join(str(g + 1) for g in seat.grids))
        elif seat.role in ("mediator", "representative"):
            where = self("seat_community", c=seat.community + 1)
        else:
            return self.role(seat.role)
        return f"{self.role(seat.role)} · {where}"

    def reason(self, error) -> str:
        """A refusal (`RoomError`) in this language."""
        return self(f"reason_{error.reason}", detail=error.detail)
