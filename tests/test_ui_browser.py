"""The classroom app in a real browser: `cogov ui` served on loopback, driven in headless Chromium.

Needs Debian's ``chromium`` (``make test`` installs it); without it these tests fail, they do not
skip. A screenshot of the Chinese page goes to ``results/ui.png``.
"""

from __future__ import annotations

import os
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
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    log = open(ROOT / "results" / "ui-test-server.log", "w")
    cogov = Path(sys.executable).parent / "cogov"
    proc = subprocess.Popen([str(cogov), "ui", "--port", str(port)], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail(f"`cogov ui` did not come up:\n{(ROOT / 'results' / 'ui-test-server.log').read_text()}")
            time.sleep(0.5)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium (make test does)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(server, browser):
    pg = browser.new_page(viewport={"width": 1400, "height": 1000})
    pg.set_default_timeout(TIMEOUT_MS)
    pg.goto(server)
    pg.get_by_text("基层社会治理模拟课堂").first.wait_for()
    yield pg
    pg.close()


def _chart_sources(pg) -> list[str]:
    imgs = pg.locator(".v-window-item--active img")
    imgs.first.wait_for()
    return [imgs.nth(i).get_attribute("src") for i in range(imgs.count())]


def _step(pg, label: str, expect_day: str) -> None:
    pg.get_by_role("button", name=label).click()
    pg.get_by_text(expect_day).first.wait_for()


def _choose(pg, label: str, option: str) -> None:
    """Pick `option` in the drop-down whose label is `label`."""
    pg.locator(".v-select").filter(has_text=label).first.click()
    pg.locator(".menuable__content__active .v-list-item").filter(has_text=option).first.click()


def test_chinese_page_with_charts_and_a_step_changes_them(page):
    assert page.title() == "基层社会治理模拟课堂"
    for label in ("播放", "前进", "重置", "主要杠杆", "网格地图", "流转轨迹"):
        assert page.get_by_text(label).first.is_visible(), label
    before = _chart_sources(page)
    assert len(before) >= 5
    _step(page, "前进", "第 5 天")
    page.wait_for_function("(old) => { const i = document.querySelector('.v-window-item--active img');"
                           " return i && i.src !== old; }", arg=before[0])
    _step(page, "前进", "第 10 天")
    after = _chart_sources(page)
    assert after[0] != before[0]
    assert page.locator(".cogov-kpis td").filter(has_text="化解率").count() >= 1
    (ROOT / "results").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "results" / "ui.png"))


def test_language_switch_translates_the_page(page):
    page.get_by_role("button", name="English").click()
    page.get_by_text("Community governance simulator").first.wait_for()
    for label in ("Play", "Step", "Reset", "Main levers", "Grid map", "Case journey"):
        assert page.get_by_text(label).first.is_visible(), label
    assert page.get_by_text("主要杠杆").count() == 0
    page.get_by_role("button", name="中文").click()
    page.get_by_text("主要杠杆").first.wait_for()


def test_side_by_side_runs_two_arrangements_with_the_same_seed(page):
    page.get_by_text("与方案 B 对比").click()
    _choose(page, "方案 B", "administrative_only")
    _step(page, "前进", "第 5 天")
    header = page.locator(".cogov-kpis th")
    header.filter(has_text="B").first.wait_for()
    assert [header.nth(i).inner_text() for i in range(header.count())] == ["指标", "A", "B"]


def test_case_journey_shows_a_path(page):
    for day in range(5, 45, 5):
        _step(page, "前进", f"第 {day} 天")
    page.get_by_role("tab", name="流转轨迹").click()
    rows = page.locator(".cogov-journey tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 3
    assert "发生" in rows.first.inner_text()


def test_impossible_lever_combination_shows_a_message_not_a_traceback(page):
    _choose(page, "巡查策略", "按风险走访")
    error = page.locator(".cogov-error")
    error.wait_for()
    assert "smart.data_platform" in error.inner_text()
    assert "Traceback" not in page.inner_text("body")
