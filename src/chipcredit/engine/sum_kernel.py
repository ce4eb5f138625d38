"""Compiled sums with numpy's rounding: over the paths of quarter-major records, and along
short rows.

**Over paths.** The recorded series are stored quarter-major, ``(quarters, n)``, so that
each quarter writes one contiguous row. Their per-block totals must have the bits numpy
gives when it sums the path-major ``(n, quarters)`` copy over axis 0: it starts from 0.0
and adds the rows one after another (so path after path) when it reduces over the outer
axis, as it does for two quarters or more. (A single quarter's ``(n, 1)`` copy is
contiguous along the paths, and numpy sums it pairwise.) `record_row_sums` adds in that
order, one quarter's row as it is recorded, while it is still in the cache, without the
copy (each block's sum is a chain of dependent additions, so two blocks are summed side by
side).

**Along a row.** numpy sums a contiguous row (``sum(axis=1)`` of a C-ordered array)
pairwise: from 0.0 it adds the row's pairwise sum, which for up to 128 values is eight
running sums over the values in steps of eight, combined as
``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the values left over one by
one; under eight values are added one by one (a longer row is split in two halves, which
`pairwise_sum` does not do). `pairwise_sum` does exactly that.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

__all__ = ["MAX_PAIRWISE", "cash_in_out", "clamp", "clamped_row_sums",
           "pairwise_sum", "received_paid", "record_row_sums"]

MAX_PAIRWISE = 128
"""numpy's ``PW_BLOCKSIZE``: rows up to this long are summed with eight running sums, and
`pairwise_sum` takes no longer ones."""


@kernel
def record_row_sums(row: NDArray[np.float64], bounds: NDArray[np.int64],
                    sums: NDArray[np.float64], q: int, band: NDArray[np.float32]) -> None:
    """Set ``sums[b, q]`` to the sum over block ``b``'s paths of one quarter's ``row``
    ``(n,)``, for every block: ``0.0 + row[lo] + row[lo + 1] + ...`` in path order, the
    same bits as numpy's sum of that block of a C-ordered path-major copy; and ``band`` ``(k,)`` to
    the row's first ``k`` values rounded to float32 (as ``astype`` rounds them)."""
    for i in range(band.size):
        band[i] = np.float32(row[i])
    n_blocks = bounds.size - 1
    for b in range(0, n_blocks - 1, 2):  # two blocks at a time: two independent chains
        lo0, hi0, lo1, hi1 = bounds[b], bounds[b + 1], bounds[b + 1], bounds[b + 2]
        common = min(hi0 - lo0, hi1 - lo1)
        a0 = 0.0
        a1 = 0.0
        for i in range(common):
            a0 += row[lo0 + i]
            a1 += row[lo1 + i]
        for i in range(lo0 + common, hi0):
            a0 += row[i]
        for i in range(lo1 + common, hi1):
            a1 += row[i]
        sums[b, q] = a0
        sums[b + 1, q] = a1
    if n_blocks % 2:
        a = 0.0
        for i in range(bounds[n_blocks - 1], bounds[n_blocks]):
            a += row[i]
        sums[n_blocks - 1, q] = a


@kernel
def pairwise_sum(a: NDArray[np.float64], n: int) -> float:
    """numpy's pairwise sum of ``a[:n]``, ``n <= MAX_PAIRWISE``, without the 0.0 numpy's
    ``sum`` starts from (so ``0.0 + pairwise_sum(a, a.size)`` has the bits of ``a.sum()``).
    Not recursive: numba's on-disk cache of a recursive function can crash on loading."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    i = 8
    end = n - n % 8
    while i < end:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[i]
        i += 1
    return res


@kernel
def clamp(x: float) -> float:
    """``np.maximum(x, 0.0)``."""
    if x != x:
        return x
    return x if x > 0.0 else 0.0


@kernel
def clamped_row_sums(flows: NDArray[np.float64]) -> tuple[NDArray[np.float64],
                                                           NDArray[np.float64]]:
    """``np.maximum(f, 0.0).sum(axis=1)`` and ``np.maximum(-f, 0.0).sum(axis=1)`` of
    ``f = flows`` ``(m, t)``, ``t <= MAX_PAIRWISE``, with numpy's bits, in one pass: what a
    party received and paid per path ($B)."""
    m, t = flows.shape
    received = np.empty(m)
    paid = np.empty(m)
    buf = np.empty(t)
    for p in range(m):
        received[p], paid[p] = received_paid(flows, p, buf)
    return received, paid


@kernel
def received_paid(flows: NDArray[np.float64], p: int,
                  buf: NDArray[np.float64]) -> tuple[float, float]:
    """Row ``p`` of `clamped_row_sums`: what the party received and paid on path ``p``
    ($B), with numpy's bits; ``buf`` is scratch of ``flows.shape[1]`` values."""
    t = flows.shape[1]
    for k in range(t):
        buf[k] = clamp(flows[p, k])
    received = 0.0 + pairwise_sum(buf, t)
    for k in range(t):
        buf[k] = clamp(-flows[p, k])
    return received, 0.0 + pairwise_sum(buf, t)


def cash_in_out(flows: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """What a party received and paid per path ($B, ``(m,)`` each) of its flows ``(m, t)``:
    ``np.maximum(flows, 0.0).sum(axis=1)`` and ``np.maximum(-flows, 0.0).sum(axis=1)``, the
    same bits, compiled for C-ordered float64 rows of up to `MAX_PAIRWISE` values."""
    f = np.asarray(flows)
    if f.ndim == 2 and f.dtype == np.float64 and f.shape[1] <= MAX_PAIRWISE \
            and f.flags.c_contiguous:
        received, paid = clamped_row_sums(f)
        return received, paid
    return np.maximum(f, 0.0).sum(axis=1), np.maximum(-f, 0.0).sum(axis=1)
