"""Vendor choice on one path: porting decisions and the logit split of a lab's purchases
over the platforms it has ported to, with the pull of the deals that finance buying from
a vendor (milestone equity, a deployment warrant)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .dust import CAPACITY_DUST, snap

if TYPE_CHECKING:
    from .labs import Lab
    from .world import World

__all__ = ["Choice", "logit_shares"]

FLOOR = 0.01  # the effective cost never falls below this share of the unit price


def logit_shares(cost: list[float], ported: list[bool], sensitivity: float) -> list[float]:
    """Shares ``exp(-s (c / min c - 1))`` over the ported platforms, normalised."""
    cheapest = min((c for c, p in zip(cost, ported, strict=True) if p), default=math.inf)
    weights = []
    for c, p in zip(cost, ported, strict=True):
        rel = c / cheapest if math.isfinite(cheapest) else 1.0
        weights.append(math.exp(-sensitivity * (rel - 1.0)) if p else 0.0)
    total = sum(weights)
    return [w / total if total > 0 else 0.0 for w in weights]


class LabChoice:
    """One lab's platforms: ported, the quarter of porting, the current penalties."""

    def __init__(self, lab: Lab, world: World, choice: Choice) -> None:
        ids = choice.ids
        spec = lab.spec
        if spec.ported is not None:
            self.ported = [vid in spec.ported for vid in ids]
        else:
            self.ported = [lab.procurement.get(vid, 0.0) > 0 for vid in ids]
        self.ported_at = [-1] * len(ids)
        self.penalty = [0.0] * len(ids)
        rate_q = (1.0 + lab.discount_rate) ** 0.25 - 1.0
        self.annuity = sum((1.0 + rate_q) ** -k for k in range(choice.horizon_q))
        self.milestones: list[list[Any]] = [[] for _ in ids]
        self.warrants: list[list[Any]] = [[] for _ in ids]
        for deal in world.deals:
            if deal.kind == "milestone_equity" and deal.investee == lab.id:
                self.milestones[ids.index(deal.vendor)].append(deal)
            if deal.kind == "deployment_warrant" and deal.holder == lab.id:
                self.warrants[ids.index(deal.issuer.id)].append(deal)


