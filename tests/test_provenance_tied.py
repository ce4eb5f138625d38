"""Money a deal ties to a purchase from a vendor is spent first on that purchase.

Money provenance takes each origin in proportion to the payer's balance (docs/design.md section
5), except the money a deal's terms tie to the payment: vendor credit drawn to pay for the
vendor's chips (`vendor_credit`, a `credit_facility`'s purchase draws) and equity whose
`use_of_proceeds` names the vendor. The sale takes that money first, as far as the payer
still holds it, and the rest of the payment pro rata (docs/model.md, "Money provenance").
Hand-computed cases on small deterministic worlds.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import pytest
from tests.deals._build import FLAT, lab, scenario, simulate, vendor

import chipcredit as cc
from chipcredit.engine.ledger import AccountClass, Ledger
from chipcredit.engine.provenance import Provenance

CONTENT = 35.0  # $B per unit: the whole all-in cost, so a purchase needs no build-out cash


def _sale(res: cc.Result, quarter: str = "2025Q4") -> tuple[float, float]:
    """(sale, self-funded part of it) from xai to nvidia in ``quarter`` ($B)."""
    flows = res.flows()
    row = flows[(flows["from"] == "xai") & (flows["to"] == "nvidia") & (flows["kind"] == "sale")
                & (flows["quarter"] == quarter)]
    assert len(row) == 1
    return float(row["mean"].iloc[0]), float(row["self_funded_mean"].iloc[0])


def _lab(cash: float, training: float = 0.0) -> dict[str, Any]:
    """A lab with no revenue and no costs that buys ``training`` units in its first
    quarter (none: it buys only what a deal ships it) and never raises a round."""
    return lab(cash=cash, revenue={"run_rate": 0.0, "growth": dict(FLAT)},
               compute={"installed": 0.0, "per_revenue": 0.0, "training": training,
                        "training_growth": dict(FLAT)},
               funding={"valuation_multiple": 10.0, "success": {"base": -20.0}})


def _run(parties: list[dict[str, Any]], deals: list[dict[str, Any]]) -> cc.Result:
    return simulate(cc.load_scenario(scenario(parties, deals, horizon=2)), deterministic=True)


def _equity(amount: float, **extra: Any) -> dict[str, Any]:
    return {"id": "stake", "kind": "equity", "investor": "nvidia", "investee": "xai",
            "amount": amount, "pre_money_valuation": 100.0, **extra}


def test_chips_on_credit_are_all_the_vendors_own_money() -> None:
    """$10B of outside cash, $5B of Nvidia credit spent at once on $5B of Nvidia chips:
    all of the sale is Nvidia's money (pro rata it would be 5 x 5 / 15 = $1.667B)."""
    credit = {"id": "credit", "kind": "vendor_credit", "vendor": "nvidia", "borrower": "xai",
              "amount": 5.0, "rate": 0.08, "term_years": 2,
              "repayment": [{"kind": "cash"}]}
    res = _run([vendor(CONTENT), _lab(10.0)], [credit])
    sale, own = _sale(res)
    assert sale == pytest.approx(5.0, rel=1e-12)
    assert own == pytest.approx(5.0, rel=1e-12)
    assert res.bands("nvidia", "self_funded_share")["mean"].iloc[0] == pytest.approx(1.0)


def _facility(purchases: float) -> dict[str, Any]:
    return {"id": "facility", "kind": "credit_facility", "lender": "nvidia", "vendor": "nvidia",
            "borrower": "xai", "commitment": 100.0, "rate": 0.08, "term_years": 2,
            "drawing": {"purchases": purchases, "shortfall": False}}


