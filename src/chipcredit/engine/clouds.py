"""Clouds (neoclouds such as CoreWeave): GPUs bought with debt and rented out.

A cloud owns a fleet, rents it to tenants under contracts (GW, price per GW-year, term) and
to labs on a spot market, pays power on its fleet and its debt service from its own cash,
and defaults when it cannot. Arrays are ``(n,)`` over the chunk's paths; money in $B,
capacity in the scenario's unit, time in quarters.

Capacity a cloud rents to a lab in a quarter's procurement serves the lab's next quarter;
an ``opening`` contract, already running at the start, also serves the first quarter: its
first quarter's units are delivered from the opening fleet before it (`_deliver_opening`).

Each quarter, in the procurement phase (before the labs buy):

1. the fleet ages; the contracts' capacity delivered now (all of it from ``start``, or one
   phase a quarter with ``ramp_quarters``) is built for (GPUs bought from the vendors by
   the cloud's procurement shares, each debt tranche drawing its ``share`` of the cost, the
   rest paid from cash, as far as the cash goes);
2. this quarter's spot price is set: ``price * used-GPU index * max(floor, 1 - elasticity *
   idle share)``, the idle share being last quarter's unsold share of all clouds' capacity;
3. labs rent on the spot market (`rent_spot`, driven by `spot_market.rent_from_clouds`) what
   their ``renting`` shares ask, from idle capacity first and then from new GPUs the cloud
   buys for it (``spot.build``).

In the servicing phase, after the labs have paid their rent (a claim of the cloud on each
lab, settled with the lab's other claims): tenants outside the labs pay their contract rent;
the cloud pays power on its fleet, then each debt tranche, senior first, then its ``loan``
deals (a deal's claim on the cloud, scheduled by the deal), in scenario order. The funding
phase pays arrears in the same order. In the default phase a cloud still in arrears
defaults and its estate is wound up at once (`cloud_estate.wind_up`): its contracts and
rentals end, and its lenders and shareholders are paid by seniority. A funded balance sheet
pays everything when due and never defaults.

Worked example: a cloud with 1 GW rented to a lab at $13B per GW-year receives $3.25B a
quarter; with $50B of GPUs financed 70% by a 10% tranche over 5 years it owes 35 x (0.025 +
0.05) = $2.625B in its first quarter, and 1.3 / 4 = $0.325B of power.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.clouds import Cloud

from . import cloud_kernel as ck
from .claims import Claim
from .cloud_estate import wind_up
from .dust import CAPACITY_DUST, MONEY_DUST, snap
from .fleet import opening_fleet
from .funding import Fundraiser
from .labs import CAUSES
from .window import push

if TYPE_CHECKING:
    from .labs import LabState
    from .sim import Sim

__all__ = ["CloudState"]


class _Contract:
    """One contract of a cloud: tenant account, units, quarterly price, first quarter, term
    in quarters, delivery ramp, and the lab tenant (None for other tenants).

    The units come in ``ramp`` ``(n,)`` equal phases (whole quarters, at least 1; None: one
    phase), one a quarter from ``first``, each running ``term`` quarters from its delivery;
    ``end`` (exclusive) is when the last phase of the longest ramp ends.
    """

    def __init__(self, tenant: int, units: NDArray[np.float64], price_q: NDArray[np.float64],
                 first: int, term: int, ramp: NDArray[np.float64] | None,
                 lab: LabState | None) -> None:
        self.tenant = tenant
        self.units = units
        self.price_q = price_q
        self.first = first
        self.term = term
        self.ramp = ramp
        self.end = first + term + (0 if ramp is None else int(ramp.max()) - 1)
        self.lab = lab
        self.delivered = np.zeros_like(units)

    def units_at(self, q: int) -> NDArray[np.float64]:
        """Units of the phases running in quarter ``q`` (``first <= q < end``), ``(n,)``:
        ``units / ramp`` times the phases delivered by ``q`` less those ended."""
        if self.ramp is None:
            return self.units
        k = float(q - self.first + 1)  # quarters of the contract so far, this one included
        phases = np.maximum(np.minimum(k, self.ramp) - max(k - self.term, 0.0), 0.0)
        return np.asarray(self.units / self.ramp * phases)


class CloudState(Fundraiser):
    """One cloud's state for a chunk of paths.

    Attributes
    ----------
    fleet : its GPUs by age
    contracted : units delivered under contracts this quarter
    spot_rented : units rented on the spot market this quarter
    spot_price_q : $B per unit for this quarter
    unsold : units neither contracted nor rented this quarter (after procurement)
    alive, default_quarter : as for labs
    funded : a parent-funded balance sheet: pays whatever is due, never defaults
    run_rate : 4 x this quarter's revenue, $B per year (its valuation's base)
    shares : cap table, ``{(holder account, deal index or -1): shares (n,)}``, as a lab's
    """

    def __init__(self, cloud: Cloud, sim: Sim) -> None:
        n, p, key = sim.n, sim.params, f"parties.{cloud.id}"
        self.id = cloud.id
        self.acct = sim.acct(cloud.id)
        self.spec = cloud
        self.n = n
        self.procurement, self.fleet = opening_fleet(sim, cloud.procurement, cloud.installed, key,
                                                     key + ".installed")
        s = cloud.spot
        self.spot_base_q = p.array(s.price_per_unit_year, key + ".spot.price_per_unit_year") / 4.0
        self.elasticity = p.array(s.oversupply_elasticity, key + ".spot.oversupply_elasticity")
        self.floor = p.array(s.floor, key + ".spot.floor")
        self.build_spot = s.build
        self.tranches: list[tuple[Claim, NDArray[np.float64], NDArray[np.float64]]] = []
        """(claim, share of purchases, quarterly amortisation fraction), senior first."""
        for k, t in enumerate(cloud.debt):
            tk = f"{key}.debt[{k}]"
            claim = Claim("debt_service", sim.acct(t.lender), self.acct, None, n,
                          p.array(t.rate, tk + ".rate") / 4.0, stage=1)
            claim.principal = p.array(t.opening, tk + ".opening").copy()
            fraction = 1.0 / np.maximum(p.array(t.term_years, tk + ".term_years") * 4.0, 1.0)
            self.tranches.append((claim, p.array(t.share, tk + ".share"), fraction))
        self.debt_share = sum((sh for _, sh, _ in self.tranches), np.zeros(n))
        self.loans: list[Claim] = []
        """Claims of deals on the cloud (``loan`` deals), in scenario order: serviced after
        the tranches; see `add_claim`."""
        self.opex = Claim("opex", sim.acct("customers"), self.acct, None, n, 0.0, stage=-1)
        self.contracts: list[_Contract] = []
        self.rent_claims: dict[int, Claim] = {}
        for k, c in enumerate(cloud.contracts):
            ck = f"{key}.contracts[{k}]"
            first = sim.scenario.quarter_of(c.start)
            tenant = sim.acct(c.tenant)
            lab = sim.lab_by_acct.get(tenant)
            ramp = None  # one phase: the whole capacity at the start, as without a ramp
            if c.ramp_quarters.dist != "fixed" or c.ramp_quarters.value != 1.0:
                # whole quarters, half up, at least 1
                ramp = np.maximum(np.floor(p.array(c.ramp_quarters, ck + ".ramp_quarters")
                                           + 0.5), 1.0)
            self.contracts.append(_Contract(
                tenant, p.array(c.capacity, ck + ".capacity"),
                p.array(c.price_per_unit_year, ck + ".price_per_unit_year") / 4.0,
                first, p.quarters(c.term_years, ck + ".term_years"), ramp, lab))
            if lab is not None:
                self._rent_claim(lab)
        self._deliver_opening(cloud)
        self.funded = cloud.balance_sheet == "funded"
        self._unlimited = np.full(n, np.inf)  # what a funded balance sheet can pay: only read
        self.init_cap_table(sim, cloud.equity, key)
        self.raises = cloud.funding is not None
        if cloud.funding is not None:
            self.init_funding(sim, cloud.funding, key, cloud.id)
        self.run_rate = np.zeros(n)
        self.history = np.zeros((4, n))
        """Trailing run-rates, oldest first; the first quarter's fills them (no momentum)."""
        self.contracted = np.zeros(n)
        self.spot_rented = np.zeros(n)
        self._last: dict[int, NDArray[np.float64]] = {}  # spot units by lab, last quarter
        self._now: dict[int, NDArray[np.float64]] = {}
        self.spot_price_q = self.spot_base_q.copy()
        self.unsold = np.zeros(n)
        self.backstopped = np.zeros(n)
        """Units a vendor's backstop paid for this quarter (no longer idle for the price)."""
        self.backstop_income = np.zeros(n)
        self.revenue = np.zeros(n)
        self.revenue_total = np.zeros(n)
        self._rent_seen = np.zeros(n)
        self.alive = np.ones(n, dtype=bool)
        self.default_quarter = np.full(n, -1, dtype=np.int16)
        self.cause = np.zeros(n, dtype=np.int8)
        self.cash = sim.ledger.balance[self.acct]  # a view: the ledger is the book of record
        sim.ledger.pay(0, sim.acct("market"), self.acct, "opening_balance",
                       p.array(cloud.cash, key + ".cash"), begin=True)
        self.cash_open = self.cash.copy()
        """Cash after last quarter's funding phase: the start of this quarter's burn."""
        self._own_for: object = None
        self._own = np.zeros(n)
        """$B of its own money per unit it buys, at the market cost `_own_for`."""


    def _served_share(self, wanted: NDArray[np.float64]) -> NDArray[np.float64]:
        """The share of ``wanted`` capacity units ``(n,)`` the fleet can serve, at most 1 (1
        where nothing is wanted): short of capacity, every contract gets that share."""
        return np.minimum(np.divide(self.fleet.installed(), wanted, out=np.ones(self.n),
                                    where=wanted > 0), 1.0)
    def _deliver_opening(self, cloud: Cloud) -> None:
        """Opening delivery: the ``opening`` contracts' first quarter's units (the first
        phase, under a ramp) are their lab tenants' capacity at the start, so they serve the
        first quarter's operations. They come from the opening fleet, each contract cut to
        the same share of its units where the fleet is short (as in `begin`); their rent was
        paid before the start (a lab's own opening fleet is not charged either). From
        quarter 0 on the contracts are delivered, and charged, as any other (`begin`)."""
        opening = [(c, c.lab, c.units_at(c.first))
                   for c, spec in zip(self.contracts, cloud.contracts, strict=True)
                   if spec.opening and c.lab is not None]
        if not opening:
            return
        wanted = sum((units for _, _, units in opening), np.zeros(self.n))
        ratio = self._served_share(wanted)
        for _, lab, units in opening:
            assert lab is not None  # the list keeps lab tenants only
            lab.rented = lab.rented + units * ratio

    def add_claim(self, claim: Claim) -> None:
        """A deal's claim on the cloud (a loan): the deal schedules what falls due, the cloud
        pays it after its tranches, and settles it in its default (see `settle_defaults`)."""
        self.loans.append(claim)

    def available(self) -> NDArray[np.float64]:
        """Cash it can pay from ($B): its own, or without limit on a funded balance sheet."""
        return self._unlimited if self.funded else self.cash

    def _rent_claim(self, lab: LabState) -> Claim:
        claim = self.rent_claims.get(lab.acct)
        if claim is None:
            claim = Claim("cloud_rent", self.acct, lab.acct, None, self.n, 0.0, stage=0)
            self.rent_claims[lab.acct] = claim
            lab.claims.append(claim)
        return claim

    # -- procurement phase ---------------------------------------------------------------
    def build(self, sim: Sim, q: int, units: NDArray[np.float64]) -> NDArray[np.float64]:
        """Buy up to ``units`` of new GPUs, each tranche drawing its share of the cost and
        cash paying the rest, as far as the cash beyond the next power bill and debt
        service goes; returns the units bought."""
        all_in = sim.market.all_in
        if self._own_for is not all_in:  # a new quarter's cost: its own money per unit
            self._own = np.asarray(all_in * np.maximum(1.0 - self.debt_share, 0.0))
            self._own_for = all_in  # held, so that a later cost cannot reuse its id
        # a residual of `wanted - installed` buys nothing (snapped to 0)
        units, buys = ck.buildable(units, self.available(), self.reserve(sim), self._own, self.alive,
                                   CAPACITY_DUST)
        if not buys:
            return units
        cost = units * all_in
        for claim, share, _ in self.tranches:
            draw = cost * share
            sim.ledger.pay(q, claim.creditor, self.acct, "loan_draw", draw)
            claim.principal = claim.principal + draw
            claim.track_exposure()
        customers = sim.acct("customers")
        for vacct, share in self.procurement.items():
            part = units * share
            paid = sim.vendor_by_acct[vacct].sell(sim, q, self.acct, part)
            sim.ledger.pay(q, self.acct, customers, "infrastructure", part * all_in - paid)
            self.fleet.add(part, paid)
        return units

    def begin(self, sim: Sim, q: int, idle_share: NDArray[np.float64]) -> None:
        """Age the fleet, deliver the contracts running now, set the spot price."""
        self.fleet.age_one_quarter()
        self._last, self._now = self._now, {}
        self.spot_rented = np.zeros(self.n)
        self.backstopped = np.zeros(self.n)
        self.backstop_income = np.zeros(self.n)
        wanted = np.zeros(self.n)
        running = []
        for c in self.contracts:
            if c.first <= q < c.end:
                live = self.alive if c.lab is None else self.alive & c.lab.alive
                units = c.units_at(q)  # the phases delivered and not yet ended
                running.append((c, live, units))
                wanted = wanted + np.where(live, units, 0.0)
            elif q == c.end:  # it has ended: nothing delivered from now on
                c.delivered = np.zeros(self.n)
        self.contracted = np.zeros(self.n)
        if running:
            # a phase is built in the quarter it is delivered, as any purchase serves the
            # quarter it is made in
            self.build(sim, q, wanted - self.fleet.installed())
            # short of capacity, every contract gets the same share of its units
            ratio = self._served_share(wanted)
        for c, live, units in running:
            c.delivered = np.where(live, units * ratio, 0.0)
            self.contracted = self.contracted + c.delivered
            if c.lab is not None:
                c.lab.rented = c.lab.rented + c.delivered
                self.rent_claims[c.lab.acct].schedule(c.delivered * c.price_q, q + 1)
        factor = np.maximum(self.floor, 1.0 - self.elasticity * idle_share)
        self.spot_price_q = np.where(self.alive, self.spot_base_q * sim.market.residual * factor,
                                     0.0)

    def idle(self) -> NDArray[np.float64]:
        """Units neither contracted nor rented on the spot market now. When the contracts
        take the whole fleet pro rata, what is left is a rounding residual: none."""
        # numpy: once a quarter, not worth a compiled kernel (`cloud_kernel.spot_ask` and
        # `spot_grant` do the same in their loops)
        return snap(np.maximum(self.fleet.installed() - self.contracted - self.spot_rented, 0.0),
                    CAPACITY_DUST)

    def last_rented(self, lab: LabState) -> NDArray[np.float64]:
        """Units ``lab`` rented on the spot market last quarter (it renews them first)."""
        return self._last.get(lab.acct, np.zeros(self.n))

    def reserve(self, sim: Sim) -> NDArray[np.float64]:
        """Cash kept back from buying GPUs: the power and debt service due next ($B), a loan
        deal's as the deal scheduled it for this quarter."""
        due = sim.market.power_q * self.fleet.installed()
        for claim, _, fraction in self.tranches:
            due = ck.add_debt_service(due, claim.principal, _per_path(claim.rate, self.n), fraction,
                                      claim.arrears)
        for claim in self.loans:
            due = due + claim.total_due()
        return np.asarray(due)

    def rent_spot(self, sim: Sim, q: int, lab: LabState, want: NDArray[np.float64],
                  share: NDArray[np.float64] | None, left: NDArray[np.float64],
                  budget: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``lab`` rents ``want`` units (``want * share`` unless ``share`` is None) for this
        quarter, as far as what it has ``left`` to rent and its ``budget`` ($B) at this
        quarter's spot price go, from idle capacity and then from new GPUs the cloud buys for
        it (``spot.build``). Returns the budget less the rent and what is left to rent."""
        price = self.spot_price_q
        units, short, any_short = ck.spot_ask(
            want, want if share is None else share, share is not None, left, budget, price,
            self.alive, lab.alive, self.fleet.installed(), self.contracted, self.spot_rented,
            CAPACITY_DUST)
        if self.build_spot and any_short:
            self.build(sim, q, short)  # the new GPUs stand idle until rented
        # dust is not a rental: it would earn the cloud dust revenue, hence a valuation;
        # renting exactly what is left leaves a rounding residual: nothing left to rent
        now = self._now.get(lab.acct)
        self.spot_rented, self._now[lab.acct], lab.rented, rent, budget, left = ck.spot_grant(
            units, self.fleet.installed(), self.contracted, self.spot_rented,
            np.zeros(self.n) if now is None else now, lab.rented, price, budget, left,
            CAPACITY_DUST)
        self._rent_claim(lab).schedule(rent, q + 1)
        return budget, left

    def close_procurement(self) -> None:
        self.unsold = np.where(self.alive, self.idle(), 0.0)

    # -- servicing and default -----------------------------------------------------------
    def service(self, sim: Sim, q: int) -> None:
        """Outside tenants pay rent; the cloud pays power, then its tranches, senior first,
        then its loan deals in scenario order (each deal scheduled its payment)."""
        ledger = sim.ledger
        rents = [(c.tenant, c.delivered * c.price_q) for c in self.contracts
                 if c.lab is None and c.first <= q < c.end]
        for tenant, rent in rents:
            ledger.pay(q, tenant, self.acct, "cloud_rent", rent)
        paid = sum((claim.paid for claim in self.rent_claims.values()), np.zeros(self.n))
        outside = sum((rent for _, rent in rents), np.zeros(self.n))
        # a difference of running totals: where nothing was paid it may be a residual, and a
        # residual revenue would give the cloud a value and a momentum (engine/dust.py)
        self.revenue = snap(paid - self._rent_seen + outside + self.backstop_income, MONEY_DUST)
        self.revenue_total = self.revenue_total + self.revenue
        self._rent_seen = paid
        push(self.history, self.run_rate)  # the oldest run-rate drops out
        self.run_rate = np.where(self.alive, 4.0 * self.revenue, 0.0)
        if q == 0:  # no history before the start: flat, so no momentum in the first year
            self.history[:] = self.run_rate
        self.opex.schedule(np.where(self.alive, sim.market.power_q * self.fleet.installed(), 0.0),
                           q + 1)
        available = self.available()  # the cash itself (a view), or no limit
        self.opex.settle(ledger, q, available, "operating_costs")
        for claim, _, fraction in self.tranches:
            due, principal = ck.amortise(claim.principal, _per_path(claim.rate, self.n), fraction,
                                         self.alive)  # interest plus repayment, then what is left
            claim.track_exposure()
            claim.principal = principal
            claim.schedule(due, q + 1)
            claim.settle(ledger, q, available)
        for claim in self.loans:
            claim.settle(ledger, q, available)

    def funding(self, sim: Sim, q: int) -> None:
        """Phase 6 (after the labs' funding): a cloud with ``funding`` raises a round as a lab
        does (see `Fundraiser.raise_equity`); then every cloud on its own balance sheet pays
        its arrears, senior first, from its cash: the round's, and rent its tenants could not
        pay at servicing and paid late in their own funding phase. A funded balance sheet
        needs no round and has no arrears; a cloud without ``funding`` raises none."""
        if not self.funded:
            if self.raises:
                self.raise_equity(sim, q)
            self.opex.settle(sim.ledger, q, self.cash, "operating_costs")
            for claim, _, _ in self.tranches:
                claim.settle(sim.ledger, q, self.cash)
            for claim in self.loans:
                claim.settle(sim.ledger, q, self.cash)
        self.cash_open = self.cash.copy()

    def arrears(self) -> NDArray[np.float64]:
        total = self.opex.arrears.copy()
        for claim, _, _ in self.tranches:
            total = total + claim.arrears
        for claim in self.loans:
            total = total + claim.arrears
        return total

    def settle_defaults(self, sim: Sim, q: int) -> None:
        """Default every live path still in arrears; settle the estate by seniority: the
        fleet's proceeds shared by the secured loan deals and the tranches pro rata, then the
        tranches senior first from the estate's cash, then the loan deals' unsecured balances
        and the unpaid costs pro rata, then the shareholders."""
        mask = self.alive & (self.arrears() > MONEY_DUST)
        if not mask.any():
            return
        self.alive &= ~mask
        self.default_quarter[mask] = q
        self.cause[mask] = CAUSES.index("arrears_unfunded")
        paths = np.flatnonzero(mask)
        wind_up(self, sim, q, paths)
        self.fleet.clear(paths)
        self.contracted[paths] = 0.0
        self.spot_rented[paths] = 0.0
        self.unsold[paths] = 0.0

    def claims(self) -> list[Claim]:
        return ([claim for claim, _, _ in self.tranches] + [*self.loans, self.opex,
                                                            *self.rent_claims.values()])


def _per_path(values: NDArray[np.float64] | float, n: int) -> NDArray[np.float64]:
    """``values`` as an ``(n,)`` array (a tranche's rate is one unless a deal set another)."""
    if isinstance(values, np.ndarray) and values.shape == (n,):
        return values
    return np.broadcast_to(np.asarray(values, dtype=np.float64), (n,))
