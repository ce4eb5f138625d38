"""One path of the seed-2025 world, stepped quarter by quarter through the nine phases in
the engine's order (docs/design.md section 3; `chipcredit.engine.sim.Sim.step`)."""

from __future__ import annotations

from typing import Any

from .books import Books
from .choice import Choice
from .clouds import Cloud, begin_clouds
from .deals import Deal, Loan
from .facility import CreditFacility
from .labs import Lab
from .market import Market
from .numbers import ChunkNumbers, PathNumbers
from .series import buyer_values, cloud_values, lab_values, vendor_values
from .spv import SpvLease
from .stakes import Backstop, EquityStake, MilestoneEquity, TakeOrPay, VendorCredit, Warrant
from .vendors import Buyer, Vendor, close_vendors

__all__ = ["DEAL_KINDS", "World", "deal_parties"]

DEAL_KINDS: dict[str, type[Deal]] = {
    "spv_lease": SpvLease, "loan": Loan, "milestone_equity": MilestoneEquity,
    "vendor_credit": VendorCredit, "purchase_commitment": TakeOrPay,
    "deployment_warrant": Warrant, "capacity_backstop": Backstop, "equity": EquityStake,
    "credit_facility": CreditFacility,
}


class Tied:
    """Money a deal tied to a lab's purchases from a vendor, not yet spent ($B)."""

    def __init__(self, deal: Deal, lab: str, vendor: str, remaining: float, funder: str) -> None:
        self.deal, self.lab, self.vendor = deal, lab, vendor
        self.remaining, self.funder = remaining, funder


def deal_parties(spec: Any) -> list[str]:
    """Declared parties whose flows a deal's metrics count, in a stable order."""
    ids: list[str] = []
    for field in ("investor", "lender", "vendor", "borrower", "investee", "lessee", "lab",
                  "guarantor", "issuer", "holder", "cloud"):
        value = getattr(spec, field, None)
        if isinstance(value, str) and value not in ids:
            ids.append(value)
    for holder in getattr(spec, "equity", None) or {}:
        if isinstance(spec.equity, dict) and holder not in ids:
            ids.append(holder)
    lender = getattr(getattr(spec, "debt", None), "lender", None)
    if isinstance(lender, str) and lender not in ids:
        ids.append(lender)
    tied = getattr(getattr(spec, "use_of_proceeds", None), "vendor", None)
    if isinstance(tied, str) and tied not in ids:
        ids.append(tied)
    return ids


