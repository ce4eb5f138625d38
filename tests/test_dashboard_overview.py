"""The dashboard's words and headline numbers, as pure functions: which KPI a deal gets
(MOIC only where money goes in and money comes back), parties by name, missing values as
n/a in both languages, distinct slider labels, a readable tornado and a compare chart that
names the edited run.
"""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

pytest.importorskip("streamlit")
pytest.importorskip("plotly")

import chipcredit as cc
from chipcredit.dashboard.assumptions import knobs
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.tabs.comparison import paired_figure
from chipcredit.dashboard.tabs.deal_table import deal_table
from chipcredit.dashboard.tabs.headline import default_kpis, headline_kpis, headline_metric
from chipcredit.dashboard.tabs.party_table import party_table
from chipcredit.dashboard.tabs.sensitivity import metric_choices, metric_name, readable_tornado
from chipcredit.dashboard.tabs.shares import probability_text
from chipcredit.dashboard.text import words

PATHS = 200
XAI_GROWTH = "parties.xai.revenue.growth.from"


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=PATHS, seed=3)


@pytest.mark.parametrize(("lang", "label"), [("en", "{party}: probability of default by 2035Q3"),
                                             ("zh", "{party}：截至 2035Q3 的违约概率")])
def test_each_party_that_can_default_gets_a_dated_card(result: cc.Result, lang: str,
                                                      label: str) -> None:
    # the labs and CoreWeave (a cloud on its own balance sheet), not the funded clouds: the
    # parties the summary and the parties table give odds for, dated as the table's header
    T = words(lang)
    cards = default_kpis(T, result)
    assert [party for party, *_ in cards] == ["openai", "xai", "coreweave"]
    for party, text, value, tip in cards:
        name = party_name(party, result.scenario.parties, T, short=True)
        assert text == label.format(party=name)
        assert value == probability_text(T, result.default_probability(party))
        assert tip == f"{party_name(party, result.scenario.parties, T)} ({party})"
    assert cards[2][1] == ("CoreWeave: probability of default by 2035Q3" if lang == "en"
                           else "CoreWeave：截至 2035Q3 的违约概率")


