"""What a writer meant by a value that is none of a field's fixed choices, or a list written
as one word: the "did you mean" of `chipcredit.scenario.translation` where spelling alone
finds nothing.

- A choice named by its meaning (``at_end: buy``, ``rate_type: variable``) gets the choice of
  that meaning (`choice_meant`: ``purchase_option``; ``floating``).
- A list of ``kind:`` maps written as its kinds (``repayment: cash``) gets the list
  (`as_list_of_kinds`: ``[{kind: cash}]``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args, get_origin

from chipcredit.errors import did_you_mean

from .doc_types import kind_members
from .kind_hints import kind_meant

__all__ = ["CHOICE_MEANINGS", "as_list_of_kinds", "choice_meant"]

CHOICE_MEANINGS = {
    # an SPV lease's at_end
    "buy": "purchase_option", "buyout": "purchase_option", "buy_out": "purchase_option",
    "keep": "purchase_option", "own": "purchase_option", "exercise": "purchase_option",
    "option": "purchase_option", "sale": "sell", "sold": "sell", "dispose": "sell",
    "liquidate": "sell", "return": "sell",
    # a loan's amortisation and rate_type
    "linear": "amortising", "straight_line": "amortising", "annuity": "amortising",
    "balloon": "bullet", "at_maturity": "bullet", "variable": "floating", "float": "floating",
    "sofr": "floating", "constant": "fixed",
    # a number's dist and basis
    "gaussian": "normal", "flat": "uniform", "sourced": "fact", "estimate": "assumed",
    "estimated": "assumed", "assumption": "assumed", "guess": "assumed",
    # a deal's status
    "rumoured": "announced", "rumored": "announced", "reported": "announced",
    "agreed": "signed", "closed": "executed", "done": "executed", "completed": "executed",
}
"""A word for one of a field's fixed choices, to the choice it means (used where that choice
is the field's), as `kind_meant` has for kinds: ``at_end: buy`` means ``purchase_option``."""


def choice_meant(word: object, options: list[str]) -> str | None:
    """The choice of ``options`` that ``word`` most likely means: by spelling, then by
    meaning (`CHOICE_MEANINGS`, and the words of a kind, as `kind_meant` reads them)."""
    spelt = did_you_mean(word, options)
    if spelt is not None or not isinstance(word, str):
        return spelt
    meant = CHOICE_MEANINGS.get(re.sub(r"[\s-]+", "_", word.strip().lower()))
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
