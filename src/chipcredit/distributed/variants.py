"""An experiment's variants (sensitivity samples, stress runs) as Dask tasks.

Each task gets the base scenario as YAML text, the metric, paths and seed, and a few rows
of numbers to fix; it sends back one float and one flag per row. Results are placed by row
index, never in the order tasks finish, so they do not depend on the cluster.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from chipcredit.scenario.model import Scenario

from .cluster import RETRIES, client_for, require
from .tasks import variants_task

__all__ = ["run_variants_on_dask"]


def run_variants_on_dask(scenario: Scenario, metric: str, paths: int, seed: int,
                         names: tuple[str, ...], rows: Sequence[Sequence[float]], *, chunk: int,
                         scheduler: Any, progress: Callable[[int], None] | None = None
                         ) -> list[tuple[float, bool]]:
    """``(value, warned)`` for each row, computed on the Dask ``scheduler``."""
    require("a Dask scheduler")
    from distributed import as_completed

    n = len(rows)
    out: list[tuple[float, bool]] = [(float("nan"), False)] * n
    text, source = scenario.source_text, scenario.source_file
    run_id = uuid.uuid4().hex[:12]
    with client_for(1, scheduler) as client:
        futures = {
            client.submit(variants_task, text, source, metric, paths, seed, names,
                          [list(r) for r in rows[s:s + chunk]], key=f"chipcredit-variants-{run_id}-{s}",
                          retries=RETRIES, pure=False): s
            for s in range(0, n, chunk)}
        done = 0
        try:
            for future in as_completed(futures):
                start = futures[future]
                got = future.result()
                future.release()
                out[start:start + len(got)] = got
                done += len(got)
                if progress is not None:
                    progress(done)
        except BaseException:
            client.cancel(list(futures))
            raise
    return out
