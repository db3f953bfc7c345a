"""Chinese on any machine: pages carry the subset of the bundled Noto Sans CJK (the font the figures
use) that their text needs, as a data URL. A fresh Linux box or a classroom projector may have no
Chinese font, and a browser would draw empty boxes. The classroom page and every HTML report use it."""

from __future__ import annotations

import base64
import importlib.util
import io
from pathlib import Path

FONT_FILE = Path(importlib.util.find_spec("notojp_matplotlib").origin).parent / "fonts" / "NotoSansCJKjp-Regular.otf"
FAMILY = "CogovCJK"


def font_face(text: str, family: str = FAMILY) -> str:
    """An ``@font-face`` rule for `family`: the glyphs of `text` beyond Latin (CJK, full-width
    punctuation, arrows, dashes) from the bundled font; empty when there are none."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    chars = "".join(sorted({c for c in text if ord(c) > 0x2000}))
    if not chars:
        return ""
    font = TTFont(FONT_FILE)
    options = subset.Options()
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'@font-face {{ font-family: "{family}"; src: url(data:font/otf;base64,{data}) format("opentype"); }}\n'
