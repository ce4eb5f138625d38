"""The merged band reservoir: a chunk's quarter-major float32 rows placed path-major by the
compiled copy (`chipcredit.engine.transpose_kernel`) give the reservoir numpy's assignment
gives, whatever the layout a partial arrives in and the order partials arrive in."""

from __future__ import annotations

import numpy as np
import pytest

from chipcredit.engine.blocks import BAND_RESERVOIR, Merger, Partial
from chipcredit.engine.ledger import Checks
from chipcredit.engine.streams import STREAM_BLOCK
from chipcredit.engine.transpose_kernel import place_transposed


def test_place_transposed_by_hand() -> None:
    rows = np.arange(2 * 37, dtype=np.float32).reshape(2, 37)  # 2 quarters, 37 paths
    band = np.full((40, 2), -1.0, dtype=np.float32)
    place_transposed(rows, band, 3)
    assert band[:3].tolist() == [[-1.0, -1.0]] * 3
    assert band[3:].tolist() == [[float(p), float(37 + p)] for p in range(37)]


def _partial(first: int, n: int, quarters: int, layout: str) -> Partial:
    rng = np.random.default_rng(first)
    by_quarter = rng.standard_normal((quarters, n)).astype(np.float32)
    by_quarter[0, :3] = [np.nan, -0.0, np.inf]
    rows = by_quarter.T if layout == "view" else np.ascontiguousarray(by_quarter.T)
    blocks = -(-n // STREAM_BLOCK)
    return Partial(first=first, last=first + blocks, offset=first * STREAM_BLOCK, n=n,
                   outcomes={}, outcome_sums={}, outcome_counts={},
                   reservoir={("lab", "cash"): rows}, series_sums={}, flow_sums={},
                   flow_sumsq={}, checks=Checks())


@pytest.mark.parametrize("layout", ["view", "c-ordered"])
def test_the_merged_band_is_numpys_placement(layout: str) -> None:
    paths = 2 * STREAM_BLOCK + 500
    parts = [_partial(0, STREAM_BLOCK, 5, layout), _partial(1, STREAM_BLOCK, 5, layout),
             _partial(2, 500, 5, layout)]
    want = np.concatenate([p.reservoir[("lab", "cash")] for p in parts])
    for order in ([0, 1, 2], [2, 0, 1]):
        merger = Merger(paths, 5)
        for i in order:
            merger.add(parts[i])
        got = merger.result().reservoir[("lab", "cash")]
        assert got.shape == (min(paths, BAND_RESERVOIR), 5) and got.flags.c_contiguous
        assert np.array_equal(got.view(np.int32), want.view(np.int32))  # a copy: every bit

