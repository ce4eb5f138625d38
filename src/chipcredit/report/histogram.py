"""The outcome histogram: one party's NPV, IRR or MOIC on one deal over paths, as a Plotly
figure (`outcome_histogram`, also importable from `chipcredit.report.charts`). Plotly is
imported when a chart is drawn (``pip install 'chipcredit[plot]'``).

>>> import chipcredit as cc
>>> from chipcredit.report import charts
>>> res = cc.simulate("seed-2025", paths=500, seed=7)
>>> charts.outcome_histogram(res, "colossus2-spv", "nvidia", "moic", lang="zh")  # doctest: +SKIP

Several metrics give one chart with buttons; the 5th/50th/95th percentiles are marked, with
the share of paths with no value and why; an IRR's paths above or below the bracket it is
searched in get grey bars of their own, named ``>1000%`` and ``-100%`` on the axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from chipcredit.analytics.closing import closed_paths
from chipcredit.analytics.irr_stats import BELOW_RANK, BRACKET_SIDES, IRR_UPPER, bracket_shares
from chipcredit.analytics.result import Result
from chipcredit.analytics.stats import describe

from .i18n import Catalogue, catalogue
from .multiples import uncertain_close
from .tables import irr_text
from .theme import PALETTE, display_name, finish, graph_objects, new_figure, scale_of, source_of

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["EDGE_COLOUR", "HISTOGRAM_BINS", "outcome_histogram"]

HISTOGRAM_BINS = 40
"""Bars of an outcome histogram, between the 0.5th and 99.5th percentile of the values."""
_TAIL = (0.005, 0.995)
_LABEL_BACKGROUND = "rgba(255,255,255,0.85)"
"""Behind a percentile label of a histogram, so a dashed line crossing it does not hide text."""


EDGE_COLOUR = "#9A9A9A"
"""The bars of an IRR histogram that stand for the paths beyond the bracket (grey: their
height is a share of paths like every bar's, but their place on the axis is not a rate)."""


@dataclass
class _Edges:
    """The paths of an IRR histogram beyond its bracket: shares of all paths, and where
    their bars stand (axis units, centre and width)."""

    above: float = 0.0
    below: float = 0.0
    above_x: float = 0.0
    below_x: float = 0.0
    width: float = 0.0


def _irr_edges(result: Result, deal: str, party: str, lo: float | None, hi: float | None
               ) -> _Edges:
    """The shares of paths above and below the IRR's bracket, and the places of their bars:
    beside the solved IRRs (``lo``..``hi`` on the axis; a gap of one bar's width, and two
    bars wide), or, with no solved IRR, side by side. Either way off the axis's scale: their
    tick labels (``-100%``, ``>1000%``) say what they hold."""
    reason = result.outcomes.get(f"deal|{deal}|{party}|irr_reason")
    if reason is None or not len(reason):
        return _Edges()
    shares = bracket_shares(reason)
    edges = _Edges(above=shares["above_bracket_share"], below=shares["below_bracket_share"])
    if lo is not None and hi is not None:
        step = (hi - lo) / HISTOGRAM_BINS
        edges.width = 2 * step
        edges.below_x, edges.above_x = lo - 2 * step, hi + 2 * step
    else:  # only the two bars: side by side, their places named by their tick labels
        edges.width, edges.below_x, edges.above_x = 0.6, 0.0, 1.0
    return edges


def _ticks(lo: float, hi: float) -> list[float]:
    """Five to eight round values between ``lo`` and ``hi`` (steps of 1, 2 or 5 times a
    power of ten), for an axis whose ends hold bars that are not on its scale."""
    span = hi - lo
    if not span > 0:
        return [lo]
    raw = span / 8
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) // step) + 1)]


