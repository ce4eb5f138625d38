"""A vendor's revenue where a buyer defaults and where it does not
(`chipcredit.analytics.default_exposure`), its table in the report
(`chipcredit.report.default_exposure`), and the summary's sentences on the vendors' own money
in their revenue and on that split (the journalist's "is it circular?" and "what if the labs
fail?").

Hand-made outcomes and summaries check the arithmetic and the choices; seed-2025 at 400
paths, seed 3, checks the JSON, the report and the summary against the run's own outcomes.
"""

from __future__ import annotations

import html
import re
import types
import warnings
from typing import Any

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.analytics.default_exposure import EXPOSURE_FIELDS, revenue_given_default
from chipcredit.analytics.unit import MissingUnit, summary_range, summary_unit
from chipcredit.analytics.vendor_years import self_funded_by_year
from chipcredit.report import build_report, summary_text
from chipcredit.report.default_exposure import (
    MIN_SHARE,
    exposure_html,
    exposure_rows,
    widest_gap,
)
from chipcredit.report.i18n import catalogue
from chipcredit.report.theme import display_name

PATHS, SEED = 400, 3


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=PATHS, seed=SEED)


def _party(pid: str, can_default: bool) -> Any:
    return types.SimpleNamespace(id=pid, can_default=can_default)


def _fake(outcomes: dict[str, np.ndarray]) -> Any:
    parties = [_party("v", False), _party("lab", True), _party("safe", True),
               _party("funded", False)]
    return types.SimpleNamespace(outcomes=outcomes, scenario=types.SimpleNamespace(parties=parties))


def test_the_split_by_hand() -> None:
    fake = _fake({
        "party|v|revenue_total": np.array([1.0, 2.0, 4.0, 8.0, 16.0]),
        "party|lab|default_quarter": np.array([3, 0, -1, -1, -1]),
        "party|safe|default_quarter": np.array([-1, -1, -1, -1, -1]),
        # a funded cloud has the column but cannot default: its parent pays
        "party|funded|default_quarter": np.array([-1, -1, -1, -1, -1])})
    split = revenue_given_default(fake, "v")
    assert split is not None and list(split) == ["lab", "safe"]
    # paths 0 and 1 default: revenue 1 and 2; the others 4, 8 and 16
    assert split["lab"] == {"default_share": 0.4, "median_if_default": 1.5, "median_if_not": 8.0,
                            "mean_if_default": 1.5, "mean_if_not": 28 / 3}
    # never defaults: nothing on that side, everything on the other
    assert split["safe"] == {"default_share": 0.0, "median_if_default": None, "median_if_not": 4.0,
                             "mean_if_default": None, "mean_if_not": 6.2}
    assert tuple(split["lab"]) == EXPOSURE_FIELDS
    # the two groups are all the paths: 0.4 x 1.5 + 0.6 x 28/3 is the mean, 31/5
    assert 0.4 * 1.5 + 0.6 * 28 / 3 == pytest.approx(6.2)
    assert revenue_given_default(fake, "lab") is None  # no revenue: not a vendor
    assert revenue_given_default(_fake({"party|v|revenue_total": np.ones(2)}), "v") is None


def test_the_run_splits_every_vendor_by_every_party_that_can_default(result: cc.Result) -> None:
    doc = result.to_dict()
    for vendor in ("nvidia", "amd"):
        split = doc["vendors"][vendor]["revenue_given_default"]
        assert split == revenue_given_default(result, vendor)
        # the labs and CoreWeave (own balance sheet), not the parent-funded hyperscale clouds
        assert list(split) == ["openai", "xai", "coreweave"]
        revenue = np.asarray(result.outcomes[f"party|{vendor}|revenue_total"], dtype=np.float64)
        for party, figures in split.items():
            share = figures["default_share"]
            assert share == result.default_probability(party)
            assert 0 < share < 1
            mixed = share * figures["mean_if_default"] + (1 - share) * figures["mean_if_not"]
            assert mixed == pytest.approx(revenue.mean(), rel=1e-12)
    # a lab defaults mostly where demand is weak: its vendor sells less on those paths
    nvidia = doc["vendors"]["nvidia"]["revenue_given_default"]["openai"]
    assert nvidia["median_if_default"] < 0.7 * nvidia["median_if_not"]


def test_the_units_of_the_split() -> None:
    path = "vendors.nvidia.revenue_given_default.openai."
    assert summary_unit(path + "default_share") == "probability"
    assert summary_range(path + "default_share") == (0.0, 1.0)
    for name in EXPOSURE_FIELDS[1:]:
        assert summary_unit(path + name) == "$B" and summary_range(path + name) is None
    with pytest.raises(MissingUnit, match=r"revenue_given_default\.openai\.median"):
        summary_unit(path + "median")


def _summary() -> dict[str, Any]:
    def fig(share: float, low: float, high: float) -> dict[str, float | None]:
        return {"default_share": share, "median_if_default": low, "median_if_not": high,
                "mean_if_default": low + 1, "mean_if_not": high + 1}
    return {"vendors": {
        "nv": {"revenue_given_default": {
            "a": fig(0.3, 60.0, 100.0),      # 40% lower where a defaults
            "b": fig(0.5, 20.0, 100.0),      # 80% lower: the widest
            "c": fig(0.005, 1.0, 100.0),     # too few paths to quote
            "d": {**fig(0.0, 0.0, 100.0), "median_if_default": None,
                  "mean_if_default": None}}},  # never defaults: no row
        "am": {"revenue_given_default": {"a": fig(0.3, 1.0, 100.0)}},
        "plain": {"revenue_total": {}}}}


