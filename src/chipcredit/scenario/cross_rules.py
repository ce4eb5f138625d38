"""The rules across a scenario's fields: ids, references, kinds, sums and dates.

Each field is checked on its own when the scenario is parsed; `cross_check` then checks what
spans fields (a deal naming a party of the right kind, shares adding up, dates inside the
horizon, correlations that can coexist) and returns every problem found as a
`CrossProblem`, which the loader turns into one-line errors with the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chipcredit.errors import did_you_mean

from .base import BUILTIN_IDS
from .cloud_rules import cloud_problems
from .clouds import Cloud
from .correlation import correlation_matrix, offending_pair
from .cross_problem import CrossProblem, article, within
from .deals import (
    CapacityBackstop,
    CreditFacility,
    DeploymentWarrant,
    Equity,
    Loan,
    LoanGuarantee,
    MilestoneEquity,
    PurchaseCommitment,
    SpvLease,
    VendorCredit,
)
from .number import Number
from .parties import Buyer, Lab, Vendor
from .residual_curve import CURVE, curve_problems, point_of_curve
from .shocks import PriceWar

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["CrossProblem", "cross_check", "deal_refs"]


def deal_refs(deal: Any) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(field, referenced id, kinds allowed) for every party a deal names."""
    if isinstance(deal, Loan):
        yield "lender", deal.lender, ("lender", "investor", "vendor")
        yield "borrower", deal.borrower, ("lab", "cloud")
    elif isinstance(deal, Equity):
        yield "investor", deal.investor, ("investor", "vendor", "lender", "buyer")
        yield "investee", deal.investee, ("lab", "cloud")
    elif isinstance(deal, MilestoneEquity):
        yield "investor", deal.investor, ("investor", "vendor", "lender", "buyer")
        yield "investee", deal.investee, ("lab",)
        yield "vendor", deal.vendor, ("vendor",)
    elif isinstance(deal, SpvLease):
        yield "lessee", deal.lessee, ("lab",)
        yield "vendor", deal.vendor, ("vendor",)
        yield "debt.lender", deal.debt.lender, ("lender", "investor", "vendor")
    elif isinstance(deal, VendorCredit):
        yield "vendor", deal.vendor, ("vendor",)
        yield "borrower", deal.borrower, ("lab",)
    elif isinstance(deal, PurchaseCommitment):
        yield "lab", deal.lab, ("lab",)
        yield "vendor", deal.vendor, ("vendor",)
    elif isinstance(deal, CreditFacility):
        yield "lender", deal.lender, ("lender", "investor", "vendor")
        yield "borrower", deal.borrower, ("lab",)
        if deal.vendor is not None:
            yield "vendor", deal.vendor, ("vendor",)
    elif isinstance(deal, LoanGuarantee):
        yield "guarantor", deal.guarantor, ("vendor", "lender", "investor")
        yield "lender", deal.lender, ("lender", "investor", "vendor")
        yield "borrower", deal.borrower, ("lab", "cloud")  # a loan's borrower (a facility's: a lab)
    elif isinstance(deal, CapacityBackstop):
        yield "vendor", deal.vendor, ("vendor",)
        yield "cloud", deal.cloud, ("cloud",)
    elif isinstance(deal, DeploymentWarrant):
        yield "issuer", deal.issuer, ("vendor",)
        yield "holder", deal.holder, ("lab",)


def _fixed(number: Number | None) -> float | None:
    return number.value if number is not None and number.dist == "fixed" else None


_DUPLICATE_PARTY = "duplicates an earlier party id"
_NO_PARTY = "names no party in the scenario"


