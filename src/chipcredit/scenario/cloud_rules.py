"""The rules across a cloud's fields: its lenders, tenants and holders, its debt shares,
its contracts' dates and the opening contracts its fleet must hold (part of `cross_rules`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .clouds import Cloud, CloudContract
from .cross_problem import CrossProblem, within
from .deals import Equity
from .parties import Lab

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["cloud_problems"]


def cloud_problems(sc: Scenario, i: int, p: Cloud, ref: Any) -> list[CrossProblem]:
    """A cloud's references (lenders, tenants, holders), debt shares and contract dates."""
    out: list[CrossProblem] = []
    for k, tranche in enumerate(p.debt):
        ref(("parties", i, "debt", k, "lender"), tranche.lender, ("lender", "investor", "vendor"))
    top = sum(t.share.support()[1] for t in p.debt)
    if top > 1 + 1e-9:
        out.append(CrossProblem(("parties", i, "debt"), "shares must add up to at most 1 (for "
                                "uncertain shares, their largest values)", round(top, 6)))
    for k, contract in enumerate(p.contracts):
        if contract.tenant != "customers":
            ref(("parties", i, "contracts", k, "tenant"), contract.tenant,
                ("lab", "vendor", "investor", "lender", "buyer"))
        begins = None if contract.start is None else sc.quarter_of(contract.start)
        if begins is not None and not 0 <= begins < sc.horizon_quarters:
            lab_tenant = any(isinstance(q, Lab) and q.id == contract.tenant for q in sc.parties)
            # a contract signed before the start is one already running: an opening contract
            hint = (" (for a contract already running at the start, leave start out and write "
                    "opening: true)" if begins < 0 and lab_tenant and not contract.opening
                    else "")
            out.append(CrossProblem(("parties", i, "contracts", k, "start"),
                                    within(sc) + hint, contract.start))
        if contract.opening:
            out += _opening_problems(sc, ("parties", i, "contracts", k), contract)
    opening = [c for c in p.contracts if c.opening]
    # the opening contracts' first phases at their smallest must fit in the largest fleet
    # the cloud can have at the start (on a path where it is short they are cut pro rata)
    first = sum(max(c.capacity.support()[0], 0.0) / _most_phases(c) for c in opening)
    if opening and (p.installed.support()[1] <= 0 or first > p.installed.support()[1] + 1e-9):
        out.append(CrossProblem(("parties", i, "installed"), "must hold the capacity of its "
                                "opening contracts at the start (they are delivered from it)",
                                round(p.installed.support()[1], 6)))
    for hid in p.equity.holders:
        ref(("parties", i, "equity", "holders", hid), hid, ("investor", "vendor", "lender", "buyer"))
    for j, d in enumerate(sc.deals):
        if isinstance(d, Equity) and d.investee == p.id and p.funding is None:
            out.append(CrossProblem(("deals", j, "investee"), "a cloud that takes equity needs "
                                    "funding (its valuation_multiple prices its shares)", p.id))
    if p.balance_sheet == "funded" and p.funding is not None:
        out.append(CrossProblem(("parties", i, "funding"), "a cloud with balance_sheet: funded "
                                "raises no rounds (its parent pays); remove funding or use "
                                "balance_sheet: own", "funding"))
    return out


def _most_phases(contract: CloudContract) -> float:
    """The most phases a contract's ramp can have (whole quarters, half up, at least 1)."""
    top = contract.ramp_quarters.support()[1]
    return math.inf if math.isinf(top) else max(math.floor(top + 0.5), 1)


def _opening_problems(sc: Scenario, base: tuple[str | int, ...],
                      contract: CloudContract) -> list[CrossProblem]:
    """An opening contract is a lab's, from the scenario start (its capacity serves the lab's
    first quarter)."""
    out: list[CrossProblem] = []
    if contract.start is not None and sc.quarter_of(contract.start) != 0:
        out.append(CrossProblem((*base, "start"), "must be the scenario start (or omitted) for "
                                "an opening contract", contract.start))
    if not any(isinstance(q, Lab) and q.id == contract.tenant for q in sc.parties):
        out.append(CrossProblem((*base, "opening"), "needs a lab tenant (an opening contract "
                                "serves its tenant's first quarter)", contract.tenant))
    return out
