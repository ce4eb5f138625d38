"""The one rule for how the dashboard names a party: `party_name`.

Every tab, table, chart label, KPI and slider goes through it, so a party reads the same
everywhere (deals are shown by their id, which the scenario's author chose to be read).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chipcredit.report.i18n import Catalogue

__all__ = ["PROPER_NAMES", "party_name"]

PROPER_NAMES = {"amd": "AMD", "apollo": "Apollo", "coreweave": "CoreWeave", "idt": "IDT",
                "lambda": "Lambda", "meta": "Meta", "microsoft": "Microsoft", "nebius": "Nebius",
                "nscale": "Nscale", "nvidia": "Nvidia", "openai": "OpenAI", "spacex": "SpaceX",
                "sprint-pcs": "Sprint PCS", "telecorp": "Telecorp", "valor": "Valor",
                "winstar": "Winstar", "xai": "xAI"}
"""Registry parties (``chipcredit deals``) whose name reads the same in English and Chinese,
as the scenarios write them; the other registry parties are translated in the catalogue's
``registry_party`` group."""


def party_name(ident: str, parties: Iterable[Any] = (), T: Catalogue | None = None, *,
               short: bool = False) -> str:
    """The name the page shows for party ``ident``.

    Parameters
    ----------
    ident : a party id (``xai-bondholders``), of a scenario or of the deal registry
    parties : the scenario's parties (objects with ``id`` and ``name``), if any
    T : the page's catalogue, for registry parties and the built-in accounts
    short : cut a trailing parenthesis, so that a label fits
        (``Microsoft (as OpenAI shareholder)`` -> ``Microsoft``); tables and tooltips use
        the full name

    Returns
    -------
    The scenario's name for the party (its id where it has none); else the catalogue's
    ``registry_party`` entry, a proper name (`PROPER_NAMES`) or the catalogue's ``party``
    label (``customers``); else the id itself.
    """
    name = next((str(p.name or p.id) for p in parties if p.id == ident), None)
    if name is None:
        if T is not None and T.has(f"registry_party.{ident}"):
            name = T.t(f"registry_party.{ident}")
        elif ident in PROPER_NAMES:
            name = PROPER_NAMES[ident]
        else:
            name = T.label("party", ident) if T is not None else ident
    if short:
        head = name.split(" (", 1)[0].strip()
        return head or name
    return name
