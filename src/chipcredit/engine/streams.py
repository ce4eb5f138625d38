"""Keyed random substreams (docs/design.md section 10).

Paths are cut into stream blocks of `STREAM_BLOCK` paths. Every block draws from its own
substreams, keyed by (block index, component name), so:

- results do not depend on how blocks are grouped into compute chunks;
- adding a party or a deal leaves every other component's draws unchanged (common random
  numbers across scenarios that share structure).
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["STREAM_BLOCK", "block_bounds", "component_key", "substream"]

STREAM_BLOCK = 4096
"""Paths per stream block: a constant of the format, not a tuning knob."""


def component_key(name: str) -> tuple[int, int]:
    """Two stable 32-bit words from a component name (blake2b, not Python's salted hash)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")


def substream(seed: int, block: int, component: str) -> np.random.Generator:
    """The generator of one component in one stream block."""
    seq = np.random.SeedSequence(entropy=seed, spawn_key=(block, *component_key(component)))
    return np.random.Generator(np.random.PCG64(seq))


def block_bounds(n_paths: int, block: int) -> tuple[int, int]:
    """First and one-past-last path index of a block."""
    lo = block * STREAM_BLOCK
    return lo, min(lo + STREAM_BLOCK, n_paths)