def share_tickformat(tops: Sequence[float]) -> str:
    """The tick format of a share-of-paths axis whose tallest bar (of the lowest of several
    views) is ``tops``: as many decimals of a percent as the axis's step may need (plotly
    takes steps of 1, 2 or 5 times a power of ten; allowing for up to sixteen of them up the
    tallest bar), trailing zeros trimmed (``~``), so no two ticks read alike: bars under 2%
    of the paths tick 0.2%, 0.4%, ..., 1%, not "1%, 1%, 1%, 0%"."""
    top = min((float(t) for t in tops if t and t > 0), default=1.0)
    step = top * 100 / 16  # percentage points between ticks, at the least
    power = math.floor(math.log10(step))
    nice = next(m * 10.0 ** power for m in (1, 2, 5, 10) if m * 10.0 ** power >= step)
    decimals = max(0, -math.floor(math.log10(nice) + 1e-9))
    return ".0%" if decimals == 0 else f".{decimals}~%"


def _histogram(result: Result, deal: str, party: str, metric: str,
               cat: Catalogue) -> tuple[dict[str, Any], list[dict[str, Any]], str, bool,
                                        dict[str, Any]]:
    """One metric's bars (as Bar keyword arguments), its percentile lines, its note (the
    paths on which the deal did not close, left out; the paths with no value), whether an
    end bar also counts a tail beyond it (then hatched), and, for an IRR with paths beyond
    its bracket, the labels of their bars and the x-axis ticks; else ``{"not_closed":
    share}`` where the deal did not close on every path (``{}`` where it did)."""
    values = result.outcome(deal, party, metric)
    paths = len(values)
    # Paths on which the deal never closed hold an exact 0 (an NPV, a loss): counted in a
    # bar they make a spike that reads as a likely outcome (the LOI's 72% in the bar round
    # +5.7). They are left out of the bars and percentiles, and the note says how many. An
    # IRR has none there (no flows: no IRR), and its note already says why.
    closed = None if metric == "irr" else closed_paths(deal, result.outcomes)
    if closed is not None:  # a value the deal gave without closing (a mark) stays
        closed = closed | (np.isfinite(values) & (values != 0))
        closed = None if closed.all() else closed
    kept = np.isfinite(values) if closed is None else np.isfinite(values) & closed
    # float64: clipping float32 values to float64 bounds could push the end values just
    # outside the first or last bar, and np.histogram would drop them
    finite = values[kept].astype(np.float64) * scale_of(metric, cat)
    stats = describe(finite)
    marks: list[dict[str, Any]] = []
    if finite.size:
        lo, hi = (float(v) for v in np.quantile(finite, _TAIL))
        if hi <= lo:  # every value the same: one bar of visible width around it
            pad = max(abs(lo) * 0.05, 0.5)
            lo, hi = lo - pad, hi + pad
        edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)
        counts, _ = np.histogram(np.clip(finite, lo, hi), bins=edges)
        # an end bar that also counts the tail beyond it is hatched, and the note says so
        tails = (bool(np.any(finite < lo)), bool(np.any(finite > hi)))
        shapes = [""] * HISTOGRAM_BINS
        shapes[0] = "/" if tails[0] else shapes[0]
        shapes[-1] = "/" if tails[1] else shapes[-1]
        bars = {"x": ((edges[:-1] + edges[1:]) / 2).tolist(), "y": (counts / paths).tolist(),
                "width": np.diff(edges).tolist(), "marker_pattern_shape": shapes}
        for level in ("p05", "p50", "p95"):
            value = stats[level]
            assert value is not None
            marks.append({"level": level, "x": value,
                          "text": f"{level} {cat.metric_value(metric, value / scale_of(metric, cat))}"})
    else:
        bars = {"x": [], "y": [], "width": []}
        tails = (False, False)
    not_closed = 0.0 if closed is None else 1.0 - float(np.mean(closed))
    missing = (1.0 - finite.size / paths if paths else 0.0) - not_closed
    if metric == "irr":
        solved = (lo, hi) if finite.size else (None, None)
        sides = _irr_edges(result, deal, party, *solved)
        if sides.above or sides.below:
            return _irr_beyond(result, deal, party, cat, bars, sides, missing, any(tails), *solved)
    note = ""
    if not_closed:
        median = ("" if stats["p50"] is None else cat.t(
            "chart.hist_median", value=cat.metric_value(metric, stats["p50"] / scale_of(metric, cat))))
        cause = _no_flow_cause(result, deal, cat)
        note = cat.t("chart.hist_not_closed" if cause is None else "chart.hist_no_flows",
                     share=cat.percent(not_closed), closed=cat.percent(1.0 - not_closed),
                     median=median, why=cause or "")
    if finite.size == 0 and not not_closed:
        note = cat.t("chart.hist_all_nan")
    elif missing > 1e-12:
        reasons = result.irr_reasons().get((deal, party), {}) if metric == "irr" else {}
        parts = [f"{cat.label('irr_reason', name)} {cat.percent(count / paths)}"
                 for name, count in reasons.items() if count]
        nan = (cat.t("chart.hist_nan", share=cat.percent(missing),
                     reasons=cat.t("number.list_separator").join(parts)) if parts
               else cat.t("chart.hist_nan_plain", share=cat.percent(missing)))
        note = cat.t("chart.hist_join").join(n for n in (note, nan) if n)
    extra = ({"not_closed": not_closed, "closes": _no_flow_cause(result, deal, cat) is None}
             if not_closed else {})
    return bars, marks, note, any(tails), extra