class Choice:
    """The market's choice terms and each lab's choice state on one path."""

    def __init__(self, world: World) -> None:
        spec = world.scenario.market.choice
        p, key = world.p, "market.choice"
        self.sensitivity = p(spec.price_sensitivity, key + ".price_sensitivity")
        self.horizon_q = world.chunk.quarters(spec.planning_horizon_years,
                                              key + ".planning_horizon_years", p.path)
        self.infra0 = (None if spec.infrastructure_per_unit is None
                       else p(spec.infrastructure_per_unit, key + ".infrastructure_per_unit"))
        self.weight = p(spec.financing_weight, key + ".financing_weight")
        self.vendors = list(world.vendors.values())
        self.ids = [v.id for v in self.vendors]
        self.perf = [1.0 if v.perf is None else v.perf for v in self.vendors]
        self.porting_cost = [v.porting_cost for v in self.vendors]
        h = self.horizon_q
        self.avg_penalty = [v.penalty * sum(0.5 ** (k / v.penalty_hl_q) for k in range(h)) / h
                            for v in self.vendors]
        self.full_penalty = [v.penalty for v in self.vendors]
        self.decay = [0.5 ** (1.0 / v.penalty_hl_q) for v in self.vendors]
        self.any_penalty = world.chunk_any_penalty
        self.labs = {lab.id: LabChoice(lab, world, self) for lab in world.labs}
        self.unit_price = [0.0] * len(self.ids)

    def set_quarter(self, world: World, q: int) -> None:
        m = world.market
        if self.infra0 is not None:
            world.infrastructure = self.infra0 * (1.0 + m.cost_growth_q) ** q
            self.unit_price = [v.content + world.infrastructure for v in self.vendors]
        else:
            self.unit_price = [m.all_in] * len(self.vendors)

    def pulls(self, world: World, lab: Lab, state: LabChoice, q: int,
              planned: float) -> list[float] | None:
        """Financing per unit attached to buying from each vendor ($B), or None."""
        if not (world.tied or any(state.milestones) or any(state.warrants)):
            return None
        out = [0.0] * len(self.ids)
        for t in world.tied:  # money tied to the vendor, per unit the lab plans to buy
            if t.lab == lab.id:
                i = self.ids.index(t.vendor)
                out[i] += min(t.remaining / planned if planned > 0 else 0.0, self.vendors[i].content)
        for i, deals in enumerate(state.milestones):
            for d in deals:
                if d.closes and lab.alive and q >= d.start_q and d.invested < d.max_amount:
                    out[i] += self.weight * d.per_unit
        for i, warrants in enumerate(state.warrants):
            for w in warrants:
                out[i] += w.pull(world, q)
        return out

    def costs(self, state: LabChoice, pull: list[float] | None,
              penalty: list[float] | None = None) -> list[float]:
        """Effective cost per unit of useful compute of each vendor."""
        if penalty is None:
            penalty = state.penalty
        out = []
        for i, price in enumerate(self.unit_price):
            useful = self.perf[i] * (1.0 - min(penalty[i], 0.99)) if self.any_penalty else self.perf[i]
            out.append(max(price / useful - (pull[i] if pull else 0.0), FLOOR * price))
        return out

    def _port_to(self, state: LabChoice, i: int, q: int) -> None:
        state.ported[i] = True
        state.ported_at[i] = q
        if self.any_penalty:
            state.penalty[i] = self.full_penalty[i]

    def procure(self, world: World, lab: Lab, q: int, committed: list[tuple[str, float]],
                shortfall: float, budget: float) -> None:
        """The lab's own purchases: committed capacity, porting, then the logit split."""
        state = self.labs[lab.id]
        if self.any_penalty and q > 0:
            state.penalty = [pen * d for pen, d in zip(state.penalty, self.decay, strict=True)]
        for vid, units in committed:
            i = self.ids.index(vid)
            take = snap(min(units, shortfall / self.perf[i], budget / self.unit_price[i]),
                        CAPACITY_DUST)
            lab.buy(world, q, vid, take)
            shortfall = snap(shortfall - take * self.perf[i], CAPACITY_DUST)
            budget -= take * self.unit_price[i]
            if take > 0 and not state.ported[i]:
                self._port_to(state, i, q)
        if not (lab.alive and shortfall > 0):
            return
        s = self.sensitivity
        mix_price = [u / f for u, f in zip(self.unit_price, self.perf, strict=True)]
        cost = self.costs(state, None)
        shares = logit_shares(cost, state.ported, s)
        mix = sum(x * y for x, y in zip(shares, mix_price, strict=True))
        planned = snap(min(shortfall, budget / mix if mix > 0 else math.inf), CAPACITY_DUST)
        pull = self.pulls(world, lab, state, q, planned)
        if pull is not None:
            cost = self.costs(state, pull)
            shares = logit_shares(cost, state.ported, s)
        paid = self._port(world, lab, state, q, cost, shares, pull, planned, budget)
        if paid is not None:
            shares = logit_shares(self.costs(state, pull), state.ported, s)
            budget = max(budget - paid, 0.0)
        per_unit = sum(x * y for x, y in zip(shares, mix_price, strict=True))
        units = min(shortfall, budget / per_unit if per_unit > 0 else 0.0)
        want = [units * x / f for x, f in zip(shares, self.perf, strict=True)]
        take = list(want)
        room = [math.inf] * len(want)
        for i, v in enumerate(self.vendors):
            if v.supply_cap is not None:
                room[i] = snap(max(v.supply_cap - v.units, 0.0), CAPACITY_DUST)
                take[i] = min(want[i], room[i])
        unmet = sum((w - t) * f for w, t, f in zip(want, take, self.perf, strict=True))
        if unmet:
            weights = [x if p and r - t > 0 else 0.0
                       for x, p, r, t in zip(shares, state.ported, room, take, strict=True)]
            total = sum(weights)
            extra = [min((w / total if total > 0 else 0.0) * (unmet / f), r - t)
                     for w, f, r, t in zip(weights, self.perf, room, take, strict=True)]
            extra_cost = sum(e * u for e, u in zip(extra, self.unit_price, strict=True))
            left = max(budget - sum(t * u for t, u in zip(take, self.unit_price, strict=True)), 0.0)
            scale = left / extra_cost if extra_cost > left else 1.0
            take = [t + e * scale for t, e in zip(take, extra, strict=True)]
        for i, vid in enumerate(self.ids):
            bought = snap(take[i], CAPACITY_DUST)
            if bought:
                lab.buy(world, q, vid, bought)

    def _port(self, world: World, lab: Lab, state: LabChoice, q: int, cost: list[float],
              shares: list[float], pull: list[float] | None, planned: float,
              budget: float) -> float | None:
        """Port to each platform whose saving over the horizon beats its porting cost;
        returns what porting cost, or None when nothing was ported."""
        paid = 0.0
        ported_any = False
        expected = sum(x * c for x, c in zip(shares, cost, strict=True))
        for i in range(len(self.ids)):
            if not (lab.alive and not state.ported[i] and planned > 0):
                continue
            with_i = list(state.ported)
            with_i[i] = True
            trial = list(cost)
            trial[i] = self.costs(state, pull, self.avg_penalty)[i]
            after = logit_shares(trial, with_i, self.sensitivity)
            saving = max(expected - sum(x * c for x, c in zip(after, trial, strict=True)), 0.0)
            pv = planned * saving * state.annuity
            price = self.porting_cost[i]
            if not (pv > price and budget - paid >= price):
                continue
            world.books.pay(q, lab.id, "customers", "porting", price)
            paid += price
            self._port_to(state, i, q)
            ported_any = True
        return paid if ported_any else None
