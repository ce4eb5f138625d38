"""Chart functions: each takes a `Result` (or an experiment's result) and returns a Plotly
figure, titled, with axis titles in units and a source line (scenario, sha256 prefix, paths,
seed). Plotly is imported when a chart is drawn (``pip install 'chipcredit[plot]'``).

>>> import chipcredit as cc
>>> from chipcredit.report import charts
>>> res = cc.simulate("seed-2025", paths=500, seed=7)
>>> charts.fan_chart(res, "xai", "cash").show()                       # doctest: +SKIP
>>> charts.outcome_histogram(res, "colossus2-spv", "nvidia", "moic", lang="zh")  # doctest: +SKIP

Every function takes ``lang="en"`` or ``"zh"``; the strings come from the catalogues in
``locale/`` and money is drawn in the language's unit ($B, or 亿美元 = $B × 10).

The figures:

- `fan_chart`: quarterly bands (5th–95th, 25th–75th percentile, median, mean) of any party
  variable in ``Result.reservoir`` (lab revenue, cash, capacity; vendor sales, share; ...).
- `outcome_histogram` (in `chipcredit.report.histogram`): one party's NPV, IRR or MOIC on one
  deal over paths (several metrics give one chart with buttons), 5th/50th/95th percentiles
  marked, the share with no value and why; an IRR's paths above or below the bracket it is
  searched in get grey bars of their own, named ``>1000%`` and ``-100%`` on the axis.
- `default_timing_chart`: a lab's cumulative default probability by quarter, by cause.
- `market_share_chart`: each vendor's share of sales in dollars, mean over the paths with
  sales, stacked.
- `sankey_chart` (in `chipcredit.report.sankey`): money flows by kind, with a year slider.
- `tornado_chart`, `paired_difference_chart` (in `chipcredit.report.experiment_charts`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from chipcredit.analytics.result import Result
from chipcredit.engine.labs import CAUSES

from .experiment_charts import paired_difference_chart, tornado_chart
from .histogram import EDGE_COLOUR, HISTOGRAM_BINS, outcome_histogram
from .i18n import Catalogue, catalogue
from .sankey import sankey_chart
from .theme import (
    PALETTE,
    display_name,
    finish,
    graph_objects,
    new_figure,
    rgba,
    scale_of,
    source_of,
    unit_kind,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "AXIS_TITLE_WIDTH",
    "EDGE_COLOUR",
    "HISTOGRAM_BINS",
    "THOUSANDS",
    "axis_title",
    "default_timing_chart",
    "fan_chart",
    "market_share_chart",
    "outcome_histogram",
    "paired_difference_chart",
    "sankey_chart",
    "tornado_chart",
]


def _variable_title(result: Result, variable: str, cat: Catalogue) -> str:
    return cat.label("variable", variable, unit=result.scenario.capacity_unit)


FLAT_SHARE_TOP = 0.01
"""Top of the y-axis of a share fan that is 0 on every path and quarter (1%): plotly would
otherwise centre a flat line in -100%..100%, and a share is never negative."""


THOUSANDS = ",~r"
"""Tick format of an axis of numbers that are not shares: thousands separated, decimals as
needed (``15,000``, ``0.5``), never plotly's SI suffix (``15k``), which on a 亿美元 axis
reads as neither unit; the same in both languages."""
AXIS_TITLE_WIDTH = 30
"""Widest y-axis title on one line, in Latin characters (a CJK one counts two): a longer one
is broken in two, so that it fits along a fan's plot (250 px high) and is not cut off."""


