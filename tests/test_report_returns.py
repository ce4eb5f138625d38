"""The report's opening sentence on returns speaks of the MOICs the deals table shows."""

from __future__ import annotations

import html
import warnings
from pathlib import Path

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.report.multiples import financed_parties, pair_reason
from chipcredit.report.summary import summary_text

FIXTURES = Path(__file__).parent / "fixtures_credit"


def _run(name: str) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(cc.load_scenario(FIXTURES / f"{name}.yaml"), paths=200, seed=7)


def test_a_backstop_that_only_pays_gets_no_returns_sentence() -> None:
    # Nvidia only pays under its capacity backstop (MOIC 0 on every path, no loss): the
    # table shows n/m, so the text must not say "returns between 0x and 0x"
    res = _run("neocloud-backstop")
    financed = financed_parties(res.scenario.deals)
    assert pair_reason(res, "nvidia-backstop", "nvidia", financed) == "pays_only"
    text = summary_text(res)
    assert "nvidia-backstop" not in text
    assert "0x" not in text
    assert "neocloud defaults" in text  # the rest of the paragraph is still there


def test_without_a_vendor_moic_it_speaks_of_the_lender_and_the_sponsor() -> None:
    # the SPV's vendor, Nvidia, sells but invests nothing (no MOIC): the sentence falls
    # back to the positions that have one, the debt ($3B, fund) and the equity ($1.3B)
    text = summary_text(_run("neocloud-spv"))
    assert "fund's position in gpu-spv, a median outlay of $3B, returns between" in text
    assert "sponsor's position in gpu-spv, a median outlay of $1.3B, returns between" in text
    assert "lab-a's" not in text  # the lessee, financed: n/m


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nothing_to_say_about_returns_still_says_the_defaults(lang: str) -> None:
    text = summary_text(_run("neocloud-backstop"), lang=lang)
    assert "nvidia-backstop" not in text
    # no median or percentile quoted: the closing sentence speaks of the shares' noise only
    assert text.endswith(
        " At 200 paths the shares move with the seed: ± is one Monte Carlo standard error "
        "(percentage points)." if lang == "en" else
        "。在 200 条路径下，这些概率会随随机种子变动：± 为一个蒙特卡洛标准误（百分点）。")


def _header(text: str) -> str:
    import re
    return " ".join(re.findall(r"<th>(.*?)</th>", text))


def _cells(text: str) -> list[list[str]]:
    import re
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", text)]


