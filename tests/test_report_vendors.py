"""The vendors table, the story's headline number, in every publishable output: the HTML
report and the dashboard's Overview show the CLI's rows (one shared function, the same
numbers), with one note of what self-funded revenue counts; and the parties table says when
a cash figure is a net funded position."""

from __future__ import annotations

import dataclasses
import html
import re
import warnings

import pytest

pytest.importorskip("plotly")
pytest.importorskip("streamlit")

import chipcredit as cc
from chipcredit.cli.vendor_tables import vendors_table as cli_vendors_table
from chipcredit.dashboard.tabs.vendor_table import vendor_columns, vendor_table, vendors_text
from chipcredit.dashboard.text import words
from chipcredit.report import i18n
from chipcredit.report.tables import net_position, parties_table, vendors_table
from chipcredit.report.vendors import (
    VENDOR_COLUMNS,
    horizon,
    outside_funding,
    unmodelled_funding,
    unsold_note,
    vendor_rows,
    vendors_caption,
)

PARTIES = [("nvidia", "vendor"), ("openai", "lab"), ("amd", "vendor")]


def row(party: str, metric: str, **stats: float) -> dict[str, object]:
    return {"deal": None, "party": party, "metric": metric, **stats}


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=4)


def test_vendor_rows_by_hand() -> None:
    summary = [row("nvidia", "revenue_total", p50=5716.3, mean=6017.7),
               row("nvidia", "self_funded_revenue", p50=8.5, mean=10.3),
               row("nvidia", "self_funded_revenue_share", mean=0.0022, p50=0.0017),
               row("nvidia", "market_share_end", p50=0.93),
               row("amd", "revenue_total", p50=226.3, mean=float("nan")),
               # a deal's row of the same name is not the vendor's own
               {**row("nvidia", "revenue_total", p50=1.0, mean=1.0), "deal": "loi"}]
    rows = vendor_rows(summary, PARTIES)
    assert [r.party for r in rows] == ["nvidia", "amd"]  # vendors only, in order
    assert rows[0].values == (5716.3, 6017.7, 8.5, 10.3, 0.0022, 10.3 / 6017.7, 0.93)
    assert rows[1].values == (226.3, None, None, None, None, None, None)  # NaN and missing: None
    assert [c[:2] for c in VENDOR_COLUMNS][4] == ("self_funded_revenue_share", "mean")
    assert vendor_rows(summary, [("openai", "lab")]) == []


def _cells(text: str) -> list[list[str]]:
    body = text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in body.split("</tr>") if "<td" in r]


def test_report_and_dashboard_show_the_cli_rows(result: cc.Result) -> None:
    cat = i18n.catalogue("en")
    summary = result.summary()
    stats = {(r["party"], r["metric"]): r for r in summary.to_dict("records")
             if not isinstance(r["deal"], str)}
    text = vendors_table(result, cat)
    cells = _cells(text)
    assert [c[0] for c in cells] == ["Nvidia", "AMD"]
    for vendor, shown in zip(("nvidia", "amd"), cells, strict=True):
        revenue, own = stats[(vendor, "revenue_total")], stats[(vendor, "self_funded_revenue")]
        share = stats[(vendor, "self_funded_revenue_share")]["mean"]
        assert shown[1:] == [cat.money(revenue["p50"]), cat.money(revenue["mean"]),
                             cat.money(own["p50"]), cat.money(own["mean"]),
                             f"{share * 100:.2f}%",  # two decimals, as in the CLI
                             f"{own['mean'] / revenue['mean'] * 100:.2f}%",  # pooled
                             cat.percent(stats[(vendor, "market_share_end")]["p50"])]
        # the mean of per-path shares is not the ratio of the means beside it
        assert share != pytest.approx(own["mean"] / revenue["mean"], rel=1e-3)
    assert "self-funded share (mean of per-path shares)" in text
    note = cat.t("report.vendors_note")
    assert html.escape(note) in text
    for words_ in ("pro rata", "spends first", "before the scenario starts", "opening balances",
                   "mean over paths of each path"):
        assert words_ in note
    # the dashboard's Overview: the same cells
    frame = vendor_table(result, words("en"))
    assert frame.to_numpy().tolist() == cells
    assert list(frame.columns)[5] == "self-funded share (mean of per-path shares)"
    assert list(frame.columns)[6].startswith("self-funded share, pooled (all paths'")
    # eight columns that fit the page at 1,280 px (736 px), every header on hover
    columns = vendor_columns(words("en"))
    assert list(columns) == list(frame.columns)
    assert sum(c["width"] for c in columns.values()) <= 736
    assert all(c["help"] == name for name, c in columns.items())
    # the CLI: the same caption under its table as the report's note (ids for names)
    sc = result.scenario
    parties = [(p.id, p.kind) for p in sc.parties]
    table = cli_vendors_table(summary.to_dict("records"), parties, "x", unmodelled_funding(sc),
                              outside=outside_funding(sc), horizon=horizon(sc))
    unsold = unsold_note(summary.to_dict("records"), parties, cat)
    assert unsold  # on some of this run's paths no vendor sold a unit at the end
    assert table is not None and table.caption == vendors_caption(
        summary.to_dict("records"), parties, unmodelled_funding(sc), cat,
        outside=outside_funding(sc), horizon=horizon(sc))
    assert note + " " in str(table.caption) and unsold in str(table.caption)
    assert html.escape(unsold) in text  # the report says it too


