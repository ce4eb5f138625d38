"""``spv_lease``: a vehicle buys a vendor's GPUs with equity and senior debt and leases
them to a lab (Nvidia-xAI, Colossus 2).

Waterfall each quarter, after the funding phase: the quarter's rent comes in (paid at
servicing, or late from the lessee's funding phase: rent it could not pay at servicing and
paid from a round still reaches the debt that quarter); the SPV pays its debt service; what
is left goes to the equity holders pro rata to their contributions. At term end, right after
the lessee's servicing (its purchase is its own spending, before its funding round), the
lessee may buy the GPUs at the residual price assumed in the rent (``purchase_option``,
exercised when the used value is higher and it has the cash, on every GPU, in use and idle),
or the SPV sells them at used value (``sell``); the waterfall then closes the debt. The GPUs
retire at the path's useful life, in use or idle, and are then worth nothing; the rent stays
owed to the term's end. Their age is the lab's own fleet's: ``q - s`` quarters in quarter
``q`` for GPUs delivered in quarter ``s`` (0 in the lease's first quarter, to its end), so
they serve and are valued (covenants, a default, term end) by the curve at ``q - s`` while
that is below the life, and a bought cohort joins the lessee's fleet at that age. If the
lessee defaults the SPV takes the GPUs back and sells them at used value less the
fire-sale haircut; its deficiency joins the lessee's unsecured class; if it then cannot pay
its debt, the debt takes the loss (an SPV default).

Worked example: $20B of GPUs, $7.5B equity (Nvidia $2B) and $12.5B debt at 11% over 5
years; lease 5 years at 16% to a 20% residual. Rent is the level payment that amortises
$20B to $4B at 4% a quarter over 20 quarters: (20 - 4 x 1.04^-20) x 0.04 / (1 - 1.04^-20)
= $1.3373B a quarter. Debt service is 12.5 x 0.0275 / (1 - 1.0275^-20) = $0.8209B; the
$0.5164B left each quarter goes to equity, Nvidia taking 2/7.5 of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.claims import Claim
from chipcredit.engine.dust import CAPACITY_DUST, MONEY_DUST, snap
from chipcredit.engine.sum_kernel import cash_in_out
from chipcredit.scenario.deals import SpvLease

from .base import DealRuntime, Survival
from .loan import level_payment


def _fixed(number: object) -> float:
    """Covenant thresholds are terms of the contract: their median on every path."""
    from chipcredit.scenario.number import Number

    assert isinstance(number, Number)
    return number.median()


if TYPE_CHECKING:
    from chipcredit.engine.labs import LabState
    from chipcredit.engine.sim import Sim

__all__ = ["SpvLeaseDeal"]


class SpvLeaseDeal(DealRuntime):
    spec: SpvLease

    def __init__(self, spec: SpvLease, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p, key, n = sim.params, self.key, sim.n
        self.spv = sim.acct(spec.id)
        self.lessee = sim.acct(spec.lessee)
        self.lab = sim.lab_by_acct[self.lessee]
        self.vendor = sim.vendor_by_acct[sim.acct(spec.vendor)]
        self.amount = p.array(spec.amount, key + ".amount") * self.closes
        self.holders = {sim.acct(h): p.array(v, f"{key}.equity.{h}") * self.closes
                        for h, v in spec.equity.items()}
        self.equity_total = sum(self.holders.values(), np.zeros(n))
        # each holder's share of distributions, fixed by what it put in
        self.payout_share = {h: np.divide(put_in, self.equity_total, out=np.zeros(n),
                                          where=self.equity_total > 0)
                             for h, put_in in self.holders.items()}
        self.lender = sim.acct(spec.debt.lender)
        self.debt_amount = p.array(spec.debt.amount, key + ".debt.amount") * self.closes
        self.debt_rate_q = p.array(spec.debt.rate, key + ".debt.rate") / 4.0
        self.debt_periods = p.quarters(spec.debt.term_years, key + ".debt.term_years")
        self.lease_rate_q = p.array(spec.lease.rate, key + ".lease.rate") / 4.0
        self.lease_periods = p.quarters(spec.lease.term_years, key + ".lease.term_years")
        if spec.lease.residual is None:
            self.residual_share = sim.market.residual_by_age_q[
                min(self.lease_periods, sim.market.residual_by_age_q.shape[0] - 1)].copy()
        else:
            self.residual_share = p.array(spec.lease.residual, key + ".lease.residual")
        self.option_price = self.amount * self.residual_share
        self.rent = level_payment(self.amount, self.lease_rate_q, self.lease_periods, self.option_price)
        self.debt_payment = level_payment(self.debt_amount, self.debt_rate_q, self.debt_periods)
        self.lease = self.add_claim(Claim("rent", self.spv, self.lessee, index, n,
                                          self.lease_rate_q, stage=0), sim)
        self.debt = self.add_claim(Claim("debt_service", self.lender, self.spv, index, n,
                                         self.debt_rate_q, stage=4), sim)
        self.units = np.zeros(n)
        """GPUs in use by the lessee (built out), in units."""
        self.idle = np.zeros(n)
        """GPUs delivered that the lessee has not built out yet (`IdleHardware`), in units."""
        self.unit_content = np.zeros(n)
        self.perf = 1.0 if self.vendor.perf is None else self.vendor.perf
        """Useful capacity per GPU (`IdleHardware.perf`): what the lessee leases is
        ``units * perf``."""
        self.vendor_acct = self.vendor.acct
        self.lab.idle_hardware.append(self)
        self.cost = np.zeros(n)
        self.active = np.zeros(n, dtype=bool)
        self.defaulted = np.zeros(n, dtype=bool)
        self.tied_gross_profit = np.zeros(n)
        self.tied_vendor = spec.vendor
        self._hit: NDArray[np.bool_] | None = None
        self.covenants = spec.covenants
        self.ltv = np.zeros(n)
        self.dscr = np.zeros(n)
        self.collateral = np.full(n, np.nan)
        """The GPUs' used value the quarter's LTV test divides by, ``(n,)`` $B: while the
        lease runs and in its last quarter (what the SPV sells them for at term end; 0 once
        they are past their useful life, a value), else NaN: the SPV holds no GPUs and owes
        no debt (before it closes, on a path where it never does, after a repossession or
        the term end, each of which closes the debt), so the value is missing, as ``ltv``
        is where no debt is owed."""
        self.rent_in = np.zeros(n)
        self._rent_seen = np.zeros(n)
        self.breached = np.zeros(n, dtype=bool)
        self.first_breach = np.full(n, -1.0)
        self.event_of_default = np.zeros(n, dtype=bool)
        self._ended = np.zeros(n, dtype=bool)
        """Paths whose lease ended this quarter (`after_servicing`), for the waterfall."""
        self.owned = np.zeros(n, dtype=bool)
        """Paths where the lessee bought the GPUs (purchase option): those still idle are
        its own, and a build-out puts them into its fleet rather than under the lease."""

    def start(self, sim: Sim, q: int) -> None:
        super().start(sim, q)
        if q > self.start_q and (self.units.any() or self.idle.any()):
            # the GPUs retire at the path's useful life, in use or idle, like every other
            # GPU (the rent stays owed: the lease does not end with them); idle ones the
            # lessee bought retire unbuilt if it defaulted, as a vendor credit's do (else
            # with the cohort they belong to, of the same age, `_term_end`)
            gone = q - self.start_q >= sim.market.life_q
            bought_gone = self.owned & ~self.lab.alive
            self.units = np.where(gone, 0.0, self.units)
            self.idle = np.where(gone | bought_gone, 0.0, self.idle)

    def _value(self, sim: Sim, age: int) -> NDArray[np.float64]:
        """The GPUs' used value in a quarter in which they are ``age`` quarters old,
        ``(n,)`` $B.

        Their age is the lab's own fleet's (`Fleet`): GPUs delivered in the lease's first
        quarter ``s`` are ``q - s`` quarters old in quarter ``q``, to its end (their cost
        times the index in ``s``); they serve while younger than the path's own useful life
        (not the chunk's longest) and retire at it (`start`), worth 0 from then on."""
        value = self.cost * sim.market.residual_share(age)
        return np.where(age >= sim.market.life_q, 0.0, value)

    def spv_account(self) -> int | None:
        return self.spv

    def spv_defaulted(self) -> NDArray[np.bool_]:
        return self.defaulted

    def leased_to(self, lab_acct: int) -> NDArray[np.float64] | float:
        return np.where(self.active, self.units * self.perf, 0.0) if lab_acct == self.lessee else 0.0

    def build_out(self, q: int, units: NDArray[np.float64]) -> None:
        """The lessee built out ``units`` of the idle GPUs in quarter ``q`` (`IdleHardware`):
        they are in use, under the lease, or in its own fleet at their age once it bought
        them (their cost joined the fleet at the purchase, at the age of the cohort bought
        with them)."""
        leased = np.where(self.owned, 0.0, units)
        self.units = self.units + leased
        self.lab.leased = self.lab.leased + leased * self.perf
        if self.owned.any():
            age = min(q - self.start_q, self.lab.fleet.capacity.shape[0] - 1)
            self.lab.fleet.add_at(age, np.where(self.owned, units * self.perf, 0.0),
                                  np.zeros(self.n))
        self.idle = snap(self.idle - units, CAPACITY_DUST)

    def open(self, sim: Sim, q: int) -> None:
        live = self.closes & self.lab.alive
        ledger = sim.ledger
        for holder, amount in self.holders.items():
            ledger.pay(q, holder, self.spv, "spv_equity", amount * live, self.index, begin=True)
        ledger.pay(q, self.lender, self.spv, "loan_draw", self.debt_amount * live, self.index,
                   begin=True)
        units = np.where(live, self.amount / self.vendor.content, 0.0)
        paid = self.vendor.sell(sim, q, self.spv, units, self.index, begin=True)
        self.add_tied_gross_profit(self.vendor.margin * paid)
        # the GPUs arrive idle: the lessee builds them out at its procurement, this quarter
        # and later, as its need and its cash above the quarter's scheduled payments allow
        # (`LabState.procure`); rent is due on all of them from the start
        self.units = np.zeros(sim.n)
        self.idle = snap(units, CAPACITY_DUST)
        self.unit_content = np.where(live, self.vendor.content, 0.0)
        self.cost = paid
        self.active = live
        self.lease.principal = np.where(live, self.amount, 0.0)
        self.debt.lend(np.where(live, self.debt_amount, 0.0))
        self._rent_seen = self.lease.paid.copy()

    def schedule(self, sim: Sim, q: int) -> None:
        k = q - self.start_q
        if 0 <= k < self.lease_periods:
            interest = self.lease.principal * self.lease_rate_q
            rent = np.where(self.active, self.rent, 0.0)
            self.lease.track_exposure()
            self.lease.principal = np.where(self.active, self.lease.principal - (rent - interest), 0.0)
            self.lease.schedule(rent, q + 1)
        if 0 <= k < self.debt_periods:
            interest = self.debt.principal * self.debt_rate_q
            pay = np.minimum(np.where(self.debt.principal > 0, self.debt_payment, 0.0),
                             self.debt.principal + interest)
            rest = self.debt.principal - (pay - interest)
            # the last level payment leaves a rounding residual of principal: it pays the
            # debt off exactly instead (the payment is snapped before it is scheduled)
            paid_off = (self.debt.principal > 0) & (np.abs(rest) < MONEY_DUST)
            pay = np.where(paid_off, self.debt.principal + interest, pay)
            self.debt.track_exposure()
            self.debt.principal = np.where(paid_off, 0.0, rest)
            self.debt.schedule(pay, q + 1, interest=interest)

    def after_servicing(self, sim: Sim, q: int) -> None:
        """The lease's last quarter: the lessee buys the GPUs or the SPV sells them."""
        if q - self.start_q == self.lease_periods - 1:
            self._term_end(sim, q)

    def service_spv(self, sim: Sim, q: int) -> None:
        """The waterfall, after the funding phase: the quarter's rent (on time or late)
        pays the debt; covenants are tested on it; at term end the debt is closed; the rest
        goes to the equity."""
        ledger = sim.ledger
        due = self.debt.total_due()
        self.rent_in = self.lease.paid - self._rent_seen
        self._rent_seen = self.lease.paid.copy()
        self.debt.settle(ledger, q, ledger.balance[self.spv].copy())
        sweep, hold = self._test_covenants(sim, q, due)
        if sweep.any():
            spare = np.where(sweep, ledger.balance[self.spv], 0.0)
            self.debt.prepay(ledger, q, spare, "debt_prepayment")
        if q - self.start_q == self.lease_periods - 1:
            self._close_debt(sim, q, self._ended)
            self._ended = np.zeros(sim.n, dtype=bool)
        # equity is paid only while the debt is current and no covenant holds the cash back;
        # a hold (reserve, event of default) keeps it only while debt is owed after the sweep
        cash = ledger.balance[self.spv].copy()
        current = self.debt.arrears < MONEY_DUST
        hold &= self.debt.balance() >= MONEY_DUST
        self._distribute(sim, q, np.where(current & ~hold, cash, 0.0))

    def _test_covenants(self, sim: Sim, q: int, due: NDArray[np.float64]
                        ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """LTV and DSCR this quarter, and what a breach does: (sweep, hold) masks."""
        value = self._value(sim, max(q - self.start_q, 0))
        debt = self.debt.balance()
        # no debt left: no LTV, no DSCR; a lease that ended this quarter is still tested (its
        # last rent is in this waterfall)
        held = self.active | self._ended
        # recorded for a lender to reproduce ltv = debt / collateral (docs/output.md); NaN
        # where the SPV holds no GPUs (not closed, or closed out with its debt): no value
        self.collateral = np.where(held, value, np.nan)
        if self.debt.tape is not None:
            self.debt.tape.collateral(self.collateral)
        live = held & (debt >= MONEY_DUST)
        self.ltv = np.where(live, np.divide(debt, value, out=np.full(sim.n, np.inf),
                                            where=value > 0), np.nan)
        self.dscr = np.where(live & (due > 0), np.divide(self.rent_in, due, out=np.zeros(sim.n),
                                                         where=due > 0), np.nan)
        sweep = self.event_of_default.copy()
        hold = self.event_of_default.copy()
        c = self.covenants
        if c is None:
            return sweep & live, hold
        breach = np.zeros(sim.n, dtype=bool)
        for test, bad in ((c.ltv, c.ltv is not None and self.ltv > _fixed(c.ltv.max)),
                          (c.dscr, c.dscr is not None and self.dscr < _fixed(c.dscr.min))):
            if test is None:
                continue
            bad = np.asarray(bad) & live
            breach |= bad
            if test.breach == "cash_sweep":
                sweep |= bad
            elif test.breach == "reserve":
                hold |= bad
            else:
                self.event_of_default |= bad
                sweep |= bad
                hold |= bad
        self.first_breach = np.where(breach & (self.first_breach < 0), q, self.first_breach)
        self.breached |= breach
        return sweep & live, hold

    def _term_end(self, sim: Sim, q: int) -> None:
        live = self.active.copy()
        # GPUs past the path's useful life have retired (`start`): nothing to buy or sell
        value = self._value(sim, self.lease_periods - 1)  # the term's last quarter
        exercise = np.zeros(sim.n, dtype=bool)
        if self.spec.at_end == "purchase_option":
            # the lessee buys the whole fleet, in use and idle, when it is worth more than
            # the price: GPUs at the end of the path's useful life would retire at once, so
            # it buys only GPUs it can still use (and a path's choice never depends on the
            # longest life drawn in its chunk, which sets how old a fleet cohort gets)
            exercise = (live & (value > self.option_price) & (self.lab.cash >= self.option_price)
                        & (self.lease_periods < sim.market.life_q))
        price = np.where(exercise, self.option_price, 0.0)
        sim.ledger.pay(q, self.lessee, self.spv, "purchase_option", price, self.index)
        # those in use join its fleet at their age with the cost of them all; the idle ones
        # stay idle, its own now, built out later as a vendor credit's chips are (`build_out`);
        # in the term's last quarter they are lease - 1 quarters old (below the life if any)
        age = min(self.lease_periods - 1, self.lab.fleet.capacity.shape[0] - 1)
        self.lab.fleet.add_at(age, np.where(exercise, self.units * self.perf, 0.0),
                              np.where(exercise, self.cost, 0.0))
        # they leave the lease now: counted once, in the fleet, from this quarter's record on
        self.lab.leased = self.lab.leased - np.where(exercise, self.units * self.perf, 0.0)
        sold = np.where(live & ~exercise, value, 0.0)
        sim.ledger.pay(q, sim.acct("customers"), self.spv, "residual_sale", sold, self.index)
        self.active = self.active & ~live
        self.owned = self.owned | exercise
        self.units = np.where(live, 0.0, self.units)
        self.idle = np.where(live & ~exercise, 0.0, self.idle)  # sold with the rest
        # the balloon is the residual the lease assumed: the SPV's risk, not the lessee's debt
        self.lease.principal = np.where(live, 0.0, self.lease.principal)
        self._ended = live  # the waterfall, after the funding phase, closes the debt

    def _close_debt(self, sim: Sim, q: int, mask: NDArray[np.bool_]) -> None:
        """Accelerate the debt on ``mask``, pay what the SPV can, write off the rest."""
        self.debt.accelerate(mask, q + 1)
        cash = sim.ledger.balance[self.spv].copy()
        pay = np.where(mask, np.minimum(self.debt.balance(), np.maximum(cash, 0.0)), 0.0)
        self.debt.recover(sim.ledger, q, pay, "debt_service")
        self.defaulted |= mask & (self.debt.arrears > MONEY_DUST)
        self.debt.write_off(mask)

    def _distribute(self, sim: Sim, q: int, amount: NDArray[np.float64]) -> None:
        """Pay ``amount`` ($B, ``(n,)``) to the equity holders pro rata. The split leaves a
        rounding residual in the SPV (``amount - sum(amount * share)``, about 1e-17): it is
        dust, and so is any holder's part below a dollar; no dust payment is made, and the
        residual stays in the SPV (engine/dust.py)."""
        amount = snap(np.maximum(amount, 0.0), MONEY_DUST)
        if not amount.any():
            return
        for holder, share in self.payout_share.items():
            sim.ledger.pay(q, self.spv, holder, "distribution", snap(amount * share, MONEY_DUST),
                           self.index)

    def on_default(self, sim: Sim, lab: LabState, q: int, mask: NDArray[np.bool_]) -> None:
        if lab.acct != self.lessee:
            return
        hit = mask & self.active
        if not hit.any():
            return
        self.lease.accelerate(hit, q + 1)
        value = self._value(sim, q - self.start_q)
        proceeds = np.where(hit, value * (1.0 - sim.market.haircut), 0.0)
        if self.debt.tape is not None:  # the traced path's sale, for its debt schedule
            self.debt.tape.repossessed(np.where(hit, value, 0.0), proceeds)
        against = np.minimum(proceeds, self.lease.balance())
        self.lease.recover(sim.ledger, q, against, "collateral_sale", source=sim.acct("customers"))
        sim.ledger.pay(q, sim.acct("customers"), self.spv, "collateral_sale", proceeds - against,
                       self.index)
        self.active = self.active & ~hit
        self.units = np.where(hit, 0.0, self.units)
        self.idle = np.where(hit, 0.0, self.idle)  # taken back and sold with the rest
        self._hit = hit

    def after_defaults(self, sim: Sim, q: int) -> None:
        hit = self._hit
        if hit is None:
            return
        self._hit = None
        self._close_debt(sim, q, hit)
        self._distribute(sim, q, np.where(hit, sim.ledger.balance[self.spv].copy(), 0.0))

    def record(self, sim: Sim, q: int) -> dict[str, NDArray[np.float64]]:
        return {"ltv": self.ltv, "dscr": self.dscr, "collateral_value": self.collateral}

    def outcomes(self, sim: Sim) -> dict[str, NDArray[np.float64]]:
        # a default while the lease runs, in any quarter of its term: the last one included,
        # as its rent falls due then (the GPUs go back or are bought before the default phase)
        dq = self.lab.default_quarter
        lessee_default = (self.closes & (dq >= self.start_q)
                          & (dq < self.start_q + self.lease_periods))
        # impaired: the lender lost value, in the one sense docs/design.md section 2a gives a
        # claim's loss (PV at the debt rate of promised minus received): a write-off, or debt
        # service paid late, as arrears bear no interest. Counting write-offs alone, debt
        # service in arrears for quarters and repaid at term end read impaired 0 beside a
        # debt loss. Snapped here as the reported debt_loss is (`LOSS_OUTCOMES`), so impaired
        # is exactly debt_loss > 0 on every path
        loss = snap(np.maximum(self.debt.loss(), 0.0), MONEY_DUST)
        return {
            "debt_impaired": (loss > 0).astype(np.float64),
            "debt_loss": loss,
            "lessee_default": lessee_default.astype(np.float64),
            "covenant_breach": self.breached.astype(np.float64),
            "first_breach_quarter": self.first_breach.copy(),
            "event_of_default": self.event_of_default.astype(np.float64),
        }

    def marks(self, sim: Sim, survival: Survival) -> dict[int, NDArray[np.float64]]:
        s = survival.get(self.lessee, 1.0)
        lease_value = np.where(self.active, self.lease.balance() * s, 0.0)
        debt = self.debt.balance()
        equity = np.maximum(lease_value + sim.ledger.balance[self.spv] - debt, 0.0)
        debt_value = np.minimum(debt, lease_value + sim.ledger.balance[self.spv])
        out = {self.lender: debt_value}
        for holder, share in self.payout_share.items():
            out[holder] = out.get(holder, 0.0) + equity * share
        out[self.lessee] = -lease_value
        return out

    def losses(self, sim: Sim, marks: dict[int, NDArray[np.float64]],
               flows: dict[int, NDArray[np.float64]]) -> dict[int, NDArray[np.float64]]:
        out = {self.lender: np.maximum(self.debt.loss(), 0.0)}
        for holder in self.holders:
            got, cost = cash_in_out(flows[holder])
            if holder == self.lender:
                continue
            out[holder] = np.maximum(cost - got - marks.get(holder, 0.0), 0.0)
        return out

    def peak_exposures(self) -> dict[int, NDArray[np.float64]]:
        return {self.lender: self.debt.peak_exposure}
