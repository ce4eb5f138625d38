"""The ``cloud`` party kind: spot and contract rentals to labs, and a default settled by
seniority (hand values on the deterministic base case)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.deals._build import FLAT, lab, scenario, simulate, vendor
from tests.test_capacity_backstop import SPOT, cloud, renter

import chipcredit as cc


def run(parties: list[dict[str, Any]], horizon: int = 8) -> cc.Result:
    return simulate(cc.load_scenario(scenario(parties, [], horizon=horizon)), deterministic=True)


def _flow(res: cc.Result, src: str, dst: str, kind: str) -> np.ndarray:
    """Mean flow per quarter ($B), zero where none."""
    flows = res.flows()
    rows = flows[(flows["from"] == src) & (flows["to"] == dst) & (flows["kind"] == kind)]
    by_q = dict(zip(rows["quarter"], rows["mean"], strict=True))
    return np.array([by_q.get(q, 0.0) for q in res.quarter_labels()])


def test_a_lab_rents_at_the_spot_price_which_falls_with_oversupply() -> None:
    res = run([vendor(), renter(), cloud()])
    # 0.5 GW a quarter at SPOT x (1 - idle share last quarter) / 4; from quarter 5 the 2 GW
    # that outside tenants left stand idle out of 2.5 GW: a factor of 1 - 0.8
    price = np.array([SPOT] * 5 + [SPOT * 0.2] * 3)
    np.testing.assert_allclose(_flow(res, "xai", "neo", "cloud_rent"), 0.5 * price / 4, rtol=1e-12)
    np.testing.assert_allclose(res.bands("neo", "spot_price")["mean"], price, rtol=1e-12)
    # the lab buys nothing: the cloud built what it rents (2 GW contracted + 0.5 GW)
    assert _flow(res, "xai", "nvidia", "sale").sum() == 0.0
    np.testing.assert_allclose(_flow(res, "neo", "nvidia", "sale"), [2.5 * 35.0] + [0.0] * 7)
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"], 0.5)
    # outside tenants pay their contract for a year
    np.testing.assert_allclose(_flow(res, "customers", "neo", "cloud_rent"),
                               [2.0 * 13.0 / 4] * 4 + [0.0] * 4)


def test_a_lab_buys_what_no_cloud_can_rent_it() -> None:
    spec = cloud(spot={"price_per_unit_year": SPOT, "build": False})
    res = run([vendor(), renter(), spec], horizon=2)
    # fully contracted and not building for spot demand: the lab buys its 0.5 GW itself
    assert _flow(res, "xai", "neo", "cloud_rent").sum() == 0.0
    np.testing.assert_allclose(_flow(res, "xai", "nvidia", "sale"), [0.5 * 35.0, 0.0])


def test_a_contract_with_a_lab_is_its_capacity_and_a_claim_on_it() -> None:
    spec = cloud(contracts=[{"tenant": "xai", "capacity": 0.5, "price_per_unit_year": 10.0,
                             "start": "2026Q1", "term_years": 1}])
    tenant = lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 0.0,
                          "training_growth": dict(FLAT)})
    res = run([vendor(), tenant, spec], horizon=6)
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"], [0, 0.5, 0.5, 0.5, 0.5, 0])
    np.testing.assert_allclose(_flow(res, "xai", "neo", "cloud_rent"),
                               [0, 1.25, 1.25, 1.25, 1.25, 0], rtol=1e-12)


def test_a_cloud_default_is_settled_by_seniority() -> None:
    """The cloud builds 1 GW for a tenant that pays nothing: 50% from a senior tranche, 30%
    from a junior one, 20% ($7B) from its $10B of cash. The $3B left (power costs nothing
    here) is short of the senior payment of 17.5 x (0.1/4 + 1/4) = $4.8125B: it defaults.
    The GPUs sell for 35 x (1 - 0.3) = $24.5B; the senior tranche takes all it is owed
    (17.5 + 0.4375 interest - 3 paid = $14.9375B), the junior tranche the $9.5625B left of
    its 10.5 + 0.315, and the shareholders nothing."""
    spec = cloud(cash=10.0,
                 contracts=[{"tenant": "customers", "capacity": 1.0, "price_per_unit_year": 0.0,
                             "term_years": 5}],
                 debt=[{"lender": "senior", "share": 0.5, "rate": 0.1, "term_years": 1},
                       {"lender": "junior", "share": 0.3, "rate": 0.12, "term_years": 2}],
                 equity={"holders": {"owner": 0.4}})
    parties = [vendor(), lab(), spec, {"id": "senior", "kind": "lender"},
               {"id": "junior", "kind": "lender"}, {"id": "owner", "kind": "investor"}]
    res = run(parties, horizon=3)
    assert res.default_probability("neo") == 1.0
    assert float(res.outcome(None, "neo", "default_quarter")[0]) == 0.0
    senior = _flow(res, "neo", "senior", "debt_service") + _flow(res, "neo", "senior", "recovery")
    junior = _flow(res, "neo", "junior", "debt_service") + _flow(res, "neo", "junior", "recovery")
    assert senior.sum() == pytest.approx(17.9375)  # paid in full, principal and interest
    assert junior.sum() == pytest.approx(24.5 - 14.9375)
    assert _flow(res, "neo", "owner", "liquidation").sum() == 0.0
    assert res.checks.worst() < 1e-9
    # the same estate with the tranches listed the other way round pays the junior first
    spec["debt"] = spec["debt"][::-1]
    res = run(parties, horizon=3)
    junior = _flow(res, "neo", "junior", "debt_service") + _flow(res, "neo", "junior", "recovery")
    assert junior.sum() > 10.5 * 0.99


# -- funding: equity rounds and a parent-funded balance sheet ---------------------------------
def _short_cloud(**extra: Any) -> dict[str, Any]:
    """A cloud with $10B that builds 1 GW ($35B) for a $4B-per-GW-year contract, 80% from a
    0%-rate tranche repaid a quarter of its balance each quarter: after the build it holds
    $3B, collects $1B of rent and owes 28 / 4 = $7B, so it is $3B short in its first quarter."""
    spec = cloud(cash=10.0,
                 contracts=[{"tenant": "customers", "capacity": 1.0, "price_per_unit_year": 4.0,
                             "term_years": 5}],
                 debt=[{"lender": "bank", "share": 0.8, "rate": 0.0, "term_years": 1}],
                 equity={"holders": {"owner": 0.4}})
    spec.update(extra)
    return spec


def _first_quarter(parties: list[dict[str, Any]],
                   deals: list[dict[str, Any]] | None = None) -> Any:
    """The cloud's state after the first quarter of the deterministic path."""
    from chipcredit.engine.draws import ChunkDraws
    from chipcredit.engine.sim import Sim

    sc = cc.load_scenario(scenario(parties, deals or [], horizon=4))
    sim = Sim(sc, ChunkDraws(seed=0, n_paths=1, first_block=0, last_block=1, deterministic=True))
    sim.step(0)
    (neo,) = sim.clouds
    return sim, neo


