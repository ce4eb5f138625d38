"""Per-path outcome columns of a run, placed block by block and stored compactly.

A run keeps every per-path outcome (float32) for its quantiles, and at a million paths
those columns are most of its memory. Many hold no information of their own: a deal's
``mark`` that is 0 on every path, an IRR reason that is always ``ok``, a lender's ``loss``
that the portfolio columns repeat, ``npv`` equal to ``npv_realised`` when nothing is
marked. So a column is stored as one of:

- a **constant**: one value, read as a read-only broadcast view of every path, while every
  block so far had that value on every path (bit for bit);
- an **alias**: the array of an earlier column, while every block so far had the same bits
  in both;
- its **own** array of every path, from the first block where it differs from the above.

Readers see ``(paths,)`` arrays with the same bits as if every column had its own array;
only the memory differs. Which columns end up shared can depend on the order in which
blocks arrive, never their values. `PackedColumns` applies the same idea to one partial's
columns on the wire, so that a Dask task sends each constant once and each repeat by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .streams import STREAM_BLOCK

__all__ = ["ColumnStore", "PackedColumns"]


def _bits(values: NDArray[np.floating]) -> NDArray[np.unsignedinteger]:
    """The values' bit patterns (so NaN equals NaN and -0.0 differs from 0.0)."""
    return values.view(np.uint64 if values.dtype.itemsize == 8 else np.uint32)


def _uniform(values: NDArray[np.floating]) -> bool:
    bits = _bits(values)
    return bool(bits.size) and bool((bits == bits[0]).all())


class ColumnStore:
    """Outcome columns ``{name: (paths,)}`` filled block range by block range.

    Parameters
    ----------
    paths : paths of the run
    dtype : the columns' dtype (float32; float64 for the deterministic base case)

    Attributes
    ----------
    columns : ``{name: (paths,)}`` in order of first appearance; constants are read-only
        broadcast views, aliases share their root's array. Paths of blocks not yet placed
        read 0.
    """

    def __init__(self, paths: int, dtype: type[np.floating]) -> None:
        self.paths = paths
        self.dtype = dtype
        self.n_blocks = -(-paths // STREAM_BLOCK)
        self.columns: dict[str, NDArray[np.floating]] = {}
        self._shared: dict[str, str | None] = {}  # constant (None) or alias (its root)
        self._placed: dict[str, NDArray[np.bool_]] = {}  # blocks placed, per shared column

    def put(self, outcomes: Mapping[str, NDArray[np.floating]], first: int, last: int) -> None:
        """Place the columns of the paths of blocks ``[first, last)``."""
        lo = first * STREAM_BLOCK
        hi = min(last * STREAM_BLOCK, self.paths)
        fresh: dict[bytes, str] = {}  # columns new in this call, by their bits, to alias
        for name, values in outcomes.items():
            values = np.asarray(values, dtype=self.dtype)
            if name not in self.columns:
                self._new(name, values, first, last, lo, hi, fresh)
                continue
            if name in self._shared:
                root = self._shared[name]
                if root is None:
                    same = _uniform(values) and _bits(values)[0] == _bits(self.columns[name][:1])[0]
                else:
                    same = root in outcomes and np.array_equal(
                        _bits(values), _bits(np.asarray(outcomes[root], dtype=self.dtype)))
                if same:
                    self._placed[name][first:last] = True
                    continue
                self._own(name)
            self.columns[name][lo:hi] = values

    def _new(self, name: str, values: NDArray[np.floating], first: int, last: int, lo: int,
             hi: int, fresh: dict[bytes, str]) -> None:
        if _uniform(values):
            self.columns[name] = np.broadcast_to(values[:1].copy(), (self.paths,))
            self._shared[name] = None
        elif (root := fresh.get(values.tobytes())) is not None:
            self.columns[name] = self.columns[root]
            self._shared[name] = root
        else:
            column = np.zeros(self.paths, dtype=self.dtype)
            column[lo:hi] = values
            self.columns[name] = column
            fresh[values.tobytes()] = name
            return
        placed = np.zeros(self.n_blocks, dtype=bool)
        placed[first:last] = True
        self._placed[name] = placed

    def _own(self, name: str) -> None:
        """Give a shared column its own array: its value on the blocks placed, 0 elsewhere."""
        column = np.zeros(self.paths, dtype=self.dtype)
        shared = self.columns[name]
        for b in np.flatnonzero(self._placed.pop(name)):
            lo, hi = b * STREAM_BLOCK, min((b + 1) * STREAM_BLOCK, self.paths)
            column[lo:hi] = shared[lo:hi]
        self.columns[name] = column
        del self._shared[name]

    def finish(self) -> dict[str, NDArray[np.floating]]:
        """The columns, once every block has been placed: each read-only."""
        for name in [n for n, placed in self._placed.items() if not placed.all()]:
            self._own(name)  # a column missing from some blocks reads 0 there
        for column in self.columns.values():
            column.flags.writeable = False
        return self.columns

    def nbytes(self) -> int:
        """Bytes the columns hold (a constant counts one value, an alias nothing)."""
        total = 0
        for name, column in self.columns.items():
            if name not in self._shared:
                total += column.nbytes
            elif self._shared[name] is None:
                total += column.itemsize
        return total


@dataclass(frozen=True)
class PackedColumns:
    """Outcome columns of ``n`` paths packed for sending (a Dask task's result): each
    constant column as one value and each column that repeats an earlier one by name.

    Attributes
    ----------
    n : paths
    order : every column's name, in the original order
    own : ``{name: (n,)}`` the columns sent in full
    constants : ``{name: (1,)}`` the value of each constant column
    aliases : ``{name: root}`` columns with the same bits as the ``own`` column ``root``
    """

    n: int
    order: tuple[str, ...]
    own: dict[str, NDArray[np.floating]]
    constants: dict[str, NDArray[np.floating]]
    aliases: dict[str, str]

    @staticmethod
    def pack(outcomes: Mapping[str, NDArray[np.floating]]) -> PackedColumns:
        own: dict[str, NDArray[np.floating]] = {}
        constants: dict[str, NDArray[np.floating]] = {}
        aliases: dict[str, str] = {}
        seen: dict[bytes, str] = {}
        n = 0
        for name, values in outcomes.items():
            n = values.shape[0]
            if _uniform(values):
                constants[name] = values[:1].copy()
            elif (root := seen.get(values.tobytes())) is not None:
                aliases[name] = root
            else:
                own[name] = values
                seen[values.tobytes()] = name
        return PackedColumns(n, tuple(outcomes), own, constants, aliases)

    def unpack(self) -> dict[str, NDArray[np.floating]]:
        """The columns ``{name: (n,)}`` in their order: constants as read-only broadcast
        views, aliases as their root's array."""
        out: dict[str, NDArray[np.floating]] = {}
        for name in self.order:
            if name in self.own:
                out[name] = self.own[name]
            elif name in self.constants:
                out[name] = np.broadcast_to(self.constants[name], (self.n,))
            else:
                out[name] = self.own[self.aliases[name]]
        return out
