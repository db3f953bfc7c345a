"""Chinese on any screen: the page carries its own CJK font.

A classroom projector's machine, or a fresh Linux box, may have no Chinese font, and the browser
would draw empty boxes. So the page embeds a subset of the bundled Noto Sans CJK (the font the
figures use) holding just the characters its labels need, as a data URL in one style sheet.
"""

from __future__ import annotations

import base64
import functools
import io

from fontTools import subset
from fontTools.ttLib import TTFont

from ..experiments.report import FONT_FILE, LABELS
from ..model.levers import lever_table
from ..model.scenario import load_scenario, presets
from . import text

FAMILY = "CogovCJK"


def _ui_strings() -> str:
    """Every label the page can show, in both languages (the English page has "中文" on a button)."""
    tables = [text.TEXT, text.STATE_TEXT, text.HANDLER_TEXT, text.FINDER_TEXT, text.EVENT_TEXT, text.ORG_TEXT,
              text.OFFICE_TEXT, text.CHOICE_TEXT, text.UNIT_TEXT, text.CATEGORY_TEXT, LABELS]
    parts = [label for table in tables for pair in table.values() for label in pair]
    parts += [lv.zh for lv in lever_table()]
    parts += [line for name in presets() for line in (load_scenario(name).zh, load_scenario(name).en)]
    return "".join(parts)


@functools.cache
def font_css() -> str:
    """A style sheet declaring the subset font and putting it after the page's Latin font."""
    chars = sorted({c for c in _ui_strings() if ord(c) > 0x2000})
    font = TTFont(FONT_FILE)
    options = subset.Options()
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(text="".join(chars))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; src: url(data:font/otf;base64,{data}) format("opentype"); }}\n'
            f'.v-application, .v-application * {{ font-family: Roboto, "{FAMILY}", sans-serif !important; }}\n'
            ".v-application .v-icon, .v-application .mdi { font-family: 'Material Design Icons' !important; }\n")
