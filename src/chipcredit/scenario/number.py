"""Numbers in a scenario: fixed, uncertain, and sourced.

Any number in a scenario may be written three ways (DESIGN.md section 2a)::

    growth: 0.3                                          # fixed
    growth: {p05: 0.1, p95: 0.6}                         # uncertain, lognormal by default
    growth: {dist: normal, p05: -0.1, p95: 0.6}          # an uncertain number that can reach
                                                         # zero or below names its dist
    growth: {dist: uniform, low: 0.1, high: 0.5}
    growth: {dist: triangular, low: 0.1, mode: 0.2, high: 0.5}
    growth: {value: 0.3, source: "Bloomberg, Jun 2025", basis: fact}   # sourced

``source`` and ``basis`` may sit beside any of these. An uncertain number is sampled once
per path from a uniform draw through its inverse CDF (`Number.ppf`); deterministic runs take
its median.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError
from scipy.special import ndtri

__all__ = [
    "Z95",
    "Fraction",
    "Growth",
    "Money",
    "Number",
    "Positive",
    "Probability",
    "Rate",
    "Signed",
    "bounded",
]

Z95 = 1.6448536269514722  # standard normal quantile at 0.95
Dist = Literal["fixed", "lognormal", "normal", "uniform", "triangular"]

_KEYS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "lognormal": ("p05", "p95"),
    "normal": ("p05", "p95"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
}


def _err(rule: str, value: object = None, suggestion: str | None = None) -> PydanticCustomError:
    return PydanticCustomError(
        "chipcredit", "{rule}", {"rule": rule, "value": value, "suggestion": suggestion}
    )


class Number(BaseModel):
    """A scalar scenario input: fixed or uncertain, optionally with its source.

    Attributes
    ----------
    dist : {"fixed", "lognormal", "normal", "uniform", "triangular"}
    value : float, for ``fixed``
    p05, p95 : float, for ``lognormal`` and ``normal`` (the 5th and 95th percentiles)
    low, mode, high : float, for ``uniform`` and ``triangular``
    source : str, optional
        Where the number comes from ("Bernstein, Oct 2025").
    basis : {"fact", "assumed"}, optional
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    dist: Dist = "fixed"
    value: float | None = None
    p05: float | None = None
    p95: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    source: str | None = None
    basis: Literal["fact", "assumed"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise _err("must be a number", raw)
        if isinstance(raw, int | float):
            try:
                return {"dist": "fixed", "value": float(raw)}
            except OverflowError:
                raise _err("is too large a number", raw) from None
        if isinstance(raw, str):
            try:
                number = float(raw.strip().rstrip("%"))
            except ValueError:
                raise _err("must be a number", raw) from None
            hint = str(number / 100) if raw.strip().endswith("%") else str(number)
            raise _err("must be a number, not text", raw, hint)
        if not isinstance(raw, dict):
            raise _err("must be a number or a map such as {p05: .., p95: ..}", raw)
        data = dict(raw)
        if "dist" not in data:
            if "value" in data:
                data["dist"] = "fixed"
            elif "p05" in data or "p95" in data:
                p05 = data.get("p05")
                if isinstance(p05, int | float) and not isinstance(p05, bool) and p05 <= 0:
                    raise _err(
                        "is an uncertain number that can reach zero or below, so it must "
                        "name its dist (lognormal, the default, needs p05 > 0)",
                        p05,
                        "dist: normal",
                    )
                data["dist"] = "lognormal"
            elif "low" in data or "high" in data:
                data["dist"] = "triangular" if "mode" in data else "uniform"
        return data

    @model_validator(mode="after")
    def _check(self) -> Number:
        needed = _KEYS[self.dist]
        for key in needed:
            if getattr(self, key) is None:
                raise _err(f"needs {key!r} for dist {self.dist}", None)
        for key in ("value", "p05", "p95", "low", "mode", "high"):
            got = getattr(self, key)
            if key not in needed and got is not None:
                raise _err(f"{key!r} does not belong to dist {self.dist}", got)
            if got is not None and not math.isfinite(got):
                raise _err("must be finite", got)
        if self.dist in ("lognormal", "normal"):
            assert self.p05 is not None and self.p95 is not None
            if not self.p05 < self.p95:
                raise _err("p05 must be below p95", (self.p05, self.p95))
            if self.dist == "lognormal" and self.p05 <= 0:
                raise _err("lognormal needs p05 > 0 (use dist: normal)", self.p05)
        if self.dist in ("uniform", "triangular"):
            assert self.low is not None and self.high is not None
            if not self.low < self.high:
                raise _err("low must be below high", (self.low, self.high))
            if self.dist == "triangular":
                assert self.mode is not None
                if not self.low <= self.mode <= self.high:
                    raise _err("mode must lie between low and high", self.mode)
        return self

    @property
    def is_uncertain(self) -> bool:
        return self.dist != "fixed"

    def median(self) -> float:
        """The median, used in deterministic runs."""
        return float(self.ppf(np.array([0.5]))[0])

    def support(self) -> tuple[float, float]:
        """Smallest and largest values the number can take (``±inf`` when unbounded)."""
        if self.dist == "fixed":
            assert self.value is not None
            return self.value, self.value
        if self.dist == "lognormal":
            return 0.0, math.inf
        if self.dist == "normal":
            return -math.inf, math.inf
        assert self.low is not None and self.high is not None
        return self.low, self.high

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Inverse CDF at uniform draws ``u`` in (0, 1), shape preserved."""
        u = np.asarray(u, dtype=np.float64)
        if self.dist == "fixed":
            return np.full(u.shape, self.value, dtype=np.float64)
        if self.dist in ("lognormal", "normal"):
            assert self.p05 is not None and self.p95 is not None
            z = ndtri(u)
            if self.dist == "normal":
                mid = 0.5 * (self.p05 + self.p95)
                return np.asarray(mid + z * (self.p95 - self.p05) / (2 * Z95))
            lo, hi = math.log(self.p05), math.log(self.p95)
            return np.asarray(np.exp(0.5 * (lo + hi) + z * (hi - lo) / (2 * Z95)))
        assert self.low is not None and self.high is not None
        if self.dist == "uniform":
            return self.low + u * (self.high - self.low)
        assert self.mode is not None
        a, c, b = self.low, self.mode, self.high
        cut = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < cut, left, right)

    def describe(self) -> str:
        """Short text of the number: ``35``, ``lognormal p05=15 p95=60``."""
        if self.dist == "fixed":
            return f"{self.value:g}"
        keys = _KEYS[self.dist]
        return self.dist + " " + " ".join(f"{k}={getattr(self, k):g}" for k in keys)


def bounded(
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    percent_hint: bool = False,
) -> Callable[[Number], Number]:
    """A check that a Number's whole support lies in ``[low, high]``.

    ``percent_hint`` suggests ``value / 100`` for a rate written as a percent (11 -> 0.11).
    """

    def text() -> str:
        if low is not None and high is not None:
            return f"must be between {low:g} and {high:g}"
        if low is not None:
            return f"must be above {low:g}" if low_open else f"must be at least {low:g}"
        return f"must be at most {high:g}"

    def check(number: Number) -> Number:
        lo, hi = number.support()
        reached = number.dist != "lognormal"  # a lognormal never reaches its bound, 0
        bad_low = low is not None and (lo < low or (low_open and reached and lo == low))
        bad_high = high is not None and hi > high
        if not (bad_low or bad_high):
            return number
        if number.dist == "fixed":
            shown: object = number.value
            hint = None
            if percent_hint and bad_high and number.value is not None and 1 < number.value <= 100:
                hint = f"{number.value / 100:g}"
            raise _err(text(), _plain(shown), hint)
        raise _err(f"{text()} over its whole range ({number.describe()})", None)

    return check


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Signed = Number
"""Any real number (a beta, a logistic coefficient)."""
Money = Annotated[Number, AfterValidator(bounded(0.0))]
"""An amount in $B, zero or more."""
Positive = Annotated[Number, AfterValidator(bounded(0.0, low_open=True))]
"""A number above zero (a multiple, a half-life in years)."""
Fraction = Annotated[Number, AfterValidator(bounded(0.0, 1.0, percent_hint=True))]
"""A share in [0, 1] (a margin, a haircut, a revenue share)."""
Probability = Fraction
"""A probability in [0, 1]."""
Rate = Annotated[Number, AfterValidator(bounded(0.0, 1.0, percent_hint=True))]
"""An interest rate, nominal annual, in [0, 1]."""
Growth = Annotated[Number, AfterValidator(bounded(-1.0, 100.0, low_open=True))]
"""An effective annual growth or price-change rate, above -1 (1.0 doubles in a year)."""