def test_rows_and_the_widest_gap_by_hand() -> None:
    rows = exposure_rows(_summary())
    assert [(r.vendor, r.party) for r in rows] == [("nv", "a"), ("nv", "b"), ("nv", "c"),
                                                   ("am", "a")]
    assert [round(r.gap, 6) for r in rows] == [0.4, 0.8, 0.99, 0.99]
    assert rows[0].path("median_if_not") == "vendors.nv.revenue_given_default.a.median_if_not"
    # the first vendor's widest gap among parties with at least MIN_SHARE of the paths on
    # each side: b, not c (0.5% of the paths) nor am's a (another vendor)
    assert MIN_SHARE == 0.01
    best = widest_gap(rows)
    assert best is not None and (best.vendor, best.party) == ("nv", "b")
    assert widest_gap([]) is None
    assert exposure_rows(None) == [] and exposure_html({"vendors": {}}, catalogue("en")) == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_reports_table(result: cc.Result, lang: str) -> None:
    cat = catalogue(lang)
    doc = result.to_dict()
    part = exposure_html(doc, cat, lambda p: display_name(result, p, cat),
                         horizon=("2025Q4", "2035Q3", 40))
    span = cat.t("report.vendor_financials_span", first="2025Q4", last="2035Q3")
    assert f"<h3>{html.escape(cat.t('report.exposure_title') + span)}</h3>" in part
    assert html.escape(cat.t("report.exposure_note")) in part
    body = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", part.split("<tbody>")[1])]
    openai = doc["vendors"]["nvidia"]["revenue_given_default"]["openai"]
    def name(party: str) -> str:
        return display_name(result, party, cat)
    assert body[0] == [name("nvidia"), name("openai"), cat.percent(openai["default_share"]),
                       *(cat.money(openai[k]) for k in EXPOSURE_FIELDS[1:])]
    assert [row[1] for row in body] == [name(p) for p in ("openai", "xai", "coreweave")] * 2
    assert body[3][0] == name("amd") and body[1][0] == body[2][0] == ""
    # in the report's vendors section, after the vendor financials
    page = build_report(result, lang=lang)
    section = page[page.index('<section id="vendors">'):].split("</section>", 1)[0]
    assert part in section
    assert section.index(html.escape(cat.t("report.vendor_financials"))) < section.index(part)


def _percent(share: float) -> str:
    return f"{share * 100:.2f}%"


def test_the_summary_opens_with_the_vendors_own_money(result: cc.Result) -> None:
    cat = catalogue("en")
    text = summary_text(result)
    sentences = []
    for vendor, name in (("nvidia", "Nvidia"), ("amd", "AMD")):
        own = float(np.mean(result.outcomes[f"party|{vendor}|self_funded_revenue"]))
        sales = float(np.mean(result.outcomes[f"party|{vendor}|revenue_total"]))
        years = self_funded_by_year(result, vendor)
        assert years is not None
        peak = max(years, key=lambda y: y["self_funded_share"] or 0.0)
        year = str(peak["year"]) if peak["quarters"] == 4 else f"{peak['year']} ({peak['first'][-2:]})"
        sentences.append(
            f"money {name} put into its buyers paid for {_percent(own / sales)} of its revenue "
            f"over the horizon ({cat.money(own)} of {cat.money(sales)}, means over paths), and "
            f"for {_percent(peak['self_funded_share'])} in {year}, its highest year")
    opening = f"Over {PATHS} simulated paths from 2025Q4 to 2035Q3 (seed {SEED}): "
    assert text.startswith(opening + "; ".join(sentences) + "; in ")
    # Nvidia's share was highest in its financed first year, not over the ten
    assert "in 2026, its highest year" in sentences[0]


def test_the_summary_says_what_the_widest_default_gap_is_and_is_not(result: cc.Result) -> None:
    cat = catalogue("en")
    revenue = np.asarray(result.outcomes["party|nvidia|revenue_total"], dtype=np.float64)
    gaps = {}
    for party in ("openai", "xai", "coreweave"):
        failed = result.outcome(None, party, "default_quarter") >= 0
        low, high = float(np.median(revenue[failed])), float(np.median(revenue[~failed]))
        gaps[party] = ((high - low) / high, low, high)
    party = max(gaps, key=lambda p: gaps[p][0])
    _, low, high = gaps[party]
    name = display_name(result, party, cat)
    sentence = (f"Nvidia's revenue over the horizon has a median of {cat.money(low)} on the paths "
                f"where {name} defaults, against {cat.money(high)} where it does not (a "
                "comparison of paths, not what that default alone costs: a lab defaults mostly "
                "where demand for compute is weak, and there every buyer buys less)")
    text = summary_text(result)
    assert text.endswith(f"; {sentence}. At {PATHS} paths the figures move with the seed: ± is "
                         "one Monte Carlo standard error (percentage points), and the medians "
                         "and percentiles have noise of their own.")
    zh = summary_text(result, lang="zh")
    zh_cat = catalogue("zh")
    assert (f"在 {display_name(result, party, zh_cat)} 违约的路径上，Nvidia 整个期间收入的中位数为 "
            f"{zh_cat.money(low)}，而在其未违约的路径上为 {zh_cat.money(high)}") in zh
    assert "投入其买方的资金支付了其整个期间收入的" in zh


def test_the_base_case_has_no_split_and_no_means() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        base = cc.simulate("seed-2025", deterministic=True)
    text = summary_text(base)
    assert "money Nvidia put into its buyers paid for" in text
    assert "means over paths" not in text
    assert "on the paths where" not in text  # one path is on one side of every split
    split = base.to_dict()["vendors"]["nvidia"]["revenue_given_default"]
    assert all((f["median_if_default"] is None) != (f["median_if_not"] is None)
               for f in split.values())
    assert exposure_rows(base.to_dict()) == []
