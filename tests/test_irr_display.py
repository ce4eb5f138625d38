"""Every table shows an IRR median the way the JSON summary ranks it: the HTML report, the
dashboard and ``chipcredit run`` share one rule (`chipcredit.report.irr_percentiles.irr_shown`):
above the bracket ``>1000%``, among the paths whose flows only go out ``-100%``, withheld
n/a; and a party that pays and gets nothing back by what the deal is shows IRR n/m, as its
MOIC, while a stake wiped out keeps its -100% (docs/report.md, docs/dashboard.md, docs/cli.md).
"""

from __future__ import annotations

import html
import math
import re
import textwrap
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.cli.test_deal_notes import SCENARIO
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.analytics.stats import describe
from chipcredit.cli.formats import path_share as cli_path_share
from chipcredit.report.deal_table import deals_table
from chipcredit.report.i18n import catalogue
from chipcredit.report.irr_percentiles import irr_shown
from chipcredit.report.multiples import irr_not_meaningful
from chipcredit.report.tables import irr_text

PATHS, SEED = 200, 1

# A lab that cannot pay its costs (it defaults on every path) and a stake in it, which is
# wiped out: the stake's flows only go out because the investee failed, not by what the
# deal is. The warrant's strike is a tenth of a cent: most paths' IRR lies above +1000%.
_DOOMED = textwrap.indent(textwrap.dedent("""\
    - id: doomed
      kind: lab
      revenue: {run_rate: 0.5, growth: {from: 0.0, to: 0.0, half_life_years: 1}}
      costs: {fixed_per_year: 20, revenue_share: 0.1}
      compute: {installed: 0.1, per_revenue: 0.05, training: 0.0,
                training_growth: {from: 0.0, to: 0.0, half_life_years: 2}}
      cash: 1
      procurement: {nvidia: 1.0}
      funding:
        valuation_multiple: 25
        success: {base: -5, momentum: 0.0, sentiment: 0.0, winter: 0.0}
    """), "  ")
_STAKE = textwrap.indent(textwrap.dedent("""\
    - id: doomed-stake
      kind: equity
      investor: fund
      investee: doomed
      amount: 1
      start: 2026Q1
    """), "  ")
TEXT = (SCENARIO.replace("strike: 0.01", "strike: 0.001")
        .replace("\ndeals:\n", "\n" + _DOOMED + "deals:\n" + _STAKE))


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("irr-display") / "irr.yaml"
    path.write_text(TEXT)
    return path


@pytest.fixture(scope="module")
def result(scenario_file: Path) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(str(scenario_file), paths=PATHS, seed=SEED)


def _cells(page: str) -> dict[tuple[str, str], list[str]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body)]
    return {(r[0], r[2]): r for r in rows}


def _notes(page: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(r'<p class="note">(.*?)</p>', page)]


IRR, MOIC, P_LOSS, NO_IRR = 6, 7, 8, 9
"""Columns of the report's deal table: deal, kind, party, NPV p05/p50/p95, IRR p50, ..."""


# --- the shared rule -----------------------------------------------------------------------

@pytest.mark.parametrize(("stats", "shown"), [
    ({"p50": math.inf, "ranked_share": 0.85}, ("above", 10.0)),          # Result.summary
    ({"p50": None, "outside_bracket": {"p50": "above"}}, ("above", 10.0)),  # Result.describe
    ({"p50": -1.0, "outside_bracket": {"p50": "below"}}, ("below", -1.0)),
    ({"p50": float("nan"), "ranked_share": 0.004}, ("withheld", None)),
    ({"p50": None, "withheld": True}, ("withheld", None)),
    ({"p50": None, "ranked_share": 0.0}, ("value", None)),               # no path has one
    ({"p50": -0.9975, "ranked_share": 0.5}, ("value", -0.9975)),
])
def test_one_rule_says_how_an_irr_percentile_is_shown(stats: dict[str, Any],
                                                      shown: tuple[str, float | None]) -> None:
    assert irr_shown(stats) == shown


