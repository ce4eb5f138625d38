"""Rank correlations between uncertain numbers, and the check that they can coexist.

A scenario may declare::

    correlations:
      - {a: parties.openai.revenue.growth.from, b: parties.xai.revenue.growth.from, rho: 0.6}

``rho`` is a Spearman rank correlation. The engine samples the numbers through a Gaussian
copula: each number keeps its own keyed uniform draw, and the normal scores of the
correlated group are mixed by the Cholesky factor of the matching Pearson matrix
(``2 sin(pi rho / 6)``), so numbers outside the group, and every other draw, are unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from .base import Model
from .number import Real

__all__ = ["Correlation", "correlation_matrix", "offending_pair", "pearson_from_spearman"]


class Correlation(Model):
    """A rank (Spearman) correlation between two uncertain numbers, by parameter path."""

    a: str
    b: str
    rho: Real = Field(ge=-1.0, le=1.0)


def pearson_from_spearman(rho: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """The normal-copula Pearson correlation that gives rank correlation ``rho``."""
    return np.asarray(2.0 * np.sin(math.pi * np.asarray(rho) / 6.0))


def correlation_matrix(names: Sequence[str], pairs: Sequence[Correlation]) -> NDArray[np.float64]:
    """The Spearman matrix over ``names`` (unit diagonal, zero where no pair is given)."""
    index = {n: i for i, n in enumerate(names)}
    m = np.eye(len(names))
    for pair in pairs:
        i, j = index[pair.a], index[pair.b]
        m[i, j] = m[j, i] = pair.rho
    return m


def offending_pair(names: list[str], spearman: NDArray[np.float64]) -> tuple[str, str] | None:
    """None if the copula's Pearson matrix is positive semi-definite, else the pair that
    contributes most to its most negative eigenvalue."""
    pearson = pearson_from_spearman(spearman)
    np.fill_diagonal(pearson, 1.0)
    values, vectors = np.linalg.eigh(pearson)
    if values[0] >= -1e-10:
        return None
    v = vectors[:, 0]
    weight = np.abs(np.outer(v, v) * pearson)
    np.fill_diagonal(weight, 0.0)
    i, j = np.unravel_index(int(np.argmax(weight)), weight.shape)
    a, b = sorted((int(i), int(j)))
    return names[a], names[b]