def test_credit_section_shows_the_portfolio_and_the_spv() -> None:
    from chipcredit.analytics.portfolio import MIN_TAIL_PATHS
    from chipcredit.report.credit import TAIL_MARK, book_pd, credit_section
    from chipcredit.report.i18n import catalogue

    res = _run("neocloud-spv")
    cat = catalogue("en")
    text = credit_section(res, cat)
    book = res.to_dict()["portfolios"]["fund"]
    spv = res.to_dict()["spvs"]["gpu-spv"]
    rows = [r for r in _cells(text) if r]
    holder = next(r for r in rows if r[0] == "fund")
    # the book's PD (the SPV failing to repay the fund, its one obligor) is the last point
    # of its term structure, and with the JSON's LGD and EAD gives its expected loss
    pd = book["pd_term_structure"]["gpu-spv"][-1]
    assert 0.0 < pd < 1.0 and book_pd(res, "fund") == pd
    assert pd * book["lgd"] * book["ead_pv"] == pytest.approx(book["expected_loss"], rel=1e-6)
    assert holder[1:] == [cat.path_share(book["held_share"]), cat.money(book["expected_loss"]),
                          cat.path_share(pd),
                          cat.money(book["ead"]), cat.money(book["ead_pv"]),
                          cat.percent(float((res.outcomes["portfolio|fund|loss"] > 0).mean())),
                          *(cat.money(book[k]) + (TAIL_MARK if book[f"tail_paths_{k[-2:]}"]
                                                  < MIN_TAIL_PATHS else "")
                            for k in ("var_95", "cvar_95", "var_99", "cvar_99")),
                          cat.percent(book["lgd"])]
    # the loss-odds column is the credit loss's, under its own header (not the deals
    # table's "P(deal loss > 0)"), and the EAD beside the nominal one is the one the
    # identity uses: PD x LGD x EAD, PV at start = expected loss, the nominal EAD too high
    assert "<th>P(credit loss &gt; 0)</th>" in text and "P(deal loss" not in _header(text)
    assert "<th>EAD, PV at start</th>" in text
    assert pd * book["lgd"] * book["ead"] > book["expected_loss"] * 1.01
    assert "961 of 2,000" not in html.unescape(text)
    # at 1% the tail of this small run is a handful of paths, and the cells say so
    assert book["tail_paths_99"] < MIN_TAIL_PATHS and holder[-3].endswith(TAIL_MARK)
    deal = next(r for r in rows if r[0] == "gpu-spv")
    assert deal[1:7] == ["fund", cat.path_share(spv["closed_share"]),
                         cat.percent(spv["debt_impairment_probability"]),
                         cat.percent(spv["covenant_breach_probability"]),
                         cat.percent(spv["lessee_default_probability"]),
                         cat.money(spv["debt_loss"]["mean"])]
    assert spv["covenant_breach_probability"] is not None  # it has LTV and DSCR covenants
    ltv = res.bands("gpu-spv", "ltv")
    worst = int(np.nanargmax(ltv["p95"].to_numpy(dtype=float)))  # NaN once the debt is gone
    # the paths behind it: those still owing the debt that quarter, of the closed ones
    kept = res.reservoir[("gpu-spv", "ltv")]
    closed = (res.outcomes["deal|gpu-spv|fund|cash_out"] > 0)[:kept.shape[0]]
    owing = int(np.count_nonzero(~np.isnan(kept[closed, worst])))
    assert 0.05 * closed.sum() <= owing < closed.sum() == res.paths
    assert not np.isinf(kept).any()  # the GPUs never worth nothing with debt owed here
    assert deal[7] == (f"{ltv['p95'].iloc[worst]:.2f} / {ltv['p50'].iloc[worst]:.2f} "
                       f"({ltv['quarter'].iloc[worst]}; on {owing} of {res.paths} paths)")
    assert "CVaR (expected shortfall) is the mean loss over the worst 5%" in text