@pytest.mark.parametrize(("lang", "texts"), [
    ("en", (">1000%", "-100%", "n/a", "12.3%", "99.95%", "99.6%", "100%", "0.04%", "99.95%",
            "0.15%", "0.05%")),
    ("zh", (">1000%", "-100%", "无", "12.3%", "99.95%", "99.6%", "100%", "0.04%", "99.95%",
            "0.15%", "0.05%")),
])
def test_report_texts_of_an_irr_and_of_a_share_of_paths(lang: str, texts: tuple[str, ...]) -> None:
    cat = catalogue(lang)
    assert (irr_text(cat, ("above", 10.0)), irr_text(cat, ("below", -1.0)),
            irr_text(cat, ("withheld", None)), irr_text(cat, ("value", 0.1234))) == texts[:4]
    # a share of paths that is neither none nor all never reads 0%, 100% or a neighbour:
    # within 1% of either, two figures of the distance (3 paths in 2,000 are 0.15%, not
    # 0.2%; 1 is 0.05%, not 0.1%), as `chipcredit run` writes them
    assert (cat.path_share(0.9995), cat.path_share(0.996), cat.path_share(1.0),
            cat.path_share(0.0004), cat.path_share(0.9995, 3), cat.path_share(3 / 2000),
            cat.path_share(1 / 2000)) == texts[4:]
    # near none or all, the CLI's text exactly (elsewhere the report has no fixed decimal)
    for share in (0.0004, 0.0015, 0.9995, 0.996, 0.9999, 1e-7, 1 - 1e-7, 1e-12):
        assert cat.path_share(share) == cli_path_share(share)
    assert cat.percent(0.9995) == cat.percent(1.0)  # what the report printed before


def test_the_irr_is_n_m_for_a_payer_and_an_investee_only() -> None:
    assert irr_not_meaningful("pays_only", "spv_lease")
    assert irr_not_meaningful("pays_only", "purchase_commitment")
    assert irr_not_meaningful("financed", "equity")
    assert not irr_not_meaningful("financed", "loan") and not irr_not_meaningful(None, "equity")
    assert not irr_not_meaningful("token", "deployment_warrant")


# --- the HTML report -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_the_ranked_median_and_n_m_for_a_payer(result: cc.Result, lang: str) -> None:
    cat = catalogue(lang)
    page = deals_table(result, cat)
    cells = _cells(page)
    warrant = result.outcome("amd-warrant", "frontier", "irr")
    reasons = result.irr_reasons()[("amd-warrant", "frontier")]
    assert reasons["above_bracket"] > PATHS / 2 and np.isfinite(warrant).sum() > 5
    # the median of the solved paths alone is a number under +1000% (874%): the old cell
    assert describe(warrant)["p50"] < 10.0  # type: ignore[operator]
    # ranked on 98% of the paths (the other 2% have no IRR at all): starred, as in the CLI
    assert result.describe("deal|amd-warrant|frontier|irr")["ranked_share"] < 1.0
    assert cells[("amd-warrant", "frontier")][IRR] == ">1000%*"
    # the lessee pays rent and gets nothing back: n/m, as its MOIC
    assert cells[("grid-spv", "frontier")][IRR] == cells[("grid-spv", "frontier")][MOIC] == cat.t(
        "report.moic_nm")
    # the stake wiped out: its flows only go out on every path, a real total loss
    assert cells[("doomed-stake", "fund")][IRR] == "-100%"
    assert cells[("doomed-stake", "fund")][MOIC] == cat.multiple(0.0)
    # 199 of 200 paths (99.5%) without an IRR, which cat.percent wrote as 100%
    assert float(np.mean(~np.isfinite(result.outcome("nv-credit", "frontier", "irr")))) == 0.995
    assert cells[("nv-credit", "frontier")][NO_IRR] == "99.5%"
    notes = _notes(page)
    sep = cat.t("report.item_separator")
    assert cat.t("report.moic_nm_pays_only", parties=sep.join(["grid-spv · frontier"])) in notes
    bound = cat.t("number.percent", value="1000")
    assert cat.t("report.irr_above_note", value=">1000%", bound=bound) in notes
    assert cat.t("report.irr_below_note", value="-100%", bound=bound) in notes


def test_report_names_the_payers_irr_n_m_in_its_note() -> None:
    cat = catalogue("en")
    text = cat.t("report.moic_nm_pays_only", parties="p")
    assert text.startswith("MOIC and IRR n/m") and "-100%" in text
    assert catalogue("zh").t("report.moic_nm_pays_only", parties="p").startswith("资金倍数与内部收益率无意义")


# --- the dashboard ---------------------------------------------------------------------------