def axis_title(text: str, width: int = AXIS_TITLE_WIDTH) -> str:
    """``text`` as a y-axis title: on one line up to ``width`` (a CJK character counts two),
    else broken in two lines (plotly's ``<br>``) at the space, or before the bracket, nearest
    its middle.

    >>> axis_title("share of planned new capacity deferred (spending rule)")
    'share of planned new capacity<br>deferred (spending rule)'
    >>> axis_title("推迟的计划新增产能占比（支出规则）")
    '推迟的计划新增产能占比<br>（支出规则）'
    >>> axis_title("cash ($B)")
    'cash ($B)'
    """
    def size(part: str) -> int:
        return sum(2 if ord(c) > 0x2E7F else 1 for c in part)

    if size(text) <= width:
        return text
    breaks = [i for i, c in enumerate(text) if c == " " or (c in "(（" and i > 0)]
    if not breaks:
        return text
    middle = size(text) / 2
    at = min(breaks, key=lambda i: abs(size(text[:i]) - middle))
    return f"{text[:at].rstrip()}<br>{text[at:].lstrip()}"


def _axis_format(fig: go.Figure, name: str, axis: str = "y", values: Any = None) -> None:
    """Percent ticks for a share, `THOUSANDS` for any other number; a share that is 0
    everywhere (``values``, every trace's numbers) gets the axis 0..`FLAT_SHARE_TOP`, not
    plotly's -100%..100% around it."""
    if unit_kind(name) != "share":
        fig.update_layout({f"{axis}axis": {"tickformat": THOUSANDS}})
    else:
        fig.update_layout({f"{axis}axis": {"tickformat": ".0%"}})
        if values is not None:
            finite = np.asarray(values, dtype=float)
            finite = finite[np.isfinite(finite)]
            if finite.size and not np.any(finite != 0):
                fig.update_layout({f"{axis}axis": {"range": [0.0, FLAT_SHARE_TOP],
                                                   "tickformat": ".1%"}})


def fan_chart(result: Result, party: str, variable: str, *, lang: str = "en") -> go.Figure:
    """Quarterly fan of one party variable.

    Traces, in order: 95th percentile (band edge), 5th percentile (filled to it), 75th, 25th
    (filled to it), median, mean. Values come from ``result.bands(party, variable)``; money is
    drawn in the language's unit, shares as percentages, capacity in the scenario's unit.
    """
    go = graph_objects()
    cat = catalogue(lang)
    bands = result.bands(party, variable)
    scale = scale_of(variable, cat)
    x = bands["quarter"].tolist()
    colour = PALETTE[0]
    fig = new_figure(go)
    for upper, lower, key, alpha in (("p95", "p05", "chart.band_outer", 0.15),
                                     ("p75", "p25", "chart.band_inner", 0.3)):
        name = cat.t(key)
        fig.add_trace(go.Scatter(x=x, y=(bands[upper] * scale).tolist(), mode="lines",
                                 line={"width": 0}, name=name, legendgroup=name,
                                 showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=x, y=(bands[lower] * scale).tolist(), mode="lines",
                                 line={"width": 0}, fill="tonexty", fillcolor=rgba(colour, alpha),
                                 name=name, legendgroup=name, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=(bands["p50"] * scale).tolist(), mode="lines",
                             line={"color": colour, "width": 2}, name=cat.t("chart.median")))
    fig.add_trace(go.Scatter(x=x, y=(bands["mean"] * scale).tolist(), mode="lines",
                             line={"color": colour, "width": 1, "dash": "dot"},
                             name=cat.t("chart.mean")))
    label = _variable_title(result, variable, cat)
    finish(fig, title=cat.t("chart.fan_title", party=display_name(result, party, cat),
                            variable=label),
           source=source_of(result, cat), x_title=cat.t("axis.quarter"), y_title=axis_title(label))
    _axis_format(fig, variable, values=bands[["p95", "p05", "p75", "p25", "p50", "mean"]].to_numpy())
    return fig


