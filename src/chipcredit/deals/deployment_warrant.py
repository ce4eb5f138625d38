"""``deployment_warrant``: the issuer (a vendor) grants the holder (a lab) its shares at a
strike, in tranches; a tranche vests when the holder has deployed enough of the issuer's
capacity since the deal's start **and** the issuer's share price is at or above the
tranche's hurdle, no later than the expiry quarter (AMD-OpenAI: 160M AMD shares at $0.01,
full vesting at 6 GW and a $600 share price).

Each quarter, after the lab's purchases, every unvested tranche is tested against the
deployment so far and the issuer's share price at the last close (phase 8 of the previous
quarter; in the first quarter, the issuer's opening price, `VendorFinancials.open`). On
vesting the holder pays the strike (``warrant_exercise``, holder to issuer;
a tranche it has not the cash for waits),
the issuer's shares outstanding grow by the tranche, and the issuer bears a dilution cost
of ``shares x (price - strike)``. The holder keeps the shares (``sale: {rule: hold}``,
marked at the horizon at the then price) or sells them to ``market`` at the last close's
price (``warrant_sale``, booked at the end of the quarter of the sale) when they vest
(``on_vest``) or ``quarters`` quarters later (``after_quarters``). For money provenance the
proceeds are the issuer's own money (its shareholders pay for them through dilution), so what
the holder then buys from the issuer with them is the issuer's self-funded revenue; the
strike the holder pays is money back to the issuer, not a sale. A holder that defaults
loses its unvested tranches; shares it holds then are left out of its estate (a
simplification) and marked at zero.

*Pull on vendor choice* ($B per capacity unit, reported each quarter as the deal variable
``pull``, as the holder sees it before the quarter's purchases, at the last close's price):
the next tranche still waiting for deployment is worth
``shares x max(price - strike, 0) x min(1, price / hurdle)`` and needs the units between
the previous tranche's threshold and its own, so each unit bought from the issuer brings
that value divided by those units closer. The vendor choice subtracts it from the issuer's
cost (docs/model.md, "Vendor choice").

Units: shares in millions, prices in $ per share, so value in $B = shares x price / 1000.

Worked example: 40M, 60M and 60M shares at 1, 3 and 6 GW with hurdles $0, $300 and $600,
strike $0.01; the issuer is worth $375B on 1,500M shares, $250 a share. The holder reaches
1 GW in 2026Q3: tranche 1 vests. It pays 40 x 0.01 / 1000 = $0.0004B; the issuer's dilution
cost is 40 x (250 - 0.01) / 1000 = $9.9996B, and its price falls to 1000 x 375 / 1540 =
$243.51. With ``hold`` the holder's 40M shares are marked at the horizon price. The pull is
now tranche 2's: 60 x (243.51 - 0.01) / 1000 x (243.51 / 300) / (3 - 1) = $5.93B per GW,
while the issuer trades below the $300 hurdle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.row_sums import sum_rows
from chipcredit.scenario.deals import DeploymentWarrant

from .base import DealRuntime, Survival

if TYPE_CHECKING:
    from chipcredit.engine.sim import Sim
    from chipcredit.engine.vendors import VendorFinancials

__all__ = ["DeploymentWarrantDeal"]

UNIT_TOL = 1e-9  # deployment within a billionth of a unit counts as reached


class DeploymentWarrantDeal(DealRuntime):
    """Runtime of one deployment warrant.

    Attributes
    ----------
    vested : (T, n) bool, tranches vested
    vest_quarter : (T, n) quarter each tranche vested (-1: not)
    held : (T, n) millions of vested shares the holder still holds
    exercise_paid, sale_proceeds, dilution_cost : (n,) $B so far
    """

    spec: DeploymentWarrant

    def __init__(self, spec: DeploymentWarrant, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p, key, n = sim.params, self.key, sim.n
        self.issuer = sim.vendor_by_acct[sim.acct(spec.issuer)]
        assert self.issuer.financials is not None  # the loader requires it
        self.fin: VendorFinancials = self.issuer.financials
        self.holder = sim.acct(spec.holder)
        self.lab = sim.lab_by_acct[self.holder]
        self.strike = p.array(spec.strike, key + ".strike")
        t = spec.tranches
        self.shares = np.stack([p.array(x.shares, f"{key}.tranches[{i}].shares")
                                for i, x in enumerate(t)])
        self.deployed_at = np.stack([p.array(x.deployed, f"{key}.tranches[{i}].deployed")
                                     for i, x in enumerate(t)])
        self.hurdle = np.stack([p.array(x.hurdle, f"{key}.tranches[{i}].hurdle")
                                for i, x in enumerate(t)])
        # units each tranche needs beyond the previous one (for the pull)
        previous = np.vstack([np.zeros((1, n)), self.deployed_at[:-1]])
        self.step = np.maximum(self.deployed_at - previous, 1e-3)
        self.expiry_q = (sim.n_quarters - 1 if spec.expiry is None
                         else sim.scenario.quarter_of(spec.expiry))
        self.sell_after = None if spec.sale.rule == "hold" else (
            0 if spec.sale.rule == "on_vest" else spec.sale.quarters)
        self.baseline = np.zeros(n)
        self.vested = np.zeros(self.shares.shape, dtype=bool)
        self.vest_quarter = np.full(self.shares.shape, -1, dtype=np.int16)
        self.held = np.zeros(self.shares.shape)
        self.exercise_paid = np.zeros(n)
        self.sale_proceeds = np.zeros(n)
        self.dilution_cost = np.zeros(n)
        self._opened = False
        self._pull: tuple[int, NDArray[np.float64]] | None = None
        self._vested_shares: NDArray[np.float64] | None = None  # kept until `vested` changes
        # per tranche: whether its hurdle is positive on every path, or on none (the pull's
        # price-to-hurdle ratio is then a plain quotient, or 1)
        positive = self.hurdle > 0
        self._hurdle_all: NDArray[np.bool_] = np.asarray(positive.all(axis=1))
        self._hurdle_none: NDArray[np.bool_] = ~np.asarray(positive.any(axis=1))

    def open(self, sim: Sim, q: int) -> None:
        self.baseline = self.lab.deployed[self.issuer.acct].copy()
        self._opened = True

    def deployed(self) -> NDArray[np.float64]:
        """Units deployed from the issuer since the deal's start, ``(n,)``."""
        if not self._opened:
            return np.zeros(self.n)
        return np.asarray(self.lab.deployed[self.issuer.acct] - self.baseline)

    def after_procurement(self, sim: Sim, q: int) -> None:
        if q < self.start_q:
            return
        price = self.fin.price
        n = self.n
        if q <= self.expiry_q and not self.vested.all():
            reached = self.deployed()[None, :] + UNIT_TOL >= self.deployed_at
            vest = (~self.vested & reached & (price[None, :] >= self.hurdle)
                    & (self.closes & self.lab.alive)[None, :])
            # a few paths vest a tranche in a quarter: the strike, the shares and the cap
            # table are worked out on those columns (the same numbers; elsewhere 0 vests)
            cols = np.flatnonzero(vest.any(axis=0))
            if cols.size:
                # the holder must pay the strike: a tranche it cannot pay for waits
                vest = vest[:, cols]
                shares = self.shares[:, cols]
                strike = self.strike[cols]
                cost = _running_sum(np.where(vest, shares, 0.0)) * strike / 1000.0
                spare = np.maximum(self.lab.cash[cols] - self.lab.due_at(cols), 0.0)
                vest &= cost <= spare[None, :]
            if cols.size and vest.any():
                new = np.where(vest, shares, 0.0)
                count = np.zeros(n)
                count[cols] = sum_rows(new)
                paid = self.strike * count / 1000.0
                sim.ledger.pay(q, self.holder, self.issuer.acct, "warrant_exercise", paid,
                               self.index)
                self.exercise_paid += paid
                self.fin.warrant_shares = self.fin.warrant_shares + count
                self.dilution_cost += count * np.maximum(price - self.strike, 0.0) / 1000.0
                self.vested[:, cols] |= vest
                self._vested_shares = None
                quarter = self.vest_quarter[:, cols]
                quarter[vest] = q
                self.vest_quarter[:, cols] = quarter
                self.held[:, cols] += new
        if self.sell_after is not None and q >= self.sell_after and self.held.any():
            # tranches vested exactly `sell_after` quarters ago, on paths still alive
            due = (self.vest_quarter == q - self.sell_after) & self.lab.alive[None, :]
            cols = np.flatnonzero(due.any(axis=0))
            selling = np.where(due[:, cols], self.held[:, cols], 0.0)
            if selling.any():
                sold = np.zeros(n)
                sold[cols] = sum_rows(selling)
                proceeds = sold * price / 1000.0
                # the market pays, but the money is the issuer's in effect (its shareholders
                # pay for the shares through dilution): the proceeds carry its origin tag
                sim.ledger.pay(q, sim.acct("market"), self.holder, "warrant_sale", proceeds,
                               self.index, origin=self.issuer.acct)
                self.sale_proceeds += proceeds
                self.held[:, cols] -= selling

    def schedule(self, sim: Sim, q: int) -> None:
        # the pull as the holder sees it when it buys: before the quarter's purchases, at the
        # last close's price; fixed here so that every path's value is the same whatever
        # else its chunk holds
        self._pull = (q, self._value_per_unit(sim, q))

    def pull(self, sim: Sim, q: int) -> NDArray[np.float64]:
        """Expected warrant value per unit bought from the issuer this quarter ($B), ``(n,)``,
        as the holder sees it before the quarter's purchases."""
        if self._pull is not None and self._pull[0] == q:
            return self._pull[1]
        return self._value_per_unit(sim, q)

    def _value_per_unit(self, sim: Sim, q: int) -> NDArray[np.float64]:
        if not (self.start_q <= q <= self.expiry_q) or self.vested.all():
            return np.zeros(sim.n)
        price = self.fin.price
        deployed = self.deployed()
        out = np.zeros(sim.n)
        found = np.zeros(sim.n, dtype=bool)
        gain = np.maximum(price - self.strike, 0.0) / 1000.0
        reach = deployed + UNIT_TOL
        for i in range(self.shares.shape[0]):  # tranches in the order listed
            waiting = ~self.vested[i] & ~found & (reach < self.deployed_at[i])
            count = np.count_nonzero(waiting)
            if not count:  # the pull keeps what earlier tranches set
                continue
            # where few paths wait on this tranche, its value is worked out on those only
            # (the same numbers: elementwise operations on fewer elements)
            at = np.flatnonzero(waiting) if 4 * count < sim.n else slice(None)
            p, h = price[at], self.hurdle[i][at]
            if self._hurdle_all[i]:
                hurdle = p / h
            elif self._hurdle_none[i]:
                hurdle = np.ones(p.size)
            else:
                hurdle = np.divide(p, h, out=np.ones(p.size), where=h > 0)
            value = self.shares[i][at] * gain[at] * np.minimum(hurdle, 1.0) / self.step[i][at]
            if isinstance(at, slice):
                out = np.where(waiting, value, out)
            else:
                out[at] = value
            found |= waiting
        return np.asarray(np.where(self.closes & self.lab.alive, out, 0.0))

    def record(self, sim: Sim, q: int) -> dict[str, NDArray[np.float64]]:
        if self._vested_shares is None:
            self._vested_shares = sum_rows(np.where(self.vested, self.shares, 0.0))
        return {"pull": self.pull(sim, q), "vested_shares": self._vested_shares}

    def held_value(self) -> NDArray[np.float64]:
        """$B of the shares the holder still holds, at the issuer's last price (0 if the
        holder defaulted)."""
        return np.asarray(np.where(self.lab.alive, sum_rows(self.held) * self.fin.price / 1000.0,
                                   0.0))

    def marks(self, sim: Sim, survival: Survival) -> dict[int, NDArray[np.float64]]:
        return {self.holder: self.held_value()}

    def party_outcomes(self, sim: Sim) -> dict[tuple[int, str], NDArray[np.float64]]:
        """Per-path outcomes beside the deal's metrics: the holder's ``warrant_value``
        (sale proceeds plus held shares at the horizon price, less the strike paid), the
        issuer's ``dilution_cost`` (value given away at vesting) and ``vested_shares``
        (millions), for each."""
        vested = sum_rows(np.where(self.vested, self.shares, 0.0))
        value = self.sale_proceeds + self.held_value() - self.exercise_paid
        return {(self.holder, "warrant_value"): value,
                (self.holder, "vested_shares"): vested,
                (self.issuer.acct, "dilution_cost"): self.dilution_cost.copy(),
                (self.issuer.acct, "vested_shares"): vested.copy()}


def _running_sum(rows: NDArray[np.float64]) -> NDArray[np.float64]:
    """``rows.cumsum(axis=0)`` of a ``(T, n)`` array, one row at a time: the same sums in
    the same order, without numpy's length-``T`` inner loop per path (15 times slower)."""
    out = rows.copy()
    for t in range(1, rows.shape[0]):
        np.add(out[t - 1], rows[t], out=out[t])
    return out
