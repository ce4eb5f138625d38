"""Chart functions: the traces each draws on a small run, their numbers, titles and sources."""

from __future__ import annotations

import dataclasses
import re
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

import chipcredit as cc
from chipcredit.analytics.result import Result
from chipcredit.report import charts, i18n, sankey_flows
from chipcredit.report.theme import SELF_FUNDED, rgba

PATHS, SEED = 300, 3


@pytest.fixture(scope="module")
def result() -> Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # NaN IRRs on a few paths
        return cc.simulate("seed-2025", paths=PATHS, seed=SEED)


def source_text(fig: Any) -> str:
    (note,) = [a for a in fig.layout.annotations if a.name == "source"]
    return str(note.text)


def assert_labelled(fig: Any, result: Result, *, axes: bool = True) -> None:
    """Title, axis titles and the source line (scenario, sha256 prefix, paths, seed)."""
    assert fig.layout.title.text
    if axes:
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    line = source_text(fig)
    for part in ("seed-2025", result.scenario_sha256[:12], f"{PATHS} paths", f"seed {SEED}"):
        assert part in line, (part, line)


# --- fan -------------------------------------------------------------------------------


@pytest.mark.parametrize(("party", "variable", "unit"), [
    ("xai", "revenue", "$B"), ("openai", "cash", "$B"), ("xai", "capacity", "GW"),
    ("nvidia", "sales", "$B"), ("amd", "share", None)])
def test_fan_chart_draws_bands_median_and_mean(result: Result, party: str, variable: str,
                                               unit: str | None) -> None:
    fig = charts.fan_chart(result, party, variable)
    bands = result.bands(party, variable)
    assert [t.type for t in fig.data] == ["scatter"] * 6
    p95, p05, p75, p25, median, mean = fig.data
    for trace, column in ((p95, "p95"), (p05, "p05"), (p75, "p75"), (p25, "p25"),
                          (median, "p50"), (mean, "mean")):
        np.testing.assert_array_equal(np.asarray(trace.y, dtype=float), bands[column].to_numpy())
    assert list(median.x) == result.quarter_labels()
    assert p05.fill == "tonexty" and p25.fill == "tonexty" and p95.fill is None
    assert_labelled(fig, result)
    if unit is None:
        assert fig.layout.yaxis.tickformat == ".0%"
    else:
        assert unit in fig.layout.yaxis.title.text


def test_fan_chart_in_chinese_draws_money_in_yi(result: Result) -> None:
    """1 $B = 10 亿美元: the Chinese chart's values are ten times the bands."""
    fig = charts.fan_chart(result, "xai", "cash", lang="zh")
    np.testing.assert_allclose(np.asarray(fig.data[4].y, dtype=float),
                               result.bands("xai", "cash")["p50"].to_numpy() * 10)
    assert "亿美元" in fig.layout.yaxis.title.text
    assert "随机种子 3" in source_text(fig)


def test_fan_chart_refuses_an_unknown_variable_and_language(result: Result) -> None:
    with pytest.raises(cc.UsageError, match=r"no variable 'cahs'.*did you mean cash"):
        charts.fan_chart(result, "xai", "cahs")
    with pytest.raises(cc.UsageError, match="language must be one of en, zh; got 'fr'"):
        charts.fan_chart(result, "xai", "cash", lang="fr")


# --- outcome histogram -------------------------------------------------------------------


FAKE = "made-up-deal"
"""A deal with no cash flows in the outcomes: its made-up values are all there is of it, so
no path of it is left out as one on which it did not close (tests/test_charts.py's
closure test has those)."""


def with_outcome(result: Result, deal: str, party: str, metric: str,
                 values: np.ndarray) -> Result:
    outcomes = dict(result.outcomes)
    outcomes[f"deal|{deal}|{party}|{metric}"] = values
    return dataclasses.replace(result, outcomes=outcomes, paths=len(values))


