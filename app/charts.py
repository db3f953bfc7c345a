"""The page's figures as Plotly figure specs (plain ``{"data": …, "layout": …}`` dicts), drawn in
the browser by plotly.js: they scale with the window and show values on hover or tap.

Every function takes plain data copied under the board's lock — a `Snapshot` for the overview,
arrays for the map and the network — never a live model. An arrangement's lines take its preset's
colour (`experiments.palette`, as in the reports); within a chart, series differ by dash.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.colors import to_hex, to_rgb

from ..experiments.palette import colours
from ..model.disputes import OPEN_STATES
from .font import FAMILY
from .session import Frame, Snapshot
from .text import T

Fig = dict[str, Any]

MAX_POINTS = 250  # per line: more would only slow the browser's redraw, not show more
FONT = {"family": f'Roboto, "{FAMILY}", sans-serif', "size": 16, "color": "#222"}
DASHES = ["solid", "dash", "dot"]
STATE_COLOURS = ["#bdbdbd", "#9ecae1", "#4292c6", "#08519c", "#fd8d3c", "#fdd0a2", "#d62728"]
STATUS_COLOURS = {"open": "#d62728", "resolved": "#2ca02c", "none": "#c7c7c7"}
# No mode bar and no tips: plotly.js words them in English only. Drag zooms, a double click resets.
CONFIG = {"displayModeBar": False, "showTips": False, "responsive": True}


def _layout(title: str, **kw) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 20}, "x": 0.01, "xanchor": "left"},
        "font": FONT,
        "margin": {"l": 64, "r": 16, "t": 48, "b": 48},
        "autosize": True,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.1, "yanchor": "top", "x": 0},
        "hoverlabel": {"font": {"size": 16}},
        **kw,
    }


def _axis(**kw) -> dict[str, Any]:
    return {"gridcolor": "#e6e6e6", "zeroline": False, "automargin": True, **kw}


def _days_axis(snap: Snapshot, t: T, **kw) -> dict[str, Any]:
    """Days 1 to today in whole days, the unit on the ticks (a title would sit under the legend)."""
    return _axis(
        range=[1, max(snap.day, 2)],
        tickformat="d",
        ticksuffix=t("axis_day_suffix"),
        **({"dtick": 1} if snap.day <= 8 else {}),
        **kw,
    )


def _daily(y) -> dict[str, Any]:
    """A daily series (day 1 first) as plotly's ``x0``/``dx``/``y``, every k-th day when long,
    always ending on today."""
    y = np.asarray(y, dtype=float)
    k = max(1, -(-len(y) // MAX_POINTS))
    idx = np.arange(len(y) - 1, -1, -k)[::-1]
    return {"x0": int(idx[0]) + 1 if len(idx) else 1, "dx": k, "y": _compact(y[idx])}


def _compact(y) -> list:
    """Values rounded to four significant digits, NaN as null: a small message per frame."""
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(y)
    if finite.any():
        top = np.abs(y[finite]).max()
        if top > 0:
            step = 10.0 ** (np.floor(np.log10(top)) - 3)
            y = np.round(y / step) * step
    return [None if not f else v for v, f in zip(y.tolist(), finite.tolist())]


def arrangement_colours(snap: Snapshot) -> dict[str, str]:
    """A's and B's colours: their presets', B a lighter shade when both share a preset."""
    by_preset = colours([f.preset for f in snap.frames])
    out = {f.tag: by_preset[f.preset] for f in snap.frames}
    if len(snap.frames) == 2 and snap.frames[0].preset == snap.frames[1].preset:
        out["B"] = to_hex(0.45 * np.array(to_rgb(out["B"])) + 0.55)
    return out


def _name(frame: Frame, snap: Snapshot, t: T) -> str:
    return f"{frame.tag} · {t.preset(frame.preset)}" if len(snap.frames) > 1 else t.preset(frame.preset)


def _panel(layout: dict[str, Any], i: int, n: int, gap: float, label: str, **xaxis) -> str:
    """Panel `i` of `n` side by side: its axes (x beside x2…), its label above when n > 1; returns
    the axis suffix ("" for the first panel)."""
    axis = "" if i == 0 else str(i + 1)
    width = (1 - gap * (n - 1)) / n
    left = i * (width + gap)
    layout[f"xaxis{axis}"] = {"domain": [left, left + width], "anchor": f"y{axis}", **xaxis}
    if n > 1:
        layout.setdefault("annotations", []).append(
            {
                "text": label,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "y": 1.0,
                "yanchor": "bottom",
                "x": left + width / 2,
                "font": {"size": 17},
            }
        )
    return axis


