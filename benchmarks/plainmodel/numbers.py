"""Uncertain numbers per path, and the engine's draws received as Python floats.

`ChunkNumbers` samples a scenario `Number` for every path of a chunk from the same keyed
uniform the engine uses (``param:<path in the scenario>``), through the number's inverse
CDF written here with the `math` and `statistics` modules. `PathNumbers` reads one path.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from chipcredit.engine.draws import ChunkDraws

__all__ = ["ChunkNumbers", "PathNumbers", "ppf"]

Z95 = NormalDist().inv_cdf(0.95)
_STD = NormalDist()


def ppf(number: Any, u: float) -> float:
    """Inverse CDF of a scenario number at the uniform ``u`` in (0, 1)."""
    dist = number.dist
    if dist == "fixed":
        return float(number.value)
    if dist in ("normal", "lognormal"):
        z = _STD.inv_cdf(u)
        if dist == "normal":
            return 0.5 * (number.p05 + number.p95) + z * (number.p95 - number.p05) / (2 * Z95)
        lo, hi = math.log(number.p05), math.log(number.p95)
        return math.exp(0.5 * (lo + hi) + z * (hi - lo) / (2 * Z95))
    a, b = number.low, number.high
    if dist == "uniform":
        return a + u * (b - a)
    c = number.mode
    if u < (c - a) / (b - a):
        return a + math.sqrt(u * (b - a) * (c - a))
    return b - math.sqrt((1 - u) * (b - a) * (b - c))


class ChunkNumbers:
    """Every path's value of the scenario's numbers, and the chunk's shocks.

    Parameters
    ----------
    draws : the engine's draw source for the chunk (its random numbers are the oracle's)
    """

    def __init__(self, draws: ChunkDraws) -> None:
        self.draws = draws
        self.n = draws.n
        self.deterministic = draws.deterministic
        self._uniforms: dict[str, list[float]] = {}
        self._shocks: dict[tuple[str, str, int], list[list[float]]] = {}

    def uniform_of(self, key: str) -> list[float]:
        """The number's own uniform per path, kept inside (0, 1)."""
        got = self._uniforms.get(key)
        if got is None:
            raw = self.draws.uniform("param:" + key, 1)[0].tolist()
            got = self._uniforms[key] = [min(max(u, 1e-12), 1.0 - 1e-12) for u in raw]
        return got

    def value(self, number: Any, key: str, path: int, default: float = 0.0) -> float:
        """Value of ``number`` on ``path`` ($B, rate, ... as the field says)."""
        if number is None:
            return default
        if number.dist == "fixed":
            return float(number.value)
        if self.deterministic:
            return ppf(number, 0.5)
        return ppf(number, self.uniform_of(key)[path])

    def quarters(self, number: Any, key: str, path: int = 0) -> int:
        """A span in years as whole quarters on ``path``: ``years * 4`` rounded half up, at
        least one (a deal's term is one number on every path; the planning horizon is the
        path's own)."""
        years = self.value(number, key, path)
        return max(math.floor(years * 4 + 0.5), 1)

    def shocks(self, kind: str, component: str, per_path: int, path: int) -> list[float]:
        """The engine's ``normal`` or ``uniform`` draws of ``component`` on ``path``
        (``per_path`` of them), drawn once for the chunk."""
        key = (kind, component, per_path)
        rows = self._shocks.get(key)
        if rows is None:
            draw = self.draws.normal if kind == "normal" else self.draws.uniform
            rows = self._shocks[key] = draw(component, per_path).T.tolist()
        return rows[path]


class PathNumbers:
    """One path's view of `ChunkNumbers`: ``p(number, key)`` is a float."""

    def __init__(self, chunk: ChunkNumbers, path: int) -> None:
        self.chunk = chunk
        self.path = path
        self.deterministic = chunk.deterministic

    def __call__(self, number: Any, key: str, default: float = 0.0) -> float:
        return self.chunk.value(number, key, self.path, default)

    def normals(self, component: str, per_path: int) -> list[float]:
        """This path's standard normals of ``component``."""
        return self.chunk.shocks("normal", component, per_path, self.path)

    def uniforms(self, component: str, per_path: int) -> list[float]:
        """This path's uniforms in [0, 1) of ``component``."""
        return self.chunk.shocks("uniform", component, per_path, self.path)
