"""The classroom's two pages (Solara): the teacher's console at ``/class`` and a student's page at
``/join``.

The console opens only for a browser that gave the teacher key (in its address once, or typed);
the key then leaves the address, so a projected screen never shows it. A student's page knows
only its room code and its own token (in its address, so a reload or a lost connection comes back
to the same seat) and reads its seat's view, never the models. Every page waits on its room's
room in a thread of its own and redraws when what it shows has changed.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Hashable
from urllib.parse import parse_qs, quote

import pandas as pd
import segno
import solara
from solara.alias import rv

from ...experiments.paths import DEFAULT_DB
from ...experiments.store import StoreError
from ...model.disputes import Handler, State
from ...model.scenario import presets
from ..browser import PlotlyChart
from ..charts import CONFIG, FONT
from ..font import font_css
from ..page import CSS, LangButton, LeverControl, MapTab, Overview, Table, _clamp, _select, default_lang, fmt
from ..session import MAX_DAYS
from ..text import HANDLER_TEXT
from .debrief import export, role_summary
from .roles import LEADER_LEVERS, VISIT_FIRST, budget_split
from .room import ROOMS, Room, RoomError, RoomSettings, Student, is_teacher
from .words import Words

TEACHERS: set[str] = set()  # browser sessions that gave the teacher key
BUDGET_LINES = ("offices", "grid", "social_orgs", "purchase", "volunteers", "other")
CLASS_CSS = """
.cogov-class-root { display: flex; flex-direction: column; height: 100vh; }
.cogov-class { flex: 1; overflow-y: auto; padding: 12px 16px 32px; }
.cogov-console { display: grid; grid-template-columns: minmax(300px, 400px) minmax(0, 1fr); gap: 20px; }
@media (max-width: 900px) { .cogov-console { grid-template-columns: minmax(0, 1fr); } }
.cogov-code { font-size: 3rem; font-weight: 700; letter-spacing: 0.2em; }
.cogov-join { display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
.cogov-join svg { width: 180px; height: 180px; }
.cogov-countdown { font-size: 1.6rem; font-weight: 600; margin-left: 8px; }
.cogov-case { display: flex; gap: 12px; align-items: center; flex-wrap: wrap;
              border-bottom: 1px solid #e0e0e0; padding: 4px 0; }
.cogov-case .v-input { max-width: 220px; margin: 0; }
.cogov-ok { color: #1b5e20; }
.cogov-refused { color: #b71c1c; }
"""


@solara.component_vue("countdown.vue")
def Countdown(seconds: int, stamp: int):
    """Seconds left, counted down in the browser; a new `stamp` restarts it from `seconds`."""


def join_url(code: str) -> str:
    """Where students join: ``COGOV_PUBLIC_URL`` (`cogov ui` sets it to this machine's address on
    the classroom's network) with the room code."""
    return f"{os.environ.get('COGOV_PUBLIC_URL', '').rstrip('/')}/join?room={quote(code)}"


def use_watch(room: Room | None, look: Callable[[], Hashable], key: object = None) -> Hashable:
    """`look()`, what this page shows of the room, kept fresh by a thread of the page that wakes
    whenever the room changes and redraws the page only when `look()` differs (a student's page
    does not redraw for every other student's decision). A new `key` starts a new watch."""
    seen = solara.use_reactive(look() if room is not None else None)

    def follow(cancel):
        while room is not None and not cancel.is_set():
            room.wait_change(room.version, timeout=0.5)
            now = look()
            if now != seen.value:
                seen.set(now)

    solara.use_thread(follow, dependencies=[room, key], intrusive_cancel=False)
    return seen.value


def _query(router) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(router.search or "").items()}


@solara.component
def Bar(w: Words, lang, title: str):
    solara.Title(title)
    solara.Style(font_css() + CSS + CLASS_CSS)
    with rv.Toolbar(color="primary", dark=True, dense=True, flat=True):
        rv.ToolbarTitle(children=[title])
        rv.Spacer()
        LangButton(w, lambda: lang.set("en" if lang.value == "zh" else "zh"))


# --- the teacher ----------------------------------------------------------------------------------
@solara.component
def TeacherPage():
    router = solara.use_router()
    q = _query(router)
    lang = solara.use_reactive(default_lang())
    w = Words(lang.value)
    session = solara.get_session_id()
    _, entered = solara.use_state(0)
    if session not in TEACHERS and is_teacher(q.get("key")):
        TEACHERS.add(session)
    room = ROOMS.get(q.get("room"))

    def forget_key():
        if "key" in q and session in TEACHERS:
            router.push(f"/class?room={room.code}" if room else "/class")

    solara.use_effect(forget_key, dependencies=[q.get("key")])
    with solara.Div(classes=["cogov-class-root"]):
        Bar(w, lang, w("teacher_title"))
        with solara.Div(classes=["cogov-class"]):
            if session not in TEACHERS:
                KeyForm(w, session, lambda: entered(lambda n: n + 1))
            elif room is None:
                OpenForm(w, lambda r: router.push(f"/class?room={r.code}"))
            else:
                Console(room, w)


@solara.component
def KeyForm(w: Words, session: str, on_entered):
    key, wrong = solara.use_reactive(""), solara.use_reactive(False)

    def enter():
        if is_teacher(key.value):
            TEACHERS.add(session)
            on_entered()
        else:
            wrong.set(True)

    solara.InputText(w("teacher_key"), value=key, password=True, message=w("teacher_key_help"))
    solara.Button(w("enter"), on_click=enter, color="primary", classes=["cogov-enter"])
    if wrong.value:
        solara.Error(w("wrong_key"))


@solara.component
def OpenForm(w: Words, on_open):
    defaults = RoomSettings()
    preset = solara.use_reactive(defaults.preset)
    numbers = {name: solara.use_reactive(getattr(defaults, name)) for name in RoomSettings.LIMITS}
    error = solara.use_reactive("")

    def open_room():
        try:
            settings = RoomSettings(preset=preset.value, **{k: int(v.value) for k, v in numbers.items()})
            on_open(ROOMS.open(settings))
        except RoomError as e:
            error.set(w.reason(e))
        except (TypeError, ValueError):
            error.set(w("reason_settings", detail=""))

    solara.HTML(tag="h2", unsafe_innerHTML=w("open_room"))
    _select(w("preset"), [(name, w.preset(name)) for name in presets()], preset.value, preset.set)
    for name, value in numbers.items():
        solara.InputInt(w(name), value=value)
    solara.Button(w("open"), on_click=open_room, color="primary", classes=["cogov-open"])
    if error.value:
        solara.Error(error.value)
    if len(ROOMS):
        solara.HTML(tag="h3", unsafe_innerHTML=w("rooms"))
        for code in ROOMS.codes():
            solara.Button(code, text=True, on_click=lambda c=code: on_open(ROOMS.get(c)))


@solara.component
def Console(room: Room, w: Words):
    version = use_watch(room, lambda: room.version, room.code)  # the teacher sees every change
    snap = solara.use_memo(room.board.snapshot, dependencies=[version, room])
    tab = solara.use_reactive(0)
    url = join_url(room.code)
    with solara.Div(classes=["cogov-console"]):
        with solara.Div():
            Session(room, w, url, version)
        with solara.Div():
            if room.finished:
                Debrief(room, w, snap)
            solara.Text(w("streets_note"), classes=["cogov-note"])
            with rv.Tabs(v_model=tab.value, on_v_model=lambda i: tab.set(i) if i in (0, 1) else None):
                rv.Tab(children=[w("overview")])
                rv.Tab(children=[w("map")])
            (Overview if tab.value == 0 else MapTab)(room.board, snap, w)


@solara.component
def Session(room: Room, w: Words, url: str, version: Hashable):
    """The left column: how to join, the round and its deadline, the buttons, who sits where."""
    saved = solara.use_reactive(None)

    def advance(rnd=room.round):  # a double click closes one round only
        room.advance(rnd)
        saved.set(save(room, w))  # every round closed is saved at once: a dying server loses none

    with solara.Div(classes=["cogov-join"]):
        with solara.Div():
            solara.Text(w("room_code"))
            solara.HTML(tag="div", unsafe_innerHTML=room.code, classes=["cogov-code"])
            solara.Text(w("join_at"))
            solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(url)}</b>", classes=["cogov-join-url"])
        if url.startswith("http"):
            solara.HTML(tag="div", unsafe_innerHTML=segno.make(url, error="m").svg_inline(scale=4, border=2))
    if room.finished:
        solara.HTML(tag="h2", unsafe_innerHTML=w("finished_session"))
    else:
        with solara.Row(style={"align-items": "center"}):
            solara.HTML(
                tag="h2",
                unsafe_innerHTML=w("round_of", r=room.round, n=room.settings.rounds, day=room.day),
                classes=["cogov-round"],
            )
            solara.Text(w("time_left"))
            Countdown(seconds=room.seconds_left(), stamp=hash(version))
        with solara.Row():
            solara.Button(w("advance"), on_click=lambda: advance(), color="primary", classes=["cogov-advance"])
            solara.Button(w("more_time"), on_click=lambda: room.extend_deadline(60), outlined=True)
    if saved.value:
        kind, text = saved.value
        solara.Text(text, classes=[f"cogov-{kind}", "cogov-saved"])
    seats = room.status()
    Table(
        pd.DataFrame(
            {
                w("seat"): [w.seat(room.seat(s["seat"])) for s in seats],
                w("students"): ["、".join(s["names"]) or w("nobody") for s in seats],
                w("decided"): ["✓" if s["decided"] else "—" for s in seats],
            }
        ),
        "cogov-seats",
    )


def save(room: Room, w: Words) -> tuple[str, str]:
    """Write the session into the results store: ("ok", where) or ("refused", the store's reason)."""
    try:
        return "ok", w("exported", name=export(room, DEFAULT_DB), path=DEFAULT_DB)
    except (StoreError, OSError) as e:
        return "refused", w("not_saved", detail=str(e))


def _decision_text(row: dict, w: Words) -> str:
    d = row["decision"]
    if d is None:
        return w("rules_default")
    if row["role"] == "leader":
        return "; ".join(f"{w.lever(k)} = {w.choice(v) if isinstance(v, str) else fmt(k, v)}" for k, v in d.items())
    if row["role"] == "grid":
        return (
            f"{w('paperwork')} {d['paperwork']:.0%}; {w('mediation')} {d['mediation']:.0%}; "
            f"{w('visit_first')}: {w('visit_' + d['visit_first'])}"
        )
    if row["role"] == "mediator":
        return f"{w('take_first')}: {', '.join(map(str, d['take_first'])) or '—'}"
    return f"{w('act_forum')}: {', '.join(map(str, d['forum'])) or '—'}; {w('act_petition')}: {', '.join(map(str, d['petition'])) or '—'}"


def _spent(summary: dict, w: Words) -> str:
    if summary["spent"] is None:
        return "—"
    if summary["role"] == "leader":
        return f"¥{fmt('cost_total', summary['spent'])}"
    return w("hours_spent", h=fmt("cost_total", summary["spent"]))


def replay_spec(room: Room, snap, w: Words) -> dict:
    """Satisfaction in both streets day by day, and every decision as a marker on its day (its
    text on hover), one row per role."""
    data = []
    for frame, dash in zip(snap.frames, ("solid", "dash")):
        s = frame.series
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": s["day"].tolist(),
                "y": s["satisfaction_mean"].tolist(),
                "name": frame.tag,
                "line": {"dash": dash},
            }
        )
    decided = [r for r in room.timeline if r["decision"] is not None]
    roles = list(dict.fromkeys(r["role"] for r in room.timeline))
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [r["day"] + 1 for r in decided],
            "y": [w.role(r["role"]) for r in decided],
            "text": [f"{w.seat(room.seat(r['seat']))} · {r['by']}<br>{_decision_text(r, w)}" for r in decided],
            "hoverinfo": "text",
            "marker": {"size": 11, "symbol": "diamond"},
            "name": w("decision"),
            "yaxis": "y2",
        }
    )
    return {
        "data": data,
        "layout": {
            "title": {"text": w("replay")},
            "font": FONT,
            "height": 460,
            "xaxis": {"title": {"text": w("days")}, "range": [0, min(room.day + 1, MAX_DAYS)], "anchor": "y2"},
            "yaxis": {"domain": [0.42, 1.0], "title": {"text": w.metric("satisfaction_mean")}},
            "yaxis2": {"domain": [0.0, 0.32], "type": "category", "categoryarray": [w.role(r) for r in roles]},
            "legend": {"orientation": "h"},
            "margin": {"l": 140, "r": 20, "t": 50, "b": 40},
        },
        "frame": snap.version,
    }


