"""A stored run as a `Result`, re-simulated from what the run store keeps.

The run store keeps each run's scenario text (byte for byte), paths, seed and mode, its JSON
summary and tables, but not the band reservoirs and per-deal schedules some charts need. A
run is reproducible to the bit from its scenario, paths and seed, so `replay` simulates it
again. It then checks the replay against the store: the scenario's sha256 must match, and
the JSON summary must be identical; if the run was made by another chipcredit version and the
summary differs, a `ChipcreditWarning` says so (the replay is what this version computes).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from chipcredit._version import __version__
from chipcredit.analytics.result import Result
from chipcredit.analytics.simulate import simulate
from chipcredit.errors import ChipcreditWarning, UsageError
from chipcredit.scenario.loader import parse_scenario_text

__all__ = ["replay"]


def replay(run_id: int, store: Any = None) -> Result:
    """The `Result` of run ``run_id`` in the run store, simulated again.

    Parameters
    ----------
    run_id : a run id (``chipcredit runs list``)
    store : a `chipcredit.store.RunStore`, a path to a store, or None for the default store
        (``$CHIPCREDIT_STORE`` or ``./chipcredit.duckdb``)

    Raises
    ------
    UsageError
        Unknown id, incomplete run, a store that cannot be read, or a stored scenario whose
        sha256 does not match its text.
    """
    from chipcredit.store import RunStore

    if isinstance(run_id, bool) or not isinstance(run_id, int) or run_id < 1:
        raise UsageError(f"a run id is a whole number from 1; got {run_id!r}")
    runs = store if isinstance(store, RunStore) else RunStore(
        None if store is None else os.fspath(store), read_only=True)
    row = runs.get_run(run_id)["run"]
    if row["status"] != "complete":
        raise UsageError(f"run {run_id} is {row['status']}: the process writing it was stopped "
                         "before it committed its results")
    scenario = parse_scenario_text(row["scenario_yaml"], f"run {run_id}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChipcreditWarning)
        result = simulate(scenario, paths=int(row["paths"]), seed=int(row["seed"]),
                          deterministic=bool(row["deterministic"]), force=True)
    for message in dict.fromkeys(str(w.message) for w in caught):
        warnings.warn(message, ChipcreditWarning, stacklevel=2)
    if result.scenario_sha256 != row["scenario_sha256"]:
        raise UsageError(f"run {run_id}: the stored scenario text does not match its sha256; "
                         "the store was changed by hand")
    if row.get("summary_json") and result.to_json() != row["summary_json"]:
        made = row.get("version") or "an unknown version"
        warnings.warn(f"run {run_id} was made by chipcredit {made}; simulated again by "
                      f"chipcredit {__version__}, its numbers differ from the stored summary, "
                      "and the report shows the new ones", ChipcreditWarning, stacklevel=2)
    return result
