"""Deal terms, chosen by ``kind:``. The behaviour of each kind lives in ``chipcredit.deals``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import Field

from .base import DefinedId, Flag, Id, Model, QuarterLabel, ReadOnly, Whole
from .number import Fraction, Money, Number, Positive, Probability, Rate, Term, whole_quarters

__all__ = [
    "CapacityBackstop",
    "CashAtMaturity",
    "Conversion",
    "Covenants",
    "CreditFacility",
    "Deal",
    "DeploymentWarrant",
    "Drawing",
    "DscrTest",
    "Equity",
    "Loan",
    "LoanGuarantee",
    "LtvTest",
    "MilestoneEquity",
    "PurchaseCommitment",
    "RepaymentMeans",
    "RevenueShare",
    "ScheduleItem",
    "SpvDebt",
    "SpvLease",
    "SpvLeaseTerms",
    "UseOfProceeds",
    "VendorCredit",
    "WarrantSale",
    "WarrantTranche",
    "high_end",
    "term_quarters",
]


def _n(x: float) -> Number:
    return Number(value=x)


QuarterOf = Callable[[str | None], int]
"""`Scenario.quarter_of`: a quarter label (None: the scenario start) to its offset."""


def high_end(number: Number) -> float:
    """The high end of a number's range: a fixed number's value, an uncertain one's
    ``high`` or, when its distribution is unbounded, its ``p95`` (a cloud debt tranche's
    term, the only term that may be uncertain, is checked for months typed as years at it)."""
    top = number.value if number.dist == "fixed" else (
        number.high if number.high is not None else number.p95)
    assert top is not None  # a checked Number has its distribution's keys
    return top


def term_quarters(years: Number) -> int:
    """A deal's term in years (a `Term`: fixed) as the engine schedules it: whole quarters,
    half up, at least one (`whole_quarters`)."""
    assert years.value is not None  # a Term is a single number
    return int(whole_quarters(years.value))


class _DealBase(Model):
    id: DefinedId
    description: str | None = None
    start: QuarterLabel | None = None
    """Quarter the deal's funding flows fall in (at its beginning); default: scenario start."""
    status: Literal["announced", "signed", "executed", "hypothetical"] | None = None
    """How far the real deal has got; ``hypothetical``: no such deal is reported, every term
    is assumed (it names no ``registry`` row, and every table marks it); it is simulated as
    any other deal, closing with its ``close_probability``."""
    close_probability: Probability = Field(default_factory=lambda: _n(1.0))
    """Chance the deal closes at all, drawn once per path."""
    registry: str | None = None
    """Id of the real deal this one models in the bundled deal registry
    (``chipcredit deals``); checked to exist."""

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """Offset from the scenario start of the last quarter in which the deal's schedule
        has something fall due (the start quarter for a one-off deal); None for a deal with
        no schedule of its own (one that lasts as long as something else does).

        Parameters
        ----------
        quarter_of : callable
            `Scenario.quarter_of` of the scenario the deal is in.
        """
        return quarter_of(self.start)

    def _term_end(self, quarter_of: QuarterOf, years: Number) -> int:
        """Last quarter of a term of ``years`` from the start: payments fall due at the end
        of each of its quarters, the last in quarter ``start + quarters - 1``."""
        return quarter_of(self.start) + term_quarters(years) - 1


class Loan(_DealBase):
    """A term loan from a lender to a lab or a cloud.

    Interest is nominal annual, paid quarterly in arrears. ``amortising`` pays a level
    payment; ``bullet`` pays interest only and the principal at maturity. A ``floating``
    loan pays the market base rate plus ``spread``. A ``secured`` loan takes the borrower's
    own GPUs (not those pledged to a vendor credit or owned by an SPV) in a default; a
    cloud's GPUs it shares pro rata with the cloud's debt tranches.
    """

    kind: Literal["loan"]
    lender: Id
    borrower: Id
    amount: Money
    rate_type: Literal["fixed", "floating"] = "fixed"
    rate: Rate | None = None
    spread: Rate | None = None
    amortisation: Literal["bullet", "amortising"] = "bullet"
    term_years: Term
    secured: Flag = False

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """The quarter the last payment (the principal, for a bullet) falls due."""
        return self._term_end(quarter_of, self.term_years)


class UseOfProceeds(Model):
    """Ties equity money to buying a named vendor's hardware."""

    vendor: Id


class Equity(_DealBase):
    """Cash for new shares in a lab, priced at a given or the then pre-money valuation."""

    kind: Literal["equity"]
    investor: Id
    investee: Id
    amount: Money
    pre_money_valuation: Money | None = None
    """$B; default: the lab's simulated valuation in the deal's start quarter."""
    use_of_proceeds: UseOfProceeds | None = None


