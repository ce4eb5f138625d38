"""Parties: vendors, labs, buyers, investors and lenders, and the union of every party kind
(clouds in `clouds`), chosen by ``kind:``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag

from .base import FrozenMap, GrowthPath, Id, Model, ReadOnly
from .bound import MAX_AMOUNT, stated_at_most
from .clouds import Cloud
from .equity_rounds import CapTable, Funding
from .number import (
    Fraction,
    Growth,
    Money,
    Number,
    Positive,
    Signed,
    Volatility,
)
from .party_base import PartyBase

__all__ = [
    "Buyer",
    "Compute",
    "Costs",
    "Demand",
    "GrowthOrPath",
    "Investor",
    "Lab",
    "Lender",
    "Party",
    "PriceResponse",
    "Revenue",
    "Spending",
    "Vendor",
    "VendorChoice",
    "VendorFinancials",
]


def _n(x: float) -> Number:
    return Number(value=x)


class PriceResponse(Model):
    """A vendor cuts its price while its market share (of capacity units shipped) is low.

    Each quarter that its share in the previous quarter was below ``below_share`` the
    price falls by ``cut_per_year`` (effective annual), down to ``1 - max_cut`` of the
    price it would otherwise charge; the cut is never undone.
    """

    below_share: Fraction
    cut_per_year: Fraction
    max_cut: Fraction


class VendorChoice(Model):
    """How a vendor's platform enters the labs' choice; ignored unless ``market.choice`` is set.

    Attributes
    ----------
    performance_per_unit : useful compute per capacity unit relative to 1.0 (a unit from this
        vendor adds this many units of useful capacity to a lab's fleet)
    porting_cost : $B a lab pays (to ``customers``: engineers, software) once, to port its
        work to this vendor's platform: the ecosystem moat of the vendors it already uses
    porting_penalty : share of useful compute lost right after porting (productivity), in
        the cost a lab weighs; it halves every ``penalty_half_life_years``
    supply_cap_per_quarter : capacity units the vendor can ship in a quarter, in all; the
        labs' choice takes what is left after buyers, commitments and deals (omitted: none)
    price_response : a price cut when its market share is low (omitted: none)
    """

    performance_per_unit: Positive = Field(default_factory=lambda: _n(1.0))
    porting_cost: Money = Field(default_factory=lambda: _n(0.0))
    porting_penalty: Fraction = Field(default_factory=lambda: _n(0.0))
    penalty_half_life_years: Positive = Field(default_factory=lambda: _n(1.0))
    supply_cap_per_quarter: Money | None = None
    price_response: PriceResponse | None = None


SignedMoney = Annotated[Number, AfterValidator(stated_at_most(
    MAX_AMOUNT, "an amount", both_signs=True, in_billions=True))]
"""An amount in $B of either sign (a profit or a loss), in size at most `MAX_AMOUNT`."""


class VendorFinancials(Model):
    """A vendor's income statement and equity value, each quarter.

    Operating profit is gross profit on the modelled sales less ``operating_costs_per_year``
    / 4. The equity value is
    ``exp(sentiment_loading * sentiment + own shock) * (earnings_multiple * annualised
    trailing four-quarter operating profit (at least 0) + other_value)`` plus the vendor's
    equity stakes and loans marked that quarter; the share price is that over the shares
    outstanding, which warrants dilute. With ``opening_operating_profit_per_year`` the
    trailing window starts full (each quarter before the start a quarter of it) and the
    opening price counts it; without it the first closes annualise the quarters there are
    and the opening earnings term is 0.

    Attributes
    ----------
    operating_costs_per_year : $B per year of R&D and overheads of the modelled business
    operating_cost_growth : effective annual growth of those costs
    opening_operating_profit_per_year : $B of operating profit of the modelled business
        over the year before the start (a loss is negative); fills the trailing window
        before the first quarter, a quarter of it in each slot (omitted: none)
    earnings_multiple : equity value over annual operating profit, at zero sentiment
    sentiment_loading : the multiple moves by ``exp(loading * sentiment)`` (AI-demand noise)
    volatility : annual volatility of the vendor's own shock to its value (its own keyed
        random stream; 0 draws nothing)
    other_value : $B of value of businesses outside the model (moves with sentiment too)
    shares_outstanding : millions of shares at the start
    """

    operating_costs_per_year: Money = Field(default_factory=lambda: _n(0.0))
    operating_cost_growth: Growth = Field(default_factory=lambda: _n(0.0))
    opening_operating_profit_per_year: SignedMoney | None = None
    earnings_multiple: Money
    sentiment_loading: Signed = Field(default_factory=lambda: _n(0.5))
    volatility: Volatility = Field(default_factory=lambda: _n(0.0))
    other_value: Money = Field(default_factory=lambda: _n(0.0))
    shares_outstanding: Positive


class Vendor(PartyBase):
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
    choice: VendorChoice | None = None
    """Its platform in the labs' vendor choice (performance, porting cost, supply cap)."""
    financials: VendorFinancials | None = None
    """Operating profit, equity value, share price (needed to issue a warrant)."""


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
    volatility: Volatility = Field(default_factory=lambda: _n(0.0))
    beta: Signed = Field(default_factory=lambda: _n(1.0))


_PATH_KEYS = ("from", "to", "half_life_years", "start", "end")
"""A growth path's keys: its fields' names in a file, and ``start`` and ``end``, the names
`GrowthPath` gives ``from`` and ``to`` in Python, which every growth path takes as well
(``revenue.growth: {start: .., end: .., half_life_years: ..}`` loads)."""