def test_outcome_histogram_golden_numbers(result: Result) -> None:
    """Values 1..241 and 59 NaN: bars hold 241/300 of paths, percentiles at numpy's linear
    rule, and the note states 20% (59/300, two significant figures) with no value."""
    values = np.concatenate([np.arange(1.0, 242.0), np.full(59, np.nan)])
    fake = with_outcome(result, FAKE, "nvidia", "moic", values)
    fig = charts.outcome_histogram(fake, FAKE, "nvidia", "moic")
    (bars,) = fig.data
    assert bars.type == "bar"
    assert sum(bars.y) == pytest.approx(241 / 300)
    # by hand: linear quantiles of 1..241 at 5%, 50%, 95%: 1 + q * 240
    assert [s.x0 for s in fig.layout.shapes] == pytest.approx([13.0, 121.0, 229.0])
    texts = [a.text for a in fig.layout.annotations]
    assert {"p05 13x", "p50 121x", "p95 229x"} <= set(texts)
    assert any(t == "no value on 20% of paths" for t in texts), texts
    # each label sits right of its own line, on its own row, on an opaque background: the
    # next dashed line to its right crosses its row and must not hide a character (a
    # "p05 -$36B" once read "p05 $36B" with the p50 line over its minus sign)
    labels = [a for a in fig.layout.annotations if a.text.startswith(("p05", "p50", "p95"))]
    assert [a.x for a in labels] == pytest.approx([13.0, 121.0, 229.0])
    assert len({a.y for a in labels}) == 3
    for label in labels:
        assert label.xanchor == "left" and label.xshift > 0
        white = re.fullmatch(r"rgba\(255,255,255,([0-9.]+)\)", label.bgcolor)
        assert white is not None and float(white.group(1)) >= 0.8, label.bgcolor
    assert fig.layout.xaxis.title.text == "MOIC (multiple of money)"
    assert_labelled(fig, fake)


def test_outcome_histogram_counts_every_finite_path(result: Result) -> None:
    """An IRR with a value on some paths and none on others (for a stated reason): the bars
    hold every path with an IRR or a known side of the bracket (tests/test_irr_histogram.py
    draws those beyond it), the lines mark the deal table's percentiles, and the note gives
    the share with no IRR and why."""
    outside = ("no_root_in_bracket", "above_bracket", "below_bracket")
    (deal, party), reason = next(
        (pair, next(r for r in outside if counts[r] > 0))
        for pair, counts in result.irr_reasons().items()
        if any(counts[r] > 0 for r in outside) and np.isfinite(result.outcome(*pair, "irr")).any())
    stats = result.describe(f"deal|{deal}|{party}|irr")
    fig = charts.outcome_histogram(result, deal, party, "irr")
    assert sum(fig.data[0].y) == pytest.approx(stats["ranked_share"])
    # IRR drawn in percent a year, at the percentiles the deal tables show
    solved = [stats[s] * 100 for s in ("p05", "p50", "p95") if s not in stats["outside_bracket"]]
    assert solved and [s.x0 for s in fig.layout.shapes][-len(solved):] == pytest.approx(solved)
    note = [a.text for a in fig.layout.annotations if "paths" in a.text and a.y == 1.08]
    wording = {"no_root_in_bracket": "no rate in the searched range",
               "above_bracket": "IRR >1000% (above the range searched) on ",
               "below_bracket": "-100% (all or nearly all lost) on "}[reason]
    assert len(note) == 1 and wording in note[0], note


def test_outcome_histogram_with_several_metrics_has_buttons(result: Result) -> None:
    fig = charts.outcome_histogram(result, "colossus2-spv", "nvidia", ["npv", "irr", "moic"])
    assert [t.type for t in fig.data] == ["bar"] * 3
    assert [t.visible for t in fig.data] == [True, False, False]
    (menu,) = fig.layout.updatemenus
    assert [b.label for b in menu.buttons] == ["NPV", "IRR", "MOIC"]
    assert menu.buttons[2].args[0]["visible"] == [False, False, True]
    moic = result.outcome("colossus2-spv", "nvidia", "moic")
    shapes = menu.buttons[2].args[1]["shapes"]
    assert [s["x0"] for s in shapes] == pytest.approx(
        list(np.quantile(moic[np.isfinite(moic)], [0.05, 0.5, 0.95])))


