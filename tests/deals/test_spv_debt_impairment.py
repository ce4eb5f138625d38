"""An SPV's debt is impaired exactly when its lender lost value: ``debt_loss`` above 0.

``debt_loss`` is the PV at the debt rate of the debt service promised minus what was
received (docs/design.md section 2a). Arrears bear no interest, so debt service paid late, in
full, is a loss at the contract rate; it used to leave ``debt_impaired`` at 0 (that counted
a write-off only) beside a debt loss of $0.24B.

The world (tests/deals/test_spv_lessee_default.py): $20B of GPUs leased for 1 year
(quarters 0-3) at 16% nominal to a 80% residual, rent R = (20 - 16 x 1.04^-4) x 0.04 /
(1 - 1.04^-4) = 1.741960181459208 a quarter; $12.5B of debt at 11% nominal over 1 year,
debt service P = 12.5 x 0.0275 / (1 - 1.0275^-4) = 3.342757354806865 a quarter, above the
rent. Each of quarters 0-2 leaves P - R = 1.6007971733476567 in arrears; at term end
(quarter 3, time 4) the SPV sells the GPUs at used value and the waterfall closes the debt.
Discount factors at 2.75% a quarter: 1.0275^-1..-4 = 0.97323600973236, 0.9471883306397664,
0.9218377913769015, 0.8971657337001474.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ._build import FLAT, lab, lines, one, run, scenario, vendor
from .test_golden import spv_deal

R = 1.741960181459208
P = 3.342757354806865
D = (0.97323600973236, 0.9471883306397664, 0.9218377913769015, 0.8971657337001474)
# the arrears of quarters 0-2, each paid at time 4 instead of time 1, 2, 3:
#   (P - R) x ((D1 - D4) + (D2 - D4) + (D3 - D4))
#   = 1.6007971733476567 x (0.07607027603221 + 0.04999259693961 + 0.02467205767675)
#   = 1.6007971733476567 x 0.15076493064858565 = 0.2413440748222114
LATE_LOSS = 0.2413440748222114


def _world(used_at_one_year: float = 0.8, debt_years: int = 1) -> dict[str, Any]:
    """A lessee that always pays (flat revenue, cash to spare); the GPUs' used value at
    age 1 year is ``used_at_one_year`` of cost."""
    parties = [vendor(), lab(revenue={"run_rate": 0.0, "growth": dict(FLAT)},
                             costs={"fixed_per_year": 4.0}, cash=50.0),
               {"id": "valor", "kind": "investor", "discount_rate": 0.15},
               {"id": "apollo", "kind": "lender", "discount_rate": 0.09}]
    deal = spv_deal(debt={"lender": "apollo", "amount": 12.5, "rate": 0.11,
                          "term_years": debt_years},
                    lease={"term_years": 1, "rate": 0.16, "residual": 0.8})
    return scenario(parties, [deal], horizon=8,
                    # older points no higher than the 1-year one: the curve may not rise
                    residual_value_by_age=[1.0, used_at_one_year,
                                           *(min(used_at_one_year, v) for v in (0.2, 0.1, 0.05)),
                                           0.0])


def _spv(res: Any) -> tuple[float, float, float]:
    """(debt_impaired, debt_loss) of the single path, and the JSON impairment share."""
    share = json.loads(res.to_json())["spvs"]["spv"]["debt_impairment_probability"]
    impaired, loss = (res.outcomes[f"spv|spv|{m}"] for m in ("debt_impaired", "debt_loss"))
    assert impaired.shape == loss.shape == (1,)
    return float(impaired[0]), float(loss[0]), share


def test_debt_service_paid_late_in_full_is_an_impairment() -> None:
    res = run(_world(), quiet=True)
    debt = lines(res, "spv", "debt_service", to="apollo")
    # the rent goes to the debt in quarters 0-2; at term end the rent and the GPUs' sale
    # (3 quarters old: 20 x (1 - 0.75 x 0.2) = 17) pay the last P and the three quarters'
    # arrears: 4P - 3R
    assert list(debt["time"]) == [1, 2, 3, 4]
    np.testing.assert_allclose(debt["amount"], [R, R, R, 4 * P - 3 * R], rtol=1e-12)
    assert 4 * P - 3 * R == pytest.approx(8.145148874849834, abs=1e-12)
    # every dollar promised was paid (4P = 13.371029419227460): nothing written off ...
    assert one(res, "spv", "apollo", "cash_in") == pytest.approx(4 * P, abs=1e-9)
    # ... but late, with no interest on the arrears: a loss at the contract rate, and so
    # an impairment (it read impaired 0 beside this loss before)
    assert _spv(res) == pytest.approx((1.0, LATE_LOSS, 1.0), abs=1e-9)
    assert one(res, "spv", "apollo", "loss") == pytest.approx(LATE_LOSS, abs=1e-9)


def test_a_write_off_adds_its_pv_to_the_late_payment_loss() -> None:
    # used value 0.05 at 1 year: in the term's last quarter the GPUs are 3 quarters old
    # (the lab's own fleet's age), worth 1 - 0.75 x 0.95 = 0.2875 of cost: the sale brings
    # 5.75, and the SPV has R + 5.75 = 7.491960181459208 at term end against 4P - 3R =
    # 8.145148874849834: 0.653188693390626 is written off, a loss of 0.653188693390626 x D4
    # = 0.58601906 at time 4 on top of LATE_LOSS
    res = run(_world(used_at_one_year=0.05), quiet=True)
    assert _spv(res) == pytest.approx(
        (1.0, LATE_LOSS + 0.653188693390626 * 0.8971657337001474, 1.0), abs=1e-9)


def test_debt_paid_on_time_is_not_impaired() -> None:
    # 5-year debt: service 12.5 x 0.0275 / (1 - 1.0275^-20) = 0.8208966 a quarter, under
    # the rent; at term end the outstanding principal is accelerated and paid from the sale
    # the same quarter it falls due: no arrears, no loss, no impairment
    res = run(_world(debt_years=5), quiet=True)
    assert _spv(res) == (0.0, 0.0, 0.0)


@settings(max_examples=12, deadline=None)
@given(used=st.floats(0.05, 1.0), years=st.sampled_from([1, 2, 5]))
def test_impaired_is_exactly_a_debt_loss(used: float, years: int) -> None:
    res = run(_world(used_at_one_year=used, debt_years=years), quiet=True)
    impaired, loss, share = _spv(res)
    assert impaired == float(loss > 0) == share
