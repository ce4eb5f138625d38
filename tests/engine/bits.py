"""Bit-for-bit comparison of float arrays, for the kernels' tests against the numpy code
they replaced."""

from __future__ import annotations

import numpy as np


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal to the bit, -0.0 told from 0.0 (NaN payloads aside: NaN only matches NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or not (np.isnan(a) == np.isnan(b)).all():
        return False
    a, b = np.where(np.isnan(a), 0.0, a), np.where(np.isnan(b), 0.0, b)
    return bool((a.view(np.int64) == b.view(np.int64)).all())