def test_outcome_histogram_hatches_an_end_bar_holding_a_tail(result: Result) -> None:
    """Values 1..241 and one of 10,000: the 0.5th and 99.5th percentiles are 2.2 and 239.8
    (by hand: 1 + 0.005 * 240, 1 + 0.995 * 240, 10,000 aside at 242 values: 2.205, ~240.8),
    so 1 and 2 lie below the first bar and 241 and 10,000 above the last: both end bars are
    hatched and a note says why. Without a tail beyond the range no bar is hatched."""
    values = np.concatenate([np.arange(1.0, 242.0), [10_000.0]])
    fig = charts.outcome_histogram(with_outcome(result, FAKE, "nvidia", "moic", values),
                                   FAKE, "nvidia", "moic")
    shapes = list(fig.data[0].marker.pattern.shape)
    assert shapes[0] == shapes[-1] == "/" and set(shapes[1:-1]) == {""}
    clipped = [a.text for a in fig.layout.annotations if a.name == "clipped"]
    assert clipped == ["hatched end bars also count the tail beyond the 0.5th or 99.5th percentile"]
    flat = charts.outcome_histogram(with_outcome(result, FAKE, "nvidia", "moic",
                                                 np.full(PATHS, 2.0)), FAKE, "nvidia", "moic")
    assert set(flat.data[0].marker.pattern.shape) == {""}
    assert not [a for a in flat.layout.annotations if a.name == "clipped"]


def test_a_share_that_is_zero_everywhere_gets_an_axis_from_zero(result: Result) -> None:
    """AMD's self-funded share is 0 on every path of some runs: the axis is 0..1%, not
    plotly's -100%..100% round a flat line; a share with values keeps plotly's own range."""
    key = ("amd", "self_funded_share")
    fake = dataclasses.replace(
        result, reservoir={**result.reservoir, key: np.zeros_like(result.reservoir[key])},
        series_sums={**result.series_sums, key: np.zeros_like(result.series_sums[key])})
    fig = charts.fan_chart(fake, "amd", "self_funded_share")
    assert tuple(fig.layout.yaxis.range) == (0.0, charts.FLAT_SHARE_TOP)
    assert charts.fan_chart(result, "amd", "share").layout.yaxis.range is None


def test_titles_are_indented_from_the_edge(result: Result) -> None:
    """A PNG has no page margin: the title starts TITLE_INDENT px in, on every chart."""
    from chipcredit.report.theme import TITLE_INDENT

    for fig in (charts.fan_chart(result, "xai", "cash"), charts.market_share_chart(result),
                charts.default_timing_chart(result, "xai")):
        assert fig.layout.title.pad.l == TITLE_INDENT > 0


def test_paths_on_which_the_deal_did_not_close_stand_in_no_bar(result: Result) -> None:
    """Journalist finding J9: the LOI's NPV is an exact 0 on the ~72% of paths on which it
    never closes, and that mass sat in a bar round +5.7 ("5.74: 78.0%"), read as the likely
    outcome. Those paths are in no bar and no percentile; the note and the hover say how
    many. By hand: 300 paths, the deal closed on the first 100 (cash out 1), NPV 1..100
    there and 0 elsewhere; a 0 on a path where it closed stays (paths 100..109 closed, 0)."""
    closed = np.zeros(PATHS, dtype=bool)
    closed[:110] = True
    npv = np.zeros(PATHS)
    npv[:100] = np.arange(1.0, 101.0)
    outcomes = {k: v for k, v in result.outcomes.items() if not k.startswith("deal|nvidia-openai-loi|")}
    outcomes.update({"deal|nvidia-openai-loi|nvidia|npv": npv,
                     "deal|nvidia-openai-loi|nvidia|cash_out": closed.astype(float),
                     "deal|nvidia-openai-loi|nvidia|cash_in": np.zeros(PATHS)})
    fake = dataclasses.replace(result, outcomes=outcomes)
    fig = charts.outcome_histogram(fake, "nvidia-openai-loi", "nvidia", "npv")
    (bars,) = fig.data
    assert sum(bars.y) == pytest.approx(110 / PATHS)  # the closed paths, zeros among them
    kept = np.concatenate([np.arange(1.0, 101.0), np.zeros(10)])
    assert [s.x0 for s in fig.layout.shapes] == pytest.approx(
        list(np.quantile(kept, [0.05, 0.5, 0.95])))
    texts = [a.text for a in fig.layout.annotations]
    median = np.median(kept)  # ten zeros and 1..100: between 45 and 46 ($B)
    assert median == 45.5
    assert ("did not close on 63% of paths (no position there, so a value of 0 or none): left "
            "out of the bars and the percentiles, which are over the 37% of paths on which it "
            "closed (median $45.5B); the deals table's are over all paths, 0 where it did not "
            "close") in texts
    assert bars.hovertemplate == ("%{x:.3g}: %{y:.1%}<br>not closed on 63% of paths: in no bar"
                                  "<extra></extra>")
    zh = charts.outcome_histogram(fake, "nvidia-openai-loi", "nvidia", "npv", lang="zh")
    assert "63% 的路径上交易未成交" in " ".join(a.text for a in zh.layout.annotations)
    # a deal that closed on every path: every path in the bars, no such note
    every = outcomes | {"deal|nvidia-openai-loi|nvidia|cash_out": np.ones(PATHS)}
    fig = charts.outcome_histogram(dataclasses.replace(result, outcomes=every),
                                   "nvidia-openai-loi", "nvidia", "npv")
    assert sum(fig.data[0].y) == pytest.approx(1.0)
    assert not [a for a in fig.layout.annotations if "did not close" in a.text]
    assert fig.data[0].hovertemplate == "%{x:.3g}: %{y:.1%}<extra></extra>"


