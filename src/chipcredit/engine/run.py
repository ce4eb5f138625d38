"""Running a scenario over many paths: chunks of whole stream blocks, merged in block order.

Memory is bounded by the chunk (plus the per-path scalar outcomes and the fixed band
reservoir), not by the path count. Results do not depend on the chunk size: every path
draws from its block's own substreams, per-block partial sums are kept per block and
added up in block order at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.model import Scenario

from .draws import ChunkDraws
from .ledger import Checks, TraceLine
from .sim import Sim
from .streams import STREAM_BLOCK
from .workspace import Workspace

__all__ = ["BAND_RESERVOIR", "RawRun", "run_paths", "trace_path"]

BAND_RESERVOIR = 20_000
"""Quarterly bands come from the paths with index below this (DESIGN.md section 8)."""

Reducer = Callable[[Sim], dict[str, NDArray[np.float64]]]


@dataclass
class RawRun:
    """What the engine hands to analytics.

    Attributes
    ----------
    outcomes : ``{column: (paths,)}`` per-path scalar outcomes from the reducer
    reservoir : ``{(party, variable): (min(paths, BAND_RESERVOIR), quarters)}`` float32
    series_sums : ``{(party, variable): (quarters,)}`` exact sums over all paths
    flow_sums, flow_sumsq : ``{(from, to, kind): (quarters,)}`` sums over paths of each
        quarter's flow and of its square ($B, $B^2)
    checks : largest ledger-invariant violations seen
    """

    paths: int
    outcomes: dict[str, NDArray[np.float64]]
    reservoir: dict[tuple[str, str], NDArray[np.float32]]
    series_sums: dict[tuple[str, str], NDArray[np.float64]]
    flow_sums: dict[tuple[str, str, str], NDArray[np.float64]]
    flow_sumsq: dict[tuple[str, str, str], NDArray[np.float64]]
    checks: Checks = field(default_factory=Checks)


def run_paths(
    scenario: Scenario,
    paths: int,
    seed: int,
    reduce: Reducer,
    *,
    deterministic: bool = False,
    chunk_blocks: int = 2,
    progress: Callable[[int], None] | None = None,
) -> RawRun:
    """Simulate ``paths`` paths in chunks of ``chunk_blocks`` stream blocks.

    ``reduce`` turns a finished chunk into per-path outcome columns; ``progress`` is called
    with the number of paths done after each chunk.
    """
    n_blocks = -(-paths // STREAM_BLOCK)
    # whole columns, filled chunk by chunk: no copy of every outcome at the end
    outcomes: dict[str, NDArray[np.float64]] = {}
    reservoir: dict[tuple[str, str], NDArray[np.float32]] = {}
    n_kept = min(paths, BAND_RESERVOIR)
    series_blocks: dict[tuple[str, str], list[NDArray[np.float64]]] = {}
    flow_blocks: dict[tuple[str, str, str], list[tuple[int, NDArray[np.float64], NDArray[np.float64]]]] = {}
    checks = Checks()
    done = 0
    workspace = Workspace()  # each chunk reuses the previous chunk's big arrays
    for first in range(0, n_blocks, chunk_blocks):
        last = min(first + chunk_blocks, n_blocks)
        workspace.recycle()
        draws = ChunkDraws(seed, paths, first, last, deterministic, workspace)
        sim = Sim(scenario, draws, workspace=workspace)
        sim.run()
        start, stop = draws.offset, draws.offset + draws.n
        for name, values in reduce(sim).items():
            column = outcomes.get(name)
            if column is None:
                column = outcomes[name] = np.zeros(paths, dtype=values.dtype)
            column[start:stop] = values
        keep = max(0, min(BAND_RESERVOIR - draws.offset, draws.n))
        for key, values in sim.series.items():
            if keep:
                band = reservoir.get(key)
                if band is None:
                    band = reservoir[key] = np.zeros((n_kept, values.shape[1]), dtype=np.float32)
                band[start:start + keep] = values[:keep]
            series_blocks.setdefault(key, []).append(draws.block_sums(values))
        names = sim.account_names
        for (src, dst, kind), sums in sim.ledger.flow_sums.items():
            key3 = (names[src], names[dst], kind)
            flow_blocks.setdefault(key3, []).append((first, sums, sim.ledger.flow_sumsq[(src, dst, kind)]))
        for name in ("sum_to_zero", "reconcile", "negative_cash", "claims"):
            setattr(checks, name, max(getattr(checks, name), getattr(sim.ledger.checks, name)))
        done += draws.n
        sim.release()  # free this chunk before the next one is built
        del sim, draws
        if progress is not None:
            progress(done)
    quarters = scenario.horizon_quarters
    flow_sums, flow_sumsq = {}, {}
    for key3, parts in flow_blocks.items():
        per_block = np.zeros((n_blocks, quarters))
        per_block_sq = np.zeros((n_blocks, quarters))
        for first, sums, sumsq in parts:
            per_block[first:first + sums.shape[0]] = sums
            per_block_sq[first:first + sums.shape[0]] = sumsq
        flow_sums[key3] = per_block.sum(axis=0)
        flow_sumsq[key3] = per_block_sq.sum(axis=0)
    return RawRun(
        paths=paths,
        outcomes=outcomes,
        reservoir=reservoir,
        series_sums={k: np.concatenate(v).sum(axis=0) for k, v in series_blocks.items()},
        flow_sums=flow_sums,
        flow_sumsq=flow_sumsq,
        checks=checks,
    )


def trace_path(scenario: Scenario, paths: int, seed: int, path: int,
               deterministic: bool = False) -> tuple[Sim, list[TraceLine]]:
    """Re-run the stream block holding ``path`` and trace that path transfer by transfer."""
    block = path // STREAM_BLOCK
    draws = ChunkDraws(seed, paths, block, block + 1, deterministic)
    sim = Sim(scenario, draws, trace_path=path - draws.offset)
    sim.run()
    return sim, sim.ledger.trace
