"""What runs on a Dask worker: pure functions of their arguments.

The scenario travels as its YAML text (a few tens of kilobytes) and is parsed once per
worker process and kept, keyed by its SHA-256, so a task costs its simulation only.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections.abc import Sequence

from chipcredit.analytics.metrics import reduce_chunk
from chipcredit.engine.blocks import Partial
from chipcredit.engine.run import run_blocks
from chipcredit.engine.workspace import Workspace
from chipcredit.errors import ChipcreditWarning
from chipcredit.scenario.loader import parse_scenario_text
from chipcredit.scenario.model import Scenario

__all__ = ["blocks_task", "scenario_from_text", "variants_task"]

_KEEP = 8
_SCENARIOS: dict[str, Scenario] = {}
_LOCAL = threading.local()  # one Workspace per worker thread, handed from task to task


def scenario_from_text(text: str, source: str) -> Scenario:
    """The scenario of ``text``, parsed once per process (``source`` names it in errors)."""
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    scenario = _SCENARIOS.get(key)
    if scenario is None:
        if len(_SCENARIOS) >= _KEEP:
            _SCENARIOS.clear()
        scenario = _SCENARIOS[key] = parse_scenario_text(text, source)
    return scenario


def blocks_task(text: str, source: str, paths: int, seed: int, first: int, last: int,
                deterministic: bool, chunk_blocks: int) -> Partial:
    """Stream blocks ``[first, last)`` of a run, as one `Partial`."""
    scenario = scenario_from_text(text, source)
    # memory handed on from the previous task of the same run saves the page faults of
    # fresh memory (see engine/workspace.py); a Partial holds none of it. Another run
    # (other shapes) starts afresh, so a long-lived worker does not pile up arrays.
    run = (hashlib.sha256(text.encode("utf-8")).digest(), paths, seed, chunk_blocks)
    if getattr(_LOCAL, "run", None) != run:
        _LOCAL.run, _LOCAL.workspace = run, Workspace()
    workspace = _LOCAL.workspace
    parts = list(run_blocks(scenario, paths, seed, reduce_chunk, first, last,
                            deterministic=deterministic, chunk_blocks=chunk_blocks,
                            workspace=workspace))
    # constant and repeated outcome columns travel once (about half of seed-2025's)
    return Partial.join(parts).packed_for_sending()


def variants_task(text: str, source: str, metric: str, paths: int, seed: int,
                  names: tuple[str, ...], rows: Sequence[Sequence[float]]
                  ) -> list[tuple[float, bool]]:
    """An experiment's metric for each row of numbers: ``(value, warned)`` per row."""
    from chipcredit.experiments.runner import run_rows

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChipcreditWarning)  # counted in `warned` instead
        return run_rows(scenario_from_text(text, source), metric, paths, seed, names, rows)
