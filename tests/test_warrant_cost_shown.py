"""A warrant does not look free: what its issuer gives away (``dilution_cost``) is shown
beside the deal and beside the vendor's cash put in, in the CLI, the report and the
dashboard alike; NPV stays cash only."""

from __future__ import annotations

import html
import warnings
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.dashboard.tabs.deal_table import deal_notes
from chipcredit.dashboard.tabs.vendor_table import vendors_text
from chipcredit.dashboard.text import words
from chipcredit.report import i18n
from chipcredit.report.deal_table import deals_table, warrant_cost_note, warrant_costs
from chipcredit.report.vendors import deal_dilution, vendors_caption

WARRANT = "amd-openai-warrant"


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=4)


def _row(deal: str | None, party: str, metric: str, mean: float) -> dict[str, Any]:
    return {"deal": deal, "party": party, "metric": metric, "mean": mean}


CRAFTED = [
    # AMD puts no cash into its warrant and gives away shares worth $20B, plus $0.5B in a
    # second warrant; its own money comes back as $0.25B of sales
    _row("w", "amd", "cash_out", 0.0), _row("w", "amd", "dilution_cost", 20.0),
    _row("w2", "amd", "cash_out", 0.0), _row("w2", "amd", "dilution_cost", 0.5),
    _row("w", "openai", "dilution_cost", 7.0),  # not AMD's
    _row(None, "amd", "self_funded_revenue", 0.25),
    # Nvidia puts in $28.8B of cash and issues no warrant
    _row("spv", "nvidia", "cash_out", 28.8), _row(None, "nvidia", "self_funded_revenue", 12.8),
]


def test_the_vendor_note_puts_the_shares_beside_the_cash_by_hand() -> None:
    assert deal_dilution(CRAFTED, "amd") == 20.5
    assert deal_dilution(CRAFTED, "nvidia") is None
    text = vendors_caption(CRAFTED, [("nvidia", "vendor"), ("amd", "vendor")], [],
                           i18n.catalogue("en"))
    # no cash at all: said so, not "$0B put in plus shares"
    assert ("like for like: nvidia $28.8B put in, $12.8B back as sales; amd no cash put in, "
            "only warrant shares worth $20.5B to the holder at vesting (its dilution cost), "
            "$0.25B back as sales." in text)
    assert "$0B put in" not in text
    zh = vendors_caption(CRAFTED, [("nvidia", "vendor"), ("amd", "vendor")], [],
                         i18n.catalogue("zh"))
    assert "amd 未投入现金，仅以认股权证让出归属时价值 205亿美元 的股份" in zh
    assert "以销售形式回流 2.5亿美元" in zh
    # cash and shares: both, the shares said not to be cash
    cash = [*CRAFTED, _row("w", "amd", "cash_out", 1.5)]
    text = vendors_caption(cash, [("nvidia", "vendor"), ("amd", "vendor")], [],
                           i18n.catalogue("en"))
    assert ("amd $1.5B put in plus warrant shares worth $20.5B to the holder at vesting (its "
            "dilution cost, not cash), $0.25B back as sales." in text)
    zh = vendors_caption(cash, [("nvidia", "vendor"), ("amd", "vendor")], [],
                         i18n.catalogue("zh"))
    assert "amd 投入 15亿美元，另以认股权证让出归属时价值 205亿美元 的股份" in zh


def test_the_issuers_cost_is_its_mean_dilution_and_stays_out_of_npv(result: cc.Result) -> None:
    costs = warrant_costs(result)
    assert [(d, p) for d, p, _ in costs] == [(WARRANT, "amd")]
    by_hand = float(np.mean(result.outcome(WARRANT, "amd", "dilution_cost")))
    assert costs[0][2] == pytest.approx(by_hand, rel=1e-6) and by_hand > 1.0  # float32 outcomes
    # NPV counts cash only: the issuer's is about 0 however much it gives away
    assert abs(float(np.mean(result.outcome(WARRANT, "amd", "npv")))) < 0.01
    note = warrant_cost_note(costs, i18n.catalogue("en"))
    assert note == ("A warrant is not free to its issuer, though its NPV and MOIC, which count "
                    "cash only, show nothing paid: it gives away shares, worth at vesting "
                    f"(dilution_cost, mean): {WARRANT} · amd "
                    f"{i18n.catalogue('en').money(by_hand)}. The vendors table's note puts "
                    "this beside the cash each vendor puts in.")
    assert warrant_cost_note([], i18n.catalogue("en")) is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_and_dashboard_show_the_same_notes(result: cc.Result, lang: str) -> None:
    cat = i18n.catalogue(lang)
    note = warrant_cost_note(warrant_costs(result), cat, lambda p: "AMD" if p == "amd" else p)
    assert note is not None
    assert f'<p class="note">{html.escape(note)}</p>' in deals_table(result, cat)
    assert note in deal_notes(result, words(lang))
    shares = cat.money(deal_dilution(result.summary().to_dict("records"), "amd"))
    assert shares in vendors_text(result, words(lang))


def test_cli_shows_the_warrant_cost_by_the_deal_and_the_vendor() -> None:
    run = CliRunner().invoke(cli.app, ["run", "seed-2025", "--paths", "200", "--seed", "4",
                                       "--no-store"])
    assert run.exit_code == 0, run.output
    text = " ".join(run.stdout.split())
    assert f"worth at vesting (dilution_cost, mean): {WARRANT} · amd $" in text
    assert "amd no cash put in, only warrant shares worth $" in text
    # what comes back is revenue, not capital: said so, and each item says "as sales"
    assert "which is revenue, not capital returned" in text
    assert text.count(" back as sales") == 2