def test_a_capacity_backstop_kpi_is_its_npv_not_a_zero_moic(result: cc.Result) -> None:
    kpis = {(deal, party): (metric, value) for deal, party, metric, value in headline_kpis(result)}
    metric, value = kpis[("nvidia-coreweave-backstop", "nvidia")]
    assert metric == "npv"  # Nvidia buys capacity: compute comes back, not cash
    assert value == pytest.approx(float(pd.Series(
        result.outcome("nvidia-coreweave-backstop", "nvidia", "npv")).median()))
    # a lender, an SPV investor and an equity holder get money or a stake back: MOIC
    assert kpis[("xai-debt", "xai-bondholders")][0] == "moic"
    assert kpis[("colossus2-spv", "nvidia")][0] == "moic"
    assert kpis[("nvidia-coreweave-2026", "nvidia")][0] == "moic"
    # the seller in a take-or-pay puts no money in: its MOIC has no value, so NPV
    assert headline_metric(result, "openai-amd-take-or-pay", "amd") == "npv"
    assert kpis[("openai-amd-take-or-pay", "amd")][0] == "npv"
    assert all(math.isfinite(v) for _, v in kpis.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_kpi_labels_name_parties_and_say_which_metric(lang: str) -> None:
    T = words(lang)
    npv = T.t("dashboard.kpi.npv", party="Nvidia", deal="nvidia-coreweave-backstop")
    moic = T.t("dashboard.kpi.moic", party="xAI bondholders and term lenders", deal="xai-debt")
    # each label names its metric in the page's language (the report's short metric names)
    assert T.label("metric_short", "npv") in npv and T.label("metric_short", "moic") in moic
    assert "xai-bondholders" not in moic and npv.startswith("Nvidia")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_party_table_has_no_none_and_uses_names(result: cc.Result, lang: str) -> None:
    T = words(lang)
    table = party_table(result, T)
    cells = table.to_numpy().ravel().tolist()
    assert all(isinstance(c, str) and c not in ("", "None", "nan") for c in cells), cells
    names = table[T.t("report.col_party")].tolist()
    assert "Valor Equity Partners" in names and "valor" not in names
    # valor has no revenue of its own: the language's n/a, as in the deal table
    valor = table.set_index(T.t("report.col_party")).loc["Valor Equity Partners"]
    assert valor[T.t("report.col_revenue")] == T.na()
    if lang == "zh":
        assert T.na() != "n/a" and "n/a" not in cells


def test_the_deal_table_names_parties(result: cc.Result) -> None:
    T = words("en")
    parties = set(deal_table(result, T)[T.t("report.col_party")])
    assert "xAI bondholders and term lenders" in parties and "xai-bondholders" not in parties


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_probabilities_always_show_one_decimal(lang: str) -> None:
    T = words(lang)
    assert probability_text(T, 0.38) == T.t("number.percent", value="38.0")
    assert probability_text(T, 0.27333) == T.t("number.percent", value="27.3")
    assert probability_text(T, 0.004) == T.t("number.percent", value="0.4")
    assert probability_text(T, None) == T.na() == probability_text(T, float("nan"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", cc.bundled_names())
def test_every_slider_of_a_scenario_has_its_own_label(lang: str, name: str) -> None:
    T = words(lang)
    labels = [T.t(f"dashboard.knob.{k.label}", who=k.who) for k in knobs(cc.load_scenario(name))]
    assert len(labels) == len(set(labels)), sorted(labels)


def test_the_spv_debt_and_lease_rates_have_different_labels() -> None:
    found = {k.path: k for k in knobs(cc.load_scenario("seed-2025"))}
    debt, lease = found["deals.colossus2-spv.debt.rate"], found["deals.colossus2-spv.lease.rate"]
    for lang in ("en", "zh"):
        T = words(lang)
        assert T.t(f"dashboard.knob.{debt.label}", who=debt.who) != \
            T.t(f"dashboard.knob.{lease.label}", who=lease.who)
    # party sliders name the party; deal sliders keep the deal's id
    assert found[XAI_GROWTH].who == "xAI" and debt.who == "colossus2-spv"


def test_money_sliders_are_labelled_in_the_pages_unit() -> None:
    zh, en = words("zh"), words("en")
    found = {k.path: k for k in knobs(cc.load_scenario("seed-2025"))}
    money = {k.label for k in found.values() if k.money}
    assert money == {"all_in_cost", "content_per_unit", "deal_amount"}
    for label in money:  # the page's unit, never the scenario file's 十亿美元
        assert zh.t(f"dashboard.knob.{label}", who="Nvidia").endswith("（亿美元）")
        assert "十亿" not in zh.t(f"dashboard.knob.{label}", who="Nvidia")
        assert en.t(f"dashboard.knob.{label}", who="Nvidia").endswith("($B)")
    content = found["parties.nvidia.content_per_unit"]
    # triangular (22, 35, 38) $B: median 22 + sqrt(16 * 13 / 2) = 32.2, 32 on the $0.5B grid;
    # a Chinese slider shows it x10 (320 亿美元), in whole 亿美元
    assert content.base == 32.0 and content.scale(zh.money_scale) == 10.0
    assert content.scale(en.money_scale) == 1.0 and content.digits(10.0) == 0
    assert found[XAI_GROWTH].scale(zh.money_scale) == 1.0  # a growth rate is not money


def test_tornado_metrics_read_as_words(result: cc.Result) -> None:
    T = words("en")
    named = {m: metric_name(m, result, T) for m in metric_choices(result)}
    assert named["parties.openai.default_probability"] == "OpenAI: probability of default"
    assert named["deals.xai-debt.parties.xai-bondholders.moic.p50"] == \
        "xAI bondholders and term lenders · xai-debt: median MOIC"
    assert named["vendors.nvidia.market_share_end.p50"] == \
        "Nvidia: median market share at the horizon"
    assert named["portfolios.nvidia.expected_loss"] == (
        "Nvidia: expected loss on its book, given it holds a claim")
    assert not any(n.startswith(("parties.", "deals.", "vendors.", "portfolios."))
                   for n in named.values())


def test_the_tornado_shows_slider_labels_and_a_percent_axis() -> None:
    from chipcredit.report.charts import tornado_chart

    T = words("en")
    sc = cc.load_scenario("seed-2025")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        found = cc.sensitivity(sc, "parties.xai.default_probability", [XAI_GROWTH],
                               method="tornado", paths=50, seed=0)
    label = "xAI: revenue growth now (a year)"
    fig = readable_tornado(tornado_chart(found, lang="en"), T, "xAI: probability of default",
                           {XAI_GROWTH: label}, probability_text(T, found.baseline), True)
    assert all(list(trace.y) == [label] for trace in fig.data)
    assert fig.layout.title.text == "What moves xAI: probability of default"
    assert fig.layout.xaxis.tickformat == ".0%"
    assert fig.layout.xaxis.title.text == (
        f"xAI: probability of default (baseline {probability_text(T, found.baseline)})")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_compare_chart_names_the_edited_run_and_its_hash(lang: str) -> None:
    from chipcredit.dashboard.assumptions import apply_edits

    T = words(lang)
    loaded = cc.load_scenario("seed-2025")
    edited = apply_edits(loaded, {XAI_GROWTH: 0.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        found = cc.compare(loaded, edited, paths=100, seed=0)
    fig = paired_figure(found, "npv", T)
    assert fig.layout.title.text == T.t("dashboard.compare.paired_chart",
                                        metric=T.label("metric_short", "npv"))
    (source,) = [a.text for a in fig.layout.annotations if a.name == "source"]
    assert found.other.scenario_sha256[:12] in source
    assert found.base.scenario_sha256[:12] in source
    assert found.other.scenario_sha256 != found.base.scenario_sha256
    assert source.index(found.other.scenario_sha256[:12]) < \
        source.index(found.base.scenario_sha256[:12])  # the edited run first
    assert any("xAI" in str(y) for y in fig.data[0].y)  # parties by name


def test_a_warrant_kpi_is_the_issuers_dilution_cost_not_a_zero_npv(result: cc.Result) -> None:
    from chipcredit.dashboard.tabs.headline import kpi_text

    kpis = {(deal, party): (metric, value) for deal, party, metric, value in headline_kpis(result)}
    metric, value = kpis[("amd-openai-warrant", "amd")]
    assert metric == "dilution_cost"  # AMD puts no money in: its NPV is the strike, ~$0B
    dilution = float(pd.Series(result.outcome("amd-openai-warrant", "amd", "dilution_cost")).median())
    assert value == pytest.approx(dilution) and value > 1.0  # billions, not cents
    assert abs(float(pd.Series(result.outcome("amd-openai-warrant", "amd", "npv")).median())) < 0.01
    # the holder's own measure is what the warrant is worth to it
    assert headline_metric(result, "amd-openai-warrant", "openai") == "warrant_value"
    for lang, want, who in (("en", "AMD · amd-openai-warrant: dilution cost", "AMD (amd)"),
                            ("zh", "AMD · amd-openai-warrant：稀释成本", "AMD（amd）")):
        T = words(lang)
        label, shown, tip = kpi_text(T, result, "amd-openai-warrant", "amd", metric, value)
        assert (label, shown) == (want, T.money(dilution)) and tip.startswith(who)


def test_kpi_labels_use_the_short_name_and_the_tooltip_the_full_one(result: cc.Result) -> None:
    from chipcredit.dashboard.tabs.headline import kpi_text

    T = words("en")
    label, shown, tip = kpi_text(T, result, "xai-debt", "xai-bondholders", "moic", 1.55)
    assert label == "xAI bondholders and term lenders · xai-debt: MOIC" and shown == "1.6x"
    assert tip.startswith("xAI bondholders and term lenders (xai-bondholders) in deal xai-debt")


def test_one_name_rule_for_every_party() -> None:
    from chipcredit.dashboard.names import party_name

    parties = cc.load_scenario("seed-2025").parties
    en, zh = words("en"), words("zh")
    assert party_name("valor", parties, en) == "Valor Equity Partners"  # the scenario's
    assert party_name("colossus2-lenders", parties, en) == "Colossus 2 SPV lenders (not reported)"
    assert party_name("colossus2-lenders", parties, en, short=True) == "Colossus 2 SPV lenders"
    assert party_name("apollo", parties, en) == "Apollo"  # not a party: the registry's name
    assert party_name("apollo", (), en) == "Apollo"  # the registry's proper name
    assert party_name("customers", (), zh) == zh.t("party.customers") != "customers"
    assert party_name("unknown-id", parties, en) == "unknown-id"
    assert party_name("openai", (), None) == "OpenAI"


def test_the_dashboard_names_parties_only_through_party_name() -> None:
    # one rule, used everywhere: no tab builds a party's name by itself
    from pathlib import Path

    import chipcredit.dashboard as dashboard

    root = Path(dashboard.__file__).parent
    for path in root.rglob("*.py"):
        if path.name == "names.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert ".name or " not in text and "short_name" not in text, path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_deal_table_shows_n_m_where_the_cli_and_report_do_and_says_why(
        result: cc.Result, lang: str) -> None:
    from chipcredit.dashboard.tabs.deal_table import deal_notes

    T = words(lang)
    table = deal_table(result, T)
    moic = table[table[T.t("report.col_metric")] == T.label("metric", "moic")]
    stats = [T.t(f"report.col_{s}") for s in ("mean", "p05", "p50", "p95")]
    names = {p.id: party_name(p.id, result.scenario.parties, T) for p in result.scenario.parties}

    def row(deal: str, party: str) -> list[str]:
        found = moic[(moic[T.t("report.col_deal")] == deal) & (moic[T.t("report.col_party")] == names[party])]
        assert len(found) == 1, (deal, party)
        return [str(found.iloc[0][c]) for c in stats]

    nm = T.t("report.moic_nm")
    # as `chipcredit run seed-2025` shows: the SPV's lessee pays only (its MOIC is 0x on every
    # path and it has no loss), Nvidia's backstop buys compute, xAI is the borrower of its debt
    assert float(pd.Series(result.outcome("colossus2-spv", "xai", "moic")).max()) == 0.0
    assert row("colossus2-spv", "xai") == [nm] * 4
    assert row("nvidia-coreweave-backstop", "nvidia") == [nm] * 4
    assert row("xai-debt", "xai") == [nm] * 4
    holder = float(pd.Series(result.outcome("amd-openai-warrant", "openai", "moic")).median())
    assert holder > 100 and row("amd-openai-warrant", "openai") == [nm] * 4  # a cent strike
    # a lender's MOIC means something: its numbers, as before
    debt = pd.Series(result.outcome("xai-debt", "xai-bondholders", "moic"))
    assert row("xai-debt", "xai-bondholders")[2] == T.metric_value("moic", float(debt.median()))
    sep = T.t("report.item_separator")
    assert deal_notes(result, T)[:3] == [  # then the partial-statistic and closed-share notes
        T.t("report.moic_nm_pays_only", parties=sep.join(
            [f"colossus2-spv · {names['xai']}", f"openai-amd-take-or-pay · {names['openai']}",
             f"nvidia-coreweave-backstop · {names['nvidia']}"])),
        T.t("report.moic_nm_financed", parties=sep.join(
            [f"{d} · {names[p]}" for d, p in (
                ("xai-debt", "xai"), ("nvidia-openai-loi", "openai"), ("xai-chips-on-credit", "xai"),
                ("nvidia-coreweave-backstop", "coreweave"), ("nvidia-coreweave-2026", "coreweave"))])),
        T.t("report.moic_nm_token",
            parties=f"amd-openai-warrant · {names['openai']} ({T.multiple(holder)})"),
    ]


def test_a_kpi_is_the_npv_wherever_the_moic_means_nothing(result: cc.Result) -> None:
    from chipcredit.dashboard.tabs.headline import kpi_text

    # the same rule as the tables: pays only, the financed side, a token outlay
    assert headline_metric(result, "colossus2-spv", "xai") == "npv"  # 0x on every path
    assert headline_metric(result, "xai-debt", "xai") == "npv"  # the borrower
    assert headline_metric(result, "nvidia-coreweave-backstop", "nvidia") == "npv"
    assert headline_metric(result, "xai-debt", "xai-bondholders") == "moic"
    T = words("en")
    _, _, tip = kpi_text(T, result, "xai-debt", "xai", "npv", -1.0)
    assert "financed side" in tip and "compute" not in tip
    _, _, tip = kpi_text(T, result, "nvidia-coreweave-backstop", "nvidia", "npv", -1.0)
    assert "compute, goods or nothing back" in tip
