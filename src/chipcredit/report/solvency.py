"""Which parties of a scenario can default, and what the report calls each kind of party.

A party can default when it pays from its own cash: a lab, or a cloud with
``balance_sheet: own`` (the default). A cloud with ``balance_sheet: funded`` (a hyperscaler
whose parent pays) never defaults, nor do vendors, buyers, investors and lenders, whose cash
is a net position (docs/scenario-reference.md, ``balance_sheet``). The engine draws the same
line when it opens the accounts (constrained against funded).

The report asks `can_default` wherever it shows a default probability or a default chart,
rather than testing ``kind == "lab"``, so that a CoreWeave-like cloud is shown and a funded
hyperscaler is not.

>>> [p.id for p in defaulting_parties(scenario)]                      # doctest: +SKIP
['openai', 'xai', 'coreweave']
"""

from __future__ import annotations

from typing import Any

from .i18n import Catalogue

__all__ = ["can_default", "defaulting_parties", "kind_label"]


def can_default(party: Any) -> bool:
    """Whether ``party`` (a scenario party) can default: a lab, or a cloud on its own balance
    sheet."""
    if party.kind == "lab":
        return True
    return party.kind == "cloud" and getattr(party, "balance_sheet", "own") == "own"


def defaulting_parties(scenario: Any) -> list[Any]:
    """The parties of ``scenario`` that can default, in the scenario's order."""
    return [p for p in scenario.parties if can_default(p)]


def kind_label(party: Any, cat: Catalogue) -> str:
    """The kind of ``party`` in the catalogue's language; a funded cloud (a hyperscaler's
    cloud, whose parent pays) is a ``hyperscale cloud``, not a neocloud."""
    if party.kind == "cloud" and not can_default(party):
        return cat.t("party_kind.cloud_funded")
    return cat.label("party_kind", party.kind)
