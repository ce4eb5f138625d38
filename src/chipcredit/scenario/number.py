"""Numbers in a scenario: fixed, uncertain, and sourced.

Any number in a scenario may be written three ways (docs/design.md section 2a)::

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

The written forms and their refusals live in `chipcredit.scenario.numberform`, the bound
checks and stated limits in `chipcredit.scenario.bound`; this module re-exports what other
modules import from it (`Real`, `bounded`, `stated_at_most`, `MAX_AMOUNT`, ...).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator
from scipy.special import ndtri

from .bound import MAX_AMOUNT, MAX_COEFFICIENT, MAX_VOLATILITY, bounded, stated_at_most
from .numberform import KEYS_BY_DIST, Real, Spec, plain, refusal, refuse_mixed_forms, text_refusal

__all__ = [
    "MAX_AMOUNT",
    "MAX_COEFFICIENT",
    "MAX_GROWTH",
    "MAX_VOLATILITY",
    "Z95",
    "DiscountRate",
    "Fraction",
    "Growth",
    "Money",
    "Number",
    "OpenFraction",
    "Positive",
    "Probability",
    "Quarters",
    "Rate",
    "Real",
    "Signed",
    "Term",
    "Volatility",
    "bounded",
    "stated_at_most",
    "whole_quarters",
]

Z95 = 1.6448536269514722  # standard normal quantile at 0.95
Dist = Literal["fixed", "lognormal", "normal", "uniform", "triangular"]


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
    value: Spec = None
    p05: Spec = None
    p95: Spec = None
    low: Spec = None
    mode: Spec = None
    high: Spec = None
    source: str | None = None
    basis: Literal["fact", "assumed"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise refusal("must be a number", raw)
        if isinstance(raw, int | float):
            try:
                return {"dist": "fixed", "value": float(raw)}
            except OverflowError:
                raise refusal("is too large a number", raw) from None
        if isinstance(raw, str):
            raise text_refusal(raw)
        if not isinstance(raw, dict):
            raise refusal("must be a number or a map such as {p05: .., p95: ..}", raw)
        data = dict(raw)
        if "dist" not in data:
            refuse_mixed_forms(data)
            if "value" in data:
                data["dist"] = "fixed"
            elif "p05" in data or "p95" in data:
                p05 = data.get("p05")
                if isinstance(p05, int | float) and not isinstance(p05, bool) and p05 <= 0:
                    raise refusal(
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
        if self.basis == "fact" and not (self.source or "").strip():
            # docs/design.md section 2a: a fact is a reported figure, so it names where it comes
            # from; a number with no source to name is an assumption
            raise refusal("is marked basis: fact but has no source; a fact must name where it "
                          "comes from in source (or be marked basis: assumed)",
                          self.source if self.source is not None else None)
        needed = KEYS_BY_DIST[self.dist]
        # a foreign key first: {dist: uniform, p05: .., p95: ..} is better told that p05 is
        # not uniform's than that low is missing
        for key in ("value", "p05", "p95", "low", "mode", "high"):
            got = getattr(self, key)
            if key not in needed and got is not None:
                raise refusal(f"{key!r} does not belong to dist {self.dist}", got)
            if got is not None and not math.isfinite(got):
                raise refusal("must be finite", got)
        for key in needed:
            if getattr(self, key) is None:
                raise refusal(f"needs {key!r} for dist {self.dist}", None)
        if self.dist in ("lognormal", "normal"):
            assert self.p05 is not None and self.p95 is not None
            if not self.p05 < self.p95:
                raise refusal("p05 must be below p95", (self.p05, self.p95))
            if self.dist == "lognormal" and self.p05 <= 0:
                raise refusal("lognormal needs p05 > 0 (use dist: normal)", self.p05)
        if self.dist in ("uniform", "triangular"):
            assert self.low is not None and self.high is not None
            if not self.low < self.high:
                raise refusal("low must be below high", (self.low, self.high))
            if self.dist == "triangular":
                assert self.mode is not None
                if not self.low <= self.mode <= self.high:
                    raise refusal("mode must lie between low and high", self.mode)
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
        keys = KEYS_BY_DIST[self.dist]
        return self.dist + " " + " ".join(f"{k}={getattr(self, k):g}" for k in keys)


Signed = Annotated[Number, AfterValidator(stated_at_most(MAX_COEFFICIENT, "a coefficient",
                                                         both_signs=True))]
"""A real number of either sign (a beta, a logistic coefficient), in size at most
`MAX_COEFFICIENT`."""
Money = Annotated[Number, AfterValidator(bounded(0.0)),
                  AfterValidator(stated_at_most(MAX_AMOUNT, "an amount, capacity or count",
                                                in_billions=True))]
"""An amount in $B (or a capacity, or a count), zero or more, stated at most `MAX_AMOUNT`."""
Volatility = Annotated[Number, AfterValidator(bounded(0.0)),
                       AfterValidator(stated_at_most(MAX_VOLATILITY, "a volatility"))]
"""An annual volatility, zero or more, stated at most `MAX_VOLATILITY`."""
Positive = Annotated[Number, AfterValidator(bounded(0.0, low_open=True)),
                     AfterValidator(stated_at_most(MAX_AMOUNT, "an amount, term or multiple"))]
"""A number above zero (a multiple, a half-life in years)."""


def whole_quarters(years: float | NDArray[np.float64]) -> NDArray[np.int64]:
    """A span in years as whole quarters: ``years * 4`` rounded half up, at least one.

    The one rounding of every years field that becomes a count of quarters (a deal's term,
    a credit facility's availability, a cloud contract's term, the choice model's planning
    horizon): ``0.625`` years is 3 quarters, ``0.875`` is 4, ``0.1`` is 1 (as a contract's
    ``ramp_quarters`` is rounded half up). Python's ``round`` would take a half to the even
    neighbour, so 0.625 would be 2 quarters.

    Parameters
    ----------
    years : float or (n,) years

    Returns
    -------
    ``years``' shape (0-d for a float), int64 quarters
    """
    quarters = np.floor(np.asarray(years, dtype=np.float64) * 4.0 + 0.5)
    return np.maximum(quarters, 1.0).astype(np.int64)


def _single(number: Number) -> Number:
    """A term is one number: a deal's schedule is laid out once for every path."""
    if number.is_uncertain:
        raise refusal("must be a single number: uncertain terms are not supported yet (a "
                      "deal's schedule is laid out once for every path)", number.describe(),
                      f"{plain(round(number.median(), 2))} (its median)")
    return number


