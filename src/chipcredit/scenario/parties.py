"""Parties: vendors, labs, buyers, investors and lenders, chosen by ``kind:``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import GrowthPath, Id, Model
from .number import Fraction, Growth, Money, Number, Positive, Signed

__all__ = [
    "Buyer",
    "CapTable",
    "Compute",
    "Costs",
    "Demand",
    "Funding",
    "FundingSuccess",
    "Investor",
    "Lab",
    "Lender",
    "Party",
    "Revenue",
    "Vendor",
]


def _n(x: float) -> Number:
    return Number(value=x)


class _PartyBase(Model):
    id: Id
    name: str | None = None
    description: str | None = None
    discount_rate: Growth = Field(default_factory=lambda: _n(0.10))
    """Effective annual rate at which this party discounts its flows for NPV."""


class Vendor(_PartyBase):
    """A chipmaker.

    Attributes
    ----------
    content_per_unit : $B of the vendor's hardware in one capacity unit at the start
    price_change_per_year : effective annual change of the content per unit
    gross_margin : share of sales kept as gross profit; the rest (cost of goods) goes to
        ``customers``
    cash : $B at the start. Vendors, investors and lenders are funded parties: they pay their
        commitments from outside capital, so their balance is their net cash position.
    """

    kind: Literal["vendor"]
    content_per_unit: Positive
    price_change_per_year: Growth = Field(default_factory=lambda: _n(0.0))
    gross_margin: Fraction
    cash: Money = Field(default_factory=lambda: _n(0.0))


class Revenue(Model):
    """A lab's revenue run-rate ($B per year) and its dynamics.

    Attributes
    ----------
    run_rate : $B per year at the start
    growth : decaying effective annual growth
    volatility : annual volatility of the lab's own shock
    beta : loading on the common AI-demand factor
    """

    run_rate: Money
    growth: GrowthPath
    volatility: Money = Field(default_factory=lambda: _n(0.0))
    beta: Signed = Field(default_factory=lambda: _n(1.0))


class Costs(Model):
    """A lab's operating costs, besides power (in the market) and compute purchases.

    Attributes
    ----------
    fixed_per_year : $B per year (staff, overhead) at the start
    fixed_growth : effective annual growth of the fixed costs
    revenue_share : share of revenue owed to partners and serving costs, paid each quarter
    """

    fixed_per_year: Money = Field(default_factory=lambda: _n(0.0))
    fixed_growth: Growth = Field(default_factory=lambda: _n(0.0))
    revenue_share: Fraction = Field(default_factory=lambda: _n(0.0))


class Compute(Model):
    """A lab's compute: installed capacity, and what inference and training need.

    Attributes
    ----------
    installed : capacity units installed at the start (taken as evenly spread in age)
    per_revenue : capacity units of inference per $B of annual revenue run-rate
    efficiency_gain_per_year : effective annual fall of ``per_revenue``
    training : capacity units of training need at the start
    training_growth : decaying growth of the training need (the burn paradox)
    """

    installed: Money
    per_revenue: Money
    efficiency_gain_per_year: Growth = Field(default_factory=lambda: _n(0.0))
    training: Money
    training_growth: GrowthPath


class FundingSuccess(Model):
    """Coefficients of the round-success logistic.

    ``P(success) = 1 / (1 + exp(-(base + momentum * m + sentiment * s + winter * w)))``
    where ``m`` is trailing four-quarter revenue growth, ``s`` sentiment and ``w`` 1 in winter.
    """

    base: Signed
    momentum: Signed = Field(default_factory=lambda: _n(0.0))
    sentiment: Signed = Field(default_factory=lambda: _n(0.0))
    winter: Signed = Field(default_factory=lambda: _n(0.0))


class Funding(Model):
    """A lab's equity rounds.

    Attributes
    ----------
    buffer_quarters : a round is tried when cash falls below this many quarters of burn
    round_quarters : a round raises this many quarters of burn (at least the arrears)
    valuation_multiple : pre-money valuation over annual revenue run-rate, at zero sentiment
    sentiment_loading : the multiple moves by ``exp(sentiment_loading * sentiment)``
    success : the logistic of round success
    """

    buffer_quarters: Money = Field(default_factory=lambda: _n(4.0))
    round_quarters: Positive = Field(default_factory=lambda: _n(6.0))
    valuation_multiple: Positive
    sentiment_loading: Signed = Field(default_factory=lambda: _n(0.5))
    success: FundingSuccess


class CapTable(Model):
    """The opening cap table: declared holders' fractions; ``founders`` hold the rest."""

    holders: dict[Id, Fraction] = Field(default_factory=dict)


class Lab(_PartyBase):
    """An AI developer: buys compute, burns cash, raises rounds and can default."""

    kind: Literal["lab"]
    revenue: Revenue
    costs: Costs = Field(default_factory=Costs)
    compute: Compute
    cash: Money
    procurement: dict[Id, Fraction] = Field(min_length=1)
    """Fixed share of new capacity bought from each vendor; shares sum to 1."""
    funding: Funding
    equity: CapTable = Field(default_factory=CapTable)


class Demand(Model):
    """A buyer's installed capacity path.

    Attributes
    ----------
    installed : capacity units installed at the start
    growth : decaying effective annual growth of the installed base
    beta : loading of its growth on the common demand factor
    """

    installed: Money
    growth: GrowthPath
    beta: Signed = Field(default_factory=lambda: _n(0.0))


class Buyer(_PartyBase):
    """A hyperscaler aggregate: exogenous demand, pays cash, never defaults."""

    kind: Literal["buyer"]
    demand: Demand
    procurement: dict[Id, Fraction] = Field(min_length=1)


class Investor(_PartyBase):
    """An equity investor (a fund, a sovereign, a strategic)."""

    kind: Literal["investor"]


class Lender(_PartyBase):
    """A lender (a private-credit fund, a bank)."""

    kind: Literal["lender"]


Party = Annotated[Vendor | Lab | Buyer | Investor | Lender, Field(discriminator="kind")]