class MilestoneEquity(_DealBase):
    """One equity tranche each time the investee has deployed another capacity unit from
    a named vendor (Nvidia-OpenAI: $10B per GW)."""

    kind: Literal["milestone_equity"]
    investor: Id
    investee: Id
    vendor: Id
    amount_per_unit: Money
    max_amount: Money
    first_pre_money_valuation: Money | None = None
    """$B; pre-money valuation of the first tranche (later ones: the then valuation)."""

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """None: tranches follow deployment until ``max_amount``, with no end date."""
        return None


class SpvDebt(Model):
    """The SPV's senior debt: level-payment amortising over its term."""

    lender: Id
    amount: Money
    rate: Rate
    term_years: Term


class SpvLeaseTerms(Model):
    """The lease: level rent in arrears that amortises the cost down to the residual."""

    term_years: Term
    rate: Rate
    residual: Fraction | None = None
    """Share of cost assumed left at term end (and the purchase-option price); default:
    the market's residual curve at the term's age."""


Breach = Literal["cash_sweep", "reserve", "default"]


class LtvTest(Model):
    """Loan-to-value test: SPV debt over the used value of its GPUs must stay at most ``max``."""

    max: Positive
    breach: Breach = "cash_sweep"


class DscrTest(Model):
    """Debt-service coverage test: the quarter's rent over its debt service must stay at
    least ``min``."""

    min: Positive
    breach: Breach = "reserve"


class Covenants(Model):
    """Tests on an SPV's debt, each quarter. A breach does what ``breach`` says:
    ``cash_sweep`` sends the SPV's spare cash to prepay the debt; ``reserve`` keeps it in the
    SPV instead of paying equity; ``default`` is an event of default: the debt takes all
    the SPV's cash until it is repaid, and the equity gets it again from then on."""

    ltv: LtvTest | None = None
    dscr: DscrTest | None = None


class SpvLease(_DealBase):
    """A vehicle buys a vendor's GPUs with equity and debt and leases them to a lab."""

    kind: Literal["spv_lease"]
    lessee: Id
    vendor: Id
    amount: Money
    equity: Annotated[dict[Id, Money], ReadOnly] = Field(min_length=1)
    debt: SpvDebt
    lease: SpvLeaseTerms
    at_end: Literal["purchase_option", "sell"] = "purchase_option"
    covenants: Covenants | None = None

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """The lease's last quarter: the last rent, the purchase option or sale, and the
        closing of any debt still owed (a longer debt is accelerated then)."""
        return self._term_end(quarter_of, self.lease.term_years)


class RevenueShare(Model):
    """Repay a share of the borrower's revenue each quarter, up to a cap."""

    kind: Literal["revenue_share"]
    share: Fraction
    cap_multiple: Positive = Field(default_factory=lambda: _n(1.0))
    """Revenue-share payments stop once they total this multiple of the amount shipped."""


class CashAtMaturity(Model):
    """Repay what is left in cash at maturity."""

    kind: Literal["cash"]


class Conversion(Model):
    """Convert what is left at maturity into shares at a discount to the then price."""

    kind: Literal["conversion"]
    discount: Fraction


RepaymentMeans = Annotated[RevenueShare | CashAtMaturity | Conversion, Field(discriminator="kind")]


class VendorCredit(_DealBase):
    """The vendor ships GPUs now; the receivable accrues interest and is repaid by the
    means listed, in order; it is secured on the shipped GPUs."""

    kind: Literal["vendor_credit"]
    vendor: Id
    borrower: Id
    amount: Money
    rate: Rate
    term_years: Term
    repayment: tuple[RepaymentMeans, ...] = Field(min_length=1)

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """The maturity quarter, when the maturity means apply."""
        return self._term_end(quarter_of, self.term_years)


class ScheduleItem(Model):
    """Capacity units to be bought in one quarter."""

    quarter: QuarterLabel
    capacity: Money


class PurchaseCommitment(_DealBase):
    """Take-or-pay: the lab buys the schedule from the vendor or pays a shortfall fee."""

    kind: Literal["purchase_commitment"]
    lab: Id
    vendor: Id
    schedule: tuple[ScheduleItem, ...] = Field(min_length=1)
    shortfall_fee: Fraction
    """Share of the vendor's price of the capacity not taken that is owed as a fee."""

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """The latest quarter of the schedule."""
        return max(quarter_of(item.quarter) for item in self.schedule)


class Drawing(Model):
    """When a committed facility is drawn (either or both)."""

    purchases: Fraction = Field(default_factory=lambda: _n(0.0))
    """Share of the borrower's purchases from ``vendor`` in a quarter that draws pay for
    (a vendor's equipment financing)."""
    shortfall: Flag = True
    """Draw what the borrower cannot pay this quarter, before it seeks an equity round."""