def _flows_on(result: Result, deal: str, party: str, moved: int, npv: np.ndarray) -> Result:
    """``result`` with ``deal``'s flows (every party's) on the first ``moved`` paths only
    (cash out 1 there) and ``party``'s NPV ``npv``."""
    outcomes = {k: v for k, v in result.outcomes.items() if not k.startswith(f"deal|{deal}|")}
    flows = (np.arange(PATHS) < moved).astype(float)
    outcomes.update({f"deal|{deal}|{party}|npv": npv, f"deal|{deal}|{party}|cash_out": flows,
                     f"deal|{deal}|{party}|cash_in": np.zeros(PATHS)})
    return dataclasses.replace(result, outcomes=outcomes)


@pytest.mark.parametrize(("deal", "party", "why", "why_zh"), [
    ("openai-amd-take-or-pay", "amd", "no shortfall fee was paid", "没有支付差额费"),
    ("amd-openai-warrant", "openai", "no tranche vested", "没有任何一批认股权归属"),
    ("nvidia-coreweave-backstop", "nvidia",
     "the backstop never paid out: no unsold capacity to pay for while the cloud was solvent",
     "兜底从未付款：云服务商存续期间没有未售出的算力需要支付")])
def test_a_signed_deal_with_no_flows_on_a_path_is_not_said_to_have_not_closed(
        result: Result, deal: str, party: str, why: str, why_zh: str) -> None:
    """Report finding 1: seed-2025's take-or-pay, warrant and backstop have no
    close_probability, yet their charts said they "did not close on 82% of paths" (11%,
    0.5%): the paths on which no money moved in them. By hand: 300 paths, flows on the first
    60 (NPV 1..60 there, 0 elsewhere): 240 / 300 = 80% left out, the median of 1..60 is
    30.5 ($B), and the note names the cause by the deal's kind."""
    npv = np.where(np.arange(PATHS) < 60, np.arange(1.0, PATHS + 1.0), 0.0)
    fake = _flows_on(result, deal, party, 60, npv)
    fig = charts.outcome_histogram(fake, deal, party, "npv")
    texts = [a.text for a in fig.layout.annotations]
    assert not [t for t in texts if "close on" in t]
    assert (f"no money moved in this deal on 80% of paths ({why}; it is not a deal that may "
            "fail to close), so a value of 0 or none there: left out of the bars and the "
            "percentiles, which are over the other 20% (median $30.5B); the deals table's are "
            "over all paths, 0 on these") in texts
    assert fig.data[0].hovertemplate == ("%{x:.3g}: %{y:.1%}<br>no money moved on 80% of "
                                         "paths: in no bar<extra></extra>")
    zh = charts.outcome_histogram(fake, deal, party, "npv", lang="zh")
    assert (f"80% 的路径上该交易没有资金往来（{why_zh}；这不是可能不成交的交易）"
            in " ".join(a.text for a in zh.layout.annotations))


@pytest.mark.parametrize(("tops", "fmt", "ticks"), [
    ([0.012], ".1~%", ["0%", "0.2%", "0.4%", "1%", "1.2%"]),  # the finding's 1%, 1%, 0%
    ([0.004], ".2~%", ["0.05%", "0.25%", "0.4%"]),
    ([0.05, 0.3], ".1~%", ["0.5%", "1%", "4.5%"]),  # the lowest view's tallest bar rules
    ([0.2], ".0%", ["0%", "5%", "20%"]), ([], ".0%", ["0%"])])
