"""Context for the scale benchmark: what one resident-day costs here beside one agent-step of
Mesa's own Boltzmann wealth model (an agent per object, stepped one by one), on the same machine
in the same run. Residents here are rows of numpy arrays; handlers are Mesa agents.

    python benchmarks/mesa_context.py
"""

from __future__ import annotations

import time

from cogov.model import CogovModel, load_scenario


def boltzmann(n: int, steps: int) -> float:
    """Seconds per agent-step of Mesa's Boltzmann wealth model (its example, with its data collection)."""
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth

    model = BoltzmannWealth(n=n, width=int(n**0.5) + 1, height=int(n**0.5) + 1, seed=1)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    return (time.perf_counter() - start) / (n * steps)


def cogov(residents: int, steps: int) -> float:
    """Seconds per resident-day of co_governance (building the street excluded)."""
    model = CogovModel(load_scenario("co_governance", {"population.residents": residents}).params, seed=1)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    seconds = time.perf_counter() - start
    model.release()
    return seconds / (residents * steps)


def main() -> None:
    rows = [
        ("Mesa Boltzmann wealth model, 1,000 agents × 100 steps", boltzmann(1_000, 100)),
        ("Mesa Boltzmann wealth model, 10,000 agents × 20 steps", boltzmann(10_000, 20)),
        ("cogov co_governance, 5,000 residents × 365 days", cogov(5_000, 365)),
        ("cogov co_governance, 100,000 residents × 365 days", cogov(100_000, 365)),
    ]
    print("\n| model | µs per agent-step or resident-day |\n|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1e6:.2f} |")


if __name__ == "__main__":
    main()
