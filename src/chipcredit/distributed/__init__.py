"""Running the stream blocks of a run, or the variants of an experiment, on Dask.

Optional: needs the ``distributed`` extra (``pip install "chipcredit[distributed]"``:
dask[distributed] and pyarrow). Nothing here imports Dask or pyarrow at module level, and the
core never imports this package: it registers a `Backend` with `chipcredit.analytics.simulate`
when imported (``import chipcredit`` imports it), and `chipcredit.simulate` uses that only
when asked for ``workers > 1``, a ``scheduler`` or ``paths_out``.

- `cluster`: the Dask client, on a LocalCluster of N processes or an existing scheduler;
- `tasks`: what runs on a worker (the scenario arrives as YAML text and is parsed once per
  worker process);
- `blocks`: a run's stream blocks as tasks, their partial results merged in block order;
- `variants`: an experiment's variants as tasks;
- `paths_out`: every path's scalar outcomes to a Parquet file, block by block.

See docs/distributed.md.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import Any

from chipcredit.analytics.simulate import register_backend
from chipcredit.scenario.model import Scenario

__all__ = ["INSTALL_HINT", "SCHEDULER_ENV"]

SCHEDULER_ENV = "CHIPCREDIT_DASK_SCHEDULER"
"""Environment variable the command line reads for ``--scheduler``."""

INSTALL_HINT = 'pip install "chipcredit[distributed]"'
"""How to install what this package needs."""


class _Dask:
    """`chipcredit.analytics.simulate.Backend` on Dask and pyarrow, imported only when used."""

    def prepare(self, workers: int, scheduler: Any, on_dask: bool) -> None:
        from .cluster import check_options, require

        check_options(workers, scheduler)
        require("workers > 1 or a scheduler" if on_dask else "paths_out (Parquet)")

    def paths_writer(self, path: str | os.PathLike[str]) -> AbstractContextManager[Any]:
        from .paths_out import PathsWriter

        return PathsWriter(path)

    def run(self, scenario: Scenario, paths: int, seed: int, **options: Any) -> Any:
        from .blocks import run_on_dask

        return run_on_dask(scenario, paths, seed, **options)


register_backend(_Dask())
