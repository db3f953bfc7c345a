"""The page's two components that run in the browser (Vue templates beside this file)."""

from __future__ import annotations

import solara

from . import serving  # noqa: F401  (serves plotly.js, which plot.vue loads)


@solara.component_vue("plot.vue")
def PlotlyChart(spec: dict, config: dict, acknowledge: bool, event_drawn):
    """A Plotly figure spec drawn by plotly.js, redrawn in place (`Plotly.react`) when it changes;
    with `acknowledge`, `event_drawn(spec["frame"])` is called once the browser has drawn it."""


@solara.component_vue("viewport.vue")
def Viewport(token: str, width: int, on_width):
    """Puts the run's token in the page's address (so a reload finds the run) and reports the
    window's width."""
