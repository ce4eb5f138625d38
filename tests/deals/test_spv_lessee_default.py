"""``spvs.<deal>.lessee_default_probability`` counts a lessee's default while the lease
runs (a quarter of its term, the last included), not one after the GPUs went back.

The world: a lab with no revenue, costs of 1 a quarter and rounds that never close leases
$20B of GPUs for 1 year (quarters 0-3) at 16% nominal to a 80% residual: rent
R = (20 - 16 x 1.04^-4) x 0.04 / (1 - 1.04^-4) = 1.741960. It spends 1 + R = 2.741960 a
quarter during the lease and 1 after it.
"""

from __future__ import annotations

import json

import pytest

from ._build import FLAT, lab, run, scenario, vendor
from .test_golden import spv_deal

RENT = (20 - 16 * 1.04**-4) * 0.04 / (1 - 1.04**-4)


def _world(cash: float) -> dict[str, object]:
    parties = [vendor(),
               lab(revenue={"run_rate": 0.0, "growth": dict(FLAT)},
                   costs={"fixed_per_year": 4.0}, cash=cash,
                   funding={"valuation_multiple": 10.0, "success": {"base": -50.0}}),
               {"id": "valor", "kind": "investor", "discount_rate": 0.15},
               {"id": "apollo", "kind": "lender", "discount_rate": 0.09}]
    deal = spv_deal(debt={"lender": "apollo", "amount": 12.5, "rate": 0.11, "term_years": 1},
                    lease={"term_years": 1, "rate": 0.16, "residual": 0.8})
    return scenario(parties, [deal], horizon=12)


def _lessee_default(cash: float) -> tuple[float, float]:
    res = run(_world(cash), quiet=True)
    spv = json.loads(res.to_json())["spvs"]["spv"]
    return float(res.outcome(None, "xai", "default_quarter")[0]), spv["lessee_default_probability"]


def test_a_default_after_the_lease_ended_is_not_a_lessee_default() -> None:
    # cash 12: 12 - 4 x 2.741960 = 1.032 left when the lease ends; 1 in quarter 4 leaves
    # 0.032, and quarter 5's cost is unpaid: xAI defaults in quarter 5, a year after the
    # GPUs were sold, with nothing owed on the lease
    assert RENT == pytest.approx(1.741960, abs=1e-6)
    assert 12 - 4 * (1 + RENT) - 1 == pytest.approx(0.032, abs=1e-3)
    assert _lessee_default(12.0) == (5.0, 0.0)


def test_a_default_in_the_lease_counts_its_last_quarter_included() -> None:
    # cash 10: 10 - 3 x 2.741960 = 1.774 cannot pay quarter 3's 2.742 (its last rent)
    assert 10 - 3 * (1 + RENT) == pytest.approx(1.774, abs=1e-3)
    assert _lessee_default(10.0) == (3.0, 1.0)
    # cash 3: quarter 0 is paid, quarter 1 is not
    assert _lessee_default(3.0) == (1.0, 1.0)
