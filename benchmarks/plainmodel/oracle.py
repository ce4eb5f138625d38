"""The oracle's entry point: every path's outcome columns for a chunk of paths."""

from __future__ import annotations

from typing import Any

import numpy as np

from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.streams import STREAM_BLOCK

from .numbers import ChunkNumbers
from .outcomes import outcomes, survival
from .world import World

__all__ = ["chunk_constants", "run_oracle", "run_worlds"]


def chunk_constants(scenario: Any, chunk: ChunkNumbers) -> tuple[int, bool]:
    """What the engine shares across a chunk's paths: the longest useful life (the
    fleets' length, in quarters) and whether any vendor has a porting penalty anywhere."""
    hw = scenario.market.hardware
    max_life = max(max(round(chunk.value(hw.useful_life_years, "market.hardware.useful_life_years",
                                         i) * 4.0), 1) for i in range(chunk.n))
    any_penalty = False
    if scenario.market.choice is not None:
        for party in scenario.parties:
            c = getattr(party, "choice", None) if party.kind == "vendor" else None
            if c is not None:
                key = f"parties.{party.id}.choice.porting_penalty"
                any_penalty |= any(chunk.value(c.porting_penalty, key, i) != 0 for i in range(chunk.n))
    return max_life, any_penalty


def run_worlds(scenario: Any, seed: int, n_paths: int, deterministic: bool = False,
               world: type[World] = World) -> tuple[list[World], list[int]]:
    """Simulate every path of one chunk (all of the run's stream blocks) and return the
    finished worlds and the block sizes."""
    blocks = -(-n_paths // STREAM_BLOCK)
    draws = ChunkDraws(seed, n_paths, 0, blocks, deterministic)
    chunk = ChunkNumbers(draws)
    max_life, any_penalty = chunk_constants(scenario, chunk)
    worlds = []
    for path in range(draws.n):
        w = world(scenario, chunk, path, max_life, any_penalty)
        w.run()
        worlds.append(w)
    return worlds, list(draws.sizes)


def columns(worlds: list[World], sizes: list[int]) -> dict[str, np.ndarray]:
    """The outcome columns, ``{column: (n,)}`` float64."""
    alive = survival(worlds, sizes)
    rows = [outcomes(w, s) for w, s in zip(worlds, alive, strict=True)]
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def run_oracle(scenario: Any, seed: int, n_paths: int,
               deterministic: bool = False) -> dict[str, np.ndarray]:
    """Per-path outcomes of seed-2025 (or a scenario with the same features), computed
    path by path with Python floats from the engine's own random numbers."""
    worlds, sizes = run_worlds(scenario, seed, n_paths, deterministic)
    return columns(worlds, sizes)
