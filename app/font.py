"""Chinese on any screen: the page embeds the subset of the bundled Noto Sans CJK
(`experiments.cjkfont`) that every label it can show needs, in one style sheet."""

from __future__ import annotations

import functools

from ..experiments.cjkfont import FAMILY, font_face
from ..experiments.report import LABELS
from ..model.levers import lever_table
from ..model.scenario import load_scenario, presets
from . import text
from .classroom.words import WORDS


def _ui_strings() -> str:
    """Every label the page can show, in both languages (the English page has "中文" on a button)."""
    tables = [
        text.TEXT,
        text.STATE_TEXT,
        text.HANDLER_TEXT,
        text.FINDER_TEXT,
        text.EVENT_TEXT,
        text.ORG_TEXT,
        text.OFFICE_TEXT,
        text.CHOICE_TEXT,
        text.UNIT_TEXT,
        text.CATEGORY_TEXT,
        LABELS,
        WORDS,
    ]
    parts = [label for table in tables for pair in table.values() for label in pair]
    parts += [lv.zh for lv in lever_table()]
    parts += [line for name in presets() for line in (load_scenario(name).zh, load_scenario(name).en)]
    return "".join(parts)


@functools.cache
def font_css() -> str:
    """A style sheet declaring the subset font and putting it after the page's Latin font."""
    return (
        font_face(_ui_strings())
        + f'.v-application, .v-application * {{ font-family: Roboto, "{FAMILY}", sans-serif !important; }}\n'
        ".v-application .v-icon, .v-application .mdi { font-family: 'Material Design Icons' !important; }\n"
    )
