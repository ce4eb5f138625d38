"""A deal that may not close reports its parties' NPV and deal loss given it closed
(``deals.DEAL.closed_share``, ``closed_share_se`` and ``given_closed`` in the JSON summary,
`chipcredit.analytics.deal_closed`), beside the figures over all paths, which count the
unclosed paths as 0. Checked by hand on a loan that closes with probability 0.5 and whose
borrower cannot default (its NPV to the lender is one number on every closed path), and for
which of seed-2025's deals the fields appear."""

from __future__ import annotations

import html
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml

import chipcredit as cc
from chipcredit.analytics.deal_closed import deal_closed, given_closed

LOAN = Path(__file__).parents[1] / "fixtures_credit" / "minimal-loan.yaml"


@pytest.fixture(scope="module")
def loan() -> cc.Result:
    """minimal-loan.yaml with the lab holding $500B of cash (it never defaults on the $3B
    loan) and the loan closing with probability 0.5; 400 paths, seed 3."""
    data = yaml.safe_load(LOAN.read_text(encoding="utf-8"))
    data["parties"][1]["cash"] = 500
    data["deals"][0]["close_probability"] = 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(cc.load_scenario(data), paths=400, seed=3)


@pytest.fixture(scope="module")
def seed_2025() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(cc.load_scenario("seed-2025"), paths=500, seed=11)


def test_a_loan_that_closes_on_half_the_paths_by_hand(loan: cc.Result) -> None:
    # by hand: $3B lent at 11% a year (2.75% a quarter), 16 level payments in arrears,
    # discounted at the bank's 8% effective annual rate
    i, n = 0.11 / 4, 16
    payment = 3 * i / (1 - (1 + i) ** -n)
    by_hand = -3 + sum(payment / 1.08 ** (t / 4) for t in range(1, n + 1))
    assert by_hand == pytest.approx(0.1956373243641245, abs=1e-15)
    moved = (loan.outcome("term-loan", "bank", "cash_out") > 0) | \
        (loan.outcome("term-loan", "bank", "cash_in") > 0)
    deal = loan.to_dict()["deals"]["term-loan"]
    assert deal["closed_share"] == moved.mean() and 0.4 < moved.mean() < 0.6
    assert deal["closed_share_se"] == pytest.approx(
        np.sqrt(moved.mean() * (1 - moved.mean()) / 400), abs=1e-15)
    bank = deal["given_closed"]["bank"]
    for stat in ("mean", "p05", "p50", "p95"):  # every closed path has the loan's NPV
        assert bank["npv"][stat] == pytest.approx(by_hand, rel=1e-6)
    assert bank["loss"]["mean"] == 0.0 and bank["loss_probability"] == 0.0
    assert bank["loss_probability_se"] == 0.0
    # over all paths the unclosed half counts 0: the mean is the closed share times it
    whole = deal["parties"]["bank"]["npv"]
    assert whole["mean"] == pytest.approx(moved.mean() * by_hand, rel=1e-6)
    assert whole["p05"] == 0.0 and "given_closed" not in deal["parties"]["bank"]
    assert bank["npv"]["mean"] == pytest.approx(whole["mean"] / deal["closed_share"], rel=1e-12)


def test_given_closed_by_hand() -> None:
    # five paths, closed on the first four; the loss above 0 on two of them
    closed = np.array([True, True, True, True, False])
    npv = np.array([1.0, -2.0, 3.0, 6.0, 0.0])
    loss = np.array([0.0, 2.5, 0.0, 0.5, 0.0])
    out = given_closed(npv, loss, closed, npv_mean=8.0 / 5)
    assert out["npv"]["mean"] == pytest.approx(2.0, abs=1e-15)  # (8 / 5) / (4 / 5)
    assert out["npv"]["p50"] == 2.0  # the median of -2, 1, 3, 6
    assert out["loss"]["mean"] == 0.75
    assert out["loss_probability"] == 0.5
    assert out["loss_probability_se"] == pytest.approx(np.sqrt(0.5 * 0.5 / 4), abs=1e-15)
    # an NPV that is not 0 where the deal did not close: the closed paths are averaged
    npv[4] = 100.0
    assert given_closed(npv, loss, closed, npv_mean=108.0 / 5)["npv"]["mean"] == 2.0


def _deal(id: str, chance: float) -> SimpleNamespace:
    return SimpleNamespace(id=id, close_probability=SimpleNamespace(dist="fixed", value=chance))


def test_which_deals_have_the_fields() -> None:
    outcomes = {"deal|loi|vendor|cash_out": np.array([0.0, 0.0]),
                "deal|loi|vendor|npv": np.array([0.0, 0.0]),
                "deal|loi|vendor|loss": np.array([0.0, 0.0]),
                "deal|top|vendor|cash_out": np.array([0.0, 1.0]),
                "deal|top|vendor|npv": np.array([0.0, -1.0]),
                "deal|top|vendor|loss": np.array([0.0, 0.0])}
    deals = [_deal("loi", 0.5), _deal("top", 1.0)]
    # closed on none: a share of 0 and no figures
    assert deal_closed(deals, "loi", outcomes) == {
        "closed_share": 0.0, "closed_share_se": 0.0,
        "given_closed": {"vendor": {
            "npv": dict.fromkeys(("mean", "mean_se", "p05", "p50", "p95")),
            "loss": dict.fromkeys(("mean", "mean_se", "p05", "p50", "p95")),
            "loss_probability": None, "loss_probability_se": None}}}
    # a deal that always closes (a take-or-pay that paid nothing on a path): none
    assert deal_closed(deals, "top", outcomes) is None
    outcomes["deal|loi|vendor|cash_out"] = np.array([1.0, 1.0])  # closed on every path
    assert deal_closed(deals, "loi", outcomes) is None


