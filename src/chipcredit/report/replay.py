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
from chipcredit.errors import ChipcreditNote, ChipcreditWarning, UsageError
from chipcredit.scenario.loader import parse_scenario_text

__all__ = ["replay"]


def replay(run_id: int, store: Any = None, *, variant: str | None = None) -> Result:
    """The `Result` of run ``run_id`` in the run store, simulated again.

    A run of several variants (stress: base and stressed; compare: a and b) keeps the
    scenario of its first variant only (the scenario as it is), so that is the one variant
    that can be simulated again, and it must be named: a report of such a run without
    ``variant`` would silently show one of its variants as if it were the whole run.

    Parameters
    ----------
    run_id : a run id (``chipcredit runs list``)
    store : a `chipcredit.store.RunStore`, a path to a store, or None for the default store
        (``$CHIPCREDIT_STORE`` or ``./chipcredit.duckdb``)
    variant : the variant to simulate again; needed for a run of several variants, where
        it must be the first (e.g. ``"base"`` of a stress run)

    Raises
    ------
    UsageError
        Unknown id, incomplete run, a store that cannot be read, a stored scenario whose
        sha256 does not match its text; a run of several variants without ``variant``, or a
        ``variant`` it lacks or cannot simulate again (one line naming its variants).
    """
    from chipcredit.store import RunStore

    if isinstance(run_id, bool) or not isinstance(run_id, int) or run_id < 1:
        raise UsageError(f"a run id is a whole number from 1; got {run_id!r}")
    runs = store if isinstance(store, RunStore) else RunStore(
        None if store is None else os.fspath(store), read_only=True)
    data = runs.get_run(run_id)
    row = data["run"]
    if row["status"] != "complete":
        raise UsageError(f"run {run_id} is {row['status']}: the process writing it was stopped "
                         "before it committed its results")
    _check_variant(run_id, row["kind"], list(dict.fromkeys(data["metrics"]["variant"])), variant)
    scenario = parse_scenario_text(row["scenario_yaml"], f"run {run_id}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChipcreditWarning)
        result = simulate(scenario, paths=int(row["paths"]), seed=int(row["seed"]),
                          deterministic=bool(row["deterministic"]), force=True)
    for message, category in dict.fromkeys((str(w.message), w.category) for w in caught):
        # a note (deals past the horizon) stays a note, so the CLI says it as one
        kind = ChipcreditNote if issubclass(category, ChipcreditNote) else ChipcreditWarning
        warnings.warn(message, kind, stacklevel=2)
    if result.scenario_sha256 != row["scenario_sha256"]:
        raise UsageError(f"run {run_id}: the stored scenario text does not match its sha256; "
                         "the store was changed by hand")
    if row.get("summary_json") and result.to_json() != row["summary_json"]:
        made = row.get("version") or "an unknown version"
        warnings.warn(f"run {run_id} was made by chipcredit {made}; simulated again by "
                      f"chipcredit {__version__}, its numbers differ from the stored summary, "
                      "and the report shows the new ones", ChipcreditWarning, stacklevel=2)
    return result


def _check_variant(run_id: int, kind: str, variants: list[str], variant: str | None) -> None:
    """UsageError unless ``variant`` names the variant of the run that can be replayed (the
    first, whose scenario the store keeps); None is enough for a run of one variant."""
    names = " and ".join(variants) if len(variants) == 2 else ", ".join(variants)
    if variant is None:
        if len(variants) > 1:
            raise UsageError(f"run {run_id} is a {kind} run with variants {names}; a report "
                             f"shows one, and only {variants[0]} can be simulated again (the "
                             f"store keeps its scenario): add --variant {variants[0]}")
        return
    if variant not in variants:
        raise UsageError(f"run {run_id} has no variant {variant!r}; it has {names}")
    if variant != variants[0]:
        raise UsageError(f"run {run_id}: variant {variant} cannot be simulated again (the "
                         f"store keeps the scenario of {variants[0]} only); --variant "
                         f"{variants[0]} reports that one")
