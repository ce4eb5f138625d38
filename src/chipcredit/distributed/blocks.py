"""A run's stream blocks as Dask tasks, their partial results merged in block order.

Each task simulates a few consecutive stream blocks (whole chunks) and sends back one
`Partial`: the float32 per-path outcomes of its paths and per-block sums. The client places
every partial by block index as it arrives (`Merger`), so the run gives the same numbers to
the bit as in-process, whatever the number of workers and the order tasks finish in.

What travels: to each task, the scenario's YAML text and six integers; back from it, 4
bytes per path and outcome (about 240 outcomes for seed-2025: about 1 KB per path, 32 MB
for a task of 8 blocks) plus per-block sums of a few KB.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from chipcredit.engine.blocks import Merger, RawRun, Sink
from chipcredit.engine.run import outcome_dtype
from chipcredit.engine.streams import STREAM_BLOCK
from chipcredit.scenario.model import Scenario

from .cluster import RETRIES, client_for
from .tasks import blocks_task

__all__ = ["MAX_TASK_BLOCKS", "plan", "run_on_dask"]

MAX_TASK_BLOCKS = 8
"""Stream blocks per task at most (32,768 paths: a few seconds of work, about 32 MB back)."""


def plan(n_blocks: int, chunk_blocks: int, workers: int) -> list[tuple[int, int]]:
    """Block ranges ``[first, last)`` of the tasks: whole chunks, at least four tasks per
    worker while the tasks stay one chunk or more, and at most `MAX_TASK_BLOCKS` blocks
    (or one chunk, if that is larger) so progress is smooth and a lost worker costs little."""
    per_task = max(1, min(MAX_TASK_BLOCKS // chunk_blocks,
                          n_blocks // max(1, 4 * workers * chunk_blocks))) * chunk_blocks
    return [(lo, min(lo + per_task, n_blocks)) for lo in range(0, n_blocks, per_task)]


def run_on_dask(
    scenario: Scenario,
    paths: int,
    seed: int,
    *,
    deterministic: bool,
    chunk_blocks: int,
    workers: int,
    scheduler: Any,
    progress: Callable[[int], None] | None = None,
    sink: Sink | None = None,
) -> RawRun:
    """Simulate ``paths`` paths on Dask (see `client_for` for ``workers`` and ``scheduler``)."""
    from distributed import as_completed

    n_blocks = -(-paths // STREAM_BLOCK)
    merger = Merger(paths, scenario.horizon_quarters, outcome_dtype(deterministic), sink)
    text, source = scenario.source_text, scenario.source_file
    run_id = uuid.uuid4().hex[:12]
    with client_for(workers, scheduler) as client:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        futures = [
            client.submit(blocks_task, text, source, paths, seed, lo, hi, deterministic,
                          chunk_blocks, key=f"chipcredit-blocks-{run_id}-{lo}", retries=RETRIES,
                          pure=False)
            for lo, hi in plan(n_blocks, chunk_blocks, n_workers)]
        done = 0
        try:
            for future in as_completed(futures):
                part = future.result()
                future.release()  # the worker may drop it now
                merger.add(part)
                done += part.n
                del part
                if progress is not None:
                    progress(done)
        except BaseException:
            client.cancel(futures)
            raise
    return merger.result()
