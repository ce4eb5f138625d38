"""Small deterministic scenarios for the deal tests, built as plain dicts.

The base world is quiet: no demand volatility, no winter (deterministic runs stay in their
starting regime anyway), a vendor whose content is the whole all-in cost (so a financed
GPU needs no extra build-out cash), and a lab that never needs compute (no inference per
revenue, no training) and holds far more cash than it can spend, so it never raises and
never defaults unless a test says so.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import pandas as pd

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}


def vendor(content: float = 35.0, margin: float = 0.75, **extra: Any) -> dict[str, Any]:
    return {"id": "nvidia", "kind": "vendor", "content_per_unit": content,
            "gross_margin": margin, **extra}


def lab(**overrides: Any) -> dict[str, Any]:
    """A lab with flat revenue of ``run_rate`` a year (a quarter of it each quarter)."""
    spec: dict[str, Any] = {
        "id": "xai", "kind": "lab",
        "revenue": {"run_rate": 100.0, "growth": dict(FLAT)},
        "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.0,
                    "training_growth": dict(FLAT)},
        "cash": 1000.0,
        "procurement": {"nvidia": 1.0},
        "funding": {"valuation_multiple": 10.0, "success": {"base": 0.0}},
    }
    spec.update(copy.deepcopy(overrides))
    return spec


def scenario(parties: list[dict[str, Any]] | None = None,
             deals: list[dict[str, Any]] | None = None,
             horizon: int = 24, **hardware: Any) -> dict[str, Any]:
    hw: dict[str, Any] = {"all_in_cost_per_unit": 35.0,
                          "residual_value_by_age": [1.0, 0.8, 0.6, 0.45, 0.3, 0.2],
                          "fire_sale_haircut": 0.3}
    hw.update(hardware)
    return {
        "name": "golden", "start": "2025Q4", "horizon_quarters": horizon,
        "market": {"ai_demand": {"volatility": 0.0,
                                 "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                   "hardware": hw},
        "parties": parties if parties is not None else [
            vendor(), lab(),
            {"id": "valor", "kind": "investor", "discount_rate": 0.15},
            {"id": "apollo", "kind": "lender", "discount_rate": 0.09},
        ],
        "deals": deals or [],
    }


def simulate(sc: cc.Scenario, **kwargs: Any) -> cc.Result:
    """`cc.simulate`, without the note that deals run past the horizon: these worlds stop
    mid-deal on purpose, to test a quarter in the middle of a term (the note itself is
    tested in tests/scenario/test_horizon_note.py). Every other warning still shows."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".* past the horizon", cc.ChipcreditNote)
        return cc.simulate(sc, **kwargs)


def run(data: dict[str, Any], *, quiet: bool = False) -> cc.Result:
    """The deterministic base case; ``quiet`` drops the summary warning about missing IRRs
    (a deal that loses almost everything has none)."""
    sc = cc.load_scenario(data)
    if not quiet:
        return simulate(sc, deterministic=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(sc, deterministic=True)


def lines(res: cc.Result, deal: str, kind: str, *, to: str | None = None,
          tiny: float = 1e-9) -> pd.DataFrame:
    """One deal's traced lines of one kind (optionally to one account), dropping rounding
    dust below ``tiny`` $B."""
    cf = res.cashflows(deal, path=0)
    keep = (cf["kind"] == kind) & (cf["amount"].abs() > tiny)
    if to is not None:
        keep &= cf["to"] == to
    return cf[keep].reset_index(drop=True)


def one(res: cc.Result, deal: str | None, party: str, metric: str) -> float:
    """The single path's value of an outcome."""
    values = res.outcome(deal, party, metric)
    assert values.shape == (1,)
    return float(values[0])
