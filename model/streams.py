"""Random streams: one generator per phase or mechanism, each derived from the run's seed and its
own name, so that a lever which changes how many numbers one phase draws leaves every other
phase's draws as they were (common random numbers between paired runs).

The event log draws nothing; the handful of draws that exist only to describe a case's journey
(which wrong office a case was passed through) come from their own stream, ``journey``.
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """``streams.arising`` and so on: a `numpy.random.Generator` per phase or mechanism below, all
    fixed by `seed`."""

    world: np.random.Generator
    residents: np.random.Generator
    arising: np.random.Generator
    spread: np.random.Generator
    discovery: np.random.Generator
    routing: np.random.Generator
    handling: np.random.Generator
    escalation: np.random.Generator
    feedback: np.random.Generator
    volunteers: np.random.Generator
    journey: np.random.Generator

    def __init__(self, seed: int):
        for name in STREAMS:
            key = zlib.crc32(name.encode())  # stable across processes, unlike hash()
            setattr(self, name, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,))))


STREAMS = tuple(Streams.__annotations__)