def test_dashboard_deal_table_shows_the_side_of_the_bracket(result: cc.Result) -> None:
    from chipcredit.dashboard.tabs.deal_table import deal_notes, deal_table
    from chipcredit.dashboard.text import words

    cat = words("en")
    table = deal_table(result, cat)
    irr = table[table[cat.t("report.col_metric")] == cat.label("metric", "irr")]
    by = {(r[cat.t("report.col_deal")], r[cat.t("report.col_party")]): r
          for r in irr.to_dict("records")}
    p50, p05 = cat.t("report.col_p50"), cat.t("report.col_p05")
    dash = cat.t("report.no_value")
    warrant = next(r for (d, _), r in by.items() if d == "amd-warrant" and r[p05] != dash)
    assert warrant[p50] == ">1000%*"  # over the 97.5% of the paths it ranks
    # the issuer puts no money in: no path has an IRR, a dash in every column as in the
    # report and the CLI, not n/a (which stands for a median withheld)
    (issuer,) = [r for (d, _), r in by.items() if d == "amd-warrant" and r[p05] == dash]
    assert not np.isfinite(result.outcome("amd-warrant", str(_id_of(result, issuer)), "irr")).any()
    assert all(issuer[cat.t(f"report.col_{s}")] == dash for s in ("mean", "p05", "p50", "p95"))
    # nor a MOIC, as the report shows it: a dash, not n/a
    moic = table[(table[cat.t("report.col_metric")] == cat.label("metric", "moic"))
                 & (table[cat.t("report.col_deal")] == "amd-warrant")
                 & (table[cat.t("report.col_party")] == issuer[cat.t("report.col_party")])]
    assert moic[[cat.t(f"report.col_{s}") for s in ("mean", "p05", "p50", "p95")]].to_numpy().tolist() \
        == [[dash] * 4]
    solved_p05 = result.describe("deal|amd-warrant|frontier|irr")["p05"]  # 829%, a number
    assert warrant[p05] == cat.metric_value("irr", solved_p05) + "*"
    lessee = next(r for (d, _), r in by.items() if d == "grid-spv"
                  and r[p50] == cat.t("report.moic_nm"))
    assert all(lessee[cat.t(f"report.col_{s}")] == "n/m" for s in ("mean", "p05", "p50", "p95"))
    stake = next(r for (d, _), r in by.items() if d == "doomed-stake" and r[p50] != "n/m")
    assert stake[p50] == stake[p05] == "-100%"
    notes = deal_notes(result, cat)
    assert any(n.startswith("IRR >1000%:") for n in notes)
    assert any(n.startswith("MOIC and IRR n/m") and "grid-spv" in n for n in notes)
    assert cat.t("report.irr_none_note", value=dash) in notes
    assert cat.t("report.moic_none_note", value=dash) in notes
    assert not any(n.startswith("IRR n/a") for n in notes)  # nothing is withheld here


def _id_of(result: cc.Result, row: dict[Any, Any]) -> str:
    """The party id of a dashboard deal-table row, which names the party."""
    from chipcredit.dashboard.tabs.deal_table import party_names
    from chipcredit.dashboard.text import words

    names = party_names(result, words("en"))
    (party,) = [p for p, name in names.items() if name == row[words("en").t("report.col_party")]]
    return party


# --- chipcredit run ------------------------------------------------------------------------

def test_run_shows_n_m_for_the_payer_and_minus_100_for_the_wiped_out_stake(scenario_file: Path) -> None:
    done = CliRunner().invoke(cli.app, ["run", str(scenario_file), "-n", str(PATHS), "-s", str(SEED),
                                        "--no-store"], env={"COLUMNS": "150"})
    assert done.exit_code == 0, done.stderr
    rows = [ln for ln in done.stdout.splitlines() if ln.startswith("│")]
    lessee = [ln for ln in rows if " frontier " in ln and "-" in ln.split("│")[3]
              and ln.count(" n/m ") == 2]
    assert len(lessee) == 1  # grid-spv's lessee: MOIC and IRR n/m
    stake = [ln for ln in rows if " fund " in ln and " 0.00x " in ln]
    assert len(stake) == 1 and " -100% " in stake[0]
    assert any(" >1000%* " in ln and " frontier " in ln for ln in rows)
    assert "IRR n/m too, the JSON keeps -100%" in " ".join(done.stdout.split())


# --- the bundled scenario's lessee and warrant ----------------------------------------------

def test_seed_2025_base_case_lessee_and_warrant_in_the_report_and_the_cli() -> None:
    from tests.cli import render

    from chipcredit.cli.deal_table import deals_table as cli_deals_table
    from chipcredit.report.multiples import financed_parties

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        base = cc.simulate("seed-2025", deterministic=True)
    cat = catalogue("en")
    cells = _cells(deals_table(base, cat))
    irr = 4  # one path: deal, kind, party, NPV, IRR (no percentile columns)
    assert cells[("colossus2-spv", "xAI")][irr] == "n/m"  # pays rent, gets nothing back
    assert cells[("amd-openai-warrant", "OpenAI")][irr] == ">1000%"  # its one path is above
    summary = base.summary().to_dict("records")
    kinds = {d.id: d.kind for d in base.scenario.deals}
    text = render(cli_deals_table(summary, kinds, {}, "the deterministic base case",
                                  financed=financed_parties(base.scenario.deals),
                                  deterministic=True), width=200)
    xai = [ln for ln in text.splitlines() if ln.startswith("│") and "(spv_lease)" in ln]
    assert len(xai) == 1 and " xai " in xai[0] and xai[0].count(" n/m ") == 2