OTHERS = [{"id": "bank", "kind": "lender"}, {"id": "owner", "kind": "investor"}]
FUNDING = {"buffer_quarters": 1.0, "round_quarters": 1.0, "valuation_multiple": 5.0,
           "success": {"base": 1.0}}


def test_a_cloud_short_of_cash_raises_equity_and_survives() -> None:
    """Without funding it defaults on the $3B it cannot pay. With it, the quarter's burn is
    10 (cash at the start) + 28 (drawn) - 0 (left) = $38B: the burn counts the GPU purchase
    gross, the tranche's draw included (docs/model.md, Clouds), a mean of 38 over the one
    quarter seen; the round is max(1 x 38, 3 arrears + (1 x 38 - 0)) = $41B at 5 x (4 x $1B)
    = $20B pre-money over 1.0 shares: 2.05 new shares at $20B each. The owner's 40% becomes
    0.4 / 3.05 = 13.1%; the $3B of arrears is paid and $38B is left."""
    sim, neo = _first_quarter([vendor(), lab(), _short_cloud(), *OTHERS])
    assert not neo.alive[0]
    sim, neo = _first_quarter([vendor(), lab(), _short_cloud(funding=FUNDING), *OTHERS])
    assert neo.alive[0]
    assert neo.burn[-1, 0] == pytest.approx(38.0, rel=1e-12)  # 10 + the 28 drawn
    market, owner, founders = (sim.acct(a) for a in ("market", "owner", "founders"))
    assert neo.shares[(market, -1)][0] == pytest.approx(2.05, rel=1e-12)
    assert neo.price(sim)[0] == pytest.approx(20.0 / 3.05, rel=1e-12)
    total = neo.total_shares()[0]
    assert neo.shares[(owner, -1)][0] / total == pytest.approx(0.4 / 3.05, rel=1e-12)
    assert neo.shares[(founders, -1)][0] / total == pytest.approx(0.6 / 3.05, rel=1e-12)
    assert neo.cash[0] == pytest.approx(38.0, rel=1e-12)
    assert neo.arrears()[0] == pytest.approx(0.0, abs=1e-12)
    # end to end: the round and the debt service are in the flows, and nothing defaults
    res = run([vendor(), lab(), _short_cloud(funding=FUNDING), *OTHERS], horizon=4)
    assert _flow(res, "market", "neo", "equity_round")[0] == pytest.approx(41.0, rel=1e-12)
    assert _flow(res, "neo", "bank", "debt_service")[0] == pytest.approx(7.0, rel=1e-12)
    assert res.default_probability("neo") == 0.0
    assert res.checks.worst() < 1e-9


