"""The dashboard's tabs, in order: each module draws one, given the words, the run on show
and the sidebar's choice (``draw(T, current, choice)``)."""

from __future__ import annotations

from collections.abc import Callable

from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue

from . import comparison, deals, flows, labs, market, overview, registry, sensitivity

__all__ = ["TABS", "Draw"]

Draw = Callable[[Catalogue, Current, Choice], None]

TABS: tuple[tuple[str, Draw], ...] = (
    ("overview", overview.draw),
    ("flows", flows.draw),
    ("labs", labs.draw),
    ("deals", deals.draw),
    ("market", market.draw),
    ("sensitivity", sensitivity.draw),
    ("compare", comparison.draw),
    ("registry", registry.draw),
)
"""(catalogue name under ``dashboard.tab.``, drawing function)."""