def test_the_vendors_caption_by_hand() -> None:
    """One caption in one order: what is counted, over which paths the unit share is, then
    the registry's vendor funding left out (an amount only where one was reported; kinds in
    the catalogue's words, parties by the names given)."""
    cat = i18n.catalogue("en")
    summary = [row("nvidia", "market_share_end", p50=0.9, nan_share=0.25),
               row("amd", "market_share_end", p50=0.1, nan_share=0.25)]
    left_out = [{"id": "nv-oa", "from": "nvidia", "to": "openai", "kind": "equity",
                 "amount": 30.0, "date": "2026-02-27"},
                {"id": "nv-xai", "from": "nvidia", "to": "xai", "kind": "spv_lease",
                 "amount": None, "date": "2026-01"}]
    names = {"nvidia": "Nvidia", "openai": "OpenAI", "xai": "xAI"}
    got = vendors_caption(summary, PARTIES, left_out, cat, names.__getitem__)
    assert got == (
        cat.t("report.vendors_note") + " " + cat.t("report.vendors_financed_note")
        + " The unit share is over the paths on which some vendor sold units in the last four "
        "quarters; on 25% of the paths none was sold, and a share of nothing has no value."
        " Not in this scenario, so not in its self-funded revenue (the deal registry's vendor "
        "funding after the start that no deal of the scenario links to): nv-oa (Nvidia to "
        "OpenAI, equity, $30B, 2026-02-27); nv-xai (Nvidia to xAI, SPV lease, 2026-01).")
    # by ids where no names are given; nothing left out and every path sold: the note alone
    assert "nv-oa (nvidia to openai, equity, $30B" in vendors_caption(summary, PARTIES, left_out, cat)
    sold = [row("nvidia", "market_share_end", p50=0.9, nan_share=0.0)]
    assert vendors_caption(sold, PARTIES, [], cat) == (
        cat.t("report.vendors_note") + " " + cat.t("report.vendors_financed_note"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_dashboard_caption_is_the_reports(result: cc.Result, lang: str) -> None:
    """The Overview's caption once had only the note and the unsold share: it now names the
    registry's vendor funding seed-2025 leaves out (Nvidia's $30B in OpenAI's 2026 round),
    as the report does, in the same words and order."""
    T = words(lang)
    left_out = unmodelled_funding(result.scenario)
    assert [f["id"] for f in left_out] == ["nvidia-openai-2026", "nvidia-xai-series-e"]
    caption = vendors_text(result, T)
    assert caption.startswith(T.t("report.vendors_horizon", first="2025Q4", last="2035Q3",
                                  quarters=40, years="10") + " " + T.t("report.vendors_note") + " "
                              + T.t("report.vendors_financed_note") + " ")
    for item in left_out:
        assert item["id"] in caption
    assert T.money(30.0) in caption and T.label("deal_kind", "equity") in caption
    report = vendors_table(result, i18n.catalogue(lang))
    note = html.unescape(report.rsplit('<p class="note">', 1)[1].split("</p>", 1)[0])
    assert note == caption


def test_report_headline_section_has_the_vendors_table(result: cc.Result) -> None:
    from chipcredit.report import html as report_html

    page = report_html.build_report(result, lang="en", figures={k: [] for k in (
        "flows", "labs", "vendors", "deals", "defaults", "market", "sensitivity")})
    headline = page.split('<section id="headline">', 1)[1].split("</section>", 1)[0]
    assert "Vendors: revenue and the part paid with their own money" in headline
    assert "self-funded revenue (median)" in headline


def test_parties_table_notes_a_net_position(result: cc.Result) -> None:
    """seed-2025's hyperscale clouds and their bondholders show -$682B and -$1.04T of
    "cash": a note says such a figure is a net position. Without a funded cloud or a lender
    there is no note."""
    cat = i18n.catalogue("en")
    note = html.escape(cat.t("report.funded_cash_note"))
    parties = {p.id: p for p in result.scenario.parties}
    assert net_position(parties["hyperscale-clouds"]) and net_position(parties["hyperscale-bondholders"])
    assert not net_position(parties["coreweave"]) and not net_position(parties["nvidia"])
    assert note in parties_table(result, cat)
    kept = [p for p in result.scenario.parties if not net_position(p)]
    # (no validation: the kept parties still name the dropped ones)
    scenario = type(result.scenario).model_construct(**{**dict(result.scenario), "parties": kept})
    plain = dataclasses.replace(result, scenario=scenario)
    assert note not in parties_table(plain, cat)


@pytest.mark.parametrize(("lang", "header"), [("en", "P(default) by {last}"),
                                              ("zh", "截至 {last} 的违约概率")])
def test_parties_table_dates_its_default_odds_with_the_horizons_last_quarter(
        result: cc.Result, lang: str, header: str) -> None:
    """As the CLI's "P(default) by 2035Q3": seed-2025 runs 40 quarters from 2025Q4, so its
    odds run to 2035Q3; the same scenario cut to 20 quarters runs to 2030Q3."""
    cat = i18n.catalogue(lang)
    assert f"<th>{header.format(last='2035Q3')}</th>" in parties_table(result, cat)
    scenario = type(result.scenario).model_construct(**{**dict(result.scenario),
                                                        "horizon_quarters": 20})
    short = dataclasses.replace(result, scenario=scenario)
    assert f"<th>{header.format(last='2030Q3')}</th>" in parties_table(short, cat)
