"""Sensitivity: a tornado of one metric over the uncertain key assumptions, run on demand
(it takes two runs per assumption), with the same seed for every run (common random
numbers)."""

from __future__ import annotations

import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.assumptions import knobs
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import tornado_chart
from chipcredit.report.i18n import Catalogue

__all__ = ["MAX_TORNADO_PATHS", "draw", "metric_choices"]

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
                          key="tornado_metric")
    params = tuple(st.multiselect(T.t("dashboard.sensitivity.params"), list(offered),
                                  default=list(offered), key="tornado_params",
                                  format_func=lambda p: f"{offered[p]} · {p}"))
    if not params:
        st.info(T.t("dashboard.sensitivity.no_params"))
        return
    st.caption(T.t("dashboard.sensitivity.about", count=len(params), runs=2 * len(params) + 1,
                   paths=T.paths(paths), seed=current.seed))
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
    st.plotly_chart(tornado_chart(found, lang=T.lang, scenario_sha256=current.key),
                    key="tornado")
