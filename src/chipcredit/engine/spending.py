"""A lab's spending response: short of runway, it defers part of its new compute.

docs/design.md section 3 fixes the phases; the decision falls at the start of the lab's own
purchases in phase 4 (procurement), after the deals have delivered what they finance and the
clouds their contracts, and uses only what is known then:

- cash: the lab's balance after this quarter's revenue and operating costs (phase 2),
  before any facility draws for purchases: those follow the decision and pay for what the
  lab still buys after the cut (`want`, then the draws, then `spend`), so money borrowed
  only to buy is not runway; negative cash counts as 0;
- undrawn: the headroom of its committed credit facilities that draw what it cannot pay
  (``drawing.shortfall``), as of now;
- burn: the mean of the last four quarters' net cash outflow, the same window its funding
  phase uses (`Fundraiser.burn`), as it stood at the end of the last quarter. This
  quarter's burn is not known until the funding phase, so it is not used.

The rule, per path::

    runway = (max(cash, 0) + undrawn) / burn                  quarters (inf where burn <= 0)
    cut    = max_cut * max(1 - runway / runway_quarters, 0)
    P      = min(max(serving, committed), shortfall)          capacity never cut
    wanted = shortfall - cut * (shortfall - P)                capacity it rents or buys
    spend  = budget - cut * max(own - P * all_in, 0)          $B it may spend on it

``serving`` is the capacity that serves its revenue (``max(inference_need - installed,
0)``) and ``committed`` what it must buy under purchase commitments this quarter; ``budget``
is its cash less what falls due this quarter, the most it spends on compute without the
rule, ``own`` the same before this quarter's purchase draws (a facility's draws for
purchases are sized on what is left of ``wanted`` after the spot rentals, come after them
and are never held back: the rentals spend ``spend`` with ``budget = own``, the purchases
what is left of it plus the draws; without such draws ``own`` is ``budget``), and
``all_in`` the all-in cost per unit. Both levers are needed: a lab with cash to
spare is limited by what it wants, one short of cash by what it can spend, and either way
it spends about ``1 - cut`` of what it would have spent on discretionary compute (spot
rentals, renewed or new, and purchases beyond its commitments), keeping the rest as cash.
Capacity under leases and cloud contracts is installed before the shortfall is taken, and
payments due (rent, debt service, fees) are not in the budget, so none of those is cut; nor
is the building out of idle SPV GPUs, which comes first (`LabState.procure`): their rent is
due either way, and the runway is measured on the cash left after it. The
cut is for this quarter only: next quarter the lab wants its full need again, and cuts
again only if its runway is still short. Deferred capacity is not bought later as a
catch-up; the training need keeps growing as before (the frontier does not wait), and
renting and buying go on in the engine's usual order.

Worked example: a lab with $2B of cash, nothing due, no facility and a trailing burn of $1B
a quarter has a runway of 2 quarters; with ``runway_quarters: 4`` and ``max_cut: 0.6`` it
cuts 0.6 x (1 - 2 / 4) = 30%. Wanting 1.0 GW at $1B per GW, of which 0.2 GW serves its
revenue and nothing is committed, it wants 1.0 - 0.3 x 0.8 = 0.76 GW and may spend 2 - 0.3
x (2 - 0.2) = $1.46B. With $4B of cash or more it cuts nothing; with none it cuts 60%.

What the rule did is kept for the record (phase 9, the lab's ``spending_cut`` and
``spending_deferred`` series): the share of the quarter's planned new capacity (its
shortfall) deferred, ``(shortfall - wanted) / shortfall`` (0 with no shortfall), and the
compute spending deferred at the all-in cost, ``min((shortfall - wanted) * all_in, budget -
spend)`` $B: buying at the all-in cost with no purchase draws, the lab buys ``min(shortfall,
budget / all_in)`` units without the rule and ``min(wanted, spend / all_in)`` with it, and the
difference is the smaller of the two terms (spot rentals, a vendor choice's unit prices and
purchase draws make it an estimate).
In the worked example it defers 0.24 of 1.0 GW (24%), at most 0.24 x $1B = $0.24B of the
$0.54B it holds back: $0.24B.

Arrays are ``(n,)`` over the chunk's paths: money in $B, burn in $B per quarter, capacity
in the scenario's unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.parties import Spending

from .dust import CAPACITY_DUST, MONEY_DUST, snap

if TYPE_CHECKING:
    from .sim import Sim

__all__ = ["Liquidity", "PurchaseDraws", "SpendingRule", "runway_cut"]


class Liquidity(Protocol):
    """Committed funding a lab may still draw to pay what it owes (a ``credit_facility``
    with ``drawing.shortfall``)."""

    def headroom(self, q: int) -> NDArray[np.float64]:
        """$B that may still be drawn in quarter ``q``, ``(n,)``."""
        ...


class PurchaseDraws(Protocol):
    """Committed funding a lab draws to pay for its purchases (a ``credit_facility`` with
    ``drawing.purchases`` and a ``vendor``): drawn at the lab's procurement, after the
    spending rule's cut and the spot rentals, for the capacity it still has to buy."""

    def draw_for_purchases(self, sim: Sim, q: int, wanted: NDArray[np.float64]) -> None:
        """Draw for buying ``wanted`` capacity units this quarter, ``(n,)``."""
        ...


