"""A lab's or a cloud's equity rounds (`Funding`) and its opening cap table (`CapTable`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import FrozenMap, Id, Model, ReadOnly
from .number import Fraction, Money, Number, OpenFraction, Positive, Signed

__all__ = ["CapTable", "Funding", "FundingSuccess", "Maturity"]


def _n(x: float) -> Number:
    return Number(value=x)


class FundingSuccess(Model):
    """Coefficients of the round-success logistic.

    ``P(success) = 1 / (1 + exp(-(base + momentum * m + sentiment * s + winter * w)))``
    where ``m`` is trailing four-quarter revenue growth, ``s`` sentiment and ``w`` 1 in winter.
    """

    base: Signed
    momentum: Signed = Field(default_factory=lambda: _n(0.0))
    sentiment: Signed = Field(default_factory=lambda: _n(0.0))
    winter: Signed = Field(default_factory=lambda: _n(0.0))


class Maturity(Model):
    """A valuation multiple that matures: it moves from ``valuation_multiple`` towards a
    mature ``multiple``, the log of their ratio halving every ``half_life_years``.

    ``m(t) = multiple * (valuation_multiple / multiple) ** (0.5 ** (t / half_life_years))``
    with ``t`` in years since the scenario start (``q / 4`` in quarter ``q``). The premium
    is decayed in logs, not in level, because a revenue multiple above a mature one prices
    the growth still to come, and its log is roughly that excess growth summed over the
    years left: as the growth decays towards its long-run rate, the log premium decays with
    it. In level a 230x multiple would still be 119x after one half-life.

    Attributes
    ----------
    multiple : the mature multiple, pre-money valuation over annual revenue run-rate
    half_life_years : years for the log of (multiple / mature multiple) to halve
    """

    multiple: Positive
    half_life_years: Positive


class Funding(Model):
    """A lab's equity rounds.

    Attributes
    ----------
    buffer_quarters : a round is tried when cash falls below this many quarters of burn
    round_quarters : a round raises this many quarters of burn (at least the arrears)
    valuation_multiple : pre-money valuation over annual revenue run-rate, at zero sentiment
        (at the start, when ``maturity`` is given)
    sentiment_loading : the multiple moves by ``exp(sentiment_loading * sentiment)``
    success : the logistic of round success
    maturity : the multiple decays towards a mature one (`Maturity`); none: it stays fixed
    max_dilution : the most of the company a round sells, as a share of the post-money
        valuation: a round raises at most ``pre_money * d / (1 - d)``; none: no limit
    max_dilution_per_year : the most of the company the rounds of any four trailing
        quarters (this one included) sell together: they issue at most ``d / (1 - d)``
        times the shares outstanding before the first of them; none: no limit
    """

    buffer_quarters: Money = Field(default_factory=lambda: _n(4.0))
    round_quarters: Positive = Field(default_factory=lambda: _n(6.0))
    valuation_multiple: Positive
    sentiment_loading: Signed = Field(default_factory=lambda: _n(0.5))
    success: FundingSuccess
    maturity: Maturity | None = None
    max_dilution: OpenFraction | None = None
    max_dilution_per_year: OpenFraction | None = None


class CapTable(Model):
    """The opening cap table: declared holders' fractions; ``founders`` hold the rest."""

    holders: Annotated[dict[Id, Fraction], ReadOnly] = Field(default_factory=FrozenMap)