def test_share_axis_ticks_have_decimals_enough_to_differ(tops: list[float], fmt: str,
                                                         ticks: list[str]) -> None:
    """Report finding 8: bars under 2% of the paths gave ticks "1%, 1%, 1%, 0%, 0%" at
    ``.0%``. The format has a decimal per step below 1 point (d3's ``~`` trims zeros);
    ``ticks`` are what d3 writes for some ticks at that format (a share times 100, rounded
    to its decimals, trailing zeros dropped), worked here by hand."""
    from chipcredit.report.histogram import share_tickformat

    assert share_tickformat(tops) == fmt
    decimals = int(fmt[1])
    for text in ticks:
        value = float(text[:-1])
        written = f"{value:.{decimals}f}"
        assert (written.rstrip("0").rstrip(".") if "." in written else written) + "%" == text


def test_a_histogram_of_small_bars_ticks_in_hundredths_of_a_percent(result: Result) -> None:
    """Every path its own value: each bar holds one or two of the 60 paths kept out of 300
    (0.33% or 0.67%), so the axis may tick every 0.05 point (``.2~%``), not whole percents
    (which read 1%, 1%, 0%, 0%)."""
    npv = np.where(np.arange(PATHS) < 60, np.arange(1.0, PATHS + 1.0), 0.0)
    fig = charts.outcome_histogram(_flows_on(result, "openai-amd-take-or-pay", "amd", 60, npv),
                                   "openai-amd-take-or-pay", "amd", "npv")
    assert max(fig.data[0].y) == pytest.approx(2 / PATHS)
    assert fig.layout.yaxis.tickformat == ".2~%"


def test_outcome_histogram_with_no_value_anywhere(result: Result) -> None:
    fake = with_outcome(result, FAKE, "nvidia", "moic", np.full(PATHS, np.nan))
    fig = charts.outcome_histogram(fake, FAKE, "nvidia", "moic")
    assert len(fig.data[0].x) == 0 and not fig.layout.shapes
    assert "no value on any path" in [a.text for a in fig.layout.annotations]


# --- defaults, market --------------------------------------------------------------------


def test_default_timing_chart_stacks_causes_to_the_total(result: Result) -> None:
    """Only the causes some path defaults of are in the legend: seed-2025's labs default
    only when they cannot pay and cannot raise (docs/output.md: the engine sets no other
    cause here)."""
    fig = charts.default_timing_chart(result, "xai")
    timing = result.default_timing("xai")
    present = [c for c in ("arrears_unfunded", "covenant", "cross_default") if timing[c].sum() > 0]
    assert present == ["arrears_unfunded"]
    assert [t.name for t in fig.data] == ["could not pay and could not raise", "all causes"]
    stacked = np.sum([np.asarray(t.y, dtype=float) for t in fig.data[:-1]], axis=0)
    total = np.asarray(fig.data[-1].y, dtype=float)
    np.testing.assert_allclose(stacked, total, atol=1e-12)
    dq = result.outcome(None, "xai", "default_quarter")
    assert total[-1] == pytest.approx(float(np.mean(dq >= 0)))
    assert total[4] == pytest.approx(float(np.mean((dq >= 0) & (dq <= 4))))
    assert_labelled(fig, result)


def without(result: Result, *variables: str) -> Result:
    return dataclasses.replace(result, reservoir={
        k: v for k, v in result.reservoir.items() if k[1] not in variables})


def test_market_share_chart_plots_the_share_of_sales_dollars(result: Result) -> None:
    """The chart says share of sales in dollars, and plots it: the vendors' ``share`` (of
    the quarter's sales in $), not ``market_share`` (of units), averaged over the paths with
    sales, so the stack is 100% in every quarter with sales."""
    fig = charts.market_share_chart(result)
    assert [t.name for t in fig.data] == ["Nvidia", "AMD"]
    assert all(t.stackgroup == "vendors" for t in fig.data)
    amd = np.asarray(result.reservoir[("amd", "share")], dtype=float)
    nvidia = np.asarray(result.reservoir[("nvidia", "share")], dtype=float)
    sold = amd + nvidia > 0.5
    # by hand, the last quarter: AMD's share over the paths with sales
    last = sold[:, -1]
    assert float(fig.data[1].y[-1]) == pytest.approx(float(amd[last, -1].mean()))
    stacked = np.asarray(fig.data[0].y, dtype=float) + np.asarray(fig.data[1].y, dtype=float)
    np.testing.assert_allclose(stacked[sold.any(axis=0)], 1.0, atol=1e-6)
    # dollars, not units: AMD's unit share is higher (it sells cheaper GPUs)
    units = float(result.bands("amd", "market_share")["mean"].iloc[-1])
    assert float(fig.data[1].y[-1]) < units
    assert "sales in dollars" in fig.layout.title.text
    assert "sales ($)" in fig.layout.yaxis.title.text
    assert_labelled(fig, result)
    # the same without market_share bands: it is never read
    older = without(result, "market_share")
    np.testing.assert_array_equal(np.asarray(charts.market_share_chart(older).data[1].y),
                                  np.asarray(fig.data[1].y))


