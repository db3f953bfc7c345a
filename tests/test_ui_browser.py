"""The classroom app in a real browser: `cogov ui` served on loopback, driven in headless Chromium.

Needs Debian's ``chromium`` (``make test`` installs it); without it these tests fail, they do not
skip. Screenshots at projector and phone sizes go to ``results/`` (the README's come from them).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("COGOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 90_000
PROJECTOR = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PLAY_SECONDS = 50  # Play at 5 days a step crashed the old page within 5–47 s


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(log_path: Path, env: dict[str, str] | None = None):
    """`cogov ui` on a free loopback port (with `env` added to its environment), its output in
    `log_path`; yields its address and process id."""
    port = _free_port()
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        cogov = Path(sys.executable).parent / "cogov"
        proc = subprocess.Popen(
            [str(cogov), "ui", "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    os.killpg(proc.pid, signal.SIGTERM)
                    raise RuntimeError(f"`cogov ui` did not come up:\n{log_path.read_text()}") from None
                time.sleep(0.5)
        try:
            yield url, proc.pid
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server():
    log_path = ROOT / "results" / "ui-test-server.log"
    with serve(log_path) as (url, _):
        yield url
    text = log_path.read_text()
    assert "Traceback" not in text and "samesite" not in text, text[-3000:]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium (make test does)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """One student's page: its own browser context (cookie), the errors it met, the hosts it asked."""

    def __init__(self, browser, url: str, viewport: dict = PROJECTOR, **kw):
        self.context = browser.new_context(viewport=viewport, **kw)
        self.pg = self.context.new_page()
        self.pg.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.pg.on("pageerror", lambda e: self.errors.append(str(e)))
        self.pg.on("request", lambda r: self.hosts.add(r.url.split("/")[2]))
        self.open(url)

    def open(self, url: str) -> None:
        self.pg.goto(url)
        self.pg.locator(".cogov-day").first.wait_for()

    def day(self) -> int:
        m = re.search(r"(\d+)", self.pg.locator(".cogov-day").first.inner_text())
        return int(m.group(1)) if m and "/" in self.pg.locator(".cogov-day").first.inner_text() else 0

    def wait_day(self, at_least: int) -> None:
        self.pg.wait_for_function(
            "(n) => { const m = (document.querySelector('.cogov-day') || {}).innerText?.match(/(\\d+) ?\\D* \\/ /);"
            " return m && +m[1] >= n; }",
            arg=at_least,
        )

    def click(self, label: str) -> None:
        self.pg.get_by_role("button", name=label).first.click()

    def choose(self, label: str, option: str) -> None:
        """Pick `option` in the drop-down whose label is `label`."""
        self.pg.locator(".v-select").filter(has_text=label).first.click()
        self.pg.locator(".menuable__content__active .v-list-item").filter(has_text=option).first.click()

    def compare(self) -> None:
        self.pg.get_by_text("与方案 B 对比").click()
        self.pg.locator(".v-select").filter(has_text="方案 B").first.wait_for()

    def body(self) -> str:
        return self.pg.inner_text("body")

    def close(self) -> None:
        assert not self.errors, self.errors
        assert self.hosts <= {self.pg.url.split("/")[2]}, f"the page asked other hosts: {self.hosts}"
        self.context.close()


@pytest.fixture
def page(server, browser):
    p = Page(browser, server)
    yield p
    p.close()


def _pause(p: Page) -> None:
    """Pause, and check that the days stop: once the page has drawn the last frame, the day stays."""
    p.pg.locator(".cogov-pause").click()
    p.pg.locator(".cogov-play").wait_for()
    days = [p.day()]
    while len(days) < 10 and (len(days) < 2 or days[-1] != days[-2]):
        time.sleep(1.0)
        days.append(p.day())
    time.sleep(2.0)
    assert days[-1] == days[-2] == p.day(), f"days went on after Pause: {days}, {p.day()}"


