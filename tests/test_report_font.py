"""The Chinese report reads on a machine without Chinese fonts (CI has none): its HTML embeds the
glyphs it uses, and Chromium draws them with that font, not with empty boxes."""

from pathlib import Path

import pytest
from cogov.experiments.batch import run_design
from cogov.experiments.design import build_design
from cogov.experiments.engine import LocalEngine
from cogov.experiments.report import write_report
from cogov.experiments.store import open_db
from test_ui_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


def _fonts_of(page, selector: str) -> dict[tuple[str, bool], int]:
    """The fonts Chromium drew `selector`'s text with — (family, whether the page brought it) — and
    how many glyphs each (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {(f["familyName"], f["isCustomFont"]): f["glyphCount"] for f in fonts}


def test_the_chinese_report_draws_its_glyphs_with_the_embedded_font(tmp_path):
    from playwright.sync_api import sync_playwright

    store = open_db(tmp_path / "r.db")
    design = build_design(
        {
            "name": "font",
            "scenarios": ["administrative_only", "co_governance"],
            "replicates": 2,
            "steps": 20,
            "set": {"population.residents": 500},
        },
        "test",
    )
    run_design(store, design, LocalEngine(1), kind="compare", command="cogov compare (test)", progress=False)
    html = write_report(store, "font", tmp_path / "out", lang="zh")["html"]
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium (make test does)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(html.as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")
        title = page.inner_text("h1")  # 实验报告：font
        fonts = _fonts_of(page, "h1")
        width = page.evaluate("document.querySelector('h1').getBoundingClientRect().width")
        browser.close()
    chinese = sum(ord(c) > 0x2000 for c in title)
    assert chinese >= 5, title
    embedded = {family: n for (family, custom), n in fonts.items() if custom}
    assert embedded == {"Noto Sans CJK JP": chinese}, f"{title!r} was drawn with {fonts}"  # the bundled font
    assert width > 0