@solara.component
def Debrief(room: Room, w: Words, snap):
    saved = solara.use_reactive("")
    spec = solara.use_memo(lambda: replay_spec(room, snap, w), dependencies=[snap, w.lang])
    summary = solara.use_memo(lambda: role_summary(room), dependencies=[room, room.version])
    PlotlyChart(spec=spec, config=CONFIG, acknowledge=False, event_drawn=lambda _: None)
    rows = [r for r in room.timeline if r["decision"] is not None]  # the other seats followed the rules
    solara.HTML(tag="h3", unsafe_innerHTML=w("timeline"))
    Table(
        pd.DataFrame(
            {
                w("round"): [r["round"] for r in rows],
                w("seat"): [w.seat(room.seat(r["seat"])) for r in rows],
                w("who"): [r["by"] for r in rows],
                w("decision"): [_decision_text(r, w) for r in rows],
                w("refused"): [", ".join(r["refused"]) for r in rows],
            }
        ),
        "cogov-timeline",
    )
    solara.HTML(tag="h3", unsafe_innerHTML=w("summary"))
    Table(
        pd.DataFrame(
            {
                w("seat"): [w.seat(room.seat(s["seat"])) for s in summary],
                w("students"): ["、".join(s["team"]) or w("nobody") for s in summary],
                w("decided_rounds"): [s["decided_rounds"] for s in summary],
                w("cases_handled"): [s["cases"] for s in summary],
                w("resolved"): [s["resolved"] for s in summary],
                w("served_satisfaction"): [fmt("satisfaction_mean", s["satisfaction"]) for s in summary],
                w("spent"): [_spent(s, w) for s in summary],
            }
        ),
        "cogov-summary",
    )

    solara.Button(w("export"), on_click=lambda: saved.set(save(room, w)), color="primary", classes=["cogov-export"])
    if saved.value:
        kind, text = saved.value
        (solara.Success if kind == "ok" else solara.Error)(text)


