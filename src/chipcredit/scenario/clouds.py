"""A neocloud and its pieces: contracts, GPU-backed debt tranches and the spot market."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from .base import Flag, Id, Model, QuarterLabel, ReadOnly
from .deals import QuarterOf, high_end, term_quarters
from .equity_rounds import CapTable, Funding
from .number import Fraction, Money, Number, Positive, Quarters, Rate, Term
from .party_base import PartyBase

__all__ = ["Cloud", "CloudContract", "CloudDebt", "SpotMarket"]


def _n(x: float) -> Number:
    return Number(value=x)


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


class Cloud(PartyBase):
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
