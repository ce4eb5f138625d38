"""`ChunkDraws` against the plain definition of a chunk's draws.

Each stream block's substream fills a ``(per_path, STREAM_BLOCK)`` array in one call, in C
order, and the block keeps its first ``size`` columns; a chunk's draws are its blocks' side
by side. `ChunkDraws` draws a full block row by row straight into place instead: these tests
check that it gives the same bits, for full and partial blocks and any chunking.
"""

from __future__ import annotations

import numpy as np
import pytest

from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.streams import STREAM_BLOCK, block_bounds, substream
from chipcredit.engine.workspace import Workspace


def _reference(seed: int, paths: int, first: int, last: int, component: str, per_path: int,
               kind: str) -> np.ndarray:
    parts = []
    for b in range(first, last):
        lo, hi = block_bounds(paths, b)
        gen = substream(seed, b, component)
        block = (gen.standard_normal((per_path, STREAM_BLOCK)) if kind == "normal"
                 else gen.random((per_path, STREAM_BLOCK)))
        parts.append(block[:, : hi - lo])
    return np.concatenate(parts, axis=1)


@pytest.mark.parametrize("kind", ["normal", "uniform"])
@pytest.mark.parametrize(("paths", "first", "last"), [
    (2 * STREAM_BLOCK, 0, 2),        # two full blocks
    (2 * STREAM_BLOCK + 7, 1, 3),    # a full block, then the run's partial last block
    (2 * STREAM_BLOCK + 7, 2, 3),    # the partial block alone
    (1, 0, 1),                       # a run of one path
])
@pytest.mark.parametrize("per_path", [1, 3, 40])
@pytest.mark.parametrize("lent", [False, True])
def test_chunk_draws_match_the_blockwise_definition(kind: str, paths: int, first: int, last: int,
                                                    per_path: int, lent: bool) -> None:
    draws = ChunkDraws(11, paths, first, last, False, Workspace() if lent else None)
    got = getattr(draws, kind)("lab:x", per_path)
    want = _reference(11, paths, first, last, "lab:x", per_path, kind)
    assert got.shape == want.shape == (per_path, draws.n)
    assert got.tobytes() == want.tobytes()


def test_a_path_draws_the_same_whatever_its_chunk() -> None:
    paths = 3 * STREAM_BLOCK + 5
    whole = ChunkDraws(3, paths, 0, 4, False).normal("market", 12)
    pieces = [ChunkDraws(3, paths, b, b + 1, False).normal("market", 12) for b in range(4)]
    assert whole.tobytes() == np.concatenate(pieces, axis=1).tobytes()


def test_a_reused_workspace_array_is_overwritten_entirely() -> None:
    ws = Workspace()
    ws.empty((5, 2 * STREAM_BLOCK)).fill(np.nan)  # stale contents from an earlier chunk
    ws.recycle()
    got = ChunkDraws(4, 2 * STREAM_BLOCK, 0, 2, False, ws).uniform("u", 5)
    assert got.tobytes() == _reference(4, 2 * STREAM_BLOCK, 0, 2, "u", 5, "uniform").tobytes()