def _empty(fig: Fig, t: T) -> Fig:
    fig["layout"]["annotations"] = [
        {
            "text": t("no_data"),
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "font": {"size": 18, "color": "#666"},
        }
    ]
    fig["layout"]["xaxis"] = fig["layout"]["yaxis"] = {"visible": False}
    return fig


def line_figure(snap: Snapshot, t: T, title: str, series: list[tuple[str, str]], scale: float = 1.0, **yaxis) -> Fig:
    """Daily series (column, label) of every arrangement: colour by arrangement, dash by series."""
    colour = arrangement_colours(snap)
    data = []
    for frame in snap.frames:
        for k, (column, label) in enumerate(series):
            if column not in frame.series:
                continue
            name = f"{label} · {_name(frame, snap, t)}" if len(series) > 1 else _name(frame, snap, t)
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": name,
                    **_daily(frame.series[column].to_numpy(float) * scale),
                    "line": {"color": colour[frame.tag], "dash": DASHES[k], "width": 2.5},
                    "hovertemplate": "%{y}",
                }
            )
    fig = {
        "data": data,
        "layout": _layout(
            title, hovermode="x unified", showlegend=len(data) > 1, xaxis=_days_axis(snap, t), yaxis=_axis(**yaxis)
        ),
    }
    return fig if snap.day else _empty(fig, t)


def states_figure(snap: Snapshot, t: T) -> Fig:
    """Open cases by lifecycle state, stacked, one panel per arrangement."""
    n = len(snap.frames)
    data, layout = [], _layout(t("states_chart"), hovermode="x unified")
    for i, frame in enumerate(snap.frames):
        axis = _panel(layout, i, n, 0.06, _name(frame, snap, t), **_days_axis(snap, t))
        for s, colour in zip(OPEN_STATES, STATE_COLOURS):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "stackgroup": frame.tag,
                    "name": t.state(s),
                    "legendgroup": s.name,
                    "showlegend": i == 0,
                    **_daily(frame.series[f"state_{s.name.lower()}"].to_numpy(float)),
                    "line": {"color": colour, "width": 0.5},
                    "fillcolor": colour,
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "hovertemplate": "%{y}",
                }
            )
        layout[f"yaxis{axis}"] = _axis(anchor=f"x{axis}", **({"matches": "y"} if i else {}))
    fig = {"data": data, "layout": layout}
    return fig if snap.day else _empty(fig, t)


def resolution_figure(snap: Snapshot, t: T) -> Fig:
    fig = line_figure(
        snap, t, t("rates_chart"), [("resolution_rate", t.metric("resolution_rate"))], range=[0, 1.02], tickformat=".0%"
    )
    if snap.day and not any(f.series["resolution_rate"].notna().any() for f in snap.frames):
        wait = snap.frames[0].judge_after_days
        fig["layout"]["annotations"] = [
            {
                "text": t("rate_wait", n=wait),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "font": {"color": "#666"},
            }
        ]
    return fig


def satisfaction_figure(snap: Snapshot, t: T) -> Fig:
    """Satisfaction of locals and migrants (the gap between the lines) and trust."""
    return line_figure(
        snap,
        t,
        t("sat_chart"),
        [("satisfaction_local", t("local")), ("satisfaction_migrant", t("migrant")), ("trust_mean", t("trust"))],
    )


def petitions_figure(snap: Snapshot, t: T) -> Fig:
    return line_figure(
        snap,
        t,
        t("petition_chart"),
        [("petitions", t("petitions")), ("group_incidents", t("group_incidents"))],
        rangemode="tozero",
    )


def cost_figure(snap: Snapshot, t: T) -> Fig:
    return line_figure(
        snap, t, t("cost_chart"), [("cost_total", t("cost_chart"))], tickformat=",.0f", rangemode="tozero"
    )


