"""A deal party's per-path flow metrics in one compiled pass over its flows, with the bits of
the numpy expressions they replace (`chipcredit.analytics.metrics`): row sums as numpy sums a
row, pairwise (`chipcredit.engine.sum_kernel.pairwise_sum`, rows of at most `MAX_TIMES`
values, a horizon of 127 quarters); everything else elementwise (products,
``np.maximum(x, 0.0)``: a NaN wins, of two zeros the second) or in order (a cumulative sum;
the maximum of a row).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.sum_kernel import MAX_PAIRWISE, clamp, pairwise_sum, received_paid
from chipcredit.jit import kernel

__all__ = ["MAX_TIMES", "flow_metrics"]

MAX_TIMES = MAX_PAIRWISE
"""The longest rows `flow_metrics` takes (a horizon of 127 quarters)."""


@kernel
def flow_metrics(flows: NDArray[np.float64], factors: NDArray[np.float64]
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64],
                            NDArray[np.float64]]:
    """Per-path metrics of a party's flows ``(m, t)`` ($B, quarter ``k`` at column ``k``),
    each ``(m,)``: with ``f = flows``, the bits of

    - ``(f * factors).sum(axis=1)``: the NPV, ``factors`` ``(m, t)`` (a broadcast view of
      one row when every path has the same rate);
    - ``np.maximum(f, 0.0).sum(axis=1)`` and ``np.maximum(-f, 0.0).sum(axis=1)``: cash in
      and cash out;
    - ``np.maximum(-np.cumsum(f, axis=1), 0.0).max(axis=1)``: the peak cumulative net
      outflow (``1 <= t <= MAX_TIMES``).
    """
    m, t = flows.shape
    npv = np.empty(m)
    cash_in = np.empty(m)
    cash_out = np.empty(m)
    peak = np.empty(m)
    buf = np.empty(t)
    for p in range(m):
        for k in range(t):
            buf[k] = flows[p, k] * factors[p, k]
        npv[p] = 0.0 + pairwise_sum(buf, t)
        cash_in[p], cash_out[p] = received_paid(flows, p, buf)
        total = flows[p, 0]  # a cumulative sum starts from the first value
        worst = clamp(-total)
        for k in range(1, t):
            total = total + flows[p, k]
            x = clamp(-total)
            if worst == worst and (x != x or x > worst):  # NaN wins, as in numpy's max
                worst = x
        peak[p] = worst
    return npv, cash_in, cash_out, peak
