"""Memory for a chunk's big arrays, handed on to the next chunk of the same run.

A chunk allocates tens of kilobytes per path, most of it in arrays of a few megabytes (the
recorded series, the deals' cash flows, the fleets, the draws). Fresh memory costs a page
fault per 4 KiB on first touch, a sizeable share of a chunk's time; memory handed on from
the previous chunk costs a memset. The numbers do not change: an array from here is zeroed
(`zeros`) or fully written (`empty`) before use, exactly like a new one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["Workspace"]


class Workspace:
    """Float64 arrays lent to one chunk at a time.

    Everything taken from a workspace belongs to the current chunk: `recycle` (called by
    `run_paths` between chunks) lends it out again, so nothing taken from here may be kept
    after the chunk's results were read.
    """

    def __init__(self) -> None:
        self._free: dict[tuple[int, ...], list[NDArray[np.float64]]] = {}
        self._lent: list[NDArray[np.float64]] = []

    def empty(self, shape: tuple[int, ...]) -> NDArray[np.float64]:
        """An array of ``shape`` with arbitrary contents, for the caller to fill entirely."""
        pool = self._free.get(shape)
        arr = pool.pop() if pool else np.empty(shape)
        self._lent.append(arr)
        return arr

    def zeros(self, shape: tuple[int, ...]) -> NDArray[np.float64]:
        """An array of ``shape`` filled with zeros."""
        pool = self._free.get(shape)
        if pool:
            arr = pool.pop()
            arr.fill(0.0)
        else:
            arr = np.zeros(shape)
        self._lent.append(arr)
        return arr

    def recycle(self) -> None:
        """The current chunk is done: everything lent becomes available again."""
        for arr in self._lent:
            self._free.setdefault(arr.shape, []).append(arr)
        self._lent = []
