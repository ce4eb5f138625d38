"""Running a scenario over many paths: chunks of whole stream blocks, merged in block order.

Memory is bounded by the chunk (plus the per-path scalar outcomes, float32, and the fixed
band reservoir), not by the path count. Results do not depend on the chunk size: every path
draws from its block's own substreams, and every statistic is kept as per-block partial
results that a `Merger` places by block index and adds up in block order at the end
(`engine.blocks`). The same partials, made by Dask tasks (`chipcredit.distributed`), merge
to the same numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.model import Scenario

from .blocks import BAND_RESERVOIR, CHECKS, Merger, Partial, RawRun, Sink
from .draws import ChunkDraws
from .ledger import Checks, TraceLine
from .sim import Sim
from .streams import STREAM_BLOCK
from .workspace import Workspace

__all__ = ["BAND_RESERVOIR", "RawRun", "Reducer", "outcome_dtype", "run_blocks", "run_paths",
           "trace_path"]

Reducer = Callable[[Sim], dict[str, NDArray[np.float64]]]


def outcome_dtype(deterministic: bool) -> type[np.floating]:
    """float32 per-path outcomes (4 bytes per path and outcome); float64 for the one path of
    the deterministic base case, which is read to the cent."""
    return np.float64 if deterministic else np.float32


def run_blocks(
    scenario: Scenario,
    paths: int,
    seed: int,
    reduce: Reducer,
    first: int,
    last: int,
    *,
    deterministic: bool = False,
    chunk_blocks: int = 2,
    workspace: Workspace | None = None,
) -> Iterator[Partial]:
    """Simulate stream blocks ``[first, last)`` of a ``paths``-path run, ``chunk_blocks`` at a
    time, yielding one `Partial` per chunk.

    ``reduce`` turns a finished chunk into per-path outcome columns ``{column: (n,)}``.
    ``workspace`` lends the chunks their big arrays (a new one if None); nothing in a
    `Partial` is taken from it, so it may serve the next call as soon as this one ends.
    """
    dtype = outcome_dtype(deterministic)
    if workspace is None:
        workspace = Workspace()  # each chunk reuses the previous chunk's big arrays
    for lo in range(first, last, chunk_blocks):
        hi = min(lo + chunk_blocks, last)
        workspace.recycle()
        draws = ChunkDraws(seed, paths, lo, hi, deterministic, workspace)
        keep = max(0, min(BAND_RESERVOIR - draws.offset, draws.n))
        # recorded variables: float32 rows of the reservoir's paths and per-block sums only
        sim = Sim(scenario, draws, workspace=workspace, series_paths=0, band_paths=keep)
        sim.run()
        bounds = np.cumsum([0, *draws.sizes])
        sizes = np.diff(bounds)
        outcomes: dict[str, NDArray[np.floating]] = {}
        sums: dict[str, NDArray[np.float64]] = {}
        counts: dict[str, NDArray[np.int64]] = {}
        for name, values in reduce(sim).items():
            finite = np.isfinite(values)
            if finite.all():  # the usual case; a masked sum adds a run of unmasked values
                # with the plain sum's bits, so the same sums
                sums[name] = np.array([values[a:b].sum() for a, b in itertools.pairwise(bounds)])
                counts[name] = sizes.copy()
            else:
                sums[name] = np.array([np.sum(values[a:b], where=finite[a:b])
                                       for a, b in itertools.pairwise(bounds)])
                counts[name] = np.add.reduceat(finite, bounds[:-1]).astype(np.int64)
            outcomes[name] = values.astype(dtype)
        reservoir = sim.recorder.band if keep else {}
        series = sim.recorder.sums
        names = sim.account_names
        flow_sums, flow_sumsq = {}, {}
        for (src, dst, kind), block_sums in sim.ledger.flow_sums.items():
            key3 = (names[src], names[dst], kind)
            flow_sums[key3] = block_sums
            flow_sumsq[key3] = sim.ledger.flow_sumsq[(src, dst, kind)]
        prov = sim.provenance
        self_funded = {} if prov is None else {
            (names[src], names[dst], kind): block_sums
            for (src, dst, kind), block_sums in prov.flow_sums.items()}
        kept_flows = {(names[src], names[dst], kind): rows
                      for (src, dst, kind), rows in sim.ledger.flow_reservoir.items()}
        checks = Checks()
        for name in CHECKS:
            setattr(checks, name, getattr(sim.ledger.checks, name))
        part = Partial(first=lo, last=hi, offset=draws.offset, n=draws.n, outcomes=outcomes,
                       outcome_sums=sums, outcome_counts=counts, reservoir=reservoir,
                       series_sums=series, flow_sums=flow_sums, flow_sumsq=flow_sumsq,
                       checks=checks, self_funded_sums=self_funded, flow_reservoir=kept_flows)
        sim.release()  # free this chunk before the next one is built
        del sim, draws
        yield part
        # the caller has merged it: hold nothing of this chunk while the next one runs
        del part, outcomes, sums, counts, reservoir, series, flow_sums, flow_sumsq
        del self_funded, kept_flows


def run_paths(
    scenario: Scenario,
    paths: int,
    seed: int,
    reduce: Reducer,
    *,
    deterministic: bool = False,
    chunk_blocks: int = 2,
    progress: Callable[[int], None] | None = None,
    sink: Sink | None = None,
) -> RawRun:
    """Simulate ``paths`` paths in this process, in chunks of ``chunk_blocks`` stream blocks.

    ``reduce`` turns a finished chunk into per-path outcome columns; ``progress`` is called
    with the number of paths done after each chunk; ``sink`` receives the merged outcome
    columns each time more paths are complete (see `Merger`).
    """
    n_blocks = -(-paths // STREAM_BLOCK)
    merger = Merger(paths, scenario.horizon_quarters, outcome_dtype(deterministic), sink)
    done = 0
    for part in run_blocks(scenario, paths, seed, reduce, 0, n_blocks,
                           deterministic=deterministic, chunk_blocks=chunk_blocks):
        merger.add(part)
        done += part.n
        del part
        if progress is not None:
            progress(done)
    return merger.result()


def trace_path(scenario: Scenario, paths: int, seed: int, path: int,
               deterministic: bool = False) -> tuple[Sim, list[TraceLine]]:
    """Re-run the stream block holding ``path`` and trace that path transfer by transfer."""
    block = path // STREAM_BLOCK
    draws = ChunkDraws(seed, paths, block, block + 1, deterministic)
    sim = Sim(scenario, draws, trace_path=path - draws.offset)
    sim.run()
    return sim, sim.ledger.trace
