"""The participatory classroom in real browsers: `cogov ui` on loopback, a teacher's page and
students' pages at once in headless Chromium — join, act, advance, reconnect, debrief — and forty
students on one server. Screenshots of the teacher's and a student's view go to ``results/`` (the
README's come from them)."""

from __future__ import annotations

import re
import time

import pytest
from cogov.app.text import T
from test_ui_browser import CHROMIUM, CHROMIUM_ARGS, PHONE, PROJECTOR, ROOT, TIMEOUT_MS, serve

pytestmark = [pytest.mark.browser, pytest.mark.classroom]

KEY = "test-teacher-key"
ZH = T("zh")
SHOTS = ROOT / "results"


@pytest.fixture(scope="module")
def server():
    log_path = ROOT / "results" / "classroom-test-server.log"
    with serve(log_path, env={"COGOV_TEACHER_KEY": KEY}) as (url, _):
        yield url.rstrip("/")
    text = log_path.read_text()
    assert "Traceback" not in text, text[-3000:]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Tab:
    """One person's page in a browser context of its own (its own cookie, so its own session)."""

    def __init__(self, browser, url: str, viewport: dict = PROJECTOR):
        self.context = browser.new_context(viewport=viewport)
        self.pg = self.context.new_page()
        self.pg.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.pg.on("pageerror", lambda e: self.errors.append(str(e)))
        self.pg.goto(url)

    def text(self) -> str:
        return self.pg.inner_text("body")

    def wait_text(self, text: str) -> None:
        self.pg.wait_for_function("(t) => document.body.innerText.includes(t)", arg=text)

    def choose(self, label: str, option: str) -> None:
        self.pg.locator(".v-select").filter(has_text=label).first.click()
        self.pg.locator(".menuable__content__active .v-list-item").filter(has_text=option).first.click()

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


def open_room(browser, server: str, settings: dict) -> tuple[Tab, str]:
    """The teacher opens a session (its settings typed into the form); returns the page and code."""
    teacher = Tab(browser, f"{server}/class?key={KEY}", viewport={"width": 1366, "height": 1400})
    for label, value in settings.items():
        teacher.pg.get_by_label(label).fill(str(value))
    teacher.pg.get_by_role("button", name="开始").click()
    teacher.pg.locator(".cogov-code").wait_for()
    teacher.pg.wait_for_url(re.compile(r"/class\?room=\w+$"))
    return teacher, teacher.pg.locator(".cogov-code").inner_text().strip()


def join(browser, server: str, code: str, name: str, viewport: dict = PHONE) -> Tab:
    student = Tab(browser, f"{server}/join?room={code}", viewport=viewport)
    student.pg.get_by_label("你的名字").fill(name)
    student.pg.get_by_role("button", name="加入").click()
    student.pg.locator(".cogov-role").wait_for()
    student.pg.wait_for_url(re.compile(r"&me="))
    return student


def role(tab: Tab) -> str:
    return tab.pg.locator(".cogov-role").inner_text()


