"""The dashboard's tabs, in order (`TABS`). Each tab is drawn by one module's ``draw(T,
current, choice)``, given the words, the run on show and the sidebar's choice: ``overview``,
``flows``, ``labs``, ``deals``, ``market``, ``sensitivity``, ``comparison`` (the Compare tab)
and ``registry``. The other modules are parts of a tab, which they draw nothing without:
of the overview, ``headline`` (its KPIs), ``credit_tables`` (the report's credit section),
``deal_table``, ``party_table``, ``vendor_table`` and ``history_table`` (its tables and
their notes), and ``shares`` (how probabilities and shares of paths read, and the mark of a
statistic over only some paths, which the tables share); of the market tab,
``vendor_financials`` (the vendors' equity, share price, stakes and operating profit) and
``default_exposure`` (their revenue where a buyer defaults and where it does not)."""

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
