"""A cloud contract's delivery ramp (``ramp_quarters``): the capacity comes in equal phases,
one a quarter, each built in its quarter and rented for the whole term from its delivery
(hand values on the deterministic base case; docs/model.md, Clouds)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.deals._build import FLAT, lab, scenario, vendor
from tests.test_capacity_backstop import cloud

import chipcredit as cc

HORIZON = 10  # 2025Q4 .. 2028Q1
IDLE_LAB = {"installed": 0.0, "per_revenue": 0.0, "training": 0.0, "training_growth": dict(FLAT)}


def _run(contract: dict[str, Any], horizon: int = HORIZON) -> cc.Result:
    """A funded cloud (it pays for every phase) with ``contract`` to an idle lab, buying from a
    vendor whose content is the whole $35B per GW."""
    spec = cloud(cash=0.0, balance_sheet="funded", contracts=[contract])
    data = scenario([vendor(), lab(compute=IDLE_LAB), spec], [], horizon=horizon)
    return cc.simulate(cc.load_scenario(data), deterministic=True)


def _flow(res: cc.Result, src: str, dst: str, kind: str) -> np.ndarray:
    flows = res.flows()
    rows = flows[(flows["from"] == src) & (flows["to"] == dst) & (flows["kind"] == kind)]
    by_q = dict(zip(rows["quarter"], rows["mean"], strict=True))
    return np.array([by_q.get(q, 0.0) for q in res.quarter_labels()])


def _contract(**extra: Any) -> dict[str, Any]:
    """2 GW to the lab at $8B per GW-year for a year from 2026Q1 (quarter 1)."""
    return {"tenant": "xai", "capacity": 2.0, "price_per_unit_year": 8.0, "start": "2026Q1",
            "term_years": 1, **extra}


def test_a_ramped_contract_is_built_and_rented_in_phases() -> None:
    """Four phases of 0.5 GW, one a quarter from 2026Q1, each rented for 4 quarters: the
    cloud buys 0.5 GW ($17.5B) in each of quarters 1-4; the lab holds 0.5, 1, 1.5, 2, then
    1.5, 1, 0.5 GW as the phases end, and pays 8 / 4 = $2B per GW a quarter: 1, 2, 3, 4, 3,
    2, 1 = $16B, the 2 x 8 x 1 of the contract."""
    res = _run(_contract(ramp_quarters=4))
    bought = [0, 17.5, 17.5, 17.5, 17.5, 0, 0, 0, 0, 0]
    np.testing.assert_allclose(_flow(res, "neo", "nvidia", "sale"), bought, rtol=1e-12, atol=1e-12)
    held = [0, 0.5, 1.0, 1.5, 2.0, 1.5, 1.0, 0.5, 0, 0]
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"], held, rtol=1e-12, atol=1e-12)
    rent = [0, 1.0, 2.0, 3.0, 4.0, 3.0, 2.0, 1.0, 0, 0]
    np.testing.assert_allclose(_flow(res, "xai", "neo", "cloud_rent"), rent, rtol=1e-12,
                               atol=1e-12)
    assert res.checks.worst() < 1e-9


def test_without_a_ramp_the_whole_contract_is_built_at_its_start() -> None:
    """The default (and ``ramp_quarters: 1``) builds all 2 GW ($70B) in 2026Q1 and rents them
    for the year: the contract as it was before the field existed, to the bit."""
    res = _run(_contract())
    np.testing.assert_allclose(_flow(res, "neo", "nvidia", "sale"), [0, 70.0] + [0] * 8)
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"], [0] + [2.0] * 4 + [0] * 5)
    np.testing.assert_allclose(_flow(res, "xai", "neo", "cloud_rent"), [0] + [4.0] * 4 + [0] * 5)
    one = _run(_contract(ramp_quarters=1))
    assert res.flows().equals(one.flows())
    # a value that rounds to one quarter is one quarter
    assert _run(_contract(ramp_quarters=1.4)).flows().equals(res.flows())


@pytest.mark.parametrize("ramp", [2, 3, 5, 7])
def test_a_ramp_keeps_the_contracts_total(ramp: int) -> None:
    """An outside tenant pays capacity x price x term whatever the ramp (1.5 GW at $12B per
    GW-year for 1.5 years: $27B), over 6 + ramp - 1 quarters, at most the full quarter's
    1.5 x 3 = $4.5B; the first quarter delivers one phase."""
    contract = {"tenant": "customers", "capacity": 1.5, "price_per_unit_year": 12.0,
                "start": "2026Q1", "term_years": 1.5, "ramp_quarters": ramp}
    rent = _flow(_run(contract, horizon=14), "customers", "neo", "cloud_rent")
    assert rent.sum() == pytest.approx(27.0, rel=1e-12)
    assert np.count_nonzero(rent) == 6 + ramp - 1
    assert rent.max() == pytest.approx(4.5 if ramp <= 6 else 4.5 * 6 / ramp, rel=1e-12)
    assert rent[1] == pytest.approx(4.5 / ramp, rel=1e-12)


def test_an_uncertain_ramp_is_whole_quarters_on_each_path() -> None:
    """``{dist: uniform, low: 1, high: 3}`` rounds half up: 1, 2 or 3 quarters per path, and
    the first quarter delivers one phase, 2 / ramp GW, on each path."""
    from chipcredit.engine.draws import ChunkDraws
    from chipcredit.engine.sim import Sim

    contract = _contract(ramp_quarters={"dist": "uniform", "low": 1, "high": 3})
    spec = cloud(cash=0.0, balance_sheet="funded", contracts=[contract])
    sc = cc.load_scenario(scenario([vendor(), lab(compute=IDLE_LAB), spec], [], horizon=4))
    sim = Sim(sc, ChunkDraws(seed=5, n_paths=300, first_block=0, last_block=1,
                               deterministic=False))
    (neo,) = sim.clouds
    (c,) = neo.contracts
    assert c.ramp is not None
    assert set(np.unique(c.ramp)) == {1.0, 2.0, 3.0}
    assert c.end == 1 + 4 + 3 - 1  # the longest ramp's last phase ends
    sim.step(0)
    sim.step(1)
    np.testing.assert_allclose(c.delivered, 2.0 / c.ramp, rtol=1e-12)


def test_seed_2025s_oracle_contract_is_built_without_a_spike() -> None:
    """The base case's Microsoft/Oracle/AWS cloud builds the 4.5 GW Oracle-OpenAI contract
    over its ramp (6 quarters at the median): from 2026 to 2029 no quarter's GPU purchases
    spike (more than twice both its neighbours') or dip (less than half of both).
    Delivered at once, the contract made 2027Q1 ~$63B against ~$13B in 2026Q4, and 2027Q2
    nothing. A step is not a spike: the purchases double from 2026Q4 to 2027Q1 ($11.8B to
    $24.3B) as the ramp starts, the cloud also replacing what retires of OpenAI's opening
    capacity, which it owns and rents to it, and stay there."""
    res = cc.simulate("seed-2025", deterministic=True)
    labels = res.quarter_labels()
    years = [i for i, q in enumerate(labels) if "2026" <= q[:4] <= "2029"]
    bought = (_flow(res, "hyperscale-clouds", "nvidia", "sale")
              + _flow(res, "hyperscale-clouds", "amd", "sale"))[years]
    assert bought.min() > 0
    before, now, after = bought[:-2], bought[1:-1], bought[2:]
    spike = now / np.maximum(before, after)
    dip = now / np.minimum(before, after)
    assert spike.max() < 2.0 and dip.min() > 0.5, (np.round(spike, 2), np.round(dip, 2))
