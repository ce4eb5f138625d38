"""Dust (`chipcredit.engine.dust`): a rounding residual never decides an event.

Each test builds the residual the way the engine meets it (a shortfall renewed to within
1e-16, a debt after its last level payment, a supply cap used up to 5.55e-17) and checks that
it counts as exactly nothing: no rental and no revenue, no rescue round, no porting and no
second source, no debt, hence no LTV or DSCR.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tests.deals._build import FLAT, lab, scenario, vendor
from tests.deals.test_golden import spv_deal
from tests.test_capacity_backstop import cloud, renter
from tests.test_choice import lab as choice_lab
from tests.test_choice import vendor as choice_vendor
from tests.test_choice import world as choice_world

import chipcredit as cc
from chipcredit.deals.spv_lease import SpvLeaseDeal
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.dust import CAPACITY_DUST, MONEY_DUST, snap
from chipcredit.engine.labs import LabState
from chipcredit.engine.sim import Sim

RESIDUAL = (0.1 + 0.2) - 0.3
"""5.55e-17: what is left of a shortfall of 0.1 + 0.2 GW once 0.3 GW are renewed."""


def _sim(data: dict[str, Any]) -> Sim:
    sc = cc.load_scenario(data)
    return Sim(sc, ChunkDraws(seed=0, n_paths=1, first_block=0, last_block=1, deterministic=True))


def _need(monkeypatch: pytest.MonkeyPatch, *need: float) -> None:
    """Every lab needs ``need[q]`` units in quarter ``q`` (the last one from then on)."""
    exact = LabState.compute

    def compute(self: LabState, sim: Sim, q: int) -> None:
        exact(self, sim, q)
        self.need = np.full(sim.n, need[min(q, len(need) - 1)])

    monkeypatch.setattr(LabState, "compute", compute)


def test_snap_zeroes_what_is_below_the_dust_and_keeps_the_rest() -> None:
    got = snap(np.array([1e-15, -3e-16, 0.0, 1e-9, -2e-9, 0.5]), MONEY_DUST)
    np.testing.assert_array_equal(got, [0.0, 0.0, 0.0, 1e-9, -2e-9, 0.5])
    assert RESIDUAL != 0.0 and abs(RESIDUAL) < CAPACITY_DUST


@settings(max_examples=200)
@given(values=hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=40),
                         elements=st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                                            st.floats(-1e-8, 1e-8), st.sampled_from([0.0, -0.0]))),
       dust=st.sampled_from([MONEY_DUST, CAPACITY_DUST, 0.0, 1.0]), layout=st.sampled_from(
           ["C", "F", "strided", "float32"]))
def test_snap_is_numpys_where_to_the_bit(values: np.ndarray, dust: float, layout: str) -> None:
    """The compiled pass and numpy's fallback (any other layout or dtype) give what
    ``np.where(|a| < dust, 0, a)`` gives: a new array, signs of zeros and NaN kept."""
    if layout == "F":
        values = np.asfortranarray(values)
    elif layout == "strided" and values.ndim:
        values = np.repeat(values, 2, axis=-1)[..., ::2]
    elif layout == "float32":
        with np.errstate(over="ignore"):  # what exceeds float32 becomes infinite
            values = values.astype(np.float32)
    before = values.copy()
    got = snap(values, dust)
    want = np.where(np.abs(values) < dust, 0.0, values)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want))  # -0.0 kept, +0.0 for dust
    assert got is not values and not np.shares_memory(got, values)  # a new array
    np.testing.assert_array_equal(values, before)  # and the input is left alone


def test_a_spot_rental_residual_is_not_rented(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lab rents 0.3 GW in the first quarter and renews it in the second, when it needs
    0.1 + 0.2 GW: the 5.55e-17 left after renewing is not rented as well."""
    _need(monkeypatch, 0.3, 0.1 + 0.2)
    sim = _sim(scenario([vendor(), renter(), cloud(contracts=[])], [], horizon=3))
    sim.step(0)
    sim.step(1)
    (neo,) = sim.clouds
    (xai,) = sim.labs
    assert neo.spot_rented[0] == 0.3  # the renewal, and not 0.3 + 5.55e-17
    assert xai.rented[0] == 0.3


