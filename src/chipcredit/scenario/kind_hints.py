"""What a writer meant by a ``kind:`` or a deal field that is not this kind's: the "did you
mean" of `chipcredit.scenario.translation` where spelling alone finds nothing.

- A kind named by its meaning, not its spelling (``kind: investment``, ``kind: vendor_loan``)
  gets the kinds of that meaning (`kind_meant`: ``equity``; ``vendor_credit or loan``).
- A deal field that names a party in a role this kind has under another name (``lender: xai``
  in a vendor credit, whose lender is its ``vendor`` and whose lab is its ``borrower``) gets
  the field of this kind that takes a party of that kind and is not yet given
  (`role_meant`: ``borrower: xai``), rather than another kind.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any, get_args

from chipcredit.errors import did_you_mean

from .deals import Deal, SpvLease
from .yamlnodes import DocPath, node_at

__all__ = ["deal_roles", "kind_meant", "party_kinds", "role_at", "role_meant"]

_MEANINGS = {
    # deals
    "investment": "equity", "invest": "equity", "stake": "equity", "shares": "equity",
    "round": "equity", "funding": "equity", "milestone": "milestone_equity",
    "loi": "milestone_equity", "lease": "spv_lease", "spv": "spv_lease", "leasing": "spv_lease",
    "financing": "vendor_credit", "chips_on_credit": "vendor_credit",
    "trade_credit": "vendor_credit", "debt": "loan", "bond": "loan", "bonds": "loan",
    "note": "loan", "notes": "loan", "term_loan": "loan", "take_or_pay": "purchase_commitment",
    "offtake": "purchase_commitment", "purchase": "purchase_commitment",
    "commitment": "purchase_commitment", "facility": "credit_facility",
    "revolver": "credit_facility", "credit_line": "credit_facility",
    "line_of_credit": "credit_facility", "guarantee": "loan_guarantee",
    "warrant": "deployment_warrant", "warrants": "deployment_warrant",
    "options": "deployment_warrant", "backstop": "capacity_backstop",
    # parties
    "chipmaker": "vendor", "supplier": "vendor", "developer": "lab", "ai_lab": "lab",
    "startup": "lab", "bank": "lender", "creditor": "lender", "fund": "investor", "vc": "investor",
    "hyperscaler": "buyer", "neocloud": "cloud",
}
"""A word for a kind, to the kind it means (used where that kind is among the choices)."""


def kind_meant(word: object, tags: Sequence[str], most: int = 2) -> str | None:
    """The kinds of ``tags`` that ``word`` most likely means, ``A`` or ``A or B``: its
    spelling first (``equty``: ``equity``), then its meaning as a whole (``investment``:
    ``equity``), then each of its words (``vendor_loan``: the kinds with ``vendor`` in their
    name, then with ``loan``). None when nothing fits.

    >>> kinds = ["loan", "equity", "vendor_credit", "loan_guarantee"]
    >>> kind_meant("vendor_loan", kinds), kind_meant("investment", kinds)
    ('vendor_credit or loan', 'equity')
    """
    if not isinstance(word, str):
        return None
    spelt = did_you_mean(word, tags)
    if spelt is not None:
        return spelt
    norm = re.sub(r"[\s-]+", "_", word.strip().lower())
    found: list[str] = []
    for part in (norm, *norm.split("_")):
        for tag in ([_MEANINGS[part]] if part in _MEANINGS else []) + [
                t for t in tags if part and part != norm and part in t.split("_")]:
            if tag in tags and tag not in found:
                found.append(tag)
    return " or ".join(found[:most]) or None


def role_meant(kind: str, field: str, node: Mapping[str, Any], party_kinds: Mapping[str, str]
               ) -> str | None:
    """``FIELD: ID`` to write instead of ``field: ID`` in a deal of ``kind``: the field of
    that kind that names a party, is not given in the deal's map ``node``, and takes a party
    of the kind ``party_kinds`` gives the party ``field`` names (any such field when the
    party is not declared, provided there is one). None when ``field`` names no party or no
    field of this kind fits."""
    value = node.get(field)
    roles = deal_roles().get(kind)
    if not isinstance(value, str) or roles is None:
        return None
    free = [(name, allowed) for name, allowed in roles.items()
            if "." not in name and name not in node]
    party_kind = party_kinds.get(value)
    fits = [name for name, allowed in free if party_kind is None or party_kind in allowed]
    if party_kind is None and len(fits) != 1:
        return None
    return f"{fits[0]}: {value}" if fits else None


def party_kinds(data: Any) -> dict[str, str]:
    """Id to kind of each party the document declares (as written; unchecked)."""
    parties = data.get("parties") if isinstance(data, dict) else None
    return {p["id"]: p["kind"] for p in parties if isinstance(p, dict)
            and isinstance(p.get("id"), str) and isinstance(p.get("kind"), str)} \
        if isinstance(parties, list) else {}


def role_at(path: DocPath, data: Any) -> str | None:
    """`role_meant` for the field at ``path`` (``deals[i].FIELD``) of the document ``data``;
    None for any other path."""
    if len(path) != 3 or path[0] != "deals" or not isinstance(path[2], str):
        return None
    node = node_at(data, path[:-1])
    kind = node.get("kind") if isinstance(node, dict) else None
    if not isinstance(kind, str) or not isinstance(node, dict):
        return None
    return role_meant(kind, path[2], node, party_kinds(data))


@functools.cache
def deal_roles() -> dict[str, dict[str, tuple[str, ...]]]:
    """Deal kind to each field that names a party (``debt.lender`` for an SPV's lender) and
    the party kinds it takes, as `chipcredit.scenario.cross_rules.cross_check` checks them:
    read off its `deal_refs` for a sketch of each kind whose every field holds its own name."""
    # here, not at the top: the cross rules import the shocks, which import the translation
    # that imports this module
    from .cross_rules import deal_refs

    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for model in get_args(get_args(Deal)[0]):
        fields: dict[str, Any] = {n: n for n in model.model_fields if n != "kind"}
        if model is SpvLease:
            fields["debt"] = SimpleNamespace(lender="debt.lender")
        (kind,) = get_args(model.model_fields["kind"].annotation)
        out[str(kind)] = {field: allowed for field, _, allowed in deal_refs(model.model_construct(**fields))}
    return out
