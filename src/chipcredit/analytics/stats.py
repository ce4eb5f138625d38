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
    and is left out; a quarter with no defined value gets NaN.
    """
    data = values.astype(np.float64)
    if not np.isnan(data).any():
        return np.asarray(np.quantile(data, QUANTILES, axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN quarters stay NaN
        return np.asarray(np.nanquantile(data, QUANTILES, axis=0))


def band_means(values: NDArray[np.float32]) -> NDArray[np.float64]:
    """Mean per quarter over the paths where the value is defined (NaN if none)."""
    data = values.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(data, axis=0))
