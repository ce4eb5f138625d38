"""Labs: operations (2), compute (3), procurement (4), funding (6) and default (7).

All arrays are shaped ``(n,)`` over the chunk's paths unless stated; money is $B,
capacity is in the scenario's capacity unit, time in quarters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.parties import Lab
from chipcredit.units import annual_volatility_to_quarterly, effective_to_quarterly

from .claims import Claim
from .fleet import Fleet

if TYPE_CHECKING:
    from .sim import Sim

__all__ = ["CAUSES", "FINANCING_KINDS", "LabState"]

CAUSES = ("none", "arrears_unfunded", "covenant", "cross_default")
"""Default causes; index 0 means no default."""

FINANCING_KINDS = frozenset({"equity", "equity_round", "loan_draw", "credit_draw", "tranche"})
"""Inflows that fund a lab rather than measure its burn."""

ARREARS_TOL = 1e-9  # $B; below a thousand dollars is rounding, not arrears


def decaying(g_from: NDArray[np.float64], g_to: NDArray[np.float64],
             half_life_years: NDArray[np.float64], q: int) -> NDArray[np.float64]:
    """Effective annual growth in quarter ``q`` of a decaying growth path."""
    return np.asarray(g_to + (g_from - g_to) * 0.5 ** ((q / 4.0) / half_life_years))


class LabState:
    """One lab's state for a chunk of paths.

    Attributes
    ----------
    run_rate : revenue run-rate, $B per year
    revenue : this quarter's revenue, $B
    fleet : the lab's own GPUs by age
    leased : capacity leased from SPVs (kept by each SPV deal, summed here each quarter)
    shares : cap table, ``{(holder account, deal index or -1): shares (n,)}``
    alive : not yet defaulted
    default_quarter : quarter of default, -1 if none (int16)
    cause : index into `CAUSES` (int8)
    claims : every `Claim` on the lab, in servicing order
    """

    def __init__(self, lab: Lab, sim: Sim) -> None:
        n, p, key = sim.n, sim.params, f"parties.{lab.id}"
        self.id = lab.id
        self.acct = sim.acct(lab.id)
        self.spec = lab
        r, c, k, f = lab.revenue, lab.costs, lab.compute, lab.funding
        self.run_rate = p.array(r.run_rate, key + ".revenue.run_rate")
        self.g_from = p.array(r.growth.start, key + ".revenue.growth.from")
        self.g_to = p.array(r.growth.end, key + ".revenue.growth.to")
        self.g_hl = p.array(r.growth.half_life_years, key + ".revenue.growth.half_life_years")
        self.vol_q = annual_volatility_to_quarterly(p.array(r.volatility, key + ".revenue.volatility"))
        self.beta = p.array(r.beta, key + ".revenue.beta")
        self.fixed_q = p.array(c.fixed_per_year, key + ".costs.fixed_per_year") / 4.0
        self.fixed_growth_q = effective_to_quarterly(p.array(c.fixed_growth, key + ".costs.fixed_growth"))
        self.revenue_share = p.array(c.revenue_share, key + ".costs.revenue_share")
        self.per_revenue = p.array(k.per_revenue, key + ".compute.per_revenue")
        self.efficiency_q = effective_to_quarterly(
            p.array(k.efficiency_gain_per_year, key + ".compute.efficiency_gain_per_year"))
        self.training = p.array(k.training, key + ".compute.training")
        self.t_from = p.array(k.training_growth.start, key + ".compute.training_growth.from")
        self.t_to = p.array(k.training_growth.end, key + ".compute.training_growth.to")
        self.t_hl = p.array(k.training_growth.half_life_years,
                            key + ".compute.training_growth.half_life_years")
        self.buffer = p.array(f.buffer_quarters, key + ".funding.buffer_quarters")
        self.round_quarters = p.array(f.round_quarters, key + ".funding.round_quarters")
        self.multiple = p.array(f.valuation_multiple, key + ".funding.valuation_multiple")
        self.loading = p.array(f.sentiment_loading, key + ".funding.sentiment_loading")
        s = f.success
        self.coef = [p.array(x, f"{key}.funding.success.{name}") for name, x in
                     (("base", s.base), ("momentum", s.momentum), ("sentiment", s.sentiment),
                      ("winter", s.winter))]
        self.discount_rate = p.array(lab.discount_rate, key + ".discount_rate")
        shares = {sim.acct(v): p.array(x, f"{key}.procurement.{v}")
                  for v, x in lab.procurement.items()}
        # uncertain shares are normalised per path so that they always add up to 1
        total = sum(shares.values(), np.zeros(n))
        self.procurement = {v: np.divide(x, total, out=np.full(n, 1.0 / len(shares)),
                                         where=total > 0) for v, x in shares.items()}
        # opening fleet: GPUs valued at the procurement-weighted vendor content
        content = sum(sim.vendor_by_acct[v].content0 * s for v, s in self.procurement.items())
        self.fleet = Fleet(sim.market, n, sim.workspace)
        self.fleet.seed_even(p.array(k.installed, key + ".compute.installed"),
                             np.asarray(content, dtype=np.float64))
        self.leased = np.zeros(n)
        self.revenue = np.zeros(n)
        self.revenue_total = np.zeros(n)
        self.need = np.zeros(n)
        self.inference_need = self.per_revenue * self.run_rate
        self.alive = np.ones(n, dtype=bool)
        self.default_quarter = np.full(n, -1, dtype=np.int16)
        self.cause = np.zeros(n, dtype=np.int8)
        # trailing run-rates for momentum, back-cast at the opening growth
        self.history = np.stack([self.run_rate * (1.0 + self.g_from) ** (-(4 - i) / 4.0)
                                 for i in range(4)])
        self.burn = np.zeros((4, n))
        self.cash_open = np.zeros(n)
        # the opening cap table: 1.0 (billion) shares; founders hold what others do not
        self.shares: dict[tuple[int, int], NDArray[np.float64]] = {}
        held = np.zeros(n)
        for holder, frac in lab.equity.holders.items():
            amount = p.array(frac, f"{key}.equity.holders.{holder}")
            self.shares[(sim.acct(holder), -1)] = amount
            held = held + amount
        self.shares[(sim.acct("founders"), -1)] = 1.0 - held
        self.deployed: dict[int, NDArray[np.float64]] = {v: np.zeros(n) for v in sim.vendor_by_acct}
        self.opex = Claim("opex", sim.acct("customers"), self.acct, None, n, 0.0, stage=-1)
        self.claims: list[Claim] = []
        u = sim.draws.uniform(f"funding:{lab.id}", sim.n_quarters)
        z = sim.draws.normal(f"lab:{lab.id}", sim.n_quarters)
        self._u_funding, self._z = u, z
        self.cash = sim.ledger.balance[self.acct]  # a view: the ledger is the book of record
        sim.ledger.pay(0, sim.acct("market"), self.acct, "opening_balance",
                       p.array(lab.cash, key + ".cash"), begin=True)

    # -- valuation and cap table -------------------------------------------------------
    def total_shares(self) -> NDArray[np.float64]:
        return np.asarray(sum(self.shares.values()))

    def valuation(self, sim: Sim) -> NDArray[np.float64]:
        """Pre-money valuation: multiple x exp(loading x sentiment) x run-rate ($B)."""
        v = self.multiple * np.exp(self.loading * sim.market.sentiment) * self.run_rate
        return np.where(self.alive, v, 0.0)

    def issue(self, holder: int, deal: int, amount: NDArray[np.float64],
              price: NDArray[np.float64]) -> None:
        """New shares worth ``amount`` at ``price`` per share, to (holder, deal)."""
        new = np.divide(amount, price, out=np.zeros_like(amount), where=price > 0)
        key = (holder, deal)
        self.shares[key] = self.shares.get(key, 0.0) + new

    def price(self, sim: Sim) -> NDArray[np.float64]:
        return np.asarray(self.valuation(sim) / self.total_shares())

    # -- phases ------------------------------------------------------------------------
    def operations(self, sim: Sim, q: int) -> None:
        """Phase 2: the run-rate moves; revenue comes in; operating costs go out."""
        m = sim.market
        g = decaying(self.g_from, self.g_to, self.g_hl, q)
        step = (np.log1p(g) / 4.0 + self.beta * m.sigma_q * m.z + self.vol_q * self._z[q]
                + m.winter * m.winter_log_growth)
        self.history[:-1] = self.history[1:]  # drop the oldest run-rate
        self.history[-1] = self.run_rate
        self.run_rate = np.where(self.alive, self.run_rate * np.exp(step), 0.0)
        self.cash_open = self.cash.copy()
        # revenue needs inference capacity; what is missing is revenue not served
        self.inference_need = self.run_rate * self.per_revenue * (1.0 + self.efficiency_q) ** (-q)
        capacity = self.fleet.installed() + self.leased
        served = np.divide(capacity, self.inference_need, out=np.ones(sim.n),
                           where=self.inference_need > 0)
        self.revenue = np.where(self.alive, self.run_rate / 4.0 * np.minimum(served, 1.0), 0.0)
        self.revenue_total += self.revenue
        self.bought = {v: np.zeros(sim.n) for v in self.deployed}
        sim.ledger.pay(q, sim.acct("customers"), self.acct, "revenue", self.revenue)
        costs = (self.fixed_q * (1.0 + self.fixed_growth_q) ** q
                 + self.revenue_share * self.revenue + m.power_q * capacity)
        self.opex.schedule(np.where(self.alive, costs, 0.0), q + 1)
        self.opex.settle(sim.ledger, q, self.cash, "operating_costs")

    def compute(self, sim: Sim, q: int) -> None:
        """Phase 3: the fleet ages; the need is inference plus training."""
        self.fleet.age_one_quarter()
        tg = decaying(self.t_from, self.t_to, self.t_hl, q)
        self.training = self.training * (1.0 + tg) ** 0.25
        self.need = np.where(self.alive, self.inference_need + self.training, 0.0)

    def installed(self) -> NDArray[np.float64]:
        return np.asarray(self.fleet.installed() + self.leased)

    def due(self) -> NDArray[np.float64]:
        """What the lab's claims ask of it this quarter (scheduled plus arrears)."""
        total = np.zeros_like(self.cash)
        for claim in self.claims:
            total = total + claim.total_due()
        return total

    def arrears(self) -> NDArray[np.float64]:
        total = self.opex.arrears.copy()
        for claim in self.claims:
            total = total + claim.arrears
        return total

    def buy(self, sim: Sim, q: int, vendor_acct: int, units: NDArray[np.float64],
            deal: int | None = None) -> None:
        """Buy ``units`` from a vendor: its content to the vendor, the rest to customers."""
        vendor = sim.vendor_by_acct[vendor_acct]
        paid = vendor.sell(sim, q, self.acct, units, deal)
        sim.ledger.pay(q, self.acct, sim.acct("customers"), "infrastructure",
                       units * sim.market.all_in - paid)
        self.fleet.add(units, paid)
        self.deployed[vendor_acct] += units
        self.bought[vendor_acct] = self.bought.get(vendor_acct, 0.0) + units
        sim.spend_tied(self, vendor_acct, paid)

    def install_financed(self, sim: Sim, q: int, vendor_acct: int, units: NDArray[np.float64],
                         content_paid: NDArray[np.float64]) -> NDArray[np.float64]:
        """Hardware financed by a deal arrives: the lab pays the rest of the all-in cost
        (buildings, power, network) from its cash. Returns the share of ``units`` it could
        build out, ``(n,)``; the rest stands idle."""
        infra = np.maximum(units * sim.market.all_in - content_paid, 0.0)
        paid = np.minimum(infra, np.maximum(self.cash, 0.0))
        sim.ledger.pay(q, self.acct, sim.acct("customers"), "infrastructure", paid)
        usable = np.divide(paid, infra, out=np.ones(sim.n), where=infra > 0)
        self.deployed[vendor_acct] += units * usable
        return np.asarray(usable)

    def procure(self, sim: Sim, q: int, committed: list[tuple[int, NDArray[np.float64]]]) -> None:
        """Phase 4 (the lab's own purchases): committed capacity first, then fixed shares.

        A lab short of cash buys less; since inference is served first, training is what
        it cuts.
        """
        shortfall = np.where(self.alive, np.maximum(self.need - self.installed(), 0.0), 0.0)
        budget = np.maximum(self.cash - self.due(), 0.0)
        affordable = budget / sim.market.all_in
        for vendor_acct, units in committed:
            take = np.minimum(np.minimum(units, shortfall), affordable)
            self.buy(sim, q, vendor_acct, take)
            shortfall = shortfall - take
            affordable = affordable - take
        rest = np.minimum(shortfall, affordable)
        for vendor_acct, share in self.procurement.items():
            self.buy(sim, q, vendor_acct, rest * share)

    def funding(self, sim: Sim, q: int) -> None:
        """Phase 6: a round when cash is under the buffer or the lab is in arrears."""
        inflow = sim.financing_inflow(self.acct)
        burn_now = self.cash_open + inflow - self.cash
        self.burn[:-1] = self.burn[1:]  # drop the oldest quarter
        self.burn[-1] = burn_now
        burn = np.maximum(self.burn.mean(axis=0), 0.0)
        arrears = self.arrears()
        gap = np.maximum(self.buffer * burn - self.cash, 0.0)
        size = np.maximum(self.round_quarters * burn, arrears + gap)
        wants = self.alive & ((self.cash < self.buffer * burn) | (arrears > ARREARS_TOL)) & (size > 0)
        momentum = np.divide(self.run_rate, self.history[0], out=np.zeros(sim.n),
                             where=self.history[0] > 0) - 1.0
        chance = self.success_probability(momentum, sim.market.sentiment, sim.market.winter)
        chance = chance * sim.shocks.funding[q]
        ok = wants & (self._u_funding[q] <= chance)
        amount = np.where(ok, size, 0.0)
        price = self.price(sim)
        self.issue(sim.acct("market"), -1, amount, price)
        sim.ledger.pay(q, sim.acct("market"), self.acct, "equity_round", amount)
        self.opex.settle(sim.ledger, q, self.cash, "operating_costs")
        for claim in self.claims:
            claim.settle(sim.ledger, q, self.cash)

    def success_probability(self, momentum: NDArray[np.float64], sentiment: NDArray[np.float64],
                            winter: NDArray[np.bool_]) -> NDArray[np.float64]:
        """The round-success logistic of DESIGN.md section 3, phase 6."""
        base, mom, sen, win = self.coef
        x = base + mom * np.clip(momentum, -1.0, 10.0) + sen * sentiment + win * winter
        return np.asarray(1.0 / (1.0 + np.exp(-x)))
