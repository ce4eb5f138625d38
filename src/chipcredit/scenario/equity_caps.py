"""Labs that owe under a purchase commitment but may sell shares without limit, and the note
that names them.

A lab's funding rounds raise all they ask at the round's price unless ``funding.max_dilution``
(per round) or ``funding.max_dilution_per_year`` caps the share of the company they sell
(docs/model.md, "One quarter, in order", funding). With neither, a lab whose round succeeds
can always pay what a commitment asks by selling more of itself, so the commitment barely
moves its default, and its default barely depends on the price of its shares (the
valuation multiple). That is an assumption a writer should make on purpose: `cap_note`
says so, once, for the labs bound by a ``purchase_commitment`` (the case where it hides the
commitment's risk), and `Scenario.horizon_note` adds it to the note of ``chipcredit
validate`` and every run. seed-2025's labs are capped; telecom-2000's carriers sign no
purchase commitment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .deals import PurchaseCommitment
from .parties import Lab

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["cap_note", "uncapped_labs"]


def uncapped_labs(sc: Scenario) -> dict[str, list[str]]:
    """Each lab of ``sc`` with neither ``funding.max_dilution`` nor
    ``funding.max_dilution_per_year`` that is the ``lab`` of a purchase commitment, to the
    ids of those commitments, in scenario order."""
    out: dict[str, list[str]] = {}
    uncapped = {p.id for p in sc.parties if isinstance(p, Lab)
                and p.funding.max_dilution is None and p.funding.max_dilution_per_year is None}
    for deal in sc.deals:
        if isinstance(deal, PurchaseCommitment) and deal.lab in uncapped:
            out.setdefault(deal.lab, []).append(deal.id)
    return out


def cap_note(sc: Scenario) -> str | None:
    """One short line naming each uncapped lab bound by a purchase commitment, what that
    assumes and the field that caps it; None when there is none.

    Example: ``parties.anthropic.funding has neither max_dilution nor max_dilution_per_year:
    each round raises all it asks, however much of the lab it sells, so tpu-commit barely
    moves its default; cap it with funding.max_dilution_per_year (seed-2025's labs:
    0.12-0.3).``
    """
    found = uncapped_labs(sc)
    if not found:
        return None
    lines = [f"parties.{lab}.funding has neither max_dilution nor max_dilution_per_year: each "
             f"round raises all it asks, however much of the lab it sells, so "
             f"{' and '.join(deals)} barely {'moves' if len(deals) == 1 else 'move'} its "
             f"default" for lab, deals in found.items()]
    return ("; ".join(lines) + f"; cap {'it' if len(found) == 1 else 'each'} with "
            "funding.max_dilution_per_year (seed-2025's labs: 0.12-0.3).")