Term = Annotated[Positive, AfterValidator(_single)]
"""A deal's term in years (a loan's, a vendor credit's, an SPV's debt and lease, a credit
facility's term and availability, a cloud contract's): above zero and fixed, rounded to
whole quarters half up (`whole_quarters`). An uncertain term is refused at load."""
Quarters = Annotated[Number, AfterValidator(bounded(1.0)),
                     AfterValidator(stated_at_most(MAX_AMOUNT, "a count of quarters"))]
"""A count of quarters, at least one (a contract's delivery ramp); the engine rounds each
path's value to whole quarters."""
# a share of 1.5 is a slip more often than 1.5%, so shares get the hint from 2 (a rate of
# 1.5 is 1.5% far more often)
Fraction = Annotated[Number, AfterValidator(bounded(0.0, 1.0, percent_hint=True,
                                                    percent_from=2.0))]
"""A share in [0, 1] (a margin, a haircut, a revenue share)."""
OpenFraction = Annotated[Number, AfterValidator(bounded(0.0, 1.0, low_open=True, high_open=True,
                                                        percent_hint=True))]
"""A share strictly between 0 and 1 (a round's most dilution: at 1 a round could raise
without limit); ``13`` is refused with the hint ``0.13``."""
Probability = Fraction
"""A probability in [0, 1]."""
Rate = Annotated[Number, AfterValidator(bounded(0.0, 1.0, percent_hint=True))]
"""An interest rate, nominal annual, in [0, 1]."""
MAX_GROWTH = 10.0
"""Bound (excluded) on an effective annual growth rate: 10 is 1,000% a year, eleven-fold. The
fastest sourced growths are far below it: OpenAI's ARR and compute about 3x a year (growth
2), frontier training compute 4-5x a year (growth 3-4), xAI's planned 2025-26 revenue 4x
(growth 3); the largest in a bundled scenario is 4.0. A growth written as a percent (``100``
for doubling, ``20`` for 20%) is refused with its hundredth as the hint."""
Growth = Annotated[Number, AfterValidator(bounded(
    -1.0, MAX_GROWTH, low_open=True, high_open=True, percent_hint=True,
    why=" (effective annual: 1.0 doubles in a year; the fastest sourced growths are 2 to 4)"))]
"""An effective annual growth or price-change rate, above -1 (1.0 doubles in a year) and
below `MAX_GROWTH`; ``150`` is refused with the hint ``1.5``, ``20`` with ``0.2``."""
DiscountRate = Annotated[Number, AfterValidator(bounded(-1.0, 1.0, low_open=True,
                                                        percent_hint=True))]
"""An effective annual discount rate (a cost of capital, a hurdle), above -1 and at most 1:
a discount rate above 100% a year is a percent written as a number (``8`` for 0.08)."""
