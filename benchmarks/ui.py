"""Classroom page benchmark: how live the page is and what each page costs the server.

1. Server side, no browser: a side-by-side run to day 1095 — CPU per simulated day, the snapshot
   and the five Overview figures (the server's part of a redraw), memory a run holds, and memory
   given back once runs are dropped.
2. In headless Chromium against `cogov ui` (as in the browser tests): one page with side by side
   on plays at the default setting — simulated days a second on screen, frames a second, the time
   from Step to the Overview redrawn in the browser, and from Pause to the Play button (from the
   test driver, and in the page from the click to the Play button); then the
   same with `--pages` pages playing at once.

    python benchmarks/ui.py              # prints Markdown tables
    python benchmarks/ui.py --pages 5
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from cogov.app import charts  # noqa: E402
from cogov.app.live import Run, Runs, Settings, release_memory  # noqa: E402
from cogov.app.session import MAX_DAYS  # noqa: E402
from cogov.app.text import T  # noqa: E402

FIGURES = (
    charts.states_figure,
    charts.resolution_figure,
    charts.satisfaction_figure,
    charts.petitions_figure,
    charts.cost_figure,
)
REDRAWN = """(day) => { const gd = [...document.querySelectorAll('.cogov-plot')].pop();
    return gd && gd._fullLayout && gd._fullLayout.xaxis.range[1] >= day; }"""


def server_side(runs_held: int = 10) -> None:
    me = psutil.Process()

    def hold(k0: int) -> Runs:
        runs = Runs(keep_seconds=0)
        for k in range(k0, k0 + runs_held):
            _, r = runs.get(f"session-{k}", None, "zh")
            r.settings.compare = True
            r.rebuild()
            r.board.step(MAX_DAYS)
        return runs

    release_memory()
    tracemalloc.start()
    runs = hold(0)
    per_run = tracemalloc.get_traced_memory()[0] / runs_held
    tracemalloc.stop()
    held = me.memory_info().rss
    runs.sweep()
    hold(runs_held).sweep()  # as many again come and go: they reuse what the first ones gave back
    after = me.memory_info().rss
    run = Run(Settings(lang="zh", compare=True))
    run.rebuild()
    cpu = time.process_time()
    run.board.step(MAX_DAYS)
    cpu_per_day = (time.process_time() - cpu) / MAX_DAYS
    t = T("zh")
    times = []
    for _ in range(10):
        start = time.perf_counter()
        snap = run.snapshot()
        [f(snap, t) for f in FIGURES]
        times.append(time.perf_counter() - start)
    run.drop()
    mb = 1024 * 1024
    print("| server side (side by side, day 1095) | |\n|---|---:|")
    print(f"| CPU per simulated day, A and B | {cpu_per_day * 1000:.1f} ms |")
    print(f"| snapshot + five Overview figures | {statistics.median(times) * 1000:.0f} ms (median of 10) |")
    print(f"| memory a run holds at day 1095 | {per_run / mb:.1f} MB (mean of {runs_held}) |")
    print(f"| memory after {runs_held} more runs came and went | {(after - held) / mb:+.0f} MB |")
    print(f"| default play (20 days/s) costs | {cpu_per_day * 20:.2f} core-seconds a second per page |")


def _day(pg) -> int:
    m = re.search(r"(\d+)\D* /", pg.locator(".cogov-day").inner_text())
    return int(m.group(1)) if m else 0


def browser_side(n_pages: int, seconds: float) -> None:
    from playwright.sync_api import sync_playwright
    from test_ui_browser import CHROMIUM, CHROMIUM_ARGS, Page, serve

    with serve(ROOT / "results" / "ui-bench-server.log") as (url, pid), sync_playwright() as p:
        server = psutil.Process(pid)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(
            "\n| pages playing (side by side, 5 days a step) | days/s on screen | frames/s | "
            "Step → Overview redrawn | Pause → Play button | click → Play button in the page | server CPU |\n"
            "|---:|---:|---:|---:|---:|---:|---:|"
        )
        for n in (1, n_pages):
            pages = [Page(browser, url) for _ in range(n)]
            for q in pages:
                q.compare()
                q.pg.locator(".cogov-day").wait_for()
                q.pg.evaluate(
                    "() => { window.frames_ = 0; let last = null; setInterval(() => {"
                    " const d = document.querySelector('.cogov-day')?.innerText;"
                    " if (d !== last) { window.frames_++; last = d; } }, 20); }"
                )
            redraws = []
            for _ in range(5):  # Step, paused: until the browser has redrawn the last chart
                day = _day(pages[0].pg) + 5
                start = time.perf_counter()
                pages[0].click("前进")
                pages[0].pg.wait_for_function(REDRAWN, arg=day, polling=20)
                redraws.append(time.perf_counter() - start)
            for q in pages:
                q.pg.evaluate("() => { window.frames_ = 0; }")
                q.pg.locator(".cogov-play").click()
            d0, c0, t0 = [_day(q.pg) for q in pages], server.cpu_times(), time.perf_counter()
            time.sleep(seconds)
            d1, c1, t1 = [_day(q.pg) for q in pages], server.cpu_times(), time.perf_counter()
            heads = [q.pg.evaluate("() => window.frames_") for q in pages]
            pauses, answers = [], []
            for q in pages:
                q.pg.evaluate(PAUSE_WATCH)
                start = time.perf_counter()
                q.pg.locator(".cogov-pause").click()
                q.pg.locator(".cogov-play").wait_for()
                pauses.append(time.perf_counter() - start)
                answers.append(q.pg.evaluate("() => window.pauseAnswer") / 1000)
            cpu = (c1.user + c1.system - c0.user - c0.system) / (t1 - t0)
            days = statistics.mean((b - a) / (t1 - t0) for a, b in zip(d0, d1))
            frames = statistics.mean(heads) / (t1 - t0)
            print(
                f"| {n} | {days:.1f} | {frames:.1f} | {statistics.median(redraws):.2f} s | "
                f"{max(pauses):.2f} s (slowest) | {max(answers):.2f} s (slowest) | {cpu:.2f} cores |"
            )
            for q in pages:
                q.close()
        browser.close()


# In the page: from the moment the Pause click reaches it to the moment the Play button is in the
# page (the server's answer, patched in), without the time the browser takes to dispatch the click.
PAUSE_WATCH = """() => {
  window.pauseAnswer = null; window.pauseClicked = null;
  document.addEventListener('click', e => {
    if (e.target.closest('.cogov-pause')) window.pauseClicked = performance.now();
  }, {capture: true, once: true});
  const seen = new MutationObserver(() => {
    if (window.pauseClicked !== null && document.querySelector('.cogov-play')) {
      window.pauseAnswer = performance.now() - window.pauseClicked; seen.disconnect();
    }
  });
  seen.observe(document.body, {childList: true, subtree: true, attributes: true});
}"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=5, help="pages playing at once in the second browser round")
    ap.add_argument("--seconds", type=float, default=30.0, help="seconds of play a round")
    args = ap.parse_args()
    server_side()
    browser_side(args.pages, args.seconds)


if __name__ == "__main__":
    main()
