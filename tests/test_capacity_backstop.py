"""``capacity_backstop``: the vendor pays exactly for the cloud's unsold capacity, up to its
cap, until its end quarter (hand values on the deterministic base case)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.deals._build import FLAT, lab, scenario, vendor

import chipcredit as cc

PRICE = 12.0  # $B per GW-year the backstop pays
SPOT = 13.0  # $B per GW-year, the cloud's spot price at no oversupply


def cloud(**extra: Any) -> dict[str, Any]:
    """A cloud that builds 2 GW for outside tenants for one year, and 0.5 GW more for a
    lab's spot demand; from the fifth quarter 2 GW stand unsold."""
    spec: dict[str, Any] = {
        "id": "neo", "kind": "cloud", "cash": 100.0, "procurement": {"nvidia": 1.0},
        "contracts": [{"tenant": "customers", "capacity": 2.0, "price_per_unit_year": 13.0,
                       "term_years": 1}],
        "spot": {"price_per_unit_year": SPOT, "oversupply_elasticity": 1.0, "floor": 0.1},
    }
    spec.update(extra)
    return spec


def renter() -> dict[str, Any]:
    """A lab that needs 0.5 GW every quarter and rents all of it from the cloud."""
    return lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 0.5,
                        "training_growth": dict(FLAT)}, renting={"neo": 1.0})


def backstop(cap: float = 6.3, end: str = "2027Q3", **extra: Any) -> dict[str, Any]:
    return {"id": "bs", "kind": "capacity_backstop", "vendor": "nvidia", "cloud": "neo",
            "cap": cap, "end": end, "price_per_unit_year": PRICE, **extra}


def run(deals: list[dict[str, Any]], horizon: int = 8) -> cc.Result:
    data = scenario([vendor(), renter(), cloud()], deals, horizon=horizon)
    return cc.simulate(cc.load_scenario(data), deterministic=True)


def test_backstop_pays_the_unsold_capacity_up_to_the_cap() -> None:
    res = run([backstop()])
    paid = res.bands("bs", "backstop_paid")["mean"].to_numpy()
    # quarters 0-3: 2 GW contracted + 0.5 GW rented of 2.5 GW, nothing unsold; quarter 4:
    # 2 GW unsold x 12 / 4 = 6.0; quarter 5: the 0.3 left of the 6.3 cap; then nothing
    np.testing.assert_allclose(paid, [0, 0, 0, 0, 6.0, 0.3, 0, 0], atol=1e-12)
    unsold = res.bands("neo", "unsold")["mean"].to_numpy()
    np.testing.assert_allclose(unsold, [0, 0, 0, 0, 2.0, 2.0, 2.0, 2.0], atol=1e-12)
    flows = res.flows()
    got = flows[(flows["from"] == "nvidia") & (flows["kind"] == "backstop")]
    assert set(got["to"]) == {"neo"}
    assert got["mean"].sum() == pytest.approx(6.3)
    # the vendor's deal metrics count what it paid
    assert float(res.outcome("bs", "nvidia", "cash_out")[0]) == pytest.approx(6.3)
    assert float(res.outcome("bs", "neo", "cash_in")[0]) == pytest.approx(6.3)


def test_backstop_stops_at_its_end_quarter_and_below_the_cap() -> None:
    res = run([backstop(cap=100.0, end="2026Q4")])  # quarters 0-4
    paid = res.bands("bs", "backstop_paid")["mean"].to_numpy()
    np.testing.assert_allclose(paid, [0, 0, 0, 0, 6.0, 0, 0, 0], atol=1e-12)


def test_backstop_at_the_spot_price_and_its_hold_on_the_spot_price() -> None:
    """Without a price of its own the backstop pays the spot price. The capacity it pays for
    does not count as idle in the next quarter's spot price; what it does not cover does."""
    spec = backstop(cap=7.0)
    del spec["price_per_unit_year"]
    res = run([spec])
    paid = res.bands("bs", "backstop_paid")["mean"].to_numpy()
    # quarter 4: 2 GW x 13 / 4 = 6.5; quarter 5: the 0.5 left (0.5 / 3.25 = 0.1538 GW)
    np.testing.assert_allclose(paid, [0, 0, 0, 0, 6.5, 0.5, 0, 0], atol=1e-12)
    spot = res.bands("neo", "spot_price")["mean"].to_numpy()
    covered = 0.5 / (SPOT / 4)
    expected = [SPOT] * 6 + [SPOT * (1 - (2.0 - covered) / 2.5), SPOT * (1 - 2.0 / 2.5)]
    np.testing.assert_allclose(spot, expected, rtol=1e-12)


def test_no_backstop_when_the_deal_does_not_close() -> None:
    res = run([backstop(close_probability=0.2)])
    np.testing.assert_allclose(res.bands("bs", "backstop_paid")["mean"], 0.0)
