"""The Money flows and Real deals tabs as pure functions: the Sankey keeps the deals' own
money, the flows table and the registry table read in the page's language and money unit,
and the network labels parties by name without overlap.

Golden numbers come from seed-2025's Colossus 2 SPV in the deterministic base case: a $20B
SPV (facts.md: up to $20B) with $2B of Nvidia equity, $5.5B of Valor's and $12.5B of debt
(from lenders no report names: colossus2-lenders), all drawn, and $20B of Nvidia GPUs bought
with it.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("plotly")
pytest.importorskip("streamlit")

import chipcredit as cc
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.tabs import registry
from chipcredit.dashboard.tabs.flows import TABLE_WIDTHS, flow_table
from chipcredit.dashboard.tabs.registry import network_figure, registry_table
from chipcredit.dashboard.text import words
from chipcredit.report import sankey_columns, sankey_flows, sankey_labels, sankey_layout
from chipcredit.report.sankey import sankey_chart
from chipcredit.report.sankey_flows import OUTSIDE, sankey_links
from chipcredit.report.sankey_labels import short_label

SPV = "xAI's GPU SPV"


@pytest.fixture(scope="module")
def base() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=1, seed=0, deterministic=True)


def _links(trace: object) -> dict[tuple[str, str, str], float]:
    labels = list(trace.node.customdata)  # type: ignore[attr-defined]
    link = trace.link  # type: ignore[attr-defined]
    out: dict[tuple[str, str, str], float] = {}
    for s, t, kind, value in zip(link.source, link.target, link.label, link.value, strict=True):
        out[(labels[s], labels[t], kind)] = out.get((labels[s], labels[t], kind), 0.0) + value
    return out


# --- Sankey -------------------------------------------------------------------------------


def test_sankey_keeps_every_link_of_the_deals_own_money(base: cc.Result) -> None:
    fig = sankey_chart(base)
    links = _links(fig.data[0])
    # The SPV's money, each far under MIN_SHARE of the all-years total ($B, hand-checked
    # against the scenario: the SPV's amount, equity and debt).
    total = sankey_links(base.flows())["value"].sum()
    assert 20.0 < sankey_flows.MIN_SHARE * total
    assert links[("Colossus 2 SPV lenders (not reported)", SPV, "loan drawn")] == pytest.approx(12.5)
    assert links[("Nvidia", SPV, "SPV equity")] == pytest.approx(2.0)
    assert links[("Valor Equity Partners", SPV, "SPV equity")] == pytest.approx(5.5)
    assert sum(v for (s, t, k), v in links.items()
               if (s, t) == (SPV, "Nvidia") and k.startswith("GPU sales")) == pytest.approx(20.0)
    # Every link between two of the scenario's own accounts is drawn, in every period; only
    # small links to or from the outside world are dropped.
    for trace, (_, part) in zip(fig.data, _periods(base), strict=True):
        want = sankey_links(part)
        inside = want[~want["from"].isin(OUTSIDE) & ~want["to"].isin(OUTSIDE)]
        assert len(trace.link.value) >= len(inside)
        assert sum(trace.link.value) >= inside["value"].sum() - 1e-9


def test_only_small_links_of_the_outside_world_are_dropped() -> None:
    links = pd.DataFrame({"from": ["customers", "nvidia", "xai", "market", "market"],
                          "to": ["nvidia", "spv", "\u2192customers", "xai", "openai"],
                          "kind": ["revenue", "spv_equity", "infrastructure", "equity_round",
                                   "warrant_sale"],
                          "self_funded": [False] * 5, "value": [9990.0, 0.5, 0.4, 9.1, 0.2]})
    # total 10,000 $B: the cut-off is 10 $B; the $0.5B SPV equity stays, the outside $0.4B
    # and $9.1B go, but not the $0.2B of warrant shares sold: deals' kinds always stay.
    assert sankey_flows.kept(links)["kind"].tolist() == ["revenue", "spv_equity", "warrant_sale"]


def _periods(result: cc.Result) -> list[tuple[str, pd.DataFrame]]:
    flows = result.flows()
    flows = flows[flows["from"] != flows["to"]]
    years = sorted({str(q)[:4] for q in flows["quarter"]})
    return [("all", flows), *((y, flows[flows["quarter"].str.startswith(y)]) for y in years)]


def test_sankey_names_the_spv_and_shortens_long_labels(base: cc.Result) -> None:
    trace = sankey_chart(base).data[0]
    assert SPV in trace.node.customdata and "colossus2-spv" not in trace.node.customdata
    assert "colossus2-spv" not in trace.node.label
    assert "xAI 的 GPU 特殊目的载体" in sankey_chart(base, lang="zh").data[0].node.customdata
    full = "CoreWeave's secured lenders (DDTLs, OEM financing, revolver)"
    assert full in trace.node.customdata  # the hover has the full name
    # its name without the parenthesis, still 171 px wide, wraps (`WRAP_PX`)
    assert "CoreWeave's secured<br>lenders" in trace.node.label
    assert all(len(line) <= sankey_labels.MAX_LABEL for label in trace.node.label
               for line in label.split("<br>"))


def test_short_label_by_hand() -> None:
    # 25 characters, 155 px: wider than WRAP_PX, so it wraps though under MAX_LABEL
    assert short_label("customers (outside world)") == "customers (outside<br>world)"
    assert short_label("Valor Equity") == "Valor Equity"
    assert short_label("Microsoft Azure, Oracle OCI and AWS (as OpenAI's landlords)") == \
        "Microsoft Azure,<br>Oracle OCI and AWS"
    assert short_label("Bondholders of the hyperscale clouds") == \
        "Bondholders of the<br>hyperscale clouds"
    assert short_label("很长的中文名称很长的中文名称很长的中文名称很长的中文名称（括号）") == \
        "很长的中文名称很长的中文名称很长的中文名称很长的中文名称"


# --- tables -------------------------------------------------------------------------------


def test_flow_table_reads_in_the_page_language_and_unit(base: cc.Result) -> None:
    kinds = list(dict.fromkeys(base.flows()["kind"]))
    zh = flow_table(base, kinds, words("zh"))
    assert list(zh.columns) == ["付款方", "收款方", "类型", "合计"]
    rows = {(r["付款方"], r["收款方"], r["类型"]): r["合计"] for r in zh.to_dict("records")}
    lenders = "Colossus 2 SPV lenders (not reported)"
    assert rows[(lenders, "xAI 的 GPU 特殊目的载体", "贷款提款")] == "125亿美元"
    assert rows[("xAI 的 GPU 特殊目的载体", "Nvidia", "GPU 销售")] == "200亿美元"
    assert not set(zh["类型"]) & set(kinds)  # no raw kind id
    en = flow_table(base, kinds, words("en"))
    assert list(en.columns) == ["From", "To", "Kind", "Total"]
    assert ("Nvidia", SPV, "SPV equity", "$2B") in set(en.itertuples(index=False, name=None))
    # largest first
    totals = base.flows().groupby(["from", "to", "kind"])["mean"].sum()
    assert en["Total"].iloc[0] == words("en").money(totals.max())


def test_registry_table_translates_and_scales_money() -> None:
    T = words("zh")
    table = registry_table(T)
    raw = cc.deal_registry()
    assert len(table) == len(raw)
    assert list(table.columns) == ["交易", "付款方", "收款方", "类型", "关系", "金额", "金额性质",
                                   "日期", "条款", "状态", "来源"]
    loi = table[table["交易"] == "nvidia-openai-loi"].iloc[0]
    assert (loi["付款方"], loi["收款方"]) == ("Nvidia", "OpenAI")
    assert loi["类型"] == "按部署 GW 分期的股权投资" and loi["关系"] == "出资"
    assert loi["状态"] == "已宣布"
    assert loi["金额"] == "1,000亿美元"  # $100B is 1,000 亿美元
    assert loi["金额性质"] == "最高"  # an "up to", not money committed
    warrant = table[table["交易"] == "amd-openai-warrant"].iloc[0]
    assert warrant["金额性质"] == "价值，非现金"
    assert (table["金额性质"] == "无").sum() == raw["amount"].isna().sum()
    assert (table["金额"] == "无").sum() == raw["amount"].isna().sum() > 0
    for column, source, group in (("类型", "kind", "deal_kind"), ("关系", "relation", "relation"),
                                  ("状态", "status", "deal_status")):
        assert all(T.has(f"{group}.{v}") for v in set(raw[source]))
        assert not set(table[column]) & set(raw[source])  # every id shown as its label
    assert "None" not in table.to_numpy().ravel().tolist()
    parties = set(raw["from"]) | set(raw["to"])
    assert all(party_name(p, (), T) != p or p in ("lambda", "meta") for p in parties)  # named
    assert words("en").t("report.col_amount") in registry_table(words("en")).columns


@pytest.fixture(scope="module")
def network() -> tuple[cc.DealNetwork, object]:
    net = cc.deal_network()
    return net, network_figure(net, words("en"))


def test_network_labels_are_names_at_one_radius_along_it(
        network: tuple[cc.DealNetwork, Any]) -> None:
    """Every label starts at LABEL_RADIUS and runs along its radius (plotly turns a label
    round its centre, so the centre is half its estimated length further out): neighbours
    side by side at the top of the circle cannot overlap."""
    T = words("en")
    net, fig = network
    labels = [a for a in fig.layout.annotations if not a.showarrow]
    assert {a.text for a in labels} == {party_name(p, (), T) for p in net.nodes["party"]}
    assert not any("-" in a.text for a in labels)  # no raw ids such as coreweave-lenders
    for a in labels:
        r = math.hypot(a.x, a.y)
        assert r - sankey_layout.label_width(a.text) * registry.LABEL_UNIT / 2 == \
            pytest.approx(registry.LABEL_RADIUS)
        turned = -a.textangle if a.x >= -1e-9 else 180 - a.textangle  # the radius' angle
        assert math.degrees(math.atan2(a.y, a.x)) == pytest.approx(turned, abs=1e-6) or \
            abs(math.degrees(math.atan2(a.y, a.x)) - turned) == pytest.approx(360)
        # its centre inside the axes: plotly draws no annotation whose point is outside
        assert max(abs(a.x), abs(a.y)) < fig.layout.xaxis.range[1]


def test_network_draws_the_two_directions_apart(network: tuple[cc.DealNetwork, Any]) -> None:
    """AMD funds OpenAI and OpenAI buys from AMD: the two edges bow to opposite sides (each
    to the right of its direction), so the one does not hide the other (it did, drawn on one
    straight line)."""
    _, fig = network
    edges = {t.hovertext.split(":")[0] + " " + t.name: t for t in fig.data
             if isinstance(t.hovertext, str) and "→" in t.hovertext}
    funds = edges["AMD → OpenAI funds (equity, credit)"]
    buys = edges["OpenAI → AMD buys from"]
    middle = len(funds.x) // 2
    gap = math.hypot(funds.x[middle] - buys.x[middle], funds.y[middle] - buys.y[middle])
    assert gap > 0.05
    # by hand: from (0, 0) to (1, 0) bows to the right of travel, below the x-axis
    xs, ys = registry.curve((0.0, 0.0), (1.0, 0.0))
    assert all(y < 0 for y in ys) and xs[0] > 0 and xs[-1] < 1
    _, back_y = registry.curve((1.0, 0.0), (0.0, 0.0))
    assert all(y > 0 for y in back_y)


def test_network_hover_keeps_the_letter_of_intent_apart(network: tuple[cc.DealNetwork, Any]) -> None:
    """An edge's hover once gave one amount for all its live deals: Nvidia -> OpenAI read
    $130B, the executed $30B of the 2026 round plus the announced "up to $100B" letter of
    intent. Each status now has its own line (deals.csv: nvidia-openai-2026 executed $30B,
    nvidia-openai-loi announced $100B; nvidia-xai-series-e executed with no amount,
    nvidia-xai-colossus2-spv signed $2B)."""
    net, fig = network
    hovers = {t.hovertext.split("<br>")[0]: t.hovertext for t in fig.data
              if isinstance(t.hovertext, str) and "→" in t.hovertext}
    assert hovers["Nvidia → OpenAI: funds (equity, credit)"].split("<br>")[1:] == [
        "executed: $30B", "announced: $100B"]
    assert hovers["Nvidia → xAI: funds (equity, credit)"].split("<br>")[1:] == [
        "executed: n/a (1 of its deals reported no amount)", "signed: $2B"]
    assert not any("$130B" in h for h in hovers.values())
    # every edge's lines are its parts by status, most binding first (`status_parts`)
    by, T = net.edges_by_status, words("en")
    for edge in net.edges.to_dict("records"):
        src, dst, relation = edge["from"], edge["to"], edge["relation"]
        how = T.t(f"dashboard.registry.{relation}")
        mine = by[(by["from"] == src) & (by["to"] == dst) & (by["relation"] == relation)]
        lines = hovers[f"{party_name(src, (), T)} → {party_name(dst, (), T)}: {how}"]
        assert [line.split(":")[0] for line in lines.split("<br>")[1:]] == list(mine["status"])
    zh = registry.edge_hover("nvidia", "openai", "funds", by, words("zh"))
    assert zh.split("<br>")[1:] == ["已执行：300亿美元", "已宣布：1,000亿美元"]


def test_flows_table_fits_the_page_and_names_the_paid_outside_world(base: cc.Result) -> None:
    """Four columns of fixed width inside the page's 736 px at 1,280 px (the Total column was
    cut off); costs are paid to "suppliers and costs", not to customers."""
    assert sum(TABLE_WIDTHS.values()) <= 736
    assert "report.col_total" in TABLE_WIDTHS
    kinds = list(dict.fromkeys(base.flows()["kind"]))
    table = flow_table(base, kinds, words("en"))
    paid = table[table["Kind"] == "infrastructure"]["To"]
    assert set(paid) == {"suppliers and costs (outside world)"}
    assert "customers (outside world)" in set(table["From"])


def test_node_columns_by_hand() -> None:
    # customers pay a lab, the lab pays a vendor, the vendor puts equity into an SPV that
    # pays it back (a cycle), the lab pays its lender interest, and the vendor's profit
    # goes to the outside world: the loop's back-flow is the smaller one, so it is cut.
    links = pd.DataFrame({
        "from": ["customers", "lab", "vendor", "spv", "lab", "vendor"],
        "to": ["lab", "vendor", "spv", "vendor", "lender", "\u2192customers"],
        "value": [100.0, 80.0, 10.0, 9.0, 5.0, 60.0]})
    nodes = ["customers", "lab", "vendor", "spv", "lender", "\u2192customers"]
    columns = sankey_columns.node_columns(links, nodes)
    assert columns == {
        "customers": 0, "lab": 1, "vendor": 2, "spv": 3, "lender": 2, "\u2192customers": 4}
    # without labels the columns are evenly spread
    xs, ys = sankey_layout.node_rows(links, nodes, columns)
    inner = 1 - 2 * sankey_layout.SIDE  # SIDE is kept free at each end for the loops
    assert [xs[nodes.index(n)] for n in ("customers", "lab", "vendor", "spv", "\u2192customers")] \
        == pytest.approx([sankey_layout.SIDE + inner * k / 4 for k in range(5)])
    assert xs[nodes.index("lender")] == xs[nodes.index("vendor")]
    # with labels each gap holds its column's widest label and 20 px, the last one also the
    # last column's labels (plotly writes them on the left): 9, 3, 6 and 3 + 9 characters
    # of 6.2 px, so 75.8, 38.6, 57.2 and 94.4 px of 266 px
    xs, ys = sankey_layout.node_rows(links, nodes, columns, [*nodes[:-1], "customers"])
    edges = [xs[nodes.index(n)] for n in ("customers", "lab", "vendor", "spv", "\u2192customers")]
    assert [b - a for a, b in itertools.pairwise(edges)] == pytest.approx(
        [inner * w / 266.0 for w in (75.8, 38.6, 57.2, 94.4)])
    # two nodes of one column at least PAD px apart (the lender and the vendor)
    assert abs(ys[nodes.index("lender")] - ys[nodes.index("vendor")]) >= \
        sankey_layout.PAD / sankey_layout.PLOT_HEIGHT


def test_label_width_counts_wide_characters_double_capitals_wider_and_takes_the_longest_line() -> None:
    assert sankey_layout.label_width("Valor Equity Partners") == pytest.approx(3 * 8.0 + 18 * 6.2)
    # "xAI 的 GPU": 5 capitals, 3 narrow, 1 wide; "特殊目的载体": 6 wide
    assert sankey_layout.label_width("xAI 的 GPU<br>特殊目的载体") == pytest.approx(
        6 * 12.0)
    assert sankey_layout.label_width("GPU<br>特殊目的载体") == pytest.approx(6 * 12.0)
    assert sankey_layout.label_width("") == 0.0


def test_sankey_places_nodes_so_that_labels_keep_apart(base: cc.Result) -> None:
    # the chart at 1,280 px (the page less the sidebar), less margins and the room for loops
    plot_width = (820 - 2 * sankey_layout.MARGIN) * (1 - 2 * sankey_layout.SIDE)
    for lang in ("en", "zh"):
        fig = sankey_chart(base, lang=lang)
        assert fig.layout.margin.l + fig.layout.margin.r == 2 * sankey_layout.MARGIN
        trace = fig.data[0]
        names, xs, ys = list(trace.node.customdata), list(trace.node.x), list(trace.node.y)
        labels = list(trace.node.label)
        assert all(0 < v < 1 for v in [*xs, *ys])  # plotly ignores a position of 0
        # the last column is the outside world only, whose labels plotly puts on the left
        assert {n for n, x in zip(names, xs, strict=True) if x == max(xs)} <= {
            "suppliers and costs (outside world)", "outside equity market", "founders",
            "供应商与成本（外部世界）", "外部股权市场", "创始人"}
        # side by side: each gap (px at 1,280) holds the widest label of the column on its
        # left, and the last gap also the last column's labels
        edges = sorted(set(xs))

        def widest(x: float, labels: list[str] = labels, xs: list[float] = xs) -> float:
            return max(sankey_layout.label_width(lab) for lab, at in zip(labels, xs, strict=True)
                       if at == x)

        for left, right in itertools.pairwise(edges):
            room = widest(left) + (widest(right) if right == edges[-1] else 0.0)
            assert (right - left) * plot_width >= room, (lang, left, right, room)
        for trace in fig.data:  # one above the other: at least PAD px apart in a column
            columns: dict[float, list[float]] = {}
            for x, y, label in zip(trace.node.x, trace.node.y, trace.node.label, strict=True):
                if label:
                    columns.setdefault(x, []).append(y)
            for rows in columns.values():
                rows.sort()
                assert all(b - a >= sankey_layout.PAD / sankey_layout.PLOT_HEIGHT - 1e-9
                           for a, b in itertools.pairwise(rows))


def test_network_width_never_adds_the_letter_of_intent(network: tuple[cc.DealNetwork, Any]) -> None:
    """The edge's width once grew with every live status summed: Nvidia -> OpenAI was drawn
    as $130B, the executed $30B plus the announced "up to $100B". It is now drawn by its
    binding money (executed + signed, as reported) and its line says the most binding
    status: Nvidia -> xAI is executed (no amount reported) and signed $2B, solid, drawn by
    $2B; an announced-only edge is dotted and drawn by its announced amount."""
    net, fig = network
    edges = {t.hovertext.split("<br>")[0]: t for t in fig.data
             if isinstance(t.hovertext, str) and "→" in t.hovertext}

    def width(amount: float) -> float:
        return 1 + 2 * math.log10(1 + amount)

    openai = edges["Nvidia → OpenAI: funds (equity, credit)"]
    assert openai.line.width == pytest.approx(width(30.0))  # not width(130.0)
    assert openai.line.dash == "solid"
    xai = edges["Nvidia → xAI: funds (equity, credit)"]
    assert xai.line.width == pytest.approx(width(2.0)) and xai.line.dash == "solid"
    statuses = net.statuses
    assert registry.edge_status({"amount_executed": 0.0, "amount_signed": 0.0,
                                 "amount_announced": 100.0}, statuses) == ("announced", 100.0)
    assert registry.edge_status({"amount_executed": 0.0, "amount_signed": 2.0,
                                 "amount_announced": 100.0}, statuses) == ("signed", 2.0)
    status, amount = registry.edge_status({"amount_executed": math.nan, "amount_signed": 0.0,
                                           "amount_announced": 0.0}, statuses)
    assert status == "executed" and math.isnan(amount)
    assert registry.DASHES == {"executed": "solid", "signed": "dash", "announced": "dot"}
    # every edge's dash is its most binding status among edges_by_status
    by = net.edges_by_status
    for edge in net.edges.to_dict("records"):
        mine = by[(by["from"] == edge["from"]) & (by["to"] == edge["to"])
                  & (by["relation"] == edge["relation"])]
        assert registry.edge_status(edge, statuses)[0] == mine["status"].iloc[0]


def test_network_legend_has_each_relation_solid_and_each_status_by_its_line(
        network: tuple[cc.DealNetwork, Any]) -> None:
    """The legend's sample of a relation once took its first edge's line ("funds" read as a
    thick dashed line) and the line styles had no entry: each relation is now a solid line
    of its colour, each status its own line, and no edge has an entry of its own."""
    _, fig = network
    entries = [(t.name, t.line.dash, t.line.color) for t in fig.data
               if t.showlegend is not False and t.mode == "lines"]
    assert entries == [("funds (equity, credit)", "solid", "#d62728"), ("buys from", "solid", "#1f77b4"),
                       ("executed", "solid", "#555"), ("signed", "dash", "#555"),
                       ("announced", "dot", "#555")]
    edges = [t for t in fig.data if isinstance(t.hovertext, str) and "→" in t.hovertext]
    assert edges and all(t.showlegend is False for t in edges)
    assert {t.line.dash for t in edges} <= set(registry.DASHES.values())
    # the width's scale, by hand: 1 + 2 log10(1 + $B)
    assert registry.edge_width(0.0) == 1.0 and registry.edge_width(9.0) == pytest.approx(3.0)
    assert registry.edge_width(float("nan")) == 1.0
    assert registry.edge_width(300.0) / registry.edge_width(1.0) == pytest.approx(
        (1 + 2 * math.log10(301)) / (1 + 2 * math.log10(2)))
    nvidia_openai = [t for t in edges if t.hovertext.startswith("Nvidia → OpenAI: funds")]
    assert nvidia_openai[0].line.width == pytest.approx(1 + 2 * math.log10(31))  # the $30B that moved


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_network_caption_gives_the_width_scale(lang: str) -> None:
    T = words(lang)
    text = T.t("dashboard.registry.width")
    assert "1 + 2 log10(1 + " in text
    for amount, width in ((1.0, "1.6"), (10.0, "3.1"), (300.0, "6")):
        assert f"{registry.edge_width(amount):.1f}".rstrip("0").rstrip(".") == width
        assert f"{T.money(amount)} " in text or f"{T.money(amount)}为 {width}" in text, amount


def test_legend_rows_by_hand() -> None:
    from chipcredit.dashboard.tabs.flows import legend_rows

    # CHAR_PX a letter or a space: "xaaaa" (tags not counted) is 5, the gap 3; rows of 12
    char = sankey_layout.label_width("a")
    text = '<span style="color:red">x</span>aaaa   bbbb   cccc<br>dddd'
    assert legend_rows(text, width=char * 12) == \
        '<span style="color:red">x</span>aaaa   bbbb<br>cccc   dddd'
    assert legend_rows(text, width=char * 2) == \
        '<span style="color:red">x</span>aaaa<br>bbbb<br>cccc<br>dddd'  # one a row at least
    assert legend_rows(text, width=char * 100).count("<br>") == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_money_flows_legend_fits_the_page_at_1280_px(base: cc.Result, lang: str) -> None:
    """The report's two legend rows ran past the chart's right edge at 1,280 px ("debt
    service, repayments," cut off): the dashboard's rows each fit `LEGEND_PX`, every item
    kept in its order."""
    import re

    from chipcredit.dashboard.tabs.flows import LEGEND_PX, _fitted

    def legend(fig: Any) -> str:
        (text,) = [a.text for a in fig.layout.annotations if a.name == "legend"]
        return str(text)

    report = legend(sankey_chart(base, lang=lang))
    fitted = legend(_fitted(sankey_chart(base, lang=lang)))
    width = [sankey_layout.label_width(re.sub("<[^>]+>", "", row)) for row in fitted.split("<br>")]
    assert max(width) <= LEGEND_PX <= 736 - sankey_layout.MARGIN
    assert re.split("<br>|   ", fitted) == re.split("<br>|   ", report)
    if lang == "en":  # the report's first row is wider than the page
        assert max(sankey_layout.label_width(re.sub("<[^>]+>", "", row))
                   for row in report.split("<br>")) > LEGEND_PX


@pytest.fixture(scope="module")
def paths300() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=300, seed=1)


def test_the_histogram_keeps_its_bars_below_the_percentile_labels(paths300: cc.Result) -> None:
    """The p50 label sat on the tallest bar (colossus2-spv, Nvidia's NPV, whose median is
    near the tallest bar): the axis now ends where the tallest bar is 1 - LABEL_ROOM of it,
    below the labels' rows (from the top down, 0.07 apart)."""
    from chipcredit.dashboard.tabs.deals import LABEL_ROOM, clear_of_labels
    from chipcredit.report.charts import outcome_histogram

    fig = clear_of_labels(outcome_histogram(paths300, "colossus2-spv", "nvidia", "npv"))
    (bars,) = [t for t in fig.data if t.type == "bar"]
    low, high = fig.layout.yaxis.range
    assert low == 0.0 and max(bars.y) / high == pytest.approx(1 - LABEL_ROOM)
    labels = [a.y for a in fig.layout.annotations if a.xref == "x" and a.yref == "paper"]
    assert len(labels) == 3  # p05, p50, p95
    assert max(bars.y) / high < min(labels) - 0.05  # a label's row is about 0.05 high


def test_the_fan_charts_separate_thousands(paths300: cc.Result) -> None:
    from chipcredit.dashboard.fan import THOUSANDS, with_thousands
    from chipcredit.report.charts import fan_chart

    # the report's fan sets it itself now (no "15k" on a 亿美元 axis); with_thousands keeps it
    assert fan_chart(paths300, "openai", "revenue").layout.yaxis.tickformat == THOUSANDS
    money = with_thousands(fan_chart(paths300, "openai", "revenue"))
    assert money.layout.yaxis.tickformat == THOUSANDS == ",~r"  # 1,000 and 0.5
    share = fan_chart(paths300, "nvidia", "market_share")  # keeps its percent ticks
    assert with_thousands(share).layout.yaxis.tickformat == ".0%"