def _no_flow_cause(result: Result, deal: str, cat: Catalogue) -> str | None:
    """None for a deal that may not close (``close_probability`` below 1): the paths on
    which no money moved in it are those on which it did not close. For any other deal
    (signed, bound to close) what such a path means, by the deal's kind: no shortfall fee
    fell due (a take-or-pay), no tranche vested (a warrant), the backstop was never called,
    or, for another kind, that no party paid or received anything in it there."""
    if deal in uncertain_close(result.scenario.deals):
        return None
    kind = next((getattr(d, "kind", None) for d in result.scenario.deals if d.id == deal), None)
    key = f"chart.hist_no_flows_why_{kind}"
    return cat.t(key) if cat.has(key) else cat.t("chart.hist_no_flows_why")


def _irr_beyond(result: Result, deal: str, party: str, cat: Catalogue, bars: dict[str, Any],
                edges: _Edges, missing: float, clipped: bool, lo: float | None,
                hi: float | None) -> tuple[dict[str, Any], list[dict[str, Any]], str, bool,
                                           dict[str, Any]]:
    """`_histogram` of an IRR with paths beyond its bracket: a grey bar for those above it
    (labelled ``>1000%``) and one for those below (``-100%``), beside the solved IRRs; the
    percentiles of the deal tables (`Result.describe`: the paths beyond the bracket ranked,
    a line on the bar a percentile falls in); a note with the share above, below and with
    no IRR at all (with why); and x-axis ticks only under the solved IRRs."""
    scale = scale_of("irr", cat)
    labels = {"above": irr_text(cat, ("above", IRR_UPPER)), "below": irr_text(cat, ("below", BELOW_RANK))}
    xs, ys = list(bars["x"]), list(bars["y"])
    widths, shapes = list(bars.get("width", [])), list(bars.get("marker_pattern_shape", []))
    colours: list[str | None] = [None] * len(xs)
    hover = [f"{x:.3g}" for x in xs]
    named: dict[float, str] = {}
    for side, share, x in (("below", edges.below, edges.below_x), ("above", edges.above, edges.above_x)):
        if not share:
            continue
        at = 0 if side == "below" else len(xs)
        xs.insert(at, x)
        ys.insert(at, share)
        widths.insert(at, edges.width)
        shapes.insert(at, "")
        colours.insert(at, EDGE_COLOUR)
        hover.insert(at, labels[side])
        named[x] = labels[side]
    bars = {"x": xs, "y": ys, "width": widths, "marker_pattern_shape": shapes,
            "marker_colours": colours, "customdata": hover}
    stats = result.describe(f"deal|{deal}|{party}|irr")
    marks: list[dict[str, Any]] = []
    if not stats.get("withheld"):
        for level in ("p05", "p50", "p95"):
            side = stats["outside_bracket"].get(level)
            value = stats[level]
            if side in labels:
                x, text = (edges.above_x if side == "above" else edges.below_x), labels[side]
            elif value is not None:
                x, text = value * scale, cat.metric_value("irr", value)
            else:
                continue
            marks.append({"level": level, "x": x, "text": f"{level} {text}"})
    paths = len(result.outcome(deal, party, "irr"))
    parts = []
    if edges.above:
        parts.append(cat.t("chart.hist_above", label=labels["above"], share=cat.percent(edges.above)))
    if edges.below:
        parts.append(cat.t("chart.hist_below", label=labels["below"], share=cat.percent(edges.below)))
    none = missing - edges.above - edges.below
    if none > 1e-12:
        reasons = result.irr_reasons().get((deal, party), {})
        why = [f"{cat.label('irr_reason', name)} {cat.percent(count / paths)}"
               for name, count in reasons.items() if count and name not in BRACKET_SIDES]
        parts.append(cat.t("chart.hist_no_irr", share=cat.percent(none),
                           reasons=cat.t("number.list_separator").join(why)) if why
                     else cat.t("chart.hist_no_irr_plain", share=cat.percent(none)))
    if stats.get("withheld"):
        parts.append(cat.t("chart.hist_withheld"))
    # round ticks under the solved IRRs, none too near a grey bar's label
    ticks = ([t for t in _ticks(lo, hi) if all(abs(t - x) > 2 * edges.width for x in named)]
             if lo is not None and hi is not None else [])
    values = sorted([*ticks, *named])
    axis = {"tickmode": "array", "tickvals": values,
            "ticktext": [named.get(v) or f"{v:g}" for v in values],
            "zeroline": lo is not None}  # no zero among two bars that are not on a scale
    return bars, marks, cat.t("chart.hist_join").join(parts), clipped, {"xaxis": axis}


