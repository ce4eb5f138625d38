"""``deployment_warrant`` on hand-computed deterministic paths.

The issuer's share price is held flat by its financials: no earnings multiple, no costs,
$300B of other value and 1,500M shares, so it closes every quarter at
1000 x 300 / 1500 = $200 a share until vested tranches dilute it, and opens at that price
too (before its first close: the same value over the same shares). The holder buys only
the issuer's GPUs for a training need of 0.5 GW that
doubles every year, so by the end of quarter ``q`` it has deployed 0.5 x 2^((q+1)/4) GW:
1 GW in quarter 3 (2026Q3), 3 GW in quarter 10 (2028Q2: 3.36 GW).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}
STRIKE = 0.01
VALUE, SHARES = 300.0, 1500.0
PRICE = 1000.0 * VALUE / SHARES  # $200


def world(tranches: list[dict[str, Any]], sale: str = "hold", expiry: str | None = None,
          choice: bool = False, horizon: int = 16, start: str | None = None) -> dict[str, Any]:
    warrant: dict[str, Any] = {"id": "w", "kind": "deployment_warrant", "issuer": "amd",
                               "holder": "lab", "strike": STRIKE, "tranches": tranches,
                               "sale": {"rule": sale}}
    if expiry is not None:
        warrant["expiry"] = expiry
    if start is not None:
        warrant["start"] = start
    amd = {"id": "amd", "kind": "vendor", "content_per_unit": 20.0, "gross_margin": 0.5,
           "financials": {"earnings_multiple": 0.0, "other_value": VALUE,
                          "shares_outstanding": SHARES, "sentiment_loading": 0.0}}
    nv = {"id": "nv", "kind": "vendor", "content_per_unit": 20.0, "gross_margin": 0.7}
    lab = {"id": "lab", "kind": "lab", "revenue": {"run_rate": 10.0, "growth": dict(FLAT)},
           "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.5,
                       "training_growth": {"from": 1.0, "to": 1.0, "half_life_years": 1.0}},
           "cash": 1e5, "procurement": {"amd": 1.0},
           "funding": {"valuation_multiple": 10.0, "success": {"base": 0.0}}}
    market: dict[str, Any] = {
        "ai_demand": {"volatility": 0.0, "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
        "hardware": {"all_in_cost_per_unit": 50.0, "residual_value_by_age": [1.0, 0.5],
                     "fire_sale_haircut": 0.3, "useful_life_years": 5}}
    if choice:
        market["choice"] = {"infrastructure_per_unit": 15.0, "price_sensitivity": 10.0}
        lab["ported"] = ["nv", "amd"]
    return {"name": "warrant", "start": "2025Q4", "horizon_quarters": horizon,
            "market": market, "parties": [nv, amd, lab], "deals": [warrant]}


def run(data: dict[str, Any]) -> cc.Result:
    # a warrant bought for a fraction of a cent has no IRR in the bracket: that summary
    # warning is expected here and says nothing about the vesting
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(cc.load_scenario(data), deterministic=True)
    assert res.max_abs_imbalance < 1e-6
    return res


def one(res: cc.Result, party: str, metric: str) -> float:
    return float(res.outcome("w", party, metric)[0])


def band(res: cc.Result, party: str, variable: str) -> np.ndarray:
    return np.asarray(res.bands(party, variable)["mean"].to_numpy())


def test_hurdle_not_met_never_vests() -> None:
    res = run(world([{"shares": 40.0, "deployed": 1.0, "hurdle": 250.0}]))
    assert one(res, "lab", "vested_shares") == 0.0
    assert one(res, "amd", "dilution_cost") == 0.0
    assert one(res, "lab", "warrant_value") == 0.0
    np.testing.assert_allclose(band(res, "amd", "share_price"), PRICE, rtol=1e-12)


def test_deployment_met_late_vests_then_and_dilutes() -> None:
    res = run(world([{"shares": 40.0, "deployed": 3.0, "hurdle": 100.0}]))
    vested = band(res, "w", "vested_shares")
    assert (vested[:10] == 0.0).all() and (vested[10:] == 40.0).all()  # 2028Q2
    assert one(res, "amd", "dilution_cost") == pytest.approx(40.0 * (PRICE - STRIKE) / 1000.0)
    # the issuer's price falls by the dilution: the same value over 1,540M shares
    diluted = 1000.0 * VALUE / (SHARES + 40.0)
    assert band(res, "amd", "share_price")[-1] == pytest.approx(diluted, rel=1e-12)
    assert band(res, "amd", "shares_outstanding")[-1] == SHARES + 40.0
    # held: marked at the horizon price, less the strike paid
    assert one(res, "lab", "warrant_value") == pytest.approx(
        40.0 * diluted / 1000.0 - 40.0 * STRIKE / 1000.0, rel=1e-12)
    assert one(res, "lab", "cash_out") == pytest.approx(40.0 * STRIKE / 1000.0, rel=1e-12)
    assert one(res, "amd", "cash_in") == pytest.approx(40.0 * STRIKE / 1000.0, rel=1e-12)


def test_expiry_before_the_deployment_lapses_the_tranche() -> None:
    res = run(world([{"shares": 40.0, "deployed": 3.0, "hurdle": 0.0}], expiry="2027Q4"))
    assert one(res, "lab", "vested_shares") == 0.0
    late = run(world([{"shares": 40.0, "deployed": 3.0, "hurdle": 0.0}], expiry="2028Q2"))
    assert one(late, "lab", "vested_shares") == 40.0  # vests in its last quarter


def test_dilution_by_the_first_tranche_can_keep_the_second_below_its_hurdle() -> None:
    tranches = [{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0},
                {"shares": 60.0, "deployed": 3.0, "hurdle": 195.0}]
    res = run(world(tranches))
    vested = band(res, "w", "vested_shares")
    assert vested[2] == 0.0 and vested[3] == 40.0  # 1 GW in 2026Q3, at $200
    assert vested[-1] == 40.0  # $194.81 after dilution < $195
    assert one(res, "amd", "dilution_cost") == pytest.approx(40.0 * (PRICE - STRIKE) / 1000.0)


def test_selling_on_vest_brings_the_proceeds_in_cash() -> None:
    res = run(world([{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0}], sale="on_vest"))
    flows = res.flows()
    sale = flows[flows["kind"] == "warrant_sale"]
    assert list(sale["quarter"]) == ["2026Q3"]
    assert list(sale["from"]) == ["market"] and list(sale["to"]) == ["lab"]
    assert float(sale["mean"].iloc[0]) == pytest.approx(40.0 * PRICE / 1000.0, rel=1e-12)
    assert one(res, "lab", "warrant_value") == pytest.approx(40.0 * (PRICE - STRIKE) / 1000.0)
    assert one(res, "lab", "mark") == 0.0


def test_the_pull_is_the_next_tranche_value_per_unit() -> None:
    tranches = [{"shares": 40.0, "deployed": 1.0, "hurdle": 400.0},
                {"shares": 60.0, "deployed": 3.0, "hurdle": 0.0}]
    res = run(world(tranches))
    pull = band(res, "w", "pull")  # as the holder sees it before each quarter's purchases
    # tranche 1 waits for 1 GW and a $400 price: 40 x 199.99 / 1000 x (200/400) / 1 GW,
    # from the first quarter on, at the opening price before the issuer's first close
    np.testing.assert_allclose(pull[:2], 40.0 * (PRICE - STRIKE) / 1000.0 * 0.5, rtol=1e-12)
    # past 1 GW (its hurdle unmet) tranche 2 pulls: 60 x 199.99 / 1000 / (3 - 1) GW
    assert pull[4] == pytest.approx(60.0 * (PRICE - STRIKE) / 1000.0 / 2.0, rel=1e-12)
    assert pull[-1] == 0.0  # tranche 2 vested; tranche 1 waits for its price only


def test_the_pull_moves_the_holders_vendor_choice() -> None:
    res = run(world([{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0}], choice=True,
                    horizon=3))
    share = band(res, "amd", "market_share")
    pull = 40.0 * (PRICE - STRIKE) / 1000.0  # per GW, against 20 + 15 = 35 for both
    w_nv = math.exp(-10.0 * (35.0 / (35.0 - pull) - 1.0))
    # the first quarter's choice too: the pull at the opening price (it was 0.5, equal
    # terms, while the price was 0 before the first close)
    np.testing.assert_allclose(share[:2], 1.0 / (1.0 + w_nv), rtol=1e-12)


def test_units_deployed_before_the_start_do_not_count() -> None:
    """From ``start: 2026Q3`` the warrant counts only the units bought from quarter 3 on:
    0.5 x 2^(3/4) = 0.8409 GW were deployed by the end of 2026Q2, so 1 GW more takes
    0.5 x 2^((q+1)/4) >= 1.8409, quarter 7 (2027Q3: 2.0 GW deployed in all), not
    quarter 3 as without a start (AMD-OpenAI: tranche 1 vests on MI450, from H2 2026)."""
    tranche = [{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0}]
    vested = band(run(world(tranche, start="2026Q3")), "w", "vested_shares")
    assert (vested[:7] == 0.0).all() and (vested[7:] == 40.0).all()
    unstarted = band(run(world(tranche)), "w", "vested_shares")
    assert unstarted[2] == 0.0 and unstarted[3] == 40.0


def test_the_pull_starts_with_the_warrant() -> None:
    """Before its start the warrant values no unit bought, so it does not pull the holder
    to the issuer: equal terms (20 + 15 = $35B a GW from each vendor) split the purchases
    evenly until 2026Q3; from then the first tranche pulls 40 x 199.99 / 1000 per GW, as in
    `test_the_pull_moves_the_holders_vendor_choice`."""
    res = run(world([{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0}], choice=True,
                    horizon=4, start="2026Q3"))
    pull = 40.0 * (PRICE - STRIKE) / 1000.0
    np.testing.assert_allclose(band(res, "w", "pull"), [0.0, 0.0, 0.0, pull], rtol=1e-12)
    w_nv = math.exp(-10.0 * (35.0 / (35.0 - pull) - 1.0))
    np.testing.assert_allclose(band(res, "amd", "market_share"),
                               [0.5, 0.5, 0.5, 1.0 / (1.0 + w_nv)], rtol=1e-12)


def test_a_warrant_without_tranches_is_refused_in_one_line() -> None:
    with pytest.raises(cc.ScenarioError) as err:
        cc.load_scenario(world([]))
    text = str(err.value)
    assert "tranche" in text and "\n" not in text


def test_the_worked_example_of_the_docstring() -> None:
    data = world([{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0},
                  {"shares": 60.0, "deployed": 3.0, "hurdle": 300.0},
                  {"shares": 60.0, "deployed": 6.0, "hurdle": 600.0}])
    data["parties"][1]["financials"]["other_value"] = 375.0  # $250 a share
    res = run(data)
    assert band(res, "w", "vested_shares")[3] == 40.0  # 2026Q3
    assert one(res, "amd", "dilution_cost") == pytest.approx(9.9996, abs=1e-12)
    assert one(res, "lab", "cash_out") == pytest.approx(0.0004, abs=1e-15)
    price = band(res, "amd", "share_price")
    assert price[3] == pytest.approx(243.51, abs=0.005)
    pull = band(res, "w", "pull")  # before each quarter's purchases, at the last close
    assert pull[3] == pytest.approx(40.0 * 249.99 / 1000.0, rel=1e-12)  # tranche 1 still waits
    assert pull[4] == pytest.approx(5.93, abs=0.005)  # then tranche 2, at the diluted price


def first_quarter_world(sale: str) -> dict[str, Any]:
    """The docs' worked example, but the holder deploys its 1 GW in the first quarter
    (2025Q4): a flat 1 GW training need, so it buys 1 GW then and nothing after."""
    data = world([{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0},
                  {"shares": 60.0, "deployed": 3.0, "hurdle": 300.0}], sale=sale)
    data["parties"][1]["financials"]["other_value"] = 375.0  # $250 a share
    data["parties"][2]["compute"] = {"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                                     "training_growth": dict(FLAT)}
    return data


def test_a_tranche_vesting_in_the_first_quarter_is_valued_at_the_opening_price() -> None:
    # Before its first close the issuer trades at its opening price, 1000 x 375 / 1500 =
    # $250 (it was $0). Tranche 1 (40M shares at 1 GW, no hurdle) vests in 2025Q4:
    #   dilution cost 40 x (250 - 0.01) / 1000 = 9.9996; the strike 40 x 0.01 / 1000 = 0.0004;
    #   the price then closes at 1000 x 375 / 1540 = 243.5065 (tranche 2's $300 hurdle unmet).
    # The pull the holder saw before its 2025Q4 purchases is tranche 1's:
    #   40 x 249.99 / 1000 x 1 / 1 GW = 9.9996 per GW; after it, tranche 2's at the closes'
    #   price: 60 x 243.4965 / 1000 x (243.5065 / 300) / 2 GW = 5.9293.
    res = run(first_quarter_world("hold"))
    assert band(res, "w", "vested_shares")[0] == 40.0
    assert one(res, "amd", "dilution_cost") == pytest.approx(9.9996, abs=1e-12)
    assert one(res, "lab", "cash_out") == pytest.approx(0.0004, abs=1e-15)
    diluted = 1000.0 * 375.0 / 1540.0
    assert band(res, "amd", "share_price")[0] == pytest.approx(diluted, rel=1e-12)
    pull = band(res, "w", "pull")
    assert pull[0] == pytest.approx(9.9996, abs=1e-12)
    assert pull[1] == pytest.approx(60.0 * (diluted - STRIKE) / 1000.0 * diluted / 300.0 / 2.0,
                                    rel=1e-12)
    assert pull[1] == pytest.approx(5.9293, abs=5e-5)
    # held: marked at the horizon price, less the strike
    assert one(res, "lab", "warrant_value") == pytest.approx(40.0 * diluted / 1000.0 - 0.0004,
                                                             rel=1e-12)


def test_a_first_quarter_tranche_sold_on_vest_brings_its_price_in_cash() -> None:
    # On-vest sale at the last price the holder's phase sees, the opening $250: 40 x 250 /
    # 1000 = $10B from `market` at the end of 2025Q4, less the 0.0004 strike: 9.9996 in.
    # At $0 it sold 40M shares for nothing and no `warrant_sale` line was written.
    res = run(first_quarter_world("on_vest"))
    flows = res.flows()
    sale = flows[flows["kind"] == "warrant_sale"]
    assert list(sale["quarter"]) == ["2025Q4"]
    assert float(sale["mean"].iloc[0]) == pytest.approx(10.0, abs=1e-12)
    assert one(res, "lab", "cash_in") == pytest.approx(9.9996, abs=1e-12)
    assert one(res, "amd", "dilution_cost") == pytest.approx(9.9996, abs=1e-12)
    assert one(res, "lab", "warrant_value") == pytest.approx(9.9996, abs=1e-12)


def test_the_opening_price_is_the_closes_rule_before_any_profit() -> None:
    # With an earnings multiple of 20 and $4B a year of costs, the opening price counts no
    # operating profit (none is known before the first quarter), only the other value:
    # 1000 x 375 / 1500 = $250, so a $250 hurdle is met in 2025Q4 and the dilution cost is
    # 40 x 249.99 / 1000 = 9.9996. The first close then counts the quarter's profit: 1 GW
    # sold at $20B with a 50% margin, less 4 / 4 of costs, is 9, or 36 a year, worth
    # 20 x 36 + 375 = 1,095 on 1,540M shares: $711.04.
    data = first_quarter_world("hold")
    data["deals"][0]["tranches"] = [{"shares": 40.0, "deployed": 1.0, "hurdle": 250.0}]
    data["parties"][1]["financials"].update({"earnings_multiple": 20.0,
                                             "operating_costs_per_year": 4.0})
    res = run(data)
    assert band(res, "w", "vested_shares")[0] == 40.0
    assert one(res, "amd", "dilution_cost") == pytest.approx(9.9996, abs=1e-12)
    assert band(res, "amd", "share_price")[0] == pytest.approx(1000.0 * 1095.0 / 1540.0,
                                                               rel=1e-12)
