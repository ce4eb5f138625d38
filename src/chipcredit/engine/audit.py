"""The ledger's audit records: the largest violation of each invariant the ledger checks
every quarter (`Checks`), and the transfers of one traced path (`TraceLine`). The ledger
(`chipcredit.engine.ledger`) fills them; runs merge and report them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Checks", "TraceLine"]


@dataclass(frozen=True)
class TraceLine:
    """One transfer of one traced path."""

    time: int
    quarter: int
    timing: str
    deal: str | None
    source: str
    target: str
    kind: str
    amount: float
    counted: bool


@dataclass
class Checks:
    """Largest violations seen, per invariant, over all quarters and paths ($B)."""

    sum_to_zero: float = 0.0
    reconcile: float = 0.0
    negative_cash: float = 0.0
    claims: float = 0.0
    provenance: float = 0.0
    """Largest negative origin tag of a live lab, SPV or cloud (0 without provenance)."""
    by_quarter: list[float] = field(default_factory=list)

    def worst(self) -> float:
        return max(self.sum_to_zero, self.reconcile, self.negative_cash, self.claims,
                   self.provenance)