def test_a_failed_round_leaves_the_cloud_to_default() -> None:
    # base -1: the deterministic draw 0.5 is above the success chance 1 / (1 + e) = 0.27
    failing = {**FUNDING, "success": {"base": -1.0}}
    _, neo = _first_quarter([vendor(), lab(), _short_cloud(funding=failing), *OTHERS])
    assert not neo.alive[0]


def test_an_equity_deal_buys_new_shares_in_a_cloud() -> None:
    """$2B at a $20B pre-money over 1.0 shares: 0.1 new shares, 1/11 of the cloud."""
    deal = {"id": "stake", "kind": "equity", "investor": "owner", "investee": "neo",
            "amount": 2.0, "pre_money_valuation": 20.0}
    sim, neo = _first_quarter([vendor(), lab(), _short_cloud(cash=100.0, funding=FUNDING),
                               *OTHERS], [deal])
    held = neo.shares[(sim.acct("owner"), 0)][0]
    assert held == pytest.approx(0.1, rel=1e-12)
    assert held / neo.total_shares()[0] == pytest.approx(1 / 11, rel=1e-12)


def test_a_funded_cloud_pays_from_outside_capital_and_never_defaults() -> None:
    """With no cash and no rent it still builds 1 GW ($35B, half from a 10% tranche repaid a
    quarter of its balance each quarter) and pays every instalment, 0.275 x 17.5 x 0.75^k in
    quarter k: its balance goes negative, which a funded account may."""
    spec = cloud(cash=0.0, balance_sheet="funded",
                 contracts=[{"tenant": "customers", "capacity": 1.0, "price_per_unit_year": 0.0,
                             "term_years": 5}],
                 debt=[{"lender": "bank", "share": 0.5, "rate": 0.1, "term_years": 1}])
    res = run([vendor(), lab(), spec, *OTHERS], horizon=6)
    # a funded cloud cannot default: no path has a default quarter, and the API says the
    # question does not apply rather than answering 0%
    assert (res.outcome(None, "neo", "default_quarter") < 0).all()
    with pytest.raises(cc.UsageError, match="a cloud funded from outside, which cannot default"):
        res.default_probability("neo")
    paid = 0.275 * 17.5 * 0.75 ** np.arange(6)
    np.testing.assert_allclose(_flow(res, "neo", "bank", "debt_service"), paid, rtol=1e-12)
    cash = res.bands("neo", "cash")["mean"].to_numpy()
    np.testing.assert_allclose(cash, -17.5 - np.cumsum(paid), rtol=1e-12)
    assert res.checks.worst() < 1e-9  # no negative-cash violation: the account is funded


def test_a_funded_cloud_cannot_raise_rounds() -> None:
    spec = cloud(balance_sheet="funded", funding=FUNDING)
    with pytest.raises(cc.ScenarioError, match="balance_sheet: funded"):
        cc.load_scenario(scenario([vendor(), lab(), spec], []))


def test_an_equity_deal_needs_a_cloud_with_funding() -> None:
    deal = {"id": "stake", "kind": "equity", "investor": "owner", "investee": "neo",
            "amount": 2.0}
    with pytest.raises(cc.ScenarioError, match=r"deals\[0\]\.investee.*needs funding"):
        cc.load_scenario(scenario([vendor(), lab(), _short_cloud(), *OTHERS], [deal]))


def test_a_vendors_stake_in_a_cloud_is_marked_at_the_clouds_price() -> None:
    """The vendor holds the 40% the owner held; after the round of the test above its
    0.4 of 3.05 shares are worth 0.4 x 20 / 3.05 = $2.623B, its only stake."""
    fin = {"operating_costs_per_year": 0.0, "earnings_multiple": 10.0, "other_value": 0.0,
           "shares_outstanding": 1000.0}
    owned = _short_cloud(funding=FUNDING, equity={"holders": {"nvidia": 0.4}})
    sim, neo = _first_quarter([vendor(financials=fin), lab(), owned, *OTHERS])
    (nv,) = sim.vendors
    assert neo.price(sim)[0] == pytest.approx(20.0 / 3.05, rel=1e-12)
    assert nv.financials.marks(sim)[0] == pytest.approx(0.4 * 20.0 / 3.05, rel=1e-12)


