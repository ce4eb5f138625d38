"""Memory does not grow with the path count (docs/design.md section 11): a run holds one chunk
at a time plus what it keeps, float32 per-path outcomes and the fixed band reservoir.

A bound, not a timing: the tracemalloc peak (numpy's arrays included) at two path counts,
less what each run keeps, must be the same within a small margin.
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import yaml

import chipcredit as cc
from chipcredit.engine.streams import STREAM_BLOCK

MB = 2**20


def short_seed_2025() -> cc.Scenario:
    data = yaml.safe_load(cc.load_scenario("seed-2025").source_text)
    data["horizon_quarters"] = 8
    return cc.load_scenario(data)


def peak_and_kept(scenario: cc.Scenario, paths: int) -> tuple[int, int, cc.Result]:
    """tracemalloc peak of a run and its summary, and the bytes the result keeps."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        tracemalloc.start()
        try:
            res = cc.simulate(scenario, paths=paths, seed=5, chunk_blocks=1)
            res.to_dict()
            res.summary()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    kept = sum(v.nbytes for v in res.outcomes.values()) + sum(v.nbytes for v in res.reservoir.values())
    return peak, kept, res


def test_the_working_set_does_not_grow_with_paths() -> None:
    scenario = short_seed_2025()
    # two chunks or more in both runs, so both peaks hold a running chunk and what is kept
    # so far (a single chunk's run allocates its kept outcomes after the chunk is freed)
    peak_small, kept_small, small = peak_and_kept(scenario, 2 * STREAM_BLOCK)
    peak_big, kept_big, big = peak_and_kept(scenario, 4 * STREAM_BLOCK)
    # what a run keeps: 4 bytes per path and outcome, and the reservoir (below 20,000 paths)
    columns = len(big.outcomes)
    assert all(v.dtype == np.float32 for v in big.outcomes.values())
    outcome_bytes = sum(v.nbytes for v in big.outcomes.values())
    assert outcome_bytes == 4 * columns * big.paths
    # everything else, one chunk and the statistics' temporaries, is flat: twice the
    # paths may cost at most 5% more (plus 2 MB of slack for Python's own allocations)
    work_small, work_big = peak_small - kept_small, peak_big - kept_big
    assert work_small > 10 * MB  # a chunk was measured (not an empty trace)
    assert work_big <= 1.05 * work_small + 2 * MB, (work_small / MB, work_big / MB)
    # and the peak grows by no more than what is kept
    assert peak_big - peak_small <= (kept_big - kept_small) + 0.05 * work_small + 2 * MB
    del small
