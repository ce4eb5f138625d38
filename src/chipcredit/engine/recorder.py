"""The quarterly variables a chunk records (phase 9), kept the ways a run reads them.

A run needs three things of each recorded variable: its per-block sums over every path
(exact means), float32 rows of the first paths (the band reservoir), and, for tests and
tools that read a `Sim` directly, float64 rows of the paths (`Sim.series`). Each quarter's
row is summed per block while it is still in the cache (`sum_kernel.record_row_sums`, the bits
of numpy's sum over a C-ordered ``(n, quarters)`` copy) and then written only where it is
kept, quarter-major, so that a quarter writes contiguous rows. (With a horizon of one
quarter numpy's sum of the ``(n, 1)`` copy runs along the contiguous axis, pairwise, and so
does the recorder's.) A chunk past the band
reservoir keeps no rows at all: nothing is stored that no one reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
from numpy.typing import NDArray

from .sum_kernel import record_row_sums
from .workspace import Workspace

__all__ = ["Recorder"]

Key = tuple[str, str]


class Recorder:
    """Recorded variables of one chunk of ``n`` paths, ``{(party, variable): ...}``.

    Parameters
    ----------
    n_quarters : horizon
    sizes : paths of each stream block of the chunk (summing to ``n``)
    workspace : lends the float64 rows (they are the chunk's, like the rest of its state)
    series_paths : keep float64 rows of the first this many paths (`series`)
    band_paths : keep float32 rows of the first this many paths (`band`)
    """

    def __init__(self, n_quarters: int, sizes: list[int], workspace: Workspace,
                 series_paths: int, band_paths: int) -> None:
        self.n_quarters = n_quarters
        self.n = int(sum(sizes))
        self.workspace = workspace
        self.series_paths = max(0, min(series_paths, self.n))
        self.band_paths = max(0, min(band_paths, self.n))
        self._bounds = np.cumsum([0, *sizes], dtype=np.int64)
        self._sums: dict[Key, NDArray[np.float64]] = {}
        self._rows: dict[Key, NDArray[np.float64]] = {}  # (quarters, series_paths)
        self._band: dict[Key, NDArray[np.float32]] = {}  # (quarters, band_paths)
        self._filled: dict[Key, int] = {}  # leading quarters written or zeroed, per key
        self._scratch = np.empty(self.n)

    def put(self, key: Key, q: int, values: NDArray[np.float64]) -> None:
        """Record quarter ``q`` of a variable, ``values`` ``(n,)`` or broadcastable to it."""
        sums = self._sums.get(key)
        if sums is None:
            sums = self._sums[key] = np.zeros((self._bounds.size - 1, self.n_quarters))
            self._rows[key] = self.workspace.empty((self.n_quarters, self.series_paths))
            self._band[key] = np.empty((self.n_quarters, self.band_paths), dtype=np.float32)
            self._filled[key] = 0
        if (type(values) is np.ndarray and values.dtype == np.float64 and values.shape == (self.n,)
                and values.flags.writeable and values.flags.c_contiguous):
            row = values
        else:  # a scalar, a broadcast, another dtype, or a read-only array (a fleet's cached
            # total), which would make numba compile `record_row_sums` once more
            row = self._scratch
            row[...] = values
        band = self._band[key]
        filled = self._filled[key]
        if q >= filled:
            if q > filled:  # quarters never recorded read 0, as in a fresh array
                self._rows[key][filled:q] = 0.0
                band[filled:q] = 0.0
            self._filled[key] = q + 1
        # the sums, and the band's row rounded to float32, in one pass
        record_row_sums(row, self._bounds, sums, q, band[q])
        if self.n_quarters == 1:  # numpy sums an (n, 1) array along its contiguous axis
            for b in range(self._bounds.size - 1):
                sums[b, q] = row[self._bounds[b]:self._bounds[b + 1]].sum()
        if self.series_paths:
            self._rows[key][q] = row[:self.series_paths]

    def _fill(self) -> None:
        """Zero every record's quarters not recorded yet."""
        for key, filled in self._filled.items():
            if filled < self.n_quarters:
                self._rows[key][filled:] = 0.0
                self._band[key][filled:] = 0.0
                self._filled[key] = self.n_quarters

    @property
    def sums(self) -> dict[Key, NDArray[np.float64]]:
        """Per-block sums over every path, ``{key: (blocks, quarters)}`` float64: each
        block's paths added in path order from 0.0. Not lent by the workspace."""
        return self._sums

    @property
    def series(self) -> Mapping[Key, NDArray[np.float64]]:
        """Float64 rows of the first ``series_paths`` paths, ``{key: (series_paths,
        quarters)}``: read-only views (not C-ordered) of memory lent by the workspace."""
        self._fill()
        return _Series(self._rows)

    @property
    def band(self) -> dict[Key, NDArray[np.float32]]:
        """Float32 rows of the first ``band_paths`` paths, ``{key: (band_paths, quarters)}``
        (views of quarter-major arrays, so not C-ordered; not lent by the workspace)."""
        self._fill()
        return {key: rows.T for key, rows in self._band.items()}


class _Series(Mapping[Key, NDArray[np.float64]]):
    """Quarter-major records ``(quarters, m)`` read as read-only ``(m, quarters)`` views: no
    copy, so reading every series costs nothing."""

    def __init__(self, recorded: dict[Key, NDArray[np.float64]]) -> None:
        self._recorded = recorded

    def __getitem__(self, key: Key) -> NDArray[np.float64]:
        view = self._recorded[key].T
        view.flags.writeable = False
        return view

    def __iter__(self) -> Iterator[Key]:
        return iter(self._recorded)

    def __len__(self) -> int:
        return len(self._recorded)
