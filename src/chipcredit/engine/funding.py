"""Equity funding shared by labs and clouds: a cap table, a valuation and equity rounds.

One implementation of docs/design.md section 3, phase 6, used by `LabState` and `CloudState`:

- the cap table is in shares, ``{(holder account, deal index or -1): shares (n,)}``; the
  opening table has 1.0 (billion) shares, the declared holders' fractions and ``founders``
  the rest;
- the pre-money valuation is ``multiple * exp(sentiment_loading * sentiment) * run_rate``
  ($B), the run-rate being annual revenue ($B per year), and the share price is that over
  the shares outstanding. The multiple is ``valuation_multiple``; with ``maturity`` it
  decays towards the mature ``maturity.multiple``, the log of their ratio halving every
  ``half_life_years`` (`Fundraiser.multiple_at`);
- a round is tried when cash is below ``buffer_quarters`` of the mean burn of the last
  four quarters (of the quarters simulated so far in the first three: the quarters before
  the start are unknown, not zero burn), or the party is in arrears. It asks for
  ``round_quarters`` of burn, at least the arrears plus the gap to the buffer, and
  succeeds with the logistic probability of `FundingSuccess` (times the scenario's funding
  shocks). New shares go to ``market`` at the pre-money price, diluting every holder pro
  rata. With ``max_dilution`` ``d`` a round sells at most ``d`` of the company after it:
  it raises at most ``pre-money * d / (1 - d)``, and a party still short after it falls
  into arrears and, if they last to the default phase, defaults, as after a failed round;
- with ``max_dilution_per_year`` ``y`` the rounds of any four trailing quarters (this one
  included) sell at most ``y`` of the company together. With ``S_k`` the shares
  outstanding just before quarter ``k``'s round and ``N_k`` the shares that round issued
  (0 without one), quarter ``q``'s round issues at most
  ``room = y / (1 - y) * S_(q-3) - (N_(q-3) + N_(q-2) + N_(q-1))`` shares (none where that
  is negative), so it raises at most ``room`` times its pre-money share price; before the
  start no rounds are counted and ``S_k`` for ``k < 0`` is the count before the first round.
  Then ``N_(q-3) + ... + N_q <= y / (1 - y) * S_(q-3)``: the window's rounds hold at most
  ``y`` of the shares after them (exactly ``y`` when no other shares were issued meanwhile,
  as by a deal's conversion). What the limit keeps a round from raising is not raised, as
  under ``max_dilution``, and the two limits hold together (the smaller binds).

Worked example: a cloud with 1.0 shares, all held by its founders, a run-rate of $4B/yr at a
5x multiple and zero sentiment, $0.5B of cash and a burn of $1B per quarter, with a 2-quarter
buffer and 3-quarter rounds, raises max(3 x 1, 0 + (2 x 1 - 0.5)) = $3B at a price of
5 x 4 / 1.0 = $20B per (billion) shares: 0.15 new shares, so the founders keep
1 / 1.15 = 87.0%. Had its 5x multiple started at 20x with ``maturity: {multiple: 5,
half_life_years: 1}``, it would be 20x in the first quarter, 5 x (20 / 5) ** 0.5 = 10x a
year later (q = 4) and 5 x 4 ** 0.25 = 7.07x after two years (q = 8). With
``max_dilution: 0.1`` the round of the example raises 20 x 0.1 / 0.9 = $2.22B, not the $3B
it asks: 2.22 / 20 = 0.111 new shares, 10% of the 1.111 after it, so the founders keep
90.0%; its cash, $0.5B + $2.22B = $2.72B, is back above the $2B buffer, so it tries again
only when it falls below it. Had it owed $4B of arrears, the round would still raise $2.22B
(of the $5.5B it asks), its $2.72B could not clear them, and, still in arrears after the
funding phase, it would default (docs/design.md section 3).

With ``max_dilution_per_year: 0.2`` instead (``y / (1 - y) = 0.25``) and a round of $3B
wanted in every quarter at a $20B pre-money valuation: q = 0 has room for 0.25 x 1.0 =
0.25 shares, worth 0.25 x 20 = $5B, so the $3B round closes whole (0.15 shares, 1.15 in
all); q = 1 has room for 0.25 x 1.0 - 0.15 = 0.10 shares at 20 / 1.15 = $17.39B per
(billion) shares: it raises $1.74B of its $3B (the founders keep 1 / 1.25 = 80%, having
sold 20% in the year); q = 2 and q = 3 have no room left (0.25 - 0.25 = 0) and raise
nothing. At q = 4 the round of q = 0 has left the window: the count before it is
S_1 = 1.15 and only q = 1's 0.10 shares are in it, so the room is 0.25 x 1.15 - 0.10 =
0.1875 shares at 20 / 1.25 = $16B per (billion) shares, $3B: it closes whole.

Arrays are ``(n,)`` over the chunk's paths; money in $B, time in quarters. A round's passes
run as one compiled loop (`funding_kernel.equity_round`) that gives numpy's bits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.equity_rounds import CapTable, Funding

from .dust import MONEY_DUST
from .funding_kernel import equity_round
from .params import compact

if TYPE_CHECKING:
    from .sim import Sim

__all__ = ["Fundraiser"]

_MAX_DILUTION = 1e9
"""A round issues at most this many times the shares outstanding."""
_RESCALE_ABOVE = 1e150
"""Share counts above this are rescaled to fractions (the price rescales with them)."""


class Fundraiser:
    """A party with a cap table that raises equity rounds (a lab or a cloud).

    The party sets ``acct``, ``alive``, ``cash`` (its ledger balance), ``cash_open`` (cash
    at the start of the quarter's accounting), ``run_rate`` ($B per year), ``history``
    (``(4, n)`` trailing run-rates, oldest first) and ``arrears()``; `init_funding` and
    `init_cap_table` set the rest.
    """

    acct: int
    alive: NDArray[np.bool_]
    cash: NDArray[np.float64]
    cash_open: NDArray[np.float64]
    run_rate: NDArray[np.float64]
    history: NDArray[np.float64]
    shares: dict[tuple[int, int], NDArray[np.float64]]
    _total: NDArray[np.float64] | None = None
    """`total_shares`, cached until `issue` or `init_cap_table` changes the cap table."""
    _value_of: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], int] | None = None
    """(sentiment, run-rate, valuation before the alive mask, quarter) of the last
    `valuation`."""
    mature: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None
    """With ``maturity``: the mature multiple and ``log(valuation_multiple / mature)``,
    ``(n,)`` each (one element where the same on every path); None: the multiple is fixed."""
    _multiple_of: tuple[int, NDArray[np.float64]] | None = None
    """(quarter, multiple) of the last `multiple_at` with ``maturity``."""
    window: NDArray[np.float64] | None = None

    def arrears(self) -> NDArray[np.float64]:
        raise NotImplementedError

    def init_funding(self, sim: Sim, f: Funding, key: str, party_id: str) -> None:
        """Sample the funding parameters (under ``{key}.funding.*``) and the round draws."""
        p = sim.params
        self.buffer = p.array(f.buffer_quarters, key + ".funding.buffer_quarters")
        self.round_quarters = p.array(f.round_quarters, key + ".funding.round_quarters")
        self.multiple = p.array(f.valuation_multiple, key + ".funding.valuation_multiple")
        self.loading = p.array(f.sentiment_loading, key + ".funding.sentiment_loading")
        self.cap_ratio = np.full(sim.n, np.inf)
        """The most a round raises over the pre-money valuation, ``d / (1 - d)`` for
        ``max_dilution`` ``d``, ``(n,)``; inf: no cap."""
        if f.max_dilution is not None:
            d = p.array(f.max_dilution, key + ".funding.max_dilution")
            self.cap_ratio = d / (1.0 - d)
        self.year_ratio = np.full(sim.n, np.inf)
        """The most the rounds of four trailing quarters issue over the shares outstanding
        before them, ``d / (1 - d)`` for ``max_dilution_per_year`` ``d``, ``(n,)``; inf: no
        limit."""
        if f.max_dilution_per_year is not None:
            d = p.array(f.max_dilution_per_year, key + ".funding.max_dilution_per_year")
            self.year_ratio = d / (1.0 - d)
        self.window = None
        """``(6, n)``: the shares outstanding before each of the last three quarters'
        rounds, oldest first, then the shares each issued; set at the first round."""
        self.mature = None
        if f.maturity is not None:
            mature = p.array(f.maturity.multiple, key + ".funding.maturity.multiple")
            self.half_life = compact(p.array(f.maturity.half_life_years,
                                             key + ".funding.maturity.half_life_years"))
            self.mature = (compact(mature), compact(np.log(self.multiple / mature)))
        s = f.success
        self.coef = [p.array(x, f"{key}.funding.success.{name}") for name, x in
                     (("base", s.base), ("momentum", s.momentum), ("sentiment", s.sentiment),
                      ("winter", s.winter))]
        self.burn = np.zeros((4, sim.n))
        """Burn of the last four quarters, oldest first ($B per quarter)."""
        self._u_funding = sim.draws.uniform(f"funding:{party_id}", sim.n_quarters)

    def init_cap_table(self, sim: Sim, cap: CapTable, key: str) -> None:
        """The opening cap table: 1.0 (billion) shares; founders hold what others do not."""
        self.shares = {}
        held = np.zeros(sim.n)
        for holder, frac in cap.holders.items():
            amount = sim.params.array(frac, f"{key}.equity.holders.{holder}")
            self.shares[(sim.acct(holder), -1)] = amount
            held = held + amount
        self.shares[(sim.acct("founders"), -1)] = np.maximum(1.0 - held, 0.0)
        self._total = None

    # -- valuation and cap table -------------------------------------------------------
    def total_shares(self) -> NDArray[np.float64]:
        """Shares outstanding, billions, ``(n,)`` (read-only: kept until the next issue)."""
        total = self._total
        if total is None:
            total = self._total = np.asarray(sum(self.shares.values()))
            total.flags.writeable = False
        return total

    def multiple_at(self, q: int) -> NDArray[np.float64]:
        """The revenue multiple in quarter ``q`` at zero sentiment, ``(n,)`` (or one element
        where the same on every path): ``valuation_multiple``, or with ``maturity``
        ``mature * exp(log(valuation_multiple / mature) * 0.5 ** ((q / 4) / half_life))``,
        computed once per quarter."""
        if self.mature is None:
            return self.multiple
        last = self._multiple_of
        if last is None or last[0] != q:
            mature, log_premium = self.mature
            years = max(q, 0) / 4.0  # a mark before the first quarter is the opening one
            last = self._multiple_of = (
                q, mature * np.exp(log_premium * 0.5 ** (years / self.half_life)))
        return last[1]

    def valuation(self, sim: Sim) -> NDArray[np.float64]:
        """Pre-money valuation: multiple x exp(loading x sentiment) x run-rate ($B)."""
        sentiment, run_rate, q = sim.market.sentiment, self.run_rate, sim.quarter
        last = self._value_of
        # sentiment moves once a quarter and the run-rate in one phase, each as a new array:
        # the exp is taken once per quarter and party, not at every mark
        if last is None or last[0] is not sentiment or last[1] is not run_rate or last[3] != q:
            v = self.multiple_at(q) * np.exp(self.loading * sentiment) * run_rate
            last = self._value_of = (sentiment, run_rate, v, q)
        return np.where(self.alive, last[2], 0.0)

    def price(self, sim: Sim) -> NDArray[np.float64]:
        """$B per (billion) shares."""
        return np.asarray(self.valuation(sim) / self.total_shares())

    def issue(self, holder: int, deal: int, amount: NDArray[np.float64],
              price: NDArray[np.float64]) -> NDArray[np.float64]:
        """New shares worth ``amount`` at ``price`` per share, to (holder, deal).

        Returns the new shares, ``(n,)`` in billions, as issued (before any rescale of the
        table): none where the price is not positive, at most `_MAX_DILUTION` times those
        outstanding."""
        with np.errstate(over="ignore"):  # inf is capped just below
            new = np.divide(amount, price, out=np.zeros_like(amount), where=price > 0)
        # at a valuation near zero (revenue all but gone) a round buys all but a sliver of
        # the company; cap the new shares so the count stays finite (fuzzing found inf)
        total = self.total_shares()
        new = np.minimum(new, total * _MAX_DILUTION)
        key = (holder, deal)
        total = total + new
        self._hold(key, self.shares.get(key, 0.0) + new, total, total > _RESCALE_ABOVE)
        return new

    def _hold(self, key: tuple[int, int], held: NDArray[np.float64], total: NDArray[np.float64],
              huge: NDArray[np.bool_] | bool) -> None:
        """``key`` now holds ``held``, and ``total`` are outstanding; where the total is
        ``huge`` (above `_RESCALE_ABOVE`, a mask or whether any is) every holding becomes a
        fraction of it."""
        self.shares[key] = held
        self._total = None
        if np.any(huge):  # only the fractions matter: rescale before many such rounds overflow
            huge = total > _RESCALE_ABOVE
            for k, part in self.shares.items():
                self.shares[k] = np.where(huge, part / total, part)
            if self.window is not None:  # the yearly room is in shares too
                self.window = np.where(huge, self.window / total, self.window)

    def success_probability(self, momentum: NDArray[np.float64], sentiment: NDArray[np.float64],
                            winter: NDArray[np.bool_]) -> NDArray[np.float64]:
        """The round-success logistic of docs/design.md section 3, phase 6."""
        return np.asarray(1.0 / (1.0 + np.exp(self._minus_logit(momentum, sentiment, winter))))

    def _minus_logit(self, momentum: NDArray[np.float64], sentiment: NDArray[np.float64],
                     winter: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Minus the logistic's argument, a new array."""
        base, mom, sen, win = self.coef
        x = base + mom * np.clip(momentum, -1.0, 10.0) + sen * sentiment + win * winter
        return np.negative(x, out=x)

    # -- the round ---------------------------------------------------------------------
    def raise_equity(self, sim: Sim, q: int) -> NDArray[np.float64]:
        """Phase 6: note this quarter's burn, and raise a round when cash is under the
        buffer or the party is in arrears. Returns the amount raised ($B, ``(n,)``); the
        caller then settles what it owes from the new cash."""
        inflow = sim.financing_inflow(self.acct)
        value = self.valuation(sim)
        momentum = np.divide(self.run_rate, self.history[0], out=np.zeros(sim.n),
                             where=self.history[0] > 0) - 1.0
        odds = self._minus_logit(momentum, sim.market.sentiment, sim.market.winter)
        np.exp(odds, out=odds)  # exp(-logit), as `success_probability` takes it
        # the rest in one compiled pass (funding_kernel.equity_round): the burn drops its
        # oldest quarter and takes this one's; the round's size is at least the arrears plus
        # the gap to the buffer, at most `cap_ratio` times the pre-money valuation (a round
        # sells at most max_dilution of the company; what it cannot raise stays unfunded)
        # and at most the trailing year's room under `year_ratio` at the pre-money price,
        # and no dust (snapped to 0 under MONEY_DUST). No revenue, no value: nobody buys
        # shares in a company worth nothing (a cloud whose tenants have all gone), nor in
        # one whose only revenue is a rounding residual; a lab's valuation is positive while
        # it lives. The new shares are `issue`'s.
        n = sim.n
        key = (sim.acct("market"), -1)
        before = self.shares.get(key)
        if self.window is None:  # rounds before the start are unknown: none counted
            self.window = np.zeros((6, n))
            self.window[:3] = self.total_shares()
        amount, held, total = np.empty(n), np.empty(n), np.empty(n)
        huge = equity_round(self.burn, self.cash_open, inflow, self.cash, self.arrears(),
                            self.buffer, self.round_quarters, self.cap_ratio,
                            self.year_ratio, self.window, self.alive,
                            value, odds, self._u_funding[q], sim.shocks.funding[q],
                            self.total_shares(),
                            np.zeros(n) if before is None else before, MONEY_DUST,
                            _MAX_DILUTION, _RESCALE_ABOVE, float(min(q + 1, 4)), amount,
                            held, total)
        self._hold(key, held, total, huge)
        sim.ledger.pay(q, key[0], self.acct, "equity_round", amount)
        return np.asarray(amount)
