"""What the dashboard's tables say about their numbers: the partial-statistic mark, the
horizon-mark note and the closed-share note of the CLI and the report, the vendors table's
headers, one path's cash flows in words, and a run's progress reported per stream block
(the numbers unchanged)."""

from __future__ import annotations

import dataclasses
import html
import unicodedata
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("streamlit")

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.tabs.deal_table import deal_notes, deal_table
from chipcredit.dashboard.tabs.deals import cashflow_table
from chipcredit.dashboard.tabs.headline import headline_kpis, kpi_text
from chipcredit.dashboard.tabs.shares import PARTIAL_MARK
from chipcredit.dashboard.tabs.vendor_table import VENDOR_WIDTHS, vendor_columns
from chipcredit.dashboard.text import words
from chipcredit.report.deal_table import deals_table
from chipcredit.report.i18n import catalogue
from chipcredit.report.multiples import MARK_SHOWN, closed_shares


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=300, seed=7)


def _finite_share(result: cc.Result, deal: str, party: str, metric: str) -> float:
    return float(np.isfinite(np.asarray(result.outcome(deal, party, metric), dtype=float)).mean())


def test_a_statistic_over_some_paths_is_marked_with_its_share(result: cc.Result) -> None:
    T = words("en")
    share = _finite_share(result, "nvidia-openai-loi", "nvidia", "moic")
    assert 0 < share < 1  # the LOI closes on some paths only: the MOIC exists on those
    kpis = {(d, p): (m, v) for d, p, m, v in headline_kpis(result)}
    metric, value = kpis[("nvidia-openai-loi", "nvidia")]
    _, shown, tip = kpi_text(T, result, "nvidia-openai-loi", "nvidia", metric, value)
    assert metric == "moic" and shown == T.multiple(value) + PARTIAL_MARK
    assert f"{share * 100:.1f}%" in tip
    # a loan that always closes and always has a MOIC: no mark
    _, loan, _ = kpi_text(T, result, "xai-debt", "xai-bondholders", "moic",
                          kpis[("xai-debt", "xai-bondholders")][1])
    assert not loan.endswith(PARTIAL_MARK)
    table = deal_table(result, T)
    rows = table[(table[T.t("report.col_deal")] == "nvidia-openai-loi")
                 & (table[T.t("report.col_party")] == "Nvidia")].set_index(T.t("report.col_metric"))
    median = T.t("report.col_p50")
    assert str(rows.at[T.label("metric", "moic"), median]).endswith(PARTIAL_MARK)
    assert not str(rows.at[T.label("metric", "npv"), median]).endswith(PARTIAL_MARK)
    notes = deal_notes(result, T)
    # the report's own closed-share note, for each deal that did not close on every path
    closed = closed_shares(result)
    assert closed["nvidia-openai-loi"] == pytest.approx(share)
    for deal, part in closed.items():
        if part < 1:
            assert T.t("report.closed_share", deal=deal, share=f"{part * 100:.1f}%") in notes
    (partial,) = [n for n in notes if n.startswith(PARTIAL_MARK)]
    assert "nvidia-openai-loi · Nvidia: IRR" in partial and f"MOIC {share * 100:.1f}%" in partial


def _with_marks(result: cc.Result, marks: dict[tuple[str, str], float]) -> cc.Result:
    """``result`` with every NPV its own realised NPV (no mark anywhere) but the pairs of
    ``marks``, whose realised NPV is their NPV less that mark ($B) on every path."""
    outcomes = dict(result.outcomes)
    for deal, party in result.deal_parties():
        key = f"deal|{deal}|{party}|"
        if key + "npv_realised" in outcomes:
            npv = np.asarray(outcomes[key + "npv"], dtype=np.float64)
            outcomes[key + "npv"] = npv
            outcomes[key + "npv_realised"] = npv - marks.get((deal, party), 0.0)
    return dataclasses.replace(result, outcomes=outcomes, means={})  # means from the outcomes


def test_the_deal_table_says_its_figures_count_the_horizon_mark(result: cc.Result) -> None:
    """Claims alive at the horizon are marked to model (docs/design.md section 3): where some row's
    NPV counts a mark of at least MARK_SHOWN ($1M), the notes say so in the report's words
    (``report.mark_note``), as the report's deal table and ``chipcredit run`` do; where none
    does, they do not."""
    for lang in ("en", "zh"):
        T = words(lang)
        assert T.t("report.mark_note") in deal_notes(result, T)  # seed-2025's stakes
        assert html.escape(T.t("report.mark_note")) in deals_table(result, catalogue(lang))
    T = words("en")
    pair = ("xai-debt", "xai-bondholders")
    for marks, said in (({}, False), ({pair: 0.5 * MARK_SHOWN}, False),
                        ({pair: 2 * MARK_SHOWN}, True), ({pair: -2 * MARK_SHOWN}, True)):
        crafted = _with_marks(result, marks)
        assert (T.t("report.mark_note") in deal_notes(crafted, T)) is said, marks
        # the report's table decides the same, from the same rule (multiples.mark_counted)
        assert (html.escape(T.t("report.mark_note")) in deals_table(crafted, catalogue("en"))) is said