# --- a student ------------------------------------------------------------------------------------
@solara.component
def StudentPage():
    router = solara.use_router()
    q = _query(router)
    lang = solara.use_reactive(default_lang())
    w = Words(lang.value)
    room = ROOMS.get(q.get("room"))
    student = room.rejoin(q.get("me"), solara.get_session_id()) if room is not None else None

    def look() -> Hashable:  # what a student's page shows of the room besides its own form
        seat = room.seat(student.seat) if student else None
        return room.round, room.finished, room.deadline, tuple(seat.members) if seat else ()

    version = use_watch(room, look, student.token if student else None)

    def remember():  # the token goes into the address, so a reload comes back to this seat
        if student is not None and q.get("me") != student.token:
            router.push(f"/join?room={room.code}&me={student.token}")

    solara.use_effect(remember, dependencies=[student])
    with solara.Div(classes=["cogov-class-root"]):
        Bar(w, lang, w("class_title"))
        with solara.Div(classes=["cogov-class"]):
            if student is None:
                JoinForm(w, q.get("room", ""), lambda r, st: router.push(f"/join?room={r.code}&me={st.token}"))
            else:
                Seated(room, student, w, version)


@solara.component
def Seated(room: Room, student: Student, w: Words, version: Hashable):
    """A student's page once seated: the role, the round and its deadline, the role's form."""
    seat = room.seat(student.seat)
    solara.HTML(tag="h2", unsafe_innerHTML=w("you_are", role=w.seat(seat)), classes=["cogov-role"])
    team = [room.students[t].name for t in seat.members if t != student.token]
    solara.Text(f"{student.name}" + (f" · {w('team', names='、'.join(team))}" if team else ""))
    if room.finished:
        solara.Info(w("over"))
        return
    with solara.Row(style={"align-items": "center"}):
        solara.HTML(tag="h3", unsafe_innerHTML=w("round_of", r=room.round, n=room.settings.rounds, day=room.day))
        Countdown(seconds=room.seconds_left(), stamp=hash(version))
    solara.Text(w(f"help_{seat.role}"), classes=["cogov-note"])
    solara.Text(w("rules_if_silent"), classes=["cogov-note"])
    RoleForm(room, student, w).key(f"{seat.key}-{room.round}-{w.lang}")


