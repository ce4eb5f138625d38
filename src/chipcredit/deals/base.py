"""The protocol every deal kind implements: hooks named after the phases of a quarter.

The engine calls, each quarter and in scenario order: `start` (procurement, deals first),
`schedule` (what falls due this quarter), `after_procurement`, `after_servicing` (after the
labs' servicing), `service_spv` (after the funding phase, in which the labs pay their
arrears), `on_default` (before a lab's estate is settled), `after_defaults`; and
`at_horizon` once at the end. Everything a deal does to money is a transfer in the ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.claims import Claim

if TYPE_CHECKING:
    from chipcredit.engine.funding import Fundraiser
    from chipcredit.engine.labs import LabState
    from chipcredit.engine.sim import Sim

__all__ = ["DealRuntime", "equity_loss", "equity_value"]

Survival = dict[int, NDArray[np.float64]]


class DealRuntime:
    """Compiled terms and state of one deal for one chunk of paths.

    Attributes
    ----------
    index, id, kind : position in the scenario, id and kind
    start_q : quarter offset of the deal's start
    closes : (n,) bool, paths on which the deal closes (drawn once per path)
    claims : claims the deal created
    tied_gross_profit : (n,) $B, vendor's gross profit on sales the deal tied, or None
    investee_acct : the lab whose purchases the deal's tied money pays for, or None
    """

    tied_vendor: str | None = None

    def __init__(self, spec: Any, index: int, sim: Sim) -> None:
        self.spec = spec
        self.index = index
        self.id: str = spec.id
        self.kind: str = spec.kind
        self.key = f"deals.{spec.id}"
        self.start_q = sim.deal_start(spec.start)
        u = sim.draws.uniform(f"close:{spec.id}", 1)[0]
        chance = sim.params.array(spec.close_probability, self.key + ".close_probability")
        self.closes = u <= chance
        self.claims: list[Claim] = []
        self.tied_gross_profit: NDArray[np.float64] | None = None
        self.investee_acct: int | None = None
        self.n = sim.n

    # -- hooks (no-ops by default) -----------------------------------------------------
    def start(self, sim: Sim, q: int) -> None:
        if q == self.start_q:
            self.open(sim, q)

    def open(self, sim: Sim, q: int) -> None:
        """The deal's first quarter: funding flows at its beginning."""

    def schedule(self, sim: Sim, q: int) -> None:
        """Put this quarter's scheduled payments on the deal's claims."""

    def after_procurement(self, sim: Sim, q: int) -> None:
        """React to the labs' purchases (milestones, shortfall fees)."""

    def after_servicing(self, sim: Sim, q: int) -> None:
        """After the labs' servicing, before their funding (a facility's shortfall draw, a
        lessee's purchase option at a lease's end)."""

    def service_spv(self, sim: Sim, q: int) -> None:
        """An SPV's waterfall, after the funding phase: the quarter's rent, paid at
        servicing or late from the lessee's funding phase, pays the debt, then the equity."""

    def on_default(self, sim: Sim, lab: LabState, q: int, mask: NDArray[np.bool_]) -> None:
        """``lab`` defaults on ``mask`` paths; act before its estate is settled."""

    def after_defaults(self, sim: Sim, q: int) -> None:
        """After every default of the quarter was settled."""

    def at_horizon(self, sim: Sim) -> None:
        """After the last quarter."""

    # -- what the engine asks of a deal --------------------------------------------------
    def leased_to(self, lab_acct: int) -> NDArray[np.float64] | float:
        """Capacity this deal leases to a lab now."""
        return 0.0

    def committed(self, lab_acct: int, q: int) -> list[tuple[int, NDArray[np.float64]]]:
        """(vendor account, units) a lab must buy this quarter under this deal."""
        return []

    def spv_account(self) -> int | None:
        return None

    def spv_defaulted(self) -> NDArray[np.bool_]:
        return np.zeros(self.n, dtype=bool)

    def add_tied_gross_profit(self, amount: NDArray[np.float64]) -> None:
        if self.tied_gross_profit is None:
            self.tied_gross_profit = np.zeros(self.n)
        self.tied_gross_profit += amount

    def add_claim(self, claim: Claim, sim: Sim) -> Claim:
        """Keep ``claim`` and give it to its debtor to service: a lab settles it with its
        other claims in stage order, a cloud after its debt tranches (`CloudState.add_claim`)."""
        self.claims.append(claim)
        lab = sim.lab_by_acct.get(claim.debtor)
        if lab is not None:
            lab.claims.append(claim)
        cloud = sim.cloud_by_acct.get(claim.debtor)
        if cloud is not None:
            cloud.add_claim(claim)
        return claim

    def record(self, sim: Sim, q: int) -> dict[str, NDArray[np.float64]]:
        """Quarterly variables of the deal itself for bands (an SPV's LTV and DSCR)."""
        return {}

    def outcomes(self, sim: Sim) -> dict[str, NDArray[np.float64]]:
        """Per-path outcomes of the deal itself, ``{metric: (n,)}`` (an SPV's impairment)."""
        return {}

    # -- what the metrics ask of a deal ---------------------------------------------------
    def marks(self, sim: Sim, survival: Survival) -> dict[int, NDArray[np.float64]]:
        """Horizon mark of each party's position ($B, ``(n,)``), given the one-year survival
        of each lab and cloud (by account). Parties absent hold nothing at the horizon."""
        return {}

    def losses(self, sim: Sim, marks: dict[int, NDArray[np.float64]],
               flows: dict[int, NDArray[np.float64]]) -> dict[int, NDArray[np.float64]]:
        """Loss per party ($B, ``(n,)``): credit loss for claims, equity loss for stakes."""
        out: dict[int, NDArray[np.float64]] = {}
        for claim in self.claims:
            out[claim.creditor] = out.get(claim.creditor, 0.0) + np.maximum(claim.loss(), 0.0)
        return out

    def peak_exposures(self) -> dict[int, NDArray[np.float64]]:
        """Peak exposure per creditor from the deal's claims ($B, ``(n,)``)."""
        out: dict[int, NDArray[np.float64]] = {}
        for claim in self.claims:
            out[claim.creditor] = out.get(claim.creditor, 0.0) + claim.peak_exposure
        return out


def equity_value(sim: Sim, lab: Fundraiser, holder: int, deal: int) -> NDArray[np.float64]:
    """Value of the shares ``holder`` got through ``deal`` at the lab's (or cloud's) current
    price."""
    held = lab.shares.get((holder, deal))
    if held is None:
        return np.zeros(sim.n)
    return np.asarray(held * lab.price(sim))


def equity_loss(cost: NDArray[np.float64], received: NDArray[np.float64],
                mark: NDArray[np.float64]) -> NDArray[np.float64]:
    """Cost minus what was realised and marked, floored at zero."""
    return np.asarray(np.maximum(cost - received - mark, 0.0))


