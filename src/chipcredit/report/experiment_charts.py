"""Charts of experiments: the tornado of a sensitivity run, and paired differences of a stress
test or a comparison.

`paired_difference_chart` accepts anything that carries a *paired-difference table*: a
DataFrame with the columns ``deal`` (None for party outcomes), ``party``, ``metric``,
``difference``, ``ci_low``, ``ci_high`` (the mean paired difference, other minus base, and its
95% confidence interval, in the metric's unit: $B for money, an annual rate for IRR, a share
for ``default_probability``), as `chipcredit.experiments.paired.paired_differences` builds it.
The object may be that DataFrame itself, or any object with it as ``differences`` (a
`StressResult`, a compare result); ``base`` (a `Result`) supplies the source line, and
``pack.name``, ``stressed`` or ``other`` name what was compared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from chipcredit.analytics.result import Result
from chipcredit.analytics.unit import summary_unit
from chipcredit.errors import UsageError, did_you_mean

from .i18n import catalogue
from .theme import PALETTE, finish, graph_objects, new_figure, scale_of, source_line, source_of, unit_scale

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["MAX_BARS", "metric_of_path", "paired_difference_chart", "tornado_chart"]

MAX_BARS = 15
"""Tornado bars shown: the parameters with the largest effect."""
_STATS = ("mean", "p05", "p50", "p95", "nan_share")
_INDEX = ("mu_star", "ST", "delta")


def metric_of_path(path: str) -> str:
    """The metric a metric path ends in: ``deals.d.parties.p.moic.p50`` -> ``moic``,
    ``parties.xai.default_probability`` -> ``default_probability``."""
    parts = path.split(".")
    if len(parts) > 1 and parts[-1] in _STATS:
        return parts[-2]
    return parts[-1]


def tornado_chart(sensitivity_result: Any, *, lang: str = "en",
                  scenario_sha256: str | None = None) -> go.Figure:
    """Bars of how far the metric moves when each parameter goes to its low and high end.

    Parameters
    ----------
    sensitivity_result : SensitivityResult
        From `chipcredit.sensitivity`. For ``tornado``: two Bar traces (low end, high end),
        each bar drawn from the baseline; for ``morris``, ``sobol`` or ``delta``: one Bar trace
        of the importance index (``mu_star``, ``ST``, ``delta``).
    scenario_sha256 : str, optional
        Shown in the source line (a sensitivity result keeps only the scenario's name).
    """
    go = graph_objects()
    cat = catalogue(lang)
    res = sensitivity_result
    table: pd.DataFrame = res.table.head(MAX_BARS).iloc[::-1]
    # the unit of the very number the path names (``irr.nan_share`` is a share of paths, not
    # a rate), from the one table of units
    path_unit = summary_unit(res.metric) or ""
    scale = unit_scale(path_unit, cat)
    names = table["parameter"].tolist()
    fig = new_figure(go)
    if res.method == "tornado":
        base = float(res.baseline) * scale
        for column, key, colour in (("metric_low", "chart.tornado_low", PALETTE[0]),
                                    ("metric_high", "chart.tornado_high", PALETTE[1])):
            values = table[column].to_numpy(dtype=float) * scale
            fig.add_trace(go.Bar(y=names, x=(values - base).tolist(), base=base,
                                 orientation="h", name=cat.t(key), marker={"color": colour},
                                 hovertemplate="%{y}: %{x:.3g}<extra></extra>"))
        fig.update_layout(barmode="overlay")
        fig.add_vline(x=base, line={"color": "#333333", "width": 1})
        baseline = cat.t("chart.tornado_baseline", value=cat.path_value(res.metric, res.baseline))
        x_title = f"{res.metric} ({baseline})"
    else:
        index = next(c for c in _INDEX if c in table.columns)
        fig.add_trace(go.Bar(y=names, x=table[index].astype(float).tolist(), orientation="h",
                             name=cat.t("chart.tornado_index", index=index),
                             marker={"color": PALETTE[0]}))
        x_title = cat.t("chart.tornado_index", index=index)
    source = source_line(cat, scenario=res.scenario, sha256=scenario_sha256, paths=res.paths,
                         seed=res.seed)
    finish(fig, title=cat.t("chart.tornado_title", metric=res.metric), source=source,
           x_title=x_title, y_title=cat.t("axis.parameter"),
           height=max(360, 120 + 32 * len(names)))
    fig.update_layout(margin={"l": 280})
    return fig


def _table(result_like: Any) -> pd.DataFrame:
    if isinstance(result_like, pd.DataFrame):
        return result_like
    table = getattr(result_like, "differences", None)
    if not isinstance(table, pd.DataFrame):
        raise UsageError("paired_difference_chart needs a paired-difference table: a "
                         "DataFrame, or an object (StressResult, compare result) with one "
                         "as .differences")
    return table


def _run_name(result_like: Any, *attrs: str) -> str | None:
    for attr in attrs:
        value = getattr(result_like, attr, None)
        if isinstance(value, Result):
            return value.scenario.name
        name = getattr(value, "name", None)
        if isinstance(name, str):
            return name
    return None


def paired_difference_chart(result_like: Any, metric: str = "npv", *,
                            lang: str = "en") -> go.Figure:
    """Mean paired difference (other minus base) of one metric for every deal and party,
    with its 95% confidence interval: one Scatter trace, a marker and an error bar per row.

    Parameters
    ----------
    result_like : StressResult, a compare result, or a paired-difference DataFrame (see the
        module docstring for the shape)
    metric : the metric to show (``npv``, ``moic``, ``irr``, ``loss``,
        ``default_probability``, ...)
    """
    go = graph_objects()
    cat = catalogue(lang)
    table = _table(result_like)
    rows = table[table["metric"] == metric]
    if rows.empty:
        options = sorted(set(table["metric"]))
        hint = did_you_mean(metric, options)
        raise UsageError(f"the paired differences have no metric {metric!r}"
                         + (f" (did you mean {hint}?)" if hint else f"; they have "
                            f"{', '.join(options)}"))
    scale = scale_of(metric, cat)
    labels = [f"{d} · {p}" if isinstance(d, str) and d else str(p)
              for d, p in zip(rows["deal"], rows["party"], strict=True)]
    diff = rows["difference"].to_numpy(dtype=float) * scale
    high = np.nan_to_num(rows["ci_high"].to_numpy(dtype=float) * scale - diff)
    low = np.nan_to_num(diff - rows["ci_low"].to_numpy(dtype=float) * scale)
    fig = new_figure(go, go.Scatter(
        x=diff.tolist(), y=labels, mode="markers", marker={"color": PALETTE[3], "size": 9},
        error_x={"type": "data", "array": high.tolist(), "arrayminus": low.tolist()},
        name=cat.label("metric", metric), hovertemplate="%{y}: %{x:.3g}<extra></extra>"))
    fig.add_vline(x=0, line={"color": "#333333", "width": 1})
    base = getattr(result_like, "base", None)
    source = (source_of(base, cat) if isinstance(base, Result)
              else cat.t("chart.no_data"))
    sides = getattr(result_like, "labels", None)  # a CompareResult's, told apart by sha
    if isinstance(sides, tuple) and len(sides) == 2:
        base_name, other = sides
    else:
        base_name = _run_name(result_like, "base") or cat.t("chart.paired_base")
        other = (_run_name(result_like, "pack", "stressed", "other")
                 or cat.t("chart.paired_other"))
    label = cat.label("metric", metric)
    finish(fig, title=cat.t("chart.paired_title", metric=cat.label("metric_short", metric),
                            other=other, base=base_name),
           source=source, x_title=cat.t("chart.paired_axis", metric=label), y_title=None,
           height=max(360, 140 + 28 * len(labels)))
    if metric == "default_probability":
        fig.update_xaxes(tickformat=".1%")
    fig.update_layout(margin={"l": 260}, showlegend=False)
    return fig
