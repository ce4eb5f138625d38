"""An SPV's credit figures and its lender's book are over the paths on which the SPV closed
(the only ones on which its debt exists), with the share closed beside them: a credit
officer buying the debt buys it given the deal closed. Checked by hand from the per-path
outcomes of a run in which the SPV of tests/fixtures_credit/neocloud-spv.yaml closes with
probability 0.6; a deal's NPV stays over all paths (docs/design.md section 2a)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import chipcredit as cc

SPV = Path(__file__).parents[1] / "fixtures_credit" / "neocloud-spv.yaml"


@pytest.fixture(scope="module")
def res(tmp_path_factory: pytest.TempPathFactory) -> cc.Result:
    text = SPV.read_text(encoding="utf-8").replace(
        "    kind: spv_lease\n", "    kind: spv_lease\n    close_probability: 0.6\n", 1)
    path = tmp_path_factory.mktemp("close") / "spv-may-close.yaml"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(str(path), paths=400, seed=7)


def _closed(res: cc.Result) -> np.ndarray:
    """By hand: the paths on which a party of the SPV paid or received money in it."""
    moved = np.zeros(res.paths, dtype=bool)
    for party in ("sponsor", "fund", "lab-a"):
        for flow in ("cash_in", "cash_out"):
            moved |= res.outcome("gpu-spv", party, flow) > 0
    return moved


def test_spv_figures_are_over_the_paths_on_which_it_closed(res: cc.Result) -> None:
    closed = _closed(res)
    spv = res.to_dict()["spvs"]["gpu-spv"]
    assert spv["closed_share"] == closed.mean()
    assert 0.5 < closed.mean() < 0.7
    # the lessee's default in a quarter of the 16-quarter lease from the start (quarter 0)
    dq = res.outcome(None, "lab-a", "default_quarter")
    in_lease = (dq >= 0) & (dq < 16)
    assert spv["lessee_default_probability"] == pytest.approx(in_lease[closed].mean(), abs=1e-15)
    # over all paths it would read lower by the share closed: no claim, no default counted
    all_paths = float(np.mean(res.outcomes["spv|gpu-spv|lessee_default"], dtype=np.float64))
    assert all_paths == pytest.approx(spv["lessee_default_probability"] * closed.mean(), abs=1e-15)
    assert all_paths < spv["lessee_default_probability"]
    loss = res.outcomes["spv|gpu-spv|debt_loss"].astype(np.float64)
    assert (loss[~closed] == 0).all()  # no debt drawn, nothing lost
    assert spv["debt_impairment_probability"] == pytest.approx((loss[closed] > 0).mean(), abs=1e-15)
    assert 0 < spv["debt_impairment_probability"] < 1
    assert spv["debt_loss"]["mean"] == pytest.approx(loss[closed].mean(), rel=1e-6)
    assert spv["debt_loss"]["p95"] == pytest.approx(np.quantile(loss[closed], 0.95), rel=1e-12)
    # a deal's NPV stays over all paths: 0 where it never closed
    npv = res.outcome("gpu-spv", "fund", "npv")
    assert (npv[~closed] == 0).all()
    assert res.to_dict()["deals"]["gpu-spv"]["parties"]["fund"]["npv"]["mean"] == pytest.approx(
        float(np.mean(npv, dtype=np.float64)), rel=1e-6)


def test_the_lenders_book_is_over_the_paths_on_which_it_holds_the_debt(res: cc.Result) -> None:
    closed = _closed(res)
    book = res.to_dict()["portfolios"]["fund"]
    assert book["held_share"] == closed.mean()
    assert book["held_share_by_obligor"] == {"gpu-spv": closed.mean()}
    # PD by year: the SPV failing to repay the fund, over the paths on which it holds the debt
    dq = res.outcomes["portfolio|fund|default_quarter|gpu-spv"][closed]
    curve = [float(np.mean((dq >= 0) & (dq < 4 * (y + 1)))) for y in range(6)]
    assert book["pd_term_structure"] == {"gpu-spv": curve}
    assert curve[-1] > 0
    lost = res.outcomes["portfolio|fund|loss|gpu-spv"][closed] > 0
    assert book["loss_term_structure"] == {
        "gpu-spv": [float(np.mean((dq >= 0) & (dq < 4 * (y + 1)) & lost)) for y in range(6)]}
    loss = res.outcomes["portfolio|fund|loss"].astype(np.float64)
    assert book["expected_loss"] == pytest.approx(loss[closed].mean(), rel=1e-6)
    assert book["expected_loss"] * book["held_share"] == pytest.approx(
        res.mean("deal|gpu-spv|fund|loss"), rel=1e-12)
    assert book["var_95"] == float(np.quantile(loss[closed], 0.95))
    assert book["loss"]["p50"] == pytest.approx(float(np.median(loss[closed])), rel=1e-12)
    # EAD and LGD are over the paths with a default, all of them closed: unchanged
    ead = res.outcomes["portfolio|fund|ead|gpu-spv"].astype(np.float64)
    hit = ead > 0
    assert not (hit & ~closed).any()
    assert book["ead"] == pytest.approx(ead[hit].mean(), rel=1e-12)
    ead_pv = res.outcomes["portfolio|fund|ead_pv|gpu-spv"].astype(np.float64)
    assert book["ead_pv"] == pytest.approx(ead_pv[hit].mean(), rel=1e-12)
    assert book["pd"] == curve[-1]
    # expected loss = PD x LGD x EAD valued at the start, all of a claim that exists (the
    # nominal EAD at the default quarter is larger: it is not discounted)
    assert book["expected_loss"] == pytest.approx(curve[-1] * book["lgd"] * book["ead_pv"],
                                                  rel=1e-6)
    assert book["ead_pv"] < book["ead"]


def test_a_paired_run_pairs_the_spv_figures_over_the_paths_closed_in_both(res: cc.Result) -> None:
    from chipcredit.experiments.paired import paired_differences

    table = paired_differences(res, res)
    row = table[(table["deal"] == "gpu-spv") & (table["metric"] == "lessee_default_probability")]
    spv = res.to_dict()["spvs"]["gpu-spv"]
    assert row["base"].item() == spv["lessee_default_probability"]
    assert row["paths"].item() == int(_closed(res).sum())
    el = table[table["deal"].isna() & (table["party"] == "fund")
               & (table["metric"] == "expected_loss")]
    assert el["base"].item() == res.to_dict()["portfolios"]["fund"]["expected_loss"]
    assert el["paths"].item() == int(_closed(res).sum())