class CreditFacility(_DealBase):
    """A committed facility that the borrower draws as needed, up to a limit (Lucent's
    $6.7B of commitments with $1.3B drawn). Interest on what is drawn is paid quarterly in
    arrears; what is drawn is repaid at maturity (bullet)."""

    kind: Literal["credit_facility"]
    lender: Id
    borrower: Id
    vendor: Id | None = None
    """The vendor whose equipment draws for ``drawing.purchases`` pay for."""
    commitment: Money
    """$B that may be drawn in all over the availability period."""
    max_outstanding: Money | None = None
    """$B that may be outstanding at once (default: the commitment)."""
    drawn_at_start: Money = Field(default_factory=lambda: _n(0.0))
    """$B already drawn when the deal starts (a facility signed before the scenario)."""
    rate: Rate
    availability_years: Term | None = None
    """Years from the start during which draws are allowed (default: the term)."""
    term_years: Term
    drawing: Drawing = Field(default_factory=Drawing)
    secured: Flag = False
    """Secured on the borrower's own equipment, pro rata with its secured loans."""

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """The maturity quarter, when what is drawn is repaid."""
        return self._term_end(quarter_of, self.term_years)


class LoanGuarantee(_DealBase):
    """The guarantor pays the lender what the borrower fails to repay on a named loan or
    credit facility, up to a cap (Lucent's $1.4B of guarantees of carriers' bank debt)."""

    kind: Literal["loan_guarantee"]
    guarantor: Id
    guarantees: Id
    """Id of the guaranteed ``loan`` or ``credit_facility`` deal."""
    lender: Id
    borrower: Id
    cover: Fraction = Field(default_factory=lambda: _n(1.0))
    """Share of the written-off amount the guarantor pays."""
    max_amount: Money | None = None
    """$B the guarantor pays at most (default: no cap)."""

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """None: the guarantee lasts as long as the guaranteed deal, which has its own."""
        return None


class WarrantTranche(Model):
    """One tranche of a deployment warrant.

    Attributes
    ----------
    shares : millions of the issuer's shares in the tranche
    deployed : capacity units the holder must have deployed from the issuer since the deal's
        start (cumulative)
    hurdle : issuer share price ($ per share) at or above which it may vest
    """

    shares: Money
    deployed: Money
    hurdle: Money = Field(default_factory=lambda: _n(0.0))


class WarrantSale(Model):
    """When the holder sells vested shares (to ``market``, at the then price).

    ``hold``: never (marked at the horizon); ``on_vest``: as soon as they vest;
    ``after_quarters``: ``quarters`` quarters after they vest.
    """

    rule: Literal["hold", "on_vest", "after_quarters"] = "hold"
    quarters: Whole = Field(default=0, ge=0, le=200)


class DeploymentWarrant(_DealBase):
    """The issuer (a vendor) grants the holder (a lab) shares at ``strike`` in tranches;
    each vests when the holder has deployed enough of the issuer's capacity and the
    issuer's share price is at or above the tranche's hurdle, before ``expiry``
    (AMD-OpenAI: 160M shares at $0.01)."""

    kind: Literal["deployment_warrant"]
    issuer: Id
    holder: Id
    strike: Money
    """$ per share paid on exercise (at vesting)."""
    tranches: tuple[WarrantTranche, ...]
    expiry: QuarterLabel | None = None
    """Last quarter in which a tranche may vest; default: the horizon."""
    sale: WarrantSale = Field(default_factory=WarrantSale)

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """``expiry``; None when it defaults to the horizon."""
        return None if self.expiry is None else quarter_of(self.expiry)


class CapacityBackstop(_DealBase):
    """A vendor buys a cloud's unsold capacity, up to a cap in all, until a last quarter
    (Nvidia-CoreWeave: $6.3B to April 2032). Each quarter from ``start`` to ``end`` the
    vendor pays for the capacity the cloud has not rented out, at ``price_per_unit_year``
    ($B per unit-year; default: the cloud's spot price), until it has paid ``cap``."""

    kind: Literal["capacity_backstop"]
    vendor: Id
    cloud: Id
    cap: Money
    end: QuarterLabel
    price_per_unit_year: Money | None = None

    def last_quarter(self, quarter_of: QuarterOf) -> int | None:
        """``end``, the last quarter the vendor pays for unsold capacity."""
        return quarter_of(self.end)


Deal = Annotated[
    Loan | Equity | MilestoneEquity | SpvLease | VendorCredit | PurchaseCommitment
    | CreditFacility | LoanGuarantee | DeploymentWarrant | CapacityBackstop,
    Field(discriminator="kind"),
]
