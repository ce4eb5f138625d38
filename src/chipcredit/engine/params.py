"""Per-path values of the scenario's numbers.

Each uncertain number is sampled once per path from its own keyed substream, named by the
number's path in the scenario (``parties.xai.revenue.growth.from``), so adding a number
elsewhere leaves its draws unchanged. Fixed numbers stay scalars and broadcast.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.number import Number

from .draws import ChunkDraws

__all__ = ["ParamSampler"]

Value = float | NDArray[np.float64]


class ParamSampler:
    """Turns `Number`s into per-path arrays for one chunk of paths."""

    def __init__(self, draws: ChunkDraws) -> None:
        self.draws = draws

    def __call__(self, number: Number | None, key: str, default: float = 0.0) -> Value:
        """Value of ``number`` per path: a float when fixed, else an array shaped ``(n,)``."""
        if number is None:
            return default
        if number.dist == "fixed":
            assert number.value is not None
            return float(number.value)
        if self.draws.deterministic:
            return number.median()
        u = self.draws.uniform("param:" + key, 1)[0]
        # keep u inside (0, 1): ppf(0) of an unbounded distribution is infinite
        u = np.clip(u, 1e-12, 1.0 - 1e-12)
        return number.ppf(u)

    def quarters(self, number: Number, key: str) -> int:
        """A term in years as whole quarters (at least one). Schedules are shared by every
        path, so an uncertain term takes its largest sampled value."""
        years = float(np.max(self.array(number, key)))
        return max(round(years * 4), 1)

    def array(self, number: Number | None, key: str, default: float = 0.0) -> NDArray[np.float64]:
        """Like calling the sampler, but always an array shaped ``(n,)``."""
        value = self(number, key, default)
        return np.broadcast_to(np.asarray(value, dtype=np.float64), (self.draws.n,)).copy()
