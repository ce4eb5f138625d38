"""Deals on one path, part 1: the hooks every deal has and the term loan (the Colossus-2
style SPV lease is in `spv`). Hooks run in the engine's phase order (see
`world.World.step`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .claim import Claim, level_payment

if TYPE_CHECKING:
    from .labs import Lab
    from .world import World

__all__ = ["Deal", "Loan", "gained"]


class Deal:
    """Terms and state of one deal on one path; every hook does nothing by default.

    Attributes
    ----------
    closes : whether the deal closes on this path (drawn once)
    claims : the claims it created
    tied_gross_profit : $B of the vendor's gross profit on sales the deal tied, or None
    """

    tied_vendor: str | None = None

    def __init__(self, spec: Any, world: World) -> None:
        self.spec = spec
        self.id: str = spec.id
        self.kind: str = spec.kind
        self.key = f"deals.{spec.id}"
        self.start_q = world.scenario.quarter_of(spec.start)
        u = world.p.uniforms(f"close:{spec.id}", 1)[0]
        self.closes = u <= world.p(spec.close_probability, self.key + ".close_probability")
        self.claims: list[Claim] = []
        self.tied_gross_profit: float | None = None

    def start(self, world: World, q: int) -> None:
        if q == self.start_q:
            self.open(world, q)

    def open(self, world: World, q: int) -> None: ...

    def schedule(self, world: World, q: int) -> None: ...

    def after_procurement(self, world: World, q: int) -> None: ...

    def after_servicing(self, world: World, q: int) -> None: ...

    def service_spv(self, world: World, q: int) -> None: ...

    def on_default(self, world: World, lab: Lab, q: int) -> None: ...

    def after_defaults(self, world: World, q: int) -> None: ...

    def leased_to(self, lab_id: str) -> float:
        return 0.0

    def committed(self, lab_id: str, q: int) -> list[tuple[str, float]]:
        return []

    def add_claim(self, claim: Claim, world: World) -> Claim:
        self.claims.append(claim)
        lab = world.labs_by_id.get(claim.debtor)
        if lab is not None:
            lab.claims.append(claim)
        return claim

    def add_tied(self, amount: float) -> None:
        self.tied_gross_profit = (self.tied_gross_profit or 0.0) + amount

    # -- what the metrics ask ------------------------------------------------------------
    def marks(self, world: World, survival: dict[str, float]) -> dict[str, float]:
        return {}

    def losses(self, world: World, marks: dict[str, float],
               flows: dict[str, list[float]]) -> dict[str, float]:
        out: dict[str, float] = {}
        for claim in self.claims:
            out[claim.creditor] = out.get(claim.creditor, 0.0) + max(claim.loss(), 0.0)
        return out

    def peak_exposures(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for claim in self.claims:
            out[claim.creditor] = out.get(claim.creditor, 0.0) + claim.peak_exposure
        return out

    def outcomes(self, world: World) -> dict[str, float]:
        return {}

    def record(self, world: World, q: int) -> dict[str, float]:
        """Quarterly variables of the deal itself."""
        return {}

    def party_outcomes(self, world: World) -> dict[tuple[str, str], float]:
        return {}


def gained(flow: list[float]) -> tuple[float, float]:
    """Cash in and cash out of a party's flows ($B, undiscounted)."""
    return sum(max(f, 0.0) for f in flow), sum(max(-f, 0.0) for f in flow)


class Loan(Deal):
    """A fixed-rate term loan, bullet or amortising, secured on the borrower's fleet or not."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        p = world.p
        if spec.rate_type != "fixed":
            raise NotImplementedError("the oracle covers seed-2025's fixed-rate loan")
        self.lender = spec.lender
        self.borrower = spec.borrower
        self.amount = p(spec.amount, self.key + ".amount") * self.closes
        self.periods = world.chunk.quarters(spec.term_years, self.key + ".term_years")
        self.rate_q = p(spec.rate, self.key + ".rate") / 4.0
        self.claim = self.add_claim(Claim("debt_service", self.lender, self.borrower, self.id,
                                          self.rate_q, 1), world)
        self.claim.on_fleet = spec.secured

    def open(self, world: World, q: int) -> None:
        amount = self.amount if world.labs_by_id[self.borrower].alive else 0.0
        world.books.pay(q, self.lender, self.borrower, "loan_draw", amount, self.id, begin=True)
        self.claim.principal = amount
        self.claim.track_exposure()

    def schedule(self, world: World, q: int) -> None:
        k = q - self.start_q
        if not 0 <= k < self.periods:
            return
        c = self.claim
        interest = c.principal * self.rate_q
        if self.spec.amortisation == "amortising":
            repay = min(level_payment(c.principal, self.rate_q, self.periods - k) - interest, c.principal)
        else:
            repay = c.principal if k == self.periods - 1 else 0.0
        c.track_exposure(interest)
        c.principal -= repay
        c.schedule(interest + repay, q + 1)

    def marks(self, world: World, survival: dict[str, float]) -> dict[str, float]:
        value = self.claim.balance() * survival.get(self.borrower, 1.0)
        return {self.lender: value, self.borrower: -value}
