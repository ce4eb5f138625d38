"""Bounds on scenario numbers: the range a number's whole support must lie in, and the
largest value a scenario may state.

`bounded` and `stated_at_most` build the after-validators of the number types of
`chipcredit.scenario.number` (`Money`, `Fraction`, `Growth`, ...); a number out of bounds is
refused in one line, with the percent or uniform-range form the writer likely meant as the
hint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .numberform import KEYS_BY_DIST, plain, refusal, short

if TYPE_CHECKING:
    from .number import Number

__all__ = ["MAX_AMOUNT", "MAX_COEFFICIENT", "MAX_VOLATILITY", "bounded", "stated_at_most"]

MAX_AMOUNT = 1e9
"""Largest amount, capacity or count a scenario may state (1e9 $B is $1e18, ten thousand
times world GDP): beyond it products of amounts overflow float64 (fuzzing found a capacity
of 1e308 GW)."""
MAX_VOLATILITY = 10.0
"""Largest annual volatility (1000%): beyond it a few hundred quarters of shocks overflow."""
MAX_COEFFICIENT = 100.0
"""Largest size of a beta, loading or logistic coefficient: far beyond any real one, and
small enough that the exponentials these coefficients scale stay finite."""


def bounded(
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    percent_hint: bool = False,
    percent_from: float = 1.0,
    why: str = "",
) -> Callable[[Number], Number]:
    """A check that a Number's whole support lies in ``[low, high]`` (an end excluded
    with ``low_open`` or ``high_open``).

    ``percent_hint`` suggests ``value / 100`` for a rate written as a percent (11 -> 0.11,
    150 -> 1.5 for a growth rate), for values above ``percent_from`` in size whose hundredth
    lies within the bounds. A lognormal or normal range refused for its unbounded tail gets
    the same range written ``uniform`` as the hint. ``why`` follows the bounds in the rule
    of a number above ``high`` (``" (...)"``), to say where a bound that is not a law of
    arithmetic comes from.
    """

    def within(value: float) -> bool:
        return ((low is None or value > low or (value == low and not low_open))
                and (high is None or value < high or (value == high and not high_open)))

    def as_percent(value: float) -> bool:
        """Whether ``value``, out of bounds, reads as a percent of a number within them."""
        return abs(value) > percent_from and within(value / 100)

    def text(high_side: bool) -> str:
        return bounds() + (why if high_side else "")

    def bounds() -> str:
        if low is not None and high is not None and high_open:
            return ("must be above" if low_open else "must be at least") + f" {low:g} and below {high:g}"
        if low is not None and high is not None:
            return f"must be between {low:g} and {high:g}"
        if low is not None:
            return f"must be above {low:g}" if low_open else f"must be at least {low:g}"
        return f"must be at most {high:g}"

    def check(number: Number) -> Number:
        lo, hi = number.support()
        reached = number.dist != "lognormal"  # a lognormal never reaches its bound, 0
        bad_low = low is not None and (lo < low or (low_open and reached and lo == low))
        bad_high = high is not None and (hi > high or (high_open and hi == high))
        if not (bad_low or bad_high):
            return number
        if number.dist == "fixed":
            shown: object = number.value
            hint = None
            value = number.value
            if percent_hint and value is not None and as_percent(value):
                hint = short(value / 100)
            raise refusal(text(bad_high), plain(shown), hint)
        hint = None
        spec = {k: getattr(number, k) for k in KEYS_BY_DIST[number.dist]}
        # a range written in percent: 9/11/13.5 for 0.09/0.11/..
        if percent_hint and number.dist in ("uniform", "triangular") and all(
                as_percent(v) for v in spec.values()):
            hint = "{" + ", ".join(f"{k}: {short(v / 100)}" for k, v in spec.items()) + "}"
        elif low is not None and high is not None and number.dist in ("lognormal", "normal"):
            # a bounded number written as a p05/p95 range: only uniform and triangular
            # ranges have ends (docs/scenario-reference.md, "Bounded numbers")
            scale = 100 if percent_hint and all(as_percent(v) for v in spec.values()) else 1
            if all(within(v / scale) for v in spec.values()):
                hint = _bounded_form(number, scale)
        raise refusal(f"{text(bad_high)} over its whole range ({number.describe()})", None, hint)

    return check


def _bounded_form(number: Number, scale: float = 1) -> str:
    """``{p05: 0.5, p95: 0.9}`` as the uniform range with the same ends (each divided by
    ``scale``), the likely meaning of a bounded number (a probability, a share) written in
    the unbounded p05/p95 form."""
    assert number.p05 is not None and number.p95 is not None
    low, high = short(number.p05 / scale), short(number.p95 / scale)
    return f"{{dist: uniform, low: {low}, high: {high}}}, or dist: triangular with a mode"


def stated_at_most(limit: float, what: str, both_signs: bool = False, in_billions: bool = False
                   ) -> Callable[[Number], Number]:
    """A check that every number written in the spec (value, p05, p95, low, mode, high) is
    at most ``limit`` (in size, with ``both_signs``); an uncertain number may still draw
    above it, but not absurdly. With ``in_billions`` (amounts in $B), a number over the limit
    whose billionth is within it was likely written in dollars: ``5000000000`` gets the hint
    ``5``."""

    def check(number: Number) -> Number:
        for key in ("value", "p05", "p95", "low", "mode", "high"):
            got = getattr(number, key)
            if got is not None and (abs(got) if both_signs else got) > limit:
                name = "" if key == "value" else f"{key} "
                shown = plain(got) if abs(got) < 1e15 else got  # 1e+300, not 301 digits
                bound = (f"between {-limit:g} and {limit:g}" if both_signs
                         else f"at most {limit:g}")
                rule, hint = f"{name}must be {bound}, the limit for {what}", None
                if in_billions and got / 1e9 <= limit:
                    rule, hint = rule + " (amounts are in $B)", short(got / 1e9)
                raise refusal(rule, shown, hint)
        return number

    return check
