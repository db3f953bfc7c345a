"""The page's figures, drawn with matplotlib's object interface in the bundled CJK font.

Each function takes the arrangements on show — ``[("A", sim)]`` or ``[("A", a), ("B", b)]`` — and
returns a `Figure`. Series of A are solid, of B dashed, so both read on one chart.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from experiments.report import figure_style
from model.disputes import OPEN_STATES

from .session import Sim
from .text import T

matplotlib.rcParams.update(figure_style())

DPI = 90
STYLES = {"A": "-", "B": "--"}
STATE_COLOURS = ["#bdbdbd", "#9ecae1", "#4292c6", "#08519c", "#fd8d3c", "#fdd0a2", "#d62728"]
STATUS_COLOURS = {"open": "#d62728", "resolved": "#2ca02c", "none": "#c7c7c7"}

Shown = list[tuple[str, Sim]]


def _figure(width: float = 5.0, height: float = 3.0, ncols: int = 1, **kw) -> tuple[Figure, list]:
    fig = Figure(figsize=(width * ncols, height), dpi=DPI, layout="constrained")
    return fig, list(fig.subplots(1, ncols, squeeze=False, **kw).ravel())


def _lines(ax, shown: Shown, column: str, label: str, colour: str, scale: float = 1.0) -> None:
    for tag, sim in shown:
        df = sim.series()
        if column in df and len(df):
            ax.plot(df["day"], df[column].astype(float) * scale, STYLES[tag], color=colour,
                    label=f"{label} ({tag})" if len(shown) > 1 else label, lw=1.6)


def _finish(ax, t: T, title: str, legend: bool = True, days: int = 1) -> None:
    ax.set_title(title)
    ax.set_xlabel(t("axis_day"))
    ax.set_xlim(1, max(days, 2))
    ax.grid(alpha=0.3)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", frameon=False)


def _days(shown: Shown) -> int:
    return max(sim.day for _, sim in shown)


def states_figure(shown: Shown, t: T) -> Figure:
    """Open cases by lifecycle state, stacked, one panel per arrangement."""
    fig, axes = _figure(4.6, 3.0, len(shown), sharey=True)
    for ax, (tag, sim) in zip(axes, shown):
        df = sim.series()
        if len(df):
            ys = [df[f"state_{s.name.lower()}"].to_numpy(float) for s in OPEN_STATES]
            ax.stackplot(df["day"], ys, labels=[t.state(s) for s in OPEN_STATES], colors=STATE_COLOURS, alpha=0.9)
        title = t("states_chart") + (f" — {tag}" if len(shown) > 1 else "")
        _finish(ax, t, title, legend=False, days=sim.day)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        axes[-1].legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def resolution_figure(shown: Shown, t: T) -> Figure:
    fig, (ax,) = _figure()
    _lines(ax, shown, "resolution_rate", t.metric("resolution_rate"), "#1f77b4")
    ax.set_ylim(0, 1.02)
    if not any(sim.series()["resolution_rate"].notna().any() for _, sim in shown if sim.day):
        wait = shown[0][1].model.p.disputes.judge_after_days
        ax.text(0.5, 0.5, t("rate_wait", n=wait), transform=ax.transAxes, ha="center", va="center", color="#666")
    _finish(ax, t, t("rates_chart"), days=_days(shown))
    return fig


def _line_figure(shown: Shown, t: T, title: str, series: list[tuple[str, str, str]], legend: bool = True) -> Figure:
    """One panel of daily series, each (column, label, colour), for every arrangement on show."""
    fig, (ax,) = _figure()
    for column, label, colour in series:
        _lines(ax, shown, column, label, colour)
    _finish(ax, t, title, legend=legend, days=_days(shown))
    return fig


def satisfaction_figure(shown: Shown, t: T) -> Figure:
    """Satisfaction of locals and migrants (the gap between the lines) and trust."""
    return _line_figure(shown, t, t("sat_chart"), [("satisfaction_local", t("local"), "#2ca02c"),
                                                   ("satisfaction_migrant", t("migrant"), "#ff7f0e"),
                                                   ("trust_mean", t("trust"), "#9467bd")])


def petitions_figure(shown: Shown, t: T) -> Figure:
    return _line_figure(shown, t, t("petition_chart"), [("petitions", t("petitions"), "#d62728"),
                                                        ("group_incidents", t("group_incidents"), "#8c564b")])


def cost_figure(shown: Shown, t: T) -> Figure:
    fig = _line_figure(shown, t, t("cost_chart"), [("cost_total", t("cost_chart"), "#17becf")], legend=len(shown) > 1)
    fig.axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return fig


def map_figure(shown: Shown, t: T, what: str) -> Figure:
    """The grids as tiles, communities side by side, coloured by open cases or satisfaction."""
    values = [sim.grid_values(what) for _, sim in shown]
    if what == "open_cases":
        norm, cmap = Normalize(0, max(1.0, max(v.max() for v in values))), "Reds"
    else:
        norm, cmap = Normalize(0.3, 0.9), "RdYlGn"
    fig, axes = _figure(4.6, 3.4, len(shown))
    for ax, (tag, sim), v in zip(axes, shown, values):
        pos = sim.grid_layout
        colours = matplotlib.colormaps[cmap](norm(v))
        for g, (row, col) in enumerate(pos):
            ax.add_patch(Rectangle((col, -row), 0.94, 0.94, color=colours[g]))
            text = f"{v[g]:.0f}" if what == "open_cases" else f"{v[g]:.2f}"
            ax.text(col + 0.47, -row + 0.47, f"{g}\n{text}", ha="center", va="center", fontsize=7)
        ax.set_xlim(-0.1, pos[:, 1].max() + 1.1)
        ax.set_ylim(-pos[:, 0].max() - 0.1, 1.04)
        ax.set_aspect("equal")
        ax.axis("off")
        label = t("open_cases") if what == "open_cases" else t("grid_satisfaction")
        ax.set_title(f"{label}" + (f" — {tag}" if len(shown) > 1 else ""))
    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.7)
    return fig


def network_figure(shown: Shown, t: T, grid: int) -> Figure:
    """One grid's residents and ties; parties to open disputes red, to resolved ones green."""
    fig, axes = _figure(4.6, 4.4, len(shown))
    for ax, (tag, sim) in zip(axes, shown):
        g = sim.grid_network(grid)
        pos = sim.network_layout(grid)
        xy = np.array([pos[n] for n in g.nodes])
        index = {n: k for k, n in enumerate(g.nodes)}
        if g.number_of_edges():
            seg = np.array([(xy[index[u]], xy[index[v]]) for u, v in g.edges])
            ax.add_collection(LineCollection(seg, colors="#999999", linewidths=0.3, alpha=0.35))
        status = np.array([g.nodes[n]["status"] for n in g.nodes])
        migrant = np.array([g.nodes[n]["migrant"] for n in g.nodes])
        volunteer = np.array([g.nodes[n]["volunteer"] for n in g.nodes])
        for key in ("none", "resolved", "open"):  # open cases on top
            for mig, marker in ((False, "o"), (True, "s")):
                sel = (status == key) & (migrant == mig)
                if sel.any():
                    ax.scatter(xy[sel, 0], xy[sel, 1], s=14 if key != "none" else 7, marker=marker,
                               c=STATUS_COLOURS[key], edgecolors=np.where(volunteer[sel], "black", "none"),
                               linewidths=0.8, zorder=3 if key == "open" else 2)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(t("grid_n", g=grid) + (f" — {tag}" if len(shown) > 1 else ""))
    return fig