def test_a_purchase_larger_than_the_tied_credit_takes_the_rest_pro_rata() -> None:
    """$12B of outside cash and $4B of Nvidia equity; the lab buys $8B of Nvidia GPUs and
    a facility from Nvidia pays 5/8 of it ($5B drawn first). The sale takes the $5B of
    credit first, then $3B pro rata from the $16B left, $4B of it Nvidia's: 3 x 4 / 16 =
    $0.75B. Self-funded: $5.75B of $8B (pro rata it would be 8 x 9 / 21 = $3.43B)."""
    units = 8.0 / CONTENT
    res = _run([vendor(CONTENT), _lab(12.0, training=units)], [_equity(4.0), _facility(5 / 8)])
    draws = res.flows()
    drawn = draws[(draws["kind"] == "credit_draw") & (draws["quarter"] == "2025Q4")]
    assert float(drawn["mean"].sum()) == pytest.approx(5.0, rel=1e-12)
    sale, own = _sale(res)
    assert sale == pytest.approx(8.0, rel=1e-12)
    assert own == pytest.approx(5.0 + 3.0 * 4.0 / 16.0, rel=1e-12)
    # the quarter's only sale: the vendor's self-funded share is 5.75 / 8
    share = res.bands("nvidia", "self_funded_share")["mean"].iloc[0]
    assert share == pytest.approx(5.75 / 8.0, rel=1e-9)


def test_equity_tied_to_the_vendor_is_spent_first_and_untied_equity_pro_rata() -> None:
    """$6B of outside cash; Nvidia puts in $2B; the lab buys $4B of Nvidia GPUs. Tied to
    Nvidia hardware (`use_of_proceeds`) the $2B pays first: 2 + 2 x 0 / 6 = $2B. Untied,
    the sale takes its share: 4 x 2 / 8 = $1B."""
    units = 4.0 / CONTENT
    parties = [vendor(CONTENT), _lab(6.0, training=units)]
    tied = _run(parties, [_equity(2.0, use_of_proceeds={"vendor": "nvidia"})])
    untied = _run(parties, [_equity(2.0)])
    for res, own_expected in ((tied, 2.0), (untied, 1.0)):
        sale, own = _sale(res)
        assert sale == pytest.approx(4.0, rel=1e-12)
        assert own == pytest.approx(own_expected, rel=1e-12)


def test_tied_money_beyond_the_purchase_pays_all_of_it_and_no_more() -> None:
    """$4B of outside cash and $6B of Nvidia equity tied to Nvidia hardware; the lab buys
    $4B of GPUs: all of it is Nvidia's money (pro rata: 4 x 6 / 10 = $2.4B)."""
    res = _run([vendor(CONTENT), _lab(4.0, training=4.0 / CONTENT)],
               [_equity(6.0, use_of_proceeds={"vendor": "nvidia"})])
    sale, own = _sale(res)
    assert sale == pytest.approx(4.0, rel=1e-12)
    assert own == pytest.approx(4.0, rel=1e-12)


def test_tied_money_the_payer_no_longer_holds_is_not_spent_first() -> None:
    """Only what the payer still holds of the tied origin goes first. A lab holds $10B of
    other money and draws $5B of Nvidia credit ($15B); it pays $3B elsewhere first, pro
    rata (Nvidia's part 5 x 3 / 15 = $1B), so $4B of Nvidia's money is left of $12B. A
    $6B sale tied to the $5B takes the $4B first, then $2B from the $8B of other money:
    $4B self-funded, not $5B."""
    names = ["customers", "nvidia", "lab"]
    classes = [AccountClass.OUTSIDE, AccountClass.FUNDED, AccountClass.CONSTRAINED]
    draws = types.SimpleNamespace(n=1, sizes=[1])
    prov = Provenance([2], [1], len(names), [1], 1)
    led = Ledger(names, classes, draws, 1, [], [], provenance=prov)  # type: ignore[arg-type]
    prov.start_quarter()
    led.pay(0, 0, 2, "revenue", 10.0)
    led.pay(0, 1, 2, "credit_draw", 5.0)
    led.pay(0, 2, 0, "infrastructure", 3.0)
    led.pay(0, 2, 1, "sale", 6.0, tied=[(1, np.array([5.0]))])
    assert prov.sales[0, 0] == pytest.approx(4.0, rel=1e-12)
    assert prov.tags[0, 0, 0] == pytest.approx(0.0, abs=1e-12)
    assert led.balance[2, 0] == pytest.approx(6.0, rel=1e-12)  # all of it other money now
    led.close_quarter(0, np.zeros((3, 1), dtype=bool))
    assert led.checks.provenance < 1e-12 and led.checks.sum_to_zero < 1e-12