def _header_px(text: str) -> float:
    """A header's width in Streamlit's grid (Source Sans, 14 px, measured in Chromium:
    "self-funded mean" 108 px, "自筹收入中位数" 98 px): at most 6.8 px a Latin character and
    14 px a wide (CJK) one, plus 8 px of padding each side."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    return 6.8 * (len(text) - wide) + 14 * wide + 16


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_vendor_headers_fit_their_columns_and_the_page(lang: str) -> None:
    columns = vendor_columns(words(lang))
    assert sum(VENDOR_WIDTHS) <= 736  # the page's main column at 1,280 px
    for full, config in columns.items():
        assert config["help"] == full  # the report's header, on hover
        assert _header_px(config["label"]) <= config["width"], (config["label"], config["width"])
    assert any(_header_px(full) > c["width"] for full, c in columns.items())  # why: too long


def test_one_paths_cash_flows_read_in_words(result: cc.Result) -> None:
    T = words("en")
    raw = result.cashflows("colossus2-spv", path=0)
    table = cashflow_table(result, "colossus2-spv", T)
    assert len(table) == len(raw) and "time" not in table.columns and "counted" not in table.columns
    parties = result.scenario.parties
    assert table[T.t("report.col_from")].tolist() == [party_name(p, parties, T) for p in raw["from"]]
    assert "Nvidia" in set(table[T.t("report.col_from")]) and "nvidia" not in set(
        table[T.t("report.col_from")])
    assert set(table[T.t("report.col_kind")]) == {T.label("kind", k) for k in raw["kind"]}
    assert not set(table[T.t("report.col_kind")]) & set(raw["kind"])  # labels, not ids
    counted = table[T.t("dashboard.deals.col_counted")]
    assert (counted == T.t("report.answer_no")).tolist() == (~raw["counted"]).tolist()
    assert table[T.t("dashboard.deals.col_amount")].tolist() == [T.money(a) for a in raw["amount"]]


def test_a_run_reports_progress_per_block_and_keeps_the_numbers() -> None:
    scenario = cc.load_scenario("telecom-2000")
    done: list[int] = []
    paths = 4_097  # two stream blocks of 4,096: one chunk at the library's default
    run = cache.run(cache.scenario_key(scenario), scenario, paths, 11, done.append)
    assert done == [4_096, paths]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        default = cc.simulate(scenario, paths=paths, seed=11)
    pd.testing.assert_frame_equal(run.result.summary(), default.summary())


def test_a_loan_guarantee_kpi_is_the_guarantors_expected_loss() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        telecom = cc.simulate("telecom-2000", paths=200, seed=3)
    kpis = {deal: (party, metric, value) for deal, party, metric, value in headline_kpis(telecom)}
    party, metric, value = kpis["lucent-guarantee-peer-1"]
    assert (party, metric) == ("lucent", "loss")  # the guarantor, not the bank it makes whole
    loss = np.asarray(telecom.outcome("lucent-guarantee-peer-1", "lucent", "loss"), dtype=float)
    assert value == pytest.approx(float(loss.mean())) and 0 < value
    assert float(np.median(loss)) == 0  # called on some paths only: a median would say 0
    T = words("en")
    label, shown, _ = kpi_text(T, telecom, "lucent-guarantee-peer-1", "lucent", metric, value)
    assert label == "Lucent Technologies · lucent-guarantee-peer-1: expected loss"
    assert shown == T.money(value)


def test_a_deal_that_closed_on_some_paths_gives_its_loss_odds_given_it_closed(
        result: cc.Result) -> None:
    """Report finding 2: the LOI row read MOIC 1.8x* (over the 28% of paths on which it
    closed) beside P(deal loss > 0) 9.1% (over all paths); given it closed, 33%. By hand:
    300 paths, the LOI closed on the first 100 (every party's cash out 1 there, 0 elsewhere),
    Nvidia's deal loss above 0 on the first 25: 25 / 100 = 25% given it closed (8.3% of all
    paths). The report's deals table and the dashboard's notes say it, after the
    closed-share note, which says the table's NPV and loss are over all paths."""
    outcomes = dict(result.outcomes)
    closed = (np.arange(result.paths) < 100).astype(float)
    for key in outcomes:
        if key.startswith("deal|nvidia-openai-loi|") and key.endswith(("|cash_in", "|cash_out")):
            outcomes[key] = closed if key.endswith("|cash_out") else np.zeros(result.paths)
    outcomes["deal|nvidia-openai-loi|nvidia|loss"] = (np.arange(result.paths) < 25).astype(float)
    fake = dataclasses.replace(result, outcomes=outcomes)
    given = ("Given nvidia-openai-loi closed (for each party, over the paths on which the deal "
             "closed: those of its starred IRR and MOIC), P(deal loss > 0) is Nvidia 25%; "
             "OpenAI 0%.")  # every party, the investee (no MOIC) too, over the closed paths
    T = words("en")
    notes = deal_notes(fake, T)
    at = notes.index(T.t("report.closed_share", deal="nvidia-openai-loi", share="33.3%"))
    assert notes[at + 1] == given
    assert "this table's NPV percentiles and P(deal loss > 0) are over all paths" in notes[at]
    assert html.escape(given) in deals_table(fake, catalogue("en"))
    zh = ("以 nvidia-openai-loi 成交为条件（每个参与方均只计该交易成交的路径，"
          "即带星号的内部收益率和资金倍数所用的路径），"
          f"交易亏损概率为 Nvidia 25%{catalogue('zh').t('report.item_separator')}OpenAI 0%。")
    assert html.escape(zh) in deals_table(fake, catalogue("zh"))