def runway_cut(cash: NDArray[np.float64], undrawn: NDArray[np.float64], burn: NDArray[np.float64],
               runway_quarters: NDArray[np.float64], max_cut: NDArray[np.float64]
               ) -> NDArray[np.float64]:
    """The share of its discretionary new capacity a lab defers this quarter, ``(n,)``.

    Parameters
    ----------
    cash : (n,) $B, the lab's cash now (negative counts as 0)
    undrawn : (n,) $B of undrawn committed facility headroom
    burn : (4, n) $B per quarter, the last four quarters' burn, oldest first
    runway_quarters, max_cut : (n,) the rule's parameters

    Returns ``max_cut * max(1 - runway / runway_quarters, 0)`` with ``runway = (max(cash, 0)
    + undrawn) / b`` and ``b = max(mean of burn, 0)``; 0 where ``b`` is 0 (no burn, no cut).
    A mean burn under `MONEY_DUST` (a dollar a quarter) is rounding noise in the cash, not
    burn: it counts as 0 (else a lab with no cash would cut on the sign of that noise).
    """
    b = snap(np.maximum((((burn[0] + burn[1]) + burn[2]) + burn[3]) / 4.0, 0.0), MONEY_DUST)
    runway = np.divide(np.maximum(cash, 0.0) + undrawn, b, out=np.full(b.shape, np.inf), where=b > 0)
    return np.asarray(max_cut * np.maximum(1.0 - runway / runway_quarters, 0.0))


class SpendingRule:
    """One lab's spending rule, sampled per path (`chipcredit.scenario.parties.Spending`).

    A quarter's decision comes in two steps: `want` (the cut and the capacity it still
    wants), then `spend` (the money it may spend on it): before the spot rentals on its own
    cash, and again after the purchase draws of the lab's credit facilities, with them.

    Attributes
    ----------
    runway_quarters : (n,) quarters of burn under which the lab cuts
    max_cut : (n,) share deferred at zero runway
    cut : (n,) the share of its discretionary new capacity it deferred this quarter (0
        before the first procurement)
    deferred_share : (n,) the share of this quarter's planned new capacity (its shortfall)
        it deferred, 0..1 (0 with no shortfall)
    deferred : (n,) $B of compute spending deferred this quarter, at the all-in cost
    """

    def __init__(self, spec: Spending, sim: Sim, key: str) -> None:
        p = sim.params
        self.runway_quarters = p.array(spec.runway_quarters, key + ".runway_quarters")
        self.max_cut = p.array(spec.max_cut, key + ".max_cut")
        self.cut = np.zeros(sim.n)
        self.deferred_share = np.zeros(sim.n)
        self.deferred = np.zeros(sim.n)
        self._shortfall = self._wanted = self._kept = self.cut

    def want(self, shortfall: NDArray[np.float64], protected: NDArray[np.float64],
             cash: NDArray[np.float64], undrawn: NDArray[np.float64], burn: NDArray[np.float64]
             ) -> NDArray[np.float64]:
        """The shortfall the lab still rents or buys this quarter, ``(n,)`` capacity units.

        ``shortfall`` is what it would get without the rule; ``protected`` capacity units (at
        most the shortfall) are never cut; of the rest `runway_cut` is deferred. Rounding
        residuals are snapped to 0 (`engine.dust`). Call `spend` next, in the same quarter.
        """
        cut = self.cut = runway_cut(cash, undrawn, burn, self.runway_quarters, self.max_cut)
        kept = self._kept = np.minimum(protected, shortfall)
        wanted = snap(np.asarray(shortfall - cut * (shortfall - kept)), CAPACITY_DUST)
        self._shortfall, self._wanted = shortfall, wanted
        self.deferred_share = np.divide(shortfall - wanted, shortfall, out=np.zeros(shortfall.shape),
                                        where=shortfall > 0)
        return wanted

    def spend(self, budget: NDArray[np.float64], own: NDArray[np.float64],
              unit_cost: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """The budget the lab may spend on what `want` left, ``(n,)`` $B.

        ``budget`` is what it may spend without the rule and ``own`` the same before this
        quarter's purchase draws (the same array where there were none). The protected
        capacity's cost at ``unit_cost`` ($B per unit) is never held back, nor is what the
        draws brought in; of the rest of ``own`` the cut is held back.
        """
        held = self.cut * np.maximum(own - self._kept * unit_cost, 0.0)
        spend = budget - held
        self.deferred = np.minimum((self._shortfall - self._wanted) * unit_cost, held)
        return np.asarray(spend)