def test_a_session_from_joining_to_the_debrief(server, browser):
    teacher, code = open_room(browser, server, {"轮数": 2, "每轮天数": 15, "每轮决策时限（秒）": 15})
    assert KEY not in teacher.pg.url, "the key leaves the address once it has opened the console"
    teacher.pg.get_by_role("button", name="再给 60 秒").click()
    assert f"/join?room={code}" in teacher.text()
    assert teacher.pg.locator(".cogov-join svg").count() == 1  # the QR code
    leader, grid, mediator = (join(browser, server, code, name) for name in ("Wang", "Li", "Zhao"))
    assert role(leader) == "你的角色：街道领导"
    assert role(grid).startswith("你的角色：网格员")
    assert role(mediator).startswith("你的角色：调解员")

    leader.choose(ZH.lever("petition.response"), ZH.choice("suppress"))
    grid.choose("先走访", "已知有矛盾的楼栋")
    boxes = mediator.pg.locator(".cogov-case .v-input--checkbox")
    if boxes.count():
        boxes.first.click()
    leader.pg.screenshot(path=str(SHOTS / "classroom-student.png"))
    for student in (leader, grid, mediator):
        student.pg.get_by_role("button", name="提交决定").click()
        student.pg.locator(".cogov-ok").wait_for()
    teacher.pg.wait_for_function("() => document.querySelectorAll('.cogov-seats td').length > 0")
    teacher.pg.wait_for_function(
        "() => [...document.querySelectorAll('.cogov-seats td')].filter(td => td.innerText === '✓').length === 3"
    )
    teacher.pg.locator(".cogov-plot .main-svg").first.wait_for()
    teacher.pg.screenshot(path=str(SHOTS / "classroom-teacher.png"))

    teacher.pg.get_by_role("button", name="结束本轮并推进").click()
    for tab in (teacher, leader, grid, mediator):
        tab.wait_text("第 2 / 2 轮")
    teacher.pg.locator(".cogov-saved").filter(has_text=f"classroom-{code}").wait_for()  # saved every round

    grid.pg.get_by_role("button", name="English").click()  # each page in its own language
    grid.wait_text("Your role: Grid worker")
    grid.pg.get_by_role("button", name="Send my decision").wait_for()
    assert "第 2 / 2 轮" in teacher.text()  # the teacher's page keeps its own
    grid.pg.get_by_role("button", name="中文").click()
    grid.wait_text("你的角色：网格员")

    grid.pg.reload()  # a reload comes back to the same seat
    grid.pg.locator(".cogov-role").wait_for()
    assert role(grid).startswith("你的角色：网格员") and "Li" in grid.text()
    mediator.context.set_offline(True)  # a lost connection, then the page opened again
    time.sleep(2)
    mediator.context.set_offline(False)
    mediator.pg.reload()
    mediator.pg.locator(".cogov-role").wait_for()
    assert role(mediator).startswith("你的角色：调解员")
    again = Tab(browser, grid.pg.url, viewport=PHONE)  # another browser with the same address
    again.pg.locator(".cogov-role").wait_for()
    assert role(again) == role(grid)
    again.close()

    time.sleep(16)  # past round 2's deadline: a late decision is refused, politely
    leader.pg.get_by_role("button", name="提交决定").click()
    leader.pg.locator(".cogov-refused").wait_for()
    assert "已过截止时间" in leader.pg.locator(".cogov-refused").inner_text()

    teacher.pg.get_by_role("button", name="结束本轮并推进").click()
    teacher.wait_text("课程结束：复盘")
    leader.wait_text("课程结束")
    timeline = teacher.pg.locator(".cogov-timeline").inner_text()
    assert "Wang" in timeline and ZH.choice("suppress") in timeline and "已知有矛盾的楼栋" in timeline
    summary = teacher.pg.locator(".cogov-summary").inner_text()
    assert "Wang" in summary and "（规则代演）" in summary
    teacher.pg.get_by_role("button", name="存入结果库").click()
    teacher.pg.locator(".v-alert").filter(has_text=f"classroom-{code}").wait_for()
    teacher.pg.get_by_text("课程结束：复盘").scroll_into_view_if_needed()
    teacher.pg.screenshot(path=str(SHOTS / "classroom-debrief.png"))
    for tab in (teacher, leader, grid, mediator):
        tab.close()


def test_the_teachers_console_needs_the_key(server, browser):
    teacher, code = open_room(browser, server, {"轮数": 1})
    student = Tab(browser, f"{server}/class?room={code}")
    student.pg.get_by_label("教师密钥").wait_for()
    assert "结束本轮并推进" not in student.text() and code not in student.text()
    student.pg.get_by_label("教师密钥").fill("guess")
    student.pg.get_by_role("button", name="进入").click()
    student.wait_text("密钥不对")
    assert student.pg.get_by_role("button", name="结束本轮并推进").count() == 0
    wrong = Tab(browser, f"{server}/class?key=guess&room={code}")
    wrong.pg.get_by_label("教师密钥").wait_for()
    assert wrong.pg.get_by_role("button", name="结束本轮并推进").count() == 0
    nobody = Tab(browser, f"{server}/join?room=NOPE1")
    nobody.pg.get_by_label("你的名字").fill("X")
    nobody.pg.get_by_role("button", name="加入").click()
    nobody.wait_text("没有这个课堂码")
    for tab in (teacher, student, wrong, nobody):
        tab.close()


@pytest.mark.slow
def test_forty_students_on_one_server(server, browser):
    """A lecture hall on loopback: forty students join, decide and follow two rounds."""
    teacher, code = open_room(browser, server, {"轮数": 2, "学生人数（约）": 40})
    teacher.pg.get_by_role("button", name="再给 60 秒").click()
    teacher.pg.get_by_role("button", name="再给 60 秒").click()
    students = [join(browser, server, code, f"S{k:02d}") for k in range(40)]
    roles = {role(s) for s in students}
    assert len(roles) >= 15, roles  # every seat of a 10,000-resident street is taken
    for s in students:
        s.pg.get_by_role("button", name="提交决定").click()
    for s in students:
        s.pg.locator(".cogov-ok").wait_for()
    teacher.pg.get_by_role("button", name="结束本轮并推进").click()
    for s in students:
        s.wait_text("第 2 / 2 轮")
    teacher.pg.get_by_role("button", name="结束本轮并推进").click()
    for s in students:
        s.wait_text("课程结束")
    teacher.wait_text("课程结束：复盘")
    for tab in [teacher, *students]:
        tab.close()
