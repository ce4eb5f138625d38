"""Rounding residue is no loss and no mark: below `MONEY_DUST` they are exactly 0.

A loan repaid in full used to show a loss of 4.4e-16 and a horizon mark of 6.9e-16, so a
p95 of the loss read 4.4e-16 and a SQL share of ``loss > 0`` disagreed with the CLI's
P(loss > 0). The analytics layer now sets them to 0 where it takes them per path.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.engine.dust import MONEY_DUST

FIXTURES = Path(__file__).parents[1] / "fixtures_credit"


def _quiet(*args: object, **kwargs: object) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(*args, **kwargs)  # type: ignore[arg-type]


def _loss_and_mark_columns(res: cc.Result) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.float64) for k, v in res.outcomes.items()
            if k.endswith(("|loss", "|mark", "|debt_loss")) or (k.startswith("portfolio|")
            and "|loss" in k)}


def test_a_loan_repaid_in_full_loses_and_marks_exactly_zero() -> None:
    # minimal-loan base case: the lab repays the 4-year amortising loan within the 5-year
    # horizon; the PV of promised minus paid and the balance left come out at 1e-16
    res = _quiet(cc.load_scenario(FIXTURES / "minimal-loan.yaml"), deterministic=True)
    for party in ("bank", "lab-a"):
        assert res.outcome("term-loan", party, "mark")[0] == 0.0
    assert res.outcome("term-loan", "bank", "loss")[0] == 0.0
    assert res.outcomes["portfolio|bank|loss"][0] == 0.0
    assert res.to_dict()["portfolios"]["bank"]["var_99"] == 0.0


def test_seed_2025_base_case_marks_no_residue() -> None:
    # the SPV's equity was marked at 1.2e-16 (nvidia) and 3.3e-16 (valor) on the base case
    res = _quiet("seed-2025", deterministic=True)
    for party in ("nvidia", "valor"):
        assert res.outcome("colossus2-spv", party, "mark")[0] == 0.0


@pytest.mark.parametrize(("scenario", "paths"), [("seed-2025", 400), ("spv", 500)])
def test_no_loss_or_mark_is_residue(scenario: str, paths: int) -> None:
    sc = cc.load_scenario(FIXTURES / "neocloud-spv.yaml") if scenario == "spv" else scenario
    res = _quiet(sc, paths=paths, seed=7)
    columns = _loss_and_mark_columns(res)
    assert columns
    for key, values in columns.items():
        size = np.abs(values)
        assert not ((size > 0) & (size < MONEY_DUST)).any(), key
    if scenario == "spv":  # repaid debt: the SPV's debt loss, the deal loss and VaR agree
        loss = columns["deal|gpu-spv|fund|loss"]
        assert np.array_equal(loss > 0, columns["spv|gpu-spv|debt_loss"] > 0)
        summary = res.to_dict()
        p95 = float(np.quantile(loss, 0.95))
        assert summary["portfolios"]["fund"]["var_95"] == pytest.approx(p95, abs=0)
        assert p95 == 0.0 or p95 >= MONEY_DUST


def test_a_repaid_loan_schedule_has_no_horizon_mark_line() -> None:
    """The schedule takes the marks the metrics take: a loan repaid in full by the horizon
    is marked at exactly 0, so its cash-flow schedule ends without a ``horizon_mark`` line
    (its raw mark is a rounding residue of about 7e-16 $B)."""
    res = cc.simulate(cc.load_scenario(FIXTURES / "minimal-loan.yaml"), deterministic=True)
    kinds = set(res.cashflows("term-loan")["kind"])
    assert "loan_draw" in kinds or "debt_service" in kinds
    assert "horizon_mark" not in kinds
