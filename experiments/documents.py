"""The reports of the analyses (sensitivity, calibration, scenario discovery): each writes its text
once, as Markdown, and gets the same two files as `cogov compare` — ``NAME.md`` with its PNG figures
beside it, and ``NAME.html``, a self-contained page (figures embedded, the compare report's page,
style and font)."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

_IMG = re.compile(r'<img src="([^"/\\]+\.png)"')


def markdown_html(text: str, folder: Path) -> str:
    """The Markdown as HTML; raw HTML in the text is shown as text, PNGs in `folder` are embedded."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)

    def embed(m: re.Match) -> str:
        path = folder / html.unescape(m[1])
        if not path.is_file():
            return m[0]
        return f'<img src="data:image/png;base64,{base64.b64encode(path.read_bytes()).decode("ascii")}"'

    return _IMG.sub(embed, body)


def write_documents(text: str, folder: Path, stem: str, title: str, lang: str = "en") -> dict[str, Path]:
    """Write ``stem.md`` and ``stem.html`` into `folder`; return their paths (``markdown``, ``html``)."""
    from .report import page_html

    paths = {"markdown": folder / f"{stem}.md", "html": folder / f"{stem}.html"}
    paths["markdown"].write_text(text, encoding="utf-8")
    paths["html"].write_text(page_html(markdown_html(text, folder), title, lang), encoding="utf-8")
    return paths


def reproduce(items: list[tuple[str, Any]]) -> list[str]:
    """The "Reproduce" section every analysis ends with: what was run, with which seed and code."""
    return ["## Reproduce", "", *(f"- {k}: {v}" for k, v in items), ""]