@pytest.mark.parametrize(("lang", "phrases"), [
    ("en", ["PD: among the paths on which the book holds a claim, the share on which an "
            "obligor of the book defaults within the horizon while the holder's claim on it is "
            "outstanding",
            "Every figure here is over the paths on which the claim exists (for a deal that may "
            "not close, given it closed; the share of all paths is in the first column)",
            "so it can differ from the parties table's default probability",
            "for an SPV's lender the obligor is the SPV, and the default is the SPV failing to "
            "repay its debt, not its lessee defaulting",
            "The P(deal loss > 0) column of the headline deals table is another figure, the "
            "deal loss",
            "where the lessee defaults and the sale of the GPUs repays the debt in full, there "
            "is no default, so every default the SPV's lender counts is a loss on its debt and "
            "its LGD is a loss given a loss, not comparable with the LGD of a loan book",
            "Expected loss = PD x LGD x EAD, PV at start (not the nominal EAD), exactly",
            "on k of n paths: k paths with debt owed that quarter, of the n on which the SPV "
            "closed",
            "any shortfall against what the deal promised the party, equity markdowns included",
            "Every probability and the debt loss are over the paths on which the SPV closed",
            "P(lessee default during the lease): the share of those paths on which the lessee "
            "defaults in a quarter of the lease term",
            "a default after the term is not counted"]),
    ("zh", ["违约概率：在组合持有债权的路径中，组合中的某一债务人在期限内、"
            "在持有人对其债权未偿时违约的路径占比",
            "此处每个数字都只计债权存在的路径（对可能不成交的交易，即以成交为条件",
            "因此它可能与参与方表中的违约概率不同",
            "对 SPV 的贷款人而言，债务人是 SPV，违约指 SPV 无法偿还其债务，而非其承租人违约",
            "头条交易表中的“交易亏损概率”列是另一个数字，即交易损失",
            "承租人违约而出售 GPU 所得全额偿还债务时不算违约",
            "与贷款组合的违约损失率（全额回收的违约也计入，损失为 0）不可比",
            "预期损失 = 违约概率 x 违约损失率 x 违约风险敞口（起点现值）（而非名义违约风险敞口）",
            "“n 条路径中的 k 条”",
            "相对于交易向该参与方承诺的金额的任何短缺，包括股权减值",
            "各项概率和债务损失只计 SPV 成交的路径",
            "租约期内承租人违约概率：在这些路径中，承租人在租约期内某一季度",
            "租约期满后的违约不计入"]),
])
def test_credit_notes_define_pd_ead_the_deal_loss_and_the_lessee_default(
        lang: str, phrases: list[str]) -> None:
    from chipcredit.report.credit import credit_section
    from chipcredit.report.i18n import catalogue

    cat = catalogue(lang)
    text = html.unescape(credit_section(_run("neocloud-spv"), cat))
    headers = [cat.t(f"report.col_{k}") for k in ("pd", "ead", "ead_pv", "p_credit_loss")]
    assert headers == (["PD (claim outstanding)", "EAD (mean, on default paths)",
                        "EAD, PV at start", "P(credit loss > 0)"] if lang == "en"
                       else ["违约概率（债权未偿时）", "违约风险敞口（违约路径均值）",
                             "违约风险敞口（起点现值）", "信用损失概率"])
    assert all(f"<th>{h}</th>" in text for h in headers)
    for phrase in phrases:
        assert phrase in text, phrase


def test_credit_section_says_when_there_is_nothing_to_show() -> None:
    from tests.deals._build import run, scenario

    from chipcredit.report.credit import credit_section
    from chipcredit.report.i18n import catalogue

    res = run(scenario(deals=[]))  # no deal, no cloud: no claim anywhere
    for lang in ("en", "zh"):
        cat = catalogue(lang)
        assert credit_section(res, cat) == f'<p class="note">{html.escape(cat.t("report.credit_none"))}</p>'


def test_a_clouds_own_lender_has_a_credit_book() -> None:
    from chipcredit.report.credit import credit_section
    from chipcredit.report.i18n import catalogue

    res = _run("neocloud-backstop")  # the lender's claim is the cloud's own debt: no deal
    book = res.to_dict()["portfolios"]["fund"]
    assert set(book["exposure_by_obligor"]) == {"neocloud"}
    cat = catalogue("en")
    shown = credit_section(res, cat)
    assert html.escape(cat.t("report.col_expected_loss")) in shown
    assert "Expected credit loss (PV)" in shown
    assert cat.money(book["expected_loss"]) in shown


def test_the_ledger_imbalance_is_in_the_label_s_unit() -> None:
    """The metadata row's label names $B in English and 亿美元 ($0.1B) in Chinese: the
    same imbalance reads ten times larger in Chinese."""
    from chipcredit.report.i18n import catalogue
    from chipcredit.report.tables import metadata_table

    res = cc.simulate("seed-2025", deterministic=True)
    value = res.max_abs_imbalance
    assert value > 0
    en, zh = (metadata_table(res, catalogue(lang)) for lang in ("en", "zh"))
    assert f"{value:.1e}" in en
    assert f"{value * 10:.1e}" in zh


def test_the_chinese_terms_are_one_each() -> None:
    """One word for one thing across the Chinese catalogue (a reader's review found two
    for the capacity backstop, the unit share and the output summary)."""
    text = (Path(cc.__file__).parent / "report" / "locale" / "zh.yaml").read_text(encoding="utf-8")
    for other in ("算力兜底", "单位份额", "结果摘要"):
        assert other not in text
