"""Phase 0: reforms (DESIGN §7) — `[[reforms]]` entries of a scenario change levers in a running
street from their day on, so a researcher can study the before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import CogovModel


def apply_reforms(model: CogovModel) -> None:
    """Reforms due today change the levers from today on (validated when the scenario was read)."""
    while model.reforms_due and model.reforms_due[0].day <= model.day:
        reform = model.reforms_due.pop(0)
        model.configure(model.p.after_reform(reform))
        model.reforms_applied.append((model.day, dict(reform.set)))