def map_figure(tiles: list[tuple[str, np.ndarray, np.ndarray]], t: T, what: str) -> Fig:
    """The grids as tiles, communities side by side, coloured by open cases or satisfaction.
    `tiles` holds (tag, per-grid values, (row, col) of each grid) for each arrangement."""
    values = np.concatenate([v for _, v, _ in tiles])
    if what == "open_cases":
        low, high, scale = 0.0, max(1.0, float(values.max())), "Reds"
    else:  # satisfaction moves little: colours span today's range, so that differences show
        mid, half = float(values.mean()), max(0.005, float(values.max() - values.min()) / 2)
        low, high, scale = mid - half, mid + half, "RdYlGn"
    n = len(tiles)
    label = t("open_cases") if what == "open_cases" else t("grid_satisfaction")
    data, layout = [], _layout(label, hovermode="closest")
    for i, (tag, v, pos) in enumerate(tiles):
        axis = _panel(layout, i, n, 0.06, tag, visible=False)
        rows, cols = pos[:, 0].max() + 1, pos[:, 1].max() + 1
        z = np.full((rows, cols), np.nan)
        text = np.full((rows, cols), "", dtype=object)
        for g, (r, c) in enumerate(pos):
            z[r, c] = v[g]
            text[r, c] = f"{t('grid_n', g=g)}<br>" + (f"{v[g]:.0f}" if what == "open_cases" else f"{v[g]:.3f}")
        data.append(
            {
                "type": "heatmap",
                "z": [_compact(row) for row in z],
                "text": text.tolist(),
                "texttemplate": "%{text}",
                "hovertemplate": "%{text}<extra></extra>",
                "coloraxis": "coloraxis",
                "xgap": 4,
                "ygap": 4,
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
            }
        )
        layout[f"yaxis{axis}"] = {
            "visible": False,
            "autorange": "reversed",
            "anchor": f"x{axis}",
            "scaleanchor": f"x{axis}",
        }
    layout["coloraxis"] = {
        "colorscale": scale,
        "cmin": low,
        "cmax": high,
        "colorbar": {"thickness": 14, "tickformat": ".0f" if what == "open_cases" else ".3f"},
    }
    return {"data": data, "layout": layout}


def network_figure(nets: list[tuple[str, dict[str, np.ndarray]]], t: T, grid: int) -> Fig:
    """One grid's residents and ties; parties to open disputes red, to resolved ones green,
    migrants as squares, volunteers ringed. `nets` holds (tag, arrays from `Sim.network_arrays`)."""
    n = len(nets)
    data, layout = [], _layout(t("grid_n", g=grid), hovermode="closest", showlegend=False)
    for i, (tag, net) in enumerate(nets):
        axis = _panel(layout, i, n, 0.04, tag, visible=False)
        xy, edges = net["xy"], net["edges"]
        ex = np.full(len(edges) * 3, np.nan)
        ey = ex.copy()
        if len(edges):
            ex[0::3], ex[1::3] = xy[edges[:, 0], 0], xy[edges[:, 1], 0]
            ey[0::3], ey[1::3] = xy[edges[:, 0], 1], xy[edges[:, 1], 1]
        data.append(
            {
                "type": "scattergl",
                "mode": "lines",
                "x": _compact(ex),
                "y": _compact(ey),
                "hoverinfo": "skip",
                "line": {"color": "rgba(120,120,120,0.3)", "width": 0.6},
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
            }
        )
        for key in ("none", "resolved", "open"):
            for migrant, symbol in ((False, "circle"), (True, "square")):
                sel = (net["status"] == key) & (net["migrant"] == migrant)
                if not sel.any():
                    continue
                data.append(
                    {
                        "type": "scattergl",
                        "mode": "markers",
                        "x": _compact(xy[sel, 0]),
                        "y": _compact(xy[sel, 1]),
                        "text": [t("migrant") if migrant else t("local")] * int(sel.sum()),
                        "hovertemplate": "%{text}<extra></extra>",
                        "marker": {
                            "color": STATUS_COLOURS[key],
                            "symbol": symbol,
                            "size": 9 if key != "none" else 6,
                            "line": {
                                "color": np.where(net["volunteer"][sel], "black", "rgba(0,0,0,0)").tolist(),
                                "width": 1.5,
                            },
                        },
                        "xaxis": f"x{axis}",
                        "yaxis": f"y{axis}",
                    }
                )
        layout[f"yaxis{axis}"] = {"visible": False, "anchor": f"x{axis}", "scaleanchor": f"x{axis}"}
    return {"data": data, "layout": layout}
