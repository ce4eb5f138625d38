"""Deal terms, chosen by ``kind:``. The behaviour of each kind lives in ``chipcredit.deals``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Id, Model, QuarterLabel
from .number import Fraction, Money, Number, Positive, Probability, Rate

__all__ = [
    "CashAtMaturity",
    "Conversion",
    "Covenants",
    "Deal",
    "DscrTest",
    "Equity",
    "Loan",
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
]


def _n(x: float) -> Number:
    return Number(value=x)


class _DealBase(Model):
    id: Id
    description: str | None = None
    start: QuarterLabel | None = None
    """Quarter the deal's funding flows fall in (at its beginning); default: scenario start."""
    status: Literal["announced", "signed", "executed"] | None = None
    close_probability: Probability = Field(default_factory=lambda: _n(1.0))
    """Chance the deal closes at all, drawn once per path."""


class Loan(_DealBase):
    """A term loan from a lender to a lab.

    Interest is nominal annual, paid quarterly in arrears. ``amortising`` pays a level
    payment; ``bullet`` pays interest only and the principal at maturity. A ``floating``
    loan pays the market base rate plus ``spread``. A ``secured`` loan takes the borrower's
    own GPUs (not those pledged to a vendor credit or owned by an SPV) in a default.
    """

    kind: Literal["loan"]
    lender: Id
    borrower: Id
    amount: Money
    rate_type: Literal["fixed", "floating"] = "fixed"
    rate: Rate | None = None
    spread: Rate | None = None
    amortisation: Literal["bullet", "amortising"] = "bullet"
    term_years: Positive
    secured: bool = False


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


class SpvDebt(Model):
    """The SPV's senior debt: level-payment amortising over its term."""

    lender: Id
    amount: Money
    rate: Rate
    term_years: Positive


class SpvLeaseTerms(Model):
    """The lease: level rent in arrears that amortises the cost down to the residual."""

    term_years: Positive
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
    SPV instead of paying equity; ``default`` is an event of default: the debt accelerates
    and takes all the SPV's cash until it is repaid."""

    ltv: LtvTest | None = None
    dscr: DscrTest | None = None


class SpvLease(_DealBase):
    """A vehicle buys a vendor's GPUs with equity and debt and leases them to a lab."""

    kind: Literal["spv_lease"]
    lessee: Id
    vendor: Id
    amount: Money
    equity: dict[Id, Money] = Field(min_length=1)
    debt: SpvDebt
    lease: SpvLeaseTerms
    at_end: Literal["purchase_option", "sell"] = "purchase_option"
    covenants: Covenants | None = None


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
    term_years: Positive
    repayment: list[RepaymentMeans] = Field(min_length=1)


class ScheduleItem(Model):
    """Capacity units to be bought in one quarter."""

    quarter: QuarterLabel
    capacity: Money


class PurchaseCommitment(_DealBase):
    """Take-or-pay: the lab buys the schedule from the vendor or pays a shortfall fee."""

    kind: Literal["purchase_commitment"]
    lab: Id
    vendor: Id
    schedule: list[ScheduleItem] = Field(min_length=1)
    shortfall_fee: Fraction
    """Share of the vendor's price of the capacity not taken that is owed as a fee."""


Deal = Annotated[
    Loan | Equity | MilestoneEquity | SpvLease | VendorCredit | PurchaseCommitment,
    Field(discriminator="kind"),
]