def test_chinese_page_with_interactive_charts_and_a_step_changes_them(page):
    assert page.pg.title() == "基层社会治理模拟课堂"
    for label in ("播放", "前进", "重置", "主要杠杆", "网格地图", "流转轨迹"):
        assert page.pg.get_by_text(label).first.is_visible(), label
    page.pg.get_by_text("点“前进”或“播放”后这里出现曲线").first.wait_for()  # no empty axes before the first step
    page.click("前进")
    page.wait_day(5)
    page.pg.locator(".cogov-plot .scatterlayer .trace").first.wait_for()
    assert page.pg.locator(".cogov-plot .main-svg").count() >= 5
    assert page.pg.locator(".cogov-kpis td").filter(has_text="化解率").count() >= 1
    tick = page.pg.locator(".cogov-plot .xtick text").first
    assert float(tick.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 16
    plot = page.pg.locator(".cogov-plot").nth(2)  # the mouse over a chart shows its values
    plot.scroll_into_view_if_needed()
    box = plot.locator(".nsewdrag").bounding_box()
    day_3 = plot.evaluate("gd => gd._fullLayout.xaxis.d2p(3)")  # where day 3 is drawn, in the plot area
    page.pg.mouse.move(box["x"] + day_3, box["y"] + box["height"] / 2, steps=5)
    page.pg.wait_for_function(
        "gd => gd.querySelector('.hoverlayer').textContent.includes('本地居民')", arg=plot.element_handle()
    )
    hover = plot.locator(".hoverlayer").text_content()
    assert "本地居民" in hover and "0." in hover


def test_play_at_the_default_setting_with_side_by_side_on_two_pages_at_once(server, browser):
    pages = [Page(browser, server), Page(browser, server)]
    for p in pages:
        p.compare()
        p.pg.locator(".cogov-play").click()
    time.sleep(PLAY_SECONDS / 2)
    tabs = ["网格地图", "网格社会网络", "流转轨迹", "总览"]
    for tab in tabs:  # the first page goes through every tab while both play
        pages[0].pg.get_by_role("tab", name=tab).click()
        time.sleep(PLAY_SECONDS / 2 / len(tabs))
    for p in pages:
        assert p.day() >= PLAY_SECONDS * 5, f"day {p.day()} after {PLAY_SECONDS} s of play"
        assert "Traceback" not in p.body() and "Error" not in p.body()
        assert p.pg.locator(".cogov-kpis th").all_inner_texts() == ["指标", "A", "B"]
    _pause(pages[0])
    pages[1].pg.get_by_text("12345热线").click()  # a lever moved while playing: a new run at day 0, paused
    pages[1].pg.get_by_text("尚未开始").wait_for()
    pages[1].pg.locator(".cogov-play").wait_for()
    for p in pages:
        p.close()


def test_reload_keeps_the_run_its_levers_and_its_language(page):
    page.click("English")
    page.pg.get_by_text("Main levers").first.wait_for()
    page.pg.get_by_text("A 12345-style direct reporting channel").first.click()
    page.click("Step")
    page.click("Step")
    page.pg.get_by_text("Day 10 /").wait_for()
    page.open(page.pg.url)
    page.pg.get_by_text("Day 10 /").wait_for()
    assert page.pg.get_by_role("switch", name="A 12345-style direct reporting channel").is_checked()
    assert "主要杠杆" not in page.body()


def test_a_closed_page_stops_its_simulation(server, browser):
    p = Page(browser, server)
    p.pg.locator(".cogov-play").click()
    p.wait_day(40)
    url = p.pg.url
    p.pg.close(run_before_unload=True)
    day = None
    time.sleep(3)
    again = p.context.new_page()
    again.goto(url)
    again.locator(".cogov-play").wait_for()  # not playing
    day = int(re.search(r"(\d+)", again.locator(".cogov-day").inner_text()).group(1))
    time.sleep(2)
    assert int(re.search(r"(\d+)", again.locator(".cogov-day").inner_text()).group(1)) == day
    p.context.close()


def test_a_forged_drop_down_value_cannot_read_a_server_file(page):
    page.pg.locator(".v-select").filter(has_text="预设方案").first.evaluate(
        "(el, path) => { el.__vue__.$emit('input', path); el.__vue__.$emit('change', path); return null; }",
        str(ROOT / "pyproject.toml"),
    )
    time.sleep(2)
    body = page.body()
    assert "build-system" not in body and "setuptools" not in body
    assert page.pg.locator(".cogov-error").count() == 0


def test_impossible_lever_combination_is_worded_in_chinese_and_keeps_the_other_levers(page):
    page.choose("巡查策略", "按风险走访")
    error = page.pg.locator(".cogov-error")
    error.wait_for()
    assert "巡查策略" in error.inner_text() and "大数据平台" in error.inner_text()
    assert not re.search(r"[a-z_]{4,}", error.inner_text())
    assert page.pg.get_by_text("每格网格员 (人): 1").count() == 1, "an untouched lever keeps its preset's value"
    assert "Traceback" not in page.body()


def test_case_journey_shows_a_path(page):
    page.pg.locator(".v-slider").first.click(position={"x": 250, "y": 5})  # about 25 days a step
    for _ in range(2):
        page.click("前进")
        time.sleep(0.5)
    page.wait_day(40)
    page.pg.get_by_role("tab", name="流转轨迹").click()
    rows = page.pg.locator(".cogov-journey tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 3 and "发生" in rows.first.inner_text()
    assert page.pg.get_by_text("处理方（转办、分派时为接收方）").count() == 1


def test_the_last_day_says_so_and_play_stops_there(page):
    slider = page.pg.locator(".cogov-drawer .v-slider").first
    slider.click(position={"x": slider.bounding_box()["width"] - 1, "y": 5})  # 30 days a step: 120 days a second
    page.pg.get_by_text("每步天数: 30").wait_for()
    page.pg.locator(".cogov-play").click()
    page.pg.locator(".cogov-finished").wait_for()
    assert "已到第 1095 天" in page.pg.locator(".cogov-finished").inner_text()
    assert page.pg.locator(".cogov-play").is_disabled() and page.pg.get_by_role("button", name="前进").is_disabled()
    page.wait_day(1095)


@pytest.mark.parametrize(
    "size,name",
    [
        (PROJECTOR, "projector"),
        ({"width": 1920, "height": 1080}, "hd"),
        ({"width": 911, "height": 512}, "zoom150"),
        (PHONE, "phone"),
    ],
)
def test_layouts_keep_the_title_and_the_language_button_uncovered(server, browser, size, name):
    phone = size is PHONE
    p = Page(
        browser, server, size, **({"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if phone else {})
    )

    def uncovered(selector: str) -> bool:
        return p.pg.locator(selector).first.evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
            " return r.width > 0 && (e === hit || e.contains(hit)); }"
        )

    p.pg.locator(".cogov-plot").first.wait_for()
    drawer_open = p.pg.locator(".cogov-drawer").is_visible()
    assert drawer_open == (size["width"] >= 900), "the drawer starts open on a wide window only"
    if not drawer_open:
        p.pg.locator(".cogov-drawer-toggle").click()
        p.pg.locator(".cogov-drawer").wait_for()
    assert uncovered(".cogov-bar .v-toolbar__title") and uncovered(".lang-switch")
    p.click("前进")
    p.wait_day(5)
    if phone:
        p.pg.screenshot(path=str(ROOT / "results" / "ui-phone-controls.png"))
        p.click("收起")
        p.pg.locator(".cogov-drawer").wait_for(state="hidden")
    p.pg.locator(".cogov-plot .scatterlayer .trace").first.wait_for()
    assert uncovered(".cogov-plot .main-svg"), "the charts are not covered"
    plot = p.pg.locator(".cogov-plot").nth(1).bounding_box()
    assert plot["width"] >= min(size["width"] - 40, 440), "charts keep a readable width"
    if name in ("projector", "phone"):
        p.pg.screenshot(path=str(ROOT / "results" / f"ui-{name}.png"))
    p.close()


def test_english_page_says_everything_in_english_and_its_levers_do_not_overlap(page):
    page.click("English")
    page.pg.locator(".cogov-bar").get_by_text("Community governance simulator").wait_for()
    page.pg.wait_for_function("() => !/[\u4e00-\u9fff]/.test(document.body.innerText.replace('中文', ''))")
    body = page.body()
    for label in ("Play", "Step", "Reset", "Main levers", "Grid map", "Case journey", "Triage by kind of case"):
        assert label.lower() in body.lower(), label
    assert "triage" not in body and "_" not in body
    boxes = [
        page.pg.locator(".cogov-lever").nth(i).bounding_box() for i in range(page.pg.locator(".cogov-lever").count())
    ]
    for a, b in zip(boxes, boxes[1:]):
        assert a["y"] + a["height"] <= b["y"] + 1, "lever labels overlap"
    assert all(
        page.pg.locator(".cogov-drawer .v-slider").nth(i).bounding_box()["width"] > 150
        for i in range(page.pg.locator(".cogov-drawer .v-slider").count())
    )
    page.click("中文")
    page.pg.get_by_text("主要杠杆").first.wait_for()
