"""The SPV's waterfall runs after its lessee's funding phase, and pays no dust.

The SPV of the golden tests: $20B of GPUs, $12.5B of debt at 11% over 5 years, a 5-year
lease at 16% to a 20% residual. Rent is (20 - 4 x 1.04^-20) x 0.04 / (1 - 1.04^-20) =
$1.337308B a quarter and debt service 12.5 x 0.0275 / (1 - 1.0275^-20) = $0.820897B.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from chipcredit.engine.dust import MONEY_DUST

from . import _build as b

RENT = (20 - 4 * 1.04**-20) * 0.04 / (1 - 1.04**-20)
DEBT_SERVICE = 12.5 * 0.0275 / (1 - 1.0275**-20)


def _spv(**extra: Any) -> dict[str, Any]:
    return {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia", "amount": 20,
            "equity": {"nvidia": 2, "valor": 5.5},
            "debt": {"lender": "apollo", "amount": 12.5, "rate": 0.11, "term_years": 5},
            "lease": {"term_years": 5, "rate": 0.16, "residual": 0.2}, "at_end": "sell",
            **extra}


def _parties(lessee: dict[str, Any]) -> list[dict[str, Any]]:
    return [b.vendor(), lessee, {"id": "valor", "kind": "investor", "discount_rate": 0.15},
            {"id": "apollo", "kind": "lender", "discount_rate": 0.09}]


def test_rent_paid_late_from_a_round_pays_the_debt_the_same_quarter() -> None:
    """A lessee with no cash and $0.5B of revenue a quarter (no costs) pays $0.5B of rent at
    servicing, under the $0.82B of debt service. Its $0.837308B of arrears (rent less 0.5)
    makes it raise exactly that in the funding phase (its burn is 0: revenue in, rent out)
    and pay it. The SPV's waterfall, after the funding phase, has the whole rent: the debt is
    paid on time every quarter (no arrears, no loss at the contract rate), the equity gets
    RENT - DEBT_SERVICE = $0.516411B split 2 : 5.5, and the DSCR is RENT / DEBT_SERVICE =
    1.629, so a 1.1 minimum is never breached."""
    lessee = b.lab(cash=0.0, revenue={"run_rate": 2.0, "growth": dict(b.FLAT)},
                   funding={"valuation_multiple": 10.0, "success": {"base": 5.0}})
    deal = _spv(covenants={"dscr": {"min": 1.1, "breach": "default"}})
    res = b.run(b.scenario(parties=_parties(lessee), deals=[deal], horizon=6))
    late = RENT - 0.5
    cf = res.cashflows("spv", path=0)
    for t in range(1, 7):  # quarter t - 1's flows, at its end
        at = cf[cf["time"] == t]
        rent = at[at["kind"] == "rent"]["amount"].to_numpy()
        np.testing.assert_allclose(sorted(rent), sorted([0.5, late]), rtol=1e-12)
        debt = at[at["kind"] == "debt_service"]["amount"].to_numpy()
        np.testing.assert_allclose(debt, [DEBT_SERVICE], rtol=1e-12)
        paid = dict(zip(at[at["kind"] == "distribution"]["to"],
                        at[at["kind"] == "distribution"]["amount"], strict=True))
        assert paid["nvidia"] == pytest.approx((RENT - DEBT_SERVICE) * 2 / 7.5, rel=1e-12)
        assert paid["valor"] == pytest.approx((RENT - DEBT_SERVICE) * 5.5 / 7.5, rel=1e-12)
    flows = res.flows()
    rounds = flows[(flows["kind"] == "equity_round") & (flows["to"] == "xai")]["mean"]
    np.testing.assert_allclose(rounds, [late] * 6, rtol=1e-12)
    assert b.one(res, "spv", "apollo", "loss") == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(res.bands("spv", "dscr")["mean"], RENT / DEBT_SERVICE, rtol=1e-12)
    spv = res.to_dict()["spvs"]["spv"]
    assert spv["covenant_breach_probability"] == 0.0
    assert spv["debt_impairment_probability"] == 0.0
    assert res.default_probability("xai") == 0.0
    assert res.max_abs_imbalance < 1e-9


def test_no_dust_distribution_after_the_spv_winds_up() -> None:
    """Equity of 1 and 2 splits each distribution into thirds, which leave a residual of
    about 1e-16 in the SPV. Once the lease has ended (quarter 19, the sale and the last
    distribution), that residual is dust: it is not paid out quarter after quarter (it used
    to be, shrinking to 1e-128), it stays in the SPV, and the ledger balances."""
    deal = _spv(equity={"nvidia": 1, "valor": 2},
                debt={"lender": "apollo", "amount": 17, "rate": 0.11, "term_years": 5})
    res = b.run(b.scenario(deals=[deal], horizon=28))
    cf = res.cashflows("spv", path=0)
    dist = cf[cf["kind"] == "distribution"]
    assert (dist["amount"].abs() >= MONEY_DUST).all()
    assert dist["time"].max() == 20  # the lease's last quarter (19), at its end
    last = dist[dist["time"] == 20].set_index("to")["amount"]
    assert last["valor"] == pytest.approx(2 * last["nvidia"], rel=1e-12)
    assert res.max_abs_imbalance < 1e-9
