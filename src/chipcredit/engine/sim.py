"""The quarterly loop for one chunk of paths: the nine phases of docs/design.md section 3, in order.

A `Sim` holds the state of one chunk (a run of whole stream blocks) as arrays shaped
``(n, ...)`` and steps every path at once; there is no Python loop over paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.clouds import Cloud
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.parties import Buyer, Lab, Vendor
from chipcredit.scenario.recorded import (
    CLOUD_VARIABLES,
    FINANCIAL_VARIABLES,
    LAB_VARIABLES,
    SPENDING_VARIABLES,
    VENDOR_VARIABLES,
)

from .choice import ChoiceModel
from .clouds import CloudState
from .debt_tape import DEBT_CLAIMS, DebtTape
from .default import settle_defaults
from .draws import ChunkDraws
from .labs import FINANCING_KINDS, LabState
from .ledger import AccountClass, Ledger
from .market import MarketState
from .params import ParamSampler
from .provenance import Provenance
from .recorder import Recorder
from .shocks import ShockSchedule
from .spot_market import begin_clouds
from .vendors import BuyerState, VendorState, close_vendors
from .workspace import Workspace

__all__ = ["LAB_VARIABLES", "SPENDING_VARIABLES", "VENDOR_VARIABLES", "Sim", "TiedFunds"]

FLOW_RESERVOIR = 2_048
"""The flows matrix's p05 and p95 come from every flow of the paths with index below this:
4 bytes x quarters x flow keys per path (about 30 MB for seed-2025). A p05 from 2,048 paths
is the 4.0th to 6.0th percentile of all paths with about 95% confidence."""


@dataclass
class TiedFunds:
    """Money a deal tied to buying a vendor's hardware, not yet spent."""

    deal: int
    vendor: int
    remaining: NDArray[np.float64]
    funder: int = -1
    """Account whose money it is (the investor, the lender), for provenance; -1: other."""