def test_seed_2025_the_letter_of_intent_and_the_spv_have_them(seed_2025: cc.Result) -> None:
    deals = seed_2025.to_dict()["deals"]
    have = [d for d, entry in deals.items() if "closed_share" in entry]
    assert have == ["colossus2-spv", "nvidia-openai-loi"]  # close_probability not a fixed 1
    for entry in deals.values():
        assert ("given_closed" in entry) == ("closed_share" in entry) == \
            ("closed_share_se" in entry)
    # the take-or-pay moves money on under a fifth of the paths, but it always closes
    assert "closed_share" not in deals["openai-amd-take-or-pay"]
    loi = deals["nvidia-openai-loi"]
    assert set(loi["given_closed"]) == set(loi["parties"]) == {"nvidia", "openai"}
    nvidia = loi["given_closed"]["nvidia"]
    npv = seed_2025.outcome("nvidia-openai-loi", "nvidia", "npv").astype(np.float64)
    loss = seed_2025.outcome("nvidia-openai-loi", "nvidia", "loss")
    closed = npv != 0  # here: no closed path has an NPV of exactly 0
    assert loi["closed_share"] == closed.mean() and 0.15 < closed.mean() < 0.45
    assert loi["parties"]["nvidia"]["npv"]["p50"] == 0.0  # over all paths, most of them 0
    assert nvidia["npv"]["p50"] == pytest.approx(np.median(npv[closed]), rel=1e-12)
    assert nvidia["npv"]["mean"] == pytest.approx(npv[closed].mean(), rel=1e-6)  # float32 kept
    assert nvidia["loss_probability"] == np.mean(loss[closed] > 0)


def test_the_base_case_letter_of_intent_did_not_close() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        base = cc.simulate(cc.load_scenario("seed-2025"), deterministic=True)
    loi = base.to_dict()["deals"]["nvidia-openai-loi"]
    assert loi["closed_share"] == 0.0 and loi["closed_share_se"] is None  # one path
    assert loi["given_closed"]["nvidia"]["npv"]["mean"] is None


def test_the_report_notes_the_npv_given_it_closed(loan: cc.Result) -> None:
    """The HTML report's deals table (and the dashboard's notes, from the same function)
    read the JSON's figures given the loan closed, in English and Chinese."""
    from chipcredit.report.deal_table import closed_npv_note, deals_table
    from chipcredit.report.i18n import catalogue

    npv = loan.to_dict()["deals"]["term-loan"]["given_closed"]["bank"]["npv"]
    assert npv["mean_se"] == 0.0  # one NPV on every closed path: no ± shown
    en, zh = catalogue("en"), catalogue("zh")
    # every party the JSON gives, the borrower too (review finding 8)
    lab = loan.to_dict()["deals"]["term-loan"]["given_closed"]["lab-a"]["npv"]
    assert closed_npv_note(loan, "term-loan", en, lambda p: p) == (
        "Given term-loan closed, the mean NPV (at the party's discount rate, over the same "
        f"paths) is bank {en.money(npv['mean'])} (median {en.money(npv['p50'])}); "
        f"lab-a {en.money(lab['mean'])} (median {en.money(lab['p50'])}).")
    assert en.money(npv["mean"]) == "$0.196B" and en.money(lab["mean"]) == "-$0.08B"
    assert html.escape(closed_npv_note(loan, "term-loan", zh) or "") in deals_table(loan, zh)
    assert closed_npv_note(loan, "term-loan", zh, lambda p: p) == (
        "以 term-loan 成交为条件（同一组路径，按该参与方的贴现率），平均净现值为 bank "
        f"{zh.money(npv['mean'])}（中位数 {zh.money(npv['p50'])}）"
        f"{zh.t('report.item_separator')}lab-a {zh.money(lab['mean'])}"
        f"（中位数 {zh.money(lab['p50'])}）。")


def test_the_report_note_carries_the_mean_s_e(seed_2025: cc.Result) -> None:
    from chipcredit.report.deal_table import closed_npv_note
    from chipcredit.report.i18n import catalogue
    from chipcredit.report.monte_carlo_error import money_error

    en = catalogue("en")
    given = seed_2025.to_dict()["deals"]["nvidia-openai-loi"]["given_closed"]
    npv, investee = given["nvidia"]["npv"], given["openai"]["npv"]
    # the investee too, as the JSON gives it (review finding 8)
    assert closed_npv_note(seed_2025, "nvidia-openai-loi", en, lambda p: p) == (
        "Given nvidia-openai-loi closed, the mean NPV (at the party's discount rate, over the "
        f"same paths) is nvidia {en.money(npv['mean'])} {money_error(npv['mean_se'], en)} "
        f"(median {en.money(npv['p50'])}); openai {en.money(investee['mean'])} "
        f"{money_error(investee['mean_se'], en)} (median {en.money(investee['p50'])}).")
    assert money_error(npv["mean_se"], en).startswith("±")
