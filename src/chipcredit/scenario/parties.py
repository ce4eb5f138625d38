"""Parties: vendors, labs, buyers, investors and lenders, chosen by ``kind:``."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag

from .base import DefinedId, Flag, FrozenMap, GrowthPath, Id, Model, QuarterLabel, ReadOnly
from .deals import QuarterOf, high_end, term_quarters
from .number import (
    DiscountRate,
    Fraction,
    Growth,
    Money,
    Number,
    OpenFraction,
    Positive,
    Quarters,
    Rate,
    Signed,
    Term,
    Volatility,
)

__all__ = [
    "Buyer",
    "CapTable",
    "Cloud",
    "CloudContract",
    "CloudDebt",
    "Compute",
    "Costs",
    "Demand",
    "Funding",
    "FundingSuccess",
    "GrowthOrPath",
    "Investor",
    "Lab",
    "Lender",
    "Maturity",
    "Party",
    "PriceResponse",
    "Revenue",
    "Spending",
    "SpotMarket",
    "Vendor",
    "VendorChoice",
    "VendorFinancials",
]


def _n(x: float) -> Number:
    return Number(value=x)


class _PartyBase(Model):
    id: DefinedId
    name: str | None = None
    description: str | None = None
    note: str | None = None
    """A caveat shown beside the party's figures (what the model leaves out of it)."""
    discount_rate: DiscountRate = Field(default_factory=lambda: _n(0.10))
    """Effective annual rate at which this party discounts its flows for NPV, at most 1."""

    @property
    def can_default(self) -> bool:
        """Whether the party pays from its own cash and defaults when it cannot (a lab, a
        cloud on its own balance sheet). Every other party's cash is a net position funded
        from outside, which may go negative."""
        return False


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


class VendorFinancials(Model):
    """A vendor's income statement and equity value, each quarter.

    Operating profit is gross profit on the modelled sales less ``operating_costs_per_year``
    / 4. The equity value is
    ``exp(sentiment_loading * sentiment + own shock) * (earnings_multiple * annualised
    trailing four-quarter operating profit (at least 0) + other_value)`` plus the vendor's
    equity stakes and loans marked that quarter; the share price is that over the shares
    outstanding, which warrants dilute.

    Attributes
    ----------
    operating_costs_per_year : $B per year of R&D and overheads of the modelled business
    operating_cost_growth : effective annual growth of those costs
    earnings_multiple : equity value over annual operating profit, at zero sentiment
    sentiment_loading : the multiple moves by ``exp(loading * sentiment)`` (AI-demand noise)
    volatility : annual volatility of the vendor's own shock to its value (its own keyed
        random stream; 0 draws nothing)
    other_value : $B of value of businesses outside the model (moves with sentiment too)
    shares_outstanding : millions of shares at the start
    """

    operating_costs_per_year: Money = Field(default_factory=lambda: _n(0.0))
    operating_cost_growth: Growth = Field(default_factory=lambda: _n(0.0))
    earnings_multiple: Money
    sentiment_loading: Signed = Field(default_factory=lambda: _n(0.5))
    volatility: Volatility = Field(default_factory=lambda: _n(0.0))
    other_value: Money = Field(default_factory=lambda: _n(0.0))
    shares_outstanding: Positive


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


class Lab(_PartyBase):
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


class Buyer(_PartyBase):
    """A hyperscaler aggregate: exogenous demand, pays cash, never defaults."""

    kind: Literal["buyer"]
    demand: Demand
    procurement: Annotated[dict[Id, Fraction], ReadOnly] = Field(min_length=1)


class Investor(_PartyBase):
    """An equity investor (a fund, a sovereign, a strategic)."""

    kind: Literal["investor"]


class Lender(_PartyBase):
    """A lender (a private-credit fund, a bank)."""

    kind: Literal["lender"]