def cross_check(sc: Scenario) -> list[CrossProblem]:
    """Every rule that spans fields: ids, references, kinds, sums and dates.

    Returns the problems found, in document order (an empty list when the scenario is sound).
    """
    out: list[CrossProblem] = []
    kinds: dict[str, str] = {}
    for i, p in enumerate(sc.parties):
        if p.id in BUILTIN_IDS:
            out.append(CrossProblem(("parties", i, "id"), "is a built-in account", p.id))
        elif p.id in kinds:
            first = next(k for k, q in enumerate(sc.parties) if q.id == p.id)
            out.append(CrossProblem(("parties", i, "id"), _DUPLICATE_PARTY, p.id,
                                    earlier=("parties", first)))
        kinds.setdefault(p.id, p.kind)
    vendors = [pid for pid, k in kinds.items() if k == "vendor"]

    def few(allowed: tuple[str, ...]) -> str | None:
        """The few parties of the one or two kinds asked for (a borrower: a lab or a cloud),
        ``a or b``; with more kinds (any funder), or more parties, None: only a near name."""
        right = [k for k, v in kinds.items() if v in allowed]
        return " or ".join(right) if len(allowed) <= 2 and 0 < len(right) <= 4 else None

    def ref(path: tuple[str | int, ...], target: str, allowed: tuple[str, ...]) -> None:
        if target not in kinds:
            pool = (list(kinds) if len(allowed) > 1
                    else [k for k, v in kinds.items() if v in allowed])
            # `lessee: openai` where the file's lab is labco: a name from elsewhere, not a typo
            out.append(
                CrossProblem(path, _NO_PARTY, target,
                             did_you_mean(target, pool or list(kinds)) or few(allowed))
            )
        elif kinds[target] not in allowed:
            right = [k for k, v in kinds.items() if v in allowed]
            hint = did_you_mean(target, right) or few(allowed)
            out.append(
                CrossProblem(path, f"must name a party of kind {' or '.join(allowed)}, "
                             f"but {target} is {article(kinds[target])} {kinds[target]}", target,
                             hint)
            )

    for i, p in enumerate(sc.parties):
        if isinstance(p, Cloud):
            out.extend(cloud_problems(sc, i, p, ref))
        if isinstance(p, Lab):
            for cid in p.renting:
                ref(("parties", i, "renting", cid), cid, ("cloud",))
            top = sum(f.support()[1] for f in p.renting.values())
            if top > 1 + 1e-9:
                out.append(CrossProblem(("parties", i, "renting"), "shares must add up to at "
                                        "most 1 (for uncertain shares, their largest values)",
                                        round(top, 6)))
        if isinstance(p, Lab | Buyer | Cloud):
            for vid in p.procurement:
                ref(("parties", i, "procurement", vid), vid, ("vendor",))
            shares = [_fixed(s) for s in p.procurement.values()]
            if all(s is not None for s in shares) and abs(sum(shares) - 1) > 1e-9:  # type: ignore[arg-type]
                out.append(CrossProblem(("parties", i, "procurement"),
                                        "shares must add up to 1", round(sum(shares), 6)))  # type: ignore[arg-type]
        if isinstance(p, Lab):
            for k, vid in enumerate(p.ported or []):
                ref(("parties", i, "ported", k), vid, ("vendor",))
            for hid in p.equity.holders:
                ref(("parties", i, "equity", "holders", hid), hid,
                    ("investor", "vendor", "lender", "buyer"))
            top = sum(f.support()[1] for f in p.equity.holders.values())
            if top > 1 + 1e-9:
                out.append(CrossProblem(("parties", i, "equity", "holders"),
                                        "stakes must add up to at most 1 (for uncertain stakes, "
                                        "their largest values)", round(top, 6)))
        if isinstance(p, Vendor):
            all_in = sc.market.hardware.all_in_cost_per_unit.support()[0]
            if p.content_per_unit.support()[1] > all_in:
                out.append(CrossProblem(("parties", i, "content_per_unit"),
                                        "must not exceed market.hardware.all_in_cost_per_unit "
                                        f"({all_in:g})", _fixed(p.content_per_unit)
                                        if not p.content_per_unit.is_uncertain
                                        else p.content_per_unit.describe()))

    seen_deals: dict[str, int] = {}
    outside = within(sc)
    for j, d in enumerate(sc.deals):
        base: tuple[str | int, ...] = ("deals", j)
        if d.id in seen_deals:
            out.append(CrossProblem((*base, "id"), "duplicates an earlier deal id", d.id,
                                    earlier=("deals", seen_deals[d.id])))
        if d.id in kinds or d.id in BUILTIN_IDS:
            out.append(CrossProblem((*base, "id"), "is already a party id", d.id))
        seen_deals.setdefault(d.id, j)
        for field, target, allowed in deal_refs(d):
            if isinstance(d, CreditFacility) and field == "borrower" and kinds.get(target) == "cloud":
                # a facility's draws follow a lab's purchases and shortfalls; a cloud has
                # neither hook, and a lab of the right kind is no "did you mean" for a cloud
                out.append(CrossProblem((*base, "borrower"), "must name a party of kind lab, but "
                                        f"{target} is a cloud (a credit_facility is drawn by a lab; "
                                        "lend to a cloud with a loan deal)", target))
                continue
            ref((*base, *field.split(".")), target, allowed)
        out.extend(_check_registry_link(d, base))
        priced = isinstance(d, Equity) and d.pre_money_valuation is not None and (
            d.pre_money_valuation.support()[0] > 0)
        if isinstance(d, Equity | MilestoneEquity) and not priced:
            investee = next((p for p in sc.parties if p.id == d.investee), None)
            if isinstance(investee, Lab) and _fixed(investee.revenue.run_rate) == 0:
                # a lab is valued at its multiple times its run-rate, and revenue grows
                # multiplicatively: with none it never has a price, so the investor's money
                # would buy no shares (a milestone's later tranches take the then valuation)
                out.append(CrossProblem((*base, "investee"), "must be a lab with revenue "
                                        f"({d.investee}'s revenue.run_rate is 0: a lab is valued "
                                        "at valuation_multiple x run_rate, so its shares have no "
                                        "price and the investment would buy none; give it a "
                                        "small run_rate such as 0.01"
                                        + (", or the deal a pre_money_valuation)"
                                           if isinstance(d, Equity) else ")"), d.investee))
        if isinstance(d, CreditFacility) and d.vendor is None and (
                d.drawing.purchases.support()[1] > 0):
            out.append(CrossProblem((*base, "vendor"), "is required when drawing.purchases is "
                                    "above 0 (draws pay for this vendor's equipment)"))
        if isinstance(d, LoanGuarantee):
            out.extend(_check_guarantee(sc, d, base))
        q = sc.quarter_of(d.start)
        if d.start is not None and not 0 <= q < sc.horizon_quarters:
            out.append(CrossProblem((*base, "start"), outside, d.start))
        if isinstance(d, SpvLease):
            sources = [("amount", d.amount), ("debt.amount", d.debt.amount),
                       *((f"equity.{h}", v) for h, v in d.equity.items())]
            for where, number in sources:
                if number.is_uncertain:
                    out.append(CrossProblem((*base, *where.split(".")),
                                            "must be a fixed number: an SPV's equity and debt "
                                            "must pay for its purchase on every path",
                                            number.describe()))
            for hid in d.equity:
                ref((*base, "equity", hid), hid, ("investor", "vendor", "lender", "buyer"))
            parts = [_fixed(v) for v in d.equity.values()] + [_fixed(d.debt.amount)]
            total = _fixed(d.amount)
            if total is not None and all(v is not None for v in parts):
                got = sum(parts)  # type: ignore[arg-type]
                if abs(got - total) > 1e-9 * max(1.0, total):
                    # on the amount, the one number to change, with the sum as the hint; the
                    # rule ends in the sum alone, which experiments/ties.py strips when it
                    # quotes the rule
                    out.append(CrossProblem((*base, "amount"),
                                            f"must equal equity plus debt ({got:.10g})",
                                            int(total) if total.is_integer() else total,
                                            f"{got:.10g}"))
        if isinstance(d, Loan):
            if d.rate_type == "fixed" and d.rate is None:
                out.append(CrossProblem((*base, "rate"), "is required for a fixed-rate loan"))
            if d.rate_type == "floating" and d.spread is None:
                out.append(CrossProblem((*base, "spread"), "is required for a floating-rate loan"))
        if isinstance(d, VendorCredit):
            kinds_in = [m.kind for m in d.repayment]
            if len(set(kinds_in)) != len(kinds_in):
                out.append(CrossProblem((*base, "repayment"), "lists a means more than once",
                                        kinds_in))
        if isinstance(d, DeploymentWarrant):
            out.extend(_check_warrant(sc, d, base))
        if isinstance(d, CapacityBackstop) and sc.quarter_of(d.end) < max(q, 0):
            out.append(CrossProblem((*base, "end"), "must not fall before the deal's start",
                                    d.end))
        if isinstance(d, PurchaseCommitment):
            for k, item in enumerate(d.schedule):
                qk = sc.quarter_of(item.quarter)
                if not 0 <= qk < sc.horizon_quarters:
                    out.append(CrossProblem((*base, "schedule", k, "quarter"), outside,
                                            item.quarter))
                elif k and qk <= sc.quarter_of(d.schedule[k - 1].quarter):
                    # a schedule out of order is almost always a typo in a year
                    out.append(CrossProblem((*base, "schedule", k, "quarter"),
                                            "must come after the quarter before it, "
                                            f"{d.schedule[k - 1].quarter}", item.quarter))
    out.extend(curve_problems(sc))
    out.extend(_check_correlations(sc))
    for k, shock in enumerate(sc.shocks):
        if not 0 <= sc.quarter_of(shock.start) < sc.horizon_quarters:
            out.append(CrossProblem(("shocks", k, "start"), outside, shock.start))
        if isinstance(shock, PriceWar):
            ref(("shocks", k, "vendor"), shock.vendor, ("vendor",))
    if vendors == [] and any(isinstance(p, Lab | Buyer) for p in sc.parties):
        out.append(CrossProblem(("parties",), "need at least one vendor for labs to buy from"))
    if any(cp.rule == _DUPLICATE_PARTY for cp in out):
        # a party id given twice is most often a copied party not yet renamed, or a rename
        # that left the old id behind: its "names no party" lines follow from it and hide it
        out = [cp for cp in out if cp.rule != _NO_PARTY]
    return out