class Sim:
    """State and loop of one chunk.

    Parameters
    ----------
    scenario : the validated scenario
    draws : the chunk's draw source
    trace_path : index within the chunk of a path to trace transfer by transfer, or None
    workspace : memory for the chunk's big arrays, handed on from the run's previous chunk
    series_paths : keep the recorded variables of the chunk's first this many paths for
        `series` (None: every path)
    band_paths : keep them as float32 for the chunk's first this many paths, for the band
        reservoir (`recorder.band`); `recorder.sums` always covers every path
    """

    def __init__(self, scenario: Scenario, draws: ChunkDraws, trace_path: int | None = None,
                 workspace: Workspace | None = None, provenance: bool = True,
                 series_paths: int | None = None, band_paths: int = 0):
        from chipcredit.deals import build_deal

        self.scenario = scenario
        self.draws = draws
        self.workspace = workspace if workspace is not None else Workspace()
        self.n = draws.n
        self.n_quarters = scenario.horizon_quarters
        self.params = ParamSampler(draws, scenario.correlations)
        names = ["customers", "market", "founders"]
        classes = [AccountClass.OUTSIDE] * 3
        for party in scenario.parties:
            names.append(party.id)
            classes.append(AccountClass.CONSTRAINED if party.can_default else AccountClass.FUNDED)
        for deal in scenario.deals:
            if deal.kind == "spv_lease":
                names.append(deal.id)
                classes.append(AccountClass.CONSTRAINED)
        self._index = {name: i for i, name in enumerate(names)}
        self.account_names = names
        self.market = MarketState(scenario.market, self.params, draws, self.n_quarters)
        self.shocks = ShockSchedule(scenario, self.params, self.n)
        self.market.shocks = self.shocks
        deal_parties = [[self._index[pid] for pid in _deal_party_ids(d)] for d in scenario.deals]
        vendor_accts = [self._index[p.id] for p in scenario.parties if isinstance(p, Vendor)]
        # a funded cloud passes money on too (rent in, GPUs out): traced on its pool
        pooled = [self._index[p.id] for p in scenario.parties
                  if isinstance(p, Cloud) and p.balance_sheet == "funded"]
        self.provenance = Provenance(
            [i for i, c in enumerate(classes) if c == AccountClass.CONSTRAINED] + pooled,
            vendor_accts, len(names), draws.sizes, self.n_quarters,
            pooled) if provenance and vendor_accts else None
        self.ledger = Ledger(names, classes, draws, self.n_quarters,
                             [d.id for d in scenario.deals], deal_parties, trace_path,
                             workspace=self.workspace, provenance=self.provenance,
                             flow_reservoir=max(0, min(FLOW_RESERVOIR - draws.offset, draws.n)))
        self.vendors = [VendorState(p, self) for p in scenario.parties if isinstance(p, Vendor)]
        self.vendor_by_acct = {v.acct: v for v in self.vendors}
        for party, vendor in zip([p for p in scenario.parties if isinstance(p, Vendor)],
                                 self.vendors, strict=True):
            self.ledger.pay(0, self.acct("market"), vendor.acct, "opening_balance",
                            self.params.array(party.cash, f"parties.{party.id}.cash"), begin=True)
        self.buyers = [BuyerState(p, self) for p in scenario.parties if isinstance(p, Buyer)]
        self.labs = [LabState(p, self) for p in scenario.parties if isinstance(p, Lab)]
        self.lab_by_acct = {lab.acct: lab for lab in self.labs}
        self.clouds = [CloudState(p, self) for p in scenario.parties if isinstance(p, Cloud)]
        self.cloud_by_acct = {cloud.acct: cloud for cloud in self.clouds}
        self.tied: list[TiedFunds] = []
        self.infrastructure: NDArray[np.float64] | None = None
        """$B per unit a choosing lab pays besides the vendor's price (None: the all-in cost)."""
        self.discount_rates = {
            self._index[p.id]: self.params.array(p.discount_rate, f"parties.{p.id}.discount_rate")
            for p in scenario.parties
        }
        self.deals = [build_deal(spec, i, self) for i, spec in enumerate(scenario.deals)]
        self.choice = ChoiceModel(self) if scenario.market.choice is not None else None
        for lab in self.labs:
            lab.claims.sort(key=lambda c: c.stage)
        self.debt_tapes: dict[tuple[int, int], DebtTape] = {}
        """The traced path's debt schedule of each deal claim with a principal, keyed
        (deal index, claim index in the deal); empty unless a path is traced."""
        if trace_path is not None:
            for d, runtime in enumerate(self.deals):
                for k, claim in enumerate(runtime.claims):
                    if claim.name in DEBT_CLAIMS:
                        self.debt_tapes[d, k] = DebtTape(claim, trace_path)
        self.purchases: dict[tuple[int, int], tuple[NDArray[np.float64], NDArray[np.float64]]] = {
            (lab.acct, vendor.acct): (np.zeros(self.n), np.zeros(self.n))
            for lab in self.labs for vendor in self.vendors}
        """Each lab's purchases from each vendor since the start, ``{(lab account, vendor
        account): (capacity units, $B)}``: the vendor's ``sale`` flows paid by the lab (its
        own purchases and a vendor credit's delivery, not an SPV's purchase for its lessee:
        the SPV pays), and the units they bought at the quarter's price (`_record`)."""
        self.record: dict[tuple[str, str], NDArray[np.float64]] = {}
        self.recorder = Recorder(self.n_quarters, draws.sizes, self.workspace,
                                 self.n if series_paths is None else series_paths, band_paths)
        self.quarter = -1
        # a share price before the first close (a warrant vesting in quarter 0 reads it):
        # the opening one, once the labs' cap tables and the deals' claims exist
        for vendor in self.vendors:
            if vendor.financials is not None:
                vendor.financials.open(self)

    def acct(self, name: str) -> int:
        """Account index of a party, SPV or built-in account."""
        return self._index[name]

    def deal_start(self, label: str | None) -> int:
        return self.scenario.quarter_of(label)

    # -- services the deals use --------------------------------------------------------
    def tie(self, deal: int, vendor: int, amount: NDArray[np.float64], funder: int = -1) -> None:
        """Tie ``amount`` of a lab's money, ``funder``'s (the account that put it in), to
        buying ``vendor``'s hardware."""
        self.tied.append(TiedFunds(deal, vendor, np.asarray(amount, dtype=np.float64).copy(),
                                   funder))

    def tied_parts(self, lab: LabState, vendor: int, spent: NDArray[np.float64]
                   ) -> list[tuple[int, NDArray[np.float64]]]:
        """The tied money a purchase of ``spent`` ($B per path) from ``vendor`` uses up, as
        `spend_tied` will take it, as ``(funder, $B per path)`` pairs for `Ledger.pay`'s
        ``tied`` (money provenance: the sale spends it first). Changes nothing."""
        parts: list[tuple[int, NDArray[np.float64]]] = []
        left = spent
        for funds in self.tied:
            if funds.vendor != vendor or self.deals[funds.deal].investee_acct != lab.acct:
                continue
            used = np.minimum(funds.remaining, left)
            left = left - used
            if funds.funder >= 0:
                parts.append((funds.funder, used))
        return parts

    def spend_tied(self, lab: LabState, vendor: int, spent: NDArray[np.float64]) -> None:
        """A purchase from ``vendor`` uses up tied money first; the vendor's gross profit on
        what tied money paid for is booked beside the deal that tied it."""
        left = spent
        margin = self.vendor_by_acct[vendor].margin
        for funds in self.tied:
            if funds.vendor != vendor or self.deals[funds.deal].investee_acct != lab.acct:
                continue
            used = np.minimum(funds.remaining, left)
            funds.remaining -= used
            left = left - used
            self.deals[funds.deal].add_tied_gross_profit(margin * used)

    def financing_inflow(self, acct: int) -> NDArray[np.float64]:
        """This quarter's financing inflows into an account so far (for burn)."""
        total = np.zeros(self.n)
        for (_src, dst, kind), amt in self.ledger._quarter.items():
            if dst == acct and kind in FINANCING_KINDS:
                total = total + amt
        return total

    # -- the loop ----------------------------------------------------------------------
    def run(self) -> None:
        """Run every quarter."""
        tapes = list(self.debt_tapes.values())
        for q in range(self.n_quarters):
            for tape in tapes:
                tape.open(q)
            self.step(q)
        for deal in self.deals:
            deal.at_horizon(self)
        for tape in tapes:  # what the horizon does falls in the last quarter
            tape.close()

    def release(self) -> None:
        """Drop the chunk's state now. Its objects refer to one another (a deal and its
        claims, a lab and its fleet), so left alone they would wait for Python's cyclic
        garbage collector, often several chunks later, and memory would grow with them."""
        parts: list[object] = [self.market, self.ledger, self.params, *self.vendors,
                               *self.buyers, *self.tied]
        for lab in self.labs:
            parts += [lab, lab.fleet, lab.opex, *lab.claims]
        for deal in self.deals:
            parts += [deal, *deal.claims]
        parts += [buyer.fleet for buyer in self.buyers]
        for cloud in self.clouds:
            parts += [cloud, cloud.fleet, *cloud.claims(), *cloud.contracts]
        if self.provenance is not None:
            parts.append(self.provenance)
        for part in parts:
            if hasattr(part, "__dict__"):
                part.__dict__.clear()
        self.__dict__.clear()

    def step(self, q: int) -> None:
        self.quarter = q
        self.market.step(q)                                   # 1 drivers
        if self.provenance is not None:
            self.provenance.start_quarter()
        for vendor in self.vendors:
            vendor.set_quarter(q)
        if self.choice is not None:
            self.choice.set_quarter(self, q)
        for lab in self.labs:                                 # 2 operations
            lab.operations(self, q)
        for lab in self.labs:                                 # 3 compute
            lab.compute(self, q)
        for buyer in self.buyers:
            buyer.step(self, q)
        for deal in self.deals:                               # 4 procurement: deals first
            deal.start(self, q)
        for lab in self.labs:
            leased = np.zeros(self.n)
            for deal in self.deals:
                part = deal.leased_to(lab.acct)
                if not (isinstance(part, float) and part == 0.0):  # adding 0.0 changes nothing
                    leased = leased + part
            lab.leased = leased
        for deal in self.deals:
            deal.schedule(self, q)
        begin_clouds(self, q)
        for lab in self.labs:
            committed = [c for d in self.deals for c in d.committed(lab.acct, q)]
            lab.procure(self, q, committed)
        for cloud in self.clouds:
            cloud.close_procurement()
        for deal in self.deals:
            deal.after_procurement(self, q)
        for lab in self.labs:                                 # 5 servicing, in stage order
            for claim in lab.claims:
                claim.settle(self.ledger, q, lab.cash)
        for deal in self.deals:
            deal.after_servicing(self, q)
        for cloud in self.clouds:
            cloud.service(self, q)
        for lab in self.labs:                                 # 6 funding
            lab.funding(self, q)
        for cloud in self.clouds:
            cloud.funding(self, q)
        # the SPVs' waterfalls come after their lessees' funding: rent a lessee could not pay
        # at servicing and paid from a round (or its cash) in the funding phase reaches the
        # SPV's debt in the same quarter, as rent paid on time does
        for deal in self.deals:
            deal.service_spv(self, q)
        for lab in self.labs:                                 # 7 default
            settle_defaults(self, lab, q)
        for cloud in self.clouds:
            cloud.settle_defaults(self, q)
        for deal in self.deals:
            deal.after_defaults(self, q)
        close_vendors(self, q)                                # 8 vendors
        self._record(q)                                       # 9 record

    def _record(self, q: int) -> None:
        defaulted = np.zeros((len(self.account_names), self.n), dtype=bool)
        for lab in self.labs:
            defaulted[lab.acct] = ~lab.alive
        for cloud in self.clouds:
            defaulted[cloud.acct] = ~cloud.alive
        for deal in self.deals:
            spv = deal.spv_account()
            if spv is not None:
                defaulted[spv] = deal.spv_defaulted()
        # the quarter's purchases by lab and vendor, read before the ledger closes it
        bought = {pair: self.ledger._quarter.get((pair[0], pair[1], "sale"))
                  for pair in self.purchases}
        self.ledger.close_quarter(q, defaulted)
        gap = 0.0
        for lab in self.labs:
            for claim in [lab.opex, *lab.claims]:
                gap = max(gap, claim.identity_gap())
        for cloud in self.clouds:  # its tranches, loans, power bills and tenants' rent
            for claim in cloud.claims():
                gap = max(gap, claim.identity_gap())
        for deal in self.deals:
            for claim in deal.claims:
                gap = max(gap, claim.identity_gap())
        self.ledger.checks.claims = max(self.ledger.checks.claims, gap)
        for lab in self.labs:
            self._put(lab.id, "revenue", q, lab.revenue)
            self._put(lab.id, "cash", q, np.where(lab.alive, lab.cash, 0.0))
            self._put(lab.id, "capacity", q, lab.installed())
            self._put(lab.id, "valuation", q, lab.valuation(self))
            self._put(lab.id, "arrears", q, lab.arrears())
            if lab.spending is not None:
                self._put(lab.id, "spending_cut", q, lab.spending.deferred_share)
                self._put(lab.id, "spending_deferred", q, lab.spending.deferred)
        for (lab_acct, vendor_acct), (units_total, spend_total) in self.purchases.items():
            vendor = self.vendor_by_acct[vendor_acct]
            spent = bought[lab_acct, vendor_acct]
            spent = np.zeros(self.n) if spent is None else spent.copy()
            spend_total += spent
            units_total += np.divide(spent, vendor.content, out=np.zeros(self.n),
                                     where=np.asarray(vendor.content) > 0)
            # keyed by the pair (one variable name whatever the vendors): bands("openai|nvidia",
            # "purchases")
            self._put(f"{self.account_names[lab_acct]}|{vendor.id}", "purchases", q, spent)
        # a path-quarter on which no vendor sold has no shares: NaN, not 0, so that bands
        # of a share are over the paths with sales (as `market_share_end`)
        no_sales = sum((v.sales for v in self.vendors), np.zeros(self.n)) <= 0.0
        no_units = sum((v.units for v in self.vendors), np.zeros(self.n)) <= 0.0
        for vendor in self.vendors:
            self._put(vendor.id, "sales", q, vendor.sales)
            self._put(vendor.id, "gross_profit", q, vendor.sales * vendor.margin)
            self._put(vendor.id, "share", q, np.where(no_sales, np.nan, vendor.share))
            if self.provenance is not None:  # the share of its sales paid with its own money
                # NaN where it sold nothing (a share of nothing), as `share`: its bands are
                # over the paths on which it sold
                own = self.provenance.sales[self.provenance.origin[vendor.acct]]
                self._put(vendor.id, "self_funded_share", q,
                          np.divide(own, vendor.sales, out=np.full(self.n, np.nan),
                                    where=vendor.sales > 0))
            self._put(vendor.id, "units", q, vendor.units)
            self._put(vendor.id, "market_share", q,
                      np.where(no_units, np.nan, vendor.market_share))
            f = vendor.financials
            if f is not None:
                for variable, values in zip(FINANCIAL_VARIABLES, (
                        f.operating_profit, f.equity_value, f.price, f.shares, f.stakes),
                        strict=True):
                    self._put(vendor.id, variable, q, values)
        for buyer in self.buyers:
            self._put(buyer.id, "capacity", q, buyer.fleet.installed())
        for cloud in self.clouds:
            for variable, values in zip(CLOUD_VARIABLES, (
                    cloud.revenue, np.where(cloud.alive, cloud.cash, 0.0), cloud.fleet.installed(),
                    cloud.unsold, cloud.spot_price_q * 4.0), strict=True):
                self._put(cloud.id, variable, q, values)
        for deal in self.deals:
            for variable, values in deal.record(self, q).items():
                self._put(deal.id, variable, q, values)

    def _put(self, party: str, variable: str, q: int, values: NDArray[np.float64]) -> None:
        self.recorder.put((party, variable), q, values)

    @property
    def series(self) -> Mapping[tuple[str, str], NDArray[np.float64]]:
        """Recorded quarterly variables, ``{(party, variable): (series_paths, quarters)}``
        (every path by default): read-only views of the quarter-major records (so not
        C-ordered), valid until the chunk's workspace is recycled; copy what must outlive
        it."""
        return self.recorder.series


def _deal_party_ids(deal: object) -> list[str]:
    """Declared parties whose flows a deal's metrics count, in a stable order."""
    ids: list[str] = []
    for field in ("investor", "lender", "vendor", "borrower", "investee", "lessee", "lab",
                  "guarantor", "issuer", "holder", "cloud"):
        value = getattr(deal, field, None)
        if isinstance(value, str) and value not in ids:
            ids.append(value)
    equity = getattr(deal, "equity", None)
    if isinstance(equity, dict):
        for holder in equity:
            if holder not in ids:
                ids.append(holder)
    debt = getattr(deal, "debt", None)
    lender = getattr(debt, "lender", None)
    if isinstance(lender, str) and lender not in ids:
        ids.append(lender)
    # the vendor that equity's use_of_proceeds ties purchases to: its tied_gross_profit is
    # reported beside the deal even when someone else invests
    tied = getattr(getattr(deal, "use_of_proceeds", None), "vendor", None)
    if isinstance(tied, str) and tied not in ids:
        ids.append(tied)
    return ids
