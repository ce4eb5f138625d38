"""The per-block sums and counts of finite outcomes that `run_blocks` hands the merger: a
column with no NaN or inf takes a shortcut (the plain sum of each block, its size as the
count); it must give the bits of the masked sum every other column gets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tests.engine.bits import same_bits

import chipcredit as cc
from chipcredit.engine.run import run_blocks
from chipcredit.engine.sim import Sim
from chipcredit.engine.streams import STREAM_BLOCK


def _columns(sim: Sim) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    spread = rng.standard_normal(sim.n) * 10.0 ** rng.integers(-6, 7, sim.n)
    holes = spread.copy()
    holes[::5] = np.nan
    holes[3] = np.inf
    return {"finite": spread, "holes": holes, "none": np.full(sim.n, np.nan),
            "cash": sim.ledger.balance[0].copy()}


@pytest.mark.parametrize("paths", [STREAM_BLOCK + 300, 300])
def test_sums_and_counts_are_the_masked_ones(paths: int) -> None:
    scenario = cc.load_scenario("seed-2025")
    got = []

    def reduce(sim: Sim) -> dict[str, np.ndarray]:
        columns = _columns(sim)
        got.append((columns, list(sim.draws.sizes)))
        return columns

    (part,) = run_blocks(scenario, paths, 3, reduce, 0, -(-paths // STREAM_BLOCK))
    columns, sizes = got[0]
    bounds = list(itertools.pairwise(np.cumsum([0, *sizes])))
    for name, values in columns.items():
        finite = np.isfinite(values)
        want = np.array([np.sum(values[a:b], where=finite[a:b]) for a, b in bounds])
        assert same_bits(part.outcome_sums[name], want), name
        assert part.outcome_counts[name].tolist() == [int(finite[a:b].sum()) for a, b in bounds]
        assert part.outcome_counts[name].dtype == np.int64
    assert part.outcome_counts["finite"].tolist() == sizes
    assert part.outcome_counts["none"].tolist() == [0] * len(sizes)
