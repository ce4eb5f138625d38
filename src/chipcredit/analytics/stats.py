"""Summary statistics of per-path outcomes: means and quantiles, NaN-aware."""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.typing import NDArray

__all__ = ["QUANTILES", "band_means", "band_quantiles", "describe"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def describe(values: NDArray[np.floating], mean: float | None = None) -> dict[str, float | None]:
    """``{"mean", "p05", "p50", "p95"}`` over the finite values; None where there are none.

    ``values`` may be float32 (a run's kept per-path outcomes); quantiles are computed in
    float64 with numpy's default (linear) rule. ``mean``, when given, is the exact mean
    from float64 per-block sums (`Result.means`); otherwise the values are averaged in
    float64. Memory: one float64 copy of the finite values, whatever their dtype.
    """
    finite = values[np.isfinite(values)].astype(np.float64, copy=False)
    if finite.size == 0:
        return {"mean": None, "p05": None, "p50": None, "p95": None}
    p05, p50, p95 = np.quantile(finite, [0.05, 0.5, 0.95])
    m = finite.mean() if mean is None else mean
    return {"mean": _clean(m), "p05": _clean(p05), "p50": _clean(p50), "p95": _clean(p95)}


def _clean(x: float) -> float | None:
    value = float(x)
    if not math.isfinite(value):
        return None
    return 0.0 if value == 0 else value


def band_quantiles(values: NDArray[np.float32]) -> NDArray[np.float64]:
    """Quantiles `QUANTILES` per column of ``(paths, quarters)``: shape ``(5, quarters)``.

    NaN marks a value that is not defined on a path (an SPV's LTV once its debt is repaid)
    and is left out; a quarter with no defined value gets NaN. ``+inf`` is a value (an
    SPV's LTV where debt is owed on GPUs worth nothing) and ranks above every finite one:
    a quantile is ``inf`` where numpy's linear rule reads it between two order statistics
    of which the lower is ``inf``, or the upper is and carries weight (numpy itself gives
    NaN there, from ``inf - inf``), and the lower order statistic where the upper is
    ``inf`` with no weight (numpy: ``0 * inf``, NaN). Every other quantile is numpy's, to
    the bit. Of 20 values with 2 ``inf``, the 95th percentile (position 18.05) is ``inf``; of
    20 with 1, the 95th (between the 19th value and ``inf``) is ``inf`` and the 75th finite.
    """
    data = values.astype(np.float64)
    nan = np.isnan(data)
    infinite = np.isposinf(data)
    if not nan.any() and not infinite.any():
        return np.asarray(np.quantile(data, QUANTILES, axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN quarters stay NaN
        out = np.asarray(np.nanquantile(data, QUANTILES, axis=0))
    if infinite.any():
        ranked = np.sort(data, axis=0)  # NaN last, inf just before
        defined = np.count_nonzero(~nan, axis=0)  # (quarters,)
        finite = defined - np.count_nonzero(infinite, axis=0)  # order statistics below inf
        columns = np.arange(data.shape[1])
        for i, level in enumerate(QUANTILES):
            position = (defined - 1) * level  # numpy's linear rule
            lower = np.floor(position)
            weight = position - lower
            upper_inf = np.minimum(lower + 1, defined - 1) >= finite
            to_inf = (defined > 0) & ((lower >= finite) | (upper_inf & (weight > 0)))
            exact = (defined > 0) & (lower < finite) & upper_inf & (weight == 0)
            low = ranked[np.maximum(lower, 0).astype(np.intp), columns]
            out[i] = np.where(to_inf, np.inf, np.where(exact, low, out[i]))
    return out


def band_means(values: NDArray[np.float32]) -> NDArray[np.float64]:
    """Mean per quarter over the paths where the value is defined (NaN if none)."""
    data = values.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(data, axis=0))
