"""The overview's credit section and the deal table's P(loss > 0), driven through AppTest.

Who loses if a lab defaults: each holder of claims (PD, expected loss, EAD, LGD, VaR and
CVaR, the share of paths on which it holds a claim) and each SPV (P(lessee default during
the lease), P(debt impaired), the share of paths on which it closed), with the numbers of
the run's JSON summary (``portfolios``, ``spvs``), as the HTML report writes them, in
English and Chinese; and the CLI's P(loss > 0) in the overview's deal table.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

pytest.importorskip("streamlit")
pytest.importorskip("plotly")

from streamlit.testing.v1 import AppTest

import chipcredit as cc
from chipcredit.analytics.portfolio import MIN_TAIL_PATHS
from chipcredit.dashboard.launcher import APP_SCRIPT
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.tabs.shares import path_share_text
from chipcredit.dashboard.text import words
from chipcredit.report.credit import TAIL_MARK
from chipcredit.report.theme import display_name

PATHS = 200
SEED = 3


def _page(lang: str) -> AppTest:
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    at.run()
    if lang != "en":
        at.sidebar.radio(key="lang").set_value(lang).run()
    at.sidebar.number_input(key="paths").set_value(PATHS)
    at.sidebar.text_input(key="seed").input(str(SEED))
    at.sidebar.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=PATHS, seed=SEED)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_credit_section_shows_the_json_portfolios_and_spvs(result: cc.Result, lang: str) -> None:
    T = words(lang)
    at = _page(lang)
    summary = json.loads(result.to_json())
    (table,) = [f.value for f in at.dataframe if T.t("report.col_holder") in f.value.columns]
    (spvs,) = [f.value for f in at.dataframe if T.t("report.col_lender") in f.value.columns]
    # a book of several obligors has a row per obligor under it, its name indented
    mark = T.t("report.obligor_row", obligor="")
    under = table[T.t("report.col_holder")].str.startswith(mark)
    books = table[~under]
    assert list(books[T.t("report.col_holder")]) == [
        display_name(result, party, T) for party in summary["portfolios"]]
    assert list(table.loc[under, T.t("report.col_holder")]) == [
        T.t("report.obligor_row", obligor=display_name(result, o, T))
        for book in summary["portfolios"].values() if len(book["pd_by_obligor"]) > 1
        for o in book["pd_by_obligor"]]
    for (_, row), book in zip(books.iterrows(), summary["portfolios"].values(), strict=True):
        assert row[T.t("report.col_held")] == T.path_share(book["held_share"])
        assert row[T.t("report.col_expected_loss")] == T.money(book["expected_loss"])
        assert row[T.t("report.col_ead")] == T.money(book["ead"])
        # the EAD that PD x LGD x EAD = expected loss uses, beside the nominal one
        assert row[T.t("report.col_ead_pv")] == T.money(book["ead_pv"])
        assert T.t("report.col_p_credit_loss") in table.columns
        assert T.t("report.col_p_loss") not in table.columns
        for key in ("var_95", "cvar_95", "var_99", "cvar_99"):
            # a tail of under 10 paths (the paths held times 5% or 1%) is marked
            few = book[f"tail_paths_{key[-2:]}"] < MIN_TAIL_PATHS
            assert row[T.t(f"report.col_{key}")] == T.money(book[key]) + (TAIL_MARK if few else "")
        assert row[T.t("report.col_lgd")] == T.percent(book["lgd"])
        (curve,) = book["pd_term_structure"].values() if len(book["pd_term_structure"]) == 1 \
            else (None,)
        if curve is not None:  # one obligor: the PD is its term structure's last value
            assert row[T.t("report.col_pd")] == T.path_share(curve[-1])
    nvidia = books[books[T.t("report.col_holder")] == display_name(result, "nvidia", T)].iloc[0]
    assert nvidia[T.t("report.col_expected_loss")] == T.money(1.3164217197495731)  # as run
    assert list(spvs[T.t("report.col_deal")]) == list(summary["spvs"])
    for (_, row), spv in zip(spvs.iterrows(), summary["spvs"].values(), strict=True):
        assert row[T.t("report.col_closed")] == T.path_share(spv["closed_share"])
        assert row[T.t("report.col_debt_impaired")] == T.percent(spv["debt_impairment_probability"])
        breach = spv["covenant_breach_probability"]  # None: the SPV has no covenant
        assert row[T.t("report.col_covenant_breach")] == (
            T.t("report.no_covenants") if breach is None else T.percent(breach))
        assert row[T.t("report.col_lessee_default")] == T.percent(spv["lessee_default_probability"])
        assert row[T.t("report.col_debt_loss")] == T.money(spv["debt_loss"]["mean"])
    colossus = spvs.iloc[0]
    assert colossus[T.t("report.col_lessee_default")] == T.percent(0.6277777777777778)
    assert colossus[T.t("report.col_ltv_worst")].count(" / ") == 1  # p95 / p50 (quarter)
    # the report's heading and notes, in the page's language
    captions = [c.value for c in at.main.caption]
    for key in ("credit_intro", "credit_pd_note", "credit_spv_note"):
        assert markdown_safe(T.t(f"report.{key}")) in captions, key
    # the books whose 95% or 99% tail holds under 10 paths, named in the report's note
    few = [(p, level) for p, b in summary["portfolios"].items() for level in ("95", "99")
           if b[f"tail_paths_{level}"] < MIN_TAIL_PATHS]
    assert few  # 200 paths: a 99% tail of 2 paths at most
    tail = [c for c in captions if c.startswith(markdown_safe(f"{TAIL_MARK}"))]
    assert len(tail) == 1 and all(f"{level}%" in tail[0] for _, level in few)
    assert T.t("report.credit") in [h.value for h in at.main.subheader]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_deal_table_has_the_clis_p_loss_on_each_loss_row(result: cc.Result, lang: str) -> None:
    T = words(lang)
    at = _page(lang)
    deals = at.dataframe[0].value
    column = T.t("report.col_p_loss")
    assert list(deals.columns)[-1] == column
    loss_rows = deals[deals[T.t("report.col_metric")] == T.label("metric", "loss")]
    assert set(deals.loc[~deals.index.isin(loss_rows.index), column]) == {""}
    names = {display_name(result, p.id, T): p.id for p in result.scenario.parties}
    assert len(loss_rows) == len(result.deal_parties())
    for _, row in loss_rows.iterrows():
        # a hypothetical deal is marked beside its id, as in the report
        deal = str(row[T.t("report.col_deal")]).removesuffix(T.t("report.hypothetical_mark"))
        party = names[row[T.t("report.col_party")]]
        share = float(np.mean(result.outcome(deal, party, "loss") > 0))
        # as `chipcredit run` prints it: to 0.1 percentage point, 2 figures near none or all,
        # with one Monte Carlo standard error after it where some path differs
        se = math.sqrt(share * (1 - share) / result.paths) * 100
        assert row[column] == (path_share_text(T, share) if se == 0
                               else f"{path_share_text(T, share)} ±{se:.1f}")
    marked = "xai-chips-on-credit" + T.t("report.hypothetical_mark")
    credit = loss_rows[(loss_rows[T.t("report.col_deal")] == marked)
                       & (loss_rows[T.t("report.col_party")] == display_name(result, "nvidia", T))]
    share = float(np.mean(result.outcome("xai-chips-on-credit", "nvidia", "loss") > 0))
    se = math.sqrt(share * (1 - share) / result.paths) * 100
    assert 0 < share < 1 and credit.iloc[0][column] == (
        T.t("number.percent", value=f"{share * 100:.1f}") + f" ±{se:.1f}")
