"""Every headline mean and probability of a run carries its Monte Carlo standard error: in
`describe` and the JSON summary (``mean_se``, ``*_probability_se``), in `Result.summary`
(``se``), and after a ``±`` in ``chipcredit run``'s tables, the HTML report and the
dashboard, with a note that says what ± is. Each s.e. is recomputed here by hand from the
per-path outcomes."""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

import numpy as np
import pytest
from rich.console import Console
from tests.deals._build import lab, scenario, vendor

import chipcredit as cc
from chipcredit.analytics.irr_stats import describe_irr
from chipcredit.analytics.stats import describe, mean_se, share_se
from chipcredit.analytics.valuation import REASONS
from chipcredit.cli.deal_table import deals_table
from chipcredit.cli.party_table import can_default, parties_table
from chipcredit.report.i18n import catalogue
from chipcredit.report.monte_carlo_error import money_error, points_error, share_error

NOTE = catalogue("en").t("report.mc_error_note")
CODE = {name: code for code, name in REASONS.items()}


def _run(spec: cc.Scenario | str, **kwargs: Any) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # paths without an IRR
        return cc.simulate(spec, **kwargs)


@pytest.fixture(scope="module")
def loan() -> cc.Result:
    """A $10B two-year bullet loan at 10% that closes on about half of 400 paths, to a lab
    that always pays: the lender's NPV is one value where it closed and 0 elsewhere."""
    deal = {"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai",
            "amount": 10.0, "rate": 0.1, "term_years": 2, "amortisation": "bullet",
            "close_probability": 0.5}
    parties = [vendor(), lab(), {"id": "apollo", "kind": "lender", "discount_rate": 0.09}]
    return _run(cc.load_scenario(scenario(parties, [deal], horizon=12)), paths=400, seed=11)


@pytest.fixture(scope="module")
def seed() -> cc.Result:
    return _run("seed-2025", paths=200, seed=0)


def _by_hand(values: np.ndarray) -> float:
    """s / sqrt(n), s with n - 1 in its denominator, written out."""
    x = [float(v) for v in values if math.isfinite(float(v))]
    n = len(x)
    mean = sum(x) / n
    return math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1)) / math.sqrt(n)


def test_mean_se_is_the_sample_sd_over_root_n() -> None:
    # 1, 2, 3, 4: squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, s^2 = 5/3, se = s/2
    assert mean_se(np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(math.sqrt(5 / 3) / 2, rel=1e-15)
    assert mean_se(np.array([1.0, np.nan, 3.0, np.inf])) == pytest.approx(math.sqrt(2) / math.sqrt(2))
    assert mean_se(np.array([7.0])) is None and mean_se(np.array([np.nan, 1.0])) is None
    stats = describe(np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32))
    assert stats["mean_se"] == pytest.approx(math.sqrt(5 / 3) / 2, rel=1e-7)
    assert describe(np.array([np.nan]))["mean_se"] is None


def test_share_se_is_root_p_one_minus_p_over_n() -> None:
    assert share_se(0.676, 1000) == pytest.approx(math.sqrt(0.676 * 0.324 / 1000), rel=1e-15)
    assert share_se(0.25, 400) == pytest.approx(math.sqrt(0.1875 / 400), rel=1e-15)
    assert share_se(0.5, 1) is None and share_se(None, 1000) is None
    assert share_se(0.0, 1000) == 0.0


def test_the_loan_npv_se_is_the_two_valued_formula(loan: cc.Result) -> None:
    npv = loan.outcome("loan", "apollo", "npv").astype(np.float64)
    closed = loan.outcome("loan", "apollo", "cash_out") > 0
    value = float(npv[closed][0])
    assert np.allclose(npv[closed], value) and np.all(npv[~closed] == 0.0)
    p, n = float(closed.mean()), npv.size
    # a value v on a share p of n paths, 0 elsewhere: s^2 = v^2 p (1 - p) n / (n - 1)
    want = abs(value) * math.sqrt(p * (1 - p) * n / (n - 1)) / math.sqrt(n)
    stats = loan.to_dict()["deals"]["loan"]["parties"]["apollo"]
    assert stats["npv"]["mean_se"] == pytest.approx(want, rel=1e-6)
    assert stats["npv"]["mean_se"] == pytest.approx(_by_hand(npv), rel=1e-9)
    table = loan.summary().set_index(["deal", "party", "metric"])
    assert table.loc[("loan", "apollo", "npv"), "se"] == stats["npv"]["mean_se"]
    # the MOIC is over the closed paths only, all 1.2: no spread, an s.e. of 0
    assert stats["moic"]["mean_se"] == pytest.approx(0.0, abs=1e-6)


