"""Running the stream blocks of a run, or the variants of an experiment, on Dask.

Optional: needs the ``distributed`` extra (``pip install "chipcredit[distributed]"``:
dask[distributed] and pyarrow). Nothing here imports Dask or pyarrow at module level, and the
core never imports this package at module level: `chipcredit.simulate` reaches it only when
asked for ``workers > 1``, a ``scheduler`` or ``paths_out``.

- `cluster`: the Dask client, on a LocalCluster of N processes or an existing scheduler;
- `tasks`: what runs on a worker (the scenario arrives as YAML text and is parsed once per
  worker process);
- `blocks`: a run's stream blocks as tasks, their partial results merged in block order;
- `variants`: an experiment's variants as tasks;
- `paths_out`: every path's scalar outcomes to a Parquet file, block by block.

See docs/distributed.md.
"""

from __future__ import annotations

__all__ = ["INSTALL_HINT", "SCHEDULER_ENV"]

SCHEDULER_ENV = "CHIPCREDIT_DASK_SCHEDULER"
"""Environment variable the command line reads for ``--scheduler``."""

INSTALL_HINT = 'pip install "chipcredit[distributed]"'
"""How to install what this package needs."""
