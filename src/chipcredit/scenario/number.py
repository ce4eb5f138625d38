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
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError
from scipy.special import ndtri

__all__ = [
    "MAX_AMOUNT",
    "MAX_COEFFICIENT",
    "MAX_VOLATILITY",
    "Z95",
    "DiscountRate",
    "Fraction",
    "Growth",
    "Money",
    "Number",
    "Positive",
    "Probability",
    "Rate",
    "Real",
    "Signed",
    "Volatility",
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


def _short(x: float) -> str:
    return f"{x:.10g}"


def _text_error(raw: str) -> PydanticCustomError:
    """A number written as text (``"0.125"``, ``"11%"``): refused, with the number meant."""
    stripped = raw.strip()
    try:
        number = float(stripped.removesuffix("%").strip())
    except ValueError:
        return _err("must be a number", raw)
    if not math.isfinite(number):
        return _err("must be a number, not text", raw)
    hint = _short(number / 100) if stripped.endswith("%") else _short(number)
    return _err("must be a number, not text", raw, hint)


_FORMS: dict[str, tuple[str, ...]] = {
    "value": ("value",),
    "p05/p95": ("p05", "p95"),
    "low/high": ("low", "mode", "high"),
}
"""The ways a number without ``dist`` may be written, by the keys each uses."""


def _refuse_mixed_forms(data: dict[Any, Any]) -> None:
    """Refuse a map that mixes the keys of two forms (``{low: 5, high: 7, p05: 6}``),
    naming the stray key rather than blaming the form the writer meant."""
    used = {form: [k for k in keys if k in data] for form, keys in _FORMS.items()}
    used = {form: keys for form, keys in used.items() if keys}
    if len(used) < 2:
        return
    # the form meant is the one written in full (low and high, or p05 and p95), else the
    # one with most keys; every other key is stray
    def fullness(form: str) -> tuple[bool, int]:
        needed = [k for k in _FORMS[form] if k != "mode"]
        return all(k in data for k in needed), len(used[form])

    meant = max(used, key=fullness)
    stray = [k for form, keys in used.items() if form != meant for k in keys]
    others = " and ".join(form for form in used if form != meant)
    kept = ", ".join(f"{k}: {_short_any(v)}" for k, v in data.items() if k not in stray)
    raise _err(f"mixes two forms of number, {meant} and {others}: "
               f"{' and '.join(repr(k) for k in stray)} is stray",
               {k: data[k] for k in stray} if len(stray) > 1 else data[stray[0]],
               "{" + kept + "}")


def _short_any(value: object) -> str:
    """A value as the user wrote it: ``5`` for 5.0, the shortest exact form otherwise."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _real(raw: Any) -> Any:
    """Refuse text and true/false where a number is due: pydantic would turn ``"0.125"`` into
    0.125 and ``true`` into 1.0 without a word (a loan at a 100% rate)."""
    if isinstance(raw, bool):
        raise _err("must be a number", raw)  # as the bare `rate: true` is
    if isinstance(raw, str):
        raise _text_error(raw)
    return raw


Real = Annotated[float, BeforeValidator(_real)]
"""A plain float field that refuses text and booleans (YAML numbers only)."""
_Spec = Annotated[float | None, BeforeValidator(_real)]


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
    value: _Spec = None
    p05: _Spec = None
    p95: _Spec = None
    low: _Spec = None
    mode: _Spec = None
    high: _Spec = None
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
            raise _text_error(raw)
        if not isinstance(raw, dict):
            raise _err("must be a number or a map such as {p05: .., p95: ..}", raw)
        data = dict(raw)
        if "dist" not in data:
            _refuse_mixed_forms(data)
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
        # a foreign key first: {dist: uniform, p05: .., p95: ..} is better told that p05 is
        # not uniform's than that low is missing
        for key in ("value", "p05", "p95", "low", "mode", "high"):
            got = getattr(self, key)
            if key not in needed and got is not None:
                raise _err(f"{key!r} does not belong to dist {self.dist}", got)
            if got is not None and not math.isfinite(got):
                raise _err("must be finite", got)
        for key in needed:
            if getattr(self, key) is None:
                raise _err(f"needs {key!r} for dist {self.dist}", None)
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
    percent_from: float = 1.0,
) -> Callable[[Number], Number]:
    """A check that a Number's whole support lies in ``[low, high]``.

    ``percent_hint`` suggests ``value / 100`` for a rate written as a percent (11 -> 0.11,
    150 -> 1.5 for a growth rate), for values above ``percent_from`` in size whose hundredth
    lies within the bounds. A lognormal or normal range refused for its unbounded tail gets
    the same range written ``uniform`` as the hint.
    """

    def within(value: float) -> bool:
        return ((low is None or value > low or (value == low and not low_open))
                and (high is None or value <= high))

    def as_percent(value: float) -> bool:
        """Whether ``value``, out of bounds, reads as a percent of a number within them."""
        return abs(value) > percent_from and within(value / 100)

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
            value = number.value
            if percent_hint and value is not None and as_percent(value):
                hint = _short(value / 100)
            raise _err(text(), _plain(shown), hint)
        hint = None
        spec = {k: getattr(number, k) for k in _KEYS[number.dist]}
        # a range written in percent: 9/11/13.5 for 0.09/0.11/..
        if percent_hint and number.dist in ("uniform", "triangular") and all(
                as_percent(v) for v in spec.values()):
            hint = "{" + ", ".join(f"{k}: {_short(v / 100)}" for k, v in spec.items()) + "}"
        elif low is not None and high is not None and number.dist in ("lognormal", "normal"):
            # a bounded number written as a p05/p95 range: only uniform and triangular
            # ranges have ends (docs/scenario-reference.md, "Bounded numbers")
            scale = 100 if percent_hint and all(as_percent(v) for v in spec.values()) else 1
            if all(within(v / scale) for v in spec.values()):
                hint = _bounded_form(number, scale)
        raise _err(f"{text()} over its whole range ({number.describe()})", None, hint)

    return check


def _bounded_form(number: Number, scale: float = 1) -> str:
    """``{p05: 0.5, p95: 0.9}`` as the uniform range with the same ends (each divided by
    ``scale``), the likely meaning of a bounded number (a probability, a share) written in
    the unbounded p05/p95 form."""
    assert number.p05 is not None and number.p95 is not None
    low, high = _short(number.p05 / scale), _short(number.p95 / scale)
    return f"{{dist: uniform, low: {low}, high: {high}}}, or dist: triangular with a mode"


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


MAX_AMOUNT = 1e9
"""Largest amount, capacity or count a scenario may state (1e9 $B is $1e18, ten thousand
times world GDP): beyond it products of amounts overflow float64 (fuzzing found a capacity
of 1e308 GW)."""
MAX_VOLATILITY = 10.0
"""Largest annual volatility (1000%): beyond it a few hundred quarters of shocks overflow."""


def stated_at_most(limit: float, what: str, both_signs: bool = False
                   ) -> Callable[[Number], Number]:
    """A check that every number written in the spec (value, p05, p95, low, mode, high) is
    at most ``limit`` (in size, with ``both_signs``); an uncertain number may still draw
    above it, but not absurdly."""

    def check(number: Number) -> Number:
        for key in ("value", "p05", "p95", "low", "mode", "high"):
            got = getattr(number, key)
            if got is not None and (abs(got) if both_signs else got) > limit:
                name = "" if key == "value" else f"{key} "
                shown = _plain(got) if abs(got) < 1e15 else got  # 1e+300, not 301 digits
                bound = (f"between {-limit:g} and {limit:g}" if both_signs
                         else f"at most {limit:g}")
                raise _err(f"{name}must be {bound}, the limit for {what}", shown)
        return number

    return check


MAX_COEFFICIENT = 100.0
"""Largest size of a beta, loading or logistic coefficient: far beyond any real one, and
small enough that the exponentials these coefficients scale stay finite."""
Signed = Annotated[Number, AfterValidator(stated_at_most(MAX_COEFFICIENT, "a coefficient",
                                                         both_signs=True))]
"""A real number of either sign (a beta, a logistic coefficient), in size at most
`MAX_COEFFICIENT`."""
Money = Annotated[Number, AfterValidator(bounded(0.0)),
                  AfterValidator(stated_at_most(MAX_AMOUNT, "an amount, capacity or count"))]
"""An amount in $B (or a capacity, or a count), zero or more, stated at most `MAX_AMOUNT`."""
Volatility = Annotated[Number, AfterValidator(bounded(0.0)),
                       AfterValidator(stated_at_most(MAX_VOLATILITY, "a volatility"))]
"""An annual volatility, zero or more, stated at most `MAX_VOLATILITY`."""
Positive = Annotated[Number, AfterValidator(bounded(0.0, low_open=True)),
                     AfterValidator(stated_at_most(MAX_AMOUNT, "an amount, term or multiple"))]
"""A number above zero (a multiple, a half-life in years)."""
# a share of 1.5 is a slip more often than 1.5%, so shares get the hint from 2 (a rate of
# 1.5 is 1.5% far more often)
Fraction = Annotated[Number, AfterValidator(bounded(0.0, 1.0, percent_hint=True,
                                                    percent_from=2.0))]
"""A share in [0, 1] (a margin, a haircut, a revenue share)."""
Probability = Fraction
"""A probability in [0, 1]."""
Rate = Annotated[Number, AfterValidator(bounded(0.0, 1.0, percent_hint=True))]
"""An interest rate, nominal annual, in [0, 1]."""
Growth = Annotated[Number, AfterValidator(bounded(-1.0, 100.0, low_open=True, percent_hint=True))]
"""An effective annual growth or price-change rate, above -1 (1.0 doubles in a year);
``150`` is refused with the hint ``1.5``."""
DiscountRate = Annotated[Number, AfterValidator(bounded(-1.0, 1.0, low_open=True,
                                                        percent_hint=True))]
"""An effective annual discount rate (a cost of capital, a hurdle), above -1 and at most 1:
a discount rate above 100% a year is a percent written as a number (``8`` for 0.08)."""
