"""Vendor choice (phase 4, procurement): porting decisions and the logit split of new capacity.

Used when the scenario has ``market.choice``; without it labs buy by fixed shares. For a
lab, a quarter and a vendor ``v`` the *effective cost per unit of useful compute* is

    c_v = unit_price_v / (perf_v * (1 - penalty_v(t))) - pull_v

- ``unit_price_v``: the vendor's price per capacity unit plus the infrastructure per unit
  (``market.choice.infrastructure_per_unit``), or the market's all-in cost when that is
  omitted (then only performance and financing tell vendors apart);
- ``perf_v``: useful compute per unit; ``penalty_v(t)``: the productivity penalty right
  after porting, halving every ``penalty_half_life_years`` (``t`` quarters since porting);
- ``pull_v`` ($B per unit): the financing attached to buying from ``v``: money tied to ``v``
  (equity ``use_of_proceeds``) spread over this quarter's purchases, ``financing_weight``
  times a milestone-equity tranche per unit, and a deployment warrant's expected value per
  unit (see `deals.deployment_warrant`). The cost is floored at 1% of the unit price.

New useful capacity is split over the platforms the lab has ported to, and only those:
``share_v = exp(-s (c_v / min c - 1)) / sum`` (``s`` = ``price_sensitivity``), so a share is
exactly zero before porting. Each vendor ships what is left of its supply cap; what a capped
vendor cannot ship goes to the lab's other platforms by their shares, once.

*Porting* is a discrete decision per lab and vendor, taken before the split: the lab ports
when the present value of the saving over the planning horizon,
``planned units x (expected cost now - expected cost with v) x annuity``, exceeds the
porting cost and it can pay that cost now. "Expected cost" is the share-weighted cost of
the logit mix; the candidate's cost carries its penalty averaged over the horizon; the
annuity discounts ``H`` quarters at the lab's discount rate. The porting cost is paid to
``customers`` (engineers and software). A fixed porting cost is small against a big lab's
purchases and large against a small lab's, so big labs second-source and small ones do not:
nothing in the rule says so. A committed purchase (take-or-pay) from a vendor ports the lab
to it when the first delivery arrives, its porting cost taken as part of the deal.

All arrays are ``(V, n)`` over vendors (in scenario order) and paths, or ``(n,)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.units import effective_to_quarterly

from .choice_kernel import logit_exponent, logit_normalise, planned_units, split
from .dust import CAPACITY_DUST, snap
from .row_sums import sum_rows

if TYPE_CHECKING:
    from chipcredit.deals.deployment_warrant import DeploymentWarrantDeal
    from chipcredit.deals.milestone_equity import MilestoneEquityDeal

    from .labs import LabState
    from .sim import Sim

__all__ = ["ChoiceModel", "LabChoice", "committed_take", "logit_shares"]

FLOOR = 0.01
"""Effective cost never falls below this share of the unit price (financing cannot make a
vendor free, and the logit needs a positive cheapest cost)."""


def committed_take(units: NDArray[np.float64], shortfall: NDArray[np.float64],
                   perf: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """Units of a committed purchase that a shortfall takes, ``(n,)``: at most ``units``
    (``(n,)``) and no more than ``shortfall`` (useful capacity, ``(n,)``) needs, each unit
    delivering ``perf`` (useful capacity per unit, ``(n,)``, or 1.0 without a vendor
    choice). The purchase (`ChoiceModel.procure`) and the idle build-out's reserve for it
    (`buildout.committed_reserve`) take the same; so does the build-out of idle financed
    units (``units`` idle, each delivering its vendor's ``perf``, `buildout.build_out_idle`)."""
    return np.minimum(units, shortfall / perf)


def logit_shares(cost: NDArray[np.float64], ported: NDArray[np.bool_],
                 sensitivity: NDArray[np.float64], also: int = -1) -> NDArray[np.float64]:
    """Shares ``(V, n)`` over the ported platforms (and platform ``also``, when it is 0 or
    more): ``exp(-s (c / min c - 1))``, normalised; exactly 0 where not ported. A path with
    no ported platform gets no shares at all. ``cost`` is C-ordered ``(V, n)``,
    ``sensitivity`` ``(n,)``."""
    # the cost is given: the kernel's cost arguments are not read (row -2)
    weight = logit_exponent(cost, cost, cost, cost, False, False, FLOOR, -2, cost, ported, also,
                            sensitivity)
    np.exp(weight, out=weight)  # numpy's exp, as before: a compiled one may differ in the last bit
    logit_normalise(weight, ported, also)
    return weight


class LabChoice:
    """One lab's choice state.

    Attributes
    ----------
    ported : (V, n) bool, platforms the lab has ported to
    ported_at : (V, n) quarter of porting (-1 at the start or never; see ``ported``)
    annuity : (n,) sum of the lab's quarterly discount factors over the planning horizon
    """

    def __init__(self, lab: LabState, sim: Sim, model: ChoiceModel) -> None:
        n, accts = sim.n, model.accts
        spec = lab.spec
        self.ported = np.zeros((len(accts), n), dtype=bool)
        if spec.ported is not None:
            for vid in spec.ported:
                self.ported[accts.index(sim.acct(vid))] = True
        else:
            for acct, share in lab.procurement.items():
                self.ported[accts.index(acct)] = share > 0
        self.ported_at = np.full((len(accts), n), -1, dtype=np.int16)
        self.penalty = np.zeros((len(accts), n))
        """This quarter's productivity penalty of each platform (decays after porting)."""
        rate_q = effective_to_quarterly(lab.discount_rate)
        # each path over its own horizon: a quarter past it adds an exact 0.0
        self.annuity = sum((np.where(k < model.horizon_q, (1.0 + rate_q) ** -k, 0.0)
                            for k in range(model.longest_q)), np.zeros(n))
        # the deals that pull this lab towards a vendor, per vendor index
        self.milestones: list[list[MilestoneEquityDeal]] = [[] for _ in accts]
        self.warrants: list[list[DeploymentWarrantDeal]] = [[] for _ in accts]
        from chipcredit.deals.deployment_warrant import DeploymentWarrantDeal
        from chipcredit.deals.milestone_equity import MilestoneEquityDeal

        for deal in sim.deals:
            if isinstance(deal, MilestoneEquityDeal) and deal.investee_acct == lab.acct:
                self.milestones[accts.index(deal.vendor)].append(deal)
            if isinstance(deal, DeploymentWarrantDeal) and deal.holder == lab.acct:
                self.warrants[accts.index(deal.issuer.acct)].append(deal)


class ChoiceModel:
    """The market's choice terms and every lab's choice state for one chunk."""

    def __init__(self, sim: Sim) -> None:
        spec = sim.scenario.market.choice
        assert spec is not None
        p, key = sim.params, "market.choice"
        self.sensitivity = p.array(spec.price_sensitivity, key + ".price_sensitivity")
        self.horizon_q = p.quarters_per_path(spec.planning_horizon_years,
                                             key + ".planning_horizon_years")
        """Each path's planning horizon, ``(n,)`` whole quarters."""
        self.longest_q = int(self.horizon_q.max())
        self.infra0 = (None if spec.infrastructure_per_unit is None else
                       p.array(spec.infrastructure_per_unit, key + ".infrastructure_per_unit"))
        self.weight = p.array(spec.financing_weight, key + ".financing_weight")
        self.vendors = sim.vendors
        self.accts: list[int] = [v.acct for v in sim.vendors]
        ones = np.ones(sim.n)
        self.perf = np.stack([ones if v.perf is None else v.perf for v in sim.vendors])
        self.porting_cost = np.stack([v.porting_cost for v in sim.vendors])
        # the penalty averaged over the planning horizon, for the porting decision
        h = self.horizon_q
        self.avg_penalty = np.stack([
            v.penalty * sum((np.where(k < h, 0.5 ** (k / v.penalty_hl_q), 0.0)
                             for k in range(self.longest_q)), np.zeros(sim.n)) / h
            for v in sim.vendors])
        self.full_penalty = np.stack([v.penalty for v in sim.vendors])
        self.decay = np.stack([0.5 ** (1.0 / v.penalty_hl_q) for v in sim.vendors])
        self.any_penalty = bool(self.full_penalty.any())
        self.labs = {lab.acct: LabChoice(lab, sim, self) for lab in sim.labs}
        self.unit_price = np.zeros((len(self.accts), sim.n))
        self.mix_price = np.zeros((len(self.accts), sim.n))
        """$B per useful unit of each platform this quarter (``unit_price / perf``)."""
        self.capped = np.array([v.supply_cap is not None for v in self.vendors])
        self._room = np.full((len(self.accts), sim.n), np.inf)
        """What each capped vendor can still ship (rows of the others stay inf)."""

    def set_quarter(self, sim: Sim, q: int) -> None:
        """This quarter's infrastructure cost per unit and every vendor's unit price."""
        m = sim.market
        if self.infra0 is not None:
            sim.infrastructure = self.infra0 * (1.0 + m.cost_growth_q) ** q
            for i, v in enumerate(self.vendors):
                self.unit_price[i] = v.content + sim.infrastructure
        else:
            self.unit_price[:] = m.all_in
        np.divide(self.unit_price, self.perf, out=self.mix_price)

    def pulls(self, sim: Sim, lab: LabState, state: LabChoice, q: int,
              planned_units: NDArray[np.float64]) -> NDArray[np.float64] | float:
        """Financing attached to buying from each vendor, $B per capacity unit, ``(V, n)``
        (0.0 when no deal pulls the lab anywhere)."""
        if not (sim.tied or any(state.milestones) or any(state.warrants)):
            return 0.0
        out = np.zeros((len(self.accts), sim.n))
        for funds in sim.tied:
            if sim.deals[funds.deal].investee_acct == lab.acct and funds.remaining.any():
                i = self.accts.index(funds.vendor)
                per = np.divide(funds.remaining, planned_units, out=np.zeros(sim.n),
                                where=planned_units > 0)
                out[i] += np.minimum(per, self.vendors[i].content)
        for i, deals in enumerate(state.milestones):
            for d in deals:  # a tranche per unit while the deal is open and has room
                open_ = d.closes & lab.alive & (q >= d.start_q) & (d.invested < d.max_amount)
                out[i] += np.where(open_, self.weight * d.per_unit, 0.0)
        for i, warrants in enumerate(state.warrants):
            for w in warrants:
                out[i] += w.pull(sim, q)
        return out

    def shares(self, state: LabChoice, pull: NDArray[np.float64] | float,
               cost: NDArray[np.float64] | None = None, candidate: int = -1
               ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The effective cost per unit of useful compute and the logit shares, both
        ``(V, n)``. A float ``pull`` is `pulls`' 0.0: no deal pulls. With a ``candidate``
        platform, ``cost`` (the costs now, overwritten) has that row replaced by its cost
        with the horizon-average penalty, and the candidate counts as ported."""
        out = np.empty_like(self.unit_price) if cost is None else cost
        pulls = self.unit_price if isinstance(pull, float) else pull  # not read without a pull
        weight = logit_exponent(self.unit_price, self.perf,
                                state.penalty if candidate < 0 else self.avg_penalty, pulls,
                                self.any_penalty, not isinstance(pull, float), FLOOR, candidate,
                                out, state.ported, candidate, self.sensitivity)
        np.exp(weight, out=weight)  # numpy's exp, as in `logit_shares`
        logit_normalise(weight, state.ported, candidate)
        return out, weight

    def _ported(self, state: LabChoice, i: int, now: NDArray[np.bool_], q: int) -> None:
        """Platform ``i`` is ported to on the ``now`` paths in quarter ``q``."""
        state.ported[i] |= now
        state.ported_at[i] = np.where(now, q, state.ported_at[i])
        if self.any_penalty:
            state.penalty[i] = np.where(now, self.full_penalty[i], state.penalty[i])

    def procure(self, sim: Sim, lab: LabState, q: int,
                committed: list[tuple[int, NDArray[np.float64]]],
                shortfall: NDArray[np.float64], budget: NDArray[np.float64]) -> None:
        """The lab's own purchases: committed capacity, porting, then the logit split.

        ``shortfall`` is useful capacity wanted, ``budget`` $B the lab can spend.
        """
        state = self.labs[lab.acct]
        if self.any_penalty and q > 0:  # a quarter older: each penalty decays by its half-life
            state.penalty *= self.decay
        for vendor_acct, units in committed:
            i = self.accts.index(vendor_acct)
            # a dust delivery (a residual of the shortfall or the budget) is no delivery:
            # it must not port the lab to the vendor
            take = snap(np.minimum(committed_take(units, shortfall, self.perf[i]),
                                   budget / self.unit_price[i]), CAPACITY_DUST)
            lab.buy(sim, q, vendor_acct, take)
            shortfall = snap(shortfall - take * self.perf[i], CAPACITY_DUST)
            budget = budget - take * self.unit_price[i]
            new = (take > 0) & ~state.ported[i]
            if new.any():
                self._ported(state, i, new, q)
        live = lab.alive & (shortfall > 0)
        if not live.any():
            return
        # planned purchases at today's mix, for the tied money and the porting decision
        cost, shares = self.shares(state, 0.0)
        planned = planned_units(shares, self.mix_price, budget, shortfall, live, CAPACITY_DUST)
        pull = self.pulls(sim, lab, state, q, planned)
        if not isinstance(pull, float):  # some deal pulls: the costs and shares move
            cost, shares = self.shares(state, pull)
        self._port(sim, lab, state, q, cost, shares, pull, planned, budget)
        if self._ported_now:
            shares = self.shares(state, pull)[1]
            budget = np.maximum(budget - self._paid, 0.0)
        for i, v in enumerate(self.vendors):
            if v.supply_cap is not None:
                self._room[i] = snap(np.maximum(v.supply_cap - v.units, 0.0), CAPACITY_DUST)
        # the logit split, each capped vendor's room, the unmet need spilled once to the
        # other platforms; a dust purchase (what a used-up supply cap leaves, or a logit
        # share's sliver under a watt) is no purchase: it would make the lab second-source
        take, buys = split(shares, self.mix_price, self.perf, self.unit_price, state.ported,
                           self._room, self.capped, budget, shortfall, live, CAPACITY_DUST)
        for i, acct in enumerate(self.accts):
            if buys[i]:
                lab.buy(sim, q, acct, take[i])

    def _port(self, sim: Sim, lab: LabState, state: LabChoice, q: int,
              cost: NDArray[np.float64], shares: NDArray[np.float64],
              pull: NDArray[np.float64] | float,
              planned: NDArray[np.float64], budget: NDArray[np.float64]) -> None:
        """Port to each platform whose saving over the horizon beats its porting cost."""
        self._ported_now: list[int] = []
        self._paid = np.zeros(sim.n)
        expected = None
        planning = lab.alive & (planned > 0)
        for i in range(len(self.accts)):
            candidates = planning & ~state.ported[i]
            if not candidates.any():
                continue
            if expected is None:  # the mix's cost before any porting this quarter
                expected = sum_rows(shares * cost)
            # the candidate's cost carries its horizon-average penalty
            trial, after = self.shares(state, pull, cost.copy(), i)
            saving = np.maximum(expected - sum_rows(after * trial), 0.0)
            pv = planned * saving * state.annuity
            price = self.porting_cost[i]
            port = candidates & (pv > price) & (budget - self._paid >= price)
            if not port.any():
                continue
            paid = np.where(port, price, 0.0)
            sim.ledger.pay(q, lab.acct, sim.acct("customers"), "porting", paid)
            self._paid = self._paid + paid
            self._ported(state, i, port, q)
            self._ported_now.append(i)
