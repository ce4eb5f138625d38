"""Per-block sums of the quarter's flow rows, compiled, with numpy's pairwise rounding.

At the end of a quarter the ledger adds each (from, to, kind)'s flow and its square over
the paths of every stream block. numpy sums a contiguous stretch of a row pairwise: from
0.0 it adds the stretch's pairwise sum, which for more than `MAX_PAIRWISE` values is the
sum of the two halves' pairwise sums, the first half ``n // 2`` rounded down to a multiple
of eight, and for fewer the eight running sums of `sum_kernel.pairwise_sum`. `block_sums`
reproduces that split without recursion (numba's on-disk cache of a recursive function can
crash on loading) and squares each value as it reads it, so the quarter's flow matrix is
read once and no matrix of squares is written and read back.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

from .sum_kernel import MAX_PAIRWISE, pairwise_sum

__all__ = ["block_sums", "split_sum"]

_DEPTH = 128
"""Stack entries `split_sum` needs at most: the halving depth of a row of 2**63 values
(two entries per halving, and the first)."""


@kernel
def split_sum(a: NDArray[np.float64], stack: NDArray[np.int64],
              values: NDArray[np.float64]) -> float:
    """numpy's pairwise sum of ``a`` (1-D, any length), without the 0.0 numpy's ``sum``
    starts from: ``0.0 + split_sum(...)`` has the bits of ``a.sum()``.

    ``stack`` (``(3 * _DEPTH,)`` int64, an entry's three numbers side by side) and
    ``values`` (``(_DEPTH,)``) are scratch. (One dimension, not ``(_DEPTH, 3)``: numba
    compiles ``np.empty`` once more for each new shape and dtype.)
    """
    n = a.size
    if n <= MAX_PAIRWISE:
        return pairwise_sum(a, n)
    # a post-order walk of numpy's halving: each entry is (start, length, halves pushed);
    # a stretch's sum goes on ``values``, and a parent whose halves are done replaces their
    # two sums, left then right, by left + right
    stack[0], stack[1], stack[2] = 0, n, 0
    depth = 1
    held = 0
    while depth > 0:
        top = 3 * (depth - 1)
        lo, m = stack[top], stack[top + 1]
        if m <= MAX_PAIRWISE:
            values[held] = pairwise_sum(a[lo:lo + m], m)
            held += 1
            depth -= 1
        elif stack[top + 2] == 0:
            half = m // 2
            half -= half % 8
            stack[top + 2] = 1
            # the right half below the left, so that the left one is summed first
            right, left = top + 3, top + 6
            stack[right], stack[right + 1], stack[right + 2] = lo + half, m - half, 0
            stack[left], stack[left + 1], stack[left + 2] = lo, half, 0
            depth += 2
        else:
            values[held - 2] = values[held - 2] + values[held - 1]
            held -= 1
            depth -= 1
    return values[0]


@kernel
def block_sums(rows: NDArray[np.float64], used: int, bounds: NDArray[np.int64],
               ids: NDArray[np.intp], sums: NDArray[np.float64], sumsq: NDArray[np.float64],
               q: int) -> None:
    """Add each block's sum of ``rows[r]`` and of its squares to ``sums[ids[r], b, q]`` and
    ``sumsq[ids[r], b, q]``, for the first ``used`` rows.

    Parameters
    ----------
    rows : (k, n) $B, the quarter's total flow per key and path
    bounds : (blocks + 1,) the blocks' first paths, then ``n``
    ids : (used,) each row's slot in ``sums`` and ``sumsq``
    sums, sumsq : (keys, blocks, quarters) $B and $B^2, added to in place

    Each sum has the bits of ``part.sum()`` and ``(part * part).sum()`` of the block's
    stretch ``part`` of the row (numpy's pairwise sum from 0.0), added as ``+=`` adds it.
    """
    n_blocks = bounds.size - 1
    width = 0
    for b in range(n_blocks):
        if bounds[b + 1] - bounds[b] > width:  # (not ``max``: one compile fewer)
            width = bounds[b + 1] - bounds[b]
    square = np.empty(width)
    stack = np.empty(3 * _DEPTH, dtype=np.int64)
    values = np.empty(_DEPTH)
    for r in range(used):
        key = ids[r]
        for b in range(n_blocks):
            lo, hi = bounds[b], bounds[b + 1]
            part = rows[r, lo:hi]
            for i in range(hi - lo):
                x = part[i]
                square[i] = x * x
            s = 0.0 + split_sum(part, stack, values)
            s2 = 0.0 + split_sum(square[:hi - lo], stack, values)
            sums[key, b, q] += s
            sumsq[key, b, q] += s2
