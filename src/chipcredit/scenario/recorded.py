"""The quarterly variables a run records for each kind of party (phase 9, record;
`chipcredit.engine.sim.Sim._record`), named here, below the engine, so that a scenario's
`history` can be checked against them when it is loaded.
"""

from __future__ import annotations

__all__ = ["BUYER_VARIABLES", "CLOUD_VARIABLES", "FINANCIAL_VARIABLES", "LAB_VARIABLES",
           "SPENDING_VARIABLES", "VENDOR_VARIABLES"]

LAB_VARIABLES = ("revenue", "cash", "capacity", "valuation", "arrears")
"""Quarterly variables kept for labs: $B per quarter, $B, capacity units, $B, $B; a lab with
a spending rule adds `SPENDING_VARIABLES`."""
SPENDING_VARIABLES = ("spending_cut", "spending_deferred")
"""The spending rule's deferral (`engine.spending`): the share of the quarter's planned new
capacity deferred (0..1) and the compute spending deferred, $B per quarter at the all-in cost."""
VENDOR_VARIABLES = ("sales", "gross_profit", "share", "units", "market_share")
"""Quarterly variables kept for vendors: $B per quarter, $B per quarter, share of sales,
capacity units sold, share of the units every vendor sold; vendors with financials add
`FINANCIAL_VARIABLES`."""
FINANCIAL_VARIABLES = ("operating_profit", "equity_value", "share_price", "shares_outstanding",
                       "stakes_value")
"""$B per quarter, $B, $ per share, millions of shares, $B (stakes and loans marked)."""
BUYER_VARIABLES = ("capacity",)
CLOUD_VARIABLES = ("revenue", "cash", "capacity", "unsold", "spot_price")
"""Quarterly variables kept for clouds: $B per quarter, $B, capacity units, capacity units,
$B per unit-year."""
