"""The ledger's per-block flow sums (`chipcredit.engine.block_sum_kernel`) against numpy.

`block_sums` replaced numpy's ``part.sum(axis=1)`` and ``(part * part).sum(axis=1)`` of each
block's stretch of the quarter's flow rows; numpy sums such a stretch pairwise, halving
rows of more than 128 values, and the kernel must give those bits (the sign of a zero
included) for every block width, 4,096 paths and the odd-sized last block of a run alike.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tests.engine.bits import same_bits

from chipcredit.engine.block_sum_kernel import _DEPTH, block_sums, split_sum

FLOWS = st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e12,
                  max_value=1e12) | st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 3.3e-16])


def _scratch() -> tuple[np.ndarray, np.ndarray]:
    return np.empty(3 * _DEPTH, dtype=np.int64), np.empty(_DEPTH)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 5_000).flatmap(lambda n: hnp.arrays(np.float64, n, elements=FLOWS)))
def test_split_sum_is_numpys_pairwise_sum(values: np.ndarray) -> None:
    assert same_bits(np.float64(0.0 + split_sum(values, *_scratch())), values.sum())


def test_split_sum_at_every_width_around_the_halving() -> None:
    """Widths where numpy's halves change shape (129, multiples of 8 and 16, 4,096 +- 1):
    values of wildly different sizes, so that a different grouping changes the bits."""
    rng = np.random.default_rng(11)
    widths = [*range(120, 300), *range(4_080, 4_110), 8_191, 8_192, 8_193]
    for n in widths:
        values = rng.standard_normal(n) * 10.0 ** rng.integers(-9, 9, n)
        assert same_bits(np.float64(0.0 + split_sum(values, *_scratch())), values.sum()), n
    # a grouping that differs from numpy's is seen: left to right gives other bits here
    values = np.array([1e16, 1.0, -1e16, 1.0] * 64)
    assert sum(values.tolist()) == 1.0 and values.sum() == 0.0
    assert 0.0 + split_sum(values, *_scratch()) == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 700), min_size=1, max_size=3), st.integers(1, 4),
       st.integers(0, 2**32 - 1))
def test_block_sums_are_the_ledgers_numpy_sums(sizes: list[int], used: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    rows = rng.standard_normal((used + 1, n)) * 10.0 ** rng.integers(-6, 7, (used + 1, n))
    rows[:, ::7] = 0.0
    rows[:, 1::11] = -0.0
    bounds = np.cumsum([0, *sizes]).astype(np.int64)
    ids = rng.permutation(used + 2)[:used].astype(np.intp)
    sums = rng.standard_normal((used + 2, len(sizes), 3))
    sumsq = rng.standard_normal((used + 2, len(sizes), 3))
    want, want_sq = sums.copy(), sumsq.copy()
    for b, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        part = rows[:used, lo:hi]
        want[ids, b, 2] += part.sum(axis=1)
        want_sq[ids, b, 2] += (part * part).sum(axis=1)
    block_sums(rows, used, bounds, ids, sums, sumsq, 2)
    assert same_bits(sums, want) and same_bits(sumsq, want_sq)


def test_block_sums_hand_case() -> None:
    """Two blocks of two paths, one key: 1 + 2 and 3 + -4, squares 5 and 25."""
    rows = np.array([[1.0, 2.0, 3.0, -4.0], [9.0, 9.0, 9.0, 9.0]])
    sums, sumsq = np.zeros((2, 2, 1)), np.zeros((2, 2, 1))
    block_sums(rows, 1, np.array([0, 2, 4], dtype=np.int64), np.array([1], dtype=np.intp),
               sums, sumsq, 0)
    assert sums[1, :, 0].tolist() == [3.0, -1.0] and sumsq[1, :, 0].tolist() == [5.0, 25.0]
    assert not sums[0].any() and not sumsq[0].any()  # the second row was not used