def _growth_form(raw: Any) -> str:
    """``path`` for a growth path (a `GrowthPath`, or a map naming any of its fields, by
    either name), else ``number``: the form is chosen before validating, so a bad value gets
    its own error only, not one from each form."""
    if isinstance(raw, GrowthPath) or (isinstance(raw, dict) and any(k in raw for k in _PATH_KEYS)):
        return "path"
    return "number"


GrowthOrPath = Annotated[Annotated[Growth, Tag("number")] | Annotated[GrowthPath, Tag("path")],
                         Discriminator(_growth_form)]
"""An effective annual growth that is constant (a `Growth`: ``0.3``, ``{p05: .., p95: ..}``)
or decays with a half-life (a `GrowthPath`: ``{from: .., to: .., half_life_years: ..}``)."""


class Costs(Model):
    """A lab's operating costs, besides power (in the market) and compute purchases.

    Attributes
    ----------
    fixed_per_year : $B per year (staff, overhead) at the start
    fixed_growth : effective annual growth of the fixed costs: one rate for ever, or a
        `GrowthPath` decaying from ``from`` to ``to`` as revenue growth does (see
        `GrowthOrPath`)
    revenue_share : share of revenue owed to partners and serving costs, paid each quarter
    """

    fixed_per_year: Money = Field(default_factory=lambda: _n(0.0))
    fixed_growth: GrowthOrPath = Field(default_factory=lambda: _n(0.0))
    revenue_share: Fraction = Field(default_factory=lambda: _n(0.0))


class Spending(Model):
    """A lab's spending response: short of runway, it defers part of its new compute.

    In the procurement phase, before it rents or buys, the lab measures its runway: ``(cash
    + undrawn headroom of its shortfall-drawing credit facilities) / burn``, in quarters,
    burn being the trailing four quarters' mean net cash outflow that its funding phase uses
    (known at the end of the last quarter; no burn, no cut). Under ``runway_quarters`` it
    cuts ``max_cut * (1 - runway / runway_quarters)`` of its discretionary new capacity for
    that quarter: the shortfall beyond what serves its revenue (inference), what it must
    buy under purchase commitments and the spot rentals it renews. Contracted capacity
    (leases, cloud contracts, commitments) and payments due are never cut.

    Attributes
    ----------
    runway_quarters : runway, in quarters of burn, under which the lab starts to cut
    max_cut : share of its discretionary new capacity it defers at zero runway
    """

    runway_quarters: Positive
    max_cut: Fraction


class Compute(Model):
    """A lab's compute: installed capacity, and what inference and training need.

    Attributes
    ----------
    installed : capacity units installed at the start (taken as evenly spread in age)
    per_revenue : capacity units of inference per $B of annual revenue run-rate
    efficiency_gain_per_year : effective annual fall of ``per_revenue``
    training : capacity units of training need at the start
    training_growth : decaying growth of the training need (the burn paradox)
    spending : the spending response to a short runway (`Spending`); none: the lab buys
        what it needs as far as its cash goes
    """

    installed: Money
    per_revenue: Money
    efficiency_gain_per_year: Growth = Field(default_factory=lambda: _n(0.0))
    training: Money
    training_growth: GrowthPath
    spending: Spending | None = None


class Lab(PartyBase):
    """An AI developer: buys compute, burns cash, raises rounds and can default."""

    kind: Annotated[Literal["lab", "carrier"], AfterValidator(lambda _: "lab")]

    @property
    def can_default(self) -> bool:
        return True

    """``lab``; ``carrier`` is a synonym that reads better for a telecom carrier (it is
    stored as ``lab``)."""
    revenue: Revenue
    costs: Costs = Field(default_factory=Costs)
    compute: Compute
    cash: Money
    procurement: Annotated[dict[Id, Fraction], ReadOnly] = Field(min_length=1)
    """Fixed share of new capacity bought from each vendor; shares sum to 1. With
    ``market.choice`` they set the opening fleet's mix, and the vendors with a positive
    share are the platforms the lab has ported to unless ``ported`` says otherwise."""
    funding: Funding
    equity: CapTable = Field(default_factory=CapTable)
    ported: tuple[Id, ...] | None = Field(default=None, min_length=1)
    """Vendors whose platforms the lab has ported to at the start (vendor choice only)."""
    renting: Annotated[dict[Id, Fraction], ReadOnly] = Field(default_factory=FrozenMap)
    """Share of its capacity shortfall the lab rents each quarter on each cloud's spot
    market instead of buying (shares sum to at most 1; what a cloud cannot supply is
    bought). Rented capacity serves the next quarter's revenue like owned capacity."""


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


class Buyer(PartyBase):
    """A hyperscaler aggregate: exogenous demand, pays cash, never defaults."""

    kind: Literal["buyer"]
    demand: Demand
    procurement: Annotated[dict[Id, Fraction], ReadOnly] = Field(min_length=1)


class Investor(PartyBase):
    """An equity investor (a fund, a sovereign, a strategic)."""

    kind: Literal["investor"]


class Lender(PartyBase):
    """A lender (a private-credit fund, a bank)."""

    kind: Literal["lender"]


Party = Annotated[Vendor | Lab | Buyer | Investor | Lender | Cloud, Field(discriminator="kind")]
