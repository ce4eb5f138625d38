"""Sensitivity: a tornado of one metric over the uncertain key assumptions, run on demand
(it takes two runs per assumption), with the same seed for every run (common random
numbers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.assumptions import knobs
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import tornado_chart
from chipcredit.report.experiment_charts import MAX_BARS
from chipcredit.report.i18n import Catalogue

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["MAX_TORNADO_PATHS", "draw", "metric_choices", "metric_name", "readable_tornado"]

MAX_TORNADO_PATHS = 500
"""Paths of each tornado run (at most; fewer when the run on show has fewer)."""
_STATE = "tornado"


def metric_choices(result: cc.Result) -> list[str]:
    """Metric paths a tornado may rank by: the default probability of each party that can
    default, the median MOIC and NPV of each deal and party, each vendor's median market
    share and self-funded share of revenue, and each lender's or vendor's expected loss."""
    out = [f"parties.{p.id}.default_probability" for p in result.scenario.parties
           if p.can_default]
    for deal, party in result.deal_parties():
        out += [f"deals.{deal}.parties.{party}.{m}.p50" for m in ("moic", "npv")]
    summary = result.to_dict()
    for vendor, figures in summary.get("vendors", {}).items():
        out += [f"vendors.{vendor}.{m}.p50" for m in ("market_share_end", "self_funded_revenue_share")
                if m in figures]
    out += [f"portfolios.{holder}.expected_loss" for holder, book in
            summary.get("portfolios", {}).items() if "expected_loss" in book]
    return out


def metric_name(path: str, result: cc.Result, T: Catalogue) -> str:
    """A metric path of `metric_choices` in words, parties by name:
    ``parties.openai.default_probability`` -> ``OpenAI: probability of default``,
    ``deals.xai-debt.parties.xai-bondholders.moic.p50`` -> ``xAI bondholders and term
    lenders · xai-debt: median MOIC``. Any other path is shown as it is."""
    parties = result.scenario.parties
    names = {p.id: party_name(p.id, parties, T, short=True) for p in parties}
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "parties" and parts[2] == "default_probability":
        return T.t("dashboard.sensitivity.metric_default", party=names.get(parts[1], parts[1]))
    if len(parts) == 6 and parts[0] == "deals" and parts[2] == "parties" and parts[5] == "p50":
        return T.t("dashboard.sensitivity.metric_deal", party=names.get(parts[3], parts[3]),
                   deal=parts[1], metric=T.label("metric_short", parts[4]))
    if len(parts) == 4 and parts[0] == "vendors" and parts[3] == "p50":
        key = f"dashboard.sensitivity.{parts[2]}"
        return T.t("dashboard.sensitivity.metric_vendor", party=names.get(parts[1], parts[1]),
                   metric=T.t(key) if T.has(key) else parts[2])
    if len(parts) == 3 and parts[0] == "portfolios" and parts[2] == "expected_loss":
        return T.t("dashboard.sensitivity.metric_loss", party=names.get(parts[1], parts[1]))
    return path


def readable_tornado(fig: go.Figure, T: Catalogue, metric: str, labels: Mapping[str, str],
                     baseline: str | None, probability: bool) -> go.Figure:
    """The tornado of `chipcredit.report.charts.tornado_chart` in the page's words: the
    title and x axis name the metric in words (``metric``, with the ``baseline`` value as
    text), the bars carry the slider labels (``labels``: parameter path to label), and the
    axis of a ``probability`` (a share) is in percent."""
    for trace in fig.data:
        bars: Any = trace
        bars.y = [labels.get(str(p), str(p)) for p in bars.y]
    fig.update_layout(title_text=T.t("dashboard.sensitivity.title", metric=metric))
    if probability:
        fig.update_xaxes(tickformat=".0%")
    if baseline is not None:
        fig.update_xaxes(title_text=f"{metric} ({T.t('chart.tornado_baseline', value=baseline)})")
    return fig


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    numbers = cc.parameter_paths(result.scenario)
    # The uncertain key assumptions, each from its 5th to its 95th percentile. (A fixed
    # number would move by a spread, which may break a rule: an SPV's amount must equal
    # its equity plus debt.)
    offered = {k.path: T.t(f"dashboard.knob.{k.label}", who=k.who)
               for k in knobs(result.scenario) if numbers[k.path].is_uncertain}
    if not offered:
        st.info(T.t("dashboard.sensitivity.no_params"))
        return
    paths = min(current.paths, MAX_TORNADO_PATHS)
    metric = st.selectbox(T.t("dashboard.sensitivity.metric"), metric_choices(result),
                          key="tornado_metric",
                          format_func=lambda m: metric_name(m, result, T))
    params = tuple(st.multiselect(T.t("dashboard.sensitivity.params"), list(offered),
                                  default=list(offered), key="tornado_params",
                                  format_func=lambda p: f"{offered[p]} · {p}"))
    if not params:
        st.info(T.t("dashboard.sensitivity.no_params"))
        return
    about = T.t("dashboard.sensitivity.about", count=len(params), runs=2 * len(params) + 1,
                paths=T.paths(paths), seed=current.seed)
    if len(params) > MAX_BARS:  # the chart draws only the largest bars
        about += " " + T.t("dashboard.sensitivity.bars", bars=MAX_BARS, count=len(params))
    st.caption(about)
    wanted = (current.key, metric, params, paths, current.seed)
    if st.button(T.t("dashboard.sensitivity.button"), key="tornado_run"):
        bar = st.progress(0.0, text=T.t("dashboard.sensitivity.progress"))

        def progress(done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0),
                         text=T.t("dashboard.sensitivity.progress"))

        cache.sensitivity(current.key, result.scenario, metric, params, paths, current.seed,
                          _progress=progress)
        bar.empty()
        st.session_state[_STATE] = wanted
    if st.session_state.get(_STATE) != wanted:
        st.info(T.t("dashboard.sensitivity.first"))
        return
    found = cache.sensitivity(current.key, result.scenario, metric, params, paths,
                              current.seed)  # cached: returns at once
    figure = tornado_chart(found, lang=T.lang, scenario_sha256=current.key)
    st.plotly_chart(readable_tornado(figure, T, metric_name(metric, result, T), offered,
                                     _baseline(T, metric, found.baseline),
                                     _is_probability(metric)), key="tornado")


def _metric_of(path: str) -> str:
    # ``deals.d.parties.p.moic.p50`` -> ``moic``; ``parties.x.default_probability`` -> itself
    parts = path.split(".")
    return parts[-2] if len(parts) > 1 and parts[-1] == "p50" else parts[-1]


def _is_probability(path: str) -> bool:
    # a probability or a share (market share, self-funded share): a number in [0, 1]
    name = _metric_of(path)
    return name.endswith("_probability") or "share" in name


def _baseline(T: Catalogue, metric: str, value: Any) -> str | None:
    # a probability or share to 0.1 point, as on the Overview; any other metric in its unit
    from .shares import probability_text

    if value is None:
        return None
    if _is_probability(metric):
        return probability_text(T, float(value))
    return T.path_value(metric, float(value))
