"""Money provenance: whose money pays a vendor's sales (DESIGN.md section 5).

Hand cases on the deterministic base case: a vendor's money spent on its own GPUs is 100%
self-funded; half outside money makes it 50%; money that goes through an SPV is still
traced. A Hypothesis property checks, on random scenarios, that the engine's tags match an
independent scalar replay of one path's transfers and sum to every account's balance.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.deals._build import FLAT, lab, scenario, vendor
from tests.engine.test_ledger_properties import scenarios

import chipcredit as cc
from chipcredit.engine.run import trace_path

X = 7.0  # $B the vendor puts in


def _buyer_lab(cash: float) -> dict[str, Any]:
    """A lab with no revenue, no costs and a large training need: it spends all its cash
    on GPUs in its first quarter, and never raises a round."""
    return lab(cash=cash, revenue={"run_rate": 0.0, "growth": dict(FLAT)},
               compute={"installed": 0.0, "per_revenue": 0.0, "training": 10.0,
                        "training_growth": dict(FLAT)},
               funding={"valuation_multiple": 10.0, "success": {"base": -20.0}})


def _first_quarter(res: cc.Result, src: str) -> tuple[float, float]:
    """(sale, self-funded part of it) from ``src`` to nvidia in the first quarter ($B)."""
    flows = res.flows()
    row = flows[(flows["from"] == src) & (flows["to"] == "nvidia") & (flows["kind"] == "sale")
                & (flows["quarter"] == "2025Q4")]
    assert len(row) == 1
    return float(row["mean"].iloc[0]), float(row["self_funded_mean"].iloc[0])


def _equity(amount: float) -> dict[str, Any]:
    return {"id": "stake", "kind": "equity", "investor": "nvidia", "investee": "xai",
            "amount": amount, "pre_money_valuation": 100.0}


def test_a_vendors_own_money_spent_on_its_gpus_is_all_self_funded() -> None:
    data = scenario([vendor(), _buyer_lab(0.0)], [_equity(X)], horizon=4)
    res = cc.simulate(cc.load_scenario(data), deterministic=True)
    sale, own = _first_quarter(res, "xai")
    assert sale == pytest.approx(X)  # content is the whole all-in cost: all of it to nvidia
    assert own == pytest.approx(X)
    assert res.bands("nvidia", "self_funded_share")["mean"].iloc[0] == pytest.approx(1.0)
    share = res.to_dict()["vendors"]["nvidia"]["self_funded_revenue_share"]
    assert share["mean"] == pytest.approx(1.0)


def test_half_outside_money_makes_half_self_funded() -> None:
    data = scenario([vendor(), _buyer_lab(X)], [_equity(X)], horizon=4)
    res = cc.simulate(cc.load_scenario(data), deterministic=True)
    sale, own = _first_quarter(res, "xai")
    assert sale == pytest.approx(2 * X)
    assert own == pytest.approx(X)
    assert res.bands("nvidia", "self_funded_share")["mean"].iloc[0] == pytest.approx(0.5)


def test_a_sale_to_an_spv_is_traced_to_its_equity() -> None:
    """Nvidia puts 4 of the SPV's 20 (equity 10: Nvidia 4, Valor 6; debt 10): a fifth of the
    SPV's purchase from Nvidia is Nvidia's own money."""
    spv = {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia",
           "amount": 20.0, "equity": {"nvidia": 4.0, "valor": 6.0},
           "debt": {"lender": "apollo", "amount": 10.0, "rate": 0.1, "term_years": 2},
           "lease": {"term_years": 2, "rate": 0.12}}
    parties = [vendor(), lab(), {"id": "valor", "kind": "investor"},
               {"id": "apollo", "kind": "lender"}]
    res = cc.simulate(cc.load_scenario(scenario(parties, [spv], horizon=4)), deterministic=True)
    sale, own = _first_quarter(res, "spv")
    assert sale == pytest.approx(20.0)
    assert own == pytest.approx(4.0)


# -- the property: tags match a scalar replay and sum to the balance -----------------------


def _replay(sim: Any, lines: list[Any]) -> dict[str, np.ndarray]:
    """Trace one path's transfers in order with explicit origins (vendors..., other): the
    same proportional rule, in plain scalars. Returns each account's tags."""
    vendors = [v.id for v in sim.vendors]
    traced = {sim.account_names[i] for i in sim.provenance.traced}
    n_origins = len(vendors) + 1
    tags: dict[str, np.ndarray] = {name: np.zeros(n_origins) for name in sim.account_names}
    for line in lines:
        src, dst, amount = line.source, line.target, line.amount
        if src in traced:
            held = tags[src]
            balance = float(held.sum())
            frac = min(amount / balance, 1.0) if balance > 1e-12 else 0.0
            parts = held * frac
            parts[-1] = amount - parts[:-1].sum()  # the rest is other money
        else:
            parts = np.zeros(n_origins)
            parts[vendors.index(src) if src in vendors else -1] = amount
        tags[src] = tags[src] - parts
        tags[dst] = tags[dst] + parts
    return tags


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=scenarios(), paths=st.integers(16, 200), seed=st.integers(0, 2**31),
       pick=st.integers(0, 10**6))
def test_tags_sum_to_the_balance_and_match_a_scalar_replay(data: dict[str, Any], paths: int,
                                                            seed: int, pick: int) -> None:
    sc = cc.load_scenario(data)
    path = pick % paths
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        sim, lines = trace_path(sc, paths, seed, path)
    prov = sim.provenance
    assert prov is not None
    at = path - sim.draws.offset
    balance = sim.ledger.balance
    replayed = _replay(sim, lines)
    scale = 1.0 + max(abs(line.amount) for line in lines)
    for acct in prov.traced:
        name = sim.account_names[acct]
        engine = prov.origins(acct, balance[acct])[:, at]
        # the origins always sum to the balance, in the engine and in the replay
        assert engine.sum() == pytest.approx(balance[acct, at], abs=1e-9 * scale)
        assert replayed[name].sum() == pytest.approx(balance[acct, at], abs=1e-9 * scale)
        # and the engine's vendor tags are the replay's (money is moved, not made)
        np.testing.assert_allclose(engine[:-1], replayed[name][:-1], atol=1e-8 * scale)
        assert (engine[:-1] >= -1e-9 * scale).all()
    assert sim.ledger.checks.provenance < 1e-6
