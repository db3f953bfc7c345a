"""One colour per preset, shared by the reports and the classroom app, so a preset looks the same
in every figure a class sees. Points that are not presets (Latin hypercube points, scenario files)
take colours spread along a colour map."""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.colors import to_hex

PRESET_COLOURS: dict[str, str] = {
    "administrative_only": "#7f7f7f",
    "big_data_grid": "#17becf",
    "campaign": "#d62728",
    "co_governance": "#1f77b4",
    "courtyard_self_governance": "#bcbd22",
    "gaofeng_deliberation": "#8c564b",
    "grand_mediation": "#9467bd",
    "grid_management": "#ff7f0e",
    "hotline": "#e377c2",
    "legal_grid": "#2ca02c",
    "permanent_surge": "#ad494a",
    "purchase_services": "#393b79",
    "yantian_split": "#637939",
    "zibo_342": "#e7ba52",
}


def colours(points: list[str]) -> dict[str, str]:
    """Each point's colour: a preset's own, the others spread along the turbo map."""
    others = [p for p in points if p not in PRESET_COLOURS]
    spread = matplotlib.colormaps["turbo"](np.linspace(0.05, 0.95, len(others))) if others else []
    rest = dict(zip(others, map(to_hex, spread)))
    return {p: PRESET_COLOURS.get(p) or rest[p] for p in points}