class World:
    """Every party and deal of one path, and its books.

    Parameters
    ----------
    scenario : the validated scenario
    chunk : every path's numbers and shocks
    path : this path's index in the chunk
    max_life : the chunk's longest useful life in quarters
    any_penalty : whether any vendor has a porting penalty on any path of the chunk
    """

    def __init__(self, scenario: Any, chunk: ChunkNumbers, path: int, max_life: int,
                 any_penalty: bool) -> None:
        from chipcredit.scenario.clouds import Cloud as CloudSpec
        from chipcredit.scenario.parties import Buyer as BuyerSpec
        from chipcredit.scenario.parties import Lab as LabSpec
        from chipcredit.scenario.parties import Vendor as VendorSpec

        self.scenario = scenario
        self.chunk = chunk
        self.p = PathNumbers(chunk, path)
        self.horizon = scenario.horizon_quarters
        self.chunk_any_penalty = any_penalty
        self.quarter = -1
        parties = scenario.parties
        accounts = ["customers", "market", "founders", *(p.id for p in parties),
                    *(d.id for d in scenario.deals if d.kind == "spv_lease")]
        traced = [p.id for p in parties if isinstance(p, LabSpec | CloudSpec)]
        traced += [d.id for d in scenario.deals if d.kind == "spv_lease"]
        funded = [p.id for p in parties if isinstance(p, CloudSpec) and p.balance_sheet == "funded"]
        vendor_ids = [p.id for p in parties if isinstance(p, VendorSpec)]
        self.books = Books(accounts, traced, vendor_ids,
                           {d.id: deal_parties(d) for d in scenario.deals}, self.horizon,
                           funded)
        self.market = Market(scenario.market, self.p, self.horizon, max_life)
        self.infrastructure: float | None = None
        self.vendors: dict[str, Vendor] = {}
        for spec in parties:
            if isinstance(spec, VendorSpec):
                self.vendors[spec.id] = Vendor(spec, self)
                self.books.pay(0, "market", spec.id, "opening_balance",
                               self.p(spec.cash, f"parties.{spec.id}.cash"), begin=True)
        self.buyers = [Buyer(s, self) for s in parties if isinstance(s, BuyerSpec)]
        self.labs = [Lab(s, self) for s in parties if isinstance(s, LabSpec)]
        self.labs_by_id = {lab.id: lab for lab in self.labs}
        self.clouds = [Cloud(s, self) for s in parties if isinstance(s, CloudSpec)]
        self.clouds_by_id = {c.id: c for c in self.clouds}
        self.discount_rates = {s.id: self.p(s.discount_rate, f"parties.{s.id}.discount_rate")
                               for s in parties}
        self.deals = [DEAL_KINDS[d.kind](d, self) for d in scenario.deals]
        self.choice = Choice(self) if scenario.market.choice is not None else None
        for lab in self.labs:
            lab.claims.sort(key=lambda c: c.stage)
        self.series: dict[tuple[str, str], list[float]] = {}
        """The quarterly variables the engine records, ``{(party, variable): [quarter]}``."""
        self.purchases = {(lab.id, v): [0.0, 0.0] for lab in self.labs for v in self.vendors}
        """Each lab's hardware bought from each vendor since the start, ``{(lab, vendor):
        [capacity units, $B]}``: the ``sale`` flows it paid, in units at the quarter's price."""
        self.tied: list[Tied] = []
        for vendor in self.vendors.values():  # a price before the first close
            if vendor.financials is not None:
                vendor.financials.open(self)

    # -- tied money: a purchase from the vendor spends it first -------------------------
    def tie(self, deal: Deal, vendor: str, amount: float, funder: str) -> None:
        self.tied.append(Tied(deal, getattr(deal, "borrower", ""), vendor, amount, funder))

    def tied_parts(self, lab: Lab, vendor: str, spent: float) -> dict[str, float]:
        """The tied money a purchase of ``spent`` from ``vendor`` uses, by funder (each a
        vendor: whose money the payment spends first)."""
        parts: dict[str, float] = {}
        left = spent
        for t in self.tied:
            if t.vendor == vendor and t.lab == lab.id:
                used = min(t.remaining, left)
                left -= used
                parts[t.funder] = parts.get(t.funder, 0.0) + used
        return parts

    def spend_tied(self, lab: Lab, vendor: str, spent: float) -> None:
        """Use the tied money up; the vendor's gross profit on it goes beside its deal."""
        left = spent
        for t in self.tied:
            if t.vendor == vendor and t.lab == lab.id:
                used = min(t.remaining, left)
                t.remaining -= used
                left -= used
                t.deal.add_tied(self.vendors[vendor].margin * used)

    def run(self) -> None:
        for q in range(self.horizon):
            self.step(q)

    def step(self, q: int) -> None:
        """One quarter: the nine phases in the engine's order."""
        self.quarter = q
        self.drivers(q)
        self.operations(q)
        self.compute(q)
        self.procurement(q)
        self.servicing(q)
        self.funding(q)
        self.default(q)
        close_vendors(self, q)                                 # 8 vendors
        self.record(q)                                         # 9 record
        self.books.close_quarter()

    def record(self, q: int) -> None:
        """Phase 9: keep this quarter's variables of every party and deal."""
        rows = [(lab.id, lab_values(self, lab)) for lab in self.labs]
        rows += [(v.id, vendor_values(self, v, o)) for o, v in enumerate(self.vendors.values())]
        rows += [(b.id, buyer_values(b)) for b in self.buyers]
        rows += [(c.id, cloud_values(self, c)) for c in self.clouds]
        rows += [(d.id, d.record(self, q)) for d in self.deals]
        for party, values in rows:
            for variable, value in values.items():
                self.series.setdefault((party, variable), []).append(value)
        self.record_purchases()

    def record_purchases(self) -> None:
        """Phase 9: each lab's purchases from each vendor this quarter (its ``sale`` flows
        to the vendor), added to its totals and kept as the ``(LAB|VENDOR, purchases)``
        series."""
        for (lab, vendor), totals in self.purchases.items():
            spent = self.books.sales_by.get((lab, vendor), 0.0)
            content = self.vendors[vendor].content
            totals[0] += spent / content if content > 0 else 0.0
            totals[1] += spent
            self.series.setdefault((f"{lab}|{vendor}", "purchases"), []).append(spent)

    def drivers(self, q: int) -> None:                         # 1
        self.market.step(q)
        self.books.start_quarter()
        for vendor in self.vendors.values():
            vendor.set_quarter(self, q)
        if self.choice is not None:
            self.choice.set_quarter(self, q)

    def operations(self, q: int) -> None:                      # 2
        for lab in self.labs:
            lab.operations(self, q)

    def compute(self, q: int) -> None:                         # 3
        for lab in self.labs:
            lab.compute(self, q)
        for buyer in self.buyers:
            buyer.step(self, q)

    def procurement(self, q: int) -> None:                     # 4: deals first
        for deal in self.deals:
            deal.start(self, q)
        for lab in self.labs:
            lab.leased = sum(deal.leased_to(lab.id) for deal in self.deals)
        for deal in self.deals:
            deal.schedule(self, q)
        begin_clouds(self, q)
        for lab in self.labs:
            lab.procure(self, q, [c for d in self.deals for c in d.committed(lab.id, q)])
        for cloud in self.clouds:
            cloud.close_procurement()
        for deal in self.deals:
            deal.after_procurement(self, q)

    def servicing(self, q: int) -> None:                       # 5: in stage order
        for lab in self.labs:
            for claim in lab.claims:
                claim.settle(self.books, q)
        for deal in self.deals:
            deal.after_servicing(self, q)
        for cloud in self.clouds:
            cloud.service(self, q)

    def funding(self, q: int) -> None:                         # 6
        for lab in self.labs:
            lab.funding(self, q)
        for cloud in self.clouds:
            cloud.funding(self, q)
        for deal in self.deals:  # the SPV's waterfall sees rent paid late in the funding phase
            deal.service_spv(self, q)

    def default(self, q: int) -> None:                         # 7
        for lab in self.labs:
            lab.settle_default(self, q)
        for cloud in self.clouds:
            cloud.settle_default(self, q)
        for deal in self.deals:
            deal.after_defaults(self, q)