def test_a_dust_spot_rental_earns_the_cloud_no_revenue(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cloud with no contracts whose only tenant's need is a residual rents nothing,
    builds nothing and earns exactly nothing (not 1e-16 x the spot price)."""
    _need(monkeypatch, RESIDUAL)
    sim = _sim(scenario([vendor(), renter(), cloud(contracts=[])], [], horizon=3))
    for q in range(3):
        sim.step(q)
    for variable in ("revenue", "capacity"):
        np.testing.assert_array_equal(sim.series[("neo", variable)][0], 0.0)
    (neo,) = sim.clouds
    assert neo.run_rate[0] == 0.0 and neo.revenue_total[0] == 0.0


FUNDING = {"buffer_quarters": 1.0, "round_quarters": 1.0, "valuation_multiple": 5.0,
           "success": {"base": 1.0}}


def _short_cloud(price_per_unit_year: float) -> list[dict[str, Any]]:
    """tests/test_cloud.py's cloud that is $3B short in its first quarter and raises a round
    to survive, its 1 GW contract paying ``price_per_unit_year``."""
    spec = cloud(cash=10.0,
                 contracts=[{"tenant": "customers", "capacity": 1.0,
                             "price_per_unit_year": price_per_unit_year, "term_years": 5}],
                 debt=[{"lender": "bank", "share": 0.8, "rate": 0.0, "term_years": 1}],
                 equity={"holders": {"owner": 0.4}}, funding=FUNDING)
    return [vendor(), lab(), spec, {"id": "bank", "kind": "lender"},
            {"id": "owner", "kind": "investor"}]


def test_a_cloud_without_real_revenue_cannot_raise_a_rescue_round() -> None:
    """With $4B a GW-year it raises $12.5B and survives (tests/test_cloud.py); with 4e-15 its
    revenue is a residual, its value under a dollar, and nobody buys its shares."""
    sim = _sim(scenario(_short_cloud(4.0), [], horizon=4))
    sim.step(0)
    assert sim.clouds[0].alive[0]
    sim = _sim(scenario(_short_cloud(4e-15), [], horizon=4))
    sim.step(0)
    (neo,) = sim.clouds
    assert neo.shares.get((sim.acct("market"), -1), np.zeros(1))[0] == 0.0  # no round
    assert not neo.alive[0] and neo.default_quarter[0] == 0
    assert neo.revenue[0] == 0.0 and neo.valuation(sim)[0] == 0.0


def test_a_tiny_valuation_is_no_valuation() -> None:
    """The round's rule itself: a run-rate whose value is under a dollar raises nothing,
    one a thousand times larger does."""
    sim = _sim(scenario(_short_cloud(4.0), [], horizon=4))
    sim.step(0)
    (neo,) = sim.clouds
    neo.cash[:] = -1.0  # far below its buffer
    raised = []
    for run_rate in (1e-11, 1e-8):
        neo.run_rate = np.array([run_rate])
        raised.append(float(neo.raise_equity(sim, 1)[0]))
    assert raised[0] == 0.0 and raised[1] > 0.0


def _choice_sim(**amd: Any) -> tuple[Sim, LabState, int]:
    data = choice_world([choice_vendor("nv", 20.0), choice_vendor("amd", 20.0, **amd)],
                        [choice_lab("big", 10.0, ported=("nv", "amd") if amd else ("nv",))],
                        horizon=4)
    sim = _sim(data)
    sim.step(0)
    sim.choice.set_quarter(sim, 1)  # type: ignore[union-attr]
    for v in sim.vendors:
        v.set_quarter(1)
    (big,) = sim.labs
    return sim, big, sim.acct("amd")


def test_a_dust_committed_delivery_does_not_port_the_lab() -> None:
    """A take-or-pay for 1 GW from AMD when the lab's shortfall is 5.55e-17 GW delivers
    nothing, so the lab neither ports to AMD nor second-sources."""
    sim, big, amd = _choice_sim()
    state = sim.choice.labs[big.acct]  # type: ignore[union-attr]
    i = sim.choice.accts.index(amd)  # type: ignore[union-attr]
    assert not state.ported[i, 0]
    sim.choice.procure(sim, big, 1, [(amd, np.array([1.0]))],  # type: ignore[union-attr]
                       np.array([RESIDUAL]), np.array([1e3]))
    big._track_sources(1)
    assert not state.ported[i, 0]
    assert big.second_source[0] == -1
    assert big.deployed[amd][0] == 0.0


def test_a_used_up_supply_cap_sells_no_dust() -> None:
    """AMD's cap of 0.1 GW a quarter is used up to 5.55e-17: the lab, ported to both and
    short of 10 GW, buys nothing from AMD and has not second-sourced."""
    sim, big, amd = _choice_sim(supply_cap_per_quarter=0.1)
    vendor_amd = sim.vendor_by_acct[amd]
    vendor_amd.units = np.array([0.1 - 5.55e-17])
    assert 0.0 < 0.1 - vendor_amd.units[0] < 1e-16
    big.second_source[:] = -1
    big.deployed[amd][:] = 0.0
    big.bought = {v: np.zeros(1) for v in big.deployed}
    sim.choice.procure(sim, big, 1, [], np.array([10.0]), np.array([1e4]))  # type: ignore[union-attr]
    big._track_sources(1)
    assert big.bought[amd][0] == 0.0
    assert big.second_source[0] == -1
    big.deployed[amd][:] = 5.55e-17  # and a residual delivery, however it came, counts for nothing
    big._track_sources(2)
    assert big.second_source[0] == -1


def test_the_spv_debt_is_exactly_zero_after_its_final_payment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The golden SPV ($12.5B at 11% over 20 quarters): the last level payment leaves
    1.3e-14 of principal by rounding. It is paid off exactly instead, so there is no debt
    left to report an LTV or a DSCR on in the last quarter."""
    sim = _sim(scenario(deals=[spv_deal()]))
    (deal,) = sim.deals
    assert isinstance(deal, SpvLeaseDeal)
    after: list[float] = []
    exact = SpvLeaseDeal.schedule

    def schedule(self: Any, sim: Sim, q: int) -> None:
        exact(self, sim, q)
        after.append(float(self.debt.principal[0]))

    monkeypatch.setattr(SpvLeaseDeal, "schedule", schedule)
    for q in range(20):
        sim.step(q)
    assert after[18] > 0.5 and after[19] == 0.0
    ltv, dscr = sim.series[("spv", "ltv")][0], sim.series[("spv", "dscr")][0]
    assert 0.0 < ltv[18] < 1.0 and dscr[18] > 1.0
    assert np.isnan(ltv[19]) and np.isnan(dscr[19])
    assert deal.debt.written_off[0] == 0.0 and deal.debt.arrears[0] == 0.0
    # the lender got its 20 level payments, the last one to within rounding
    assert deal.debt.paid[0] == pytest.approx(20 * deal.debt_payment[0], rel=1e-14)
    assert sim.ledger.checks.worst() < 1e-9  # promised = paid + arrears + written off, etc.


def test_a_dust_lab_need_is_no_purchase(monkeypatch: pytest.MonkeyPatch) -> None:
    """With fixed procurement shares, a need of 5.55e-17 GW buys nothing from anyone."""
    _need(monkeypatch, RESIDUAL)
    sim = _sim(scenario([vendor(), lab(compute={"installed": 0.0, "per_revenue": 0.0,
                                                 "training": 0.0, "training_growth": dict(FLAT)})],
                        [], horizon=2))
    sim.step(0)
    (xai,) = sim.labs
    assert xai.deployed[sim.acct("nvidia")][0] == 0.0


@pytest.mark.filterwarnings("ignore::chipcredit.ChipcreditWarning")  # the summary's IRR note
@pytest.mark.parametrize(("name", "path"), [("telecom-2000", None), ("telecom-2000", 3),
                                            ("seed-2025", None)])
def test_no_flow_of_a_deal_is_dust(name: str, path: int | None) -> None:
    """A dust payment is not made: a default estate whose cash is a residual recovers
    nothing, a facility does not draw for arrears its borrower's cash covers but for
    rounding, and a claim is not paid a residual. (The telecom base case used to list 12
    lines of 4e-18 to 5e-17 $B: recoveries, draws and the debt service they paid.)"""
    sc = cc.load_scenario(name)
    res = (cc.simulate(sc, deterministic=True) if path is None
           else cc.simulate(sc, paths=path + 1, seed=2000))
    # the horizon_mark lines are valuations at the horizon, not payments: a tiny mark (a
    # claim repaid but for rounding) is a value the metrics use, and is kept
    amounts = np.concatenate([flows.loc[flows["kind"] != "horizon_mark", "amount"].to_numpy()
                              for d in sc.deals
                              for flows in [res.cashflows(d.id, path=path or 0)]])
    assert amounts.size > 100
    moved = amounts[amounts != 0.0]
    assert np.abs(moved).min() >= MONEY_DUST