@solara.component
def JoinForm(w: Words, code: str, on_joined):
    code_in, name = solara.use_reactive(code), solara.use_reactive("")
    error = solara.use_reactive("")

    def join():
        room = ROOMS.get(code_in.value)
        if room is None:
            error.set(w("no_room"))
            return
        try:
            on_joined(room, room.join(name.value, solara.get_session_id()))
        except RoomError as e:
            error.set(w.reason(e))

    solara.HTML(tag="h2", unsafe_innerHTML=w("join_title"))
    solara.InputText(w("room_code"), value=code_in)
    solara.InputText(w("your_name"), value=name)
    solara.Button(w("join"), on_click=join, color="primary", classes=["cogov-join-button"])
    if error.value:
        solara.Error(error.value)


@solara.component
def RoleForm(room: Room, student: Student, w: Words):
    """The seat's view and its decision form for this round; a refusal is shown, never raised."""
    seat = room.seat(student.seat)
    shown = room.views[seat.key]
    rnd = room.round
    pending = room.pending.get(seat.key)
    message = solara.use_reactive(("ok", w("waiting")) if pending else None)

    def send(raw: dict):
        try:
            room.submit(student.token, rnd, raw)
            message.set(("ok", w("submitted")))
        except RoomError as e:
            message.set(("refused", w.reason(e)))

    before = pending.decision if pending else {}
    {"leader": LeaderForm, "grid": GridForm, "mediator": MediatorForm, "representative": RepresentativeForm}[seat.role](
        room, shown, before, w, send
    )
    if message.value:
        kind, text = message.value
        solara.Text(text, classes=[f"cogov-{kind}", "cogov-message"])


