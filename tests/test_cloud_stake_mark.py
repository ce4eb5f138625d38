"""A stake in a cloud is marked on the cloud's revenue alone (docs/model.md, Known
simplifications, "Equity is valued on revenue alone, not on cash"): a cloud that survives
with a pile of cash but earns nothing in the last quarter is marked at 0. This is why
Nvidia's stake in CoreWeave (seed-2025, deal nvidia-coreweave-2026) is marked at 0 on 16-19%
of the paths where CoreWeave survives (1,000 paths, seeds 7 and 1; 39-40% before spot
renewals were cut pro rata): its run-rate is 0 there (its last quarter's revenue x 4), not
its share of the company."""

from __future__ import annotations

from typing import Any

import pytest
from tests.deals._build import lab, scenario, simulate, vendor
from tests.test_capacity_backstop import cloud

import chipcredit as cc

FUNDING = {"buffer_quarters": 1.0, "round_quarters": 1.0, "valuation_multiple": 5.0,
           "success": {"base": 1.0}}
STAKE = {"id": "stake", "kind": "equity", "investor": "owner", "investee": "neo",
         "amount": 2.0, "pre_money_valuation": 20.0}


def _run(horizon: int) -> cc.Result:
    """The cloud of tests/test_capacity_backstop.py (2 GW rented to outside tenants at $13B
    per GW-year for one year, no lab renting) with $1,000B of cash, so that it never raises
    a round, and an owner's $2B for 2 / (20 / 1.0) = 0.1 new shares, 1/11 of the cloud."""
    parties: list[dict[str, Any]] = [vendor(), lab(), cloud(cash=1000.0, funding=FUNDING),
                                     {"id": "owner", "kind": "investor"}]
    return simulate(cc.load_scenario(scenario(parties, [STAKE], horizon=horizon)),
                    deterministic=True)


def _outcome(res: cc.Result, party: str, metric: str) -> float:
    return float(res.outcome("stake", party, metric)[0])


def test_a_stake_in_a_cloud_is_marked_at_its_revenue_multiple() -> None:
    """At a 4-quarter horizon the contract still pays 2 x 13 / 4 = $6.5B in the last
    quarter: a run-rate of $26B a year, a $130B valuation at 5x, and the owner's 1/11 is
    marked at 130 / 11 = $11.82B."""
    res = _run(horizon=4)
    assert res.default_probability("neo") == 0.0
    assert _outcome(res, "owner", "mark") == pytest.approx(130.0 / 11.0, rel=1e-9)


def test_a_surviving_cloud_without_revenue_is_marked_at_zero_whatever_its_cash() -> None:
    """At 8 quarters the one-year contract has ended and no lab rents: the cloud is alive
    with 1000 + 2 (the stake) - 70 (the 2 GW at $35B) + 4 x 6.5 of rent = $958B of cash
    (power is free here) and has raised no round, so the stake is still 1/11; but its last
    quarter's revenue, and so its run-rate and valuation, are 0: the stake is marked at 0,
    a MOIC of 0x and a loss of the whole $2B."""
    res = _run(horizon=8)
    assert float(res.outcome(None, "neo", "default_quarter")[0]) == -1.0  # never defaulted
    assert res.bands("neo", "cash")["mean"].to_numpy()[-1] == pytest.approx(958.0, rel=1e-12)
    flows = res.flows()
    assert not (flows["kind"] == "equity_round").any()  # not diluted
    assert _outcome(res, "owner", "mark") == 0.0
    assert _outcome(res, "owner", "moic") == 0.0
    assert _outcome(res, "owner", "loss") == pytest.approx(2.0, rel=1e-12)
