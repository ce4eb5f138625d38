"""Families of transfer kinds and their fixed colours, shared by every chart.

The engine writes about thirty kinds of transfer (``sale``, ``loan_draw``, ``cloud_rent``,
...). Ten colours cannot tell thirty kinds apart, and colours handed out in order of first
appearance mean a different thing in each chart and each run. So each kind belongs to one of
a few families (`KIND_FAMILY`), and each family has one colour (`FAMILIES`), the same in
every chart, every language and every run; red (`theme.SELF_FUNDED`) is kept for money a
vendor receives that it had itself put into the payer.

`DEAL_KINDS` are the kinds that only deals create (a warrant's exercise and sale, an equity
tranche, a conversion, ...): a Sankey draws them whatever their size, since they are the
loop the chart is about.

A kind missing from `KIND_FAMILY` is drawn in the ``other`` family's colour (a chart never
fails on a new kind); tests/test_chart_kinds.py fails until the new kind is given a family.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["DEAL_KINDS", "FAMILIES", "KIND_FAMILY", "families_in", "family_of", "kind_colour"]

FAMILIES: dict[str, str] = {
    "funding": "#0072B2",       # blue: money put in (equity, loans, credit drawn)
    "purchases": "#E69F00",     # orange: chips and capacity bought
    "revenue": "#999933",       # olive: revenue from the outside world
    "debt_service": "#44AA99",  # teal: debt service, repayments, payouts
    "rent": "#CC79A7",          # pink: lease and cloud rent
    "costs": "#8C8C8C",         # grey: costs paid out
    "recoveries": "#8C564B",    # brown: defaults, collateral and recoveries
    "warrants": "#6A3D9A",      # purple: warrants and conversions to equity
    "other": "#2F3B45",         # near-black: opening cash and the rest
}
"""Family to colour, in the legend's order: Okabe–Ito and Tol colours (seen apart with
colour-blindness), none of them the self-funded red, none two alike at a band's opacity."""

KIND_FAMILY: dict[str, str] = {
    # funding in
    "equity": "funding", "equity_round": "funding", "spv_equity": "funding",
    "loan_draw": "funding", "credit_draw": "funding", "tranche": "funding",
    # purchases
    "sale": "purchases", "backstop": "purchases", "take_or_pay": "purchases",
    "purchase_option": "purchases",
    # revenue
    "revenue": "revenue",
    # debt service, repayments and payouts
    "debt_service": "debt_service", "debt_prepayment": "debt_service",
    "credit_repayment": "debt_service", "guarantee_payment": "debt_service",
    "cash_sweep": "debt_service", "distribution": "debt_service",
    # rent
    "rent": "rent", "cloud_rent": "rent",
    # costs
    "cost_of_goods": "costs", "operating_costs": "costs", "infrastructure": "costs",
    "porting": "costs",
    "opex": "costs",  # the name of the opex claim, always settled as operating_costs
    # defaults and recoveries
    "collateral_sale": "recoveries", "secured_recovery": "recoveries",
    "unsecured_recovery": "recoveries", "liquidation": "recoveries", "recovery": "recoveries",
    "residual_sale": "recoveries",
    # warrants and conversions
    "warrant_exercise": "warrants", "warrant_sale": "warrants",
    "conversion_equity": "warrants", "conversion_repayment": "warrants",
    # the rest
    "opening_balance": "other", "operating_cash": "other", "backstop_paid": "other",
}
"""Every transfer kind the engine and the deals write, to its family (a key of `FAMILIES`)."""

DEAL_KINDS = frozenset({
    "spv_equity", "credit_draw", "tranche", "equity", "backstop", "take_or_pay",
    "purchase_option", "credit_repayment", "guarantee_payment", "distribution",
    "warrant_exercise", "warrant_sale", "conversion_equity", "conversion_repayment",
    "residual_sale", "debt_prepayment", "loan_draw", "rent", "debt_service", "collateral_sale",
})
"""Kinds that deals (src/chipcredit/deals/) write: a Sankey never leaves them out as
too small, even when they come from or go to the outside world (AMD's warrant shares sold
on the market are the vendor's side of the loop)."""


def family_of(kind: str) -> str:
    """The family of a transfer kind (``other`` for a kind not in `KIND_FAMILY`)."""
    return KIND_FAMILY.get(kind, "other")


def kind_colour(kind: str) -> str:
    """The fixed ``#RRGGBB`` colour of a transfer kind: its family's."""
    return FAMILIES[family_of(kind)]


def families_in(kinds: Iterable[str]) -> list[str]:
    """The families of ``kinds``, once each, in the legend's order (`FAMILIES`)."""
    present = {family_of(k) for k in kinds}
    return [f for f in FAMILIES if f in present]
