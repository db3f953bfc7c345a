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

from experiments.report import FONT_FILE, LABELS
from model.levers import lever_table
from model.params import CATEGORY_ZH
from model.scenario import load_scenario, presets

from . import text

FAMILY = "CogovCJK"


def _ui_strings() -> str:
    tables = [text.TEXT, text.STATE_TEXT, text.HANDLER_TEXT, text.FINDER_TEXT, text.EVENT_TEXT, text.ORG_TEXT,
              text.OFFICE_TEXT, text.CHOICE_TEXT, LABELS]
    parts = [zh for table in tables for zh, _ in table.values()]
    parts += [lv.zh for lv in lever_table()] + list(CATEGORY_ZH.values())
    parts += [load_scenario(name).zh for name in presets()]
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
