"""Per-path values of the scenario's numbers.

Each uncertain number is sampled once per path from its own keyed substream, named by the
number's path in the scenario (``parties.xai.revenue.growth.from``), so adding a number
elsewhere leaves its draws unchanged. Fixed numbers stay scalars and broadcast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from chipcredit.scenario.correlation import (
    Correlation,
    correlation_matrix,
    pearson_from_spearman,
)
from chipcredit.scenario.number import Number, whole_quarters

from .draws import ChunkDraws

__all__ = ["ParamSampler", "compact"]

Value = float | NDArray[np.float64]


def compact(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """``values`` ``(n,)`` as a one-element array when every path holds the same number (a
    fixed number, or a median in the base case), else ``values`` itself.

    For a per-quarter power or exponential of a fixed number: numpy gives an element the
    same bits alone as inside a full array (`tests/engine/test_compact.py` checks it), so
    computing it once and broadcasting the result changes no number.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1 and values.size > 1:
        bits = values.view(np.int64)  # the same bits: -0.0 and 0.0 are not the same number
        if bool((bits == bits[0]).all()):
            return values[:1].copy()
    return values


class ParamSampler:
    """Turns `Number`s into per-path arrays for one chunk of paths."""

    def __init__(self, draws: ChunkDraws, correlations: Sequence[Correlation] | None = None) -> None:
        self.draws = draws
        self.correlations = list(correlations or [])
        self.correlated = {name for c in self.correlations for name in (c.a, c.b)}
        self._joint: dict[str, NDArray[np.float64]] | None = None

    def uniform(self, key: str) -> NDArray[np.float64]:
        """The number's own uniform draw per path, ``(n,)``, inside (0, 1); correlated
        numbers are mixed through the Gaussian copula first."""
        if key in self.correlated:
            if self._joint is None:
                self._joint = self._copula()
            return self._joint[key]
        # keep u inside (0, 1): ppf(0) of an unbounded distribution is infinite
        return np.clip(self.draws.uniform("param:" + key, 1)[0], 1e-12, 1.0 - 1e-12)

    def _copula(self) -> dict[str, NDArray[np.float64]]:
        names = sorted(self.correlated)
        pearson = pearson_from_spearman(correlation_matrix(names, self.correlations))
        np.fill_diagonal(pearson, 1.0)
        values, vectors = np.linalg.eigh(pearson)
        root = vectors * np.sqrt(np.maximum(values, 0.0))  # pearson = root @ root.T
        own = np.stack([np.clip(self.draws.uniform("param:" + k, 1)[0], 1e-12, 1 - 1e-12)
                        for k in names])
        scores = ndtri(own)
        # an explicit sum, not ``@``: BLAS would round a path's value depending on the chunk
        mixed_scores = np.zeros_like(scores)
        for j in range(len(names)):
            mixed_scores += root[:, j:j + 1] * scores[j]
        mixed = np.clip(ndtr(mixed_scores), 1e-12, 1.0 - 1e-12)
        return {k: mixed[i] for i, k in enumerate(names)}

    def __call__(self, number: Number | None, key: str, default: float = 0.0) -> Value:
        """Value of ``number`` per path: a float when fixed, else an array shaped ``(n,)``."""
        if number is None:
            return default
        if number.dist == "fixed":
            assert number.value is not None
            return float(number.value)
        if self.draws.deterministic:
            return number.median()
        return number.ppf(self.uniform(key))

    def quarters(self, number: Number, key: str) -> int:
        """A deal's term in years as whole quarters, half up, at least one
        (`whole_quarters`). A schedule is laid out once for every path, so the term is a
        single number: the loader refuses an uncertain one (`scenario.number.Term`)."""
        if number.is_uncertain:
            raise ValueError(f"{key}: a term must be a single number (scenario.number.Term)")
        assert number.value is not None
        return int(whole_quarters(number.value))

    def quarters_per_path(self, number: Number, key: str) -> NDArray[np.int64]:
        """A span in years as whole quarters on each path, half up, at least one,
        ``(n,)`` int64: each path's own draw (the median in a deterministic run), so a
        path's value depends neither on the other paths of its chunk nor on their number."""
        return whole_quarters(self.array(number, key))

    def array(self, number: Number | None, key: str, default: float = 0.0) -> NDArray[np.float64]:
        """Like calling the sampler, but always an array shaped ``(n,)``."""
        value = self(number, key, default)
        return np.broadcast_to(np.asarray(value, dtype=np.float64), (self.draws.n,)).copy()