@solara.component
def LeaderForm(room: Room, shown: dict, before: dict, w: Words, send):
    values = solara.use_reactive({**shown["levers"], **before})

    def set_lever(name, v):
        values.set({**values.value, name: _clamp(name, v)})

    for name in LEADER_LEVERS:
        LeverControl(name, values.value[name], lambda v, name=name: set_lever(name, v), w)
    changed = {k: v for k, v in values.value.items() if v != shown["levers"][k]}
    try:
        split = room.board.read(lambda: budget_split(room.street, changed))
    except ValueError as e:
        solara.Error(w("reason_invalid", detail=w.error(str(e))))
        split = shown["budget"]
    Table(
        pd.DataFrame(
            {
                w("budget"): [w(f"budget_{k}") for k in BUDGET_LINES],
                "¥": [fmt("cost_total", split[k]) for k in BUDGET_LINES],
            }
        ),
        "cogov-budget",
    )
    solara.Text(
        f"{w('budget')}: ¥{fmt('cost_total', split['budget'])} · {w('office_cases', n=fmt('x', split['office_cases_per_day']))}"
    )
    solara.Text(
        f"{w('backlog')}: "
        + ", ".join(f"{w.pick(HANDLER_TEXT[Handler[k.upper()]])} {v}" for k, v in shown["backlog"].items())
    )
    solara.Button(w("submit"), on_click=lambda: send(changed), color="primary", classes=["cogov-submit"])