def test_probabilities_and_means_carry_their_se_in_json_and_summary(seed: cc.Result) -> None:
    data = seed.to_dict()
    table = seed.summary().set_index(["deal", "party", "metric"])
    for party in ("xai", "openai", "coreweave"):
        p = float(np.mean(seed.outcome(None, party, "default_quarter") >= 0))
        want = math.sqrt(p * (1 - p) / 200)
        assert data["parties"][party]["default_probability_se"] == pytest.approx(want, rel=1e-12)
        assert table.loc[(None, party, "default_probability"), "se"] == pytest.approx(want, rel=1e-12)
        cash = seed.outcome(None, party, "cash_end")
        assert data["parties"][party]["cash_end"]["mean_se"] == pytest.approx(_by_hand(cash), rel=1e-9)
    for deal, party in (("colossus2-spv", "nvidia"), ("nvidia-openai-loi", "nvidia")):
        for metric in ("npv", "loss"):
            values = seed.outcome(deal, party, metric)
            got = data["deals"][deal]["parties"][party][metric]["mean_se"]
            assert got == pytest.approx(_by_hand(values), rel=1e-9), (deal, metric)
            assert table.loc[(deal, party, metric), "se"] == got
    # a party that cannot default has its JSON 0.0, and no s.e.: nothing is measured
    assert data["parties"]["nvidia"]["default_probability"] == 0.0
    assert data["parties"]["nvidia"]["default_probability_se"] is None
    # an SPV's odds are over the paths on which it closed, and so is their s.e.
    spv = data["spvs"]["colossus2-spv"]
    closed = round(spv["closed_share"] * 200)
    impaired = spv["debt_impairment_probability"]
    assert spv["debt_impairment_probability_se"] == pytest.approx(
        math.sqrt(impaired * (1 - impaired) / closed), rel=1e-12)


def test_the_base_case_has_no_standard_error() -> None:
    base = _run("seed-2025", deterministic=True)
    data = base.to_dict()
    assert data["parties"]["xai"]["default_probability_se"] is None
    assert data["deals"]["colossus2-spv"]["parties"]["nvidia"]["npv"]["mean_se"] is None
    assert base.summary()["se"].isna().all()


def test_an_irr_mean_over_paths_below_the_bracket_has_its_se_over_the_same_values() -> None:
    irr = np.array([0.1, 0.2, 0.3, np.nan, np.nan])
    reason = np.array([CODE["ok"], CODE["ok"], CODE["ok"], CODE["below_bracket"],
                       CODE["no_sign_change"]], dtype=np.float64)
    out = describe_irr(irr, reason, np.ones(5, dtype=bool))
    # the mean counts the path below at -100%: 0.1, 0.2, 0.3, -1.0
    assert out["mean"] == pytest.approx(-0.1, abs=1e-15)
    assert out["mean_se"] == pytest.approx(_by_hand(np.array([0.1, 0.2, 0.3, -1.0])), rel=1e-12)
    above = reason.copy()
    above[3] = CODE["above_bracket"]
    assert describe_irr(irr, above, np.ones(5, dtype=bool))["mean_se"] is None


def test_the_error_texts() -> None:
    assert (points_error(0.014799), points_error(0.00059), points_error(0.0)) == ("±1.5", "±0.059", "")
    assert (money_error(0.0246), money_error(0.0042), money_error(None)) == ("±0.02", "±0.0042", "")
    assert share_error(0.676, 1000) == "±1.5" and share_error(0.676, None) == ""


def _text(table: Any) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text()


def test_the_cli_tables_write_each_headline_with_its_se(seed: cc.Result) -> None:
    rows = seed.summary().to_dict("records")
    parties = [(p.id, p.kind) for p in seed.scenario.parties]
    text = _text(parties_table(rows, parties, "x", can_default(seed.scenario.parties)))
    p = float(np.mean(seed.outcome(None, "xai", "default_quarter") >= 0))
    se_points = math.sqrt(p * (1 - p) / 200) * 100
    line = next(line for line in text.splitlines() if line.startswith("│ xai "))
    assert f"{p * 100:.1f}% ±{se_points:.1f}" in line
    assert " ".join(NOTE.split()) in " ".join(text.split())
    loss = seed.outcome("colossus2-spv", "nvidia", "loss").astype(np.float64)
    share = float(np.mean(loss > 0))
    kinds = {d.id: d.kind for d in seed.scenario.deals}
    p_loss = {(d, q): float(np.mean(seed.outcome(d, q, "loss") > 0)) for d, q in seed.deal_parties()}
    text = _text(deals_table(rows, kinds, p_loss, "x", paths=200))
    row = next(line for line in text.splitlines() if line.startswith("│ colossus2-spv "))
    assert f"{loss.mean():.2f} ±{_by_hand(loss):.2f}" in row
    assert f"{share * 100:.1f}% ±{math.sqrt(share * (1 - share) / 200) * 100:.1f}" in row
    # the mark line of the LOI: its mean NPV with its s.e. and its median
    npv = seed.outcome("nvidia-openai-loi", "nvidia", "npv").astype(np.float64)
    assert (f"mean NPV {seed.mean('deal|nvidia-openai-loi|nvidia|npv'):.2f} "
            f"±{_by_hand(npv):.2f} (one s.e.; median {np.median(npv):.2f})") in " ".join(text.split())
    assert " ".join(NOTE.split()) in " ".join(text.split())
    # a row whose loss is 0 on every path shows no ± (no path differs)
    xai = next(line for line in text.splitlines() if "│ xai " in line and "-" in line)
    assert "±" not in xai


def test_the_report_writes_the_same_se(seed: cc.Result) -> None:
    from chipcredit.report.deal_table import deals_table as report_deals
    from chipcredit.report.tables import parties_table as report_parties

    cat = catalogue("en")
    p = float(np.mean(seed.outcome(None, "xai", "default_quarter") >= 0))
    html = report_parties(seed, cat)
    assert f"{cat.path_share(p)} {share_error(p, 200)}" in html
    assert "± is one Monte Carlo standard error" in html
    loss = seed.outcome("colossus2-spv", "nvidia", "loss")
    share = float(np.mean(loss > 0))
    assert f"{cat.path_share(share)} {share_error(share, 200)}" in report_deals(seed, cat)