def test_market_share_chart_leaves_paths_without_sales_out_of_the_mean(result: Result) -> None:
    """Two vendors, four paths, two quarters by hand: in quarter 0 two paths have no sales;
    counting them as 0 would stack to 50%, not 100%. A quarter with no sales on any path
    is 0."""
    nvidia = np.array([[0.75, 0.0], [0.5, 0.0], [0.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    amd = np.array([[0.25, 0.0], [0.5, 0.0], [0.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    fake = dataclasses.replace(result, reservoir={**result.reservoir, ("nvidia", "share"): nvidia,
                                                  ("amd", "share"): amd})
    shares, derived = charts.vendor_shares(fake)
    assert not derived
    assert shares["nvidia"] == pytest.approx([0.625, 0.0])
    assert shares["amd"] == pytest.approx([0.375, 0.0])


def test_market_share_chart_derives_shares_from_sales_without_share_bands(result: Result) -> None:
    fake = without(result, "share", "market_share")
    fig = charts.market_share_chart(fake)
    nvidia = result.bands("nvidia", "sales")["mean"].to_numpy()
    amd = result.bands("amd", "sales")["mean"].to_numpy()
    np.testing.assert_allclose(np.asarray(fig.data[0].y, dtype=float), nvidia / (nvidia + amd))
    assert "derived from mean sales" in fig.layout.title.text


# --- sankey ------------------------------------------------------------------------------


FLOWS = pd.DataFrame([
    {"from": "nvidia", "to": "colossus2-spv", "kind": "spv_equity", "quarter": "2025Q4", "mean": 2.0},
    {"from": "colossus2-spv", "to": "nvidia", "kind": "sale", "quarter": "2025Q4", "mean": 20.0},
    {"from": "xai", "to": "colossus2-spv", "kind": "rent", "quarter": "2026Q1", "mean": 1.0},
    {"from": "xai", "to": "colossus2-spv", "kind": "rent", "quarter": "2026Q2", "mean": 1.5},
    {"from": "customers", "to": "xai", "kind": "revenue", "quarter": "2026Q1", "mean": 3.0},
    {"from": "xai", "to": "customers", "kind": "infrastructure", "quarter": "2026Q2", "mean": 4.0},
])


def links_of(trace: Any) -> dict[tuple[str, str, str], float]:
    labels = list(trace.node.label)
    return {(labels[s], labels[t], kind): v for s, t, kind, v in zip(
        trace.link.source, trace.link.target, trace.link.label, trace.link.value, strict=True)}


def test_sankey_sums_flows_by_kind_per_period(result: Result,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Result, "flows", lambda self: FLOWS.copy())
    fig = charts.sankey_chart(result)
    assert [t.type for t in fig.data] == ["sankey"] * 3  # all years, 2025, 2026
    assert [t.visible for t in fig.data] == [True, False, False]
    outside = "customers (outside<br>world)"  # wider than sankey_labels.WRAP_PX: wrapped
    # the outside world paid is paid costs, not sold to (its label loses the parenthesis)
    paid = "suppliers and costs"
    assert links_of(fig.data[0]) == {
        ("Nvidia", "xAI's GPU SPV", "SPV equity"): 2.0,
        ("xAI's GPU SPV", "Nvidia", "GPU sales"): 20.0,
        ("xAI", "xAI's GPU SPV", "lease rent"): 2.5,
        (outside, "xAI", "revenue"): 3.0,
        ("xAI", paid, "infrastructure"): 4.0}
    assert links_of(fig.data[2]) == {("xAI", "xAI's GPU SPV", "lease rent"): 2.5,
                                     (outside, "xAI", "revenue"): 3.0,
                                     ("xAI", paid, "infrastructure"): 4.0}
    # customers is drawn twice, paying (left) and paid (right)
    assert list(fig.data[0].node.customdata).count("customers (outside world)") == 1  # the full name
    assert list(fig.data[0].node.customdata).count("suppliers and costs (outside world)") == 1
    (slider,) = fig.layout.sliders
    # the run starts in 2025Q4: 2025 is one quarter of the run (2026 is four, 2027 on are
    # not in these flows but the run's quarters say they are whole)
    assert [s.label for s in slider.steps] == ["all years", "2025 (Q4 only)", "2026"]
    assert list(slider.steps[1].args[1]) == [False, True, False]
    zh = charts.sankey_chart(result, lang="zh")
    assert links_of(zh.data[0])[("Nvidia", "xAI 的 GPU 特殊目的载体", "SPV 股权出资")] == 20.0
    inside = charts.sankey_chart(result, outside=False)
    assert all(outside not in key[:2] for key in links_of(inside.data[0]))
    assert_labelled(fig, result, axes=False)


def test_sankey_draws_the_self_funded_part_as_its_own_link(
        result: Result, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = FLOWS.copy()
    frame["self_funded_mean"] = [0.0, 5.0, 0.0, 0.0, 0.0, 0.0]
    monkeypatch.setattr(Result, "flows", lambda self: frame)
    trace = charts.sankey_chart(result).data[0]
    links = links_of(trace)
    assert links[("xAI's GPU SPV", "Nvidia", "GPU sales")] == 15.0
    assert links[("xAI's GPU SPV", "Nvidia",
                  "GPU sales, paid with the vendor's own money")] == 5.0
    colours = dict(zip(trace.link.label, trace.link.color, strict=True))
    assert colours["GPU sales, paid with the vendor's own money"] == rgba(SELF_FUNDED, 0.75)
    assert sum(trace.link.value) == pytest.approx(FLOWS["mean"].sum())


def test_sankey_of_a_run_keeps_every_flow(result: Result,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sankey_flows, "MIN_SHARE", 0.0)
    fig = charts.sankey_chart(result)
    flows = result.flows()
    flows = flows[flows["from"] != flows["to"]]
    assert sum(fig.data[0].link.value) == pytest.approx(flows["mean"].sum())
    years = sorted({q[:4] for q in flows["quarter"]})
    assert len(fig.data) == 1 + len(years)
    for trace, year in zip(fig.data[1:], years, strict=True):
        assert sum(trace.link.value) == pytest.approx(
            flows[flows["quarter"].str.startswith(year)]["mean"].sum())


# --- experiments -------------------------------------------------------------------------


def test_tornado_chart_draws_each_end_from_the_baseline() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        sens = cc.sensitivity("seed-2025", "deals.colossus2-spv.parties.nvidia.npv.p50",
                              params=["parties.xai.revenue.growth.from",
                                      "deals.colossus2-spv.lease.rate"], paths=100, seed=SEED)
    fig = charts.tornado_chart(sens, scenario_sha256="ab" * 32)
    low, high = fig.data
    table = sens.table.iloc[::-1]
    assert list(low.y) == table["parameter"].tolist()
    assert all(b == pytest.approx(sens.baseline) for b in (low.base, high.base))
    np.testing.assert_allclose(np.asarray(low.x, dtype=float) + sens.baseline,
                               table["metric_low"].to_numpy())
    np.testing.assert_allclose(np.asarray(high.x, dtype=float) + sens.baseline,
                               table["metric_high"].to_numpy())
    assert "abababababab" in source_text(fig) and "100 paths" in source_text(fig)
    zh = charts.tornado_chart(sens, lang="zh")
    np.testing.assert_allclose(zh.data[1].base, sens.baseline * 10)  # NPV in 亿美元


def test_tornado_chart_of_an_index_method() -> None:
    table = pd.DataFrame({"parameter": ["a", "b"], "basis": ["p05/p95"] * 2, "low": [0, 0],
                          "high": [1, 1], "ST": [0.7, 0.2]})
    fake = SimpleNamespace(table=table, metric="parties.xai.default_probability",
                           method="sobol", baseline=0.3, scenario="x", paths=10, seed=1)
    fig = charts.tornado_chart(fake)
    assert len(fig.data) == 1 and list(fig.data[0].x) == [0.2, 0.7]
    assert "ST" in fig.layout.xaxis.title.text


PAIRED = pd.DataFrame([
    {"deal": "colossus2-spv", "party": "nvidia", "metric": "npv", "base": 1.0, "other": 0.5,
     "difference": -0.5, "ci_low": -0.7, "ci_high": -0.2, "paths": 10},
    {"deal": None, "party": "xai", "metric": "default_probability", "base": 0.2, "other": 0.3,
     "difference": 0.1, "ci_low": 0.05, "ci_high": 0.15, "paths": 10},
])


def test_paired_difference_chart_from_any_paired_table(result: Result) -> None:
    fig = charts.paired_difference_chart(SimpleNamespace(differences=PAIRED, base=result))
    (trace,) = fig.data
    assert list(trace.y) == ["colossus2-spv · nvidia"] and list(trace.x) == [-0.5]
    assert list(trace.error_x.array) == pytest.approx([0.3])
    assert list(trace.error_x.arrayminus) == pytest.approx([0.2])
    assert_labelled(fig, result, axes=False)
    assert fig.layout.xaxis.title.text
    prob = charts.paired_difference_chart(PAIRED, "default_probability", lang="zh")
    assert list(prob.data[0].y) == ["xai"] and prob.layout.xaxis.tickformat == ".1%"
    with pytest.raises(cc.UsageError, match="no metric 'mioc'; they have default_probability, npv"):
        charts.paired_difference_chart(PAIRED, "mioc")


@pytest.mark.parametrize("experiment", ["stress", "compare"])
def test_paired_difference_chart_of_a_stress_or_compare_result(experiment: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = (cc.stress("seed-2025", "gpu-glut", paths=100, seed=SEED) if experiment == "stress"
               else cc.compare("seed-2025", "seed-2025-sell-only", paths=100, seed=SEED))
    fig = charts.paired_difference_chart(res, "npv")
    rows = res.differences[res.differences["metric"] == "npv"]
    np.testing.assert_allclose(np.asarray(fig.data[0].x, dtype=float), rows["difference"])
    other = "gpu-glut" if experiment == "stress" else "seed-2025-sell-only against seed-2025"
    assert other in fig.layout.title.text
    assert "seed-2025" in source_text(fig)


# --- language ------------------------------------------------------------------------------


def figure_texts(fig: Any) -> list[str]:
    """Every string a reader sees in a figure: titles, axis titles, trace and node names,
    link labels, annotations, buttons and slider steps."""
    layout = fig.layout
    texts = [layout.title.text or ""]
    for axis in ("xaxis", "yaxis"):
        texts.append(getattr(layout, axis).title.text or "")
    texts += [a.text for a in layout.annotations]
    for trace in fig.data:
        texts.append(trace.name or "")
        if trace.type == "sankey":
            texts += list(trace.node.label) + list(trace.link.label)
    for menu in layout.updatemenus:
        for button in menu.buttons:
            texts += [button.label, button.args[1].get("title.text", ""),
                      button.args[1].get("xaxis.title.text", "")]
            texts += [a["text"] for a in button.args[1].get("annotations", [])]
    for slider in layout.sliders:
        texts += [slider.currentvalue.prefix] + [s.label for s in slider.steps]
    return [t for t in texts if t]


def english_phrases() -> list[str]:
    """The English catalogue's text with its placeholders cut out, fragments of 2+ words."""
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    phrases = []
    for key, text in en.entries.items():
        if not isinstance(text, str) or en.entries[key] == zh.entries[key]:
            continue
        for part in re.split(r"\{[^}]*\}", text):
            part = part.strip(" ,.:;()·")
            if len(re.findall(r"\b[A-Za-z][A-Za-z'-]+\b", part)) >= 2:
                phrases.append(part)
    return phrases


def test_chinese_charts_hold_no_english_catalogue_text(result: Result) -> None:
    figs = [charts.fan_chart(result, "xai", "capacity", lang="zh"),
            charts.outcome_histogram(result, "openai-amd-take-or-pay", "amd",
                                     ["npv", "irr", "moic"], lang="zh"),
            charts.default_timing_chart(result, "openai", lang="zh"),
            charts.market_share_chart(result, lang="zh"),
            charts.sankey_chart(result, lang="zh"),
            charts.paired_difference_chart(SimpleNamespace(differences=PAIRED, base=result),
                                           lang="zh")]
    phrases = english_phrases()
    assert len(phrases) > 100
    # party names are scenario text, shown as written ("Bondholders of the hyperscale clouds")
    names = sorted((p.name for p in result.scenario.parties if p.name), key=len, reverse=True)
    for fig in figs:
        for text in figure_texts(fig):
            text = text.replace("<br>", " ")  # long node names are wrapped
            for name in names:
                text = text.replace(name, "")
            leaked = [p for p in phrases if p in text]
            assert not leaked, (text, leaked)
