"""Draws for a chunk of stream blocks: each component's draws, block by block.

A chunk is a run of whole stream blocks. Its draws are the concatenation of each block's
own substream draws, so a path sees the same numbers whatever chunk it falls in.
In deterministic mode every normal shock is 0 and every uniform is 0.5: an event happens
if and only if its probability is at least 0.5 (docs/design.md section 2a).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .streams import STREAM_BLOCK, block_bounds, substream
from .workspace import Workspace

__all__ = ["ChunkDraws"]

_Fill = Callable[..., NDArray[np.float64]]
"""`numpy.random.Generator.standard_normal` or ``random``, called with ``out``."""


class ChunkDraws:
    """Draw source for the paths of blocks ``[first_block, last_block)``.

    Parameters
    ----------
    seed : int
    n_paths : int
        Total paths of the run (the last block may be partial).
    first_block, last_block : int
    deterministic : bool
    workspace : memory to draw into, handed on from chunk to chunk (see `Workspace`)
    """

    def __init__(
        self, seed: int, n_paths: int, first_block: int, last_block: int, deterministic: bool,
        workspace: Workspace | None = None,
    ) -> None:
        self.seed = seed
        self.workspace = workspace
        self.n_total = n_paths
        self.blocks = range(first_block, last_block)
        self.deterministic = deterministic
        self.sizes = [block_bounds(n_paths, b)[1] - block_bounds(n_paths, b)[0] for b in self.blocks]
        self.n = int(sum(self.sizes))
        self.offset = block_bounds(n_paths, first_block)[0]

    def normal(self, component: str, per_path: int) -> NDArray[np.float64]:
        """Standard normals shaped ``(per_path, n)``: ``per_path`` draws for every path."""
        if self.deterministic:
            return np.zeros((per_path, self.n))
        return self._draw(component, per_path, np.random.Generator.standard_normal)

    def uniform(self, component: str, per_path: int) -> NDArray[np.float64]:
        """Uniforms in [0, 1) shaped ``(per_path, n)``."""
        if self.deterministic:
            return np.full((per_path, self.n), 0.5)
        return self._draw(component, per_path, np.random.Generator.random)

    def _draw(self, component: str, per_path: int, fill: _Fill) -> NDArray[np.float64]:
        """Each block's ``(per_path, STREAM_BLOCK)`` draws of ``component``, in C order, the
        first ``size`` columns of each row side by side, ``(per_path, n)``.

        A full block's row is a contiguous slice of the result, and a generator fills
        consecutive calls with the numbers one call would give: so a full block is drawn
        row by row straight into place (the same numbers, without a copy of every draw); a
        partial block (the run's last) is drawn whole and its first columns copied.
        """
        out = (np.empty((per_path, self.n)) if self.workspace is None
               else self.workspace.empty((per_path, self.n)))
        lo = 0
        for b, size in zip(self.blocks, self.sizes, strict=True):
            gen = substream(self.seed, b, component)
            if size == STREAM_BLOCK:
                for row in out[:, lo:lo + size]:
                    fill(gen, out=row)
            else:
                out[:, lo:lo + size] = fill(gen, out=self._block(per_path))[:, :size]
            lo += size
        return out

    def _block(self, per_path: int) -> NDArray[np.float64]:
        """Room for one block's draws, ``(per_path, STREAM_BLOCK)``."""
        shape = (per_path, STREAM_BLOCK)
        return np.empty(shape) if self.workspace is None else self.workspace.empty(shape)
