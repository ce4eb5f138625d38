"""Labs: operations (2), compute (3), procurement (4), funding (6) and default (7).

All arrays are shaped ``(n,)`` over the chunk's paths unless stated; money is $B,
capacity is in the scenario's capacity unit, time in quarters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.base import GrowthPath
from chipcredit.scenario.parties import Lab
from chipcredit.units import annual_volatility_to_quarterly, effective_to_quarterly

from .buildout import IdleHardware, build_out_idle, infrastructure_per_unit
from .claims import Claim
from .dust import CAPACITY_DUST, snap
from .fleet import opening_fleet
from .funding import Fundraiser
from .lab_kernel import serve
from .lab_kernel import shortfall as lab_shortfall
from .params import compact
from .spending import Liquidity, PurchaseDraws, SpendingRule
from .spot_market import rent_from_clouds
from .window import push

if TYPE_CHECKING:
    from .sim import Sim

__all__ = ["CAUSES", "FINANCING_KINDS", "LabState"]

CAUSES = ("none", "arrears_unfunded", "covenant", "cross_default")
"""Default causes; index 0 means no default."""

FINANCING_KINDS = frozenset({"equity", "equity_round", "loan_draw", "credit_draw", "tranche"})
"""Inflows that fund a lab rather than measure its burn."""


def decaying(g_to: NDArray[np.float64], span: NDArray[np.float64],
             half_life_years: NDArray[np.float64], q: int) -> NDArray[np.float64]:
    """Effective annual growth in quarter ``q`` of a growth path decaying from
    ``g_to + span`` to ``g_to`` (each argument ``(n,)``, or ``(1,)`` when the same on every
    path; ``span = g_from - g_to`` is taken once, not every quarter)."""
    return np.asarray(g_to + span * 0.5 ** ((q / 4.0) / half_life_years))


def _full(values: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """``values`` as ``(n,)``: a one-element (`compact`) array is broadcast, not copied."""
    values = np.asarray(values, dtype=np.float64)
    return values if values.shape == (n,) else np.broadcast_to(values, (n,))


MAX_RUN_RATE = 1e12
"""$B a year; a lab's run-rate stops growing here (ten million times world GDP), so that
the largest volatilities and betas a scenario may state cannot overflow to inf."""
_MAX_LOG_STEP = 700.0
"""exp(700) is about 1e304, the largest growth factor applied in one quarter."""

class LabState(Fundraiser):
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
        self.g_hl = compact(p.array(r.growth.half_life_years, key + ".revenue.growth.half_life_years"))
        self._g_span = self.g_from - self.g_to
        self.vol_q = annual_volatility_to_quarterly(p.array(r.volatility, key + ".revenue.volatility"))
        self.beta = p.array(r.beta, key + ".revenue.beta")
        self._beta_sigma = self.beta * sim.market.sigma_q  # the demand factor's loading
        self.fixed_q = p.array(c.fixed_per_year, key + ".costs.fixed_per_year") / 4.0
        fg, fkey = c.fixed_growth, key + ".costs.fixed_growth"
        # a growth path: the fixed costs' growth factor is carried quarter to quarter (the
        # rate changes each quarter); a constant rate: raised to the quarter, as it always was.
        # Each form keeps only its own state.
        self._fixed_path: tuple[NDArray[np.float64], ...] | None = None
        """``(to, from - to, half_life_years)`` of a growth path, as `decaying` takes them."""
        self._fixed_growth: NDArray[np.float64] | None = None
        """``1 +`` the constant rate's quarterly growth, ``(n,)`` or ``(1,)`` (`compact`)."""
        if isinstance(fg, GrowthPath):
            f_to = p.array(fg.end, fkey + ".to")
            self._fixed_path = (f_to, p.array(fg.start, fkey + ".from") - f_to,
                                compact(p.array(fg.half_life_years, fkey + ".half_life_years")))
            self._fixed_factor = np.ones(1)
            """Growth factor of the fixed costs in this quarter, ``(n,)`` or ``(1,)``: the
            product of ``(1 + g(k)) ** 0.25`` over the quarters ``k`` before it."""
        else:
            # raised to the quarter each quarter: once, when it is the same on every path
            self._fixed_growth = compact(1.0 + effective_to_quarterly(p.array(fg, fkey)))
        self.revenue_share = p.array(c.revenue_share, key + ".costs.revenue_share")
        self.per_revenue = p.array(k.per_revenue, key + ".compute.per_revenue")
        self.efficiency_q = effective_to_quarterly(
            p.array(k.efficiency_gain_per_year, key + ".compute.efficiency_gain_per_year"))
        # raised to the quarter each quarter: once, when it is the same on every path
        self._efficiency = compact(1.0 + self.efficiency_q)
        self.training = p.array(k.training, key + ".compute.training")
        self.t_from = p.array(k.training_growth.start, key + ".compute.training_growth.from")
        self.t_to = p.array(k.training_growth.end, key + ".compute.training_growth.to")
        self.t_hl = compact(p.array(k.training_growth.half_life_years,
                                    key + ".compute.training_growth.half_life_years"))
        self._t_span = self.t_from - self.t_to
        self.init_funding(sim, f, key, lab.id)  # buffer, round size, multiple, success
        self.discount_rate = p.array(lab.discount_rate, key + ".discount_rate")
        self.procurement, self.fleet = opening_fleet(sim, lab.procurement, k.installed, key,
                                                     key + ".compute.installed")
        self.spending = (None if k.spending is None
                         else SpendingRule(k.spending, sim, key + ".compute.spending"))
        self.liquidity: list[Liquidity] = []
        """Committed facilities whose undrawn headroom counts towards the spending rule's
        runway (credit facilities that draw what the lab cannot pay add themselves)."""
        self.purchase_draws: list[PurchaseDraws] = []
        """Credit facilities that draw to pay for its purchases, in scenario order (they add
        themselves); they draw in `procure`, after the spending rule's cut."""
        self.idle_hardware: list[IdleHardware] = []
        """Financed deliveries with GPUs it has not built out (they add themselves), in
        scenario order: built out in `procure` before anything new is rented or bought."""
        self.leased = np.zeros(n)
        self.rented = np.zeros(n)  # from clouds (contracts and spot), set each procurement
        self.renting = {sim.acct(c): p.array(x, f"{key}.renting.{c}") for c, x in lab.renting.items()}
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
        self.cash_open = np.zeros(n)
        self.init_cap_table(sim, lab.equity, key)
        self.deployed: dict[int, NDArray[np.float64]] = {v: np.zeros(n) for v in sim.vendor_by_acct}
        # its primary vendor: the first it has ported to, else its largest (median) share
        first = (lab.ported[0] if lab.ported else
                 max(lab.procurement, key=lambda v: lab.procurement[v].median()))
        self.primary = sim.acct(first)
        self.second_source = np.full(n, -1, dtype=np.int16)
        """Quarter it first took delivery from a vendor other than its primary (-1: never)."""
        self.opex = Claim("opex", sim.acct("customers"), self.acct, None, n, 0.0, stage=-1)
        self.claims: list[Claim] = []
        self._z = sim.draws.normal(f"lab:{lab.id}", sim.n_quarters)
        self.cash = sim.ledger.balance[self.acct]  # a view: the ledger is the book of record
        sim.ledger.pay(0, sim.acct("market"), self.acct, "opening_balance",
                       p.array(lab.cash, key + ".cash"), begin=True)

    # -- phases ------------------------------------------------------------------------
    def operations(self, sim: Sim, q: int) -> None:
        """Phase 2: the run-rate moves; revenue comes in; operating costs go out."""
        m, n = sim.market, sim.n
        g = decaying(self.g_to, self._g_span, self.g_hl, q)
        # the run-rate's log step: the growth, the market's and its own shocks and the
        # winter's hit, at most _MAX_LOG_STEP
        step = np.minimum(np.log1p(g) / 4.0 + self._beta_sigma * m.z + self.vol_q * self._z[q]
                          + m.winter * m.winter_log_growth, _MAX_LOG_STEP)
        push(self.history, self.run_rate)  # the oldest run-rate drops out
        self.cash_open = self.cash.copy()
        # the run-rate grows (extreme volatility x beta: capped just below MAX_RUN_RATE);
        # revenue needs inference capacity, and what is missing is revenue not served
        self.run_rate, self.inference_need, self.revenue, costs = serve(
            self.run_rate, np.exp(step), self.alive, MAX_RUN_RATE, self.per_revenue,
            _full(self._efficiency ** (-q), n), self.fleet.installed(), self.leased, self.rented,
            self.fixed_q, _full(self._fixed_growth_factor(q), n), self.revenue_share, _full(m.power_q, n))
        self.revenue_total += self.revenue
        # units bought this quarter by vendor account (none yet: a missing vendor reads as 0)
        self.bought: dict[int, NDArray[np.float64]] = {}
        sim.ledger.pay(q, sim.acct("customers"), self.acct, "revenue", self.revenue)
        self.opex.schedule(costs, q + 1)
        self.opex.settle(sim.ledger, q, self.cash, "operating_costs")

    def _fixed_growth_factor(self, q: int) -> NDArray[np.float64]:
        """The fixed costs' growth factor in quarter ``q`` (``q`` counts up by one per call):
        ``(1 + fixed_growth) ** (q / 4)`` for a constant rate; under a growth path, the
        product of ``(1 + g(k)) ** 0.25`` over ``k < q``, ``g`` decaying as revenue growth
        does (`decaying`): 1 in the first quarter, as for a constant rate."""
        if self._fixed_growth is not None:
            return np.asarray(self._fixed_growth ** q)
        assert self._fixed_path is not None  # one form or the other
        factor = self._fixed_factor
        f_to, f_span, f_hl = self._fixed_path
        self._fixed_factor = factor * (1.0 + decaying(f_to, f_span, f_hl, q)) ** 0.25
        return factor

    def compute(self, sim: Sim, q: int) -> None:
        """Phase 3: the fleet ages; the need is inference plus training."""
        self.fleet.age_one_quarter()
        tg = decaying(self.t_to, self._t_span, self.t_hl, q)
        self.training = self.training * (1.0 + tg) ** 0.25
        self.need = np.where(self.alive, self.inference_need + self.training, 0.0)

    def installed(self) -> NDArray[np.float64]:
        return np.asarray(self.fleet.installed() + self.leased + self.rented)

    def due(self) -> NDArray[np.float64]:
        """What the lab's claims ask of it this quarter (scheduled plus arrears)."""
        total = np.zeros_like(self.cash)
        for claim in self.claims:
            total = total + claim.total_due()
        return total

    def due_at(self, paths: NDArray[np.intp]) -> NDArray[np.float64]:
        """`due` on the path indices ``paths`` only (the same numbers), ``(len(paths),)``."""
        total = np.zeros(paths.size)
        for claim in self.claims:
            total = total + (claim.due_now[paths] + claim.arrears[paths])
        return total

    def arrears(self) -> NDArray[np.float64]:
        total = self.opex.arrears
        for claim in self.claims:
            total = total + claim.arrears  # a new array: the opex's is not changed
        return total if self.claims else total.copy()

    def buy(self, sim: Sim, q: int, vendor_acct: int, units: NDArray[np.float64],
            deal: int | None = None) -> None:
        """Buy ``units`` from a vendor: its content to the vendor, the rest to customers."""
        vendor = sim.vendor_by_acct[vendor_acct]
        # the money deals tied to this vendor's hardware pays first (money provenance)
        tied = sim.tied_parts(self, vendor_acct, units * vendor.content) if sim.tied else ()
        paid = vendor.sell(sim, q, self.acct, units, deal, tied=tied)
        sim.ledger.pay(q, self.acct, sim.acct("customers"), "infrastructure",
                       units * infrastructure_per_unit(sim, vendor.content))
        self.fleet.add(units if vendor.perf is None else units * vendor.perf, paid)
        self.deployed[vendor_acct] += units
        self.bought[vendor_acct] = self.bought.get(vendor_acct, 0.0) + units
        sim.spend_tied(self, vendor_acct, paid)

    def procure(self, sim: Sim, q: int, committed: list[tuple[int, NDArray[np.float64]]]) -> None:
        """Phase 4 (the lab's own purchases): idle financed GPUs built out, the spending
        rule's cut, spot rentals, purchase draws for what is left to buy, then the purchases:
        committed capacity first, then fixed shares (or the vendor choice).

        A lab short of cash buys less; since inference is served first, training is what
        it cuts.
        """
        # need met up to rounding: nothing to get (snapped to 0)
        shortfall = lab_shortfall(self.need, self.fleet.installed(), self.leased, self.rented,
                                  self.alive, CAPACITY_DUST)
        due = self.due()
        if self.idle_hardware:  # financed GPUs it already pays for, after its commitments
            shortfall = build_out_idle(sim, self, q, shortfall, due, committed)
        own = budget = np.maximum(self.cash - due, 0.0)  # own: before any purchase draws
        if self.spending is not None:  # short of runway: defer some compute, keep some cash
            shortfall = self._defer(sim, q, shortfall, committed)
            budget = self.spending.spend(own, own, sim.market.all_in)
        shortfall, left = rent_from_clouds(sim, self, q, shortfall, budget, committed)
        if self.purchase_draws:  # for what is left to buy, after the cut and the rentals
            # the rent, budget - left, is exactly 0 for a lab that does not rent (`left` is
            # `budget` then): its budget is the rule's after the draws, bit for bit
            left = np.maximum(self._draw_for_purchases(sim, q, shortfall, due, own)
                              - (budget - left), 0.0)
        budget = left
        if sim.choice is not None:
            sim.choice.procure(sim, self, q, committed, shortfall, budget)
            self._track_sources(q)
            return
        affordable = budget / sim.market.all_in
        for vendor_acct, units in committed:
            take = snap(np.minimum(np.minimum(units, shortfall), affordable), CAPACITY_DUST)
            self.buy(sim, q, vendor_acct, take)
            shortfall = snap(shortfall - take, CAPACITY_DUST)
            affordable = affordable - take
        rest = np.minimum(shortfall, affordable)
        for vendor_acct, share in self.procurement.items():
            self.buy(sim, q, vendor_acct, snap(rest * share, CAPACITY_DUST))
        self._track_sources(q)

    def _draw_for_purchases(self, sim: Sim, q: int, shortfall: NDArray[np.float64],
                            due: NDArray[np.float64], own: NDArray[np.float64]
                            ) -> NDArray[np.float64]:
        """Draw the purchase facilities (`PurchaseDraws`, in scenario order) for
        ``shortfall``, the capacity units the lab still has to buy after its spending rule's
        cut and its spot rentals, ``(n,)``; returns what it may spend of its cash above
        ``due`` after the draws, ``(n,)`` $B, before the rent.

        The draws follow the rentals: they finance what the lab buys (docs/design.md section 3,
        phase 4), and drawn for capacity it then rents, the money would sit idle, accruing
        interest. The rule never holds back what they bring in (`SpendingRule.spend`, with
        ``own``, the cash above ``due`` before them, ``(n,)`` $B).
        """
        for facility in self.purchase_draws:
            facility.draw_for_purchases(sim, q, shortfall)
        spend = np.maximum(self.cash - due, 0.0)
        if self.spending is not None:
            spend = self.spending.spend(spend, own, sim.market.all_in)
        return spend

    def _defer(self, sim: Sim, q: int, shortfall: NDArray[np.float64],
               committed: list[tuple[int, NDArray[np.float64]]]) -> NDArray[np.float64]:
        """The spending rule's first step (`SpendingRule.want`): the shortfall less what a
        short runway defers. Never cut: the capacity that serves revenue or, if more, this
        quarter's committed purchases (nor, in `SpendingRule.spend`, its cost)."""
        assert self.spending is not None
        serving = np.maximum(self.inference_need - self.installed(), 0.0)
        must_buy = sum((units for _, units in committed), np.zeros(sim.n))
        undrawn = sum((f.headroom(q) for f in self.liquidity), np.zeros(sim.n))
        return self.spending.want(shortfall, np.maximum(serving, must_buy), self.cash, undrawn,
                                  self.burn)

    def _track_sources(self, q: int) -> None:
        """Note the quarter of the first delivery from a vendor other than the primary one
        (its own purchases and financed deliveries alike)."""
        if len(self.deployed) < 2 or (self.second_source >= 0).all():
            return
        other = sum(d for v, d in self.deployed.items() if v != self.primary)
        self.second_source[(self.second_source < 0) & (np.asarray(other) >= CAPACITY_DUST)] = q

    def funding(self, sim: Sim, q: int) -> None:
        """Phase 6: a round when cash is under the buffer or the lab is in arrears (see
        `Fundraiser.raise_equity`); then what it owes is settled from the new cash."""
        self.raise_equity(sim, q)
        self.opex.settle(sim.ledger, q, self.cash, "operating_costs")
        for claim in self.claims:
            claim.settle(sim.ledger, q, self.cash)