@solara.component
def GridForm(room: Room, shown: dict, before: dict, w: Words, send):
    plan = solara.use_reactive({"paperwork": 1.0, "mediation": 1.0, "visit_first": "even", **before})
    facts = [
        (w("households"), shown["households"]),
        (w("known_open"), shown["known_open"]),
        (w("waiting_for_you"), shown["waiting_for_you"]),
        (w("grievance"), shown["grievance"]),
        (w("paperwork_share"), f"{shown['paperwork_share']:.0%}"),
    ]
    Table(pd.DataFrame({"": [k for k, _ in facts], " ": [v for _, v in facts]}), "cogov-facts")
    solara.Text(w("hours", a=shown["hours_available"], u=shown["hours_used"], o=shown["hours_owed"]))
    for name in ("paperwork", "mediation"):
        solara.Text(f"{w(name)}: {plan.value[name]:.0%}", classes=["cogov-lever"])
        rv.Slider(
            v_model=plan.value[name],
            on_v_model=lambda v, name=name: plan.set({**plan.value, name: min(max(float(v), 0.0), 1.0)}),
            min=0.0,
            max=1.0,
            step=0.1,
            hide_details=True,
            class_=f"cogov-{name}",
        )
    _select(
        w("visit_first"),
        [(v, w(f"visit_{v}")) for v in VISIT_FIRST],
        plan.value["visit_first"],
        lambda v: plan.set({**plan.value, "visit_first": v}),
    )
    Cases(shown["cases"], w)
    solara.Button(w("submit"), on_click=lambda: send(dict(plan.value)), color="primary", classes=["cogov-submit"])


def _case_line(c: dict, w: Words) -> str:
    return (
        f"#{c['case']} · {w.category(c['category'])} · {w('intensity')} {c['intensity']:.2f} · "
        f"{w('parties')} {c['parties']} · {w('waiting_days')} {c['waiting']} · {w.state(State[c['state'].upper()])}"
    )


@solara.component
def Cases(cases: list, w: Words):
    if not cases:
        solara.Text(w("no_cases"), classes=["cogov-note"])
    for c in cases:
        solara.Text(_case_line(c, w), classes=["cogov-case"])


@solara.component
def MediatorForm(room: Room, shown: dict, before: dict, w: Words, send):
    chosen = solara.use_reactive(list(before.get("take_first", [])))
    solara.Text(f"{w('queued')}: {shown['queued']} · {w('cases_per_day')}: {shown['cases_per_day']}")
    if not shown["cases"]:
        solara.Text(w("no_cases"), classes=["cogov-note"])
    for c in shown["cases"]:
        d = c["case"]
        with solara.Div(classes=["cogov-case"]):
            solara.Checkbox(
                label=_case_line(c, w),
                value=d in chosen.value,
                on_value=lambda on, d=d: chosen.set([x for x in chosen.value if x != d] + ([d] if on else [])),
            )
    solara.Button(
        w("submit"),
        on_click=lambda: send({"take_first": list(chosen.value)}),
        color="primary",
        classes=["cogov-submit"],
    )


@solara.component
def RepresentativeForm(room: Room, shown: dict, before: dict, w: Words, send):
    start = {d: "forum" for d in before.get("forum", [])} | {d: "petition" for d in before.get("petition", [])}
    acts = solara.use_reactive(start)
    if not shown["forum"]:
        solara.Text(w("no_forum"), classes=["cogov-note"])
    if not shown["cases"]:
        solara.Text(w("no_cases"), classes=["cogov-note"])
    for c in shown["cases"]:
        d = c["case"]
        choices = [("none", w("act_none"))] + ([("forum", w("act_forum"))] if c["forum"] else [])
        choices.append(("petition", w("act_petition")))
        with solara.Div(classes=["cogov-case"]):
            solara.Text(_case_line(c, w))
            _select(w("action"), choices, acts.value.get(d, "none"), lambda v, d=d: acts.set({**acts.value, d: v}))

    def decision() -> dict:
        return {kind: [d for d, a in acts.value.items() if a == kind] for kind in ("forum", "petition")}

    solara.Button(w("submit"), on_click=lambda: send(decision()), color="primary", classes=["cogov-submit"])