def outcome_histogram(result: Result, deal: str, party: str, metric: str | Sequence[str] = "moic",
                      *, lang: str = "en") -> go.Figure:
    """Distribution over paths of one party's return on one deal.

    Parameters
    ----------
    metric : ``npv``, ``irr``, ``moic`` (or any deal metric), or a sequence of them; with
        several, the figure has one bar trace per metric and buttons that switch between them
        (the first is shown).

    One ``Bar`` trace per metric: bar heights are the share of all paths (NaN paths
    included in the denominator), values beyond the 0.5th/99.5th percentiles are counted in
    the end bars, which are then hatched and a note says so. Dashed lines mark the 5th, 50th
    and 95th percentile of the finite values; a note states the share of paths with no value,
    with the reasons for an IRR.

    An IRR is drawn whole. Paths whose IRR is known to lie above the bracket it is searched
    in (+1000% a year: a warrant bought for a cent) or below it (-99% a year or worse: flows
    that only go out) have no number, so they cannot stand on the axis among the solved
    IRRs; leaving them out would show the odd solved path as the whole story. Each side gets
    one grey bar (`EDGE_COLOUR`), two bars wide, one bar's width beside the solved IRRs (or
    the two side by side where none is solved), its height the share of all paths on that
    side; the axis names them ``>1000%`` and ``-100%``, as the deal tables do, and ticks rates
    only under the solved IRRs, so no rate is read off a grey bar. The dashed lines are the
    deal tables' percentiles (`Result.describe`, which ranks those paths; one that falls
    among them is drawn on their bar, none where they are withheld), and the note above the
    plot gives the share of paths above the bracket, below it, and with no IRR at all (with
    why): together with the bars, every path is accounted for.
    """
    go = graph_objects()
    cat = catalogue(lang)
    metrics = [metric] if isinstance(metric, str) else list(metric)
    name = display_name(result, party, cat)
    source = source_of(result, cat)
    fig = new_figure(go)
    views = []
    for i, m in enumerate(metrics):
        bars, marks, note, clipped, beyond = _histogram(result, deal, party, m, cat)
        pattern = bars.pop("marker_pattern_shape", None)
        colours = bars.pop("marker_colours", None)
        colour = PALETTE[i % len(PALETTE)]
        marker: dict[str, Any] = {"color": colour if colours is None
                                  else [c or colour for c in colours]}
        if pattern is not None:
            marker["pattern"] = {"shape": pattern, "fgcolor": "#FFFFFF", "solidity": 0.4}
        hover = "%{customdata}" if "customdata" in bars else "%{x:.3g}"
        # the share left out, in the hover too: a bar's height is of all paths
        apart = ("" if "not_closed" not in beyond else "<br>" + cat.t(
            "chart.hist_hover_not_closed" if beyond.pop("closes") else "chart.hist_hover_no_flows",
            share=cat.percent(beyond.pop("not_closed"))))
        fig.add_trace(go.Bar(**bars, name=cat.label("metric", m), visible=i == 0, marker=marker,
                             hovertemplate=hover + ": %{y:.1%}" + apart + "<extra></extra>"))
        shapes = [{"type": "line", "x0": mk["x"], "x1": mk["x"], "y0": 0, "y1": 1,
                   "xref": "x", "yref": "paper", "line": {"dash": "dash", "width": 1,
                                                          "color": "#333333"}} for mk in marks]
        # Each label starts just right of its own line, one row lower than the last, on an
        # opaque background: the next line to the right (p50 after p05) can run through the
        # label's row, and without the background its dash hid the label's minus sign.
        notes = [{"text": mk["text"], "x": mk["x"], "y": 1.0 - 0.07 * j, "xref": "x",
                  "yref": "paper", "showarrow": False, "xanchor": "left", "xshift": 2,
                  "bgcolor": _LABEL_BACKGROUND, "borderpad": 1,
                  "font": {"size": 10}} for j, mk in enumerate(marks)]
        if note:
            notes.append({"text": note, "x": 1.0, "y": 1.08, "xref": "paper", "yref": "paper",
                          "showarrow": False, "xanchor": "right", "font": {"size": 11}})
        if clipped:  # under the x-axis title, right: what the hatched end bars hold
            notes.append({"text": cat.t("chart.hist_clipped"), "x": 1.0, "y": 0.0, "yshift": -60,
                          "xref": "paper", "yref": "paper", "showarrow": False, "xanchor": "right",
                          "yanchor": "top", "font": {"size": 10, "color": "#666666"},
                          "name": "clipped"})
        title = cat.t("chart.hist_title", deal=deal, party=name,
                      metric=cat.label("metric_short", m))
        # an axis with bars beyond an IRR's bracket ticks only under the solved IRRs (a
        # tick under the grey bars would give them a rate they do not have); else plotly's
        axis = beyond.get("xaxis", {"tickmode": "auto", "tickvals": None, "ticktext": None,
                                    "zeroline": None})
        views.append((shapes, notes, title, cat.label("metric", m), axis))
    shapes, notes, title, x_title, axis = views[0]
    finish(fig, title=title, source=source, x_title=x_title, y_title=cat.t("axis.share_of_paths"))
    fig.update_yaxes(tickformat=share_tickformat([max(t.y, default=0.0) for t in fig.data]))
    fig.update_layout(bargap=0.02, shapes=shapes, showlegend=False)
    if axis["tickmode"] == "array":
        fig.update_xaxes(**axis)
    source_note = fig.layout.annotations[0].to_plotly_json()
    fig.update_layout(annotations=[source_note, *notes])
    if len(metrics) > 1:
        buttons = []
        for i, (m_shapes, m_notes, m_title, m_x, m_axis) in enumerate(views):
            visible = [j == i for j in range(len(metrics))]
            buttons.append({"label": cat.label("metric_short", metrics[i]), "method": "update",
                            "args": [{"visible": visible},
                                     {"shapes": m_shapes, "annotations": [source_note, *m_notes],
                                      "title.text": m_title, "xaxis.title.text": m_x,
                                      **{f"xaxis.{k}": v for k, v in m_axis.items()}}]})
        fig.update_layout(updatemenus=[{"type": "buttons", "direction": "right", "x": 1.0,
                                        "xanchor": "right", "y": 1.22, "yanchor": "bottom",
                                        "buttons": buttons, "showactive": True}])
    return fig