def default_timing_chart(result: Result, party: str, *, lang: str = "en") -> go.Figure:
    """Cumulative default probability by quarter of a party that can default (a lab, or a
    cloud on its own balance sheet): one stacked area per cause that some path defaults of
    (of ``arrears_unfunded``, ``covenant``, ``cross_default``: the legend lists no cause the
    run never sets), then the total as a line."""
    go = graph_objects()
    cat = catalogue(lang)
    timing = result.default_timing(party)
    x = timing["quarter"].tolist()
    fig = new_figure(go)
    for i, cause in enumerate(CAUSES[1:]):
        if not np.any(timing[cause].to_numpy() > 0):
            continue
        fig.add_trace(go.Scatter(x=x, y=timing[cause].cumsum().tolist(), mode="lines",
                                 stackgroup="causes", name=cat.label("cause", cause),
                                 line={"width": 0.5, "color": PALETTE[(i + 3) % len(PALETTE)]},
                                 hovertemplate="%{x}: %{y:.1%}"))
    fig.add_trace(go.Scatter(x=x, y=timing["cumulative"].tolist(), mode="lines",
                             name=cat.t("chart.default_total"),
                             line={"color": "#000000", "width": 2},
                             hovertemplate="%{x}: %{y:.1%}"))
    finish(fig, title=cat.t("chart.default_title", party=display_name(result, party, cat)),
           source=source_of(result, cat), x_title=cat.t("axis.quarter"),
           y_title=cat.t("axis.cumulative_probability"))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return fig


def vendor_shares(result: Result) -> tuple[dict[str, list[float]], bool]:
    """Each vendor's share of the vendors' sales in dollars by quarter, and whether it was
    derived from mean sales.

    Where every vendor has ``share`` (its share of the quarter's sales in $, per path; NaN
    on a path with no sales that quarter; 0 there in runs stored by earlier versions) in
    ``result.reservoir``: the mean over the paths on which some vendor sold in that quarter
    (a path with no sales has no shares, and counting it as 0 would make the stack sum to
    less than 1), 0 in a quarter with no sales on any path. Else each vendor's mean sales
    over the vendors' total (zero where nobody sells). Never ``market_share``, which is a
    share of units (GPUs shipped), not of dollars.

    Returns
    -------
    Vendor id to its share (fraction of 1) per quarter, and True where derived.
    """
    vendors = [p.id for p in result.scenario.parties if p.kind == "vendor"]
    if vendors and all((v, "share") in result.reservoir for v in vendors):
        shares = {v: np.asarray(result.reservoir[(v, "share")], dtype=np.float64) for v in vendors}
        # a path sold in a quarter where its vendors' shares add up to 1, not to 0 (a run stored
        # by an earlier version) or NaN (no sales: no shares)
        sold = np.nansum(list(shares.values()), axis=0) > 0.5
        count = sold.sum(axis=0)
        return {v: np.where(count > 0, np.where(sold, s, 0.0).sum(axis=0) / np.maximum(count, 1),
                            0.0).tolist() for v, s in shares.items()}, False
    sales = {v: result.bands(v, "sales")["mean"].to_numpy() for v in vendors
             if (v, "sales") in result.reservoir}
    total = np.sum(list(sales.values()), axis=0) if sales else np.zeros(0)
    safe = np.where(total > 0, total, 1.0)
    return {v: np.where(total > 0, s / safe, 0.0).tolist() for v, s in sales.items()}, True


def market_share_chart(result: Result, *, lang: str = "en") -> go.Figure:
    """Each vendor's share of the vendors' sales in dollars by quarter, mean over the paths
    with sales that quarter (`vendor_shares`), one stacked area per vendor: the stack is 100%
    in every quarter in which some path has sales."""
    go = graph_objects()
    cat = catalogue(lang)
    shares, derived = vendor_shares(result)
    x = result.quarter_labels()
    fig = new_figure(go)
    for i, (vendor, values) in enumerate(shares.items()):
        fig.add_trace(go.Scatter(x=x, y=values, mode="lines", stackgroup="vendors",
                                 name=display_name(result, vendor, cat),
                                 line={"width": 0.5, "color": PALETTE[i % len(PALETTE)]},
                                 hovertemplate="%{x}: %{y:.1%}"))
    title = cat.t("chart.market_title")
    if derived:
        title += f" ({cat.t('chart.market_derived')})"
    finish(fig, title=title, source=source_of(result, cat), x_title=cat.t("axis.quarter"),
           y_title=cat.t("axis.market_share"))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return fig