def test_rent_paid_late_pays_the_arrears_of_a_cloud_without_funding() -> None:
    """A cloud with no `funding` builds 1 GW ($35B: $17.5B from a 0%-rate tranche repaid a
    twentieth of its balance a quarter, $17.5B of its $17.6B) for a lab at $8B per GW-year.
    The lab, with no cash and $0.5B of revenue a quarter, pays $0.5B of the $2B rent at
    servicing; the cloud, with $0.6B, pays that much of its $0.875B of debt service and owes
    $0.275B. In the funding phase the lab raises $1.5B and pays its rent arrears; the cloud
    pays its own arrears from them the same quarter, so it does not default."""
    spec = cloud(cash=17.6, contracts=[{"tenant": "xai", "capacity": 1.0,
                                        "price_per_unit_year": 8.0, "term_years": 2}],
                 debt=[{"lender": "bank", "share": 0.5, "rate": 0.0, "term_years": 5}])
    tenant = lab(cash=0.0, revenue={"run_rate": 2.0, "growth": dict(FLAT)},
                 compute={"installed": 0.0, "per_revenue": 0.0, "training": 0.0,
                          "training_growth": dict(FLAT)},
                 funding={"valuation_multiple": 10.0, "success": {"base": 5.0}})
    res = run([vendor(), tenant, spec, *OTHERS], horizon=2)
    assert res.default_probability("neo") == 0.0
    assert _flow(res, "market", "xai", "equity_round")[0] == pytest.approx(1.5, rel=1e-12)
    assert _flow(res, "xai", "neo", "cloud_rent")[0] == pytest.approx(2.0, rel=1e-12)
    assert _flow(res, "neo", "bank", "debt_service")[0] == pytest.approx(0.875, rel=1e-12)
    assert res.bands("neo", "cash")["mean"][0] == pytest.approx(17.6 + 17.5 - 35 + 2 - 0.875,
                                                                rel=1e-12)
    assert res.checks.worst() < 1e-9


def test_renewals_are_cut_pro_rata_across_clouds() -> None:
    # the lab needs 1 GW and rents half from each cloud; from quarter 1 a 0.5 GW contract at
    # a third cloud covers half of it, so its shortfall (0.5) is half its renewals (1.0):
    # each cloud renews half of its 0.5 GW (renting in turn, "neo" would keep all of its own
    # and "neo2" would renew nothing)
    spot = {"price_per_unit_year": SPOT, "oversupply_elasticity": 0.0, "floor": 0.1}
    tenant = lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                          "training_growth": dict(FLAT)}, renting={"neo": 0.5, "neo2": 0.5})
    dc = cloud(id="dc", contracts=[{"tenant": "xai", "capacity": 0.5, "price_per_unit_year": SPOT,
                                    "start": "2026Q1", "term_years": 1}], spot=spot)
    res = run([vendor(), tenant, cloud(contracts=[], spot=spot),
               cloud(id="neo2", contracts=[], spot=spot), dc], horizon=3)
    for cid in ("neo", "neo2"):
        np.testing.assert_allclose(_flow(res, "xai", cid, "cloud_rent"),
                                   [0.5 * SPOT / 4, 0.25 * SPOT / 4, 0.25 * SPOT / 4], rtol=1e-12)
        np.testing.assert_allclose(res.bands(cid, "unsold")["mean"], [0.0, 0.25, 0.25],
                                   atol=1e-12)
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"], 1.0, rtol=1e-12)
    assert _flow(res, "xai", "nvidia", "sale").sum() == 0.0


def test_a_budget_short_of_the_renewals_cuts_them_pro_rata() -> None:
    # no revenue and $5B: quarter 0's 1 GW of spot rent, 1.0 x 13 / 4 = $3.25B, falls due in
    # quarter 1 and leaves a budget of $1.75B, 1.75 / 3.25 of the renewals' rent: each cloud
    # renews that share of its 0.5 GW, $0.875B of rent (in turn: "neo" 1.625, "neo2" 0.125)
    spot = {"price_per_unit_year": SPOT, "oversupply_elasticity": 0.0, "floor": 0.1}
    tenant = lab(revenue={"run_rate": 0.0, "growth": dict(FLAT)}, cash=5.0,
                 compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                          "training_growth": dict(FLAT)}, renting={"neo": 0.5, "neo2": 0.5})
    res = run([vendor(), tenant, cloud(contracts=[], spot=spot),
               cloud(id="neo2", contracts=[], spot=spot)], horizon=2)
    for cid in ("neo", "neo2"):
        np.testing.assert_allclose(_flow(res, "xai", cid, "cloud_rent"), [1.625, 0.875],
                                   rtol=1e-12)
