"""Phase 9, record: the quarterly variables the engine keeps (`Sim._record`), per party and
deal, as ``{variable: value}`` for one path and quarter. Money in $B (flows per quarter),
capacity in the scenario's unit, prices in $ per share, shares in millions."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .clouds import Cloud
    from .labs import Lab
    from .vendors import Buyer, Vendor
    from .world import World

__all__ = ["buyer_values", "cloud_values", "lab_values", "vendor_values"]


def lab_values(world: World, lab: Lab) -> dict[str, float]:
    out = {"revenue": lab.revenue, "cash": lab.cash(world) if lab.alive else 0.0,
           "capacity": lab.installed(), "valuation": lab.valuation(world),
           "arrears": lab.arrears()}
    if lab.spending is not None:  # the share of the planned new capacity deferred, and $B
        out.update(spending_cut=lab.deferred_share, spending_deferred=lab.deferred)
    return out


def vendor_values(world: World, vendor: Vendor, origin: int) -> dict[str, float]:
    own = world.books.self_funded_sales[origin]
    # no vendor sold this quarter: no shares (NaN, not 0)
    sold = sum(v.sales for v in world.vendors.values()) > 0
    shipped = sum(v.units for v in world.vendors.values()) > 0
    out = {"sales": vendor.sales, "gross_profit": vendor.sales * vendor.margin,
           "share": vendor.share if sold else math.nan,
           "self_funded_share": own / vendor.sales if vendor.sales > 0 else math.nan,
           "units": vendor.units, "market_share": vendor.market_share if shipped else math.nan}
    f = vendor.financials
    if f is not None:
        out.update({"operating_profit": f.operating_profit, "equity_value": f.equity_value,
                    "share_price": f.price, "shares_outstanding": f.shares,
                    "stakes_value": f.stakes})
    return out


def buyer_values(buyer: Buyer) -> dict[str, float]:
    return {"capacity": buyer.fleet.installed()}


def cloud_values(world: World, cloud: Cloud) -> dict[str, float]:
    return {"revenue": cloud.revenue, "cash": cloud.cash(world) if cloud.alive else 0.0,
            "capacity": cloud.fleet.installed(), "unsold": cloud.unsold,
            "spot_price": cloud.spot_price_q * 4.0}
