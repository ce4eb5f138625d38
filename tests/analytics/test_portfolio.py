"""Portfolio credit risk: losses added up over each creditor's claims."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import chipcredit as cc


@pytest.fixture(scope="module")
def res() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=3000, seed=11)


def test_expected_loss_is_the_sum_of_per_deal_expected_losses(res: cc.Result) -> None:
    books = res.to_dict()["portfolios"]
    # creditors whose deals are pure credit (no equity leg in their deal losses)
    for party, deals in (("colossus2-lenders", ["colossus2-spv"]), ("xai-bondholders", ["xai-debt"]),
                         ("amd", ["openai-amd-take-or-pay"])):
        # exact means on both sides: the kept per-path outcomes are float32, and their mean
        # (summed in float32 under NumPy 2's rules) may be an ulp off the exact one
        # (the deal means are over all paths, the book's over the paths on which it holds
        # a claim: Colossus 2 may not close, so the SPV lenders' share held is below 1)
        per_deal = sum(res.mean(f"deal|{d}|{party}|loss") for d in deals)
        book = books[party]
        assert book["expected_loss"] * book["held_share"] == pytest.approx(
            per_deal, rel=1e-12, abs=1e-12)
    assert 0.8 < books["colossus2-lenders"]["held_share"] < 0.95
    assert books["xai-bondholders"]["held_share"] == books["amd"]["held_share"] == 1.0


def test_tail_measures_are_ordered(res: cc.Result) -> None:
    for party, book in res.to_dict()["portfolios"].items():
        assert book["cvar_95"] >= book["var_95"] - 1e-12, party
        assert book["cvar_99"] >= book["var_99"] - 1e-12, party
        assert book["var_99"] >= book["var_95"] - 1e-12, party
        # CVaR comes from the kept per-path losses (float32), the expected loss from exact
        # float64 sums: equal losses on every path may differ by float32 rounding
        assert book["cvar_95"] >= book["expected_loss"] * (1 - 2**-23) - 1e-12, party


def test_var_and_cvar_by_hand(res: cc.Result) -> None:
    loss = res.outcomes["portfolio|xai-bondholders|loss"]
    var = np.quantile(loss, 0.99)
    book = res.to_dict()["portfolios"]["xai-bondholders"]
    assert book["var_99"] == pytest.approx(var)
    # the mean of the worst 1% of the paths (3000 * 0.01 = 30 whole paths)
    assert book["cvar_99"] == pytest.approx(np.sort(loss.astype(np.float64))[-30:].mean())


def test_pd_term_structure_is_cumulative_and_matches_defaults(res: cc.Result) -> None:
    book = res.to_dict()["portfolios"]["xai-bondholders"]
    curve = book["pd_term_structure"]["xai"]
    assert len(curve) == 10
    assert all(b >= a for a, b in itertools.pairwise(curve))
    # the bond is outstanding for its 5 years (quarters 0-19): every default of xAI by then
    # is a default on it, recovered in full or not, and none after it
    dq = res.outcome(None, "xai", "default_quarter")
    for year in range(4):
        assert curve[year] == np.mean((dq >= 0) & (dq < 4 * (year + 1)))
    # in its last quarter (19) the bond is paid off before the default phase, so a default
    # then counts on it only where xAI could not make that final payment
    assert np.mean((dq >= 0) & (dq < 19)) < curve[4] <= np.mean((dq >= 0) & (dq < 20))
    assert curve[9] == curve[4]
    # a loss on some of those defaults only (the estate repays the rest in full)
    losses = book["loss_term_structure"]["xai"]
    assert all(a <= b for a, b in zip(losses, curve, strict=True))
    assert losses[4] < curve[4]


def test_concentration_and_loss_given_default(res: cc.Result) -> None:
    books = res.to_dict()["portfolios"]
    assert books["xai-bondholders"]["hhi"] == pytest.approx(1.0)  # one obligor
    lgd = books["xai-bondholders"]["lgd"]
    assert lgd is None or 0.0 <= lgd <= 1.0 + 1e-9
    # Nvidia lends to xAI (chips on credit) and holds SPV equity leasing to xAI
    assert books["nvidia"]["share_of_exposure_to_labs_also_financed"] == pytest.approx(1.0)
