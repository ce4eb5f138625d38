"""Which parties of a scenario can default, and what the report calls each kind of party.

A party can default when it pays from its own cash (the scenario model's ``can_default``:
a lab, or a cloud with ``balance_sheet: own``). A cloud with ``balance_sheet: funded`` (a
hyperscaler whose parent pays) never defaults, nor do vendors, buyers, investors and
lenders, whose cash is a net position (docs/scenario-reference.md, ``balance_sheet``). The
report shows a default probability or a default chart for those parties only, rather than
testing ``kind == "lab"``, so that a CoreWeave-like cloud is shown and a funded hyperscaler
is not.

>>> [p.id for p in defaulting_parties(scenario)]                      # doctest: +SKIP
['openai', 'xai', 'coreweave']
"""

from __future__ import annotations

from typing import Any

from .i18n import Catalogue

__all__ = ["defaulting_parties", "kind_label"]


def defaulting_parties(scenario: Any) -> list[Any]:
    """The parties of ``scenario`` that can default, in the scenario's order."""
    return [p for p in scenario.parties if p.can_default]


def kind_label(party: Any, cat: Catalogue) -> str:
    """The kind of ``party`` in the catalogue's language; a funded cloud (a hyperscaler's
    cloud, whose parent pays) is a ``hyperscale cloud``, not a neocloud. A party with a
    ``role`` is called that, in the scenario's own words (``telecom carrier``)."""
    if getattr(party, "role", None):
        return str(party.role)
    if party.kind == "cloud" and not party.can_default:
        return cat.t("party_kind.cloud_funded")
    return cat.label("party_kind", party.kind)