def _check_warrant(sc: Scenario, d: DeploymentWarrant,
                   base: tuple[str | int, ...]) -> list[CrossProblem]:
    """A warrant has tranches, an issuer with a share price, and an expiry in the horizon."""
    out: list[CrossProblem] = []
    if not d.tranches:
        out.append(CrossProblem((*base, "tranches"), "must list at least one tranche (a "
                                "deployment warrant vests in tranches)", []))
    issuer = next((p for p in sc.parties if p.id == d.issuer), None)
    if isinstance(issuer, Vendor) and issuer.financials is None:
        out.append(CrossProblem((*base, "issuer"), "must name a vendor with `financials` (its "
                                "share price decides the hurdles)", d.issuer))
    if d.expiry is not None and not 0 <= sc.quarter_of(d.expiry) < sc.horizon_quarters:
        out.append(CrossProblem((*base, "expiry"), within(sc), d.expiry))
    return out


def _check_registry_link(d: Any, base: tuple[str | int, ...]) -> list[CrossProblem]:
    """A deal's ``registry`` names a row of the bundled deal registry, and a hypothetical
    deal names none (no real deal stands behind it, so a link would pass it off as one)."""
    if d.registry is None:
        return []
    if d.status == "hypothetical":
        return [CrossProblem((*base, "registry"), "must be left out for a hypothetical deal "
                             "(status: hypothetical says no such deal is reported; link a real "
                             "deal with its own status)", d.registry)]
    from chipcredit.registry import registry_ids

    ids = registry_ids()
    if d.registry in ids:
        return []
    return [CrossProblem((*base, "registry"), "names no deal in the deal registry (see "
                         "`chipcredit deals`)", d.registry, did_you_mean(d.registry, ids))]


