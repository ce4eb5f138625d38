"""Equity funding shared by labs and clouds on one path: a cap table in shares, a valuation
(a revenue multiple that moves with sentiment, and may mature towards a mature one) and
rounds with a logistic success chance, each selling at most ``max_dilution`` of the company
when that is given."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .world import World

from .dust import MONEY_DUST, snap

__all__ = ["ARREARS_TOL", "Fundraiser"]

ARREARS_TOL = MONEY_DUST  # $B
_MAX_DILUTION = 1e9
_RESCALE_ABOVE = 1e150


class Fundraiser:
    """A lab or a cloud that raises rounds; the subclass sets ``id``, ``alive``,
    ``cash_open``, ``run_rate``, ``history`` (4 trailing run-rates) and ``arrears()``."""

    id: str
    alive: bool
    cash_open: float
    run_rate: float
    history: list[float]
    shares: dict[tuple[str, str | None], float]

    def arrears(self) -> float:
        raise NotImplementedError

    def cash(self, world: World) -> float:
        return world.books.balance[self.id]

    def init_funding(self, world: World, f: Any, key: str) -> None:
        p = world.p
        self.buffer = p(f.buffer_quarters, key + ".funding.buffer_quarters")
        self.round_quarters = p(f.round_quarters, key + ".funding.round_quarters")
        self.multiple = p(f.valuation_multiple, key + ".funding.valuation_multiple")
        self.loading = p(f.sentiment_loading, key + ".funding.sentiment_loading")
        # the most a round raises over the pre-money valuation, d / (1 - d); None: no cap
        self.cap_ratio: float | None = None
        if f.max_dilution is not None:
            d = p(f.max_dilution, key + ".funding.max_dilution")
            self.cap_ratio = d / (1.0 - d)
        # the most the rounds of four trailing quarters issue over the shares before them
        self.year_ratio: float | None = None
        if f.max_dilution_per_year is not None:
            d = p(f.max_dilution_per_year, key + ".funding.max_dilution_per_year")
            self.year_ratio = d / (1.0 - d)
        # shares outstanding before each of the last three quarters' rounds (oldest first)
        # and the shares each issued; set at the first round
        self.before: list[float] | None = None
        self.issued = [0.0] * 3
        m = f.maturity
        self.mature = None if m is None else (
            p(m.multiple, key + ".funding.maturity.multiple"),
            p(m.half_life_years, key + ".funding.maturity.half_life_years"))
        s = f.success
        self.coef = [p(x, f"{key}.funding.success.{name}") for name, x in
                     (("base", s.base), ("momentum", s.momentum), ("sentiment", s.sentiment),
                      ("winter", s.winter))]
        self.burn = [0.0] * 4
        self.u_funding = p.uniforms(f"funding:{self.id}", world.horizon)

    def init_cap_table(self, world: World, cap: Any, key: str) -> None:
        """1.0 (billion) shares; the founders hold what the declared holders do not."""
        self.shares = {}
        held = 0.0
        for holder, frac in cap.holders.items():
            amount = world.p(frac, f"{key}.equity.holders.{holder}")
            self.shares[(holder, None)] = amount
            held += amount
        self.shares[("founders", None)] = max(1.0 - held, 0.0)

    def total_shares(self) -> float:
        return sum(self.shares.values())

    def multiple_now(self, world: World) -> float:
        """The multiple this quarter: fixed, or ``mature * (initial / mature) ** w`` with
        ``w = 0.5 ** (years / half_life)``, years since the start."""
        if self.mature is None:
            return self.multiple
        mature, half_life = self.mature
        w = 0.5 ** ((max(world.quarter, 0) / 4.0) / half_life)
        return mature * (self.multiple / mature) ** w

    def valuation(self, world: World) -> float:
        if not self.alive:
            return 0.0
        return self.multiple_now(world) * math.exp(self.loading * world.market.sentiment) * self.run_rate

    def price(self, world: World) -> float:
        return self.valuation(world) / self.total_shares()

    def issue(self, holder: str, deal: str | None, amount: float, price: float) -> float:
        """New shares worth ``amount`` at ``price`` to (holder, deal), diluting the rest;
        returns the new shares (billions, before any rescaling)."""
        new = amount / price if price > 0 else 0.0
        total = self.total_shares()
        new = min(new, total * _MAX_DILUTION)
        self.shares[(holder, deal)] = self.shares.get((holder, deal), 0.0) + new
        total += new
        if total > _RESCALE_ABOVE:
            for k in self.shares:
                self.shares[k] /= total
            if self.before is not None:
                self.before = [b / total for b in self.before]
                self.issued = [x / total for x in self.issued]
        return new

    def raise_equity(self, world: World, q: int) -> float:
        """Phase 6: note the burn; raise a round when under the buffer or in arrears."""
        cash = self.cash(world)
        inflow = world.books.financing_in[self.id]
        self.burn = [*self.burn[1:], self.cash_open + inflow - cash]
        burn = max(sum(self.burn) / float(min(q + 1, 4)), 0.0)  # the quarters seen, up to 4
        arrears = self.arrears()
        gap = max(self.buffer * burn - cash, 0.0)
        value = self.valuation(world)
        size = max(self.round_quarters * burn, arrears + gap)
        if self.cap_ratio is not None:  # sell at most d of the company: pre * d / (1 - d)
            size = min(size, value * self.cap_ratio)
        total = self.total_shares()
        if self.before is None:  # rounds before the start are unknown: none counted
            self.before = [total] * 3
        price = value / total
        if self.year_ratio is not None:  # the trailing year's rounds sell at most d
            room = self.year_ratio * self.before[0] - ((self.issued[0] + self.issued[1])
                                                       + self.issued[2])
            size = min(size, max(room, 0.0) * price)
        size = snap(size, MONEY_DUST)
        # a company worth less than a dollar (no revenue, or only a residual) raises nothing
        wants = (self.alive and (cash < self.buffer * burn or arrears > ARREARS_TOL)
                 and size > 0 and value > MONEY_DUST)
        h0 = self.history[0]
        momentum = (self.run_rate / h0 if h0 > 0 else 0.0) - 1.0
        base, mom, sen, win = self.coef
        m = world.market
        x = base + mom * min(max(momentum, -1.0), 10.0) + sen * m.sentiment + win * m.winter
        chance = 1.0 / (1.0 + math.exp(-x))
        amount = size if wants and self.u_funding[q] <= chance else 0.0
        # the window moves up a quarter before the new shares, so that a rescale in `issue`
        # divides it with the rest of the table
        self.before = [*self.before[1:], total]
        self.issued = [*self.issued[1:], 0.0]
        if amount:
            new = self.issue("market", None, amount, price)
            self.issued[2] = new / (total + new) if total + new > _RESCALE_ABOVE else new
        world.books.pay(q, "market", self.id, "equity_round", amount)
        return amount
