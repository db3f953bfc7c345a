"""cogov's model: an agent-based model of multi-actor community governance (基层社会治理).

The names below load on first use, so that reading a scenario or listing levers does not pay for
Mesa, pandas and scipy."""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import CogovModel
    from .params import Params
    from .run import RunResult, simulate
    from .scenario import Scenario, ScenarioError, load_scenario, presets

_HOME = {
    "CogovModel": "model",
    "Params": "params",
    "RunResult": "run",
    "simulate": "run",
    "Scenario": "scenario",
    "ScenarioError": "scenario",
    "load_scenario": "scenario",
    "presets": "scenario",
}
__all__ = [
    "DEFAULT_STEPS",
    "CogovModel",
    "Params",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "presets",
    "simulate",
]
DEFAULT_STEPS = 365  # a simulated year


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOME[name]}", __name__), name)