class CloudContract(Model):
    """Capacity a cloud rents to one tenant under contract.

    ``capacity`` units from ``start`` (default: the scenario start) for ``term_years``, at
    ``price_per_unit_year`` ($B per unit-year), paid quarterly in arrears. The tenant is a
    lab (its rent is a claim on it, and the capacity counts as its own), another party
    that pays from its own funds (Nvidia renting back its chips), or ``customers`` for
    tenants outside the model (Microsoft, Meta). A tenant's default ends its contract.

    ``ramp_quarters`` (N, rounded to whole quarters per path, at least 1) delivers the
    capacity as a data-centre campus comes online: in N equal phases, one a quarter from
    ``start``, each built in its quarter and rented for ``term_years`` from its delivery.
    Capacity and rent step up over the first N quarters and down over the last N, and the
    contract's total (``capacity * price_per_unit_year * term_years``) is the same for any
    N. The default, 1, delivers the whole capacity at ``start``.

    ``opening`` (a lab tenant, from the scenario start): the contract was already running
    before the start, so the capacity the tenant holds at the start is under it. Its first
    quarter's delivery (the first phase, under a ramp) also serves the tenant's first
    quarter, from the cloud's ``installed`` fleet (pro rata, where that fleet is short), its
    rent paid before the start as a lab's own opening fleet was bought; the contract is then
    delivered, and its rent paid, from ``start`` as any other's.
    """

    tenant: Id
    capacity: Money
    price_per_unit_year: Money
    start: QuarterLabel | None = None
    term_years: Term
    ramp_quarters: Quarters = Field(default_factory=lambda: _n(1.0))
    opening: Flag = False

    def last_quarter(self, quarter_of: QuarterOf) -> int:
        """Offset from the scenario start of the last quarter with rent due: the last
        phase, delivered ``ramp - 1`` quarters after ``start``, is rented for the term
        (`engine.clouds`). An uncertain ramp is taken at its high end; the term is a
        single number (`term_quarters`).

        Parameters
        ----------
        quarter_of : callable
            `Scenario.quarter_of` of the scenario the contract is in.
        """
        # whole quarters, half up, at least one, as the engine rounds a ramp
        phases = max(math.floor(high_end(self.ramp_quarters) + 0.5), 1)
        return quarter_of(self.start) + term_quarters(self.term_years) + phases - 2


class CloudDebt(Model):
    """One tranche of a cloud's GPU-backed debt; tranches are listed senior first.

    ``share`` of every purchase of GPUs is drawn from this tranche; ``opening`` is what is
    outstanding at the start. Interest is nominal annual, paid quarterly; each quarter
    ``1 / (4 * term_years)`` of the balance is repaid, so about 36% is still owed after
    ``term_years``: a tranche never matures (a ``loan`` deal to the cloud does).
    """

    lender: Id
    rate: Rate
    term_years: Positive
    share: Fraction = Field(default_factory=lambda: _n(0.0))
    opening: Money = Field(default_factory=lambda: _n(0.0))


class SpotMarket(Model):
    """A cloud's spot price: ``price_per_unit_year`` ($B per unit-year) times the used-GPU
    value index, times ``max(floor, 1 - oversupply_elasticity * idle share)`` where the idle
    share is last quarter's unsold share of all clouds' capacity."""

    price_per_unit_year: Money
    oversupply_elasticity: Fraction = Field(default_factory=lambda: _n(1.0))
    floor: Fraction = Field(default_factory=lambda: _n(0.1))
    build: Flag = True
    """Buy GPUs to meet spot demand that idle capacity cannot (financed like contracts)."""


class Cloud(_PartyBase):
    """A neocloud (CoreWeave): buys GPUs with debt and rents the capacity out, under
    contracts and on a spot market. It pays power on its fleet and its debt service from
    its own cash; a cloud in arrears defaults, and its estate (GPUs sold at used value less
    the fire-sale haircut, plus its cash) pays its debt tranches in order of seniority
    (secured ``loan`` deals to it share the GPUs' proceeds with them pro rata), then its
    loans and unpaid costs pro rata, then its shareholders.

    Attributes
    ----------
    cash : $B at the start
    installed : capacity units at the start (taken as evenly spread in age)
    procurement : share of its GPU purchases from each vendor; shares sum to 1
    debt : GPU-backed debt tranches, senior first
    contracts : capacity rented under contract
    spot : the spot market
    equity : the opening cap table (founders and the public hold the rest)
    funding : equity rounds, as a lab's (`Funding`), valued on 4 x the quarter's revenue;
        omitted: it raises none. Not allowed with a funded balance sheet.
    balance_sheet : ``own`` (default): it pays from its own cash and defaults when it
        cannot; ``funded``: a parent with other businesses (Microsoft, Oracle, Amazon) pays
        its commitments from outside capital, like a vendor's or a buyer's, so its balance
        is a net cash position that may go negative, and it never defaults
    """

    kind: Literal["cloud"]
    balance_sheet: Literal["own", "funded"] = "own"
    cash: Money
    installed: Money = Field(default_factory=lambda: _n(0.0))
    procurement: Annotated[dict[Id, Fraction], ReadOnly] = Field(min_length=1)
    debt: tuple[CloudDebt, ...] = ()
    contracts: tuple[CloudContract, ...] = ()
    spot: SpotMarket
    equity: CapTable = Field(default_factory=CapTable)
    funding: Funding | None = None

    @property
    def can_default(self) -> bool:
        return self.balance_sheet == "own"


Party = Annotated[Vendor | Lab | Buyer | Investor | Lender | Cloud, Field(discriminator="kind")]
