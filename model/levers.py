"""The lever table: every parameter of `Params` as a flat row (name, unit, range, default, source).

`cogov levers`, the documentation and the UI all read `lever_table()`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any, Literal, cast

from annotated_types import Ge, Le
from pydantic import BaseModel

from .params import Params


@dataclass(frozen=True)
class Lever:
    name: str
    kind: str  # "float", "int", "bool" or "choice"
    default: Any
    unit: str
    allowed: str
    source: str
    en: str
    zh: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    plausible: tuple[float, float] | None = None  # where an assumption is believed to lie, within low–high


def _bounds(field) -> tuple[float | None, float | None]:
    low = high = None
    for m in field.metadata:
        if isinstance(m, Ge):
            low = cast(float, m.ge)
        elif isinstance(m, Le):
            high = cast(float, m.le)
    return low, high


def _leaf(name: str, field) -> Lever:
    extra = field.json_schema_extra or {}
    ann = field.annotation
    low, high = _bounds(field)
    choices: tuple[str, ...] = ()
    if typing.get_origin(ann) is Literal:
        kind, choices = "choice", tuple(typing.get_args(ann))
        allowed = " · ".join(choices)
    elif ann is bool:
        kind, allowed = "bool", "true · false"
    else:
        kind = "int" if ann is int else "float"
        allowed = f"{_fmt(low)} – {_fmt(high)}"
    return Lever(
        name=name,
        kind=kind,
        default=field.default,
        unit=extra.get("unit", ""),
        allowed=allowed,
        source=extra.get("source", ""),
        en=field.description or "",
        zh=extra.get("zh", ""),
        low=low,
        high=high,
        choices=choices,
        plausible=_within(extra.get("plausible"), low, high),
    )


def _within(plausible: list[float] | None, low: float | None, high: float | None) -> tuple[float, float] | None:
    """A plausible range clipped to what the lever allows (a range around a default near a bound)."""
    if plausible is None:
        return None
    lo, hi = plausible
    lo = lo if low is None else max(lo, low)
    hi = hi if high is None else min(hi, high)
    return (lo, hi) if lo < hi else None


def _fmt(x: float | None) -> str:
    if x is None:
        return "…"
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) >= 1000 else f"{x:g}"


# Scenario entries that are lists of tables: (allowed, source, Chinese label)
LISTS = {
    "shocks": (
        "[[shocks]] with category, grids, start, duration, multiplier",
        "seed 004 L125: 大规模拆迁征地 (a demolition wave as a scenario's shock); none by default",
        "冲击事件",
    ),
    "reforms": (
        "[[reforms]] with day and a table `set` of lever values (levers fixed when the street is built excepted)",
        "seed 003 L121: 一旦在试点取得成效,就迅速在地区内推广 (reforms arrive in running streets); none by default",
        "改革",
    ),
}


def _walk(model: type[BaseModel], prefix: str) -> list[Lever]:
    rows: list[Lever] = []
    for fname, field in model.model_fields.items():
        ann = field.annotation
        name = f"{prefix}{fname}"
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows.extend(_walk(ann, name + "."))
        elif fname in LISTS:
            allowed, source, zh = LISTS[fname]
            rows.append(
                Lever(
                    name=fname,
                    kind="list",
                    default=[],
                    unit="list of tables",
                    allowed=allowed,
                    source=source,
                    en=field.description or "",
                    zh=zh,
                )
            )
        else:
            rows.append(_leaf(name, field))
    return rows


def lever_table() -> list[Lever]:
    """Every parameter, in schema order."""
    return _walk(Params, "")


def lever_index() -> dict[str, Lever]:
    return {lv.name: lv for lv in lever_table()}
