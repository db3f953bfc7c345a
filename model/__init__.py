"""cogov: an agent-based model of multi-actor community governance (基层社会治理)."""

from .model import CogovModel
from .params import Params
from .run import RunResult, simulate
from .scenario import Scenario, ScenarioError, load_scenario, presets

__all__ = ["CogovModel", "Params", "RunResult", "Scenario", "ScenarioError", "load_scenario", "presets", "simulate"]
