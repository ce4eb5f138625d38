"""`sum_rows`: a sum over axis 0 that adds the rows in order, whatever the width.

The engine keeps its state path-last, ``(k, n)`` for ``k`` cohorts, tranches, vendors or
quarters on ``n`` paths, and sums over the ``k`` rows per path. numpy's ``a.sum(axis=0)``
of a C-ordered array adds the rows one after another, ``0.0 + a[0] + a[1] + ...``, when a
row holds two values or more: each path's sum is then the same bits however many paths
the chunk has. With one path, ``(k, 1)``, the array is contiguous along the summed axis
and numpy sums it pairwise (eight running sums from eight rows on), which differs in the
last bits: a chunk of one path (``paths=1``, or a run whose last stream block holds one
path, ``4096 * m + 1`` paths) would give that path other bits than the same path in a
wider chunk, against docs/design.md section 10. `sum_rows` gives the row-by-row bits for every
width, so a path's numbers do not depend on how many paths share its chunk.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["sum_rows"]


def sum_rows(a: ArrayLike) -> NDArray[Any]:
    """``a.sum(axis=0)`` with the rows added in order, ``0.0 + a[0] + a[1] + ...``.

    Parameters
    ----------
    a : array_like, shape (k, ...)
        The rows to add (for the engine ``(k, n)``: ``k`` rows on ``n`` paths). A 1-D
        array is ``k`` rows of one value each.

    Returns
    -------
    ndarray, shape a.shape[1:]
        numpy's dtype and bits for ``a.sum(axis=0)`` of a C-ordered array whose rows hold
        two values or more (there numpy adds row after row); for rows of one value (where
        numpy would sum pairwise) the same sum row after row; for any other layout the
        C-ordered copy's sum. So each column's sum is the same bits whatever else the
        array holds.
    """
    if (type(a) is np.ndarray and a.ndim == 2 and a.shape[1] > 1  # the engine's usual case,
            and a.flags.c_contiguous):  # without the general checks' calls (hot: Fleet.installed)
        return a.sum(axis=0)
    arr = np.asarray(a)
    if arr.ndim == 0:
        return np.asarray(arr.sum(axis=0))  # numpy's AxisError
    width = math.prod(arr.shape[1:])
    if width == 1:
        # the column twice, side by side: numpy then adds row by row; keep the first
        pair = np.repeat(arr.reshape(arr.shape[0], 1), 2, axis=1)
        return np.asarray(pair.sum(axis=0)[:1].reshape(arr.shape[1:]))
    if not arr.flags.c_contiguous:  # another layout may be reduced column by column
        arr = np.ascontiguousarray(arr)
    return np.asarray(arr.sum(axis=0))