def _check_guarantee(sc: Scenario, d: LoanGuarantee,
                     base: tuple[str | int, ...]) -> list[CrossProblem]:
    """A guarantee names a loan or credit facility between the same two parties."""
    target = next((x for x in sc.deals if x.id == d.guarantees), None)
    if target is None:
        pool = [x.id for x in sc.deals if isinstance(x, Loan | CreditFacility)]
        return [CrossProblem((*base, "guarantees"), "names no deal in the scenario",
                             d.guarantees, did_you_mean(d.guarantees, pool))]
    if not isinstance(target, Loan | CreditFacility):
        return [CrossProblem((*base, "guarantees"), "must name a loan or credit_facility deal, "
                             f"but {d.guarantees} is {article(target.kind)} {target.kind}",
                             d.guarantees)]
    out = []
    for field in ("lender", "borrower"):
        if getattr(d, field) != getattr(target, field):
            out.append(CrossProblem((*base, field), f"must match the guaranteed deal's {field} "
                                    f"({getattr(target, field)})", getattr(d, field),
                                    getattr(target, field)))
    return out


def _check_correlations(sc: Scenario) -> list[CrossProblem]:
    """Correlated numbers exist, are uncertain, appear once per pair, and can coexist."""
    if not sc.correlations:
        return []
    from .paths import parameter_paths

    numbers = parameter_paths(sc)
    # the curve's points share one draw per path, so a correlation names the curve whole
    curve = sc.market.hardware.residual_value_by_age
    numbers[CURVE] = next((n for n in curve if n.is_uncertain), curve[0])
    out: list[CrossProblem] = []
    seen: set[frozenset[str]] = set()
    names: list[str] = []
    for k, pair in enumerate(sc.correlations):
        for side in ("a", "b"):
            path = getattr(pair, side)
            if point_of_curve(path):
                out.append(CrossProblem(("correlations", k, side), "names one point of the "
                                        "used-GPU value curve, whose points are drawn together "
                                        "from one draw per path: correlate the whole curve",
                                        path, CURVE))
            elif path not in numbers:
                out.append(CrossProblem(("correlations", k, side), "names no number in the "
                                        "scenario", path, did_you_mean(path, numbers)))
            elif not numbers[path].is_uncertain:
                out.append(CrossProblem(("correlations", k, side), "must name an uncertain "
                                        "number (a fixed one cannot be correlated)", path))
            elif path not in names:
                names.append(path)
        if pair.a == pair.b:
            out.append(CrossProblem(("correlations", k, "b"), "must differ from a", pair.b))
        key = frozenset((pair.a, pair.b))
        if key in seen:
            out.append(CrossProblem(("correlations", k), "repeats an earlier pair",
                                    f"{pair.a} ~ {pair.b}"))
        seen.add(key)
    if out:
        return out
    bad = offending_pair(names, correlation_matrix(names, sc.correlations))
    if bad is not None:
        k = next((i for i, p in enumerate(sc.correlations) if {p.a, p.b} == set(bad)), 0)
        out.append(CrossProblem(("correlations", k, "rho"), "must form a positive "
                                "semi-definite correlation matrix with the other correlations, "
                                f"and does not; the pair in most conflict is {bad[0]} ~ {bad[1]}",
                                sc.correlations[k].rho))
    return out
