"""A path's numbers do not depend on how many paths share its chunk (docs/design.md section 10),
down to a chunk of one path: ``paths=1``, or the last stream block of a ``4096 * m + 1``-path
run. numpy sums a one-path ``(k, 1)`` array pairwise over its rows but a wider one row by
row, so every sum over cohorts, tranches or vendors goes through
`chipcredit.engine.row_sums.sum_rows`.

Two things may still differ by design, and the runs here are chosen so that they agree:
a horizon mark uses its stream block's default rate, and a schedule shared by a chunk's
paths (an uncertain term, such as seed-2025's planning horizon) takes its largest sampled
value (`Params.quarters`), so the test pins that term.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import yaml

import chipcredit as cc
from chipcredit.analytics.metrics import reduce_chunk
from chipcredit.engine.run import run_blocks, run_paths
from chipcredit.engine.sim import Sim
from chipcredit.engine.streams import STREAM_BLOCK
from chipcredit.scenario.registry import bundled_path

Path0 = tuple[dict[str, np.float64], list[np.ndarray]]


def first_path(runs: dict[int, Path0]) -> Any:
    """A reducer that keeps the chunk's first path: every outcome column in float64 (before
    the run rounds them to float32) and each deal's cash flows, by chunk width."""
    def reduce(sim: Sim) -> dict[str, np.ndarray]:
        out = reduce_chunk(sim)
        flows = [np.array(f[:, 0]) for f in sim.ledger.cashflows]
        runs[sim.n] = ({k: np.float64(np.asarray(v, dtype=np.float64)[0]) for k, v in out.items()},
                       flows)
        return out
    return reduce


def assert_same_path(a: Path0, b: Path0) -> None:
    assert a[0].keys() == b[0].keys()
    differ = [k for k in a[0] if not np.array_equal(a[0][k], b[0][k], equal_nan=True)]
    assert differ == []
    assert len(a[1]) == len(b[1])
    for i, (x, y) in enumerate(zip(a[1], b[1], strict=True)):
        np.testing.assert_array_equal(x, y, err_msg=f"deal {i}")


def test_path_0_alone_has_the_bits_of_path_0_among_300() -> None:
    path = bundled_path("seed-2025")
    assert path is not None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["market"]["choice"]["planning_horizon_years"] = 3.0  # a fixed planning horizon
    scenario = cc.load_scenario(data)
    runs: dict[int, Path0] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # paths without an IRR
        for paths in (1, 300):
            run_paths(scenario, paths, 11, first_path(runs))
    assert sorted(runs) == [1, 300]
    assert_same_path(runs[1], runs[300])


def test_a_last_block_of_one_path_gives_that_path_the_bits_of_a_wider_block() -> None:
    # path 4096 of a 4097-path run is a block (and a chunk) of its own; in a 4098-path run
    # it shares its block with path 4097. Only that block is run.
    scenario = cc.load_scenario("telecom-2000")
    runs: dict[int, Path0] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        for paths in (STREAM_BLOCK + 1, STREAM_BLOCK + 2):
            parts = list(run_blocks(scenario, paths, 3, first_path(runs), 1, 2))
            assert [(p.first, p.offset, p.n) for p in parts] == [(1, STREAM_BLOCK, paths - STREAM_BLOCK)]
    assert sorted(runs) == [1, 2]
    assert_same_path(runs[1], runs[2])
