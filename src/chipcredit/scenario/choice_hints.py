"""What a writer meant by a value that is none of a field's fixed choices, or a list written
as one word: the "did you mean" of `chipcredit.scenario.translation` where spelling alone
finds nothing.

- A choice named by its meaning (``at_end: buy``, ``rate_type: variable``) gets the choice of
  that meaning (`choice_meant`: ``purchase_option``; ``floating``).
- A choice the model does not have, which a near one would silently replace
  (``amortisation: straight_line``: equal principal, where ``amortising`` is a level
  payment), gets no suggestion but a sentence saying so (`choice_caveat`).
- A field named by a finance word for it (``interest_rate``, ``principal``) gets the field
  (`field_meant`: ``rate``, ``amount``).
- A list of ``kind:`` maps written as its kinds (``repayment: cash``) gets the list
  (`as_list_of_kinds`: ``[{kind: cash}]``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args, get_origin

from chipcredit.errors import did_you_mean

from .doc_types import kind_members
from .kind_hints import kind_meant

__all__ = ["CHOICE_CAVEATS", "CHOICE_MEANINGS", "FIELD_MEANINGS", "as_list_of_kinds",
           "choice_caveat", "choice_meant", "field_meant"]

CHOICE_MEANINGS = {
    # an SPV lease's at_end
    "buy": "purchase_option", "buyout": "purchase_option", "buy_out": "purchase_option",
    "keep": "purchase_option", "own": "purchase_option", "exercise": "purchase_option",
    "option": "purchase_option", "sale": "sell", "sold": "sell", "dispose": "sell",
    "liquidate": "sell", "return": "sell",
    # a loan's amortisation and rate_type
    "annuity": "amortising", "level": "amortising", "level_payment": "amortising",
    "interest_only": "bullet", "balloon": "bullet", "at_maturity": "bullet",
    "variable": "floating", "float": "floating", "sofr": "floating", "constant": "fixed",
    # a number's dist and basis
    "gaussian": "normal", "flat": "uniform", "sourced": "fact", "estimate": "assumed",
    "estimated": "assumed", "assumption": "assumed", "guess": "assumed",
    # a deal's status
    "rumoured": "announced", "rumored": "announced", "reported": "announced",
    "agreed": "signed", "closed": "executed", "done": "executed", "completed": "executed",
    "assumed": "hypothetical", "illustrative": "hypothetical", "what_if": "hypothetical",
}
"""A word for one of a field's fixed choices, to the choice it means (used where that choice
is the field's), as `kind_meant` has for kinds: ``at_end: buy`` means ``purchase_option``."""


_NO_STRAIGHT_LINE = (" (straight-line repayment, equal principal each quarter, is not supported: "
                     "amortising is a level (annuity) payment of interest and principal "
                     "together, bullet is interest only with the principal at maturity)")
CHOICE_CAVEATS = {
    # a loan's amortisation: straight-line is a third schedule, not a spelling of amortising
    "straight_line": ("amortising", _NO_STRAIGHT_LINE),
    "linear": ("amortising", _NO_STRAIGHT_LINE),
    "equal_principal": ("amortising", _NO_STRAIGHT_LINE),
}
"""A word for a choice the model does not have, to (a choice of the field it is checked
against, the sentence the rule ends with): the word would otherwise find that choice by
spelling or meaning, and a different schedule would run with no word said."""

FIELD_MEANINGS = {
    # a loan's, a vendor credit's or an SPV debt's fields, by the words of a term sheet
    "interest_rate": "rate", "interest": "rate", "coupon": "rate", "coupon_rate": "rate",
    "principal": "amount", "notional": "amount", "face_value": "amount", "loan_amount": "amount",
    "tenor": "term_years", "tenor_years": "term_years", "maturity_years": "term_years",
    "term": "term_years",
    # a purchase commitment's fee on capacity not taken
    "penalty": "shortfall_fee", "shortfall_penalty": "shortfall_fee",
    "take_or_pay_fee": "shortfall_fee",
}
"""A finance word for a field, to the field (used where that field is the map's), where
spelling finds nothing: ``principal`` means ``amount``."""


def _word(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def field_meant(key: object, names: list[str]) -> str | None:
    """The field of ``names`` that an unknown ``key`` most likely means: by meaning
    (`FIELD_MEANINGS`), where the field is one of ``names``, then by spelling. Meaning goes
    first: spelling alone takes a vendor credit's ``tenor`` for its ``vendor``."""
    meant = FIELD_MEANINGS.get(_word(key)) if isinstance(key, str) else None
    return meant if meant in names else did_you_mean(key, names)


def choice_caveat(word: object, options: list[str]) -> str:
    """The sentence a refused choice's rule ends with when ``word`` names a choice the model
    does not have (`CHOICE_CAVEATS`); empty otherwise."""
    if not isinstance(word, str):
        return ""
    near, caveat = CHOICE_CAVEATS.get(_word(word), ("", ""))
    return caveat if near in options else ""


def choice_meant(word: object, options: list[str]) -> str | None:
    """The choice of ``options`` that ``word`` most likely means: by spelling, then by
    meaning (`CHOICE_MEANINGS`, and the words of a kind, as `kind_meant` reads them)."""
    if choice_caveat(word, options):  # not a spelling of a choice: said in the rule
        return None
    spelt = did_you_mean(word, options)
    if spelt is not None or not isinstance(word, str):
        return spelt
    meant = CHOICE_MEANINGS.get(_word(word))
    return meant if meant in options else kind_meant(word, options)


def as_list_of_kinds(tp: Any, raw: object) -> str | None:
    """``raw`` written as the list a field of ``tp`` takes, where that is a list of maps
    told apart by ``kind:`` and ``raw`` names its kinds (``repayment: cash`` or ``revenue_share,
    cash``): ``[{kind: cash}]``, with ``..`` for the fields a kind needs; or is one such map
    (``repayment: {kind: cash}``), shown in a list. None otherwise."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) not in (list, tuple):
        return None
    members = kind_members(get_args(tp)[0])
    if isinstance(raw, dict) and isinstance(raw.get("kind"), str) and raw["kind"] in members:
        # one item, not in a list
        shown = "[{" + ", ".join(f"{k}: {v}" for k, v in raw.items()) + "}]"
        scalar = all(isinstance(v, str | int | float) for v in raw.values())
        return shown if scalar and len(shown) <= 60 else None
    if not isinstance(raw, str):
        return None
    words = [w for w in re.split(r"[\s,;+/]+", raw.strip()) if w and w not in ("and", "then")]
    items = []
    for word in words:
        kind = kind_meant(word, list(members), most=1)
        if kind is None:
            return None
        needed = [f.alias or n for n, f in members[kind].model_fields.items()
                  if n != "kind" and f.is_required()]
        items.append("{" + ", ".join([f"kind: {kind}", *(f"{n}: .." for n in needed)]) + "}")
    return f"[{', '.join(items)}]" if items else None
