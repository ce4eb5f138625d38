"""What ``loan_guarantee`` deals pay a claim holder, beside its credit loss (JSON
``portfolios``' ``guarantee_received`` and ``expected_loss_net_of_guarantees``, the report's
credit note and ``chipcredit run``'s credit table; r-report finding 4).

telecom-2000 with the banks' loans at a fixed 9% and Lucent's guarantees covering half of
what is written off (400 paths, seed 7), so the guarantee's present value is found by hand
from the run's flows: each quarter's ``guarantee_payment`` from Lucent to the banks,
discounted at 9% / 4 a quarter from the end of the quarter it is paid.
"""

from __future__ import annotations

import warnings
from importlib.resources import files

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.analytics.result import Result
from chipcredit.cli.credit_tables import holders_table
from chipcredit.cli.formats import money
from chipcredit.report.credit import credit_blocks
from chipcredit.report.i18n import catalogue
from chipcredit.scenario.loader import parse_scenario_text

RATE = 0.09
PATHS = 400


@pytest.fixture(scope="module")
def run() -> Result:
    text = (files("chipcredit") / "scenarios" / "telecom-2000.yaml").read_text()
    fixed = text.replace(
        'rate: {dist: triangular, low: 0.08, mode: 0.09, high: 0.1, source: "assumed: '
        'guaranteed bank debt", basis: assumed}', f'rate: {{value: {RATE}, source: "test", '
        'basis: assumed}').replace(
        'cover: {value: 1.0, source: "assumed: a full guarantee of the drawn loans", basis: '
        'assumed}', 'cover: {value: 0.5, source: "test", basis: assumed}')
    assert fixed.count(f"rate: {{value: {RATE}") == 1 and fixed.count("cover: {value: 0.5") == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cc.simulate(parse_scenario_text(fixed), PATHS, 7)


def _by_hand(res: Result) -> float:
    """Mean over the paths of the guarantee payments to the banks, PV at the start."""
    flows = np.asarray(res.flow_reservoir[("lucent", "banks", "guarantee_payment")],
                       dtype=np.float64)  # (quarters, paths): every path of 400 is kept
    assert flows.shape[1] == PATHS
    quarter = np.arange(flows.shape[0])[:, None]
    return float((flows * (1 + RATE / 4) ** -(quarter + 1.0)).sum(axis=0).mean())


def test_guarantee_received_is_the_pv_of_the_payments_and_nets_the_expected_loss(
        run: Result) -> None:
    banks = run.to_dict()["portfolios"]["banks"]
    assert banks["held_share"] == 1.0
    received = _by_hand(run)
    assert received > 0.1  # the guarantees are called on this run
    assert banks["guarantee_received"] == pytest.approx(received, rel=1e-6)
    assert banks["expected_loss_net_of_guarantees"] == pytest.approx(
        banks["expected_loss"] - received, rel=1e-6)
    # the credit loss itself is still the borrower's, guarantee or not
    assert banks["expected_loss"] == pytest.approx(run.mean("portfolio|banks|loss"))
    # half of each write-off is paid, and the loss is the write-off's PV: half is left
    assert banks["expected_loss_net_of_guarantees"] == pytest.approx(
        banks["expected_loss"] / 2, rel=1e-9)
    # a book that no guarantee covers has neither figure
    assert run.to_dict()["portfolios"]["lucent"]["guarantee_received"] is None
    assert run.to_dict()["portfolios"]["lucent"]["expected_loss_net_of_guarantees"] is None


def test_report_notes_what_the_guarantor_paid(run: Result) -> None:
    banks = run.to_dict()["portfolios"]["banks"]
    en, zh = catalogue("en"), catalogue("zh")
    notes = {lang: [b.text for b in credit_blocks(run, cat) if b.kind == "note"]
             for lang, cat in (("en", en), ("zh", zh))}
    assert (
        "Guarantees: a guaranteed claim's credit loss is counted against its borrower, as "
        "every credit loss is, so the expected loss above does not subtract what the "
        "guarantor pays the holder when the borrower defaults: Banks lending to carriers "
        f"under Lucent's guarantees received {en.money(banks['guarantee_received'])} from the "
        "guarantees of Lucent Technologies (the payments discounted to the start at the "
        "guaranteed loans' rates from the end of the default quarter, as the credit loss is, "
        "mean over the same paths), so its expected loss net of the guarantees is "
        f"{en.money(banks['expected_loss_net_of_guarantees'])}.") in notes["en"]
    assert (
        "担保：有担保债权的信用损失与所有信用损失一样以其借款人为对象计算，因此上表的预期损失未扣除"
        f"借款人违约时担保人向持有人支付的款项：banks 从 lucent 的担保中收到 "
        f"{zh.money(banks['guarantee_received'])}（担保付款按被担保贷款的利率自违约季度末折现到起点，"
        "与信用损失相同，在相同路径上取平均），因此扣除担保后的预期损失为 "
        f"{zh.money(banks['expected_loss_net_of_guarantees'])}。") in notes["zh"]


def test_run_credit_table_says_what_the_guarantor_paid(run: Result) -> None:
    books = run.to_dict()["portfolios"]
    caption = str(holders_table(books).caption)  # type: ignore[union-attr]
    banks = books["banks"]
    assert (
        "Guarantees: a guaranteed claim's credit loss is counted against its borrower, so "
        "the expected loss does not subtract what a loan_guarantee deal's guarantor pays the "
        "holder (PV at the guaranteed loan's rate, over the same paths): banks received "
        f"{money(banks['guarantee_received'])} from guarantees, so its expected loss net of "
        f"them is {money(banks['expected_loss_net_of_guarantees'])}.") in caption
    # no guarantee, no sentence
    unguaranteed = {k: v for k, v in books.items() if k != "banks"}
    assert "Guarantees:" not in str(holders_table(unguaranteed).caption)  # type: ignore[union-attr]
